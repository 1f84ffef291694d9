//! `strongroom seed FILE` and `strongroom serve --seed FILE`: keys with fixed key ids, given
//! material, descriptions, aliases and rotation settings from a YAML or JSON file, created
//! idempotently through the core's `Keystore::seed_key` (docs/seed.md). Also reads local-kms's
//! seed layout (`Keys: {Symmetric: {Aes: [...]}}`).

use crate::errors::{CliError, CliResult};
use crate::obj;
use crate::output::Doc;
use serde::Deserialize;
use serde_json::json;
use std::path::Path;
use strongroom::{Keystore, SeedKey};
use zeroize::{Zeroize, Zeroizing};

/// Largest seed file read, in bytes.
const MAX_SEED_FILE: u64 = 16 << 20;

/// A seed file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    /// A list (strongroom's layout) or a mapping (local-kms's), told apart before decoding so
    /// that an error names the field at fault.
    #[serde(rename = "Keys", default)]
    keys: serde_json::Value,
    #[serde(rename = "Aliases", default)]
    aliases: Vec<AliasDoc>,
}

/// One key, in strongroom's layout.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct KeyDoc {
    key_id: String,
    #[serde(default)]
    description: String,
    /// Hex, 64 digits per version, oldest first.
    #[serde(default)]
    key_material: Vec<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    key_rotation_enabled: bool,
    rotation_period_in_days: Option<u32>,
    #[serde(default)]
    aliases: Vec<String>,
}

fn yes() -> bool {
    true
}

/// local-kms's `Keys:` mapping (symmetric keys only).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct LocalKmsKeys {
    #[serde(default)]
    symmetric: Option<LocalKmsSymmetric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct LocalKmsSymmetric {
    aes: Vec<LocalKmsKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct LocalKmsKey {
    metadata: LocalKmsMetadata,
    #[serde(default)]
    backing_keys: Vec<String>,
    /// Turns automatic rotation on (with the default period; the date itself is not kept).
    next_key_rotation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct LocalKmsMetadata {
    key_id: String,
    #[serde(default)]
    description: String,
    /// Only `AWS_KMS` (seeded `EXTERNAL` keys are not supported).
    origin: Option<String>,
}

/// An alias, as both layouts write it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct AliasDoc {
    alias_name: String,
    target_key_id: String,
}

impl Drop for KeyDoc {
    fn drop(&mut self) {
        self.key_material.iter_mut().for_each(Zeroize::zeroize);
    }
}

impl Drop for LocalKmsKey {
    fn drop(&mut self) {
        self.backing_keys.iter_mut().for_each(Zeroize::zeroize);
    }
}

/// A key to seed, with its material decoded.
struct Planned {
    key_id: String,
    description: String,
    material: Vec<Zeroizing<Vec<u8>>>,
    disabled: bool,
    rotation_period_days: Option<u32>,
}

/// What a seed file asks for: keys, then (alias name, target) pairs.
struct Plan {
    keys: Vec<Planned>,
    aliases: Vec<(String, String)>,
}

/// Reads and checks the whole file before anything is created.
fn plan(path: &Path) -> CliResult<Plan> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path.display(), e))?;
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_SEED_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| CliError::io(path.display(), e))?;
    if text.len() as u64 > MAX_SEED_FILE {
        return Err(CliError::BadInput(format!(
            "seed file {} is larger than {MAX_SEED_FILE} bytes",
            path.display()
        )));
    }
    let doc: SeedFile = serde_saphyr::from_str(&text)
        .map_err(|e| CliError::BadInput(format!("seed file {}: {e}", path.display())))?;
    let bad = |e: serde_json::Error| {
        CliError::BadInput(format!("seed file {}: Keys: {e}", path.display()))
    };
    let mut keys = Vec::new();
    let mut aliases = Vec::new();
    match doc.keys {
        serde_json::Value::Null => {}
        list @ serde_json::Value::Array(_) => {
            let list: Vec<KeyDoc> = serde_json::from_value(list).map_err(bad)?;
            for k in &list {
                let rotation = match (k.key_rotation_enabled, k.rotation_period_in_days) {
                    (true, p) => Some(p.unwrap_or(strongroom::DEFAULT_ROTATION_PERIOD_DAYS)),
                    (false, None) => None,
                    (false, Some(_)) => {
                        return Err(CliError::BadInput(format!(
                            "seed key {}: RotationPeriodInDays needs KeyRotationEnabled: true",
                            k.key_id
                        )));
                    }
                };
                keys.push(Planned {
                    key_id: k.key_id.clone(),
                    description: k.description.clone(),
                    material: decode(&k.key_id, &k.key_material)?,
                    disabled: !k.enabled,
                    rotation_period_days: rotation,
                });
                aliases.extend(k.aliases.iter().map(|a| (a.clone(), k.key_id.clone())));
            }
        }
        map => {
            let l: LocalKmsKeys = serde_json::from_value(map).map_err(bad)?;
            for k in l.symmetric.iter().flat_map(|s| &s.aes) {
                let m = &k.metadata;
                if let Some(origin) = m.origin.as_deref().filter(|o| *o != "AWS_KMS") {
                    return Err(CliError::BadInput(format!(
                        "seed key {}: Origin {origin} is not supported in a seed (only AWS_KMS)",
                        m.key_id
                    )));
                }
                keys.push(Planned {
                    key_id: m.key_id.clone(),
                    description: m.description.clone(),
                    material: decode(&m.key_id, &k.backing_keys)?,
                    disabled: false,
                    rotation_period_days: k
                        .next_key_rotation
                        .as_ref()
                        .map(|_| strongroom::DEFAULT_ROTATION_PERIOD_DAYS),
                });
            }
        }
    }
    aliases.extend(
        doc.aliases
            .iter()
            .map(|a| (a.alias_name.clone(), a.target_key_id.clone())),
    );
    Ok(Plan { keys, aliases })
}

/// Decodes hex key material (either case), never echoing it in an error.
fn decode(key_id: &str, hex: &[String]) -> CliResult<Vec<Zeroizing<Vec<u8>>>> {
    hex.iter()
        .enumerate()
        .map(|(i, h)| {
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(h.trim().as_bytes())
                .map(Zeroizing::new)
                .map_err(|_| {
                    CliError::BadInput(format!(
                        "seed key {key_id}: key material {} is not hex ({} characters)",
                        i + 1,
                        h.len()
                    ))
                })
        })
        .collect()
}

/// Seeds `ks` from the file at `path`; returns what was created and what was already there.
pub fn apply(ks: &Keystore, path: &Path) -> CliResult<Doc> {
    let Plan { keys, aliases } = plan(path)?;
    let mut key_out = Vec::new();
    for k in &keys {
        let material: Vec<&[u8]> = k.material.iter().map(|m| m.as_slice()).collect();
        let created = ks.seed_key(&SeedKey {
            key_id: &k.key_id,
            description: &k.description,
            material: &material,
            disabled: k.disabled,
            rotation_period_days: k.rotation_period_days,
        })?;
        key_out.push(json!({"KeyId": k.key_id, "Created": created.is_some()}));
    }
    let mut alias_out = Vec::new();
    for (name, target) in &aliases {
        let created = match ks.create_alias(name, target) {
            Ok(()) => true,
            Err(strongroom::Error::AlreadyExists(_)) => false,
            Err(e) => return Err(e.into()),
        };
        alias_out.push(json!({"AliasName": name, "TargetKeyId": target, "Created": created}));
    }
    Ok(obj!["Keys" => json!(key_out), "Aliases" => json!(alias_out)])
}

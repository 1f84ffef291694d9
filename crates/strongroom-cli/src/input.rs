//! Parameter values as the AWS CLI reads them: `fileb://PATH` for raw bytes, `file://PATH` for
//! text, otherwise the literal value (base64 for binary parameters, as AWS CLI v2 does), and `-`
//! for standard input. The encryption context is `k=v,k2=v2` or a JSON object.

use crate::errors::{CliError, CliResult};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::collections::BTreeMap;
use std::io::Read;
use strongroom::{EncryptionContext, Tag, Timestamp};
use zeroize::Zeroizing;

/// `--cli-binary-format`: how a literal (or `file://`) binary parameter is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum BinaryFormat {
    /// Base64 text, decoded (AWS CLI v2's default).
    #[default]
    Base64,
    /// The text's own bytes, unencoded (AWS CLI v1's behaviour).
    RawInBase64Out,
}

static BINARY_FORMAT: std::sync::OnceLock<BinaryFormat> = std::sync::OnceLock::new();

/// Sets `--cli-binary-format` for this process (once, before any parameter is read).
pub fn set_binary_format(f: BinaryFormat) {
    let _ = BINARY_FORMAT.set(f);
}

/// Reads a binary parameter (`--plaintext`, `--ciphertext-blob`): `fileb://PATH` raw bytes,
/// `file://PATH` base64 text in a file, `-` raw bytes from standard input, else base64 text
/// (with `--cli-binary-format raw-in-base64-out`, the text's own bytes in both text forms).
pub fn blob(name: &str, value: &str) -> CliResult<Zeroizing<Vec<u8>>> {
    if let Some(path) = value.strip_prefix("fileb://") {
        return std::fs::read(path)
            .map(Zeroizing::new)
            .map_err(|e| CliError::io(format!("--{name} fileb://{path}"), e));
    }
    if value == "-" {
        let mut buf = Zeroizing::new(Vec::new());
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("standard input", e))?;
        return Ok(buf);
    }
    let text = text(name, value)?;
    if BINARY_FORMAT.get().copied().unwrap_or_default() == BinaryFormat::RawInBase64Out {
        return Ok(Zeroizing::new(text.into_bytes()));
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| {
            CliError::BadInput(format!(
                "--{name} is not valid base64; for raw bytes from a file use fileb://PATH"
            ))
        })
}

/// Reads a text parameter: `file://PATH` is the file's contents, anything else is literal.
pub fn text(name: &str, value: &str) -> CliResult<String> {
    match value.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::io(format!("--{name} file://{path}"), e)),
        None => Ok(value.to_string()),
    }
}

/// Parses `--encryption-context`: a JSON object of strings, or `k=v,k2=v2` shorthand (also
/// from `file://PATH`). The core checks the pairs themselves.
pub fn context(name: &str, value: Option<&str>) -> CliResult<Option<EncryptionContext>> {
    let Some(value) = value else { return Ok(None) };
    let raw = text(name, value)?;
    let raw = raw.trim();
    let map: BTreeMap<String, String> = if raw.starts_with('{') {
        serde_json::from_str::<BTreeMap<String, String>>(raw).map_err(|e| {
            CliError::BadInput(format!(
                "--{name} is not a JSON object of strings ({e}); example: {{\"purpose\":\"backup\"}}"
            ))
        })?
    } else {
        let mut map = BTreeMap::new();
        for pair in raw.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                CliError::BadInput(format!(
                    "--{name}: {pair:?} is not KEY=VALUE; example: purpose=backup,team=ops"
                ))
            })?;
            if map.insert(k.to_string(), v.to_string()).is_some() {
                return Err(CliError::BadInput(format!(
                    "--{name}: key {k:?} appears twice; give each key once"
                )));
            }
        }
        map
    };
    Ok(Some(EncryptionContext::from_map(map)?))
}

/// Parses `--tags` as the AWS CLI does: each argument `TagKey=K,TagValue=V` (shorthand), or one
/// argument holding a JSON list of `{"TagKey": ..., "TagValue": ...}` (also from `file://PATH`).
/// The core checks the tags themselves.
pub fn tags(name: &str, values: &[String]) -> CliResult<Vec<Tag>> {
    let mut out = Vec::new();
    for v in values {
        let raw = text(name, v)?;
        let raw = raw.trim();
        if raw.starts_with('[') {
            let bad = || {
                CliError::BadInput(format!(
                    "--{name} is not a JSON list of {{\"TagKey\": \"...\", \"TagValue\": \"...\"}}"
                ))
            };
            let list: Vec<BTreeMap<String, String>> =
                serde_json::from_str(raw).map_err(|_| bad())?;
            for mut t in list {
                let (Some(k), Some(v)) = (t.remove("TagKey"), t.remove("TagValue")) else {
                    return Err(bad());
                };
                if !t.is_empty() {
                    return Err(bad());
                }
                out.push(Tag::new(k, v));
            }
            continue;
        }
        let bad = || {
            CliError::BadInput(format!(
                "--{name}: {raw:?} is not TagKey=K,TagValue=V; example: TagKey=Team,TagValue=ops"
            ))
        };
        let rest = raw.strip_prefix("TagKey=").ok_or_else(bad)?;
        let (key, value) = rest.split_once(",TagValue=").ok_or_else(bad)?;
        out.push(Tag::new(key, value));
    }
    Ok(out)
}

/// Parses an RFC 3339 time (`2026-11-01T00:00:00Z`, offsets and fractions allowed).
pub fn time(name: &str, value: &str) -> CliResult<Timestamp> {
    let t = humantime::parse_rfc3339_weak(value).map_err(|e| {
        CliError::BadInput(format!(
            "--{name} {value:?} is not an RFC 3339 time ({e}); example: 2026-11-01T00:00:00Z"
        ))
    })?;
    let ms = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    };
    Ok(Timestamp::from_unix_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times() {
        let t = time("valid-to", "2026-11-23T18:26:01.5Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T18:26:01.500Z");
        assert_eq!(time("t", "1970-01-01T00:00:00Z").unwrap().unix_millis(), 0);
        assert!(time("t", "yesterday").is_err());
    }

    #[test]
    fn literal_blobs_are_base64() {
        assert_eq!(blob("plaintext", "aGk=").unwrap().as_slice(), b"hi");
        assert!(matches!(
            blob("plaintext", "not base64!"),
            Err(CliError::BadInput(_))
        ));
    }

    #[test]
    fn tags_shorthand_and_json_agree() {
        let a = tags(
            "tags",
            &["TagKey=a,TagValue=1".into(), "TagKey=b,TagValue=".into()],
        )
        .unwrap();
        let b = tags(
            "tags",
            &[r#"[{"TagKey":"a","TagValue":"1"},{"TagKey":"b","TagValue":""}]"#.into()],
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a[1], Tag::new("b", ""));
        assert!(tags("tags", &["a=1".into()]).is_err());
        assert!(tags("tags", &["TagKey=a".into()]).is_err());
        assert!(tags("tags", &[r#"[{"TagKey":"a"}]"#.into()]).is_err());
    }

    #[test]
    fn context_shorthand_and_json_agree() {
        let a = context("encryption-context", Some("a=1,b=2")).unwrap();
        let b = context("encryption-context", Some(r#"{"b":"2","a":"1"}"#)).unwrap();
        assert_eq!(a, b);
        assert!(context("encryption-context", Some("a")).is_err());
        assert!(context("encryption-context", Some("a=1,a=2")).is_err());
        assert!(context("encryption-context", Some("{\"a\":1}")).is_err());
        assert_eq!(context("encryption-context", None).unwrap(), None);
    }
}

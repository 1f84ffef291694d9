//! The key model: specs, usages, origins, states, and the metadata every surface returns.

use crate::clock::Timestamp;
use crate::codec::{Reader, Writer};
use crate::import::{ExpirationModel, MaterialCommitment};
use crate::{Error, Result};
use std::fmt;
use std::str::FromStr;

macro_rules! names {
    ($(#[$m:meta])* $ty:ident { $($(#[$vm:meta])* $var:ident = $code:literal, $name:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $ty { $($(#[$vm])* $var,)+ }

        impl $ty {
            /// The AWS KMS spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$var => $name,)+ }
            }
            #[allow(dead_code)]
            pub(crate) fn code(self) -> u8 {
                match self { $($ty::$var => $code,)+ }
            }
            #[allow(dead_code)]
            pub(crate) fn from_code(c: u8, r: &Reader<'_>) -> Result<Self> {
                match c { $($code => Ok($ty::$var),)+ _ => Err(r.corrupt(concat!("unknown ", stringify!($ty)))) }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $ty {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s {
                    $($name => Ok($ty::$var),)+
                    _ => Err(Error::Validation(format!(
                        concat!("{:?} is not a valid ", stringify!($ty), "; expected one of: {}"),
                        s, [$($name),+].join(", ")))),
                }
            }
        }
    };
}
pub(crate) use names;

names! {
    /// What kind of key material a key holds.
    KeySpec {
        /// AES-256-GCM (XAES-256-GCM blobs).
        SymmetricDefault = 1, "SYMMETRIC_DEFAULT";
        /// HMAC with SHA-256 (not yet supported).
        Hmac256 = 2, "HMAC_256";
        /// HMAC with SHA-384 (not yet supported).
        Hmac384 = 3, "HMAC_384";
        /// HMAC with SHA-512 (not yet supported).
        Hmac512 = 4, "HMAC_512";
        /// ECDSA on P-256 (not yet supported).
        EccNistP256 = 5, "ECC_NIST_P256";
        /// ECDSA on P-384 (not yet supported).
        EccNistP384 = 6, "ECC_NIST_P384";
        /// Ed25519 (not yet supported).
        EccEd25519 = 7, "ECC_ED25519";
    }
}

names! {
    /// What a key may be used for.
    KeyUsage {
        /// Encrypt, decrypt, re-encrypt, data keys.
        EncryptDecrypt = 1, "ENCRYPT_DECRYPT";
        /// MAC generation and verification.
        GenerateVerifyMac = 2, "GENERATE_VERIFY_MAC";
        /// Signing and verification.
        SignVerify = 3, "SIGN_VERIFY";
    }
}

names! {
    /// Where a key's material came from.
    Origin {
        /// Generated inside the keystore.
        Strongroom = 1, "STRONGROOM";
        /// Imported by the caller (BYOK).
        External = 2, "EXTERNAL";
    }
}

names! {
    /// A key's lifecycle state (SPEC section 3).
    KeyState {
        /// Usable for cryptographic operations.
        Enabled = 1, "Enabled";
        /// Refuses cryptographic operations until enabled.
        Disabled = 2, "Disabled";
        /// Waiting out its deletion window; refuses use.
        PendingDeletion = 3, "PendingDeletion";
        /// An `EXTERNAL` key without material yet.
        PendingImport = 4, "PendingImport";
    }
}

names! {
    /// Why a backing-key version exists.
    RotationType {
        /// The key's first material.
        Initial = 0, "INITIAL";
        /// Added by automatic rotation.
        Automatic = 1, "AUTOMATIC";
        /// Added by `rotate_key_on_demand`.
        OnDemand = 2, "ON_DEMAND";
    }
}

names! {
    /// Data key sizes for `generate_data_key`.
    DataKeySpec {
        /// 32 bytes.
        Aes256 = 1, "AES_256";
        /// 16 bytes.
        Aes128 = 2, "AES_128";
    }
}

impl DataKeySpec {
    /// Length of the key in bytes.
    pub fn key_len(self) -> usize {
        match self {
            DataKeySpec::Aes256 => 32,
            DataKeySpec::Aes128 => 16,
        }
    }
}

/// Longest key description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 8192;

/// A key's metadata, as `describe_key` returns it (AWS KMS's `KeyMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyMetadata {
    /// Lowercase hyphenated UUID.
    pub key_id: String,
    /// `arn:strongroom:kms:local:<keystore id>:key/<key_id>`.
    pub arn: String,
    /// Free text, 0 to 8192 characters.
    pub description: String,
    /// Kind of material.
    pub key_spec: KeySpec,
    /// Permitted operations.
    pub key_usage: KeyUsage,
    /// Where the material came from.
    pub origin: Origin,
    /// Lifecycle state.
    pub key_state: KeyState,
    /// True exactly when `key_state` is `Enabled`.
    pub enabled: bool,
    /// When the key was created.
    pub creation_date: Timestamp,
    /// When the key will be destroyed, while `PendingDeletion`.
    pub deletion_date: Option<Timestamp>,
    /// The deletion window, while `PendingDeletion`.
    pub pending_deletion_window_in_days: Option<u32>,
    /// When imported material expires, if it does.
    pub valid_to: Option<Timestamp>,
    /// Whether imported material expires (`None` for keys without imported material).
    pub expiration_model: Option<ExpirationModel>,
}

/// Everything the keystore keeps about a key besides its material (the sealed key record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyRecord {
    pub description: String,
    pub key_spec: KeySpec,
    pub key_usage: KeyUsage,
    pub origin: Origin,
    pub key_state: KeyState,
    pub creation_date: Timestamp,
    /// Newest backing-key version (0: none yet, for a key pending import).
    pub current_version: u32,
    pub deletion_date: Option<Timestamp>,
    pub pending_window_days: Option<u32>,
    pub rotation_period_days: Option<u32>,
    pub next_rotation_date: Option<Timestamp>,
    pub on_demand_rotations: u32,
    pub valid_to: Option<Timestamp>,
    /// Whether the imported material expires, while the key has imported material.
    pub expiration_model: Option<ExpirationModel>,
    /// Keyed commitment to the material first imported into an `EXTERNAL` key, kept for life.
    pub material_commitment: Option<MaterialCommitment>,
}

const KEY_RECORD_VERSION: u8 = 1;

fn opt_ts(w: &mut Writer, t: Option<Timestamp>) {
    w.u8(t.is_some() as u8)
        .i64(t.map_or(0, Timestamp::unix_millis));
}

fn read_present(r: &mut Reader<'_>) -> Result<bool> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(r.corrupt("an optional field's presence byte is not 0 or 1")),
    }
}

fn read_opt_ts(r: &mut Reader<'_>) -> Result<Option<Timestamp>> {
    let present = read_present(r)?;
    let v = r.i64()?;
    Ok(present.then(|| Timestamp::from_unix_millis(v)))
}

fn opt_u32(w: &mut Writer, v: Option<u32>) {
    w.u8(v.is_some() as u8).u32(v.unwrap_or(0));
}

fn read_opt_u32(r: &mut Reader<'_>) -> Result<Option<u32>> {
    let present = read_present(r)?;
    let v = r.u32()?;
    Ok(present.then_some(v))
}

impl KeyRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(KEY_RECORD_VERSION)
            .u8(self.key_spec.code())
            .u8(self.key_usage.code())
            .u8(self.origin.code())
            .u8(self.key_state.code())
            .i64(self.creation_date.unix_millis())
            .u32(self.current_version);
        opt_ts(&mut w, self.deletion_date);
        opt_u32(&mut w, self.pending_window_days);
        opt_u32(&mut w, self.rotation_period_days);
        opt_ts(&mut w, self.next_rotation_date);
        w.u32(self.on_demand_rotations);
        opt_ts(&mut w, self.valid_to);
        w.u8(self.expiration_model.is_some() as u8)
            .u8(self.expiration_model.map_or(0, ExpirationModel::code));
        match &self.material_commitment {
            Some(c) => w.u8(1).bytes(c.bytes()),
            None => w.u8(0).bytes(&[0; 32]),
        };
        w.var(self.description.as_bytes());
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a key record");
        if r.u8()? != KEY_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let key_spec = KeySpec::from_code(r.u8()?, &r)?;
        let key_usage = KeyUsage::from_code(r.u8()?, &r)?;
        let origin = Origin::from_code(r.u8()?, &r)?;
        let key_state = KeyState::from_code(r.u8()?, &r)?;
        let rec = KeyRecord {
            key_spec,
            key_usage,
            origin,
            key_state,
            creation_date: Timestamp::from_unix_millis(r.i64()?),
            current_version: r.u32()?,
            deletion_date: read_opt_ts(&mut r)?,
            pending_window_days: read_opt_u32(&mut r)?,
            rotation_period_days: read_opt_u32(&mut r)?,
            next_rotation_date: read_opt_ts(&mut r)?,
            on_demand_rotations: r.u32()?,
            valid_to: read_opt_ts(&mut r)?,
            expiration_model: {
                let present = read_present(&mut r)?;
                let code = r.u8()?;
                match present {
                    true => Some(ExpirationModel::from_code(code, &r)?),
                    false => None,
                }
            },
            material_commitment: {
                let present = read_present(&mut r)?;
                let c: [u8; 32] = r.array()?;
                present.then(|| MaterialCommitment::from_bytes(c))
            },
            description: String::from_utf8(r.var()?.to_vec())
                .map_err(|_| r.corrupt("description is not UTF-8"))?,
        };
        r.finish()?;
        Ok(rec)
    }
}

/// Checks a description's length.
pub(crate) fn check_description(d: &str) -> Result<()> {
    let n = d.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(Error::Validation(format!(
            "a description may have at most {MAX_DESCRIPTION_CHARS} characters, not {n}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_record_round_trip() {
        let rec = KeyRecord {
            description: "héllo".into(),
            key_spec: KeySpec::SymmetricDefault,
            key_usage: KeyUsage::EncryptDecrypt,
            origin: Origin::External,
            key_state: KeyState::PendingDeletion,
            creation_date: Timestamp::from_unix_millis(12345),
            current_version: 3,
            deletion_date: Some(Timestamp::from_unix_millis(99)),
            pending_window_days: Some(7),
            rotation_period_days: None,
            next_rotation_date: Some(Timestamp::from_unix_millis(-5)),
            on_demand_rotations: 2,
            valid_to: Some(Timestamp::from_unix_millis(7)),
            expiration_model: Some(ExpirationModel::KeyMaterialExpires),
            material_commitment: Some(MaterialCommitment::from_bytes([9; 32])),
        };
        let bytes = rec.encode();
        assert_eq!(KeyRecord::decode(&bytes).unwrap(), rec);
        assert!(KeyRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(KeyRecord::decode(&longer).is_err());
    }

    #[test]
    fn names_parse() {
        assert_eq!(
            "ENCRYPT_DECRYPT".parse::<KeyUsage>().unwrap(),
            KeyUsage::EncryptDecrypt
        );
        assert!("encrypt_decrypt".parse::<KeyUsage>().is_err());
        assert_eq!(KeyState::PendingImport.as_str(), "PendingImport");
    }

    #[test]
    fn description_bound() {
        assert!(check_description(&"é".repeat(8192)).is_ok());
        assert!(check_description(&"é".repeat(8193)).is_err());
    }
}

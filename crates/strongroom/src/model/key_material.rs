//! Key material ids and the names `ListKeyRotations` reports about each backing-key version
//! (AWS KMS `KeyMaterialId`, `IncludeKeyMaterial`, `ImportState`, `KeyMaterialState`).

use crate::model::names::names;
use crate::{Error, Result};
use std::fmt;

/// The id of one backing-key version (AWS KMS `KeyMaterialId`): 64 lowercase hex characters,
/// stable for the version's life and across reopening the keystore. It is an HMAC-SHA-256 of the
/// key id and the version number under a sub-key of the root key (docs/FORMAT.md section 6), so
/// it says nothing about the material. Not a secret.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyMaterialId([u8; 64]);

impl KeyMaterialId {
    /// The id whose 32 bytes are `digest`, in hex.
    pub(crate) fn from_digest(digest: &[u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in digest.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        KeyMaterialId(out)
    }

    /// The 64 hex characters.
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for KeyMaterialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for KeyMaterialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterialId({})", self.as_str())
    }
}

impl std::str::FromStr for KeyMaterialId {
    type Err = Error;
    /// Parses 64 hex characters (either case; kept in lowercase).
    fn from_str(s: &str) -> Result<Self> {
        let b = s.as_bytes();
        if b.len() != 64 || !b.iter().all(u8::is_ascii_hexdigit) {
            return Err(Error::Validation(format!(
                "{s:?} is not a key material id; expected 64 hex characters"
            )));
        }
        let mut out = [0u8; 64];
        out.copy_from_slice(b);
        out.make_ascii_lowercase();
        Ok(KeyMaterialId(out))
    }
}

names! {
    /// Which backing-key versions `list_key_rotations_with` lists (AWS KMS `IncludeKeyMaterial`).
    #[derive(Default)]
    IncludeKeyMaterial {
        /// Only the versions that rotations made (AWS's default).
        #[default]
        RotationsOnly, "ROTATIONS_ONLY";
        /// Every version, the first material included.
        AllKeyMaterial, "ALL_KEY_MATERIAL";
    }
}

names! {
    /// Whether a version of an `EXTERNAL` key's material is in the keystore (AWS KMS
    /// `ImportState`).
    ImportState {
        /// Imported and usable.
        Imported, "IMPORTED";
        /// Deleted or expired; the key waits for the same material again.
        PendingImport, "PENDING_IMPORT";
    }
}

names! {
    /// Whether a version is the one new blobs are made under (AWS KMS `KeyMaterialState`).
    KeyMaterialState {
        /// Encrypts and decrypts.
        Current, "CURRENT";
        /// Only decrypts blobs made under it.
        NonCurrent, "NON_CURRENT";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_64_lowercase_hex_characters() {
        let id = KeyMaterialId::from_digest(&[0xab; 32]);
        assert_eq!(id.as_str(), "ab".repeat(32));
        assert_eq!(id.to_string().parse::<KeyMaterialId>().unwrap(), id);
        assert_eq!("AB".repeat(32).parse::<KeyMaterialId>().unwrap(), id);
        for bad in [
            "ab".repeat(31),
            "ab".repeat(33),
            format!("{}zz", "ab".repeat(31)),
        ] {
            assert!(matches!(
                bad.parse::<KeyMaterialId>(),
                Err(Error::Validation(_))
            ));
        }
    }

    #[test]
    fn include_key_material_defaults_to_rotations_only() {
        assert_eq!(
            IncludeKeyMaterial::default(),
            IncludeKeyMaterial::RotationsOnly
        );
        assert_eq!(
            "ALL_KEY_MATERIAL".parse::<IncludeKeyMaterial>().unwrap(),
            IncludeKeyMaterial::AllKeyMaterial
        );
    }
}

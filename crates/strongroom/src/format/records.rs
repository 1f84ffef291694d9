//! Sealed records: every value in the keystore's tables is `nonce || XAES-256-GCM(record key)`,
//! bound through its associated data to the keystore, the record kind, the key id, the version and
//! (for aliases) the name, so a record moved anywhere else fails to open (docs/FORMAT.md).

use crate::clock::Timestamp;
use crate::codec::{Reader, Writer};
use crate::model::RotationType;
use crate::secret::Key256;
use crate::xaes::{NONCE_LEN, TAG_LEN, XaesKey};
use crate::{Error, Result};
use zeroize::Zeroizing;

/// What a sealed record holds; part of its associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    Key = 1,
    Version = 2,
    Alias = 3,
    /// The RSA private key behind an import token (docs/FORMAT.md).
    WrappingKey = 4,
}

/// Where a record belongs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot<'a> {
    pub kind: Kind,
    pub key_id: u128,
    pub version: u32,
    pub name: &'a str,
}

impl<'a> Slot<'a> {
    pub fn key(key_id: u128) -> Self {
        Slot {
            kind: Kind::Key,
            key_id,
            version: 0,
            name: "",
        }
    }
    pub fn version(key_id: u128, version: u32) -> Self {
        Slot {
            kind: Kind::Version,
            key_id,
            version,
            name: "",
        }
    }
    pub fn alias(name: &'a str) -> Self {
        Slot {
            kind: Kind::Alias,
            key_id: 0,
            version: 0,
            name,
        }
    }
    /// The wrapping key of import token `token_id` (its UUID text) for key `key_id`.
    pub fn wrapping_key(key_id: u128, token_id: &'a str) -> Self {
        Slot {
            kind: Kind::WrappingKey,
            key_id,
            version: 0,
            name: token_id,
        }
    }

    fn describe(&self) -> String {
        match self.kind {
            Kind::Key => format!("the record of key {}", uuid::Uuid::from_u128(self.key_id)),
            Kind::Version => format!(
                "version {} of key {}",
                self.version,
                uuid::Uuid::from_u128(self.key_id)
            ),
            Kind::Alias => format!("the record of alias {}", self.name),
            Kind::WrappingKey => format!(
                "the wrapping key of import token {} of key {}",
                self.name,
                uuid::Uuid::from_u128(self.key_id)
            ),
        }
    }
}

/// The key that seals records, derived from the root key.
pub(crate) struct RecordSealer {
    keystore_id: u128,
    key: XaesKey,
}

impl RecordSealer {
    pub fn new(keystore_id: u128, root: &Key256) -> Self {
        let sub = crate::header::subkey(root, keystore_id, b"strongroom record key v1");
        RecordSealer {
            keystore_id,
            key: XaesKey::new(sub.bytes()),
        }
    }

    fn aad(&self, slot: &Slot<'_>) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(&self.keystore_id.to_be_bytes())
            .u8(slot.kind as u8)
            .bytes(&slot.key_id.to_be_bytes())
            .u32(slot.version)
            .bytes(slot.name.as_bytes());
        w.0
    }

    pub fn seal(&self, slot: &Slot<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce: [u8; NONCE_LEN] = crate::rand::array()?;
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let tag = self
            .key
            .seal(&nonce, &self.aad(slot), &mut out[NONCE_LEN..]);
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens a record; a record that does not authenticate here is `Corrupt`.
    pub fn open(&self, slot: &Slot<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let fail = || {
            Error::Corrupt(format!(
                "{} failed authentication: the keystore file was damaged or tampered with \
                 (a record moved from another key, version or keystore); restore it from a backup",
                slot.describe()
            ))
        };
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(fail());
        }
        let nonce: [u8; NONCE_LEN] = sealed[..NONCE_LEN].try_into().expect("24");
        let mut buf = Zeroizing::new(sealed[NONCE_LEN..].to_vec());
        let len = self
            .key
            .open(&nonce, &self.aad(slot), &mut buf)
            .ok_or_else(fail)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

/// A backing-key version's sealed content.
pub(crate) struct VersionRecord {
    pub created: Timestamp,
    pub rotation_type: RotationType,
    pub material: Key256,
}

const VERSION_RECORD_VERSION: u8 = 1;

impl VersionRecord {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer(Vec::with_capacity(1 + 8 + 1 + 32));
        w.u8(VERSION_RECORD_VERSION)
            .i64(self.created.unix_millis())
            .u8(self.rotation_type.code())
            .bytes(self.material.bytes());
        Zeroizing::new(w.0)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a key version record");
        if r.u8()? != VERSION_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let created = Timestamp::from_unix_millis(r.i64()?);
        let rotation_type = RotationType::from_code(r.u8()?, &r)?;
        let raw = r.take(32)?;
        let material = Key256::init_with(|k| k.copy_from_slice(raw));
        r.finish()?;
        Ok(VersionRecord {
            created,
            rotation_type,
            material,
        })
    }
}

/// An alias's sealed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AliasRecord {
    pub target: u128,
    pub creation_date: Timestamp,
    pub last_updated_date: Timestamp,
}

const ALIAS_RECORD_VERSION: u8 = 1;

impl AliasRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(ALIAS_RECORD_VERSION)
            .bytes(&self.target.to_be_bytes())
            .i64(self.creation_date.unix_millis())
            .i64(self.last_updated_date.unix_millis());
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "an alias record");
        if r.u8()? != ALIAS_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let rec = AliasRecord {
            target: u128::from_be_bytes(r.array()?),
            creation_date: Timestamp::from_unix_millis(r.i64()?),
            last_updated_date: Timestamp::from_unix_millis(r.i64()?),
        };
        r.finish()?;
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_bound_to_their_slot() {
        let root = Key256::init_with(|k| k.fill(4));
        let s = RecordSealer::new(7, &root);
        let sealed = s.seal(&Slot::version(1, 1), b"material").unwrap();
        assert_eq!(
            &s.open(&Slot::version(1, 1), &sealed).unwrap()[..],
            b"material"
        );
        for other in [
            Slot::version(2, 1),
            Slot::version(1, 2),
            Slot::key(1),
            Slot::alias("alias/x"),
            Slot::wrapping_key(1, "00000000-0000-4000-8000-000000000001"),
        ] {
            assert!(matches!(s.open(&other, &sealed), Err(Error::Corrupt(_))));
        }
        let other_store = RecordSealer::new(8, &root);
        assert!(other_store.open(&Slot::version(1, 1), &sealed).is_err());
        let a = s.seal(&Slot::alias("alias/a"), b"x").unwrap();
        assert!(s.open(&Slot::alias("alias/b"), &a).is_err());
    }
}

//! Sealed records: every value in the keystore's tables is `nonce || XAES-256-GCM(record key)`,
//! bound through its associated data to the keystore, the record kind, the key id, the version and
//! (for aliases) the name, so a record moved anywhere else fails to open (docs/FORMAT.md section 7).
//! The records: key, backing-key version, alias, import wrapping key; key policies and grants
//! (their content is `format::access`); user and access key (`format::iam_records`).

use crate::crypto::random;
use crate::crypto::secret::Key256;
use crate::crypto::subkey::{RECORD_INFO, subkey};
use crate::crypto::xaes::{NONCE_LEN, TAG_LEN, XaesKey};
use crate::format::codec::{Reader, Writer};
use crate::model::clock::Timestamp;
use crate::model::import::{ExpirationModel, WrappingAlgorithm, WrappingKeySpec};
use crate::model::key::{KeyRecord, MaterialCommitment, RotationType};
use crate::model::names::Coded;
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
    /// A key's policy (`format::access`).
    Policy = 20,
    /// A grant on a key (`format::access`).
    Grant = 21,
    /// A user (`format::iam_records`).
    User = 5,
    /// An access key and its secret (`format::iam_records`).
    AccessKey = 6,
    /// A named secret's record (docs/FORMAT.md section 13). Codes from 10 on are secrets'.
    Secret = 10,
    /// One version of a named secret: its envelope-encrypted value.
    SecretVersion = 11,
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

    /// The policy of key `key_id`.
    pub fn policy(key_id: u128) -> Self {
        Slot {
            kind: Kind::Policy,
            key_id,
            version: 0,
            name: "",
        }
    }

    /// Grant `grant_id` (its hexadecimal text) on key `key_id`.
    pub fn grant(key_id: u128, grant_id: &'a str) -> Self {
        Slot {
            kind: Kind::Grant,
            key_id,
            version: 0,
            name: grant_id,
        }
    }

    /// The user whose table key (lowercase name) is `user_key`.
    pub fn user(user_key: &'a str) -> Self {
        Slot {
            kind: Kind::User,
            key_id: 0,
            version: 0,
            name: user_key,
        }
    }
    /// The access key `access_key_id`.
    pub fn access_key(access_key_id: &'a str) -> Self {
        Slot {
            kind: Kind::AccessKey,
            key_id: 0,
            version: 0,
            name: access_key_id,
        }
    }

    /// The record of secret `secret_id`.
    pub fn secret(secret_id: u128) -> Self {
        Slot {
            kind: Kind::Secret,
            key_id: secret_id,
            version: 0,
            name: "",
        }
    }

    /// Version `version_id` of secret `secret_id`.
    pub fn secret_version(secret_id: u128, version_id: &'a str) -> Self {
        Slot {
            kind: Kind::SecretVersion,
            key_id: secret_id,
            version: 0,
            name: version_id,
        }
    }

    fn describe(&self) -> String {
        match self.kind {
            Kind::Policy => format!("the policy of key {}", uuid::Uuid::from_u128(self.key_id)),
            Kind::Grant => format!(
                "grant {} of key {}",
                self.name,
                uuid::Uuid::from_u128(self.key_id)
            ),
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
            Kind::User => format!("the record of user {}", self.name),
            Kind::AccessKey => format!("the record of access key {}", self.name),
            Kind::Secret => format!("the record of secret {:032x}", self.key_id),
            Kind::SecretVersion => format!("version {} of secret {:032x}", self.name, self.key_id),
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
        let sub = subkey(root, keystore_id, RECORD_INFO);
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
        let nonce: [u8; NONCE_LEN] = random::array()?;
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

/// A version's key material: the 32 bytes of a symmetric key, or the variable-length material of
/// an asymmetric key (PKCS#8 v1 DER of the private key) or an HMAC key (the raw key).
pub(crate) enum Material {
    Symmetric(Key256),
    Bytes(Zeroizing<Vec<u8>>),
}

impl Material {
    /// The material's bytes (what the keyed commitment of imported material is made over).
    pub fn bytes(&self) -> &[u8] {
        match self {
            Material::Symmetric(k) => k.bytes(),
            Material::Bytes(b) => b,
        }
    }
}

/// A backing-key version's sealed content.
pub(crate) struct VersionRecord {
    pub created: Timestamp,
    pub rotation_type: RotationType,
    pub material: Material,
}

/// Version 1 holds 32 bytes of symmetric material; version 2 (asymmetric and HMAC keys) a
/// length-prefixed byte string (docs/FORMAT.md section 7).
const VERSION_RECORD_VERSION: u8 = 1;
const VERSION_RECORD_VERSION_VAR: u8 = 2;

impl VersionRecord {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let version = match &self.material {
            Material::Symmetric(_) => VERSION_RECORD_VERSION,
            Material::Bytes(_) => VERSION_RECORD_VERSION_VAR,
        };
        let bytes = self.material.bytes();
        // Allocated once at its final size: it holds the material.
        let mut w = Writer(Vec::with_capacity(1 + 8 + 1 + 4 + bytes.len()));
        w.u8(version)
            .i64(self.created.unix_millis())
            .u8(self.rotation_type.code());
        match version {
            VERSION_RECORD_VERSION => w.bytes(bytes),
            _ => w.var(bytes),
        };
        Zeroizing::new(w.0)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a key version record");
        let version = r.u8()?;
        if version != VERSION_RECORD_VERSION && version != VERSION_RECORD_VERSION_VAR {
            return Err(r.corrupt("unknown record version"));
        }
        let created = Timestamp::from_unix_millis(r.i64()?);
        let rotation_type = r.code::<RotationType>()?;
        let material = if version == VERSION_RECORD_VERSION {
            let raw = r.take(32)?;
            Material::Symmetric(Key256::init_with(|k| k.copy_from_slice(raw)))
        } else {
            Material::Bytes(Zeroizing::new(r.var()?.to_vec()))
        };
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

/// Version 1: no tags. Version 2 (written when the key has tags): the tags follow the
/// description. A key without tags is still written as version 1, byte for byte as before.
const KEY_RECORD_VERSION: u8 = 1;
const KEY_RECORD_VERSION_TAGS: u8 = 2;
/// Version 2's layout (its tag count may be 0), then the imported material's description.
const KEY_RECORD_VERSION_MATERIAL_DESCRIPTION: u8 = 3;

pub(crate) fn opt_ts(w: &mut Writer, t: Option<Timestamp>) {
    w.u8(t.is_some() as u8)
        .i64(t.map_or(0, Timestamp::unix_millis));
}

pub(crate) fn read_present(r: &mut Reader<'_>) -> Result<bool> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(r.corrupt("an optional field's presence byte is not 0 or 1")),
    }
}

pub(crate) fn read_opt_ts(r: &mut Reader<'_>) -> Result<Option<Timestamp>> {
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
        // The oldest version that holds the record, so records without the newer fields are
        // written byte for byte as before them.
        let version = if self.material_description.is_some() {
            KEY_RECORD_VERSION_MATERIAL_DESCRIPTION
        } else if !self.tags.is_empty() {
            KEY_RECORD_VERSION_TAGS
        } else {
            KEY_RECORD_VERSION
        };
        w.u8(version)
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
        if version != KEY_RECORD_VERSION {
            w.u32(self.tags.len() as u32);
            for (k, v) in &self.tags {
                w.var(k.as_bytes()).var(v.as_bytes());
            }
        }
        if let Some(d) = &self.material_description {
            w.var(d.as_bytes());
        }
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a key record");
        let version = r.u8()?;
        if !matches!(
            version,
            KEY_RECORD_VERSION | KEY_RECORD_VERSION_TAGS | KEY_RECORD_VERSION_MATERIAL_DESCRIPTION
        ) {
            return Err(r.corrupt("unknown record version"));
        }
        let key_spec = r.code()?;
        let key_usage = r.code()?;
        let origin = r.code()?;
        let key_state = r.code()?;
        let mut rec = KeyRecord {
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
                    true => Some(
                        ExpirationModel::from_code(code)
                            .ok_or_else(|| r.corrupt("unknown ExpirationModel"))?,
                    ),
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
            tags: Default::default(),
            material_description: None,
        };
        if version != KEY_RECORD_VERSION {
            let n = r.u32()?;
            if n == 0 && version == KEY_RECORD_VERSION_TAGS {
                return Err(r.corrupt("a version 2 key record without tags"));
            }
            for _ in 0..n {
                let text = |r: &mut Reader<'_>| {
                    String::from_utf8(r.var()?.to_vec())
                        .map_err(|_| r.corrupt("a tag is not UTF-8"))
                };
                let k = text(&mut r)?;
                let v = text(&mut r)?;
                if rec.tags.insert(k, v).is_some() {
                    return Err(r.corrupt("a tag key appears twice"));
                }
            }
        }
        if version == KEY_RECORD_VERSION_MATERIAL_DESCRIPTION {
            rec.material_description = Some(
                String::from_utf8(r.var()?.to_vec())
                    .map_err(|_| r.corrupt("the material description is not UTF-8"))?,
            );
        }
        r.finish()?;
        Ok(rec)
    }
}

const WRAPPING_RECORD_VERSION: u8 = 1;

/// A wrapping key's sealed content (record kind 4).
pub(crate) struct WrappingKeyRecord<'a> {
    pub valid_to: Timestamp,
    pub algorithm: WrappingAlgorithm,
    pub spec: WrappingKeySpec,
    /// PKCS#8 v1 DER of the RSA private key.
    pub private_key: &'a [u8],
}

pub(crate) fn encode_wrapping_record(
    created: Timestamp,
    valid_to: Timestamp,
    algorithm: WrappingAlgorithm,
    spec: WrappingKeySpec,
    private_key: &[u8],
) -> Zeroizing<Vec<u8>> {
    // Allocated once at its final size: it holds the private key.
    let mut w = Writer(Vec::with_capacity(
        1 + 8 + 8 + 1 + 1 + 4 + private_key.len(),
    ));
    w.u8(WRAPPING_RECORD_VERSION)
        .i64(created.unix_millis())
        .i64(valid_to.unix_millis())
        .u8(algorithm.code())
        .u8(spec.code())
        .var(private_key);
    Zeroizing::new(w.0)
}

impl<'a> WrappingKeyRecord<'a> {
    pub fn decode(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a wrapping-key record");
        if r.u8()? != WRAPPING_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let _created = r.i64()?;
        let rec = WrappingKeyRecord {
            valid_to: Timestamp::from_unix_millis(r.i64()?),
            algorithm: r.code()?,
            spec: r.code()?,
            private_key: r.var()?,
        };
        r.finish()?;
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::key::{KeySpec, KeyState, KeyUsage, Origin};

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
            Slot::policy(1),
            Slot::grant(1, "ab"),
            Slot::user("alice"),
            Slot::access_key("AKIAAAAAAAAAAAAAAAAA"),
        ] {
            assert!(matches!(s.open(&other, &sealed), Err(Error::Corrupt(_))));
        }
        let other_store = RecordSealer::new(8, &root);
        assert!(other_store.open(&Slot::version(1, 1), &sealed).is_err());
        let a = s.seal(&Slot::alias("alias/a"), b"x").unwrap();
        assert!(s.open(&Slot::alias("alias/b"), &a).is_err());
    }

    #[test]
    fn version_records_of_both_kinds_round_trip() {
        let sym = VersionRecord {
            created: Timestamp::from_unix_millis(5),
            rotation_type: RotationType::OnDemand,
            material: Material::Symmetric(Key256::init_with(|k| k.fill(3))),
        };
        let bytes = sym.encode();
        assert_eq!((bytes[0], bytes.len()), (1, 1 + 8 + 1 + 32));
        let back = VersionRecord::decode(&bytes).unwrap();
        assert!(matches!(back.material, Material::Symmetric(k) if k.bytes() == &[3; 32]));
        let var = VersionRecord {
            created: Timestamp::from_unix_millis(5),
            rotation_type: RotationType::Initial,
            material: Material::Bytes(Zeroizing::new(b"pkcs8 der".to_vec())),
        };
        let bytes = var.encode();
        assert_eq!(bytes[0], 2);
        let back = VersionRecord::decode(&bytes).unwrap();
        assert!(matches!(back.material, Material::Bytes(b) if b.as_slice() == b"pkcs8 der"));
        assert!(VersionRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut v3 = bytes.to_vec();
        v3[0] = 3;
        assert!(VersionRecord::decode(&v3).is_err());
    }

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
            tags: Default::default(),
            material_description: None,
        };
        let bytes = rec.encode();
        assert_eq!(bytes[0], 1, "a key without tags is written as version 1");
        assert_eq!(KeyRecord::decode(&bytes).unwrap(), rec);
        assert!(KeyRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(KeyRecord::decode(&longer).is_err());

        let mut tagged = rec.clone();
        tagged.tags.insert("Team".into(), "blue".into());
        tagged.tags.insert("empty".into(), String::new());
        let v2 = tagged.encode();
        assert_eq!(v2[0], 2);
        assert_eq!(
            &v2[1..bytes.len()],
            &bytes[1..],
            "version 2 extends version 1"
        );
        assert_eq!(KeyRecord::decode(&v2).unwrap(), tagged);
        assert!(KeyRecord::decode(&v2[..v2.len() - 1]).is_err());
        // A version 2 record that claims no tags is not one the encoder writes.
        let mut empty = bytes.clone();
        empty[0] = 2;
        empty.extend_from_slice(&0u32.to_le_bytes());
        assert!(KeyRecord::decode(&empty).is_err());

        // Version 3: version 2's layout (tag count 0 allowed), then the material description.
        let mut described = rec.clone();
        described.material_description = Some("HSM export 2026".into());
        let v3 = described.encode();
        assert_eq!(v3[0], 3);
        assert_eq!(
            &v3[1..bytes.len()],
            &bytes[1..],
            "version 3 extends version 1"
        );
        assert_eq!(&v3[bytes.len()..bytes.len() + 4], &0u32.to_le_bytes());
        assert_eq!(KeyRecord::decode(&v3).unwrap(), described);
        assert!(KeyRecord::decode(&v3[..v3.len() - 1]).is_err());
        let mut both = tagged.clone();
        both.material_description = Some(String::new());
        let v3_tags = both.encode();
        assert_eq!(v3_tags[0], 3);
        assert_eq!(
            &v3_tags[1..v2.len()],
            &v2[1..],
            "version 3 extends version 2"
        );
        assert_eq!(KeyRecord::decode(&v3_tags).unwrap(), both);
        let mut bad_utf8 = v3.clone();
        *bad_utf8.last_mut().unwrap() = 0xff;
        assert!(KeyRecord::decode(&bad_utf8).is_err());
        let mut v4 = v3.clone();
        v4[0] = 4;
        assert!(KeyRecord::decode(&v4).is_err());
    }

    #[test]
    fn wrapping_record_round_trip() {
        let plain = encode_wrapping_record(
            Timestamp::from_unix_millis(1),
            Timestamp::from_unix_millis(2),
            WrappingAlgorithm::RsaesOaepSha1,
            WrappingKeySpec::Rsa4096,
            b"der",
        );
        let rec = WrappingKeyRecord::decode(&plain).unwrap();
        assert_eq!(rec.valid_to, Timestamp::from_unix_millis(2));
        assert_eq!(rec.algorithm, WrappingAlgorithm::RsaesOaepSha1);
        assert_eq!(rec.spec, WrappingKeySpec::Rsa4096);
        assert_eq!(rec.private_key, b"der");
        assert!(WrappingKeyRecord::decode(&plain[..plain.len() - 1]).is_err());
    }
}

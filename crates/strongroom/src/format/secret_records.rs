//! The sealed records of named secrets (docs/FORMAT.md section 13): a secret's record (its
//! metadata, tags and versions with their staging labels) and one record per version (its value,
//! envelope-encrypted under the secret's KMS key). Both are sealed like every record
//! (`format::records`), bound to their slot: the secret id, and for a version its id.

use crate::Result;
use crate::crypto::xaes::{NONCE_LEN, TAG_LEN};
use crate::format::codec::{Reader, Writer};
use crate::format::records::{opt_ts, read_opt_ts, read_present};
use crate::model::clock::Timestamp;
use crate::model::secret::{SecretRecord, Tag, VersionMeta};

/// Version 1; version 2 adds, at the end, the days the secret and each version were last read,
/// then the resource policy (written only once there is one of them, so a secret never read and
/// without a policy keeps its version-1 record).
const SECRET_RECORD_VERSION: u8 = 1;
const SECRET_RECORD_VERSION_ACCESSED: u8 = 2;
const SECRET_VERSION_RECORD_VERSION: u8 = 1;

fn text(r: &mut Reader<'_>, what: &str) -> Result<String> {
    let raw = r.var()?;
    String::from_utf8(raw.to_vec()).map_err(|_| r.corrupt(&format!("{what} is not UTF-8")))
}

impl SecretRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        let extended = self.policy.is_some()
            || self.last_accessed.is_some()
            || self.versions.iter().any(|v| v.last_accessed.is_some());
        let version = match extended {
            true => SECRET_RECORD_VERSION_ACCESSED,
            false => SECRET_RECORD_VERSION,
        };
        w.u8(version)
            .var(self.name.as_bytes())
            .var(self.suffix.as_bytes());
        w.u8(self.description.is_some() as u8)
            .var(self.description.as_deref().unwrap_or("").as_bytes());
        w.u8(self.kms_key.is_some() as u8)
            .bytes(&self.kms_key.unwrap_or(0).to_be_bytes());
        w.i64(self.created.unix_millis())
            .i64(self.last_changed.unix_millis());
        opt_ts(&mut w, self.deletion_date);
        w.u32(self.tags.len() as u32);
        for t in &self.tags {
            w.var(t.key.as_bytes()).var(t.value.as_bytes());
        }
        w.u32(self.versions.len() as u32);
        for v in &self.versions {
            w.var(v.id.as_bytes())
                .i64(v.created.unix_millis())
                .bytes(&v.kms_key.to_be_bytes())
                .u32(v.stages.len() as u32);
            for s in &v.stages {
                w.var(s.as_bytes());
            }
        }
        if extended {
            opt_ts(&mut w, self.last_accessed);
            for v in &self.versions {
                opt_ts(&mut w, v.last_accessed);
            }
            w.u8(self.policy.is_some() as u8)
                .var(self.policy.as_deref().unwrap_or("").as_bytes());
        }
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a secret record");
        let version = r.u8()?;
        if version != SECRET_RECORD_VERSION && version != SECRET_RECORD_VERSION_ACCESSED {
            return Err(r.corrupt("unknown record version"));
        }
        let name = text(&mut r, "the name")?;
        let suffix = text(&mut r, "the ARN suffix")?;
        let has_description = read_present(&mut r)?;
        let description = text(&mut r, "the description")?;
        let has_key = read_present(&mut r)?;
        let key = u128::from_be_bytes(r.array()?);
        let created = Timestamp::from_unix_millis(r.i64()?);
        let last_changed = Timestamp::from_unix_millis(r.i64()?);
        let deletion_date = read_opt_ts(&mut r)?;
        // Collected as read: a damaged count fails at the first missing item.
        let tags = (0..r.u32()?)
            .map(|_| {
                Ok(Tag {
                    key: text(&mut r, "a tag key")?,
                    value: text(&mut r, "a tag value")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut versions = (0..r.u32()?)
            .map(|_| {
                let id = text(&mut r, "a version id")?;
                let created = Timestamp::from_unix_millis(r.i64()?);
                let kms_key = u128::from_be_bytes(r.array()?);
                let stages = (0..r.u32()?)
                    .map(|_| text(&mut r, "a staging label"))
                    .collect::<Result<Vec<_>>>()?;
                Ok(VersionMeta {
                    id,
                    stages,
                    created,
                    kms_key,
                    last_accessed: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut last_accessed = None;
        let mut policy = None;
        if version == SECRET_RECORD_VERSION_ACCESSED {
            last_accessed = read_opt_ts(&mut r)?;
            for v in &mut versions {
                v.last_accessed = read_opt_ts(&mut r)?;
            }
            let has_policy = read_present(&mut r)?;
            let text = text(&mut r, "the resource policy")?;
            policy = has_policy.then_some(text);
        }
        r.finish()?;
        Ok(SecretRecord {
            name,
            suffix,
            description: has_description.then_some(description),
            kms_key: has_key.then_some(key),
            created,
            last_changed,
            last_accessed,
            deletion_date,
            tags,
            versions,
            policy,
        })
    }
}

/// A version's value kind byte.
const STRING: u8 = 1;
const BINARY: u8 = 2;

/// A secret version's sealed content: its value, encrypted under a data key that is itself a
/// blob under the secret's KMS key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SecretVersionRecord {
    pub binary: bool,
    /// The data key, encrypted under the KMS key (a blob, docs/FORMAT.md section 1) with the
    /// encryption context `SecretARN`, `SecretVersionId`.
    pub wrapped_key: Vec<u8>,
    pub nonce: [u8; NONCE_LEN],
    /// XAES-256-GCM of the value under the data key, tag last.
    pub ciphertext: Vec<u8>,
}

impl SecretVersionRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(
            1 + 1 + 4 + self.wrapped_key.len() + NONCE_LEN + 4 + self.ciphertext.len(),
        ));
        w.u8(SECRET_VERSION_RECORD_VERSION)
            .u8(if self.binary { BINARY } else { STRING })
            .var(&self.wrapped_key)
            .bytes(&self.nonce)
            .var(&self.ciphertext);
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a secret version record");
        if r.u8()? != SECRET_VERSION_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let binary = match r.u8()? {
            STRING => false,
            BINARY => true,
            _ => return Err(r.corrupt("unknown value kind")),
        };
        let rec = SecretVersionRecord {
            binary,
            wrapped_key: r.var()?.to_vec(),
            nonce: r.array()?,
            ciphertext: r.var()?.to_vec(),
        };
        if rec.ciphertext.len() < TAG_LEN {
            return Err(r.corrupt("the value is shorter than its tag"));
        }
        r.finish()?;
        Ok(rec)
    }
}

/// The associated data of a version's value under its data key: the record kind, the secret's
/// ARN and the version id, each length-prefixed.
pub(crate) fn value_aad(arn: &str, version_id: &str, binary: bool) -> Vec<u8> {
    let mut w = Writer::default();
    w.bytes(b"strongroom secret value v1")
        .u8(if binary { BINARY } else { STRING })
        .var(arn.as_bytes())
        .var(version_id.as_bytes());
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_record_round_trip() {
        let rec = SecretRecord {
            name: "prod/db".into(),
            suffix: "AbC123".into(),
            description: Some("héllo".into()),
            kms_key: Some(42),
            created: Timestamp::from_unix_millis(1),
            last_changed: Timestamp::from_unix_millis(2),
            last_accessed: Some(Timestamp::from_unix_millis(86_400_000)),
            deletion_date: Some(Timestamp::from_unix_millis(3)),
            tags: vec![Tag::new("k", ""), Tag::new("env", "prod")],
            versions: vec![VersionMeta {
                id: "v".repeat(32),
                stages: vec!["AWSCURRENT".into(), "x".into()],
                created: Timestamp::from_unix_millis(4),
                kms_key: 7,
                last_accessed: None,
            }],
            policy: None,
        };
        let bytes = rec.encode();
        assert_eq!(SecretRecord::decode(&bytes).unwrap(), rec);
        assert!(SecretRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SecretRecord::decode(&longer).is_err());
        assert_eq!(bytes[0], 2, "a secret read once has a version-2 record");
        let mut read_version = rec.clone();
        read_version.versions[0].last_accessed = Some(Timestamp::from_unix_millis(86_400_000));
        let again = SecretRecord::decode(&read_version.encode()).unwrap();
        assert_eq!(again, read_version);
        let none = SecretRecord {
            description: None,
            kms_key: None,
            last_accessed: None,
            deletion_date: None,
            tags: vec![],
            versions: vec![],
            ..rec
        };
        let bytes = none.encode();
        assert_eq!(
            bytes[0], 1,
            "a secret never read keeps its version-1 record"
        );
        assert_eq!(SecretRecord::decode(&bytes).unwrap(), none);
        let mut unknown = bytes.clone();
        unknown[0] = 3;
        assert!(SecretRecord::decode(&unknown).is_err());
    }

    /// A record as version 1 wrote it, byte by byte: it still decodes (no policy, never read).
    #[test]
    fn a_version_1_record_still_decodes() {
        let mut w = Writer::default();
        w.u8(1).var(b"prod/db").var(b"AbC123");
        w.u8(0).var(b"");
        w.u8(1).bytes(&9u128.to_be_bytes());
        w.i64(10).i64(11);
        w.u8(0).i64(0);
        w.u32(1).var(b"env").var(b"prod");
        w.u32(1)
            .var(&[b'v'; 32])
            .i64(12)
            .bytes(&9u128.to_be_bytes());
        w.u32(1).var(b"AWSCURRENT");
        let rec = SecretRecord::decode(&w.0).unwrap();
        assert_eq!(rec.name, "prod/db");
        assert_eq!(rec.kms_key, Some(9));
        assert_eq!(rec.tags, [Tag::new("env", "prod")]);
        assert_eq!(rec.versions[0].stages, ["AWSCURRENT"]);
        assert_eq!(rec.policy, None);
        assert_eq!(rec.last_accessed, None);
        assert_eq!(rec.encode(), w.0, "written back as version 1, unchanged");
    }

    /// Version 2's tail: the accessed days, then `present + var(policy)`; written when either
    /// is present.
    #[test]
    fn the_resource_policy_is_at_the_end_of_version_2() {
        let policy = r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"}}"#;
        let rec = SecretRecord {
            name: "a".into(),
            suffix: "AbC123".into(),
            description: None,
            kms_key: None,
            created: Timestamp::from_unix_millis(1),
            last_changed: Timestamp::from_unix_millis(2),
            last_accessed: None,
            deletion_date: None,
            tags: vec![],
            versions: vec![VersionMeta {
                id: "v".repeat(32),
                stages: vec![],
                created: Timestamp::from_unix_millis(4),
                kms_key: 7,
                last_accessed: None,
            }],
            policy: Some(policy.into()),
        };
        let bytes = rec.encode();
        assert_eq!(bytes[0], 2, "a policy alone makes a version-2 record");
        let tail = [
            &[0u8][..],
            &0i64.to_le_bytes(),
            &[0],
            &0i64.to_le_bytes(),
            &[1],
        ]
        .concat();
        let end = bytes.len() - 4 - policy.len();
        assert_eq!(&bytes[end - tail.len()..end], tail.as_slice());
        assert_eq!(&bytes[end..end + 4], (policy.len() as u32).to_le_bytes());
        assert_eq!(&bytes[end + 4..], policy.as_bytes());
        assert_eq!(SecretRecord::decode(&bytes).unwrap(), rec);
        for cut in [1, policy.len() + 4, policy.len() + 5] {
            assert!(
                SecretRecord::decode(&bytes[..bytes.len() - cut]).is_err(),
                "{cut}"
            );
        }
        // Read once, without a policy: the policy's presence byte is 0.
        let read = SecretRecord {
            policy: None,
            last_accessed: Some(Timestamp::from_unix_millis(86_400_000)),
            ..rec.clone()
        };
        let bytes = read.encode();
        assert_eq!(bytes[0], 2);
        assert_eq!(&bytes[bytes.len() - 5..], &[0, 0, 0, 0, 0]);
        assert_eq!(SecretRecord::decode(&bytes).unwrap(), read);
        let mut bad = bytes.clone();
        let at = bad.len() - 5;
        bad[at] = 2;
        assert!(SecretRecord::decode(&bad).is_err());
        // Not UTF-8.
        let mut bytes = rec.encode();
        let last = bytes.len() - 1;
        bytes[last] = 0xff;
        assert!(SecretRecord::decode(&bytes).is_err());
    }

    #[test]
    fn version_record_round_trip() {
        let rec = SecretVersionRecord {
            binary: true,
            wrapped_key: vec![1, 2, 3],
            nonce: [9; NONCE_LEN],
            ciphertext: vec![5; TAG_LEN + 3],
        };
        let bytes = rec.encode();
        assert_eq!(SecretVersionRecord::decode(&bytes).unwrap(), rec);
        assert!(SecretVersionRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut kind = bytes.clone();
        kind[1] = 3;
        assert!(SecretVersionRecord::decode(&kind).is_err());
    }
}

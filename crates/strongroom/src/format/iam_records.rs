//! The sealed records of the keystore's principals (docs/FORMAT.md section 7): a user (kind 5,
//! bound to its lowercase name) and an access key with its secret (kind 6, bound to its id).
//! Both are sealed with `records::RecordSealer` like every other record.

use crate::Result;
use crate::format::codec::{Reader, Writer};
use crate::model::clock::Timestamp;
use crate::model::iam::AccessKeyStatus;
use crate::model::names::Coded;
use zeroize::Zeroizing;

const USER_RECORD_VERSION: u8 = 1;
const ACCESS_KEY_RECORD_VERSION: u8 = 1;

/// A user's sealed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserRecord {
    /// The name as given (the table key is its lowercase form).
    pub user_name: String,
    pub user_id: String,
    pub create_date: Timestamp,
}

impl UserRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(USER_RECORD_VERSION)
            .i64(self.create_date.unix_millis())
            .var(self.user_id.as_bytes())
            .var(self.user_name.as_bytes());
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a user record");
        if r.u8()? != USER_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let create_date = Timestamp::from_unix_millis(r.i64()?);
        let user_id = text(&mut r)?;
        let user_name = text(&mut r)?;
        r.finish()?;
        Ok(UserRecord {
            user_name,
            user_id,
            create_date,
        })
    }
}

/// An access key's sealed content (the record holds the secret: it is zeroized after use).
pub(crate) struct AccessKeyRecord<'a> {
    /// The owner's table key (lowercase name).
    pub user_key: &'a str,
    pub status: AccessKeyStatus,
    pub create_date: Timestamp,
    pub secret: &'a [u8],
}

impl<'a> AccessKeyRecord<'a> {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        // Allocated once at its final size: it holds the secret.
        let mut w = Writer(Vec::with_capacity(
            1 + 8 + 1 + 4 + self.user_key.len() + 4 + self.secret.len(),
        ));
        w.u8(ACCESS_KEY_RECORD_VERSION)
            .i64(self.create_date.unix_millis())
            .u8(self.status.code())
            .var(self.user_key.as_bytes())
            .var(self.secret);
        Zeroizing::new(w.0)
    }

    pub fn decode(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "an access key record");
        if r.u8()? != ACCESS_KEY_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let create_date = Timestamp::from_unix_millis(r.i64()?);
        let status = r.code()?;
        let user_key =
            std::str::from_utf8(r.var()?).map_err(|_| r.corrupt("the user name is not UTF-8"))?;
        let secret = r.var()?;
        r.finish()?;
        Ok(AccessKeyRecord {
            user_key,
            status,
            create_date,
            secret,
        })
    }
}

fn text(r: &mut Reader<'_>) -> Result<String> {
    let raw = r.var()?;
    String::from_utf8(raw.to_vec()).map_err(|_| r.corrupt("text is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_record_round_trip() {
        let rec = UserRecord {
            user_name: "Alice".into(),
            user_id: "AIDAABCDEFGHIJKLMNOPQ".into(),
            create_date: Timestamp::from_unix_millis(77),
        };
        let bytes = rec.encode();
        assert_eq!(UserRecord::decode(&bytes).unwrap(), rec);
        for cut in 0..bytes.len() {
            assert_eq!(
                UserRecord::decode(&bytes[..cut]).unwrap_err().name(),
                "Corrupt"
            );
        }
    }

    #[test]
    fn access_key_record_round_trip() {
        let plain = AccessKeyRecord {
            user_key: "alice",
            status: AccessKeyStatus::Inactive,
            create_date: Timestamp::from_unix_millis(5),
            secret: b"0123456789012345678901234567890123456789",
        }
        .encode();
        let rec = AccessKeyRecord::decode(&plain).unwrap();
        assert_eq!(
            (rec.user_key, rec.status),
            ("alice", AccessKeyStatus::Inactive)
        );
        assert_eq!(rec.create_date, Timestamp::from_unix_millis(5));
        assert_eq!(rec.secret.len(), 40);
        assert!(AccessKeyRecord::decode(&plain[..plain.len() - 1]).is_err());
        let mut bad_status = plain.to_vec();
        bad_status[9] = 9;
        assert!(AccessKeyRecord::decode(&bad_status).is_err());
    }
}

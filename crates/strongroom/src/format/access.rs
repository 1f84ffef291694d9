//! The sealed content of key policies (record kind 20) and grants (record kind 21), and the grant
//! token (docs/FORMAT.md sections 7 and 4).

use crate::format::codec::{Reader, Writer};
use crate::model::clock::Timestamp;
use crate::model::grant::{GrantConstraints, GrantOperation};
use crate::model::names::Coded;
use crate::{Error, Result};
use std::collections::BTreeMap;

const POLICY_RECORD_VERSION: u8 = 1;
const GRANT_RECORD_VERSION: u8 = 1;

/// A policy record: `version || var(policy text)`, the text exactly as given.
pub(crate) fn encode_policy(text: &str) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(POLICY_RECORD_VERSION).var(text.as_bytes());
    w.0
}

/// The policy text of a policy record.
pub(crate) fn decode_policy(bytes: &[u8]) -> Result<String> {
    let mut r = Reader::new(bytes, "a policy record");
    if r.u8()? != POLICY_RECORD_VERSION {
        return Err(r.corrupt("unknown record version"));
    }
    let text =
        String::from_utf8(r.var()?.to_vec()).map_err(|_| r.corrupt("the policy is not UTF-8"))?;
    r.finish()?;
    Ok(text)
}

/// A grant as stored (its key and id are its slot).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GrantRecord {
    pub creation_date: Timestamp,
    pub grantee: String,
    pub retiring: Option<String>,
    pub name: Option<String>,
    pub operations: Vec<GrantOperation>,
    pub constraints: Option<GrantConstraints>,
}

fn opt_text(w: &mut Writer, t: Option<&str>) {
    w.u8(t.is_some() as u8).var(t.unwrap_or("").as_bytes());
}

fn text(r: &mut Reader<'_>, what: &str) -> Result<String> {
    String::from_utf8(r.var()?.to_vec()).map_err(|_| r.corrupt(&format!("{what} is not UTF-8")))
}

fn read_opt_text(r: &mut Reader<'_>, what: &str) -> Result<Option<String>> {
    let present = match r.u8()? {
        0 => false,
        1 => true,
        _ => return Err(r.corrupt("an optional field's presence byte is not 0 or 1")),
    };
    let t = text(r, what)?;
    Ok(present.then_some(t))
}

fn context(w: &mut Writer, m: Option<&BTreeMap<String, String>>) {
    match m {
        None => w.u8(0),
        Some(m) => {
            w.u8(1).u32(m.len() as u32);
            for (k, v) in m {
                w.var(k.as_bytes()).var(v.as_bytes());
            }
            w
        }
    };
}

fn read_context(r: &mut Reader<'_>) -> Result<Option<BTreeMap<String, String>>> {
    match r.u8()? {
        0 => Ok(None),
        1 => {
            let n = r.u32()?;
            let mut m = BTreeMap::new();
            for _ in 0..n {
                let k = text(r, "a constraint key")?;
                m.insert(k, text(r, "a constraint value")?);
            }
            Ok(Some(m))
        }
        _ => Err(r.corrupt("a constraint's presence byte is not 0 or 1")),
    }
}

impl GrantRecord {
    /// `version || i64 creation ms || var(grantee) || opt(retiring) || opt(name) || u8 n ||
    /// n operation codes || u8 has constraints || [ctx(equals) || ctx(subset)]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(GRANT_RECORD_VERSION)
            .i64(self.creation_date.unix_millis())
            .var(self.grantee.as_bytes());
        opt_text(&mut w, self.retiring.as_deref());
        opt_text(&mut w, self.name.as_deref());
        w.u8(self.operations.len() as u8);
        for op in &self.operations {
            w.u8(op.code());
        }
        match &self.constraints {
            None => {
                w.u8(0);
            }
            Some(c) => {
                w.u8(1);
                context(&mut w, c.encryption_context_equals.as_ref());
                context(&mut w, c.encryption_context_subset.as_ref());
            }
        }
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a grant record");
        if r.u8()? != GRANT_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let creation_date = Timestamp::from_unix_millis(r.i64()?);
        let grantee = text(&mut r, "the grantee")?;
        let retiring = read_opt_text(&mut r, "the retiring principal")?;
        let name = read_opt_text(&mut r, "the grant name")?;
        let n = r.u8()?;
        let operations = (0..n)
            .map(|_| r.code::<GrantOperation>())
            .collect::<Result<Vec<_>>>()?;
        let constraints = match r.u8()? {
            0 => None,
            1 => Some(GrantConstraints {
                encryption_context_equals: read_context(&mut r)?,
                encryption_context_subset: read_context(&mut r)?,
            }),
            _ => return Err(r.corrupt("the constraints' presence byte is not 0 or 1")),
        };
        r.finish()?;
        Ok(GrantRecord {
            creation_date,
            grantee,
            retiring,
            name,
            operations,
            constraints,
        })
    }
}

/// The grant token prefix: tokens are `AQ1` + key id (32 hex digits) + grant id (64 hex digits).
/// Not secret: a token only names a grant, which binds its grantee alone.
const TOKEN_PREFIX: &str = "AQ1";

/// The token of grant `grant_id` on key `key_id`.
pub(crate) fn grant_token(key_id: u128, grant_id: &str) -> String {
    format!("{TOKEN_PREFIX}{key_id:032x}{grant_id}")
}

/// The key id and grant id a token names, or `InvalidGrantToken`.
pub(crate) fn parse_grant_token(token: &str) -> Result<(u128, &str)> {
    let bad = || {
        Error::InvalidGrantToken(
            "the grant token is not one strongroom issued (CreateGrant returns it as GrantToken)"
                .into(),
        )
    };
    let rest = token.strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
    if rest.len() != 32 + 64 || !rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad());
    }
    let key = u128::from_str_radix(&rest[..32], 16).map_err(|_| bad())?;
    Ok((key, &rest[32..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_round_trip() {
        let text = "{\"Statement\": \"é\"}";
        let bytes = encode_policy(text);
        assert_eq!(decode_policy(&bytes).unwrap(), text);
        assert!(decode_policy(&bytes[..bytes.len() - 1]).is_err());
        let mut wrong = bytes.clone();
        wrong[0] = 9;
        assert!(decode_policy(&wrong).is_err());
    }

    #[test]
    fn grant_round_trip() {
        let rec = GrantRecord {
            creation_date: Timestamp::from_unix_millis(42),
            grantee: "arn:aws:iam::111122223333:user/u".into(),
            retiring: Some("arn:aws:iam::111122223333:root".into()),
            name: None,
            operations: vec![GrantOperation::Decrypt, GrantOperation::RetireGrant],
            constraints: Some(GrantConstraints {
                encryption_context_equals: None,
                encryption_context_subset: Some(BTreeMap::from([("a".into(), "b".into())])),
            }),
        };
        let bytes = rec.encode();
        assert_eq!(GrantRecord::decode(&bytes).unwrap(), rec);
        assert!(GrantRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(GrantRecord::decode(&longer).is_err());
        let plain = GrantRecord {
            constraints: None,
            name: Some("n".into()),
            ..rec
        };
        assert_eq!(GrantRecord::decode(&plain.encode()).unwrap(), plain);
    }

    #[test]
    fn grant_tokens() {
        let id = "ab".repeat(32);
        let t = grant_token(7, &id);
        assert_eq!(parse_grant_token(&t).unwrap(), (7, id.as_str()));
        for bad in [
            "",
            "AQ1",
            &t[..t.len() - 1],
            &t.replace('a', "A"),
            &format!("X{}", &t[1..]),
        ] {
            assert_eq!(
                parse_grant_token(bad).unwrap_err().name(),
                "InvalidGrantToken"
            );
        }
    }
}

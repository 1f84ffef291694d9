//! Reading one operation's request members: each member is taken once, with its type checked
//! (a wrong type is AWS's `SerializationException`), and whatever is left when the operation has
//! read what it honours is refused by [`Request::finish`] with a `ValidationException` naming it.
//! Nothing is silently ignored. A JSON `null` counts as an absent member, as in AWS's JSON protocol.

use super::error::ApiError;
use super::model;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};
use strongroom::{EncryptionContext, Timestamp};
use zeroize::{Zeroize, Zeroizing};

/// One request's members, being read by its operation.
pub struct Request {
    operation: &'static str,
    members: Map<String, Value>,
}

/// AWS's lowerCamel spelling of a member in validation messages (`KeyId` -> `keyId`).
fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

impl Request {
    /// Parses `body` (a JSON object; an empty body is `{}`) for `operation`.
    pub fn parse(operation: &'static str, body: &[u8]) -> Result<Self, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Request {
                operation,
                members: Map::new(),
            });
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Request { operation, members }),
            Ok(_) => Err(ApiError::serialization(
                "the request body must be a JSON object",
            )),
            Err(e) => Err(ApiError::serialization(format!(
                "the request body is not valid JSON ({e})"
            ))),
        }
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        self.members.remove(name).filter(|v| !v.is_null())
    }

    fn wrong_type(&self, name: &str, expected: &str) -> ApiError {
        ApiError::serialization(format!(
            "member {name} of {} must be {expected}",
            self.operation
        ))
    }

    fn missing(name: &str) -> ApiError {
        ApiError::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            lower_camel(name)
        ))
    }

    /// An optional string member.
    pub fn opt_string(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong_type(name, "a string")),
        }
    }

    /// A required string member.
    pub fn string(&mut self, name: &str) -> Result<String, ApiError> {
        self.opt_string(name)?.ok_or_else(|| Self::missing(name))
    }

    /// An optional integer member, in `u32` (a negative or larger value is a `ValidationException`).
    pub fn opt_u32(&mut self, name: &str) -> Result<Option<u32>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let Some(i) = n.as_i64() else {
                    return Err(self.wrong_type(name, "an integer"));
                };
                u32::try_from(i).map(Some).map_err(|_| {
                    ApiError::validation(format!(
                        "1 validation error detected: Value '{i}' at '{}' failed to satisfy constraint: Member must be between 0 and {}",
                        lower_camel(name),
                        u32::MAX
                    ))
                })
            }
            Some(_) => Err(self.wrong_type(name, "an integer")),
        }
    }

    /// An optional boolean member.
    pub fn opt_bool(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.wrong_type(name, "a boolean")),
        }
    }

    /// An optional blob member (base64 in JSON). The decoded bytes and the text are wiped on drop.
    pub fn opt_blob(&mut self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(mut s)) => {
                let decoded = BASE64.decode(s.as_bytes());
                s.zeroize();
                decoded
                    .map(|b| Some(Zeroizing::new(b)))
                    .map_err(|_| self.wrong_type(name, "base64-encoded binary data"))
            }
            Some(_) => Err(self.wrong_type(name, "base64-encoded binary data (a string)")),
        }
    }

    /// A required blob member.
    pub fn blob(&mut self, name: &str) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        self.opt_blob(name)?.ok_or_else(|| Self::missing(name))
    }

    /// An optional timestamp member: epoch seconds, a JSON number (what the SDKs send).
    pub fn opt_timestamp(&mut self, name: &str) -> Result<Option<Timestamp>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(secs) if secs.is_finite() && secs.abs() < 1e14 => Ok(Some(
                    Timestamp::from_unix_millis((secs * 1000.0).round() as i64),
                )),
                _ => Err(self.wrong_type(name, "a timestamp in seconds since the epoch")),
            },
            Some(_) => {
                Err(self.wrong_type(name, "a timestamp (a number of seconds since the epoch)"))
            }
        }
    }

    /// An optional encryption context (a JSON object of strings). An empty map is no context, as
    /// in AWS KMS.
    pub fn opt_context(&mut self, name: &str) -> Result<Option<EncryptionContext>, ApiError> {
        let Some(v) = self.take(name) else {
            return Ok(None);
        };
        let Value::Object(map) = v else {
            return Err(self.wrong_type(name, "a map of strings to strings"));
        };
        if map.is_empty() {
            return Ok(None);
        }
        let mut pairs = std::collections::BTreeMap::new();
        for (k, v) in map {
            match v {
                Value::String(s) => {
                    pairs.insert(k, s);
                }
                _ => return Err(self.wrong_type(name, "a map of strings to strings")),
            }
        }
        Ok(Some(EncryptionContext::from_map(pairs)?))
    }

    /// An optional list of JSON objects (`Tags`, `Filters`), each read by the caller.
    pub fn opt_objects(&mut self, name: &str) -> Result<Option<Vec<Map<String, Value>>>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::Object(o) => Ok(o),
                    _ => Err(self.wrong_type(name, "a list of objects")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.wrong_type(name, "a list of objects")),
        }
    }

    /// An optional list of strings.
    pub fn opt_string_list(&mut self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(self.wrong_type(name, "a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.wrong_type(name, "a list of strings")),
        }
    }

    /// An optional list of AWS `Tag` structures (`{"TagKey", "TagValue"}`, both strings, both
    /// required); the core checks their bounds.
    pub fn tags(&mut self, name: &str) -> Result<Option<Vec<strongroom::Tag>>, ApiError> {
        let Some(v) = self.take(name) else {
            return Ok(None);
        };
        let Value::Array(items) = v else {
            return Err(self.wrong_type(name, "a list of tags"));
        };
        let mut tags = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(mut m) = item else {
                return Err(self.wrong_type(name, "a list of {TagKey, TagValue} structures"));
            };
            let mut member = |field: &str| match m.remove(field) {
                Some(Value::String(s)) => Ok(s),
                Some(_) => Err(self.wrong_type(name, "tags whose TagKey and TagValue are strings")),
                None => Err(ApiError::validation(format!(
                    "1 validation error detected: Value null at '{}.member.{}' failed to satisfy constraint: Member must not be null",
                    lower_camel(name),
                    lower_camel(field)
                ))),
            };
            let tag = strongroom::Tag::new(member("TagKey")?, member("TagValue")?);
            if let Some(other) = m.keys().next() {
                return Err(ApiError::validation(format!(
                    "{other} is not a member of AWS KMS's Tag structure (TagKey, TagValue)"
                )));
            }
            tags.push(tag);
        }
        Ok(Some(tags))
    }

    /// Whether a list member is present and not empty (its items are not read).
    pub fn non_empty_list(&mut self, name: &str) -> Result<bool, ApiError> {
        match self.take(name) {
            None => Ok(false),
            Some(Value::Array(items)) => Ok(!items.is_empty()),
            Some(_) => Err(self.wrong_type(name, "a list")),
        }
    }

    /// An optional structure member.
    pub fn opt_object(&mut self, name: &str) -> Result<Option<Map<String, Value>>, ApiError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(self.wrong_type(name, "a structure")),
        }
    }

    /// Whether a structure member is present and not empty (its members are not read).
    pub fn non_empty_object(&mut self, name: &str) -> Result<bool, ApiError> {
        match self.take(name) {
            None => Ok(false),
            Some(Value::Object(m)) => Ok(!m.is_empty()),
            Some(_) => Err(self.wrong_type(name, "a structure")),
        }
    }

    /// `GrantTokens`: honoured before the operation runs (`super::authorize` checks that each
    /// names a grant); here only their type is read.
    pub fn grant_tokens(&mut self) -> Result<(), ApiError> {
        self.opt_string_list("GrantTokens").map(drop)
    }

    /// A member as sent, without taking it (the permission check reads the request before the
    /// operation does).
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.members.get(name).filter(|v| !v.is_null())
    }

    /// `DryRun`: whether the call is a dry run (`super::run` makes it one).
    pub fn dry_run(&mut self) -> Result<bool, ApiError> {
        Ok(self.opt_bool("DryRun")?.unwrap_or(false))
    }

    /// Refuses the members the operation has not read: a member AWS defines that strongroom
    /// cannot honour yet, or one AWS does not define at all.
    pub fn finish(mut self) -> Result<(), ApiError> {
        self.members.retain(|_, v| !v.is_null());
        let Some(name) = self.members.keys().next() else {
            return Ok(());
        };
        let defined = model::request_members(self.operation).unwrap_or_default();
        if defined.contains(&name.as_str()) {
            Err(ApiError::validation(format!(
                "{name}: strongroom does not support this member of {} yet; omit it",
                self.operation
            )))
        } else {
            Err(ApiError::validation(format!(
                "{name} is not a member of AWS KMS's {} request",
                self.operation
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_checked_and_leftovers_refused() {
        let mut r = Request::parse("Encrypt", br#"{"KeyId": 5}"#).unwrap();
        assert_eq!(
            r.string("KeyId").unwrap_err().code,
            "SerializationException"
        );
        let mut r = Request::parse("Encrypt", br#"{"Plaintext": "!!"}"#).unwrap();
        assert_eq!(
            r.blob("Plaintext").unwrap_err().code,
            "SerializationException"
        );
        let mut r = Request::parse("Encrypt", b"{}").unwrap();
        let e = r.string("KeyId").unwrap_err();
        assert_eq!(e.code, "ValidationException");
        assert!(e.message.contains("'keyId'"));
        let r = Request::parse("Decrypt", br#"{"Recipient": {}}"#).unwrap();
        let e = r.finish().unwrap_err();
        assert!(
            e.message
                .starts_with("Recipient: strongroom does not support"),
            "{e:?}"
        );
        let r = Request::parse("Decrypt", br#"{"Bogus": 1}"#).unwrap();
        assert!(r.finish().unwrap_err().message.contains("not a member"));
        let r = Request::parse("Decrypt", br#"{"Bogus": null}"#).unwrap();
        r.finish().unwrap();
        assert_eq!(
            Request::parse("Decrypt", b"[1]").err().unwrap().code,
            "SerializationException"
        );
        assert_eq!(
            Request::parse("Decrypt", b"{").err().unwrap().code,
            "SerializationException"
        );
    }

    #[test]
    fn flags_without_effect_here_are_honoured_or_refused() {
        let mut r = Request::parse("Encrypt", br#"{"GrantTokens": [], "DryRun": false}"#).unwrap();
        r.grant_tokens().unwrap();
        assert!(!r.dry_run().unwrap());
        r.finish().unwrap();
        let mut r = Request::parse("Encrypt", br#"{"GrantTokens": ["t"]}"#).unwrap();
        assert_eq!(r.member("GrantTokens"), Some(&serde_json::json!(["t"])));
        r.grant_tokens().unwrap();
        let mut r = Request::parse("Encrypt", br#"{"GrantTokens": "t"}"#).unwrap();
        assert_eq!(r.grant_tokens().unwrap_err().code, "SerializationException");
        let mut r = Request::parse("Encrypt", br#"{"DryRun": true}"#).unwrap();
        assert!(r.dry_run().unwrap());
        let mut r = Request::parse("Encrypt", br#"{"DryRun": 1}"#).unwrap();
        assert_eq!(r.dry_run().unwrap_err().code, "SerializationException");
    }
}

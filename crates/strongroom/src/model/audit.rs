//! The public types of the audit trail (SPEC section 8).

use crate::model::clock::Timestamp;
use crate::model::names::names;
use std::collections::BTreeMap;

names! {
    /// How much the audit trail records. Its names (`FULL`, `SUMMARY`, `OFF`) are what surfaces
    /// that take the level as text accept (`as_str`, `FromStr`); the codes are the C ABI's
    /// `sr_audit_level` values.
    #[derive(Default)]
    AuditLevel {
        /// Every call, one event each (the default).
        #[default]
        Full = 1, "FULL";
        /// Successful encrypt, decrypt, re-encrypt and data-key calls counted per key, operation,
        /// caller and minute; refusals, state changes and every other call in full.
        Summary = 2, "SUMMARY";
        /// Nothing is recorded. For benchmarks and throwaway keystores.
        Off = 3, "OFF";
    }
}

/// The default bound on the number of audit events kept: refused calls are logged with their
/// encryption context (up to 8 KiB), so an unbounded trail could grow without limit
/// (docs/audit.md, "Growth").
pub const DEFAULT_AUDIT_MAX_EVENTS: u64 = 1_000_000;

/// The default bound on the age of audit events kept, in days (a year and a month, for a yearly
/// review).
pub const DEFAULT_AUDIT_MAX_AGE_DAYS: u32 = 400;

/// Audit settings, part of [`crate::Options`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditOptions {
    /// What to record.
    pub level: AuditLevel,
    /// Keep at most this many events (older ones are pruned behind a signed checkpoint);
    /// default [`DEFAULT_AUDIT_MAX_EVENTS`], `None` for no bound.
    pub max_events: Option<u64>,
    /// Keep events at most this many days; default [`DEFAULT_AUDIT_MAX_AGE_DAYS`], `None` for
    /// no bound.
    pub max_age_days: Option<u32>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            level: AuditLevel::default(),
            max_events: Some(DEFAULT_AUDIT_MAX_EVENTS),
            max_age_days: Some(DEFAULT_AUDIT_MAX_AGE_DAYS),
        }
    }
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditEvent {
    /// Position in the trail, from 1, without gaps.
    pub sequence: u64,
    /// When the call was made (for a summary: the start of its interval).
    pub event_time: Timestamp,
    /// The caller label given when the keystore was opened.
    pub caller: String,
    /// AWS KMS operation name (`Encrypt`, `CreateKey`, ...).
    pub operation: String,
    /// The key concerned, if any.
    pub key_id: Option<String>,
    /// The backing-key version used, where one was.
    pub key_version: Option<u32>,
    /// The encryption context given (not secret).
    pub encryption_context: BTreeMap<String, String>,
    /// `ok` or the error name.
    pub outcome: String,
    /// Calls this event stands for: 1, or the count of a summary.
    pub count: u64,
}

/// Which events `audit_events` returns: every field that is set must match.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only events about this key id.
    pub key_id: Option<String>,
    /// Only this operation.
    pub operation: Option<String>,
    /// Only this outcome (`ok` or an error name).
    pub outcome: Option<String>,
    /// Only events at or after this time.
    pub start_time: Option<Timestamp>,
    /// Only events at or before this time.
    pub end_time: Option<Timestamp>,
}

impl AuditFilter {
    pub(crate) fn matches(&self, e: &AuditEvent) -> bool {
        self.key_id
            .as_ref()
            .is_none_or(|k| e.key_id.as_ref() == Some(k))
            && self.operation.as_ref().is_none_or(|o| *o == e.operation)
            && self.outcome.as_ref().is_none_or(|o| *o == e.outcome)
            && self.start_time.is_none_or(|t| e.event_time >= t)
            && self.end_time.is_none_or(|t| e.event_time <= t)
    }
}

impl AuditEvent {
    /// One line of JSON with SPEC section 8's field names, every field present (`null` where an
    /// event has no key or version): `sequence`, `event_time` (RFC 3339, UTC), `caller`,
    /// `operation`, `key_id`, `key_version`, `encryption_context`, `outcome`, `count`.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "sequence": self.sequence,
            "event_time": self.event_time.to_rfc3339(),
            "caller": self.caller,
            "operation": self.operation,
            "key_id": self.key_id,
            "key_version": self.key_version,
            "encryption_context": self.encryption_context,
            "outcome": self.outcome,
            "count": self.count,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names() {
        assert_eq!(AuditLevel::default(), AuditLevel::Full);
        for l in [AuditLevel::Full, AuditLevel::Summary, AuditLevel::Off] {
            assert_eq!(l.as_str().parse::<AuditLevel>().unwrap(), l);
        }
        assert_eq!(AuditLevel::Summary.to_string(), "SUMMARY");
        assert!("Full".parse::<AuditLevel>().is_err());
    }

    #[test]
    fn json_line() {
        let e = AuditEvent {
            sequence: 3,
            event_time: Timestamp::from_unix_millis(0),
            caller: "app \"x\"".into(),
            operation: "Encrypt".into(),
            key_id: Some("k".into()),
            key_version: Some(2),
            encryption_context: [("a".to_string(), "b\n".to_string())].into(),
            outcome: "Disabled".into(),
            count: 1,
        };
        let line = e.to_json();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["operation"], "Encrypt");
        assert_eq!(v["caller"], "app \"x\"");
        assert_eq!(v["key_id"], "k");
        assert_eq!(v["encryption_context"]["a"], "b\n");
        assert_eq!(v["outcome"], "Disabled");
        assert_eq!(v["key_version"], 2);
        assert_eq!(v["event_time"], "1970-01-01T00:00:00.000Z");
        assert_eq!(v["count"], 1);
        let fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(fields.len(), 9, "{fields:?}");
        let bare = AuditEvent {
            key_id: None,
            key_version: None,
            ..e
        };
        let v: serde_json::Value = serde_json::from_str(&bare.to_json()).unwrap();
        assert!(v["key_id"].is_null() && v["key_version"].is_null());
    }
}

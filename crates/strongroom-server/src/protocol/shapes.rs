//! The response shapes shared by several operations, with AWS's member names: `KeyMetadata`,
//! dates as epoch seconds (JSON numbers), blobs as base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};
use strongroom::{KeyMetadata, Keystore, Timestamp};

/// A date as AWS's JSON protocol carries it: seconds since the epoch, with milliseconds.
pub fn date(t: Timestamp) -> Value {
    let ms = t.unix_millis();
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// A blob as AWS's JSON protocol carries it: standard base64 with padding.
pub fn blob(bytes: &[u8]) -> Value {
    Value::String(BASE64.encode(bytes))
}

/// The key id (UUID) at the end of a key ARN (`...:key/<id>`).
pub fn key_id_of_arn(arn: &str) -> &str {
    arn.rsplit_once(":key/").map_or(arn, |(_, id)| id)
}

/// The AWS names of a list of enumeration values (the algorithm lists).
pub fn names<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// AWS KMS's `KeyMetadata`, in botocore's member order, with the AWS-form ARN. Members for
/// features strongroom does not have (multi-Region configuration, custom key stores) are
/// omitted, as AWS omits them for such keys; so is `PendingDeletionWindowInDays`, which AWS
/// shows only for multi-Region keys in `PendingReplicaDeletion`. Each algorithm list is present
/// when the key's usage has algorithms of that kind, and `CurrentKeyMaterialId` for symmetric
/// keys only, as AWS.
pub fn key_metadata(ks: &Keystore, m: &KeyMetadata) -> Value {
    let mut o = Map::new();
    o.insert("AWSAccountId".into(), json!(m.aws_account_id));
    o.insert("KeyId".into(), json!(m.key_id));
    o.insert("Arn".into(), json!(ks.aws_arn(&m.arn)));
    o.insert("CreationDate".into(), date(m.creation_date));
    o.insert("Enabled".into(), json!(m.enabled));
    o.insert("Description".into(), json!(m.description));
    o.insert("KeyUsage".into(), json!(m.key_usage.as_str()));
    o.insert("KeyState".into(), json!(m.key_state.as_str()));
    if let Some(d) = m.deletion_date {
        o.insert("DeletionDate".into(), date(d));
    }
    if let Some(v) = m.valid_to {
        o.insert("ValidTo".into(), date(v));
    }
    o.insert("Origin".into(), json!(m.origin.as_str()));
    if let Some(e) = m.expiration_model {
        o.insert("ExpirationModel".into(), json!(e.as_str()));
    }
    o.insert("KeyManager".into(), json!(m.key_manager.as_str()));
    if let Some(c) = m.customer_master_key_spec {
        o.insert("CustomerMasterKeySpec".into(), json!(c.as_str()));
    }
    o.insert("KeySpec".into(), json!(m.key_spec.as_str()));
    for (member, list) in [
        ("EncryptionAlgorithms", names(&m.encryption_algorithms)),
        ("SigningAlgorithms", names(&m.signing_algorithms)),
        ("KeyAgreementAlgorithms", names(&m.key_agreement_algorithms)),
    ] {
        if !list.is_empty() {
            o.insert(member.into(), json!(list));
        }
    }
    o.insert("MultiRegion".into(), json!(m.multi_region));
    if !m.mac_algorithms.is_empty() {
        o.insert("MacAlgorithms".into(), json!(names(&m.mac_algorithms)));
    }
    if let Some(id) = m.current_key_material_id {
        o.insert("CurrentKeyMaterialId".into(), json!(id.as_str()));
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_epoch_seconds() {
        assert_eq!(
            date(Timestamp::from_unix_millis(1_700_000_000_000)),
            json!(1_700_000_000)
        );
        assert_eq!(
            date(Timestamp::from_unix_millis(1_700_000_000_250)),
            json!(1_700_000_000.25)
        );
        assert_eq!(key_id_of_arn("arn:aws:kms:r:1:key/abc"), "abc");
    }
}

//! Key metadata that is not the key's state: UpdateKeyDescription, TagResource, UntagResource,
//! ListResourceTags, GetKeyLastUsage. The rules (tag bounds, states, paging) are the core's.

use super::error::ApiError;
use super::paging;
use super::request::Request;
use super::shapes::date;
use serde_json::{Map, Value, json};
use strongroom::{Keystore, Tag};

/// `UpdateKeyDescription`: `{}`.
pub fn update_key_description(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let description = req.string("Description")?;
    req.finish()?;
    ks.update_key_description(&key_id, &description)?;
    Ok(json!({}))
}

/// `TagResource`: `{}`.
pub fn tag_resource(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let tags = req.tags("Tags")?.unwrap_or_default();
    req.finish()?;
    ks.tag_resource(&key_id, &tags)?;
    Ok(json!({}))
}

/// `UntagResource`: `{}`.
pub fn untag_resource(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let keys = req.opt_string_list("TagKeys")?.unwrap_or_default();
    req.finish()?;
    ks.untag_resource(&key_id, &keys)?;
    Ok(json!({}))
}

/// AWS's `Tag` shape.
pub fn tag(t: &Tag) -> Value {
    json!({ "TagKey": t.tag_key, "TagValue": t.tag_value })
}

/// `ListResourceTags`: `{"Tags": [...], "NextMarker", "Truncated"}`.
pub fn list_resource_tags(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let page = paging::read(&mut req)?;
    req.finish()?;
    let p = ks.list_resource_tags(&key_id, &page)?;
    Ok(paging::answer(&p, "Tags", tag))
}

/// `GetKeyLastUsage`: `{"KeyId", "KeyLastUsage": {"Operation", "Timestamp"}, "TrackingStartDate",
/// "KeyCreationDate"}`. `KeyLastUsage` is `{}` when the key has not been used since tracking
/// began, as AWS; `CloudTrailEventId` and `KmsRequestId` are omitted (there is no CloudTrail).
pub fn get_key_last_usage(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    let u = ks.get_key_last_usage(&key_id)?;
    let mut last = Map::new();
    if let Some(l) = u.key_last_usage {
        last.insert("Operation".into(), json!(l.operation.as_str()));
        last.insert("Timestamp".into(), date(l.timestamp));
    }
    let mut o = Map::new();
    o.insert("KeyId".into(), json!(u.key_id));
    o.insert("KeyLastUsage".into(), Value::Object(last));
    if let Some(t) = u.tracking_start_date {
        o.insert("TrackingStartDate".into(), date(t));
    }
    o.insert("KeyCreationDate".into(), date(u.key_creation_date));
    Ok(Value::Object(o))
}

//! Keys: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
//! CancelKeyDeletion.

use super::error::ApiError;
use super::model;
use super::paging;
use super::request::Request;
use super::shapes::{date, key_metadata};
use serde_json::{Value, json};
use strongroom::{CreateKey, KeySpec, KeyUsage, Keystore, Origin};

/// A key spec AWS has: the core's, or `UnsupportedOperationException` for the ones it lacks.
fn key_spec(name: &str, value: &str) -> Result<KeySpec, ApiError> {
    match value.parse::<KeySpec>() {
        Ok(s) => Ok(s),
        Err(_) if model::KEY_SPECS.contains(&value) => Err(ApiError::client(
            "UnsupportedOperationException",
            format!("{name} {value} is not supported by strongroom yet; use SYMMETRIC_DEFAULT"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// An origin: the core's (`AWS_KMS`, its earlier name `STRONGROOM`, `EXTERNAL`), or AWS's error.
fn origin(value: &str) -> Result<Origin, ApiError> {
    if let Ok(o) = value.parse::<Origin>() {
        return Ok(o);
    }
    match value {
        "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE" => Err(ApiError::client(
            "UnsupportedOperationException",
            format!(
                "Origin {value} needs a custom key store, which strongroom does not have; use AWS_KMS or EXTERNAL"
            ),
        )),
        _ => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{value}' at 'origin' failed to satisfy constraint: Member must satisfy enum value set: [AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE]"
        ))),
    }
}

/// Refuses a member whose only meaningful value here is `false` or empty.
fn refuse_if(present: bool, name: &str, why: &str) -> Result<(), ApiError> {
    if present {
        return Err(ApiError::validation(format!("{name}: {why}; omit it")));
    }
    Ok(())
}

/// `CreateKey`.
pub fn create_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let description = req.opt_string("Description")?.unwrap_or_default();
    let key_usage = req
        .opt_string("KeyUsage")?
        .map(|u| u.parse::<KeyUsage>())
        .transpose()?;
    let spec = req.opt_string("KeySpec")?;
    let cmk_spec = req.opt_string("CustomerMasterKeySpec")?;
    if let (Some(a), Some(b)) = (&spec, &cmk_spec) {
        return Err(ApiError::validation(format!(
            "KeySpec {a} and CustomerMasterKeySpec {b} both given; give KeySpec only (CustomerMasterKeySpec is its deprecated name)"
        )));
    }
    let key_spec = match (spec, cmk_spec) {
        (Some(s), _) => Some(key_spec("KeySpec", &s)?),
        (None, Some(s)) => Some(key_spec("CustomerMasterKeySpec", &s)?),
        (None, None) => None,
    };
    let origin = req.opt_string("Origin")?.map(|o| origin(&o)).transpose()?;
    let policy = req.opt_string("Policy")?;
    let bypass = req
        .opt_bool("BypassPolicyLockoutSafetyCheck")?
        .unwrap_or(false);
    refuse_if(
        req.opt_bool("MultiRegion")? == Some(true),
        "MultiRegion",
        "strongroom keys are single-Region",
    )?;
    let tags = req.tags("Tags")?.unwrap_or_default();
    req.finish()?;
    let meta = ks.create_key(&CreateKey {
        description,
        key_spec,
        key_usage,
        origin,
        tags,
        policy,
        bypass_policy_lockout_safety_check: bypass,
    })?;
    Ok(json!({ "KeyMetadata": key_metadata(ks, &meta) }))
}

/// `DescribeKey`.
pub fn describe_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.grant_tokens()?;
    req.finish()?;
    let meta = ks.describe_key(&key_id)?;
    Ok(json!({ "KeyMetadata": key_metadata(ks, &meta) }))
}

/// `ListKeys`: `{"Keys": [{"KeyId", "KeyArn"}], "Truncated", "NextMarker"}`.
pub fn list_keys(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let page = paging::read(&mut req)?;
    req.finish()?;
    let keys = ks.list_keys_page(&page)?;
    Ok(paging::answer(
        &keys,
        "Keys",
        |k| json!({ "KeyId": k.key_id, "KeyArn": ks.aws_arn(&k.arn) }),
    ))
}

/// `EnableKey`.
pub fn enable_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    ks.enable_key(&key_id)?;
    Ok(json!({}))
}

/// `DisableKey`.
pub fn disable_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    ks.disable_key(&key_id)?;
    Ok(json!({}))
}

/// `ScheduleKeyDeletion`: `{"KeyId": ARN, "DeletionDate", "KeyState", "PendingWindowInDays"}`.
pub fn schedule_key_deletion(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let window = req.opt_u32("PendingWindowInDays")?;
    req.finish()?;
    let when = ks.schedule_key_deletion(&key_id, window)?;
    Ok(json!({
        "KeyId": ks.aws_arn(&ks.key_arn_of(&key_id)?),
        "DeletionDate": date(when),
        "KeyState": strongroom::KeyState::PendingDeletion.as_str(),
        "PendingWindowInDays": window.unwrap_or(strongroom::DEFAULT_PENDING_WINDOW_DAYS),
    }))
}

/// `CancelKeyDeletion`: `{"KeyId": ARN}`.
pub fn cancel_key_deletion(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    ks.cancel_key_deletion(&key_id)?;
    Ok(json!({ "KeyId": ks.aws_arn(&ks.key_arn_of(&key_id)?) }))
}

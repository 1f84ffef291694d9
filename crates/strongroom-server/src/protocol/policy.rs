//! Key policies: PutKeyPolicy, GetKeyPolicy, ListKeyPolicies.

use super::error::ApiError;
use super::paging;
use super::request::Request;
use serde_json::{Value, json};
use strongroom::{DEFAULT_POLICY_NAME, Keystore};

/// `PutKeyPolicy`: `{}`.
pub fn put_key_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let name = req.opt_string("PolicyName")?;
    let policy = req.string("Policy")?;
    let bypass = req
        .opt_bool("BypassPolicyLockoutSafetyCheck")?
        .unwrap_or(false);
    req.finish()?;
    ks.put_key_policy(&key_id, name.as_deref(), &policy, bypass)?;
    Ok(json!({}))
}

/// `GetKeyPolicy`: `{"Policy", "PolicyName"}`.
pub fn get_key_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let name = req.opt_string("PolicyName")?;
    req.finish()?;
    let policy = ks.get_key_policy(&key_id, name.as_deref())?;
    Ok(json!({ "Policy": policy, "PolicyName": DEFAULT_POLICY_NAME }))
}

/// `ListKeyPolicies`: `{"PolicyNames": ["default"], "Truncated"}`.
pub fn list_key_policies(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let page = paging::read(&mut req)?;
    req.finish()?;
    let names = ks.list_key_policies_page(&key_id, &page)?;
    Ok(paging::answer(&names, "PolicyNames", |n| json!(n)))
}

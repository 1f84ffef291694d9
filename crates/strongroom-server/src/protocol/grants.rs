//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. Whether the
//! caller may is decided before (`super::authorize`).

use super::error::ApiError;
use super::paging;
use super::request::Request;
use super::run;
use super::shapes::date;
use serde_json::{Map, Value, json};
use strongroom::{CreateGrant, GrantConstraints, GrantListEntry, GrantOperation, Keystore, Page};

/// AWS's `GrantListEntry`.
fn entry(ks: &Keystore, g: &GrantListEntry) -> Value {
    let mut o = Map::new();
    o.insert("KeyId".into(), json!(ks.aws_arn(&g.key_id)));
    o.insert("GrantId".into(), json!(g.grant_id));
    if let Some(n) = &g.name {
        o.insert("Name".into(), json!(n));
    }
    o.insert("CreationDate".into(), date(g.creation_date));
    o.insert("GranteePrincipal".into(), json!(g.grantee_principal));
    if let Some(r) = &g.retiring_principal {
        o.insert("RetiringPrincipal".into(), json!(r));
    }
    o.insert("IssuingAccount".into(), json!(g.issuing_account));
    o.insert(
        "Operations".into(),
        json!(
            g.operations
                .iter()
                .map(|op| op.as_str())
                .collect::<Vec<_>>()
        ),
    );
    if let Some(c) = &g.constraints {
        o.insert(
            "Constraints".into(),
            serde_json::from_str(&c.to_json()).unwrap_or_default(),
        );
    }
    Value::Object(o)
}

/// Refuses an AWS service principal (`GranteeServicePrincipal`, `RetiringServicePrincipal`):
/// there are no AWS services here, so a grant names a user or the account root.
fn no_service_principal(req: &mut Request, member: &str) -> Result<(), ApiError> {
    match req.opt_string(member)? {
        None => Ok(()),
        Some(_) => Err(ApiError::validation(format!(
            "{member}: strongroom has no AWS service principals; name a user's ARN or the \
             account root in the principal member instead"
        ))),
    }
}

/// `CreateGrant`: `{"GrantToken", "GrantId"}`.
pub fn create_grant(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    no_service_principal(&mut req, "GranteeServicePrincipal")?;
    no_service_principal(&mut req, "RetiringServicePrincipal")?;
    let key_id = req.string("KeyId")?;
    let grantee_principal = req.string("GranteePrincipal")?;
    let retiring_principal = req.opt_string("RetiringPrincipal")?;
    let operations = req
        .opt_string_list("Operations")?
        .ok_or_else(|| {
            ApiError::validation(
                "1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null",
            )
        })?
        .iter()
        .map(|o| o.parse::<GrantOperation>())
        .collect::<Result<Vec<_>, _>>()?;
    let constraints = req
        .opt_object("Constraints")?
        .map(|m| GrantConstraints::from_json(&Value::Object(m).to_string()))
        .transpose()?;
    let name = req.opt_string("Name")?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let request = CreateGrant {
        key_id,
        grantee_principal,
        retiring_principal,
        operations,
        constraints,
        name,
    };
    let g = run(ks, dry, || ks.create_grant(&request))?;
    Ok(json!({ "GrantToken": g.grant_token, "GrantId": g.grant_id }))
}

fn grant_page(ks: &Keystore, grants: &Page<GrantListEntry>) -> Value {
    paging::answer(grants, "Grants", |g| entry(ks, g))
}

/// `ListGrants`: `{"Grants", "Truncated", "NextMarker"}`.
pub fn list_grants(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    no_service_principal(&mut req, "GranteeServicePrincipal")?;
    let page = paging::read(&mut req)?;
    let key_id = req.string("KeyId")?;
    let grant_id = req.opt_string("GrantId")?;
    let grantee = req.opt_string("GranteePrincipal")?;
    req.finish()?;
    let grants = ks.list_grants_page(&key_id, grant_id.as_deref(), grantee.as_deref(), &page)?;
    Ok(grant_page(ks, &grants))
}

/// `ListRetirableGrants`: `{"Grants", "Truncated", "NextMarker"}`.
pub fn list_retirable_grants(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    no_service_principal(&mut req, "RetiringServicePrincipal")?;
    let page = paging::read(&mut req)?;
    let retiring = req.string("RetiringPrincipal")?;
    req.finish()?;
    let grants = ks.list_retirable_grants_page(&retiring, &page)?;
    Ok(grant_page(ks, &grants))
}

/// `RetireGrant`: `{}`.
pub fn retire_grant(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let token = req.opt_string("GrantToken")?;
    let key_id = req.opt_string("KeyId")?;
    let grant_id = req.opt_string("GrantId")?;
    let dry = req.dry_run()?;
    req.finish()?;
    run(ks, dry, || {
        ks.retire_grant(token.as_deref(), key_id.as_deref(), grant_id.as_deref())
    })?;
    Ok(json!({}))
}

/// `RevokeGrant`: `{}`.
pub fn revoke_grant(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let grant_id = req.string("GrantId")?;
    let dry = req.dry_run()?;
    req.finish()?;
    run(ks, dry, || ks.revoke_grant(&key_id, &grant_id))?;
    Ok(json!({}))
}

//! Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.

use super::error::ApiError;
use super::paging;
use super::request::Request;
use super::shapes::date;
use serde_json::{Value, json};
use strongroom::Keystore;

/// `CreateAlias`.
pub fn create_alias(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let name = req.string("AliasName")?;
    let target = req.string("TargetKeyId")?;
    req.finish()?;
    ks.create_alias(&name, &target)?;
    Ok(json!({}))
}

/// `UpdateAlias`.
pub fn update_alias(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let name = req.string("AliasName")?;
    let target = req.string("TargetKeyId")?;
    req.finish()?;
    ks.update_alias(&name, &target)?;
    Ok(json!({}))
}

/// `DeleteAlias`.
pub fn delete_alias(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let name = req.string("AliasName")?;
    req.finish()?;
    ks.delete_alias(&name)?;
    Ok(json!({}))
}

/// `ListAliases`: `{"Aliases": [AliasListEntry], "Truncated", "NextMarker"}`.
pub fn list_aliases(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.opt_string("KeyId")?;
    let page = paging::read(&mut req)?;
    req.finish()?;
    let aliases = ks.list_aliases_page(key_id.as_deref(), &page)?;
    Ok(paging::answer(&aliases, "Aliases", |a| {
        json!({
            "AliasName": a.alias_name,
            "AliasArn": ks.aws_arn(&a.alias_arn),
            "TargetKeyId": a.target_key_id,
            "CreationDate": date(a.creation_date),
            "LastUpdatedDate": date(a.last_updated_date),
        })
    }))
}

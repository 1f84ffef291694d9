//! Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
//! ListKeyRotations.

use super::error::ApiError;
use super::paging;
use super::request::Request;
use super::shapes::{date, key_id_of_arn};
use serde_json::{Map, Value, json};
use strongroom::{IncludeKeyMaterial, Keystore, RotationType};

/// `EnableKeyRotation`.
pub fn enable_key_rotation(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let period = req.opt_u32("RotationPeriodInDays")?;
    req.finish()?;
    ks.enable_key_rotation(&key_id, period)?;
    Ok(json!({}))
}

/// `DisableKeyRotation`.
pub fn disable_key_rotation(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    ks.disable_key_rotation(&key_id)?;
    Ok(json!({}))
}

/// `GetKeyRotationStatus`: `{"KeyRotationEnabled", "KeyId", "RotationPeriodInDays",
/// "NextRotationDate", "OnDemandRotationStartDate"}` (the last three only when set).
pub fn get_key_rotation_status(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    let s = ks.get_key_rotation_status(&key_id)?;
    let mut o = Map::new();
    o.insert("KeyRotationEnabled".into(), json!(s.key_rotation_enabled));
    o.insert("KeyId".into(), json!(s.key_id));
    if let Some(p) = s.rotation_period_in_days {
        o.insert("RotationPeriodInDays".into(), json!(p));
    }
    if let Some(d) = s.next_rotation_date {
        o.insert("NextRotationDate".into(), date(d));
    }
    if let Some(d) = s.on_demand_rotation_start_date {
        o.insert("OnDemandRotationStartDate".into(), date(d));
    }
    Ok(Value::Object(o))
}

/// `RotateKeyOnDemand`: `{"KeyId"}` (the key id, as AWS answers).
pub fn rotate_key_on_demand(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.finish()?;
    ks.rotate_key_on_demand(&key_id)?;
    let arn = ks.key_arn_of(&key_id)?;
    Ok(json!({ "KeyId": key_id_of_arn(&arn) }))
}

/// `ListKeyRotations`: `{"Rotations": [RotationsListEntry], "Truncated", "NextMarker"}`; with
/// `IncludeKeyMaterial` `ALL_KEY_MATERIAL` the first material too (without `RotationDate` and
/// `RotationType`, as AWS lists it).
pub fn list_key_rotations(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let include = match req.opt_string("IncludeKeyMaterial")? {
        None => IncludeKeyMaterial::default(),
        Some(v) => v.parse::<IncludeKeyMaterial>().map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{v}' at 'includeKeyMaterial' failed to satisfy constraint: Member must satisfy enum value set: [ALL_KEY_MATERIAL, ROTATIONS_ONLY]"
            ))
        })?,
    };
    let page = paging::read(&mut req)?;
    req.finish()?;
    let rotations = ks.list_key_rotations_page(&key_id, include, &page)?;
    Ok(paging::answer(&rotations, "Rotations", |r| {
        let mut o = Map::new();
        o.insert("KeyId".into(), json!(r.key_id));
        o.insert("KeyMaterialId".into(), json!(r.key_material_id.as_str()));
        if let Some(d) = &r.key_material_description {
            o.insert("KeyMaterialDescription".into(), json!(d));
        }
        if let Some(s) = r.import_state {
            o.insert("ImportState".into(), json!(s.as_str()));
        }
        o.insert(
            "KeyMaterialState".into(),
            json!(r.key_material_state.as_str()),
        );
        if let Some(e) = r.expiration_model {
            o.insert("ExpirationModel".into(), json!(e.as_str()));
        }
        if let Some(v) = r.valid_to {
            o.insert("ValidTo".into(), date(v));
        }
        if r.rotation_type != RotationType::Initial {
            o.insert("RotationDate".into(), date(r.rotation_date));
            o.insert("RotationType".into(), json!(r.rotation_type.as_str()));
        }
        Value::Object(o)
    }))
}

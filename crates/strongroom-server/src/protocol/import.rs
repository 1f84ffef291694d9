//! Importing key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

use super::error::ApiError;
use super::request::Request;
use super::shapes::{blob, date};
use serde_json::{Value, json};
use strongroom::{ExpirationModel, Keystore, WrappingAlgorithm, WrappingKeySpec};

/// Refuses a member strongroom has no key material ids or descriptions for yet.
fn not_yet(req: &mut Request, name: &str) -> Result<(), ApiError> {
    if req.opt_string(name)?.is_some() {
        return Err(ApiError::validation(format!(
            "{name}: strongroom does not track key material ids and descriptions yet (a key has one material for life); omit it"
        )));
    }
    Ok(())
}

/// `GetParametersForImport`: `{"KeyId": ARN, "ImportToken", "PublicKey", "ParametersValidTo"}`.
pub fn get_parameters_for_import(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let algorithm: WrappingAlgorithm = req.string("WrappingAlgorithm")?.parse()?;
    let spec: WrappingKeySpec = req.string("WrappingKeySpec")?.parse()?;
    req.finish()?;
    let p = ks.get_parameters_for_import(&key_id, algorithm, spec)?;
    Ok(json!({
        "KeyId": p.key_id,
        "ImportToken": blob(&p.import_token),
        "PublicKey": blob(&p.public_key),
        "ParametersValidTo": date(p.parameters_valid_to),
    }))
}

/// `ImportKeyMaterial`: `{"KeyId": ARN}`. `ExpirationModel` defaults to `KEY_MATERIAL_EXPIRES`,
/// as botocore's model documents (which then needs `ValidTo`).
pub fn import_key_material(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let token = req.blob("ImportToken")?;
    let material = req.blob("EncryptedKeyMaterial")?;
    let valid_to = req.opt_timestamp("ValidTo")?;
    let model: ExpirationModel = req
        .opt_string("ExpirationModel")?
        .as_deref()
        .unwrap_or("KEY_MATERIAL_EXPIRES")
        .parse()?;
    match req.opt_string("ImportType")?.as_deref() {
        None => {}
        Some(t @ ("NEW_KEY_MATERIAL" | "EXISTING_KEY_MATERIAL")) => {
            return Err(ApiError::validation(format!(
                "ImportType {t}: strongroom ties a key to one material for life and does not take ImportType yet; omit it"
            )));
        }
        Some(other) => {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{other}' at 'importType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_KEY_MATERIAL, EXISTING_KEY_MATERIAL]"
            )));
        }
    }
    not_yet(&mut req, "KeyMaterialDescription")?;
    not_yet(&mut req, "KeyMaterialId")?;
    req.finish()?;
    ks.import_key_material(&key_id, &token, &material, model, valid_to)?;
    Ok(json!({ "KeyId": ks.key_arn_of(&key_id)? }))
}

/// `DeleteImportedKeyMaterial`: `{"KeyId": ARN}`.
pub fn delete_imported_key_material(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    not_yet(&mut req, "KeyMaterialId")?;
    req.finish()?;
    ks.delete_imported_key_material(&key_id)?;
    Ok(json!({ "KeyId": ks.key_arn_of(&key_id)? }))
}

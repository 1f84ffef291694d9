//! Importing key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

use super::error::ApiError;
use super::request::Request;
use super::shapes::{blob, date};
use serde_json::{Value, json};
use strongroom::{
    AWS_DEFAULT_EXPIRATION_MODEL, ExpirationModel, ImportClaims, ImportType, Keystore,
    WrappingAlgorithm, WrappingKeySpec,
};

/// Refuses a member naming or describing one of several materials: a strongroom key has one
/// imported material for life.
fn not_yet(req: &mut Request, name: &str) -> Result<(), ApiError> {
    if req.opt_string(name)?.is_some() {
        return Err(ApiError::validation(format!(
            "{name}: strongroom ties a key to one imported material for life and does not take {name} yet; omit it"
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
        "KeyId": ks.aws_arn(&p.key_id),
        "ImportToken": blob(&p.import_token),
        "PublicKey": blob(&p.public_key),
        "ParametersValidTo": date(p.parameters_valid_to),
    }))
}

/// `ImportKeyMaterial`: `{"KeyId": ARN, "KeyMaterialId"}`. `ExpirationModel` defaults to
/// `KEY_MATERIAL_EXPIRES` (`AWS_DEFAULT_EXPIRATION_MODEL`), as botocore's model documents (which then
/// needs `ValidTo`).
pub fn import_key_material(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let token = req.blob("ImportToken")?;
    let material = req.blob("EncryptedKeyMaterial")?;
    let valid_to = req.opt_timestamp("ValidTo")?;
    let model: ExpirationModel = match req.opt_string("ExpirationModel")? {
        Some(m) => m.parse()?,
        None => AWS_DEFAULT_EXPIRATION_MODEL,
    };
    let import_type = match req.opt_string("ImportType")? {
        None => None,
        Some(t) => Some(t.parse::<ImportType>().map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{t}' at 'importType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_KEY_MATERIAL, EXISTING_KEY_MATERIAL]"
            ))
        })?),
    };
    let key_material_id = req.opt_string("KeyMaterialId")?;
    if let Some(m) = &key_material_id
        && (m.len() != 64 || !m.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{m}' at 'keyMaterialId' failed to satisfy constraint: Member must be 64 lowercase hexadecimal characters"
        )));
    }
    let description = req.opt_string("KeyMaterialDescription")?;
    req.finish()?;
    let claims = ImportClaims {
        import_type,
        key_material_id: key_material_id.as_deref(),
        key_material_description: description.as_deref(),
    };
    let id = ks.import_key_material_with(&key_id, &token, &material, model, valid_to, claims)?;
    material_answer(ks, &key_id, id)
}

/// `{"KeyId": ARN, "KeyMaterialId"}`, the answer of an import and of its deletion.
fn material_answer(
    ks: &Keystore,
    key_id: &str,
    id: strongroom::KeyMaterialId,
) -> Result<Value, ApiError> {
    Ok(json!({ "KeyId": ks.aws_arn(&ks.key_arn_of(key_id)?), "KeyMaterialId": id.as_str() }))
}

/// `DeleteImportedKeyMaterial`: `{"KeyId": ARN, "KeyMaterialId"}`.
pub fn delete_imported_key_material(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    not_yet(&mut req, "KeyMaterialId")?;
    req.finish()?;
    let id = ks.delete_imported_key_material(&key_id)?;
    material_answer(ks, &key_id, id)
}

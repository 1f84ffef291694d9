//! Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
//! GenerateDataKeyWithoutPlaintext, GenerateRandom. Every response's `KeyId` is the key's ARN.
//! Plaintext members are wiped after the response is written (see `super::respond`).

use super::error::ApiError;
use super::model;
use super::request::Request;
use super::run;
use super::shapes::blob;
use serde_json::{Value, json};
use strongroom::{DataKeySpec, EncryptionAlgorithm, Keystore, ReEncryptAlgorithms};

/// `EncryptionAlgorithm`, or another member of AWS's `EncryptionAlgorithmSpec` type named `name`
/// (default `SYMMETRIC_DEFAULT`); which keys allow which is the core's table
/// (`InvalidKeyUsageException` for a mismatch).
fn encryption_algorithm(req: &mut Request, name: &str) -> Result<EncryptionAlgorithm, ApiError> {
    match req.opt_string(name)? {
        None => Ok(EncryptionAlgorithm::SymmetricDefault),
        Some(a) => match a.parse::<EncryptionAlgorithm>() {
            Ok(a) => Ok(a),
            Err(_) if model::ENCRYPTION_ALGORITHMS.contains(&a.as_str()) => Err(ApiError::client(
                "UnsupportedOperationException",
                format!("{name} {a} is not supported by strongroom"),
            )),
            Err(e) => Err(e.into()),
        },
    }
}

/// Refuses `Recipient` (Nitro Enclaves attestation), which strongroom cannot honour.
fn no_recipient(req: &mut Request) -> Result<(), ApiError> {
    if req.non_empty_object("Recipient")? {
        return Err(ApiError::validation(
            "Recipient: strongroom has no Nitro Enclaves attestation; omit Recipient",
        ));
    }
    Ok(())
}

/// Refuses non-empty `DryRunModifiers` (`IGNORE_CIPHERTEXT`): a dry run here always checks the
/// ciphertext, as AWS's does without modifiers.
fn no_dry_run_modifiers(req: &mut Request) -> Result<(), ApiError> {
    if req.non_empty_list("DryRunModifiers")? {
        return Err(ApiError::validation(
            "DryRunModifiers: strongroom does not support IGNORE_CIPHERTEXT yet (a dry run checks \
             the ciphertext too); omit DryRunModifiers",
        ));
    }
    Ok(())
}

/// `Encrypt`: `{"CiphertextBlob", "KeyId": ARN, "EncryptionAlgorithm"}`.
pub fn encrypt(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let plaintext = req.blob("Plaintext")?;
    let context = req.opt_context("EncryptionContext")?;
    req.grant_tokens()?;
    let alg = encryption_algorithm(&mut req, "EncryptionAlgorithm")?;
    let dry = req.dry_run()?;
    req.finish()?;
    let out = run(ks, dry, || {
        ks.encrypt_with_algorithm(&key_id, &plaintext, context.as_ref(), alg)
    })?;
    Ok(json!({
        "CiphertextBlob": blob(&out.ciphertext_blob),
        "KeyId": ks.aws_arn(&out.key_id),
        "EncryptionAlgorithm": out.encryption_algorithm.as_str(),
    }))
}

/// `Decrypt`: `{"KeyId": ARN, "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"}`;
/// `KeyMaterialId` only with `SYMMETRIC_DEFAULT`, as AWS (present for symmetric keys only).
pub fn decrypt(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let ciphertext = req.blob("CiphertextBlob")?;
    let context = req.opt_context("EncryptionContext")?;
    req.grant_tokens()?;
    let key_id = req.opt_string("KeyId")?;
    let alg = encryption_algorithm(&mut req, "EncryptionAlgorithm")?;
    no_recipient(&mut req)?;
    let dry = req.dry_run()?;
    no_dry_run_modifiers(&mut req)?;
    req.finish()?;
    let out = run(ks, dry, || {
        ks.decrypt_with_algorithm(&ciphertext, context.as_ref(), key_id.as_deref(), alg)
    })?;
    let mut reply = json!({
        "KeyId": ks.aws_arn(&out.key_id),
        "Plaintext": blob(out.plaintext.as_bytes()),
        "EncryptionAlgorithm": alg.as_str(),
    });
    if alg == EncryptionAlgorithm::SymmetricDefault {
        reply["KeyMaterialId"] = json!(out.key_material_id.as_str());
    }
    Ok(reply)
}

/// `ReEncrypt`: `{"CiphertextBlob", "SourceKeyId", "KeyId", "SourceEncryptionAlgorithm",
/// "DestinationEncryptionAlgorithm", "SourceKeyMaterialId", "DestinationKeyMaterialId"}`, the key
/// ids as ARNs; each material id only on a `SYMMETRIC_DEFAULT` side, as AWS (present for
/// symmetric keys only). To and from RSA keys by the algorithms; the rules are the core's
/// (`Keystore::re_encrypt_with_algorithms`).
pub fn re_encrypt(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let ciphertext = req.blob("CiphertextBlob")?;
    let source_context = req.opt_context("SourceEncryptionContext")?;
    let source_key_id = req.opt_string("SourceKeyId")?;
    let destination = req.string("DestinationKeyId")?;
    let destination_context = req.opt_context("DestinationEncryptionContext")?;
    let algorithms = ReEncryptAlgorithms {
        source: encryption_algorithm(&mut req, "SourceEncryptionAlgorithm")?,
        destination: encryption_algorithm(&mut req, "DestinationEncryptionAlgorithm")?,
    };
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    no_dry_run_modifiers(&mut req)?;
    req.finish()?;
    let out = run(ks, dry, || {
        ks.re_encrypt_with_algorithms(
            &ciphertext,
            &destination,
            source_context.as_ref(),
            destination_context.as_ref(),
            source_key_id.as_deref(),
            algorithms,
        )
    })?;
    let mut reply = json!({
        "CiphertextBlob": blob(&out.ciphertext_blob),
        "SourceKeyId": ks.aws_arn(&out.source_key_id),
        "KeyId": ks.aws_arn(&out.key_id),
        "SourceEncryptionAlgorithm": out.source_encryption_algorithm.as_str(),
        "DestinationEncryptionAlgorithm": out.destination_encryption_algorithm.as_str(),
    });
    if out.source_encryption_algorithm == EncryptionAlgorithm::SymmetricDefault {
        reply["SourceKeyMaterialId"] = json!(out.source_key_material_id.as_str());
    }
    if out.destination_encryption_algorithm == EncryptionAlgorithm::SymmetricDefault {
        reply["DestinationKeyMaterialId"] = json!(out.destination_key_material_id.as_str());
    }
    Ok(reply)
}

/// The members GenerateDataKey and GenerateDataKeyWithoutPlaintext share.
struct DataKeyRequest {
    key_id: String,
    context: Option<strongroom::EncryptionContext>,
    number_of_bytes: Option<u32>,
    key_spec: Option<DataKeySpec>,
}

fn data_key_request(req: &mut Request) -> Result<DataKeyRequest, ApiError> {
    Ok(DataKeyRequest {
        key_id: req.string("KeyId")?,
        context: req.opt_context("EncryptionContext")?,
        number_of_bytes: req.opt_u32("NumberOfBytes")?,
        key_spec: req
            .opt_string("KeySpec")?
            .map(|s| s.parse::<DataKeySpec>())
            .transpose()?,
    })
}

/// `GenerateDataKey`: `{"CiphertextBlob", "Plaintext", "KeyId": ARN, "KeyMaterialId"}`.
pub fn generate_data_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let r = data_key_request(&mut req)?;
    req.grant_tokens()?;
    no_recipient(&mut req)?;
    let dry = req.dry_run()?;
    req.finish()?;
    let dk = run(ks, dry, || {
        ks.generate_data_key(&r.key_id, r.key_spec, r.number_of_bytes, r.context.as_ref())
    })?;
    Ok(json!({
        "CiphertextBlob": blob(&dk.ciphertext_blob),
        "Plaintext": blob(dk.plaintext.as_bytes()),
        "KeyId": ks.aws_arn(&dk.key_id),
        "KeyMaterialId": dk.key_material_id.as_str(),
    }))
}

/// `GenerateDataKeyWithoutPlaintext`: `{"CiphertextBlob", "KeyId": ARN, "KeyMaterialId"}`.
pub fn generate_data_key_without_plaintext(
    ks: &Keystore,
    mut req: Request,
) -> Result<Value, ApiError> {
    let r = data_key_request(&mut req)?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let dk = run(ks, dry, || {
        ks.generate_data_key_without_plaintext(
            &r.key_id,
            r.key_spec,
            r.number_of_bytes,
            r.context.as_ref(),
        )
    })?;
    Ok(json!({
        "CiphertextBlob": blob(&dk.ciphertext_blob),
        "KeyId": ks.aws_arn(&dk.key_id),
        "KeyMaterialId": dk.key_material_id.as_str(),
    }))
}

/// `GenerateRandom`: `{"Plaintext"}`.
pub fn generate_random(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let n = req.opt_u32("NumberOfBytes")?;
    if req.opt_string("CustomKeyStoreId")?.is_some() {
        return Err(ApiError::client(
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreId: strongroom has no custom key stores; omit it",
        ));
    }
    no_recipient(&mut req)?;
    req.finish()?;
    let Some(n) = n else {
        return Err(ApiError::validation(
            "NumberOfBytes: give the number of random bytes to generate, 1 to 1024",
        ));
    };
    let bytes = ks.generate_random(n)?;
    Ok(json!({ "Plaintext": blob(bytes.as_bytes()) }))
}

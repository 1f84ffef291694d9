//! Asymmetric and HMAC keys (SPEC section 11): GetPublicKey, Sign, Verify, GenerateMac,
//! VerifyMac, DeriveSharedSecret, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, with
//! botocore's member names. Every rule is the core's; an invalid signature or MAC is the core's
//! `KMSInvalidSignature`/`KMSInvalidMac`, sent as AWS's exception of that name.

use super::error::ApiError;
use super::request::Request;
use super::run;
use super::shapes::{blob, names};
use serde_json::{Map, Value, json};
use strongroom::{
    DataKeyPairSpec, KeyAgreementAlgorithm, Keystore, MacAlgorithm, MessageType, SigningAlgorithm,
};

/// Refuses `Recipient` (Nitro Enclaves attestation), which strongroom cannot honour.
fn no_recipient(req: &mut Request) -> Result<(), ApiError> {
    if req.non_empty_object("Recipient")? {
        return Err(ApiError::validation(
            "Recipient: strongroom has no Nitro Enclaves attestation; omit Recipient",
        ));
    }
    Ok(())
}

fn message_type(req: &mut Request) -> Result<MessageType, ApiError> {
    Ok(req
        .opt_string("MessageType")?
        .map(|m| m.parse::<MessageType>())
        .transpose()?
        .unwrap_or(MessageType::Raw))
}

/// `GetPublicKey`.
pub fn get_public_key(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    req.grant_tokens()?;
    req.finish()?;
    let p = ks.get_public_key(&key_id)?;
    let mut o = Map::new();
    o.insert("KeyId".into(), json!(ks.aws_arn(&p.key_id)));
    o.insert("PublicKey".into(), blob(&p.public_key));
    if let Some(c) = p.customer_master_key_spec {
        o.insert("CustomerMasterKeySpec".into(), json!(c.as_str()));
    }
    o.insert("KeySpec".into(), json!(p.key_spec.as_str()));
    o.insert("KeyUsage".into(), json!(p.key_usage.as_str()));
    for (member, list) in [
        ("EncryptionAlgorithms", names(&p.encryption_algorithms)),
        ("SigningAlgorithms", names(&p.signing_algorithms)),
        ("KeyAgreementAlgorithms", names(&p.key_agreement_algorithms)),
    ] {
        if !list.is_empty() {
            o.insert(member.into(), json!(list));
        }
    }
    Ok(Value::Object(o))
}

/// `Sign`: `{"KeyId", "Signature", "SigningAlgorithm"}`.
pub fn sign(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let message = req.blob("Message")?;
    let message_type = message_type(&mut req)?;
    req.grant_tokens()?;
    let alg = req
        .string("SigningAlgorithm")?
        .parse::<SigningAlgorithm>()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let s = run(ks, dry, || ks.sign(&key_id, &message, message_type, alg))?;
    Ok(json!({
        "KeyId": ks.aws_arn(&s.key_id),
        "Signature": blob(&s.signature),
        "SigningAlgorithm": s.signing_algorithm.as_str(),
    }))
}

/// `Verify`: `{"KeyId", "SignatureValid": true, "SigningAlgorithm"}`, or
/// `KMSInvalidSignatureException`.
pub fn verify(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let message = req.blob("Message")?;
    let message_type = message_type(&mut req)?;
    let signature = req.blob("Signature")?;
    let alg = req
        .string("SigningAlgorithm")?
        .parse::<SigningAlgorithm>()?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let v = run(ks, dry, || {
        ks.verify(&key_id, &message, message_type, &signature, alg)
    })?;
    Ok(json!({
        "KeyId": ks.aws_arn(&v.key_id),
        "SignatureValid": v.signature_valid,
        "SigningAlgorithm": v.signing_algorithm.as_str(),
    }))
}

/// `GenerateMac`: `{"Mac", "MacAlgorithm", "KeyId"}`.
pub fn generate_mac(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let message = req.blob("Message")?;
    let key_id = req.string("KeyId")?;
    let alg = req.string("MacAlgorithm")?.parse::<MacAlgorithm>()?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let m = run(ks, dry, || ks.generate_mac(&key_id, &message, alg))?;
    Ok(json!({
        "Mac": blob(&m.mac),
        "MacAlgorithm": m.mac_algorithm.as_str(),
        "KeyId": ks.aws_arn(&m.key_id),
    }))
}

/// `VerifyMac`: `{"KeyId", "MacValid": true, "MacAlgorithm"}`, or `KMSInvalidMacException`.
pub fn verify_mac(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let message = req.blob("Message")?;
    let key_id = req.string("KeyId")?;
    let alg = req.string("MacAlgorithm")?.parse::<MacAlgorithm>()?;
    let mac = req.blob("Mac")?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    req.finish()?;
    let v = run(ks, dry, || ks.verify_mac(&key_id, &message, alg, &mac))?;
    Ok(json!({
        "KeyId": ks.aws_arn(&v.key_id),
        "MacValid": v.mac_valid,
        "MacAlgorithm": v.mac_algorithm.as_str(),
    }))
}

/// `DeriveSharedSecret`: `{"KeyId", "SharedSecret", "KeyAgreementAlgorithm", "KeyOrigin"}`.
pub fn derive_shared_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let key_id = req.string("KeyId")?;
    let alg = req
        .string("KeyAgreementAlgorithm")?
        .parse::<KeyAgreementAlgorithm>()?;
    let public_key = req.blob("PublicKey")?;
    req.grant_tokens()?;
    let dry = req.dry_run()?;
    no_recipient(&mut req)?;
    req.finish()?;
    let s = run(ks, dry, || {
        ks.derive_shared_secret(&key_id, alg, &public_key)
    })?;
    Ok(json!({
        "KeyId": ks.aws_arn(&s.key_id),
        "SharedSecret": blob(s.shared_secret.as_bytes()),
        "KeyAgreementAlgorithm": s.key_agreement_algorithm.as_str(),
        "KeyOrigin": s.key_origin.as_str(),
    }))
}

/// The members GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext share.
struct PairRequest {
    key_id: String,
    context: Option<strongroom::EncryptionContext>,
    spec: DataKeyPairSpec,
    dry_run: bool,
}

fn pair_request(req: &mut Request) -> Result<PairRequest, ApiError> {
    let context = req.opt_context("EncryptionContext")?;
    let key_id = req.string("KeyId")?;
    let spec = req.string("KeyPairSpec")?.parse::<DataKeyPairSpec>()?;
    req.grant_tokens()?;
    let dry_run = req.dry_run()?;
    Ok(PairRequest {
        key_id,
        context,
        spec,
        dry_run,
    })
}

/// `GenerateDataKeyPair`: `{"PrivateKeyCiphertextBlob", "PrivateKeyPlaintext", "PublicKey",
/// "KeyId", "KeyPairSpec", "KeyMaterialId"}`.
pub fn generate_data_key_pair(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let r = pair_request(&mut req)?;
    no_recipient(&mut req)?;
    req.finish()?;
    let p = run(ks, r.dry_run, || {
        ks.generate_data_key_pair(&r.key_id, r.context.as_ref(), r.spec)
    })?;
    Ok(json!({
        "PrivateKeyCiphertextBlob": blob(&p.private_key_ciphertext_blob),
        "PrivateKeyPlaintext": blob(p.private_key_plaintext.as_bytes()),
        "PublicKey": blob(&p.public_key),
        "KeyId": ks.aws_arn(&p.key_id),
        "KeyPairSpec": p.key_pair_spec.as_str(),
        "KeyMaterialId": p.key_material_id.as_str(),
    }))
}

/// `GenerateDataKeyPairWithoutPlaintext`: as `GenerateDataKeyPair` without
/// `PrivateKeyPlaintext`.
pub fn generate_data_key_pair_without_plaintext(
    ks: &Keystore,
    mut req: Request,
) -> Result<Value, ApiError> {
    let r = pair_request(&mut req)?;
    req.finish()?;
    let p = run(ks, r.dry_run, || {
        ks.generate_data_key_pair_without_plaintext(&r.key_id, r.context.as_ref(), r.spec)
    })?;
    Ok(json!({
        "PrivateKeyCiphertextBlob": blob(&p.private_key_ciphertext_blob),
        "PublicKey": blob(&p.public_key),
        "KeyId": ks.aws_arn(&p.key_id),
        "KeyPairSpec": p.key_pair_spec.as_str(),
        "KeyMaterialId": p.key_material_id.as_str(),
    }))
}

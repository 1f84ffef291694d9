//! Asymmetric keys' public half and signatures (SPEC section 11): `GetPublicKey`, `Sign`,
//! `Verify`. Which algorithm and message a key allows is `rules::key_specs`; the state table
//! applies as to every use.

use crate::audit::subject::Subject;
use crate::crypto::asymmetric::AsymmetricKey;
use crate::crypto::hmac::HmacKey;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::{UnsealedKey, VersionKey};
use crate::model::algorithms::{MessageType, SigningAlgorithm};
use crate::model::asymmetric::{PublicKey, Signed, Verified};
use crate::model::key::KeyUsage;
use crate::model::operation::Operation;
use crate::ops::crypto::used_at;
use crate::rules::key_specs::{self, check_signature_len, check_signing};
use crate::{Error, Result};
use std::sync::Arc;

/// The asymmetric key of `k`'s current version; `UnsupportedOperation` for a symmetric or HMAC
/// key (`what` names the operation's need).
pub(super) fn asymmetric_key<'a>(k: &'a UnsealedKey, what: &str) -> Result<&'a AsymmetricKey> {
    match k.version(k.rec.current_version).map(|v| &v.key) {
        Some(VersionKey::Asymmetric(a)) => Ok(a),
        _ => Err(Error::UnsupportedOperation(format!(
            "key {} is a {} key; {what} needs an asymmetric key (RSA, ECC or ML-DSA)",
            uuid::Uuid::from_u128(k.id),
            k.rec.key_spec
        ))),
    }
}

/// The HMAC key of `k`'s current version.
pub(super) fn hmac(k: &UnsealedKey) -> Result<&HmacKey> {
    match k.version(k.rec.current_version).map(|v| &v.key) {
        Some(VersionKey::Hmac(h)) => Ok(h),
        _ => Err(Error::InvalidKeyUsage(format!(
            "key {} is a {} key, not an HMAC key",
            uuid::Uuid::from_u128(k.id),
            k.rec.key_spec
        ))),
    }
}

impl Keystore {
    /// The key named `key_ref`, usable for a use of its own usage (the state table's rules).
    pub(super) fn usable_any(
        &self,
        key_ref: &str,
        operation: Operation,
        s: &mut Subject,
    ) -> Result<Arc<UnsealedKey>> {
        let now = self.maintain_if_due()?;
        s.now = Some(now);
        let id = self.lookup(key_ref)?;
        let usage = self.key(id)?.rec.key_usage;
        let k = self.used_key(id, usage, operation, now, s)?;
        s.version = Some(k.rec.current_version);
        Ok(k)
    }

    /// The public key of an asymmetric key, DER SubjectPublicKeyInfo, with the key's spec, usage
    /// and algorithms (AWS KMS `GetPublicKey`). `UnsupportedOperation` for symmetric and HMAC
    /// keys; the state table applies (a disabled key: `Disabled`).
    pub fn get_public_key(&self, key_id: &str) -> Result<PublicKey> {
        self.logged(Operation::GetPublicKey, Some(key_id), None, |s| {
            let k = self.usable_any(key_id, Operation::GetPublicKey, s)?;
            let a = asymmetric_key(&k, "GetPublicKey")?;
            let (spec, usage) = (k.rec.key_spec, k.rec.key_usage);
            Ok(PublicKey {
                key_id: k.arn.clone(),
                public_key: a.public_key_der().to_vec(),
                customer_master_key_spec: key_specs::customer_master_key_spec(spec),
                key_spec: spec,
                key_usage: usage,
                encryption_algorithms: key_specs::encryption_algorithms(spec, usage).to_vec(),
                signing_algorithms: key_specs::signing_algorithms(spec, usage).to_vec(),
                key_agreement_algorithms: key_specs::key_agreement_algorithms(spec, usage).to_vec(),
            })
        })
    }

    /// Signs `message` with a `SIGN_VERIFY` key (AWS KMS `Sign`): a RAW message of 1 to 4096
    /// bytes, or a DIGEST of exactly the algorithm's hash length. `InvalidKeyUsage` for an
    /// algorithm the key does not allow.
    pub fn sign(
        &self,
        key_id: &str,
        message: &[u8],
        message_type: MessageType,
        signing_algorithm: SigningAlgorithm,
    ) -> Result<Signed> {
        self.logged(Operation::Sign, Some(key_id), None, |s| {
            let k = self.usable(key_id, KeyUsage::SignVerify, Operation::Sign, s)?;
            let (spec, usage) = (k.rec.key_spec, k.rec.key_usage);
            check_signing(
                k.id,
                spec,
                usage,
                signing_algorithm,
                message_type,
                message.len(),
            )?;
            let signature =
                asymmetric_key(&k, "Sign")?.sign(signing_algorithm, message_type, message)?;
            self.note_use(&k, Operation::Sign, used_at(s))?;
            Ok(Signed {
                key_id: k.arn.clone(),
                signature,
                signing_algorithm,
            })
        })
    }

    /// Verifies `signature` of `message` with a `SIGN_VERIFY` key (AWS KMS `Verify`), whoever
    /// made it (openssl with the public key, for one). A signature that is not valid fails with
    /// `KMSInvalidSignature`: the answer is never "false".
    pub fn verify(
        &self,
        key_id: &str,
        message: &[u8],
        message_type: MessageType,
        signature: &[u8],
        signing_algorithm: SigningAlgorithm,
    ) -> Result<Verified> {
        self.logged(Operation::Verify, Some(key_id), None, |s| {
            check_signature_len(signature.len())?;
            let k = self.usable(key_id, KeyUsage::SignVerify, Operation::Verify, s)?;
            let (spec, usage) = (k.rec.key_spec, k.rec.key_usage);
            check_signing(
                k.id,
                spec,
                usage,
                signing_algorithm,
                message_type,
                message.len(),
            )?;
            let a = asymmetric_key(&k, "Verify")?;
            if !a.verify(signing_algorithm, message_type, message, signature) {
                return Err(Error::KmsInvalidSignature(format!(
                    "the signature is not a valid {signing_algorithm} signature of this {} \
                     message under key {}",
                    message_type,
                    uuid::Uuid::from_u128(k.id)
                )));
            }
            self.note_use(&k, Operation::Verify, used_at(s))?;
            Ok(Verified {
                key_id: k.arn.clone(),
                signature_valid: true,
                signing_algorithm,
            })
        })
    }
}

//! Who may read and write a secret's value (SPEC section 14 with section 13): as in AWS, where
//! Secrets Manager calls KMS with the caller's own credentials, the secret's KMS key policy and
//! grants decide. The server calls [`Keystore::authorize_secret`] before each Secrets Manager
//! call; in-process callers are the account root and are never checked.

use crate::audit::subject::Subject;
use crate::keystore::handle::Keystore;
use crate::keystore::secrets::DEFAULT_SECRETS_KEY_ALIAS;
use crate::model::context::EncryptionContext;
use crate::model::policy::{AccessRequest, Principal, SecretAccessRequest};
use crate::ops::secrets::pick_version;
use crate::{Error, Result};

impl Keystore {
    /// Whether `principal` may make the Secrets Manager call `request`, judged as AWS judges the
    /// KMS calls Secrets Manager makes for it: reading a version needs `kms:Decrypt` on the key
    /// that encrypted it, with the encryption context `{"SecretARN", "SecretVersionId"}`; writing
    /// a value or naming a new KMS key needs `kms:GenerateDataKey` on the key that will encrypt
    /// (with `{"SecretARN"}` once the secret exists). A call that touches no value needs nothing
    /// of the key, and a secret or version that is not found is left to the call itself (its own
    /// `NotFound`). A refusal is `AccessDenied`, recorded in the audit trail under the call.
    pub fn authorize_secret(
        &self,
        principal: &Principal,
        request: &SecretAccessRequest<'_>,
    ) -> Result<()> {
        let secret = match request.secret_id {
            Some(id) => match self.find_secret(id, &mut Subject::default()) {
                Ok((_, rec)) => Some(rec),
                Err(Error::NotFound(_) | Error::Validation(_)) => return Ok(()),
                Err(e) => return Err(e),
            },
            None => None,
        };
        let arn = secret.as_ref().map(|rec| rec.arn.clone());
        let (action, key, version) = if request.reads_value {
            let Some(rec) = &secret else { return Ok(()) };
            let Ok(v) = pick_version(rec, request.version_id, request.version_stage) else {
                return Ok(());
            };
            ("Decrypt", v.kms_key, Some(v.id.clone()))
        } else if request.writes_value {
            let named = match request.kms_key_id {
                Some(k) => match self.resolve(k) {
                    Ok(id) => Some(id),
                    Err(_) => return Ok(()),
                },
                None => secret.as_ref().and_then(|rec| rec.kms_key),
            };
            let key = match named {
                Some(id) => id,
                // The default secrets key; not made yet, it will have the default policy.
                None => match self.alias(DEFAULT_SECRETS_KEY_ALIAS)? {
                    Some(a) => a.target,
                    None => return Ok(()),
                },
            };
            ("GenerateDataKey", key, None)
        } else {
            return Ok(());
        };
        let pairs = arn
            .map(|a| ("SecretARN".to_owned(), a))
            .into_iter()
            .chain(version.map(|v| ("SecretVersionId".to_owned(), v)));
        let context = EncryptionContext::from_pairs(pairs)?;
        self.authorize(
            principal,
            &AccessRequest {
                operation: request.operation,
                action,
                key_id: &uuid::Uuid::from_u128(key).to_string(),
                encryption_context: (!context.is_empty()).then_some(&context),
                grant_tokens: &[],
                grant_operations: &[],
            },
        )
    }
}

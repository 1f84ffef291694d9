//! Who may call Secrets Manager on a secret (SPEC section 14 with section 13): the secret's
//! resource policy, whose explicit `Deny` refuses any call on the secret; then, as in AWS, where
//! Secrets Manager calls KMS with the caller's own credentials, the secret's KMS key policy and
//! grants decide who reads and writes its value. The server calls [`Keystore::authorize_secret`] before each Secrets Manager
//! call; in-process callers are the account root and are never checked.

use crate::audit::subject::Subject;
use crate::keystore::handle::Keystore;
use crate::keystore::secret_cache::SecretEntry;
use crate::keystore::secrets::DEFAULT_SECRETS_KEY_ALIAS;
use crate::model::operation::Operation;
use crate::model::policy::{AccessRequest, Principal, SecretAccessRequest};
use crate::ops::policy::access_denied;
use crate::ops::secrets::pick_version;
use crate::rules::policy::{Decision, Facts};
use crate::{Error, Result};

impl Keystore {
    /// The secret's resource policy for the call `operation` by `principal`: a `Deny` statement
    /// that matches (the principal, `secretsmanager:<operation>`, the secret's ARN, the
    /// conditions) refuses it with `AccessDenied`, recorded under the call. `Allow` statements
    /// take nothing away: without IAM identity policies every caller is allowed what no `Deny`
    /// refuses (docs/policies.md, "What differs from AWS").
    fn check_secret_policy(
        &self,
        principal: &Principal,
        operation: Operation,
        rec: &SecretEntry,
    ) -> Result<()> {
        let why = match &rec.resource_policy {
            None => return Ok(()),
            Some(Ok(policy)) => {
                let action = format!("secretsmanager:{operation}");
                let decision = policy.evaluate(&Facts {
                    principal,
                    action: &action,
                    resources: &[&rec.arn],
                    context: None,
                    request_alias: None,
                    resource_aliases: &Vec::new,
                });
                if decision != Decision::ExplicitDeny {
                    return Ok(());
                }
                access_denied(
                    principal,
                    &action,
                    &rec.arn,
                    "with an explicit deny in a resource-based policy",
                )
            }
            Some(Err(e)) => Error::Corrupt(format!(
                "the resource policy of secret {} no longer parses ({e}); put it again with {}",
                rec.name,
                Operation::PutResourcePolicy
            )),
        };
        self.logged(operation, None, None, |s| {
            self.subject(s, rec);
            Err(why)
        })
    }

    /// Whether `principal` may make the Secrets Manager call `request`: first the secret's
    /// resource policy (an explicit `Deny` refuses; [`Keystore::check_secret_policy`]), then the
    /// secret's KMS key, judged as AWS judges the KMS calls Secrets Manager makes for it: reading a version needs `kms:Decrypt` on the key
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
        if let Some(rec) = &secret {
            self.check_secret_policy(principal, request.operation, rec)?;
        }
        let (action, key, version) = if request.reads_value {
            let Some(rec) = &secret else { return Ok(()) };
            let Ok(i) = pick_version(rec, request.version_id, request.version_stage) else {
                return Ok(());
            };
            let v = &rec.versions[i];
            ("Decrypt", v.kms_key, Some(v.id.as_str()))
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
        let context = secret.as_ref().map(|rec| self.secret_context(rec, version));
        self.authorize(
            principal,
            &AccessRequest {
                operation: request.operation,
                action,
                key_id: &uuid::Uuid::from_u128(key).to_string(),
                encryption_context: context.as_ref(),
                grant_tokens: &[],
                grant_operations: &[],
            },
        )
    }
}

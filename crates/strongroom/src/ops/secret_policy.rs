//! Resource policies on secrets (SPEC section 14, docs/secrets.md "Resource policies"): AWS
//! Secrets Manager's `PutResourcePolicy`, `GetResourcePolicy`, `DeleteResourcePolicy` and
//! `ValidateResourcePolicy`, each audited under its name with the secret's ARN as the event's
//! context. The policy is kept in the secret's sealed record; the server judges its callers by it
//! in `Keystore::authorize_secret` (ops/secret_access.rs). In-process callers are the account
//! root and are never checked.

use crate::keystore::handle::Keystore;
use crate::keystore::secrets::SecretChange;
use crate::model::operation::Operation;
use crate::model::secret::{
    PolicyValidation, PolicyValidationError, SecretPolicyRef, SecretResourcePolicy,
};
use crate::ops::secrets::refuse_deleted;
use crate::rules::policy::Policy;
use crate::rules::policy::secret::{
    SECRET_POLICY_NAME, check_secret_policy_length, check_secret_policy_name,
};
use crate::{Error, Result};

/// `ValidateResourcePolicy`'s check name for a policy that does not parse or names a principal
/// the keystore cannot have.
pub const SYNTAX_CHECK: &str = "SYNTAX_CHECK";
/// `ValidateResourcePolicy`'s check name for a public policy (what `BlockPublicPolicy` refuses).
pub const BROAD_ACCESS: &str = "BROAD_ACCESS";

impl Keystore {
    /// Parses a secret's resource policy and checks the principals it names (as a key policy's:
    /// users of this keystore, the account root, `*`). `MalformedPolicyDocument` otherwise.
    fn parse_secret_policy(&self, text: &str) -> Result<Policy> {
        let policy = Policy::parse_document(text, &self.aws_account_id)?;
        self.check_policy_principals(&policy)?;
        Ok(policy)
    }

    /// `PublicPolicy` naming the first public statement of `policy`, if it has one.
    fn refuse_public(policy: &Policy) -> Result<()> {
        match policy.public_statement() {
            Some(i) => Err(Error::PublicPolicy(format!(
                "BlockPublicPolicy is set and statement {i} of the resource policy allows every \
                 principal (Principal \"*\" or NotPrincipal) without a condition on \
                 aws:PrincipalAccount, aws:PrincipalArn, aws:username or aws:SourceIp that \
                 narrows it; name the principals, add such a condition, or leave \
                 BlockPublicPolicy unset"
            ))),
            None => Ok(()),
        }
    }

    /// Attaches a resource policy to a secret, replacing the one it had (AWS Secrets Manager
    /// `PutResourcePolicy`). `policy_name` must be `None` or `"default"` (`Validation`); the
    /// policy 1 to [`crate::MAX_SECRET_POLICY_CHARS`] characters (`Validation`), in the key
    /// policies' language naming principals the keystore can have (`MalformedPolicyDocument`);
    /// with `block_public_policy`, not public (`PublicPolicy`, docs/secrets.md). `InvalidState`
    /// while the secret is scheduled for deletion.
    pub fn put_secret_resource_policy(
        &self,
        secret_id: &str,
        policy_name: Option<&str>,
        resource_policy: &str,
        block_public_policy: bool,
    ) -> Result<SecretPolicyRef> {
        self.logged(Operation::PutResourcePolicy, None, None, |s| {
            check_secret_policy_name(policy_name, Error::Validation)?;
            check_secret_policy_length(resource_policy)?;
            self.maintain_if_due()?;
            let (id, found) = self.find_secret(secret_id, s)?;
            refuse_deleted(&found, Operation::PutResourcePolicy)?;
            let policy = self.parse_secret_policy(resource_policy)?;
            if block_public_policy {
                Self::refuse_public(&policy)?;
            }
            let g = self.lock();
            let mut rec = self.reload_secret(id, &found, &g)?;
            rec.policy = Some(resource_policy.to_owned());
            rec.last_changed = self.clock.now();
            let event = self.secret_event(Operation::PutResourcePolicy, &rec, s);
            self.commit_secret(SecretChange::record(id, rec, event), |_| Ok(()), &g)?;
            s.logged = true;
            Ok(SecretPolicyRef {
                arn: found.arn.clone(),
                name: found.name.clone(),
                policy_name: SECRET_POLICY_NAME.to_owned(),
            })
        })
    }

    /// A secret's resource policy as it was given, if it has one (AWS Secrets Manager
    /// `GetResourcePolicy`; `policy_name` other than `"default"` is `NotFound`). Readable in any
    /// state, as `describe_secret` is.
    pub fn get_secret_resource_policy(
        &self,
        secret_id: &str,
        policy_name: Option<&str>,
    ) -> Result<SecretResourcePolicy> {
        self.logged(Operation::GetResourcePolicy, None, None, |s| {
            self.maintain_if_due()?;
            let (_, found) = self.find_secret(secret_id, s)?;
            check_secret_policy_name(policy_name, Error::NotFound)?;
            Ok(SecretResourcePolicy {
                arn: found.arn.clone(),
                name: found.name.clone(),
                resource_policy: found.policy.clone(),
                policy_name: SECRET_POLICY_NAME.to_owned(),
            })
        })
    }

    /// Removes a secret's resource policy (AWS Secrets Manager `DeleteResourcePolicy`); a secret
    /// without one is left as it is. `policy_name` other than `"default"` is `Validation`;
    /// `InvalidState` while the secret is scheduled for deletion.
    pub fn delete_secret_resource_policy(
        &self,
        secret_id: &str,
        policy_name: Option<&str>,
    ) -> Result<SecretPolicyRef> {
        self.logged(Operation::DeleteResourcePolicy, None, None, |s| {
            check_secret_policy_name(policy_name, Error::Validation)?;
            self.maintain_if_due()?;
            let (id, found) = self.find_secret(secret_id, s)?;
            refuse_deleted(&found, Operation::DeleteResourcePolicy)?;
            if found.policy.is_some() {
                let g = self.lock();
                let mut rec = self.reload_secret(id, &found, &g)?;
                rec.policy = None;
                rec.last_changed = self.clock.now();
                let event = self.secret_event(Operation::DeleteResourcePolicy, &rec, s);
                self.commit_secret(SecretChange::record(id, rec, event), |_| Ok(()), &g)?;
                s.logged = true;
            }
            Ok(SecretPolicyRef {
                arn: found.arn.clone(),
                name: found.name.clone(),
                policy_name: SECRET_POLICY_NAME.to_owned(),
            })
        })
    }

    /// Checks a resource policy without attaching it (AWS Secrets Manager
    /// `ValidateResourcePolicy`): a policy that does not parse or names a principal the keystore
    /// cannot have fails [`SYNTAX_CHECK`], a public one (as `BlockPublicPolicy` decides) fails
    /// [`BROAD_ACCESS`]; each failure is a finding, not an error. A length beyond the bound is
    /// `Validation`; a `secret_id` that names no secret is `NotFound`.
    pub fn validate_secret_resource_policy(
        &self,
        secret_id: Option<&str>,
        resource_policy: &str,
    ) -> Result<PolicyValidation> {
        self.logged(Operation::ValidateResourcePolicy, None, None, |s| {
            check_secret_policy_length(resource_policy)?;
            if let Some(id) = secret_id {
                self.maintain_if_due()?;
                self.find_secret(id, s)?;
            }
            let finding = |check: &str, e: Error| PolicyValidationError {
                check_name: check.to_owned(),
                error_message: e.message().to_owned(),
            };
            let errors = match self.parse_secret_policy(resource_policy) {
                Ok(policy) => match Self::refuse_public(&policy) {
                    Ok(()) => Vec::new(),
                    Err(e) => vec![finding(BROAD_ACCESS, e)],
                },
                Err(e @ Error::MalformedPolicyDocument(_)) => vec![finding(SYNTAX_CHECK, e)],
                Err(e) => return Err(e),
            };
            Ok(PolicyValidation {
                passed: errors.is_empty(),
                errors,
            })
        })
    }
}

//! Key policies (SPEC section 13): `PutKeyPolicy`, `GetKeyPolicy`, `ListKeyPolicies`, the policy
//! given to `CreateKey`, and [`Keystore::authorize`], the check the server runs before every
//! request. In-process callers act as the account root and are never checked.

use crate::format::access::{encode_policy, parse_grant_token};
use crate::format::audit_batch::PendingEvent;
use crate::format::blob::Blob;
use crate::format::records::Slot;
use crate::keystore::handle::Keystore;
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::model::policy::{AccessRequest, DEFAULT_POLICY_NAME, Principal};
use crate::rules::alias_name::is_alias;
use crate::rules::grant::{allows, constraints_hold};
use crate::rules::paging::{self, LIST_KEY_POLICIES_LIMIT};
use crate::rules::policy::{Decision, Facts, Policy, check_length};
use crate::storage::integrity::Bucket;
use crate::storage::tables::KEY_POLICIES;
use crate::{Error, Result};

/// AWS's message for a policy that would lock its key out.
const LOCKOUT: &str = "The new key policy will not allow you to update the key policy in the \
     future: no principal it names (nor the account root) may call kms:PutKeyPolicy on this key. \
     Add such a statement, or set BypassPolicyLockoutSafetyCheck if that is what you mean";

fn check_policy_name(name: Option<&str>) -> Result<()> {
    match name {
        None | Some(DEFAULT_POLICY_NAME) => Ok(()),
        Some(other) => Err(Error::NotFound(format!(
            "a key has one policy, named {DEFAULT_POLICY_NAME:?}; there is no policy {other:?}"
        ))),
    }
}

/// The alias a key reference names the key by, if it is an alias name or alias ARN.
fn request_alias(key_ref: &str) -> Option<String> {
    if is_alias(key_ref) {
        return Some(key_ref.to_owned());
    }
    key_ref
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":alias/"))
        .map(|(_, name)| format!("alias/{name}"))
}

impl Keystore {
    /// Whether an IAM user ARN (`arn:aws:iam::ACCOUNT:user/NAME`) names a user of this keystore
    /// (`strongroom iam`): this keystore's account, no path (every user's path is `/`), and a
    /// user of exactly that name (the case too: the ARN a request is signed as spells the name
    /// as it was created).
    pub(crate) fn principal_exists(&self, user_arn: &str) -> Result<bool> {
        let prefix = format!("arn:aws:iam::{}:user/", self.aws_account_id);
        let Some(name) = user_arn.strip_prefix(&prefix) else {
            return Ok(false);
        };
        let iam = self.iam_read()?;
        Ok(iam
            .users
            .get(&crate::rules::iam::user_key(name))
            .is_some_and(|u| u.user_name == name))
    }

    /// The key's ARN in both of its forms (strongroom's and AWS's), for `Resource`.
    pub(crate) fn key_arns(&self, id: u128) -> [String; 2] {
        let local = self.key_arn(id);
        let aws = self.aws_arn(&local);
        [local, aws]
    }

    /// Checks that every user a policy names is a user of this keystore
    /// (`MalformedPolicyDocument` otherwise).
    pub(crate) fn check_policy_principals(&self, policy: &Policy) -> Result<()> {
        for arn in policy.named_users() {
            if !self.principal_exists(arn)? {
                return Err(Error::MalformedPolicyDocument(format!(
                    "Policy contains a statement with one or more invalid principals: {arn} is \
                     not a user of this keystore (create it with strongroom iam create-user)"
                )));
            }
        }
        Ok(())
    }

    /// Parses and checks a policy for key `id`: the length, the grammar, the principals, and
    /// (unless `bypass`) that some principal may still change it.
    pub(crate) fn check_new_policy(&self, id: u128, text: &str, bypass: bool) -> Result<()> {
        check_length(text)?;
        let policy = Policy::parse(text, &self.aws_account_id)?;
        self.check_policy_principals(&policy)?;
        let [a, b] = self.key_arns(id);
        if !bypass && !policy.lets_someone_manage(&self.aws_account_id, &[&a, &b]) {
            return Err(Error::MalformedPolicyDocument(LOCKOUT.into()));
        }
        Ok(())
    }

    /// The sealed policy record of key `id`.
    pub(crate) fn seal_policy(&self, id: u128, text: &str) -> Result<Vec<u8>> {
        self.sealer.seal(&Slot::policy(id), &encode_policy(text))
    }

    /// Replaces a key's policy (AWS KMS `PutKeyPolicy`; `policy_name` `None` or `"default"`).
    /// `MalformedPolicyDocument` for a policy that does not parse, names a principal the
    /// keystore cannot have, or (unless `bypass_policy_lockout_safety_check`) would let no
    /// principal change it again; `Validation` beyond [`crate::MAX_POLICY_BYTES`].
    pub fn put_key_policy(
        &self,
        key_id: &str,
        policy_name: Option<&str>,
        policy: &str,
        bypass_policy_lockout_safety_check: bool,
    ) -> Result<()> {
        self.logged(Operation::PutKeyPolicy, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            check_policy_name(policy_name).map_err(|e| Error::Validation(e.message().into()))?;
            self.key(id)?;
            self.check_new_policy(id, policy, bypass_policy_lockout_safety_check)?;
            let sealed = self.seal_policy(id, policy)?;
            let g = self.lock();
            let old = self.access_locked(id, &g)?;
            let event = PendingEvent {
                key: Some(id),
                ..PendingEvent::new(self.clock.now(), Operation::PutKeyPolicy)
            };
            self.write(&[Bucket::key(id)], &[event], |tx| {
                tx.open_table(KEY_POLICIES)?.insert(id, sealed.as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            let fresh = self.key_access(id, Some(policy.to_owned()), old.grants.clone())?;
            self.cache_access(id, fresh);
            Ok(())
        })
    }

    /// A key's policy (AWS KMS `GetKeyPolicy`): the text as it was given, or AWS's default
    /// policy (the account root may do everything) for a key that was never given one.
    pub fn get_key_policy(&self, key_id: &str, policy_name: Option<&str>) -> Result<String> {
        self.logged(Operation::GetKeyPolicy, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            check_policy_name(policy_name)?;
            self.key(id)?;
            Ok(self.access(id)?.text(&self.aws_account_id))
        })
    }

    /// The names of a key's policies (AWS KMS `ListKeyPolicies`): always `["default"]`.
    pub fn list_key_policies(&self, key_id: &str) -> Result<Vec<String>> {
        self.logged(Operation::ListKeyPolicies, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.key(id)?;
            Ok(vec![DEFAULT_POLICY_NAME.to_owned()])
        })
    }

    /// One page of [`Keystore::list_key_policies`] (AWS KMS `ListKeyPolicies`: `limit` 1 to
    /// 1000, default 100).
    pub fn list_key_policies_page(&self, key_id: &str, page: &PageRequest) -> Result<Page<String>> {
        self.logged(Operation::ListKeyPolicies, Some(key_id), None, |s| {
            paging::check(page, LIST_KEY_POLICIES_LIMIT)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.key(id)?;
            let names = vec![DEFAULT_POLICY_NAME.to_owned()];
            paging::page(names, String::clone, page, LIST_KEY_POLICIES_LIMIT)
        })
    }

    /// The key id a ciphertext blob names (for the server's check of a `Decrypt` or `ReEncrypt`
    /// without a key id). `InvalidCiphertext` for bytes that are not a blob.
    pub fn ciphertext_key_id(&self, ciphertext_blob: &[u8]) -> Result<String> {
        Ok(uuid::Uuid::from_u128(Blob::parse(ciphertext_blob)?.key_id).to_string())
    }

    /// Whether `principal` may make `request` (SPEC section 13), as AWS KMS decides it: an
    /// explicit `Deny` in the key policy wins; else an `Allow` there, or a grant to the principal
    /// for the action whose constraints the encryption context meets, allows; else
    /// `AccessDenied` with AWS's message. Every grant token must name a grant
    /// (`InvalidGrantToken`); a key reference that does not resolve fails as the operation would
    /// (`NotFound`). A refusal is recorded in the audit trail under `request.operation`. The
    /// server calls this before each operation; in-process calls never do.
    pub fn authorize(&self, principal: &Principal, request: &AccessRequest<'_>) -> Result<()> {
        let refuse = |id: Option<u128>, e: Error| {
            self.logged(
                request.operation,
                Some(request.key_id),
                request.encryption_context,
                |s| {
                    s.key = id;
                    Err(e)
                },
            )
        };
        let id = match self.resolve(request.key_id).and_then(|id| {
            self.key(id)?;
            Ok(id)
        }) {
            Ok(id) => id,
            Err(e) => return refuse(None, e),
        };
        if let Err(e) = self.check_grant_tokens(request.grant_tokens) {
            return refuse(Some(id), e);
        }
        let access = match self.access(id) {
            Ok(a) => a,
            Err(e) => return refuse(Some(id), e),
        };
        let [local, aws] = self.key_arns(id);
        let action = format!("kms:{}", request.action);
        let alias = request_alias(request.key_id);
        let aliases = if access.policy.mentions_condition_key("kms:resourcealiases") {
            self.all_aliases()?
                .into_iter()
                .filter(|(_, a)| a.target == id)
                .map(|(n, _)| n)
                .collect()
        } else {
            Vec::new()
        };
        let context = request.encryption_context.map(|c| c.pairs());
        let decision = access.policy.evaluate(&Facts {
            principal,
            action: &action,
            resources: &[&local, &aws],
            context,
            request_alias: alias.as_deref(),
            resource_aliases: &|| aliases.clone(),
        });
        let why = match decision {
            Decision::Allow => return Ok(()),
            Decision::ExplicitDeny => "with an explicit deny in a resource-based policy".to_owned(),
            Decision::ImplicitDeny => {
                let granted = access.grants.iter().any(|(_, g)| {
                    grantee_matches(&g.grantee, principal)
                        && allows(&g.operations, request.action)
                        && constraints_hold(g.constraints.as_ref(), context)
                        && request
                            .grant_operations
                            .iter()
                            .all(|o| g.operations.contains(o))
                });
                if granted {
                    return Ok(());
                }
                format!("because no resource-based policy allows the {action} action")
            }
        };
        refuse(Some(id), access_denied(principal, &action, &aws, &why))
    }

    /// Checks that every grant token names a grant that exists (AWS KMS's `GrantTokens`):
    /// `InvalidGrantToken` otherwise. [`Keystore::authorize`] makes this check for the server;
    /// an in-process surface that takes grant tokens (the CLI's `--grant-tokens`) calls it.
    pub fn check_grant_tokens(&self, tokens: &[String]) -> Result<()> {
        for t in tokens {
            let (key, grant) = parse_grant_token(t)?;
            let exists =
                self.key(key).is_ok() && self.access(key)?.grants.iter().any(|(g, _)| g == grant);
            if !exists {
                return Err(Error::InvalidGrantToken(
                    "the grant token names a grant that does not exist (it was retired or revoked, or its key deleted)".into(),
                ));
            }
        }
        Ok(())
    }

    /// Checks the policy given for new key `id` and returns its sealed record, or `None` for
    /// the default policy (which needs no check: it cannot lock the key out).
    pub(crate) fn new_key_policy(
        &self,
        id: u128,
        policy: Option<&str>,
        bypass: bool,
    ) -> Result<Option<Vec<u8>>> {
        policy
            .map(|text| {
                self.check_new_policy(id, text, bypass)?;
                self.seal_policy(id, text)
            })
            .transpose()
    }
}

/// AWS's refusal: `User: ARN is not authorized to perform: ACTION on resource: KEYARN WHY`.
pub(crate) fn access_denied(
    principal: &Principal,
    action: &str,
    key_arn: &str,
    why: &str,
) -> Error {
    Error::AccessDenied(format!(
        "User: {} is not authorized to perform: {action} on resource: {key_arn} {why}",
        principal.arn
    ))
}

/// Whether a grant to `grantee` applies to `principal`: its own ARN, or the account root, which
/// stands for every principal of the account as it does in policies (docs/policies.md).
pub(crate) fn grantee_matches(grantee: &str, principal: &Principal) -> bool {
    grantee == principal.arn || *grantee == format!("arn:aws:iam::{}:root", principal.account)
}

//! Who is calling, and what a call asks, for key policies and grants (SPEC section 13): the
//! [`Principal`] whose rights a policy decides, and the [`AccessRequest`] the server checks
//! before it runs an operation. In-process callers never pass through a check: they act as the
//! account root.

use crate::model::context::EncryptionContext;
use crate::model::grant::GrantOperation;
use crate::model::operation::Operation;
use std::net::IpAddr;

/// The one policy name AWS KMS has (`PolicyName` of `GetKeyPolicy` and `PutKeyPolicy`).
pub const DEFAULT_POLICY_NAME: &str = "default";

/// A caller whose rights a key policy decides: an IAM user of the keystore's account
/// (`arn:aws:iam::ACCOUNT:user/NAME`) or the account root (`arn:aws:iam::ACCOUNT:root`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The principal's ARN, as policies and grants name it.
    pub arn: String,
    /// Its 12-digit account (`kms:CallerAccount`, `aws:PrincipalAccount`).
    pub account: String,
    /// The IAM user name (`aws:username`); `None` for the account root.
    pub user_name: Option<String>,
    /// The address the request came from (`aws:SourceIp`), when known.
    pub source_ip: Option<IpAddr>,
}

impl Principal {
    /// The account root, `arn:aws:iam::ACCOUNT:root`: the keystore owner.
    pub fn account_root(account: &str) -> Self {
        Principal {
            arn: format!("arn:aws:iam::{account}:root"),
            account: account.to_owned(),
            user_name: None,
            source_ip: None,
        }
    }

    /// The IAM user `name` of `account`, `arn:aws:iam::ACCOUNT:user/NAME`.
    pub fn user(account: &str, name: &str) -> Self {
        Principal {
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            account: account.to_owned(),
            user_name: Some(name.to_owned()),
            source_ip: None,
        }
    }

    /// The same principal calling from `ip`.
    pub fn with_source_ip(mut self, ip: Option<IpAddr>) -> Self {
        self.source_ip = ip;
        self
    }

    /// Whether this is the account root.
    pub fn is_account_root(&self) -> bool {
        self.user_name.is_none() && self.arn == format!("arn:aws:iam::{}:root", self.account)
    }
}

/// One permission check: may the caller perform `action` on the key `key_id` names?
#[derive(Clone, Copy, Debug)]
pub struct AccessRequest<'a> {
    /// The call being made, for the audit event of a refusal.
    pub operation: Operation,
    /// The KMS action without its `kms:` prefix: the operation's name, or `ReEncryptFrom` /
    /// `ReEncryptTo` for the two halves of `ReEncrypt`.
    pub action: &'a str,
    /// The key as the request names it: key id, key ARN, alias name or alias ARN (an alias sets
    /// `kms:RequestAlias`).
    pub key_id: &'a str,
    /// The request's encryption context (`kms:EncryptionContext:*`, grant constraints).
    pub encryption_context: Option<&'a EncryptionContext>,
    /// The request's `GrantTokens`: each must name a grant that exists
    /// ([`crate::Error::InvalidGrantToken`] otherwise).
    pub grant_tokens: &'a [String],
    /// For `CreateGrant`: the operations the new grant would allow. A grant that allows
    /// `CreateGrant` allows it only for operations it allows itself (AWS's rule); empty otherwise.
    pub grant_operations: &'a [GrantOperation],
}

/// One Secrets Manager call's need of its secret's KMS key, for
/// [`crate::Keystore::authorize_secret`].
#[derive(Clone, Copy, Debug)]
pub struct SecretAccessRequest<'a> {
    /// The Secrets Manager call, for the audit event of a refusal.
    pub operation: Operation,
    /// The secret the call names (`None` for `CreateSecret`).
    pub secret_id: Option<&'a str>,
    /// A KMS key the call names (`KmsKeyId` of `CreateSecret` or `UpdateSecret`).
    pub kms_key_id: Option<&'a str>,
    /// The version a read names by id.
    pub version_id: Option<&'a str>,
    /// The version a read names by staging label (`AWSCURRENT` when neither is given).
    pub version_stage: Option<&'a str>,
    /// The call returns a version's value (`GetSecretValue`).
    pub reads_value: bool,
    /// The call encrypts a new value or names a new KMS key.
    pub writes_value: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_and_their_arns() {
        let root = Principal::account_root("111122223333");
        assert_eq!(root.arn, "arn:aws:iam::111122223333:root");
        assert!(root.is_account_root());
        let user = Principal::user("111122223333", "myKeyUser");
        assert_eq!(user.arn, "arn:aws:iam::111122223333:user/myKeyUser");
        assert!(!user.is_account_root());
        assert_eq!(user.user_name.as_deref(), Some("myKeyUser"));
    }
}

//! The public types of the keystore's principals (SPEC section 12, `strongroom iam`): users and
//! their access keys, with AWS IAM's member names, and the caller an audited call runs as.

use crate::model::clock::Timestamp;
use crate::model::names::names;
use crate::model::secret_bytes::SecretBytes;
use std::fmt;
use std::sync::Arc;

names! {
    /// Whether an access key may sign requests (AWS IAM's `statusType`).
    AccessKeyStatus {
        /// The key signs requests (a new key's status).
        Active = 1, "Active";
        /// The key is kept but refused (`UnrecognizedClientException` from the server).
        Inactive = 2, "Inactive";
    }
}

/// A user (AWS IAM's `User`): a principal that holds access keys.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IamUser {
    /// Always `/` (paths are not supported).
    pub path: String,
    /// The name, as given when created (unique without regard to case, as in IAM).
    pub user_name: String,
    /// `AIDA` and 17 characters, as IAM's user ids.
    pub user_id: String,
    /// `arn:aws:iam::ACCOUNT:user/NAME`.
    pub arn: String,
    /// When it was created.
    pub create_date: Timestamp,
}

/// An access key without its secret (AWS IAM's `AccessKeyMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessKeyMetadata {
    /// The user that owns it.
    pub user_name: String,
    /// `AKIA` and 16 uppercase base32 characters.
    pub access_key_id: String,
    /// Active or Inactive.
    pub status: AccessKeyStatus,
    /// When it was created.
    pub create_date: Timestamp,
}

/// A new access key with its secret (AWS IAM's `AccessKey`), returned once by
/// `create_access_key`: the keystore keeps the secret sealed and never returns it again.
#[derive(Debug)]
#[non_exhaustive]
pub struct NewAccessKey {
    /// The user that owns it.
    pub user_name: String,
    /// `AKIA` and 16 uppercase base32 characters.
    pub access_key_id: String,
    /// Active.
    pub status: AccessKeyStatus,
    /// 40 characters of the base64 alphabet, zeroized on drop, never shown by `Debug`.
    pub secret_access_key: SecretBytes,
    /// When it was created.
    pub create_date: Timestamp,
}

/// What a server needs to verify a request signed with an access key: its secret and the
/// principal it stands for. `Debug` never shows the secret.
#[derive(Clone)]
pub struct AccessKeyCredential {
    access_key_id: String,
    user_name: String,
    arn: String,
    status: AccessKeyStatus,
    secret: SecretBytes,
}

impl AccessKeyCredential {
    /// A credential kept outside a keystore (tests, embedders with their own key store).
    pub fn new(
        access_key_id: impl Into<String>,
        user_name: impl Into<String>,
        arn: impl Into<String>,
        status: AccessKeyStatus,
        secret: &[u8],
    ) -> Self {
        AccessKeyCredential {
            access_key_id: access_key_id.into(),
            user_name: user_name.into(),
            arn: arn.into(),
            status,
            secret: SecretBytes::init_with(secret.len(), |b| b.copy_from_slice(secret)),
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The owner's user name.
    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    /// The owner's ARN, `arn:aws:iam::ACCOUNT:user/NAME`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// Active or Inactive.
    pub fn status(&self) -> AccessKeyStatus {
        self.status
    }

    /// The secret access key.
    pub fn secret(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    pub(crate) fn with_status(&self, status: AccessKeyStatus) -> Self {
        AccessKeyCredential {
            status,
            ..self.clone()
        }
    }
}

impl fmt::Debug for AccessKeyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyCredential")
            .field("access_key_id", &self.access_key_id)
            .field("arn", &self.arn)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Who an audited call is made by, when it is not the handle's own caller (`Options::caller`):
/// a server's authenticated principal and the address it called from. Made once
/// ([`Caller::new`] checks its length) and shared cheaply (a reference count).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Caller(pub(crate) Arc<str>);

impl Caller {
    /// The label, as the audit trail records it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

//! Where the server finds an access key's secret and principal: the [`Credentials`] trait;
//! [`KeystoreCredentials`], the served keystore's own users and access keys (`strongroom iam`,
//! what `strongroom serve` uses); and [`StaticCredentials`], one fixed access key (tests, the
//! benchmarks, embedders that keep keys elsewhere).

use crate::protocol::error::ApiError;
use std::fmt;
use std::sync::Arc;
use strongroom::{AccessKeyCredential, AccessKeyStatus, Keystore};
use zeroize::Zeroizing;

/// A secret access key; wiped on drop, never printed.
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps the secret access key's bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Looks up an access key: its secret and the principal it stands for.
pub trait Credentials: Send + Sync {
    /// The active access key `access_key_id`; `Ok(None)` if there is no such key or it is
    /// inactive (the request is then `UnrecognizedClientException`).
    fn lookup(&self, access_key_id: &str) -> Result<Option<Arc<AccessKeyCredential>>, ApiError>;
}

/// The users and access keys of a keystore (`strongroom iam`): one in-memory map read per
/// request ([`Keystore::access_key`]).
pub struct KeystoreCredentials<'a>(pub &'a Keystore);

impl Credentials for KeystoreCredentials<'_> {
    fn lookup(&self, access_key_id: &str) -> Result<Option<Arc<AccessKeyCredential>>, ApiError> {
        Ok(self
            .0
            .access_key(access_key_id)?
            .filter(|c| c.status() == AccessKeyStatus::Active))
    }
}

/// Exactly one access key; its principal is named by its access key id.
pub struct StaticCredentials(Arc<AccessKeyCredential>);

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticCredentials").field(&self.0).finish()
    }
}

impl StaticCredentials {
    /// One access key.
    pub fn new(access_key_id: impl Into<String>, secret: Secret) -> Self {
        let id = access_key_id.into();
        StaticCredentials(Arc::new(AccessKeyCredential::new(
            id.as_str(),
            id.as_str(),
            id.as_str(),
            AccessKeyStatus::Active,
            secret.as_bytes(),
        )))
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        self.0.access_key_id()
    }
}

impl Credentials for StaticCredentials {
    fn lookup(&self, access_key_id: &str) -> Result<Option<Arc<AccessKeyCredential>>, ApiError> {
        // The id is not secret (it travels in clear in every request).
        Ok((access_key_id == self.0.access_key_id()).then(|| self.0.clone()))
    }
}

/// AWS's answer for an access key id it does not know.
pub(crate) fn unrecognized() -> ApiError {
    ApiError::client(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

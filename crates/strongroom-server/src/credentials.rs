//! Where the server finds an access key's secret: the [`Credentials`] trait (the keystore's
//! sealed user store will implement it), and [`StaticCredentials`], one access key read from a
//! file (`strongroom serve --access-key-file`) until that store exists.

use crate::protocol::error::ApiError;
use std::fmt;
use std::path::Path;
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

/// Looks up the secret of an access key id.
pub trait Credentials: Send + Sync {
    /// The secret of `access_key_id`, or `None` if no such key exists (or it is inactive).
    fn secret_for(&self, access_key_id: &str) -> Option<Secret>;
}

/// Exactly one access key.
pub struct StaticCredentials {
    access_key_id: String,
    secret: Secret,
}

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl StaticCredentials {
    /// One access key.
    pub fn new(access_key_id: impl Into<String>, secret: Secret) -> Self {
        StaticCredentials {
            access_key_id: access_key_id.into(),
            secret,
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Reads an access key file: AWS IAM's `CreateAccessKey` output shape,
    /// `{"AccessKey": {"AccessKeyId": "...", "SecretAccessKey": "..."}}` (other members ignored).
    /// On Unix the file must not be readable by group or others, as for an SSH key.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(format!(
                    "{} is readable by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                ));
            }
        }
        let text =
            Zeroizing::new(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
        let v: serde_json::Value = serde_json::from_slice(&text).map_err(|_| {
            format!(
                "{} is not JSON of the shape {{\"AccessKey\": {{\"AccessKeyId\": ..., \"SecretAccessKey\": ...}}}}",
                path.display()
            )
        })?;
        let key = &v["AccessKey"];
        match (key["AccessKeyId"].as_str(), key["SecretAccessKey"].as_str()) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
                Ok(Self::new(id, Secret::new(secret.as_bytes().to_vec())))
            }
            _ => Err(format!(
                "{} lacks AccessKey.AccessKeyId or AccessKey.SecretAccessKey",
                path.display()
            )),
        }
    }
}

impl Credentials for StaticCredentials {
    fn secret_for(&self, access_key_id: &str) -> Option<Secret> {
        // The id is not secret (it travels in clear in every request).
        (access_key_id == self.access_key_id).then(|| self.secret.clone())
    }
}

/// AWS's answer for an access key id it does not know.
pub(crate) fn unrecognized() -> ApiError {
    ApiError::client(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

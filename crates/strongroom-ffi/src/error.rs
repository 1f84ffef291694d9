//! Failures inside the boundary and the per-thread last error message.

use crate::status::sr_status;
use std::cell::RefCell;

thread_local! {
    /// The message of the most recent failed call on this thread.
    pub(crate) static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Why a call failed: a status and a message for `sr_last_error_message`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: sr_status,
    pub message: String,
}

impl Failure {
    fn ffi(status: sr_status, message: String) -> Self {
        Failure { status, message }
    }

    /// A NULL pointer where one is required.
    pub fn null(what: &str) -> Self {
        Self::ffi(
            sr_status::NullParameter,
            format!("NullParameter: {what} must not be NULL"),
        )
    }

    /// A string argument that is not UTF-8.
    pub fn utf8(what: &str) -> Self {
        Self::ffi(
            sr_status::InvalidUtf8,
            format!("InvalidUtf8: {what} is not valid UTF-8; pass UTF-8 text"),
        )
    }

    /// A caller buffer too small.
    pub fn insufficient(needed: usize, have: usize) -> Self {
        Self::ffi(
            sr_status::InsufficientSize,
            format!(
                "InsufficientSize: the buffer holds {have} bytes but {needed} are needed; \
                 retry with the size written to the size out-parameter"
            ),
        )
    }

    /// A panic caught at the boundary.
    pub fn panic(detail: &str) -> Self {
        Self::ffi(
            sr_status::Panic,
            format!(
                "Panic: strongroom hit an internal error ({detail}); this is a bug, please report it"
            ),
        )
    }

    /// An argument that C cannot express correctly (e.g. a string with an interior NUL).
    pub fn validation(message: String) -> Self {
        Self::ffi(sr_status::Validation, format!("Validation: {message}"))
    }
}

/// Maps a core error to its status by variant; the message is the core's `Display`. The core's
/// `Error` is `#[non_exhaustive]`, so a variant added there after this build is `UnknownError`
/// until it gets its own status here (the test below fails as soon as the core lists its name).
pub(crate) fn status_of(e: &sr_core::Error) -> sr_status {
    use sr_core::Error as E;
    match e {
        E::NotFound(_) => sr_status::NotFound,
        E::AlreadyExists(_) => sr_status::AlreadyExists,
        E::Validation(_) => sr_status::Validation,
        E::Disabled(_) => sr_status::Disabled,
        E::InvalidState(_) => sr_status::InvalidState,
        E::InvalidCiphertext(_) => sr_status::InvalidCiphertext,
        E::IncorrectKey(_) => sr_status::IncorrectKey,
        E::InvalidKeyUsage(_) => sr_status::InvalidKeyUsage,
        E::LimitExceeded(_) => sr_status::LimitExceeded,
        E::UnsupportedOperation(_) => sr_status::UnsupportedOperation,
        E::ExpiredImportToken(_) => sr_status::ExpiredImportToken,
        E::InvalidImportToken(_) => sr_status::InvalidImportToken,
        E::IncorrectKeyMaterial(_) => sr_status::IncorrectKeyMaterial,
        E::AuthenticationFailed(_) => sr_status::AuthenticationFailed,
        E::Locked(_) => sr_status::Locked,
        E::Corrupt(_) => sr_status::Corrupt,
        E::Io(_) => sr_status::Io,
        E::KmsInvalidSignature(_) => sr_status::KMSInvalidSignature,
        E::KmsInvalidMac(_) => sr_status::KMSInvalidMac,
        E::InvalidTag(_) => sr_status::InvalidTag,
        E::InvalidMarker(_) => sr_status::InvalidMarker,
        E::DryRunOperation(_) => sr_status::DryRunOperation,
        E::DecryptionFailure(_) => sr_status::DecryptionFailure,
        E::EncryptionFailure(_) => sr_status::EncryptionFailure,
        E::AccessDenied(_) => sr_status::AccessDenied,
        E::MalformedPolicyDocument(_) => sr_status::MalformedPolicyDocument,
        E::InvalidGrantToken(_) => sr_status::InvalidGrantToken,
        E::PublicPolicy(_) => sr_status::PublicPolicy,
        _ => sr_status::UnknownError,
    }
}

impl From<sr_core::Error> for Failure {
    fn from(e: sr_core::Error) -> Self {
        Failure {
            status: status_of(&e),
            message: e.to_string(),
        }
    }
}

/// Records `message` as this thread's last error.
pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|m| *m.borrow_mut() = message);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One core error of every variant. Adding a variant to the core adds its name to
    /// `Error::NAMES`, and `every_spec_name_has_its_own_status` fails until it is listed here
    /// (and mapped in `status_of`).
    fn one_of_each_core_error() -> Vec<sr_core::Error> {
        use sr_core::Error as E;
        let m = || String::from("m");
        vec![
            E::NotFound(m()),
            E::AlreadyExists(m()),
            E::Validation(m()),
            E::Disabled(m()),
            E::InvalidState(m()),
            E::InvalidCiphertext(m()),
            E::IncorrectKey(m()),
            E::InvalidKeyUsage(m()),
            E::LimitExceeded(m()),
            E::UnsupportedOperation(m()),
            E::ExpiredImportToken(m()),
            E::InvalidImportToken(m()),
            E::IncorrectKeyMaterial(m()),
            E::AuthenticationFailed(m()),
            E::Locked(m()),
            E::Corrupt(m()),
            E::Io(m()),
            E::KmsInvalidSignature(m()),
            E::KmsInvalidMac(m()),
            E::InvalidTag(m()),
            E::InvalidMarker(m()),
            E::DryRunOperation(m()),
            E::DecryptionFailure(m()),
            E::EncryptionFailure(m()),
            E::AccessDenied(m()),
            E::MalformedPolicyDocument(m()),
            E::InvalidGrantToken(m()),
            E::PublicPolicy(m()),
        ]
    }

    /// Every core error, through the real mapping (`status_of` and `Failure::from`), has a status
    /// of its own whose name is the error's SPEC name; and every SPEC name the core lists is
    /// covered.
    #[test]
    fn every_spec_name_has_its_own_status() {
        let errors = one_of_each_core_error();
        let mut codes = std::collections::HashSet::new();
        for e in &errors {
            let status = status_of(e);
            assert_ne!(status, sr_status::UnknownError, "{e}");
            assert_eq!(status.name().to_str().unwrap(), e.name(), "{e}");
            assert!(codes.insert(status as u32), "{} shares a code", e.name());
            let f = Failure::from(e.clone());
            assert_eq!(f.status, status);
            assert_eq!(f.message, e.to_string());
        }
        let covered: Vec<&str> = errors.iter().map(sr_core::Error::name).collect();
        for name in sr_core::Error::NAMES {
            assert!(
                covered.contains(&name),
                "the core error {name} is not in one_of_each_core_error (nor, perhaps, in status_of)"
            );
        }
        assert_eq!(covered.len(), sr_core::Error::NAMES.len());
    }

    #[test]
    fn core_errors_map_by_variant() {
        let e = sr_core::Error::Disabled("key k is disabled".into());
        let f = Failure::from(e);
        assert_eq!(f.status, sr_status::Disabled);
        assert_eq!(f.message, "Disabled: key k is disabled");
        assert_eq!(status_of(&sr_core::Error::Io("x".into())), sr_status::Io);
    }
}

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

/// Maps a core error to its status by SPEC name; the message is the core's `Display`.
pub(crate) fn status_of(e: &sr_core::Error) -> sr_status {
    use sr_status::*;
    match e.name() {
        "NotFound" => NotFound,
        "AlreadyExists" => AlreadyExists,
        "Validation" => Validation,
        "Disabled" => Disabled,
        "InvalidState" => InvalidState,
        "InvalidCiphertext" => InvalidCiphertext,
        "IncorrectKey" => IncorrectKey,
        "InvalidKeyUsage" => InvalidKeyUsage,
        "LimitExceeded" => LimitExceeded,
        "UnsupportedOperation" => UnsupportedOperation,
        "ExpiredImportToken" => ExpiredImportToken,
        "InvalidImportToken" => InvalidImportToken,
        "IncorrectKeyMaterial" => IncorrectKeyMaterial,
        "AuthenticationFailed" => AuthenticationFailed,
        "Locked" => Locked,
        "Corrupt" => Corrupt,
        "Io" => Io,
        _ => UnknownError,
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

    #[test]
    fn every_spec_name_has_its_own_status() {
        let mut seen = std::collections::HashSet::new();
        for name in sr_core::Error::NAMES {
            let e = sr_core::Error::NotFound(String::new());
            let _ = e;
            let status = status_of_name(name);
            assert_ne!(status, sr_status::UnknownError, "{name}");
            assert_eq!(status.name().to_str().unwrap(), name);
            assert!(seen.insert(status as u32), "{name} shares a code");
        }
    }

    fn status_of_name(name: &str) -> sr_status {
        sr_status::ALL
            .into_iter()
            .find(|s| s.name().to_str().unwrap() == name)
            .unwrap_or(sr_status::UnknownError)
    }

    #[test]
    fn core_errors_map_by_name() {
        let e = sr_core::Error::Disabled("key k is disabled".into());
        let f = Failure::from(e);
        assert_eq!(f.status, sr_status::Disabled);
        assert_eq!(f.message, "Disabled: key k is disabled");
        assert_eq!(status_of(&sr_core::Error::Io("x".into())), sr_status::Io);
    }
}

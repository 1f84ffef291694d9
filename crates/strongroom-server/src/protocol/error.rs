//! AWS KMS's error shape: an HTTP status, `{"__type": CODE, "message": TEXT}` and the
//! `x-amzn-ErrorType` header, with the core's error taxonomy (SPEC section 9) mapped onto AWS's
//! exception names so that every SDK raises its usual class.

use strongroom::Error;

/// One error as the wire carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status: 400 for the caller's faults, 500 for internal faults (SDKs retry 5xx).
    pub status: u16,
    /// AWS's exception name, e.g. `NotFoundException`.
    pub code: &'static str,
    /// What was wrong and what to do; never a secret.
    pub message: String,
}

impl ApiError {
    /// A client error (HTTP 400) with AWS's exception name `code`.
    pub fn client(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            code,
            message: message.into(),
        }
    }

    /// `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::client("ValidationException", message)
    }

    /// `SerializationException`: the body is not the JSON the operation takes.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::client("SerializationException", message)
    }

    /// `KMSInternalException` (HTTP 500).
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: 500,
            code: "KMSInternalException",
            message: message.into(),
        }
    }

    /// The response body, `{"__type": ..., "message": ...}`.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({ "__type": self.code, "message": self.message }))
            .unwrap_or_default()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.message().to_string();
        match &e {
            // The server's own faults (the passphrase was checked at startup; the file is held
            // open by this process): AWS's internal error, which SDKs retry.
            Error::AuthenticationFailed(_)
            | Error::Locked(_)
            | Error::Corrupt(_)
            | Error::Io(_) => ApiError::internal(format!("{}: {message}", e.name())),
            // Everything else by the core's one table of AWS exception names.
            _ => ApiError::client(e.aws_code(), message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_has_its_aws_name() {
        let cases = [
            (Error::NotFound(String::new()), "NotFoundException", 400),
            (Error::Disabled(String::new()), "DisabledException", 400),
            (
                Error::InvalidState(String::new()),
                "KMSInvalidStateException",
                400,
            ),
            (
                Error::InvalidCiphertext(String::new()),
                "InvalidCiphertextException",
                400,
            ),
            (
                Error::IncorrectKey(String::new()),
                "IncorrectKeyException",
                400,
            ),
            (
                Error::LimitExceeded(String::new()),
                "LimitExceededException",
                400,
            ),
            (Error::Validation(String::new()), "ValidationException", 400),
            (
                Error::UnsupportedOperation(String::new()),
                "UnsupportedOperationException",
                400,
            ),
            (
                Error::AlreadyExists(String::new()),
                "AlreadyExistsException",
                400,
            ),
            (
                Error::ExpiredImportToken(String::new()),
                "ExpiredImportTokenException",
                400,
            ),
            (
                Error::InvalidImportToken(String::new()),
                "InvalidImportTokenException",
                400,
            ),
            (
                Error::IncorrectKeyMaterial(String::new()),
                "IncorrectKeyMaterialException",
                400,
            ),
            (
                Error::InvalidKeyUsage(String::new()),
                "InvalidKeyUsageException",
                400,
            ),
            (Error::Io(String::new()), "KMSInternalException", 500),
            (Error::Corrupt(String::new()), "KMSInternalException", 500),
        ];
        for (e, code, status) in cases {
            let a = ApiError::from(e);
            assert_eq!((a.code, a.status), (code, status));
        }
    }
}

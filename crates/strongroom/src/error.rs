//! The one error taxonomy every surface shares (SPEC section 9).

use std::fmt;

/// Result alias used throughout strongroom.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a strongroom call can fail. Each variant carries a message that says what was wrong
/// and what to do; messages never contain secrets.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The key, alias, version or file named does not exist.
    NotFound(String),
    /// An alias (or file) of that name already exists.
    AlreadyExists(String),
    /// An argument is out of range or malformed.
    Validation(String),
    /// The key is disabled; enable it first.
    Disabled(String),
    /// The key's state does not allow this operation (pending deletion or pending import).
    InvalidState(String),
    /// The ciphertext blob is malformed, was tampered with, or the encryption context differs.
    InvalidCiphertext(String),
    /// The blob was made under another key than the one the caller named.
    IncorrectKey(String),
    /// The key's usage does not allow this operation.
    InvalidKeyUsage(String),
    /// A quota would be exceeded (number of keys, on-demand rotations).
    LimitExceeded(String),
    /// The operation is not supported for this key.
    UnsupportedOperation(String),
    /// The import token has expired; request new import parameters.
    ExpiredImportToken(String),
    /// The import token is malformed or belongs to another key.
    InvalidImportToken(String),
    /// Imported material differs from the material this key was first given.
    IncorrectKeyMaterial(String),
    /// The passphrase is wrong.
    AuthenticationFailed(String),
    /// Another process holds the keystore open.
    Locked(String),
    /// The keystore file is not a keystore, is truncated, of an unknown version, or was tampered with.
    Corrupt(String),
    /// The operating system reported an I/O error.
    Io(String),
    /// `Verify` found that the signature is not valid for the message and key (SPEC section 11).
    KmsInvalidSignature(String),
    /// `VerifyMac` found that the MAC is not valid for the message and key (SPEC section 11).
    KmsInvalidMac(String),
    /// A tag is not valid (its key or value out of bounds, a reserved `aws:` key, a key given
    /// twice in one request).
    InvalidTag(String),
    /// A list's `marker` is not one this keystore returned.
    InvalidMarker(String),
    /// A dry run found that the call would have succeeded; nothing was changed or created.
    DryRunOperation(String),
    /// A secret's value cannot be decrypted: its KMS key is disabled, pending deletion or gone
    /// (the message says which and what to do). AWS Secrets Manager's `DecryptionFailure`.
    DecryptionFailure(String),
    /// A secret's value cannot be encrypted: its KMS key is disabled, pending deletion or not a
    /// symmetric encryption key. AWS Secrets Manager's `EncryptionFailure`.
    EncryptionFailure(String),
    /// The key policy (or a grant) does not allow the calling principal this action (the server's
    /// callers only: in-process callers act as the account root, SPEC section 13).
    AccessDenied(String),
    /// A key policy that does not parse, names an unknown principal, or would lock every principal
    /// out of managing the key.
    MalformedPolicyDocument(String),
    /// A grant token that is malformed or names no grant.
    InvalidGrantToken(String),
    /// A secret's resource policy given with `BlockPublicPolicy` grants access to every
    /// principal (AWS Secrets Manager's `PublicPolicyException`).
    PublicPolicy(String),
}

impl Error {
    /// The SPEC name of this error (`"NotFound"`, `"Disabled"`, ...), the same on every surface.
    pub fn name(&self) -> &'static str {
        self.parts().0
    }

    /// The human-readable message, without the name.
    pub fn message(&self) -> &str {
        self.parts().1
    }

    fn parts(&self) -> (&'static str, &str) {
        use Error::*;
        match self {
            NotFound(m) => ("NotFound", m),
            AlreadyExists(m) => ("AlreadyExists", m),
            Validation(m) => ("Validation", m),
            Disabled(m) => ("Disabled", m),
            InvalidState(m) => ("InvalidState", m),
            InvalidCiphertext(m) => ("InvalidCiphertext", m),
            IncorrectKey(m) => ("IncorrectKey", m),
            InvalidKeyUsage(m) => ("InvalidKeyUsage", m),
            LimitExceeded(m) => ("LimitExceeded", m),
            UnsupportedOperation(m) => ("UnsupportedOperation", m),
            ExpiredImportToken(m) => ("ExpiredImportToken", m),
            InvalidImportToken(m) => ("InvalidImportToken", m),
            IncorrectKeyMaterial(m) => ("IncorrectKeyMaterial", m),
            AuthenticationFailed(m) => ("AuthenticationFailed", m),
            Locked(m) => ("Locked", m),
            Corrupt(m) => ("Corrupt", m),
            Io(m) => ("Io", m),
            KmsInvalidSignature(m) => ("KMSInvalidSignature", m),
            KmsInvalidMac(m) => ("KMSInvalidMac", m),
            InvalidTag(m) => ("InvalidTag", m),
            InvalidMarker(m) => ("InvalidMarker", m),
            DryRunOperation(m) => ("DryRunOperation", m),
            DecryptionFailure(m) => ("DecryptionFailure", m),
            EncryptionFailure(m) => ("EncryptionFailure", m),
            AccessDenied(m) => ("AccessDenied", m),
            MalformedPolicyDocument(m) => ("MalformedPolicyDocument", m),
            InvalidGrantToken(m) => ("InvalidGrantToken", m),
            PublicPolicy(m) => ("PublicPolicy", m),
        }
    }

    /// AWS KMS's exception name for this error (`NotFoundException`, `KMSInvalidStateException`,
    /// ...), the one table the server and the CLI share. Two refinements of AWS's own: a
    /// `NotFound` because an `arn:` reference is not an ARN of this keystore (the only ARNs a
    /// keystore can resolve) is `InvalidArnException`; a `Validation` of an alias name (its
    /// message starts `alias name`) is `InvalidAliasNameException`. A wrong passphrase is
    /// `UnrecognizedClientException` (AWS's answer to credentials it does not accept); `Locked`,
    /// `Corrupt` and `Io` are `KMSInternalException`.
    pub fn aws_code(&self) -> &'static str {
        use Error::*;
        match self {
            NotFound(m) if m.contains(NOT_AN_ARN) => "InvalidArnException",
            NotFound(_) => "NotFoundException",
            AlreadyExists(_) => "AlreadyExistsException",
            Validation(m) if m.starts_with("alias name") => "InvalidAliasNameException",
            Validation(_) => "ValidationException",
            Disabled(_) => "DisabledException",
            InvalidState(_) => "KMSInvalidStateException",
            InvalidCiphertext(_) => "InvalidCiphertextException",
            IncorrectKey(_) => "IncorrectKeyException",
            InvalidKeyUsage(_) => "InvalidKeyUsageException",
            LimitExceeded(_) => "LimitExceededException",
            UnsupportedOperation(_) => "UnsupportedOperationException",
            ExpiredImportToken(_) => "ExpiredImportTokenException",
            InvalidImportToken(_) => "InvalidImportTokenException",
            IncorrectKeyMaterial(_) => "IncorrectKeyMaterialException",
            AuthenticationFailed(_) => "UnrecognizedClientException",
            Locked(_) | Corrupt(_) | Io(_) => "KMSInternalException",
            KmsInvalidSignature(_) => "KMSInvalidSignatureException",
            KmsInvalidMac(_) => "KMSInvalidMacException",
            InvalidTag(_) => "TagException",
            InvalidMarker(_) => "InvalidMarkerException",
            DryRunOperation(_) => "DryRunOperationException",
            DecryptionFailure(_) => "DecryptionFailure",
            EncryptionFailure(_) => "EncryptionFailure",
            AccessDenied(_) => "AccessDeniedException",
            MalformedPolicyDocument(_) => "MalformedPolicyDocumentException",
            InvalidGrantToken(_) => "InvalidGrantTokenException",
            PublicPolicy(_) => "PublicPolicyException",
        }
    }

    /// AWS Secrets Manager's exception name for this error, for the secrets operations (SPEC
    /// section 14): `NotFound` is `ResourceNotFoundException`, `AlreadyExists`
    /// `ResourceExistsException`, `Validation` `InvalidParameterException` (of a `NextToken`:
    /// `InvalidNextTokenException`), `InvalidState` (a secret scheduled for deletion) and
    /// `Disabled` `InvalidRequestException`, `LimitExceeded` `LimitExceededException`;
    /// `DecryptionFailure` and `EncryptionFailure` are AWS's own names, as are
    /// `AccessDeniedException`, `MalformedPolicyDocumentException` and `PublicPolicyException`;
    /// a wrong passphrase is `UnrecognizedClientException`; the rest `InternalServiceError`.
    pub fn secrets_manager_code(&self) -> &'static str {
        use Error::*;
        match self {
            NotFound(_) => "ResourceNotFoundException",
            AlreadyExists(_) => "ResourceExistsException",
            Validation(m) if m.starts_with("NextToken") => "InvalidNextTokenException",
            Validation(_) => "InvalidParameterException",
            InvalidState(_) | Disabled(_) | UnsupportedOperation(_) => "InvalidRequestException",
            LimitExceeded(_) => "LimitExceededException",
            DecryptionFailure(_) => "DecryptionFailure",
            EncryptionFailure(_) => "EncryptionFailure",
            AuthenticationFailed(_) => "UnrecognizedClientException",
            AccessDenied(_) => "AccessDeniedException",
            MalformedPolicyDocument(_) => "MalformedPolicyDocumentException",
            PublicPolicy(_) => "PublicPolicyException",
            _ => "InternalServiceError",
        }
    }

    /// The error named `name` (one of [`Error::NAMES`]) with `message`: the inverse of
    /// [`Error::name`], for a surface that receives an error by name (the CLI as a client of
    /// `strongroom serve`). `None` for a name that is not one of the taxonomy's.
    pub fn from_name(name: &str, message: impl Into<String>) -> Option<Error> {
        use Error::*;
        let m = message.into();
        Some(match name {
            "NotFound" => NotFound(m),
            "AlreadyExists" => AlreadyExists(m),
            "Validation" => Validation(m),
            "Disabled" => Disabled(m),
            "InvalidState" => InvalidState(m),
            "InvalidCiphertext" => InvalidCiphertext(m),
            "IncorrectKey" => IncorrectKey(m),
            "InvalidKeyUsage" => InvalidKeyUsage(m),
            "LimitExceeded" => LimitExceeded(m),
            "UnsupportedOperation" => UnsupportedOperation(m),
            "ExpiredImportToken" => ExpiredImportToken(m),
            "InvalidImportToken" => InvalidImportToken(m),
            "IncorrectKeyMaterial" => IncorrectKeyMaterial(m),
            "AuthenticationFailed" => AuthenticationFailed(m),
            "Locked" => Locked(m),
            "Corrupt" => Corrupt(m),
            "Io" => Io(m),
            "KMSInvalidSignature" => KmsInvalidSignature(m),
            "KMSInvalidMac" => KmsInvalidMac(m),
            "InvalidTag" => InvalidTag(m),
            "InvalidMarker" => InvalidMarker(m),
            "DryRunOperation" => DryRunOperation(m),
            "DecryptionFailure" => DecryptionFailure(m),
            "EncryptionFailure" => EncryptionFailure(m),
            "AccessDenied" => AccessDenied(m),
            "MalformedPolicyDocument" => MalformedPolicyDocument(m),
            "InvalidGrantToken" => InvalidGrantToken(m),
            "PublicPolicy" => PublicPolicy(m),
            _ => return None,
        })
    }

    /// The error whose [`Error::aws_code`] is `code` with this `message`: the inverse of that
    /// table, for a surface that receives AWS's exception name (the CLI as a client). `None`
    /// for a code no class answers, and for `KMSInternalException`, which three classes share.
    pub fn from_aws_code(code: &str, message: &str) -> Option<Error> {
        let mut found = Self::NAMES
            .iter()
            .filter_map(|n| Self::from_name(n, message))
            .filter(|e| e.aws_code() == code);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// AWS IAM's error code for this error, as the `strongroom iam` commands print it:
    /// `NoSuchEntity`, `EntityAlreadyExists`, `DeleteConflict` (a user that still has access
    /// keys), `LimitExceeded`, `ValidationError`; `ServiceFailure` for the keystore's own faults.
    pub fn aws_iam_code(&self) -> &'static str {
        use Error::*;
        match self {
            NotFound(_) => "NoSuchEntity",
            AlreadyExists(_) => "EntityAlreadyExists",
            InvalidState(_) => "DeleteConflict",
            LimitExceeded(_) => "LimitExceeded",
            Validation(_) => "ValidationError",
            _ => "ServiceFailure",
        }
    }

    /// Every error name, in SPEC order (for bindings that mirror the taxonomy).
    pub const NAMES: [&'static str; 28] = [
        "NotFound",
        "AlreadyExists",
        "Validation",
        "Disabled",
        "InvalidState",
        "InvalidCiphertext",
        "IncorrectKey",
        "InvalidKeyUsage",
        "LimitExceeded",
        "UnsupportedOperation",
        "ExpiredImportToken",
        "InvalidImportToken",
        "IncorrectKeyMaterial",
        "AuthenticationFailed",
        "Locked",
        "Corrupt",
        "Io",
        "KMSInvalidSignature",
        "KMSInvalidMac",
        "InvalidTag",
        "InvalidMarker",
        "DryRunOperation",
        "DecryptionFailure",
        "EncryptionFailure",
        "AccessDenied",
        "MalformedPolicyDocument",
        "InvalidGrantToken",
        "PublicPolicy",
    ];
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, message) = self.parts();
        write!(f, "{name}: {message}")
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(format!(
            "{e}; check the path, its permissions and free disk space"
        ))
    }
}

/// Maps a redb failure after the keystore is open. Storage-level corruption is `Corrupt`,
/// operating-system failures are `Io`.
pub(crate) fn storage(e: impl Into<redb::Error>) -> Error {
    match e.into() {
        redb::Error::Io(io) => Error::from(io),
        redb::Error::PreviousIo => Error::Io(
            "an earlier write to the keystore file failed; close it and open it again".into(),
        ),
        e @ (redb::Error::Backend(_) | redb::Error::Unsupported | redb::Error::DatabaseClosed) => {
            Error::Io(format!("the keystore's storage failed ({e})"))
        }
        redb::Error::DatabaseAlreadyOpen => locked(),
        redb::Error::Corrupted(m) => Error::Corrupt(format!("storage is damaged ({m})")),
        other => Error::Corrupt(format!("storage error ({other}); the file may be damaged")),
    }
}

macro_rules! from_redb {
    ($($t:ty),+) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                storage(e)
            }
        }
    )+};
}
from_redb!(
    redb::Error,
    redb::StorageError,
    redb::TableError,
    redb::TransactionError,
    redb::CommitError
);

/// What a `NotFound` message says of an `arn:` reference that is not this keystore's
/// (`keystore::key_ref`); [`Error::aws_code`] answers `InvalidArnException` for it.
pub(crate) const NOT_AN_ARN: &str = "is not an ARN of this keystore";

pub(crate) fn locked() -> Error {
    Error::Locked(
        "the keystore is open in another process; close it there or wait, then retry".into(),
    )
}

/// A handle used in a process other than the one that opened it (a `fork()` child). `Locked`:
/// the file is held by another process (the parent), and the child may not touch it.
#[cold]
#[inline(never)]
pub(crate) fn forked(opened_by: u32) -> Error {
    Error::Locked(format!(
        "this keystore was opened by process {opened_by} before a fork; process {} cannot use \
         that handle (calls, and closing it, leave the file to the process that opened it): open \
         the keystore again in this process (once no other process holds it), or share one \
         keystore between processes with `strongroom serve`",
        std::process::id()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_display() {
        let e = Error::Disabled("key k is disabled; call enable_key".into());
        assert_eq!(e.name(), "Disabled");
        assert_eq!(
            e.to_string(),
            "Disabled: key k is disabled; call enable_key"
        );
        assert_eq!(Error::NAMES.len(), 28);
        let e = Error::KmsInvalidSignature(String::new());
        assert_eq!(
            (e.name(), e.aws_code()),
            ("KMSInvalidSignature", "KMSInvalidSignatureException")
        );
        let e = Error::KmsInvalidMac(String::new());
        assert_eq!(
            (e.name(), e.aws_code()),
            ("KMSInvalidMac", "KMSInvalidMacException")
        );
    }

    #[test]
    fn names_and_aws_codes_invert() {
        for name in Error::NAMES {
            let e = Error::from_name(name, "m").unwrap();
            assert_eq!((e.name(), e.message()), (name, "m"));
            if e.aws_code() != "KMSInternalException" {
                assert_eq!(Error::from_aws_code(e.aws_code(), "m"), Some(e));
            }
        }
        assert_eq!(Error::from_name("Nonsense", "m"), None);
        assert_eq!(Error::from_aws_code("KMSInternalException", "m"), None);
        assert_eq!(Error::from_aws_code("InvalidSignatureException", "m"), None);
        let arn = format!("\"arn:x\" {NOT_AN_ARN}");
        assert_eq!(
            Error::from_aws_code("InvalidArnException", &arn),
            Some(Error::NotFound(arn.clone()))
        );
        assert_eq!(Error::from_aws_code("InvalidArnException", "plain"), None);
    }

    #[test]
    fn aws_codes_and_their_refinements() {
        assert_eq!(Error::NotFound("x".into()).aws_code(), "NotFoundException");
        assert_eq!(
            Error::NotFound(format!("\"arn:x\" {NOT_AN_ARN} (arn:...)")).aws_code(),
            "InvalidArnException"
        );
        let alias = crate::rules::alias_name::check_name("alias/a b").unwrap_err();
        assert_eq!(alias.aws_code(), "InvalidAliasNameException");
        for bad in ["x", "alias/", "alias/aws/x"] {
            let e = crate::rules::alias_name::check_name(bad).unwrap_err();
            assert_eq!(e.aws_code(), "InvalidAliasNameException", "{e}");
        }
        assert_eq!(Error::Io(String::new()).aws_code(), "KMSInternalException");
        assert_eq!(Error::InvalidTag(String::new()).aws_code(), "TagException");
        assert_eq!(
            Error::InvalidMarker(String::new()).aws_code(),
            "InvalidMarkerException"
        );
        assert_eq!(
            Error::DryRunOperation(String::new()).aws_code(),
            "DryRunOperationException"
        );
    }

    #[test]
    fn secrets_manager_codes() {
        let code = |e: Error| e.secrets_manager_code();
        assert_eq!(
            code(Error::NotFound(String::new())),
            "ResourceNotFoundException"
        );
        assert_eq!(
            code(Error::AlreadyExists(String::new())),
            "ResourceExistsException"
        );
        assert_eq!(
            code(Error::Validation("x".into())),
            "InvalidParameterException"
        );
        assert_eq!(
            code(Error::Validation("NextToken is not valid".into())),
            "InvalidNextTokenException"
        );
        assert_eq!(
            code(Error::InvalidState(String::new())),
            "InvalidRequestException"
        );
        assert_eq!(
            code(Error::LimitExceeded(String::new())),
            "LimitExceededException"
        );
        assert_eq!(
            code(Error::DecryptionFailure(String::new())),
            "DecryptionFailure"
        );
        assert_eq!(
            code(Error::EncryptionFailure(String::new())),
            "EncryptionFailure"
        );
        assert_eq!(code(Error::Corrupt(String::new())), "InternalServiceError");
        assert_eq!(
            code(Error::AccessDenied(String::new())),
            "AccessDeniedException"
        );
        assert_eq!(
            code(Error::MalformedPolicyDocument(String::new())),
            "MalformedPolicyDocumentException"
        );
        assert_eq!(
            code(Error::PublicPolicy(String::new())),
            "PublicPolicyException"
        );
        for name in ["DecryptionFailure", "EncryptionFailure"] {
            assert!(Error::NAMES.contains(&name));
        }
    }
}

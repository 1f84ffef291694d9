//! The command line's error layer: every failure is one SPEC error class (section 9), printed in
//! the AWS CLI's shape, `An error occurred (<AWS code>) when calling the <Operation> operation:
//! <message>`, plus an optional `hint:` line, and exits with that class's code. The AWS code comes
//! from the core's one table (`strongroom::Error::aws_code`, shared with the server). Failures
//! that the CLI itself detects (an output file that exists, binary output to a terminal,
//! conflicting flags) are named variants mapped onto the same classes; a missing keystore file
//! has its own code and exit status, apart from a missing key.

use std::fmt;
use std::path::PathBuf;

/// Exit code of an internal error (a bug); never expected.
pub const EXIT_INTERNAL: i32 = 70;
/// Each SPEC error class's exit code, in SPEC order: `NotFound` 10 to `Io` 26, `KMSInvalidSignature`
/// 27, `KMSInvalidMac` 28, then 30 on (29 is reserved; 35 to 37 those of key policies and
/// grants, 38 a secret's public resource policy). Codes are never reused.
pub const EXIT_CODES: &[(&str, i32)] = &[
    ("NotFound", 10),
    ("AlreadyExists", 11),
    ("Validation", 12),
    ("Disabled", 13),
    ("InvalidState", 14),
    ("InvalidCiphertext", 15),
    ("IncorrectKey", 16),
    ("InvalidKeyUsage", 17),
    ("LimitExceeded", 18),
    ("UnsupportedOperation", 19),
    ("ExpiredImportToken", 20),
    ("InvalidImportToken", 21),
    ("IncorrectKeyMaterial", 22),
    ("AuthenticationFailed", 23),
    ("Locked", 24),
    ("Corrupt", 25),
    ("Io", 26),
    ("KMSInvalidSignature", 27),
    ("KMSInvalidMac", 28),
    ("InvalidTag", 30),
    ("InvalidMarker", 31),
    ("DryRunOperation", 32),
    ("DecryptionFailure", 33),
    ("EncryptionFailure", 34),
    ("AccessDenied", 35),
    ("MalformedPolicyDocument", 36),
    ("InvalidGrantToken", 37),
    ("PublicPolicy", 38),
];
/// Exit code of a missing keystore file (below the class range, so that classes the core adds
/// later never collide with it).
pub const EXIT_NO_KEYSTORE: i32 = 9;
/// AWS's code for a key store that cannot be found: what a missing keystore file is here.
pub const NO_KEYSTORE_CODE: &str = "CustomKeyStoreNotFoundException";

/// Every way a command fails.
#[derive(Debug)]
pub enum CliError {
    /// The core refused or failed.
    Core(strongroom::Error),
    /// The keystore file does not exist (never created implicitly).
    KeystoreMissing(PathBuf),
    /// `init` found a file already at the keystore path.
    KeystoreExists(PathBuf),
    /// The output file exists and `--force` was not given.
    OutputExists(PathBuf),
    /// Binary output would go to a terminal.
    BinaryToTerminal,
    /// No passphrase source: no environment variable, no file, and no terminal to prompt on.
    NoPassphrase,
    /// The two passphrases typed at a confirmation prompt differ.
    PassphraseMismatch,
    /// An empty passphrase was typed at a prompt (cancels).
    PassphraseEmpty,
    /// A flag or parameter value is malformed; the message says which and how.
    BadInput(String),
    /// An encrypted file is malformed, truncated, reordered or tampered with.
    BadEncryptedFile(String),
    /// An operating-system I/O failure on a named path.
    Io(String, std::io::Error),
    /// Client mode: the server answered an AWS error that no core class answers (the SigV4
    /// family, `KMSInternalException` without a class, a protocol error), by AWS's code.
    Remote {
        /// AWS's exception name, e.g. `InvalidSignatureException`.
        code: String,
        /// The server's message.
        message: String,
    },
    /// Client mode: the endpoint could not be reached, or answered something that is not AWS's
    /// protocol.
    Endpoint {
        /// The endpoint URL.
        url: String,
        /// What failed.
        detail: String,
    },
}

/// AWS's exceptions for a request whose credentials or signature are refused: the SPEC class
/// `AuthenticationFailed` in client mode.
pub const AUTH_CODES: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
    "MissingAuthenticationTokenException",
    "AccessDeniedException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
];

impl From<strongroom::Error> for CliError {
    fn from(e: strongroom::Error) -> Self {
        CliError::Core(e)
    }
}

/// Shorthand for results in the CLI.
pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    /// An I/O error on `what` (a path or "standard input").
    pub fn io(what: impl fmt::Display, e: std::io::Error) -> Self {
        CliError::Io(what.to_string(), e)
    }

    /// The SPEC error name of this failure's class.
    pub fn class(&self) -> &'static str {
        match self {
            CliError::Core(e) => e.name(),
            CliError::KeystoreMissing(_) => "NotFound",
            CliError::KeystoreExists(_) | CliError::OutputExists(_) => "AlreadyExists",
            CliError::BinaryToTerminal
            | CliError::NoPassphrase
            | CliError::PassphraseMismatch
            | CliError::PassphraseEmpty
            | CliError::BadInput(_) => "Validation",
            CliError::BadEncryptedFile(_) => "InvalidCiphertext",
            CliError::Io(..) | CliError::Endpoint { .. } => "Io",
            CliError::Remote { code, .. } if AUTH_CODES.contains(&code.as_str()) => {
                "AuthenticationFailed"
            }
            CliError::Remote { code, .. } if code == "KMSInternalException" => "Io",
            CliError::Remote { .. } => "Validation",
        }
    }

    /// The process exit code: the class's in [`EXIT_CODES`] (`NotFound` = 10 ... `Io` = 26,
    /// `KMSInvalidSignature` = 27, `KMSInvalidMac` = 28, `InvalidTag` = 30 ...
    /// `EncryptionFailure` = 34, `AccessDenied` = 35 ... `InvalidGrantToken` = 37,
    /// `PublicPolicy` = 38); 9 for a
    /// missing keystore file.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::KeystoreMissing(_) => EXIT_NO_KEYSTORE,
            _ => exit_code_of(self.class()),
        }
    }

    /// AWS's error code, as the AWS CLI prints it in parentheses: the core's table
    /// ([`strongroom::Error::aws_code`]) applied to this failure's class, except a missing
    /// keystore file (`CustomKeyStoreNotFoundException`: the key store itself is missing).
    pub fn aws_code(&self) -> &str {
        use strongroom::Error as E;
        let m = String::new;
        match self {
            CliError::Core(e) => e.aws_code(),
            CliError::KeystoreMissing(_) => NO_KEYSTORE_CODE,
            CliError::KeystoreExists(_) | CliError::OutputExists(_) => {
                E::AlreadyExists(m()).aws_code()
            }
            CliError::BinaryToTerminal
            | CliError::NoPassphrase
            | CliError::PassphraseMismatch
            | CliError::PassphraseEmpty
            | CliError::BadInput(_) => E::Validation(m()).aws_code(),
            CliError::BadEncryptedFile(_) => E::InvalidCiphertext(m()).aws_code(),
            CliError::Io(..) | CliError::Endpoint { .. } => E::Io(m()).aws_code(),
            CliError::Remote { code, .. } => code,
        }
    }

    /// The lines printed on standard error: the AWS CLI's error line naming `operation`, then
    /// `hint: ...` when there is something useful to say.
    /// With `secrets` (a `secretsmanager` command), the code is Secrets Manager's exception name
    /// (`ResourceNotFoundException`, ..., `strongroom::Error::secrets_manager_code`); the IAM
    /// commands' core errors carry IAM's codes.
    pub fn report_for(&self, operation: &str, secrets: bool) -> String {
        let special = match self {
            CliError::Core(e) if secrets => Some(e.secrets_manager_code()),
            CliError::Core(e) if crate::iam::is_iam_operation(operation) => Some(e.aws_iam_code()),
            _ => None,
        };
        let mut s = format!(
            "An error occurred ({}) when calling the {operation} operation: {}",
            special.unwrap_or_else(|| self.aws_code()),
            self.message()
        );
        // The hints are about keys; a secrets or IAM command's message names what resolves it.
        if let Some(h) = self.hint().filter(|_| special.is_none()) {
            s.push_str("\nhint: ");
            s.push_str(&h);
        }
        s
    }

    /// What went wrong, without the class name.
    pub fn message(&self) -> String {
        match self {
            CliError::Core(e) => e.message().to_string(),
            CliError::KeystoreMissing(p) => format!("no keystore at {}", p.display()),
            CliError::KeystoreExists(p) => format!("{} already exists", p.display()),
            CliError::OutputExists(p) => format!("{} already exists", p.display()),
            CliError::BinaryToTerminal => "refusing to write binary output to a terminal".into(),
            CliError::NoPassphrase => "no passphrase given and no terminal to prompt on".into(),
            CliError::PassphraseMismatch => "the passphrases typed do not match".into(),
            CliError::PassphraseEmpty => "empty passphrase; cancelled".into(),
            CliError::BadInput(m) | CliError::BadEncryptedFile(m) => m.clone(),
            CliError::Io(what, e) => format!("{what}: {e}"),
            CliError::Remote { message, .. } => message.clone(),
            CliError::Endpoint { url, detail } => {
                format!("Could not connect to the endpoint URL {url:?}: {detail}")
            }
        }
    }

    /// What to do about it, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            CliError::KeystoreMissing(_) => "create one with `strongroom init`, or point \
                --keystore / STRONGROOM_KEYSTORE at an existing keystore"
                .into(),
            CliError::KeystoreExists(_) => {
                "choose another path with --keystore; init never overwrites a keystore".into()
            }
            CliError::OutputExists(_) => "pass --force to overwrite it".into(),
            CliError::Endpoint { .. } => "check --endpoint-url / STRONGROOM_ENDPOINT_URL and that \
                `strongroom serve` is running there (https: --ca-bundle for its certificate)"
                .into(),
            CliError::Remote { code, .. } if AUTH_CODES.contains(&code.as_str()) => {
                "check the access key: --profile, AWS_PROFILE or AWS_ACCESS_KEY_ID / \
                 AWS_SECRET_ACCESS_KEY, and that the server knows it"
                    .into()
            }
            CliError::BinaryToTerminal => {
                "give an output file, or redirect standard output (`> file` or `| ...`)".into()
            }
            CliError::NoPassphrase => {
                "set STRONGROOM_PASSPHRASE or pass --passphrase-file PATH".into()
            }
            CliError::PassphraseMismatch | CliError::PassphraseEmpty => {
                "run the command again and type the same passphrase twice".into()
            }
            CliError::Core(strongroom::Error::AuthenticationFailed(_)) => {
                "check STRONGROOM_PASSPHRASE / --passphrase-file".into()
            }
            CliError::Core(strongroom::Error::Disabled(_)) => {
                "enable the key with `strongroom enable-key --key-id K`".into()
            }
            CliError::Core(strongroom::Error::InvalidState(_)) => {
                "a key pending deletion comes back with `strongroom cancel-key-deletion --key-id K` \
                 (then `enable-key`); a key pending import needs `import-key-material`"
                    .into()
            }
            CliError::Core(strongroom::Error::InvalidCiphertext(_)) => {
                "give the same --encryption-context as at encryption, and the blob unmodified".into()
            }
            CliError::Core(strongroom::Error::IncorrectKey(_)) => {
                "omit --key-id, or name the key the blob was made under".into()
            }
            CliError::Core(strongroom::Error::NotFound(_)) => {
                "see `strongroom list-keys` and `strongroom list-aliases`".into()
            }
            CliError::Core(strongroom::Error::Validation(m)) if m.contains("Argon2") => {
                "for throwaway test keystores only, set STRONGROOM_INSECURE_TEST_KDF=1".into()
            }
            CliError::BadEncryptedFile(_) => {
                "the file is not a strongroom encrypted file, or it was truncated, reordered or \
                 modified; any partial output was removed"
                    .into()
            }
            _ => return None,
        })
    }
}

/// The exit code of a SPEC error class name; 1 for a name this CLI does not know.
pub fn exit_code_of(class: &str) -> i32 {
    EXIT_CODES
        .iter()
        .find(|(n, _)| *n == class)
        .map_or(1, |(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_in_spec_order() {
        let codes: Vec<i32> = strongroom::Error::NAMES
            .iter()
            .map(|n| exit_code_of(n))
            .collect();
        assert_eq!(codes.first(), Some(&10));
        assert_eq!(exit_code_of("Io"), 26);
        assert_eq!(exit_code_of("KMSInvalidSignature"), 27);
        assert_eq!(exit_code_of("KMSInvalidMac"), 28);
        assert_eq!(exit_code_of("InvalidTag"), 30);
        assert_eq!(exit_code_of("DecryptionFailure"), 33);
        assert_eq!(exit_code_of("EncryptionFailure"), 34);
        assert_eq!(
            [
                exit_code_of("AccessDenied"),
                exit_code_of("MalformedPolicyDocument"),
                exit_code_of("InvalidGrantToken"),
            ],
            [35, 36, 37]
        );
        assert_eq!(exit_code_of("PublicPolicy"), 38);
        assert_eq!(codes.last(), Some(&38)); // PublicPolicy
        // Every class has its own code, rising in SPEC order, none of them 29 (reserved).
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        assert!(!codes.contains(&29), "{codes:?}");
        assert_eq!(exit_code_of("Nonsense"), 1);
    }

    #[test]
    fn report_is_the_aws_line_plus_hint() {
        let e = CliError::OutputExists(PathBuf::from("out.bin"));
        assert_eq!(
            e.report_for("EncryptFile", false),
            "An error occurred (AlreadyExistsException) when calling the EncryptFile operation: \
             out.bin already exists\nhint: pass --force to overwrite it"
        );
        assert_eq!(e.exit_code(), 11);
        let missing = CliError::KeystoreMissing(PathBuf::from("k"));
        assert_eq!(missing.exit_code(), EXIT_NO_KEYSTORE);
        assert_eq!(missing.aws_code(), "CustomKeyStoreNotFoundException");
        let key = CliError::Core(strongroom::Error::NotFound("no key".into()));
        assert_eq!((key.exit_code(), key.aws_code()), (10, "NotFoundException"));
    }
}

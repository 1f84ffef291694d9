//! The one error bridge: every core [`strongroom::Error`] becomes the exception class of the same
//! SPEC name, declared in Python (`strongroom/__init__.py`) and imported here.

use pyo3::PyErr;

/// Declares the imported exception classes and the `From<strongroom::Error>` mapping at once, so
/// the two lists cannot drift apart.
macro_rules! bridge {
    ($($name:ident),+ ; $($var:ident => $py:ident),+ $(,)?) => {
        /// Exception classes declared by the `strongroom` Python package.
        pub(crate) mod exc {
            pyo3::import_exception!(strongroom, Error);
            $(pyo3::import_exception!(strongroom, $name);)+
            $(pyo3::import_exception!(strongroom, $py);)+
        }

        impl From<Converted> for PyErr {
            fn from(Converted(e): Converted) -> PyErr {
                let message = e.message().to_owned();
                match e {
                    $(strongroom::Error::$name(_) => exc::$name::new_err(message),)+
                    $(strongroom::Error::$var(_) => exc::$py::new_err(message),)+
                    // The core's error enum is non-exhaustive: a variant added later still raises
                    // a `strongroom.Error` until it gets its own class.
                    _ => exc::Error::new_err(e.to_string()),
                }
            }
        }

        /// A core error built from its SPEC name (test hook for the bridge).
        pub(crate) fn core_error_by_name(name: &str, message: &str) -> Converted {
            let m = message.to_owned();
            Converted(match name {
                $(stringify!($name) => strongroom::Error::$name(m),)+
                $(stringify!($py) => strongroom::Error::$var(m),)+
                other => strongroom::Error::Validation(format!("{other:?} is not a SPEC error name")),
            })
        }
    };
}

bridge!(
    NotFound,
    AlreadyExists,
    Validation,
    Disabled,
    InvalidState,
    InvalidCiphertext,
    IncorrectKey,
    InvalidKeyUsage,
    LimitExceeded,
    UnsupportedOperation,
    ExpiredImportToken,
    InvalidImportToken,
    IncorrectKeyMaterial,
    AuthenticationFailed,
    Locked,
    Corrupt,
    Io,
    InvalidTag,
    InvalidMarker,
    DryRunOperation,
    DecryptionFailure,
    EncryptionFailure,
    AccessDenied,
    MalformedPolicyDocument,
    InvalidGrantToken,
    PublicPolicy;
    KmsInvalidSignature => KMSInvalidSignature,
    KmsInvalidMac => KMSInvalidMac,
);

/// A core error on its way to Python. (Rust's orphan rule forbids `From<strongroom::Error> for
/// PyErr` in this crate, so the conversion goes through this newtype; [`core`] is the short way
/// to use it with `?`.)
pub(crate) struct Converted(pub(crate) strongroom::Error);

impl From<strongroom::Error> for Converted {
    fn from(e: strongroom::Error) -> Self {
        Converted(e)
    }
}

/// Converts a core error into its Python exception. Creating the exception is lazy: nothing
/// touches the interpreter until it is raised, so this is safe to call without the GIL.
pub(crate) fn core(e: strongroom::Error) -> PyErr {
    Converted(e).into()
}

/// The error for a call on a closed keystore handle: `strongroom.InvalidState` (the handle's
/// state, not a key's, forbids the call).
pub(crate) fn closed() -> PyErr {
    exc::InvalidState::new_err(
        "this keystore handle is closed; open the keystore again with strongroom.Keystore.open",
    )
}

/// A `strongroom.Validation` error raised by the binding for an argument Python cannot hand to
/// the core at all (a negative count, a naive datetime).
pub(crate) fn validation(message: String) -> PyErr {
    exc::Validation::new_err(message)
}

//! Python bindings for strongroom: the private `strongroom._native` extension module.
//!
//! The public API is the pure-Python package `strongroom` (bindings/python/python/strongroom),
//! which defines the exception classes and re-exports the classes below. This crate only
//! translates between Python and the core crate: every rule (bounds, state checks) lives in the
//! core, and every core error becomes the `strongroom.<Name>` exception of the same name
//! ([`error`]).
//!
//! Threading: classes are `frozen` and `Sync`. The keystore handle sits behind a
//! `parking_lot::RwLock<Option<Keystore>>`: operations take the read lock (Python threads do not
//! serialise on it), `close` takes the write lock. The GIL is released around Argon2, file writes
//! and crypto on inputs of [`convert::GIL_DETACH_THRESHOLD`] bytes or more, and no Rust lock is
//! ever held while calling into Python. The file-stream methods ([`stream`]) hold the keystore
//! lock only for their data-key call and take the GIL only for each `read`/`write` call.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access;
mod asymmetric;
mod clock;
mod convert;
mod error;
mod keystore;
mod secrets;
mod stream;
mod types;

/// The native half of the `strongroom` package. Import `strongroom`, not this module.
#[pyo3::pymodule(gil_used = false)]
mod _native {
    #[pymodule_export]
    use crate::access::{PyCreatedGrant, PyGrantListEntry};
    #[pymodule_export]
    use crate::asymmetric::{
        PyDataKeyPair, PyDataKeyPairWithoutPlaintext, PyMac, PyPublicKey, PySharedSecret, PySigned,
    };
    #[pymodule_export]
    use crate::clock::PyManualClock;
    #[pymodule_export]
    use crate::keystore::PyKeystore;
    #[pymodule_export]
    use crate::stream::PyStreamSummary;
    #[pymodule_export]
    use crate::types::{
        PyAlarmEvent, PyAliasListEntry, PyAuditEvent, PyDataKey, PyDataKeyWithoutPlaintext,
        PyDecrypted, PyKeyLastUsage, PyKeyMetadata, PyKeyRotationStatus, PyPage,
        PyParametersForImport, PyResourceTags, PyRotationsListEntry,
    };

    /// The core's default audit retention: what omitting `audit_max_events` /
    /// `audit_max_age_days` (or passing `None`) means.
    #[pymodule_export]
    const DEFAULT_AUDIT_MAX_EVENTS: u64 = strongroom::DEFAULT_AUDIT_MAX_EVENTS;
    #[pymodule_export]
    const DEFAULT_AUDIT_MAX_AGE_DAYS: u32 = strongroom::DEFAULT_AUDIT_MAX_AGE_DAYS;
    /// `audit_max_events` / `audit_max_age_days` for no bound.
    #[pymodule_export]
    const AUDIT_UNBOUNDED: i64 = crate::keystore::AUDIT_UNBOUNDED;

    /// Every SPEC error name, in SPEC order (the Python package checks it defines each one).
    #[pymodule_export]
    const ERROR_NAMES: [&str; 28] = strongroom::Error::NAMES;

    /// Raises the `strongroom` exception that the core error `name` maps to, with `message`:
    /// a test hook proving that each SPEC name reaches its own Python class.
    #[pyo3::pyfunction]
    fn _raise_core_error(name: &str, message: &str) -> pyo3::PyResult<()> {
        Err(crate::error::core_error_by_name(name, message).into())
    }
}

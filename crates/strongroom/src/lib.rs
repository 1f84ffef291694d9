//! strongroom: an embedded, offline key management service.
//!
//! What AWS KMS gives a cloud account, a [`Keystore`] gives one program from one file: master keys
//! that never leave it in plaintext, versioned backing keys, aliases, data keys for envelope
//! encryption, with AWS KMS's names and rules.
//!
//! ```
//! use strongroom::{Keystore, Options, CreateKey, EncryptionContext};
//! let dir = tempfile::tempdir()?;
//! let ks = Keystore::create(dir.path().join("ks"), b"passphrase", &Options::insecure_fast_for_tests())?;
//! let key = ks.create_key(&CreateKey { description: "app secrets".into(), ..Default::default() })?;
//! ks.create_alias("alias/app", &key.key_id)?;
//! let ctx = EncryptionContext::from_pairs([("purpose", "demo")])?;
//! let blob = ks.encrypt("alias/app", b"attack at dawn", Some(&ctx))?;
//! let out = ks.decrypt(&blob, Some(&ctx), None)?;
//! assert_eq!(out.plaintext.as_bytes(), b"attack at dawn");
//! assert!(ks.decrypt(&blob, None, None).is_err()); // the context is required
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]

mod alias;
mod audit;
mod audit_batch;
mod blob;
mod clock;
mod codec;
mod context;
mod crypto;
mod error;
mod flusher;
mod header;
mod import;
mod integrity;
mod kdf;
mod keys;
mod keystore;
mod lifecycle;
mod local;
mod model;
mod rand;
mod record;
mod secret;
mod session;
mod store;
mod xaes;

pub use alias::{AliasListEntry, MAX_ALIAS_LEN, RESERVED_PREFIXES};
pub use audit::{
    AuditEvent, AuditFilter, AuditLevel, AuditOptions, FLUSH_INTERVAL as AUDIT_FLUSH_INTERVAL,
    SUMMARY_INTERVAL_MS,
};
pub use blob::{BLOB_VERSION, OVERHEAD as BLOB_OVERHEAD, blob_len, plaintext_len};
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use context::{EncryptionContext, MAX_CONTEXT_BYTES};
pub use crypto::{
    DataKey, DataKeyWithoutPlaintext, Decrypted, MAX_PLAINTEXT, MAX_RANDOM_BYTES, ReEncrypted,
};
pub use error::{Error, Result};
pub use header::FORMAT_VERSION;
pub use import::{
    ExpirationModel, IMPORT_TOKEN_LEN, KEY_MATERIAL_LEN, MAX_VALID_TO_DAYS, ParametersForImport,
    WrappingAlgorithm, WrappingKeySpec,
};
pub use kdf::KdfParams;
pub use keys::CreateKey;
pub use keystore::{DEFAULT_MAX_KEYS, Keystore, Options};
pub use lifecycle::{
    AlarmCallback, AlarmEvent, DEFAULT_PENDING_WINDOW_DAYS, DEFAULT_ROTATION_PERIOD_DAYS,
    KeyRotationStatus, MAX_ON_DEMAND_ROTATIONS, PENDING_WINDOW_DAYS, ROTATION_PERIOD_DAYS,
    RotationsListEntry,
};
pub use model::{
    DataKeySpec, KeyMetadata, KeySpec, KeyState, KeyUsage, MAX_DESCRIPTION_CHARS, Origin,
    RotationType,
};
pub use secret::SecretBytes;

/// The README's examples, run as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

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

mod audit;
mod crypto;
mod error;
mod format;
mod keystore;
mod model;
mod ops;
mod storage;

// The names each file had before the folders (removed in the next step).
use audit::writer as flusher;
use crypto::nonce_session as session;
use crypto::random as rand;
use crypto::{kdf, secret, xaes};
use format::records as record;
use format::{audit_batch, blob, codec, header};
use keystore::thread_keys as local;
use model::{clock, context};
use ops::{import, lifecycle};
use storage::file as store;
use storage::integrity;

pub use audit::log::{
    AuditEvent, AuditFilter, AuditLevel, AuditOptions, FLUSH_INTERVAL as AUDIT_FLUSH_INTERVAL,
    SUMMARY_INTERVAL_MS,
};
pub use crypto::kdf::KdfParams;
pub use crypto::secret::SecretBytes;
pub use error::{Error, Result};
pub use format::blob::{BLOB_VERSION, OVERHEAD as BLOB_OVERHEAD, blob_len, plaintext_len};
pub use format::header::FORMAT_VERSION;
pub use keystore::handle::{DEFAULT_MAX_KEYS, Keystore, Options};
pub use model::clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use model::context::{EncryptionContext, MAX_CONTEXT_BYTES};
pub use model::key::{
    DataKeySpec, KeyMetadata, KeySpec, KeyState, KeyUsage, MAX_DESCRIPTION_CHARS, Origin,
    RotationType,
};
pub use ops::aliases::{AliasListEntry, MAX_ALIAS_LEN, RESERVED_PREFIXES};
pub use ops::crypto::{
    DataKey, DataKeyWithoutPlaintext, Decrypted, MAX_PLAINTEXT, MAX_RANDOM_BYTES, ReEncrypted,
};
pub use ops::import::{
    ExpirationModel, IMPORT_TOKEN_LEN, KEY_MATERIAL_LEN, MAX_VALID_TO_DAYS, ParametersForImport,
    WrappingAlgorithm, WrappingKeySpec,
};
pub use ops::keys::CreateKey;
pub use ops::lifecycle::{
    AlarmCallback, AlarmEvent, DEFAULT_PENDING_WINDOW_DAYS, DEFAULT_ROTATION_PERIOD_DAYS,
    KeyRotationStatus, MAX_ON_DEMAND_ROTATIONS, PENDING_WINDOW_DAYS, ROTATION_PERIOD_DAYS,
    RotationsListEntry,
};

/// The README's examples, run as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

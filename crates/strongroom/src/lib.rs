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

// The layers, bottom up: each imports only from those above it in this list (and `error`).
// docs/ARCHITECTURE.md draws the map.
mod audit;
mod crypto;
mod error;
mod format;
mod keystore;
mod model;
mod ops;
mod rules;
mod storage;

pub use audit::log::{FLUSH_INTERVAL as AUDIT_FLUSH_INTERVAL, SUMMARY_INTERVAL_MS};
pub use audit::query::AuditEvents;
pub use crypto::kdf::KdfParams;
pub use error::{Error, Result};
pub use format::blob::{BLOB_VERSION, OVERHEAD as BLOB_OVERHEAD, blob_len, plaintext_len};
pub use format::header::FORMAT_VERSION;
pub use format::import_token::IMPORT_TOKEN_LEN;
pub use keystore::dry_run::DryRunScope;
pub use keystore::handle::Keystore;
pub use keystore::options::Options;
pub use keystore::secrets::DEFAULT_SECRETS_KEY_ALIAS;
pub use model::algorithms::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, MessageType,
    ReEncryptAlgorithms, SigningAlgorithm,
};
pub use model::alias::AliasListEntry;
pub use model::asymmetric::{
    DataKeyPair, DataKeyPairWithoutPlaintext, Encrypted, Mac, MacVerified, PublicKey, SharedSecret,
    Signed, Verified,
};
pub use model::audit::{
    AuditEvent, AuditFilter, AuditLevel, AuditOptions, DEFAULT_AUDIT_MAX_AGE_DAYS,
    DEFAULT_AUDIT_MAX_EVENTS,
};
pub use model::clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use model::context::{EncryptionContext, MAX_CONTEXT_BYTES};
pub use model::crypto_results::{DataKey, DataKeyWithoutPlaintext, Decrypted, ReEncrypted};
pub use model::grant::{
    CreateGrant, CreatedGrant, GrantConstraints, GrantListEntry, GrantOperation,
};
pub use model::iam::{
    AccessKeyCredential, AccessKeyMetadata, AccessKeyStatus, Caller, IamUser, NewAccessKey,
};
pub use model::import::{
    AWS_DEFAULT_EXPIRATION_MODEL, DEFAULT_EXPIRATION_MODEL, ExpirationModel, ImportClaims,
    ImportType, ParametersForImport, WrappingAlgorithm, WrappingKeySpec,
};
pub use model::key::{
    CreateKey, DataKeySpec, KeyManager, KeyMetadata, KeySpec, KeyState, KeyUsage, Origin,
    RotationType,
};
pub use model::key_material::{ImportState, IncludeKeyMaterial, KeyMaterialId, KeyMaterialState};
pub use model::last_use::{KeyLastUsage, LastUse};
pub use model::lifecycle::{AlarmCallback, AlarmEvent, KeyRotationStatus, RotationsListEntry};
pub use model::operation::Operation;
pub use model::page::{Page, PageRequest};
pub use model::policy::{AccessRequest, DEFAULT_POLICY_NAME, Principal, SecretAccessRequest};
pub use model::secret::{
    AWSCURRENT, AWSPENDING, AWSPREVIOUS, CreateSecret, DeletedSecret, ListSecrets, PasswordOptions,
    PolicyValidation, PolicyValidationError, SecretFilter, SecretFilterKey, SecretMetadata,
    SecretPolicyRef, SecretResourcePolicy, SecretSortBy, SecretValue, SecretValueEntry,
    SecretValueInput, SecretVersionEntry, SecretVersionRef, SecretVersionsPage, SecretsPage,
    Tag as SecretTag, UpdateSecret,
};
pub use model::secret_bytes::SecretBytes;
pub use model::tag::Tag;
pub use ops::seed::SeedKey;
pub use rules::alias_name::{ALIAS_PREFIX, MAX_ALIAS_LEN, RESERVED_PREFIXES};
pub use rules::bounds::{
    DEFAULT_AWS_ACCOUNT_ID, DEFAULT_AWS_REGION, DEFAULT_MAX_KEYS, DEFAULT_PENDING_WINDOW_DAYS,
    DEFAULT_ROTATION_PERIOD_DAYS, IMPORT_PARAMETERS_VALID_DAYS, KEY_MATERIAL_LEN,
    MAX_AWS_REGION_LEN, MAX_CALLER_LEN, MAX_DESCRIPTION_CHARS, MAX_ENCRYPTED_KEY_MATERIAL,
    MAX_KEY_MATERIAL_DESCRIPTION, MAX_KEY_REF_LEN, MAX_ON_DEMAND_ROTATIONS, MAX_PASSPHRASE_LEN,
    MAX_PLAINTEXT, MAX_RANDOM_BYTES, MAX_SEED_VERSIONS, MAX_VALID_TO_DAYS, PENDING_WINDOW_DAYS,
    ROTATION_PERIOD_DAYS,
};
pub use rules::grant::{MAX_GRANT_FIELD_LEN, MAX_GRANTS_PER_KEY};
pub use rules::iam::{
    ACCESS_KEY_ID_BOUNDS, ACCESS_KEY_ID_LEN, MAX_ACCESS_KEYS_PER_USER, MAX_USER_NAME_LEN,
    MAX_USERS, SECRET_ACCESS_KEY_LEN,
};
pub use rules::import::MAX_HMAC_IMPORT_LEN;
pub use rules::key_specs::{
    MAX_MESSAGE, MAX_PUBLIC_KEY, MAX_SIGNATURE, customer_master_key_spec, encryption_algorithms,
    key_agreement_algorithms, mac_algorithms, signing_algorithms, usages,
};
pub use rules::last_use::{RECENT_USE_DAYS, is_recent_use};
pub use rules::paging::{
    LIST_ALIASES_LIMIT, LIST_GRANTS_LIMIT, LIST_KEY_POLICIES_LIMIT, LIST_KEY_ROTATIONS_LIMIT,
    LIST_KEYS_LIMIT, LIST_RESOURCE_TAGS_LIMIT, LIST_RETIRABLE_GRANTS_LIMIT, ListLimit,
    MAX_MARKER_LEN,
};
pub use rules::policy::{MAX_POLICY_BYTES, MAX_SECRET_POLICY_CHARS, SECRET_POLICY_NAME};
pub use rules::secret_bounds::{
    CLIENT_REQUEST_TOKEN_LEN, DEFAULT_MAX_SECRETS, DEFAULT_PASSWORD_LENGTH,
    DEFAULT_RECOVERY_WINDOW_DAYS, MAX_DEPRECATED_VERSIONS, MAX_EXCLUDE_CHARACTERS,
    MAX_FILTER_VALUE_LEN, MAX_FILTER_VALUES, MAX_SECRET_DESCRIPTION_CHARS, MAX_SECRET_FILTERS,
    MAX_SECRET_ID_LEN, MAX_SECRET_NAME_LEN, MAX_SECRET_TAGS, MAX_SECRET_VALUE, MAX_STAGE_LEN,
    MAX_TAG_KEY_LEN, MAX_TAG_VALUE_LEN, MAX_VERSION_STAGES, PASSWORD_LENGTH, PASSWORD_PUNCTUATION,
    RECOVERY_WINDOW_DAYS, SECRET_MAX_RESULTS, SECRET_NAME_PUNCTUATION, secret_value,
};
pub use rules::tags::{
    MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS, MAX_TAGS_PER_KEY, RESERVED_TAG_PREFIX,
};

/// Test hook: the redb table definitions of the keystore file (docs/FORMAT.md section 4), for
/// tests that read, damage or roll back records with redb directly. Present only with the
/// `insecure-test-hooks` feature, which release builds never enable.
#[cfg(feature = "insecure-test-hooks")]
pub mod insecure_test_tables {
    pub use crate::storage::tables::{
        ALIASES, AUDIT, AUDIT_CHECKPOINT_KEY, AUDIT_HEAD_KEY, DESTROYED_KEYS, DUE, GRANTS,
        HEADER_KEY, IAM_ACCESS_KEYS, IAM_USERS, INTEGRITY_KEY, KEY_POLICIES, KEYS, LAST_USE,
        LAST_USE_SINCE_KEY, META, SECRET_DUE, SECRET_VERSIONS, SECRETS, VERSIONS, WRAPPING_KEYS,
    };
}

/// The README's examples, run as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

//! C ABI for strongroom: an embedded, offline key management service.
//!
//! Conventions (rustls-ffi's, see `docs/c-guide.md`):
//! - Every function returns an `sr_status`; `SR_STATUS_OK` (0) is success.
//! - Outputs go through out-parameters that are written only on success; each output type has a
//!   matching `_free` function, and calling it with `NULL` is a no-op.
//! - After a failure, `sr_last_error_message` gives the message for the calling thread.
//! - No panic crosses the boundary (it becomes `SR_STATUS_PANIC`), every pointer is checked, and
//!   strings must be NUL-terminated UTF-8.
//!
//! The layer only translates: every rule (bounds, states, quotas) lives in the core crate.
#![deny(missing_docs, clippy::undocumented_unsafe_blocks)]
// C names: `sr_keystore`, `sr_status`, ... (the header mirrors the Rust names).
#![allow(non_camel_case_types)]
// Exported functions take raw pointers from C and check them through `ffi.rs`; like rustls-ffi,
// they are safe `extern "C"` functions whose pointer contract is documented in the header.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod error;
mod ffi;
mod panic;

pub mod alarm;
pub mod alias;
pub mod asymmetric;
pub mod audit;
pub mod clock;
pub mod crypto;
pub mod data_key;
pub mod deletion;
pub mod grant;
pub mod import;
pub mod key;
pub mod keystore;
pub mod policy;
pub mod rotation;
pub mod secret;
pub mod status;
pub mod stream;
pub mod tag;

pub use alarm::{sr_alarm_callback, sr_alarm_event};
pub use alias::{sr_alias_list, sr_alias_list_entry};
pub use asymmetric::{sr_data_key_pair, sr_public_key};
pub use audit::{sr_audit_context_pair, sr_audit_event, sr_audit_event_list, sr_audit_filter};
pub use clock::sr_manual_clock;
pub use crypto::{sr_buffer, sr_context_pair};
pub use data_key::sr_data_key;
pub use grant::{sr_grant_list, sr_grant_list_entry};
pub use import::sr_parameters_for_import;
pub use key::{sr_key_metadata, sr_key_metadata_list};
pub use keystore::{sr_audit_level, sr_keystore, sr_options};
pub use rotation::{sr_key_rotation_status, sr_rotations_list, sr_rotations_list_entry};
pub use secret::{
    sr_deleted_secret, sr_password_options, sr_secret_filter, sr_secret_list, sr_secret_metadata,
    sr_secret_value, sr_secret_version_entry, sr_secret_version_list, sr_secret_version_ref,
    sr_secret_version_stages,
};
pub use status::sr_status;
pub use tag::{sr_key_last_usage, sr_tag, sr_tag_input, sr_tag_list};

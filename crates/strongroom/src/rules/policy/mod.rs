//! Key policies (SPEC section 13): AWS's JSON policy language, parsed ([`document`]) and
//! evaluated ([`eval`]) with its conditions ([`condition`]) and wildcards ([`glob`]). Pure: the
//! callers give the policy text, the caller and the request. docs/policies.md is the reference.

pub(crate) mod condition;
pub(crate) mod document;
pub(crate) mod eval;
pub(crate) mod glob;
pub(crate) mod secret;

pub use document::MAX_POLICY_BYTES;
pub(crate) use document::{Policy, check_length, default_policy};
pub(crate) use eval::{Decision, Facts};
pub use secret::{MAX_SECRET_POLICY_CHARS, SECRET_POLICY_NAME};

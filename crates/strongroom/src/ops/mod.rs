//! The public operations: only `impl Keystore` blocks, one file per SPEC section. Each method
//! runs through `Keystore::logged` (the audited call), checks its arguments with `rules/`, and
//! changes keys through `keystore::commit`.

pub(crate) mod aliases;
pub(crate) mod asymmetric;
pub(crate) mod audit;
pub(crate) mod crypto;
pub(crate) mod deletion;
pub(crate) mod grants;
pub(crate) mod iam;
pub(crate) mod import;
pub(crate) mod keys;
pub(crate) mod keystore_file;
pub(crate) mod mac;
pub(crate) mod policy;
pub(crate) mod rotation;
pub(crate) mod secret_access;
pub(crate) mod secret_policy;
pub(crate) mod secrets;
pub(crate) mod seed;
pub(crate) mod sign;
pub(crate) mod tags;

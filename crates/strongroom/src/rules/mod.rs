//! The rules of SPEC sections 3 to 7 and 13 as pure functions over the model: the state table,
//! every bound and default, alias names, key policies. Nothing here reads the file, the clock or
//! a key's material; each rule is unit-tested beside it.

pub(crate) mod alias_name;
pub(crate) mod bounds;
pub(crate) mod grant;
pub(crate) mod iam;
pub(crate) mod import;
pub(crate) mod key_specs;
pub(crate) mod last_use;
pub(crate) mod paging;
pub(crate) mod policy;
pub(crate) mod secret_bounds;
pub(crate) mod state;
pub(crate) mod tags;

//! The rules of SPEC sections 3 to 7 as pure functions over the model: the state table, every
//! bound and default, alias names. Nothing here reads the file, the clock or a key's material;
//! each rule is unit-tested beside it.

pub(crate) mod alias_name;
pub(crate) mod bounds;
pub(crate) mod iam;
pub(crate) mod key_specs;
pub(crate) mod last_use;
pub(crate) mod paging;
pub(crate) mod secret_bounds;
pub(crate) mod state;
pub(crate) mod tags;

pub(crate) mod aliases;
pub(crate) mod crypto;
pub(crate) mod import;
pub(crate) mod keys;
pub(crate) mod lifecycle;

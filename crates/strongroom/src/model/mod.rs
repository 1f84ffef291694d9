//! Public types: what the operations take and return, the key model, time, the encryption
//! context, the audited operations. The bottom layer: it imports nothing of the core but `error`.

pub(crate) mod algorithms;
pub(crate) mod alias;
pub(crate) mod asymmetric;
pub(crate) mod audit;
pub(crate) mod clock;
pub(crate) mod context;
pub(crate) mod crypto_results;
pub(crate) mod grant;
pub(crate) mod iam;
pub(crate) mod import;
pub(crate) mod key;
pub(crate) mod key_material;
pub(crate) mod last_use;
pub(crate) mod lifecycle;
pub(crate) mod names;
pub(crate) mod operation;
pub(crate) mod page;
pub(crate) mod policy;
pub(crate) mod secret;
pub(crate) mod secret_bytes;
pub(crate) mod tag;

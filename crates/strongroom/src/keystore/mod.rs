//! The keystore handle and what every operation runs through: the handle itself (file, root key,
//! caches, the audited call, transactions), the caches of unsealed keys and aliases (shared and
//! per thread), of keys' policies and grants and of secrets, key references, a key's checked use,
//! the commit of a key change, dry runs, and due work.
//! Public methods live in `ops/`.

pub(crate) mod access;
pub(crate) mod commit;
pub(crate) mod dry_run;
pub(crate) mod handle;
pub(crate) mod iam_cache;
pub(crate) mod iam_state;
pub(crate) mod key_access;
pub(crate) mod key_cache;
pub(crate) mod key_ref;
pub(crate) mod key_use;
pub(crate) mod maintenance;
pub(crate) mod options;
pub(crate) mod secret_cache;
pub(crate) mod secrets;
pub(crate) mod thread_keys;
pub(crate) mod unsealed;

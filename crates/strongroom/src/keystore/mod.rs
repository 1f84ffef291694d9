pub(crate) mod handle;
pub(crate) mod thread_keys;
pub(crate) use handle::*;

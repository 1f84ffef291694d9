pub(crate) mod clock;
pub(crate) mod context;
pub(crate) mod key;
pub(crate) use key::*;

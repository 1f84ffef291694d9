pub(crate) mod log;
pub(crate) mod writer;
pub(crate) use log::*;

pub(crate) mod audit_batch;
pub(crate) mod blob;
pub(crate) mod codec;
pub(crate) mod header;
pub(crate) mod records;

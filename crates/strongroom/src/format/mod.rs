//! The byte formats of docs/FORMAT.md, one file per section: the field codec, the ciphertext blob,
//! associated data and the encryption context's encoding, the keystore header, sealed records,
//! the import token, the audit batch, key policies and grants. Parsers never panic: anything malformed is an error.

pub(crate) mod access;
pub(crate) mod audit_batch;
pub(crate) mod blob;
pub(crate) mod codec;
pub(crate) mod context;
pub(crate) mod header;
pub(crate) mod iam_records;
pub(crate) mod import_token;
pub(crate) mod records;
pub(crate) mod secret_records;

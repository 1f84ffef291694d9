pub(crate) mod kdf;
pub(crate) mod nonce_session;
pub(crate) mod random;
pub(crate) mod secret;
pub(crate) mod xaes;

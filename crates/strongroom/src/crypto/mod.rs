//! The cryptographic primitives, over bytes and model types only: XAES-256-GCM, nonce sessions
//! and the fork detection they rest on, the passphrase KDF, sub-keys, the OS random generator,
//! secret keys, the unwrapping of imported key material. Nothing here knows the keystore, its
//! file or its formats.

pub(crate) mod asymmetric;
pub(crate) mod fork;
pub(crate) mod hmac;
pub(crate) mod kdf;
pub(crate) mod key_wrap;
pub(crate) mod nonce_session;
pub(crate) mod random;
pub(crate) mod secret;
pub(crate) mod subkey;
pub(crate) mod xaes;

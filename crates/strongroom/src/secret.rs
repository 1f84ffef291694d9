//! Containers for secret bytes: zeroized on drop, allocated once at their final size, and never
//! shown by `Debug`.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Secret bytes returned to the caller: a decrypted plaintext or a data key's plaintext.
///
/// The buffer is zeroized when dropped and `Debug` prints only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of a buffer that already holds the secret (no copy, no reallocation).
    pub(crate) fn from_vec(v: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(v))
    }

    /// A buffer of `len` zero bytes filled in place by `fill`.
    pub(crate) fn init_with(len: usize, fill: impl FnOnce(&mut [u8])) -> Self {
        let mut v = Zeroizing::new(vec![0u8; len]);
        fill(&mut v);
        SecretBytes(v)
    }

    /// The secret bytes. Copying them out makes the copy the caller's to protect.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AsRef<[u8]> for SecretBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes, redacted)", self.0.len())
    }
}

/// A 256-bit key held in a fixed heap box that is zeroized on drop.
pub(crate) struct Key256(Box<[u8; 32]>);

impl Key256 {
    /// Builds the key in place: `fill` writes the final bytes, no stack copy survives.
    pub(crate) fn init_with(fill: impl FnOnce(&mut [u8; 32])) -> Self {
        let mut k = Key256(Box::new([0u8; 32]));
        fill(&mut k.0);
        k
    }

    /// A fresh key from the OS generator.
    pub(crate) fn random() -> crate::Result<Self> {
        let mut err = None;
        let k = Key256::init_with(|b| err = crate::rand::fill(b).err());
        match err {
            Some(e) => Err(e),
            None => Ok(k),
        }
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for Key256 {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Key256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key256(redacted)")
    }
}

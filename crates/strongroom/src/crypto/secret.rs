//! Containers for secret bytes: zeroized on drop, allocated once at their final size, and never
//! shown by `Debug`.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Secret bytes returned to the caller: a decrypted plaintext or a data key's plaintext.
///
/// The buffer is zeroized when dropped and `Debug` prints only its length.
#[derive(Clone)]
pub struct SecretBytes {
    /// Held as 64-bit words: zeroizing them takes an eighth of the volatile stores that bytes
    /// would (a 4 KiB plaintext: 0.1 instead of about 1 microsecond).
    words: Zeroizing<Vec<u64>>,
    len: usize,
}

impl SecretBytes {
    /// A buffer of `len` zero bytes.
    pub(crate) fn zeroed(len: usize) -> Self {
        SecretBytes {
            words: Zeroizing::new(vec![0u64; len.div_ceil(8)]),
            len,
        }
    }

    /// A buffer of `len` zero bytes filled in place by `fill`.
    pub(crate) fn init_with(len: usize, fill: impl FnOnce(&mut [u8])) -> Self {
        let mut s = Self::zeroed(len);
        fill(s.as_mut_bytes());
        s
    }

    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut bytemuck::cast_slice_mut(self.words.as_mut_slice())[..self.len]
    }

    /// The secret bytes. Copying them out makes the copy the caller's to protect.
    pub fn as_bytes(&self) -> &[u8] {
        &bytemuck::cast_slice(self.words.as_slice())[..self.len]
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SecretBytes {}

impl AsRef<[u8]> for SecretBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes, redacted)", self.len)
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

//! A 256-bit key the core keeps to itself: built in place, zeroized on drop, never shown by
//! `Debug`.

use std::fmt;
use zeroize::Zeroize;

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
        let k = Key256::init_with(|b| err = crate::crypto::random::fill(b).err());
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

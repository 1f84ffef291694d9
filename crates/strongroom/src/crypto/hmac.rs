//! HMAC keys (SPEC section 11) over RustCrypto's `hmac` and `sha2`: the key made once from its
//! material (the inner and outer hash states after the padded key), MACs, and the constant-time
//! comparison `VerifyMac` needs.
//!
//! Not AWS-LC, as the other key types use: its HMAC API copies and clears a whole `HMAC_CTX`
//! (about 700 bytes) per call, which made it half of a 32-byte MAC; these states are a few dozen
//! bytes, cloned per call, and SHA-256 runs on the CPU's SHA extensions where it has them
//! (docs/PERFORMANCE.md). Both states are zeroized when the key is dropped (`zeroize` feature).

use crate::model::algorithms::MacAlgorithm;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha224, Sha256, Sha384, Sha512};

/// An HMAC key of one algorithm.
pub(crate) enum HmacKey {
    Sha224(Hmac<Sha224>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

/// `$f(state)` on a fresh copy of the keyed state of `$key`, whatever its hash.
macro_rules! keyed {
    ($key:expr, $f:ident($($arg:expr),*)) => {
        match $key {
            HmacKey::Sha224(h) => $f(h.clone(), $($arg),*),
            HmacKey::Sha256(h) => $f(h.clone(), $($arg),*),
            HmacKey::Sha384(h) => $f(h.clone(), $($arg),*),
            HmacKey::Sha512(h) => $f(h.clone(), $($arg),*),
        }
    };
}

fn mac<M: Mac>(mut h: M, message: &[u8]) -> Vec<u8> {
    h.update(message);
    h.finalize().into_bytes().to_vec()
}

fn verify<M: Mac>(mut h: M, message: &[u8], tag: &[u8]) -> bool {
    h.update(message);
    h.verify_slice(tag).is_ok()
}

impl HmacKey {
    /// The key of `alg` with `material`.
    pub(crate) fn new(alg: MacAlgorithm, material: &[u8]) -> Self {
        fn keyed<M: KeyInit>(material: &[u8]) -> M {
            // HMAC takes keys of any length (longer ones are hashed first).
            M::new_from_slice(material).unwrap_or_else(|_| unreachable!("HMAC key of any length"))
        }
        match alg {
            MacAlgorithm::HmacSha224 => HmacKey::Sha224(keyed(material)),
            MacAlgorithm::HmacSha256 => HmacKey::Sha256(keyed(material)),
            MacAlgorithm::HmacSha384 => HmacKey::Sha384(keyed(material)),
            MacAlgorithm::HmacSha512 => HmacKey::Sha512(keyed(material)),
        }
    }

    /// The key's algorithm.
    pub(crate) fn algorithm(&self) -> MacAlgorithm {
        match self {
            HmacKey::Sha224(_) => MacAlgorithm::HmacSha224,
            HmacKey::Sha256(_) => MacAlgorithm::HmacSha256,
            HmacKey::Sha384(_) => MacAlgorithm::HmacSha384,
            HmacKey::Sha512(_) => MacAlgorithm::HmacSha512,
        }
    }

    /// The MAC of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> Vec<u8> {
        keyed!(self, mac(message))
    }

    /// Whether `mac` is the MAC of `message` (whole, not truncated), compared in constant time.
    pub(crate) fn verify(&self, message: &[u8], mac: &[u8]) -> bool {
        keyed!(self, verify(message, mac))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let msg = b"what do ya want for nothing?";
        let k = HmacKey::new(MacAlgorithm::HmacSha256, b"Jefe");
        let mac = k.mac(msg);
        assert_eq!(
            mac[..4],
            [0x5b, 0xdc, 0xc1, 0x46],
            "HMAC-SHA-256 of RFC 4231 case 2"
        );
        assert!(k.verify(msg, &mac));
        let mut bad = mac.clone();
        bad[31] ^= 1;
        assert!(!k.verify(msg, &bad));
        assert!(!k.verify(msg, &mac[..31]));
        let k224 = HmacKey::new(MacAlgorithm::HmacSha224, b"Jefe");
        assert_eq!(k224.mac(msg)[..4], [0xa3, 0x0e, 0x01, 0x09]);
        assert_eq!(k224.mac(msg).len(), 28);
    }
}

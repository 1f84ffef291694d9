//! HMAC keys (SPEC section 11) over AWS-LC: the key made once from its material, MACs, and the
//! constant-time comparison `VerifyMac` needs.

use crate::model::algorithms::MacAlgorithm;
use aws_lc_rs::hmac;

/// An HMAC key of one algorithm. AWS-LC holds the key (and clears it when freed).
pub(crate) struct HmacKey {
    alg: MacAlgorithm,
    key: hmac::Key,
}

fn lib_alg(alg: MacAlgorithm) -> hmac::Algorithm {
    match alg {
        MacAlgorithm::HmacSha224 => hmac::HMAC_SHA224,
        MacAlgorithm::HmacSha256 => hmac::HMAC_SHA256,
        MacAlgorithm::HmacSha384 => hmac::HMAC_SHA384,
        MacAlgorithm::HmacSha512 => hmac::HMAC_SHA512,
    }
}

impl HmacKey {
    /// The key of `alg` with `material`.
    pub(crate) fn new(alg: MacAlgorithm, material: &[u8]) -> Self {
        HmacKey {
            alg,
            key: hmac::Key::new(lib_alg(alg), material),
        }
    }

    /// The key's algorithm.
    pub(crate) fn algorithm(&self) -> MacAlgorithm {
        self.alg
    }

    /// The MAC of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> Vec<u8> {
        hmac::sign(&self.key, message).as_ref().to_vec()
    }

    /// Whether `mac` is the MAC of `message`, compared in constant time.
    pub(crate) fn verify(&self, message: &[u8], mac: &[u8]) -> bool {
        hmac::verify(&self.key, message, mac).is_ok()
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

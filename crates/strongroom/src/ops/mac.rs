//! HMAC keys (SPEC section 11): `GenerateMac` and `VerifyMac`.

use crate::keystore::handle::Keystore;
use crate::model::algorithms::MacAlgorithm;
use crate::model::asymmetric::{Mac, MacVerified};
use crate::model::key::KeyUsage;
use crate::model::operation::Operation;
use crate::ops::crypto::used_at;
use crate::ops::sign::hmac;
use crate::rules::key_specs::{check_mac, check_signature_len};
use crate::{Error, Result};

impl Keystore {
    /// The HMAC of a 1 to 4096-byte `message` under a `GENERATE_VERIFY_MAC` key with its own
    /// algorithm (AWS KMS `GenerateMac`); another algorithm is `InvalidKeyUsage`.
    pub fn generate_mac(
        &self,
        key_id: &str,
        message: &[u8],
        mac_algorithm: MacAlgorithm,
    ) -> Result<Mac> {
        self.logged(Operation::GenerateMac, Some(key_id), None, |s| {
            let k = self.usable(
                key_id,
                KeyUsage::GenerateVerifyMac,
                Operation::GenerateMac,
                s,
            )?;
            check_mac(
                k.id,
                k.rec.key_spec,
                k.rec.key_usage,
                mac_algorithm,
                message.len(),
            )?;
            let mac = hmac(&k)?.mac(message);
            self.note_use(&k, Operation::GenerateMac, used_at(s))?;
            Ok(Mac {
                key_id: k.arn.clone(),
                mac,
                mac_algorithm,
            })
        })
    }

    /// Checks `mac` against the HMAC of `message` in constant time (AWS KMS `VerifyMac`): a MAC
    /// that does not match fails with `KMSInvalidMac`, never "false".
    pub fn verify_mac(
        &self,
        key_id: &str,
        message: &[u8],
        mac_algorithm: MacAlgorithm,
        mac: &[u8],
    ) -> Result<MacVerified> {
        self.logged(Operation::VerifyMac, Some(key_id), None, |s| {
            check_signature_len(mac.len())?;
            let k = self.usable(key_id, KeyUsage::GenerateVerifyMac, Operation::VerifyMac, s)?;
            check_mac(
                k.id,
                k.rec.key_spec,
                k.rec.key_usage,
                mac_algorithm,
                message.len(),
            )?;
            let h = hmac(&k)?;
            debug_assert_eq!(h.algorithm(), mac_algorithm);
            if !h.verify(message, mac) {
                return Err(Error::KmsInvalidMac(format!(
                    "the MAC is not the {mac_algorithm} of this message under key {}",
                    uuid::Uuid::from_u128(k.id)
                )));
            }
            self.note_use(&k, Operation::VerifyMac, used_at(s))?;
            Ok(MacVerified {
                key_id: k.arn.clone(),
                mac_valid: true,
                mac_algorithm,
            })
        })
    }
}

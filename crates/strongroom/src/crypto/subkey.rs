//! Sub-keys: purpose-specific keys derived from the root key (docs/FORMAT.md section 6).

use crate::crypto::secret::Key256;
use ring::hkdf;

/// The `info` of the sub-key that seals records.
pub(crate) const RECORD_INFO: &[u8] = b"strongroom record key v1";
/// The `info` of the sub-key that authenticates the audit trail.
pub(crate) const AUDIT_INFO: &[u8] = b"strongroom audit key v1";
/// The `info` of the sub-key of the keystore-wide commitment.
pub(crate) const INTEGRITY_INFO: &[u8] = b"strongroom integrity key v1";
/// The `info` of the sub-key that authenticates import tokens.
pub(crate) const IMPORT_TOKEN_INFO: &[u8] = b"strongroom import token key v1";
/// The `info` of the sub-key of imported material commitments.
pub(crate) const MATERIAL_COMMITMENT_INFO: &[u8] = b"strongroom key material commitment v1";

/// Derives a purpose-specific 256-bit key from the root key (HKDF-SHA-256, salt = keystore id).
pub(crate) fn subkey(root: &Key256, keystore_id: u128, info: &[u8]) -> Key256 {
    struct Len32;
    impl hkdf::KeyType for Len32 {
        fn len(&self) -> usize {
            32
        }
    }
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &keystore_id.to_be_bytes()).extract(root.bytes());
    let info = [info];
    let okm = prk
        .expand(&info, Len32)
        .expect("32 bytes is within HKDF's limit");
    Key256::init_with(|k| okm.fill(k).expect("length matches"))
}

/// The HMAC-SHA-256 key of sub-key `info`.
pub(crate) fn hmac_key(root: &Key256, keystore_id: u128, info: &[u8]) -> ring::hmac::Key {
    ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        subkey(root, keystore_id, info).bytes(),
    )
}

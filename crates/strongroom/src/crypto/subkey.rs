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

/// The `info` of the sub-key of key material ids.
pub(crate) const MATERIAL_ID_INFO: &[u8] = b"strongroom key material id v1";
/// The `info` of the sub-key that maps a secret's name to its id (docs/FORMAT.md section 13).
pub(crate) const SECRET_NAME_INFO: &[u8] = b"strongroom secret name v1";

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
pub(crate) fn hmac_key(root: &Key256, keystore_id: u128, info: &[u8]) -> HmacKey {
    HmacKey(subkey(root, keystore_id, info))
}

/// An HMAC-SHA-256 key kept as its raw bytes in a [`Key256`] (zeroized on drop). ring's
/// `hmac::Key` holds the expanded inner and outer states, which are as good as the key and which
/// ring never wipes, so one is built on the stack for each use (two SHA-256 block compressions,
/// a fraction of a microsecond; every use is on a commit or an import, never on the crypto path)
/// and dropped at once.
pub(crate) struct HmacKey(Key256);

impl HmacKey {
    fn ring_key(&self) -> ring::hmac::Key {
        ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.0.bytes())
    }

    /// HMAC-SHA-256 of the concatenation of `parts`.
    pub(crate) fn sign(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut ctx = self.context();
        for p in parts {
            ctx.update(p);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// A running HMAC-SHA-256 under this key (as good as the key: drop it as soon as signed).
    pub(crate) fn context(&self) -> ring::hmac::Context {
        ring::hmac::Context::with_key(&self.ring_key())
    }

    /// The key of these raw bytes (tests).
    #[cfg(test)]
    pub(crate) fn from_bytes(b: [u8; 32]) -> Self {
        HmacKey(Key256::init_with(|k| *k = b))
    }

    /// Whether `tag` is the HMAC-SHA-256 of `data` (compared in constant time).
    pub(crate) fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        ring::hmac::verify(&self.ring_key(), data, tag).is_ok()
    }
}

//! The keystore header: format version, keystore id, Argon2id parameters and salt, and the root
//! key wrapped under the passphrase-derived key (docs/FORMAT.md section 5).

use crate::crypto::kdf::KdfParams;
use crate::crypto::random;
use crate::crypto::secret::Key256;
use crate::crypto::xaes::{NONCE_LEN, TAG_LEN, XaesKey};
use crate::format::codec::{Reader, Writer};
use crate::{Error, Result};
use ring::digest::{SHA256, digest};

/// First bytes of every header.
pub(crate) const MAGIC: &[u8; 8] = b"SRKSTORE";
/// The keystore format version this release writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const KDF_ARGON2ID: u8 = 1;
/// Length of the authenticated prefix (magic .. salt).
const BOUND_LEN: usize = 8 + 2 + 16 + 1 + 12 + 32;
/// Total header length.
pub(crate) const KEYSTORE_HEADER_LEN: usize = BOUND_LEN + NONCE_LEN + 32 + TAG_LEN + 32;

/// A parsed header.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub keystore_id: u128,
    pub kdf: KdfParams,
    pub salt: [u8; 32],
    pub nonce: [u8; NONCE_LEN],
    pub wrapped_root: [u8; 32 + TAG_LEN],
}

impl Header {
    /// Wraps `root` under `passphrase` with fresh salt and nonce.
    pub fn seal(
        keystore_id: u128,
        kdf: KdfParams,
        passphrase: &[u8],
        root: &Key256,
    ) -> Result<Self> {
        let mut h = Header {
            keystore_id,
            kdf,
            salt: random::array()?,
            nonce: random::array()?,
            wrapped_root: [0; 32 + TAG_LEN],
        };
        let kek = kdf.derive(passphrase, &h.salt)?;
        h.wrapped_root[..32].copy_from_slice(root.bytes());
        let tag = XaesKey::new(kek.bytes()).seal(&h.nonce, &h.bound(), &mut h.wrapped_root[..32]);
        h.wrapped_root[32..].copy_from_slice(tag.as_ref());
        Ok(h)
    }

    /// Unwraps the root key; a wrong passphrase (or a tampered header) is `AuthenticationFailed`.
    pub fn unwrap_root(&self, passphrase: &[u8]) -> Result<Key256> {
        let kek = self.kdf.derive(passphrase, &self.salt)?;
        let mut buf = zeroize::Zeroizing::new(self.wrapped_root);
        let ok = XaesKey::new(kek.bytes())
            .open(&self.nonce, &self.bound(), &mut buf[..])
            .is_some();
        if !ok {
            return Err(Error::AuthenticationFailed(
                "the passphrase is wrong; nothing was changed. Check it and try again".into(),
            ));
        }
        Ok(Key256::init_with(|k| k.copy_from_slice(&buf[..32])))
    }

    fn bound(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(MAGIC)
            .u16(FORMAT_VERSION)
            .bytes(&self.keystore_id.to_be_bytes())
            .u8(KDF_ARGON2ID)
            .u32(self.kdf.m_cost_kib)
            .u32(self.kdf.t_cost)
            .u32(self.kdf.p_cost)
            .bytes(&self.salt);
        w.0
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(self.bound());
        w.bytes(&self.nonce).bytes(&self.wrapped_root);
        let sum = digest(&SHA256, &w.0);
        w.bytes(sum.as_ref());
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "the keystore header");
        if r.take(8)? != MAGIC {
            return Err(Error::Corrupt(
                "the file is not a strongroom keystore (no keystore header)".into(),
            ));
        }
        let version = r.u16()?;
        if version != FORMAT_VERSION {
            return Err(Error::Corrupt(format!(
                "the keystore has format version {version}, which this release (format {FORMAT_VERSION}) \
                 does not read; use a matching strongroom release"
            )));
        }
        if bytes.len() != KEYSTORE_HEADER_LEN {
            return Err(r.corrupt("it has the wrong length"));
        }
        let sum = digest(&SHA256, &bytes[..KEYSTORE_HEADER_LEN - 32]);
        if sum.as_ref() != &bytes[KEYSTORE_HEADER_LEN - 32..] {
            return Err(r.corrupt("its checksum does not match (damaged)"));
        }
        let keystore_id = u128::from_be_bytes(r.array()?);
        if r.u8()? != KDF_ARGON2ID {
            return Err(r.corrupt("unknown KDF"));
        }
        let kdf = KdfParams {
            m_cost_kib: r.u32()?,
            t_cost: r.u32()?,
            p_cost: r.u32()?,
        };
        let h = Header {
            keystore_id,
            kdf,
            salt: r.array()?,
            nonce: r.array()?,
            wrapped_root: r.array()?,
        };
        let _checksum: [u8; 32] = r.array()?;
        r.finish()?;
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_checks() {
        let root = Key256::init_with(|k| k.fill(1));
        let kdf = KdfParams::INSECURE_FAST_FOR_TESTS;
        let h = Header::seal(42, kdf, b"pw", &root).unwrap();
        let bytes = h.encode();
        assert_eq!(bytes.len(), KEYSTORE_HEADER_LEN);
        let back = Header::decode(&bytes).unwrap();
        assert_eq!(back.unwrap_root(b"pw").unwrap().bytes(), root.bytes());
        assert!(matches!(
            back.unwrap_root(b"px"),
            Err(Error::AuthenticationFailed(_))
        ));
        for i in 0..bytes.len() {
            let mut t = bytes.clone();
            t[i] ^= 0x10;
            assert!(
                matches!(Header::decode(&t), Err(Error::Corrupt(_))),
                "byte {i}"
            );
        }
        assert!(Header::decode(&bytes[..bytes.len() - 1]).is_err());
    }
}

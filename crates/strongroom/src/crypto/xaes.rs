//! XAES-256-GCM (C2SP): AES-256-GCM with a 192-bit nonce and a per-nonce derived key.
//!
//! For a 256-bit key `K` and a 24-byte nonce `N`:
//! `L = AES-256_K(0^128)`, `K1 = L << 1` (xor `0x87` into the last byte when the top bit of `L`
//! was set), `M1 = 00 01 58 00 || N[0..12]`, `M2 = 00 02 58 00 || N[0..12]`,
//! `Kx = AES-256_K(M1 ^ K1) || AES-256_K(M2 ^ K1)`, and the message is sealed with
//! AES-256-GCM under `Kx` with the 96-bit nonce `N[12..24]`. The derived key depends only on the
//! first 12 nonce bytes, which [`crate::crypto::nonce_session`] uses to derive it once per nonce session.

use aes::Aes256;
use aes::cipher::{BlockEncrypt, KeyInit};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, Tag, UnboundKey};
use zeroize::{Zeroize, Zeroizing};

/// Nonce length of XAES-256-GCM.
pub const NONCE_LEN: usize = 24;
/// Authentication tag length.
pub const TAG_LEN: usize = 16;

/// An XAES-256-GCM key: the AES-256 key schedule and the derived `K1`, both wiped on drop.
pub(crate) struct XaesKey {
    cipher: Aes256,
    k1: Zeroizing<[u8; 16]>,
}

impl XaesKey {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let cipher = Aes256::new(key.into());
        let mut l = aes::Block::default();
        cipher.encrypt_block(&mut l);
        let mut k1 = Zeroizing::new([0u8; 16]);
        let msb = l[0] >> 7;
        for i in 0..16 {
            let next = if i < 15 { l[i + 1] >> 7 } else { 0 };
            k1[i] = (l[i] << 1) | next;
        }
        k1[15] ^= 0x87 * msb;
        l.zeroize();
        XaesKey { cipher, k1 }
    }

    /// The AES-256-GCM key for nonces starting with `prefix` (`N[0..12]`).
    pub(crate) fn derive(&self, prefix: &[u8; 12]) -> LessSafeKey {
        let mut blocks = [aes::Block::default(), aes::Block::default()];
        for (i, block) in blocks.iter_mut().enumerate() {
            block[1] = i as u8 + 1;
            block[2] = b'X';
            block[4..].copy_from_slice(prefix);
            for (b, k) in block.iter_mut().zip(self.k1.iter()) {
                *b ^= k;
            }
        }
        self.cipher.encrypt_blocks(&mut blocks);
        let mut kx = Zeroizing::new([0u8; 32]);
        kx[..16].copy_from_slice(&blocks[0]);
        kx[16..].copy_from_slice(&blocks[1]);
        blocks.iter_mut().for_each(|b| b.zeroize());
        // AES_256_GCM accepts any 32-byte key.
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &kx[..]).expect("32-byte AES-256 key"))
    }

    /// Seals `in_out` in place under a caller-chosen nonce (records and test vectors; messages use
    /// [`crate::crypto::nonce_session::seal`]).
    pub(crate) fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], in_out: &mut [u8]) -> Tag {
        let (prefix, gcm_nonce) = split(nonce);
        seal_with(&self.derive(prefix), gcm_nonce, aad, in_out)
    }

    /// Opens `ciphertext || tag` in place; returns the plaintext part, or `None` if it does not
    /// authenticate.
    pub(crate) fn open<'a>(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &'a mut [u8],
    ) -> Option<&'a mut [u8]> {
        let at = in_out.len().checked_sub(TAG_LEN)?;
        let (ciphertext, tag) = in_out.split_at_mut(at);
        let tag: &[u8; TAG_LEN] = (&*tag).try_into().expect("16");
        self.open_detached(nonce, aad, ciphertext, tag)
            .then_some(ciphertext)
    }

    /// Opens `ciphertext` in place against a separate `tag`; `false` if it does not authenticate
    /// (the contents of `ciphertext` are then unspecified).
    pub(crate) fn open_detached(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ciphertext: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> bool {
        let (prefix, gcm_nonce) = split(nonce);
        open_with(&self.derive(prefix), gcm_nonce, aad, ciphertext, tag)
    }
}

pub(crate) fn split(nonce: &[u8; NONCE_LEN]) -> (&[u8; 12], &[u8; 12]) {
    let (a, b) = nonce.split_at(12);
    (a.try_into().expect("12"), b.try_into().expect("12"))
}

pub(crate) fn seal_with(key: &LessSafeKey, nonce: &[u8; 12], aad: &[u8], in_out: &mut [u8]) -> Tag {
    key.seal_in_place_separate_tag(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), in_out)
        // ring fails only for inputs over GCM's 64 GiB limit; strongroom's inputs are bounded far below.
        .expect("input within AES-GCM limits")
}

/// Opens `ciphertext` in place against `tag`; `false` if it does not authenticate.
pub(crate) fn open_with(
    key: &LessSafeKey,
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> bool {
    key.open_in_place_separate_tag(
        Nonce::assume_unique_for_key(*nonce),
        Aad::from(aad),
        Tag::from(*tag),
        ciphertext,
        0..,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha3::digest::{ExtendableOutput, Update, XofReader};

    fn seal_vec(key: &[u8; 32], nonce: &[u8; 24], pt: &[u8], aad: &[u8]) -> Vec<u8> {
        let k = XaesKey::new(key);
        let mut buf = pt.to_vec();
        let tag = k.seal(nonce, aad, &mut buf);
        buf.extend_from_slice(tag.as_ref());
        let mut check = buf.clone();
        assert_eq!(k.open(nonce, aad, &mut check).expect("opens"), pt);
        buf
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn c2sp_vectors() {
        let n = b"ABCDEFGHIJKLMNOPQRSTUVWX";
        assert_eq!(
            seal_vec(&[1; 32], n, b"XAES-256-GCM", b""),
            unhex("ce546ef63c9cc60765923609b33a9a1974e96e52daf2fcf7075e2271")
        );
        assert_eq!(
            seal_vec(&[3; 32], n, b"XAES-256-GCM", b"c2sp.org/XAES-256-GCM"),
            unhex("986ec1832593df5443a179437fd083bf3fdb41abd740a21f71eb769d")
        );
    }

    /// C2SP's accumulated test: 10,000 random inputs drawn from SHAKE-128, every ciphertext hashed.
    #[test]
    fn c2sp_accumulated_10k() {
        let mut s = sha3::Shake128::default().finalize_xof();
        let mut d = sha3::Shake128::default();
        for _ in 0..10_000 {
            let mut key = [0u8; 32];
            let mut nonce = [0u8; 24];
            let mut len = [0u8; 1];
            s.read(&mut key);
            s.read(&mut nonce);
            s.read(&mut len);
            let mut pt = vec![0u8; len[0] as usize];
            s.read(&mut pt);
            s.read(&mut len);
            let mut aad = vec![0u8; len[0] as usize];
            s.read(&mut aad);
            d.update(&seal_vec(&key, &nonce, &pt, &aad));
        }
        let mut out = [0u8; 32];
        d.finalize_xof().read(&mut out);
        assert_eq!(
            out.to_vec(),
            unhex("e6b9edf2df6cec60c8cbd864e2211b597fb69a529160cd040d56c0c210081939")
        );
    }

    #[test]
    fn tampering_fails() {
        let k = XaesKey::new(&[9; 32]);
        let n = [7u8; 24];
        let mut buf = b"hello".to_vec();
        let tag = k.seal(&n, b"ad", &mut buf);
        buf.extend_from_slice(tag.as_ref());
        for i in 0..buf.len() {
            let mut t = buf.clone();
            t[i] ^= 1;
            assert!(k.open(&n, b"ad", &mut t).is_none());
        }
        let mut t = buf.clone();
        assert!(k.open(&n, b"ae", &mut t).is_none());
        let mut n2 = n;
        n2[0] ^= 1;
        let mut t = buf.clone();
        assert!(k.open(&n2, b"ad", &mut t).is_none());
    }
}

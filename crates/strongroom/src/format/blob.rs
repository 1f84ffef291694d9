//! The ciphertext blob: a self-describing, versioned byte string (docs/FORMAT.md).
//!
//! ```text
//! offset  size  field
//! 0       1     format version, 0x01
//! 1       16    key id (UUID, RFC 9562 byte order)
//! 17      4     backing-key version, u32 little-endian, from 1
//! 21      24    XAES-256-GCM nonce
//! 45      n     ciphertext
//! 45+n    16    tag
//! ```
//! The associated data is the 21-byte header followed by the canonical encryption context.

use crate::crypto::xaes::{NONCE_LEN, TAG_LEN};
use crate::rules::bounds::MAX_PLAINTEXT;
use crate::{Error, Result};

/// Blob format version written by this release.
pub const BLOB_VERSION: u8 = 1;
/// Bytes before the nonce: version, key id, key version.
pub const BLOB_HEADER_LEN: usize = 1 + 16 + 4;
/// Bytes a blob adds to its plaintext.
pub const OVERHEAD: usize = BLOB_HEADER_LEN + NONCE_LEN + TAG_LEN;

/// The size of the output buffer `encrypt_into` needs for a plaintext of `plaintext_len` bytes.
/// A plaintext over `MAX_PLAINTEXT` counts as `MAX_PLAINTEXT`: it is refused before anything is
/// written, so the buffer never needs to be larger.
pub const fn blob_len(plaintext_len: usize) -> usize {
    min(plaintext_len, MAX_PLAINTEXT) + OVERHEAD
}

/// The size of the output buffer `decrypt_into` needs for a blob of `blob_len` bytes: its
/// plaintext's length, 0 for a blob too short, and at most `MAX_PLAINTEXT` (a longer blob is
/// refused before anything is written).
pub const fn plaintext_len(blob_len: usize) -> usize {
    min(blob_len.saturating_sub(OVERHEAD), MAX_PLAINTEXT)
}

const fn min(a: usize, b: usize) -> usize {
    if a < b { a } else { b }
}

/// A parsed blob, borrowing the caller's bytes.
pub(crate) struct Blob<'a> {
    pub header: &'a [u8],
    pub key_id: u128,
    pub version: u32,
    pub nonce: &'a [u8; NONCE_LEN],
    pub ciphertext: &'a [u8],
    pub tag: &'a [u8; TAG_LEN],
}

impl<'a> Blob<'a> {
    /// Parses a blob (its key and version are the call's subject for the audit trail).
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() < OVERHEAD {
            return Err(invalid(
                "it is too short to be a strongroom ciphertext blob",
            ));
        }
        if bytes.len() > OVERHEAD + MAX_PLAINTEXT {
            return Err(invalid("it is longer than any strongroom ciphertext blob"));
        }
        if bytes[0] != BLOB_VERSION {
            return Err(invalid(&format!(
                "its format version {} is not one this release reads",
                bytes[0]
            )));
        }
        let (header, rest) = bytes.split_at(BLOB_HEADER_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        let b = Blob {
            header,
            key_id: u128::from_be_bytes(header[1..17].try_into().expect("16")),
            version: u32::from_le_bytes(header[17..21].try_into().expect("4")),
            nonce: nonce.try_into().expect("24"),
            ciphertext,
            tag: tag.try_into().expect("16"),
        };
        Ok(b)
    }
}

/// The header of a new blob under version `version` of key `key_id`.
pub(crate) fn header(key_id: u128, version: u32) -> [u8; BLOB_HEADER_LEN] {
    let mut h = [0u8; BLOB_HEADER_LEN];
    h[0] = BLOB_VERSION;
    h[1..17].copy_from_slice(&key_id.to_be_bytes());
    h[17..21].copy_from_slice(&version.to_le_bytes());
    h
}

pub(crate) fn invalid(why: &str) -> Error {
    Error::InvalidCiphertext(format!(
        "the ciphertext blob cannot be decrypted: {why}; check that it is complete and unmodified \
         and that the encryption context matches the one used to encrypt"
    ))
}

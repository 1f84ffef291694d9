//! The bytes of docs/STREAM-FORMAT.md: the header, the payload key, the nonces, and what sealing
//! and opening one chunk means.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf;
use std::io::Read;
use strongroom::{Error, Result};

/// The first six bytes of every encrypted stream.
pub const MAGIC: &[u8; 6] = b"SRFILE";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Plaintext bytes per chunk written by this build (the last chunk may be shorter).
pub const CHUNK_SIZE: u32 = 64 * 1024;
/// Smallest and largest chunk size a reader accepts.
pub const CHUNK_SIZE_RANGE: std::ops::RangeInclusive<u32> = 512..=(4 << 20);
/// Length of the random HKDF salt in the header.
pub const SALT_LEN: usize = 32;
/// Largest data-key blob a reader accepts.
pub const MAX_BLOB_LEN: u32 = 8192;
/// The AES-GCM tag after each chunk.
pub const TAG_LEN: usize = 16;
/// HKDF info for the payload key.
pub const KEY_INFO: &[u8] = b"strongroom file v1 payload key";
/// Length of the fixed part of the header (magic, version, chunk size, salt, blob length); the
/// data-key blob follows.
pub const FIXED_HEADER_LEN: usize = 6 + 2 + 4 + SALT_LEN + 4;
/// Offset of the salt in the header.
const SALT_AT: usize = 12;

/// The header of an encrypted stream, read and checked (docs/STREAM-FORMAT.md, "What a reader
/// checks", step 1); the data key inside is not opened yet.
#[derive(Clone)]
pub struct Header {
    bytes: Vec<u8>,
    chunk_size: u32,
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Header")
            .field("len", &self.bytes.len())
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

fn damaged(message: impl Into<String>) -> Error {
    Error::InvalidCiphertext(message.into())
}

/// An I/O error on the input, as the core's `Io`.
pub(crate) fn read_failed(e: &std::io::Error) -> Error {
    Error::Io(format!("reading the encrypted stream's input failed: {e}"))
}

impl Header {
    /// Reads the header from the start of `input` and checks its magic, version, chunk size and
    /// blob length. Leaves `input` at the first chunk.
    ///
    /// # Errors
    /// `InvalidCiphertext` for anything that is not the header of a version 1 stream (including
    /// a header cut short); `Io` if reading fails.
    pub fn read(input: &mut impl Read) -> Result<Self> {
        let mut bytes = vec![0u8; FIXED_HEADER_LEN];
        let n = fill(input, &mut bytes).map_err(|e| read_failed(&e))?;
        if n < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(damaged("not a strongroom encrypted file (no SRFILE magic)"));
        }
        if n < FIXED_HEADER_LEN {
            return Err(damaged("the header is cut short (the file was truncated)"));
        }
        let version = u16::from_le_bytes([bytes[6], bytes[7]]);
        if version != VERSION {
            return Err(damaged(format!(
                "format version {version} is not supported (this build reads version {VERSION})"
            )));
        }
        let chunk_size = u32_at(&bytes, 8);
        if !CHUNK_SIZE_RANGE.contains(&chunk_size) {
            return Err(damaged(format!(
                "chunk size {chunk_size} is out of range ({} to {})",
                CHUNK_SIZE_RANGE.start(),
                CHUNK_SIZE_RANGE.end()
            )));
        }
        let blob_len = u32_at(&bytes, FIXED_HEADER_LEN - 4);
        if blob_len == 0 || blob_len > MAX_BLOB_LEN {
            return Err(damaged(format!(
                "data key blob length {blob_len} is out of range (1 to {MAX_BLOB_LEN})"
            )));
        }
        bytes.resize(FIXED_HEADER_LEN + blob_len as usize, 0);
        let got = fill(input, &mut bytes[FIXED_HEADER_LEN..]).map_err(|e| read_failed(&e))?;
        if got < blob_len as usize {
            return Err(damaged("the header is cut short (the file was truncated)"));
        }
        Ok(Header { bytes, chunk_size })
    }

    /// A new header for `blob` with a fresh salt.
    pub(crate) fn new(blob: &[u8], salt: &[u8; SALT_LEN]) -> Result<Self> {
        let blob_len = u32::try_from(blob.len())
            .ok()
            .filter(|l| (1..=MAX_BLOB_LEN).contains(l))
            .ok_or_else(|| {
                Error::Validation(format!(
                    "a data key blob of {} bytes does not fit the header (1 to {MAX_BLOB_LEN})",
                    blob.len()
                ))
            })?;
        let mut bytes = Vec::with_capacity(FIXED_HEADER_LEN + blob.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&CHUNK_SIZE.to_le_bytes());
        bytes.extend_from_slice(salt);
        bytes.extend_from_slice(&blob_len.to_le_bytes());
        bytes.extend_from_slice(blob);
        Ok(Header {
            bytes,
            chunk_size: CHUNK_SIZE,
        })
    }

    /// The header's bytes as they appear in the stream (also every chunk's associated data).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Plaintext bytes per chunk.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// The data key's ciphertext blob (the core's blob, docs/FORMAT.md section 1).
    pub fn data_key_blob(&self) -> &[u8] {
        &self.bytes[FIXED_HEADER_LEN..]
    }

    pub(crate) fn salt(&self) -> &[u8] {
        &self.bytes[SALT_AT..SALT_AT + SALT_LEN]
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The payload key: HKDF-SHA-256(salt, data key, [`KEY_INFO`]).
pub(crate) fn payload_key(data_key: &[u8], salt: &[u8]) -> Result<LessSafeKey> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(data_key);
    // `expand` fails only for outputs longer than 255 hash lengths; this one is 32 bytes.
    let okm = prk
        .expand(&[KEY_INFO], &AES_256_GCM)
        .map_err(|_| Error::Validation("payload key derivation failed".into()))?;
    Ok(LessSafeKey::new(UnboundKey::from(okm)))
}

/// `nonce_i = u64le(i) || 00 00 00 || final`.
fn nonce(index: u64, last: bool) -> Nonce {
    let mut n = [0u8; NONCE_LEN];
    n[..8].copy_from_slice(&index.to_le_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

/// What one direction does to each chunk, in place in a slot of `slot_in() + TAG_LEN` bytes.
pub(crate) trait Transform: Sync {
    /// Bytes of input per chunk.
    fn slot_in(&self) -> usize;
    /// Transforms the chunk of `len` bytes at the start of `slot`; returns its new length.
    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> Result<usize>;
}

/// Seals plaintext chunks.
pub(crate) struct Sealer<'a> {
    pub key: LessSafeKey,
    pub header: &'a Header,
}

/// Opens sealed chunks.
pub(crate) struct Opener<'a> {
    pub key: LessSafeKey,
    pub header: &'a Header,
}

impl Transform for Sealer<'_> {
    fn slot_in(&self) -> usize {
        self.header.chunk_size as usize
    }

    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> Result<usize> {
        let (data, rest) = slot.split_at_mut(len);
        // Sealing fails only for inputs longer than AES-GCM allows (64 GiB); chunks are 64 KiB.
        let tag = self
            .key
            .seal_in_place_separate_tag(nonce(index, last), Aad::from(self.header.as_bytes()), data)
            .map_err(|_| Error::Validation(format!("sealing chunk {index} failed")))?;
        rest[..TAG_LEN].copy_from_slice(tag.as_ref());
        Ok(len + TAG_LEN)
    }
}

impl Transform for Opener<'_> {
    fn slot_in(&self) -> usize {
        self.header.chunk_size as usize + TAG_LEN
    }

    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> Result<usize> {
        if len < TAG_LEN {
            return Err(damaged(format!(
                "chunk {index} is cut short (the file was truncated)"
            )));
        }
        let plain = self
            .key
            .open_in_place(
                nonce(index, last),
                Aad::from(self.header.as_bytes()),
                &mut slot[..len],
            )
            .map_err(|_| {
                damaged(format!(
                    "chunk {index} does not authenticate: the file was modified, its chunks \
                     reordered, or it was cut or extended"
                ))
            })?;
        if last && plain.is_empty() && index > 0 {
            return Err(damaged(
                "empty final chunk after data (not written by strongroom)",
            ));
        }
        Ok(plain.len())
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub(crate) fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

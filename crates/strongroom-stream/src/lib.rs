//! strongroom's streaming file format: envelope encryption of a stream of any size.
//!
//! Each stream gets a fresh AES-256 data key from a [`Keystore`] (`generate_data_key`); only
//! the data key's blob is kept, in the stream's header, so decrypting needs the keystore (and the
//! same encryption context). The payload is cut into 64 KiB chunks sealed with AES-256-GCM in a
//! STREAM construction, so memory stays constant whatever the size, chunks are sealed on every
//! core, and a reordered, truncated, extended or modified stream is refused with
//! [`Error::InvalidCiphertext`]. The bytes are specified in `docs/STREAM-FORMAT.md`; this crate is
//! the format's one implementation, used by the CLI (`strongroom encrypt-file`), the C ABI
//! (`sr_encrypt_stream`), Go (`EncryptStream`) and Python (`Keystore.encrypt_file`).
//!
//! # Which API to use
//! - [`encrypt`] and [`decrypt`]: one call from a reader to a writer.
//! - [`Encryptor`] and [`Decryptor`] split the keystore call from the streaming, for callers
//!   that must not hold the keystore (or a lock around it) while the I/O runs: the keystore is
//!   used only by [`Encryptor::new`] and [`Decryptor::new`].
//!
//! ```
//! use strongroom::{CreateKey, EncryptionContext, Keystore, Options};
//! let dir = tempfile::tempdir()?;
//! let ks = Keystore::create(dir.path().join("ks"), b"passphrase", &Options::insecure_fast_for_tests())?;
//! let key = ks.create_key(&CreateKey::default())?;
//! let ctx = EncryptionContext::from_pairs([("file", "backup.tar")])?;
//!
//! let plaintext = vec![7u8; 200_000];
//! let mut encrypted = Vec::new();
//! let sealed = strongroom_stream::encrypt(&ks, &key.key_id, Some(&ctx), &plaintext[..], &mut encrypted)?;
//! assert_eq!(sealed.plaintext_len, 200_000);
//! assert_eq!(sealed.encrypted_len, encrypted.len() as u64);
//!
//! let mut decrypted = Vec::new();
//! let opened = strongroom_stream::decrypt(&ks, Some(&ctx), None, &encrypted[..], &mut decrypted)?;
//! assert_eq!(decrypted, plaintext);
//! assert_eq!(opened.key_id, sealed.key_id);
//!
//! // One flipped bit anywhere: refused.
//! encrypted[100_000] ^= 1;
//! let err = strongroom_stream::decrypt(&ks, Some(&ctx), None, &encrypted[..], &mut Vec::new()).unwrap_err();
//! assert_eq!(err.name(), "InvalidCiphertext");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Streaming and authenticity
//! Decryption writes each chunk's plaintext as soon as that chunk is authenticated, before the
//! end of the stream is: when [`decrypt`] fails, earlier plaintext may already be in the writer.
//! Write to a temporary file and keep it only when the call succeeded (the CLI does), or discard
//! the output on any error.
//!
//! # Errors
//! Every function returns the core's [`strongroom::Error`], so each surface maps it as it maps
//! any other call: `InvalidCiphertext` for input that is not a valid stream (damaged, truncated,
//! reordered, extended, or a wrong encryption context), `Io` when the reader or writer fails, and
//! the keystore's own errors (`NotFound`, `Disabled`, `IncorrectKey`, ...) from the data-key call.
#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]

mod format;
mod pipeline;

pub use format::{
    CHUNK_SIZE, CHUNK_SIZE_RANGE, FIXED_HEADER_LEN, Header, KEY_INFO, MAGIC, MAX_BLOB_LEN,
    SALT_LEN, TAG_LEN, VERSION,
};

use format::{Opener, Sealer, payload_key};
use ring::aead::LessSafeKey;
use ring::rand::{SecureRandom, SystemRandom};
use std::io::{Read, Write};
use strongroom::{DataKeySpec, EncryptionContext, Error, Keystore, Result};

/// What a finished [`encrypt`] or [`decrypt`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// ARN of the KMS key whose data key protects the stream.
    pub key_id: String,
    /// Bytes of plaintext (read by `encrypt`, written by `decrypt`).
    pub plaintext_len: u64,
    /// Bytes of the encrypted stream, header included (written by `encrypt`, read by `decrypt`).
    pub encrypted_len: u64,
}

/// Encrypts everything `input` yields into `output` under a fresh data key from `key_id` (a key
/// id, ARN, alias name or alias ARN). The `encryption_context` is bound to the data key and is
/// needed again to decrypt. Flushes `output` at the end.
///
/// # Errors
/// The keystore's errors from `generate_data_key` (`NotFound`, `Disabled`, `InvalidState`, ...;
/// nothing is written then), or `Io` when reading `input` or writing `output` fails.
pub fn encrypt(
    ks: &Keystore,
    key_id: &str,
    encryption_context: Option<&EncryptionContext>,
    input: impl Read,
    output: impl Write,
) -> Result<Summary> {
    Encryptor::new(ks, key_id, encryption_context)?.encrypt(input, output)
}

/// Decrypts a stream made by [`encrypt`] from `input` into `output`. The key comes from the
/// stream's header; `key_id`, if given, must name that key (`IncorrectKey` otherwise). Flushes
/// `output` at the end; see the crate docs on output written before a failure.
///
/// # Errors
/// `InvalidCiphertext` if `input` is not a stream this build reads, was modified, truncated,
/// reordered or extended, or the context differs; the keystore's errors from `decrypt`
/// (`IncorrectKey`, `Disabled`, `NotFound`, ...); `Io` when reading or writing fails.
pub fn decrypt(
    ks: &Keystore,
    encryption_context: Option<&EncryptionContext>,
    key_id: Option<&str>,
    mut input: impl Read,
    output: impl Write,
) -> Result<Summary> {
    let header = Header::read(&mut input)?;
    Decryptor::new(ks, header, encryption_context, key_id)?.decrypt(input, output)
}

/// A stream ready to be encrypted: the data key is generated and the header built; the keystore
/// is no longer needed.
pub struct Encryptor {
    header: Header,
    key: LessSafeKey,
    key_id: String,
}

impl std::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryptor")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Encryptor {
    /// Generates the stream's data key under `key_id` with `encryption_context` (one audited
    /// `GenerateDataKey` call) and derives the payload key; the data key's plaintext is dropped
    /// (zeroized) before this returns.
    ///
    /// # Errors
    /// The keystore's errors from `generate_data_key`.
    pub fn new(
        ks: &Keystore,
        key_id: &str,
        encryption_context: Option<&EncryptionContext>,
    ) -> Result<Self> {
        let dk =
            ks.generate_data_key(key_id, Some(DataKeySpec::Aes256), None, encryption_context)?;
        let mut salt = [0u8; SALT_LEN];
        SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| Error::Io("the operating system's random generator failed".into()))?;
        let header = Header::new(&dk.ciphertext_blob, &salt)?;
        let key = payload_key(dk.plaintext.as_bytes(), &salt)?;
        Ok(Encryptor {
            header,
            key,
            key_id: dk.key_id.clone(),
        })
    }

    /// ARN of the KMS key whose data key protects the stream.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Writes the header, then every chunk of `input`, to `output`, and flushes it.
    ///
    /// # Errors
    /// `Io` when reading `input` or writing `output` fails.
    pub fn encrypt(self, mut input: impl Read, mut output: impl Write) -> Result<Summary> {
        output
            .write_all(self.header.as_bytes())
            .map_err(|e| Error::Io(format!("writing the encrypted stream's output failed: {e}")))?;
        let sealer = Sealer {
            key: self.key,
            header: &self.header,
        };
        let counts = pipeline::run(&sealer, &mut input, &mut output)?;
        Ok(Summary {
            key_id: self.key_id,
            plaintext_len: counts.read,
            encrypted_len: self.header.as_bytes().len() as u64 + counts.written,
        })
    }
}

/// A stream ready to be decrypted: its header is read and its data key opened; the keystore is
/// no longer needed.
pub struct Decryptor {
    header: Header,
    key: LessSafeKey,
    key_id: String,
}

impl std::fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor")
            .field("key_id", &self.key_id)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl Decryptor {
    /// Opens the data key in `header` (one audited `Decrypt` call) with `encryption_context`;
    /// `key_id`, if given, must name the key it was made under.
    ///
    /// # Errors
    /// The keystore's errors from `decrypt` (`InvalidCiphertext` for a wrong context or a
    /// damaged blob, `IncorrectKey`, `Disabled`, ...); `InvalidCiphertext` if the blob holds
    /// something other than a 32-byte data key.
    pub fn new(
        ks: &Keystore,
        header: Header,
        encryption_context: Option<&EncryptionContext>,
        key_id: Option<&str>,
    ) -> Result<Self> {
        let dk = ks.decrypt(header.data_key_blob(), encryption_context, key_id)?;
        if dk.plaintext.len() != 32 {
            return Err(Error::InvalidCiphertext(
                "the header's data key is not 32 bytes (not written by strongroom)".into(),
            ));
        }
        let key = payload_key(dk.plaintext.as_bytes(), header.salt())?;
        Ok(Decryptor {
            header,
            key,
            key_id: dk.key_id.clone(),
        })
    }

    /// ARN of the KMS key whose data key protects the stream.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Reads every chunk after the header from `input`, writes its plaintext to `output` as each
    /// one is authenticated, and flushes `output`.
    ///
    /// # Errors
    /// `InvalidCiphertext` for a damaged, truncated, reordered or extended stream; `Io` when
    /// reading or writing fails. Plaintext of earlier chunks may already be in `output`.
    pub fn decrypt(self, mut input: impl Read, mut output: impl Write) -> Result<Summary> {
        let opener = Opener {
            key: self.key,
            header: &self.header,
        };
        let counts = pipeline::run(&opener, &mut input, &mut output)?;
        Ok(Summary {
            key_id: self.key_id,
            plaintext_len: counts.written,
            encrypted_len: self.header.as_bytes().len() as u64 + counts.read,
        })
    }
}

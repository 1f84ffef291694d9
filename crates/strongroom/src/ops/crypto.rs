//! Encrypt, decrypt, re-encrypt, data keys and random bytes (SPEC section 4).

use crate::audit::subject::Subject;
use crate::crypto::random;
use crate::crypto::xaes::XaesKey;
use crate::crypto::{nonce_session, xaes::NONCE_LEN, xaes::TAG_LEN};
use crate::format::blob::{self, BLOB_HEADER_LEN, Blob, OVERHEAD};
use crate::format::context::with_aad;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::{BackingKeyVersion, UnsealedKey};
use crate::model::algorithms::{EncryptionAlgorithm, ReEncryptAlgorithms};
use crate::model::clock::Timestamp;
use crate::model::context::EncryptionContext;
use crate::model::crypto_results::{DataKey, DataKeyWithoutPlaintext, Decrypted, ReEncrypted};
use crate::model::key::{DataKeySpec, KeyUsage};
use crate::model::key_material::KeyMaterialId;
use crate::model::operation::Operation;
use crate::model::secret_bytes::SecretBytes;
use crate::rules::bounds::{check_plaintext, check_random_len, data_key_len};
use crate::rules::key_specs::check_encryption;
use crate::storage::tables::DESTROYED_KEYS;
use crate::{Error, Result};
use std::sync::Arc;
use zeroize::Zeroize;

impl Keystore {
    /// Encrypts 1 to 4096 bytes under the key's newest backing-key version (AWS KMS `Encrypt`).
    /// Returns a self-describing blob; the context, if any, is needed again to decrypt.
    pub fn encrypt(
        &self,
        key_id: &str,
        plaintext: &[u8],
        encryption_context: Option<&EncryptionContext>,
    ) -> Result<Vec<u8>> {
        self.logged(Operation::Encrypt, Some(key_id), encryption_context, |s| {
            check_plaintext(plaintext.len())?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, Operation::Encrypt, s)?;
            let blob = seal(&k, plaintext, encryption_context)?;
            self.note_use(&k, Operation::Encrypt, used_at(s))?;
            Ok(blob)
        })
    }

    /// As [`Keystore::encrypt`], writing the blob into the start of `out` instead of a new vector
    /// and returning its length, `plaintext.len() + BLOB_OVERHEAD`. A shorter `out` fails with
    /// `Validation`; on any error no plaintext is left in `out`.
    ///
    /// ```
    /// # use strongroom::{BLOB_OVERHEAD, CreateKey, Keystore, Options};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// # let key = ks.create_key(&CreateKey::default())?.key_id;
    /// let mut blob = [0u8; 5 + BLOB_OVERHEAD];
    /// let n = ks.encrypt_into(&key, b"hello", None, &mut blob)?;
    /// let mut plaintext = [0u8; 5];
    /// assert_eq!(ks.decrypt_into(&blob[..n], None, None, &mut plaintext)?, 5);
    /// assert_eq!(&plaintext, b"hello");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encrypt_into(
        &self,
        key_id: &str,
        plaintext: &[u8],
        encryption_context: Option<&EncryptionContext>,
        out: &mut [u8],
    ) -> Result<usize> {
        self.logged(Operation::Encrypt, Some(key_id), encryption_context, |s| {
            check_plaintext(plaintext.len())?;
            let out = room(out, OVERHEAD + plaintext.len())?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, Operation::Encrypt, s)?;
            out[BLOB_HEADER_LEN + NONCE_LEN..][..plaintext.len()].copy_from_slice(plaintext);
            seal_in_place(&k, out, encryption_context).inspect_err(|_| out.zeroize())?;
            self.note_use(&k, Operation::Encrypt, used_at(s))
                .inspect_err(|_| out.zeroize())?;
            Ok(out.len())
        })
    }

    /// Decrypts a blob made by `encrypt`, `re_encrypt` or a data-key call (AWS KMS `Decrypt`).
    /// The key comes from the blob; a `key_id` naming another key fails with `IncorrectKey`.
    pub fn decrypt(
        &self,
        ciphertext_blob: &[u8],
        encryption_context: Option<&EncryptionContext>,
        key_id: Option<&str>,
    ) -> Result<Decrypted> {
        self.logged(Operation::Decrypt, key_id, encryption_context, |s| {
            let (k, key_material_id, plaintext) = self.open_blob(
                ciphertext_blob,
                encryption_context,
                key_id,
                Operation::Decrypt,
                s,
            )?;
            self.note_use(&k, Operation::Decrypt, used_at(s))?;
            Ok(Decrypted {
                plaintext,
                key_id: k.arn.clone(),
                key_material_id,
            })
        })
    }

    /// As [`Keystore::decrypt`], writing the plaintext into the start of `out` instead of a new
    /// buffer and returning its length, `ciphertext_blob.len() - BLOB_OVERHEAD` (the key's ARN is
    /// not returned). A shorter `out` fails with `Validation`; on any error no plaintext is left
    /// in `out`. Example: [`Keystore::encrypt_into`].
    pub fn decrypt_into(
        &self,
        ciphertext_blob: &[u8],
        encryption_context: Option<&EncryptionContext>,
        key_id: Option<&str>,
        out: &mut [u8],
    ) -> Result<usize> {
        self.decrypt_into_at(ciphertext_blob, encryption_context, key_id, out, None)
    }

    /// [`Keystore::decrypt_into`] as a step of another call that already ran the work due at
    /// `now` (`Some`): the Decrypt is judged and recorded at that time.
    pub(crate) fn decrypt_into_at(
        &self,
        ciphertext_blob: &[u8],
        encryption_context: Option<&EncryptionContext>,
        key_id: Option<&str>,
        out: &mut [u8],
        now: Option<Timestamp>,
    ) -> Result<usize> {
        self.logged(Operation::Decrypt, key_id, encryption_context, |s| {
            s.now = now;
            let b = parse_blob(ciphertext_blob, s)?;
            let out = room(out, b.ciphertext.len())?;
            let (k, _) =
                self.open_into(&b, encryption_context, key_id, Operation::Decrypt, s, out)?;
            // A dry run leaves no plaintext in `out`.
            self.note_use(&k, Operation::Decrypt, used_at(s))
                .inspect_err(|_| out.zeroize())?;
            Ok(out.len())
        })
    }

    /// Decrypts a blob and encrypts its plaintext under another key without the plaintext ever
    /// leaving the keystore (AWS KMS `ReEncrypt` with both algorithms `SYMMETRIC_DEFAULT`;
    /// [`Keystore::re_encrypt_with_algorithms`] moves ciphertext to and from RSA keys).
    pub fn re_encrypt(
        &self,
        ciphertext_blob: &[u8],
        destination_key_id: &str,
        source_encryption_context: Option<&EncryptionContext>,
        destination_encryption_context: Option<&EncryptionContext>,
        source_key_id: Option<&str>,
    ) -> Result<ReEncrypted> {
        self.re_encrypt_with_algorithms(
            ciphertext_blob,
            destination_key_id,
            source_encryption_context,
            destination_encryption_context,
            source_key_id,
            ReEncryptAlgorithms::default(),
        )
    }

    /// A fresh data key and its blob under the KMS key (AWS KMS `GenerateDataKey`). Give
    /// `key_spec` or `number_of_bytes` (1 to 1024), not both; neither means `AES_256`.
    pub fn generate_data_key(
        &self,
        key_id: &str,
        key_spec: Option<DataKeySpec>,
        number_of_bytes: Option<u32>,
        encryption_context: Option<&EncryptionContext>,
    ) -> Result<DataKey> {
        self.data_key(
            key_id,
            key_spec,
            number_of_bytes,
            encryption_context,
            Operation::GenerateDataKey,
        )
    }

    fn data_key(
        &self,
        key_id: &str,
        key_spec: Option<DataKeySpec>,
        number_of_bytes: Option<u32>,
        encryption_context: Option<&EncryptionContext>,
        operation: Operation,
    ) -> Result<DataKey> {
        self.logged(operation, Some(key_id), encryption_context, |s| {
            let len = data_key_len(key_spec, number_of_bytes)?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, operation, s)?;
            let mut failed = None;
            let plaintext = SecretBytes::init_with(len, |b| failed = random::fill(b).err());
            if let Some(e) = failed {
                return Err(e);
            }
            let ciphertext_blob = seal(&k, plaintext.as_bytes(), encryption_context)?;
            self.note_use(&k, operation, used_at(s))?;
            Ok(DataKey {
                ciphertext_blob,
                plaintext,
                key_id: k.arn.clone(),
                key_material_id: current_material(&k)?,
            })
        })
    }

    /// As [`Keystore::generate_data_key`], returning only the blob (AWS KMS
    /// `GenerateDataKeyWithoutPlaintext`).
    pub fn generate_data_key_without_plaintext(
        &self,
        key_id: &str,
        key_spec: Option<DataKeySpec>,
        number_of_bytes: Option<u32>,
        encryption_context: Option<&EncryptionContext>,
    ) -> Result<DataKeyWithoutPlaintext> {
        let dk = self.data_key(
            key_id,
            key_spec,
            number_of_bytes,
            encryption_context,
            Operation::GenerateDataKeyWithoutPlaintext,
        )?;
        Ok(DataKeyWithoutPlaintext {
            ciphertext_blob: dk.ciphertext_blob,
            key_id: dk.key_id,
            key_material_id: dk.key_material_id,
        })
    }

    /// 1 to 1024 bytes from the operating system's CSPRNG (AWS KMS `GenerateRandom`), in a
    /// [`SecretBytes`] (zeroized on drop): random bytes are often used as keys.
    pub fn generate_random(&self, number_of_bytes: u32) -> Result<SecretBytes> {
        self.logged(Operation::GenerateRandom, None, None, |_| {
            let n = check_random_len(number_of_bytes)?;
            let mut out = SecretBytes::zeroed(n);
            random::fill(out.as_mut_bytes())?;
            Ok(out)
        })
    }

    /// [`Keystore::generate_random`] written straight into the first `number_of_bytes` bytes of
    /// the caller's buffer, with no copy in between (the C ABI's form). A buffer shorter than
    /// `number_of_bytes` is `Validation` and nothing is drawn.
    pub fn generate_random_into(&self, number_of_bytes: u32, out: &mut [u8]) -> Result<()> {
        self.logged(Operation::GenerateRandom, None, None, |_| {
            let n = check_random_len(number_of_bytes)?;
            let Some(dst) = out.get_mut(..n) else {
                return Err(Error::Validation(format!(
                    "the buffer holds {} bytes; {n} random bytes were asked for",
                    out.len()
                )));
            };
            random::fill(dst)
        })
    }

    /// Parses and opens a blob into a new secret buffer.
    pub(super) fn open_blob(
        &self,
        bytes: &[u8],
        ctx: Option<&EncryptionContext>,
        key_id: Option<&str>,
        operation: Operation,
        s: &mut Subject,
    ) -> Result<(Arc<UnsealedKey>, KeyMaterialId, SecretBytes)> {
        let b = parse_blob(bytes, s)?;
        let mut plaintext = SecretBytes::zeroed(b.ciphertext.len());
        let (k, material) =
            self.open_into(&b, ctx, key_id, operation, s, plaintext.as_mut_bytes())?;
        Ok((k, material, plaintext))
    }

    /// Checks the blob's key and opens the blob into `out`, which is exactly the plaintext's
    /// length; on failure `out` is zeroed. Returns the key and the id of the version that opened it.
    fn open_into(
        &self,
        b: &Blob<'_>,
        ctx: Option<&EncryptionContext>,
        key_id: Option<&str>,
        operation: Operation,
        s: &mut Subject,
        out: &mut [u8],
    ) -> Result<(Arc<UnsealedKey>, KeyMaterialId)> {
        if let Some(named) = key_id {
            let named_id = self.resolve(named)?;
            if named_id != b.key_id {
                return Err(Error::IncorrectKey(format!(
                    "the ciphertext was encrypted under key {}, not {named}; omit key_id or name that key",
                    uuid::Uuid::from_u128(b.key_id)
                )));
            }
        }
        let now = match s.now {
            Some(now) => now,
            None => self.maintain_if_due()?,
        };
        s.now = Some(now);
        let k = self
            .used_key(b.key_id, KeyUsage::EncryptDecrypt, operation, now, s)
            .map_err(|e| match e {
                Error::NotFound(_) => self.missing_blob_key(b.key_id),
                e => e,
            })?;
        let v = k
            .version(b.version)
            .ok_or_else(|| blob::invalid("it names a backing-key version the key does not have"))?;
        let key = symmetric(&k, v)?;
        out.copy_from_slice(b.ciphertext);
        if !with_aad(b.header, ctx, |aad| {
            nonce_session::open(key, v.uid, b.nonce, aad, out, b.tag)
        }) {
            // ring clears it too; the contract is ours, so it does not rest on that.
            out.zeroize();
            return Err(blob::invalid("it does not authenticate"));
        }
        let material = v.material_id;
        Ok((k, material))
    }

    /// The error for a blob naming key `id`, which this keystore does not hold: `NotFound` if the
    /// key was destroyed here, `InvalidCiphertext` if it never was here (a damaged blob, or one
    /// from another keystore).
    fn missing_blob_key(&self, id: u128) -> Error {
        let destroyed = self.read(|tx| match tx.open_table(DESTROYED_KEYS) {
            Ok(t) => Ok(t
                .get(id)?
                .map(|when| Timestamp::from_unix_millis(when.value()))),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        });
        match destroyed {
            Ok(Some(when)) => Error::NotFound(format!(
                "the ciphertext's key {} was deleted at {when}; nothing encrypted under it can be \
                 decrypted any more",
                uuid::Uuid::from_u128(id)
            )),
            Ok(None) => blob::invalid("it names a key this keystore does not have"),
            Err(e) => e,
        }
    }
}

/// The time of a call that found its key usable (which read the clock).
#[inline]
pub(super) fn used_at(s: &Subject) -> Timestamp {
    s.now.unwrap_or(Timestamp::from_unix_millis(0))
}

/// The id of the version `seal` (or RSA-OAEP) encrypts under.
pub(super) fn current_material(k: &UnsealedKey) -> Result<KeyMaterialId> {
    k.version(k.rec.current_version)
        .map(|v| v.material_id)
        .ok_or_else(|| Error::InvalidState("the key has no key material".into()))
}

/// Seals `plaintext` under the key's current version into a new blob.
pub(super) fn seal(
    k: &UnsealedKey,
    plaintext: &[u8],
    ctx: Option<&EncryptionContext>,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.extend_from_slice(&[0; BLOB_HEADER_LEN + NONCE_LEN]);
    out.extend_from_slice(plaintext);
    out.extend_from_slice(&[0; TAG_LEN]);
    seal_in_place(k, &mut out, ctx).inspect_err(|_| out.zeroize())?;
    Ok(out)
}

/// Seals the blob `buf` in place under the key's current version: the plaintext is already in
/// place after the header and nonce; this writes the header, nonce and tag around it.
fn seal_in_place(k: &UnsealedKey, buf: &mut [u8], ctx: Option<&EncryptionContext>) -> Result<()> {
    let v = k
        .version(k.rec.current_version)
        .ok_or_else(|| Error::InvalidState("the key has no key material".into()))?;
    let key = symmetric(k, v)?;
    let header = blob::header(k.id, v.number);
    let (head, rest) = buf.split_at_mut(BLOB_HEADER_LEN);
    let (nonce_out, rest) = rest.split_at_mut(NONCE_LEN);
    let (body, tag_out) = rest.split_at_mut(rest.len() - TAG_LEN);
    let (nonce, tag) = with_aad(&header, ctx, |aad| {
        nonce_session::seal(key, v.uid, aad, body)
    })?;
    head.copy_from_slice(&header);
    nonce_out.copy_from_slice(&nonce);
    tag_out.copy_from_slice(tag.as_ref());
    Ok(())
}

/// The XAES-256-GCM key of version `v` of `k`, for a `SYMMETRIC_DEFAULT` blob: an `ENCRYPT_DECRYPT`
/// key of another spec (RSA) is `InvalidKeyUsage`, by the table of `rules::key_specs`.
#[inline]
fn symmetric<'a>(k: &UnsealedKey, v: &'a BackingKeyVersion) -> Result<&'a XaesKey> {
    match v.xaes() {
        Some(x) => Ok(x),
        None => Err(check_encryption(
            k.id,
            k.rec.key_spec,
            k.rec.key_usage,
            EncryptionAlgorithm::SymmetricDefault,
        )
        .err()
        .unwrap_or_else(|| Error::Corrupt("a symmetric key holds no symmetric material".into()))),
    }
}

/// The first `need` bytes of a caller's output buffer, or `Validation` if it is shorter.
fn room(out: &mut [u8], need: usize) -> Result<&mut [u8]> {
    let have = out.len();
    out.get_mut(..need).ok_or_else(|| {
        Error::Validation(format!(
            "the output buffer must hold {need} bytes, not {have}"
        ))
    })
}

/// Parses a blob and records its key and version as the call's subject.
#[inline]
fn parse_blob<'a>(bytes: &'a [u8], s: &mut Subject) -> Result<Blob<'a>> {
    let b = Blob::parse(bytes)?;
    s.key = Some(b.key_id);
    s.version = Some(b.version);
    Ok(b)
}

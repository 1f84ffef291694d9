//! Encrypt, decrypt, re-encrypt, data keys and random bytes (SPEC section 4).

use crate::audit::Subject;
use crate::blob::{self, Blob, HEADER_LEN, OVERHEAD};
use crate::context::EncryptionContext;
use crate::keystore::{KeyData, Keystore};
use crate::model::{DataKeySpec, KeyUsage};
use crate::secret::SecretBytes;
use crate::xaes::{NONCE_LEN, TAG_LEN};
use crate::{Error, Result, session};

/// Largest plaintext `encrypt` accepts.
pub const MAX_PLAINTEXT: usize = 4096;
/// Largest data key or random string, in bytes.
pub const MAX_RANDOM_BYTES: u32 = 1024;

/// What `decrypt` returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decrypted {
    /// The plaintext, zeroized on drop.
    pub plaintext: SecretBytes,
    /// ARN of the key that decrypted it.
    pub key_id: String,
}

/// What `re_encrypt` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReEncrypted {
    /// The new blob, under the destination key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the key that decrypted the source blob.
    pub source_key_id: String,
    /// ARN of the destination key.
    pub key_id: String,
}

/// What `generate_data_key` returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct DataKey {
    /// The data key, zeroized on drop. Use it, then drop it; keep only the blob.
    pub plaintext: SecretBytes,
    /// The data key encrypted under the KMS key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
}

/// What `generate_data_key_without_plaintext` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataKeyWithoutPlaintext {
    /// The data key encrypted under the KMS key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
}

impl Keystore {
    /// Encrypts 1 to 4096 bytes under the key's newest backing-key version (AWS KMS `Encrypt`).
    /// Returns a self-describing blob; the context, if any, is needed again to decrypt.
    pub fn encrypt(
        &self,
        key_id: &str,
        plaintext: &[u8],
        encryption_context: Option<&EncryptionContext>,
    ) -> Result<Vec<u8>> {
        self.logged("Encrypt", encryption_context, |s| {
            check_len("plaintext", plaintext.len(), MAX_PLAINTEXT)?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, "Encrypt", s)?;
            seal(&k, plaintext, encryption_context)
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
        self.logged("Decrypt", encryption_context, |s| {
            let (k, plaintext) =
                self.open_blob(ciphertext_blob, encryption_context, key_id, "Decrypt", s)?;
            Ok(Decrypted {
                plaintext,
                key_id: self.key_arn(k.id),
            })
        })
    }

    /// Decrypts a blob and encrypts its plaintext under another key without the plaintext ever
    /// leaving the keystore (AWS KMS `ReEncrypt`).
    pub fn re_encrypt(
        &self,
        ciphertext_blob: &[u8],
        destination_key_id: &str,
        source_encryption_context: Option<&EncryptionContext>,
        destination_encryption_context: Option<&EncryptionContext>,
        source_key_id: Option<&str>,
    ) -> Result<ReEncrypted> {
        // Logged under the destination context and key (the source key if refused there).
        self.logged("ReEncrypt", destination_encryption_context, |s| {
            let (source, plaintext) = self.open_blob(
                ciphertext_blob,
                source_encryption_context,
                source_key_id,
                "ReEncrypt",
                s,
            )?;
            let dest = self.usable(destination_key_id, KeyUsage::EncryptDecrypt, "ReEncrypt", s)?;
            Ok(ReEncrypted {
                ciphertext_blob: seal(&dest, plaintext.as_bytes(), destination_encryption_context)?,
                source_key_id: self.key_arn(source.id),
                key_id: self.key_arn(dest.id),
            })
        })
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
            "GenerateDataKey",
        )
    }

    fn data_key(
        &self,
        key_id: &str,
        key_spec: Option<DataKeySpec>,
        number_of_bytes: Option<u32>,
        encryption_context: Option<&EncryptionContext>,
        operation: &'static str,
    ) -> Result<DataKey> {
        self.logged(operation, encryption_context, |s| {
            let len = data_key_len(key_spec, number_of_bytes)?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, operation, s)?;
            let mut failed = None;
            let plaintext = SecretBytes::init_with(len, |b| failed = crate::rand::fill(b).err());
            if let Some(e) = failed {
                return Err(e);
            }
            Ok(DataKey {
                ciphertext_blob: seal(&k, plaintext.as_bytes(), encryption_context)?,
                plaintext,
                key_id: self.key_arn(k.id),
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
            "GenerateDataKeyWithoutPlaintext",
        )?;
        Ok(DataKeyWithoutPlaintext {
            ciphertext_blob: dk.ciphertext_blob,
            key_id: dk.key_id,
        })
    }

    /// 1 to 1024 bytes from the operating system's CSPRNG (AWS KMS `GenerateRandom`).
    pub fn generate_random(&self, number_of_bytes: u32) -> Result<Vec<u8>> {
        self.logged("GenerateRandom", None, |_| {
            let n = number_of_bytes as usize;
            check_len("number_of_bytes", n, MAX_RANDOM_BYTES as usize)?;
            let mut out = vec![0u8; n];
            crate::rand::fill(&mut out)?;
            Ok(out)
        })
    }

    fn open_blob(
        &self,
        bytes: &[u8],
        ctx: Option<&EncryptionContext>,
        key_id: Option<&str>,
        operation: &'static str,
        s: &mut Subject,
    ) -> Result<(std::sync::Arc<KeyData>, SecretBytes)> {
        let b = Blob::parse(bytes)?;
        s.key = Some(b.key_id);
        s.version = Some(b.version);
        if let Some(named) = key_id {
            let named_id = self.resolve(named)?;
            if named_id != b.key_id {
                return Err(Error::IncorrectKey(format!(
                    "the ciphertext was encrypted under key {}, not {named}; omit key_id or name that key",
                    uuid::Uuid::from_u128(b.key_id)
                )));
            }
        }
        s.now = Some(self.maintain_if_due()?);
        let k = self.used_key(b.key_id, KeyUsage::EncryptDecrypt, operation, s)?;
        let v = k
            .version(b.version)
            .ok_or_else(|| blob::invalid("it names a backing-key version the key does not have"))?;
        let aad = aad(b.header, ctx);
        let mut buf = SecretBytes::init_with(b.sealed.len(), |b2| b2.copy_from_slice(b.sealed));
        let len = session::open(&v.key, v.uid, b.nonce, &aad, buf.as_mut_bytes())
            .ok_or_else(|| blob::invalid("it does not authenticate"))?
            .len();
        buf.truncate(len);
        Ok((k, buf))
    }
}

/// Seals `plaintext` under the key's current version into a new blob.
fn seal(k: &KeyData, plaintext: &[u8], ctx: Option<&EncryptionContext>) -> Result<Vec<u8>> {
    let v = k
        .version(k.rec.current_version)
        .ok_or_else(|| Error::InvalidState("the key has no key material".into()))?;
    let header = blob::header(k.id, v.number);
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(&[0u8; NONCE_LEN]);
    out.extend_from_slice(plaintext);
    let (nonce, tag) = session::seal(
        &v.key,
        v.uid,
        &aad(&header, ctx),
        &mut out[HEADER_LEN + NONCE_LEN..],
    )?;
    out[HEADER_LEN..HEADER_LEN + NONCE_LEN].copy_from_slice(&nonce);
    out.extend_from_slice(tag.as_ref());
    debug_assert_eq!(out.len(), OVERHEAD + plaintext.len());
    let _ = TAG_LEN;
    Ok(out)
}

/// Associated data: the blob header, then the canonical context.
fn aad(header: &[u8], ctx: Option<&EncryptionContext>) -> Vec<u8> {
    let c = EncryptionContext::encoded(ctx);
    let mut v = Vec::with_capacity(header.len() + c.len());
    v.extend_from_slice(header);
    v.extend_from_slice(c);
    v
}

fn check_len(what: &str, n: usize, max: usize) -> Result<()> {
    if n == 0 || n > max {
        return Err(Error::Validation(format!(
            "{what} must be 1 to {max} bytes, not {n}"
        )));
    }
    Ok(())
}

fn data_key_len(spec: Option<DataKeySpec>, n: Option<u32>) -> Result<usize> {
    match (spec, n) {
        (Some(_), Some(_)) => Err(Error::Validation(
            "give key_spec or number_of_bytes, not both".into(),
        )),
        (Some(s), None) => Ok(s.key_len()),
        (None, Some(n)) => {
            check_len("number_of_bytes", n as usize, MAX_RANDOM_BYTES as usize)?;
            Ok(n as usize)
        }
        (None, None) => Ok(DataKeySpec::Aes256.key_len()),
    }
}

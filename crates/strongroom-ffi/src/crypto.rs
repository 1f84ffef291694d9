//! Encrypt, decrypt, re-encrypt, random bytes; `sr_buffer` and the encryption context.

use crate::error::Failure;
use crate::ffi::{Out, free_array, to_array, try_mut_slice, try_opt_str, try_slice, try_str, wipe};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::EncryptionContext;
use std::ffi::c_char;

/// Bytes returned by strongroom (a ciphertext blob, a plaintext). The caller declares an
/// `sr_buffer` (any contents), passes its address as an out-parameter, reads `data[0..len]`, and
/// frees it with `sr_buffer_free`, which zeroes the bytes first (plaintexts are secrets).
#[repr(C)]
pub struct sr_buffer {
    /// The bytes; owned by strongroom until `sr_buffer_free`.
    pub data: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

impl sr_buffer {
    /// Hands `bytes` to C (one allocation of exactly `len` bytes).
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        let (data, len) = to_array(bytes);
        sr_buffer { data, len }
    }

    /// A copy of secret bytes; the core's own copy is zeroized when dropped.
    pub(crate) fn copy_of(bytes: &[u8]) -> Self {
        Self::new(bytes.to_vec())
    }

    /// An empty buffer (`data` NULL, `len` 0).
    pub(crate) fn empty() -> Self {
        sr_buffer {
            data: std::ptr::null_mut(),
            len: 0,
        }
    }

    /// Zeroes and frees the bytes, leaving the buffer empty.
    pub(crate) fn release(&mut self) {
        let mut v = free_array(self.data, self.len);
        wipe(&mut v);
        *self = Self::empty();
    }
}

/// Frees the bytes of a buffer filled by strongroom, zeroing them first, and sets `data` to NULL
/// and `len` to 0. Calling with NULL, or on a buffer already freed (data NULL), is fine.
#[unsafe(no_mangle)]
pub extern "C" fn sr_buffer_free(buffer: *mut sr_buffer) {
    boundary_void(|| {
        if buffer.is_null() {
            return;
        }
        // SAFETY: non-NULL; the C contract is a buffer that strongroom filled (or one already
        // freed), not used by another thread during the call.
        let b = unsafe { &mut *buffer };
        b.release();
    })
}

/// One pair of an encryption context: UTF-8, NUL-terminated, neither NULL; keys non-empty and
/// unique. Contexts are passed as `(const sr_context_pair *pairs, size_t pairs_len)`; NULL with
/// length 0 means no context (which equals an empty one). The order of pairs does not matter.
#[repr(C)]
pub struct sr_context_pair {
    /// The key.
    pub key: *const c_char,
    /// The value.
    pub value: *const c_char,
}

/// The core context from a C array of pairs.
pub(crate) fn context(
    pairs: *const sr_context_pair,
    len: usize,
    what: &str,
) -> Result<Option<EncryptionContext>, Failure> {
    if len == 0 {
        return Ok(None);
    }
    if pairs.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` readable pairs for the call.
    let pairs = unsafe { std::slice::from_raw_parts(pairs, len) };
    let mut owned = Vec::with_capacity(len);
    for p in pairs {
        owned.push((try_str(p.key, what)?, try_str(p.value, what)?));
    }
    Ok(Some(EncryptionContext::from_pairs(owned)?))
}

/// Encrypts `plaintext` (1 to 4096 bytes) under the key `key_id` (key id, ARN, alias name or
/// alias ARN) and writes the ciphertext blob to `*ciphertext_blob_out` (AWS KMS `Encrypt`).
/// The same context is needed to decrypt.
#[unsafe(no_mangle)]
pub extern "C" fn sr_encrypt(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    ciphertext_blob_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let plaintext = try_slice(plaintext, plaintext_len, "plaintext")?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let out = Out::new(ciphertext_blob_out, "ciphertext_blob_out")?;
        let blob = ks.encrypt(key_id, plaintext, ctx.as_ref())?;
        out.set(sr_buffer::new(blob));
        Ok(())
    })
}

/// Decrypts a blob and writes the plaintext to `*plaintext_out` (AWS KMS `Decrypt`). The key
/// comes from the blob; `key_id` may be NULL, or names the key the caller expects
/// (`SR_STATUS_INCORRECT_KEY` if it is another). A wrong context or a tampered blob is
/// `SR_STATUS_INVALID_CIPHERTEXT`. Free the plaintext with `sr_buffer_free` (it zeroes it).
#[unsafe(no_mangle)]
pub extern "C" fn sr_decrypt(
    keystore: *const sr_keystore,
    ciphertext_blob: *const u8,
    ciphertext_blob_len: usize,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    key_id: *const c_char,
    plaintext_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let blob = try_slice(ciphertext_blob, ciphertext_blob_len, "ciphertext_blob")?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let out = Out::new(plaintext_out, "plaintext_out")?;
        // Opened straight into the buffer handed to C (zeroed by the core on failure).
        let mut plaintext = vec![0; sr_core::plaintext_len(blob.len())];
        ks.decrypt_into(blob, ctx.as_ref(), key_id, &mut plaintext)?;
        out.set(sr_buffer::new(plaintext));
        Ok(())
    })
}

/// Decrypts a blob and encrypts its plaintext under `destination_key_id` without the plaintext
/// leaving strongroom (AWS KMS `ReEncrypt`); writes the new blob to `*ciphertext_blob_out`.
/// `source_key_id` may be NULL (as `key_id` of `sr_decrypt`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_re_encrypt(
    keystore: *const sr_keystore,
    ciphertext_blob: *const u8,
    ciphertext_blob_len: usize,
    destination_key_id: *const c_char,
    source_encryption_context: *const sr_context_pair,
    source_encryption_context_len: usize,
    destination_encryption_context: *const sr_context_pair,
    destination_encryption_context_len: usize,
    source_key_id: *const c_char,
    ciphertext_blob_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let blob = try_slice(ciphertext_blob, ciphertext_blob_len, "ciphertext_blob")?;
        let dest = try_str(destination_key_id, "destination_key_id")?;
        let src_ctx = context(
            source_encryption_context,
            source_encryption_context_len,
            "source_encryption_context",
        )?;
        let dst_ctx = context(
            destination_encryption_context,
            destination_encryption_context_len,
            "destination_encryption_context",
        )?;
        let source_key_id = try_opt_str(source_key_id, "source_key_id")?;
        let out = Out::new(ciphertext_blob_out, "ciphertext_blob_out")?;
        let r = ks.re_encrypt(
            blob,
            dest,
            src_ctx.as_ref(),
            dst_ctx.as_ref(),
            source_key_id,
        )?;
        out.set(sr_buffer::new(r.ciphertext_blob));
        Ok(())
    })
}

/// Fills `buf` with `number_of_bytes` (1 to 1024) bytes from the operating system's CSPRNG (AWS
/// KMS `GenerateRandom`). `buf_len` is the buffer's size: if it is smaller than
/// `number_of_bytes`, nothing is written, the call returns `SR_STATUS_INSUFFICIENT_SIZE` and
/// `*out_n` is the size needed. On success `*out_n` is `number_of_bytes`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_random(
    keystore: *const sr_keystore,
    number_of_bytes: u32,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let out_n = Out::new(out_n, "out_n")?;
        let needed = number_of_bytes as usize;
        let mut bytes = ks.generate_random(number_of_bytes)?;
        if buf_len < needed {
            wipe(&mut bytes);
            out_n.set(needed);
            return Err(Failure::insufficient(needed, buf_len));
        }
        let dst = try_mut_slice(buf, buf_len, "buf")?;
        dst[..needed].copy_from_slice(&bytes);
        wipe(&mut bytes);
        out_n.set(needed);
        Ok(())
    })
}

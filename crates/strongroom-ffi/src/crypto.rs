//! Encrypt, decrypt, re-encrypt, random bytes; `sr_buffer` and the encryption context.

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, to_array, to_box, try_mut_slice,
    try_opt_str, try_slice, try_str, wipe,
};
use crate::key::{SR_KEY_MATERIAL_ID_SIZE, material_id};
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

/// What `sr_decrypt_with_key_id` returns: the plaintext and the key and key material that
/// decrypted it. Freed with `sr_decrypted_free`, which zeroes the plaintext.
#[repr(C)]
pub struct sr_decrypted {
    /// The plaintext (a secret).
    pub plaintext: sr_buffer,
    /// ARN of the key that decrypted it.
    pub key_id: *mut c_char,
    /// The id of that key's material which decrypted it (AWS KMS `KeyMaterialId`: 64 hex
    /// characters, NUL-terminated).
    pub key_material_id: [c_char; SR_KEY_MATERIAL_ID_SIZE],
}

impl Drop for sr_decrypted {
    fn drop(&mut self) {
        self.plaintext.release();
        free_c_string(self.key_id);
    }
}

/// As `sr_decrypt`, also naming the key and the key material that decrypted the blob (AWS KMS
/// `Decrypt`'s `KeyId` and `KeyMaterialId`): writes them with the plaintext to
/// `*decrypted_out`. `sr_decrypt` is the bytes-only form, with no string made.
#[unsafe(no_mangle)]
pub extern "C" fn sr_decrypt_with_key_id(
    keystore: *const sr_keystore,
    ciphertext_blob: *const u8,
    ciphertext_blob_len: usize,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    key_id: *const c_char,
    decrypted_out: *mut *mut sr_decrypted,
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
        let out = Out::new(decrypted_out, "decrypted_out")?;
        let d = ks.decrypt(blob, ctx.as_ref(), key_id)?;
        let mut r = sr_decrypted {
            plaintext: sr_buffer::copy_of(d.plaintext.as_bytes()),
            key_id: std::ptr::null_mut(),
            key_material_id: material_id(Some(&d.key_material_id)),
        };
        r.key_id = c_string(&d.key_id)?;
        out.set(to_box(r));
        Ok(())
    })
}

/// Frees a result of `sr_decrypt_with_key_id`, zeroing the plaintext first. Calling with NULL
/// is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_decrypted_free(decrypted: *mut sr_decrypted) {
    boundary_void(|| drop(free_box(decrypted)))
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
        crate::asymmetric::re_encrypt(
            keystore,
            (ciphertext_blob, ciphertext_blob_len),
            destination_key_id,
            (source_encryption_context, source_encryption_context_len),
            (
                destination_encryption_context,
                destination_encryption_context_len,
            ),
            source_key_id,
            (std::ptr::null(), std::ptr::null()),
            ciphertext_blob_out,
        )
    })
}

/// Fills `buf` with `number_of_bytes` (1 to 1024) bytes from the operating system's CSPRNG (AWS
/// KMS `GenerateRandom`). `buf_len` is the buffer's size: if it is smaller than
/// `number_of_bytes`, nothing is written, the call returns `SR_STATUS_INSUFFICIENT_SIZE` and
/// `*out_n` is the size needed. On success `*out_n` is `number_of_bytes`. The buffer is checked
/// before anything is generated or audited: a refused buffer (too small, or NULL with a length)
/// draws no random bytes and leaves no `GenerateRandom` event; a `number_of_bytes` out of range
/// is `SR_STATUS_VALIDATION` whatever the buffer (audited as a refusal).
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
        // The buffer is checked before the core generates and audits, except for a count out of
        // the SPEC's range (1 to MAX_RANDOM_BYTES): that stays the core's Validation whatever the
        // buffer (audited as a refusal; nothing is drawn), as it always was.
        if !(1..=sr_core::MAX_RANDOM_BYTES).contains(&number_of_bytes) {
            // The core refuses the count before it looks at the (here empty) buffer.
            ks.generate_random_into(number_of_bytes, &mut [])?;
            return Ok(());
        }
        let (dst, out_n) = random_buffer(buf, buf_len, needed, out_n)?;
        // Drawn straight into the caller's buffer: no copy of the bytes is left behind.
        ks.generate_random_into(number_of_bytes, dst)?;
        out_n.set(needed);
        Ok(())
    })
}

/// `sr_generate_random`'s buffer as a slice of `buf_len >= needed` bytes, with the out-parameter
/// handed back for the success; refused if too small (the size needed written to `*out_n`) or
/// NULL with a length.
fn random_buffer<'a>(
    buf: *mut u8,
    buf_len: usize,
    needed: usize,
    out_n: Out<usize>,
) -> Result<(&'a mut [u8], Out<usize>), Failure> {
    if buf_len < needed {
        out_n.set(needed);
        return Err(Failure::insufficient(needed, buf_len));
    }
    Ok((try_mut_slice(buf, buf_len, "buf")?, out_n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{
        sr_audit_event_list, sr_audit_event_list_free, sr_audit_events, sr_audit_filter,
    };
    use crate::keystore::{sr_keystore_close, sr_keystore_free};
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    /// How many audit events record `operation` with `outcome`.
    fn count(ks: *const sr_keystore, operation: &CStr, outcome: &CStr) -> usize {
        let filter = sr_audit_filter {
            key_id: null(),
            operation: operation.as_ptr(),
            outcome: outcome.as_ptr(),
            has_start_time: false,
            start_time: 0,
            has_end_time: false,
            end_time: 0,
        };
        let mut list: *mut sr_audit_event_list = null_mut();
        assert_eq!(sr_audit_events(ks, &filter, &mut list), sr_status::Ok);
        // SAFETY: `sr_audit_events` succeeded, so `list` points at a live list until it is freed.
        let n = unsafe { (*list).len };
        sr_audit_event_list_free(list);
        n
    }

    /// A refused buffer draws nothing and audits nothing: the trail has exactly one
    /// `GenerateRandom` event, the `ok` of the call that succeeded.
    #[test]
    fn a_refused_buffer_is_not_audited_as_ok() {
        let (dir, ks, _key) = crate::keystore::tests::fresh("random");

        let mut buf = [0u8; 8];
        let mut n = 0usize;
        let short = sr_generate_random(ks, 16, buf.as_mut_ptr(), buf.len(), &mut n);
        assert_eq!((short, n), (sr_status::InsufficientSize, 16));
        assert_eq!(buf, [0; 8], "a short buffer was written");
        let null_buf = sr_generate_random(ks, 8, null_mut(), 8, &mut n);
        assert_eq!(null_buf, sr_status::NullParameter);
        let none = sr_generate_random(ks, 8, null_mut(), 0, &mut n);
        assert_eq!(none, sr_status::InsufficientSize);
        let op = c"GenerateRandom";
        assert_eq!(
            count(ks, op, c"ok"),
            0,
            "a refused buffer was audited as ok"
        );
        assert_eq!(count(ks, op, c"InsufficientSize"), 0);
        assert_eq!(count(ks, op, c"NullParameter"), 0);

        let ok = sr_generate_random(ks, 8, buf.as_mut_ptr(), buf.len(), &mut n);
        assert_eq!((ok, n), (sr_status::Ok, 8));
        assert_eq!(count(ks, op, c"ok"), 1);
        // A count out of range stays the core's Validation, audited as that refusal.
        let bad = sr_generate_random(ks, 0, null_mut(), 8, &mut n);
        assert_eq!(bad, sr_status::Validation);
        assert_eq!(count(ks, op, c"Validation"), 1);

        assert_eq!(sr_keystore_close(ks), sr_status::Ok);
        sr_keystore_free(ks);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Data keys for envelope encryption.

use crate::crypto::{context, sr_buffer, sr_context_pair};
use crate::error::Failure;
use crate::ffi::{Out, c_string, free_box, free_c_string, to_box, try_opt_str, try_str};
use crate::key::{SR_KEY_MATERIAL_ID_SIZE, material_id};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::DataKeySpec;
use std::ffi::c_char;

/// A data key (AWS KMS `GenerateDataKey`'s result). Use `plaintext`, keep `ciphertext_blob`, and
/// free the whole thing with `sr_data_key_free`, which zeroes the plaintext. From
/// `sr_generate_data_key_without_plaintext`, `plaintext` is empty (`data` NULL, `len` 0).
#[repr(C)]
pub struct sr_data_key {
    /// The data key itself (a secret).
    pub plaintext: sr_buffer,
    /// The data key encrypted under the KMS key; decrypt it later with `sr_decrypt`.
    pub ciphertext_blob: sr_buffer,
    /// ARN of the KMS key.
    pub key_id: *mut c_char,
    /// The id of the KMS key's material that encrypted the data key (AWS KMS `KeyMaterialId`:
    /// 64 hex characters, NUL-terminated).
    pub key_material_id: [c_char; SR_KEY_MATERIAL_ID_SIZE],
}

impl Drop for sr_data_key {
    fn drop(&mut self) {
        self.plaintext.release();
        self.ciphertext_blob.release();
        free_c_string(self.key_id);
    }
}

/// Parses the optional key spec; `number_of_bytes` 0 means "not given".
fn size_args(
    key_spec: *const c_char,
    number_of_bytes: u32,
) -> Result<(Option<DataKeySpec>, Option<u32>), Failure> {
    let spec = try_opt_str(key_spec, "key_spec")?
        .map(str::parse::<DataKeySpec>)
        .transpose()?;
    Ok((spec, (number_of_bytes != 0).then_some(number_of_bytes)))
}

#[allow(clippy::too_many_arguments)]
fn generate(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_spec: *const c_char,
    number_of_bytes: u32,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_out: *mut *mut sr_data_key,
    with_plaintext: bool,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let key_id = try_str(key_id, "key_id")?;
    let (spec, n) = size_args(key_spec, number_of_bytes)?;
    let ctx = context(
        encryption_context,
        encryption_context_len,
        "encryption_context",
    )?;
    let out = Out::new(data_key_out, "data_key_out")?;
    let mut dk = sr_data_key {
        plaintext: sr_buffer::empty(),
        ciphertext_blob: sr_buffer::empty(),
        key_id: std::ptr::null_mut(),
        key_material_id: material_id(None),
    };
    if with_plaintext {
        let d = ks.generate_data_key(key_id, spec, n, ctx.as_ref())?;
        dk.plaintext = sr_buffer::copy_of(d.plaintext.as_bytes());
        dk.ciphertext_blob = sr_buffer::new(d.ciphertext_blob);
        dk.key_id = c_string(&d.key_id)?;
        dk.key_material_id = material_id(Some(&d.key_material_id));
    } else {
        let d = ks.generate_data_key_without_plaintext(key_id, spec, n, ctx.as_ref())?;
        dk.ciphertext_blob = sr_buffer::new(d.ciphertext_blob);
        dk.key_id = c_string(&d.key_id)?;
        dk.key_material_id = material_id(Some(&d.key_material_id));
    }
    out.set(to_box(dk));
    Ok(())
}

/// Makes a fresh data key and its blob under the KMS key `key_id` (AWS KMS `GenerateDataKey`)
/// and writes it to `*data_key_out`. Size: `key_spec` `"AES_256"` (32 bytes) or `"AES_128"`
/// (16), or `number_of_bytes` 1 to 1024; give one or neither (NULL and 0: AES_256), not both.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_data_key(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_spec: *const c_char,
    number_of_bytes: u32,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_out: *mut *mut sr_data_key,
) -> sr_status {
    boundary(|| {
        generate(
            keystore,
            key_id,
            key_spec,
            number_of_bytes,
            encryption_context,
            encryption_context_len,
            data_key_out,
            true,
        )
    })
}

/// As `sr_generate_data_key`, but the result holds only the blob and the key id (AWS KMS
/// `GenerateDataKeyWithoutPlaintext`); its `plaintext` is empty.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_data_key_without_plaintext(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_spec: *const c_char,
    number_of_bytes: u32,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_out: *mut *mut sr_data_key,
) -> sr_status {
    boundary(|| {
        generate(
            keystore,
            key_id,
            key_spec,
            number_of_bytes,
            encryption_context,
            encryption_context_len,
            data_key_out,
            false,
        )
    })
}

/// Frees a data key, zeroing its plaintext. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_data_key_free(data_key: *mut sr_data_key) {
    boundary_void(|| drop(free_box(data_key)))
}

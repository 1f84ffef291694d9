//! Importing key material (BYOK, SPEC section 7).

use crate::crypto::sr_buffer;
use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_box, free_c_string, to_box, try_mut_slice, try_opt_str, try_slice, try_str,
};
use crate::key::{SR_KEY_MATERIAL_ID_SIZE, material_id};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{ExpirationModel, ImportClaims, Timestamp, WrappingAlgorithm, WrappingKeySpec};
use std::ffi::c_char;

/// What `sr_get_parameters_for_import` returns (AWS KMS `GetParametersForImport`). Read-only;
/// freed with `sr_parameters_for_import_free`.
#[repr(C)]
pub struct sr_parameters_for_import {
    /// ARN of the key the parameters are for.
    pub key_id: *mut c_char,
    /// Opaque token for `sr_import_key_material`; valid once, until `parameters_valid_to`.
    pub import_token: sr_buffer,
    /// The RSA wrapping public key, DER SubjectPublicKeyInfo (what `openssl pkeyutl -keyform DER
    /// -pubin` reads).
    pub public_key: sr_buffer,
    /// When the token and key stop working (milliseconds since the Unix epoch, UTC).
    pub parameters_valid_to: i64,
}

impl Drop for sr_parameters_for_import {
    fn drop(&mut self) {
        free_c_string(self.key_id);
        self.import_token.release();
        self.public_key.release();
    }
}

/// Writes a fresh RSA wrapping public key and import token for the `EXTERNAL` key `key_id` to
/// `*parameters_for_import_out`, both valid for 24 hours and one import (AWS KMS
/// `GetParametersForImport`). `wrapping_algorithm`: `"RSAES_OAEP_SHA_256"` (recommended),
/// `"RSAES_OAEP_SHA_1"`, `"RSA_AES_KEY_WRAP_SHA_256"` or `"RSA_AES_KEY_WRAP_SHA_1"`;
/// `wrapping_key_spec`: `"RSA_2048"`, `"RSA_3072"` or `"RSA_4096"`. The key's spec limits the
/// choice (docs/import.md): RSA keys need an `RSA_AES_KEY_WRAP_*` algorithm, `ECC_NIST_P521`
/// keys cannot use `RSAES_OAEP_*` under `RSA_2048` (`SR_STATUS_UNSUPPORTED_OPERATION`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_parameters_for_import(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    wrapping_algorithm: *const c_char,
    wrapping_key_spec: *const c_char,
    parameters_for_import_out: *mut *mut sr_parameters_for_import,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let algorithm: WrappingAlgorithm =
            try_str(wrapping_algorithm, "wrapping_algorithm")?.parse()?;
        let spec: WrappingKeySpec = try_str(wrapping_key_spec, "wrapping_key_spec")?.parse()?;
        let out = Out::new(parameters_for_import_out, "parameters_for_import_out")?;
        let p = ks.get_parameters_for_import(key_id, algorithm, spec)?;
        let mut params = sr_parameters_for_import {
            key_id: std::ptr::null_mut(),
            import_token: sr_buffer::new(p.import_token),
            public_key: sr_buffer::new(p.public_key),
            parameters_valid_to: p.parameters_valid_to.unix_millis(),
        };
        params.key_id = c_string(&p.key_id)?;
        out.set(to_box(params));
        Ok(())
    })
}

/// Frees import parameters. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_parameters_for_import_free(parameters: *mut sr_parameters_for_import) {
    boundary_void(|| drop(free_box(parameters)))
}

/// Imports key material wrapped under the public key of `sr_get_parameters_for_import` (AWS KMS
/// `ImportKeyMaterial`); the key becomes `Enabled`. `expiration_model` is
/// `"KEY_MATERIAL_DOES_NOT_EXPIRE"` (also when NULL: SPEC section 7's default; `has_valid_to`
/// false), or `"KEY_MATERIAL_EXPIRES"`, which needs `has_valid_to` and `valid_to`
/// (milliseconds since the Unix epoch; without them `SR_STATUS_VALIDATION`). Errors:
/// `SR_STATUS_EXPIRED_IMPORT_TOKEN`, `SR_STATUS_INVALID_IMPORT_TOKEN`,
/// `SR_STATUS_INVALID_CIPHERTEXT` (material that does not unwrap to 32 bytes),
/// `SR_STATUS_INCORRECT_KEY_MATERIAL` (not the key's earlier material).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_import_key_material(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    import_token: *const u8,
    import_token_len: usize,
    encrypted_key_material: *const u8,
    encrypted_key_material_len: usize,
    expiration_model: *const c_char,
    has_valid_to: bool,
    valid_to: i64,
) -> sr_status {
    boundary(|| {
        import(
            keystore,
            key_id,
            (import_token, import_token_len),
            (encrypted_key_material, encrypted_key_material_len),
            (expiration_model, has_valid_to, valid_to),
            (std::ptr::null(), std::ptr::null(), std::ptr::null()),
            std::ptr::null_mut(),
        )
    })
}

/// As `sr_import_key_material`, with AWS KMS's `ImportType` and `KeyMaterialId`, checked before
/// the token is used (a refused claim leaves it valid): `import_type` `"NEW_KEY_MATERIAL"` or
/// `"EXISTING_KEY_MATERIAL"` (NULL: by the key's history), `key_material_id` the key's existing
/// material id, 64 hex characters (NULL for none). `NEW_KEY_MATERIAL` for a key that had material
/// is `SR_STATUS_UNSUPPORTED_OPERATION`; `EXISTING_KEY_MATERIAL` for one that never had any, an
/// id with `NEW_KEY_MATERIAL` or an id that is not 64 hex characters `SR_STATUS_VALIDATION`;
/// another id `SR_STATUS_NOT_FOUND`. `key_material_description` (AWS's `KeyMaterialDescription`,
/// NULL for none: an earlier import's is kept) is 1 to 256 letters, digits, whitespace and
/// `: / _ . -` (`SR_STATUS_VALIDATION` otherwise); `sr_list_key_rotations_with` reports it. On
/// success the imported material's id is written to
/// `key_material_id_out` (`SR_KEY_MATERIAL_ID_SIZE` bytes: 64 hex characters and a NUL) unless
/// it is NULL.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_import_key_material_with(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    import_token: *const u8,
    import_token_len: usize,
    encrypted_key_material: *const u8,
    encrypted_key_material_len: usize,
    expiration_model: *const c_char,
    has_valid_to: bool,
    valid_to: i64,
    import_type: *const c_char,
    key_material_id: *const c_char,
    key_material_description: *const c_char,
    key_material_id_out: *mut c_char,
) -> sr_status {
    boundary(|| {
        import(
            keystore,
            key_id,
            (import_token, import_token_len),
            (encrypted_key_material, encrypted_key_material_len),
            (expiration_model, has_valid_to, valid_to),
            (import_type, key_material_id, key_material_description),
            key_material_id_out,
        )
    })
}

/// The body of `sr_import_key_material` and `sr_import_key_material_with`.
fn import(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    (token, token_len): (*const u8, usize),
    (material, material_len): (*const u8, usize),
    (model, has_valid_to, valid_to): (*const c_char, bool, i64),
    (import_type, key_material_id, description): (*const c_char, *const c_char, *const c_char),
    key_material_id_out: *mut c_char,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let key_id = try_str(key_id, "key_id")?;
    let token = try_slice(token, token_len, "import_token")?;
    let material = try_slice(material, material_len, "encrypted_key_material")?;
    let model = match try_opt_str(model, "expiration_model")? {
        Some(m) => m.parse::<ExpirationModel>()?,
        None => sr_core::DEFAULT_EXPIRATION_MODEL,
    };
    let claims = ImportClaims {
        import_type: try_opt_str(import_type, "import_type")?
            .map(str::parse)
            .transpose()?,
        key_material_id: try_opt_str(key_material_id, "key_material_id")?,
        key_material_description: try_opt_str(description, "key_material_description")?,
    };
    let valid_to = has_valid_to.then(|| Timestamp::from_unix_millis(valid_to));
    let id = ks.import_key_material_with(key_id, token, material, model, valid_to, claims)?;
    if !key_material_id_out.is_null() {
        let out = try_mut_slice(
            key_material_id_out.cast::<u8>(),
            SR_KEY_MATERIAL_ID_SIZE,
            "key_material_id_out",
        )?;
        for (o, c) in out.iter_mut().zip(material_id(Some(&id))) {
            *o = c as u8;
        }
    }
    Ok(())
}

/// Deletes the imported material of an `EXTERNAL` key (AWS KMS `DeleteImportedKeyMaterial`): it
/// goes back to `PendingImport` until the same material is imported again.
#[unsafe(no_mangle)]
pub extern "C" fn sr_delete_imported_key_material(
    keystore: *const sr_keystore,
    key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        ks.delete_imported_key_material(try_str(key_id, "key_id")?)?;
        Ok(())
    })
}

//! Key rotation: automatic and on demand (SPEC section 5).

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, page_parts, page_request, to_array, to_box,
    try_opt_str, try_str,
};
use crate::key::{SR_KEY_MATERIAL_ID_SIZE, material_id, static_name, static_opt_name};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{IncludeKeyMaterial, KeyRotationStatus, RotationsListEntry};
use std::ffi::c_char;

/// Whether and when a key rotates (AWS KMS `GetKeyRotationStatus`). Read-only; freed with
/// `sr_key_rotation_status_free`. Dates are milliseconds since the Unix epoch (UTC).
#[repr(C)]
pub struct sr_key_rotation_status {
    /// The key id.
    pub key_id: *mut c_char,
    /// Whether automatic rotation is on.
    pub key_rotation_enabled: bool,
    /// The rotation period in days while automatic rotation is on, else 0.
    pub rotation_period_in_days: u32,
    /// Whether `next_rotation_date` is set (while automatic rotation is on).
    pub has_next_rotation_date: bool,
    /// When automatic rotation next runs; meaningful only if `has_next_rotation_date`.
    pub next_rotation_date: i64,
    /// Whether an on-demand rotation is in progress (never: they complete within the call).
    pub has_on_demand_rotation_start_date: bool,
    /// Start of an on-demand rotation in progress; meaningful only if the flag is set.
    pub on_demand_rotation_start_date: i64,
}

impl sr_key_rotation_status {
    fn new(s: &KeyRotationStatus) -> Result<Self, Failure> {
        Ok(sr_key_rotation_status {
            key_id: c_string(&s.key_id)?,
            key_rotation_enabled: s.key_rotation_enabled,
            rotation_period_in_days: s.rotation_period_in_days.unwrap_or(0),
            has_next_rotation_date: s.next_rotation_date.is_some(),
            next_rotation_date: s.next_rotation_date.map_or(0, |t| t.unix_millis()),
            has_on_demand_rotation_start_date: s.on_demand_rotation_start_date.is_some(),
            on_demand_rotation_start_date: s
                .on_demand_rotation_start_date
                .map_or(0, |t| t.unix_millis()),
        })
    }
}

impl Drop for sr_key_rotation_status {
    fn drop(&mut self) {
        free_c_string(self.key_id);
    }
}

/// One rotation of a key, or one key material (AWS KMS `RotationsListEntry`). Read-only; freed
/// with its list.
#[repr(C)]
pub struct sr_rotations_list_entry {
    /// The key id.
    pub key_id: *mut c_char,
    /// When the new backing-key version was made (milliseconds since the Unix epoch, UTC).
    pub rotation_date: i64,
    /// `"AUTOMATIC"` or `"ON_DEMAND"`; `"INITIAL"` for the first material, listed only with
    /// `ALL_KEY_MATERIAL` (static string).
    pub rotation_type: *const c_char,
    /// The material's id (AWS KMS `KeyMaterialId`: 64 hex characters, NUL-terminated).
    pub key_material_id: [c_char; SR_KEY_MATERIAL_ID_SIZE],
    /// `"IMPORTED"` or `"PENDING_IMPORT"` for an `EXTERNAL` key's material, else NULL (static).
    pub import_state: *const c_char,
    /// `"CURRENT"` or `"NON_CURRENT"` (static string).
    pub key_material_state: *const c_char,
    /// An `EXTERNAL` key's `"KEY_MATERIAL_EXPIRES"` or `"KEY_MATERIAL_DOES_NOT_EXPIRE"`, else
    /// NULL (static string).
    pub expiration_model: *const c_char,
    /// Whether `valid_to` is set (expiring imported material).
    pub has_valid_to: bool,
    /// When the imported material expires; meaningful only if `has_valid_to`.
    pub valid_to: i64,
    /// The description an import gave an `EXTERNAL` key's material (AWS KMS
    /// `KeyMaterialDescription`), or NULL. Freed with the list.
    pub key_material_description: *mut c_char,
}

impl sr_rotations_list_entry {
    fn new(e: &RotationsListEntry) -> Result<Self, Failure> {
        let mut entry = sr_rotations_list_entry {
            key_id: c_string(&e.key_id)?,
            rotation_date: e.rotation_date.unix_millis(),
            rotation_type: static_name(e.rotation_type.as_str()),
            key_material_id: material_id(Some(&e.key_material_id)),
            import_state: static_opt_name(e.import_state.map(|s| s.as_str())),
            key_material_state: static_name(e.key_material_state.as_str()),
            expiration_model: static_opt_name(e.expiration_model.map(|m| m.as_str())),
            has_valid_to: e.valid_to.is_some(),
            valid_to: e.valid_to.map_or(0, |t| t.unix_millis()),
            key_material_description: std::ptr::null_mut(),
        };
        if let Some(d) = &e.key_material_description {
            // On failure `entry` drops, freeing what it holds.
            entry.key_material_description = c_string(d)?;
        }
        Ok(entry)
    }
}

impl Drop for sr_rotations_list_entry {
    fn drop(&mut self) {
        free_c_string(self.key_id);
        free_c_string(self.key_material_description);
    }
}

/// A key's rotations, oldest first, as `sr_list_key_rotations` (all) and
/// `sr_list_key_rotations_page` (one page) return them. Freed with `sr_rotations_list_free`.
#[repr(C)]
pub struct sr_rotations_list {
    /// `len` entries, oldest first.
    pub items: *mut sr_rotations_list_entry,
    /// Number of entries.
    pub len: usize,
    /// Whether more entries follow this page: pass `next_marker` to the next call (always false
    /// from `sr_list_key_rotations` and `sr_list_key_rotations_with`).
    pub truncated: bool,
    /// Where the next page starts when `truncated`, else NULL.
    pub next_marker: *mut c_char,
}

impl Drop for sr_rotations_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_marker);
    }
}

/// Turns on automatic rotation every `rotation_period_in_days` days (90 to 2560; 0 means the
/// default, 365) (AWS KMS `EnableKeyRotation`). The first rotation is one period from now.
/// `SR_STATUS_UNSUPPORTED_OPERATION` for keys with imported material.
#[unsafe(no_mangle)]
pub extern "C" fn sr_enable_key_rotation(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    rotation_period_in_days: u32,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let period = (rotation_period_in_days != 0).then_some(rotation_period_in_days);
        Ok(ks.enable_key_rotation(key_id, period)?)
    })
}

/// Turns off automatic rotation (AWS KMS `DisableKeyRotation`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_disable_key_rotation(
    keystore: *const sr_keystore,
    key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.disable_key_rotation(try_str(key_id, "key_id")?)?)
    })
}

/// Writes whether and when the key rotates to `*key_rotation_status_out` (AWS KMS
/// `GetKeyRotationStatus`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_key_rotation_status(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_rotation_status_out: *mut *mut sr_key_rotation_status,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(key_rotation_status_out, "key_rotation_status_out")?;
        let status = sr_key_rotation_status::new(&ks.get_key_rotation_status(key_id)?)?;
        out.set(to_box(status));
        Ok(())
    })
}

/// Frees a rotation status. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_key_rotation_status_free(key_rotation_status: *mut sr_key_rotation_status) {
    boundary_void(|| drop(free_box(key_rotation_status)))
}

/// Adds a new backing-key version now, whether or not automatic rotation is on (AWS KMS
/// `RotateKeyOnDemand`); new encryptions use it, older blobs still decrypt. At most 25 per key
/// (`SR_STATUS_LIMIT_EXCEEDED` beyond); `SR_STATUS_DISABLED` for a disabled key.
#[unsafe(no_mangle)]
pub extern "C" fn sr_rotate_key_on_demand(
    keystore: *const sr_keystore,
    key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.rotate_key_on_demand(try_str(key_id, "key_id")?)?)
    })
}

/// Writes the key's rotations, oldest first, to `*rotations_list_out` (AWS KMS
/// `ListKeyRotations`): `sr_list_key_rotations_with` with `"ROTATIONS_ONLY"`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_key_rotations(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    rotations_list_out: *mut *mut sr_rotations_list,
) -> sr_status {
    boundary(|| list_rotations(keystore, key_id, std::ptr::null(), rotations_list_out))
}

/// Writes the key's materials, oldest first, to `*rotations_list_out` (AWS KMS
/// `ListKeyRotations` with `IncludeKeyMaterial`): `include_key_material` `"ROTATIONS_ONLY"` (or
/// NULL) lists the rotations, `"ALL_KEY_MATERIAL"` the first material too.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_key_rotations_with(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    include_key_material: *const c_char,
    rotations_list_out: *mut *mut sr_rotations_list,
) -> sr_status {
    boundary(|| list_rotations(keystore, key_id, include_key_material, rotations_list_out))
}

/// The body of `sr_list_key_rotations` and `sr_list_key_rotations_with`.
fn list_rotations(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    include_key_material: *const c_char,
    rotations_list_out: *mut *mut sr_rotations_list,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let key_id = try_str(key_id, "key_id")?;
    let include = try_opt_str(include_key_material, "include_key_material")?
        .map(str::parse::<IncludeKeyMaterial>)
        .transpose()?
        .unwrap_or_default();
    let out = Out::new(rotations_list_out, "rotations_list_out")?;
    let items = ks
        .list_key_rotations_with(key_id, include)?
        .iter()
        .map(sr_rotations_list_entry::new)
        .collect::<Result<Vec<_>, _>>()?;
    let (items, len) = to_array(items);
    out.set(to_box(sr_rotations_list {
        items,
        len,
        truncated: false,
        next_marker: std::ptr::null_mut(),
    }));
    Ok(())
}

/// Writes one page of the key's materials, oldest first, to `*rotations_list_out` (AWS KMS
/// `ListKeyRotations` with `IncludeKeyMaterial`, `Limit` and `Marker`). `include_key_material`
/// as for `sr_list_key_rotations_with`; `limit` is 1 to 1000, or 0 for the default (100);
/// `marker` is NULL for the first page, else a previous page's `next_marker`
/// (`SR_STATUS_INVALID_MARKER` otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_key_rotations_page(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    include_key_material: *const c_char,
    limit: u32,
    marker: *const c_char,
    rotations_list_out: *mut *mut sr_rotations_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let include = try_opt_str(include_key_material, "include_key_material")?
            .map(str::parse::<IncludeKeyMaterial>)
            .transpose()?
            .unwrap_or_default();
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(rotations_list_out, "rotations_list_out")?;
        let page = ks.list_key_rotations_page(key_id, include, &page_request(limit, marker))?;
        let (items, truncated, next_marker) = page_parts(&page, sr_rotations_list_entry::new)?;
        let (items, len) = to_array(items);
        out.set(to_box(sr_rotations_list {
            items,
            len,
            truncated,
            next_marker,
        }));
        Ok(())
    })
}

/// Frees a list from `sr_list_key_rotations`, `sr_list_key_rotations_with` or
/// `sr_list_key_rotations_page` and its entries. Calling with NULL is fine. Must not be called
/// twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_rotations_list_free(rotations_list: *mut sr_rotations_list) {
    boundary_void(|| drop(free_box(rotations_list)))
}

//! Aliases: create, update, delete, list.

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, page_parts, page_request, to_array, to_box,
    try_opt_str, try_str,
};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::AliasListEntry;
use std::ffi::c_char;

/// One alias (AWS KMS `AliasListEntry`). Read-only; freed with its list. Dates are milliseconds
/// since the Unix epoch (UTC).
#[repr(C)]
pub struct sr_alias_list_entry {
    /// `alias/...`.
    pub alias_name: *mut c_char,
    /// `arn:strongroom:kms:local:<keystore id>:alias/...`.
    pub alias_arn: *mut c_char,
    /// The key id the alias points at.
    pub target_key_id: *mut c_char,
    /// When the alias was created.
    pub creation_date: i64,
    /// When the alias was last pointed at a key.
    pub last_updated_date: i64,
}

impl sr_alias_list_entry {
    fn new(a: &AliasListEntry) -> Result<Self, Failure> {
        let mut e = sr_alias_list_entry {
            alias_name: std::ptr::null_mut(),
            alias_arn: std::ptr::null_mut(),
            target_key_id: std::ptr::null_mut(),
            creation_date: a.creation_date.unix_millis(),
            last_updated_date: a.last_updated_date.unix_millis(),
        };
        e.alias_name = c_string(&a.alias_name)?;
        e.alias_arn = c_string(&a.alias_arn)?;
        e.target_key_id = c_string(&a.target_key_id)?;
        Ok(e)
    }
}

impl Drop for sr_alias_list_entry {
    fn drop(&mut self) {
        free_c_string(self.alias_name);
        free_c_string(self.alias_arn);
        free_c_string(self.target_key_id);
    }
}

/// A list of aliases, as `sr_list_aliases` (all) and `sr_list_aliases_page` (one page) return
/// it. Freed with `sr_alias_list_free`.
#[repr(C)]
pub struct sr_alias_list {
    /// `len` entries, ordered by alias name.
    pub items: *mut sr_alias_list_entry,
    /// Number of entries.
    pub len: usize,
    /// Whether more aliases follow this page: pass `next_marker` to the next call (always false
    /// from `sr_list_aliases`).
    pub truncated: bool,
    /// Where the next page starts when `truncated`, else NULL.
    pub next_marker: *mut c_char,
}

impl Drop for sr_alias_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_marker);
    }
}

/// Creates the alias `alias_name` (`alias/` then letters, digits, `/ _ -`; 256 bytes at most;
/// not under `alias/aws/` or `alias/strongroom/`) pointing at `target_key_id` (AWS KMS
/// `CreateAlias`). A taken name is `SR_STATUS_ALREADY_EXISTS`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_create_alias(
    keystore: *const sr_keystore,
    alias_name: *const c_char,
    target_key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let name = try_str(alias_name, "alias_name")?;
        let target = try_str(target_key_id, "target_key_id")?;
        Ok(ks.create_alias(name, target)?)
    })
}

/// Points an existing alias at another key (AWS KMS `UpdateAlias`, the manual-rotation move).
#[unsafe(no_mangle)]
pub extern "C" fn sr_update_alias(
    keystore: *const sr_keystore,
    alias_name: *const c_char,
    target_key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let name = try_str(alias_name, "alias_name")?;
        let target = try_str(target_key_id, "target_key_id")?;
        Ok(ks.update_alias(name, target)?)
    })
}

/// Deletes an alias; its key is left alone (AWS KMS `DeleteAlias`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_delete_alias(
    keystore: *const sr_keystore,
    alias_name: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.delete_alias(try_str(alias_name, "alias_name")?)?)
    })
}

/// Writes the aliases to `*alias_list_out` (AWS KMS `ListAliases`): all of them if `key_id` is
/// NULL, else those pointing at that key.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_aliases(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    alias_list_out: *mut *mut sr_alias_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let out = Out::new(alias_list_out, "alias_list_out")?;
        let items = ks
            .list_aliases(key_id)?
            .iter()
            .map(sr_alias_list_entry::new)
            .collect::<Result<Vec<_>, _>>()?;
        let (items, len) = to_array(items);
        out.set(to_box(sr_alias_list {
            items,
            len,
            truncated: false,
            next_marker: std::ptr::null_mut(),
        }));
        Ok(())
    })
}

/// Writes one page of the aliases, ordered by name, to `*alias_list_out` (AWS KMS `ListAliases`
/// with `Limit` and `Marker`): all of them if `key_id` is NULL, else those pointing at that key.
/// `limit` is 1 to 100, or 0 for the default (50); `marker` is NULL for the first page, else a
/// previous page's `next_marker` (`SR_STATUS_INVALID_MARKER` otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_aliases_page(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    limit: u32,
    marker: *const c_char,
    alias_list_out: *mut *mut sr_alias_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(alias_list_out, "alias_list_out")?;
        let page = ks.list_aliases_page(key_id, &page_request(limit, marker))?;
        let (items, truncated, next_marker) = page_parts(&page, sr_alias_list_entry::new)?;
        let (items, len) = to_array(items);
        out.set(to_box(sr_alias_list {
            items,
            len,
            truncated,
            next_marker,
        }));
        Ok(())
    })
}

/// Frees a list from `sr_list_aliases` or `sr_list_aliases_page` and every entry in it. Calling
/// with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_alias_list_free(alias_list: *mut sr_alias_list) {
    boundary_void(|| drop(free_box(alias_list)))
}

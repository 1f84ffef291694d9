//! Key metadata besides the state: tags (`sr_tag_resource`, `sr_untag_resource`,
//! `sr_list_resource_tags`, `sr_create_key_with_tags`), the description
//! (`sr_update_key_description`) and the last use (`sr_get_key_last_usage`).

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, to_array, to_box, try_opt_str, try_str,
};
use crate::key::{create_key, sr_key_metadata};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{Operation, PageRequest, Tag};
use std::ffi::{CStr, c_char};

/// One tag given to `sr_tag_resource` or `sr_create_key_with_tags` (or, for a secret, to
/// `sr_create_secret` or `sr_tag_secret`): UTF-8, NUL-terminated, neither NULL. Tags are passed
/// as `(const sr_tag_input *tags, size_t tags_len)`.
#[repr(C)]
pub struct sr_tag_input {
    /// The tag key: 1 to 128 characters, not starting with `aws:` (in any case).
    pub tag_key: *const c_char,
    /// The tag value: 0 to 256 characters.
    pub tag_value: *const c_char,
}

/// One tag of a key, as `sr_list_resource_tags` returns it, or of a secret (in
/// `sr_secret_metadata`). Read-only; freed with its list or struct.
#[repr(C)]
pub struct sr_tag {
    /// The tag key.
    pub tag_key: *mut c_char,
    /// The tag value (may be empty).
    pub tag_value: *mut c_char,
}

impl Drop for sr_tag {
    fn drop(&mut self) {
        free_c_string(self.tag_key);
        free_c_string(self.tag_value);
    }
}

/// One page of a key's tags, ordered by tag key. Freed with `sr_tag_list_free`.
#[repr(C)]
pub struct sr_tag_list {
    /// `len` tags.
    pub items: *mut sr_tag,
    /// Number of tags.
    pub len: usize,
    /// Whether more tags follow: pass `next_marker` to the next call.
    pub truncated: bool,
    /// Where the next page starts when `truncated`, else NULL.
    pub next_marker: *mut c_char,
}

impl Drop for sr_tag_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_marker);
    }
}

/// Core tags from a C array; NULL is allowed only with length 0.
pub(crate) fn tags(p: *const sr_tag_input, len: usize) -> Result<Vec<Tag>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Failure::null("tags"));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` readable tags for the call.
    let items = unsafe { std::slice::from_raw_parts(p, len) };
    items
        .iter()
        .map(|t| {
            Ok(Tag::new(
                try_str(t.tag_key, "tag_key")?,
                try_str(t.tag_value, "tag_value")?,
            ))
        })
        .collect()
}

/// Strings from a C array of `const char *`; NULL is allowed only with length 0.
pub(crate) fn strings(
    p: *const *const c_char,
    len: usize,
    what: &str,
) -> Result<Vec<String>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` readable pointers for the call.
    let items = unsafe { std::slice::from_raw_parts(p, len) };
    items
        .iter()
        .map(|s| try_str(*s, what).map(str::to_owned))
        .collect()
}

/// As `sr_create_key`, with `tags_len` tags (AWS KMS `CreateKey` with `Tags`; the bounds of
/// `sr_tag_resource`).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_create_key_with_tags(
    keystore: *const sr_keystore,
    description: *const c_char,
    key_spec: *const c_char,
    key_usage: *const c_char,
    origin: *const c_char,
    tags_in: *const sr_tag_input,
    tags_len: usize,
    key_metadata_out: *mut *mut sr_key_metadata,
) -> sr_status {
    boundary(|| {
        create_key(
            keystore,
            [description, key_spec, key_usage, origin, std::ptr::null()],
            tags(tags_in, tags_len)?,
            false,
            key_metadata_out,
        )
    })
}

/// Replaces a key's description (AWS KMS `UpdateKeyDescription`): 0 to 8192 characters; not
/// while the key is pending deletion (`SR_STATUS_INVALID_STATE`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_update_key_description(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    description: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        Ok(ks.update_key_description(key_id, try_str(description, "description")?)?)
    })
}

/// Adds `tags_len` (at least 1) tags to a key, replacing the value of a tag key it already has
/// (AWS KMS `TagResource`). A reserved `aws:` tag key or one given twice is
/// `SR_STATUS_INVALID_TAG`; more than 50 tags on the key `SR_STATUS_LIMIT_EXCEEDED`; a key pending
/// deletion `SR_STATUS_INVALID_STATE`. Nothing changes on failure.
#[unsafe(no_mangle)]
pub extern "C" fn sr_tag_resource(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    tags_in: *const sr_tag_input,
    tags_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        Ok(ks.tag_resource(key_id, &tags(tags_in, tags_len)?)?)
    })
}

/// Removes the tags of `tag_keys_len` (at least 1) tag keys from a key (AWS KMS
/// `UntagResource`); a tag key the key does not have is not an error.
#[unsafe(no_mangle)]
pub extern "C" fn sr_untag_resource(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    tag_keys: *const *const c_char,
    tag_keys_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let keys = strings(tag_keys, tag_keys_len, "tag_keys")?;
        Ok(ks.untag_resource(key_id, &keys)?)
    })
}

/// Writes one page of a key's tags, ordered by tag key, to `*tag_list_out` (AWS KMS
/// `ListResourceTags`). `limit` is 1 to 50, or 0 for the default (50); `marker` is NULL for the
/// first page, else a previous page's `next_marker` (`SR_STATUS_INVALID_MARKER` otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_resource_tags(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    limit: u32,
    marker: *const c_char,
    tag_list_out: *mut *mut sr_tag_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(tag_list_out, "tag_list_out")?;
        let page = PageRequest {
            limit: (limit != 0).then_some(limit),
            marker: marker.map(str::to_owned),
        };
        let p = ks.list_resource_tags(key_id, &page)?;
        let mut list = sr_tag_list {
            items: std::ptr::null_mut(),
            len: 0,
            truncated: p.truncated,
            next_marker: std::ptr::null_mut(),
        };
        if let Some(m) = &p.next_marker {
            list.next_marker = c_string(m)?;
        }
        let mut items = Vec::with_capacity(p.items.len());
        for t in &p.items {
            let mut e = sr_tag {
                tag_key: std::ptr::null_mut(),
                tag_value: std::ptr::null_mut(),
            };
            e.tag_key = c_string(&t.tag_key)?;
            e.tag_value = c_string(&t.tag_value)?;
            items.push(e);
        }
        (list.items, list.len) = to_array(items);
        out.set(to_box(list));
        Ok(())
    })
}

/// Frees a list from `sr_list_resource_tags` and every tag in it. Calling with NULL is fine.
/// Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_tag_list_free(tag_list: *mut sr_tag_list) {
    boundary_void(|| drop(free_box(tag_list)))
}

/// When and by which cryptographic operation a key was last used (AWS KMS `GetKeyLastUsage`).
/// Dates are milliseconds since the Unix epoch (UTC). Freed with `sr_key_last_usage_free`.
#[repr(C)]
pub struct sr_key_last_usage {
    /// The key id.
    pub key_id: *mut c_char,
    /// The last successful use's operation (`"Encrypt"`, `"Decrypt"`, `"ReEncrypt"`,
    /// `"GenerateDataKey"`, `"GenerateDataKeyWithoutPlaintext"`; static string), or NULL if the
    /// key has not been used since `tracking_start_date`.
    pub operation: *const c_char,
    /// When; meaningful only if `operation` is not NULL.
    pub timestamp: i64,
    /// Whether `tracking_start_date` is set (false if this keystore has never tracked uses:
    /// every session so far had audit level OFF).
    pub has_tracking_start_date: bool,
    /// Since when uses of this key are tracked.
    pub tracking_start_date: i64,
    /// When the key was created.
    pub key_creation_date: i64,
}

impl Drop for sr_key_last_usage {
    fn drop(&mut self) {
        free_c_string(self.key_id);
    }
}

/// The static C string of a use's operation name.
fn operation_name(o: Operation) -> &'static CStr {
    match o {
        Operation::Encrypt => c"Encrypt",
        Operation::Decrypt => c"Decrypt",
        Operation::ReEncrypt => c"ReEncrypt",
        Operation::GenerateDataKey => c"GenerateDataKey",
        Operation::GenerateDataKeyWithoutPlaintext => c"GenerateDataKeyWithoutPlaintext",
        _ => c"Unknown",
    }
}

/// Writes a key's last use to `*key_last_usage_out` (AWS KMS `GetKeyLastUsage`), in any state.
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_key_last_usage(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_last_usage_out: *mut *mut sr_key_last_usage,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(key_last_usage_out, "key_last_usage_out")?;
        let u = ks.get_key_last_usage(key_id)?;
        let last = u.key_last_usage;
        let mut r = sr_key_last_usage {
            key_id: std::ptr::null_mut(),
            operation: last.map_or(std::ptr::null(), |l| operation_name(l.operation).as_ptr()),
            timestamp: last.map_or(0, |l| l.timestamp.unix_millis()),
            has_tracking_start_date: u.tracking_start_date.is_some(),
            tracking_start_date: u.tracking_start_date.map_or(0, |t| t.unix_millis()),
            key_creation_date: u.key_creation_date.unix_millis(),
        };
        r.key_id = c_string(&u.key_id)?;
        out.set(to_box(r));
        Ok(())
    })
}

/// Frees a result of `sr_get_key_last_usage`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_key_last_usage_free(key_last_usage: *mut sr_key_last_usage) {
    boundary_void(|| drop(free_box(key_last_usage)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tracked_operation_has_its_name() {
        for o in [
            Operation::Encrypt,
            Operation::Decrypt,
            Operation::ReEncrypt,
            Operation::GenerateDataKey,
            Operation::GenerateDataKeyWithoutPlaintext,
        ] {
            assert_eq!(operation_name(o).to_str().unwrap(), o.as_str());
        }
    }
}

//! Named secrets (SPEC section 14; docs/secrets.md), with AWS Secrets Manager's operations:
//! `sr_create_secret`, `sr_get_secret_value`, `sr_put_secret_value`, `sr_update_secret`,
//! `sr_describe_secret`, `sr_list_secrets`, `sr_list_secret_version_ids`,
//! `sr_update_secret_version_stage`, `sr_delete_secret`, `sr_restore_secret`,
//! `sr_get_random_password`, `sr_tag_secret`, `sr_untag_secret`, and the resource-policy calls
//! `sr_put_resource_policy`, `sr_get_resource_policy`, `sr_delete_resource_policy` and
//! `sr_validate_resource_policy`. A secret is named by its
//! `secret_id`: its name, its ARN, or its ARN without the six-character suffix.
//!
//! Values cross the boundary as `(secret_string)` (NUL-terminated UTF-8) or `(secret_binary,
//! secret_binary_len)`; the copies strongroom returns are zeroed when they are freed.

use crate::crypto::sr_buffer;
use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, to_array, to_box, try_opt_str, try_ref,
    try_slice, try_str, wipe,
};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use crate::tag::{sr_tag, sr_tag_input, strings};
use sr_core::{
    CreateSecret, DeletedSecret, ListSecrets, PasswordOptions, PolicyValidation, SecretFilter,
    SecretMetadata, SecretTag, SecretValue, SecretValueInput, SecretVersionRef, UpdateSecret,
};
use std::ffi::{CStr, c_char};

/// A NUL-terminated copy of secret bytes for C: `len + 1` bytes (the last one NUL) in one
/// allocation of exactly that size, so that [`free_secret_text`] can wipe every byte. Returns the
/// pointer and `len` (without the NUL; the text may hold NUL bytes of its own).
fn secret_text(bytes: &[u8]) -> (*mut c_char, usize) {
    // Exactly `len + 1` capacity: `to_array`'s boxing does not reallocate (no stray copy).
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v.push(0u8);
    let (p, n) = to_array(v);
    (p.cast::<c_char>(), n - 1)
}

/// Wipes and frees what [`secret_text`] made (`len` without the NUL); NULL is a no-op.
fn free_secret_text(p: *mut c_char, len: usize) {
    if p.is_null() {
        return;
    }
    let mut v = free_array(p.cast::<u8>(), len + 1);
    wipe(&mut v);
}

/// An array of C copies of `items` (freed with [`free_strings`]); on failure nothing is left
/// allocated.
fn c_strings(items: &[String]) -> Result<(*mut *mut c_char, usize), Failure> {
    let mut out = Vec::with_capacity(items.len());
    for s in items {
        match c_string(s) {
            Ok(p) => out.push(p),
            Err(e) => {
                out.into_iter().for_each(free_c_string);
                return Err(e);
            }
        }
    }
    Ok(to_array(out))
}

/// Frees what [`c_strings`] made; NULL is a no-op.
fn free_strings(items: *mut *mut c_char, len: usize) {
    free_array(items, len).into_iter().for_each(free_c_string);
}

/// A C copy of an optional string: NULL for `None`.
fn opt_c_string(s: Option<&str>) -> Result<*mut c_char, Failure> {
    s.map_or(Ok(std::ptr::null_mut()), c_string)
}

/// `Some(n)` unless `n` is 0 ("not given").
fn opt_count(n: u32) -> Option<u32> {
    (n != 0).then_some(n)
}

/// A request's value from C: `secret_string` (NULL: not given) or `secret_binary` (NULL: not
/// given; else `secret_binary_len` bytes), at most one (the core's rule, `SR_STATUS_VALIDATION`).
fn value_arg(
    secret_string: *const c_char,
    secret_binary: *const u8,
    secret_binary_len: usize,
) -> Result<Option<SecretValue>, Failure> {
    let string = try_opt_str(secret_string, "secret_string")?;
    let binary = if secret_binary.is_null() {
        if secret_binary_len != 0 {
            return Err(Failure::null("secret_binary"));
        }
        None
    } else {
        Some(try_slice(
            secret_binary,
            secret_binary_len,
            "secret_binary",
        )?)
    };
    Ok(sr_core::secret_value(SecretValueInput {
        secret_string: string,
        secret_binary: binary,
    })?)
}

/// Secret tags from a C array of `sr_tag_input`; NULL is allowed only with length 0.
fn secret_tags(p: *const sr_tag_input, len: usize) -> Result<Vec<SecretTag>, Failure> {
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
            Ok(SecretTag::new(
                try_str(t.tag_key, "tag_key")?,
                try_str(t.tag_value, "tag_value")?,
            ))
        })
        .collect()
}

/// C copies of secret tags (freed with `free_array` and `Drop` of `sr_tag`).
fn c_tags(tags: &[SecretTag]) -> Result<(*mut sr_tag, usize), Failure> {
    let mut items = Vec::with_capacity(tags.len());
    for t in tags {
        let mut e = sr_tag {
            tag_key: std::ptr::null_mut(),
            tag_value: std::ptr::null_mut(),
        };
        e.tag_key = c_string(&t.key)?;
        e.tag_value = c_string(&t.value)?;
        items.push(e);
    }
    Ok(to_array(items))
}

/// A version made or moved (AWS Secrets Manager's `CreateSecret`, `PutSecretValue`,
/// `UpdateSecret` and `UpdateSecretVersionStage` results). Freed with
/// `sr_secret_version_ref_free`.
#[repr(C)]
pub struct sr_secret_version_ref {
    /// The secret's ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX`).
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// The version made (or found, for a retried `client_request_token`); NULL when the call
    /// made no version (a secret created without a value, an update without one, a label move).
    pub version_id: *mut c_char,
    /// `version_stages_len` staging labels of that version (`sr_put_secret_value` only; else
    /// none).
    pub version_stages: *mut *mut c_char,
    /// Number of staging labels.
    pub version_stages_len: usize,
}

impl Drop for sr_secret_version_ref {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
        free_c_string(self.version_id);
        free_strings(self.version_stages, self.version_stages_len);
    }
}

/// Writes a version reference to `out`.
fn set_version_ref(
    out: Out<*mut sr_secret_version_ref>,
    r: &SecretVersionRef,
) -> Result<(), Failure> {
    let mut v = sr_secret_version_ref {
        arn: std::ptr::null_mut(),
        name: std::ptr::null_mut(),
        version_id: std::ptr::null_mut(),
        version_stages: std::ptr::null_mut(),
        version_stages_len: 0,
    };
    // Filled one by one so that a failure frees what was made (through Drop).
    v.arn = c_string(&r.arn)?;
    v.name = c_string(&r.name)?;
    v.version_id = opt_c_string(r.version_id.as_deref())?;
    (v.version_stages, v.version_stages_len) = c_strings(&r.version_stages)?;
    out.set(to_box(v));
    Ok(())
}

/// Frees a result of `sr_create_secret`, `sr_put_secret_value`, `sr_update_secret` or
/// `sr_update_secret_version_stage`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_version_ref_free(version_ref: *mut sr_secret_version_ref) {
    boundary_void(|| drop(free_box(version_ref)))
}

/// Creates a secret (AWS Secrets Manager `CreateSecret`) and writes its ARN, name and first
/// version to `*version_ref_out` (free it with `sr_secret_version_ref_free`).
///
/// `name`: 1 to 512 ASCII letters, digits and `/_+=.@-`. `client_request_token`: the first
/// version's id, 32 to 64 characters, or NULL for a random UUID (retrying with the same token and
/// value changes nothing). `description` (NULL for none): up to 2,048 characters. `kms_key_id`:
/// the symmetric KMS key that encrypts the versions (id, ARN, alias), or NULL for the keystore's
/// default secrets key, `alias/strongroom/secretsmanager`, made on first use. The value is
/// `secret_string` (NUL-terminated UTF-8) or `secret_binary` (`secret_binary_len` bytes), 1 to
/// 65,536 bytes, not both (`SR_STATUS_VALIDATION`), or neither (a secret without versions).
/// `tags_len` (up to 50) tags. A name already taken is `SR_STATUS_ALREADY_EXISTS` (by a
/// secret scheduled for deletion, `SR_STATUS_INVALID_STATE`); a disabled KMS key
/// `SR_STATUS_ENCRYPTION_FAILURE`. Nothing is created on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_create_secret(
    keystore: *const sr_keystore,
    name: *const c_char,
    client_request_token: *const c_char,
    description: *const c_char,
    kms_key_id: *const c_char,
    secret_string: *const c_char,
    secret_binary: *const u8,
    secret_binary_len: usize,
    tags_in: *const sr_tag_input,
    tags_len: usize,
    version_ref_out: *mut *mut sr_secret_version_ref,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let req = CreateSecret {
            name: try_str(name, "name")?.to_owned(),
            client_request_token: try_opt_str(client_request_token, "client_request_token")?
                .map(str::to_owned),
            description: try_opt_str(description, "description")?.map(str::to_owned),
            kms_key_id: try_opt_str(kms_key_id, "kms_key_id")?.map(str::to_owned),
            value: value_arg(secret_string, secret_binary, secret_binary_len)?,
            tags: secret_tags(tags_in, tags_len)?,
        };
        let out = Out::new(version_ref_out, "version_ref_out")?;
        set_version_ref(out, &ks.create_secret(&req)?)
    })
}

/// A secret's value (AWS Secrets Manager `GetSecretValue`'s result). Freed with
/// `sr_secret_value_free`, which zeroes the value. Dates are milliseconds since the Unix epoch
/// (UTC).
#[repr(C)]
pub struct sr_secret_value {
    /// The secret's ARN.
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// The version's id.
    pub version_id: *mut c_char,
    /// `SecretString`: the text, NUL-terminated, `secret_string_len` bytes before the NUL (a
    /// string value may hold NUL bytes of its own: use the length); NULL for a binary value.
    pub secret_string: *mut c_char,
    /// Length of `secret_string` in bytes, without the terminating NUL.
    pub secret_string_len: usize,
    /// `SecretBinary`: the bytes; empty (`data` NULL, `len` 0) for a string value. Do not free
    /// it on its own: `sr_secret_value_free` does.
    pub secret_binary: sr_buffer,
    /// `version_stages_len` staging labels of the version (`"AWSCURRENT"`, ...).
    pub version_stages: *mut *mut c_char,
    /// Number of staging labels.
    pub version_stages_len: usize,
    /// When the version was made.
    pub created_date: i64,
}

impl Drop for sr_secret_value {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
        free_c_string(self.version_id);
        free_secret_text(self.secret_string, self.secret_string_len);
        self.secret_binary.release();
        free_strings(self.version_stages, self.version_stages_len);
    }
}

/// Writes a secret's value to `*secret_value_out` (AWS Secrets Manager `GetSecretValue`; free it
/// with `sr_secret_value_free`, which zeroes the value). The version is the one labelled
/// `AWSCURRENT`, unless `version_id` and/or `version_stage` (each NULL for none) name another
/// (both must then name the same version). No such secret, version or label is
/// `SR_STATUS_NOT_FOUND`; a secret scheduled for deletion `SR_STATUS_INVALID_STATE`; a KMS key
/// that is disabled, pending deletion or gone `SR_STATUS_DECRYPTION_FAILURE` (the message says
/// which, and what resolves it).
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_secret_value(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    version_id: *const c_char,
    version_stage: *const c_char,
    secret_value_out: *mut *mut sr_secret_value,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let version_id = try_opt_str(version_id, "version_id")?;
        let version_stage = try_opt_str(version_stage, "version_stage")?;
        let out = Out::new(secret_value_out, "secret_value_out")?;
        let v = ks.get_secret_value(secret_id, version_id, version_stage)?;
        let mut r = sr_secret_value {
            arn: std::ptr::null_mut(),
            name: std::ptr::null_mut(),
            version_id: std::ptr::null_mut(),
            secret_string: std::ptr::null_mut(),
            secret_string_len: 0,
            secret_binary: sr_buffer::empty(),
            version_stages: std::ptr::null_mut(),
            version_stages_len: 0,
            created_date: v.created_date.unix_millis(),
        };
        r.arn = c_string(v.arn())?;
        r.name = c_string(v.name())?;
        r.version_id = c_string(v.version_id())?;
        (r.version_stages, r.version_stages_len) = c_strings(v.version_stages())?;
        match v.value.as_binary() {
            Some(b) => r.secret_binary = sr_buffer::copy_of(b),
            None => (r.secret_string, r.secret_string_len) = secret_text(v.value.as_bytes()),
        }
        out.set(to_box(r));
        Ok(())
    })
}

/// Frees a result of `sr_get_secret_value`, zeroing the value first. Calling with NULL is fine.
/// Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_value_free(secret_value: *mut sr_secret_value) {
    boundary_void(|| drop(free_box(secret_value)))
}

/// Adds a version to a secret (AWS Secrets Manager `PutSecretValue`) and writes it to
/// `*version_ref_out` (with its labels; free it with `sr_secret_version_ref_free`).
///
/// The value is `secret_string` or `secret_binary` as in `sr_create_secret`; exactly one is
/// required. `client_request_token` is the version's id (NULL: a random UUID; the same token
/// with the same value changes nothing, with another value is `SR_STATUS_ALREADY_EXISTS`).
/// `version_stages` is an array of `version_stages_len` staging labels (1 to 20; NULL and 0 for
/// `AWSCURRENT`): each label moves to the new version, and when `AWSCURRENT` moves, the version
/// that had it becomes `AWSPREVIOUS`. A disabled KMS key is `SR_STATUS_ENCRYPTION_FAILURE`; a
/// secret scheduled for deletion `SR_STATUS_INVALID_STATE`. Nothing changes on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_put_secret_value(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    client_request_token: *const c_char,
    secret_string: *const c_char,
    secret_binary: *const u8,
    secret_binary_len: usize,
    version_stages: *const *const c_char,
    version_stages_len: usize,
    version_ref_out: *mut *mut sr_secret_version_ref,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let token = try_opt_str(client_request_token, "client_request_token")?;
        let value = value_arg(secret_string, secret_binary, secret_binary_len)?
            .ok_or_else(|| Failure::validation("give secret_string or secret_binary".to_owned()))?;
        let stages = strings(version_stages, version_stages_len, "version_stages")?;
        let stages = (!stages.is_empty()).then_some(stages.as_slice());
        let out = Out::new(version_ref_out, "version_ref_out")?;
        set_version_ref(out, &ks.put_secret_value(secret_id, token, &value, stages)?)
    })
}

/// Changes a secret (AWS Secrets Manager `UpdateSecret`): each argument that is not NULL
/// changes. `description` replaces the description; `kms_key_id` names a new KMS key (new
/// versions use it, and the labelled versions are encrypted again under it); a value
/// (`secret_string` or `secret_binary`, as in `sr_create_secret`) becomes a new `AWSCURRENT`
/// version with id `client_request_token` (NULL: a random UUID). Writes the result to
/// `*version_ref_out` (`version_id` NULL if no version was made; free it with
/// `sr_secret_version_ref_free`). Nothing changes on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_update_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    client_request_token: *const c_char,
    description: *const c_char,
    kms_key_id: *const c_char,
    secret_string: *const c_char,
    secret_binary: *const u8,
    secret_binary_len: usize,
    version_ref_out: *mut *mut sr_secret_version_ref,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let req = UpdateSecret {
            client_request_token: try_opt_str(client_request_token, "client_request_token")?
                .map(str::to_owned),
            description: try_opt_str(description, "description")?.map(str::to_owned),
            kms_key_id: try_opt_str(kms_key_id, "kms_key_id")?.map(str::to_owned),
            value: value_arg(secret_string, secret_binary, secret_binary_len)?,
        };
        let out = Out::new(version_ref_out, "version_ref_out")?;
        set_version_ref(out, &ks.update_secret(secret_id, &req)?)
    })
}

/// The versions of a secret that carry a staging label, each with its labels (AWS's
/// `VersionIdsToStages` map, one entry per version).
#[repr(C)]
pub struct sr_secret_version_stages {
    /// The version's id.
    pub version_id: *mut c_char,
    /// `version_stages_len` staging labels.
    pub version_stages: *mut *mut c_char,
    /// Number of staging labels.
    pub version_stages_len: usize,
}

impl Drop for sr_secret_version_stages {
    fn drop(&mut self) {
        free_c_string(self.version_id);
        free_strings(self.version_stages, self.version_stages_len);
    }
}

/// A secret's metadata (AWS Secrets Manager `DescribeSecret`'s result, and each entry of
/// `sr_list_secrets`). Never the value. Dates are milliseconds since the Unix epoch (UTC). Freed
/// with `sr_secret_metadata_free` (or with its list).
#[repr(C)]
pub struct sr_secret_metadata {
    /// The secret's ARN.
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// The description, or NULL if none was given.
    pub description: *mut c_char,
    /// The KMS key's ARN, or NULL when the secret uses the keystore's default secrets key.
    pub kms_key_id: *mut c_char,
    /// When the secret was made.
    pub created_date: i64,
    /// When its value, description, key or tags last changed.
    pub last_changed_date: i64,
    /// Whether the secret is scheduled for deletion (then `deleted_date` is set).
    pub has_deleted_date: bool,
    /// When the secret will be destroyed, if `has_deleted_date`.
    pub deleted_date: i64,
    /// `tags_len` tags, in the order given.
    pub tags: *mut sr_tag,
    /// Number of tags.
    pub tags_len: usize,
    /// `version_ids_to_stages_len` versions that carry a staging label, ordered by version id.
    pub version_ids_to_stages: *mut sr_secret_version_stages,
    /// Number of entries in `version_ids_to_stages`.
    pub version_ids_to_stages_len: usize,
    /// Whether a value of the secret was ever read (then `last_accessed_date` is set).
    pub has_last_accessed_date: bool,
    /// The day (00:00 UTC) a value was last read, if `has_last_accessed_date`.
    pub last_accessed_date: i64,
}

impl sr_secret_metadata {
    fn new(m: &SecretMetadata) -> Result<Self, Failure> {
        let mut r = sr_secret_metadata {
            arn: std::ptr::null_mut(),
            name: std::ptr::null_mut(),
            description: std::ptr::null_mut(),
            kms_key_id: std::ptr::null_mut(),
            created_date: m.created_date.unix_millis(),
            last_changed_date: m.last_changed_date.unix_millis(),
            has_deleted_date: m.deleted_date.is_some(),
            deleted_date: m.deleted_date.map_or(0, |t| t.unix_millis()),
            tags: std::ptr::null_mut(),
            tags_len: 0,
            version_ids_to_stages: std::ptr::null_mut(),
            version_ids_to_stages_len: 0,
            has_last_accessed_date: m.last_accessed_date.is_some(),
            last_accessed_date: m.last_accessed_date.map_or(0, |t| t.unix_millis()),
        };
        // Filled one by one so that a failure frees what was made (through Drop).
        r.arn = c_string(&m.arn)?;
        r.name = c_string(&m.name)?;
        r.description = opt_c_string(m.description.as_deref())?;
        r.kms_key_id = opt_c_string(m.kms_key_id.as_deref())?;
        (r.tags, r.tags_len) = c_tags(&m.tags)?;
        let mut versions = Vec::with_capacity(m.version_ids_to_stages.len());
        for (id, stages) in &m.version_ids_to_stages {
            let mut e = sr_secret_version_stages {
                version_id: std::ptr::null_mut(),
                version_stages: std::ptr::null_mut(),
                version_stages_len: 0,
            };
            e.version_id = c_string(id)?;
            (e.version_stages, e.version_stages_len) = c_strings(stages)?;
            versions.push(e);
        }
        (r.version_ids_to_stages, r.version_ids_to_stages_len) = to_array(versions);
        Ok(r)
    }
}

impl Drop for sr_secret_metadata {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
        free_c_string(self.description);
        free_c_string(self.kms_key_id);
        drop(free_array(self.tags, self.tags_len));
        drop(free_array(
            self.version_ids_to_stages,
            self.version_ids_to_stages_len,
        ));
    }
}

/// Writes a secret's metadata to `*secret_metadata_out` (AWS Secrets Manager `DescribeSecret`;
/// free it with `sr_secret_metadata_free`). Works while the secret is scheduled for deletion (then
/// `has_deleted_date` is set) and whatever its KMS key's state.
#[unsafe(no_mangle)]
pub extern "C" fn sr_describe_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    secret_metadata_out: *mut *mut sr_secret_metadata,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let out = Out::new(secret_metadata_out, "secret_metadata_out")?;
        let m = sr_secret_metadata::new(&ks.describe_secret(secret_id)?)?;
        out.set(to_box(m));
        Ok(())
    })
}

/// Frees a result of `sr_describe_secret`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_metadata_free(secret_metadata: *mut sr_secret_metadata) {
    boundary_void(|| drop(free_box(secret_metadata)))
}

/// One `sr_list_secrets` filter (AWS Secrets Manager's `Filter`): `key` is `"name"`,
/// `"description"`, `"tag-key"`, `"tag-value"` or `"all"`; `values` is an array of `values_len`
/// (1 to 10) prefixes, matched case-insensitively, a leading `!` negating one. A secret matches
/// a filter if any value matches, and the list if every filter matches.
#[repr(C)]
pub struct sr_secret_filter {
    /// What the values are matched against.
    pub key: *const c_char,
    /// `values_len` NUL-terminated values.
    pub values: *const *const c_char,
    /// Number of values.
    pub values_len: usize,
}

/// Core filters from a C array; NULL is allowed only with length 0.
fn filters(p: *const sr_secret_filter, len: usize) -> Result<Vec<SecretFilter>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Failure::null("filters"));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` readable filters for the call.
    let items = unsafe { std::slice::from_raw_parts(p, len) };
    items
        .iter()
        .map(|f| {
            Ok(SecretFilter {
                key: try_str(f.key, "filter key")?.parse()?,
                values: strings(f.values, f.values_len, "filter values")?,
            })
        })
        .collect()
}

/// One page of secrets, as `sr_list_secrets` returns it. Freed with `sr_secret_list_free`.
#[repr(C)]
pub struct sr_secret_list {
    /// `len` secrets.
    pub items: *mut sr_secret_metadata,
    /// Number of secrets.
    pub len: usize,
    /// Where the next page starts (pass it as `next_token`), or NULL on the last page.
    pub next_token: *mut c_char,
}

impl Drop for sr_secret_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_token);
    }
}

/// Writes one page of secrets to `*secret_list_out` (AWS Secrets Manager `ListSecrets`; free it
/// with `sr_secret_list_free`). Secrets scheduled for deletion are listed only with
/// `include_planned_deletion`. `max_results` is 1 to 100, or 0 for the default (100);
/// `next_token` is NULL for the first page, else a previous page's `next_token` (another is
/// `SR_STATUS_VALIDATION`). `filters_len` (up to 10) filters. `sort_by` is `"created-date"` (the
/// default, for NULL), `"last-changed-date"` or `"name"`; `sort_order` `"asc"` or `"desc"` (the
/// default, for NULL).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_list_secrets(
    keystore: *const sr_keystore,
    include_planned_deletion: bool,
    max_results: u32,
    next_token: *const c_char,
    filters_in: *const sr_secret_filter,
    filters_len: usize,
    sort_by: *const c_char,
    sort_order: *const c_char,
    secret_list_out: *mut *mut sr_secret_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let req = ListSecrets {
            include_planned_deletion,
            max_results: opt_count(max_results),
            next_token: try_opt_str(next_token, "next_token")?.map(str::to_owned),
            filters: filters(filters_in, filters_len)?,
            sort_by: try_opt_str(sort_by, "sort_by")?
                .map(str::parse)
                .transpose()?,
            ascending: match try_opt_str(sort_order, "sort_order")? {
                None | Some("desc") => false,
                Some("asc") => true,
                Some(o) => {
                    return Err(Failure::validation(format!(
                        "sort_order must be \"asc\" or \"desc\", not {o:?}"
                    )));
                }
            },
        };
        let out = Out::new(secret_list_out, "secret_list_out")?;
        let page = ks.list_secrets(&req)?;
        let mut list = sr_secret_list {
            items: std::ptr::null_mut(),
            len: 0,
            next_token: opt_c_string(page.next_token.as_deref())?,
        };
        let items = page
            .secrets
            .iter()
            .map(sr_secret_metadata::new)
            .collect::<Result<Vec<_>, _>>()?;
        (list.items, list.len) = to_array(items);
        out.set(to_box(list));
        Ok(())
    })
}

/// Frees a list from `sr_list_secrets` and every entry in it. Calling with NULL is fine. Must not
/// be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_list_free(secret_list: *mut sr_secret_list) {
    boundary_void(|| drop(free_box(secret_list)))
}

/// One version of a secret (an entry of AWS Secrets Manager's `ListSecretVersionIds`).
#[repr(C)]
pub struct sr_secret_version_entry {
    /// The version's id.
    pub version_id: *mut c_char,
    /// `version_stages_len` staging labels (none for a deprecated version).
    pub version_stages: *mut *mut c_char,
    /// Number of staging labels.
    pub version_stages_len: usize,
    /// When the version was made (milliseconds since the Unix epoch, UTC).
    pub created_date: i64,
    /// `kms_key_ids_len` ARNs of the KMS key that encrypts the version.
    pub kms_key_ids: *mut *mut c_char,
    /// Number of KMS key ARNs.
    pub kms_key_ids_len: usize,
    /// Whether the version was ever read (then `last_accessed_date` is set).
    pub has_last_accessed_date: bool,
    /// The day (00:00 UTC) it was last read, if `has_last_accessed_date`.
    pub last_accessed_date: i64,
}

impl Drop for sr_secret_version_entry {
    fn drop(&mut self) {
        free_c_string(self.version_id);
        free_strings(self.version_stages, self.version_stages_len);
        free_strings(self.kms_key_ids, self.kms_key_ids_len);
    }
}

/// One page of a secret's versions, newest first, as `sr_list_secret_version_ids` returns it.
/// Freed with `sr_secret_version_list_free`.
#[repr(C)]
pub struct sr_secret_version_list {
    /// The secret's ARN.
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// `len` versions.
    pub items: *mut sr_secret_version_entry,
    /// Number of versions.
    pub len: usize,
    /// Where the next page starts (pass it as `next_token`), or NULL on the last page.
    pub next_token: *mut c_char,
}

impl Drop for sr_secret_version_list {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
        drop(free_array(self.items, self.len));
        free_c_string(self.next_token);
    }
}

/// Writes one page of a secret's versions, newest first, to `*version_list_out` (AWS Secrets
/// Manager `ListSecretVersionIds`; free it with `sr_secret_version_list_free`): the labelled
/// versions, and with `include_deprecated` those without a label too. `max_results` and
/// `next_token` as for `sr_list_secrets`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_secret_version_ids(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    max_results: u32,
    next_token: *const c_char,
    include_deprecated: bool,
    version_list_out: *mut *mut sr_secret_version_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let next_token = try_opt_str(next_token, "next_token")?;
        let out = Out::new(version_list_out, "version_list_out")?;
        let p = ks.list_secret_version_ids(
            secret_id,
            opt_count(max_results),
            next_token,
            include_deprecated,
        )?;
        let mut list = sr_secret_version_list {
            arn: std::ptr::null_mut(),
            name: std::ptr::null_mut(),
            items: std::ptr::null_mut(),
            len: 0,
            next_token: std::ptr::null_mut(),
        };
        list.arn = c_string(&p.arn)?;
        list.name = c_string(&p.name)?;
        list.next_token = opt_c_string(p.next_token.as_deref())?;
        let mut items = Vec::with_capacity(p.versions.len());
        for v in &p.versions {
            let mut e = sr_secret_version_entry {
                version_id: std::ptr::null_mut(),
                version_stages: std::ptr::null_mut(),
                version_stages_len: 0,
                created_date: v.created_date.unix_millis(),
                kms_key_ids: std::ptr::null_mut(),
                kms_key_ids_len: 0,
                has_last_accessed_date: v.last_accessed_date.is_some(),
                last_accessed_date: v.last_accessed_date.map_or(0, |t| t.unix_millis()),
            };
            e.version_id = c_string(&v.version_id)?;
            (e.version_stages, e.version_stages_len) = c_strings(&v.version_stages)?;
            (e.kms_key_ids, e.kms_key_ids_len) = c_strings(&v.kms_key_ids)?;
            items.push(e);
        }
        (list.items, list.len) = to_array(items);
        out.set(to_box(list));
        Ok(())
    })
}

/// Frees a list from `sr_list_secret_version_ids` and every entry in it. Calling with NULL is
/// fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_version_list_free(version_list: *mut sr_secret_version_list) {
    boundary_void(|| drop(free_box(version_list)))
}

/// Moves a staging label (AWS Secrets Manager `UpdateSecretVersionStage`): `version_stage` to
/// version `move_to_version_id` and/or off version `remove_from_version_id` (each NULL for
/// none). When the label is attached to another version, `remove_from_version_id` must name that
/// version (else `SR_STATUS_VALIDATION`); `AWSCURRENT` can only move, never just be removed, and
/// when it moves the version that had it becomes `AWSPREVIOUS`. Writes the secret's ARN and name
/// to `*version_ref_out` (free it with `sr_secret_version_ref_free`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_update_secret_version_stage(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    version_stage: *const c_char,
    remove_from_version_id: *const c_char,
    move_to_version_id: *const c_char,
    version_ref_out: *mut *mut sr_secret_version_ref,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let stage = try_str(version_stage, "version_stage")?;
        let remove = try_opt_str(remove_from_version_id, "remove_from_version_id")?;
        let to = try_opt_str(move_to_version_id, "move_to_version_id")?;
        let out = Out::new(version_ref_out, "version_ref_out")?;
        set_version_ref(
            out,
            &ks.update_secret_version_stage(secret_id, stage, remove, to)?,
        )
    })
}

/// A secret scheduled for deletion or restored (AWS Secrets Manager `DeleteSecret` and
/// `RestoreSecret` results). Freed with `sr_deleted_secret_free`.
#[repr(C)]
pub struct sr_deleted_secret {
    /// The secret's ARN.
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// Whether `deletion_date` is set: by `sr_delete_secret`, not by `sr_restore_secret`.
    pub has_deletion_date: bool,
    /// When the secret will be (or, forced, was) destroyed, in milliseconds since the Unix epoch
    /// (UTC).
    pub deletion_date: i64,
}

impl Drop for sr_deleted_secret {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
    }
}

/// Writes a deletion result to `out`.
fn set_deleted(out: Out<*mut sr_deleted_secret>, d: &DeletedSecret) -> Result<(), Failure> {
    let mut r = sr_deleted_secret {
        arn: std::ptr::null_mut(),
        name: std::ptr::null_mut(),
        has_deletion_date: d.deletion_date.is_some(),
        deletion_date: d.deletion_date.map_or(0, |t| t.unix_millis()),
    };
    r.arn = c_string(&d.arn)?;
    r.name = c_string(&d.name)?;
    out.set(to_box(r));
    Ok(())
}

/// Schedules a secret's destruction after `recovery_window_in_days` (7 to 30, or 0 for the
/// default, 30), or destroys it at once with `force_delete_without_recovery` (then
/// `recovery_window_in_days` must be 0; AWS Secrets Manager `DeleteSecret`). Writes the ARN, name
/// and destruction date to `*deleted_secret_out` (free it with `sr_deleted_secret_free`). While
/// scheduled, the secret refuses reads and changes (`SR_STATUS_INVALID_STATE`) until
/// `sr_restore_secret`; its name cannot be reused. Nothing changes on failure.
#[unsafe(no_mangle)]
pub extern "C" fn sr_delete_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    recovery_window_in_days: u32,
    force_delete_without_recovery: bool,
    deleted_secret_out: *mut *mut sr_deleted_secret,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let out = Out::new(deleted_secret_out, "deleted_secret_out")?;
        let d = ks.delete_secret(
            secret_id,
            opt_count(recovery_window_in_days),
            force_delete_without_recovery,
        )?;
        set_deleted(out, &d)
    })
}

/// Cancels a secret's scheduled deletion (AWS Secrets Manager `RestoreSecret`) and writes its ARN
/// and name to `*deleted_secret_out` (`has_deletion_date` false; free it with
/// `sr_deleted_secret_free`). A secret not scheduled for deletion is left as it is.
#[unsafe(no_mangle)]
pub extern "C" fn sr_restore_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    deleted_secret_out: *mut *mut sr_deleted_secret,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let out = Out::new(deleted_secret_out, "deleted_secret_out")?;
        set_deleted(out, &ks.restore_secret(secret_id)?)
    })
}

/// Frees a result of `sr_delete_secret` or `sr_restore_secret`. Calling with NULL is fine. Must
/// not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_deleted_secret_free(deleted_secret: *mut sr_deleted_secret) {
    boundary_void(|| drop(free_box(deleted_secret)))
}

/// `sr_get_random_password`'s options (AWS Secrets Manager `GetRandomPassword`). Pass NULL for
/// AWS's defaults: 32 characters from letters, digits and punctuation, at least one of each.
#[repr(C)]
pub struct sr_password_options {
    /// 1 to 4,096 characters, or 0 for the default (32).
    pub password_length: u32,
    /// Characters never to use (NUL-terminated, up to 4,096), or NULL for none.
    pub exclude_characters: *const c_char,
    /// No digits.
    pub exclude_numbers: bool,
    /// No punctuation (``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``).
    pub exclude_punctuation: bool,
    /// No uppercase letters.
    pub exclude_uppercase: bool,
    /// No lowercase letters.
    pub exclude_lowercase: bool,
    /// Also the space character.
    pub include_space: bool,
    /// At least one character of every included type (AWS's default is true: set it).
    pub require_each_included_type: bool,
}

/// Writes a random password to `*password_out` (AWS Secrets Manager `GetRandomPassword`), drawn
/// from the OS CSPRNG without bias; free it with `sr_random_password_free`, which zeroes it.
/// `options` may be NULL for the defaults. A length out of range, or options that leave no
/// character to draw from, are `SR_STATUS_VALIDATION`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_random_password(
    keystore: *const sr_keystore,
    options: *const sr_password_options,
    password_out: *mut *mut c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let options = (!options.is_null())
            .then(|| try_ref(options, "options"))
            .transpose()?;
        let o = match options {
            None => PasswordOptions::default(),
            Some(o) => PasswordOptions {
                password_length: opt_count(o.password_length)
                    .unwrap_or(sr_core::DEFAULT_PASSWORD_LENGTH),
                exclude_characters: try_opt_str(o.exclude_characters, "exclude_characters")?
                    .unwrap_or_default()
                    .to_owned(),
                exclude_numbers: o.exclude_numbers,
                exclude_punctuation: o.exclude_punctuation,
                exclude_uppercase: o.exclude_uppercase,
                exclude_lowercase: o.exclude_lowercase,
                include_space: o.include_space,
                require_each_included_type: o.require_each_included_type,
            },
        };
        let out = Out::new(password_out, "password_out")?;
        let p = ks.get_random_password(&o)?;
        out.set(secret_text(p.as_bytes()).0);
        Ok(())
    })
}

/// Zeroes and frees a password from `sr_get_random_password`. Calling with NULL is fine. Must not
/// be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_random_password_free(password: *mut c_char) {
    boundary_void(|| {
        if !password.is_null() {
            // SAFETY: a password from `sr_get_random_password`: NUL-terminated, with no other NUL
            // (printable characters only), not yet freed.
            let len = unsafe { CStr::from_ptr(password) }.to_bytes().len();
            free_secret_text(password, len);
        }
    })
}

/// Adds tags to a secret, replacing the value of a tag key it already has (AWS Secrets Manager
/// `TagResource`; `sr_tag_resource` tags a KMS key). `tags_len` tags (keys 1 to 128 characters,
/// not starting with `aws:`; values up to 256); more than 50 on the secret is
/// `SR_STATUS_LIMIT_EXCEEDED`. Nothing changes on failure.
#[unsafe(no_mangle)]
pub extern "C" fn sr_tag_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    tags_in: *const sr_tag_input,
    tags_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        Ok(ks.tag_secret(secret_id, &secret_tags(tags_in, tags_len)?)?)
    })
}

/// Removes a secret's tags of `tag_keys_len` tag keys (AWS Secrets Manager `UntagResource`); a
/// tag key the secret does not have is not an error.
#[unsafe(no_mangle)]
pub extern "C" fn sr_untag_secret(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    tag_keys: *const *const c_char,
    tag_keys_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let keys = strings(tag_keys, tag_keys_len, "tag_keys")?;
        Ok(ks.untag_secret(secret_id, &keys)?)
    })
}

/// A secret's resource policy (AWS Secrets Manager's `PutResourcePolicy`, `GetResourcePolicy`
/// and `DeleteResourcePolicy` results). Freed with `sr_secret_policy_free`.
#[repr(C)]
pub struct sr_secret_policy {
    /// The secret's ARN.
    pub arn: *mut c_char,
    /// The secret's name.
    pub name: *mut c_char,
    /// The policy as it was given (`sr_get_resource_policy` only); NULL when the secret has none,
    /// and from `sr_put_resource_policy` and `sr_delete_resource_policy`.
    pub resource_policy: *mut c_char,
    /// The policy's name: always `default`.
    pub policy_name: *mut c_char,
}

impl Drop for sr_secret_policy {
    fn drop(&mut self) {
        free_c_string(self.arn);
        free_c_string(self.name);
        free_c_string(self.resource_policy);
        free_c_string(self.policy_name);
    }
}

/// Writes a policy result to `out`.
fn set_policy(
    out: Out<*mut sr_secret_policy>,
    arn: &str,
    name: &str,
    policy: Option<&str>,
    policy_name: &str,
) -> Result<(), Failure> {
    let mut r = sr_secret_policy {
        arn: std::ptr::null_mut(),
        name: std::ptr::null_mut(),
        resource_policy: std::ptr::null_mut(),
        policy_name: std::ptr::null_mut(),
    };
    r.arn = c_string(arn)?;
    r.name = c_string(name)?;
    r.resource_policy = opt_c_string(policy)?;
    r.policy_name = c_string(policy_name)?;
    out.set(to_box(r));
    Ok(())
}

/// Attaches a resource policy to a secret, replacing the one it has (AWS Secrets Manager
/// `PutResourcePolicy`), and writes the secret's ARN and name to `*policy_out` (free it with
/// `sr_secret_policy_free`). `resource_policy`: 1 to 20,480 characters of JSON in the key
/// policies' language (docs/secrets.md, "Resource policies"); one that does not parse or names a
/// principal the keystore cannot have is `SR_STATUS_MALFORMED_POLICY_DOCUMENT`. With
/// `block_public_policy`, a policy that allows every principal is `SR_STATUS_PUBLIC_POLICY`.
/// `policy_name`: NULL or `"default"` (another is `SR_STATUS_VALIDATION`). A secret scheduled for
/// deletion is `SR_STATUS_INVALID_STATE`. Nothing changes on failure. In-process callers are
/// never checked against the policy; `strongroom serve` judges its callers by it.
#[unsafe(no_mangle)]
pub extern "C" fn sr_put_resource_policy(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    resource_policy: *const c_char,
    block_public_policy: bool,
    policy_name: *const c_char,
    policy_out: *mut *mut sr_secret_policy,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let policy = try_str(resource_policy, "resource_policy")?;
        let policy_name = try_opt_str(policy_name, "policy_name")?;
        let out = Out::new(policy_out, "policy_out")?;
        let r =
            ks.put_secret_resource_policy(secret_id, policy_name, policy, block_public_policy)?;
        set_policy(out, &r.arn, &r.name, None, &r.policy_name)
    })
}

/// Writes a secret's resource policy to `*policy_out` (AWS Secrets Manager `GetResourcePolicy`;
/// `resource_policy` NULL when it has none; free it with `sr_secret_policy_free`).
/// `policy_name`: NULL or `"default"` (another is `SR_STATUS_NOT_FOUND`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_resource_policy(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    policy_name: *const c_char,
    policy_out: *mut *mut sr_secret_policy,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let policy_name = try_opt_str(policy_name, "policy_name")?;
        let out = Out::new(policy_out, "policy_out")?;
        let r = ks.get_secret_resource_policy(secret_id, policy_name)?;
        set_policy(
            out,
            &r.arn,
            &r.name,
            r.resource_policy.as_deref(),
            &r.policy_name,
        )
    })
}

/// Removes a secret's resource policy (AWS Secrets Manager `DeleteResourcePolicy`; a secret
/// without one is left as it is) and writes its ARN and name to `*policy_out` (free it with
/// `sr_secret_policy_free`). `policy_name`: NULL or `"default"` (another is
/// `SR_STATUS_VALIDATION`). A secret scheduled for deletion is `SR_STATUS_INVALID_STATE`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_delete_resource_policy(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    policy_name: *const c_char,
    policy_out: *mut *mut sr_secret_policy,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_str(secret_id, "secret_id")?;
        let policy_name = try_opt_str(policy_name, "policy_name")?;
        let out = Out::new(policy_out, "policy_out")?;
        let r = ks.delete_secret_resource_policy(secret_id, policy_name)?;
        set_policy(out, &r.arn, &r.name, None, &r.policy_name)
    })
}

/// Frees a result of `sr_put_resource_policy`, `sr_get_resource_policy` or
/// `sr_delete_resource_policy`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_secret_policy_free(policy: *mut sr_secret_policy) {
    boundary_void(|| drop(free_box(policy)))
}

/// One failed check of `sr_validate_resource_policy` (AWS's `ValidationErrorsEntry`).
#[repr(C)]
pub struct sr_policy_validation_error {
    /// `SYNTAX_CHECK` (the policy does not parse, or names a principal the keystore cannot have)
    /// or `BROAD_ACCESS` (it allows every principal).
    pub check_name: *mut c_char,
    /// What is wrong.
    pub error_message: *mut c_char,
}

/// `sr_validate_resource_policy`'s result (AWS's `PolicyValidationPassed`, `ValidationErrors`).
/// Freed with `sr_policy_validation_free`.
#[repr(C)]
pub struct sr_policy_validation {
    /// Whether every check passed.
    pub passed: bool,
    /// `errors_len` failed checks (none when `passed`).
    pub errors: *mut sr_policy_validation_error,
    /// Number of failed checks.
    pub errors_len: usize,
}

impl Drop for sr_policy_validation {
    fn drop(&mut self) {
        for e in free_array(self.errors, self.errors_len) {
            free_c_string(e.check_name);
            free_c_string(e.error_message);
        }
    }
}

/// Writes a validation result to `out`.
fn set_validation(
    out: Out<*mut sr_policy_validation>,
    v: &PolicyValidation,
) -> Result<(), Failure> {
    let mut items: Vec<sr_policy_validation_error> = Vec::with_capacity(v.errors.len());
    let made = v.errors.iter().try_for_each(|e| {
        let check_name = c_string(&e.check_name)?;
        match c_string(&e.error_message) {
            Ok(error_message) => {
                items.push(sr_policy_validation_error {
                    check_name,
                    error_message,
                });
                Ok(())
            }
            Err(f) => {
                free_c_string(check_name);
                Err(f)
            }
        }
    });
    let (errors, errors_len) = to_array(items);
    // Owned by the result from here: a failure above frees what was made, through Drop.
    let r = sr_policy_validation {
        passed: v.passed,
        errors,
        errors_len,
    };
    made?;
    out.set(to_box(r));
    Ok(())
}

/// Checks a resource policy without attaching it (AWS Secrets Manager `ValidateResourcePolicy`)
/// and writes the result to `*validation_out` (free it with `sr_policy_validation_free`): a
/// policy that does not parse or is public is a failed check, not an error. `secret_id` may be
/// NULL; a secret it names must exist (`SR_STATUS_NOT_FOUND`). A policy beyond 20,480 characters
/// is `SR_STATUS_VALIDATION`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_validate_resource_policy(
    keystore: *const sr_keystore,
    secret_id: *const c_char,
    resource_policy: *const c_char,
    validation_out: *mut *mut sr_policy_validation,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let secret_id = try_opt_str(secret_id, "secret_id")?;
        let policy = try_str(resource_policy, "resource_policy")?;
        let out = Out::new(validation_out, "validation_out")?;
        set_validation(out, &ks.validate_secret_resource_policy(secret_id, policy)?)
    })
}

/// Frees a result of `sr_validate_resource_policy`. Calling with NULL is fine. Must not be called
/// twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_policy_validation_free(validation: *mut sr_policy_validation) {
    boundary_void(|| drop(free_box(validation)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{sr_disable_key, sr_enable_key};
    use crate::keystore::tests::fresh;
    use std::ffi::CString;
    use std::ptr::{null, null_mut};

    /// A string field of a returned struct, `None` for NULL.
    fn text<'a>(p: *const c_char) -> Option<&'a str> {
        // SAFETY: NULL or a NUL-terminated string owned by a struct that is not yet freed.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
    }

    /// The strings of a returned `(items, len)` array.
    fn texts<'a>(items: *mut *mut c_char, len: usize) -> Vec<&'a str> {
        if len == 0 {
            return Vec::new();
        }
        // SAFETY: `len` strings at `items`, owned by a struct that is not yet freed.
        unsafe { std::slice::from_raw_parts(items, len) }
            .iter()
            .map(|p| text(*p).unwrap())
            .collect()
    }

    /// A reference just returned (valid until it is freed).
    fn deref<'a, T>(p: *mut T) -> &'a T {
        // SAFETY: a non-NULL result of this crate, not yet freed.
        unsafe { &*p }
    }

    /// Creates secret `name` with a string value, returning its first version's id.
    fn create(ks: *const sr_keystore, name: &CStr, kms: *const c_char, value: &CStr) -> String {
        let mut r = null_mut();
        assert_eq!(
            sr_create_secret(
                ks,
                name.as_ptr(),
                null(),
                null(),
                kms,
                value.as_ptr(),
                null(),
                0,
                null(),
                0,
                &mut r
            ),
            sr_status::Ok
        );
        let id = text(deref(r).version_id).unwrap().to_owned();
        assert!(
            text(deref(r).arn)
                .unwrap()
                .starts_with("arn:aws:secretsmanager:")
        );
        sr_secret_version_ref_free(r);
        id
    }

    /// The value (a binary one as lossy text) and version stages of a secret at `stage`.
    fn get(
        ks: *const sr_keystore,
        id: &CStr,
        stage: &CStr,
    ) -> Result<(String, Vec<String>), sr_status> {
        let mut v = null_mut();
        match sr_get_secret_value(ks, id.as_ptr(), null(), stage.as_ptr(), &mut v) {
            sr_status::Ok => {}
            s => return Err(s),
        }
        let e = deref(v);
        let (data, len) = if e.secret_string.is_null() {
            (e.secret_binary.data.cast_const(), e.secret_binary.len)
        } else {
            assert!(e.secret_binary.data.is_null());
            (
                e.secret_string.cast::<u8>().cast_const(),
                e.secret_string_len,
            )
        };
        // SAFETY: `len` bytes of the value at `data`, owned by `v`.
        let bytes = unsafe { std::slice::from_raw_parts(data, len) };
        let out = (
            String::from_utf8_lossy(bytes).into_owned(),
            texts(e.version_stages, e.version_stages_len)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
        sr_secret_value_free(v);
        Ok(out)
    }

    #[test]
    fn secrets_round_trip_through_the_c_abi() {
        let (dir, ks, key) = fresh("secrets");
        let name = c"prod/db";
        let first = create(ks, name, key.as_ptr(), c"hunter2");
        assert_eq!(
            get(ks, name, c"AWSCURRENT").unwrap(),
            ("hunter2".to_owned(), vec!["AWSCURRENT".to_owned()])
        );

        // A binary version moves AWSCURRENT; the first becomes AWSPREVIOUS.
        let mut r = null_mut();
        assert_eq!(
            sr_put_secret_value(
                ks,
                name.as_ptr(),
                null(),
                null(),
                [1u8, 0, 2].as_ptr(),
                3,
                null(),
                0,
                &mut r
            ),
            sr_status::Ok
        );
        assert_eq!(
            texts(deref(r).version_stages, deref(r).version_stages_len),
            ["AWSCURRENT"]
        );
        sr_secret_version_ref_free(r);
        assert_eq!(get(ks, name, c"AWSPREVIOUS").unwrap().0, "hunter2");
        let mut v = null_mut();
        assert_eq!(
            sr_get_secret_value(ks, name.as_ptr(), null(), null(), &mut v),
            sr_status::Ok
        );
        assert!(deref(v).secret_string.is_null());
        // SAFETY: the binary value's bytes.
        let b = unsafe {
            std::slice::from_raw_parts(deref(v).secret_binary.data, deref(v).secret_binary.len)
        };
        assert_eq!(b, [1, 0, 2]);
        sr_secret_value_free(v);
        let first_c = CString::new(first.clone()).unwrap();
        assert_eq!(
            sr_get_secret_value(ks, name.as_ptr(), first_c.as_ptr(), null(), &mut v),
            sr_status::Ok
        );
        sr_secret_value_free(v);

        // Describe and list.
        let mut m = null_mut();
        assert_eq!(sr_describe_secret(ks, name.as_ptr(), &mut m), sr_status::Ok);
        assert_eq!(text(deref(m).name), Some("prod/db"));
        assert_eq!(deref(m).version_ids_to_stages_len, 2);
        assert!(!deref(m).has_deleted_date);
        sr_secret_metadata_free(m);
        let values = [c"prod/".as_ptr()];
        let f = [sr_secret_filter {
            key: c"name".as_ptr(),
            values: values.as_ptr(),
            values_len: 1,
        }];
        let mut l = null_mut();
        assert_eq!(
            sr_list_secrets(ks, false, 0, null(), f.as_ptr(), 1, null(), null(), &mut l),
            sr_status::Ok
        );
        assert_eq!(deref(l).len, 1);
        assert!(deref(l).next_token.is_null());
        sr_secret_list_free(l);
        let mut vl = null_mut();
        assert_eq!(
            sr_list_secret_version_ids(ks, name.as_ptr(), 0, null(), true, &mut vl),
            sr_status::Ok
        );
        assert_eq!(deref(vl).len, 2);
        sr_secret_version_list_free(vl);

        // A disabled key: the value cannot be read, the metadata can.
        assert_eq!(sr_disable_key(ks, key.as_ptr()), sr_status::Ok);
        assert_eq!(
            get(ks, name, c"AWSCURRENT"),
            Err(sr_status::DecryptionFailure)
        );
        assert_eq!(sr_describe_secret(ks, name.as_ptr(), &mut m), sr_status::Ok);
        sr_secret_metadata_free(m);
        assert_eq!(sr_enable_key(ks, key.as_ptr()), sr_status::Ok);

        // Delete with a window, refused reads, restore; then force.
        let mut d = null_mut();
        assert_eq!(
            sr_delete_secret(ks, name.as_ptr(), 7, false, &mut d),
            sr_status::Ok
        );
        assert!(deref(d).has_deletion_date);
        sr_deleted_secret_free(d);
        assert_eq!(get(ks, name, c"AWSCURRENT"), Err(sr_status::InvalidState));
        assert_eq!(sr_restore_secret(ks, name.as_ptr(), &mut d), sr_status::Ok);
        assert!(!deref(d).has_deletion_date);
        sr_deleted_secret_free(d);
        assert!(get(ks, name, c"AWSCURRENT").is_ok());
        assert_eq!(
            sr_delete_secret(ks, name.as_ptr(), 0, true, &mut d),
            sr_status::Ok
        );
        sr_deleted_secret_free(d);
        assert_eq!(get(ks, name, c"AWSCURRENT"), Err(sr_status::NotFound));

        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn bad_input_is_refused_and_changes_nothing() {
        let (dir, ks, _) = fresh("secrets-bad");
        let bad = [b'a', 0xff, 0];
        let bad = bad.as_ptr().cast::<c_char>();
        let mut r = null_mut();
        let nothing = |r: *mut sr_secret_version_ref| assert!(r.is_null());
        for (st, name, s, b, blen) in [
            (sr_status::NullParameter, null(), c"v".as_ptr(), null(), 0),
            (sr_status::InvalidUtf8, bad, c"v".as_ptr(), null(), 0),
            (sr_status::InvalidUtf8, c"n".as_ptr(), bad, null(), 0),
            (sr_status::NullParameter, c"n".as_ptr(), null(), null(), 3),
            (
                sr_status::Validation,
                c"n".as_ptr(),
                c"v".as_ptr(),
                b"x".as_ptr(),
                1,
            ),
            (
                sr_status::Validation,
                c"bad name!".as_ptr(),
                c"v".as_ptr(),
                null(),
                0,
            ),
            (
                sr_status::Validation,
                c"n".as_ptr(),
                c"".as_ptr(),
                null(),
                0,
            ),
        ] {
            assert_eq!(
                sr_create_secret(
                    ks,
                    name,
                    null(),
                    null(),
                    null(),
                    s,
                    b,
                    blen,
                    null(),
                    0,
                    &mut r
                ),
                st
            );
            nothing(r);
        }
        assert_eq!(
            sr_create_secret(
                ks,
                c"n".as_ptr(),
                null(),
                null(),
                null(),
                c"v".as_ptr(),
                null(),
                0,
                null(),
                0,
                null_mut()
            ),
            sr_status::NullParameter
        );
        let mut l = null_mut();
        assert_eq!(
            sr_list_secrets(ks, true, 0, null(), null(), 0, null(), null(), &mut l),
            sr_status::Ok
        );
        assert_eq!(deref(l).len, 0, "a refused call created a secret");
        sr_secret_list_free(l);
        assert_eq!(
            sr_list_secrets(ks, false, 101, null(), null(), 0, null(), null(), &mut l),
            sr_status::Validation
        );
        assert_eq!(
            sr_list_secrets(
                ks,
                false,
                0,
                null(),
                null(),
                0,
                null(),
                c"up".as_ptr(),
                &mut l
            ),
            sr_status::Validation
        );
        assert_eq!(
            sr_list_secrets(ks, false, 0, null(), null(), 1, null(), null(), &mut l),
            sr_status::NullParameter
        );
        let mut v = null_mut();
        assert_eq!(
            sr_get_secret_value(ks, c"missing".as_ptr(), null(), null(), &mut v),
            sr_status::NotFound
        );
        assert!(v.is_null());
        let mut d = null_mut();
        create(ks, c"n", null(), c"v");
        assert_eq!(
            sr_delete_secret(ks, c"n".as_ptr(), 6, false, &mut d),
            sr_status::Validation
        );
        assert_eq!(
            sr_delete_secret(ks, c"n".as_ptr(), 7, true, &mut d),
            sr_status::Validation
        );
        assert!(d.is_null());
        assert!(get(ks, c"n", c"AWSCURRENT").is_ok());
        assert_eq!(
            sr_put_secret_value(
                ks,
                c"n".as_ptr(),
                null(),
                null(),
                null(),
                0,
                null(),
                0,
                &mut r
            ),
            sr_status::Validation
        );
        sr_secret_version_ref_free(null_mut());
        sr_secret_value_free(null_mut());
        sr_secret_metadata_free(null_mut());
        sr_secret_list_free(null_mut());
        sr_secret_version_list_free(null_mut());
        sr_deleted_secret_free(null_mut());
        sr_random_password_free(null_mut());
        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn random_passwords_follow_their_options() {
        let (dir, ks, _) = fresh("secrets-password");
        let mut p = null_mut();
        assert_eq!(sr_get_random_password(ks, null(), &mut p), sr_status::Ok);
        assert_eq!(text(p).unwrap().len(), 32);
        sr_random_password_free(p);
        let o = sr_password_options {
            password_length: 20,
            exclude_characters: c"abc".as_ptr(),
            exclude_numbers: true,
            exclude_punctuation: true,
            exclude_uppercase: true,
            exclude_lowercase: false,
            include_space: false,
            require_each_included_type: true,
        };
        assert_eq!(sr_get_random_password(ks, &o, &mut p), sr_status::Ok);
        let s = text(p).unwrap();
        assert_eq!(s.len(), 20);
        assert!(
            s.chars()
                .all(|c| c.is_ascii_lowercase() && !"abc".contains(c)),
            "{s}"
        );
        sr_random_password_free(p);
        let o = sr_password_options {
            password_length: 4097,
            ..o
        };
        let mut q = null_mut();
        assert_eq!(
            sr_get_random_password(ks, &o, &mut q),
            sr_status::Validation
        );
        assert!(q.is_null());
        assert_eq!(
            sr_get_random_password(ks, null(), null_mut()),
            sr_status::NullParameter
        );
        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn resource_policies_through_the_c_abi() {
        let (dir, ks, key) = fresh("secret-policies");
        create(ks, c"rp/db", key.as_ptr(), c"v");
        let deny = c"{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"secretsmanager:DeleteSecret\", \"Resource\": \"*\"}]}";
        let public = c"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"secretsmanager:*\", \"Resource\": \"*\"}]}";
        let get = |policy_name: *const c_char| {
            let mut p = null_mut();
            let st = sr_get_resource_policy(ks, c"rp/db".as_ptr(), policy_name, &mut p);
            if st != sr_status::Ok {
                assert!(p.is_null());
                return Err(st);
            }
            let r = deref(p);
            let out = (
                text(r.resource_policy).map(str::to_owned),
                text(r.policy_name).unwrap().to_owned(),
                text(r.name).unwrap().to_owned(),
            );
            sr_secret_policy_free(p);
            Ok(out)
        };
        assert_eq!(get(null()), Ok((None, "default".into(), "rp/db".into())));
        let mut p = null_mut();
        assert_eq!(
            sr_put_resource_policy(ks, c"rp/db".as_ptr(), deny.as_ptr(), true, null(), &mut p),
            sr_status::Ok
        );
        assert!(text(deref(p).arn).unwrap().contains(":secret:rp/db-"));
        assert_eq!(text(deref(p).resource_policy), None);
        sr_secret_policy_free(p);
        let kept = Some(deny.to_str().unwrap().to_owned());
        assert_eq!(get(c"default".as_ptr()).unwrap().0, kept);
        assert_eq!(get(c"other".as_ptr()), Err(sr_status::NotFound));
        // Refusals change nothing and write no result.
        for (policy, block, name, status) in [
            (public, true, null(), sr_status::PublicPolicy),
            (c"{", false, null(), sr_status::MalformedPolicyDocument),
            (deny, false, c"other".as_ptr(), sr_status::Validation),
        ] {
            let mut p = null_mut();
            assert_eq!(
                sr_put_resource_policy(ks, c"rp/db".as_ptr(), policy.as_ptr(), block, name, &mut p),
                status
            );
            assert!(p.is_null());
        }
        assert_eq!(get(null()).unwrap().0, kept);
        assert_eq!(
            sr_put_resource_policy(ks, c"rp/db".as_ptr(), null(), false, null(), &mut p),
            sr_status::NullParameter
        );
        // Validation: findings, not errors.
        let validate = |secret: *const c_char, policy: &CStr| {
            let mut v = null_mut();
            let st = sr_validate_resource_policy(ks, secret, policy.as_ptr(), &mut v);
            if st != sr_status::Ok {
                return Err(st);
            }
            let r = deref(v);
            let checks: Vec<String> = if r.errors_len == 0 {
                Vec::new()
            } else {
                // SAFETY: `errors_len` entries at `errors`, owned by `v` until it is freed.
                unsafe { std::slice::from_raw_parts(r.errors, r.errors_len) }
                    .iter()
                    .map(|e| {
                        assert!(!text(e.error_message).unwrap().is_empty());
                        text(e.check_name).unwrap().to_owned()
                    })
                    .collect()
            };
            let passed = r.passed;
            sr_policy_validation_free(v);
            Ok((passed, checks))
        };
        assert_eq!(validate(null(), deny), Ok((true, vec![])));
        assert_eq!(
            validate(c"rp/db".as_ptr(), public),
            Ok((false, vec!["BROAD_ACCESS".to_owned()]))
        );
        assert_eq!(
            validate(null(), c"[]"),
            Ok((false, vec!["SYNTAX_CHECK".to_owned()]))
        );
        assert_eq!(validate(c"nope".as_ptr(), deny), Err(sr_status::NotFound));
        let mut p = null_mut();
        assert_eq!(
            sr_delete_resource_policy(ks, c"rp/db".as_ptr(), null(), &mut p),
            sr_status::Ok
        );
        assert_eq!(text(deref(p).policy_name), Some("default"));
        sr_secret_policy_free(p);
        assert_eq!(get(null()).unwrap().0, None);
        sr_secret_policy_free(null_mut());
        sr_policy_validation_free(null_mut());
        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn secret_text_is_nul_terminated_and_keeps_inner_nuls() {
        let (p, n) = secret_text(b"a\0b");
        assert_eq!(n, 3);
        // SAFETY: `n + 1` bytes at `p`, freed below.
        let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n + 1) };
        assert_eq!(bytes, b"a\0b\0");
        free_secret_text(p, n);
        free_secret_text(null_mut(), 0);
    }
}

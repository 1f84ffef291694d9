//! The audit trail (SPEC section 8): reading, verifying and exporting events.

use crate::crypto::sr_buffer;
use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, to_array, to_box, try_opt_str,
};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{AuditEvent, AuditFilter, Timestamp};
use std::ffi::c_char;

/// One pair of an audit event's encryption context. Read-only; freed with its event list.
#[repr(C)]
pub struct sr_audit_context_pair {
    /// The key.
    pub key: *mut c_char,
    /// The value.
    pub value: *mut c_char,
}

impl Drop for sr_audit_context_pair {
    fn drop(&mut self) {
        free_c_string(self.key);
        free_c_string(self.value);
    }
}

/// One audit event. Read-only; freed with its list. Times are milliseconds since the Unix epoch
/// (UTC).
#[repr(C)]
pub struct sr_audit_event {
    /// Position in the trail, from 1, without gaps.
    pub sequence: u64,
    /// When the call was made (for a summary: the start of its interval).
    pub event_time: i64,
    /// The caller label given when the keystore was opened.
    pub caller: *mut c_char,
    /// AWS KMS operation name (`"Encrypt"`, `"CreateKey"`, ...).
    pub operation: *mut c_char,
    /// The key concerned, or NULL.
    pub key_id: *mut c_char,
    /// Whether `key_version` is set.
    pub has_key_version: bool,
    /// The backing-key version used; meaningful only if `has_key_version`.
    pub key_version: u32,
    /// The encryption context given (`encryption_context_len` pairs; not secret).
    pub encryption_context: *mut sr_audit_context_pair,
    /// Number of context pairs.
    pub encryption_context_len: usize,
    /// `"ok"` or the error name.
    pub outcome: *mut c_char,
    /// Calls this event stands for: 1, or the count of a summary.
    pub count: u64,
}

impl sr_audit_event {
    fn new(e: &AuditEvent) -> Result<Self, Failure> {
        let mut out = sr_audit_event {
            sequence: e.sequence,
            event_time: e.event_time.unix_millis(),
            caller: std::ptr::null_mut(),
            operation: std::ptr::null_mut(),
            key_id: std::ptr::null_mut(),
            has_key_version: e.key_version.is_some(),
            key_version: e.key_version.unwrap_or(0),
            encryption_context: std::ptr::null_mut(),
            encryption_context_len: 0,
            outcome: std::ptr::null_mut(),
            count: e.count,
        };
        out.caller = c_string(&e.caller)?;
        out.operation = c_string(&e.operation)?;
        if let Some(k) = &e.key_id {
            out.key_id = c_string(k)?;
        }
        out.outcome = c_string(&e.outcome)?;
        let mut pairs = Vec::with_capacity(e.encryption_context.len());
        for (k, v) in &e.encryption_context {
            let mut p = sr_audit_context_pair {
                key: std::ptr::null_mut(),
                value: std::ptr::null_mut(),
            };
            p.key = c_string(k)?;
            p.value = c_string(v)?;
            pairs.push(p);
        }
        (out.encryption_context, out.encryption_context_len) = to_array(pairs);
        Ok(out)
    }
}

impl Drop for sr_audit_event {
    fn drop(&mut self) {
        free_c_string(self.caller);
        free_c_string(self.operation);
        free_c_string(self.key_id);
        free_c_string(self.outcome);
        drop(free_array(
            self.encryption_context,
            self.encryption_context_len,
        ));
    }
}

/// Audit events, oldest first, as `sr_audit_events` returns them. Freed with
/// `sr_audit_event_list_free`.
#[repr(C)]
pub struct sr_audit_event_list {
    /// `len` events, oldest first.
    pub items: *mut sr_audit_event,
    /// Number of events.
    pub len: usize,
}

/// Which audit events to return: every field that is set must match. NULL strings and false
/// flags match everything; times are milliseconds since the Unix epoch, inclusive.
#[repr(C)]
pub struct sr_audit_filter {
    /// Only events about this key id, or NULL.
    pub key_id: *const c_char,
    /// Only this operation (`"Encrypt"`, ...), or NULL.
    pub operation: *const c_char,
    /// Only this outcome (`"ok"` or an error name), or NULL.
    pub outcome: *const c_char,
    /// Whether `start_time` applies.
    pub has_start_time: bool,
    /// Only events at or after this time.
    pub start_time: i64,
    /// Whether `end_time` applies.
    pub has_end_time: bool,
    /// Only events at or before this time.
    pub end_time: i64,
}

/// The core filter from a C filter; NULL means "everything".
fn to_filter(f: *const sr_audit_filter) -> Result<AuditFilter, Failure> {
    if f.is_null() {
        return Ok(AuditFilter::default());
    }
    let f = crate::ffi::try_ref(f, "filter")?;
    Ok(AuditFilter {
        key_id: try_opt_str(f.key_id, "filter.key_id")?.map(str::to_owned),
        operation: try_opt_str(f.operation, "filter.operation")?.map(str::to_owned),
        outcome: try_opt_str(f.outcome, "filter.outcome")?.map(str::to_owned),
        start_time: f
            .has_start_time
            .then(|| Timestamp::from_unix_millis(f.start_time)),
        end_time: f
            .has_end_time
            .then(|| Timestamp::from_unix_millis(f.end_time)),
    })
}

/// Writes the audit events matching `filter` (NULL: all), oldest first, to
/// `*audit_event_list_out`. Events still in memory are committed first.
#[unsafe(no_mangle)]
pub extern "C" fn sr_audit_events(
    keystore: *const sr_keystore,
    filter: *const sr_audit_filter,
    audit_event_list_out: *mut *mut sr_audit_event_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let f = to_filter(filter)?;
        let out = Out::new(audit_event_list_out, "audit_event_list_out")?;
        // Converted as read (one stored batch at a time): no second copy of the trail.
        let mut items = Vec::new();
        for e in ks.audit_events_iter(&f)? {
            items.push(sr_audit_event::new(&e?)?);
        }
        let (items, len) = to_array(items);
        out.set(to_box(sr_audit_event_list { items, len }));
        Ok(())
    })
}

/// Frees a list from `sr_audit_events` and its events. Calling with NULL is fine. Must not be
/// called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_audit_event_list_free(audit_event_list: *mut sr_audit_event_list) {
    boundary_void(|| {
        if let Some(list) = free_box(audit_event_list) {
            drop(free_array(list.items, list.len));
        }
    })
}

/// Verifies the audit trail's hash chain and signed head and writes the number of events
/// verified to `*events_verified_out`. A trail that does not verify is `SR_STATUS_CORRUPT`, with
/// a message naming the first event that fails.
#[unsafe(no_mangle)]
pub extern "C" fn sr_verify_audit(
    keystore: *const sr_keystore,
    events_verified_out: *mut u64,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let out = Out::new(events_verified_out, "events_verified_out")?;
        out.set(ks.verify_audit()?);
        Ok(())
    })
}

/// Writes the events matching `filter` (NULL: all) as JSON Lines (SPEC section 8's field names,
/// as the CLI exports them) into `*jsonl_out`, free it with `sr_buffer_free`. The trail is read
/// as a stream (one stored batch at a time): the buffer holds the output only.
#[unsafe(no_mangle)]
pub extern "C" fn sr_export_audit_jsonl(
    keystore: *const sr_keystore,
    filter: *const sr_audit_filter,
    jsonl_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let f = to_filter(filter)?;
        let out = Out::new(jsonl_out, "jsonl_out")?;
        let mut bytes = Vec::new();
        ks.export_audit_jsonl(&f, &mut bytes)?;
        out.set(sr_buffer::new(bytes));
        Ok(())
    })
}

//! `sr_keystore` and `sr_options`: creating, opening and closing a keystore, and its passphrase.

use crate::alarm::{AlarmSlot, inside_alarm_callback, refused_inside_callback};
use crate::clock::{self, sr_manual_clock};
use crate::error::Failure;
use crate::ffi::{
    Closable, InUse, Out, free_box, to_box, try_mut_slice, try_ref, try_slice, try_str,
};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{AuditLevel, AuditOptions, KdfParams, Keystore, Options};
use std::ffi::c_char;
use std::sync::Arc;

/// A keystore handle (the core's `Keystore`). Made by `sr_keystore_create` or
/// `sr_keystore_open`; closed by `sr_keystore_close`; freed by `sr_keystore_free`.
///
/// Safe to share between threads: any number of threads may call functions on one handle at
/// the same time, `sr_keystore_close` included. Each call holds the keystore for its duration;
/// `sr_keystore_close` waits for the calls in progress to return, and every call that starts
/// after it has begun returns `SR_STATUS_CLOSED` without touching the keystore. Closing releases
/// the keystore (file, lock, keys in memory); the handle itself stays valid, refusing calls,
/// until `sr_keystore_free`, which must be the last call on it.
pub struct sr_keystore {
    _private: [u8; 0],
}

/// What an `sr_keystore *` points at: the keystore, closable while other threads use it, and its
/// alarm (see `alarm.rs`). A dry-run view (`sr_keystore_dry_run`) shares both with the handle it
/// was made from and has its own open state, `view`.
pub(crate) struct Handle {
    keystore: Arc<Closable<Keystore>>,
    pub(crate) alarm: Arc<AlarmSlot>,
    /// `Some` for a dry-run view: closing the view closes this, not the keystore.
    view: Option<Closable<()>>,
}

/// A call in progress on a handle: the keystore, held until this drops, and for a dry-run view
/// the core's dry-run scope (dropped first, then the keystore, then the view).
pub(crate) struct Call<'a> {
    _dry_run: Option<sr_core::DryRunScope>,
    keystore: InUse<'a, Keystore>,
    _view: Option<InUse<'a, ()>>,
}

impl std::ops::Deref for Call<'_> {
    type Target = Keystore;
    fn deref(&self) -> &Keystore {
        &self.keystore
    }
}

/// `SR_STATUS_CLOSED`: the handle (or, for a view, the view or its keystore) is closed.
fn closed() -> Failure {
    Failure {
        status: sr_status::Closed,
        message: "Closed: this keystore handle has been closed (sr_keystore_close); open the \
                  keystore again to keep using it, and free the handle with sr_keystore_free"
            .into(),
    }
}

impl Handle {
    fn new(ks: Keystore) -> Self {
        Handle {
            keystore: Arc::new(Closable::new(ks)),
            alarm: Arc::default(),
            view: None,
        }
    }

    /// Whether this handle is a dry-run view (`sr_keystore_dry_run`).
    pub(crate) fn is_view(&self) -> bool {
        self.view.is_some()
    }

    /// The keystore, held for one call (a dry run through a view); `SR_STATUS_CLOSED` once the
    /// handle (or a view's keystore) is closed.
    pub(crate) fn call(&self) -> Result<Call<'_>, Failure> {
        let view = match &self.view {
            Some(v) => Some(v.enter().ok_or_else(closed)?),
            None => None,
        };
        let keystore = self.keystore.enter().ok_or_else(closed)?;
        Ok(Call {
            _dry_run: view.as_ref().map(|_| keystore.enter_dry_run()),
            keystore,
            _view: view,
        })
    }

    /// Closes the handle: the keystore itself, or only a view. `None` if it was closed already.
    fn close(&self) -> Option<sr_core::Result<()>> {
        match &self.view {
            Some(v) => v.close_with(|()| Ok(())),
            None => self.keystore.close_with(Keystore::close),
        }
    }
}

/// The handle behind an `sr_keystore *`; `NullParameter` if NULL.
pub(crate) fn handle<'a>(p: *const sr_keystore) -> Result<&'a Handle, Failure> {
    try_ref(p.cast::<Handle>(), "keystore")
}

/// Options for `sr_keystore_create` and `sr_keystore_open` (the core's `Options`). Made by
/// `sr_options_new` with the defaults: the system clock, `max_keys` 100,000, the program's name as
/// caller, and Argon2id at RFC 9106's second recommended cost. Freed by `sr_options_free`; a
/// keystore does not keep a reference to its options.
pub struct sr_options {
    _private: [u8; 0],
}

/// The core keystore behind a handle, held for the call (until the guard drops): every function
/// that takes an `sr_keystore *` goes through this (or [`Handle::call`]). `SR_STATUS_CLOSED` if
/// the handle has been closed.
pub(crate) fn keystore_ref<'a>(p: *const sr_keystore) -> Result<Call<'a>, Failure> {
    handle(p)?.call()
}

fn options_mut<'a>(p: *mut sr_options) -> Result<&'a mut Options, Failure> {
    if p.is_null() {
        return Err(Failure::null("options"));
    }
    // SAFETY: non-NULL; made by `sr_options_new` (a boxed `Options`); the C contract is that no
    // other call uses these options at the same time.
    Ok(unsafe { &mut *p.cast::<Options>() })
}

fn options_or_default(p: *const sr_options) -> Result<Options, Failure> {
    if p.is_null() {
        Ok(Options::default())
    } else {
        try_ref(p.cast::<Options>(), "options").cloned()
    }
}

/// Creates options with the defaults and writes them to `*options_out`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_new(options_out: *mut *mut sr_options) -> sr_status {
    boundary(|| {
        let out = Out::new(options_out, "options_out")?;
        out.set(to_box(Options::default()).cast::<sr_options>());
        Ok(())
    })
}

/// Frees options made by `sr_options_new`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_free(options: *mut sr_options) {
    boundary_void(|| drop(free_box(options.cast::<Options>())))
}

/// Makes the keystore read time from `clock` (shared: moving the clock moves the keystore's
/// time) instead of the system clock.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_set_manual_clock(
    options: *mut sr_options,
    clock: *const sr_manual_clock,
) -> sr_status {
    boundary(|| {
        let o = options_mut(options)?;
        o.clock = Arc::new(clock::shared(clock)?);
        Ok(())
    })
}

/// Sets the quota on the number of keys (`max_keys`; at least 1, checked when creating or
/// opening).
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_set_max_keys(options: *mut sr_options, max_keys: u64) -> sr_status {
    boundary(|| {
        options_mut(options)?.max_keys = max_keys;
        Ok(())
    })
}

/// Sets the caller label the audit trail records (1 to 256 bytes of UTF-8, checked when creating
/// or opening). The string is copied.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_set_caller(
    options: *mut sr_options,
    caller: *const c_char,
) -> sr_status {
    boundary(|| {
        let o = options_mut(options)?;
        o.caller = try_str(caller, "caller")?.to_owned();
        Ok(())
    })
}

/// Sets the Argon2id cost used by `sr_keystore_create` (`m_cost_kib` in KiB, passes, lanes;
/// ignored by `sr_keystore_open`, which reads the cost from the file). Values below OWASP's floor
/// (19 MiB, 2 passes, 1 lane) are refused when creating unless the insecure test profile is on.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_set_kdf_cost(
    options: *mut sr_options,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
) -> sr_status {
    boundary(|| {
        options_mut(options)?.kdf = KdfParams {
            m_cost_kib,
            t_cost,
            p_cost,
        };
        Ok(())
    })
}

/// INSECURE, FOR TESTS ONLY: switches to the core's fast test profile (Argon2id with 64 KiB,
/// 1 pass, 1 lane) and allows opening keystores made with it. The passphrase of such a keystore
/// protects nothing. Never use it for keys that matter; it is never the default.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_use_insecure_fast_kdf_for_tests(
    options: *mut sr_options,
) -> sr_status {
    boundary(|| {
        let o = options_mut(options)?;
        let fast = Options::insecure_fast_for_tests();
        o.kdf = fast.kdf;
        o.allow_insecure_test_kdf = fast.allow_insecure_test_kdf;
        Ok(())
    })
}

/// Creates a new keystore file at `path` (UTF-8; the file must not exist) protected by
/// `passphrase` (1 to 1024 bytes, any bytes), and writes the open handle to `*keystore_out`.
/// `options` may be NULL for the defaults. Close the handle with `sr_keystore_close`, then free
/// it with `sr_keystore_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_create(
    path: *const c_char,
    passphrase: *const u8,
    passphrase_len: usize,
    options: *const sr_options,
    keystore_out: *mut *mut sr_keystore,
) -> sr_status {
    boundary(|| {
        let path = try_str(path, "path")?;
        let passphrase = try_slice(passphrase, passphrase_len, "passphrase")?;
        let options = options_or_default(options)?;
        let out = Out::new(keystore_out, "keystore_out")?;
        let ks = Keystore::create(path, passphrase, &options)?;
        out.set(to_box(Handle::new(ks)).cast::<sr_keystore>());
        Ok(())
    })
}

/// Opens the keystore at `path` (UTF-8) with `passphrase` and writes the handle to
/// `*keystore_out`. A wrong passphrase is `SR_STATUS_AUTHENTICATION_FAILED` (the file is left
/// untouched); a file held by another process is `SR_STATUS_LOCKED`. `options` may be NULL for
/// the defaults (a keystore made with the insecure test profile needs options with it). Close
/// the handle with `sr_keystore_close`, then free it with `sr_keystore_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_open(
    path: *const c_char,
    passphrase: *const u8,
    passphrase_len: usize,
    options: *const sr_options,
    keystore_out: *mut *mut sr_keystore,
) -> sr_status {
    boundary(|| {
        let path = try_str(path, "path")?;
        let passphrase = try_slice(passphrase, passphrase_len, "passphrase")?;
        let options = options_or_default(options)?;
        let out = Out::new(keystore_out, "keystore_out")?;
        let ks = Keystore::open(path, passphrase, &options)?;
        out.set(to_box(Handle::new(ks)).cast::<sr_keystore>());
        Ok(())
    })
}

/// Closes a keystore: flushes and unlocks the file and releases the keystore's memory (keys
/// included), and returns the status of that flush. The handle stays allocated until
/// `sr_keystore_free`.
///
/// Safe while other threads are inside calls on the same handle: from the moment this starts,
/// every new call on the handle returns `SR_STATUS_CLOSED` without touching the keystore; the
/// calls already in progress (alarm callbacks included) finish normally, and this waits for them
/// to return before closing. Closing again, from any thread, at the same time or later, waits
/// for the first close to finish and returns `SR_STATUS_OK`. Calling with NULL is fine
/// (`SR_STATUS_OK`). From inside an alarm callback it returns `SR_STATUS_VALIDATION` and changes
/// nothing (it would wait for the call the callback runs in). On a dry-run view
/// (`sr_keystore_dry_run`) it closes only the view; closing the keystore's own handle closes
/// every view of it too.
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_close(keystore: *mut sr_keystore) -> sr_status {
    boundary(|| {
        if keystore.is_null() {
            return Ok(());
        }
        let h = handle(keystore)?;
        if inside_alarm_callback() {
            return Err(refused_inside_callback("sr_keystore_close"));
        }
        match h.close() {
            Some(result) => Ok(result?),
            None => Ok(()),
        }
    })
}

/// Frees a keystore handle, closing it first if `sr_keystore_close` has not been called (the
/// status of that close is then lost: call `sr_keystore_close` first to see it). Calling with
/// NULL is fine. Must be the last call on the handle: not while another thread may still call
/// anything on it, and not twice (as with every `_free`, using the handle afterwards is undefined
/// behaviour; use `sr_keystore_close` to stop other threads safely, then join them, then free).
/// Called from inside an alarm callback it does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_free(keystore: *mut sr_keystore) {
    boundary_void(|| {
        if keystore.is_null() || inside_alarm_callback() {
            return;
        }
        if let Ok(h) = handle(keystore) {
            let _ = h.close();
        }
        drop(free_box(keystore.cast::<Handle>()));
    })
}

/// Makes a dry-run view of the keystore and writes it to `*view_out` (AWS KMS's `DryRun`, the
/// core's `Keystore::dry_run`): a handle to the same keystore on which every call is checked
/// completely (the arguments, the key's existence, state and usage, the ciphertext and its
/// encryption context, a signature or MAC, a grant's rules and quota) and changes nothing: no
/// grant is created, retired or revoked, no use becomes the key's last use, nothing is written.
/// A call that would have succeeded returns `SR_STATUS_DRY_RUN_OPERATION` ("The request would
/// have succeeded, but the DryRun option is set."), one that would have failed its real status.
/// Out-parameters are left untouched by a dry run.
///
/// The view shares the keystore and its alarm (whose callback rings for the view's refused calls
/// too; `sr_set_alarm` on a view is `SR_STATUS_VALIDATION`). `sr_keystore_close` on the view
/// closes only the view; closing `keystore` closes every view of it (their calls then return
/// `SR_STATUS_CLOSED`). Free the view with `sr_keystore_free`, before or after the keystore's
/// own handle. A view of a view is a view of the same keystore.
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_dry_run(
    keystore: *const sr_keystore,
    view_out: *mut *mut sr_keystore,
) -> sr_status {
    boundary(|| {
        let h = handle(keystore)?;
        let out = Out::new(view_out, "view_out")?;
        drop(h.call()?); // a closed handle makes no view
        let view = Handle {
            keystore: Arc::clone(&h.keystore),
            alarm: Arc::clone(&h.alarm),
            view: Some(Closable::new(())),
        };
        out.set(to_box(view).cast::<sr_keystore>());
        Ok(())
    })
}

/// Changes the passphrase: re-wraps the root key under `new_passphrase` (1 to 1024 bytes) in
/// O(1), whatever the number of keys. A wrong `old_passphrase` is
/// `SR_STATUS_AUTHENTICATION_FAILED` and changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn sr_change_passphrase(
    keystore: *const sr_keystore,
    old_passphrase: *const u8,
    old_passphrase_len: usize,
    new_passphrase: *const u8,
    new_passphrase_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let old = try_slice(old_passphrase, old_passphrase_len, "old_passphrase")?;
        let new = try_slice(new_passphrase, new_passphrase_len, "new_passphrase")?;
        Ok(ks.change_passphrase(old, new)?)
    })
}

/// Runs due work now: automatic rotations and destructions of keys whose deletion date has
/// passed (AWS KMS does this in the background; strongroom also does it on open and when a key is
/// touched).
#[unsafe(no_mangle)]
pub extern "C" fn sr_run_maintenance(keystore: *const sr_keystore) -> sr_status {
    boundary(|| Ok(keystore_ref(keystore)?.run_maintenance()?))
}

/// How much the audit trail records (`sr_options_set_audit`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sr_audit_level {
    /// Every call, one event each (the default).
    Full = 1,
    /// Successful encrypt, decrypt, re-encrypt and data-key calls counted per key, operation,
    /// caller and minute; refusals, state changes and every other call in full.
    Summary = 2,
    /// Nothing is recorded. For benchmarks and throwaway keystores.
    Off = 3,
}

impl sr_audit_level {
    /// The level whose value is `v` (C passes a `uint32_t`), if any.
    fn from_u32(v: u32) -> Option<Self> {
        [Self::Full, Self::Summary, Self::Off]
            .into_iter()
            .find(|l| *l as u32 == v)
    }
}

/// `sr_options_set_audit`'s `max_events` for no bound on the number of events kept.
pub const SR_AUDIT_MAX_EVENTS_UNBOUNDED: u64 = 0xFFFF_FFFF_FFFF_FFFF;
/// `sr_options_set_audit`'s `max_age_days` for no bound on the age of events kept.
pub const SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED: u32 = 0xFFFF_FFFF;

/// Sets what the audit trail records: `level` is an `sr_audit_level` value (anything else is
/// `SR_STATUS_VALIDATION`); `max_events` and `max_age_days` bound what is kept, older events
/// being pruned behind a signed checkpoint: 0 is the core's default (`sr_audit_defaults`),
/// `SR_AUDIT_MAX_EVENTS_UNBOUNDED` / `SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED` no bound.
#[unsafe(no_mangle)]
pub extern "C" fn sr_options_set_audit(
    options: *mut sr_options,
    level: u32,
    max_events: u64,
    max_age_days: u32,
) -> sr_status {
    boundary(|| {
        let o = options_mut(options)?;
        let level = match sr_audit_level::from_u32(level) {
            Some(sr_audit_level::Full) => AuditLevel::Full,
            Some(sr_audit_level::Summary) => AuditLevel::Summary,
            Some(sr_audit_level::Off) => AuditLevel::Off,
            None => {
                return Err(Failure::validation(format!(
                    "{level} is not an sr_audit_level; use SR_AUDIT_LEVEL_FULL, _SUMMARY or _OFF"
                )));
            }
        };
        let d = AuditOptions::default();
        o.audit = AuditOptions {
            level,
            max_events: match max_events {
                0 => d.max_events,
                SR_AUDIT_MAX_EVENTS_UNBOUNDED => None,
                n => Some(n),
            },
            max_age_days: match max_age_days {
                0 => d.max_age_days,
                SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED => None,
                n => Some(n),
            },
        };
        Ok(())
    })
}

/// Writes the core's default audit retention (what 0 means to `sr_options_set_audit`): at most
/// `*max_events_out` events, none older than `*max_age_days_out` days.
#[unsafe(no_mangle)]
pub extern "C" fn sr_audit_defaults(
    max_events_out: *mut u64,
    max_age_days_out: *mut u32,
) -> sr_status {
    boundary(|| {
        let events = Out::new(max_events_out, "max_events_out")?;
        let days = Out::new(max_age_days_out, "max_age_days_out")?;
        events.set(sr_core::DEFAULT_AUDIT_MAX_EVENTS);
        days.set(sr_core::DEFAULT_AUDIT_MAX_AGE_DAYS);
        Ok(())
    })
}

/// Copies this keystore's id (a UUID, part of every ARN) into `buf` as a NUL-terminated string.
/// On success `*out_n` is its length without the NUL (36). If `len` is too small, nothing is
/// copied, the call returns `SR_STATUS_INSUFFICIENT_SIZE` and `*out_n` is the size needed, NUL
/// included (37).
#[unsafe(no_mangle)]
pub extern "C" fn sr_keystore_id(
    keystore: *const sr_keystore,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let out_n = Out::new(out_n, "out_n")?;
        let id = ks.keystore_id().as_bytes();
        if len < id.len() + 1 {
            out_n.set(id.len() + 1);
            return Err(Failure::insufficient(id.len() + 1, len));
        }
        let dst = try_mut_slice(buf.cast::<u8>(), len, "buf")?;
        dst[..id.len()].copy_from_slice(id);
        dst[id.len()] = 0;
        out_n.set(id.len());
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::{sr_buffer, sr_buffer_free, sr_encrypt};
    use crate::key::{sr_create_key, sr_key_metadata, sr_key_metadata_free};
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Issue 17 item 7: 0 is the core's default retention (not "no bound"); the `_UNBOUNDED`
    /// constants remove a bound; `sr_audit_defaults` reports the core's constants.
    #[test]
    fn audit_retention_zero_is_the_default_and_unbounded_is_named() {
        let mut options: *mut sr_options = null_mut();
        assert_eq!(sr_options_new(&mut options), sr_status::Ok);
        let audit = |o: *mut sr_options| options_mut(o).unwrap().audit.clone();
        assert_eq!(
            sr_options_set_audit(options, sr_audit_level::Full as u32, 0, 0),
            sr_status::Ok
        );
        assert_eq!(audit(options), AuditOptions::default());
        assert_eq!(
            audit(options).max_events,
            Some(sr_core::DEFAULT_AUDIT_MAX_EVENTS)
        );
        assert_eq!(
            audit(options).max_age_days,
            Some(sr_core::DEFAULT_AUDIT_MAX_AGE_DAYS)
        );
        let st = sr_options_set_audit(
            options,
            sr_audit_level::Summary as u32,
            SR_AUDIT_MAX_EVENTS_UNBOUNDED,
            SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED,
        );
        assert_eq!(st, sr_status::Ok);
        let a = audit(options);
        assert_eq!(
            (a.level, a.max_events, a.max_age_days),
            (AuditLevel::Summary, None, None)
        );
        assert_eq!(
            sr_options_set_audit(options, sr_audit_level::Full as u32, 10, 7),
            sr_status::Ok
        );
        assert_eq!(
            (audit(options).max_events, audit(options).max_age_days),
            (Some(10), Some(7))
        );
        sr_options_free(options);
        let (mut events, mut days) = (0u64, 0u32);
        assert_eq!(sr_audit_defaults(&mut events, &mut days), sr_status::Ok);
        assert_eq!(
            (events, days),
            (
                sr_core::DEFAULT_AUDIT_MAX_EVENTS,
                sr_core::DEFAULT_AUDIT_MAX_AGE_DAYS
            )
        );
        assert_eq!(
            sr_audit_defaults(null_mut(), &mut days),
            sr_status::NullParameter
        );
    }

    /// A keystore in a fresh directory (fast test KDF) with one key; remove the directory with
    /// `std::fs::remove_dir_all` after freeing the handle.
    pub(crate) fn fresh(name: &str) -> (std::path::PathBuf, *mut sr_keystore, CString) {
        let dir = std::env::temp_dir().join(format!(
            "strongroom-ffi-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = CString::new(dir.join("ks").to_str().unwrap()).unwrap();
        let mut options: *mut sr_options = null_mut();
        assert_eq!(sr_options_new(&mut options), sr_status::Ok);
        assert_eq!(
            sr_options_use_insecure_fast_kdf_for_tests(options),
            sr_status::Ok
        );
        let mut ks: *mut sr_keystore = null_mut();
        let pass = b"passphrase";
        let st = sr_keystore_create(path.as_ptr(), pass.as_ptr(), pass.len(), options, &mut ks);
        sr_options_free(options);
        assert_eq!(st, sr_status::Ok);
        let mut m: *mut sr_key_metadata = null_mut();
        assert_eq!(
            sr_create_key(ks, null(), null(), null(), null(), &mut m),
            sr_status::Ok
        );
        // SAFETY: `sr_create_key` succeeded, so `m` is live until freed.
        let key_id = unsafe { CStr::from_ptr((*m).key_id) }.to_owned();
        sr_key_metadata_free(m);
        (dir, ks, key_id)
    }

    fn encrypt(ks: *const sr_keystore, key_id: &CStr) -> sr_status {
        let mut blob = sr_buffer::empty();
        let st = sr_encrypt(
            ks,
            key_id.as_ptr(),
            b"secret".as_ptr(),
            6,
            null(),
            0,
            &mut blob,
        );
        sr_buffer_free(&mut blob);
        st
    }

    /// A dry-run view (`sr_keystore_dry_run`): its calls change nothing and answer
    /// `DryRunOperation` or their real error; closing it ends only the view; closing the
    /// keystore ends every view; a closed keystore makes no view.
    #[test]
    fn dry_run_views() {
        let (dir, ks, key_id) = fresh("dry-run");
        let mut view: *mut sr_keystore = null_mut();
        assert_eq!(
            sr_keystore_dry_run(ks, null_mut()),
            sr_status::NullParameter
        );
        assert_eq!(
            sr_keystore_dry_run(null(), &mut view),
            sr_status::NullParameter
        );
        assert_eq!(sr_keystore_dry_run(ks, &mut view), sr_status::Ok);
        assert_eq!(encrypt(view, &key_id), sr_status::DryRunOperation);
        let msg = crate::error::LAST_ERROR.with(|m| m.borrow().clone());
        assert_eq!(
            msg,
            "DryRunOperation: The request would have succeeded, but the DryRun option is set."
        );
        assert_eq!(encrypt(view, c"alias/none"), sr_status::NotFound);
        assert_eq!(
            encrypt(ks, &key_id),
            sr_status::Ok,
            "the handle itself is no dry run"
        );
        // A key created through the view does not exist afterwards.
        let mut m: *mut sr_key_metadata = null_mut();
        let st = sr_create_key(view, null(), null(), null(), null(), &mut m);
        assert_eq!((st, m.is_null()), (sr_status::DryRunOperation, true));
        let mut list: *mut crate::key::sr_key_metadata_list = null_mut();
        assert_eq!(crate::key::sr_list_keys(ks, &mut list), sr_status::Ok);
        // SAFETY: `sr_list_keys` succeeded, so `list` is live until freed.
        assert_eq!(unsafe { (*list).len }, 1);
        crate::key::sr_key_metadata_list_free(list);
        // A view has no alarm of its own.
        assert_eq!(
            crate::alarm::sr_set_alarm(view, None, null_mut()),
            sr_status::Validation
        );
        let mut nested: *mut sr_keystore = null_mut();
        assert_eq!(sr_keystore_dry_run(view, &mut nested), sr_status::Ok);
        // Closing a view ends only that view.
        assert_eq!(sr_keystore_close(view), sr_status::Ok);
        assert_eq!(encrypt(view, &key_id), sr_status::Closed);
        assert_eq!(encrypt(nested, &key_id), sr_status::DryRunOperation);
        assert_eq!(encrypt(ks, &key_id), sr_status::Ok);
        sr_keystore_free(view);
        // Closing the keystore ends every view, and makes no new one.
        assert_eq!(sr_keystore_close(ks), sr_status::Ok);
        assert_eq!(encrypt(nested, &key_id), sr_status::Closed);
        let mut late: *mut sr_keystore = null_mut();
        assert_eq!(sr_keystore_dry_run(ks, &mut late), sr_status::Closed);
        assert!(late.is_null());
        sr_keystore_free(ks);
        sr_keystore_free(nested);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Handles cross threads as addresses (raw pointers are not `Send`).
    #[derive(Clone, Copy)]
    struct Shared(usize);
    impl Shared {
        fn get(self) -> *mut sr_keystore {
            self.0 as *mut sr_keystore
        }
    }

    /// One thread closes while others encrypt in a loop: every call returns `Ok` or `Closed`,
    /// none returns `Ok` after its thread saw `Closed`, calls after the close are refused, the
    /// file is unlocked (it opens again), and closing twice is `Ok`. Before the fix the close
    /// freed the keystore under the encrypting threads.
    #[test]
    fn close_while_other_threads_encrypt() {
        let (dir, ks, key_id) = fresh("close-race");
        let shared = Shared(ks as usize);
        let oks = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..100_000 {
                        match encrypt(shared.get(), &key_id) {
                            sr_status::Ok => {
                                oks.fetch_add(1, Ordering::Relaxed);
                            }
                            sr_status::Closed => {
                                // Closed stays closed.
                                assert_eq!(encrypt(shared.get(), &key_id), sr_status::Closed);
                                return;
                            }
                            other => panic!("{other:?}"),
                        }
                    }
                    panic!("the handle was never closed");
                });
            }
            s.spawn(|| {
                let give_up = std::time::Instant::now() + std::time::Duration::from_secs(10);
                while oks.load(Ordering::Relaxed) < 200 && std::time::Instant::now() < give_up {
                    std::thread::yield_now();
                }
                assert_eq!(sr_keystore_close(shared.get()), sr_status::Ok);
            });
        });
        assert_eq!(encrypt(ks, &key_id), sr_status::Closed);
        let msg = crate::error::LAST_ERROR.with(|m| m.borrow().clone());
        assert!(msg.starts_with("Closed: "), "{msg}");
        assert_eq!(sr_keystore_close(ks), sr_status::Ok, "a second close");
        // The file was unlocked by the close: it opens again.
        let path = CString::new(dir.join("ks").to_str().unwrap()).unwrap();
        let mut options: *mut sr_options = null_mut();
        assert_eq!(sr_options_new(&mut options), sr_status::Ok);
        assert_eq!(
            sr_options_use_insecure_fast_kdf_for_tests(options),
            sr_status::Ok
        );
        let mut again: *mut sr_keystore = null_mut();
        let st = sr_keystore_open(
            path.as_ptr(),
            b"passphrase".as_ptr(),
            10,
            options,
            &mut again,
        );
        sr_options_free(options);
        assert_eq!(st, sr_status::Ok);
        assert_eq!(encrypt(again, &key_id), sr_status::Ok);
        sr_keystore_free(ks);
        // Free closes an open handle too.
        sr_keystore_free(again);
        sr_keystore_free(null_mut());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

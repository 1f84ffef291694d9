//! Item 6 of issue 11: the C-ABI call-sequence fuzz body.
//!
//! Shared, through `#[path]`, by the CI smoke test (`tests/fuzz_call_sequence.rs`, deterministic
//! inputs) and the cargo-fuzz target (`fuzz/fuzz_targets/c_abi_sequence.rs`). It lives here and
//! not in `strongroom-reliability` (which forbids `unsafe`) because reading what the C ABI
//! returns takes raw pointers; it adds no public API to the FFI crate.
//!
//! [`run`] reads the input as a sequence of calls and drives the `extern "C"` functions exactly as
//! a C caller would: a fresh keystore in a temporary directory (insecure fast KDF, a manual
//! clock), then keys, aliases, enable/disable, encrypt/decrypt/re-encrypt with contexts built
//! from input bytes, data keys, random bytes, rotation, scheduled and cancelled deletion, lists,
//! the audit trail, the alarm, clock moves, passphrase changes, close and reopen, and hostile
//! arguments: NULL pointers, NULL with a length, short and zero-length buffers, invalid UTF-8,
//! out-of-range numbers, forged and mutated blobs, and the double uses the API defines as safe
//! (`sr_buffer_free` twice, frees of NULL, freeing the clock or the options while a keystore
//! uses them, a second open of a held file).
//!
//! The harness keeps a model (keys and their states, aliases, blobs it made, the clock) and
//! panics with `FAILURE: ...` when a guarantee breaks:
//! - a status that is not a defined `sr_status`, `SR_STATUS_PANIC` (a panic caught at the
//!   boundary), `UNKNOWN_ERROR`, or `CORRUPT`/`IO` on a healthy keystore;
//! - a status other than the one the C guide and the SPEC rules give for the call, where the
//!   model knows it (argument checks in the documented order, key states, quotas, aliases);
//! - after a failure, `sr_last_error_message` not giving a non-empty UTF-8 `"<Name>: ..."`
//!   message through its size protocol, or a refused copy writing into the buffer;
//! - an out-parameter written by a failed call;
//! - what encrypts not decrypting back to the same plaintext under the same context, or a blob
//!   decrypting under another context or another named key;
//! - a blob made of input bytes (raw or a mutated real blob) decrypting unless it is
//!   byte-identical to one the harness obtained, with that blob's context and plaintext;
//! - lists, metadata, rotation status, aliases or the audit trail disagreeing with the model.
//!
//! The harness never passes a freed or foreign pointer (that would be its own bug) and frees
//! every output with the matching free function.

use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr::{NonNull, null, null_mut};
use std::sync::atomic::{AtomicU64, Ordering};

use strongroom::alarm::{sr_alarm_event, sr_set_alarm};
use strongroom::alias::{
    sr_alias_list, sr_alias_list_free, sr_create_alias, sr_delete_alias, sr_list_aliases,
    sr_update_alias,
};
use strongroom::audit::{
    sr_audit_event_list, sr_audit_event_list_free, sr_audit_events, sr_audit_filter,
    sr_export_audit_jsonl, sr_verify_audit,
};
use strongroom::clock::{
    sr_manual_clock, sr_manual_clock_advance, sr_manual_clock_free, sr_manual_clock_new,
    sr_manual_clock_now, sr_manual_clock_set,
};
use strongroom::crypto::{
    sr_buffer, sr_buffer_free, sr_context_pair, sr_decrypt, sr_encrypt, sr_generate_random,
    sr_re_encrypt,
};
use strongroom::data_key::{
    sr_data_key, sr_data_key_free, sr_generate_data_key, sr_generate_data_key_without_plaintext,
};
use strongroom::deletion::{sr_cancel_key_deletion, sr_schedule_key_deletion};
use strongroom::import::{
    sr_delete_imported_key_material, sr_get_parameters_for_import, sr_import_key_material,
    sr_parameters_for_import, sr_parameters_for_import_free,
};
use strongroom::key::{
    sr_create_key, sr_describe_key, sr_disable_key, sr_enable_key, sr_key_metadata,
    sr_key_metadata_free, sr_key_metadata_list, sr_key_metadata_list_free, sr_list_keys,
};
use strongroom::keystore::{
    SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED, SR_AUDIT_MAX_EVENTS_UNBOUNDED, sr_change_passphrase,
    sr_keystore, sr_keystore_close, sr_keystore_create, sr_keystore_free, sr_keystore_id,
    sr_keystore_open, sr_options, sr_options_free, sr_options_new, sr_options_set_audit,
    sr_options_set_caller, sr_options_set_kdf_cost, sr_options_set_manual_clock,
    sr_options_set_max_keys, sr_options_use_insecure_fast_kdf_for_tests, sr_run_maintenance,
};
use strongroom::rotation::{
    sr_disable_key_rotation, sr_enable_key_rotation, sr_get_key_rotation_status,
    sr_key_rotation_status, sr_key_rotation_status_free, sr_list_key_rotations,
    sr_rotate_key_on_demand, sr_rotations_list, sr_rotations_list_free,
};
use strongroom::status::{sr_last_error_message, sr_status, sr_status_name};

use sr_status::{
    AlreadyExists, AuthenticationFailed, Disabled, IncorrectKey, InsufficientSize,
    InvalidCiphertext, InvalidState, InvalidUtf8, LimitExceeded, Locked, NotFound, NullParameter,
    UnsupportedOperation, Validation,
};

/// At most this many calls per input (each is a few bytes of input).
const MAX_OPS: usize = 64;
/// The input is read this many times over, so that the short inputs libFuzzer starts with (its
/// length limit grows from a few bytes) already spell sequences of several calls.
const PASSES: usize = 4;
/// At most this many blobs kept per input.
const MAX_KNOWN: usize = 48;
/// The manual clock starts at 2026-01-01T00:00:00Z.
const START_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;
/// The keystore's clock stays within this many days of the start, or at the epoch (0 and -1 ms).
/// Far jumps forward make one version per rotation period missed (up to 100 a catch-up, by
/// design), which only slows the fuzzer. Out-of-range times are tried on a clock of their own
/// (`op_clock`); `finding_6_...` in tests/fuzz_call_sequence.rs covers a keystore at the end of
/// time.
const CLOCK_RANGE_DAYS: i64 = 3650;
const CALLER: &CStr = c"c_abi_sequence";
const MAX_ON_DEMAND: u32 = 25;

/// Runs one input: a fresh keystore, the calls the input spells, final checks, cleanup.
pub fn run(data: &[u8]) {
    let mut input = Input {
        data,
        pos: 0,
        end: data.len() * PASSES,
    };
    let mut h = Harness::new(&mut input);
    let mut ops = 0;
    while !input.done() && ops < MAX_OPS {
        h.step(&mut input);
        ops += 1;
    }
    h.finish();
}

// ----- the input -----

/// The input, read cyclically up to `end` (`PASSES` times its length).
struct Input<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
}

impl Input<'_> {
    fn done(&self) -> bool {
        self.pos >= self.end
    }

    /// The next byte; 0 once the input is used up.
    fn byte(&mut self) -> u8 {
        let b = if self.pos < self.end {
            self.data[self.pos % self.data.len()]
        } else {
            0
        };
        self.pos += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// Up to `n` bytes (fewer at the end of the input).
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.end.saturating_sub(self.pos));
        (0..n).map(|_| self.byte()).collect()
    }

    /// Short UTF-8 text of 0 to 8 characters: mostly lowercase letters and digits, some
    /// punctuation and a two-byte character; a NUL byte ends it (as it would in C).
    fn text(&mut self) -> Vec<u8> {
        let len = usize::from(self.byte() % 9);
        let mut out = Vec::with_capacity(len * 2);
        for _ in 0..len {
            let c = self.byte();
            match c {
                0..=199 => out.push(b'a' + c % 26),
                200..=239 => out.push(b"0123456789-_/.: ABCXYZ"[usize::from(c - 200) % 22]),
                240..=253 => out.extend_from_slice("\u{e9}".as_bytes()),
                _ => out.push(0),
            }
        }
        out
    }

    /// As [`Input::text`], now and then made invalid UTF-8 (a lone continuation byte or a
    /// truncated sequence).
    fn hostile_text(&mut self) -> Vec<u8> {
        let b = self.byte();
        let mut t = self.text();
        match b % 16 {
            0 => t.push(0x80),
            1 => t.insert(0, 0xC3),
            _ => {}
        }
        t
    }
}

// ----- C strings and arguments -----

/// A `const char *` argument: NULL, or the bytes up to the first NUL (as C would see them).
struct CArg {
    c: Option<CString>,
}

impl CArg {
    fn null() -> Self {
        CArg { c: None }
    }

    fn new(bytes: &[u8]) -> Self {
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        CArg {
            c: Some(CString::new(&bytes[..end]).expect("no NUL before the end")),
        }
    }

    fn text(s: &str) -> Self {
        Self::new(s.as_bytes())
    }

    fn ptr(&self) -> *const c_char {
        self.c.as_ref().map_or(null(), |c| c.as_ptr())
    }

    /// The text if the argument is non-NULL UTF-8.
    fn str(&self) -> Option<&str> {
        self.c.as_ref().and_then(|c| c.to_str().ok())
    }

    /// The status the FFI layer gives before anything else for a required string.
    fn required_err(&self) -> Option<sr_status> {
        match &self.c {
            None => Some(NullParameter),
            Some(c) if c.to_str().is_err() => Some(InvalidUtf8),
            Some(_) => None,
        }
    }

    /// As [`CArg::required_err`] for an optional string (NULL means "not given").
    fn optional_err(&self) -> Option<sr_status> {
        match &self.c {
            Some(c) if c.to_str().is_err() => Some(InvalidUtf8),
            _ => None,
        }
    }
}

/// One context pair as bytes; `None` is a NULL pointer.
type RawPair = (Option<Vec<u8>>, Option<Vec<u8>>);

/// An encryption context argument: `(const sr_context_pair *, size_t)`.
struct Ctx {
    _strings: Vec<CString>,
    pairs: Vec<sr_context_pair>,
    /// Passed as the pointer: NULL, or `pairs`.
    null_ptr: bool,
    len: usize,
    /// The first failure the FFI layer and `EncryptionContext::from_pairs` give, if any.
    err: Option<sr_status>,
    /// The context as the core sees it (valid contexts only; empty means none).
    canon: BTreeMap<String, String>,
}

impl Ctx {
    fn none() -> Self {
        Ctx {
            _strings: Vec::new(),
            pairs: Vec::new(),
            null_ptr: true,
            len: 0,
            err: None,
            canon: BTreeMap::new(),
        }
    }

    /// From pairs of byte strings (a `None` side is a NULL pointer). The order is kept.
    fn from_pairs(raw: &[RawPair]) -> Self {
        let mut strings = Vec::new();
        let mut pairs = Vec::new();
        let mut err = None;
        let mut canon = BTreeMap::new();
        let mut size = 0usize;
        let mut dup_or_empty = false;
        for (k, v) in raw {
            let k = k.as_ref().map(|b| CArg::new(b));
            let v = v.as_ref().map(|b| CArg::new(b));
            for side in [&k, &v] {
                if err.is_none() {
                    err = match side {
                        None => Some(NullParameter),
                        Some(a) => a.required_err(),
                    };
                }
            }
            let kp = k.as_ref().map_or(null(), CArg::ptr);
            let vp = v.as_ref().map_or(null(), CArg::ptr);
            pairs.push(sr_context_pair { key: kp, value: vp });
            if let (Some(ks), Some(vs)) = (
                k.as_ref().and_then(|a| a.str()),
                v.as_ref().and_then(|a| a.str()),
            ) {
                size += ks.len() + vs.len() + 8;
                if ks.is_empty() || canon.insert(ks.to_owned(), vs.to_owned()).is_some() {
                    dup_or_empty = true;
                }
            }
            strings.extend(k.and_then(|a| a.c));
            strings.extend(v.and_then(|a| a.c));
        }
        if err.is_none() && dup_or_empty {
            err = Some(Validation);
        }
        // Far below the core's 8192-byte limit except for the oversized context, which is far
        // above it (the core counts its own encoding; the two never meet near the limit).
        if err.is_none() && size > 8192 {
            err = Some(Validation);
        }
        let len = pairs.len();
        Ctx {
            _strings: strings,
            pairs,
            null_ptr: false,
            len,
            err,
            canon: if err.is_none() {
                canon
            } else {
                BTreeMap::new()
            },
        }
    }

    /// The same valid context, pairs in reverse order (order must not matter).
    fn from_map_reversed(m: &BTreeMap<String, String>) -> Self {
        if m.is_empty() {
            return Self::none();
        }
        let raw: Vec<_> = m
            .iter()
            .rev()
            .map(|(k, v)| (Some(k.as_bytes().to_vec()), Some(v.as_bytes().to_vec())))
            .collect();
        Self::from_pairs(&raw)
    }

    fn ptr(&self) -> *const sr_context_pair {
        if self.null_ptr {
            null()
        } else {
            // A zero-length array may still be a non-NULL (dangling) pointer: allowed with 0.
            self.pairs.as_ptr()
        }
    }
}

/// A `(const uint8_t *, size_t)` argument.
struct Bytes {
    data: Vec<u8>,
    null_ptr: bool,
    len: usize,
}

impl Bytes {
    fn of(data: Vec<u8>) -> Self {
        let len = data.len();
        Bytes {
            data,
            null_ptr: false,
            len,
        }
    }

    fn ptr(&self) -> *const u8 {
        if self.null_ptr {
            null()
        } else {
            self.data.as_ptr()
        }
    }

    /// NULL with a nonzero length.
    fn null_err(&self) -> Option<sr_status> {
        (self.null_ptr && self.len > 0).then_some(NullParameter)
    }
}

/// What strongroom allocated into an `sr_buffer`, copied out (the buffer is not freed here).
fn buffer_bytes(b: &sr_buffer) -> Vec<u8> {
    if b.len == 0 {
        return Vec::new();
    }
    assert!(
        !b.data.is_null(),
        "FAILURE: an sr_buffer with len > 0 and NULL data"
    );
    // SAFETY: strongroom filled `b` on success: `data` points at `len` initialised bytes it owns
    // until `sr_buffer_free`, which the caller has not called yet.
    unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
}

/// The `len` items of a list strongroom returned (none when `len` is 0, where `items` may be NULL).
///
/// # Safety
/// Unless `len` is 0, `items` points at `len` initialised items that outlive the returned slice.
unsafe fn list_items<'a, T>(items: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: the caller's guarantee.
        unsafe { std::slice::from_raw_parts(items, len) }
    }
}

/// A string field of a returned struct; `None` for NULL.
///
/// # Safety
///
/// `p` is NULL or a NUL-terminated string that stays valid while the result is used (strongroom
/// keeps it until the struct holding it is freed).
unsafe fn field<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated, per this function's contract.
    let s = unsafe { CStr::from_ptr(p) };
    Some(
        s.to_str()
            .expect("FAILURE: a string returned by strongroom is not UTF-8"),
    )
}

/// An `sr_buffer` the harness sets before a call, to see that a failed call left it alone.
fn sentinel_buffer() -> sr_buffer {
    sr_buffer {
        data: NonNull::<u8>::dangling().as_ptr(),
        len: 0x5EED,
    }
}

fn is_sentinel(b: &sr_buffer) -> bool {
    b.data == NonNull::<u8>::dangling().as_ptr() && b.len == 0x5EED
}

/// A pointer out-parameter's "untouched" value (never dereferenced, never freed).
fn sentinel_ptr<T>() -> *mut T {
    NonNull::<T>::dangling().as_ptr()
}

/// A lowercase hyphenated UUID, the only key id form the core parses.
fn is_key_id(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// The core's alias name rule (`alias/`, 1 to 250 of `A-Z a-z 0-9 / _ -`, not reserved).
fn alias_name_ok(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("alias/") else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    !rest.is_empty()
        && name.len() <= 256
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'))
        && !lower.starts_with("alias/aws/")
        && !lower.starts_with("alias/strongroom/")
}

/// The first of `checks` that applies, else `last`.
fn first(checks: &[Option<sr_status>], last: Vec<sr_status>) -> Vec<sr_status> {
    checks
        .iter()
        .find_map(|c| c.map(|s| vec![s]))
        .unwrap_or(last)
}

// ----- the alarm -----

/// What the alarm callback saw: refusals, and events that broke the documented shape.
#[derive(Default)]
struct AlarmLog {
    count: AtomicU64,
    bad: AtomicU64,
}

/// The alarm callback: counts events and checks their fields (it must not panic: a panic cannot
/// unwind out of an `extern "C"` function; the harness checks `bad` after each call).
unsafe extern "C" fn on_alarm(user_data: *mut c_void, event: *const sr_alarm_event) {
    // SAFETY: `user_data` is the harness's boxed `AlarmLog`, which outlives the alarm (it is
    // cleared or the keystore closed before the box is dropped).
    let log = unsafe { &*user_data.cast::<AlarmLog>() };
    if event.is_null() {
        log.bad.fetch_add(1, Ordering::Relaxed);
        return;
    }
    // SAFETY: strongroom passes a valid event whose strings live during the callback.
    let e = unsafe { &*event };
    let text = |p: *const c_char| -> Option<String> {
        if p.is_null() {
            return None;
        }
        // SAFETY: the event's strings are NUL-terminated and valid during the callback.
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .ok()
            .map(str::to_owned)
    };
    let ok = matches!(
        (text(e.key_state).as_deref(), text(e.outcome).as_deref()),
        (Some("Disabled"), Some("Disabled")) | (Some("PendingDeletion"), Some("InvalidState"))
    ) && text(e.operation).is_some_and(|o| !o.is_empty())
        && text(e.key_id).is_some_and(|k| is_key_id(&k));
    if !ok {
        log.bad.fetch_add(1, Ordering::Relaxed);
    }
    log.count.fetch_add(1, Ordering::Relaxed);
}

// ----- the model -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    Destroyed,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Enabled => "Enabled",
            State::Disabled => "Disabled",
            State::PendingDeletion => "PendingDeletion",
            State::PendingImport => "PendingImport",
            State::Destroyed => "Destroyed",
        }
    }
}

struct Key {
    id: String,
    description: String,
    external: bool,
    /// Whether the key has backing-key material (the harness never imports any, so `EXTERNAL`
    /// keys have none).
    material: bool,
    state: State,
    created: i64,
    deletion_date: i64,
    window: u32,
    rotation_period: Option<u32>,
    on_demand: u32,
}

/// A blob the harness obtained from strongroom, with the context and plaintext it was made with
/// (no plaintext for `sr_generate_data_key_without_plaintext`).
struct Known {
    blob: Vec<u8>,
    ctx: BTreeMap<String, String>,
    plaintext: Option<Vec<u8>>,
    key: usize,
}

/// Where the keystores go: `SR_FUZZ_TMPDIR` if set, else `/dev/shm` if it is a directory (memory:
/// a keystore's fsyncs cost nothing there, about three times the inputs a second), else the
/// system's temporary directory.
fn scratch_base() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("SR_FUZZ_TMPDIR") {
        return d.into();
    }
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let p = scratch_base().join(format!(
            "sr-c-abi-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).expect("a temporary directory");
        TempDir(p)
    }

    fn file(&self, name: &str) -> CString {
        CString::new(self.0.join(name).to_str().expect("a UTF-8 temporary path"))
            .expect("no NUL in the temporary path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Harness {
    dir: TempDir,
    path: CString,
    passphrase: Vec<u8>,
    options: *mut sr_options,
    /// The harness's clock handle; NULL once freed (the keystore and options keep their own).
    clock: *mut sr_manual_clock,
    /// The model's time, and the time of the clock the keystore and the options use.
    now: i64,
    /// The latest time the clock has shown (it may be set back).
    latest: i64,
    ks: *mut sr_keystore,
    ks_id: String,
    arn_prefix: String,
    max_keys: u64,
    audit_off: bool,
    keys: Vec<Key>,
    aliases: BTreeMap<String, usize>,
    known: Vec<Known>,
    alarm: Box<AlarmLog>,
    alarm_set: bool,
    /// Cycles the ways `sr_last_error_message` is called.
    err_variant: u32,
    trace: Vec<String>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        // Also runs when a check failed (the smoke test unwinds): release everything.
        if !self.ks.is_null() {
            let _ = sr_keystore_close(self.ks);
            sr_keystore_free(self.ks);
            self.ks = null_mut();
        }
        sr_options_free(self.options);
        sr_manual_clock_free(self.clock);
    }
}

impl Harness {
    fn new(inp: &mut Input) -> Self {
        let setup = inp.byte();
        let dir = TempDir::new();
        let path = dir.file("ks.strongroom");
        let mut passphrase = inp.bytes(usize::from(setup >> 4) + 1);
        if passphrase.is_empty() {
            passphrase = b"pass".to_vec();
        }
        let mut h = Harness {
            dir,
            path,
            passphrase,
            options: null_mut(),
            clock: null_mut(),
            now: START_MS,
            latest: START_MS,
            ks: null_mut(),
            ks_id: String::new(),
            arn_prefix: String::new(),
            max_keys: if setup & 4 != 0 {
                3 + u64::from(setup >> 3) % 4
            } else {
                100_000
            },
            audit_off: setup & 3 == 3,
            keys: Vec::new(),
            aliases: BTreeMap::new(),
            known: Vec::new(),
            alarm: Box::default(),
            alarm_set: false,
            err_variant: 0,
            trace: Vec::new(),
        };
        let mut clock = null_mut();
        h.must(
            "sr_manual_clock_new",
            sr_manual_clock_new(START_MS, &mut clock),
        );
        h.clock = clock;
        h.options = h.fresh_options(u32::from(setup & 3).clamp(1, 3));
        let mut ks = sentinel_ptr();
        let st = sr_keystore_create(
            h.path.as_ptr(),
            h.passphrase.as_ptr(),
            h.passphrase.len(),
            h.options,
            &mut ks,
        );
        h.must("sr_keystore_create", st);
        h.ks = ks;
        h.read_keystore_id();
        // One key to start with, as a caller would make.
        let mut m = null_mut();
        let st = sr_create_key(
            h.ks_ptr(),
            c"first".as_ptr(),
            null(),
            null(),
            null(),
            &mut m,
        );
        h.must("sr_create_key", st);
        // SAFETY: on success `m` points at metadata strongroom allocated; freed below.
        let id = unsafe { field((*m).key_id) }.unwrap_or_default().to_owned();
        sr_key_metadata_free(m);
        h.keys.push(Key {
            id,
            description: "first".into(),
            external: false,
            material: true,
            state: State::Enabled,
            created: START_MS,
            deletion_date: 0,
            window: 0,
            rotation_period: None,
            on_demand: 0,
        });
        h
    }

    /// New options: fast test KDF, the harness's clock, its caller label, the quota and `level`.
    fn fresh_options(&mut self, level: u32) -> *mut sr_options {
        if self.clock.is_null() {
            // The harness freed its clock: a new one at the model's time.
            let mut c = null_mut();
            self.must("sr_manual_clock_new", sr_manual_clock_new(self.now, &mut c));
            self.clock = c;
        }
        let mut o = null_mut();
        self.must("sr_options_new", sr_options_new(&mut o));
        self.must(
            "sr_options_use_insecure_fast_kdf_for_tests",
            sr_options_use_insecure_fast_kdf_for_tests(o),
        );
        self.must(
            "sr_options_set_manual_clock",
            sr_options_set_manual_clock(o, self.clock),
        );
        self.must(
            "sr_options_set_caller",
            sr_options_set_caller(o, CALLER.as_ptr()),
        );
        self.must(
            "sr_options_set_max_keys",
            sr_options_set_max_keys(o, self.max_keys),
        );
        // The model keeps every event: no retention bound (0 would be the core's default).
        let st = sr_options_set_audit(
            o,
            level,
            SR_AUDIT_MAX_EVENTS_UNBOUNDED,
            SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED,
        );
        self.must("sr_options_set_audit", st);
        o
    }

    // ----- checking calls -----

    fn fail(&self, msg: impl std::fmt::Display) -> ! {
        let start = self.trace.len().saturating_sub(30);
        panic!(
            "FAILURE: c_abi_sequence: {msg}\nlast calls:\n  {}",
            self.trace[start..].join("\n  ")
        );
    }

    fn status_name(code: u32) -> &'static str {
        let p = sr_status_name(code);
        assert!(!p.is_null(), "FAILURE: sr_status_name returned NULL");
        // SAFETY: `sr_status_name` returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("FAILURE: a status name is not UTF-8")
    }

    /// Checks what every call must satisfy and returns the status: a defined code, no caught
    /// panic, no `Corrupt`/`Io`/`UnknownError` on a healthy keystore, and after a failure a
    /// message through `sr_last_error_message`'s size protocol.
    fn check(&mut self, what: &str, st: sr_status) -> sr_status {
        let code = st as u32;
        let name = Self::status_name(code);
        self.trace.push(format!("{what} -> {name}"));
        if name == "Invalid" {
            self.fail(format!("{what} returned {code}, not an sr_status"));
        }
        if st == sr_status::Ok {
            return st;
        }
        let msg = self.last_error(name);
        self.trace.push(format!("    {msg}"));
        if matches!(
            st,
            sr_status::Panic | sr_status::UnknownError | sr_status::Corrupt | sr_status::Io
        ) {
            self.fail(format!("{what} returned {name}: {msg}"));
        }
        st
    }

    /// As [`Harness::check`], and the status must be one of `allowed`.
    fn expect(&mut self, what: &str, st: sr_status, allowed: &[sr_status]) -> sr_status {
        let st = self.check(what, st);
        if !allowed.contains(&st) {
            let names: Vec<_> = allowed
                .iter()
                .map(|s| Self::status_name(*s as u32))
                .collect();
            self.fail(format!(
                "{what} returned {}, expected {}",
                Self::status_name(st as u32),
                names.join(" or ")
            ));
        }
        st
    }

    fn must(&mut self, what: &str, st: sr_status) {
        self.expect(what, st, &[sr_status::Ok]);
    }

    /// The last error message, read the way the header documents, with a rotating choice of
    /// hostile buffers first. The message must be non-empty UTF-8 starting with `"<name>: "`.
    fn last_error(&mut self, name: &str) -> String {
        let mut needed = 0usize;
        let st = sr_last_error_message(null_mut(), 0, &mut needed);
        if st != InsufficientSize || needed < 2 {
            self.fail(format!(
                "sr_last_error_message(NULL, 0) after {name}: {} with size {needed}",
                Self::status_name(st as u32)
            ));
        }
        self.err_variant = self.err_variant.wrapping_add(1);
        match self.err_variant % 4 {
            1 => {
                // One byte short: refused, nothing copied, the size written.
                let mut buf = vec![0xA5u8; needed - 1];
                let mut n = 0usize;
                let st = sr_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut n);
                if st != InsufficientSize || n != needed || buf.iter().any(|b| *b != 0xA5) {
                    self.fail(format!(
                        "sr_last_error_message with {} of {needed} bytes: {}, n {n}, buffer {}",
                        buf.len(),
                        Self::status_name(st as u32),
                        if buf.iter().all(|b| *b == 0xA5) {
                            "untouched"
                        } else {
                            "written"
                        }
                    ));
                }
            }
            2 => {
                // NULL out_n: refused, and the stored message must stay.
                let mut buf = vec![0u8; needed];
                let st = sr_last_error_message(buf.as_mut_ptr().cast(), buf.len(), null_mut());
                if st != NullParameter {
                    self.fail(format!(
                        "sr_last_error_message with NULL out_n: {}",
                        Self::status_name(st as u32)
                    ));
                }
            }
            3 => {
                // NULL buffer with a length: refused.
                let mut n = 0usize;
                let st = sr_last_error_message(null_mut(), needed + 16, &mut n);
                if st != NullParameter {
                    self.fail(format!(
                        "sr_last_error_message with NULL buf: {}",
                        Self::status_name(st as u32)
                    ));
                }
            }
            _ => {}
        }
        let extra = (self.err_variant % 3) as usize * 7;
        let mut buf = vec![0xA5u8; needed + extra];
        let mut n = usize::MAX;
        let st = sr_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut n);
        if st != sr_status::Ok || n + 1 != needed || buf[n] != 0 {
            self.fail(format!(
                "sr_last_error_message with {} bytes (needed {needed}): {}, n {n}",
                buf.len(),
                Self::status_name(st as u32)
            ));
        }
        let msg = match std::str::from_utf8(&buf[..n]) {
            Ok(m) => m.to_owned(),
            Err(_) => self.fail(format!("the message after {name} is not UTF-8")),
        };
        if msg.contains('\0')
            || !msg.starts_with(&format!("{name}: "))
            || msg.len() <= name.len() + 2
        {
            self.fail(format!(
                "the message after {name} is not \"{name}: ...\": {msg:?}"
            ));
        }
        msg
    }

    fn check_alarm_log(&self) {
        if self.alarm.bad.load(Ordering::Relaxed) != 0 {
            self.fail("the alarm callback received a malformed event");
        }
    }

    // ----- the model's helpers -----

    fn ks_ptr(&self) -> *const sr_keystore {
        self.ks
    }

    fn alive(&self) -> impl Iterator<Item = (usize, &Key)> {
        self.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.state != State::Destroyed)
    }

    fn key_arn(&self, i: usize) -> String {
        format!("{}key/{}", self.arn_prefix, self.keys[i].id)
    }

    /// What the core's `resolve` does with a key reference: `Ok(Some(i))` a model key (maybe
    /// destroyed), `Ok(None)` a well-formed key id the keystore never had, else the error.
    fn resolve(&self, s: &str) -> Result<Option<usize>, sr_status> {
        if s.is_empty() || s.len() > 2048 {
            return Err(Validation);
        }
        let local = if s.starts_with("arn:") {
            s.strip_prefix(self.arn_prefix.as_str()).ok_or(NotFound)?
        } else {
            s
        };
        if local.starts_with("alias/") {
            return self.aliases.get(local).map(|i| Some(*i)).ok_or(NotFound);
        }
        let id = local.strip_prefix("key/").unwrap_or(local);
        if !is_key_id(id) {
            return Err(NotFound);
        }
        Ok(self.keys.iter().position(|k| k.id == id))
    }

    /// The statuses a key reference gives for a cryptographic use, its argument checks passed
    /// (none for a NULL or non-UTF-8 reference, whose string check comes first).
    fn use_status(&self, r: &CArg) -> Vec<sr_status> {
        let Some(s) = r.str() else {
            return vec![];
        };
        match self.resolve(s) {
            Err(e) => vec![e],
            Ok(None) => vec![NotFound],
            Ok(Some(i)) => vec![match self.keys[i].state {
                State::Enabled => sr_status::Ok,
                State::Disabled => Disabled,
                State::PendingDeletion | State::PendingImport => InvalidState,
                State::Destroyed => NotFound,
            }],
        }
    }

    /// The model key a reference names, if it names one that exists.
    fn target(&self, r: &CArg) -> Option<usize> {
        match self.resolve(r.str()?) {
            Ok(Some(i)) if self.keys[i].state != State::Destroyed => Some(i),
            _ => None,
        }
    }

    /// Whether a refusal with `st` for the key `r` names should have rung the alarm.
    fn rings(&self, r: Option<usize>, st: sr_status) -> bool {
        self.alarm_set
            && r.is_some_and(|i| {
                matches!(
                    (self.keys[i].state, st),
                    (State::Disabled, Disabled) | (State::PendingDeletion, InvalidState)
                )
            })
    }

    fn alarm_count(&self) -> u64 {
        self.alarm.count.load(Ordering::Relaxed)
    }

    fn check_rang(&self, what: &str, before: u64, expected: bool) {
        self.check_alarm_log();
        let rang = self.alarm_count() - before;
        if rang != u64::from(expected) {
            self.fail(format!(
                "{what}: the alarm rang {rang} times, expected {}",
                u64::from(expected)
            ));
        }
    }

    fn destroy(&mut self, i: usize) {
        self.keys[i].state = State::Destroyed;
        self.aliases.retain(|_, k| *k != i);
    }

    fn remember(&mut self, k: Known) {
        if self.known.len() < MAX_KNOWN {
            self.known.push(k);
        }
    }

    // ----- argument generators -----

    /// A key reference: mostly a model key by id, ARN or alias (name or ARN), sometimes hostile.
    fn key_ref(&mut self, inp: &mut Input) -> CArg {
        let b = inp.byte();
        if !self.keys.is_empty() && b % 16 < 13 {
            let i = usize::from(inp.byte()) % self.keys.len();
            let id = self.keys[i].id.clone();
            let names: Vec<&String> = self
                .aliases
                .iter()
                .filter(|(_, k)| **k == i)
                .map(|(n, _)| n)
                .collect();
            return match (b >> 4) % 4 {
                0 | 1 => CArg::text(&id),
                2 => CArg::text(&self.key_arn(i)),
                _ if names.is_empty() => CArg::text(&format!("key/{id}")),
                _ => {
                    let n = names[usize::from(b >> 6) % names.len()].clone();
                    if b & 0x80 != 0 {
                        CArg::text(&format!("{}{n}", self.arn_prefix))
                    } else {
                        CArg::text(&n)
                    }
                }
            };
        }
        match b % 8 {
            0 => CArg::null(),
            1 => CArg::new(&[b'a', 0xC3, 0x28]),
            2 => CArg::text(""),
            3 => match self.keys.first() {
                Some(k) => CArg::text(&k.id.to_uppercase()),
                None => CArg::text("00000000-0000-4000-8000-000000000000"),
            },
            4 => CArg::text("00000000-0000-4000-8000-000000000000"),
            5 => CArg::text(&format!(
                "arn:strongroom:kms:local:00000000-0000-4000-8000-000000000000:key/{}",
                self.keys.first().map_or("x", |k| k.id.as_str())
            )),
            6 => {
                let mut t = inp.hostile_text();
                if b & 0x80 != 0 {
                    let mut a = b"alias/".to_vec();
                    a.append(&mut t);
                    t = a;
                }
                CArg::new(&t)
            }
            _ => CArg::text(&"k".repeat(2049)),
        }
    }

    /// An encryption context from the input: none, an empty array, NULL with a length, or 1 to
    /// 4 pairs of short text (sometimes a NULL side, a duplicate key, or an oversized value).
    fn context(&mut self, inp: &mut Input) -> Ctx {
        let b = inp.byte();
        let mode = b % 32;
        match mode {
            0..=9 => return Ctx::none(),
            10 => {
                let mut c = Ctx::none();
                c.null_ptr = false;
                return c;
            }
            11 => {
                let mut c = Ctx::none();
                c.len = 1 + usize::from(b >> 6);
                c.err = Some(NullParameter);
                return c;
            }
            _ => {}
        }
        // 12 to 16: one hostile pair among clean ones; 17 to 31: clean pairs.
        let n = 1 + usize::from(b >> 5) % 4;
        let mut raw = Vec::new();
        for j in 0..n {
            let mut k = inp.text();
            if k.first().is_none_or(|c| *c == 0) {
                k = vec![b'k', b'0' + j as u8];
            }
            raw.push((Some(k), Some(inp.text())));
        }
        let last = raw.len() - 1;
        match mode {
            12 => raw[last].1.as_mut().expect("set").push(0xFF),
            13 if n > 1 => raw[last].0 = raw[0].0.clone(),
            13 => raw[last].0 = Some(Vec::new()),
            14 => raw[last].0 = None,
            15 => raw[last].1 = None,
            16 => raw[last].1 = Some(vec![b'v'; 9000]),
            _ => {}
        }
        Ctx::from_pairs(&raw)
    }

    /// A context for decrypting `known`: its own (pairs reordered), or one that differs.
    fn context_for(&mut self, inp: &mut Input, known_ctx: &BTreeMap<String, String>) -> Ctx {
        let b = inp.byte();
        match b % 8 {
            0..=3 => Ctx::from_map_reversed(known_ctx),
            4 => {
                // One pair fewer (or one pair where there were none).
                let mut m = known_ctx.clone();
                if m.pop_first().is_none() {
                    m.insert("extra".into(), "x".into());
                }
                Ctx::from_map_reversed(&m)
            }
            5 => {
                // One value changed, or an empty array when there were no pairs.
                let mut m = known_ctx.clone();
                match m.values_mut().next() {
                    Some(v) => v.push('x'),
                    None => {
                        let mut c = Ctx::none();
                        c.null_ptr = false;
                        return c;
                    }
                }
                Ctx::from_map_reversed(&m)
            }
            6 => {
                // One pair more, with a key the context lacks.
                let mut m = known_ctx.clone();
                let mut k = String::from("more");
                while m.contains_key(&k) {
                    k.push('+');
                }
                m.insert(k, "1".into());
                Ctx::from_map_reversed(&m)
            }
            _ => self.context(inp),
        }
    }

    /// A plaintext argument: input bytes (1 to 64), the 4096-byte maximum, one byte over, empty,
    /// or NULL with or without a length.
    fn plaintext(&mut self, inp: &mut Input) -> Bytes {
        let b = inp.byte();
        match b % 32 {
            0 => Bytes::of(Vec::new()),
            1 => Bytes {
                data: Vec::new(),
                null_ptr: true,
                len: 0,
            },
            2 => Bytes {
                data: Vec::new(),
                null_ptr: true,
                len: 5,
            },
            3 => Bytes::of(vec![b; 4096]),
            4 => Bytes::of(vec![b; 4097]),
            _ => {
                let mut v = inp.bytes(1 + usize::from(b >> 3));
                if v.is_empty() {
                    v.push(b);
                }
                Bytes::of(v)
            }
        }
    }

    /// The plaintext-length rule of `Encrypt` (1 to 4096 bytes).
    fn plaintext_err(p: &Bytes) -> Option<sr_status> {
        (p.len == 0 || p.len > 4096).then_some(Validation)
    }

    // ----- one call -----

    fn step(&mut self, inp: &mut Input) {
        if self.ks.is_null() {
            // A reopen failed to reach a handle: open again (a C caller would).
            self.reopen(inp, false);
            return;
        }
        match inp.byte() % 32 {
            0 | 1 => self.op_create_key(inp),
            2 => self.op_describe_key(inp),
            3 => self.op_list_keys(),
            4 | 5 => self.op_enable_disable(inp),
            6 | 7 => self.op_put_alias(inp),
            8 => self.op_delete_alias(inp),
            9 => self.op_list_aliases(inp),
            10 | 11 => self.op_encrypt(inp),
            12 | 13 => self.op_decrypt_known(inp),
            14 => self.op_decrypt_forged(inp),
            15 => self.op_re_encrypt(inp),
            16 => self.op_data_key(inp),
            17 => self.op_random(inp),
            18 => self.op_rotation_on_off(inp),
            19 => self.op_rotate(inp),
            20 => self.op_schedule_deletion(inp),
            21 => self.op_cancel_deletion(inp),
            22 => self.op_clock(inp),
            23 => self.reopen(inp, true),
            24 => self.op_change_passphrase(inp),
            25 => self.op_audit(inp),
            26 => self.op_alarm(inp),
            27 => self.op_keystore_id(inp),
            28 => self.op_null_arguments(inp),
            29 => self.op_frees(inp),
            30 => self.op_import(inp),
            _ => self.op_options_and_files(inp),
        }
    }

    fn op_create_key(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let description = match b % 16 {
            0 => CArg::null(),
            1 => CArg::text(&"d".repeat(8193)),
            2 => CArg::text(&"\u{e9}".repeat(8192)),
            _ => CArg::new(&inp.hostile_text()),
        };
        let spec = match (b >> 4) % 16 {
            0 => CArg::text("SYMMETRIC_DEFAULT"),
            1 => CArg::text("HMAC_256"),
            2 => CArg::text("NOPE"),
            _ => CArg::null(),
        };
        let o = inp.byte();
        let usage = match o % 16 {
            0 => CArg::text("ENCRYPT_DECRYPT"),
            1 => CArg::text("SIGN_VERIFY"),
            // An HMAC key is left to the asymmetric tests: here HMAC_256 always gets a usage it
            // does not allow (the sequence models symmetric keys only).
            _ if spec.str() == Some("HMAC_256") => CArg::text("ENCRYPT_DECRYPT"),
            _ => CArg::null(),
        };
        let origin = match (o >> 4) % 16 {
            0 | 1 => CArg::text("EXTERNAL"),
            2 => CArg::text("STRONGROOM"),
            3 => CArg::text("external"),
            _ => CArg::null(),
        };
        let null_out = o == 0xFF;
        let mut out: *mut sr_key_metadata = sentinel_ptr();
        let st = sr_create_key(
            self.ks_ptr(),
            description.ptr(),
            spec.ptr(),
            usage.ptr(),
            origin.ptr(),
            if null_out { null_mut() } else { &mut out },
        );
        let count = self.alive().count() as u64;
        let desc_err = match description.optional_err() {
            Some(e) => Some(e),
            None if description.str().is_some_and(|d| d.chars().count() > 8192) => Some(Validation),
            None => None,
        };
        let parse = |a: &CArg, good: &[&str]| -> Option<sr_status> {
            a.str().filter(|s| !good.contains(s)).map(|_| Validation)
        };
        let spec_hmac = spec.str() == Some("HMAC_256");
        let allowed = first(
            &[
                description.optional_err(),
                spec.optional_err(),
                usage.optional_err(),
                origin.optional_err(),
                null_out.then_some(NullParameter),
                parse(&spec, &["SYMMETRIC_DEFAULT", "HMAC_256"]),
                parse(&usage, &["ENCRYPT_DECRYPT", "SIGN_VERIFY"]),
                parse(&origin, &["EXTERNAL", "STRONGROOM"]),
                desc_err,
                spec_hmac.then_some(Validation),
                (usage.str() == Some("SIGN_VERIFY")).then_some(Validation),
                (count >= self.max_keys).then_some(LimitExceeded),
            ],
            vec![sr_status::Ok],
        );
        let st = self.expect("sr_create_key", st, &allowed);
        if st != sr_status::Ok {
            if !null_out && out != sentinel_ptr() {
                self.fail("sr_create_key wrote its out-parameter on failure");
            }
            return;
        }
        let external = origin.str() == Some("EXTERNAL");
        // SAFETY: on success `out` points at metadata strongroom allocated; freed below.
        let m = unsafe { &*out };
        // SAFETY: the metadata's strings live until `sr_key_metadata_free`.
        let id = unsafe { field(m.key_id) }.unwrap_or_default().to_owned();
        if !is_key_id(&id) {
            self.fail(format!("sr_create_key returned key id {id:?}"));
        }
        self.keys.push(Key {
            id,
            description: description.str().unwrap_or("").to_owned(),
            external,
            material: !external,
            state: if external {
                State::PendingImport
            } else {
                State::Enabled
            },
            created: self.now,
            deletion_date: 0,
            window: 0,
            rotation_period: None,
            on_demand: 0,
        });
        let i = self.keys.len() - 1;
        self.check_metadata("sr_create_key", m, i);
        sr_key_metadata_free(out);
    }

    /// Compares returned metadata with model key `i`.
    fn check_metadata(&self, what: &str, m: &sr_key_metadata, i: usize) {
        let k = &self.keys[i];
        // SAFETY: the metadata and its strings are alive (the caller frees them afterwards); the
        // four enumeration names are static.
        let got = unsafe {
            (
                field(m.key_id),
                field(m.arn),
                field(m.description),
                field(m.key_spec),
                field(m.key_usage),
                field(m.origin),
                field(m.key_state),
            )
        };
        let arn = self.key_arn(i);
        let want = (
            Some(k.id.as_str()),
            Some(arn.as_str()),
            Some(k.description.as_str()),
            Some("SYMMETRIC_DEFAULT"),
            Some("ENCRYPT_DECRYPT"),
            Some(if k.external { "EXTERNAL" } else { "AWS_KMS" }),
            Some(k.state.name()),
        );
        let pending = k.state == State::PendingDeletion;
        if got != want
            || m.enabled != (k.state == State::Enabled)
            || m.creation_date != k.created
            || m.has_deletion_date != pending
            || (pending && m.deletion_date != k.deletion_date)
            || m.pending_deletion_window_in_days != if pending { k.window } else { 0 }
            || m.has_valid_to
        {
            self.fail(format!(
                "{what}: metadata {got:?} enabled {} created {} deletion {}/{} window {}; model {want:?} created {} deletion {pending}/{} window {}",
                m.enabled,
                m.creation_date,
                m.has_deletion_date,
                m.deletion_date,
                m.pending_deletion_window_in_days,
                k.created,
                k.deletion_date,
                k.window
            ));
        }
    }

    fn op_describe_key(&mut self, inp: &mut Input) {
        let r = self.key_ref(inp);
        let null_out = inp.byte() == 0xFF;
        let mut out: *mut sr_key_metadata = sentinel_ptr();
        let st = sr_describe_key(
            self.ks_ptr(),
            r.ptr(),
            if null_out { null_mut() } else { &mut out },
        );
        let allowed = first(
            &[r.required_err(), null_out.then_some(NullParameter)],
            match r.str().map(|s| self.resolve(s)) {
                Some(Err(e)) => vec![e],
                Some(Ok(Some(i))) if self.keys[i].state != State::Destroyed => {
                    vec![sr_status::Ok]
                }
                _ => vec![NotFound],
            },
        );
        let st = self.expect("sr_describe_key", st, &allowed);
        if st != sr_status::Ok {
            if !null_out && out != sentinel_ptr() {
                self.fail("sr_describe_key wrote its out-parameter on failure");
            }
            return;
        }
        let i = self.target(&r).expect("resolved above");
        // SAFETY: on success `out` points at metadata strongroom allocated; freed below.
        self.check_metadata("sr_describe_key", unsafe { &*out }, i);
        sr_key_metadata_free(out);
    }

    /// `sr_list_keys` must list exactly the model's keys, in key id order, with their metadata.
    fn op_list_keys(&mut self) {
        let mut out: *mut sr_key_metadata_list = sentinel_ptr();
        let st = sr_list_keys(self.ks_ptr(), &mut out);
        self.must("sr_list_keys", st);
        // SAFETY: on success `out` points at a list strongroom allocated; freed below.
        let list = unsafe { &*out };
        // SAFETY: `items` holds `len` entries, alive until `sr_key_metadata_list_free`.
        let items: &[sr_key_metadata] = unsafe { list_items(list.items, list.len) };
        let mut want: Vec<(String, usize)> = self.alive().map(|(i, k)| (k.id.clone(), i)).collect();
        want.sort();
        if items.len() != want.len() {
            self.fail(format!(
                "sr_list_keys returned {} keys, the model has {}",
                items.len(),
                want.len()
            ));
        }
        for (m, (id, i)) in items.iter().zip(&want) {
            // SAFETY: the entry's strings live until the list is freed.
            let got = unsafe { field(m.key_id) };
            if got != Some(id.as_str()) {
                self.fail(format!("sr_list_keys: {got:?} where the model has {id}"));
            }
            self.check_metadata("sr_list_keys", m, *i);
        }
        sr_key_metadata_list_free(out);
    }

    fn op_enable_disable(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let r = self.key_ref(inp);
        let enable = b & 1 == 0;
        let st = if enable {
            sr_enable_key(self.ks_ptr(), r.ptr())
        } else {
            sr_disable_key(self.ks_ptr(), r.ptr())
        };
        let target = self.target(&r);
        let allowed = first(
            &[r.required_err()],
            match r.str().map(|s| self.resolve(s)) {
                Some(Err(e)) => vec![e],
                _ => match target.map(|i| self.keys[i].state) {
                    None => vec![NotFound],
                    Some(State::Enabled | State::Disabled) => vec![sr_status::Ok],
                    Some(_) => vec![InvalidState],
                },
            },
        );
        let what = if enable {
            "sr_enable_key"
        } else {
            "sr_disable_key"
        };
        if self.expect(what, st, &allowed) == sr_status::Ok {
            let i = target.expect("resolved above");
            self.keys[i].state = if enable {
                State::Enabled
            } else {
                State::Disabled
            };
        }
    }

    /// An alias name: new, taken, or hostile (bad prefix, reserved, too long, bad characters).
    fn alias_name(&mut self, inp: &mut Input) -> CArg {
        let b = inp.byte();
        match b % 16 {
            0..=6 => {
                let t = inp.text();
                let mut name = b"alias/".to_vec();
                name.extend(t.iter().map(|c| match c {
                    b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'/' => *c,
                    b'A'..=b'Z' => *c,
                    _ => b'x',
                }));
                if name.len() == 6 {
                    name.push(b'a' + b % 3);
                }
                CArg::new(&name)
            }
            7..=10 if !self.aliases.is_empty() => {
                let n = self.aliases.len();
                CArg::text(
                    self.aliases
                        .keys()
                        .nth(usize::from(inp.byte()) % n)
                        .expect("in range"),
                )
            }
            11 => CArg::text("alias/aws/x"),
            12 => CArg::text("alias/StrongRoom/y"),
            13 => CArg::text(&format!("alias/{}", "n".repeat(251))),
            14 => CArg::new(&inp.hostile_text()),
            _ => match b >> 6 {
                0 => CArg::null(),
                1 => CArg::new(&[b'a', b'l', b'i', b'a', b's', b'/', 0xE2, 0x82]),
                2 => CArg::text("alias/"),
                _ => CArg::text("alias/a.b"),
            },
        }
    }

    fn op_put_alias(&mut self, inp: &mut Input) {
        let update = inp.byte() & 1 == 1;
        let name = self.alias_name(inp);
        // Targets: a key id or key ARN; an alias or the `key/` form are refused.
        let target = self.key_ref(inp);
        let st = if update {
            sr_update_alias(self.ks_ptr(), name.ptr(), target.ptr())
        } else {
            sr_create_alias(self.ks_ptr(), name.ptr(), target.ptr())
        };
        let t = target.str().map(|s| {
            let local = s
                .strip_prefix(&format!("{}key/", self.arn_prefix))
                .unwrap_or(s);
            if !is_key_id(local) {
                Err(Validation)
            } else {
                Ok(self.keys.iter().position(|k| k.id == local))
            }
        });
        let exists = name.str().is_some_and(|n| self.aliases.contains_key(n));
        let core = match t {
            Some(Err(e)) => vec![e],
            Some(Ok(None)) => vec![NotFound],
            Some(Ok(Some(i))) => match self.keys[i].state {
                State::Destroyed => vec![NotFound],
                State::PendingDeletion => vec![InvalidState],
                _ if exists && !update => vec![AlreadyExists],
                _ if !exists && update => vec![NotFound],
                _ => vec![sr_status::Ok],
            },
            // A NULL or non-UTF-8 target: the string check comes first.
            None => vec![],
        };
        let allowed = first(
            &[
                name.required_err(),
                target.required_err(),
                name.str().filter(|n| !alias_name_ok(n)).map(|_| Validation),
            ],
            core,
        );
        let what = if update {
            "sr_update_alias"
        } else {
            "sr_create_alias"
        };
        if self.expect(what, st, &allowed) == sr_status::Ok {
            let i = match t {
                Some(Ok(Some(i))) => i,
                _ => unreachable!("Ok only for a model key"),
            };
            self.aliases
                .insert(name.str().expect("checked").to_owned(), i);
        }
    }

    fn op_delete_alias(&mut self, inp: &mut Input) {
        let name = self.alias_name(inp);
        let st = sr_delete_alias(self.ks_ptr(), name.ptr());
        let allowed = first(
            &[
                name.required_err(),
                name.str().filter(|n| !alias_name_ok(n)).map(|_| Validation),
            ],
            if name.str().is_some_and(|n| self.aliases.contains_key(n)) {
                vec![sr_status::Ok]
            } else {
                vec![NotFound]
            },
        );
        if self.expect("sr_delete_alias", st, &allowed) == sr_status::Ok {
            self.aliases.remove(name.str().expect("checked"));
        }
    }

    fn op_list_aliases(&mut self, inp: &mut Input) {
        let by_key = inp.byte() & 1 == 1;
        let r = if by_key {
            self.key_ref(inp)
        } else {
            CArg::null()
        };
        // NULL means every alias.
        let all = r.c.is_none();
        let mut out: *mut sr_alias_list = sentinel_ptr();
        let st = sr_list_aliases(self.ks_ptr(), r.ptr(), &mut out);
        let only = self.target(&r);
        let allowed = if all {
            vec![sr_status::Ok]
        } else {
            first(
                &[r.optional_err()],
                match r.str().map(|s| self.resolve(s)) {
                    None => vec![sr_status::Ok],
                    Some(Err(e)) => vec![e],
                    Some(Ok(_)) if only.is_none() => vec![NotFound],
                    Some(Ok(_)) => vec![sr_status::Ok],
                },
            )
        };
        if self.expect("sr_list_aliases", st, &allowed) != sr_status::Ok {
            if out != sentinel_ptr() {
                self.fail("sr_list_aliases wrote its out-parameter on failure");
            }
            return;
        }
        // SAFETY: on success `out` points at a list strongroom allocated; freed below.
        let list = unsafe { &*out };
        // SAFETY: `items` holds `len` entries, alive until `sr_alias_list_free`.
        let items: &[strongroom::alias::sr_alias_list_entry] =
            unsafe { list_items(list.items, list.len) };
        let want: Vec<(String, String, String)> = self
            .aliases
            .iter()
            .filter(|(_, i)| all || Some(**i) == only)
            .map(|(n, i)| {
                (
                    n.clone(),
                    format!("{}{n}", self.arn_prefix),
                    self.keys[*i].id.clone(),
                )
            })
            .collect();
        let got: Vec<(String, String, String)> = items
            .iter()
            .map(|e| {
                // SAFETY: the entry's strings live until the list is freed.
                let s = |p| unsafe { field(p) }.unwrap_or("<NULL>").to_owned();
                (s(e.alias_name), s(e.alias_arn), s(e.target_key_id))
            })
            .collect();
        if got != want {
            self.fail(format!("sr_list_aliases: {got:?}, the model has {want:?}"));
        }
        sr_alias_list_free(out);
    }

    fn op_encrypt(&mut self, inp: &mut Input) {
        let r = self.key_ref(inp);
        let pt = self.plaintext(inp);
        let ctx = self.context(inp);
        let null_out = inp.byte() == 0xFF;
        let mut out = sentinel_buffer();
        let before = self.alarm_count();
        let st = sr_encrypt(
            self.ks_ptr(),
            r.ptr(),
            pt.ptr(),
            pt.len,
            ctx.ptr(),
            ctx.len,
            if null_out { null_mut() } else { &mut out },
        );
        let allowed = first(
            &[
                r.required_err(),
                pt.null_err(),
                ctx.err,
                null_out.then_some(NullParameter),
                Self::plaintext_err(&pt),
            ],
            self.use_status(&r),
        );
        let st = self.expect("sr_encrypt", st, &allowed);
        let target = self.target(&r);
        self.check_rang("sr_encrypt", before, self.rings(target, st));
        if st != sr_status::Ok {
            if !null_out && !is_sentinel(&out) {
                self.fail("sr_encrypt wrote its out-parameter on failure");
            }
            return;
        }
        let blob = buffer_bytes(&out);
        sr_buffer_free(&mut out);
        if !out.data.is_null() || out.len != 0 {
            self.fail("sr_buffer_free did not reset the buffer");
        }
        // A second free of the same (now empty) buffer is documented as harmless.
        sr_buffer_free(&mut out);
        let key = target.expect("Ok only for a model key");
        let k = Known {
            blob,
            ctx: ctx.canon.clone(),
            plaintext: Some(pt.data[..pt.len].to_vec()),
            key,
        };
        // What encrypts decrypts back at once, with the context's pairs in another order.
        self.decrypt_and_check(&k, "right after sr_encrypt");
        self.remember(k);
    }

    /// Decrypts a known blob with its own context (reordered) and no key id: must succeed (its
    /// key is enabled: the caller knows) and give its plaintext.
    fn decrypt_and_check(&mut self, k: &Known, when: &str) {
        let ctx = Ctx::from_map_reversed(&k.ctx);
        let mut out = sentinel_buffer();
        let st = sr_decrypt(
            self.ks_ptr(),
            k.blob.as_ptr(),
            k.blob.len(),
            ctx.ptr(),
            ctx.len,
            null(),
            &mut out,
        );
        self.must(&format!("sr_decrypt {when}"), st);
        let got = buffer_bytes(&out);
        sr_buffer_free(&mut out);
        if let Some(pt) = &k.plaintext
            && got != *pt
        {
            self.fail(format!("{when}: the blob decrypted to another plaintext"));
        }
    }

    /// The statuses decrypting known blob `k` gives with context `ctx` and key id `named`, the
    /// FFI argument checks passed.
    fn decrypt_status(&self, k: &Known, ctx: &Ctx, named: &CArg) -> Vec<sr_status> {
        if let Some(s) = named.str() {
            match self.resolve(s) {
                Err(e) => return vec![e],
                Ok(Some(j)) if j == k.key => {}
                Ok(_) => return vec![IncorrectKey],
            }
        }
        match self.keys[k.key].state {
            State::Destroyed => vec![NotFound],
            State::Disabled => vec![Disabled],
            State::PendingDeletion | State::PendingImport => vec![InvalidState],
            State::Enabled if ctx.canon == k.ctx => vec![sr_status::Ok],
            State::Enabled => vec![InvalidCiphertext],
        }
    }

    /// A key id for decrypt: mostly none, else a key reference.
    fn named_key(&mut self, inp: &mut Input) -> CArg {
        if inp.byte().is_multiple_of(4) {
            let r = self.key_ref(inp);
            if r.c.is_some() {
                return r;
            }
        }
        CArg::null()
    }

    fn op_decrypt_known(&mut self, inp: &mut Input) {
        if self.known.is_empty() {
            return self.op_encrypt(inp);
        }
        let j = usize::from(inp.byte()) % self.known.len();
        let kctx = self.known[j].ctx.clone();
        let ctx = self.context_for(inp, &kctx);
        let named = self.named_key(inp);
        let mut out = sentinel_buffer();
        let before = self.alarm_count();
        let k = &self.known[j];
        let st = sr_decrypt(
            self.ks_ptr(),
            k.blob.as_ptr(),
            k.blob.len(),
            ctx.ptr(),
            ctx.len,
            named.ptr(),
            &mut out,
        );
        let allowed = first(
            &[ctx.err, named.optional_err()],
            self.decrypt_status(k, &ctx, &named),
        );
        let key = k.key;
        let st = self.expect("sr_decrypt (known blob)", st, &allowed);
        self.check_rang("sr_decrypt", before, self.rings(Some(key), st));
        if st != sr_status::Ok {
            if !is_sentinel(&out) {
                self.fail("sr_decrypt wrote its out-parameter on failure");
            }
            return;
        }
        let got = buffer_bytes(&out);
        sr_buffer_free(&mut out);
        if let Some(pt) = &self.known[j].plaintext
            && got != *pt
        {
            self.fail("a known blob decrypted to another plaintext");
        }
    }

    /// A blob made of input bytes: raw, a known blob with bytes flipped, cut or added, or two
    /// known blobs spliced.
    fn forged_blob(&mut self, inp: &mut Input) -> Vec<u8> {
        let b = inp.byte();
        if self.known.is_empty() || b.is_multiple_of(4) {
            let n = usize::from(inp.byte());
            return inp.bytes(n);
        }
        let base = self.known[usize::from(inp.byte()) % self.known.len()]
            .blob
            .clone();
        let mut v = base.clone();
        match b % 4 {
            1 => {
                for _ in 0..1 + usize::from(b >> 5) {
                    let pos = usize::from(inp.u16()) % v.len();
                    let mask = inp.byte();
                    v[pos] ^= if mask == 0 { 1 } else { mask };
                }
            }
            2 => {
                let pos = usize::from(inp.u16()) % (v.len() + 1);
                if b & 0x80 != 0 {
                    v.truncate(pos);
                } else {
                    let extra = inp.bytes(1 + usize::from(b >> 5));
                    v.splice(pos..pos, extra);
                }
            }
            _ => {
                let other = &self.known[usize::from(inp.byte()) % self.known.len()].blob;
                let cut = usize::from(inp.u16()) % (v.len().min(other.len()) + 1);
                v.truncate(cut);
                v.extend_from_slice(&other[cut..]);
            }
        }
        v
    }

    /// Whether a blob the keystore accepted is one the harness obtained with that context, and
    /// the plaintext it gave is that blob's.
    fn accept_only_known(&self, what: &str, blob: &[u8], ctx: &Ctx, plaintext: Option<&[u8]>) {
        let found = self
            .known
            .iter()
            .find(|k| k.blob == blob && k.ctx == ctx.canon && ctx.err.is_none());
        match found {
            None => self.fail(format!(
                "{what}: a blob made of input bytes was accepted: {}",
                blob.iter().map(|b| format!("{b:02x}")).collect::<String>()
            )),
            Some(k) => {
                if let (Some(want), Some(got)) = (&k.plaintext, plaintext)
                    && want.as_slice() != got
                {
                    self.fail(format!(
                        "{what}: a known blob decrypted to another plaintext"
                    ));
                }
            }
        }
    }

    fn op_decrypt_forged(&mut self, inp: &mut Input) {
        let blob = self.forged_blob(inp);
        let ctx = if self.known.is_empty() || inp.byte() & 1 == 0 {
            self.context(inp)
        } else {
            let m = self.known[usize::from(inp.byte()) % self.known.len()]
                .ctx
                .clone();
            Ctx::from_map_reversed(&m)
        };
        let named = self.named_key(inp);
        let mut out = sentinel_buffer();
        let st = sr_decrypt(
            self.ks_ptr(),
            blob.as_ptr(),
            blob.len(),
            ctx.ptr(),
            ctx.len,
            named.ptr(),
            &mut out,
        );
        let st = self.check("sr_decrypt (forged blob)", st);
        self.check_alarm_log();
        if st != sr_status::Ok {
            if !is_sentinel(&out) {
                self.fail("sr_decrypt wrote its out-parameter on failure");
            }
            return;
        }
        let got = buffer_bytes(&out);
        sr_buffer_free(&mut out);
        self.accept_only_known("sr_decrypt", &blob, &ctx, Some(&got));
        // A known blob under its own context: the model's statuses must agree.
        let k = self
            .known
            .iter()
            .find(|k| k.blob == blob)
            .expect("checked above");
        if self.decrypt_status(k, &ctx, &named) != [sr_status::Ok] {
            self.fail("sr_decrypt accepted a known blob the model says it refuses");
        }
    }

    fn op_re_encrypt(&mut self, inp: &mut Input) {
        let forged = self.known.is_empty() || inp.byte().is_multiple_of(4);
        let (blob, src_ctx, source) = if forged {
            let blob = self.forged_blob(inp);
            let ctx = self.context(inp);
            (blob, ctx, None)
        } else {
            let j = usize::from(inp.byte()) % self.known.len();
            let kctx = self.known[j].ctx.clone();
            let ctx = self.context_for(inp, &kctx);
            (self.known[j].blob.clone(), ctx, Some(j))
        };
        let dest = self.key_ref(inp);
        let dst_ctx = self.context(inp);
        let named = self.named_key(inp);
        let mut out = sentinel_buffer();
        let before = self.alarm_count();
        let st = sr_re_encrypt(
            self.ks_ptr(),
            blob.as_ptr(),
            blob.len(),
            dest.ptr(),
            src_ctx.ptr(),
            src_ctx.len,
            dst_ctx.ptr(),
            dst_ctx.len,
            named.ptr(),
            &mut out,
        );
        let dest_target = self.target(&dest);
        let st = match source {
            Some(j) => {
                let src = self.decrypt_status(&self.known[j], &src_ctx, &named);
                let core = if src != [sr_status::Ok] {
                    src
                } else {
                    self.use_status(&dest)
                };
                let allowed = first(
                    &[
                        dest.required_err(),
                        src_ctx.err,
                        dst_ctx.err,
                        named.optional_err(),
                    ],
                    core.clone(),
                );
                let st = self.expect("sr_re_encrypt (known blob)", st, &allowed);
                // The alarm rings for the key that refused: the source first, else the
                // destination.
                let src_key = self.known[j].key;
                let rings = if dest.required_err().is_some()
                    || src_ctx.err.is_some()
                    || dst_ctx.err.is_some()
                    || named.optional_err().is_some()
                {
                    false
                } else {
                    self.rings(Some(src_key), st)
                        || (self.decrypt_status(&self.known[j], &src_ctx, &named)
                            == [sr_status::Ok]
                            && self.rings(dest_target, st))
                };
                self.check_rang("sr_re_encrypt", before, rings);
                st
            }
            None => {
                let st = self.check("sr_re_encrypt (forged blob)", st);
                self.check_alarm_log();
                st
            }
        };
        if st != sr_status::Ok {
            if !is_sentinel(&out) {
                self.fail("sr_re_encrypt wrote its out-parameter on failure");
            }
            return;
        }
        let new_blob = buffer_bytes(&out);
        sr_buffer_free(&mut out);
        if source.is_none() {
            self.accept_only_known("sr_re_encrypt", &blob, &src_ctx, None);
        }
        let src = self
            .known
            .iter()
            .position(|k| k.blob == blob)
            .expect("a known blob");
        let Some(key) = dest_target else {
            self.fail("sr_re_encrypt succeeded without a destination key");
        };
        if self.keys[key].state != State::Enabled {
            self.fail("sr_re_encrypt used a destination key that is not enabled");
        }
        let k = Known {
            blob: new_blob,
            ctx: dst_ctx.canon.clone(),
            plaintext: self.known[src].plaintext.clone(),
            key,
        };
        self.decrypt_and_check(&k, "right after sr_re_encrypt");
        self.remember(k);
    }

    fn op_data_key(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let with_plaintext = b & 1 == 0;
        let r = self.key_ref(inp);
        let spec = match (b >> 1) % 8 {
            0 => CArg::text("AES_256"),
            1 => CArg::text("AES_128"),
            2 => CArg::text("AES_512"),
            3 => CArg::new(&[0xC0, 0x80]),
            _ => CArg::null(),
        };
        let n = match (b >> 4) % 8 {
            0 => 1,
            1 => 1024,
            2 => 1025,
            3 => u32::MAX,
            4 => u32::from(inp.byte()),
            _ => 0,
        };
        let ctx = self.context(inp);
        let mut out: *mut sr_data_key = sentinel_ptr();
        let before = self.alarm_count();
        let st = if with_plaintext {
            sr_generate_data_key(
                self.ks_ptr(),
                r.ptr(),
                spec.ptr(),
                n,
                ctx.ptr(),
                ctx.len,
                &mut out,
            )
        } else {
            sr_generate_data_key_without_plaintext(
                self.ks_ptr(),
                r.ptr(),
                spec.ptr(),
                n,
                ctx.ptr(),
                ctx.len,
                &mut out,
            )
        };
        let spec_len = match spec.str() {
            Some("AES_256") => Some(32),
            Some("AES_128") => Some(16),
            _ => None,
        };
        let len_err = match (spec.str(), n) {
            (Some(_), 1..) => Some(Validation),
            (None, 1025..) => Some(Validation),
            _ => None,
        };
        let allowed = first(
            &[
                r.required_err(),
                spec.optional_err(),
                spec.str()
                    .filter(|_| spec_len.is_none())
                    .map(|_| Validation),
                ctx.err,
                len_err,
            ],
            self.use_status(&r),
        );
        let what = if with_plaintext {
            "sr_generate_data_key"
        } else {
            "sr_generate_data_key_without_plaintext"
        };
        let st = self.expect(what, st, &allowed);
        let target = self.target(&r);
        self.check_rang(what, before, self.rings(target, st));
        if st != sr_status::Ok {
            if out != sentinel_ptr() {
                self.fail(format!("{what} wrote its out-parameter on failure"));
            }
            return;
        }
        let key = target.expect("Ok only for a model key");
        // SAFETY: on success `out` points at a data key strongroom allocated; freed below.
        let dk = unsafe { &*out };
        let plaintext = buffer_bytes(&dk.plaintext);
        let blob = buffer_bytes(&dk.ciphertext_blob);
        // SAFETY: the data key's strings live until `sr_data_key_free`.
        let arn = unsafe { field(dk.key_id) }.map(str::to_owned);
        sr_data_key_free(out);
        let want_len = spec_len.unwrap_or(if n == 0 { 32 } else { n as usize });
        if arn.as_deref() != Some(self.key_arn(key).as_str()) {
            self.fail(format!("{what}: key id {arn:?}, not the key's ARN"));
        }
        if with_plaintext && plaintext.len() != want_len {
            self.fail(format!(
                "{what}: {} bytes, expected {want_len}",
                plaintext.len()
            ));
        }
        if !with_plaintext && !plaintext.is_empty() {
            self.fail(format!("{what} returned a plaintext"));
        }
        let k = Known {
            blob,
            ctx: ctx.canon.clone(),
            plaintext: with_plaintext.then_some(plaintext),
            key,
        };
        self.decrypt_and_check(&k, &format!("right after {what}"));
        self.remember(k);
    }

    fn op_random(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let n: u32 = match b % 8 {
            0 => 0,
            1 => 1024,
            2 => 1025,
            3 => u32::MAX,
            _ => 1 + u32::from(inp.byte()),
        };
        let want = n as usize;
        let (buf_len, null_buf) = match (b >> 3) % 4 {
            0 => (want.saturating_sub(1), false),
            1 => (want, true),
            2 => (want + 9, false),
            _ => (want, false),
        };
        let mut buf = vec![0xA5u8; buf_len.min(2048)];
        let buf_len = buf_len.min(buf.len());
        let mut out_n = usize::MAX;
        let st = sr_generate_random(
            self.ks_ptr(),
            n,
            if null_buf {
                null_mut()
            } else {
                buf.as_mut_ptr()
            },
            buf_len,
            &mut out_n,
        );
        let allowed = first(
            &[
                (n == 0 || n > 1024).then_some(Validation),
                (buf_len < want).then_some(InsufficientSize),
                (null_buf && buf_len > 0).then_some(NullParameter),
            ],
            vec![sr_status::Ok],
        );
        let st = self.expect("sr_generate_random", st, &allowed);
        let written = buf.iter().any(|x| *x != 0xA5);
        match st {
            sr_status::Ok if out_n != want => {
                self.fail(format!(
                    "sr_generate_random: out_n {out_n}, expected {want}"
                ));
            }
            InsufficientSize if out_n != want || written => {
                self.fail(format!(
                    "sr_generate_random, short buffer: out_n {out_n} (expected {want}), buffer {}",
                    if written { "written" } else { "untouched" }
                ));
            }
            Validation | NullParameter if out_n != usize::MAX || written => {
                self.fail("sr_generate_random wrote its outputs on failure");
            }
            _ => {}
        }
        if st == sr_status::Ok && want >= 16 && buf[..want].iter().all(|x| *x == buf[0]) {
            self.fail(format!("sr_generate_random: {want} equal bytes"));
        }
    }

    fn op_rotation_on_off(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let r = self.key_ref(inp);
        let target = self.target(&r);
        let rotatable = |h: &Self| -> Vec<sr_status> {
            match r.str().map(|s| h.resolve(s)) {
                Some(Err(e)) => vec![e],
                _ => match target.map(|i| (&h.keys[i], h.keys[i].state)) {
                    None => vec![NotFound],
                    Some((k, _)) if k.external => vec![UnsupportedOperation],
                    Some((_, State::Enabled)) => vec![sr_status::Ok],
                    Some((_, State::Disabled)) => vec![Disabled],
                    Some(_) => vec![InvalidState],
                },
            }
        };
        if b & 1 == 0 {
            let period: u32 = match (b >> 1) % 8 {
                0 => 0,
                1 => 90,
                2 => 2560,
                3 => 89,
                4 => 2561,
                5 => u32::MAX,
                _ => 90 + u32::from(inp.u16()) % 2471,
            };
            let st = sr_enable_key_rotation(self.ks_ptr(), r.ptr(), period);
            let p = if period == 0 { 365 } else { period };
            let allowed = first(
                &[
                    r.required_err(),
                    (!(90..=2560).contains(&p)).then_some(Validation),
                ],
                rotatable(self),
            );
            if self.expect("sr_enable_key_rotation", st, &allowed) == sr_status::Ok {
                self.keys[target.expect("resolved")].rotation_period = Some(p);
            }
        } else {
            let st = sr_disable_key_rotation(self.ks_ptr(), r.ptr());
            let allowed = first(&[r.required_err()], rotatable(self));
            if self.expect("sr_disable_key_rotation", st, &allowed) == sr_status::Ok {
                self.keys[target.expect("resolved")].rotation_period = None;
            }
        }
        self.check_rotation(target);
    }

    /// `sr_get_key_rotation_status` and `sr_list_key_rotations` against the model.
    fn check_rotation(&mut self, target: Option<usize>) {
        let Some(i) = target else {
            return;
        };
        let id = CArg::text(&self.keys[i].id);
        let mut status: *mut sr_key_rotation_status = sentinel_ptr();
        let st = sr_get_key_rotation_status(self.ks_ptr(), id.ptr(), &mut status);
        self.must("sr_get_key_rotation_status", st);
        // SAFETY: on success `status` points at a struct strongroom allocated; freed below.
        let s = unsafe { &*status };
        let k = &self.keys[i];
        // SAFETY: its key id lives until `sr_key_rotation_status_free`.
        let got_id = unsafe { field(s.key_id) }.map(str::to_owned);
        let ok = got_id.as_deref() == Some(k.id.as_str())
            && s.key_rotation_enabled == k.rotation_period.is_some()
            && s.rotation_period_in_days == k.rotation_period.unwrap_or(0)
            && s.has_next_rotation_date == k.rotation_period.is_some()
            // Due rotations of enabled keys have run (the clock moves only with maintenance);
            // disabled keys do not rotate, so theirs may be past.
            && (!s.has_next_rotation_date
                || k.state != State::Enabled
                || s.next_rotation_date > self.now)
            && !s.has_on_demand_rotation_start_date;
        let summary = format!(
            "enabled {} period {} next {}/{}",
            s.key_rotation_enabled,
            s.rotation_period_in_days,
            s.has_next_rotation_date,
            s.next_rotation_date
        );
        sr_key_rotation_status_free(status);
        if !ok {
            self.fail(format!(
                "sr_get_key_rotation_status: {summary}; model period {:?}, now {}",
                k.rotation_period, self.now
            ));
        }
        let mut list: *mut sr_rotations_list = sentinel_ptr();
        let st = sr_list_key_rotations(self.ks_ptr(), id.ptr(), &mut list);
        self.must("sr_list_key_rotations", st);
        // SAFETY: on success `list` points at a list strongroom allocated; freed below.
        let l = unsafe { &*list };
        // SAFETY: `items` holds `len` entries, alive until `sr_rotations_list_free`.
        let items: &[strongroom::rotation::sr_rotations_list_entry] =
            unsafe { list_items(l.items, l.len) };
        let mut on_demand = 0;
        let mut bad = None;
        for e in items {
            // SAFETY: the entry's strings live until the list is freed; the type is static.
            let (kid, ty) = unsafe { (field(e.key_id), field(e.rotation_type)) };
            match ty {
                Some("ON_DEMAND") => on_demand += 1,
                Some("AUTOMATIC") => {}
                other => bad = Some(format!("rotation type {other:?}")),
            }
            if kid != Some(self.keys[i].id.as_str()) {
                bad = Some(format!("key id {kid:?}"));
            }
            // Version order; the dates follow the clock, which may have been set back.
            if e.rotation_date > self.latest {
                bad = Some(format!(
                    "rotation date {} (latest time {})",
                    e.rotation_date, self.latest
                ));
            }
        }
        sr_rotations_list_free(list);
        if let Some(b) = bad {
            self.fail(format!("sr_list_key_rotations: {b}"));
        }
        if on_demand != self.keys[i].on_demand {
            self.fail(format!(
                "sr_list_key_rotations: {on_demand} on-demand rotations, the model has {}",
                self.keys[i].on_demand
            ));
        }
    }

    fn op_rotate(&mut self, inp: &mut Input) {
        let r = self.key_ref(inp);
        let target = self.target(&r);
        let st = sr_rotate_key_on_demand(self.ks_ptr(), r.ptr());
        let allowed = first(
            &[r.required_err()],
            match r.str().map(|s| self.resolve(s)) {
                Some(Err(e)) => vec![e],
                _ => match target.map(|i| &self.keys[i]) {
                    None => vec![NotFound],
                    // The state first, then the origin (SPEC section 3; issue 17 item 9).
                    Some(k) if k.external && k.state == State::Enabled => {
                        vec![UnsupportedOperation]
                    }
                    Some(k) => match k.state {
                        State::Enabled if k.on_demand >= MAX_ON_DEMAND => vec![LimitExceeded],
                        State::Enabled => vec![sr_status::Ok],
                        State::Disabled => vec![Disabled],
                        _ => vec![InvalidState],
                    },
                },
            },
        );
        if self.expect("sr_rotate_key_on_demand", st, &allowed) == sr_status::Ok {
            self.keys[target.expect("resolved")].on_demand += 1;
        }
        if inp.byte() & 1 == 0 {
            self.check_rotation(target);
        }
    }

    fn op_schedule_deletion(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let r = self.key_ref(inp);
        let target = self.target(&r);
        let window: u32 = match b % 8 {
            0 | 1 => 0,
            2 => 7,
            3 => 30,
            4 => 6,
            5 => 31,
            6 => u32::MAX,
            _ => 7 + u32::from(inp.byte()) % 24,
        };
        let w = if window == 0 { 30 } else { window };
        let null_out = b == 0xFF;
        let mut date = 0x5A5A_i64;
        let st = sr_schedule_key_deletion(
            self.ks_ptr(),
            r.ptr(),
            window,
            if null_out { null_mut() } else { &mut date },
        );
        let allowed = first(
            &[
                r.required_err(),
                null_out.then_some(NullParameter),
                (!(7..=30).contains(&w)).then_some(Validation),
            ],
            match r.str().map(|s| self.resolve(s)) {
                Some(Err(e)) => vec![e],
                _ => match target.map(|i| self.keys[i].state) {
                    None => vec![NotFound],
                    Some(State::PendingDeletion) => vec![InvalidState],
                    Some(_) => vec![sr_status::Ok],
                },
            },
        );
        if self.expect("sr_schedule_key_deletion", st, &allowed) != sr_status::Ok {
            if date != 0x5A5A {
                self.fail("sr_schedule_key_deletion wrote its out-parameter on failure");
            }
            return;
        }
        let want = self.now + i64::from(w) * DAY_MS;
        if date != want {
            self.fail(format!(
                "sr_schedule_key_deletion: date {date}, expected {want} (now + {w} days)"
            ));
        }
        let k = &mut self.keys[target.expect("resolved")];
        k.state = State::PendingDeletion;
        k.deletion_date = date;
        k.window = w;
    }

    fn op_cancel_deletion(&mut self, inp: &mut Input) {
        let r = self.key_ref(inp);
        let target = self.target(&r);
        let st = sr_cancel_key_deletion(self.ks_ptr(), r.ptr());
        let allowed = first(
            &[r.required_err()],
            match r.str().map(|s| self.resolve(s)) {
                Some(Err(e)) => vec![e],
                _ => match target.map(|i| self.keys[i].state) {
                    None => vec![NotFound],
                    Some(State::PendingDeletion) => vec![sr_status::Ok],
                    Some(_) => vec![InvalidState],
                },
            },
        );
        if self.expect("sr_cancel_key_deletion", st, &allowed) == sr_status::Ok {
            let i = target.expect("resolved");
            let k = &mut self.keys[i];
            // docs/import.md: a key without material comes back `PendingImport`, waiting for it.
            k.state = if k.material {
                State::Disabled
            } else {
                State::PendingImport
            };
            k.deletion_date = 0;
            k.window = 0;
        }
    }

    /// Moves the clock (or tries to, through a freed clock's NULL), then lets due work run:
    /// through `sr_run_maintenance`, or implicitly inside `sr_list_keys`.
    fn op_clock(&mut self, inp: &mut Input) {
        let b = inp.byte();
        if b % 16 == 15 {
            // A clock of its own, at out-of-range times: saturating arithmetic, no keystore.
            let mut c = null_mut();
            self.must("sr_manual_clock_new", sr_manual_clock_new(i64::MIN, &mut c));
            let mut now = 0;
            self.must("sr_manual_clock_advance", sr_manual_clock_advance(c, -1));
            self.must("sr_manual_clock_now", sr_manual_clock_now(c, &mut now));
            let min_ok = now == i64::MIN;
            self.must("sr_manual_clock_set", sr_manual_clock_set(c, i64::MAX - 5));
            self.must(
                "sr_manual_clock_advance",
                sr_manual_clock_advance(c, i64::MAX),
            );
            self.must("sr_manual_clock_now", sr_manual_clock_now(c, &mut now));
            sr_manual_clock_free(c);
            if !min_ok || now != i64::MAX {
                self.fail("the manual clock does not saturate");
            }
            return;
        }
        let delta: i64 = match b % 8 {
            0 => i64::from(inp.u16()),
            1 => DAY_MS,
            2 => 7 * DAY_MS,
            3 => 31 * DAY_MS,
            4 => 91 * DAY_MS,
            5 => 366 * DAY_MS,
            6 => -(i64::from(inp.byte()) * DAY_MS),
            _ => i64::from(inp.u16()) * DAY_MS / 8,
        };
        let set = b & 0x40 != 0;
        let mut target = self.now + delta;
        if b % 16 == 14 {
            // The epoch, or one millisecond before it (negative times).
            target = -i64::from(b >> 7);
        } else if (target - START_MS).abs() > CLOCK_RANGE_DAYS * DAY_MS {
            target = START_MS;
        }
        if self.clock.is_null() {
            let st = if set {
                sr_manual_clock_set(null(), target)
            } else {
                sr_manual_clock_advance(null(), delta)
            };
            self.expect(
                "sr_manual_clock_* (freed clock: NULL)",
                st,
                &[NullParameter],
            );
            return;
        }
        let st = if set {
            sr_manual_clock_set(self.clock, target)
        } else {
            sr_manual_clock_advance(self.clock, target - self.now)
        };
        self.must("sr_manual_clock_set/advance", st);
        let mut now = 0;
        self.must(
            "sr_manual_clock_now",
            sr_manual_clock_now(self.clock, &mut now),
        );
        if now != target {
            self.fail(format!("the clock reads {now}, expected {target}"));
        }
        self.now = target;
        self.latest = self.latest.max(target);
        if b & 0x80 != 0 {
            self.must("sr_run_maintenance", sr_run_maintenance(self.ks_ptr()));
            self.apply_due();
        } else {
            self.apply_due();
            self.op_list_keys();
        }
    }

    /// Due work the keystore has now done: destructions (and their aliases).
    fn apply_due(&mut self) {
        for i in 0..self.keys.len() {
            if self.keys[i].state == State::PendingDeletion
                && self.keys[i].deletion_date <= self.now
            {
                self.destroy(i);
            }
        }
    }

    /// Closes the keystore and opens it again, after hostile opens and creates: wrong
    /// passphrases, NULL and invalid paths, a missing file, the existing file.
    fn reopen(&mut self, inp: &mut Input, close: bool) {
        let b = inp.byte();
        if close {
            if b & 0x20 != 0 {
                // A second open of a held file is refused.
                let mut second = sentinel_ptr();
                let st = sr_keystore_open(
                    self.path.as_ptr(),
                    self.passphrase.as_ptr(),
                    self.passphrase.len(),
                    self.options,
                    &mut second,
                );
                self.expect("sr_keystore_open (already open)", st, &[Locked]);
                if second != sentinel_ptr() {
                    self.fail("a refused sr_keystore_open wrote its out-parameter");
                }
            }
            let st = sr_keystore_close(self.ks);
            sr_keystore_free(self.ks);
            self.ks = null_mut();
            self.alarm_set = false;
            self.must("sr_keystore_close", st);
            // Closing NULL is fine.
            self.must("sr_keystore_close(NULL)", sr_keystore_close(null_mut()));
        }
        if self.options.is_null() {
            // The options were freed while the keystore was open: make new ones.
            self.options = self.fresh_options(if self.audit_off { 3 } else { 1 });
        }
        let mut ks = sentinel_ptr();
        match b % 8 {
            0 => {
                let mut wrong = self.passphrase.clone();
                wrong.push(0);
                let st = sr_keystore_open(
                    self.path.as_ptr(),
                    wrong.as_ptr(),
                    wrong.len(),
                    self.options,
                    &mut ks,
                );
                self.expect(
                    "sr_keystore_open (wrong passphrase)",
                    st,
                    &[AuthenticationFailed],
                );
            }
            1 => {
                let st =
                    sr_keystore_open(null(), self.passphrase.as_ptr(), 1, self.options, &mut ks);
                self.expect("sr_keystore_open (NULL path)", st, &[NullParameter]);
            }
            2 => {
                let path = CArg::new(&[b'/', b't', 0xFF]);
                let st = sr_keystore_open(path.ptr(), b"x".as_ptr(), 1, self.options, &mut ks);
                self.expect("sr_keystore_open (path not UTF-8)", st, &[InvalidUtf8]);
            }
            3 => {
                let missing = self.dir.file("missing.strongroom");
                let st = sr_keystore_open(
                    missing.as_ptr(),
                    self.passphrase.as_ptr(),
                    self.passphrase.len(),
                    self.options,
                    &mut ks,
                );
                self.expect("sr_keystore_open (no such file)", st, &[NotFound]);
            }
            4 => {
                let st = sr_keystore_create(
                    self.path.as_ptr(),
                    self.passphrase.as_ptr(),
                    self.passphrase.len(),
                    self.options,
                    &mut ks,
                );
                self.expect("sr_keystore_create (file exists)", st, &[AlreadyExists]);
            }
            5 => {
                let st = sr_keystore_open(self.path.as_ptr(), null(), 3, self.options, &mut ks);
                self.expect("sr_keystore_open (NULL passphrase)", st, &[NullParameter]);
                let st = sr_keystore_open(self.path.as_ptr(), null(), 0, self.options, &mut ks);
                self.expect("sr_keystore_open (empty passphrase)", st, &[Validation]);
            }
            _ => {}
        }
        if ks != sentinel_ptr() {
            self.fail("a refused open or create wrote its out-parameter");
        }
        if self.clock.is_null() && b & 0x40 != 0 {
            // A new clock for the next keystore, at the model's time.
            let mut c = null_mut();
            self.must("sr_manual_clock_new", sr_manual_clock_new(self.now, &mut c));
            self.clock = c;
            self.must(
                "sr_options_set_manual_clock",
                sr_options_set_manual_clock(self.options, self.clock),
            );
        }
        let mut ks = null_mut();
        let st = sr_keystore_open(
            self.path.as_ptr(),
            self.passphrase.as_ptr(),
            self.passphrase.len(),
            self.options,
            &mut ks,
        );
        self.must("sr_keystore_open", st);
        self.ks = ks;
        let id = self.ks_id.clone();
        self.read_keystore_id();
        if self.ks_id != id {
            self.fail(format!(
                "the keystore id changed on reopen: {id} -> {}",
                self.ks_id
            ));
        }
        // Opening runs due work (none is due: the clock only moves in op_clock, which runs it).
        self.apply_due();
        if b & 0x80 != 0 {
            self.op_list_keys();
        }
    }

    fn read_keystore_id(&mut self) {
        let mut buf = [0 as c_char; 64];
        let mut n = 0usize;
        self.must(
            "sr_keystore_id",
            sr_keystore_id(self.ks_ptr(), buf.as_mut_ptr(), buf.len(), &mut n),
        );
        // SAFETY: on success the buffer holds a NUL-terminated string within its 64 bytes.
        let id = unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap_or("")
            .to_owned();
        if n != 36 || id.len() != 36 || !is_key_id(&id) {
            self.fail(format!("sr_keystore_id: {id:?}, n {n}"));
        }
        self.arn_prefix = format!("arn:strongroom:kms:local:{id}:");
        self.ks_id = id;
    }

    fn op_change_passphrase(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let old = match b % 4 {
            0 => {
                let mut w = self.passphrase.clone();
                w[0] ^= 1;
                w
            }
            1 => self.passphrase[..self.passphrase.len() - 1].to_vec(),
            _ => self.passphrase.clone(),
        };
        let new = match (b >> 2) % 8 {
            0 => Vec::new(),
            1 => vec![b'p'; 1025],
            2 => vec![0u8; 3],
            _ => {
                let mut n = inp.bytes(1 + usize::from(b >> 5));
                if n.is_empty() {
                    n.push(b);
                }
                n
            }
        };
        let st = sr_change_passphrase(
            self.ks_ptr(),
            old.as_ptr(),
            old.len(),
            new.as_ptr(),
            new.len(),
        );
        let new_bad = new.is_empty() || new.len() > 1024;
        let allowed = match (old == self.passphrase, new_bad) {
            (true, false) => vec![sr_status::Ok],
            (true, true) => vec![Validation],
            // Which of the two checks comes first is the core's choice (an empty old passphrase
            // may be refused as malformed or as wrong).
            (false, _) if new_bad || old.is_empty() => vec![Validation, AuthenticationFailed],
            (false, _) => vec![AuthenticationFailed],
        };
        if self.expect("sr_change_passphrase", st, &allowed) == sr_status::Ok {
            self.passphrase = new;
        }
    }

    fn op_audit(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let strs = [
            CArg::null(),
            CArg::text("Encrypt"),
            CArg::text("CreateKey"),
            CArg::text("ok"),
            CArg::text("Disabled"),
            CArg::new(&[b'x', 0x80]),
            CArg::new(&inp.hostile_text()),
            match self.keys.first() {
                Some(k) => CArg::text(&k.id),
                None => CArg::null(),
            },
        ];
        let pick = |n: u8| &strs[usize::from(n) % strs.len()];
        let (key_id, operation, outcome) = (pick(inp.byte()), pick(inp.byte()), pick(inp.byte()));
        let filter = sr_audit_filter {
            key_id: key_id.ptr(),
            operation: operation.ptr(),
            outcome: outcome.ptr(),
            has_start_time: b & 2 != 0,
            start_time: self.now - i64::from(inp.byte()) * DAY_MS,
            has_end_time: b & 4 != 0,
            end_time: self.now + i64::from(inp.byte()) * DAY_MS - DAY_MS * 128,
        };
        let use_filter = b & 1 != 0;
        let fptr: *const sr_audit_filter = if use_filter { &filter } else { null() };
        let filter_err = if use_filter {
            key_id
                .optional_err()
                .or(operation.optional_err())
                .or(outcome.optional_err())
        } else {
            None
        };
        let mut list: *mut sr_audit_event_list = sentinel_ptr();
        let st = sr_audit_events(self.ks_ptr(), fptr, &mut list);
        let allowed = first(&[filter_err], vec![sr_status::Ok]);
        if self.expect("sr_audit_events", st, &allowed) != sr_status::Ok {
            if list != sentinel_ptr() {
                self.fail("sr_audit_events wrote its out-parameter on failure");
            }
            let mut buf = sentinel_buffer();
            let st = sr_export_audit_jsonl(self.ks_ptr(), fptr, &mut buf);
            self.expect("sr_export_audit_jsonl", st, &allowed);
            if !is_sentinel(&buf) {
                self.fail("sr_export_audit_jsonl wrote its out-parameter on failure");
            }
            return;
        }
        // SAFETY: on success `list` points at a list strongroom allocated; freed below.
        let l = unsafe { &*list };
        // SAFETY: `items` holds `len` events, alive until `sr_audit_event_list_free`.
        let items: &[strongroom::audit::sr_audit_event] = unsafe { list_items(l.items, l.len) };
        let mut bad = None;
        let mut last = 0u64;
        for e in items {
            // SAFETY: the event's strings live until the list is freed.
            let (caller, op, kid, outc) = unsafe {
                (
                    field(e.caller),
                    field(e.operation),
                    field(e.key_id),
                    field(e.outcome),
                )
            };
            let matches = |want: &CArg, got: Option<&str>| {
                !use_filter || want.str().is_none() || want.str() == got
            };
            if e.sequence <= last
                || (!use_filter && e.sequence != last + 1)
                || caller != CALLER.to_str().ok()
                || op.is_none_or(str::is_empty)
                || outc.is_none_or(str::is_empty)
                || !matches(key_id, kid)
                || !matches(operation, op)
                || !matches(outcome, outc)
                || (use_filter && filter.has_start_time && e.event_time < filter.start_time)
                || (use_filter && filter.has_end_time && e.event_time > filter.end_time)
                || e.count == 0
                || (e.encryption_context_len > 0 && e.encryption_context.is_null())
            {
                bad = Some(format!(
                    "event {} {op:?} {kid:?} {outc:?} caller {caller:?} at {} count {}",
                    e.sequence, e.event_time, e.count
                ));
            }
            last = e.sequence;
        }
        let n_events = items.len();
        sr_audit_event_list_free(list);
        if let Some(b) = bad {
            self.fail(format!("sr_audit_events: {b}"));
        }
        if self.audit_off && n_events != 0 {
            self.fail(format!("audit level Off, yet {n_events} events"));
        }
        // The export of the same filter: one JSON object a line, as many as the events.
        let mut buf = sentinel_buffer();
        let st = sr_export_audit_jsonl(self.ks_ptr(), fptr, &mut buf);
        self.must("sr_export_audit_jsonl", st);
        let text = buffer_bytes(&buf);
        sr_buffer_free(&mut buf);
        let Ok(text) = String::from_utf8(text) else {
            self.fail("sr_export_audit_jsonl: not UTF-8");
        };
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() != n_events
            || lines
                .iter()
                .any(|l| !l.starts_with('{') || !l.ends_with('}'))
            || (!text.is_empty() && !text.ends_with('\n'))
        {
            self.fail(format!(
                "sr_export_audit_jsonl: {} lines for {n_events} events",
                lines.len()
            ));
        }
        // The whole trail verifies, and counts as many events as it lists.
        let mut verified = u64::MAX;
        let null_out = b & 8 != 0 && b & 16 != 0;
        let st = sr_verify_audit(
            self.ks_ptr(),
            if null_out { null_mut() } else { &mut verified },
        );
        if null_out {
            self.expect("sr_verify_audit(NULL out)", st, &[NullParameter]);
            return;
        }
        self.must("sr_verify_audit", st);
        if !use_filter && verified != n_events as u64 {
            self.fail(format!(
                "sr_verify_audit verified {verified} events, sr_audit_events listed {n_events}"
            ));
        }
    }

    fn op_alarm(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let user_data: *mut c_void = (&raw const *self.alarm).cast_mut().cast();
        if b & 1 == 0 {
            // Set (or set again: replacing is allowed).
            self.must(
                "sr_set_alarm",
                sr_set_alarm(self.ks_ptr(), Some(on_alarm), user_data),
            );
            self.alarm_set = true;
        } else {
            self.must(
                "sr_set_alarm(NULL)",
                sr_set_alarm(self.ks_ptr(), None, null_mut()),
            );
            self.alarm_set = false;
        }
    }

    fn op_keystore_id(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let len = match b % 4 {
            0 => 0,
            1 => 36,
            2 => 37,
            _ => usize::from(inp.byte()) % 40,
        };
        let null_buf = b & 4 != 0;
        let mut buf = vec![0x5Au8 as c_char; len.max(1)];
        let mut n = usize::MAX;
        let st = sr_keystore_id(
            self.ks_ptr(),
            if null_buf {
                null_mut()
            } else {
                buf.as_mut_ptr()
            },
            len,
            &mut n,
        );
        let allowed = first(
            &[
                (len < 37).then_some(InsufficientSize),
                null_buf.then_some(NullParameter),
            ],
            vec![sr_status::Ok],
        );
        let st = self.expect("sr_keystore_id", st, &allowed);
        let untouched = buf.iter().all(|c| *c == 0x5A);
        match st {
            InsufficientSize if n != 37 || !untouched => {
                self.fail(format!(
                    "sr_keystore_id, short buffer: n {n}, buffer written: {}",
                    !untouched
                ));
            }
            NullParameter if n != usize::MAX => {
                self.fail("sr_keystore_id wrote out_n on failure");
            }
            sr_status::Ok => {
                let got: Vec<u8> = buf[..36].iter().map(|c| *c as u8).collect();
                if n != 36 || buf[36] != 0 || got != self.ks_id.as_bytes() {
                    self.fail("sr_keystore_id: wrong id");
                }
            }
            _ => {}
        }
    }

    /// A NULL keystore or a NULL out-parameter on a function picked by the input: always
    /// `NullParameter`, and nothing written.
    fn op_null_arguments(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let id = match self.alive().next() {
            Some((_, k)) => CArg::text(&k.id),
            None => CArg::text("00000000-0000-4000-8000-000000000000"),
        };
        let ks: *const sr_keystore = if b & 0x80 != 0 { null() } else { self.ks };
        let mut buf = sentinel_buffer();
        let pt = [1u8];
        let st = match b % 16 {
            0 => sr_encrypt(ks, id.ptr(), pt.as_ptr(), 1, null(), 0, null_mut()),
            1 => sr_decrypt(ks, pt.as_ptr(), 1, null(), 0, null(), null_mut()),
            2 => sr_list_keys(ks, null_mut()),
            3 => sr_list_aliases(ks, null(), null_mut()),
            4 => sr_get_key_rotation_status(ks, id.ptr(), null_mut()),
            5 => sr_list_key_rotations(ks, id.ptr(), null_mut()),
            6 => sr_audit_events(ks, null(), null_mut()),
            7 => sr_export_audit_jsonl(ks, null(), null_mut()),
            8 => sr_generate_random(ks, 4, null_mut(), 0, null_mut()),
            9 => sr_keystore_id(ks, null_mut(), 0, null_mut()),
            10 => sr_generate_data_key(ks, id.ptr(), null(), 0, null(), 0, null_mut()),
            11 => sr_get_parameters_for_import(
                ks,
                id.ptr(),
                c"RSAES_OAEP_SHA_256".as_ptr(),
                c"RSA_2048".as_ptr(),
                null_mut(),
            ),
            12 => sr_decrypt(ks, null(), 7, null(), 0, null(), &mut buf),
            13 => sr_encrypt(ks, id.ptr(), null(), 9, null(), 0, &mut buf),
            14 => sr_re_encrypt(
                ks,
                pt.as_ptr(),
                1,
                null(),
                null(),
                0,
                null(),
                0,
                null(),
                &mut buf,
            ),
            _ => sr_encrypt(ks, id.ptr(), pt.as_ptr(), 1, null(), 3, &mut buf),
        };
        self.expect("a call with a NULL argument", st, &[NullParameter]);
        if !is_sentinel(&buf) {
            self.fail("a call with a NULL argument wrote its out-parameter");
        }
        // Operations on a NULL keystore.
        if b & 0x40 != 0 {
            let st = match (b >> 4) % 4 {
                0 => sr_run_maintenance(null()),
                1 => sr_enable_key(null(), id.ptr()),
                2 => sr_set_alarm(null(), None, null_mut()),
                _ => sr_change_passphrase(null(), b"a".as_ptr(), 1, b"b".as_ptr(), 1),
            };
            self.expect("a call on a NULL keystore", st, &[NullParameter]);
        }
    }

    /// Frees of NULL and of already-emptied buffers (documented as harmless), status names of
    /// any code.
    fn op_frees(&mut self, inp: &mut Input) {
        sr_buffer_free(null_mut());
        sr_key_metadata_free(null_mut());
        sr_key_metadata_list_free(null_mut());
        sr_alias_list_free(null_mut());
        sr_data_key_free(null_mut());
        sr_key_rotation_status_free(null_mut());
        sr_rotations_list_free(null_mut());
        sr_parameters_for_import_free(null_mut());
        sr_audit_event_list_free(null_mut());
        sr_manual_clock_free(null_mut());
        sr_options_free(null_mut());
        let mut empty = sr_buffer {
            data: null_mut(),
            len: 0,
        };
        sr_buffer_free(&mut empty);
        sr_buffer_free(&mut empty);
        let code = inp.u32();
        let name = Self::status_name(code);
        let known = [
            0u32, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,
        ]
        .contains(&code)
            || (114..=118).contains(&code)
            || (120..=124).contains(&code)
            || (140..=143).contains(&code)
            || (200..=205).contains(&code);
        if known == (name == "Invalid") || name.is_empty() {
            self.fail(format!("sr_status_name({code}) = {name:?}"));
        }
        let b = inp.byte();
        if b.is_multiple_of(4) && !self.clock.is_null() {
            // Freeing the clock while the keystore and the options still use it is fine.
            sr_manual_clock_free(self.clock);
            self.clock = null_mut();
        } else if b % 4 == 1 && !self.options.is_null() {
            // A keystore keeps no reference to its options.
            sr_options_free(self.options);
            self.options = null_mut();
        }
    }

    /// Import with hostile arguments: no import may succeed with a token or material made of
    /// input bytes; unknown algorithm or spec names are refused before any RSA work.
    fn op_import(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let r = self.key_ref(inp);
        if b & 1 == 0 {
            let (alg, spec) = match (b >> 1) % 4 {
                0 => (CArg::text("RSAES_OAEP_SHA_256"), CArg::text("RSA_1024")),
                1 => (CArg::text("RSAES_PKCS1_V1_5"), CArg::text("RSA_2048")),
                2 => (CArg::new(&[0xF0, 0x28]), CArg::text("RSA_2048")),
                _ => (CArg::text("RSAES_OAEP_SHA_256"), CArg::null()),
            };
            let mut out: *mut sr_parameters_for_import = sentinel_ptr();
            let st = sr_get_parameters_for_import(
                self.ks_ptr(),
                r.ptr(),
                alg.ptr(),
                spec.ptr(),
                &mut out,
            );
            let allowed = first(
                &[
                    r.required_err(),
                    alg.required_err(),
                    alg.str()
                        .filter(|a| *a != "RSAES_OAEP_SHA_256")
                        .map(|_| Validation),
                    spec.required_err(),
                    spec.str().filter(|s| *s != "RSA_2048").map(|_| Validation),
                ],
                vec![],
            );
            self.expect("sr_get_parameters_for_import", st, &allowed);
            if out != sentinel_ptr() {
                self.fail("sr_get_parameters_for_import wrote its out-parameter on failure");
            }
        } else if b & 2 == 0 {
            let n = usize::from(inp.byte());
            let token = inp.bytes(n);
            let n = usize::from(inp.byte());
            let material = inp.bytes(n);
            let model = match (b >> 2) % 4 {
                0 => CArg::text("KEY_MATERIAL_EXPIRES"),
                1 => CArg::text("NEVER"),
                _ => CArg::null(),
            };
            let st = sr_import_key_material(
                self.ks_ptr(),
                r.ptr(),
                token.as_ptr(),
                token.len(),
                material.as_ptr(),
                material.len(),
                model.ptr(),
                b & 0x40 != 0,
                self.now + DAY_MS,
            );
            let st = self.check("sr_import_key_material (input bytes)", st);
            if st == sr_status::Ok {
                self.fail("sr_import_key_material accepted a token made of input bytes");
            }
            if r.required_err().is_none() && st == InvalidUtf8 {
                self.fail("sr_import_key_material: InvalidUtf8 for UTF-8 arguments");
            }
        } else {
            let target = self.target(&r);
            let st = sr_delete_imported_key_material(self.ks_ptr(), r.ptr());
            let st = self.check("sr_delete_imported_key_material", st);
            // Only a key with imported material has any to delete; the harness never imports.
            if st == sr_status::Ok {
                self.fail(format!(
                    "sr_delete_imported_key_material succeeded for {:?}",
                    target.map(|i| self.keys[i].state)
                ));
            }
        }
    }

    /// Options with hostile values on a scratch `sr_options` (and creates with them in a scratch
    /// file), NULL options.
    fn op_options_and_files(&mut self, inp: &mut Input) {
        let b = inp.byte();
        let mut o = null_mut();
        self.must("sr_options_new", sr_options_new(&mut o));
        let st = match b % 8 {
            0 => sr_options_set_audit(o, 0, 0, 0),
            1 => sr_options_set_audit(o, 4 + u32::from(inp.byte()), 0, 0),
            2 => sr_options_set_caller(o, null()),
            3 => sr_options_set_caller(o, CArg::new(&[b'c', 0xFE]).ptr()),
            4 => sr_options_set_max_keys(null_mut(), 1),
            5 => sr_options_set_kdf_cost(null_mut(), 1, 1, 1),
            6 => sr_options_use_insecure_fast_kdf_for_tests(null_mut()),
            _ => sr_options_set_manual_clock(o, null()),
        };
        let want = match b % 8 {
            0 | 1 => Validation,
            3 => InvalidUtf8,
            _ => NullParameter,
        };
        self.expect("sr_options_* (hostile)", st, &[want]);
        // A create with options that the core refuses: nothing is made, nothing written.
        let scratch = self.dir.file("scratch.strongroom");
        let (what, want) = match (b >> 3) % 4 {
            0 => {
                self.must("sr_options_set_max_keys", sr_options_set_max_keys(o, 0));
                self.must(
                    "sr_options_use_insecure_fast_kdf_for_tests",
                    sr_options_use_insecure_fast_kdf_for_tests(o),
                );
                ("max_keys 0", Validation)
            }
            1 => {
                self.must(
                    "sr_options_set_kdf_cost",
                    sr_options_set_kdf_cost(o, 8, 1, 1),
                );
                ("a KDF below the floor", Validation)
            }
            2 => {
                let long = CString::new("c".repeat(257)).expect("no NUL");
                self.must(
                    "sr_options_set_caller",
                    sr_options_set_caller(o, long.as_ptr()),
                );
                self.must(
                    "sr_options_use_insecure_fast_kdf_for_tests",
                    sr_options_use_insecure_fast_kdf_for_tests(o),
                );
                ("a 257-byte caller", Validation)
            }
            _ => {
                self.must(
                    "sr_options_use_insecure_fast_kdf_for_tests",
                    sr_options_use_insecure_fast_kdf_for_tests(o),
                );
                ("a passphrase of 1025 bytes", Validation)
            }
        };
        let pass = if (b >> 3) % 4 == 3 {
            vec![b'p'; 1025]
        } else {
            b"pass".to_vec()
        };
        let mut ks = sentinel_ptr();
        let st = sr_keystore_create(scratch.as_ptr(), pass.as_ptr(), pass.len(), o, &mut ks);
        self.expect(&format!("sr_keystore_create ({what})"), st, &[want]);
        sr_options_free(o);
        if ks != sentinel_ptr() {
            self.fail("a refused sr_keystore_create wrote its out-parameter");
        }
        if std::path::Path::new(scratch.to_str().expect("UTF-8")).exists() {
            self.fail(format!("a refused sr_keystore_create ({what}) left a file"));
        }
    }

    /// End of the input: the keys match the model, the audit trail verifies, the keystore
    /// closes cleanly.
    fn finish(mut self) {
        if self.ks.is_null() {
            return;
        }
        self.op_list_keys();
        let mut n = 0u64;
        self.must("sr_verify_audit", sr_verify_audit(self.ks_ptr(), &mut n));
        let st = sr_keystore_close(self.ks);
        sr_keystore_free(self.ks);
        self.ks = null_mut();
        self.must("sr_keystore_close", st);
        self.check_alarm_log();
    }
}

//! Item 6 (issue 11), CI size: the C-ABI call-sequence fuzz body (`call_sequence/mod.rs`, shared
//! with the cargo-fuzz target `fuzz/fuzz_targets/c_abi_sequence.rs`) fed deterministic
//! pseudo-random inputs, so a regression in the C ABI or in what it guards fails
//! `cargo nextest run` without cargo-fuzz. The coverage-guided run is `scripts/fuzz-ci`.
//! A broken guarantee panics with `FAILURE: c_abi_sequence: ...` and the calls that led to it.
#![deny(clippy::undocumented_unsafe_blocks)]

mod call_sequence;

/// SplitMix64, seeded per input, so any one input can be replayed alone.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Input `i`: up to 600 bytes from the generator seeded with `i`.
fn input(i: u64) -> Vec<u8> {
    let mut rng = SplitMix64(0xC0DE_0000 + i);
    let len = (rng.next() % 601) as usize;
    (0..len).map(|_| rng.next() as u8).collect()
}

/// As the other smoke tests: `SR_FUZZ_SMOKE` scales the run (the soak's 30,000 means 3,000
/// inputs here; each input is a keystore of its own); `SR_FUZZ_ONLY=i` replays input `i` alone.
#[test]
fn c_abi_sequence_target() {
    if let Some(i) = std::env::var("SR_FUZZ_ONLY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        call_sequence::run(&input(i));
        println!("FIGURE item6 smoke c_abi_sequence input={i} failures=0");
        return;
    }
    let n = std::env::var("SR_FUZZ_SMOKE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(3000)
        / 10;
    for i in 0..n {
        let data = input(i);
        if let Err(p) = std::panic::catch_unwind(|| call_sequence::run(&data)) {
            eprintln!("input {i} failed; replay it alone with SR_FUZZ_ONLY={i}");
            std::panic::resume_unwind(p);
        }
    }
    println!("FIGURE item6 smoke c_abi_sequence inputs={n} failures=0");
}

/// Fixtures for the reproducers below: a keystore on a manual clock with a fresh key.
mod fixture {
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};
    use strongroom::clock::{sr_manual_clock, sr_manual_clock_free, sr_manual_clock_new};
    use strongroom::key::{sr_create_key, sr_key_metadata, sr_key_metadata_free};
    use strongroom::keystore::{
        sr_keystore, sr_keystore_create, sr_options_free, sr_options_new,
        sr_options_set_manual_clock, sr_options_use_insecure_fast_kdf_for_tests,
    };
    use strongroom::status::sr_status;

    pub struct Fixture {
        pub ks: *mut sr_keystore,
        pub clock: *mut sr_manual_clock,
        pub dir: std::path::PathBuf,
    }

    impl Fixture {
        pub fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("sr-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("a temporary directory");
            let path =
                CString::new(dir.join("ks.strongroom").to_str().expect("UTF-8")).expect("no NUL");
            let mut clock = null_mut();
            assert_eq!(
                sr_manual_clock_new(1_767_225_600_000, &mut clock),
                sr_status::Ok
            );
            let mut o = null_mut();
            assert_eq!(sr_options_new(&mut o), sr_status::Ok);
            assert_eq!(sr_options_use_insecure_fast_kdf_for_tests(o), sr_status::Ok);
            assert_eq!(sr_options_set_manual_clock(o, clock), sr_status::Ok);
            let mut ks = null_mut();
            let st = sr_keystore_create(path.as_ptr(), b"pass".as_ptr(), 4, o, &mut ks);
            assert_eq!(st, sr_status::Ok);
            sr_options_free(o);
            Fixture { ks, clock, dir }
        }

        /// Creates a key of `origin` (NULL: the default) and returns its id and state.
        pub fn create_key(&self, origin: Option<&CStr>) -> CString {
            let mut m = null_mut();
            let origin = origin.map_or(null(), CStr::as_ptr);
            let st = sr_create_key(self.ks, null(), null(), null(), origin, &mut m);
            assert_eq!(st, sr_status::Ok);
            let (id, _) = read(m);
            sr_key_metadata_free(m);
            id
        }
    }

    /// The key id and state of metadata strongroom returned.
    pub fn read(m: *const sr_key_metadata) -> (CString, String) {
        // SAFETY: `m` is metadata a successful call returned and the caller has not freed; its
        // strings live until then (the state name is static).
        unsafe {
            (
                CStr::from_ptr((*m).key_id).to_owned(),
                CStr::from_ptr((*m).key_state)
                    .to_str()
                    .expect("UTF-8")
                    .to_owned(),
            )
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = strongroom::keystore::sr_keystore_close(self.ks);
            strongroom::keystore::sr_keystore_free(self.ks);
            sr_manual_clock_free(self.clock);
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Finding 5 (docs/RELIABILITY.md), found by this target: an `EXTERNAL` key that never received
/// material, scheduled for deletion and cancelled, comes back `Disabled` instead of
/// `PendingImport` (docs/import.md: a key without material comes back waiting for it). It can then
/// be enabled and is listed `Enabled`, yet every use fails with `InvalidState: the key has no key
/// material`. Fixed 2026-12-02; kept as a regression test.
#[test]
fn finding_5_cancelled_deletion_of_a_key_without_material() {
    use strongroom::deletion::{sr_cancel_key_deletion, sr_schedule_key_deletion};
    use strongroom::key::{sr_describe_key, sr_key_metadata_free};
    use strongroom::status::sr_status;
    let fx = fixture::Fixture::new("finding-5");
    let id = fx.create_key(Some(c"EXTERNAL"));
    let mut date = 0;
    assert_eq!(
        sr_schedule_key_deletion(fx.ks, id.as_ptr(), 7, &mut date),
        sr_status::Ok
    );
    assert_eq!(sr_cancel_key_deletion(fx.ks, id.as_ptr()), sr_status::Ok);
    let mut m = std::ptr::null_mut();
    assert_eq!(sr_describe_key(fx.ks, id.as_ptr(), &mut m), sr_status::Ok);
    let (_, state) = fixture::read(m);
    sr_key_metadata_free(m);
    assert_eq!(
        state, "PendingImport",
        "a key without material came back {state}"
    );
}

/// Finding 6 (docs/RELIABILITY.md), found while writing this target: with a rotating key and the
/// clock within a rotation period of `i64::MAX`, due-work never ends (the next rotation date
/// saturates at `i64::MAX`, which is never past `now`, and a version is added each turn), so
/// `sr_run_maintenance` (and any call that runs due work, and opening) hangs while memory grows.
/// Reachable only through a manual clock. Fixed 2026-12-02 (one catch-up makes at most 100
/// rotations, and none falls at the end of time); kept as a regression test with a 5-second
/// watchdog.
#[test]
fn finding_6_rotation_due_work_at_the_end_of_time() {
    use strongroom::clock::sr_manual_clock_set;
    use strongroom::keystore::{sr_keystore, sr_run_maintenance};
    use strongroom::rotation::sr_enable_key_rotation;
    use strongroom::status::sr_status;
    let fx = fixture::Fixture::new("finding-6");
    let id = fx.create_key(None);
    assert_eq!(
        sr_enable_key_rotation(fx.ks, id.as_ptr(), 90),
        sr_status::Ok
    );
    assert_eq!(
        sr_manual_clock_set(fx.clock, i64::MAX - 1000),
        sr_status::Ok
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let ks = fx.ks as usize;
    std::thread::spawn(move || {
        let st = sr_run_maintenance(ks as *const sr_keystore);
        let _ = tx.send(st);
    });
    match rx.recv_timeout(std::time::Duration::from_secs(5)) {
        Ok(st) => assert_eq!(st, sr_status::Ok),
        Err(_) => {
            // The stuck thread still uses the keystore: exit without closing it.
            eprintln!("FAILURE: sr_run_maintenance did not return within 5 s");
            std::process::exit(1);
        }
    }
}

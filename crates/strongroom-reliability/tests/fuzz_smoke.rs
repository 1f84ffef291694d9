//! Item 6, CI size: the cargo-fuzz target bodies (src/fuzz.rs) fed deterministic random inputs,
//! so a regression in a target or in what it guards fails `cargo nextest run` without cargo-fuzz.
//! The coverage-guided runs are `scripts/fuzz-ci` (60 s a target) and `scripts/soak` (10 min).
//! A broken guarantee prints `FAILURE: ...` and aborts the test process, as under the fuzzer.

use strongroom_reliability::fuzz::{self, Fixture};
use strongroom_reliability::scale;

fn fixture() -> Fixture {
    fuzz::quiet_panics();
    Fixture::new()
}

#[test]
fn blob_decrypt_target() {
    let fx = fixture();
    let n = scale("SR_FUZZ_SMOKE", 3000);
    fuzz::smoke(n, 300, 1, |d| {
        fuzz::no_escape("blob_decrypt", || fuzz::blob_decrypt(&fx, d))
    });
    println!("FIGURE item6 smoke blob_decrypt inputs={n} failures=0");
}

/// Its second input (seed 2: mode 0x35, a few byte flips of the fixture file) opens, a later write
/// hits a redb panic that the core catches (`Corrupt`), and redb's `Database::drop` then panics
/// again (a poisoned mutex): the core drops the database under `catch_unwind` since Finding 1
/// (docs/RELIABILITY.md).
#[test]
fn keystore_open_target() {
    let fx = fixture();
    let n = scale("SR_FUZZ_SMOKE", 3000) / 30;
    fuzz::smoke(n, 64, 2, |d| {
        fuzz::no_escape("keystore_open", || fuzz::keystore_open(&fx, d))
    });
    println!("FIGURE item6 smoke keystore_open inputs={n} failures=0");
}

#[test]
fn import_token_target() {
    let fx = fixture();
    let n = scale("SR_FUZZ_SMOKE", 3000);
    fuzz::smoke(n, 600, 3, |d| {
        fuzz::no_escape("import_token", || fuzz::import_token(&fx, d))
    });
    println!("FIGURE item6 smoke import_token inputs={n} failures=0");
}

#[test]
fn context_round_trip_target() {
    let fx = fixture();
    let n = scale("SR_FUZZ_SMOKE", 3000) / 3;
    // Inputs with many 0xFF separators, so they parse into several pairs.
    fuzz::smoke(n, 200, 4, |d| {
        let d: Vec<u8> = d
            .iter()
            .map(|b| if b % 7 == 0 { 0xFF } else { *b })
            .collect();
        fuzz::no_escape("context_round_trip", || fuzz::context_round_trip(&fx, &d))
    });
    println!("FIGURE item6 smoke context_round_trip inputs={n} failures=0");
}

/// Inputs the fuzzer found, kept as regressions.
#[test]
fn fuzzer_findings_stay_fixed() {
    let fx = fixture();
    // context_round_trip, 2026-11-23: the context {"\0extra": "x"} already held the pair the
    // harness added as "one pair more", so the "different" context was the same one (a harness
    // bug, not the core's).
    let found: &[u8] = &[0, b'e', b'x', b't', b'r', b'a', 0xFF, b'x'];
    fuzz::no_escape("context_round_trip", || {
        fuzz::context_round_trip(&fx, found)
    });
}

/// keystore_open, 2026-11-23 (release fuzz build, 5 of 5 runs with fresh fixtures): one byte of
/// the fixture file XORed with 0xED. `Keystore::open`'s first write panics inside redb's
/// allocator (caught: `Corrupt`), `open` returns the error, and dropping the half-built
/// `Keystore` panics in redb's `Database::drop` (poisoned mutex): a panic escapes `open`.
/// Kept as a regression test of Finding 1 (docs/RELIABILITY.md): the core now drops the database
/// under `catch_unwind`.
#[test]
fn keystore_open_finding_one_byte_flip() {
    let fx = fixture();
    let found: &[u8] = &[0x6b, 0xd0, 0x00, 0x5f, 0x0a, 0xed];
    fuzz::no_escape("keystore_open", || fuzz::keystore_open(&fx, found));
}

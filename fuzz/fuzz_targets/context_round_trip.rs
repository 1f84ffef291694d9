//! Encryption context round trip through encrypt, decrypt, the audit trail and its JSON export.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use strongroom_reliability::fuzz::{self, Fixture};

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let fx = FIXTURE.get_or_init(|| {
        fuzz::quiet_panics();
        Fixture::new()
    });
    fuzz::no_escape("context_round_trip", || fuzz::context_round_trip(fx, data));
});

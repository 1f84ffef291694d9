//! Keystore open of arbitrary bytes, or of the fixture file mutated; then open-and-use (item 3's checks).
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
    fuzz::no_escape("keystore_open", || fuzz::keystore_open(fx, data));
});

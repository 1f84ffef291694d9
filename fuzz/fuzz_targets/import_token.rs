//! Import token parsing through import_key_material: no fuzzed token or material is accepted.
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
    fuzz::no_escape("import_token", || fuzz::import_token(fx, data));
});

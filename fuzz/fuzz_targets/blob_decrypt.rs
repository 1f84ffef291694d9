//! Blob parsing and decrypt: raw bytes, or a known blob mutated; only known blobs may decrypt.
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
    fuzz::no_escape("blob_decrypt", || fuzz::blob_decrypt(fx, data));
});

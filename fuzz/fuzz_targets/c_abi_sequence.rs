//! The C ABI driven as a C caller would, one call sequence per input: keys, aliases, states,
//! encrypt/decrypt/re-encrypt, data keys, rotation, deletion, the audit trail, clock moves, close
//! and reopen, and hostile arguments. The body is shared with the CI smoke test
//! (crates/strongroom-ffi/tests/fuzz_call_sequence.rs); it panics on a broken guarantee, which
//! libFuzzer's panic hook turns into a crash. Panics inside strongroom never reach that hook: the
//! C ABI catches them (and a caught one is `SR_STATUS_PANIC`, which the body reports as a failure).
#![no_main]
#![deny(clippy::undocumented_unsafe_blocks)]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/strongroom-ffi/tests/call_sequence/mod.rs"]
mod call_sequence;

fuzz_target!(|data: &[u8]| call_sequence::run(data));

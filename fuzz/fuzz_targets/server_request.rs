//! The server's request path without a socket: arbitrary target, content type, authorization,
//! date and body (layout in strongroom_server::fuzz) through the same checks as a request read
//! from a connection, unauthenticated and SigV4, against a scratch keystore: never a panic, every
//! reply AWS's shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use strongroom_server::fuzz::{Servers, server_request};

struct Fixture {
    servers: Servers,
    _dir: tempfile::TempDir,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let fx = FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a scratch directory");
        let ks = sr_core::Keystore::create(
            dir.path().join("ks"),
            b"fuzz",
            &sr_core::Options::insecure_fast_for_tests(),
        )
        .expect("a scratch keystore");
        Fixture {
            servers: Servers::new(Arc::new(ks)),
            _dir: dir,
        }
    });
    server_request(&fx.servers, data);
});

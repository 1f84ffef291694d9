//! How much the keystore file grows per audited call at each audit level: 100,000 encryptions
//! under one key, then the file's growth per call. A measurement, not a test (it was an ignored
//! test in `tests/audit.rs`); docs/audit.md quotes its figures.
//!
//! Run: `cargo run --release -p strongroom --example audit_growth`

use std::sync::Arc;
use strongroom::{AuditLevel, AuditOptions, CreateKey, Keystore, ManualClock, Options, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 100_000u64;
    for level in [AuditLevel::Full, AuditLevel::Summary, AuditLevel::Off] {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("growth.strongroom");
        let options = Options {
            audit: AuditOptions {
                level,
                ..Default::default()
            },
            // As the test it replaces: a stopped clock (one summary interval) and its caller.
            clock: Arc::new(ManualClock::new(Timestamp::from_unix_millis(
                1_767_225_600_000,
            ))),
            caller: "audit-test".into(),
            ..Options::insecure_fast_for_tests()
        };
        let ks = Keystore::create(&path, b"audit growth", &options)?;
        let k = ks.create_key(&CreateKey::default())?.key_id;
        ks.verify_audit()?;
        let before = std::fs::metadata(&path)?.len();
        for _ in 0..n {
            ks.encrypt(&k, b"payload", None)?;
        }
        ks.close()?;
        let after = std::fs::metadata(&path)?.len();
        let grew = after as i64 - before as i64;
        let per = grew as f64 / n as f64;
        println!(
            "{level:?}: {n} encrypts changed the file by {grew} bytes: {per:.1} bytes per call, \
             {per:.1} MB per million calls"
        );
    }
    Ok(())
}

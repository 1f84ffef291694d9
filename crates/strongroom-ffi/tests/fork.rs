//! Issue 17 item 1: a keystore handle used in a `fork()` child. Every call fails at once with
//! `Locked` (never a panic), touches nothing of the file, and closing or dropping the handle in
//! the child releases nothing of the parent's (its lock, its audit writer thread). The parent
//! keeps working and closes cleanly; nothing the child tried is in the file afterwards.
//!
//! The core forbids `unsafe`, so this test (which calls `fork`) lives here, in the C ABI crate;
//! `tests/c/test_fork.c` and `bindings/python/tests/test_fork.py` check the same from C and
//! Python. Each test file is its own process, and this one has a single test, so the fork happens
//! with no other test thread running.
#![deny(clippy::undocumented_unsafe_blocks)]

use sr_core::{AuditFilter, CreateKey, Error, Keystore, Options};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const PASSPHRASE: &[u8] = b"fork test passphrase";

/// Runs `child` in a forked child process and returns its exit status: 0 if `child` returned
/// `Ok`, 1 with the message on stderr if it returned `Err`, 101 if it panicked.
fn in_child(child: impl FnOnce() -> Result<(), String>) -> i32 {
    // SAFETY: `fork` has no preconditions; the child below only runs `child` (which allocates
    // and calls the core: glibc's malloc is fork-safe) and leaves through `_exit`, never
    // returning into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let code = match catch_unwind(AssertUnwindSafe(child)) {
            Ok(Ok(())) => 0,
            Ok(Err(m)) => {
                eprintln!("child: {m}");
                1
            }
            Err(_) => 101,
        };
        // SAFETY: `_exit` ends the child at once, without running the parent's atexit handlers
        // or destructors a second time.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is a valid out-pointer.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid);
    assert!(libc::WIFEXITED(status), "the child died: status {status}");
    libc::WEXITSTATUS(status)
}

/// The child's check that `r` is the fork refusal.
fn refused<T>(what: &str, r: Result<T, Error>) -> Result<(), String> {
    match r {
        Err(Error::Locked(m)) if m.contains("before a fork") && m.contains("strongroom serve") => {
            Ok(())
        }
        Err(e) => Err(format!("{what}: wrong error {e}")),
        Ok(_) => Err(format!("{what}: succeeded in a forked child")),
    }
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_forked_child_cannot_use_or_release_the_parents_handle() {
    let dir = std::env::temp_dir().join(format!("strongroom-fork-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ks");
    let options = Options::insecure_fast_for_tests();
    let ks = Keystore::create(&path, PASSPHRASE, &options).unwrap();
    let key = ks.create_key(&CreateKey::default()).unwrap().key_id;
    let blob = ks.encrypt(&key, b"before the fork", None).unwrap();
    let before = file_bytes(&path);

    // Every kind of call in the child, then close: all refused, none panics.
    let status = in_child(|| {
        refused("encrypt", ks.encrypt(&key, b"in the child", None))?;
        let mut out = [0u8; 64];
        refused("encrypt_into", ks.encrypt_into(&key, b"x", None, &mut out))?;
        refused("decrypt", ks.decrypt(&blob, None, None))?;
        refused("generate_random", ks.generate_random(16))?;
        refused("create_key", ks.create_key(&CreateKey::default()))?;
        refused("describe_key", ks.describe_key(&key))?;
        refused("disable_key", ks.disable_key(&key))?;
        refused("key_arn_of", ks.key_arn_of(&key))?;
        refused("audit_events", ks.audit_events(&AuditFilter::default()))?;
        refused("verify_audit", ks.verify_audit())?;
        refused("generation", ks.generation())?;
        refused("run_maintenance", ks.run_maintenance())?;
        refused(
            "change_passphrase",
            ks.change_passphrase(PASSPHRASE, b"child"),
        )?;
        // `close` takes the handle by value; the closure only borrows it.
        // SAFETY: this runs in the child only, on the child's own copy of the address space
        // (the parent's `ks` is untouched), and the child leaves through `_exit` without using or
        // dropping its `ks` again, so the bitwise copy is the only owner there.
        let copy = unsafe { std::ptr::read(&ks) };
        refused("close", copy.close())
    });
    assert_eq!(
        status, 0,
        "the child saw a call succeed, a wrong error, or a panic"
    );
    assert_eq!(file_bytes(&path), before, "the child changed the file");

    // Dropping the handle in a child (no close): nothing released, no panic.
    let status = in_child(|| {
        // SAFETY: as above; the copy is the child's own.
        drop(unsafe { std::ptr::read(&ks) });
        Ok(())
    });
    assert_eq!(status, 0);

    // The parent still holds the lock, and its handle and audit writer work.
    assert!(matches!(
        Keystore::open(&path, PASSPHRASE, &options),
        Err(Error::Locked(_))
    ));
    let after = ks.encrypt(&key, b"after the fork", None).unwrap();
    assert_eq!(
        ks.decrypt(&after, None, None).unwrap().plaintext.as_bytes(),
        b"after the fork"
    );
    ks.create_key(&CreateKey::default()).unwrap();
    ks.close().unwrap();

    // Nothing of the child's in the file: the parent's two keys, the key still enabled, and
    // no event from the child in an intact trail.
    let ks = Keystore::open(&path, PASSPHRASE, &options).unwrap();
    assert_eq!(ks.list_keys().unwrap().len(), 2);
    assert_eq!(ks.describe_key(&key).unwrap().key_state.as_str(), "Enabled");
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    let count = |op: &str| events.iter().filter(|e| e.operation == op).count();
    assert_eq!(count("CreateKey"), 2, "the child's CreateKey was recorded");
    assert_eq!(count("DisableKey") + count("ChangePassphrase"), 0);
    assert!(events.iter().all(|e| e.outcome == "ok"), "{events:?}");
    ks.verify_audit().unwrap();
    ks.close().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

//! strongroom's reliability suite (issue 11): the harness shared by the tests in `tests/`, the
//! cargo-fuzz targets in `fuzz/` and `scripts/soak`.
//!
//! Every check has a CI size (the default, run by `cargo nextest run --workspace`) and a soak size
//! chosen by environment variables that `scripts/soak` sets (see [`scale`]). Each check prints one
//! `FIGURE ...` line with what it counted; docs/RELIABILITY.md quotes them.
//!
//! Checks that need a separate process (kill -9, a second opener, a corrupted file that might
//! abort) re-run the test binary as a child with `--exact NAME --include-ignored` and an
//! environment variable, as crates/strongroom/tests/keystore_file.rs does.
#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]

pub mod corrupt;
pub mod faults;
pub mod fuzz;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use strongroom::{Keystore, Options};

/// The passphrase of every scratch keystore. Item 8 looks for it in everything the keystore emits.
pub const PASS: &[u8] = b"reliability-passphrase-7f3a9c";

/// The fast test profile (Argon2id at 64 KiB, 1 pass): reopening hundreds of times must be cheap.
pub fn opts() -> Options {
    Options::insecure_fast_for_tests()
}

/// A scratch directory and a keystore path inside it.
pub struct Scratch {
    /// Removed on drop.
    pub dir: tempfile::TempDir,
    /// `<dir>/ks.strongroom` (not created).
    pub path: PathBuf,
}

/// A fresh scratch directory.
pub fn scratch() -> Scratch {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("ks.strongroom");
    Scratch { dir, path }
}

/// A new keystore in a fresh scratch directory.
pub fn new_store() -> (Scratch, Keystore) {
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).expect("create a keystore");
    (s, ks)
}

/// A count from the environment variable `var` (set by `scripts/soak`), else `ci`.
pub fn scale(var: &str, ci: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ci)
}

/// SplitMix64: a small deterministic generator, so every run can be replayed from its seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A seed from `SR_SEED` if set, else from the clock; printed so a failure can be replayed.
    pub fn from_env(what: &str) -> Self {
        let seed = std::env::var("SR_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{what}: seed {seed} (replay with SR_SEED={seed})");
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Fills `buf` with random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// A child process: this test binary re-run to execute only the ignored test `test_name`, with
/// `envs` set. Its stdout is piped; stderr is inherited (shown by the test runner on failure).
pub fn spawn_child(test_name: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Child {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", test_name, "--nocapture", "--include-ignored"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn the child test process")
}

/// Kills `child` if it still runs, and reaps it. Used on every exit path so no child outlives
/// its test.
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    /// Guards `child`.
    pub fn new(child: Child) -> Self {
        ChildGuard(Some(child))
    }

    /// The child.
    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("child present")
    }

    /// SIGKILL (on Unix `Child::kill` sends SIGKILL), then wait; returns the exit status.
    pub fn kill9(&mut self) -> std::process::ExitStatus {
        let c = self.child();
        let _ = c.kill();
        c.wait().expect("reap the child")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Copies `from` to a new file `to`.
pub fn copy_file(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy the keystore file");
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Standard base64 with padding (how the CLI and JSON surfaces print binary).
pub fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn contains_finds_and_misses() {
        assert!(contains(b"abcdef", b"cde"));
        assert!(!contains(b"abcdef", b"ced"));
        assert!(!contains(b"abc", b""));
    }
}

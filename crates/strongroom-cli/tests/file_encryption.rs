//! `encrypt-file` / `decrypt-file`: round trips of files and streams, and every kind of damage
//! refused (truncation, reordering, flipped bits, appended chunks, header changes).

mod common;

use common::Scratch;
use predicates::prelude::*;
use predicates::str::contains;

const CHUNK: usize = 64 * 1024;
const STRIDE: usize = CHUNK + 16;

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Length of the header of an encrypted file (fixed part + data key blob).
fn header_len(file: &[u8]) -> usize {
    48 + u32::from_le_bytes(file[44..48].try_into().unwrap()) as usize
}

fn setup() -> (Scratch, String) {
    let s = Scratch::new();
    let k = s.key();
    s.alias("alias/backup", &k);
    (s, k)
}

fn decrypt_fails(s: &Scratch, bytes: &[u8], what: &str) {
    s.write("bad.sr", bytes);
    let _ = std::fs::remove_file(s.path("bad.out"));
    s.cmd()
        .args(["decrypt-file", "bad.sr", "bad.out"])
        .assert()
        .code(15)
        .stderr(contains("(InvalidCiphertextException) when calling the "));
    assert!(
        !s.path("bad.out").exists(),
        "{what}: partial output left behind"
    );
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".strongroom-partial-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{what}: temporary file left behind");
}

#[test]
fn multi_mib_file_round_trip() {
    let (s, _) = setup();
    let plain = data(9 * 1024 * 1024 + 12345, 1);
    s.write("backup.tar", &plain);
    s.ok(&[
        "encrypt-file",
        "--key-id",
        "alias/backup",
        "backup.tar",
        "backup.tar.sr",
    ]);
    let enc = std::fs::read(s.path("backup.tar.sr")).unwrap();
    assert_eq!(&enc[..6], b"SRFILE");
    let chunks = plain.len().div_ceil(CHUNK);
    assert_eq!(enc.len(), header_len(&enc) + plain.len() + 16 * chunks);
    s.ok(&["decrypt-file", "backup.tar.sr", "backup.out"]);
    assert!(std::fs::read(s.path("backup.out")).unwrap() == plain);
}

#[test]
fn stdin_to_stdout_round_trip_and_sizes_at_chunk_edges() {
    let (s, _) = setup();
    for len in [
        0,
        1,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        2 * CHUNK,
        64 * CHUNK,
        64 * CHUNK + 3,
    ] {
        let plain = data(len, len as u64 + 7);
        let enc = s
            .cmd()
            .args(["encrypt-file", "--key-id", "alias/backup"])
            .write_stdin(plain.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let chunks = len.div_ceil(CHUNK).max(1);
        assert_eq!(enc.len(), header_len(&enc) + len + 16 * chunks, "len {len}");
        let dec = s
            .cmd()
            .arg("decrypt-file")
            .write_stdin(enc)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(dec == plain, "round trip of {len} bytes");
    }
}

#[test]
fn fresh_data_key_per_file() {
    let (s, _) = setup();
    s.write("p", b"same plaintext");
    s.ok(&["encrypt-file", "--key-id", "alias/backup", "p", "a.sr"]);
    s.ok(&["encrypt-file", "--key-id", "alias/backup", "p", "b.sr"]);
    let a = std::fs::read(s.path("a.sr")).unwrap();
    let b = std::fs::read(s.path("b.sr")).unwrap();
    assert_ne!(a[48..header_len(&a)], b[48..header_len(&b)]);
    assert_ne!(a[header_len(&a)..], b[header_len(&b)..]);
}

#[test]
fn damaged_files_are_refused() {
    let (s, _) = setup();
    let plain = data(5 * CHUNK + 100, 3);
    s.write("p", &plain);
    s.ok(&["encrypt-file", "--key-id", "alias/backup", "p", "p.sr"]);
    let enc = std::fs::read(s.path("p.sr")).unwrap();
    let h = header_len(&enc);
    let chunk = |i: usize| h + i * STRIDE;

    // Truncated at a chunk boundary (the final chunk dropped), and mid-chunk.
    decrypt_fails(&s, &enc[..chunk(5)], "truncated at a boundary");
    decrypt_fails(&s, &enc[..chunk(3) + 1000], "truncated mid-chunk");
    decrypt_fails(&s, &enc[..enc.len() - 1], "last byte cut");
    decrypt_fails(&s, &enc[..h], "header only");
    decrypt_fails(&s, &enc[..30], "header cut");
    // Chunks 1 and 2 swapped.
    let mut swapped = enc.clone();
    swapped[chunk(1)..chunk(2)].copy_from_slice(&enc[chunk(2)..chunk(3)]);
    swapped[chunk(2)..chunk(3)].copy_from_slice(&enc[chunk(1)..chunk(2)]);
    decrypt_fails(&s, &swapped, "reordered");
    // A chunk duplicated.
    let mut dup = enc[..chunk(2)].to_vec();
    dup.extend_from_slice(&enc[chunk(1)..]);
    decrypt_fails(&s, &dup, "duplicated chunk");
    // One bit flipped in a chunk body, in a tag, in the header's salt and chunk size.
    for pos in [chunk(2) + 77, chunk(1) - 1, 20, 9] {
        let mut flipped = enc.clone();
        flipped[pos] ^= 0x01;
        decrypt_fails(&s, &flipped, &format!("bit flipped at {pos}"));
    }
    // Data appended after the final chunk.
    let mut longer = enc.clone();
    longer.extend_from_slice(&enc[chunk(0)..chunk(1)]);
    decrypt_fails(&s, &longer, "chunk appended");
    // Not an encrypted file at all.
    decrypt_fails(&s, b"just some text", "not encrypted");
    // The undamaged file still decrypts.
    s.ok(&["decrypt-file", "p.sr", "ok.out"]);
    assert!(std::fs::read(s.path("ok.out")).unwrap() == plain);
}

#[test]
fn context_key_and_state_are_enforced() {
    let (s, k) = setup();
    s.write("p", b"payload");
    s.ok(&[
        "encrypt-file",
        "--key-id",
        &k,
        "--encryption-context",
        "host=db1",
        "p",
        "p.sr",
    ]);
    s.cmd()
        .args(["decrypt-file", "p.sr", "out"])
        .assert()
        .code(15);
    s.cmd()
        .args([
            "decrypt-file",
            "--encryption-context",
            "host=db2",
            "p.sr",
            "out",
        ])
        .assert()
        .code(15);
    let other = s.key();
    s.cmd()
        .args([
            "decrypt-file",
            "--key-id",
            &other,
            "--encryption-context",
            "host=db1",
            "p.sr",
            "out",
        ])
        .assert()
        .code(16);
    assert!(!s.path("out").exists());
    s.ok(&[
        "decrypt-file",
        "--key-id",
        "alias/backup",
        "--encryption-context",
        "host=db1",
        "p.sr",
        "out",
    ]);
    assert_eq!(std::fs::read(s.path("out")).unwrap(), b"payload");
    s.ok(&["disable-key", "--key-id", &k]);
    s.cmd()
        .args([
            "decrypt-file",
            "--encryption-context",
            "host=db1",
            "p.sr",
            "out2",
        ])
        .assert()
        .code(13);
    s.cmd()
        .args(["encrypt-file", "--key-id", &k, "p", "p2.sr"])
        .assert()
        .code(13);
    assert!(!s.path("p2.sr").exists());
}

#[test]
fn outputs_are_never_overwritten_without_force() {
    let (s, _) = setup();
    s.write("p", b"new");
    s.write("existing.sr", b"keep me");
    s.cmd()
        .args([
            "encrypt-file",
            "--key-id",
            "alias/backup",
            "p",
            "existing.sr",
        ])
        .assert()
        .code(11)
        .stderr(
            contains("(AlreadyExistsException) when calling the ")
                .and(contains("hint: pass --force")),
        );
    assert_eq!(std::fs::read(s.path("existing.sr")).unwrap(), b"keep me");
    s.ok(&[
        "encrypt-file",
        "--force",
        "--key-id",
        "alias/backup",
        "p",
        "existing.sr",
    ]);
    s.ok(&["decrypt-file", "existing.sr", "p.out"]);
    assert_eq!(std::fs::read(s.path("p.out")).unwrap(), b"new");
    s.cmd()
        .args(["decrypt-file", "existing.sr", "p.out"])
        .assert()
        .code(11);
    s.cmd()
        .args([
            "encrypt-file",
            "--key-id",
            "alias/backup",
            "missing",
            "x.sr",
        ])
        .assert()
        .code(26)
        .stderr(
            contains("(KMSInternalException) when calling the ")
                .and(contains("operation: missing")),
        );
}

#[test]
fn silent_when_not_on_a_terminal() {
    let (s, _) = setup();
    s.write("p", &data(3 * CHUNK, 9));
    s.cmd()
        .args(["encrypt-file", "--key-id", "alias/backup", "p", "p.sr"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    s.cmd()
        .args(["decrypt-file", "p.sr", "p.out"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

/// Peak memory stays bounded whatever the size: 256 MiB streamed through `encrypt-file` while
/// its peak resident set (VmHWM) is read from /proc before the input ends.
#[cfg(target_os = "linux")]
#[test]
fn constant_memory_on_a_large_stream() {
    use std::io::Write;
    let (s, _) = setup();
    let mut child = std::process::Command::new(common::bin())
        .current_dir(s.dir.path())
        .env("STRONGROOM_KEYSTORE", s.keystore())
        .env("STRONGROOM_PASSPHRASE", "correct horse")
        .env("STRONGROOM_INSECURE_TEST_KDF", "1")
        .args(["encrypt-file", "--key-id", "alias/backup", "-", "big.sr"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let block = data(1 << 20, 11);
    for _ in 0..256 {
        stdin.write_all(&block).unwrap();
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let hwm_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert!(
        hwm_kib < 64 * 1024,
        "peak resident memory {hwm_kib} KiB while streaming 256 MiB"
    );
    let len = std::fs::metadata(s.path("big.sr")).unwrap().len();
    assert!(len > 256 << 20);
}

/// Issue 17 item 2: decrypted plaintext (and the temporary file it is written to first) is
/// created exclusively with mode 0600, and a symlink planted at the destination is replaced,
/// never written through.
#[cfg(unix)]
#[test]
fn plaintext_outputs_are_private_and_planted_symlinks_are_not_followed() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let (s, _) = setup();
    s.write("p", b"top secret");
    s.ok(&["encrypt-file", "--key-id", "alias/backup", "p", "p.sr"]);
    let mode = |name: &str| {
        std::fs::symlink_metadata(s.path(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    s.cmd()
        .args(["decrypt-file", "p.sr", "plain.out"])
        .assert()
        .success();
    assert_eq!(mode("plain.out"), 0o600);
    assert_eq!(mode("p.sr"), 0o600);
    assert_eq!(std::fs::read(s.path("plain.out")).unwrap(), b"top secret");

    // A symlink to a file someone else wants overwritten: refused without --force, replaced (not
    // followed) with it.
    s.write("victim", b"untouched");
    std::fs::set_permissions(s.path("victim"), std::fs::Permissions::from_mode(0o644)).unwrap();
    symlink(s.path("victim"), s.path("link.out")).unwrap();
    s.cmd()
        .args(["decrypt-file", "p.sr", "link.out"])
        .assert()
        .code(11);
    s.ok(&["decrypt-file", "--force", "p.sr", "link.out"]);
    assert_eq!(std::fs::read(s.path("victim")).unwrap(), b"untouched");
    assert_eq!(mode("victim"), 0o644);
    assert!(
        std::fs::symlink_metadata(s.path("link.out"))
            .unwrap()
            .is_file()
    );
    assert_eq!(mode("link.out"), 0o600);
    // A dangling symlink (it does not "exist") is not followed to create its target either.
    symlink(s.path("created-through-link"), s.path("dangling.out")).unwrap();
    s.cmd()
        .args(["decrypt-file", "p.sr", "dangling.out"])
        .assert()
        .code(11);
    assert!(!s.path("created-through-link").exists());
}

/// The CLI keeps its own messages around the library's errors: I/O failures name the path, a
/// damaged file gets the file hint, a wrong context the keystore's.
#[test]
fn errors_name_the_file_and_hint_at_the_cause() {
    let (s, _) = setup();
    s.write("p", &data(2 * CHUNK, 4));
    s.ok(&[
        "encrypt-file",
        "--key-id",
        "alias/backup",
        "--encryption-context",
        "a=b",
        "p",
        "p.sr",
    ]);
    s.cmd()
        .args(["decrypt-file", "p.sr", "out"])
        .assert()
        .code(15)
        .stderr(contains("hint: give the same --encryption-context"));
    let enc = std::fs::read(s.path("p.sr")).unwrap();
    s.write("cut.sr", &enc[..enc.len() - 5]);
    s.cmd()
        .args([
            "decrypt-file",
            "--encryption-context",
            "a=b",
            "cut.sr",
            "out",
        ])
        .assert()
        .code(15)
        .stderr(contains("chunk 1").and(contains("hint: the file is not a strongroom encrypted")));
    // Reading a directory fails mid-stream with the path in the message.
    std::fs::create_dir(s.path("adir")).unwrap();
    s.cmd()
        .args(["encrypt-file", "--key-id", "alias/backup", "adir", "x.sr"])
        .assert()
        .code(26)
        .stderr(contains("(KMSInternalException) when calling the ").and(contains("adir")));
    assert!(!s.path("x.sr").exists());
    // Writing fails (a full device) with "standard output" in the message.
    #[cfg(target_os = "linux")]
    {
        let out = std::process::Command::new(common::bin())
            .current_dir(s.dir.path())
            .env("STRONGROOM_KEYSTORE", s.keystore())
            .env("STRONGROOM_PASSPHRASE", "correct horse")
            .env("STRONGROOM_INSECURE_TEST_KDF", "1")
            .args(["encrypt-file", "--key-id", "alias/backup", "p", "-"])
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(26));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("(KMSInternalException) when calling the ")
                && err.contains("standard output"),
            "{err}"
        );
    }
}

//! SPEC section 2: the keystore file.

mod common;
use common::*;
use redb::{ReadableDatabase, ReadableTable};
use strongroom::{CreateKey, KdfParams, Keystore, Options};

#[test]
fn create_open_close_round_trip() {
    let (s, ks) = new_store();
    let k = key(&ks);
    let blob = ks.encrypt(&k.key_id, b"persist me", None).unwrap();
    ks.create_alias("alias/p", &k.key_id).unwrap();
    let id = ks.keystore_id().to_owned();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.keystore_id(), id);
    assert_eq!(ks.describe_key("alias/p").unwrap().key_id, k.key_id);
    assert_eq!(
        ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"persist me"
    );
}

#[test]
fn create_refuses_an_existing_path() {
    let (s, ks) = new_store();
    drop(ks);
    let before = sha256(&s.path);
    assert_err(Keystore::create(&s.path, PASS, &opts()), "AlreadyExists");
    assert_eq!(sha256(&s.path), before);
}

#[test]
fn create_in_a_missing_directory_says_so() {
    let s = scratch();
    let path = s.path.with_file_name("no-such-dir").join("ks");
    let e = Keystore::create(&path, PASS, &opts()).unwrap_err();
    assert_eq!(e.name(), "Io");
    assert!(e.to_string().contains("directory does not exist"), "{e}");
    assert!(!path.parent().unwrap().exists());
}

#[test]
fn open_of_a_missing_file_is_not_found_and_creates_nothing() {
    let s = scratch();
    assert_err(Keystore::open(&s.path, PASS, &opts()), "NotFound");
    assert!(!s.path.exists());
}

#[test]
fn wrong_passphrase_leaves_the_file_byte_for_byte_unchanged() {
    let (s, ks) = new_store();
    key(&ks);
    ks.close().unwrap();
    let before = sha256(&s.path);
    assert_err(
        Keystore::open(&s.path, b"wrong", &opts()),
        "AuthenticationFailed",
    );
    assert_eq!(sha256(&s.path), before);
    Keystore::open(&s.path, PASS, &opts()).unwrap();
}

#[test]
fn change_passphrase_rewraps_the_root_key() {
    let (s, ks) = new_store();
    let k = key(&ks);
    let blob = ks.encrypt(&k.key_id, b"x", None).unwrap();
    assert_err(
        ks.change_passphrase(b"not it", b"new pass"),
        "AuthenticationFailed",
    );
    ks.change_passphrase(PASS, b"new pass").unwrap();
    ks.close().unwrap();
    assert_err(
        Keystore::open(&s.path, PASS, &opts()),
        "AuthenticationFailed",
    );
    let ks = Keystore::open(&s.path, b"new pass", &opts()).unwrap();
    assert_eq!(
        ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"x"
    );
}

#[test]
fn passphrase_length_bounds() {
    let s = scratch();
    assert_err(Keystore::create(&s.path, b"", &opts()), "Validation");
    assert_err(
        Keystore::create(&s.path, &[b'p'; 1025], &opts()),
        "Validation",
    );
    assert!(!s.path.exists());
    Keystore::create(&s.path, &[b'p'; 1024], &opts()).unwrap();
    let t = scratch();
    Keystore::create(&t.path, b"p", &opts()).unwrap();
}

#[test]
fn kdf_below_the_owasp_floor_needs_the_explicit_test_profile() {
    let s = scratch();
    let weak = Options {
        kdf: KdfParams::INSECURE_FAST_FOR_TESTS,
        ..Options::default()
    };
    assert_err(Keystore::create(&s.path, PASS, &weak), "Validation");
    assert!(!s.path.exists());
    Keystore::create(&s.path, PASS, &opts())
        .unwrap()
        .close()
        .unwrap();
    let before = sha256(&s.path);
    assert_err(
        Keystore::open(&s.path, PASS, &Options::default()),
        "Validation",
    );
    assert_eq!(sha256(&s.path), before);
}

#[test]
fn default_kdf_is_at_least_rfc9106_second_option() {
    let d = Options::default().kdf;
    assert!(d.m_cost_kib >= 64 * 1024 && d.t_cost >= 3 && d.p_cost >= 4);
    assert!(!Options::default().allow_insecure_test_kdf);
}

#[test]
fn owasp_floor_itself_is_accepted() {
    let s = scratch();
    let floor = Options {
        kdf: KdfParams::OWASP_FLOOR,
        ..Options::default()
    };
    Keystore::create(&s.path, PASS, &floor)
        .unwrap()
        .close()
        .unwrap();
    Keystore::open(&s.path, PASS, &Options::default()).unwrap();
}

#[test]
fn a_file_that_is_not_a_keystore_is_corrupt() {
    let s = scratch();
    std::fs::write(
        &s.path,
        b"hello, I am a text file and not a keystore at all",
    )
    .unwrap();
    assert_err(Keystore::open(&s.path, PASS, &opts()), "Corrupt");
    std::fs::write(&s.path, vec![0u8; 1 << 16]).unwrap();
    assert_err(Keystore::open(&s.path, PASS, &opts()), "Corrupt");
    std::fs::write(&s.path, b"").unwrap();
    assert_err(Keystore::open(&s.path, PASS, &opts()), "Corrupt");
}

#[test]
fn a_redb_file_without_a_header_is_corrupt() {
    let s = scratch();
    redb::Database::create(&s.path).unwrap();
    let e = Keystore::open(&s.path, PASS, &opts()).unwrap_err();
    assert_eq!(e.name(), "Corrupt");
    assert!(e.message().contains("not a strongroom keystore"), "{e}");
}

use strongroom::insecure_test_tables::{HEADER_KEY, KEYS, META, VERSIONS};

fn edit_header(path: &std::path::Path, f: impl FnOnce(&mut Vec<u8>)) {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut t = tx.open_table(META).unwrap();
        let mut h = t.get(HEADER_KEY).unwrap().unwrap().value().to_vec();
        f(&mut h);
        t.insert(HEADER_KEY, h.as_slice()).unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn unknown_format_version_is_corrupt_and_named() {
    let (s, ks) = new_store();
    ks.close().unwrap();
    edit_header(&s.path, |h| h[8] = 9);
    let e = Keystore::open(&s.path, PASS, &opts()).unwrap_err();
    assert_eq!(e.name(), "Corrupt");
    assert!(e.message().contains("format version 9"), "{e}");
}

#[test]
fn a_damaged_header_is_corrupt() {
    let (s, ks) = new_store();
    ks.close().unwrap();
    edit_header(&s.path, |h| h[40] ^= 1);
    let e = Keystore::open(&s.path, PASS, &opts()).unwrap_err();
    assert_eq!(e.name(), "Corrupt");
    assert!(e.message().contains("checksum"), "{e}");
}

#[test]
fn truncated_files_are_refused_without_panicking() {
    let (s, ks) = new_store();
    for _ in 0..20 {
        key(&ks);
    }
    ks.close().unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    for cut in [0, 1, 16, 512, 4096, bytes.len() / 2, bytes.len() - 1] {
        let t = scratch();
        std::fs::write(&t.path, &bytes[..cut]).unwrap();
        let r = Keystore::open(&t.path, PASS, &opts());
        if let Err(e) = &r {
            assert!(
                matches!(e.name(), "Corrupt" | "Io"),
                "cut at {cut}: unexpected {e}"
            );
        }
        // A truncation that redb can repair may open; what it returns must still verify.
        if let Ok(ks) = r {
            for k in ks.list_keys().unwrap_or_default() {
                let _ = ks.encrypt(&k.key_id, b"x", None);
            }
        }
    }
}

fn key_u128(id: &str) -> u128 {
    uuid::Uuid::parse_str(id).unwrap().as_u128()
}

#[test]
fn a_version_record_copied_onto_another_key_is_refused() {
    let (s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    ks.close().unwrap();
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(VERSIONS).unwrap();
            let rec = t
                .get((key_u128(&a.key_id), 1))
                .unwrap()
                .unwrap()
                .value()
                .to_vec();
            t.insert((key_u128(&b.key_id), 1), rec.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.encrypt(&a.key_id, b"fine", None).unwrap();
    let e = ks.encrypt(&b.key_id, b"x", None).unwrap_err();
    assert_eq!(e.name(), "Corrupt");
    assert!(e.message().contains(&b.key_id), "{e}");
}

#[test]
fn a_key_record_copied_onto_another_key_is_refused() {
    let (s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    ks.disable_key(&b.key_id).unwrap();
    ks.close().unwrap();
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(KEYS).unwrap();
            let rec = t
                .get(key_u128(&a.key_id))
                .unwrap()
                .unwrap()
                .value()
                .to_vec();
            t.insert(key_u128(&b.key_id), rec.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.describe_key(&b.key_id), "Corrupt");
    assert_err(ks.encrypt(&b.key_id, b"x", None), "Corrupt");
}

#[test]
fn a_version_record_moved_to_another_version_is_refused() {
    let (s, ks) = new_store();
    let a = key(&ks);
    ks.close().unwrap();
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(VERSIONS).unwrap();
            let id = key_u128(&a.key_id);
            let rec = t.remove((id, 1)).unwrap().unwrap().value().to_vec();
            t.insert((id, 2), rec.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.encrypt(&a.key_id, b"x", None), "Corrupt");
}

#[test]
fn a_record_copied_from_another_keystore_is_refused() {
    let (s1, ks1) = new_store();
    let (s2, ks2) = new_store();
    let a = key(&ks1);
    let b = key(&ks2);
    ks1.close().unwrap();
    ks2.close().unwrap();
    let foreign = {
        let db = redb::Database::open(&s1.path).unwrap();
        let tx = db.begin_read().unwrap();
        let t = tx.open_table(VERSIONS).unwrap();
        t.get((key_u128(&a.key_id), 1))
            .unwrap()
            .unwrap()
            .value()
            .to_vec()
    };
    {
        let db = redb::Database::open(&s2.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(VERSIONS).unwrap();
            t.insert((key_u128(&b.key_id), 1), foreign.as_slice())
                .unwrap();
        }
        tx.commit().unwrap();
    }
    let ks2 = Keystore::open(&s2.path, PASS, &opts()).unwrap();
    assert_err(ks2.encrypt(&b.key_id, b"x", None), "Corrupt");
}

#[test]
fn a_second_process_gets_locked_at_once() {
    let (s, ks) = new_store();
    key(&ks);
    // Another process: this test binary re-run as a child that tries to open the file.
    let exe = std::env::current_exe().unwrap();
    let start = std::time::Instant::now();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "child_open_reports_error",
            "--nocapture",
            "--include-ignored",
        ])
        .env("STRONGROOM_CHILD_PATH", &s.path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("CHILD_RESULT=Locked"),
        "child said: {stdout}"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    drop(ks);
}

/// Helper for `a_second_process_gets_locked_at_once`: runs only as that test's child.
#[test]
#[ignore = "run as a child process by a_second_process_gets_locked_at_once"]
fn child_open_reports_error() {
    let Some(path) = std::env::var_os("STRONGROOM_CHILD_PATH") else {
        return;
    };
    let t = std::time::Instant::now();
    let r = Keystore::open(&path, PASS, &opts());
    let name = r.err().map_or("Ok", |e| e.name());
    println!("CHILD_RESULT={name} in {:?}", t.elapsed());
}

#[test]
fn max_keys_bounds_and_quota() {
    let s = scratch();
    let zero = Options {
        max_keys: 0,
        ..opts()
    };
    assert_err(Keystore::create(&s.path, PASS, &zero), "Validation");
    let two = Options {
        max_keys: 2,
        ..opts()
    };
    let ks = Keystore::create(&s.path, PASS, &two).unwrap();
    key(&ks);
    key(&ks);
    assert_err(ks.create_key(&CreateKey::default()), "LimitExceeded");
    assert_eq!(ks.list_keys().unwrap().len(), 2);
    ks.close().unwrap();
    let three = Options {
        max_keys: 3,
        ..opts()
    };
    let ks = Keystore::open(&s.path, PASS, &three).unwrap();
    key(&ks);
    assert_err(ks.create_key(&CreateKey::default()), "LimitExceeded");
    assert_eq!(strongroom::DEFAULT_MAX_KEYS, 100_000);
}

#[test]
fn debug_output_holds_no_secrets() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let secret = b"TOP-SECRET-PLAINTEXT-1234";
    let blob = ks.encrypt(&k.key_id, secret, None).unwrap();
    let dec = ks.decrypt(&blob, None, None).unwrap();
    let dk = ks.generate_data_key(&k.key_id, None, None, None).unwrap();
    let hex: String = dk
        .plaintext
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let texts = [
        format!("{ks:?}"),
        format!("{dec:?}"),
        format!("{dk:?}"),
        format!("{:?}", dec.plaintext),
        format!("{:?}", opts()),
        format!("{:?}", ks.open_error_for_test()),
    ];
    for t in &texts {
        assert!(!t.contains("TOP-SECRET"), "{t}");
        assert!(!t.contains(&hex), "{t}");
        assert!(!t.contains(std::str::from_utf8(PASS).unwrap()), "{t}");
        let bytes: Vec<String> = dk
            .plaintext
            .as_bytes()
            .iter()
            .map(|b| b.to_string())
            .collect();
        assert!(!t.contains(&bytes.join(", ")), "{t}");
    }
}

trait OpenErr {
    fn open_error_for_test(&self) -> strongroom::Error;
}
impl OpenErr for Keystore {
    fn open_error_for_test(&self) -> strongroom::Error {
        // A wrong-passphrase error, formatted: it must not echo the passphrase tried.
        Keystore::open(self.path(), b"correct horse battery stapler", &opts()).unwrap_err()
    }
}

fn fix_checksum(h: &mut [u8]) {
    let n = h.len() - 32;
    let sum = ring::digest::digest(&ring::digest::SHA256, &h[..n]);
    h[n..].copy_from_slice(sum.as_ref());
}

#[test]
fn a_header_asking_for_excessive_kdf_work_is_corrupt_and_not_run() {
    let (s, ks) = new_store();
    ks.close().unwrap();
    edit_header(&s.path, |h| {
        h[27..31].copy_from_slice(&u32::MAX.to_le_bytes()); // m_cost_kib: 4 TiB
        fix_checksum(h);
    });
    let before = sha256(&s.path);
    let t = std::time::Instant::now();
    assert_err(Keystore::open(&s.path, PASS, &opts()), "Corrupt");
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(sha256(&s.path), before);
}

#[test]
fn a_rewritten_header_with_a_valid_checksum_fails_authentication() {
    let (s, ks) = new_store();
    ks.close().unwrap();
    edit_header(&s.path, |h| {
        h[80] ^= 1; // a salt byte
        fix_checksum(h);
    });
    assert_err(
        Keystore::open(&s.path, PASS, &opts()),
        "AuthenticationFailed",
    );
}

/// Issue 17 item 2: the file's permissions. A keystore file holds the wrapped root key, which
/// anyone who can read it can attack offline; it used to be created 0644 under the usual umask,
/// and the rewrite that scrubs destroyed records created its replacement the same way.
#[cfg(unix)]
mod file_modes {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::sync::Arc;
    use strongroom::{ManualClock, Timestamp};

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o7777
    }

    fn rewrite_name(s: &Scratch) -> std::path::PathBuf {
        s.path.with_file_name("test.strongroom.rewrite")
    }

    /// A keystore at `s.path` with one key past its deletion date: the next `run_maintenance`
    /// destroys it and rewrites the file (the scrub).
    fn with_a_key_due_for_destruction(s: &Scratch) -> Keystore {
        let clock = ManualClock::new(Timestamp::from_unix_millis(1_700_000_000_000));
        let o = Options {
            clock: Arc::new(clock.clone()),
            ..opts()
        };
        let ks = Keystore::create(&s.path, PASS, &o).unwrap();
        let k = key(&ks).key_id;
        ks.schedule_key_deletion(&k, Some(7)).unwrap();
        clock.advance_days(8);
        ks
    }

    #[test]
    fn a_new_keystore_is_readable_by_its_owner_only() {
        let (s, ks) = new_store();
        assert_eq!(mode(&s.path), 0o600);
        ks.close().unwrap();
        assert_eq!(mode(&s.path), 0o600);
    }

    #[test]
    fn the_scrub_rewrite_keeps_the_files_mode_and_owner() {
        let s = scratch();
        let ks = with_a_key_due_for_destruction(&s);
        std::fs::set_permissions(&s.path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let before = std::fs::metadata(&s.path).unwrap();
        ks.run_maintenance().unwrap();
        ks.close().unwrap();
        let after = std::fs::metadata(&s.path).unwrap();
        assert_ne!(
            before.ino(),
            after.ino(),
            "the scrub did not rewrite the file"
        );
        assert_eq!(after.mode() & 0o7777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        assert!(std::fs::symlink_metadata(rewrite_name(&s)).is_err());
        Keystore::open(&s.path, PASS, &opts())
            .unwrap()
            .close()
            .unwrap();
    }

    #[test]
    fn a_symlink_planted_at_the_rewrite_name_is_not_followed() {
        let s = scratch();
        let ks = with_a_key_due_for_destruction(&s);
        let victim = s.dir.path().join("victim");
        std::fs::write(&victim, b"the victim's bytes").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&victim, rewrite_name(&s)).unwrap();
        let before = std::fs::metadata(&s.path).unwrap().ino();
        ks.run_maintenance().unwrap();
        ks.close().unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"the victim's bytes");
        assert_eq!(mode(&victim), 0o644);
        assert!(std::fs::symlink_metadata(rewrite_name(&s)).is_err());
        let after = std::fs::symlink_metadata(&s.path).unwrap();
        assert!(after.file_type().is_file(), "the keystore became a link");
        assert_ne!(after.ino(), before, "the scrub did not rewrite the file");
        assert_eq!(after.mode() & 0o7777, 0o600);
        Keystore::open(&s.path, PASS, &opts())
            .unwrap()
            .close()
            .unwrap();
    }

    #[test]
    fn an_entry_that_cannot_be_removed_at_the_rewrite_name_fails_clearly() {
        let s = scratch();
        let ks = with_a_key_due_for_destruction(&s);
        std::fs::create_dir(rewrite_name(&s)).unwrap();
        // The destruction commits; the scrub that follows fails, and so does the retry at close.
        for e in [ks.run_maintenance().unwrap_err(), ks.close().unwrap_err()] {
            assert_eq!(e.name(), "Io", "{e}");
            assert!(e.message().contains("test.strongroom.rewrite"), "{e}");
        }
        assert!(std::fs::metadata(rewrite_name(&s)).unwrap().is_dir());
        // The pending scrub is kept in the file: the next open does it once the entry is gone.
        std::fs::remove_dir(rewrite_name(&s)).unwrap();
        let before = std::fs::metadata(&s.path).unwrap().ino();
        Keystore::open(&s.path, PASS, &opts())
            .unwrap()
            .close()
            .unwrap();
        assert_ne!(
            std::fs::metadata(&s.path).unwrap().ino(),
            before,
            "open did not scrub"
        );
    }
}

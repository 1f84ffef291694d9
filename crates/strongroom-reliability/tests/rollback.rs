//! Item 4: one sealed record restored from an older copy of the same file is detected, every
//! time; a whole-file rollback is detected when the embedder passes the generation it last saw
//! (`Options::min_generation`), and opens without it (documented as undetectable).
//!
//! Each trial: a keystore with keys in several states, rotations and aliases; a copy of the file
//! is kept; then one change (schedule deletion, disable, enable, cancel, rotate, alias update,
//! rotation on) is made and the keystore closed. The record that change rewrote (a key record, or
//! a key record with its new backing-key version removed, or an alias record) is replaced, with
//! redb directly, by its bytes from the older copy. The reopened keystore must refuse the key or
//! alias with `Corrupt` (at open or at first use). Undetected = the older state is served.
//!
//! CI: `SR_ROLLBACK_TRIALS` trials (default 40, each change kind in turn); the soak runs 400.

use redb::ReadableDatabase;
use std::path::Path;
use strongroom::insecure_test_tables::{ALIASES, KEYS, VERSIONS};
use strongroom::{CreateKey, Keystore, Options};
use strongroom_reliability::{PASS, Rng, opts, scale, scratch};

fn id(key_id: &str) -> u128 {
    u128::from_str_radix(&key_id.replace('-', ""), 16).unwrap()
}

fn read_key(path: &Path, k: u128) -> Vec<u8> {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    tx.open_table(KEYS)
        .unwrap()
        .get(k)
        .unwrap()
        .unwrap()
        .value()
        .to_vec()
}

fn read_alias(path: &Path, name: &str) -> Vec<u8> {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    tx.open_table(ALIASES)
        .unwrap()
        .get(name)
        .unwrap()
        .unwrap()
        .value()
        .to_vec()
}

/// What one trial restores from the older copy.
enum Restore {
    Key(u128),
    /// The key record, and the backing-key version the change added removed.
    KeyAndVersion(u128, u32),
    Alias(String),
}

fn restore(old: &Path, path: &Path, what: &Restore) {
    let old_bytes = match what {
        Restore::Key(k) | Restore::KeyAndVersion(k, _) => read_key(old, *k),
        Restore::Alias(a) => read_alias(old, a),
    };
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        match what {
            Restore::Key(k) => {
                tx.open_table(KEYS)
                    .unwrap()
                    .insert(*k, old_bytes.as_slice())
                    .unwrap();
            }
            Restore::KeyAndVersion(k, v) => {
                tx.open_table(KEYS)
                    .unwrap()
                    .insert(*k, old_bytes.as_slice())
                    .unwrap();
                tx.open_table(VERSIONS).unwrap().remove((*k, *v)).unwrap();
            }
            Restore::Alias(a) => {
                tx.open_table(ALIASES)
                    .unwrap()
                    .insert(a.as_str(), old_bytes.as_slice())
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

#[test]
fn a_record_restored_from_an_older_copy_is_detected() {
    let trials = scale("SR_ROLLBACK_TRIALS", 40);
    let mut rng = Rng::from_env("rollback");
    let (mut detected, mut undetected) = (0u64, Vec::new());
    let mut kinds = std::collections::BTreeMap::<&str, u64>::new();
    for trial in 0..trials {
        let s = scratch();
        let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
        let keys: Vec<String> = (0..6)
            .map(|_| ks.create_key(&CreateKey::default()).unwrap().key_id)
            .collect();
        ks.disable_key(&keys[1]).unwrap();
        ks.schedule_key_deletion(&keys[2], Some(7)).unwrap();
        ks.create_alias("alias/app", &keys[0]).unwrap();
        ks.rotate_key_on_demand(&keys[3]).unwrap();
        ks.close().unwrap();
        let old = s.dir.path().join("old.strongroom");
        std::fs::copy(&s.path, &old).unwrap();
        let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
        let target = &keys[rng.below(keys.len() as u64) as usize];
        let state = ks.describe_key(target).unwrap().key_state.to_string();
        // The change, and what restoring the older record would serve instead.
        let (kind, what) = match trial % 5 {
            0 if state != "PendingDeletion" => {
                ks.schedule_key_deletion(target, Some(30)).unwrap();
                ("schedule deletion", Restore::Key(id(target)))
            }
            1 if state == "Enabled" => {
                ks.disable_key(target).unwrap();
                ("disable", Restore::Key(id(target)))
            }
            2 if state == "PendingDeletion" => {
                ks.cancel_key_deletion(target).unwrap();
                ("cancel deletion", Restore::Key(id(target)))
            }
            3 if state == "Enabled" => {
                ks.rotate_key_on_demand(target).unwrap();
                let v = ks.list_key_rotations(target).unwrap().len() as u32 + 1;
                ("rotate", Restore::KeyAndVersion(id(target), v))
            }
            4 => {
                let other = keys
                    .iter()
                    .find(|k| *k != &keys[0] && *k != &keys[2])
                    .unwrap();
                ks.update_alias("alias/app", other).unwrap();
                ("alias update", Restore::Alias("alias/app".into()))
            }
            _ if state == "Disabled" => {
                ks.enable_key(target).unwrap();
                ("enable", Restore::Key(id(target)))
            }
            _ if state == "Enabled" => {
                ks.enable_key_rotation(target, Some(90)).unwrap();
                ("rotation on", Restore::Key(id(target)))
            }
            _ => {
                ks.cancel_key_deletion(target).unwrap();
                ("cancel deletion", Restore::Key(id(target)))
            }
        };
        *kinds.entry(kind).or_default() += 1;
        let generation = ks.generation().unwrap();
        ks.close().unwrap();
        restore(&old, &s.path, &what);
        let caught = match Keystore::open(&s.path, PASS, &opts()) {
            Err(e) => e.name() == "Corrupt",
            Ok(ks) => {
                let r = match &what {
                    Restore::Alias(a) => ks.describe_key(a).map(drop),
                    Restore::Key(_) | Restore::KeyAndVersion(..) => {
                        ks.describe_key(target).map(drop)
                    }
                };
                matches!(r, Err(e) if e.name() == "Corrupt")
            }
        };
        if caught {
            detected += 1;
        } else {
            undetected.push(format!("trial {trial}: {kind} on a key that was {state}"));
        }
        // Whole-file rollback: the older copy in place of the file.
        std::fs::copy(&old, &s.path).unwrap();
        let strict = Options {
            min_generation: Some(generation),
            ..opts()
        };
        match Keystore::open(&s.path, PASS, &strict) {
            Err(e) => assert_eq!(e.name(), "Corrupt", "trial {trial}: {e}"),
            Ok(_) => panic!("trial {trial}: a rolled-back file opened despite min_generation"),
        }
        // Without the generation it opens: undetectable, as documented.
        Keystore::open(&s.path, PASS, &opts()).unwrap();
    }
    println!(
        "FIGURE item4 trials={trials} detected={detected} undetected={} whole_file_rollback_with_min_generation={trials}/{trials} kinds={kinds:?}",
        undetected.len()
    );
    assert!(undetected.is_empty(), "{undetected:#?}");
    assert!(kinds.len() >= 5, "too few kinds of change: {kinds:?}");
}

// ----- Issue 17 item 4: the rollback checks come before any write, and every commit counts -----

/// The options with a manual clock.
fn clocked(clock: &strongroom::ManualClock) -> Options {
    Options {
        clock: std::sync::Arc::new(clock.clone()),
        ..opts()
    }
}

fn sha256(path: &Path) -> Vec<u8> {
    use ring::digest::{SHA256, digest};
    digest(&SHA256, &std::fs::read(path).unwrap())
        .as_ref()
        .to_vec()
}

fn edit(path: &Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    f(&tx);
    tx.commit().unwrap();
}

/// A copy rolled back to before some keys' deletion dates, opened once those dates have passed:
/// with the generation last seen it is refused before the overdue destructions run (they would
/// make its generation climb past the minimum), and its bytes are exactly as they were.
#[test]
fn a_rolled_back_copy_with_overdue_work_is_refused_unchanged() {
    let s = scratch();
    let clock =
        strongroom::ManualClock::new(strongroom::Timestamp::from_unix_millis(1_800_000_000_000));
    let ks = Keystore::create(&s.path, PASS, &clocked(&clock)).unwrap();
    let keys: Vec<String> = (0..8)
        .map(|_| ks.create_key(&CreateKey::default()).unwrap().key_id)
        .collect();
    for k in &keys[..6] {
        ks.schedule_key_deletion(k, Some(7)).unwrap();
    }
    ks.close().unwrap();
    let old = s.dir.path().join("old.strongroom");
    std::fs::copy(&s.path, &old).unwrap();
    // One change after the copy: the generation the embedder keeps.
    let ks = Keystore::open(&s.path, PASS, &clocked(&clock)).unwrap();
    ks.disable_key(&keys[7]).unwrap();
    let seen = ks.generation().unwrap();
    ks.close().unwrap();
    // The older copy put back, opened after the six deletion dates.
    std::fs::copy(&old, &s.path).unwrap();
    clock.advance_days(8);
    let before = sha256(&s.path);
    let strict = Options {
        min_generation: Some(seen),
        ..clocked(&clock)
    };
    match Keystore::open(&s.path, PASS, &strict) {
        Err(e) => {
            assert_eq!(e.name(), "Corrupt", "{e}");
            assert!(e.message().contains("rolled back"), "{e}");
        }
        Ok(ks) => panic!(
            "the rolled-back copy opened at generation {} (minimum {seen})",
            ks.generation().unwrap()
        ),
    }
    assert_eq!(sha256(&s.path), before, "the refused copy was written to");
    // Without the minimum it opens and does its overdue work.
    let ks = Keystore::open(&s.path, PASS, &clocked(&clock)).unwrap();
    assert_eq!(ks.list_keys().unwrap().len(), 2);
}

/// The wrapping key of a used import token, put back from an older copy (a single row, or the
/// whole file), must not give a second RSA decryption under it.
#[test]
fn a_restored_used_import_token_is_detected() {
    use strongroom::insecure_test_tables::WRAPPING_KEYS;
    use strongroom::{ExpirationModel, Origin, WrappingAlgorithm, WrappingKeySpec};
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
    let ext = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let p = ks
        .get_parameters_for_import(
            &ext,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
        .unwrap();
    ks.close().unwrap();
    let row = {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_read().unwrap();
        let t = tx.open_table(WRAPPING_KEYS).unwrap();
        let (k, v) = redb::ReadableTable::first(&t).unwrap().unwrap();
        (k.value(), v.value().to_vec())
    };
    let unused = s.dir.path().join("unused.strongroom");
    std::fs::copy(&s.path, &unused).unwrap();
    // The token is used by an attempt that fails in the RSA decryption.
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let attempt = |ks: &Keystore| {
        ks.import_key_material(
            &ext,
            &p.import_token,
            &[0x5a; 256],
            ExpirationModel::KeyMaterialDoesNotExpire,
            None,
        )
    };
    assert_eq!(attempt(&ks).unwrap_err().name(), "InvalidCiphertext");
    assert_eq!(attempt(&ks).unwrap_err().name(), "InvalidImportToken");
    let seen = ks.generation().unwrap();
    ks.close().unwrap();

    // One row put back: the wrapping keys' bucket no longer matches the commitment.
    edit(&s.path, |tx| {
        tx.open_table(WRAPPING_KEYS)
            .unwrap()
            .insert(row.0, row.1.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let e = attempt(&ks).unwrap_err();
    assert_eq!(
        e.name(),
        "Corrupt",
        "a restored wrapping key decrypted again: {e}"
    );
    ks.close().unwrap();

    // The whole file from before the use, opened with the generation seen after it.
    std::fs::copy(&unused, &s.path).unwrap();
    let strict = Options {
        min_generation: Some(seen),
        ..opts()
    };
    let before = sha256(&s.path);
    assert_eq!(
        Keystore::open(&s.path, PASS, &strict).unwrap_err().name(),
        "Corrupt"
    );
    assert_eq!(sha256(&s.path), before);
}

/// Events cut from the end of the trail, with or without the older signed head put back, are
/// `Corrupt` at open (before anything is written).
#[test]
fn a_truncated_audit_tail_is_corrupt_at_open() {
    use strongroom::insecure_test_tables::{AUDIT, AUDIT_HEAD_KEY, META};
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
    ks.create_key(&CreateKey::default()).unwrap();
    ks.close().unwrap();
    let read = |path: &Path| {
        let db = redb::Database::open(path).unwrap();
        let tx = db.begin_read().unwrap();
        let head = tx
            .open_table(META)
            .unwrap()
            .get(AUDIT_HEAD_KEY)
            .unwrap()
            .unwrap()
            .value()
            .to_vec();
        let rows: Vec<u64> = redb::ReadableTable::iter(&tx.open_table(AUDIT).unwrap())
            .unwrap()
            .map(|r| r.unwrap().0.value())
            .collect();
        (head, rows)
    };
    let (old_head, old_rows) = read(&s.path);
    // Later events: a key created, a key disabled (each its own row).
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let k = ks.create_key(&CreateKey::default()).unwrap().key_id;
    ks.disable_key(&k).unwrap();
    ks.close().unwrap();
    let (_, rows) = read(&s.path);
    let later: Vec<u64> = rows.into_iter().filter(|r| !old_rows.contains(r)).collect();
    assert!(later.len() >= 3, "{later:?}");
    let clean = std::fs::read(&s.path).unwrap();
    for restore_head in [false, true] {
        std::fs::write(&s.path, &clean).unwrap();
        edit(&s.path, |tx| {
            let mut t = tx.open_table(AUDIT).unwrap();
            for r in &later {
                t.remove(*r).unwrap();
            }
            if restore_head {
                tx.open_table(META)
                    .unwrap()
                    .insert(AUDIT_HEAD_KEY, old_head.as_slice())
                    .unwrap();
            }
        });
        let before = sha256(&s.path);
        let e = Keystore::open(&s.path, PASS, &opts()).unwrap_err();
        assert_eq!(e.name(), "Corrupt", "head restored: {restore_head}: {e}");
        assert_eq!(sha256(&s.path), before);
    }
}

/// A passphrase change, an import token issued, and audit events written alone each move the
/// generation, so a copy from before any of them is refused with `min_generation`.
#[test]
fn every_commit_moves_the_generation() {
    use strongroom::{Origin, WrappingAlgorithm, WrappingKeySpec};
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
    let k = ks.create_key(&CreateKey::default()).unwrap().key_id;
    ks.close().unwrap();
    let old = std::fs::read(&s.path).unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let g0 = ks.generation().unwrap();
    ks.change_passphrase(PASS, b"another passphrase").unwrap();
    let g1 = ks.generation().unwrap();
    assert!(g1 > g0, "a passphrase change left the generation at {g0}");
    let ext = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let g2 = ks.generation().unwrap();
    ks.get_parameters_for_import(
        &ext,
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingKeySpec::Rsa2048,
    )
    .unwrap();
    let g3 = ks.generation().unwrap();
    assert!(g3 > g2, "an import token left the generation at {g2}");
    ks.encrypt(&k, b"x", None).unwrap();
    // The encrypt's event is committed alone, by the background writer.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while ks.generation().unwrap() == g3 {
        assert!(
            std::time::Instant::now() < deadline,
            "no audit commit moved it"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let seen = ks.generation().unwrap();
    ks.close().unwrap();
    // The copy from before the passphrase change opens with the old passphrase, but not with
    // the generation seen after it.
    std::fs::write(&s.path, &old).unwrap();
    let strict = Options {
        min_generation: Some(seen),
        ..opts()
    };
    assert_eq!(
        Keystore::open(&s.path, PASS, &strict).unwrap_err().name(),
        "Corrupt"
    );
}

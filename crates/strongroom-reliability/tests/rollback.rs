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

//! A sealed record restored from an older copy of the same file is detected by the keystore-wide
//! commitment; a whole-file rollback is detected when the embedder passes the generation it saw.

mod common;
use common::*;
use redb::ReadableDatabase;
use strongroom::{KeyState, Keystore, Options};

use strongroom::insecure_test_tables::{ALIASES, KEYS, VERSIONS};

fn id(k: &str) -> u128 {
    uuid::Uuid::parse_str(k).unwrap().as_u128()
}

fn read_key_record(path: &std::path::Path, k: u128) -> Vec<u8> {
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

fn edit(path: &std::path::Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    f(&tx);
    tx.commit().unwrap();
}

#[test]
fn an_enabled_key_record_restored_over_its_pending_deletion_one_is_detected() {
    let (s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.close().unwrap();
    let enabled = read_key_record(&s.path, id(&k));
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    ks.close().unwrap();
    edit(&s.path, |tx| {
        tx.open_table(KEYS)
            .unwrap()
            .insert(id(&k), enabled.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let e = ks.encrypt(&k, b"x", None).unwrap_err();
    assert_eq!(e.name(), "Corrupt", "{e}");
    assert!(e.message().contains(&k), "{e}");
    assert_err(ks.describe_key(&k), "Corrupt");
    assert_err(ks.list_keys(), "Corrupt");
}

#[test]
fn an_alias_restored_to_its_old_target_is_detected() {
    let (s, ks) = new_store();
    let a = key(&ks).key_id;
    let b = key(&ks).key_id;
    ks.create_alias("alias/app", &a).unwrap();
    ks.close().unwrap();
    let old = {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_read().unwrap();
        tx.open_table(ALIASES)
            .unwrap()
            .get("alias/app")
            .unwrap()
            .unwrap()
            .value()
            .to_vec()
    };
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.update_alias("alias/app", &b).unwrap();
    ks.close().unwrap();
    edit(&s.path, |tx| {
        tx.open_table(ALIASES)
            .unwrap()
            .insert("alias/app", old.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.encrypt("alias/app", b"x", None), "Corrupt");
    assert_err(ks.list_aliases(None), "Corrupt");
}

#[test]
fn a_removed_backing_key_version_is_detected() {
    let (s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.rotate_key_on_demand(&k).unwrap();
    ks.close().unwrap();
    edit(&s.path, |tx| {
        tx.open_table(VERSIONS)
            .unwrap()
            .remove((id(&k), 2))
            .unwrap();
        // Make the key record consistent with one version too: an older copy of it.
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.encrypt(&k, b"x", None), "Corrupt");
}

#[test]
fn a_removed_key_is_detected_by_list_keys() {
    let (s, ks) = new_store();
    let doomed = key(&ks).key_id;
    ks.close().unwrap();
    edit(&s.path, |tx| {
        tx.open_table(KEYS).unwrap().remove(id(&doomed)).unwrap();
        tx.open_table(VERSIONS)
            .unwrap()
            .remove((id(&doomed), 1))
            .unwrap();
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.list_keys(), "Corrupt");
    assert_err(ks.describe_key(&doomed), "Corrupt");
}

#[test]
fn a_whole_file_rollback_is_detected_with_the_last_generation_seen() {
    let (s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.close().unwrap();
    let old_copy = std::fs::read(&s.path).unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.disable_key(&k).unwrap();
    let seen = ks.generation().unwrap();
    ks.close().unwrap();
    std::fs::write(&s.path, &old_copy).unwrap();
    // Without the generation, the older file is self-consistent: undetectable (documented).
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.describe_key(&k).unwrap().key_state, KeyState::Enabled);
    assert!(ks.generation().unwrap() < seen);
    ks.close().unwrap();
    std::fs::write(&s.path, &old_copy).unwrap();
    let strict = Options {
        min_generation: Some(seen),
        ..opts()
    };
    assert_err(Keystore::open(&s.path, PASS, &strict), "Corrupt");
}

#[test]
fn generation_increases_with_every_commit_and_not_with_use() {
    // Audit off: a use writes nothing, so it commits nothing (with the trail on, the background
    // writer's commit of its event moves the generation too: every commit does).
    let s = scratch();
    let off = Options {
        audit: strongroom::AuditOptions {
            level: strongroom::AuditLevel::Off,
            ..Default::default()
        },
        ..opts()
    };
    let ks = Keystore::create(&s.path, PASS, &off).unwrap();
    let g0 = ks.generation().unwrap();
    let k = key(&ks).key_id;
    let g1 = ks.generation().unwrap();
    assert!(g1 > g0);
    ks.encrypt(&k, b"x", None).unwrap();
    assert_eq!(ks.generation().unwrap(), g1);
    ks.disable_key(&k).unwrap();
    assert!(ks.generation().unwrap() > g1);
}

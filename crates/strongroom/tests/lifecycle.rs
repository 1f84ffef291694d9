//! SPEC sections 5 and 6 with a manual clock: rotation, deletion, the state table, the alarm.

mod common;
use common::*;
use parking_lot::Mutex;
use std::sync::Arc;
use strongroom::{
    CreateKey, KeyState, Keystore, ManualClock, Options, Origin, RotationType, Timestamp,
};

const DAY: i64 = Timestamp::DAY_MS;
const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn clocked() -> (Scratch, Keystore, ManualClock) {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &with_clock(&clock)).unwrap();
    (s, ks, clock)
}

fn with_clock(clock: &ManualClock) -> Options {
    Options {
        clock: Arc::new(clock.clone()),
        ..opts()
    }
}

fn reopen(s: &Scratch, ks: Keystore, clock: &ManualClock) -> Keystore {
    ks.close().unwrap();
    Keystore::open(&s.path, PASS, &with_clock(clock)).unwrap()
}

fn rotations(ks: &Keystore, k: &str) -> Vec<RotationType> {
    ks.list_key_rotations(k)
        .unwrap()
        .into_iter()
        .map(|r| r.rotation_type)
        .collect()
}

#[test]
fn one_automatic_rotation_after_366_days_and_old_blobs_decrypt() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    let old = ks.encrypt(&k, b"before", None).unwrap();
    ks.enable_key_rotation(&k, None).unwrap();
    let st = ks.get_key_rotation_status(&k).unwrap();
    assert!(st.key_rotation_enabled);
    assert_eq!(st.rotation_period_in_days, Some(365));
    assert_eq!(
        st.next_rotation_date,
        Some(Timestamp::from_unix_millis(T0 + 365 * DAY))
    );
    clock.advance_days(364);
    ks.run_maintenance().unwrap();
    assert!(rotations(&ks, &k).is_empty());
    clock.advance_days(2);
    let ks = reopen(&s, ks, &clock);
    assert_eq!(rotations(&ks, &k), [RotationType::Automatic]);
    let r = &ks.list_key_rotations(&k).unwrap()[0];
    assert_eq!(r.rotation_date, Timestamp::from_unix_millis(T0 + 365 * DAY));
    let new = ks.encrypt(&k, b"after", None).unwrap();
    assert_eq!(&new[17..21], &2u32.to_le_bytes());
    assert_eq!(
        ks.decrypt(&old, None, None).unwrap().plaintext.as_bytes(),
        b"before"
    );
    assert_eq!(ks.describe_key(&k).unwrap().key_id, k);
}

#[test]
fn two_years_two_rotations_even_in_one_jump() {
    let (_s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, None).unwrap();
    clock.advance_days(731);
    ks.encrypt(&k, b"touch", None).unwrap(); // touching the key runs due work
    assert_eq!(
        rotations(&ks, &k),
        [RotationType::Automatic, RotationType::Automatic]
    );
}

#[test]
fn no_rotation_while_disabled_then_one_at_once() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(90)).unwrap();
    ks.disable_key(&k).unwrap();
    clock.advance_days(400);
    ks.run_maintenance().unwrap();
    let ks = reopen(&s, ks, &clock);
    assert!(rotations(&ks, &k).is_empty());
    ks.enable_key(&k).unwrap();
    assert_eq!(rotations(&ks, &k), [RotationType::Automatic]);
    let st = ks.get_key_rotation_status(&k).unwrap();
    assert_eq!(
        st.next_rotation_date,
        Some(Timestamp::from_unix_millis(T0 + 490 * DAY))
    );
}

#[test]
fn rotation_period_bounds() {
    let (_s, ks, _c) = clocked();
    let k = key(&ks).key_id;
    for bad in [0, 89, 2561] {
        assert_err(ks.enable_key_rotation(&k, Some(bad)), "Validation");
    }
    for good in [90, 2560] {
        ks.enable_key_rotation(&k, Some(good)).unwrap();
        assert_eq!(
            ks.get_key_rotation_status(&k)
                .unwrap()
                .rotation_period_in_days,
            Some(good)
        );
    }
    ks.disable_key_rotation(&k).unwrap();
    let st = ks.get_key_rotation_status(&k).unwrap();
    assert!(!st.key_rotation_enabled);
    assert_eq!(
        (st.rotation_period_in_days, st.next_rotation_date),
        (None, None)
    );
}

#[test]
fn twenty_five_on_demand_rotations_then_limit() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    let first = ks.encrypt(&k, b"v1", None).unwrap();
    for _ in 0..25 {
        ks.rotate_key_on_demand(&k).unwrap();
    }
    assert_err(ks.rotate_key_on_demand(&k), "LimitExceeded");
    let ks = reopen(&s, ks, &clock);
    assert_err(ks.rotate_key_on_demand(&k), "LimitExceeded");
    assert_eq!(rotations(&ks, &k).len(), 25);
    assert!(
        rotations(&ks, &k)
            .iter()
            .all(|t| *t == RotationType::OnDemand)
    );
    assert_eq!(
        &ks.encrypt(&k, b"x", None).unwrap()[17..21],
        &26u32.to_le_bytes()
    );
    assert_eq!(
        ks.decrypt(&first, None, None).unwrap().plaintext.as_bytes(),
        b"v1"
    );
}

#[test]
fn external_keys_do_not_rotate() {
    let (_s, ks, _c) = clocked();
    let k = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap();
    assert_err(
        ks.enable_key_rotation(&k.key_id, None),
        "UnsupportedOperation",
    );
    // A new EXTERNAL key is PendingImport: its state answers first (SPEC section 3's table).
    assert_err(ks.rotate_key_on_demand(&k.key_id), "InvalidState");
}

#[test]
fn deletion_window_bounds() {
    let (_s, ks, _c) = clocked();
    for bad in [0, 6, 31] {
        let k = key(&ks).key_id;
        assert_err(ks.schedule_key_deletion(&k, Some(bad)), "Validation");
        assert_eq!(ks.describe_key(&k).unwrap().key_state, KeyState::Enabled);
    }
    for (good, days) in [(Some(7), 7), (Some(30), 30), (None, 30)] {
        let k = key(&ks).key_id;
        let date = ks.schedule_key_deletion(&k, good).unwrap();
        assert_eq!(date, Timestamp::from_unix_millis(T0 + days * DAY));
        let m = ks.describe_key(&k).unwrap();
        assert_eq!(m.key_state, KeyState::PendingDeletion);
        assert_eq!(m.deletion_date, Some(date));
        assert_eq!(m.pending_deletion_window_in_days, Some(days as u32));
        assert!(!m.enabled);
    }
}

#[test]
fn key_survives_day_6_of_7_and_is_gone_on_day_8() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    let keep = key(&ks).key_id;
    ks.create_alias("alias/doomed", &k).unwrap();
    ks.create_alias("alias/keep", &keep).unwrap();
    let blob = ks.encrypt(&k, b"x", None).unwrap();
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    clock.advance_days(6);
    let ks = reopen(&s, ks, &clock);
    assert_eq!(
        ks.describe_key(&k).unwrap().key_state,
        KeyState::PendingDeletion
    );
    assert_err(ks.decrypt(&blob, None, None), "InvalidState");
    clock.advance_days(2);
    let ks = reopen(&s, ks, &clock);
    assert_err(ks.describe_key(&k), "NotFound");
    // The blob names a key that was here: NotFound (and after the rewrite that destruction
    // causes on close, too), where a key that never was is InvalidCiphertext.
    let e = ks.decrypt(&blob, None, None).unwrap_err();
    assert_eq!(e.name(), "NotFound");
    assert!(e.to_string().contains("was deleted at"), "{e}");
    let ks = reopen(&s, ks, &clock);
    assert_err(ks.decrypt(&blob, None, None), "NotFound");
    assert_err(ks.describe_key("alias/doomed"), "NotFound");
    let names: Vec<_> = ks
        .list_aliases(None)
        .unwrap()
        .into_iter()
        .map(|a| a.alias_name)
        .collect();
    assert_eq!(names, ["alias/keep"]);
    assert_eq!(ks.list_keys().unwrap().len(), 1);
}

#[test]
fn destruction_happens_when_touched_without_reopening() {
    let (_s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    clock.advance_days(8);
    assert_err(ks.encrypt(&k, b"x", None), "NotFound");
}

#[test]
fn cancel_gives_disabled() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    assert_err(ks.cancel_key_deletion(&k), "InvalidState");
    ks.schedule_key_deletion(&k, None).unwrap();
    assert_err(ks.schedule_key_deletion(&k, None), "InvalidState");
    let ks = reopen(&s, ks, &clock);
    ks.cancel_key_deletion(&k).unwrap();
    let m = ks.describe_key(&k).unwrap();
    assert_eq!(m.key_state, KeyState::Disabled);
    assert_eq!(
        (m.deletion_date, m.pending_deletion_window_in_days),
        (None, None)
    );
    clock.advance_days(40);
    let ks = reopen(&s, ks, &clock);
    assert_eq!(ks.describe_key(&k).unwrap().key_state, KeyState::Disabled);
}

/// Every cell of SPEC section 3's state table.
#[test]
fn state_table() {
    let (_s, ks, _c) = clocked();
    let enabled = key(&ks).key_id;
    let disabled = key(&ks).key_id;
    ks.disable_key(&disabled).unwrap();
    let pending_del = key(&ks).key_id;
    let blob_pd = ks.encrypt(&pending_del, b"x", None).unwrap();
    ks.schedule_key_deletion(&pending_del, None).unwrap();
    let pending_imp = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let blob_dis = {
        ks.enable_key(&disabled).unwrap();
        let b = ks.encrypt(&disabled, b"x", None).unwrap();
        ks.disable_key(&disabled).unwrap();
        b
    };

    // Row: cryptographic use.
    let crypto = |k: &str| -> Vec<Result<(), strongroom::Error>> {
        vec![
            ks.encrypt(k, b"x", None).map(drop),
            ks.generate_data_key(k, None, None, None).map(drop),
            ks.generate_data_key_without_plaintext(k, None, None, None)
                .map(drop),
        ]
    };
    assert!(crypto(&enabled).into_iter().all(|r| r.is_ok()));
    for r in crypto(&disabled) {
        assert_err(r, "Disabled");
    }
    for k in [&pending_del, &pending_imp] {
        for r in crypto(k) {
            assert_err(r, "InvalidState");
        }
    }
    assert_err(ks.decrypt(&blob_dis, None, None), "Disabled");
    assert_err(ks.decrypt(&blob_pd, None, None), "InvalidState");
    // Row: describe, list, aliases.
    for k in [&enabled, &disabled, &pending_del, &pending_imp] {
        ks.describe_key(k).unwrap();
        ks.get_key_rotation_status(k).unwrap();
        ks.list_key_rotations(k).unwrap();
        ks.list_aliases(Some(k)).unwrap();
    }
    assert_eq!(ks.list_keys().unwrap().len(), 4);
    ks.create_alias("alias/e", &enabled).unwrap();
    ks.create_alias("alias/d", &disabled).unwrap();
    ks.create_alias("alias/i", &pending_imp).unwrap();
    assert_err(ks.create_alias("alias/p", &pending_del), "InvalidState");
    assert_err(ks.update_alias("alias/e", &pending_del), "InvalidState");
    // Row: rotate on demand.
    ks.rotate_key_on_demand(&enabled).unwrap();
    assert_err(ks.rotate_key_on_demand(&disabled), "Disabled");
    assert_err(ks.rotate_key_on_demand(&pending_del), "InvalidState");
    // The table's cell, not the EXTERNAL origin's UnsupportedOperation (issue 17 item 9).
    assert_err(ks.rotate_key_on_demand(&pending_imp), "InvalidState");
    // Row: enable / disable.
    ks.disable_key(&enabled).unwrap();
    ks.enable_key(&enabled).unwrap();
    ks.enable_key(&disabled).unwrap();
    ks.disable_key(&disabled).unwrap();
    for k in [&pending_del, &pending_imp] {
        assert_err(ks.enable_key(k), "InvalidState");
        assert_err(ks.disable_key(k), "InvalidState");
    }
    // Row: cancel deletion.
    for k in [&enabled, &disabled, &pending_imp] {
        assert_err(ks.cancel_key_deletion(k), "InvalidState");
    }
    // Row: schedule deletion (last: it changes states).
    assert_err(ks.schedule_key_deletion(&pending_del, None), "InvalidState");
    for k in [&enabled, &disabled, &pending_imp] {
        ks.schedule_key_deletion(k, None).unwrap();
    }
    ks.cancel_key_deletion(&pending_del).unwrap();
}

#[test]
fn automatic_rotation_needs_an_enabled_key() {
    let (_s, ks, _c) = clocked();
    let k = key(&ks).key_id;
    ks.disable_key(&k).unwrap();
    assert_err(ks.enable_key_rotation(&k, None), "Disabled");
    ks.enable_key(&k).unwrap();
    ks.schedule_key_deletion(&k, None).unwrap();
    assert_err(ks.enable_key_rotation(&k, None), "InvalidState");
}

#[test]
fn rotation_is_not_run_while_pending_deletion() {
    let (_s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(90)).unwrap();
    ks.schedule_key_deletion(&k, Some(30)).unwrap();
    clock.advance_days(29);
    ks.run_maintenance().unwrap();
    assert!(rotations(&ks, &k).is_empty());
    ks.cancel_key_deletion(&k).unwrap();
    clock.advance_days(100);
    ks.run_maintenance().unwrap();
    assert!(
        rotations(&ks, &k).is_empty(),
        "disabled after cancel: no rotation"
    );
    ks.enable_key(&k).unwrap();
    assert_eq!(rotations(&ks, &k), [RotationType::Automatic]);
}

#[test]
fn alarm_fires_on_refused_use_of_disabled_and_pending_deletion_keys() {
    let (_s, ks, _c) = clocked();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    ks.set_alarm(Some(Box::new(move |e| sink.lock().push(e.clone()))));
    let d = key(&ks).key_id;
    let p = key(&ks).key_id;
    let ok = key(&ks).key_id;
    let blob = ks.encrypt(&p, b"x", None).unwrap();
    ks.disable_key(&d).unwrap();
    ks.schedule_key_deletion(&p, None).unwrap();
    ks.encrypt(&ok, b"x", None).unwrap();
    assert!(events.lock().is_empty());
    let _ = ks.encrypt(&d, b"x", None);
    let _ = ks.decrypt(&blob, None, None);
    let _ = ks.generate_data_key(&p, None, None, None);
    let ev = events.lock().clone();
    assert_eq!(ev.len(), 3);
    assert_eq!(
        (ev[0].operation, ev[0].key_state, ev[0].outcome),
        ("Encrypt", KeyState::Disabled, "Disabled")
    );
    assert_eq!(ev[0].key_id, d);
    assert_eq!(
        (ev[1].operation, ev[1].key_state, ev[1].outcome),
        ("Decrypt", KeyState::PendingDeletion, "InvalidState")
    );
    assert_eq!(ev[2].operation, "GenerateDataKey");
    assert_eq!(ev[0].event_time, Timestamp::from_unix_millis(T0));
    ks.set_alarm(None);
    let _ = ks.encrypt(&d, b"x", None);
    assert_eq!(events.lock().len(), 3);
}

#[test]
fn rotation_settings_and_deletion_dates_survive_reopen() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(100)).unwrap();
    let p = key(&ks).key_id;
    let date = ks.schedule_key_deletion(&p, Some(10)).unwrap();
    let before = (
        ks.get_key_rotation_status(&k).unwrap(),
        ks.describe_key(&p).unwrap(),
    );
    let ks = reopen(&s, ks, &clock);
    assert_eq!(ks.get_key_rotation_status(&k).unwrap(), before.0);
    assert_eq!(ks.describe_key(&p).unwrap(), before.1);
    assert_eq!(ks.describe_key(&p).unwrap().deletion_date, Some(date));
}

/// After destruction and reopen, none of the destroyed key's sealed records (material, key record,
/// aliases) can be found in the file's bytes.
#[test]
fn destroyed_material_is_gone_from_the_file() {
    use redb::ReadableDatabase;
    use strongroom::insecure_test_tables::{KEYS, VERSIONS};
    let (s, ks, clock) = clocked();
    let mut keep: Vec<String> = (0..150).map(|_| key(&ks).key_id).collect();
    let doomed = key(&ks).key_id;
    ks.create_alias("alias/doomed", &doomed).unwrap();
    for _ in 0..3 {
        ks.rotate_key_on_demand(&doomed).unwrap();
    }
    keep.extend((0..150).map(|_| key(&ks).key_id));
    ks.schedule_key_deletion(&doomed, Some(7)).unwrap();
    ks.close().unwrap();
    let id = uuid::Uuid::parse_str(&doomed).unwrap().as_u128();
    let sealed: Vec<Vec<u8>> = {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_read().unwrap();
        let v = tx.open_table(VERSIONS).unwrap();
        let mut out: Vec<Vec<u8>> = (1..=4)
            .map(|n| v.get((id, n)).unwrap().unwrap().value().to_vec())
            .collect();
        out.push(
            tx.open_table(KEYS)
                .unwrap()
                .get(id)
                .unwrap()
                .unwrap()
                .value()
                .to_vec(),
        );
        out
    };
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let bytes = std::fs::read(&s.path).unwrap();
    assert!(
        sealed.iter().all(|r| contains(&bytes, &r[..32])),
        "records are in the file at first"
    );
    clock.advance_days(8);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_err(ks.describe_key(&doomed), "NotFound");
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    ks.close().unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    let found = sealed.iter().filter(|r| contains(&bytes, &r[..32])).count();
    assert_eq!(
        found,
        0,
        "{found} of {} destroyed records still in the file",
        sealed.len()
    );
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    for k in &keep {
        ks.encrypt(k, b"x", None).unwrap();
    }
}

#[test]
fn a_far_jump_catches_up_at_most_100_rotations_then_counts_from_now() {
    let (_s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(90)).unwrap();
    clock.advance_days(100 * 365); // 405 periods missed
    ks.run_maintenance().unwrap();
    assert_eq!(rotations(&ks, &k).len(), 100);
    let st = ks.get_key_rotation_status(&k).unwrap();
    assert_eq!(
        st.next_rotation_date,
        Some(Timestamp::from_unix_millis(T0 + (100 * 365 + 90) * DAY))
    );
    // One period later, one more.
    clock.advance_days(90);
    ks.run_maintenance().unwrap();
    assert_eq!(rotations(&ks, &k).len(), 101);
}

#[test]
fn no_rotation_falls_at_the_end_of_time() {
    let (_s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(90)).unwrap();
    clock.set(Timestamp::from_unix_millis(i64::MAX - 1000));
    ks.run_maintenance().unwrap();
    assert_eq!(rotations(&ks, &k).len(), 100);
    ks.run_maintenance().unwrap();
    assert_eq!(
        rotations(&ks, &k).len(),
        100,
        "no rotation is due at the end of time"
    );
    assert_eq!(
        ks.get_key_rotation_status(&k).unwrap().next_rotation_date,
        Some(Timestamp::from_unix_millis(i64::MAX))
    );
}

/// Removes every row of the due-work index, as someone with the file but not the passphrase can.
fn delete_due_rows(path: &std::path::Path) {
    use redb::ReadableTableMetadata;
    use strongroom::insecure_test_tables::DUE;
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut t = tx.open_table(DUE).unwrap();
        assert!(t.len().unwrap() > 0, "the test needs a due row to remove");
        t.retain(|_, _| false).unwrap();
    }
    tx.commit().unwrap();
}

/// Adds a row to the due-work index saying key `id` has work due at time 0.
fn plant_due_row(path: &std::path::Path, id: &str) {
    use strongroom::insecure_test_tables::DUE;
    let id = uuid::Uuid::parse_str(id).unwrap().as_u128();
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    tx.open_table(DUE).unwrap().insert((0i64, id), ()).unwrap();
    tx.commit().unwrap();
}

/// Issue 17 item 5: the deletion date comes from the sealed key record, not from the due index.
/// With the index's rows removed, a key past its deletion date can be neither cancelled nor used,
/// and is destroyed.
#[test]
fn a_deletion_date_holds_without_its_due_row() {
    let (s, ks, clock) = clocked();
    let doomed = key(&ks).key_id;
    let blob = ks.encrypt(&doomed, b"x", None).unwrap();
    ks.schedule_key_deletion(&doomed, Some(7)).unwrap();
    ks.close().unwrap();
    delete_due_rows(&s.path);
    clock.advance_days(6);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(
        ks.describe_key(&doomed).unwrap().key_state,
        KeyState::PendingDeletion
    );
    clock.advance_days(2);
    assert_err(ks.cancel_key_deletion(&doomed), "NotFound");
    assert_err(ks.decrypt(&blob, None, None), "NotFound");
    assert_err(ks.describe_key(&doomed), "NotFound");
    ks.close().unwrap();

    // The same after a reopen past the date: destroyed by the maintenance at open.
    let (s, ks, clock) = clocked();
    let doomed = key(&ks).key_id;
    ks.schedule_key_deletion(&doomed, Some(7)).unwrap();
    ks.close().unwrap();
    delete_due_rows(&s.path);
    clock.advance_days(8);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_err(ks.cancel_key_deletion(&doomed), "NotFound");
    assert_err(ks.encrypt(&doomed, b"x", None), "NotFound");
    assert_err(ks.describe_key(&doomed), "NotFound");
    ks.close().unwrap();
}

/// Issue 17 item 5: a row planted in the due index makes no rotation, no event and no write.
#[test]
fn a_planted_due_row_changes_nothing() {
    let (s, ks, clock) = clocked();
    let k = key(&ks).key_id;
    let versions = rotations_of(&ks, &k);
    ks.close().unwrap();
    plant_due_row(&s.path, &k);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    for _ in 0..3 {
        ks.encrypt(&k, b"x", None).unwrap();
    }
    ks.run_maintenance().unwrap();
    let rotations = strongroom::AuditFilter {
        operation: Some("RotateKey".into()),
        ..Default::default()
    };
    assert_eq!(ks.audit_events(&rotations).unwrap().len(), 0);
    assert_eq!(rotations_of(&ks, &k), versions);
    ks.close().unwrap();

    // With the audit trail off, the file does not change at all after open.
    plant_due_row(&s.path, &k);
    let quiet = Options {
        audit: strongroom::AuditOptions {
            level: strongroom::AuditLevel::Off,
            ..Default::default()
        },
        ..with_clock(&clock)
    };
    let ks = Keystore::open(&s.path, PASS, &quiet).unwrap();
    let before = sha256(&s.path);
    for _ in 0..3 {
        ks.encrypt(&k, b"x", None).unwrap();
        clock.advance_days(1);
    }
    ks.run_maintenance().unwrap();
    assert_eq!(
        sha256(&s.path),
        before,
        "a no-change path wrote to the file"
    );
    ks.close().unwrap();
}

fn rotations_of(ks: &Keystore, k: &str) -> usize {
    ks.list_key_rotations(k).unwrap().len()
}

/// Issue 17 item 7, decided (docs/SECURITY.md, "The alarm"): a blob whose header names a disabled
/// key rings the alarm and is refused as `Disabled` before anything is authenticated, even when
/// the rest of the blob is forged. The state is checked before the blob is opened, as AWS KMS
/// does (and logs the attempt): the attempt to use the key is what the alarm reports.
#[test]
fn a_forged_blob_naming_a_disabled_key_rings_the_alarm() {
    let (_s, ks, _c) = clocked();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    ks.set_alarm(Some(Box::new(move |e| sink.lock().push(e.clone()))));
    let d = key(&ks).key_id;
    let mut forged = ks.encrypt(&d, b"genuine", None).unwrap();
    let body = forged.len() - 20;
    forged[body..].iter_mut().for_each(|b| *b ^= 0x5a);
    assert_err(ks.decrypt(&forged, None, None), "InvalidCiphertext");
    assert!(
        events.lock().is_empty(),
        "an enabled key's forgery rings nothing"
    );
    ks.disable_key(&d).unwrap();
    assert_err(ks.decrypt(&forged, None, None), "Disabled");
    let ev = events.lock().clone();
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].operation, ev[0].outcome), ("Decrypt", "Disabled"));
    assert_eq!(ev[0].key_id, d);
}

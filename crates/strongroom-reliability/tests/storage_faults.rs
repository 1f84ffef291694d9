//! Item 2: simulated I/O errors and power loss through a redb storage backend
//! (`strongroom_reliability::faults`), for every write and every sync of a workload.
//!
//! A baseline run counts the workload's writes and syncs and records the keystore's state after
//! each of its steps. Then, for every n: the n-th write fails; the n-th sync fails; power is lost
//! at the n-th sync (nothing unsynced survives); power is lost at the n-th sync with a random half
//! of the unsynced writes surviving. Each run stops at the first error. Checks:
//!
//! - no panic escapes; every error is `Io`;
//! - the handle that saw the error still shows the state before the failed step (a failed change
//!   changes nothing), or fails with `Io`;
//! - the storage reopens (from what a restarted process reads and from what survives a power
//!   loss), never `Corrupt`, and holds exactly the state after the steps that returned `Ok`, or
//!   that plus the step in flight; the audit trail verifies; the reopened keystore takes a write.
//!
//! The workload covers key creation, aliases, disable/enable, rotation settings and on-demand
//! rotation, deletion scheduling and cancellation, and a passphrase change (only the header
//! changes: the reopen must take the old or the new passphrase, whichever the state says).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use strongroom::{CreateKey, Error, Keystore, ManualClock, Options, Timestamp};
use strongroom_reliability::faults::{Fault, FaultyStorage};
use strongroom_reliability::{PASS, opts};

const NEW_PASS: &[u8] = b"reliability-new-passphrase-41c2";
/// The step that changes the passphrase.
const PASSPHRASE_STEP: usize = 9;
const STEPS: usize = 13;

fn options() -> Options {
    Options {
        // A fixed time: every run makes the same dates, so states compare across runs.
        clock: Arc::new(ManualClock::new(Timestamp::from_unix_millis(
            1_800_000_000_000,
        ))),
        ..opts()
    }
}

#[derive(Default)]
struct Ids {
    k1: String,
    k2: String,
}

fn create(ks: &Keystore, description: &str) -> strongroom::Result<String> {
    let req = CreateKey {
        description: description.into(),
        ..Default::default()
    };
    Ok(ks.create_key(&req)?.key_id)
}

/// Step `i` of the workload.
fn step(i: usize, ks: &Keystore, ids: &mut Ids) -> strongroom::Result<()> {
    match i {
        0 => ids.k1 = create(ks, "k1")?,
        1 => ids.k2 = create(ks, "k2")?,
        2 => ks.create_alias("alias/one", &ids.k1)?,
        3 => ks.disable_key(&ids.k2)?,
        4 => ks.enable_key_rotation(&ids.k1, Some(90))?,
        5 => ks.rotate_key_on_demand(&ids.k1)?,
        6 => ks.enable_key(&ids.k2)?,
        7 => drop(ks.schedule_key_deletion(&ids.k2, Some(7))?),
        8 => ks.create_alias("alias/two", &ids.k1)?,
        PASSPHRASE_STEP => ks.change_passphrase(PASS, NEW_PASS)?,
        10 => ks.cancel_key_deletion(&ids.k2)?,
        11 => ks.update_alias("alias/one", &ids.k2)?,
        12 => ks.disable_key_rotation(&ids.k1)?,
        _ => unreachable!("{STEPS} steps"),
    }
    Ok(())
}

/// Everything the workload changes, independent of the random key ids.
fn snapshot(ks: &Keystore) -> strongroom::Result<String> {
    let mut out = String::new();
    let mut names = BTreeMap::new();
    let mut keys = ks.list_keys()?;
    keys.sort_by(|a, b| a.description.cmp(&b.description));
    for k in &keys {
        let rot = ks.get_key_rotation_status(&k.key_id)?;
        let versions = ks.list_key_rotations(&k.key_id)?.len();
        writeln!(
            out,
            "{} {:?} deletion={:?} rotation={} period={:?} rotations={versions}",
            k.description,
            k.key_state,
            k.deletion_date,
            rot.key_rotation_enabled,
            rot.rotation_period_in_days
        )
        .unwrap();
        names.insert(k.key_id.clone(), k.description.clone());
    }
    for a in ks.list_aliases(None)? {
        writeln!(out, "{} -> {}", a.alias_name, names[&a.target_key_id]).unwrap();
    }
    Ok(out)
}

/// The state after the first `done` steps, as a reopen reports it (with the passphrase).
fn expected(states: &[String], done: usize) -> String {
    let pass = if done > PASSPHRASE_STEP { "new" } else { "old" };
    format!("{}pass={pass}\n", states[done])
}

/// The fault-free run: the state after each step, and the writes and syncs it took.
fn baseline() -> (Vec<String>, u64, u64) {
    let storage = FaultyStorage::new(Fault::None);
    let ks = Keystore::create_with_test_backend(&storage, PASS, &options()).unwrap();
    let mut ids = Ids::default();
    let mut states = vec![snapshot(&ks).unwrap()];
    for i in 0..STEPS {
        step(i, &ks, &mut ids).unwrap();
        states.push(snapshot(&ks).unwrap());
    }
    ks.close().unwrap();
    // The counts of a run without snapshots (reads are audited, and their events written).
    let storage = FaultyStorage::new(Fault::None);
    let ks = Keystore::create_with_test_backend(&storage, PASS, &options()).unwrap();
    let mut ids = Ids::default();
    for i in 0..STEPS {
        step(i, &ks, &mut ids).unwrap();
    }
    ks.close().unwrap();
    let (writes, syncs) = storage.counts();
    (states, writes, syncs)
}

/// What one faulty run did.
struct Run {
    /// Steps that returned `Ok`; `None` if even `create` failed.
    done: Option<usize>,
    errors: Vec<Error>,
    /// The failing handle's view after its error, if it could still read.
    after_error: Option<String>,
}

fn run(storage: &FaultyStorage) -> Run {
    let ks = match Keystore::create_with_test_backend(storage, PASS, &options()) {
        Ok(ks) => ks,
        Err(e) => {
            return Run {
                done: None,
                errors: vec![e],
                after_error: None,
            };
        }
    };
    let mut ids = Ids::default();
    let mut done = 0;
    let mut errors = Vec::new();
    let mut after_error = None;
    for i in 0..STEPS {
        if let Err(e) = step(i, &ks, &mut ids) {
            errors.push(e);
            match snapshot(&ks) {
                Ok(s) => after_error = Some(s),
                Err(e) => errors.push(e),
            }
            break;
        }
        done += 1;
    }
    if let Err(e) = ks.close() {
        errors.push(e);
    }
    Run {
        done: Some(done),
        errors,
        after_error,
    }
}

/// Opens `image` as a restarted process would; the state it holds, with the passphrase that
/// opened it, after checking the audit trail and that it takes a write.
fn reopen(image: Vec<u8>) -> strongroom::Result<String> {
    let storage = FaultyStorage::from_image(image, Fault::None);
    let (ks, pass) = match Keystore::open_with_test_backend(&storage, PASS, &options()) {
        Err(Error::AuthenticationFailed(_)) => (
            Keystore::open_with_test_backend(&storage, NEW_PASS, &options())?,
            "new",
        ),
        other => (other?, "old"),
    };
    let state = snapshot(&ks)?;
    ks.verify_audit()?;
    create(&ks, "after reopen")?;
    ks.close()?;
    Ok(format!("{state}pass={pass}\n"))
}

#[derive(Default, Debug)]
struct Tally {
    runs: u64,
    panics: u64,
    non_io_errors: u64,
    changed_after_error: u64,
    reopen_failures: u64,
    wrong_state: u64,
    /// Reopens that held the state before the step in flight / after it.
    old: u64,
    new: u64,
    /// Reopens of a keystore whose `create` never returned.
    uncreated: u64,
}

impl Tally {
    fn failures(&self) -> u64 {
        self.panics
            + self.non_io_errors
            + self.changed_after_error
            + self.reopen_failures
            + self.wrong_state
    }
}

fn check(fault: Fault, states: &[String], tally: &mut Tally) {
    tally.runs += 1;
    let storage = FaultyStorage::new(fault);
    let Ok(r) = catch_unwind(AssertUnwindSafe(|| run(&storage))) else {
        tally.panics += 1;
        eprintln!("FAILURE {fault:?}: a panic escaped");
        return;
    };
    for e in &r.errors {
        if !matches!(e, Error::Io(_)) {
            tally.non_io_errors += 1;
            eprintln!("FAILURE {fault:?}: {e} (expected Io)");
        }
    }
    if let (Some(done), Some(view)) = (r.done, &r.after_error)
        && *view != states[done]
    {
        tally.changed_after_error += 1;
        eprintln!(
            "FAILURE {fault:?}: after the error the handle shows\n{view}not\n{}",
            states[done]
        );
    }
    let mut images = vec![("durable", storage.durable_image())];
    if !matches!(fault, Fault::PowerLoss { .. }) {
        images.push(("current", storage.current_image()));
    }
    for (which, image) in images {
        let reopened = catch_unwind(AssertUnwindSafe(|| reopen(image)));
        let Ok(reopened) = reopened else {
            tally.panics += 1;
            eprintln!("FAILURE {fault:?} {which}: a panic escaped the reopen");
            continue;
        };
        let Some(done) = r.done else {
            // Never created: an error, or an empty keystore, are both right.
            tally.uncreated += 1;
            if let Ok(state) = reopened
                && state != expected(states, 0)
            {
                tally.wrong_state += 1;
                eprintln!("FAILURE {fault:?} {which}: an uncreated keystore holds\n{state}");
            }
            continue;
        };
        match reopened {
            Err(e) => {
                tally.reopen_failures += 1;
                eprintln!("FAILURE {fault:?} {which}: reopen failed after {done} steps: {e}");
            }
            Ok(state) if state == expected(states, done) => tally.old += 1,
            Ok(state) if done < STEPS && state == expected(states, done + 1) => tally.new += 1,
            Ok(state) => {
                tally.wrong_state += 1;
                eprintln!(
                    "FAILURE {fault:?} {which}: after {done} steps the reopen holds\n{state}expected\n{}",
                    expected(states, done)
                );
            }
        }
    }
}

fn sweep(name: &str, faults: impl Iterator<Item = Fault>, states: &[String]) {
    let mut t = Tally::default();
    for f in faults {
        check(f, states, &mut t);
    }
    println!(
        "FIGURE item2 {name} runs={} panics={} non_io_errors={} changed_after_error={} \
         reopen_failures={} wrong_state={} reopened_old={} reopened_new={} uncreated={}",
        t.runs,
        t.panics,
        t.non_io_errors,
        t.changed_after_error,
        t.reopen_failures,
        t.wrong_state,
        t.old,
        t.new,
        t.uncreated
    );
    assert_eq!(t.failures(), 0, "{name}: {t:?}");
}

#[test]
fn the_workload_is_deterministic() {
    let (states, writes, syncs) = baseline();
    let (again, w2, s2) = baseline();
    assert_eq!((states, writes, syncs), (again, w2, s2));
    assert!(
        writes > 50 && syncs > STEPS as u64,
        "{writes} writes, {syncs} syncs"
    );
    println!("FIGURE item2 workload steps={STEPS} writes={writes} syncs={syncs}");
}

#[test]
fn every_failed_write() {
    let (states, writes, _) = baseline();
    sweep(
        "fail-write",
        (1..=writes + 1).map(Fault::FailWrite),
        &states,
    );
}

#[test]
fn every_failed_sync() {
    let (states, _, syncs) = baseline();
    sweep("fail-sync", (1..=syncs + 1).map(Fault::FailSync), &states);
}

#[test]
fn power_loss_at_every_sync() {
    let (states, _, syncs) = baseline();
    let faults = (1..=syncs + 1).map(|sync| Fault::PowerLoss {
        sync,
        torn_seed: None,
    });
    sweep("power-loss", faults, &states);
}

#[test]
fn power_loss_at_every_sync_with_torn_writes() {
    let (states, _, syncs) = baseline();
    let seeds = strongroom_reliability::scale("SR_TORN_SEEDS", 2);
    let faults = (1..=syncs + 1).flat_map(|sync| {
        (0..seeds).map(move |s| Fault::PowerLoss {
            sync,
            torn_seed: Some(sync * 1000 + s),
        })
    });
    sweep("power-loss-torn", faults, &states);
}

/// The harness sees a lost commit: a backend whose syncs make nothing durable (a lying disk)
/// must fail the check.
#[test]
fn a_lying_disk_is_caught() {
    let (states, _, _) = baseline();
    let storage = FaultyStorage::new(Fault::None);
    let ks = Keystore::create_with_test_backend(&storage, PASS, &options()).unwrap();
    let mut ids = Ids::default();
    for i in 0..4 {
        step(i, &ks, &mut ids).unwrap();
    }
    let lost = storage.durable_image();
    for i in 4..6 {
        step(i, &ks, &mut ids).unwrap();
    }
    ks.close().unwrap();
    // The image of 2 steps ago, as if the last syncs had lied: neither old nor new.
    let state = reopen(lost).unwrap();
    assert_ne!(state, expected(&states, 6));
    assert_ne!(state, expected(&states, 7));
    assert_eq!(state, expected(&states, 4));
}

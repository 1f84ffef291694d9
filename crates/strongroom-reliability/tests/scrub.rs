//! Issue 17 item 3: removed secrets are scrubbed from the file even when the process that removed
//! them is killed.
//!
//! For each step that removes secret records, (a) a key destroyed once its deletion window
//! passed, (b) `delete_imported_key_material`, (c) an import token's wrapping key used, and one
//! expired, (d) `change_passphrase`, the parent prepares a keystore, closes it and reads with redb
//! the bytes the step will remove (sealed key, version and wrapping-key records, the imported
//! material, the old header's wrapped root key and nonce). A child process (this test binary
//! re-run) opens the keystore, does the step, prints `DONE` and waits; the parent kills it with
//! SIGKILL, reopens the keystore, and scans every byte of the file: none of those sequences may
//! remain. Each step runs in two modes: `live` (the child's handle rewrites the file itself,
//! soon after the step) and `deferred` (a directory planted at the rewrite's temporary path makes
//! the child's rewrite fail; the `scrub_pending` mark must survive the kill, and the reopen
//! rewrites the file before it returns the handle). Every table of the file keeps its rows
//! through the rewrite.
//!
//! CI: `SR_SCRUB_ROUNDS` rounds (default 2) of 5 steps x 2 modes.

use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PublicEncryptingKey};
use redb::{ReadableDatabase, ReadableTableMetadata, TableHandle};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strongroom::insecure_test_tables::{HEADER_KEY, KEYS, META, VERSIONS, WRAPPING_KEYS};
use strongroom::{
    CreateKey, ExpirationModel, Keystore, ManualClock, Options, Origin, Timestamp,
    WrappingAlgorithm, WrappingKeySpec,
};
use strongroom_reliability::{ChildGuard, PASS, contains, hex, opts, scale, scratch, spawn_child};

const CHILD: &str = "scrub_child";
const NEW_PASS: &[u8] = b"scrub-new-passphrase-91c2";
const T0: i64 = 1_800_000_000_000;
const STEPS: [&str; 5] = [
    "destroy",
    "delete_material",
    "token_used",
    "token_expired",
    "passphrase",
];

fn clocked(clock: &ManualClock) -> Options {
    Options {
        clock: Arc::new(clock.clone()),
        ..opts()
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn wrap(material: &[u8], public: &[u8]) -> Vec<u8> {
    let key = OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(public).unwrap()).unwrap();
    let mut out = vec![0u8; key.ciphertext_size()];
    key.encrypt(&OAEP_SHA256_MGF1SHA256, material, &mut out, None)
        .unwrap()
        .to_vec()
}

fn external(ks: &Keystore) -> String {
    ks.create_key(&CreateKey {
        origin: Some(Origin::External),
        ..Default::default()
    })
    .unwrap()
    .key_id
}

fn params(ks: &Keystore, key: &str) -> strongroom::ParametersForImport {
    ks.get_parameters_for_import(
        key,
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingKeySpec::Rsa2048,
    )
    .unwrap()
}

fn id(key: &str) -> u128 {
    u128::from_str_radix(&key.replace('-', ""), 16).unwrap()
}

/// The raw rows of a closed keystore file.
struct Raw(redb::Database);

impl Raw {
    fn open(path: &Path) -> Self {
        Raw(redb::Database::open(path).unwrap())
    }

    /// The sealed key record and version records of `key`.
    fn key_records(&self, key: &str) -> Vec<Vec<u8>> {
        let tx = self.0.begin_read().unwrap();
        let mut out = vec![
            tx.open_table(KEYS)
                .unwrap()
                .get(id(key))
                .unwrap()
                .unwrap()
                .value()
                .to_vec(),
        ];
        for row in tx
            .open_table(VERSIONS)
            .unwrap()
            .range((id(key), 0)..=(id(key), u32::MAX))
            .unwrap()
        {
            out.push(row.unwrap().1.value().to_vec());
        }
        out
    }

    /// The version records of `key`.
    fn versions(&self, key: &str) -> Vec<Vec<u8>> {
        self.key_records(key).split_off(1)
    }

    /// The sealed wrapping-key records.
    fn wrapping_keys(&self) -> Vec<Vec<u8>> {
        let tx = self.0.begin_read().unwrap();
        redb::ReadableTable::iter(&tx.open_table(WRAPPING_KEYS).unwrap())
            .unwrap()
            .map(|r| r.unwrap().1.value().to_vec())
            .collect()
    }

    fn header(&self) -> Vec<u8> {
        let tx = self.0.begin_read().unwrap();
        tx.open_table(META)
            .unwrap()
            .get(HEADER_KEY)
            .unwrap()
            .unwrap()
            .value()
            .to_vec()
    }

    fn scrub_marked(&self) -> bool {
        let tx = self.0.begin_read().unwrap();
        tx.open_table(META)
            .unwrap()
            .get("scrub_pending")
            .unwrap()
            .is_some()
    }

    /// Every table's name and number of rows.
    fn tables(&self) -> BTreeMap<String, u64> {
        let tx = self.0.begin_read().unwrap();
        tx.list_tables()
            .unwrap()
            .map(|h| {
                let name = h.name().to_string();
                let len = tx.open_untyped_table(h).unwrap().len().unwrap();
                (name, len)
            })
            .collect()
    }
}

/// Prepares the keystore for `step`; returns what must be gone afterwards and the child's
/// arguments (hex).
fn prepare(step: &str, path: &Path, clock: &ManualClock) -> (Vec<(String, Vec<u8>)>, String) {
    let ks = Keystore::create(path, PASS, &clocked(clock)).unwrap();
    // Neighbours, so the file has live records around the removed ones.
    for _ in 0..4 {
        let k = ks.create_key(&CreateKey::default()).unwrap().key_id;
        ks.rotate_key_on_demand(&k).unwrap();
    }
    let mut secrets = Vec::new();
    let mut arg = String::new();
    let material = ks.generate_random(32).unwrap();
    let import = |ks: &Keystore, key: &str| {
        let p = params(ks, key);
        ks.import_key_material(
            key,
            &p.import_token,
            &wrap(material.as_bytes(), &p.public_key),
            ExpirationModel::KeyMaterialDoesNotExpire,
            None,
        )
        .unwrap();
    };
    let target = match step {
        "destroy" => {
            let k = ks.create_key(&CreateKey::default()).unwrap().key_id;
            ks.rotate_key_on_demand(&k).unwrap();
            let backing = ks.insecure_backing_key_for_tests(&k, 1).unwrap();
            secrets.push(("backing key".into(), backing.to_vec()));
            ks.schedule_key_deletion(&k, Some(7)).unwrap();
            Some(k)
        }
        "delete_material" => {
            let k = external(&ks);
            import(&ks, &k);
            secrets.push(("imported material".into(), material.as_bytes().to_vec()));
            arg = k.clone();
            Some(k)
        }
        "token_used" => {
            let k = external(&ks);
            let p = params(&ks, &k);
            arg = format!(
                "{} {} {}",
                k,
                hex(&p.import_token),
                hex(&wrap(material.as_bytes(), &p.public_key))
            );
            None
        }
        "token_expired" => {
            let k = external(&ks);
            params(&ks, &k);
            None
        }
        "passphrase" => None,
        other => panic!("unknown step {other}"),
    };
    ks.close().unwrap();
    let raw = Raw::open(path);
    match step {
        "destroy" => {
            for (i, r) in raw
                .key_records(target.as_ref().unwrap())
                .into_iter()
                .enumerate()
            {
                secrets.push((format!("sealed record {i} of the destroyed key"), r));
            }
        }
        "delete_material" => {
            for r in raw.versions(target.as_ref().unwrap()) {
                secrets.push(("sealed version of the deleted material".into(), r));
            }
        }
        "token_used" | "token_expired" => {
            for r in raw.wrapping_keys() {
                secrets.push(("sealed wrapping key".into(), r));
            }
        }
        "passphrase" => {
            let h = raw.header();
            secrets.push(("old wrapped root key".into(), h[95..127].to_vec()));
            secrets.push(("old wrap's nonce".into(), h[71..95].to_vec()));
        }
        _ => unreachable!(),
    }
    assert!(!secrets.is_empty(), "{step}: {} secrets", secrets.len());
    (secrets, arg)
}

/// One run: prepare, the child does `step` and is killed, reopen, scan. Returns the bytes
/// scanned.
fn run(step: &str, deferred: bool) -> u64 {
    let s = scratch();
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let (secrets, arg) = prepare(step, &s.path, &clock);
    let block = rewrite_tmp(&s.path);
    let mut child = ChildGuard::new(spawn_child(
        CHILD,
        &[
            ("SR_SCRUB_PATH", s.path.as_os_str()),
            ("SR_SCRUB_STEP", step.as_ref()),
            ("SR_SCRUB_ARG", arg.as_ref()),
            ("SR_SCRUB_BLOCK", if deferred { "1" } else { "0" }.as_ref()),
        ],
    ));
    let out = child.child().stdout.take().unwrap();
    let done = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l == "DONE");
    assert!(done, "{step}: the child did not finish its step");
    child.kill9();
    if std::env::var("SR_SCRUB_DEBUG").is_ok() {
        let b = std::fs::read(&s.path).unwrap();
        for (n, x) in &secrets {
            eprintln!("after kill: {n}: {} ({} bytes)", contains(&b, x), x.len());
        }
    }
    let before = {
        let raw = Raw::open(&s.path);
        assert_eq!(
            raw.scrub_marked(),
            deferred,
            "{step}: the scrub mark after the kill"
        );
        raw.tables()
    };
    if deferred {
        std::fs::remove_dir(&block).unwrap();
    }
    let pass = if step == "passphrase" { NEW_PASS } else { PASS };
    let ks = Keystore::open(&s.path, pass, &clocked(&clock)).unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    let found: Vec<&str> = secrets
        .iter()
        .filter(|(_, b)| contains(&bytes, b))
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(
        found.is_empty(),
        "{step} ({}): still in the file after the reopen: {found:?}",
        if deferred { "deferred" } else { "live" }
    );
    assert!(
        !block.exists(),
        "{step}: the rewrite's temporary file remains"
    );
    ks.close().unwrap();
    // Every table kept its rows (the trail grew by the reopen's events; the mark went).
    let after = Raw::open(&s.path).tables();
    for (name, rows) in &before {
        let kept = after.get(name).copied();
        match name.as_str() {
            "audit" => assert!(kept >= Some(*rows), "{step}: {name}"),
            "meta" => assert!(kept >= Some(rows - u64::from(deferred)), "{step}: {name}"),
            _ => assert_eq!(kept, Some(*rows), "{step}: table {name}"),
        }
    }
    bytes.len() as u64
}

fn rewrite_tmp(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap().to_os_string();
    name.push(".rewrite");
    path.with_file_name(name)
}

#[test]
fn removed_secrets_are_gone_from_the_file_after_a_kill() {
    let rounds = scale("SR_SCRUB_ROUNDS", 2);
    let (mut runs, mut bytes) = (0u64, 0u64);
    for _ in 0..rounds {
        for step in STEPS {
            for deferred in [false, true] {
                bytes += run(step, deferred);
                runs += 1;
            }
        }
    }
    println!(
        "FIGURE item17.3 runs={runs} steps={} modes=live,deferred kills={runs} bytes_scanned={bytes} secrets_found=0",
        STEPS.len()
    );
}

/// The child: opens the keystore, does the step, says `DONE` and waits to be killed.
#[test]
#[ignore = "run as a child process by removed_secrets_are_gone_from_the_file_after_a_kill"]
fn scrub_child() {
    let path = PathBuf::from(std::env::var_os("SR_SCRUB_PATH").unwrap());
    let step = std::env::var("SR_SCRUB_STEP").unwrap();
    let arg = std::env::var("SR_SCRUB_ARG").unwrap();
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let ks = Keystore::open(&path, PASS, &clocked(&clock)).unwrap();
    if std::env::var("SR_SCRUB_BLOCK").unwrap() == "1" {
        // The rewrite cannot create its temporary file: the scrub must wait for the reopen.
        std::fs::create_dir(rewrite_tmp(&path)).unwrap();
    }
    match step.as_str() {
        "destroy" => {
            clock.advance_days(8);
            // Reports the failed rewrite in the deferred mode; the destruction is committed.
            let _ = ks.run_maintenance();
            assert_eq!(ks.list_keys().unwrap().len(), 4);
        }
        "delete_material" => {
            ks.delete_imported_key_material(&arg).unwrap();
        }
        "token_used" => {
            let mut it = arg.split(' ');
            let (k, token, wrapped) = (
                it.next().unwrap(),
                unhex(it.next().unwrap()),
                unhex(it.next().unwrap()),
            );
            ks.import_key_material(
                k,
                &token,
                &wrapped,
                ExpirationModel::KeyMaterialDoesNotExpire,
                None,
            )
            .unwrap();
        }
        "token_expired" => {
            clock.advance_days(2);
            let _ = ks.run_maintenance();
        }
        "passphrase" => ks.change_passphrase(PASS, NEW_PASS).unwrap(),
        other => panic!("unknown step {other}"),
    }
    println!("DONE");
    std::io::stdout().flush().unwrap();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

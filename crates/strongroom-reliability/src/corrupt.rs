//! Item 3: open and use a keystore file that may be damaged, and classify what happened.
//!
//! A damaged file may open (redb ignores bytes in free pages, and repairs some damage), or fail
//! with an error; it must never panic, abort, hang, or answer wrongly without an error.

use crate::PASS;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use strongroom::{
    CreateKey, EncryptionContext, Error, KeyMetadata, Keystore, Options, WrappingAlgorithm,
    WrappingKeySpec,
};

/// What a healthy copy of the fixture answers.
#[derive(Clone, Debug)]
pub struct Known {
    /// `list_keys`, sorted by key id.
    pub keys: Vec<KeyMetadata>,
    /// A blob of [`Known::plaintext`] under [`Known::context`].
    pub blob: Vec<u8>,
    /// Its plaintext.
    pub plaintext: Vec<u8>,
    /// Its encryption context.
    pub context: Vec<(String, String)>,
    /// Events `verify_audit` counts after [`open_and_use`] of a healthy copy: a damaged copy that
    /// opens must count exactly as many (none lost, none invented).
    pub audit_after_use: Option<u64>,
}

/// How one open-and-use of a possibly damaged file ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Opened, every answer right.
    Ok,
    /// Refused with a strongroom error at `step` (`open`, `list_keys`, ...).
    Error {
        /// The step that failed.
        step: &'static str,
        /// The error's SPEC name.
        name: &'static str,
    },
    /// A wrong answer without an error: a failure.
    Wrong(String),
    /// A panic escaped the API: a failure.
    Panic(String),
}

impl Outcome {
    /// Whether this outcome breaks the guarantee.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Wrong(_) | Outcome::Panic(_))
    }

    /// A one-word label for counting (`ok`, `open:Corrupt`, `WRONG`, `PANIC`).
    pub fn label(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Error { step, name } => format!("{step}:{name}"),
            Outcome::Wrong(_) => "WRONG".into(),
            Outcome::Panic(_) => "PANIC".into(),
        }
    }
}

/// Options of the fixture: the fast KDF, the full audit trail.
fn fixture_options() -> Options {
    crate::opts()
}

/// Builds the fixture at `path`: keys in every state, rotations, aliases, an imported key, an
/// audit trail; closes it and returns what it answers.
pub fn build_fixture(path: &Path, keys: usize) -> Known {
    let ks = Keystore::create(path, PASS, &fixture_options()).expect("create the fixture");
    let mut ids = Vec::new();
    for i in 0..keys {
        let k = ks
            .create_key(&CreateKey {
                description: format!("fixture key {i}"),
                ..Default::default()
            })
            .expect("create_key");
        ids.push(k.key_id);
    }
    for (i, id) in ids.iter().enumerate() {
        match i % 5 {
            0 => ks.rotate_key_on_demand(id).expect("rotate"),
            1 => ks.disable_key(id).expect("disable"),
            2 => {
                ks.schedule_key_deletion(id, Some(7)).expect("schedule");
            }
            3 => ks.enable_key_rotation(id, Some(90)).expect("rotation"),
            _ => ks
                .create_alias(&format!("alias/fixture-{i}"), id)
                .expect("alias"),
        }
    }
    let ext = ks
        .create_key(&CreateKey {
            origin: Some(strongroom::Origin::External),
            ..Default::default()
        })
        .expect("external key");
    // Outstanding import parameters leave a sealed wrapping key in the file.
    ks.get_parameters_for_import(
        &ext.key_id,
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingKeySpec::Rsa2048,
    )
    .expect("import parameters");
    let context = vec![("tenant".to_string(), "fixture".to_string())];
    let ctx = EncryptionContext::from_pairs(context.clone()).expect("context");
    let plaintext = b"the known plaintext of the corruption grid".to_vec();
    let blob = ks
        .encrypt(&ids[0], &plaintext, Some(&ctx))
        .expect("encrypt");
    for _ in 0..50 {
        ks.encrypt(&ids[0], b"audit filler", None).expect("encrypt");
    }
    ks.close().expect("close");
    known_from(path, blob, plaintext, context)
}

/// What the healthy keystore at `path` answers, with `blob` a blob of `plaintext` under
/// `context` (works on copies; `path` is not modified).
pub fn known_from(
    path: &Path,
    blob: Vec<u8>,
    plaintext: Vec<u8>,
    context: Vec<(String, String)>,
) -> Known {
    let copy = path.with_extension("known");
    crate::copy_file(path, &copy);
    let ks = Keystore::open(&copy, PASS, &fixture_options()).expect("open a healthy copy");
    let mut keys = ks.list_keys().expect("list_keys");
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    drop(ks);
    let mut known = Known {
        keys,
        blob,
        plaintext,
        context,
        audit_after_use: None,
    };
    // Calibrate on a fresh healthy copy: how many events the trail holds after one open-and-use.
    crate::copy_file(path, &copy);
    let (outcome, n) = use_file(&copy, &known);
    assert_eq!(
        outcome,
        Outcome::Ok,
        "the healthy fixture must open and answer"
    );
    known.audit_after_use = n;
    std::fs::remove_file(&copy).expect("remove the calibration copy");
    known
}

/// Opens `path` and uses it: `list_keys`, `describe_key` of each key, decrypt of the known blob,
/// a fresh encrypt/decrypt, `verify_audit`, `close`. Panics are caught and reported.
pub fn open_and_use(path: &Path, known: &Known) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| use_file(path, known).0)) {
        Ok(o) => o,
        Err(p) => Outcome::Panic(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default(),
        ),
    }
}

fn err(step: &'static str, e: &Error) -> Outcome {
    Outcome::Error {
        step,
        name: e.name(),
    }
}

fn use_file(path: &Path, known: &Known) -> (Outcome, Option<u64>) {
    let mut n = None;
    (use_file_counting(path, known, &mut n), n)
}

fn use_file_counting(path: &Path, known: &Known, count: &mut Option<u64>) -> Outcome {
    let ks = match Keystore::open(path, PASS, &fixture_options()) {
        Ok(ks) => ks,
        Err(e) => return err("open", &e),
    };
    let mut keys = match ks.list_keys() {
        Ok(k) => k,
        Err(e) => return err("list_keys", &e),
    };
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    if keys != known.keys {
        return Outcome::Wrong(format!(
            "list_keys answered {} keys that differ from the {} known",
            keys.len(),
            known.keys.len()
        ));
    }
    for k in &known.keys {
        match ks.describe_key(&k.key_id) {
            Ok(m) if m == *k => {}
            Ok(m) => return Outcome::Wrong(format!("describe_key({}) answered {m:?}", k.key_id)),
            Err(e) => return err("describe_key", &e),
        }
    }
    let ctx = EncryptionContext::from_pairs(known.context.clone()).expect("context");
    match ks.decrypt(&known.blob, Some(&ctx), None) {
        Ok(d) if d.plaintext.as_bytes() == known.plaintext.as_slice() => {}
        Ok(_) => return Outcome::Wrong("decrypt returned another plaintext".into()),
        Err(e) => return err("decrypt", &e),
    }
    let key = &known.blob_key();
    match ks.encrypt(key, b"fresh", Some(&ctx)) {
        Ok(b) => match ks.decrypt(&b, Some(&ctx), None) {
            Ok(d) if d.plaintext.as_bytes() == b"fresh" => {}
            Ok(_) => return Outcome::Wrong("a fresh round trip changed the plaintext".into()),
            Err(e) => return err("decrypt_fresh", &e),
        },
        Err(e) => return err("encrypt", &e),
    }
    match ks.verify_audit() {
        Ok(n) if known.audit_after_use.is_none_or(|want| want == n) => *count = Some(n),
        Ok(n) => {
            return Outcome::Wrong(format!(
                "verify_audit counted {n} events; a healthy copy counts {:?}",
                known.audit_after_use
            ));
        }
        Err(e) => return err("verify_audit", &e),
    }
    match ks.close() {
        Ok(()) => Outcome::Ok,
        Err(e) => err("close", &e),
    }
}

impl Known {
    /// The key id the known blob names (bytes 1..17 of the blob, a UUID).
    pub fn blob_key(&self) -> String {
        let b = &self.blob[1..17];
        let h = crate::hex(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

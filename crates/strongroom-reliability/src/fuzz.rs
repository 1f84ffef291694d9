//! Item 6: the bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz) and the
//! CI smoke test (tests/fuzz_smoke.rs), which feeds them deterministic random inputs.
//!
//! Each body takes arbitrary bytes, drives the public API, and panics only when a guarantee is
//! broken: a panic escaping the API, a forged or mutated input accepted, a round trip that does
//! not round-trip. Panics that strongroom catches inside itself (a damaged file can make redb
//! panic; the core turns that into `Corrupt`) are not failures, so [`quiet_panics`] replaces the
//! fuzzer's abort-on-any-panic hook and each body checks escapes itself.

use crate::corrupt::{self, Known, Outcome};
use crate::{PASS, Rng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use strongroom::{
    AuditFilter, AuditOptions, CreateKey, EncryptionContext, ExpirationModel, Keystore, Options,
    WrappingAlgorithm, WrappingKeySpec,
};

/// Replaces the panic hook with a silent one: a panic the core catches is expected; a panic that
/// escapes is caught by [`no_escape`] and turned into a loud abort.
/// With `SR_PANIC_VERBOSE=1` every panic, caught or not, is printed with a backtrace.
pub fn quiet_panics() {
    if std::env::var_os("SR_PANIC_VERBOSE").is_some() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!(
                "panic: {info}\n{}",
                std::backtrace::Backtrace::force_capture()
            );
        }));
    } else {
        std::panic::set_hook(Box::new(|_| {}));
    }
}

/// Runs `f`; a panic escaping it is a failure: print it and abort (the fuzzer records a crash).
pub fn no_escape<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            eprintln!("FAILURE: a panic escaped {what}: {msg}");
            std::process::abort();
        }
    }
}

/// A blob the fixture made: the blob, its context's pairs (if any) and its plaintext.
type KnownBlob = (Vec<u8>, Option<Vec<(String, String)>>, Vec<u8>);

/// What the targets share: a keystore with a key, known blobs, an imported key waiting for
/// material, and a closed fixture file for the open target.
pub struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    ks: Keystore,
    key: String,
    external: String,
    token: Mutex<Vec<u8>>,
    blobs: Vec<KnownBlob>,
    file: Vec<u8>,
    known: Known,
    counter: AtomicU64,
}

impl Fixture {
    /// Builds the fixture in a fresh temporary directory.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("live.strongroom");
        let options = Options {
            audit: AuditOptions {
                // Bounded, so a long fuzz run does not grow the trail without end.
                max_events: Some(512),
                ..Default::default()
            },
            ..crate::opts()
        };
        let ks = Keystore::create(&path, PASS, &options).expect("create");
        let key = ks.create_key(&CreateKey::default()).expect("key").key_id;
        let external = ks
            .create_key(&CreateKey {
                origin: Some(strongroom::Origin::External),
                ..Default::default()
            })
            .expect("external key")
            .key_id;
        let ctx = vec![("purpose".to_string(), "fuzz".to_string())];
        let ec = EncryptionContext::from_pairs(ctx.clone()).expect("context");
        let mut blobs = Vec::new();
        for (pt, c) in [
            (vec![0x41u8], None),
            (b"sixteen byte msg".to_vec(), Some(ctx.clone())),
            (vec![7u8; 300], None),
        ] {
            let b = ks
                .encrypt(&key, &pt, c.as_ref().map(|_| &ec))
                .expect("encrypt");
            blobs.push((b, c, pt));
        }
        let token = fresh_token(&ks, &external);
        let fixture_path = dir.path().join("fixture.strongroom");
        let known = corrupt::build_fixture(&fixture_path, 5);
        let file = std::fs::read(&fixture_path).expect("read the fixture");
        Fixture {
            dir: dir.path().to_path_buf(),
            _dir: dir,
            ks,
            key,
            external,
            token: Mutex::new(token),
            blobs,
            file,
            known,
            counter: AtomicU64::new(0),
        }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

fn fresh_token(ks: &Keystore, key: &str) -> Vec<u8> {
    ks.get_parameters_for_import(
        key,
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingKeySpec::Rsa2048,
    )
    .expect("import parameters")
    .import_token
}

/// Applies `ops` to `base`, 5 bytes an op: a 4-byte position (modulo the length) and a mask.
/// A mask of 0 cuts the bytes from the position on; any other is XORed into the byte there.
fn mutate(base: &[u8], ops: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for op in ops.chunks_exact(5) {
        if out.is_empty() {
            break;
        }
        let pos = u32::from_le_bytes([op[0], op[1], op[2], op[3]]) as usize % out.len();
        match op[4] {
            0 => out.truncate(pos),
            m => out[pos] ^= m,
        }
    }
    out
}

/// Blob parsing and decrypt. Raw bytes, or a known blob mutated by the input: nothing but the
/// known blobs, under their own context, may decrypt, and then only to their own plaintext.
pub fn blob_decrypt(fx: &Fixture, data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (candidate, ctx_choice) = if mode & 1 == 0 {
        (rest.to_vec(), usize::from(mode >> 1) % 3)
    } else {
        let (b, _, _) = &fx.blobs[usize::from(mode >> 1) % fx.blobs.len()];
        (mutate(b, rest), usize::from(mode >> 3) % 3)
    };
    let ctx_pairs = vec![("purpose".to_string(), "fuzz".to_string())];
    let ec = EncryptionContext::from_pairs(ctx_pairs.clone()).expect("context");
    let ctx = match ctx_choice {
        0 => None,
        1 => Some(&ec),
        _ => None,
    };
    let key_id = (ctx_choice == 2).then_some(fx.key.as_str());
    let r = no_escape("decrypt", || fx.ks.decrypt(&candidate, ctx, key_id));
    if let Ok(d) = r {
        let known = fx.blobs.iter().find(|(b, c, _)| {
            *b == candidate
                && c.is_some() == ctx.is_some()
                && (c.is_none() || *c == Some(ctx_pairs.clone()))
        });
        match known {
            Some((_, _, pt)) if d.plaintext.as_bytes() == pt.as_slice() => {}
            Some(_) => panic!("FAILURE: a known blob decrypted to another plaintext"),
            None => panic!(
                "FAILURE: an unknown blob was accepted: {}",
                crate::hex(&candidate)
            ),
        }
    }
}

/// Keystore open of arbitrary bytes: raw bytes as the file, or the fixture file mutated by the
/// input; then the full open-and-use of item 3. A wrong answer or an escaped panic fails.
pub fn keystore_open(fx: &Fixture, data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        mutate(&fx.file, rest)
    };
    let n = fx.counter.fetch_add(1, Ordering::Relaxed);
    let path = fx.dir.join(format!("open-{n}.strongroom"));
    std::fs::write(&path, &bytes).expect("write the candidate file");
    let outcome = corrupt::open_and_use(&path, &fx.known);
    let _ = std::fs::remove_file(&path);
    match outcome {
        Outcome::Wrong(w) => panic!("FAILURE: a damaged keystore answered wrongly: {w}"),
        Outcome::Panic(p) => {
            eprintln!("FAILURE: a panic escaped open-and-use: {p}");
            std::process::abort();
        }
        Outcome::Ok | Outcome::Error { .. } => {}
    }
}

/// Import token parsing through `import_key_material`: a raw token or the live token mutated by
/// the input, with the rest as wrapped material. No such call may succeed; only the SPEC's
/// errors may come back.
pub fn import_token(fx: &Fixture, data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(mode >> 1).min(rest.len());
    let live = fx.token.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let token = if mode & 1 == 0 {
        rest[..split.min(rest.len())].to_vec()
    } else if mode == 0xFF {
        // One input in 256 passes the live token itself, to reach the RSA decryption and the
        // material checks (`InvalidCiphertext`); it uses the token up, and fresh parameters cost
        // an RSA-2048 key generation, so not more often.
        live.clone()
    } else {
        let mut t = mutate(&live, &rest[..split]);
        if t == live {
            let n = t.len();
            t[usize::from(mode) % n] ^= 0x80;
        }
        t
    };
    let material = &rest[split..];
    let r = no_escape("import_key_material", || {
        fx.ks.import_key_material(
            &fx.external,
            &token,
            material,
            ExpirationModel::KeyMaterialDoesNotExpire,
            None,
        )
    });
    match r {
        Ok(_) => panic!("FAILURE: import_key_material accepted fuzzed input"),
        Err(e) => assert!(
            matches!(
                e.name(),
                "InvalidImportToken"
                    | "ExpiredImportToken"
                    | "InvalidCiphertext"
                    | "Validation"
                    | "IncorrectKeyMaterial"
            ),
            "FAILURE: unexpected error {e}"
        ),
    }
    // The live token was used up by this attempt. Fresh parameters cost an RSA-2048 key generation,
    // and the fuzzer soon learns to send the live token often: refresh at most one input in 512
    // (meanwhile the used token takes the `InvalidImportToken` path).
    if token == live
        && fx
            .counter
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(512)
    {
        *fx.token.lock().unwrap_or_else(|e| e.into_inner()) = fresh_token(&fx.ks, &fx.external);
    }
}

/// Encryption context and audit round trip: the input becomes a context (pairs split on 0xFF
/// bytes); a valid one must round-trip through encrypt/decrypt in any pair order, must be
/// required (no context, or one pair more, fails), and must come back unchanged from the audit
/// trail and its JSON export.
pub fn context_round_trip(fx: &Fixture, data: &[u8]) {
    let parts: Vec<String> = data
        .split(|b| *b == 0xFF)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let pairs: Vec<(String, String)> = parts
        .chunks_exact(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    let ctx = match no_escape("EncryptionContext::from_pairs", || {
        EncryptionContext::from_pairs(pairs.clone())
    }) {
        Ok(c) => c,
        Err(e) => {
            assert_eq!(e.name(), "Validation", "FAILURE: unexpected error {e}");
            return;
        }
    };
    let reversed = EncryptionContext::from_pairs(pairs.iter().rev().cloned())
        .expect("the same pairs in another order are valid");
    assert_eq!(ctx, reversed, "FAILURE: pair order changed the context");
    let pt: &[u8] = if data.is_empty() {
        b"-"
    } else {
        &data[..data.len().min(4096)]
    };
    let blob = no_escape("encrypt", || fx.ks.encrypt(&fx.key, pt, Some(&ctx))).expect("encrypt");
    let d = no_escape("decrypt", || fx.ks.decrypt(&blob, Some(&reversed), None))
        .expect("FAILURE: decrypt with the same context failed");
    assert_eq!(
        d.plaintext.as_bytes(),
        pt,
        "FAILURE: round trip changed the plaintext"
    );
    if !ctx.is_empty() {
        let e = fx
            .ks
            .decrypt(&blob, None, None)
            .expect_err("FAILURE: context not required");
        assert_eq!(e.name(), "InvalidCiphertext");
    }
    // One pair more: a key the context does not have (the fuzzer found that a fixed name can
    // already be in the context, making "one more" the same context).
    let mut more = ctx.pairs().clone();
    let mut extra = String::from("\u{0}extra");
    while more.contains_key(&extra) {
        extra.push('+');
    }
    more.insert(extra, "x".into());
    if let Ok(more) = EncryptionContext::from_map(more) {
        let e = fx
            .ks
            .decrypt(&blob, Some(&more), None)
            .expect_err("FAILURE: a context with one pair more was accepted");
        assert_eq!(e.name(), "InvalidCiphertext");
    }
    // Every 8th input also checks the audit trail (each check commits the queue).
    if fx.counter.fetch_add(1, Ordering::Relaxed).is_multiple_of(8) {
        let filter = AuditFilter {
            key_id: Some(fx.key.clone()),
            operation: Some("Encrypt".into()),
            ..Default::default()
        };
        let events = fx.ks.audit_events(&filter).expect("audit_events");
        let last = events.last().expect("the encrypt was recorded");
        assert_eq!(
            &last.encryption_context,
            ctx.pairs(),
            "FAILURE: the audit trail changed the context"
        );
        let json: serde_json::Value =
            serde_json::from_str(&last.to_json()).expect("the export is JSON");
        let exported: std::collections::BTreeMap<String, String> = match &json["encryption_context"]
        {
            serde_json::Value::Null => Default::default(),
            v => serde_json::from_value(v.clone()).expect("a map of strings"),
        };
        assert_eq!(
            &exported,
            ctx.pairs(),
            "FAILURE: the JSON export changed the context"
        );
    }
}

/// Feeds `target` `n` deterministic random inputs of up to `max_len` bytes from `seed`.
pub fn smoke(n: u64, max_len: usize, seed: u64, mut target: impl FnMut(&[u8])) {
    let mut rng = Rng::new(seed);
    let mut buf = vec![0u8; max_len];
    for _ in 0..n {
        let len = rng.below(max_len as u64 + 1) as usize;
        rng.fill(&mut buf[..len]);
        target(&buf[..len]);
    }
}

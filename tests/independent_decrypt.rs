//! docs/FORMAT.md is complete enough to decrypt a blob: tests/independent_decrypt.py, written
//! from it alone with only Python's `cryptography` package, decrypts blobs made by the core given
//! the backing key. The interpreter is `$STRONGROOM_PYTHON` (default `python3`); a missing
//! interpreter, script or `cryptography` package fails this test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use strongroom::{CreateKey, DataKeySpec, EncryptionContext, Keystore, Options};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent_decrypt.py")
}

fn python(args: &[&str]) -> Output {
    let interpreter = std::env::var("STRONGROOM_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(&interpreter)
        .arg(script())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {interpreter:?}: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A JSON object of the pairs, in the order given.
fn json(pairs: &[(&str, &str)]) -> String {
    let quote = |s: &str| {
        let mut q = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c if (c as u32) < 0x20 => q.push_str(&format!("\\u{:04x}", c as u32)),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    };
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
        .collect();
    format!("{{{}}}", body.join(","))
}

struct Case {
    blob: Vec<u8>,
    plaintext: Vec<u8>,
    /// The context as given to the script (any order), or `None` to omit the argument.
    context: Option<String>,
    /// The backing-key version the blob must name.
    version: u32,
}

/// Runs the script on `blob`; returns its output.
fn run(dir: &Path, n: usize, key: &[u8; 32], blob: &[u8], context: Option<&str>) -> Output {
    let file = dir.join(format!("blob-{n}.bin"));
    std::fs::write(&file, blob).unwrap();
    let key_hex = hex(key);
    let file = file.to_str().unwrap();
    let mut args = vec![key_hex.as_str(), file];
    args.extend(context);
    python(&args)
}

/// What is changed, the backing key, the blob and the context.
type Refusal<'a> = (&'a str, &'a [u8; 32], &'a [u8], Option<String>);

#[test]
fn python_decrypts_blobs_from_the_format_document() {
    let self_test = python(&["--self-test"]);
    assert!(
        self_test.status.success(),
        "the Python decryptor failed its C2SP self-test: {}",
        String::from_utf8_lossy(&self_test.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"independent decryptor",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let keys = [
        ks.create_key(&CreateKey::default()).unwrap().key_id,
        ks.create_key(&CreateKey::default()).unwrap().key_id,
    ];
    // Pairs whose sorted order differs from the order given, with non-ASCII text, an empty value
    // and keys that are prefixes of each other.
    let pairs: [(&str, &str); 5] = [
        ("tenant", "acme"),
        ("app", "billing"),
        ("ünïcode", "välue ✓"),
        ("a", ""),
        ("ab", "quote\" and \\ backslash"),
    ];
    let ctx = EncryptionContext::from_pairs(pairs).unwrap();
    let reversed: Vec<(&str, &str)> = pairs.iter().rev().copied().collect();

    // Backing-key version 1 of each key, then version 2 after an on-demand rotation.
    let mut cases = Vec::new();
    for version in [1u32, 2] {
        if version == 2 {
            for key in &keys {
                ks.rotate_key_on_demand(key).unwrap();
            }
        }
        for key in &keys {
            for size in [1usize, 15, 16, 17, 64, 1000, 4096] {
                let plaintext: Vec<u8> = (0..size).map(|i| (i * 7 + size) as u8).collect();
                cases.push(Case {
                    blob: ks.encrypt(key, &plaintext, None).unwrap(),
                    plaintext: plaintext.clone(),
                    context: None,
                    version,
                });
                cases.push(Case {
                    blob: ks.encrypt(key, &plaintext, Some(&ctx)).unwrap(),
                    plaintext,
                    context: Some(json(&reversed)),
                    version,
                });
            }
        }
    }
    // An empty context is no context: both spellings decrypt a blob made without one.
    let empty = EncryptionContext::from_pairs(Vec::<(String, String)>::new()).unwrap();
    cases.push(Case {
        blob: ks
            .encrypt(&keys[0], b"empty context", Some(&empty))
            .unwrap(),
        plaintext: b"empty context".to_vec(),
        context: Some("{}".into()),
        version: 2,
    });
    cases.push(Case {
        blob: ks.encrypt(&keys[1], b"no context", None).unwrap(),
        plaintext: b"no context".to_vec(),
        context: Some("null".into()),
        version: 2,
    });
    let dk = ks
        .generate_data_key(&keys[0], Some(DataKeySpec::Aes256), None, Some(&ctx))
        .unwrap();
    cases.push(Case {
        blob: dk.ciphertext_blob.clone(),
        plaintext: dk.plaintext.as_bytes().to_vec(),
        context: Some(json(&pairs)),
        version: 2,
    });
    let moved = ks
        .re_encrypt(&cases[1].blob, &keys[1], Some(&ctx), None, None)
        .unwrap();
    cases.push(Case {
        blob: moved.ciphertext_blob,
        plaintext: cases[1].plaintext.clone(),
        context: None,
        version: 2,
    });

    for (n, case) in cases.iter().enumerate() {
        let blob = &case.blob;
        assert_eq!(blob[0], strongroom::BLOB_VERSION);
        // Bytes 1..17 are the key id's UUID bytes, 17..21 the backing-key version (u32 LE).
        let key_id = keys
            .iter()
            .find(|k| k.replace('-', "") == hex(&blob[1..17]))
            .expect("the blob names one of the keys");
        let version = u32::from_le_bytes(blob[17..21].try_into().unwrap());
        assert_eq!(version, case.version, "case {n}: backing-key version");
        assert_eq!(blob.len(), case.plaintext.len() + strongroom::BLOB_OVERHEAD);
        let key = ks.insecure_backing_key_for_tests(key_id, version).unwrap();
        let out = run(dir.path(), n, &key, blob, case.context.as_deref());
        assert!(
            out.status.success(),
            "case {n}: the Python decryptor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, case.plaintext, "case {n}: plaintext differs");
    }

    // The script checks what FORMAT.md says is authenticated: the context, the blob header and
    // the key. Each of these must be refused with an authentication failure.
    let case = &cases[1];
    let key0 = ks.insecure_backing_key_for_tests(&keys[0], 1).unwrap();
    let key1 = ks.insecure_backing_key_for_tests(&keys[1], 1).unwrap();
    let key0_v2 = ks.insecure_backing_key_for_tests(&keys[0], 2).unwrap();
    let mut wrong_value = pairs;
    wrong_value[0].1 = "acmf";
    let mut header_flipped = case.blob.clone();
    header_flipped[20] ^= 0x01;
    let mut nonce_flipped = case.blob.clone();
    nonce_flipped[21] ^= 0x80;
    let refusals: [Refusal; 7] = [
        ("no context", &key0, &case.blob, None),
        ("changed value", &key0, &case.blob, Some(json(&wrong_value))),
        ("missing pair", &key0, &case.blob, Some(json(&pairs[1..]))),
        ("other key", &key1, &case.blob, case.context.clone()),
        ("other version", &key0_v2, &case.blob, case.context.clone()),
        ("header byte", &key0, &header_flipped, case.context.clone()),
        ("nonce byte", &key0, &nonce_flipped, case.context.clone()),
    ];
    for (n, (what, key, blob, context)) in refusals.into_iter().enumerate() {
        let out = run(dir.path(), 1000 + n, key, blob, context.as_deref());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what}: expected an authentication failure, got {:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("authentication failed"),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{what}: printed a plaintext");
    }
    ks.close().unwrap();
}

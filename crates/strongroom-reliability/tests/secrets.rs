//! Item 8: known secrets (passphrases, a plaintext, a data key's plaintext, a backing key,
//! imported key material) pushed through every error path reachable from the public API, the
//! `Debug` of every public type, the audit trail and its JSON Lines export, the alarm's events,
//! and the keystore file's bytes: 0 occurrences, in raw, hex, base64 and `Debug`-list forms.

use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PublicEncryptingKey};
use std::sync::{Arc, Mutex};
use strongroom::{
    AuditFilter, AuditOptions, CreateKey, EncryptionContext, Error, ExpirationModel, KdfParams,
    Keystore, ManualClock, Options, SystemClock, Timestamp, WrappingAlgorithm, WrappingKeySpec,
};
use strongroom_reliability::{PASS, base64, contains, hex, opts, scratch};

const NEW_PASS: &[u8] = b"second-passphrase-SECRET-5be2";
const WRONG_PASS: &[u8] = b"wrong-passphrase-SECRET-a41d";
const PLAINTEXT: &[u8] = b"PLAINTEXT-SECRET-0c9f7e1b";

/// Every form in which a secret could leak into text or bytes.
fn forms(secret: &[u8]) -> Vec<Vec<u8>> {
    let mut v = vec![
        secret.to_vec(),
        hex(secret).into_bytes(),
        hex(secret).to_uppercase().into_bytes(),
        base64(secret).trim_end_matches('=').as_bytes().to_vec(),
    ];
    // `{:?}` of a byte slice: "[1, 2, 3"
    let list: Vec<String> = secret.iter().take(12).map(|b| b.to_string()).collect();
    v.push(list.join(", ").into_bytes());
    v
}

struct Scan {
    secrets: Vec<(&'static str, Vec<u8>)>,
    texts: Vec<(String, Vec<u8>)>,
}

impl Scan {
    fn text(&mut self, what: impl Into<String>, t: impl AsRef<[u8]>) {
        self.texts.push((what.into(), t.as_ref().to_vec()));
    }

    fn error(&mut self, what: &str, e: Error) {
        self.text(format!("{what} (Display)"), e.to_string());
        self.text(format!("{what} (Debug)"), format!("{e:?}"));
        self.text(format!("{what} (message)"), e.message());
    }

    fn err<T: std::fmt::Debug>(&mut self, what: &str, r: strongroom::Result<T>) {
        match r {
            Err(e) => self.error(what, e),
            Ok(v) => panic!("{what}: expected an error, got {v:?}"),
        }
    }

    fn debug(&mut self, what: &str, v: &dyn std::fmt::Debug) {
        self.text(format!("Debug of {what}"), format!("{v:?}"));
        self.text(format!("pretty Debug of {what}"), format!("{v:#?}"));
    }

    fn finish(&self) -> (usize, usize) {
        let mut found = Vec::new();
        let mut bytes = 0;
        for (what, text) in &self.texts {
            bytes += text.len();
            for (name, secret) in &self.secrets {
                for f in forms(secret) {
                    if contains(text, &f) {
                        found.push(format!("{name} in {what}"));
                    }
                }
            }
        }
        println!(
            "FIGURE item8 texts={} bytes_scanned={bytes} secrets={} occurrences={}",
            self.texts.len(),
            self.secrets.len(),
            found.len()
        );
        assert!(found.is_empty(), "secrets leaked: {found:#?}");
        (self.texts.len(), bytes)
    }
}

#[test]
fn no_secret_leaks_anywhere() {
    let s = scratch();
    let alarms = Arc::new(Mutex::new(Vec::new()));
    let options = Options {
        audit: AuditOptions::default(),
        ..opts()
    };
    let mut scan = Scan {
        secrets: vec![
            ("passphrase", PASS.to_vec()),
            ("new passphrase", NEW_PASS.to_vec()),
            ("wrong passphrase", WRONG_PASS.to_vec()),
            ("plaintext", PLAINTEXT.to_vec()),
        ],
        texts: Vec::new(),
    };
    // Creating: a passphrase too long, an existing path.
    let long: Vec<u8> = PASS.iter().copied().cycle().take(1025).collect();
    scan.err(
        "create, passphrase too long",
        Keystore::create(&s.path, &long, &options),
    );
    let ks = Keystore::create(&s.path, PASS, &options).unwrap();
    scan.err(
        "create over an existing file",
        Keystore::create(&s.path, PASS, &options),
    );
    {
        let a = alarms.clone();
        ks.set_alarm(Some(Box::new(move |e| {
            a.lock().unwrap().push(format!("{e:?}"))
        })));
    }
    let key = ks
        .create_key(&CreateKey {
            description: "secrets check".into(),
            ..Default::default()
        })
        .unwrap();
    let k = key.key_id.clone();
    let ctx = EncryptionContext::from_pairs([("purpose", "leak check")]).unwrap();
    let blob = ks.encrypt(&k, PLAINTEXT, Some(&ctx)).unwrap();
    let dec = ks.decrypt(&blob, Some(&ctx), None).unwrap();
    assert_eq!(dec.plaintext.as_bytes(), PLAINTEXT);
    let dk = ks.generate_data_key(&k, None, None, Some(&ctx)).unwrap();
    scan.secrets
        .push(("data-key plaintext", dk.plaintext.as_bytes().to_vec()));
    let dk_blob = ks
        .generate_data_key_without_plaintext(&k, None, Some(64), None)
        .unwrap();
    let backing = ks.insecure_backing_key_for_tests(&k, 1).unwrap();
    scan.secrets.push(("backing key", backing.to_vec()));
    let re = ks.re_encrypt(&blob, &k, Some(&ctx), None, None).unwrap();

    // Error paths that carry a secret in their input.
    scan.err(
        "open, wrong passphrase",
        Keystore::open(&s.path, WRONG_PASS, &options),
    );
    scan.err(
        "open while open (Locked path, same process)",
        Keystore::open(&s.path, PASS, &options),
    );
    scan.err(
        "change_passphrase, wrong old",
        ks.change_passphrase(WRONG_PASS, NEW_PASS),
    );
    scan.err(
        "change_passphrase, new too long",
        ks.change_passphrase(PASS, &long),
    );
    let big: Vec<u8> = PLAINTEXT.iter().copied().cycle().take(4097).collect();
    scan.err("encrypt, plaintext too long", ks.encrypt(&k, &big, None));
    scan.err("encrypt, empty plaintext", ks.encrypt(&k, b"", None));
    scan.err(
        "encrypt, unknown key",
        ks.encrypt("alias/none", PLAINTEXT, None),
    );
    // (A key id is not secret: errors name the key id they were given, by design.)
    scan.err("decrypt, no context", ks.decrypt(&blob, None, None));
    let mut tampered = blob.clone();
    *tampered.last_mut().unwrap() ^= 1;
    scan.err("decrypt, tampered", ks.decrypt(&tampered, Some(&ctx), None));
    scan.err(
        "decrypt, the plaintext as a blob",
        ks.decrypt(PLAINTEXT, None, None),
    );
    scan.err(
        "decrypt, the data key as a blob",
        ks.decrypt(dk.plaintext.as_bytes(), None, None),
    );
    let other = ks.create_key(&CreateKey::default()).unwrap().key_id;
    scan.err(
        "decrypt, incorrect key",
        ks.decrypt(&blob, Some(&ctx), Some(&other)),
    );
    scan.err(
        "re_encrypt, no context",
        ks.re_encrypt(&blob, &other, None, None, None),
    );
    scan.err(
        "generate_data_key, both sizes",
        ks.generate_data_key(&k, Some(strongroom::DataKeySpec::Aes256), Some(32), None),
    );
    ks.disable_key(&k).unwrap();
    scan.err("encrypt, disabled key", ks.encrypt(&k, PLAINTEXT, None));
    scan.err("decrypt, disabled key", ks.decrypt(&blob, Some(&ctx), None));
    scan.err(
        "generate_data_key, disabled key",
        ks.generate_data_key(&k, None, None, None),
    );
    scan.err(
        "re_encrypt, disabled source",
        ks.re_encrypt(&blob, &other, Some(&ctx), None, None),
    );
    ks.enable_key(&k).unwrap();
    ks.schedule_key_deletion(&other, Some(7)).unwrap();
    scan.err(
        "encrypt, pending deletion",
        ks.encrypt(&other, PLAINTEXT, None),
    );
    scan.err(
        "re_encrypt, pending-deletion destination",
        ks.re_encrypt(&blob, &other, Some(&ctx), None, None),
    );
    scan.err("rotate, pending deletion", ks.rotate_key_on_demand(&other));

    // Import: real material (a secret), a wrong token, wrong material, different material.
    let ext = ks
        .create_key(&CreateKey {
            origin: Some(strongroom::Origin::External),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let material = ks.generate_random(32).unwrap().as_bytes().to_vec();
    scan.secrets
        .push(("imported key material", material.clone()));
    let p = ks
        .get_parameters_for_import(
            &ext,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
        .unwrap();
    let wrap = |m: &[u8], public: &[u8]| {
        let key =
            OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(public).unwrap()).unwrap();
        let mut out = vec![0u8; key.ciphertext_size()];
        key.encrypt(&OAEP_SHA256_MGF1SHA256, m, &mut out, None)
            .unwrap()
            .to_vec()
    };
    let model = ExpirationModel::KeyMaterialDoesNotExpire;
    scan.err(
        "import, the material as the token",
        ks.import_key_material(
            &ext,
            &material,
            &wrap(&material, &p.public_key),
            model,
            None,
        ),
    );
    scan.err(
        "import, the plaintext as wrapped material",
        ks.import_key_material(&ext, &p.import_token, PLAINTEXT, model, None),
    );
    let p = ks
        .get_parameters_for_import(
            &ext,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
        .unwrap();
    ks.import_key_material(
        &ext,
        &p.import_token,
        &wrap(&material, &p.public_key),
        model,
        None,
    )
    .unwrap();
    let mut different = material.clone();
    different[0] ^= 1;
    let p = ks
        .get_parameters_for_import(
            &ext,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
        .unwrap();
    scan.err(
        "import, different material",
        ks.import_key_material(
            &ext,
            &p.import_token,
            &wrap(&different, &p.public_key),
            model,
            None,
        ),
    );
    let ext_blob = ks.encrypt(&ext, PLAINTEXT, None).unwrap();
    assert_eq!(
        ks.decrypt(&ext_blob, None, None)
            .unwrap()
            .plaintext
            .as_bytes(),
        PLAINTEXT
    );
    ks.change_passphrase(PASS, NEW_PASS).unwrap();

    // Debug of every public type that holds or sits next to a secret.
    let clock = ManualClock::new(Timestamp::from_unix_millis(0));
    scan.debug("Keystore", &ks);
    scan.debug("Options", &options);
    scan.debug("KeyMetadata", &key);
    scan.debug("Decrypted", &dec);
    scan.debug("SecretBytes (plaintext)", &dec.plaintext);
    scan.debug("DataKey", &dk);
    scan.debug("SecretBytes (data key)", &dk.plaintext);
    scan.debug("DataKeyWithoutPlaintext", &dk_blob);
    scan.debug("ReEncrypted", &re);
    scan.debug("ParametersForImport", &p);
    scan.debug(
        "KeyRotationStatus",
        &ks.get_key_rotation_status(&k).unwrap(),
    );
    ks.rotate_key_on_demand(&k).unwrap();
    scan.debug("RotationsListEntry", &ks.list_key_rotations(&k).unwrap());
    ks.create_alias("alias/secrets", &k).unwrap();
    scan.debug("AliasListEntry", &ks.list_aliases(None).unwrap());
    scan.debug("EncryptionContext", &ctx);
    scan.debug("CreateKey", &CreateKey::default());
    scan.debug("KdfParams", &KdfParams::INSECURE_FAST_FOR_TESTS);
    scan.debug("ManualClock", &clock);
    scan.debug("SystemClock", &SystemClock);
    scan.debug("AuditFilter", &AuditFilter::default());
    scan.debug("AuditOptions", &AuditOptions::default());
    scan.debug("list_keys", &ks.list_keys().unwrap());
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    assert!(events.len() > 40, "the audit trail recorded the calls");
    scan.debug("AuditEvent (all)", &events);
    let mut jsonl = Vec::new();
    let n = ks
        .export_audit_jsonl(&AuditFilter::default(), &mut jsonl)
        .unwrap();
    assert_eq!(n as usize, events.len());
    scan.text("the audit export (JSON Lines)", &jsonl);
    let alarm_texts = alarms.lock().unwrap().clone();
    assert!(alarm_texts.len() >= 5, "the alarm saw the refused uses");
    for (i, a) in alarm_texts.iter().enumerate() {
        scan.text(format!("alarm event {i}"), a);
    }
    ks.close().unwrap();
    let file = std::fs::read(&s.path).unwrap();
    scan.text("the keystore file's bytes after close", &file);
    // Every file left in the directory (no side files hold secrets either).
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        let p = entry.unwrap().path();
        scan.text(format!("file {}", p.display()), std::fs::read(&p).unwrap());
    }
    let reopened = Keystore::open(&s.path, NEW_PASS, &options).unwrap();
    scan.err(
        "open with the old passphrase after the change",
        Keystore::open(&s.path, PASS, &options),
    );
    reopened.verify_audit().unwrap();
    drop(reopened);
    // The scanner itself finds each secret in each form it looks for.
    for (name, secret) in &scan.secrets {
        for f in forms(secret) {
            let planted = [b"prefix ".as_slice(), &f, b" suffix"].concat();
            assert!(
                forms(secret).iter().any(|g| contains(&planted, g)),
                "{name}"
            );
        }
        let debug_list = format!("{:?}", secret.as_slice());
        assert!(
            forms(secret)
                .iter()
                .any(|g| contains(debug_list.as_bytes(), g)),
            "{name}"
        );
    }
    let (texts, bytes) = scan.finish();
    assert!(
        texts > 80 && bytes > 100_000,
        "the scan shrank: {texts} texts, {bytes} bytes"
    );
}

//! SPEC section 3: keys, references, aliases, the state table's enable/disable cells.

mod common;
use common::*;
use std::sync::Arc;
use strongroom::{
    CreateKey, KeySpec, KeyState, KeyUsage, Keystore, ManualClock, Options, Origin, Timestamp,
};

#[test]
fn create_key_defaults_and_metadata() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_700_000_000_000));
    let s = scratch();
    let ks = Keystore::create(
        &s.path,
        PASS,
        &Options {
            clock: Arc::new(clock.clone()),
            ..opts()
        },
    )
    .unwrap();
    let k = ks
        .create_key(&CreateKey {
            description: "d".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(k.key_id.len(), 36);
    assert_eq!(k.key_id, k.key_id.to_lowercase());
    assert!(uuid::Uuid::parse_str(&k.key_id).is_ok());
    assert_eq!(
        k.arn,
        format!(
            "arn:strongroom:kms:local:{}:key/{}",
            ks.keystore_id(),
            k.key_id
        )
    );
    assert_eq!(k.description, "d");
    assert_eq!(k.key_spec, KeySpec::SymmetricDefault);
    assert_eq!(k.key_usage, KeyUsage::EncryptDecrypt);
    assert_eq!(k.origin, Origin::AwsKms);
    assert_eq!(k.key_state, KeyState::Enabled);
    assert!(k.enabled);
    assert_eq!(
        k.creation_date,
        Timestamp::from_unix_millis(1_700_000_000_000)
    );
    assert_eq!(k.deletion_date, None);
    assert_eq!(ks.describe_key(&k.key_id).unwrap(), k);
}

#[test]
fn description_bounds() {
    let (_s, ks) = new_store();
    let ok = CreateKey {
        description: "ß".repeat(8192),
        ..Default::default()
    };
    assert_eq!(
        ks.create_key(&ok).unwrap().description.chars().count(),
        8192
    );
    let long = CreateKey {
        description: "ß".repeat(8193),
        ..Default::default()
    };
    assert_err(ks.create_key(&long), "Validation");
    assert_eq!(ks.list_keys().unwrap().len(), 1);
}

#[test]
fn unsupported_specs_and_usages() {
    let (_s, ks) = new_store();
    // Ed25519 and ML-DSA keys take no imported material (AWS KMS neither).
    let ed25519 = CreateKey {
        key_spec: Some(KeySpec::EccNistEdwards25519),
        origin: Some(Origin::External),
        ..Default::default()
    };
    assert_err(ks.create_key(&ed25519), "UnsupportedOperation");
    let sign = CreateKey {
        key_usage: Some(KeyUsage::SignVerify),
        ..Default::default()
    };
    assert_err(ks.create_key(&sign), "Validation");
    assert!(ks.list_keys().unwrap().is_empty());
}

#[test]
fn external_origin_waits_for_import() {
    let (_s, ks) = new_store();
    let k = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(k.key_state, KeyState::PendingImport);
    assert!(!k.enabled);
    assert_err(ks.encrypt(&k.key_id, b"x", None), "InvalidState");
    assert_err(ks.enable_key(&k.key_id), "InvalidState");
    assert_err(ks.disable_key(&k.key_id), "InvalidState");
    ks.create_alias("alias/ext", &k.key_id).unwrap();
}

#[test]
fn enable_disable() {
    let (s, ks) = new_store();
    let k = key(&ks);
    let blob = ks.encrypt(&k.key_id, b"x", None).unwrap();
    ks.disable_key(&k.key_id).unwrap();
    let d = ks.describe_key(&k.key_id).unwrap();
    assert_eq!((d.key_state, d.enabled), (KeyState::Disabled, false));
    assert_err(ks.encrypt(&k.key_id, b"x", None), "Disabled");
    assert_err(ks.decrypt(&blob, None, None), "Disabled");
    assert_err(
        ks.generate_data_key(&k.key_id, None, None, None),
        "Disabled",
    );
    assert_err(
        ks.generate_data_key_without_plaintext(&k.key_id, None, None, None),
        "Disabled",
    );
    ks.disable_key(&k.key_id).unwrap(); // idempotent, as in AWS KMS
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(
        ks.describe_key(&k.key_id).unwrap().key_state,
        KeyState::Disabled
    );
    ks.enable_key(&k.key_id).unwrap();
    assert!(ks.describe_key(&k.key_id).unwrap().enabled);
    assert_eq!(
        ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"x"
    );
}

#[test]
fn key_references() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    ks.create_alias("alias/ref", &k.key_id).unwrap();
    let alias_arn = format!("arn:strongroom:kms:local:{}:alias/ref", ks.keystore_id());
    for r in [
        k.key_id.clone(),
        k.arn.clone(),
        "alias/ref".into(),
        alias_arn,
    ] {
        assert_eq!(ks.describe_key(&r).unwrap().key_id, k.key_id, "{r}");
        ks.encrypt(&r, b"x", None).unwrap();
    }
    let other_store = k
        .arn
        .replace(ks.keystore_id(), "00000000-0000-4000-8000-000000000000");
    assert_err(ks.describe_key(&other_store), "NotFound");
    assert_err(ks.describe_key(&k.key_id.to_uppercase()), "NotFound");
    assert_err(ks.describe_key("alias/none"), "NotFound");
    assert_err(
        ks.describe_key("00000000-0000-4000-8000-000000000000"),
        "NotFound",
    );
    assert_err(ks.describe_key("not-a-key"), "NotFound");
    assert_err(ks.describe_key(""), "Validation");
}

#[test]
fn aws_form_arns() {
    let s = scratch();
    let o = Options {
        aws_region: "eu-west-2".into(),
        aws_account_id: "123456789012".into(),
        ..opts()
    };
    let ks = Keystore::create(&s.path, b"pw", &o).unwrap();
    let k = key(&ks);
    ks.create_alias("alias/ref", &k.key_id).unwrap();
    let key_arn = format!("arn:aws:kms:eu-west-2:123456789012:key/{}", k.key_id);
    let alias_arn = "arn:aws:kms:eu-west-2:123456789012:alias/ref";
    assert_eq!(ks.aws_arn(&k.arn), key_arn);
    assert_eq!(
        ks.aws_arn(&ks.list_aliases(None).unwrap()[0].alias_arn),
        alias_arn
    );
    assert_eq!(ks.aws_arn("alias/ref"), "alias/ref");
    assert_eq!(ks.aws_account_id(), "123456789012");
    for r in [key_arn.as_str(), alias_arn] {
        assert_eq!(ks.describe_key(r).unwrap().key_id, k.key_id, "{r}");
    }
    ks.update_alias("alias/ref", &key_arn).unwrap();
    assert_err(ks.update_alias("alias/ref", alias_arn), "Validation");
    for other in [
        key_arn.replace("eu-west-2", "us-east-1"),
        key_arn.replace("123456789012", "111122223333"),
        key_arn.replace("arn:aws:", "arn:aws-cn:"),
    ] {
        let e = ks.describe_key(&other).unwrap_err();
        assert_eq!(e.aws_code(), "InvalidArnException", "{other}");
    }
    for (region, account) in [("", "123456789012"), ("eu-west-2", "12345")] {
        let o = Options {
            aws_region: region.into(),
            aws_account_id: account.into(),
            ..opts()
        };
        let p = s.path.with_extension("other");
        assert_err(Keystore::create(&p, b"pw", &o), "Validation");
        assert!(!p.exists());
    }
}

#[test]
fn alias_lifecycle() {
    let (s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    ks.create_alias("alias/app", &a.key_id).unwrap();
    assert_err(ks.create_alias("alias/app", &b.key_id), "AlreadyExists");
    assert_err(ks.update_alias("alias/none", &b.key_id), "NotFound");
    ks.update_alias("alias/app", &b.arn).unwrap();
    assert_eq!(ks.describe_key("alias/app").unwrap().key_id, b.key_id);
    ks.create_alias("alias/zz", &a.key_id).unwrap();
    let all = ks.list_aliases(None).unwrap();
    assert_eq!(
        all.iter()
            .map(|e| e.alias_name.as_str())
            .collect::<Vec<_>>(),
        ["alias/app", "alias/zz"]
    );
    assert_eq!(all[0].target_key_id, b.key_id);
    assert_eq!(
        all[0].alias_arn,
        format!("arn:strongroom:kms:local:{}:alias/app", ks.keystore_id())
    );
    let of_a = ks.list_aliases(Some(&a.key_id)).unwrap();
    assert_eq!(of_a.len(), 1);
    assert_eq!(of_a[0].alias_name, "alias/zz");
    assert_err(
        ks.list_aliases(Some("00000000-0000-4000-8000-000000000000")),
        "NotFound",
    );
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.list_aliases(None).unwrap().len(), 2);
    ks.delete_alias("alias/app").unwrap();
    assert_err(ks.delete_alias("alias/app"), "NotFound");
    assert_err(ks.describe_key("alias/app"), "NotFound");
    // Deleting an alias leaves its key alone.
    assert_eq!(
        ks.describe_key(&b.key_id).unwrap().key_state,
        KeyState::Enabled
    );
}

#[test]
fn alias_names_and_targets() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    for bad in [
        "alias/",
        "app",
        "alias/a b",
        "alias/aws/x",
        "alias/strongroom/x",
        "alias/ü",
    ] {
        assert_err(ks.create_alias(bad, &k.key_id), "Validation");
    }
    let longest = format!("alias/{}", "a".repeat(250));
    ks.create_alias(&longest, &k.key_id).unwrap();
    assert_err(
        ks.create_alias(&format!("{longest}b"), &k.key_id),
        "Validation",
    );
    ks.create_alias("alias/a", &k.key_id).unwrap();
    assert_err(ks.create_alias("alias/b", "alias/a"), "Validation");
    assert_err(
        ks.create_alias("alias/b", "00000000-0000-4000-8000-000000000000"),
        "NotFound",
    );
    assert_eq!(ks.list_aliases(None).unwrap().len(), 2);
}

#[test]
fn keys_persist_and_list_in_order() {
    let (s, ks) = new_store();
    let mut ids: Vec<String> = (0..5).map(|_| key(&ks).key_id).collect();
    ids.sort();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let listed: Vec<String> = ks
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.key_id)
        .collect();
    assert_eq!(listed, ids);
}

/// Each thread remembers which key a reference reached (keystore::thread_keys); a change of the
/// alias must reach the very next call on that thread, by alias name and by alias ARN.
#[test]
fn crypto_calls_follow_an_alias_at_once() {
    let (_s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    ks.create_alias("alias/live", &a.key_id).unwrap();
    let alias_arn = format!(
        "{}alias/live",
        a.arn.trim_end_matches(&format!("key/{}", a.key_id))
    );
    let reached = |r: &str| {
        let blob = ks.encrypt(r, b"x", None).unwrap();
        ks.decrypt(&blob, None, None).unwrap().key_id
    };
    for r in [
        "alias/live",
        alias_arn.as_str(),
        a.key_id.as_str(),
        a.arn.as_str(),
    ] {
        assert_eq!(reached(r), a.arn, "{r}");
        assert_eq!(reached(r), a.arn, "{r}, again");
    }
    ks.update_alias("alias/live", &b.key_id).unwrap();
    assert_eq!(reached("alias/live"), b.arn);
    assert_eq!(reached(&alias_arn), b.arn);
    assert_eq!(reached(&a.key_id), a.arn);
    ks.delete_alias("alias/live").unwrap();
    assert_err(ks.encrypt("alias/live", b"x", None), "NotFound");
    assert_err(ks.encrypt(&alias_arn, b"x", None), "NotFound");
    ks.create_alias("alias/live", &a.key_id).unwrap();
    assert_eq!(reached("alias/live"), a.arn);
    let under_b = ks.encrypt(&b.key_id, b"x", None).unwrap();
    ks.disable_key(&a.key_id).unwrap();
    assert_err(ks.encrypt("alias/live", b"x", None), "Disabled");
    // Decrypt reaches its key by id, leaving a handle without a reference; an empty reference
    // must still reach no key.
    ks.decrypt(&under_b, None, None).unwrap();
    assert_err(ks.encrypt("", b"x", None), "Validation");
}

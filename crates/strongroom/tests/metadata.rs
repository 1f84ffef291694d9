//! Issue 18 item 4: UpdateKeyDescription, tags (TagResource, UntagResource, ListResourceTags,
//! CreateKey's tags) and GetKeyLastUsage, with their bounds, states and persistence.

mod common;
use common::*;
use std::sync::Arc;
use strongroom::{
    AuditLevel, AuditOptions, CreateKey, DataKeyPairSpec, EncryptionAlgorithm, IncludeKeyMaterial,
    KeyAgreementAlgorithm, KeySpec, KeyUsage, Keystore, MacAlgorithm, ManualClock, MessageType,
    Operation, Options, Origin, PageRequest, SigningAlgorithm, Tag, Timestamp,
};

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn with_clock(clock: &ManualClock) -> Options {
    Options {
        clock: Arc::new(clock.clone()),
        ..opts()
    }
}

fn tags(ks: &Keystore, key: &str) -> Vec<(String, String)> {
    ks.list_resource_tags(key, &PageRequest::default())
        .unwrap()
        .items
        .into_iter()
        .map(|t| (t.tag_key, t.tag_value))
        .collect()
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.into(), v.into())
}

#[test]
fn update_key_description_bounds_states_and_audit() {
    let (s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.update_key_description(&k, "new words").unwrap();
    assert_eq!(ks.describe_key(&k).unwrap().description, "new words");
    ks.update_key_description(&k, "").unwrap();
    assert_eq!(ks.describe_key(&k).unwrap().description, "");
    ks.update_key_description(&k, &"é".repeat(8192)).unwrap();
    assert_err(
        ks.update_key_description(&k, &"é".repeat(8193)),
        "Validation",
    );
    assert_eq!(
        ks.describe_key(&k).unwrap().description.chars().count(),
        8192
    );
    // Allowed while disabled and pending import; refused while pending deletion.
    ks.disable_key(&k).unwrap();
    ks.update_key_description(&k, "disabled").unwrap();
    let ext = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap();
    ks.update_key_description(&ext.key_id, "waiting").unwrap();
    ks.schedule_key_deletion(&k, None).unwrap();
    let e = ks.update_key_description(&k, "x").unwrap_err();
    assert_eq!(e.name(), "InvalidState");
    assert!(e.message().contains("CancelKeyDeletion"), "{e}");
    assert_err(ks.update_key_description("alias/none", "x"), "NotFound");
    let events = ks.audit_events(&Default::default()).unwrap();
    let n = events
        .iter()
        .filter(|e| e.operation == Operation::UpdateKeyDescription.as_str())
        .count();
    assert_eq!(n, 8);
    // Survives a reopen.
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.describe_key(&ext.key_id).unwrap().description, "waiting");
}

#[test]
fn tags_add_replace_remove_and_survive_reopen() {
    let (s, ks) = new_store();
    let k = ks
        .create_key(&CreateKey {
            tags: vec![Tag::new("Team", "blue"), Tag::new("team", "")],
            ..Default::default()
        })
        .unwrap()
        .key_id;
    assert_eq!(tags(&ks, &k), [pair("Team", "blue"), pair("team", "")]);
    ks.tag_resource(&k, &[Tag::new("Team", "red"), Tag::new("Cost", "7")])
        .unwrap();
    assert_eq!(
        tags(&ks, &k),
        [pair("Cost", "7"), pair("Team", "red"), pair("team", "")]
    );
    // Removing a tag key the key does not have is not an error.
    ks.untag_resource(&k, &["team".into(), "absent".into()])
        .unwrap();
    assert_eq!(tags(&ks, &k), [pair("Cost", "7"), pair("Team", "red")]);
    // An alias names the key as well.
    ks.create_alias("alias/tagged", &k).unwrap();
    assert_eq!(tags(&ks, "alias/tagged").len(), 2);
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(tags(&ks, &k), [pair("Cost", "7"), pair("Team", "red")]);
    // A key without tags lists none.
    let plain = key(&ks).key_id;
    let p = ks
        .list_resource_tags(&plain, &PageRequest::default())
        .unwrap();
    assert!(p.items.is_empty() && !p.truncated && p.next_marker.is_none());
}

#[test]
fn tag_bounds_and_errors_change_nothing() {
    let (_s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.tag_resource(&k, &[Tag::new("k".repeat(128), "v".repeat(256))])
        .unwrap();
    for (bad, name) in [
        (Tag::new("", "v"), "Validation"),
        (Tag::new("k".repeat(129), "v"), "Validation"),
        (Tag::new("k", "v".repeat(257)), "Validation"),
        (Tag::new("aws:x", "v"), "InvalidTag"),
        (Tag::new("AWS:x", "v"), "InvalidTag"),
    ] {
        // Together with a valid tag: the whole request is refused.
        assert_err(ks.tag_resource(&k, &[Tag::new("good", "1"), bad]), name);
    }
    assert_err(
        ks.tag_resource(&k, &[Tag::new("d", "1"), Tag::new("d", "2")]),
        "InvalidTag",
    );
    assert_err(ks.tag_resource(&k, &[]), "Validation");
    assert_err(ks.untag_resource(&k, &[]), "Validation");
    assert_err(ks.untag_resource(&k, &["aws:cost".into()]), "InvalidTag");
    assert_err(ks.untag_resource(&k, &[String::new()]), "Validation");
    assert_eq!(tags(&ks, &k).len(), 1);
    // At most 50 tags on a key (re-tagging at the limit replaces).
    let more: Vec<Tag> = (0..49).map(|i| Tag::new(format!("t{i:02}"), "")).collect();
    ks.tag_resource(&k, &more).unwrap();
    ks.tag_resource(&k, &[Tag::new("t00", "again")]).unwrap();
    assert_err(ks.tag_resource(&k, &[Tag::new("t50", "")]), "LimitExceeded");
    assert_eq!(tags(&ks, &k).len(), 50);
    let too_many: Vec<Tag> = (0..51).map(|i| Tag::new(format!("n{i}"), "")).collect();
    assert_err(
        ks.create_key(&CreateKey {
            tags: too_many,
            ..Default::default()
        }),
        "LimitExceeded",
    );
    assert_err(
        ks.create_key(&CreateKey {
            tags: vec![Tag::new("aws:x", "")],
            ..Default::default()
        }),
        "InvalidTag",
    );
    assert_eq!(ks.list_keys().unwrap().len(), 1, "no key was created");
}

#[test]
fn tag_states_and_paging() {
    let (_s, ks) = new_store();
    let k = key(&ks).key_id;
    let many: Vec<Tag> = (0..7).map(|i| Tag::new(format!("k{i}"), "v")).collect();
    ks.tag_resource(&k, &many).unwrap();
    let mut req = PageRequest::first(3);
    let mut seen = Vec::new();
    loop {
        let p = ks.list_resource_tags(&k, &req).unwrap();
        seen.extend(p.items.into_iter().map(|t| t.tag_key));
        if !p.truncated {
            break;
        }
        req.marker = p.next_marker;
    }
    assert_eq!(seen.len(), 7);
    assert_err(
        ks.list_resource_tags(&k, &PageRequest::first(0)),
        "Validation",
    );
    assert_err(
        ks.list_resource_tags(&k, &PageRequest::first(51)),
        "Validation",
    );
    assert!(ks.list_resource_tags(&k, &PageRequest::first(50)).is_ok());
    let bad = PageRequest {
        limit: None,
        marker: Some("not a marker".into()),
    };
    assert_err(ks.list_resource_tags(&k, &bad), "InvalidMarker");
    ks.disable_key(&k).unwrap();
    ks.tag_resource(&k, &[Tag::new("while", "disabled")])
        .unwrap();
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    assert_err(ks.tag_resource(&k, &[Tag::new("x", "")]), "InvalidState");
    assert_err(ks.untag_resource(&k, &["k1".into()]), "InvalidState");
    // Listing is allowed in every state.
    assert_eq!(tags(&ks, &k).len(), 8);
}

#[test]
fn tags_are_destroyed_with_the_key() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &with_clock(&clock)).unwrap();
    let k = ks
        .create_key(&CreateKey {
            tags: vec![Tag::new("secret-project", "aurora")],
            ..Default::default()
        })
        .unwrap()
        .key_id;
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    clock.advance_days(8);
    assert_err(
        ks.list_resource_tags(&k, &PageRequest::default()),
        "NotFound",
    );
    ks.close().unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"aurora"),
        "tags are sealed, never in clear"
    );
}

#[test]
fn last_use_follows_crypto_calls_and_survives_reopen() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &with_clock(&clock)).unwrap();
    let a = key(&ks).key_id;
    let b = key(&ks).key_id;
    let u = ks.get_key_last_usage(&a).unwrap();
    assert_eq!(u.key_id, a);
    assert_eq!(u.key_last_usage, None);
    assert_eq!(u.key_creation_date, Timestamp::from_unix_millis(T0));
    assert_eq!(u.tracking_start_date, Some(Timestamp::from_unix_millis(T0)));
    clock.advance_millis(1000);
    let blob = ks.encrypt(&a, b"x", None).unwrap();
    let last = |ks: &Keystore, k: &str| {
        let u = ks.get_key_last_usage(k).unwrap().key_last_usage.unwrap();
        (u.operation, u.timestamp.unix_millis() - T0)
    };
    assert_eq!(last(&ks, &a), (Operation::Encrypt, 1000));
    clock.advance_millis(1000);
    ks.decrypt(&blob, None, None).unwrap();
    assert_eq!(last(&ks, &a), (Operation::Decrypt, 2000));
    // A failed use is not a use.
    clock.advance_millis(1000);
    let ctx = strongroom::EncryptionContext::from_pairs([("k", "v")]).unwrap();
    assert!(ks.decrypt(&blob, Some(&ctx), None).is_err());
    assert_eq!(last(&ks, &a), (Operation::Decrypt, 2000));
    // ReEncrypt uses both keys.
    ks.re_encrypt(&blob, &b, None, None, None).unwrap();
    assert_eq!(last(&ks, &a), (Operation::ReEncrypt, 3000));
    assert_eq!(last(&ks, &b), (Operation::ReEncrypt, 3000));
    clock.advance_millis(1000);
    ks.generate_data_key_without_plaintext(&b, None, None, None)
        .unwrap();
    assert_eq!(
        last(&ks, &b),
        (Operation::GenerateDataKeyWithoutPlaintext, 4000)
    );
    // Describing or tagging a key is not a cryptographic use.
    clock.advance_millis(1000);
    ks.describe_key(&b).unwrap();
    ks.tag_resource(&b, &[Tag::new("t", "")]).unwrap();
    assert_eq!(last(&ks, &b).1, 4000);
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(last(&ks, &a), (Operation::ReEncrypt, 3000));
    assert_eq!(
        last(&ks, &b),
        (Operation::GenerateDataKeyWithoutPlaintext, 4000)
    );
    // An older use noted after a newer one was committed does not replace it.
    clock.set(Timestamp::from_unix_millis(T0 + 500));
    ks.encrypt(&a, b"x", None).unwrap();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(last(&ks, &a), (Operation::ReEncrypt, 3000));
    assert_err(ks.get_key_last_usage("alias/none"), "NotFound");
}

#[test]
fn last_use_counts_asymmetric_and_hmac_uses() {
    // AWS's GetKeyLastUsage reports the last successful cryptographic operation of any kind:
    // Sign, Verify, GenerateMac, VerifyMac, DeriveSharedSecret, RSA Encrypt/Decrypt and the
    // data key pairs count; GetPublicKey and a failed verification do not.
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &with_clock(&clock)).unwrap();
    let create = |spec, usage| {
        ks.create_key(&CreateKey {
            key_spec: Some(spec),
            key_usage: usage,
            ..Default::default()
        })
        .unwrap()
        .key_id
    };
    let last = |ks: &Keystore, k: &str| {
        let u = ks.get_key_last_usage(k).unwrap().key_last_usage.unwrap();
        (u.operation, u.timestamp.unix_millis() - T0)
    };
    let signer = create(KeySpec::EccNistP256, Some(KeyUsage::SignVerify));
    let alg = SigningAlgorithm::EcdsaSha256;
    ks.get_public_key(&signer).unwrap();
    assert_eq!(ks.get_key_last_usage(&signer).unwrap().key_last_usage, None);
    clock.advance_millis(1);
    let sig = ks
        .sign(&signer, b"m", MessageType::Raw, alg)
        .unwrap()
        .signature;
    assert_eq!(last(&ks, &signer), (Operation::Sign, 1));
    clock.advance_millis(1);
    ks.verify(&signer, b"m", MessageType::Raw, &sig, alg)
        .unwrap();
    assert_eq!(last(&ks, &signer), (Operation::Verify, 2));
    clock.advance_millis(1);
    assert_err(
        ks.verify(&signer, b"n", MessageType::Raw, &sig, alg),
        "KMSInvalidSignature",
    );
    assert_eq!(last(&ks, &signer), (Operation::Verify, 2));

    let h = create(KeySpec::Hmac256, None);
    let mac = ks
        .generate_mac(&h, b"m", MacAlgorithm::HmacSha256)
        .unwrap()
        .mac;
    assert_eq!(last(&ks, &h), (Operation::GenerateMac, 3));
    clock.advance_millis(1);
    ks.verify_mac(&h, b"m", MacAlgorithm::HmacSha256, &mac)
        .unwrap();
    assert_eq!(last(&ks, &h), (Operation::VerifyMac, 4));

    let agree = create(KeySpec::EccNistP256, Some(KeyUsage::KeyAgreement));
    let peer = ks.get_public_key(&signer).unwrap().public_key;
    ks.derive_shared_secret(&agree, KeyAgreementAlgorithm::Ecdh, &peer)
        .unwrap();
    assert_eq!(last(&ks, &agree), (Operation::DeriveSharedSecret, 4));

    let rsa = create(KeySpec::Rsa2048, None);
    let oaep = EncryptionAlgorithm::RsaesOaepSha256;
    let ct = ks
        .encrypt_with_algorithm(&rsa, b"x", None, oaep)
        .unwrap()
        .ciphertext_blob;
    assert_eq!(last(&ks, &rsa), (Operation::Encrypt, 4));
    clock.advance_millis(1);
    ks.decrypt_with_algorithm(&ct, None, Some(&rsa), oaep)
        .unwrap();
    assert_eq!(last(&ks, &rsa), (Operation::Decrypt, 5));

    let sym = key(&ks).key_id;
    ks.generate_data_key_pair(&sym, None, DataKeyPairSpec::EccNistP256)
        .unwrap();
    assert_eq!(last(&ks, &sym), (Operation::GenerateDataKeyPair, 5));
    clock.advance_millis(1);
    ks.generate_data_key_pair_without_plaintext(&sym, None, DataKeyPairSpec::EccNistP256)
        .unwrap();
    assert_eq!(
        last(&ks, &sym),
        (Operation::GenerateDataKeyPairWithoutPlaintext, 6)
    );
    // The new operation codes survive a reopen (docs/FORMAT.md section 4, `key_last_use`).
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(last(&ks, &signer), (Operation::Verify, 2));
    assert_eq!(last(&ks, &h), (Operation::VerifyMac, 4));
    assert_eq!(last(&ks, &agree), (Operation::DeriveSharedSecret, 4));
    assert_eq!(last(&ks, &rsa), (Operation::Decrypt, 5));
    assert_eq!(
        last(&ks, &sym),
        (Operation::GenerateDataKeyPairWithoutPlaintext, 6)
    );
}

#[test]
fn last_use_at_summary_level_and_tampering() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let summary = Options {
        audit: AuditOptions {
            level: AuditLevel::Summary,
            ..Default::default()
        },
        ..with_clock(&clock)
    };
    let ks = Keystore::create(&s.path, PASS, &summary).unwrap();
    let a = key(&ks).key_id;
    clock.advance_millis(5);
    for _ in 0..3 {
        ks.encrypt(&a, b"x", None).unwrap();
    }
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &summary).unwrap();
    let u = ks.get_key_last_usage(&a).unwrap().key_last_usage.unwrap();
    assert_eq!(
        u.timestamp.unix_millis(),
        T0 + 5,
        "exact, not the interval's start"
    );
    ks.close().unwrap();
    // A row moved to another key does not verify.
    let b = {
        let ks = Keystore::open(&s.path, PASS, &summary).unwrap();
        let b = key(&ks).key_id;
        ks.close().unwrap();
        b
    };
    {
        use redb::ReadableTable;
        use strongroom::insecure_test_tables::LAST_USE;
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(LAST_USE).unwrap();
            let id = uuid_u128(&a);
            let row = t.get(id).unwrap().unwrap().value().to_vec();
            t.insert(uuid_u128(&b), row.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &summary).unwrap();
    assert_err(ks.get_key_last_usage(&b), "Corrupt");
}

#[test]
fn last_use_with_audit_off_is_known_to_the_session_only() {
    let s = scratch();
    let off = Options {
        audit: AuditOptions {
            level: AuditLevel::Off,
            ..Default::default()
        },
        ..opts()
    };
    let ks = Keystore::create(&s.path, PASS, &off).unwrap();
    let a = key(&ks).key_id;
    ks.encrypt(&a, b"x", None).unwrap();
    let u = ks.get_key_last_usage(&a).unwrap();
    assert_eq!(u.key_last_usage.unwrap().operation, Operation::Encrypt);
    assert_eq!(u.tracking_start_date, None);
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &off).unwrap();
    assert_eq!(ks.get_key_last_usage(&a).unwrap().key_last_usage, None);
}

fn uuid_u128(id: &str) -> u128 {
    u128::from_str_radix(&id.replace('-', ""), 16).unwrap()
}

#[test]
fn keys_aliases_and_rotations_page_by_the_core_rule() {
    let (_s, ks) = new_store();
    let ids: Vec<String> = (0..5).map(|_| key(&ks).key_id).collect();
    for (i, id) in ids.iter().enumerate() {
        ks.create_alias(&format!("alias/a{i}"), id).unwrap();
    }
    ks.rotate_key_on_demand(&ids[0]).unwrap();
    ks.rotate_key_on_demand(&ids[0]).unwrap();
    let mut req = PageRequest::first(2);
    let mut keys = Vec::new();
    loop {
        let p = ks.list_keys_page(&req).unwrap();
        keys.extend(p.items.into_iter().map(|k| k.key_id));
        if !p.truncated {
            break;
        }
        req.marker = p.next_marker;
    }
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let p = ks.list_aliases_page(None, &PageRequest::first(3)).unwrap();
    assert_eq!(p.items.len(), 3);
    assert!(p.truncated);
    let rest = ks
        .list_aliases_page(
            None,
            &PageRequest {
                limit: None,
                marker: p.next_marker,
            },
        )
        .unwrap();
    assert_eq!(rest.items.len(), 2);
    assert!(!rest.truncated);
    let r = ks
        .list_key_rotations_page(
            &ids[0],
            IncludeKeyMaterial::RotationsOnly,
            &PageRequest::first(1),
        )
        .unwrap();
    assert_eq!((r.items.len(), r.truncated), (1, true));
    for (list, max) in [("keys", 1000), ("aliases", 100), ("rotations", 1000)] {
        let over = PageRequest::first(max + 1);
        let at = PageRequest::first(max);
        let (a, b) = match list {
            "keys" => (
                ks.list_keys_page(&at).map(drop),
                ks.list_keys_page(&over).map(drop),
            ),
            "aliases" => (
                ks.list_aliases_page(None, &at).map(drop),
                ks.list_aliases_page(None, &over).map(drop),
            ),
            _ => (
                ks.list_key_rotations_page(&ids[0], IncludeKeyMaterial::RotationsOnly, &at)
                    .map(drop),
                ks.list_key_rotations_page(&ids[0], IncludeKeyMaterial::RotationsOnly, &over)
                    .map(drop),
            ),
        };
        a.unwrap();
        assert_err(b, "Validation");
    }
    let bad = PageRequest {
        limit: None,
        marker: Some("zz".into()),
    };
    assert_err(ks.list_keys_page(&bad), "InvalidMarker");
    assert_err(ks.list_aliases_page(None, &bad), "InvalidMarker");
    // A marker is good only for the list that returned it, as AWS KMS's are.
    let keys_marker = PageRequest {
        limit: None,
        marker: ks
            .list_keys_page(&PageRequest::first(1))
            .unwrap()
            .next_marker,
    };
    assert!(keys_marker.marker.is_some());
    assert_err(ks.list_aliases_page(None, &keys_marker), "InvalidMarker");
    assert_err(
        ks.list_key_rotations_page(&ids[0], IncludeKeyMaterial::RotationsOnly, &keys_marker),
        "InvalidMarker",
    );
    assert_err(
        ks.list_resource_tags(&ids[0], &keys_marker),
        "InvalidMarker",
    );
    ks.list_keys_page(&keys_marker).unwrap();
}

//! Dry runs (AWS KMS's `DryRun`, `Keystore::dry_run`): every operation AWS lets dry-run is
//! checked completely and changes nothing (key state, grants, last use, the file), answers
//! `DryRunOperation` where it would have succeeded and its real error where it would have failed,
//! and is recorded in the audit trail with that outcome.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use strongroom::{
    AccessRequest, AuditFilter, CreateGrant, CreateKey, DataKeyPairSpec, DataKeySpec,
    EncryptionAlgorithm, EncryptionContext, GrantConstraints, GrantOperation,
    KeyAgreementAlgorithm, KeySpec, KeyUsage, Keystore, MacAlgorithm, ManualClock, MessageType,
    Operation, Options, Principal, SigningAlgorithm, Timestamp,
};

const ACCOUNT: &str = "111122223333";

fn create(ks: &Keystore, spec: KeySpec, usage: Option<KeyUsage>) -> String {
    ks.create_key(&CreateKey {
        key_spec: Some(spec),
        key_usage: usage,
        ..CreateKey::default()
    })
    .unwrap()
    .key_id
}

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    let m: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EncryptionContext::from_map(m).unwrap()
}

/// What a dry run must leave as it was: the key's metadata and grants, its last use.
fn snapshot(ks: &Keystore, key: &str) -> String {
    format!(
        "{:?} {:?} {:?}",
        ks.describe_key(key).unwrap(),
        ks.list_grants(key, None, None).unwrap(),
        ks.get_key_last_usage(key).unwrap().key_last_usage
    )
}

/// Runs `f` as a dry run and asserts it answered `DryRunOperation` with AWS's message.
#[track_caller]
fn would_succeed<T: std::fmt::Debug>(ks: &Keystore, f: impl FnOnce() -> strongroom::Result<T>) {
    match ks.dry_run(f) {
        Err(strongroom::Error::DryRunOperation(m)) => assert_eq!(
            m,
            "The request would have succeeded, but the DryRun option is set."
        ),
        other => panic!("expected DryRunOperation, got {other:?}"),
    }
}

#[test]
fn every_cryptographic_operation_answers_dry_run_and_records_no_use() {
    let (_s, ks) = new_store();
    let sym = key(&ks).key_id;
    let sym2 = key(&ks).key_id;
    let signing = create(&ks, KeySpec::EccNistP256, Some(KeyUsage::SignVerify));
    let mac_key = create(&ks, KeySpec::Hmac256, None);
    let agree = create(&ks, KeySpec::EccNistP256, Some(KeyUsage::KeyAgreement));
    let peer = create(&ks, KeySpec::EccNistP256, Some(KeyUsage::KeyAgreement));
    let rsa = create(&ks, KeySpec::Rsa2048, Some(KeyUsage::EncryptDecrypt));
    let c = ctx(&[("tenant", "acme")]);
    // Made before any snapshot: the material every check below needs.
    let blob = ks.encrypt(&sym, b"secret", Some(&c)).unwrap();
    let sig = ks
        .sign(
            &signing,
            b"msg",
            MessageType::Raw,
            SigningAlgorithm::EcdsaSha256,
        )
        .unwrap()
        .signature;
    let mac = ks
        .generate_mac(&mac_key, b"msg", MacAlgorithm::HmacSha256)
        .unwrap()
        .mac;
    let peer_public = ks.get_public_key(&peer).unwrap().public_key;
    let rsa_blob = ks
        .encrypt_with_algorithm(&rsa, b"x", None, EncryptionAlgorithm::RsaesOaepSha256)
        .unwrap()
        .ciphertext_blob;
    let keys = [&sym, &sym2, &signing, &mac_key, &agree, &rsa];
    let before: Vec<String> = keys.iter().map(|k| snapshot(&ks, k)).collect();
    // Recorded uses so far, to compare with after the dry runs.
    let uses = |k: &str| ks.get_key_last_usage(k).unwrap().key_last_usage;
    let sym2_use = uses(&sym2);
    assert!(sym2_use.is_none(), "sym2 is unused so far");

    would_succeed(&ks, || ks.encrypt(&sym2, b"x", None));
    would_succeed(&ks, || {
        ks.encrypt_with_algorithm(&sym2, b"x", None, EncryptionAlgorithm::SymmetricDefault)
    });
    would_succeed(&ks, || ks.decrypt(&blob, Some(&c), None));
    would_succeed(&ks, || {
        ks.decrypt_with_algorithm(
            &rsa_blob,
            None,
            Some(&rsa),
            EncryptionAlgorithm::RsaesOaepSha256,
        )
    });
    would_succeed(&ks, || ks.re_encrypt(&blob, &sym2, Some(&c), None, None));
    would_succeed(&ks, || {
        ks.generate_data_key(&sym2, Some(DataKeySpec::Aes256), None, None)
    });
    would_succeed(&ks, || {
        ks.generate_data_key_without_plaintext(&sym2, None, Some(16), None)
    });
    would_succeed(&ks, || {
        ks.generate_data_key_pair(&sym2, None, DataKeyPairSpec::EccNistP256)
    });
    would_succeed(&ks, || {
        ks.generate_data_key_pair_without_plaintext(&sym2, None, DataKeyPairSpec::Rsa4096)
    });
    would_succeed(&ks, || {
        ks.sign(
            &signing,
            b"m",
            MessageType::Raw,
            SigningAlgorithm::EcdsaSha256,
        )
    });
    would_succeed(&ks, || {
        ks.verify(
            &signing,
            b"msg",
            MessageType::Raw,
            &sig,
            SigningAlgorithm::EcdsaSha256,
        )
    });
    would_succeed(&ks, || {
        ks.generate_mac(&mac_key, b"m", MacAlgorithm::HmacSha256)
    });
    would_succeed(&ks, || {
        ks.verify_mac(&mac_key, b"msg", MacAlgorithm::HmacSha256, &mac)
    });
    would_succeed(&ks, || {
        ks.derive_shared_secret(&agree, KeyAgreementAlgorithm::Ecdh, &peer_public)
    });
    // The buffer forms leave nothing in the caller's buffer.
    let mut out = [0xAAu8; 6];
    would_succeed(&ks, || ks.decrypt_into(&blob, Some(&c), None, &mut out));
    assert_eq!(out, [0; 6], "a dry run leaves no plaintext behind");
    let mut out = vec![0u8; 1 + strongroom::BLOB_OVERHEAD];
    would_succeed(&ks, || ks.encrypt_into(&sym2, b"x", None, &mut out));

    let after: Vec<String> = keys.iter().map(|k| snapshot(&ks, k)).collect();
    assert_eq!(before, after, "a dry run changes no key and records no use");
    assert!(uses(&sym2).is_none());
    // The dry runs are in the trail with their outcome.
    let events = ks
        .audit_events(&AuditFilter {
            outcome: Some("DryRunOperation".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(events.len(), 16, "{events:?}");
    assert!(events.iter().any(
        |e| e.operation == "DeriveSharedSecret" && e.key_id.as_deref() == Some(agree.as_str())
    ));
    // The same calls for real do record a use (the check above can fail).
    ks.encrypt(&sym2, b"x", None).unwrap();
    assert_eq!(uses(&sym2).unwrap().operation, Operation::Encrypt);
}

#[test]
fn a_dry_run_that_would_fail_gives_the_real_error() {
    let (_s, ks) = new_store();
    let sym = key(&ks).key_id;
    let signing = create(&ks, KeySpec::EccNistP256, Some(KeyUsage::SignVerify));
    let mac_key = create(&ks, KeySpec::Hmac256, None);
    let c = ctx(&[("tenant", "acme")]);
    let blob = ks.encrypt(&sym, b"secret", Some(&c)).unwrap();
    let other = ctx(&[("tenant", "evil")]);

    // A bad context: the ciphertext does not authenticate.
    assert_err(
        ks.dry_run(|| ks.decrypt(&blob, Some(&other), None)),
        "InvalidCiphertext",
    );
    assert_err(
        ks.dry_run(|| ks.decrypt(&blob, None, None)),
        "InvalidCiphertext",
    );
    // The wrong usage, the wrong algorithm, a missing key, bad arguments.
    assert_err(
        ks.dry_run(|| ks.sign(&sym, b"m", MessageType::Raw, SigningAlgorithm::EcdsaSha256)),
        "InvalidKeyUsage",
    );
    assert_err(
        ks.dry_run(|| ks.encrypt(&signing, b"m", None)),
        "InvalidKeyUsage",
    );
    assert_err(
        ks.dry_run(|| ks.generate_mac(&mac_key, b"m", MacAlgorithm::HmacSha512)),
        "InvalidKeyUsage",
    );
    assert_err(
        ks.dry_run(|| ks.encrypt("alias/none", b"m", None)),
        "NotFound",
    );
    assert_err(ks.dry_run(|| ks.encrypt(&sym, b"", None)), "Validation");
    // An invalid signature or MAC is still invalid.
    assert_err(
        ks.dry_run(|| {
            ks.verify(
                &signing,
                b"m",
                MessageType::Raw,
                b"bad",
                SigningAlgorithm::EcdsaSha256,
            )
        }),
        "KMSInvalidSignature",
    );
    assert_err(
        ks.dry_run(|| ks.verify_mac(&mac_key, b"m", MacAlgorithm::HmacSha256, &[0; 32])),
        "KMSInvalidMac",
    );
    // A disabled key, and one pending deletion.
    ks.disable_key(&sym).unwrap();
    assert_err(ks.dry_run(|| ks.encrypt(&sym, b"m", None)), "Disabled");
    assert_err(ks.dry_run(|| ks.decrypt(&blob, Some(&c), None)), "Disabled");
    ks.schedule_key_deletion(&signing, Some(7)).unwrap();
    assert_err(
        ks.dry_run(|| {
            ks.sign(
                &signing,
                b"m",
                MessageType::Raw,
                SigningAlgorithm::EcdsaSha256,
            )
        }),
        "InvalidState",
    );
    // Each refusal is in the trail with its own outcome, none as a dry run.
    let dry = ks
        .audit_events(&AuditFilter {
            outcome: Some("DryRunOperation".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert!(dry.is_empty(), "{dry:?}");
    assert!(
        ks.get_key_last_usage(&sym)
            .unwrap()
            .key_last_usage
            .is_some()
    ); // the setup's encrypt
    assert!(
        ks.get_key_last_usage(&mac_key)
            .unwrap()
            .key_last_usage
            .is_none()
    );
}

#[test]
fn grant_operations_change_nothing_in_a_dry_run() {
    let (_s, ks) = new_store();
    ks.create_user("app").unwrap();
    let k = key(&ks).key_id;
    let grantee = format!("arn:aws:iam::{ACCOUNT}:user/app");
    let req = CreateGrant {
        key_id: k.clone(),
        grantee_principal: grantee.clone(),
        retiring_principal: None,
        operations: vec![GrantOperation::Encrypt],
        constraints: None,
        name: Some("n".into()),
    };
    would_succeed(&ks, || ks.create_grant(&req));
    assert!(ks.list_grants(&k, None, None).unwrap().is_empty());
    let g = ks.create_grant(&req).unwrap();
    let before = snapshot(&ks, &k);
    // The same named grant again would return the existing one: still a dry run.
    would_succeed(&ks, || ks.create_grant(&req));
    would_succeed(&ks, || ks.retire_grant(Some(&g.grant_token), None, None));
    would_succeed(&ks, || ks.retire_grant(None, Some(&k), Some(&g.grant_id)));
    would_succeed(&ks, || ks.revoke_grant(&k, &g.grant_id));
    assert_eq!(snapshot(&ks, &k), before, "the grant is still there");
    // What would fail fails as it would.
    assert_err(
        ks.dry_run(|| ks.revoke_grant(&k, "no-such-grant")),
        "NotFound",
    );
    assert_err(
        ks.dry_run(|| {
            ks.create_grant(&CreateGrant {
                grantee_principal: format!("arn:aws:iam::{ACCOUNT}:user/nobody"),
                ..req.clone()
            })
        }),
        "Validation",
    );
    ks.schedule_key_deletion(&k, None).unwrap();
    assert_err(ks.dry_run(|| ks.create_grant(&req)), "InvalidState");
    assert_eq!(ks.list_grants(&k, None, None).unwrap().len(), 1);
    // For real, the grant goes.
    ks.cancel_key_deletion(&k).unwrap();
    ks.revoke_grant(&k, &g.grant_id).unwrap();
    assert!(ks.list_grants(&k, None, None).unwrap().is_empty());
}

#[test]
fn the_permission_check_and_grant_constraints_decide_before_the_dry_run() {
    let (_s, ks) = new_store();
    ks.create_user("app").unwrap();
    ks.create_user("stranger").unwrap();
    ks.create_user("admin").unwrap();
    let k = key(&ks).key_id;
    let app = Principal::user(ACCOUNT, "app");
    let stranger = Principal::user(ACCOUNT, "stranger");
    ks.put_key_policy(
        &k,
        None,
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [
              {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:user/admin"}},
                "Action": "kms:*", "Resource": "*"}},
              {{"Effect": "Deny", "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:user/stranger"}},
                "Action": "kms:*", "Resource": "*"}}]}}"#
        ),
        false,
    )
    .unwrap();
    let g = ks
        .create_grant(&CreateGrant {
            key_id: k.clone(),
            grantee_principal: format!("arn:aws:iam::{ACCOUNT}:user/app"),
            retiring_principal: None,
            operations: vec![GrantOperation::Encrypt],
            constraints: Some(
                GrantConstraints::from_json(r#"{"EncryptionContextSubset": {"tenant": "acme"}}"#)
                    .unwrap(),
            ),
            name: None,
        })
        .unwrap();
    // As the server runs a request: the check, then the operation as a dry run.
    let call = |who: &Principal, c: Option<&EncryptionContext>, tokens: &[String]| {
        ks.authorize(
            who,
            &AccessRequest {
                operation: Operation::Encrypt,
                action: "Encrypt",
                key_id: &k,
                encryption_context: c,
                grant_tokens: tokens,
                grant_operations: &[],
            },
        )?;
        ks.dry_run(|| ks.encrypt(&k, b"x", c))
    };
    let acme = ctx(&[("tenant", "acme")]);
    let other = ctx(&[("tenant", "other")]);
    let token = vec![g.grant_token.clone()];
    assert_err(call(&stranger, Some(&acme), &[]), "AccessDenied");
    assert_err(call(&app, Some(&other), &[]), "AccessDenied"); // the grant's constraint
    assert_err(
        call(&app, Some(&acme), &["bogus".into()]),
        "InvalidGrantToken",
    );
    assert_err(call(&app, Some(&acme), &token), "DryRunOperation");
    assert_err(call(&app, Some(&acme), &[]), "DryRunOperation");
    assert!(ks.get_key_last_usage(&k).unwrap().key_last_usage.is_none());
    // The in-process surfaces' token check.
    ks.check_grant_tokens(&token).unwrap();
    assert_err(
        ks.check_grant_tokens(&["bogus".into()]),
        "InvalidGrantToken",
    );
    ks.revoke_grant(&k, &g.grant_id).unwrap();
    assert_err(ks.check_grant_tokens(&token), "InvalidGrantToken");
}

#[test]
fn due_work_still_runs_and_other_calls_answer_dry_run_too() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_767_225_600_000));
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
    let k = key(&ks).key_id;
    ks.enable_key_rotation(&k, Some(90)).unwrap();
    clock.advance_days(91);
    // The rotation that fell due is not the dry run's change: it happens.
    would_succeed(&ks, || ks.encrypt(&k, b"x", None));
    assert_eq!(ks.list_key_rotations(&k).unwrap().len(), 1);
    // A change the scope would commit is refused after its checks; a read answers as a dry run.
    would_succeed(&ks, || ks.disable_key(&k));
    would_succeed(&ks, || ks.describe_key(&k));
    assert_err(ks.dry_run(|| ks.disable_key("alias/none")), "NotFound");
    assert!(ks.describe_key(&k).unwrap().enabled);
    // Scopes are per keystore: another keystore's calls inside one are real.
    let (_s2, other) = new_store();
    let ok = ks.dry_run(|| other.create_key(&CreateKey::default()));
    assert!(ok.is_ok());
    assert_eq!(other.list_keys().unwrap().len(), 1);
}

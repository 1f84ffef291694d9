//! SPEC section 14: named secrets with AWS Secrets Manager's operations, bounds, staging labels,
//! recovery window and errors; envelope encryption under the secret's KMS key, whose state
//! governs access; the records sealed, bound, covered by the commitment, and scrubbed.

mod common;
use common::*;
use redb::{ReadableDatabase, ReadableTable};
use std::sync::Arc;
use strongroom::insecure_test_tables::{SECRET_VERSIONS, SECRETS};
use strongroom::{
    AWSCURRENT, AWSPREVIOUS, AuditFilter, CreateSecret, DEFAULT_SECRETS_KEY_ALIAS, Keystore,
    ListSecrets, MAX_DEPRECATED_VERSIONS, ManualClock, Options, PasswordOptions, SecretFilter,
    SecretFilterKey, SecretSortBy, SecretTag as Tag, SecretValue, Timestamp, UpdateSecret,
};

const DAY: i64 = Timestamp::DAY_MS;
const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const TOKEN1: &str = "11111111-1111-4111-8111-111111111111";
const TOKEN2: &str = "22222222-2222-4222-8222-222222222222";

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

fn create(ks: &Keystore, name: &str, value: &str) -> strongroom::SecretVersionRef {
    ks.create_secret(&CreateSecret {
        name: name.into(),
        value: Some(SecretValue::string(value)),
        ..Default::default()
    })
    .unwrap()
}

fn current(ks: &Keystore, id: &str) -> String {
    let v = ks.get_secret_value(id, None, None).unwrap();
    v.value.as_str().unwrap().to_owned()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_seeds_scenario_store_read_rotate_previous_delete_restore() {
    let (_s, ks, clock) = clocked();
    let made = create(&ks, "prod/db", "hunter2-original");
    assert!(
        made.arn
            .starts_with("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-")
    );
    assert_eq!(
        made.arn.len(),
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-".len() + 6
    );
    assert_eq!(current(&ks, "prod/db"), "hunter2-original");
    assert_eq!(current(&ks, &made.arn), "hunter2-original");

    let put = ks
        .put_secret_value(
            "prod/db",
            None,
            &SecretValue::string("hunter2-rotated"),
            None,
        )
        .unwrap();
    assert_eq!(put.version_stages, vec![AWSCURRENT]);
    assert_eq!(current(&ks, "prod/db"), "hunter2-rotated");
    let prev = ks
        .get_secret_value("prod/db", None, Some(AWSPREVIOUS))
        .unwrap();
    assert_eq!(prev.value.as_str(), Some("hunter2-original"));
    assert_eq!(prev.version_id(), made.version_id.clone().unwrap());
    assert_eq!(prev.version_stages(), vec![AWSPREVIOUS]);

    let del = ks.delete_secret("prod/db", Some(7), false).unwrap();
    assert_eq!(del.deletion_date.unwrap().unix_millis(), T0 + 7 * DAY);
    assert_err(ks.get_secret_value("prod/db", None, None), "InvalidState");
    let e = ks.get_secret_value("prod/db", None, None).unwrap_err();
    assert_eq!(e.secrets_manager_code(), "InvalidRequestException");
    assert_eq!(
        ks.describe_secret("prod/db").unwrap().deleted_date,
        del.deletion_date
    );
    clock.advance_days(6);
    ks.restore_secret("prod/db").unwrap();
    assert_eq!(current(&ks, "prod/db"), "hunter2-rotated");
    assert_eq!(ks.describe_secret("prod/db").unwrap().deleted_date, None);
}

#[test]
fn binary_values_and_the_kms_key_named() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    ks.create_secret(&CreateSecret {
        name: "bin".into(),
        kms_key_id: Some(k.key_id.clone()),
        value: Some(SecretValue::binary(&[0, 255, 1])),
        description: Some("a binary one".into()),
        tags: vec![Tag::new("env", "prod")],
        ..Default::default()
    })
    .unwrap();
    let v = ks.get_secret_value("bin", None, None).unwrap();
    assert_eq!(v.value.as_binary(), Some(&[0u8, 255, 1][..]));
    assert_eq!(v.value.as_str(), None);
    let d = ks.describe_secret("bin").unwrap();
    assert_eq!(d.kms_key_id.as_deref(), Some(k.arn.as_str()));
    assert_eq!(d.description.as_deref(), Some("a binary one"));
    assert_eq!(d.tags, vec![Tag::new("env", "prod")]);
    assert_eq!(format!("{:?}", v.value), "SecretBinary(<3 bytes>)");
}

#[test]
fn the_default_key_is_made_on_first_use_under_a_reserved_alias() {
    let (_s, ks) = new_store();
    assert!(ks.list_aliases(None).unwrap().is_empty());
    create(&ks, "a", "1");
    create(&ks, "b", "2");
    let aliases = ks.list_aliases(None).unwrap();
    assert_eq!(aliases.len(), 1);
    assert_eq!(aliases[0].alias_name, DEFAULT_SECRETS_KEY_ALIAS);
    assert_eq!(ks.list_keys().unwrap().len(), 1);
    assert_eq!(ks.describe_secret("a").unwrap().kms_key_id, None);
    // Reserved: users can neither make nor delete it.
    assert_err(ks.delete_alias(DEFAULT_SECRETS_KEY_ALIAS), "Validation");
}

#[test]
fn the_kms_keys_state_governs_access() {
    let (_s, ks) = new_store();
    let k = key(&ks).key_id;
    ks.create_secret(&CreateSecret {
        name: "s".into(),
        kms_key_id: Some(k.clone()),
        value: Some(SecretValue::string("v")),
        ..Default::default()
    })
    .unwrap();
    ks.disable_key(&k).unwrap();
    let e = ks.get_secret_value("s", None, None).unwrap_err();
    assert_eq!(e.name(), "DecryptionFailure", "{e}");
    assert!(e.message().contains("disabled"), "{e}");
    assert_eq!(e.secrets_manager_code(), "DecryptionFailure");
    let e = ks
        .put_secret_value("s", None, &SecretValue::string("w"), None)
        .unwrap_err();
    assert_eq!(e.name(), "EncryptionFailure", "{e}");
    ks.describe_secret("s").unwrap(); // metadata stays readable
    ks.enable_key(&k).unwrap();
    assert_eq!(current(&ks, "s"), "v");
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    let e = ks.get_secret_value("s", None, None).unwrap_err();
    assert_eq!(e.name(), "DecryptionFailure", "{e}");
    assert!(e.message().contains("pending deletion"), "{e}");
    ks.cancel_key_deletion(&k).unwrap();
    ks.enable_key(&k).unwrap();
    assert_eq!(current(&ks, "s"), "v");
}

#[test]
fn errors_have_aws_names() {
    let (_s, ks) = new_store();
    create(&ks, "x", "1");
    let e = ks
        .create_secret(&CreateSecret {
            name: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        (e.name(), e.secrets_manager_code()),
        ("AlreadyExists", "ResourceExistsException")
    );
    let e = ks.get_secret_value("nope", None, None).unwrap_err();
    assert_eq!(
        (e.name(), e.secrets_manager_code()),
        ("NotFound", "ResourceNotFoundException")
    );
    let e = ks.get_secret_value("bad name!", None, None).unwrap_err();
    assert_eq!(e.secrets_manager_code(), "ResourceNotFoundException");
    let e = ks
        .create_secret(&CreateSecret {
            name: "bad name".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        (e.name(), e.secrets_manager_code()),
        ("Validation", "InvalidParameterException")
    );
    assert_err(ks.delete_secret("x", Some(6), false), "Validation");
    assert_err(ks.delete_secret("x", Some(31), false), "Validation");
    assert_err(ks.delete_secret("x", Some(7), true), "Validation");
    let e = ks
        .list_secrets(&ListSecrets {
            next_token: Some("garbage".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.secrets_manager_code(), "InvalidNextTokenException");
    assert_err(ks.get_secret_value("x", None, Some("NOPE")), "NotFound");
    assert_err(
        ks.get_secret_value(
            "arn:aws:secretsmanager:eu-west-1:1:secret:x-abcdef",
            None,
            None,
        ),
        "NotFound",
    );
    // A secret without a value has no AWSCURRENT.
    ks.create_secret(&CreateSecret {
        name: "empty".into(),
        ..Default::default()
    })
    .unwrap();
    assert_err(ks.get_secret_value("empty", None, None), "NotFound");
    // A name of a secret scheduled for deletion cannot be taken.
    ks.delete_secret("x", None, false).unwrap();
    assert_err(ks.delete_secret("x", None, false), "InvalidState");
    let e = ks
        .create_secret(&CreateSecret {
            name: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.secrets_manager_code(), "InvalidRequestException");
    for r in [
        ks.tag_secret("x", &[Tag::new("a", "b")]).map(drop),
        ks.update_secret(
            "x",
            &UpdateSecret {
                description: Some("d".into()),
                ..Default::default()
            },
        )
        .map(drop),
        ks.put_secret_value("x", None, &SecretValue::string("v"), None)
            .map(drop),
    ] {
        assert_err(r, "InvalidState");
    }
}

#[test]
fn client_request_tokens_make_retries_idempotent() {
    let (_s, ks) = new_store();
    let req = CreateSecret {
        name: "t".into(),
        client_request_token: Some(TOKEN1.into()),
        value: Some(SecretValue::string("v1")),
        ..Default::default()
    };
    let a = ks.create_secret(&req).unwrap();
    let b = ks.create_secret(&req).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.version_id.as_deref(), Some(TOKEN1));
    let other = CreateSecret {
        value: Some(SecretValue::string("v2")),
        ..req.clone()
    };
    assert_err(ks.create_secret(&other), "AlreadyExists");
    let p = ks
        .put_secret_value("t", Some(TOKEN2), &SecretValue::string("v2"), None)
        .unwrap();
    let again = ks
        .put_secret_value("t", Some(TOKEN2), &SecretValue::string("v2"), None)
        .unwrap();
    assert_eq!(p.version_id, again.version_id);
    assert_eq!(
        ks.list_secret_version_ids("t", None, None, true)
            .unwrap()
            .versions
            .len(),
        2
    );
    let e = ks
        .put_secret_value("t", Some(TOKEN2), &SecretValue::string("v3"), None)
        .unwrap_err();
    assert_eq!(e.secrets_manager_code(), "ResourceExistsException");
    assert_err(
        ks.put_secret_value("t", Some(&"x".repeat(31)), &SecretValue::string("v"), None),
        "Validation",
    );
}

#[test]
fn staging_labels_move_as_in_aws() {
    let (_s, ks) = new_store();
    let v1 = create(&ks, "s", "one").version_id.unwrap();
    let v2 = ks
        .put_secret_value(
            "s",
            None,
            &SecretValue::string("two"),
            Some(&["AWSPENDING".into()]),
        )
        .unwrap()
        .version_id
        .unwrap();
    // A version staged only AWSPENDING does not move AWSCURRENT.
    assert_eq!(current(&ks, "s"), "one");
    let stages = ks.describe_secret("s").unwrap().version_ids_to_stages;
    assert_eq!(stages[&v1], vec![AWSCURRENT]);
    assert_eq!(stages[&v2], vec!["AWSPENDING"]);
    // Moving AWSCURRENT needs the version that has it named.
    assert_err(
        ks.update_secret_version_stage("s", AWSCURRENT, None, Some(&v2)),
        "Validation",
    );
    assert_err(
        ks.update_secret_version_stage("s", AWSCURRENT, Some(&v1), None),
        "Validation",
    );
    ks.update_secret_version_stage("s", AWSCURRENT, Some(&v1), Some(&v2))
        .unwrap();
    assert_eq!(current(&ks, "s"), "two");
    let stages = ks.describe_secret("s").unwrap().version_ids_to_stages;
    assert_eq!(stages[&v1], vec![AWSPREVIOUS]);
    assert_eq!(stages[&v2], vec!["AWSPENDING", AWSCURRENT]);
    ks.update_secret_version_stage("s", "AWSPENDING", Some(&v2), None)
        .unwrap();
    assert_err(
        ks.update_secret_version_stage("s", "AWSPENDING", Some(&v2), None),
        "Validation",
    );
    assert_err(
        ks.update_secret_version_stage("s", "X", None, Some(&"9".repeat(32))),
        "NotFound",
    );
    // By version id, and a stage that does not match it.
    let old = ks.get_secret_value("s", Some(&v1), None).unwrap();
    assert_eq!(old.value.as_str(), Some("one"));
    assert_err(
        ks.get_secret_value("s", Some(&v1), Some(AWSCURRENT)),
        "Validation",
    );
}

#[test]
fn deprecated_versions_are_bounded_and_scrubbed() {
    let (s, ks) = new_store();
    create(&ks, "many", "value-0000");
    for i in 1..=MAX_DEPRECATED_VERSIONS + 2 {
        ks.put_secret_value(
            "many",
            None,
            &SecretValue::string(&format!("value-{i:04}")),
            None,
        )
        .unwrap();
    }
    let all = ks
        .list_secret_version_ids("many", None, None, true)
        .unwrap();
    // 100 per page; the newest first.
    assert_eq!(all.versions.len(), 100);
    let rest = ks
        .list_secret_version_ids("many", None, all.next_token.as_deref(), true)
        .unwrap();
    assert_eq!(
        all.versions.len() + rest.versions.len(),
        MAX_DEPRECATED_VERSIONS + 2
    );
    assert!(rest.next_token.is_none());
    assert_eq!(all.versions[0].version_stages, vec![AWSCURRENT]);
    let labelled = ks
        .list_secret_version_ids("many", None, None, false)
        .unwrap();
    assert_eq!(labelled.versions.len(), 2);
    ks.close().unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    assert!(!contains(&bytes, b"value-0000"));
}

#[test]
fn deletion_windows_run_as_due_work_and_scrub() {
    let (s, ks, clock) = clocked();
    let probe = "PROBE-never-in-clear-7f3a";
    create(&ks, "gone", probe);
    ks.delete_secret("gone", Some(7), false).unwrap();
    clock.advance_days(7);
    ks.run_maintenance().unwrap();
    assert_err(ks.describe_secret("gone"), "NotFound");
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    assert!(events.iter().any(|e| e.operation == "DestroySecret"));
    // The name is free again, with a new ARN.
    create(&ks, "gone", "again");
    ks.close().unwrap();
    assert!(!contains(
        &std::fs::read(&s.path).unwrap(),
        probe.as_bytes()
    ));

    // Due work at open.
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    ks.delete_secret("gone", None, false).unwrap();
    ks.close().unwrap();
    clock.advance_days(30);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert!(
        ks.list_secrets(&ListSecrets {
            include_planned_deletion: true,
            ..Default::default()
        })
        .unwrap()
        .secrets
        .is_empty()
    );
}

#[test]
fn force_delete_destroys_now_and_scrubs() {
    let (s, ks) = new_store();
    let probe = "FORCE-PROBE-91c2";
    create(&ks, "f", probe);
    let d = ks.delete_secret("f", None, true).unwrap();
    assert!(d.deletion_date.is_some());
    assert_err(ks.describe_secret("f"), "NotFound");
    assert_err(ks.restore_secret("f"), "NotFound");
    ks.close().unwrap();
    assert!(!contains(
        &std::fs::read(&s.path).unwrap(),
        probe.as_bytes()
    ));
}

#[test]
fn values_are_never_in_clear_in_the_file_nor_in_the_audit_trail() {
    let (s, ks) = new_store();
    let probe = "CLEAR-PROBE-c0ffee";
    create(&ks, "p", probe);
    ks.put_secret_value("p", None, &SecretValue::binary(b"BINARY-PROBE-beef"), None)
        .unwrap();
    ks.get_secret_value("p", None, None).unwrap();
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    let ops: Vec<&str> = events.iter().map(|e| e.operation.as_str()).collect();
    for op in [
        "CreateSecret",
        "PutSecretValue",
        "GetSecretValue",
        "GenerateDataKey",
        "Decrypt",
    ] {
        assert!(ops.contains(&op), "{op} not in {ops:?}");
    }
    let get = events
        .iter()
        .find(|e| e.operation == "GetSecretValue")
        .unwrap();
    assert!(get.encryption_context["SecretARN"].contains(":secret:p-"));
    let gdk = events
        .iter()
        .find(|e| e.operation == "GenerateDataKey")
        .unwrap();
    assert!(gdk.encryption_context.contains_key("SecretVersionId"));
    assert!(!format!("{events:?}").contains(probe));
    ks.close().unwrap();
    let bytes = std::fs::read(&s.path).unwrap();
    assert!(!contains(&bytes, probe.as_bytes()));
    assert!(!contains(&bytes, b"BINARY-PROBE-beef"));
}

#[test]
fn an_edited_secret_record_is_corrupt() {
    let (s, ks) = new_store();
    create(&ks, "a", "1");
    create(&ks, "b", "2");
    ks.close().unwrap();
    // Swap the records of a and b (each authentic, in the other's slot).
    let db = redb::Database::open(&s.path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut t = tx.open_table(SECRETS).unwrap();
        let rows: Vec<(u128, Vec<u8>)> = t
            .iter()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.value(), v.value().to_vec())
            })
            .collect();
        assert_eq!(rows.len(), 2);
        t.insert(rows[0].0, rows[1].1.as_slice()).unwrap();
        t.insert(rows[1].0, rows[0].1.as_slice()).unwrap();
    }
    tx.commit().unwrap();
    drop(db);
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap_err();
    assert_eq!(ks.name(), "Corrupt", "{ks}");
}

#[test]
fn an_edited_version_record_is_corrupt() {
    let (s, ks) = new_store();
    create(&ks, "a", "1");
    ks.close().unwrap();
    let db = redb::Database::open(&s.path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut t = tx.open_table(SECRET_VERSIONS).unwrap();
        let (k, mut v) = {
            let mut it = t.iter().unwrap();
            let (k, v) = it.next().unwrap().unwrap();
            ((k.value().0, k.value().1.to_owned()), v.value().to_vec())
        };
        let last = v.len() - 1;
        v[last] ^= 1;
        t.insert((k.0, k.1.as_str()), v.as_slice()).unwrap();
    }
    tx.commit().unwrap();
    drop(db);
    let e = Keystore::open(&s.path, PASS, &opts())
        .and_then(|ks| ks.get_secret_value("a", None, None))
        .unwrap_err();
    assert_eq!(e.name(), "Corrupt", "{e}");
}

#[test]
fn an_older_copy_of_a_secret_record_is_detected() {
    let (s, ks) = new_store();
    create(&ks, "r", "1");
    ks.close().unwrap();
    let read = || {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_read().unwrap();
        let t = tx.open_table(SECRETS).unwrap();
        let (k, v) = t.iter().unwrap().next().unwrap().unwrap();
        (k.value(), v.value().to_vec())
    };
    let (id, before) = read();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.delete_secret("r", None, false).unwrap();
    ks.close().unwrap();
    let db = redb::Database::open(&s.path).unwrap();
    let tx = db.begin_write().unwrap();
    tx.open_table(SECRETS)
        .unwrap()
        .insert(id, before.as_slice())
        .unwrap();
    tx.commit().unwrap();
    drop(db);
    let e = Keystore::open(&s.path, PASS, &opts())
        .and_then(|ks| ks.get_secret_value("r", None, None))
        .unwrap_err();
    assert_eq!(e.name(), "Corrupt", "{e}");
}

#[test]
fn a_keystore_written_before_secrets_opens_and_takes_secrets() {
    let s = scratch();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../strongroom-stream/tests/fixtures/keystore.strongroom"
        ),
        &s.path,
    )
    .unwrap();
    let ks = Keystore::open(&s.path, b"correct horse", &opts()).unwrap();
    ks.create_secret(&CreateSecret {
        name: "new".into(),
        kms_key_id: Some("alias/fixture".into()),
        value: Some(SecretValue::string("v")),
        ..Default::default()
    })
    .unwrap();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, b"correct horse", &opts()).unwrap();
    assert_eq!(current(&ks, "new"), "v");
    ks.verify_audit().unwrap();
}

#[test]
fn update_secret_changes_description_key_and_value() {
    let (_s, ks) = new_store();
    let made = create(&ks, "u", "v1");
    let k2 = key(&ks);
    let r = ks
        .update_secret(
            "u",
            &UpdateSecret {
                description: Some("new".into()),
                kms_key_id: Some(k2.key_id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.version_id, None);
    let d = ks.describe_secret("u").unwrap();
    assert_eq!(d.description.as_deref(), Some("new"));
    assert_eq!(d.kms_key_id.as_deref(), Some(k2.arn.as_str()));
    let versions = ks.list_secret_version_ids("u", None, None, false).unwrap();
    assert_eq!(versions.versions[0].kms_key_ids, vec![k2.arn.clone()]);
    // Re-encrypted under k2: readable with the default key disabled.
    let default = ks.key_id_of(DEFAULT_SECRETS_KEY_ALIAS).unwrap();
    ks.disable_key(&default).unwrap();
    assert_eq!(current(&ks, "u"), "v1");
    let r = ks
        .update_secret(
            "u",
            &UpdateSecret {
                value: Some(SecretValue::string("v2")),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(r.version_id.is_some());
    assert_eq!(current(&ks, "u"), "v2");
    let prev = ks
        .get_secret_value(&made.arn, None, Some(AWSPREVIOUS))
        .unwrap();
    assert_eq!(prev.value.as_str(), Some("v1"));
}

#[test]
fn list_secrets_filters_sorts_and_pages() {
    let (_s, ks, clock) = clocked();
    for (i, name) in ["prod/db", "prod/api", "test/db"].iter().enumerate() {
        ks.create_secret(&CreateSecret {
            name: (*name).into(),
            description: Some(format!("Secret {i}")),
            tags: vec![Tag::new("env", name.split('/').next().unwrap())],
            ..Default::default()
        })
        .unwrap();
        clock.advance_millis(1000);
    }
    let names = |req: ListSecrets| -> Vec<String> {
        ks.list_secrets(&req)
            .unwrap()
            .secrets
            .into_iter()
            .map(|m| m.name)
            .collect()
    };
    let filter = |key, v: &[&str]| SecretFilter {
        key,
        values: v.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        names(ListSecrets::default()),
        ["test/db", "prod/api", "prod/db"]
    );
    assert_eq!(
        names(ListSecrets {
            ascending: true,
            sort_by: Some(SecretSortBy::Name),
            ..Default::default()
        }),
        ["prod/api", "prod/db", "test/db"]
    );
    assert_eq!(
        names(ListSecrets {
            filters: vec![filter(SecretFilterKey::Name, &["PROD/"])],
            ..Default::default()
        }),
        ["prod/api", "prod/db"]
    );
    assert_eq!(
        names(ListSecrets {
            filters: vec![filter(SecretFilterKey::Name, &["!prod"])],
            ..Default::default()
        }),
        ["test/db"]
    );
    assert_eq!(
        names(ListSecrets {
            filters: vec![filter(SecretFilterKey::TagValue, &["test"])],
            ..Default::default()
        }),
        ["test/db"]
    );
    assert_eq!(
        names(ListSecrets {
            filters: vec![filter(SecretFilterKey::Description, &["secret 1"])],
            ..Default::default()
        }),
        ["prod/api"]
    );
    assert_eq!(
        names(ListSecrets {
            filters: vec![
                filter(SecretFilterKey::All, &["env"]),
                filter(SecretFilterKey::Name, &["test"])
            ],
            ..Default::default()
        }),
        ["test/db"]
    );
    let p1 = ks
        .list_secrets(&ListSecrets {
            max_results: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p1.secrets.len(), 2);
    let p2 = ks
        .list_secrets(&ListSecrets {
            max_results: Some(2),
            next_token: p1.next_token,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p2.secrets.len(), 1);
    assert!(p2.next_token.is_none());
    assert_err(
        ks.list_secrets(&ListSecrets {
            max_results: Some(0),
            ..Default::default()
        }),
        "Validation",
    );
    assert_err(
        ks.list_secrets(&ListSecrets {
            max_results: Some(101),
            ..Default::default()
        }),
        "Validation",
    );
    ks.delete_secret("test/db", None, false).unwrap();
    assert_eq!(names(ListSecrets::default()).len(), 2);
    assert_eq!(
        names(ListSecrets {
            include_planned_deletion: true,
            ..Default::default()
        })
        .len(),
        3
    );
}

#[test]
fn tags_are_added_replaced_removed_and_bounded() {
    let (_s, ks) = new_store();
    create(&ks, "t", "v");
    ks.tag_secret("t", &[Tag::new("a", "1"), Tag::new("b", "2")])
        .unwrap();
    ks.tag_secret("t", &[Tag::new("a", "3")]).unwrap();
    assert_eq!(
        ks.describe_secret("t").unwrap().tags,
        vec![Tag::new("a", "3"), Tag::new("b", "2")]
    );
    ks.untag_secret("t", &["a".into(), "zz".into()]).unwrap();
    assert_eq!(
        ks.describe_secret("t").unwrap().tags,
        vec![Tag::new("b", "2")]
    );
    let many: Vec<Tag> = (0..49).map(|i| Tag::new(format!("k{i}"), "v")).collect();
    ks.tag_secret("t", &many).unwrap();
    assert_err(
        ks.tag_secret("t", &[Tag::new("one-too-many", "v")]),
        "LimitExceeded",
    );
    assert_err(ks.tag_secret("t", &[Tag::new("aws:x", "v")]), "Validation");
    assert_eq!(ks.describe_secret("t").unwrap().tags.len(), 50);
}

#[test]
fn random_passwords() {
    let (_s, ks) = new_store();
    let p = ks.get_random_password(&PasswordOptions::default()).unwrap();
    assert_eq!(p.chars().count(), 32);
    for class in [
        |c: char| c.is_ascii_lowercase(),
        |c: char| c.is_ascii_uppercase(),
        |c: char| c.is_ascii_digit(),
        |c: char| c.is_ascii_punctuation(),
    ] {
        assert!(p.chars().any(class), "{}", p.len());
    }
    let digits = ks
        .get_random_password(&PasswordOptions {
            password_length: 4096,
            exclude_lowercase: true,
            exclude_uppercase: true,
            exclude_punctuation: true,
            exclude_characters: "0".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(digits.len(), 4096);
    assert!(digits.chars().all(|c| ('1'..='9').contains(&c)));
    // Every digit is drawn (no value of the nine is unreachable).
    for d in '1'..='9' {
        assert!(digits.contains(d));
    }
    let spaced = ks
        .get_random_password(&PasswordOptions {
            password_length: 5,
            include_space: true,
            ..Default::default()
        })
        .unwrap();
    assert!(spaced.contains(' '));
    assert_err(
        ks.get_random_password(&PasswordOptions {
            password_length: 0,
            ..Default::default()
        }),
        "Validation",
    );
    assert_ne!(
        *ks.get_random_password(&PasswordOptions::default()).unwrap(),
        *ks.get_random_password(&PasswordOptions::default()).unwrap()
    );
}

#[test]
fn a_secret_id_is_a_name_an_arn_or_a_partial_arn() {
    let (_s, ks) = new_store();
    for name in ["prod/db", "looks-abcdef"] {
        let arn = create(&ks, name, name).arn;
        let partial = &arn[..arn.len() - 7];
        for id in [name, arn.as_str(), partial] {
            assert_eq!(current(&ks, id), name, "{id}");
        }
        let wrong_suffix = format!("{partial}-zzzzzz");
        assert_err(ks.get_secret_value(&wrong_suffix, None, None), "NotFound");
    }
    let e = ks
        .get_secret_value(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db",
            None,
            None,
        )
        .unwrap_err();
    assert!(
        e.message().contains("not a secret ARN of this keystore"),
        "{e}"
    );
}

#[test]
fn last_accessed_dates_are_the_days_of_the_last_reads() {
    let (s, ks, clock) = clocked();
    let first = create(&ks, "read/me", "v1");
    let d = ks.describe_secret("read/me").unwrap();
    assert_eq!(d.last_accessed_date, None, "never read");
    clock.advance_millis(DAY + 5 * 3_600_000); // day 1, 05:00
    assert_eq!(current(&ks, "read/me"), "v1");
    let day1 = Some(Timestamp::from_unix_millis(T0 + DAY));
    assert_eq!(
        ks.describe_secret("read/me").unwrap().last_accessed_date,
        day1
    );
    let second = ks
        .put_secret_value("read/me", None, &SecretValue::string("v2"), None)
        .unwrap();
    clock.advance_millis(DAY); // day 2: the new version is read, the first is not
    assert_eq!(current(&ks, "read/me"), "v2");
    let day2 = Some(Timestamp::from_unix_millis(T0 + 2 * DAY));
    let page = ks
        .list_secret_version_ids("read/me", None, None, false)
        .unwrap();
    let day_of = |id: &str| {
        page.versions
            .iter()
            .find(|v| v.version_id == id)
            .unwrap()
            .last_accessed_date
    };
    assert_eq!(day_of(second.version_id.as_deref().unwrap()), day2);
    assert_eq!(day_of(first.version_id.as_deref().unwrap()), day1);
    let listed = ks.list_secrets(&ListSecrets::default()).unwrap();
    assert_eq!(listed.secrets[0].last_accessed_date, day2);
    // Every read is audited (the day's note is not an event of its own); the day is kept.
    let audited_reads = |ks: &Keystore| {
        ks.audit_events(&AuditFilter::default())
            .unwrap()
            .into_iter()
            .filter(|e| e.operation == "GetSecretValue")
            .count()
    };
    let before = audited_reads(&ks);
    current(&ks, "read/me");
    assert_eq!(audited_reads(&ks), before + 1);
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(
        ks.describe_secret("read/me").unwrap().last_accessed_date,
        day2
    );
    // A read in a dry run notes nothing.
    clock.advance_millis(DAY);
    let e = ks
        .dry_run(|| ks.get_secret_value("read/me", None, None))
        .unwrap_err();
    assert_eq!(e.name(), "DryRunOperation");
    assert_eq!(
        ks.describe_secret("read/me").unwrap().last_accessed_date,
        day2
    );
}

#[test]
fn readers_never_keep_a_value_that_a_committed_write_replaced() {
    let (_s, ks) = new_store();
    create(&ks, "hot", "0");
    let ks = Arc::new(ks);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (ks, done) = (ks.clone(), done.clone());
            std::thread::spawn(move || {
                let mut last = 0u32;
                while !done.load(std::sync::atomic::Ordering::Acquire) {
                    let n: u32 = current(&ks, "hot").parse().unwrap();
                    assert!(n >= last, "read {n} after {last}");
                    last = n;
                }
            })
        })
        .collect();
    for n in 1..=40u32 {
        ks.put_secret_value("hot", None, &SecretValue::string(&n.to_string()), None)
            .unwrap();
        assert_eq!(current(&ks, "hot"), n.to_string());
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(current(&ks, "hot"), "40");
}

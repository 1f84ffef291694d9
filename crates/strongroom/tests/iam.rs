//! The keystore's principals (`strongroom iam`): AWS IAM's names and rules, sealed records under
//! the keystore-wide commitment, the server's lookup, and callers in the audit trail.

mod common;
use common::*;
use redb::ReadableDatabase;
use strongroom::insecure_test_tables::{IAM_ACCESS_KEYS, IAM_USERS};
use strongroom::{
    AccessKeyStatus, AuditFilter, AuditLevel, AuditOptions, Caller, Keystore,
    MAX_ACCESS_KEYS_PER_USER, MAX_USER_NAME_LEN, Options,
};

fn read_row(path: &std::path::Path, table: redb::TableDefinition<&str, &[u8]>, k: &str) -> Vec<u8> {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    let t = tx.open_table(table).unwrap();
    t.get(k).unwrap().unwrap().value().to_vec()
}

fn edit(path: &std::path::Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    f(&tx);
    tx.commit().unwrap();
}

#[test]
fn users_follow_iam_rules() {
    let (_s, ks) = new_store();
    let u = ks.create_user("Alice").unwrap();
    assert_eq!((u.path.as_str(), u.user_name.as_str()), ("/", "Alice"));
    assert_eq!(u.arn, "arn:aws:iam::111122223333:user/Alice");
    assert_eq!(u.user_id.len(), 21);
    assert!(u.user_id.starts_with("AIDA"));
    // Unique without regard to case, as IAM.
    let e = ks.create_user("alice").unwrap_err();
    assert_eq!(
        (e.name(), e.aws_iam_code()),
        ("AlreadyExists", "EntityAlreadyExists")
    );
    // Both sides of the name bounds.
    ks.create_user(&"n".repeat(MAX_USER_NAME_LEN)).unwrap();
    ks.create_user("a_+=,.@-9").unwrap();
    for bad in [
        "",
        &"n".repeat(MAX_USER_NAME_LEN + 1),
        "with space",
        "sl/ash",
        "é",
    ] {
        let e = ks.create_user(bad).unwrap_err();
        assert_eq!(
            (e.name(), e.aws_iam_code()),
            ("Validation", "ValidationError"),
            "{bad:?}"
        );
    }
    let names: Vec<String> = ks
        .list_users()
        .unwrap()
        .into_iter()
        .map(|u| u.user_name)
        .collect();
    assert_eq!(names, ["a_+=,.@-9", "Alice", "n".repeat(64).as_str()]);
    let e = ks.delete_user("bob").unwrap_err();
    assert_eq!((e.name(), e.aws_iam_code()), ("NotFound", "NoSuchEntity"));
    ks.delete_user("ALICE").unwrap();
    assert_eq!(ks.list_users().unwrap().len(), 2);
    assert_err(ks.create_access_key("alice"), "NotFound");
}

#[test]
fn access_keys_follow_iam_rules() {
    let (_s, ks) = new_store();
    ks.create_user("ci").unwrap();
    let k1 = ks.create_access_key("CI").unwrap();
    assert_eq!(k1.user_name, "ci");
    assert_eq!(k1.status, AccessKeyStatus::Active);
    assert_eq!(k1.access_key_id.len(), 20);
    assert!(k1.access_key_id.starts_with("AKIA"));
    assert!(
        k1.access_key_id[4..]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c))
    );
    let secret = k1.secret_access_key.as_bytes().to_vec();
    assert_eq!(secret.len(), 40);
    assert!(
        secret
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
    );
    let k2 = ks.create_access_key("ci").unwrap();
    assert_ne!(k1.access_key_id, k2.access_key_id);
    assert_ne!(k1.secret_access_key, k2.secret_access_key);
    // At most two keys per user.
    let e = ks.create_access_key("ci").unwrap_err();
    assert_eq!(
        (e.name(), e.aws_iam_code()),
        ("LimitExceeded", "LimitExceeded")
    );
    assert_eq!(MAX_ACCESS_KEYS_PER_USER, 2);
    // A user with keys cannot be deleted.
    let e = ks.delete_user("ci").unwrap_err();
    assert_eq!(
        (e.name(), e.aws_iam_code()),
        ("InvalidState", "DeleteConflict")
    );
    assert!(e.message().contains("DeleteAccessKey"), "{e}");

    let listed = ks.list_access_keys(Some("ci")).unwrap();
    let mut ids: Vec<&str> = listed.iter().map(|m| m.access_key_id.as_str()).collect();
    // Oldest first; two keys made in the same millisecond are in access key id order.
    assert!(
        listed
            .windows(2)
            .all(|w| (w[0].create_date, &w[0].access_key_id)
                < (w[1].create_date, &w[1].access_key_id)),
        "{listed:?}"
    );
    ids.sort_unstable();
    let mut made = [k1.access_key_id.as_str(), k2.access_key_id.as_str()];
    made.sort_unstable();
    assert_eq!(ids, made);
    assert_eq!(ks.list_access_keys(None).unwrap(), listed);
    assert_err(ks.list_access_keys(Some("nobody")), "NotFound");

    // The server's lookup.
    let c = ks.access_key(&k1.access_key_id).unwrap().unwrap();
    assert_eq!(c.secret(), &secret[..]);
    assert_eq!(c.arn(), "arn:aws:iam::111122223333:user/ci");
    assert_eq!(c.status(), AccessKeyStatus::Active);
    assert!(ks.access_key("AKIAAAAAAAAAAAAAAAAA").unwrap().is_none());

    ks.update_access_key(&k1.access_key_id, AccessKeyStatus::Inactive, Some("ci"))
        .unwrap();
    assert_eq!(
        ks.access_key(&k1.access_key_id).unwrap().unwrap().status(),
        AccessKeyStatus::Inactive
    );
    let k1_listed = ks.list_access_keys(None).unwrap();
    let k1_listed = k1_listed
        .iter()
        .find(|m| m.access_key_id == k1.access_key_id)
        .unwrap();
    assert_eq!(k1_listed.status, AccessKeyStatus::Inactive);

    ks.create_user("other").unwrap();
    assert_err(
        ks.delete_access_key(&k1.access_key_id, Some("other")),
        "NotFound",
    );
    assert_err(
        ks.delete_access_key("AKIAAAAAAAAAAAAAAAAA", None),
        "NotFound",
    );
    assert_err(ks.delete_access_key("short", None), "Validation");
    ks.delete_access_key(&k1.access_key_id, Some("ci")).unwrap();
    ks.delete_access_key(&k2.access_key_id, None).unwrap();
    assert!(ks.access_key(&k1.access_key_id).unwrap().is_none());
    ks.delete_user("ci").unwrap();
}

#[test]
fn users_and_keys_survive_reopen_and_secrets_stay_secret() {
    let (s, ks) = new_store();
    ks.create_user("alice").unwrap();
    let k = ks.create_access_key("alice").unwrap();
    let secret = String::from_utf8(k.secret_access_key.as_bytes().to_vec()).unwrap();
    assert!(!format!("{k:?}").contains(&secret));
    let c = ks.access_key(&k.access_key_id).unwrap().unwrap();
    assert!(!format!("{c:?}").contains(&secret));
    ks.close().unwrap();
    assert!(
        !std::fs::read(&s.path)
            .unwrap()
            .windows(40)
            .any(|w| w == secret.as_bytes())
    );

    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.list_users().unwrap()[0].user_name, "alice");
    let c = ks.access_key(&k.access_key_id).unwrap().unwrap();
    assert_eq!(c.secret(), secret.as_bytes());
    let mut export = Vec::new();
    ks.export_audit_jsonl(&AuditFilter::default(), &mut export)
        .unwrap();
    let export = String::from_utf8(export).unwrap();
    for op in ["CreateUser", "CreateAccessKey", "ListUsers"] {
        assert!(export.contains(op), "{op} not audited");
    }
    assert!(!export.contains(&secret));
    ks.close().unwrap();
}

#[test]
fn an_edited_or_moved_record_is_corrupt() {
    let (s, ks) = new_store();
    ks.create_user("alice").unwrap();
    ks.create_user("bob").unwrap();
    let k = ks.create_access_key("alice").unwrap();
    ks.close().unwrap();
    let bob = read_row(&s.path, IAM_USERS, "bob");
    let sealed = read_row(&s.path, IAM_ACCESS_KEYS, &k.access_key_id);

    // A flipped byte in a user record.
    let edited = s.dir.path().join("edited");
    std::fs::copy(&s.path, &edited).unwrap();
    let mut alice = read_row(&edited, IAM_USERS, "alice");
    alice[30] ^= 1;
    edit(&edited, |tx| {
        tx.open_table(IAM_USERS)
            .unwrap()
            .insert("alice", alice.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&edited, PASS, &opts()).unwrap();
    assert_err(ks.list_users(), "Corrupt");
    assert_err(ks.access_key(&k.access_key_id), "Corrupt");
    assert_err(ks.create_user("carol"), "Corrupt");
    ks.close().unwrap();

    // Bob's record under a new name: an added user.
    let added = s.dir.path().join("added");
    std::fs::copy(&s.path, &added).unwrap();
    edit(&added, |tx| {
        tx.open_table(IAM_USERS)
            .unwrap()
            .insert("mallory", bob.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&added, PASS, &opts()).unwrap();
    assert_err(ks.list_users(), "Corrupt");
    ks.close().unwrap();

    // A deleted access key put back (its authentic older record): the commitment refuses it.
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    ks.delete_access_key(&k.access_key_id, None).unwrap();
    ks.close().unwrap();
    edit(&s.path, |tx| {
        tx.open_table(IAM_ACCESS_KEYS)
            .unwrap()
            .insert(k.access_key_id.as_str(), sealed.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    let e = ks.access_key(&k.access_key_id).unwrap_err();
    assert_eq!(e.name(), "Corrupt");
    assert!(e.message().contains("users and access keys"), "{e}");
    ks.close().unwrap();
}

#[test]
fn a_file_from_before_users_opens_without_users_and_refuses_added_ones() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../strongroom-stream/tests/fixtures/keystore.strongroom"
    );
    let s = scratch();
    std::fs::copy(fixture, &s.path).unwrap();
    let tampered = s.dir.path().join("tampered");
    std::fs::copy(fixture, &tampered).unwrap();
    let pass = b"correct horse";
    let ks = Keystore::open(&s.path, pass, &opts()).unwrap();
    assert!(ks.list_users().unwrap().is_empty());
    assert!(ks.access_key("AKIAAAAAAAAAAAAAAAAA").unwrap().is_none());
    ks.create_user("alice").unwrap();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, pass, &opts()).unwrap();
    assert_eq!(ks.list_users().unwrap().len(), 1);
    ks.close().unwrap();

    // A user record planted in a file whose commitment predates users.
    let planted = read_row(&s.path, IAM_USERS, "alice");
    edit(&tampered, |tx| {
        tx.open_table(IAM_USERS)
            .unwrap()
            .insert("alice", planted.as_slice())
            .unwrap();
    });
    let ks = Keystore::open(&tampered, pass, &opts()).unwrap();
    assert_err(ks.list_users(), "Corrupt");
    ks.close().unwrap();
}

#[test]
fn calls_made_as_a_caller_are_audited_under_it() {
    for level in [AuditLevel::Full, AuditLevel::Summary] {
        let s = scratch();
        let options = Options {
            caller: "handle".into(),
            audit: AuditOptions {
                level,
                ..AuditOptions::default()
            },
            ..opts()
        };
        let ks = Keystore::create(&s.path, PASS, &options).unwrap();
        let k = key(&ks).key_id;
        let alice = Caller::new("arn:aws:iam::111122223333:user/alice@127.0.0.1:53122").unwrap();
        let bob = Caller::new("anonymous@[::1]:9").unwrap();
        let blob = ks.as_caller(&alice, || ks.encrypt(&k, b"x", None)).unwrap();
        ks.as_caller(&bob, || {
            assert_err(ks.decrypt(&blob[1..], None, None), "InvalidCiphertext");
            ks.as_caller(&alice, || ks.disable_key(&k)).unwrap();
            ks.create_user("u").unwrap();
        });
        ks.encrypt(&k, b"x", None).unwrap_err(); // disabled: the handle's caller
        let events = ks.audit_events(&AuditFilter::default()).unwrap();
        let seen: Vec<(&str, &str)> = events
            .iter()
            .filter(|e| e.operation != "CreateKeystore")
            .map(|e| (e.operation.as_str(), e.caller.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("CreateKey", "handle"),
                ("Encrypt", alice.as_str()),
                ("Decrypt", bob.as_str()),
                ("DisableKey", alice.as_str()),
                ("CreateUser", bob.as_str()),
                ("Encrypt", "handle"),
            ],
            "{level}"
        );
        assert_eq!(ks.verify_audit().unwrap(), events.len() as u64);
        ks.close().unwrap();
    }
}

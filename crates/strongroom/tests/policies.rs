//! SPEC section 13 in the core: key policies (default, put, get, list, checks), the server's
//! permission check (`authorize`) with two principals, grants, and what the file keeps.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use strongroom::{
    AccessRequest, AuditFilter, CreateGrant, CreateKey, EncryptionContext, GrantConstraints,
    GrantOperation, Keystore, MAX_POLICY_BYTES, ManualClock, Operation, Options, Principal,
    Timestamp,
};

const ACCOUNT: &str = "111122223333";

fn user(name: &str) -> Principal {
    Principal::user(ACCOUNT, name)
}

/// The users the tests' policies and grants name: a policy or grant may name only users the
/// keystore has (`strongroom iam`).
const USERS: [&str; 11] = [
    "myKeyManager",
    "myKeyUser",
    "admin",
    "u",
    "g",
    "grantee",
    "delegate",
    "retirer",
    "other",
    "r",
    "someone",
];

fn with_users(ks: Keystore) -> Keystore {
    for u in USERS {
        ks.create_user(u).unwrap();
    }
    ks
}

/// A scratch keystore with [`USERS`].
fn store() -> (Scratch, Keystore) {
    let (s, ks) = new_store();
    (s, with_users(ks))
}

/// The seeds' split: myKeyManager administers, myKeyUser uses, and Decrypt needs tenant acme.
fn seeds_policy() -> String {
    r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyManager"},
     "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion",
                "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
     "Resource": "*"},
    {"Sid": "Allow use of the key", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyUser"},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*"},
    {"Sid": "Decrypt only for acme", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
     "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionContext:tenant": "acme"}}}
  ]
}"#
    .into()
}

fn request<'a>(
    op: Operation,
    key: &'a str,
    ctx: Option<&'a EncryptionContext>,
    tokens: &'a [String],
) -> AccessRequest<'a> {
    AccessRequest {
        operation: op,
        action: op.as_str(),
        key_id: key,
        encryption_context: ctx,
        grant_tokens: tokens,
        grant_operations: &[],
    }
}

fn may(ks: &Keystore, who: &Principal, op: Operation, key: &str) -> strongroom::Result<()> {
    ks.authorize(who, &request(op, key, None, &[]))
}

#[test]
fn a_new_key_has_the_default_policy() {
    let (_s, ks) = store();
    let k = key(&ks);
    let p = ks.get_key_policy(&k.key_id, None).unwrap();
    assert_eq!(
        p,
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}"
    );
    assert_eq!(ks.get_key_policy(&k.key_id, Some("default")).unwrap(), p);
    assert_err(ks.get_key_policy(&k.key_id, Some("other")), "NotFound");
    assert_eq!(ks.list_key_policies(&k.key_id).unwrap(), ["default"]);
    assert_err(ks.list_key_policies("alias/none"), "NotFound");
    // Every principal of the account may use it; no one else.
    may(&ks, &user("anyone"), Operation::Encrypt, &k.key_id).unwrap();
    may(
        &ks,
        &Principal::account_root(ACCOUNT),
        Operation::ScheduleKeyDeletion,
        &k.arn,
    )
    .unwrap();
    let stranger = Principal::user("444455556666", "x");
    assert_err(
        may(&ks, &stranger, Operation::Encrypt, &k.key_id),
        "AccessDenied",
    );
}

#[test]
fn put_key_policy_checks_and_keeps_the_text() {
    let (s, ks) = store();
    let k = key(&ks);
    let text = seeds_policy();
    ks.put_key_policy(&k.key_id, Some("default"), &text, false)
        .unwrap();
    assert_eq!(ks.get_key_policy(&k.key_id, None).unwrap(), text);
    let cases = [
        ("{", "MalformedPolicyDocument"),
        (r#"{"Statement": []}"#, "MalformedPolicyDocument"),
        (
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:user/x"}, "Action": "kms:*", "Resource": "*"}]}"#,
            "MalformedPolicyDocument",
        ),
        ("", "Validation"),
    ];
    for (bad, name) in cases {
        assert_err(ks.put_key_policy(&k.key_id, None, bad, false), name);
        assert_err(ks.put_key_policy(&k.key_id, None, bad, true), name);
    }
    let big = format!("{text}{}", " ".repeat(MAX_POLICY_BYTES - text.len() + 1));
    assert_err(
        ks.put_key_policy(&k.key_id, None, &big, false),
        "Validation",
    );
    ks.put_key_policy(&k.key_id, None, &big[..MAX_POLICY_BYTES], false)
        .unwrap();
    assert_err(
        ks.put_key_policy(&k.key_id, Some("mine"), &text, false),
        "Validation",
    );
    // A policy that locks everyone out of PutKeyPolicy needs the bypass.
    let lockout = r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"}, "Action": "kms:Encrypt", "Resource": "*"}]}"#;
    let e = ks
        .put_key_policy(&k.key_id, None, lockout, false)
        .unwrap_err();
    assert_eq!(e.name(), "MalformedPolicyDocument");
    assert!(
        e.message()
            .contains("will not allow you to update the key policy"),
        "{e}"
    );
    assert_eq!(
        ks.get_key_policy(&k.key_id, None).unwrap(),
        &big[..MAX_POLICY_BYTES]
    );
    ks.put_key_policy(&k.key_id, None, lockout, true).unwrap();
    assert_err(
        may(&ks, &user("u"), Operation::PutKeyPolicy, &k.key_id),
        "AccessDenied",
    );
    // In-process callers are the account root: the policy does not restrict them.
    ks.put_key_policy(&k.key_id, None, &text, false).unwrap();
    ks.encrypt(&k.key_id, b"x", None).unwrap();
    // The policy survives a reopen.
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(ks.get_key_policy(&k.key_id, None).unwrap(), text);
    may(&ks, &user("myKeyManager"), Operation::DisableKey, &k.key_id).unwrap();
    assert_err(
        may(&ks, &user("myKeyManager"), Operation::Encrypt, &k.key_id),
        "AccessDenied",
    );
}

#[test]
fn create_key_with_a_policy() {
    let (_s, ks) = store();
    let k = ks
        .create_key(&CreateKey {
            policy: Some(seeds_policy()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ks.get_key_policy(&k.key_id, None).unwrap(), seeds_policy());
    // A bad policy creates nothing.
    let before = ks.list_keys().unwrap().len();
    let bad = CreateKey {
        policy: Some("{}".into()),
        ..Default::default()
    };
    assert_err(ks.create_key(&bad), "MalformedPolicyDocument");
    let lockout = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}}"#;
    let locked = |bypass| CreateKey {
        policy: Some(lockout.into()),
        bypass_policy_lockout_safety_check: bypass,
        ..Default::default()
    };
    assert_err(ks.create_key(&locked(false)), "MalformedPolicyDocument");
    assert_eq!(ks.list_keys().unwrap().len(), before);
    ks.create_key(&locked(true)).unwrap();
}

#[test]
fn the_seeds_split_decides_two_principals() {
    let (_s, ks) = store();
    let k = key(&ks);
    ks.create_alias("alias/app", &k.key_id).unwrap();
    ks.put_key_policy(&k.key_id, None, &seeds_policy(), false)
        .unwrap();
    let (m, u) = (user("myKeyManager"), user("myKeyUser"));
    for op in [
        Operation::DescribeKey,
        Operation::DisableKey,
        Operation::EnableKey,
        Operation::RotateKeyOnDemand,
        Operation::ScheduleKeyDeletion,
        Operation::CancelKeyDeletion,
    ] {
        may(&ks, &m, op, &k.key_id).unwrap();
    }
    let e = may(&ks, &m, Operation::Encrypt, "alias/app").unwrap_err();
    assert_eq!(e.name(), "AccessDenied");
    assert_eq!(
        e.message(),
        format!(
            "User: arn:aws:iam::111122223333:user/myKeyManager is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-1:111122223333:key/{} because no resource-based policy allows the kms:Encrypt action",
            k.key_id
        )
    );
    for op in [
        Operation::Encrypt,
        Operation::GenerateDataKey,
        Operation::GenerateDataKeyWithoutPlaintext,
        Operation::DescribeKey,
    ] {
        may(&ks, &u, op, &k.arn).unwrap();
    }
    assert_err(
        may(&ks, &u, Operation::ScheduleKeyDeletion, &k.key_id),
        "AccessDenied",
    );
    let acme = EncryptionContext::from_pairs([("tenant", "acme")]).unwrap();
    let evil = EncryptionContext::from_pairs([("tenant", "evil")]).unwrap();
    ks.authorize(
        &u,
        &request(Operation::Decrypt, &k.key_id, Some(&acme), &[]),
    )
    .unwrap();
    let e = ks
        .authorize(
            &u,
            &request(Operation::Decrypt, &k.key_id, Some(&evil), &[]),
        )
        .unwrap_err();
    assert!(
        e.message()
            .ends_with("with an explicit deny in a resource-based policy"),
        "{e}"
    );
    assert_err(may(&ks, &u, Operation::Decrypt, &k.key_id), "AccessDenied");
    // Refusals are in the audit trail under their operation.
    let refused = ks
        .audit_events(&AuditFilter {
            outcome: Some("AccessDenied".into()),
            ..Default::default()
        })
        .unwrap();
    let ops: Vec<&str> = refused.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        ["Encrypt", "ScheduleKeyDeletion", "Decrypt", "Decrypt"]
    );
    assert!(
        refused
            .iter()
            .all(|e| e.key_id.as_deref() == Some(k.key_id.as_str()))
    );
    assert_eq!(
        refused[2]
            .encryption_context
            .get("tenant")
            .map(String::as_str),
        Some("evil")
    );
    // A key that does not exist fails as the operation would, and is recorded.
    assert_err(may(&ks, &u, Operation::Encrypt, "alias/none"), "NotFound");
}

#[test]
fn grants_allow_after_the_policy_and_never_past_a_deny() {
    let (_s, ks) = store();
    let k = key(&ks);
    ks.put_key_policy(&k.key_id, None, &seeds_policy(), false)
        .unwrap();
    let g = user("grantee");
    assert_err(may(&ks, &g, Operation::Encrypt, &k.key_id), "AccessDenied");
    let ctx = BTreeMap::from([("tenant".to_string(), "acme".to_string())]);
    let created = ks
        .create_grant(&CreateGrant {
            key_id: k.key_id.clone(),
            grantee_principal: g.arn.clone(),
            retiring_principal: Some(user("retirer").arn),
            operations: vec![GrantOperation::Encrypt, GrantOperation::Decrypt],
            constraints: Some(GrantConstraints {
                encryption_context_subset: Some(ctx),
                ..Default::default()
            }),
            name: Some("app".into()),
        })
        .unwrap();
    assert_eq!(created.grant_id.len(), 64);
    let acme = EncryptionContext::from_pairs([("tenant", "acme"), ("x", "y")]).unwrap();
    let evil = EncryptionContext::from_pairs([("tenant", "evil")]).unwrap();
    let tokens = [created.grant_token.clone()];
    ks.authorize(
        &g,
        &request(Operation::Encrypt, &k.key_id, Some(&acme), &tokens),
    )
    .unwrap();
    // The constraint binds; the policy's Deny still wins over the grant; other actions are not granted.
    assert_err(
        ks.authorize(&g, &request(Operation::Encrypt, &k.key_id, None, &[])),
        "AccessDenied",
    );
    assert_err(
        ks.authorize(
            &g,
            &request(Operation::Decrypt, &k.key_id, Some(&evil), &[]),
        ),
        "AccessDenied",
    );
    ks.authorize(
        &g,
        &request(Operation::Decrypt, &k.key_id, Some(&acme), &[]),
    )
    .unwrap();
    assert_err(
        may(&ks, &g, Operation::DescribeKey, &k.key_id),
        "AccessDenied",
    );
    assert_err(
        may(&ks, &user("other"), Operation::Encrypt, &k.key_id),
        "AccessDenied",
    );
    // Idempotent by name; listed; retirable by the retiring principal only.
    let again = ks
        .create_grant(&CreateGrant {
            key_id: k.arn.clone(),
            grantee_principal: g.arn.clone(),
            retiring_principal: Some(user("retirer").arn),
            operations: vec![GrantOperation::Encrypt, GrantOperation::Decrypt],
            constraints: Some(GrantConstraints {
                encryption_context_subset: Some(BTreeMap::from([(
                    "tenant".to_string(),
                    "acme".to_string(),
                )])),
                ..Default::default()
            }),
            name: Some("app".into()),
        })
        .unwrap();
    assert_eq!(again.grant_id, created.grant_id);
    let listed = ks.list_grants(&k.key_id, None, None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].grantee_principal, g.arn);
    assert_eq!(listed[0].issuing_account, "arn:aws:iam::111122223333:root");
    assert_eq!(
        ks.list_grants(&k.key_id, None, Some("arn:aws:iam::111122223333:user/no"))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        ks.list_retirable_grants(&user("retirer").arn)
            .unwrap()
            .len(),
        1
    );
    assert_err(
        ks.authorize_retire_grant(&user("other"), Some(&created.grant_token), None, None),
        "AccessDenied",
    );
    ks.authorize_retire_grant(&user("retirer"), Some(&created.grant_token), None, None)
        .unwrap();
    // The manager may not: kms:RetireGrant is not among the actions the policy allows it.
    assert_err(
        ks.authorize_retire_grant(
            &user("myKeyManager"),
            None,
            Some(&k.key_id),
            Some(&created.grant_id),
        ),
        "AccessDenied",
    );
    ks.retire_grant(Some(&created.grant_token), None, None)
        .unwrap();
    assert_err(
        ks.retire_grant(Some(&created.grant_token), None, None),
        "NotFound",
    );
    assert_err(
        ks.authorize(
            &g,
            &request(Operation::Encrypt, &k.key_id, Some(&acme), &tokens),
        ),
        "InvalidGrantToken",
    );
    assert_err(
        ks.authorize(
            &g,
            &request(Operation::Encrypt, &k.key_id, Some(&acme), &["junk".into()]),
        ),
        "InvalidGrantToken",
    );
    assert_err(ks.revoke_grant(&k.key_id, &created.grant_id), "NotFound");
}

#[test]
fn grant_arguments_are_checked() {
    let (_s, ks) = store();
    let k = key(&ks);
    let base = CreateGrant {
        key_id: k.key_id.clone(),
        grantee_principal: user("g").arn,
        operations: vec![GrantOperation::Decrypt],
        ..Default::default()
    };
    for bad in [
        "bob",
        "arn:aws:iam::999988887777:user/x",
        "*",
        "111122223333",
    ] {
        let r = ks.create_grant(&CreateGrant {
            grantee_principal: bad.into(),
            ..base.clone()
        });
        assert_err(r, "Validation");
    }
    assert_err(
        ks.create_grant(&CreateGrant {
            operations: vec![],
            ..base.clone()
        }),
        "Validation",
    );
    assert_err(
        ks.create_grant(&CreateGrant {
            key_id: "alias/none".into(),
            ..base.clone()
        }),
        "NotFound",
    );
    ks.create_grant(&CreateGrant {
        grantee_principal: "arn:aws:iam::111122223333:root".into(),
        ..base.clone()
    })
    .unwrap();
    assert_eq!(ks.list_grants(&k.key_id, None, None).unwrap().len(), 1);
    // A grant to the account root applies to every principal of the account.
    ks.put_key_policy(
        &k.key_id,
        None,
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "kms:*", "Resource": "*"}}"#,
        false,
    )
    .unwrap();
    may(&ks, &user("someone"), Operation::Decrypt, &k.key_id).unwrap();
    assert_err(
        may(&ks, &user("someone"), Operation::Encrypt, &k.key_id),
        "AccessDenied",
    );
    // A grant's CreateGrant allows only grants for operations it allows itself.
    let cg = ks
        .create_grant(&CreateGrant {
            grantee_principal: user("delegate").arn,
            operations: vec![GrantOperation::CreateGrant, GrantOperation::Encrypt],
            ..base.clone()
        })
        .unwrap();
    let asks = |ops: &[GrantOperation]| {
        ks.authorize(
            &user("delegate"),
            &AccessRequest {
                grant_operations: ops,
                ..request(Operation::CreateGrant, &k.key_id, None, &[])
            },
        )
    };
    asks(&[GrantOperation::Encrypt]).unwrap();
    asks(&[GrantOperation::Encrypt, GrantOperation::CreateGrant]).unwrap();
    assert_err(
        asks(&[GrantOperation::Decrypt, GrantOperation::Encrypt]),
        "AccessDenied",
    );
    ks.revoke_grant(&k.key_id, &cg.grant_id).unwrap();
    assert_err(asks(&[GrantOperation::Encrypt]), "AccessDenied");
    // No new grant on a key pending deletion.
    ks.schedule_key_deletion(&k.key_id, None).unwrap();
    assert_err(ks.create_grant(&base), "InvalidState");
}

#[test]
fn grants_and_policy_are_destroyed_with_the_key_and_survive_reopen() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_700_000_000_000));
    let options = Options {
        clock: Arc::new(clock.clone()),
        ..opts()
    };
    let s = scratch();
    let ks = with_users(Keystore::create(&s.path, PASS, &options).unwrap());
    let (k, kept) = (key(&ks), key(&ks));
    ks.put_key_policy(&k.key_id, None, &seeds_policy(), false)
        .unwrap();
    let grant = |key: &str| {
        ks.create_grant(&CreateGrant {
            key_id: key.into(),
            grantee_principal: user("g").arn,
            retiring_principal: Some(user("r").arn),
            operations: vec![GrantOperation::Encrypt],
            ..Default::default()
        })
        .unwrap()
    };
    let (doomed, survivor) = (grant(&k.key_id), grant(&kept.key_id));
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &options).unwrap();
    assert_eq!(
        ks.list_grants(&k.key_id, None, None).unwrap()[0].grant_id,
        doomed.grant_id
    );
    assert_eq!(ks.list_retirable_grants(&user("r").arn).unwrap().len(), 2);
    ks.schedule_key_deletion(&k.key_id, Some(7)).unwrap();
    clock.advance_days(8);
    ks.run_maintenance().unwrap();
    assert_err(ks.list_grants(&k.key_id, None, None), "NotFound");
    let left = ks.list_retirable_grants(&user("r").arn).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].grant_id, survivor.grant_id);
    assert_err(
        ks.authorize(
            &user("g"),
            &request(
                Operation::Encrypt,
                &kept.key_id,
                None,
                std::slice::from_ref(&doomed.grant_token),
            ),
        ),
        "InvalidGrantToken",
    );
    ks.close().unwrap();
    let db = redb::Database::open(&s.path).unwrap();
    let tx = redb::ReadableDatabase::begin_read(&db).unwrap();
    let policies = tx
        .open_table(strongroom::insecure_test_tables::KEY_POLICIES)
        .unwrap();
    assert!(
        redb::ReadableTable::get(&policies, uuid_u128(&k.key_id))
            .unwrap()
            .is_none()
    );
}

fn uuid_u128(id: &str) -> u128 {
    u128::from_str_radix(&id.replace('-', ""), 16).unwrap()
}

#[test]
fn a_policy_moved_to_another_key_is_detected() {
    let s = scratch();
    let ks = with_users(Keystore::create(&s.path, PASS, &opts()).unwrap());
    let (a, b) = (key(&ks), key(&ks));
    ks.put_key_policy(&a.key_id, None, &seeds_policy(), false)
        .unwrap();
    ks.close().unwrap();
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx
                .open_table(strongroom::insecure_test_tables::KEY_POLICIES)
                .unwrap();
            let sealed = redb::ReadableTable::get(&t, uuid_u128(&a.key_id))
                .unwrap()
                .unwrap()
                .value()
                .to_vec();
            t.insert(uuid_u128(&b.key_id), sealed.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_err(ks.get_key_policy(&b.key_id, None), "Corrupt");
}

#[test]
fn policies_and_grants_name_only_users_the_keystore_has() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let policy = |who: &str| {
        format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111122223333:user/{who}"}}, "Action": "kms:*", "Resource": "*"}}}}"#
        )
    };
    let grant = |who: &str| CreateGrant {
        key_id: k.key_id.clone(),
        grantee_principal: format!("arn:aws:iam::111122223333:user/{who}"),
        operations: vec![GrantOperation::Decrypt],
        ..Default::default()
    };
    // No such user yet: refused (with the bypass too), nothing kept.
    let before = ks.get_key_policy(&k.key_id, None).unwrap();
    let e = ks
        .put_key_policy(&k.key_id, None, &policy("alice"), true)
        .unwrap_err();
    assert_eq!(e.name(), "MalformedPolicyDocument");
    assert!(e.message().contains("user/alice is not a user"), "{e}");
    assert_err(
        ks.create_key(&CreateKey {
            policy: Some(policy("alice")),
            ..Default::default()
        }),
        "MalformedPolicyDocument",
    );
    assert_err(ks.create_grant(&grant("alice")), "Validation");
    assert_eq!(ks.get_key_policy(&k.key_id, None).unwrap(), before);
    assert!(ks.list_grants(&k.key_id, None, None).unwrap().is_empty());

    ks.create_user("alice").unwrap();
    ks.put_key_policy(&k.key_id, None, &policy("alice"), false)
        .unwrap();
    ks.create_grant(&grant("alice")).unwrap();
    // The name as created, exactly: IAM names are unique without regard to case, but the ARN a
    // request is signed as spells it as created, so another spelling would never match.
    assert_err(
        ks.put_key_policy(&k.key_id, None, &policy("ALICE"), false),
        "MalformedPolicyDocument",
    );
    assert_err(ks.create_grant(&grant("Alice")), "Validation");
    // Users have the path "/": a user ARN with another path names no user.
    assert_err(
        ks.put_key_policy(&k.key_id, None, &policy("ops/alice"), false),
        "MalformedPolicyDocument",
    );
    assert_eq!(ks.get_key_policy(&k.key_id, None).unwrap(), policy("alice"));
}

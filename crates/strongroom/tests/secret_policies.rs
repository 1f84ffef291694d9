//! SPEC section 14 with section 13: resource policies on secrets (`PutResourcePolicy`,
//! `GetResourcePolicy`, `DeleteResourcePolicy`, `ValidateResourcePolicy`): bounds, the grammar,
//! `BlockPublicPolicy`, what keeps and what drops the policy, and the server's check
//! (`authorize_secret`), where an explicit `Deny` refuses a call and an `Allow` takes nothing away.

mod common;

use common::*;
use strongroom::{
    AuditFilter, CreateSecret, Keystore, MAX_SECRET_POLICY_CHARS, Operation, Principal,
    SecretAccessRequest, SecretValue, UpdateSecret,
};

const ACCOUNT: &str = "111122223333";

fn store() -> (Scratch, Keystore) {
    let (s, ks) = new_store();
    for u in ["alice", "bob"] {
        ks.create_user(u).unwrap();
    }
    ks.create_secret(&CreateSecret {
        name: "prod/db".into(),
        value: Some(SecretValue::string("hunter2")),
        ..Default::default()
    })
    .unwrap();
    (s, ks)
}

/// bob may not read the value; nobody may delete the secret from 10.9.0.0/16.
const DENY_BOB: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "NoBob", "Effect": "Deny",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
     "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
    {"Sid": "AliceOnly", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
     "Action": "secretsmanager:*", "Resource": "*"}
  ]
}"#;

const PUBLIC: &str = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;

fn user(name: &str) -> Principal {
    Principal::user(ACCOUNT, name)
}

fn may(ks: &Keystore, who: &Principal, op: Operation) -> strongroom::Result<()> {
    ks.authorize_secret(
        who,
        &SecretAccessRequest {
            operation: op,
            secret_id: Some("prod/db"),
            kms_key_id: None,
            version_id: None,
            version_stage: None,
            reads_value: op == Operation::GetSecretValue,
            writes_value: op == Operation::PutSecretValue,
        },
    )
}

fn policy(ks: &Keystore) -> Option<String> {
    ks.get_secret_resource_policy("prod/db", None)
        .unwrap()
        .resource_policy
}

#[test]
fn put_get_delete_round_trip() {
    let (_s, ks) = store();
    let none = ks.get_secret_resource_policy("prod/db", None).unwrap();
    assert_eq!(none.resource_policy, None);
    assert_eq!(none.name, "prod/db");
    assert_eq!(none.policy_name, "default");
    let put = ks
        .put_secret_resource_policy("prod/db", None, DENY_BOB, true)
        .unwrap();
    assert!(put.arn.contains(":secret:prod/db-"));
    assert_eq!(
        (put.name.as_str(), put.policy_name.as_str()),
        ("prod/db", "default")
    );
    // Kept byte for byte, found by ARN too.
    let got = ks
        .get_secret_resource_policy(&put.arn, Some("default"))
        .unwrap();
    assert_eq!(got.resource_policy.as_deref(), Some(DENY_BOB));
    assert_eq!(got.arn, put.arn);
    // Another name: Validation to put or delete, NotFound to read (AWS's answers).
    assert_err(
        ks.put_secret_resource_policy("prod/db", Some("other"), PUBLIC, false),
        "Validation",
    );
    assert_err(
        ks.get_secret_resource_policy("prod/db", Some("other")),
        "NotFound",
    );
    assert_err(
        ks.delete_secret_resource_policy("prod/db", Some("other")),
        "Validation",
    );
    assert_eq!(policy(&ks).as_deref(), Some(DENY_BOB));
    let del = ks.delete_secret_resource_policy("prod/db", None).unwrap();
    assert_eq!(del.arn, put.arn);
    assert_eq!(policy(&ks), None);
    // Deleting again changes nothing and succeeds, as in AWS.
    ks.delete_secret_resource_policy("prod/db", None).unwrap();
    for op in [
        ks.get_secret_resource_policy("nope", None).map(|_| ()),
        ks.put_secret_resource_policy("nope", None, DENY_BOB, false)
            .map(|_| ()),
        ks.delete_secret_resource_policy("nope", None).map(|_| ()),
    ] {
        assert_err(op, "NotFound");
    }
}

#[test]
fn the_bound_is_20480_characters() {
    let (_s, ks) = store();
    let pad = |doc: &str, n: usize| format!("{doc}{}", " ".repeat(n - doc.chars().count()));
    let at = pad(DENY_BOB, MAX_SECRET_POLICY_CHARS);
    ks.put_secret_resource_policy("prod/db", None, &at, false)
        .unwrap();
    assert_eq!(policy(&ks).as_deref(), Some(at.as_str()));
    let over = pad(DENY_BOB, MAX_SECRET_POLICY_CHARS + 1);
    let e = ks
        .put_secret_resource_policy("prod/db", None, &over, false)
        .unwrap_err();
    assert_eq!(e.name(), "Validation");
    assert!(e.message().contains("20481"), "{e}");
    assert_err(
        ks.put_secret_resource_policy("prod/db", None, "", false),
        "Validation",
    );
    assert_err(
        ks.validate_secret_resource_policy(None, &over),
        "Validation",
    );
    // Characters, not bytes: 20,480 two-byte characters (in a Sid) fit.
    let sid = "é".repeat(MAX_SECRET_POLICY_CHARS - 200);
    let wide = format!(
        r#"{{"Statement": [{{"Sid": "{sid}", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}}]}}"#
    );
    let wide = pad(&wide, MAX_SECRET_POLICY_CHARS);
    assert!(wide.len() > MAX_SECRET_POLICY_CHARS);
    ks.put_secret_resource_policy("prod/db", None, &wide, false)
        .unwrap();
    assert_eq!(policy(&ks).as_deref(), Some(wide.as_str()));
}

#[test]
fn malformed_policies_change_nothing() {
    let (_s, ks) = store();
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, false)
        .unwrap();
    for bad in [
        "{",
        r#"{"Statement": []}"#,
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "GetSecretValue", "Resource": "*"}]}"#,
        // A user the keystore does not have; another account; a role.
        r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/carol"}, "Action": "secretsmanager:*", "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "secretsmanager:*", "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/r"}, "Action": "secretsmanager:*", "Resource": "*"}]}"#,
    ] {
        assert_err(
            ks.put_secret_resource_policy("prod/db", None, bad, false),
            "MalformedPolicyDocument",
        );
        let v = ks.validate_secret_resource_policy(None, bad).unwrap();
        assert!(!v.passed, "{bad}");
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].check_name, "SYNTAX_CHECK");
        assert!(!v.errors[0].error_message.is_empty());
    }
    assert_eq!(policy(&ks).as_deref(), Some(DENY_BOB));
}

#[test]
fn block_public_policy_both_ways() {
    let (_s, ks) = store();
    let e = ks
        .put_secret_resource_policy("prod/db", None, PUBLIC, true)
        .unwrap_err();
    assert_eq!(e.name(), "PublicPolicy");
    assert_eq!(e.secrets_manager_code(), "PublicPolicyException");
    assert!(e.message().contains("statement 0"), "{e}");
    assert_eq!(policy(&ks), None, "nothing changed");
    // Without BlockPublicPolicy it is accepted, as AWS accepts it.
    ks.put_secret_resource_policy("prod/db", None, PUBLIC, false)
        .unwrap();
    assert_eq!(policy(&ks).as_deref(), Some(PUBLIC));
    // Narrowed by a condition on the caller: not public.
    let narrowed = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}"#;
    ks.put_secret_resource_policy("prod/db", None, narrowed, true)
        .unwrap();
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, true)
        .unwrap();
    let v = ks
        .validate_secret_resource_policy(Some("prod/db"), PUBLIC)
        .unwrap();
    assert!(!v.passed);
    assert_eq!(v.errors[0].check_name, "BROAD_ACCESS");
    for ok in [narrowed, DENY_BOB] {
        let v = ks.validate_secret_resource_policy(None, ok).unwrap();
        assert!(v.passed && v.errors.is_empty(), "{ok}");
    }
    assert_err(
        ks.validate_secret_resource_policy(Some("nope"), DENY_BOB),
        "NotFound",
    );
}

#[test]
fn writes_keep_the_policy_and_reopening_keeps_it() {
    let (s, ks) = store();
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, false)
        .unwrap();
    ks.put_secret_value("prod/db", None, &SecretValue::string("v2"), None)
        .unwrap();
    ks.update_secret(
        "prod/db",
        &UpdateSecret {
            description: Some("d".into()),
            value: Some(SecretValue::string("v3")),
            ..Default::default()
        },
    )
    .unwrap();
    ks.tag_secret("prod/db", &[strongroom::SecretTag::new("k", "v")])
        .unwrap();
    ks.get_secret_value("prod/db", None, None).unwrap(); // notes the day read
    assert_eq!(policy(&ks).as_deref(), Some(DENY_BOB));
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(policy(&ks).as_deref(), Some(DENY_BOB));
    assert_err(
        may(&ks, &user("bob"), Operation::GetSecretValue),
        "AccessDenied",
    );
    ks.delete_secret_resource_policy("prod/db", None).unwrap();
    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &opts()).unwrap();
    assert_eq!(policy(&ks), None);
    may(&ks, &user("bob"), Operation::GetSecretValue).unwrap();
}

#[test]
fn a_secret_scheduled_for_deletion_refuses_changes_to_its_policy() {
    let (_s, ks) = store();
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, false)
        .unwrap();
    ks.delete_secret("prod/db", Some(7), false).unwrap();
    assert_err(
        ks.put_secret_resource_policy("prod/db", None, PUBLIC, false),
        "InvalidState",
    );
    assert_err(
        ks.delete_secret_resource_policy("prod/db", None),
        "InvalidState",
    );
    assert_eq!(policy(&ks).as_deref(), Some(DENY_BOB), "still readable");
    ks.restore_secret("prod/db").unwrap();
    ks.delete_secret_resource_policy("prod/db", None).unwrap();
}

#[test]
fn a_deny_refuses_the_server_caller_and_an_allow_takes_nothing_away() {
    let (_s, ks) = store();
    let (alice, bob) = (user("alice"), user("bob"));
    let root = Principal::account_root(ACCOUNT);
    for who in [&alice, &bob, &root] {
        may(&ks, who, Operation::GetSecretValue).unwrap();
    }
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, false)
        .unwrap();
    let e = may(&ks, &bob, Operation::GetSecretValue).unwrap_err();
    assert_eq!(e.name(), "AccessDenied");
    let arn = ks.describe_secret("prod/db").unwrap().arn;
    assert_eq!(
        e.message(),
        format!(
            "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: \
             secretsmanager:GetSecretValue on resource: {arn} with an explicit deny in a \
             resource-based policy"
        )
    );
    may(&ks, &alice, Operation::GetSecretValue).unwrap();
    // The Allow names alice only, yet bob and the root keep every call the Deny does not name.
    for op in [
        Operation::DescribeSecret,
        Operation::PutSecretValue,
        Operation::TagResource,
        Operation::GetResourcePolicy,
    ] {
        may(&ks, &bob, op).unwrap();
        may(&ks, &root, op).unwrap();
    }
    // The refusal is audited under the call, with the secret's ARN.
    let refused = ks
        .audit_events(&AuditFilter {
            outcome: Some("AccessDenied".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].operation, "GetSecretValue");
    assert_eq!(refused[0].encryption_context["SecretARN"], arn);
    // A Deny on every action of the secret, for everyone but alice, with a condition.
    let lockdown = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:username": "alice"}}}]}"#;
    ks.put_secret_resource_policy("prod/db", None, lockdown, false)
        .unwrap();
    for op in [
        Operation::DescribeSecret,
        Operation::GetSecretValue,
        Operation::PutSecretValue,
        Operation::UpdateSecret,
        Operation::TagResource,
        Operation::UntagResource,
        Operation::DeleteSecret,
        Operation::RestoreSecret,
        Operation::ListSecretVersionIds,
        Operation::UpdateSecretVersionStage,
        Operation::PutResourcePolicy,
        Operation::GetResourcePolicy,
        Operation::DeleteResourcePolicy,
        Operation::ValidateResourcePolicy,
    ] {
        assert_err(may(&ks, &bob, op), "AccessDenied");
        assert_err(may(&ks, &root, op), "AccessDenied");
        may(&ks, &alice, op).unwrap();
    }
    // The resource: a Deny naming another secret's ARN does not apply.
    let elsewhere = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:other-*"}]}"#;
    ks.put_secret_resource_policy("prod/db", None, elsewhere, false)
        .unwrap();
    may(&ks, &bob, Operation::GetSecretValue).unwrap();
    let here = format!(
        r#"{{"Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:Get*", "Resource": "{arn}"}}]}}"#
    );
    ks.put_secret_resource_policy("prod/db", None, &here, false)
        .unwrap();
    assert_err(may(&ks, &bob, Operation::GetSecretValue), "AccessDenied");
    may(&ks, &bob, Operation::DescribeSecret).unwrap();
    // In-process calls are the account root and are never checked.
    ks.get_secret_value("prod/db", None, None).unwrap();
}

#[test]
fn the_policy_calls_are_audited_under_their_names() {
    let (_s, ks) = store();
    ks.put_secret_resource_policy("prod/db", None, DENY_BOB, false)
        .unwrap();
    ks.get_secret_resource_policy("prod/db", None).unwrap();
    ks.validate_secret_resource_policy(Some("prod/db"), DENY_BOB)
        .unwrap();
    ks.delete_secret_resource_policy("prod/db", None).unwrap();
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    for op in [
        "PutResourcePolicy",
        "GetResourcePolicy",
        "ValidateResourcePolicy",
        "DeleteResourcePolicy",
    ] {
        let e = events.iter().find(|e| e.operation == op).unwrap();
        assert_eq!(e.outcome, "ok");
        assert!(
            e.encryption_context["SecretARN"].contains(":secret:prod/db-"),
            "{op}"
        );
    }
}

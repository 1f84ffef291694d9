//! Key policies and grants through [`handle`], with two principals: the seeds' key manager and
//! key user, a Deny on Decrypt outside tenant acme, and a grant used with its token at once.

use super::*;
use serde_json::json;
use strongroom::Options;

const MANAGER: &str = "arn:aws:iam::111122223333:user/myKeyManager";
const USER: &str = "arn:aws:iam::111122223333:user/myKeyUser";

fn fixture() -> (tempfile::TempDir, Keystore) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"pw",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    // A policy names only users the keystore has.
    for user in ["myKeyManager", "myKeyUser", "app"] {
        ks.create_user(user).unwrap();
    }
    (dir, ks)
}

fn who(name: &str) -> Principal {
    Principal::user("111122223333", name)
}

/// Calls `op` as `caller`; returns (status, body).
fn call(ks: &Keystore, caller: &Principal, op: &str, body: Value) -> (u16, Value) {
    let op = operation(Some(&format!("{TARGET_PREFIX}{op}"))).unwrap();
    let reply = handle(ks, caller, op, body.to_string().as_bytes());
    (reply.status, serde_json::from_slice(&reply.body).unwrap())
}

fn ok(ks: &Keystore, caller: &Principal, op: &str, body: Value) -> Value {
    let (status, v) = call(ks, caller, op, body);
    assert_eq!(status, 200, "{op} as {}: {v}", caller.arn);
    v
}

fn denied(ks: &Keystore, caller: &Principal, op: &str, body: Value) -> String {
    let (status, v) = call(ks, caller, op, body);
    assert_eq!(status, 400, "{op} as {}: {v}", caller.arn);
    assert_eq!(v["__type"], "AccessDeniedException", "{op}: {v}");
    v["message"].as_str().unwrap().to_owned()
}

fn policy() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:root"}}},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": MANAGER},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                        "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"AWS": USER},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"},
            {"Sid": "Decrypt only for acme", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
             "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionContext:tenant": "acme"}}}
        ]
    })
    .to_string()
}

#[test]
fn the_seeds_demo_with_two_principals() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let tags = json!([{"TagKey": "Team", "TagValue": "payments"}]);
    let key = ok(
        &ks,
        &root,
        "CreateKey",
        json!({"Policy": policy(), "Tags": tags}),
    )["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = ok(&ks, &root, "GetKeyPolicy", json!({"KeyId": key}));
    assert_eq!(got["PolicyName"], "default");
    assert_eq!(got["Policy"], policy());
    let got = ok(&ks, &root, "ListResourceTags", json!({"KeyId": key}));
    assert_eq!(got["Tags"], tags);
    ok(
        &ks,
        &root,
        "CreateAlias",
        json!({"AliasName": "alias/demo", "TargetKeyId": key}),
    );
    let (m, u) = (who("myKeyManager"), who("myKeyUser"));
    // The manager administers...
    ok(&ks, &m, "DescribeKey", json!({"KeyId": "alias/demo"}));
    ok(&ks, &m, "DisableKey", json!({"KeyId": key}));
    ok(&ks, &m, "EnableKey", json!({"KeyId": key}));
    ok(&ks, &m, "RotateKeyOnDemand", json!({"KeyId": key}));
    ok(
        &ks,
        &m,
        "ScheduleKeyDeletion",
        json!({"KeyId": key, "PendingWindowInDays": 7}),
    );
    ok(&ks, &m, "CancelKeyDeletion", json!({"KeyId": key}));
    ok(&ks, &m, "EnableKey", json!({"KeyId": key}));
    assert_eq!(
        ok(&ks, &m, "ListKeyPolicies", json!({"KeyId": key}))["PolicyNames"],
        json!(["default"])
    );
    // ...but may not use the key.
    let msg = denied(
        &ks,
        &m,
        "Encrypt",
        json!({"KeyId": "alias/demo", "Plaintext": "aGk="}),
    );
    assert_eq!(
        msg,
        format!(
            "User: {MANAGER} is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-1:111122223333:key/{key} because no resource-based policy allows the kms:Encrypt action"
        )
    );
    // The user uses it, with the tenant condition on Decrypt...
    let ctx = json!({"tenant": "acme"});
    let blob = ok(
        &ks,
        &u,
        "Encrypt",
        json!({"KeyId": "alias/demo", "Plaintext": "aGk=", "EncryptionContext": ctx}),
    )["CiphertextBlob"]
        .clone();
    let out = ok(
        &ks,
        &u,
        "Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": ctx}),
    );
    assert_eq!(out["Plaintext"], "aGk=");
    let other = ok(
        &ks,
        &u,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": "aGk=", "EncryptionContext": {"tenant": "evil"}}),
    )["CiphertextBlob"]
        .clone();
    let msg = denied(
        &ks,
        &u,
        "Decrypt",
        json!({"CiphertextBlob": other, "EncryptionContext": {"tenant": "evil"}}),
    );
    assert!(
        msg.ends_with("with an explicit deny in a resource-based policy"),
        "{msg}"
    );
    ok(
        &ks,
        &u,
        "GenerateDataKey",
        json!({"KeyId": key, "KeySpec": "AES_256"}),
    );
    ok(
        &ks,
        &u,
        "ReEncrypt",
        json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": key}),
    );
    // ...and may not administer it.
    denied(&ks, &u, "ScheduleKeyDeletion", json!({"KeyId": key}));
    denied(
        &ks,
        &u,
        "PutKeyPolicy",
        json!({"KeyId": key, "Policy": policy()}),
    );
    denied(
        &ks,
        &u,
        "CreateGrant",
        json!({"KeyId": key, "GranteePrincipal": USER, "Operations": ["Decrypt"]}),
    );
    // Another principal of the account matches no statement (the root statement is the root's).
    denied(&ks, &who("stranger"), "DescribeKey", json!({"KeyId": key}));
    // Keyless operations are open to every authenticated caller.
    ok(&ks, &who("stranger"), "ListKeys", json!({}));
    ok(
        &ks,
        &who("stranger"),
        "GenerateRandom",
        json!({"NumberOfBytes": 8}),
    );
    // A key that does not exist is NotFound, not AccessDenied.
    let (_, v) = call(
        &ks,
        &u,
        "Encrypt",
        json!({"KeyId": "alias/none", "Plaintext": "aGk="}),
    );
    assert_eq!(v["__type"], "NotFoundException");
    // Every refusal is in the audit trail.
    let refused = ks
        .audit_events(&strongroom::AuditFilter {
            outcome: Some("AccessDenied".into()),
            ..Default::default()
        })
        .unwrap();
    let ops: Vec<&str> = refused.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Encrypt",
            "Decrypt",
            "ScheduleKeyDeletion",
            "PutKeyPolicy",
            "CreateGrant",
            "DescribeKey"
        ]
    );
}

#[test]
fn grants_through_the_protocol() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let key = ok(&ks, &root, "CreateKey", json!({"Policy": policy()}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let g = who("app");
    denied(
        &ks,
        &g,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": "aGk="}),
    );
    let m = who("myKeyManager");
    let created = ok(
        &ks,
        &m,
        "CreateGrant",
        json!({"KeyId": key, "GranteePrincipal": g.arn, "RetiringPrincipal": MANAGER,
               "Operations": ["Encrypt", "Decrypt"], "Name": "app",
               "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}}}),
    );
    let token = created["GrantToken"].as_str().unwrap().to_owned();
    let id = created["GrantId"].as_str().unwrap().to_owned();
    // AWS service principals do not exist here: refused, and no grant is made.
    for (op, body) in [
        (
            "CreateGrant",
            json!({"KeyId": key, "GranteeServicePrincipal": "ec2.amazonaws.com",
                               "RetiringPrincipal": MANAGER, "Operations": ["Decrypt"]}),
        ),
        (
            "CreateGrant",
            json!({"KeyId": key, "GranteePrincipal": g.arn,
                               "RetiringServicePrincipal": "ec2.amazonaws.com",
                               "Operations": ["Decrypt"]}),
        ),
        (
            "ListRetirableGrants",
            json!({"RetiringServicePrincipal": "ec2.amazonaws.com"}),
        ),
    ] {
        let (status, v) = call(&ks, &m, op, body);
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("ValidationException"))
        );
        assert!(
            v["message"].as_str().unwrap().contains("ServicePrincipal"),
            "{v}"
        );
    }
    let ctx = json!({"tenant": "acme"});
    let blob = ok(&ks, &g, "Encrypt", json!({"KeyId": key, "Plaintext": "aGk=", "EncryptionContext": ctx, "GrantTokens": [token]}))
        ["CiphertextBlob"]
        .clone();
    ok(
        &ks,
        &g,
        "Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": ctx}),
    );
    denied(
        &ks,
        &g,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": "aGk="}),
    );
    denied(&ks, &g, "DescribeKey", json!({"KeyId": key}));
    let (_, v) = call(
        &ks,
        &g,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": "aGk=", "GrantTokens": ["nope"]}),
    );
    assert_eq!(v["__type"], "InvalidGrantTokenException");
    let listed = ok(&ks, &m, "ListGrants", json!({"KeyId": key}));
    assert_eq!(listed["Truncated"], false);
    assert_eq!(listed["Grants"].as_array().unwrap().len(), 1);
    let entry = &listed["Grants"][0];
    assert_eq!(entry["GrantId"], id);
    assert_eq!(entry["GranteePrincipal"], g.arn);
    assert_eq!(entry["Operations"], json!(["Encrypt", "Decrypt"]));
    assert_eq!(entry["Constraints"]["EncryptionContextSubset"], ctx);
    assert_eq!(
        entry["KeyId"],
        format!("arn:aws:kms:us-east-1:111122223333:key/{key}")
    );
    let retirable = ok(
        &ks,
        &g,
        "ListRetirableGrants",
        json!({"RetiringPrincipal": MANAGER}),
    );
    assert_eq!(retirable["Grants"].as_array().unwrap().len(), 1);
    // The grantee may not retire it (no RetireGrant operation); the retiring principal may.
    denied(&ks, &g, "RetireGrant", json!({"GrantToken": token}));
    ok(&ks, &m, "RetireGrant", json!({"GrantToken": token}));
    denied(
        &ks,
        &g,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": "aGk=", "EncryptionContext": ctx}),
    );
    let (_, v) = call(&ks, &m, "RevokeGrant", json!({"KeyId": key, "GrantId": id}));
    assert_eq!(v["__type"], "NotFoundException");
}

#[test]
fn policy_errors_on_the_wire() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let key = ok(&ks, &root, "CreateKey", json!({}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let default = ok(
        &ks,
        &root,
        "GetKeyPolicy",
        json!({"KeyId": key, "PolicyName": "default"}),
    );
    assert!(
        default["Policy"]
            .as_str()
            .unwrap()
            .contains("Enable IAM User Permissions")
    );
    let lockout = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}}).to_string();
    let (_, v) = call(
        &ks,
        &root,
        "PutKeyPolicy",
        json!({"KeyId": key, "Policy": lockout}),
    );
    assert_eq!(v["__type"], "MalformedPolicyDocumentException");
    ok(
        &ks,
        &root,
        "PutKeyPolicy",
        json!({"KeyId": key, "Policy": lockout, "BypassPolicyLockoutSafetyCheck": true}),
    );
    // Now even the root is locked out of managing it on the server.
    denied(
        &ks,
        &root,
        "PutKeyPolicy",
        json!({"KeyId": key, "Policy": policy()}),
    );
    let (_, v) = call(
        &ks,
        &root,
        "GetKeyPolicy",
        json!({"KeyId": key, "PolicyName": "x"}),
    );
    assert_eq!(v["__type"], "AccessDeniedException");
    let (_, v) = call(
        &ks,
        &root,
        "CreateKey",
        json!({"Policy": "x".repeat(strongroom::MAX_POLICY_BYTES + 1)}),
    );
    assert_eq!(v["__type"], "ValidationException");
}

/// Calls the Secrets Manager operation `op` as `caller`; returns (status, body).
fn call_secrets(ks: &Keystore, caller: &Principal, op: &str, body: Value) -> (u16, Value) {
    let op = operation(Some(&format!("{}{op}", secrets::TARGET_PREFIX))).unwrap();
    let reply = handle(ks, caller, op, body.to_string().as_bytes());
    (reply.status, serde_json::from_slice(&reply.body).unwrap())
}

#[test]
fn tag_operations_are_judged_by_the_key_policy() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let key = ok(&ks, &root, "CreateKey", json!({"Policy": policy()}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let tags = json!({"KeyId": key, "Tags": [{"TagKey": "Team", "TagValue": "payments"}]});
    // The manager's statement lists kms:List* but not kms:TagResource; the user's neither.
    let m = denied(&ks, &who("myKeyManager"), "TagResource", tags.clone());
    assert!(m.contains("kms:TagResource"), "{m}");
    denied(&ks, &who("myKeyUser"), "TagResource", tags.clone());
    ok(&ks, &root, "TagResource", tags);
    let listed = ok(
        &ks,
        &who("myKeyManager"),
        "ListResourceTags",
        json!({"KeyId": key}),
    );
    assert_eq!(listed["Tags"][0]["TagKey"], "Team");
    denied(
        &ks,
        &who("myKeyUser"),
        "ListResourceTags",
        json!({"KeyId": key}),
    );
}

#[test]
fn secrets_manager_calls_are_judged_by_the_secrets_kms_key() {
    // As in AWS, where Secrets Manager calls KMS with the caller's credentials: reading a value
    // needs kms:Decrypt on its key (with SecretARN and SecretVersionId as the context), writing
    // one kms:GenerateDataKey; calls that touch no value need nothing of the key.
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": MANAGER},
             "Action": ["kms:Describe*", "kms:Put*", "kms:Get*"], "Resource": "*"},
            {"Sid": "Team secrets only", "Effect": "Allow", "Principal": {"AWS": USER},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringLike": {
                 "kms:EncryptionContext:SecretARN": "arn:aws:secretsmanager:*:secret:team/*"}}},
            {"Sid": "Writers", "Effect": "Allow", "Principal": {"AWS": USER},
             "Action": "kms:GenerateDataKey", "Resource": "*"}
        ]
    })
    .to_string();
    let key = ok(&ks, &root, "CreateKey", json!({"Policy": policy}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let (m, u) = (who("myKeyManager"), who("myKeyUser"));
    let secrets = |caller: &Principal, op: &str, body: Value| call_secrets(&ks, caller, op, body);
    let refused = |(status, v): (u16, Value)| {
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("AccessDeniedException")),
            "{v}"
        );
        v["message"].as_str().unwrap().to_owned()
    };
    // The user writes under the key (kms:GenerateDataKey); the manager may not.
    for name in ["team/db", "other/db"] {
        let (status, v) = secrets(
            &u,
            "CreateSecret",
            json!({"Name": name, "KmsKeyId": key, "SecretString": "hunter2"}),
        );
        assert_eq!(status, 200, "{v}");
    }
    let m_create = refused(secrets(
        &m,
        "CreateSecret",
        json!({"Name": "mgr/db", "KmsKeyId": key, "SecretString": "x"}),
    ));
    assert!(m_create.contains("kms:GenerateDataKey"), "{m_create}");
    refused(secrets(
        &m,
        "PutSecretValue",
        json!({"SecretId": "team/db", "SecretString": "x"}),
    ));
    // Reading needs kms:Decrypt, here only for secrets under team/.
    let (status, v) = secrets(&u, "GetSecretValue", json!({"SecretId": "team/db"}));
    assert_eq!((status, v["SecretString"].as_str()), (200, Some("hunter2")));
    let other = refused(secrets(
        &u,
        "GetSecretValue",
        json!({"SecretId": "other/db"}),
    ));
    assert!(other.contains("kms:Decrypt"), "{other}");
    refused(secrets(
        &m,
        "GetSecretValue",
        json!({"SecretId": "team/db"}),
    ));
    // Nothing was created or changed by a refusal.
    let (_, v) = secrets(&root, "DescribeSecret", json!({"SecretId": "team/db"}));
    assert_eq!(v["VersionIdsToStages"].as_object().unwrap().len(), 1, "{v}");
    assert_eq!(
        secrets(&root, "DescribeSecret", json!({"SecretId": "mgr/db"})).0,
        400
    );
    // Calls that touch no value are not judged by the key; a missing secret is not found.
    let (status, _) = secrets(&m, "DescribeSecret", json!({"SecretId": "team/db"}));
    assert_eq!(status, 200);
    let (_, v) = secrets(&m, "GetSecretValue", json!({"SecretId": "nope"}));
    assert_eq!(v["__type"], "ResourceNotFoundException");
    // The default secrets key has the default policy: every principal of the account.
    let (status, v) = secrets(
        &m,
        "CreateSecret",
        json!({"Name": "mgr/default", "SecretString": "x"}),
    );
    assert_eq!(status, 200, "{v}");
    let (status, _) = secrets(&u, "GetSecretValue", json!({"SecretId": "mgr/default"}));
    assert_eq!(status, 200);
    // Refusals are audited under the Secrets Manager call.
    let refused = ks
        .audit_events(&strongroom::AuditFilter {
            outcome: Some("AccessDenied".into()),
            ..Default::default()
        })
        .unwrap();
    let ops: Vec<&str> = refused.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "CreateSecret",
            "PutSecretValue",
            "GetSecretValue",
            "GetSecretValue"
        ]
    );
}

/// Every operation botocore gives `DryRun`, with `DryRun: true`: `DryRunOperationException`
/// (HTTP 400, AWS's message) where the call would have succeeded, nothing changed (no grant made
/// or removed, no last use); the real error where it would have failed, the permission check
/// and grant tokens included. And `GrantTokens` on every operation botocore gives it: a token
/// naming no grant is `InvalidGrantTokenException`, a real one is accepted.
#[test]
fn dry_runs_and_grant_tokens_through_the_protocol() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let new = |body: Value| {
        ok(&ks, &root, "CreateKey", body)["KeyMetadata"]["KeyId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let sym = new(json!({"Policy": policy()}));
    let sym2 = new(json!({}));
    let signing = new(json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}));
    let hmac = new(json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}));
    let agree = new(json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"}));
    let peer = new(json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"}));
    let ctx = json!({"tenant": "acme"});
    let blob = ok(
        &ks,
        &root,
        "Encrypt",
        json!({"KeyId": sym, "Plaintext": "aGk=", "EncryptionContext": ctx}),
    )["CiphertextBlob"]
        .clone();
    let sig = ok(
        &ks,
        &root,
        "Sign",
        json!({"KeyId": signing, "Message": "aGk=", "SigningAlgorithm": "ECDSA_SHA_256"}),
    )["Signature"]
        .clone();
    let mac = ok(
        &ks,
        &root,
        "GenerateMac",
        json!({"KeyId": hmac, "Message": "aGk=", "MacAlgorithm": "HMAC_SHA_256"}),
    )["Mac"]
        .clone();
    let peer_key = ok(&ks, &root, "GetPublicKey", json!({"KeyId": peer}))["PublicKey"].clone();
    let grant = ok(
        &ks,
        &root,
        "CreateGrant",
        json!({"KeyId": sym2, "GranteePrincipal": who("app").arn, "Operations": ["Encrypt"],
               "RetiringPrincipal": MANAGER}),
    );
    let token = grant["GrantToken"].as_str().unwrap().to_owned();
    let grant_id = grant["GrantId"].as_str().unwrap().to_owned();
    let last_use = |key: &str| {
        ok(&ks, &root, "GetKeyLastUsage", json!({"KeyId": key}))["KeyLastUsage"].clone()
    };
    let uses_before: Vec<Value> = [&sym, &sym2, &signing, &hmac, &agree]
        .iter()
        .map(|k| last_use(k))
        .collect();
    let grants = |key: &str| ok(&ks, &root, "ListGrants", json!({"KeyId": key}))["Grants"].clone();
    let grants_before = grants(&sym2);

    // (operation, body, whether botocore gives it GrantTokens)
    let requests: Vec<(&str, Value, bool)> = vec![
        ("Encrypt", json!({"KeyId": sym2, "Plaintext": "aGk="}), true),
        (
            "Decrypt",
            json!({"CiphertextBlob": blob, "EncryptionContext": ctx}),
            true,
        ),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": sym2}),
            true,
        ),
        (
            "GenerateDataKey",
            json!({"KeyId": sym2, "KeySpec": "AES_256"}),
            true,
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": sym2, "NumberOfBytes": 16}),
            true,
        ),
        (
            "GenerateDataKeyPair",
            json!({"KeyId": sym2, "KeyPairSpec": "ECC_NIST_P256"}),
            true,
        ),
        (
            "GenerateDataKeyPairWithoutPlaintext",
            json!({"KeyId": sym2, "KeyPairSpec": "RSA_2048"}),
            true,
        ),
        (
            "Sign",
            json!({"KeyId": signing, "Message": "aGk=", "SigningAlgorithm": "ECDSA_SHA_256"}),
            true,
        ),
        (
            "Verify",
            json!({"KeyId": signing, "Message": "aGk=", "Signature": sig, "SigningAlgorithm": "ECDSA_SHA_256"}),
            true,
        ),
        (
            "GenerateMac",
            json!({"KeyId": hmac, "Message": "aGk=", "MacAlgorithm": "HMAC_SHA_256"}),
            true,
        ),
        (
            "VerifyMac",
            json!({"KeyId": hmac, "Message": "aGk=", "Mac": mac, "MacAlgorithm": "HMAC_SHA_256"}),
            true,
        ),
        (
            "DeriveSharedSecret",
            json!({"KeyId": agree, "KeyAgreementAlgorithm": "ECDH", "PublicKey": peer_key}),
            true,
        ),
        (
            "CreateGrant",
            json!({"KeyId": sym2, "GranteePrincipal": who("app").arn, "Operations": ["Decrypt"]}),
            true,
        ),
        ("RetireGrant", json!({"GrantToken": token}), false),
        (
            "RevokeGrant",
            json!({"KeyId": sym2, "GrantId": grant_id}),
            false,
        ),
    ];
    for (op, body, takes_tokens) in &requests {
        let mut dry = body.clone();
        dry["DryRun"] = json!(true);
        let (status, v) = call(&ks, &root, op, dry.clone());
        assert_eq!(status, 400, "{op}: {v}");
        assert_eq!(v["__type"], "DryRunOperationException", "{op}: {v}");
        assert_eq!(
            v["message"],
            "The request would have succeeded, but the DryRun option is set."
        );
        if *takes_tokens {
            dry["GrantTokens"] = json!([token]);
            let (_, v) = call(&ks, &root, op, dry.clone());
            assert_eq!(
                v["__type"], "DryRunOperationException",
                "{op} with a token: {v}"
            );
            dry["GrantTokens"] = json!([token, "bogus"]);
            let (status, v) = call(&ks, &root, op, dry);
            assert_eq!(status, 400);
            assert_eq!(v["__type"], "InvalidGrantTokenException", "{op}: {v}");
        }
    }
    // The operations botocore gives GrantTokens but not DryRun check their tokens too.
    for (op, key) in [("DescribeKey", &sym2), ("GetPublicKey", &signing)] {
        ok(
            &ks,
            &root,
            op,
            json!({"KeyId": key, "GrantTokens": [token]}),
        );
        let (_, v) = call(
            &ks,
            &root,
            op,
            json!({"KeyId": key, "GrantTokens": ["bogus"]}),
        );
        assert_eq!(v["__type"], "InvalidGrantTokenException", "{op}: {v}");
    }
    // Nothing changed: no use recorded, the grant still there and no new one.
    let uses_after: Vec<Value> = [&sym, &sym2, &signing, &hmac, &agree]
        .iter()
        .map(|k| last_use(k))
        .collect();
    assert_eq!(uses_before, uses_after);
    assert_eq!(last_use(&sym2), json!({}), "sym2 was never used");
    assert_eq!(grants(&sym2), grants_before);

    // What would fail fails with its real error.
    let user = who("myKeyUser");
    let fails = |caller: &Principal, op: &str, body: Value| {
        let mut body = body;
        body["DryRun"] = json!(true);
        let (status, v) = call(&ks, caller, op, body);
        assert_eq!(status, 400, "{op}: {v}");
        v["__type"].as_str().unwrap().to_owned()
    };
    // The policy: the key user may not decrypt outside tenant acme, app may not use sym at all.
    assert_eq!(
        fails(
            &user,
            "Decrypt",
            json!({"CiphertextBlob": blob, "EncryptionContext": {"tenant": "x"}})
        ),
        "AccessDeniedException"
    );
    assert_eq!(
        fails(
            &who("app"),
            "Encrypt",
            json!({"KeyId": sym, "Plaintext": "aGk="})
        ),
        "AccessDeniedException"
    );
    assert_eq!(
        fails(
            &user,
            "Decrypt",
            json!({"CiphertextBlob": blob, "EncryptionContext": ctx})
        ),
        "DryRunOperationException"
    );
    // A context that does not authenticate, the wrong usage, a bad signature, a missing grant.
    assert_eq!(
        fails(
            &root,
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "DestinationKeyId": sym2})
        ),
        "InvalidCiphertextException"
    );
    assert_eq!(
        fails(
            &root,
            "Sign",
            json!({"KeyId": sym2, "Message": "aGk=", "SigningAlgorithm": "ECDSA_SHA_256"})
        ),
        "InvalidKeyUsageException"
    );
    assert_eq!(
        fails(
            &root,
            "Verify",
            json!({"KeyId": signing, "Message": "aGs=", "Signature": sig, "SigningAlgorithm": "ECDSA_SHA_256"})
        ),
        "KMSInvalidSignatureException"
    );
    assert_eq!(
        fails(
            &root,
            "RevokeGrant",
            json!({"KeyId": sym2, "GrantId": "nope"})
        ),
        "NotFoundException"
    );
    ok(&ks, &root, "DisableKey", json!({"KeyId": sym2}));
    assert_eq!(
        fails(
            &root,
            "GenerateDataKey",
            json!({"KeyId": sym2, "KeySpec": "AES_256"})
        ),
        "DisabledException"
    );
    // DryRun of the wrong type is refused as any member is.
    let (_, v) = call(
        &ks,
        &root,
        "Encrypt",
        json!({"KeyId": sym, "Plaintext": "aGk=", "DryRun": "yes"}),
    );
    assert_eq!(v["__type"], "SerializationException");
    // The trail has the dry runs with their outcome.
    let events = ks
        .audit_events(&strongroom::AuditFilter {
            outcome: Some("DryRunOperation".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(events.len() >= requests.len(), "{}", events.len());
}

/// A key policy allowing the key user `actions` (and the root everything).
fn policy_allowing_user(actions: &[&str]) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:root"}}},
            {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": actions, "Resource": "*"}
        ]
    })
    .to_string()
}

#[test]
fn re_encrypt_from_raw_oaep_is_judged_on_the_source_key_id() {
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let u = who("myKeyUser");
    let create = |body: Value| {
        ok(&ks, &root, "CreateKey", body)["KeyMetadata"]["KeyId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The user may re-encrypt from `from` (not to it) and to `to` (not from it).
    let from = create(json!({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT",
        "Policy": policy_allowing_user(&["kms:Encrypt", "kms:ReEncryptFrom"])}));
    let closed = create(json!({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT",
        "Policy": policy_allowing_user(&["kms:Encrypt"])}));
    let to = create(json!({"Policy": policy_allowing_user(&["kms:Decrypt", "kms:ReEncryptTo"])}));
    let raw = ok(
        &ks,
        &u,
        "Encrypt",
        json!({"KeyId": from, "Plaintext": "aGk=", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    )["CiphertextBlob"]
        .clone();
    let moved = ok(
        &ks,
        &u,
        "ReEncrypt",
        json!({"CiphertextBlob": raw, "SourceKeyId": from, "DestinationKeyId": to,
               "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    let back = ok(
        &ks,
        &u,
        "Decrypt",
        json!({"CiphertextBlob": moved["CiphertextBlob"]}),
    );
    assert_eq!(back["Plaintext"], "aGk=");
    // ReEncryptFrom is checked on the key SourceKeyId names...
    let closed_raw = ok(
        &ks,
        &u,
        "Encrypt",
        json!({"KeyId": closed, "Plaintext": "aGk=", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    )["CiphertextBlob"]
        .clone();
    let msg = denied(
        &ks,
        &u,
        "ReEncrypt",
        json!({"CiphertextBlob": closed_raw, "SourceKeyId": closed, "DestinationKeyId": to,
               "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert!(msg.contains("kms:ReEncryptFrom"), "{msg}");
    // ...and ReEncryptTo on the destination, an RSA key too.
    let msg = denied(
        &ks,
        &u,
        "ReEncrypt",
        json!({"CiphertextBlob": raw, "SourceKeyId": from, "DestinationKeyId": from,
               "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256",
               "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert!(msg.contains("kms:ReEncryptTo"), "{msg}");
    // Without SourceKeyId raw OAEP names no key: refused as invalid, never judged on a key the
    // bytes might happen to name.
    let (status, v) = call(
        &ks,
        &u,
        "ReEncrypt",
        json!({"CiphertextBlob": raw, "DestinationKeyId": to,
               "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("ValidationException")),
        "{v}"
    );
}

#[test]
fn secret_resource_policies_over_the_wire() {
    // PutResourcePolicy, GetResourcePolicy, ValidateResourcePolicy and DeleteResourcePolicy
    // with Secrets Manager's shapes and errors; a Deny in the policy refuses the caller it
    // names on every call it matches, before the call runs.
    let (_d, ks) = fixture();
    let root = Principal::account_root(ks.aws_account_id());
    let (m, u) = (who("myKeyManager"), who("myKeyUser"));
    let sm = |caller: &Principal, op: &str, body: Value| call_secrets(&ks, caller, op, body);
    let made = sm(
        &root,
        "CreateSecret",
        json!({"Name": "prod/db", "SecretString": "hunter2"}),
    )
    .1;
    let arn = made["ARN"].as_str().unwrap().to_owned();
    let (status, v) = sm(&u, "GetResourcePolicy", json!({"SecretId": "prod/db"}));
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"ARN": arn, "Name": "prod/db", "PolicyName": "default"})
    );
    let deny_user = json!({"Statement": [
        {"Effect": "Deny", "Principal": {"AWS": USER},
         "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DeleteResourcePolicy"],
         "Resource": "*"}]})
    .to_string();
    let public = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    .to_string();
    let error = |(status, v): (u16, Value)| {
        assert_eq!(status, 400, "{v}");
        v["__type"].as_str().unwrap().to_owned()
    };
    assert_eq!(
        error(sm(
            &root,
            "PutResourcePolicy",
            json!({"SecretId": "prod/db", "ResourcePolicy": public, "BlockPublicPolicy": true}),
        )),
        "PublicPolicyException"
    );
    assert_eq!(
        error(sm(
            &root,
            "PutResourcePolicy",
            json!({"SecretId": "prod/db", "ResourcePolicy": "{"}),
        )),
        "MalformedPolicyDocumentException"
    );
    assert_eq!(
        error(sm(
            &root,
            "PutResourcePolicy",
            json!({"SecretId": "prod/db", "ResourcePolicy": "x".repeat(strongroom::MAX_SECRET_POLICY_CHARS + 1)}),
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        error(sm(
            &root,
            "PutResourcePolicy",
            json!({"SecretId": "nope", "ResourcePolicy": deny_user}),
        )),
        "ResourceNotFoundException"
    );
    assert_eq!(
        error(sm(
            &root,
            "PutResourcePolicy",
            json!({"SecretId": "prod/db", "ResourcePolicy": deny_user, "PolicyName": "x"}),
        )),
        "InvalidParameterException"
    );
    let (status, v) = sm(
        &m,
        "PutResourcePolicy",
        json!({"SecretId": "prod/db", "ResourcePolicy": deny_user, "BlockPublicPolicy": true}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v,
        json!({"ARN": arn, "Name": "prod/db", "PolicyName": "default"})
    );
    let (_, v) = sm(&u, "GetResourcePolicy", json!({"SecretId": arn}));
    assert_eq!(v["ResourcePolicy"], json!(deny_user));
    // The user is refused what the Deny names, in AWS's words, and nothing else.
    let (status, v) = sm(&u, "GetSecretValue", json!({"SecretId": "prod/db"}));
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("AccessDeniedException"))
    );
    assert_eq!(
        v["message"],
        format!(
            "User: {USER} is not authorized to perform: secretsmanager:GetSecretValue on \
             resource: {arn} with an explicit deny in a resource-based policy"
        )
    );
    assert_eq!(
        error(sm(
            &u,
            "DeleteResourcePolicy",
            json!({"SecretId": "prod/db"})
        )),
        "AccessDeniedException"
    );
    let (status, _) = sm(&u, "DescribeSecret", json!({"SecretId": "prod/db"}));
    assert_eq!(status, 200);
    let (status, v) = sm(&m, "GetSecretValue", json!({"SecretId": "prod/db"}));
    assert_eq!((status, v["SecretString"].as_str()), (200, Some("hunter2")));
    // ValidateResourcePolicy reports instead of failing.
    let (status, v) = sm(
        &u,
        "ValidateResourcePolicy",
        json!({"ResourcePolicy": public}),
    );
    assert_eq!(status, 200);
    assert_eq!(v["PolicyValidationPassed"], false);
    assert_eq!(v["ValidationErrors"][0]["CheckName"], "BROAD_ACCESS");
    let (_, v) = sm(
        &u,
        "ValidateResourcePolicy",
        json!({"SecretId": "prod/db", "ResourcePolicy": deny_user}),
    );
    assert_eq!(
        v,
        json!({"PolicyValidationPassed": true, "ValidationErrors": []})
    );
    let (_, v) = sm(
        &u,
        "ValidateResourcePolicy",
        json!({"ResourcePolicy": "[]"}),
    );
    assert_eq!(v["PolicyValidationPassed"], false);
    assert_eq!(v["ValidationErrors"][0]["CheckName"], "SYNTAX_CHECK");
    assert_eq!(
        error(sm(
            &u,
            "ValidateResourcePolicy",
            json!({"SecretId": "nope", "ResourcePolicy": deny_user}),
        )),
        "ResourceNotFoundException"
    );
    // Another may delete it; then the user reads again.
    let (status, v) = sm(&m, "DeleteResourcePolicy", json!({"SecretId": "prod/db"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["PolicyName"], "default");
    let (status, _) = sm(&u, "GetSecretValue", json!({"SecretId": "prod/db"}));
    assert_eq!(status, 200);
    let (_, v) = sm(&u, "GetResourcePolicy", json!({"SecretId": "prod/db"}));
    assert!(v.get("ResourcePolicy").is_none(), "{v}");
    // The refusals are audited under the calls.
    let refused = ks
        .audit_events(&strongroom::AuditFilter {
            outcome: Some("AccessDenied".into()),
            ..Default::default()
        })
        .unwrap();
    let ops: Vec<&str> = refused.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(ops, ["GetSecretValue", "DeleteResourcePolicy"]);
}

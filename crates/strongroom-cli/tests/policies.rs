//! Key policies and grants from the command line, with the AWS CLI's names and shapes. The CLI is
//! the account root: policies do not restrict it.

mod common;

use common::Scratch;

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "kms:*", "Resource": "*"}]}"#;

#[test]
fn policies_round_trip_and_refusals_exit_with_their_codes() {
    let s = Scratch::new();
    let key = s.key();
    let default = s.ok(&[
        "get-key-policy",
        "--key-id",
        &key,
        "--query",
        "Policy",
        "--output",
        "text",
    ]);
    assert!(
        default.contains("\"Sid\" : \"Enable IAM User Permissions\""),
        "{default}"
    );
    let names = s.json(&["list-key-policies", "--key-id", &key]);
    assert_eq!(names["PolicyNames"], serde_json::json!(["default"]));
    s.write("policy.json", POLICY.as_bytes());
    // A policy names only users the keystore has: exit 36 until admin exists.
    let out = s
        .cmd()
        .args([
            "put-key-policy",
            "--key-id",
            &key,
            "--policy",
            "file://policy.json",
        ])
        .assert()
        .code(36);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("user/admin is not a user of this keystore"),
        "{err}"
    );
    s.ok(&["iam", "create-user", "--user-name", "admin"]);
    s.ok(&[
        "put-key-policy",
        "--key-id",
        &key,
        "--policy-name",
        "default",
        "--policy",
        "file://policy.json",
    ]);
    let got = s.json(&["get-key-policy", "--key-id", &key]);
    assert_eq!(got["Policy"], POLICY);
    assert_eq!(got["PolicyName"], "default");
    // The CLI is the account root: the policy, which names only user/admin, does not stop it.
    s.ok(&["encrypt", "--key-id", &key, "--plaintext", "aGk="]);
    let out = s
        .cmd()
        .args(["put-key-policy", "--key-id", &key, "--policy", "{"])
        .assert()
        .code(36);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("MalformedPolicyDocumentException"), "{err}");
    let created = s.json(&[
        "create-key",
        "--tags",
        "TagKey=Team,TagValue=payments",
        "--policy",
        "file://policy.json",
    ]);
    let id = created["KeyMetadata"]["KeyId"].as_str().unwrap();
    assert_eq!(
        s.json(&["get-key-policy", "--key-id", id])["Policy"],
        POLICY
    );
    assert_eq!(
        s.json(&["list-resource-tags", "--key-id", id])["Tags"],
        serde_json::json!([{"TagKey": "Team", "TagValue": "payments"}])
    );
}

#[test]
fn grants_from_the_command_line() {
    let s = Scratch::new();
    let key = s.key();
    let user = "arn:aws:iam::111122223333:user/app";
    s.ok(&["iam", "create-user", "--user-name", "app"]);
    let g = s.json(&[
        "create-grant",
        "--key-id",
        &key,
        "--grantee-principal",
        user,
        "--retiring-principal",
        user,
        "--operations",
        "Encrypt",
        "Decrypt",
        "--name",
        "app",
        "--constraints",
        r#"{"EncryptionContextSubset": {"tenant": "acme"}}"#,
    ]);
    let id = g["GrantId"].as_str().unwrap().to_owned();
    let token = g["GrantToken"].as_str().unwrap().to_owned();
    let list = s.json(&["list-grants", "--key-id", &key]);
    let entry = &list["Grants"][0];
    assert_eq!(entry["GrantId"], id);
    assert_eq!(
        entry["Operations"],
        serde_json::json!(["Encrypt", "Decrypt"])
    );
    assert_eq!(
        entry["Constraints"]["EncryptionContextSubset"]["tenant"],
        "acme"
    );
    assert_eq!(entry["IssuingAccount"], "arn:aws:iam::111122223333:root");
    assert_eq!(list["Truncated"], false);
    let retirable = s.json(&["list-retirable-grants", "--retiring-principal", user]);
    assert_eq!(retirable["Grants"][0]["GrantId"], id);
    s.ok(&["retire-grant", "--grant-token", &token]);
    assert_eq!(
        s.json(&["list-grants", "--key-id", &key])["Grants"],
        serde_json::json!([])
    );
    s.cmd()
        .args(["revoke-grant", "--key-id", &key, "--grant-id", &id])
        .assert()
        .code(10);
    s.cmd()
        .args(["retire-grant", "--grant-token", "junk"])
        .assert()
        .code(37);
}

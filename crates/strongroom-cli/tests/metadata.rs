//! Issue 18 item 4 on the command line: update-key-description, create-key --tags, tag-resource,
//! untag-resource, list-resource-tags, get-key-last-usage, and the last use that
//! schedule-key-deletion reports.

mod common;

use common::Scratch;
use predicates::str::contains;
use serde_json::json;

#[test]
fn description_and_tags() {
    let s = Scratch::new();
    let k = s.json(&[
        "create-key",
        "--tags",
        "TagKey=Team,TagValue=blue",
        "TagKey=Env,TagValue=",
    ])["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.ok(&[
            "update-key-description",
            "--key-id",
            &k,
            "--description",
            "payments"
        ]),
        ""
    );
    assert_eq!(
        s.json(&["describe-key", "--key-id", &k])["KeyMetadata"]["Description"],
        "payments"
    );
    s.ok(&[
        "tag-resource",
        "--key-id",
        &k,
        "--tags",
        r#"[{"TagKey":"Team","TagValue":"red"},{"TagKey":"Cost","TagValue":"7"}]"#,
    ]);
    s.ok(&["untag-resource", "--key-id", &k, "--tag-keys", "Env"]);
    let v = s.json(&["list-resource-tags", "--key-id", &k]);
    assert_eq!(
        v,
        json!({"Tags": [{"TagKey": "Cost", "TagValue": "7"}, {"TagKey": "Team", "TagValue": "red"}], "Truncated": false})
    );
    let v = s.json(&["list-resource-tags", "--key-id", &k, "--limit", "1"]);
    assert_eq!(v["Truncated"], true);
    let next = s.json(&[
        "list-resource-tags",
        "--key-id",
        &k,
        "--marker",
        v["NextMarker"].as_str().unwrap(),
    ]);
    assert_eq!(next["Tags"][0]["TagKey"], "Team");
    s.cmd()
        .args([
            "tag-resource",
            "--key-id",
            &k,
            "--tags",
            "TagKey=aws:x,TagValue=1",
        ])
        .assert()
        .code(30)
        .stderr(contains(
            "An error occurred (TagException) when calling the TagResource operation",
        ));
    s.cmd()
        .args(["list-resource-tags", "--key-id", &k, "--marker", "zz"])
        .assert()
        .code(31)
        .stderr(contains("(InvalidMarkerException)"));
    s.cmd()
        .args(["tag-resource", "--key-id", &k, "--tags", "Team=x"])
        .assert()
        .code(12);
}

#[test]
fn last_usage_and_schedule_key_deletion_report() {
    let s = Scratch::new();
    let k = s.key();
    let v = s.json(&["get-key-last-usage", "--key-id", &k]);
    assert_eq!(v["KeyId"], json!(k));
    assert_eq!(v["KeyLastUsage"], json!({}));
    assert!(v["KeyCreationDate"].is_string() && v["TrackingStartDate"].is_string());
    s.ok(&["encrypt", "--key-id", &k, "--plaintext", "aGk="]);
    let v = s.json(&["get-key-last-usage", "--key-id", &k]);
    assert_eq!(v["KeyLastUsage"]["Operation"], "Encrypt");
    // Not a terminal: no question, the last use on stderr, the deletion scheduled.
    s.cmd()
        .args(["schedule-key-deletion", "--key-id", &k])
        .assert()
        .success()
        .stderr(contains(format!("Key {k} was last used by Encrypt at")));
    let unused = s.key();
    s.cmd()
        .args(["schedule-key-deletion", "--key-id", &unused])
        .assert()
        .success()
        .stderr(contains("has not been used since"));
}

//! The AWS CLI's pagination on a keystore file: `--max-items` prints that many and a
//! `NextToken`, `--starting-token` continues, pages cover the list exactly once, `--page-size`
//! changes nothing printed, `--no-paginate` / `--limit` / `--marker` make one call, and bad
//! tokens and sizes are refused with their exit codes. (Client mode: tests/client.rs.)

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::Scratch;
use serde_json::{Value, json};

/// Runs `base --max-items N` and follows NextToken to the end; every page's items (under
/// `member`) in order, and the number of pages.
fn pages(
    s: &Scratch,
    base: &[&str],
    member: &str,
    max_items: &str,
    extra: &[&str],
) -> (Vec<Value>, usize) {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    for n in 1..100 {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["--max-items", max_items]);
        args.extend(extra);
        if let Some(t) = &token {
            args.extend(["--starting-token", t]);
        }
        let v = s.json(&args);
        let items = v[member].as_array().unwrap();
        assert!(items.len() <= max_items.parse().unwrap(), "{v}");
        all.extend(items.iter().cloned());
        match v.get("NextToken") {
            Some(t) => {
                assert!(v.get("NextMarker").is_none(), "{v}");
                if v.get("Truncated").is_some() {
                    assert_eq!(v["Truncated"], true);
                }
                assert_eq!(items.len(), max_items.parse::<usize>().unwrap());
                token = Some(t.as_str().unwrap().to_string());
            }
            None => return (all, n),
        }
    }
    panic!("more than 100 pages");
}

fn no_duplicates(items: &[Value]) {
    let mut seen = std::collections::HashSet::new();
    for i in items {
        assert!(seen.insert(i.to_string()), "{i} twice");
    }
}

#[test]
fn list_keys_max_items_starting_token_page_size() {
    let s = Scratch::new();
    for _ in 0..7 {
        s.key();
    }
    let full_text = s.ok(&["list-keys"]);
    let full: Value = serde_json::from_str(&full_text).unwrap();
    assert_eq!(full["Keys"].as_array().unwrap().len(), 7);
    assert_eq!(full["Truncated"], false);
    assert!(full.get("NextToken").is_none() && full.get("NextMarker").is_none());

    let first = s.json(&["list-keys", "--max-items", "3"]);
    assert_eq!(first["Keys"].as_array().unwrap().len(), 3);
    assert_eq!(
        first["Keys"].as_array().unwrap()[..],
        full["Keys"].as_array().unwrap()[..3]
    );
    let token = first["NextToken"].as_str().unwrap();
    let second = s.json(&["list-keys", "--max-items", "3", "--starting-token", token]);
    assert_eq!(
        second["Keys"].as_array().unwrap()[..],
        full["Keys"].as_array().unwrap()[3..6]
    );
    // NextToken is the last member, as the AWS CLI prints it.
    let first_text = s.ok(&["list-keys", "--max-items", "3"]);
    let at_keys = first_text.find("\"Keys\"").unwrap();
    let at_token = first_text.find("\"NextToken\"").unwrap();
    assert!(at_keys < at_token && first_text.trim_end().ends_with('}'));

    for extra in [
        &[][..],
        &["--page-size", "2"],
        &["--page-size", "1"],
        &["--page-size", "1000"],
    ] {
        let (all, n) = pages(&s, &["list-keys"], "Keys", "3", extra);
        assert_eq!(n, 3, "{extra:?}");
        no_duplicates(&all);
        assert_eq!(&all, full["Keys"].as_array().unwrap(), "{extra:?}");
    }
    // Exactly the list's length: no NextToken.
    let seven = s.json(&["list-keys", "--max-items", "7"]);
    assert!(seven.get("NextToken").is_none(), "{seven}");
    assert_eq!(seven, full);
    // --page-size changes the calls, not the output.
    for p in ["1", "2", "3", "7", "1000"] {
        assert_eq!(
            s.ok(&["list-keys", "--page-size", p]),
            full_text,
            "--page-size {p}"
        );
    }
    // --query and --output text still work on the paged result.
    let ids = s.ok(&[
        "list-keys",
        "--max-items",
        "3",
        "--page-size",
        "2",
        "--query",
        "Keys[].KeyId",
        "--output",
        "text",
    ]);
    let want: Vec<&str> = full["Keys"].as_array().unwrap()[..3]
        .iter()
        .map(|k| k["KeyId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.split_whitespace().collect::<Vec<_>>(), want);
    let token_only = s.ok(&[
        "list-keys",
        "--max-items",
        "3",
        "--query",
        "NextToken",
        "--output",
        "text",
    ]);
    assert_eq!(token_only.trim(), token);
    let text = s.ok(&["list-keys", "--max-items", "3", "--output", "text"]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("NEXTTOKEN") || l.contains(token)),
        "{text}"
    );
}

#[test]
fn no_paginate_limit_and_marker_make_one_call() {
    let s = Scratch::new();
    for _ in 0..4 {
        s.key();
    }
    let full = s.json(&["list-keys"]);
    // One call of the service's default page: the whole (short) list, as before.
    assert_eq!(s.json(&["--no-paginate", "list-keys"]), full);
    let one = s.json(&["list-keys", "--limit", "3"]);
    assert_eq!(one["Keys"].as_array().unwrap().len(), 3);
    assert_eq!(one["Truncated"], true);
    let marker = one["NextMarker"].as_str().unwrap();
    assert!(one.get("NextToken").is_none());
    let rest = s.json(&["list-keys", "--marker", marker]);
    assert_eq!(
        rest["Keys"].as_array().unwrap()[..],
        full["Keys"].as_array().unwrap()[3..]
    );
    assert_eq!(rest["Truncated"], false);
    let one = s.json(&["--no-paginate", "list-keys", "--limit", "2"]);
    assert_eq!(one["Keys"].as_array().unwrap().len(), 2);
    // Paging flags with --no-paginate (or the service's own --limit) are a conflict.
    for args in [
        &["--no-paginate", "list-keys", "--max-items", "2"][..],
        &["list-keys", "--no-paginate", "--page-size", "2"],
        &["list-keys", "--limit", "2", "--max-items", "2"],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(12), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Cannot specify --no-paginate along with pagination arguments"),
            "{err}"
        );
    }
}

#[test]
fn bad_tokens_and_sizes_are_refused() {
    let s = Scratch::new();
    s.key();
    s.key();
    for bad in [
        "garbage!",
        "bm90IGpzb24=",
        &BASE64.encode(r#"{"NextToken": "x"}"#),
    ] {
        let out = s
            .cmd()
            .args(["list-keys", "--starting-token", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(12), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("(ValidationException) when calling the ListKeys operation"),
            "{err}"
        );
        assert!(err.contains("--starting-token is not a NextToken"), "{err}");
    }
    // Well formed, but a marker the service never returned: the service's refusal.
    let forged = BASE64.encode(r#"{"Marker": "zz"}"#);
    let out = s
        .cmd()
        .args(["list-keys", "--starting-token", &forged])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(31));
    assert!(String::from_utf8_lossy(&out.stderr).contains("InvalidMarkerException"));
    // Sizes: positive integers (usage errors otherwise, as botocore refuses them before any call).
    for args in [
        &["list-keys", "--max-items", "0"][..],
        &["list-keys", "--max-items", "-1"],
        &["list-keys", "--max-items", "x"],
        &["list-keys", "--page-size", "0"],
        &["list-keys", "--page-size", "-3"],
    ] {
        s.cmd().args(args).assert().code(2);
    }
    // Above the service's Limit maximum: sent as given, refused by the service.
    for (args, max) in [
        (&["list-keys", "--page-size", "1001"][..], "1000"),
        (
            &["list-aliases", "--page-size", "101", "--max-items", "1"],
            "100",
        ),
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(12), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ValidationException") && err.contains(&format!("1 to {max}")),
            "{err}"
        );
    }
}

#[test]
fn every_kms_list_pages() {
    let s = Scratch::new();
    let k = s.key();
    for i in 0..5 {
        s.ok(&[
            "create-alias",
            "--alias-name",
            &format!("alias/p{i}"),
            "--target-key-id",
            &k,
        ]);
    }
    let full = s.json(&["list-aliases"]);
    let (all, n) = pages(&s, &["list-aliases"], "Aliases", "2", &["--page-size", "1"]);
    assert_eq!(n, 3);
    no_duplicates(&all);
    assert_eq!(&all, full["Aliases"].as_array().unwrap());
    let (all, _) = pages(&s, &["list-aliases", "--key-id", &k], "Aliases", "4", &[]);
    assert_eq!(all.len(), 5);

    let tags: Vec<String> = (0..5)
        .map(|i| format!("TagKey=t{i},TagValue=v{i}"))
        .collect();
    let mut args = vec!["tag-resource", "--key-id", &k, "--tags"];
    args.extend(tags.iter().map(String::as_str));
    s.ok(&args);
    let full = s.json(&["list-resource-tags", "--key-id", &k]);
    let (all, n) = pages(
        &s,
        &["list-resource-tags", "--key-id", &k],
        "Tags",
        "2",
        &[],
    );
    assert_eq!((n, &all), (3, full["Tags"].as_array().unwrap()));

    for _ in 0..3 {
        s.ok(&["rotate-key-on-demand", "--key-id", &k]);
    }
    let full = s.json(&["list-key-rotations", "--key-id", &k]);
    let (all, _) = pages(
        &s,
        &["list-key-rotations", "--key-id", &k],
        "Rotations",
        "1",
        &[],
    );
    assert_eq!(&all, full["Rotations"].as_array().unwrap());
    assert_eq!(all.len(), 3);

    let p = s.json(&["list-key-policies", "--key-id", &k, "--max-items", "1"]);
    assert_eq!(p, json!({"PolicyNames": ["default"], "Truncated": false}));

    s.ok(&["iam", "create-user", "--user-name", "app"]);
    let grantee = "arn:aws:iam::111122223333:user/app";
    for _ in 0..3 {
        s.ok(&[
            "create-grant",
            "--key-id",
            &k,
            "--grantee-principal",
            grantee,
            "--retiring-principal",
            grantee,
            "--operations",
            "Encrypt",
        ]);
    }
    let full = s.json(&["list-grants", "--key-id", &k]);
    let (all, n) = pages(
        &s,
        &["list-grants", "--key-id", &k],
        "Grants",
        "2",
        &["--page-size", "1"],
    );
    assert_eq!((n, &all), (2, full["Grants"].as_array().unwrap()));
    let full = s.json(&["list-retirable-grants", "--retiring-principal", grantee]);
    let (all, _) = pages(
        &s,
        &["list-retirable-grants", "--retiring-principal", grantee],
        "Grants",
        "2",
        &[],
    );
    assert_eq!(&all, full["Grants"].as_array().unwrap());
    assert_eq!(all.len(), 3);
}

#[test]
fn secrets_lists_page() {
    let s = Scratch::new();
    for i in 0..5 {
        s.ok(&[
            "secretsmanager",
            "create-secret",
            "--name",
            &format!("app/s{i}"),
            "--secret-string",
            "x",
        ]);
    }
    for i in 0..3 {
        s.ok(&[
            "secretsmanager",
            "put-secret-value",
            "--secret-id",
            "app/s0",
            "--secret-string",
            &format!("v{i}"),
        ]);
    }
    let full_text = s.ok(&["secretsmanager", "list-secrets"]);
    let full: Value = serde_json::from_str(&full_text).unwrap();
    assert_eq!(full["SecretList"].as_array().unwrap().len(), 5);
    assert!(full.get("NextToken").is_none());
    let (all, n) = pages(
        &s,
        &["secretsmanager", "list-secrets"],
        "SecretList",
        "2",
        &[],
    );
    assert_eq!(n, 3);
    no_duplicates(&all);
    assert_eq!(&all, full["SecretList"].as_array().unwrap());
    assert_eq!(
        s.ok(&["secretsmanager", "list-secrets", "--page-size", "1"]),
        full_text
    );
    // The service's own --max-results: one call, its own NextToken.
    let one = s.json(&["secretsmanager", "list-secrets", "--max-results", "2"]);
    assert_eq!(one["SecretList"].as_array().unwrap().len(), 2);
    let t = one["NextToken"].as_str().unwrap();
    let two = s.json(&[
        "secretsmanager",
        "list-secrets",
        "--max-results",
        "2",
        "--next-token",
        t,
    ]);
    assert_eq!(
        two["SecretList"].as_array().unwrap()[..],
        full["SecretList"].as_array().unwrap()[2..4]
    );
    let out = s
        .cmd()
        .args(["secretsmanager", "list-secrets", "--starting-token", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12));

    let base = [
        "secretsmanager",
        "list-secret-version-ids",
        "--secret-id",
        "app/s0",
        "--include-deprecated",
    ];
    let full = s.json(&base);
    let (all, _) = pages(&s, &base, "Versions", "1", &[]);
    assert_eq!(&all, full["Versions"].as_array().unwrap());
    assert_eq!(all.len(), 4);
    let first = s.json(&[&base[..], &["--max-items", "1"]].concat());
    assert_eq!(first["Name"], "app/s0");
    assert!(first["ARN"].as_str().unwrap().contains("app/s0"));
}

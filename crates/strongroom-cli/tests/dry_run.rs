//! `--dry-run` and `--grant-tokens` on the keystore file: a dry run that would succeed exits 32
//! with the AWS CLI's error line and changes nothing; one that would fail exits with its real
//! error; a grant token that names no grant exits 37.

mod common;

use common::Scratch;

const DRY: &str = "An error occurred (DryRunOperationException) when calling the";
const MESSAGE: &str = "The request would have succeeded, but the DryRun option is set.";

/// Runs `strongroom ARGS`; its exit code and stderr.
fn run(s: &Scratch, args: &[&str]) -> (i32, String) {
    let out = s.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn dry_runs_exit_32_and_change_nothing() {
    let s = Scratch::new();
    let key = s.key();
    let signing = s.json(&[
        "create-key",
        "--key-spec",
        "ECC_NIST_P256",
        "--key-usage",
        "SIGN_VERIFY",
    ])["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let blob = s
        .ok(&[
            "encrypt",
            "--key-id",
            &key,
            "--plaintext",
            "aGk=",
            "--output",
            "text",
            "--query",
            "CiphertextBlob",
        ])
        .trim()
        .to_owned();
    let last_use = |k: &str| s.json(&["get-key-last-usage", "--key-id", k])["KeyLastUsage"].clone();
    let before = last_use(&key);
    for (op, args) in [
        (
            "Encrypt",
            vec!["encrypt", "--key-id", &key, "--plaintext", "aGk="],
        ),
        ("Decrypt", vec!["decrypt", "--ciphertext-blob", &blob]),
        (
            "ReEncrypt",
            vec![
                "re-encrypt",
                "--ciphertext-blob",
                &blob,
                "--destination-key-id",
                &key,
            ],
        ),
        (
            "GenerateDataKey",
            vec!["generate-data-key", "--key-id", &key],
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            vec!["generate-data-key-without-plaintext", "--key-id", &key],
        ),
        (
            "GenerateDataKeyPair",
            vec![
                "generate-data-key-pair",
                "--key-id",
                &key,
                "--key-pair-spec",
                "ECC_NIST_P256",
            ],
        ),
        (
            "Sign",
            vec![
                "sign",
                "--key-id",
                &signing,
                "--message",
                "aGk=",
                "--signing-algorithm",
                "ECDSA_SHA_256",
            ],
        ),
    ] {
        let mut a = args.clone();
        a.push("--dry-run");
        let (code, err) = run(&s, &a);
        assert_eq!(code, 32, "{op}: {err}");
        assert!(
            err.starts_with(&format!("\n{DRY} {op} operation: {MESSAGE}"))
                || err.starts_with(&format!("{DRY} {op} operation: {MESSAGE}")),
            "{op}: {err:?}"
        );
        // --no-dry-run (the AWS CLI's default, given last) runs it.
        a.push("--no-dry-run");
        s.ok(&a);
    }
    // Only the real calls recorded a use.
    assert_ne!(last_use(&key), before);
    let after = last_use(&key);
    run(
        &s,
        &[
            "encrypt",
            "--key-id",
            &key,
            "--plaintext",
            "aGk=",
            "--dry-run",
        ],
    );
    assert_eq!(last_use(&key), after);

    // Grants: no grant made, none revoked.
    s.ok(&["iam", "create-user", "--user-name", "app"]);
    let grant = |extra: &[&str]| {
        let mut a = vec![
            "create-grant",
            "--key-id",
            &key,
            "--grantee-principal",
            "arn:aws:iam::111122223333:user/app",
            "--operations",
            "Encrypt",
        ];
        a.extend_from_slice(extra);
        run(&s, &a)
    };
    assert_eq!(grant(&["--dry-run"]).0, 32);
    let grants = || s.json(&["list-grants", "--key-id", &key])["Grants"].clone();
    assert_eq!(grants(), serde_json::json!([]));
    let made = s.json(&[
        "create-grant",
        "--key-id",
        &key,
        "--grantee-principal",
        "arn:aws:iam::111122223333:user/app",
        "--operations",
        "Encrypt",
    ]);
    let (token, id) = (
        made["GrantToken"].as_str().unwrap(),
        made["GrantId"].as_str().unwrap(),
    );
    let (code, err) = run(
        &s,
        &[
            "revoke-grant",
            "--key-id",
            &key,
            "--grant-id",
            id,
            "--dry-run",
        ],
    );
    assert_eq!(code, 32, "{err}");
    let (code, _) = run(&s, &["retire-grant", "--grant-token", token, "--dry-run"]);
    assert_eq!(code, 32);
    assert_eq!(grants().as_array().unwrap().len(), 1);

    // Grant tokens: a real one is accepted, one naming no grant is exit 37.
    s.ok(&[
        "encrypt",
        "--key-id",
        &key,
        "--plaintext",
        "aGk=",
        "--grant-tokens",
        token,
    ]);
    s.ok(&["describe-key", "--key-id", &key, "--grant-tokens", token]);
    let (code, err) = run(
        &s,
        &[
            "encrypt",
            "--key-id",
            &key,
            "--plaintext",
            "aGk=",
            "--grant-tokens",
            token,
            "bogus",
        ],
    );
    assert_eq!(code, 37, "{err}");
    assert!(err.contains("InvalidGrantTokenException"), "{err}");

    // A dry run that would fail gives the real error.
    let (code, err) = run(
        &s,
        &[
            "decrypt",
            "--ciphertext-blob",
            &blob,
            "--encryption-context",
            "a=b",
            "--dry-run",
        ],
    );
    assert_eq!(code, 15, "{err}");
    let (code, _) = run(
        &s,
        &[
            "sign",
            "--key-id",
            &key,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_256",
            "--dry-run",
        ],
    );
    assert_eq!(code, 17);
    s.ok(&["disable-key", "--key-id", &key]);
    let (code, err) = run(
        &s,
        &[
            "encrypt",
            "--key-id",
            &key,
            "--plaintext",
            "aGk=",
            "--dry-run",
        ],
    );
    assert_eq!(code, 13, "{err}");
}

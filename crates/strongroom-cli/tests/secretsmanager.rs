//! `strongroom secretsmanager ...` with the AWS CLI's names and shapes, and the `kms` prefix
//! (`strongroom kms encrypt` is `strongroom encrypt`): the seeds' scenario from a shell script's
//! point of view.

use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let e = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        assert!(e.run(&["init"]).status.success());
        e
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_strongroom"))
            .args(args)
            .env("STRONGROOM_KEYSTORE", self.dir.path().join("ks"))
            .env("STRONGROOM_PASSPHRASE", "cli secrets test")
            .env("STRONGROOM_INSECURE_TEST_KDF", "1")
            .env("TZ", "UTC")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

const SM: &str = "secretsmanager";

#[test]
fn the_seeds_scenario_from_a_script() {
    let e = Env::new();
    let made = e.json(&[
        SM,
        "create-secret",
        "--name",
        "prod/db",
        "--secret-string",
        "hunter2",
    ]);
    let arn = made["ARN"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-"));
    let get = [
        SM,
        "get-secret-value",
        "--secret-id",
        "prod/db",
        "--query",
        "SecretString",
        "--output",
        "text",
    ];
    assert_eq!(e.ok(&get), "hunter2\n");
    e.ok(&[
        SM,
        "put-secret-value",
        "--secret-id",
        arn,
        "--secret-string",
        "rotated",
    ]);
    assert_eq!(e.ok(&get), "rotated\n");
    let prev = e.json(&[
        SM,
        "get-secret-value",
        "--secret-id",
        "prod/db",
        "--version-stage",
        "AWSPREVIOUS",
    ]);
    assert_eq!(prev["SecretString"], "hunter2");
    assert_eq!(prev["VersionStages"], serde_json::json!(["AWSPREVIOUS"]));
    // Dates as the AWS CLI prints them.
    assert!(prev["CreatedDate"].as_str().unwrap().ends_with("+00:00"));
    let del = e.json(&[
        SM,
        "delete-secret",
        "--secret-id",
        "prod/db",
        "--recovery-window-in-days",
        "7",
    ]);
    assert!(del["DeletionDate"].is_string());
    let out = e.run(&get);
    assert_eq!(out.status.code(), Some(14)); // InvalidState
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "An error occurred (InvalidRequestException) when calling the GetSecretValue operation"
        ),
        "{err}"
    );
    e.ok(&[SM, "restore-secret", "--secret-id", "prod/db"]);
    assert_eq!(e.ok(&get), "rotated\n");
    // Audited under Secrets Manager's names, never with the value.
    let ops = e.ok(&[
        "audit",
        "list",
        "--query",
        "Events[].Operation",
        "--output",
        "text",
    ]);
    for op in [
        "CreateSecret",
        "GetSecretValue",
        "PutSecretValue",
        "DeleteSecret",
        "RestoreSecret",
    ] {
        assert!(ops.contains(op), "{op}");
    }
    assert!(!e.ok(&["audit", "list"]).contains("hunter2"));
}

#[test]
fn binary_values_tags_filters_and_errors() {
    let e = Env::new();
    let file = e.dir.path().join("blob.bin");
    std::fs::write(&file, [0u8, 1, 255]).unwrap();
    let fileb = format!("fileb://{}", file.display());
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "bin",
        "--secret-binary",
        &fileb,
        "--tags",
        "Key=env,Value=prod",
        "--description",
        "raw",
    ]);
    assert_eq!(
        e.ok(&[
            SM,
            "get-secret-value",
            "--secret-id",
            "bin",
            "--query",
            "SecretBinary",
            "--output",
            "text"
        ]),
        "AAH/\n"
    );
    let d = e.json(&[SM, "describe-secret", "--secret-id", "bin"]);
    assert_eq!(
        d["Tags"],
        serde_json::json!([{"Key": "env", "Value": "prod"}])
    );
    assert_eq!(d["Description"], "raw");
    let day = d["LastAccessedDate"].as_str().unwrap();
    assert!(day.contains("T00:00:00"), "the day of the read: {day}");
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "other",
        "--secret-string",
        "x",
    ]);
    let names = e.ok(&[
        SM,
        "list-secrets",
        "--filters",
        "Key=tag-value,Values=prod",
        "--query",
        "SecretList[].Name",
        "--output",
        "text",
    ]);
    assert_eq!(names, "bin\n");
    let out = e.run(&[SM, "get-secret-value", "--secret-id", "missing"]);
    assert_eq!(out.status.code(), Some(10));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(ResourceNotFoundException)"));
    let out = e.run(&[
        SM,
        "create-secret",
        "--name",
        "both",
        "--secret-string",
        "a",
        "--secret-binary",
        "YQ==",
    ]);
    assert_eq!(out.status.code(), Some(12));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(InvalidParameterException)"));
    let p = e.ok(&[
        SM,
        "get-random-password",
        "--password-length",
        "12",
        "--exclude-punctuation",
        "--query",
        "RandomPassword",
        "--output",
        "text",
    ]);
    assert_eq!(p.trim().len(), 12);
    assert!(p.trim().chars().all(|c| c.is_ascii_alphanumeric()));
    e.ok(&[
        SM,
        "delete-secret",
        "--secret-id",
        "other",
        "--force-delete-without-recovery",
    ]);
    assert_eq!(
        e.run(&[SM, "describe-secret", "--secret-id", "other"])
            .status
            .code(),
        Some(10)
    );
}

#[test]
fn a_disabled_key_is_a_decryption_failure() {
    let e = Env::new();
    let key = e.ok(&[
        "create-key",
        "--query",
        "KeyMetadata.KeyId",
        "--output",
        "text",
    ]);
    let key = key.trim();
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "s",
        "--secret-string",
        "v",
        "--kms-key-id",
        key,
    ]);
    e.ok(&["disable-key", "--key-id", key]);
    let out = e.run(&[SM, "get-secret-value", "--secret-id", "s"]);
    assert_eq!(out.status.code(), Some(33));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(DecryptionFailure)") && err.contains("disabled"),
        "{err}"
    );
}

#[test]
fn the_kms_prefix_is_the_same_command() {
    let e = Env::new();
    let key = e.ok(&[
        "kms",
        "create-key",
        "--query",
        "KeyMetadata.KeyId",
        "--output",
        "text",
    ]);
    let listed = e.ok(&[
        "--output",
        "text",
        "kms",
        "list-keys",
        "--query",
        "Keys[].KeyId",
    ]);
    assert_eq!(listed, key);
    let blob = e.ok(&[
        "kms",
        "encrypt",
        "--key-id",
        key.trim(),
        "--plaintext",
        "aGk=",
        "--query",
        "CiphertextBlob",
        "--output",
        "text",
    ]);
    let plain = e.ok(&[
        "decrypt",
        "--ciphertext-blob",
        blob.trim(),
        "--query",
        "Plaintext",
        "--output",
        "text",
    ]);
    assert_eq!(plain, "aGk=\n");
    // A secret named kms is still a secret.
    e.ok(&[SM, "create-secret", "--name", "kms", "--secret-string", "v"]);
    assert!(!e.run(&["kms", "kms", "list-keys"]).status.success());
}

#[test]
fn exec_runs_a_program_with_the_secrets_keys_as_variables() {
    let e = Env::new();
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "prod/db",
        "--secret-string",
        r#"{"DB_USER":"admin","DB_PASSWORD":"hunter2","DB_PORT":5432}"#,
    ]);
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "prod/api",
        "--secret-string",
        r#"{"API_TOKEN":"t0k3n","DB_USER":"api"}"#,
    ]);
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "plain",
        "--secret-string",
        "hunter3",
    ]);
    let show = r#"printf '%s|%s|%s|%s' "$DB_USER" "$DB_PASSWORD" "$DB_PORT" "${API_TOKEN-unset}""#;
    assert_eq!(
        e.ok(&[SM, "exec", "--secret-id", "prod/db", "--", "sh", "-c", show]),
        "admin|hunter2|5432|unset"
    );
    // A later secret's keys win; the program's exit code is the command's.
    assert_eq!(
        e.ok(&[
            SM,
            "exec",
            "--secret-id",
            "prod/db",
            "--secret-id",
            "prod/api",
            "--",
            "sh",
            "-c",
            show
        ]),
        "api|hunter2|5432|t0k3n"
    );
    let out = e.run(&[
        SM,
        "exec",
        "--secret-id",
        "prod/db",
        "--",
        "sh",
        "-c",
        "exit 7",
    ]);
    assert_eq!(out.status.code(), Some(7));
    // The previous version by its staging label.
    e.ok(&[
        SM,
        "put-secret-value",
        "--secret-id",
        "prod/db",
        "--secret-string",
        r#"{"DB_USER":"admin2"}"#,
    ]);
    let user = r#"printf '%s' "$DB_USER""#;
    assert_eq!(
        e.ok(&[SM, "exec", "--secret-id", "prod/db", "--", "sh", "-c", user]),
        "admin2"
    );
    assert_eq!(
        e.ok(&[
            SM,
            "exec",
            "--secret-id",
            "prod/db",
            "--version-stage",
            "AWSPREVIOUS",
            "--",
            "sh",
            "-c",
            user
        ]),
        "admin"
    );
    // Refusals run nothing, name the secret and never print its value.
    for (args, code) in [
        (vec!["--secret-id", "plain"], 12),
        (vec!["--secret-id", "nope"], 10),
    ] {
        let mut argv = vec![SM, "exec"];
        argv.extend(args);
        argv.extend(["--", "sh", "-c", "echo ran"]);
        let out = e.run(&argv);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(!stderr.contains("hunter3"), "{stderr}");
    }
    let out = e.run(&[
        SM,
        "exec",
        "--secret-id",
        "prod/db",
        "--",
        "/nonexistent/program",
    ]);
    assert_eq!(out.status.code(), Some(26));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/program"));
    // The program is needed.
    assert_eq!(
        e.run(&[SM, "exec", "--secret-id", "prod/db"]).status.code(),
        Some(2)
    );
    // Each exec is one audited GetSecretValue per secret, and the keystore was closed cleanly.
    let events = e.json(&["audit", "list", "--operation", "GetSecretValue"]);
    assert!(events.to_string().contains("GetSecretValue"));
}

/// The resource-policy commands on the file: put (with `--block-public-policy` both ways), get,
/// validate, delete; errors with their AWS names and exit codes.
#[test]
fn resource_policies_on_the_file() {
    let e = Env::new();
    e.ok(&[
        SM,
        "create-secret",
        "--name",
        "prod/db",
        "--secret-string",
        "v",
    ]);
    let deny = r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;
    let public = r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;
    let file = e.dir.path().join("policy.json");
    std::fs::write(&file, deny).unwrap();
    let from_file = format!("file://{}", file.display());
    let put = e.json(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        &from_file,
        "--block-public-policy",
    ]);
    assert_eq!(put["Name"], "prod/db");
    assert_eq!(put["PolicyName"], "default");
    let text = e.ok(&[
        SM,
        "get-resource-policy",
        "--secret-id",
        "prod/db",
        "--query",
        "ResourcePolicy",
        "--output",
        "text",
    ]);
    assert_eq!(text.trim_end(), deny);
    let fail = |args: &[&str]| {
        let out = e.run(args);
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, err) = fail(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        public,
        "--block-public-policy",
    ]);
    assert_eq!(code, Some(38), "{err}");
    assert!(
        err.starts_with(
            "An error occurred (PublicPolicyException) when calling the PutResourcePolicy operation:"
        ),
        "{err}"
    );
    let (code, err) = fail(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        "not json",
    ]);
    assert_eq!(code, Some(36), "{err}");
    assert!(err.contains("(MalformedPolicyDocumentException)"), "{err}");
    let (code, err) = fail(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        public,
        "--block-public-policy",
        "--no-block-public-policy",
    ]);
    assert_eq!(code, Some(2), "{err}"); // the flags conflict (clap's usage error)
    let (code, err) = fail(&[SM, "get-resource-policy", "--secret-id", "nope"]);
    assert_eq!(code, Some(10), "{err}");
    assert!(err.contains("(ResourceNotFoundException)"), "{err}");
    // Unchanged by the refusals; a public policy without the block is accepted.
    let got = e.json(&[SM, "get-resource-policy", "--secret-id", "prod/db"]);
    assert_eq!(got["ResourcePolicy"], deny);
    e.ok(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        public,
        "--no-block-public-policy",
    ]);
    let v = e.json(&[SM, "validate-resource-policy", "--resource-policy", public]);
    assert_eq!(v["PolicyValidationPassed"], false);
    assert_eq!(v["ValidationErrors"][0]["CheckName"], "BROAD_ACCESS");
    let v = e.json(&[
        SM,
        "validate-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        "{",
    ]);
    assert_eq!(v["PolicyValidationPassed"], false);
    assert_eq!(v["ValidationErrors"][0]["CheckName"], "SYNTAX_CHECK");
    let deleted = e.json(&[SM, "delete-resource-policy", "--secret-id", "prod/db"]);
    assert_eq!(deleted["Name"], "prod/db");
    let got = e.json(&[SM, "get-resource-policy", "--secret-id", "prod/db"]);
    assert!(got.get("ResourcePolicy").is_none(), "{got}");
    // In-process callers are the account root and are never checked: the root's Deny above
    // binds only the server's callers.
    e.ok(&[
        SM,
        "put-resource-policy",
        "--secret-id",
        "prod/db",
        "--resource-policy",
        deny,
    ]);
    e.ok(&[SM, "get-secret-value", "--secret-id", "prod/db"]);
}

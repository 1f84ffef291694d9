//! End-to-end tests of every keystore command, every input form, outputs, errors and exit codes.

mod common;

use common::{Scratch, unb64};
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn aws_documentation_commands_work_unchanged() {
    let s = Scratch::new();
    let k = s.key();
    s.write("secret.txt", b"my database password\n");
    let script = format!(
        "strongroom encrypt --key-id {k} --plaintext fileb://secret.txt --output text --query CiphertextBlob | base64 --decode > encryptedsecret.txt\n\
         strongroom decrypt --ciphertext-blob fileb://encryptedsecret.txt --output text --query Plaintext | base64 --decode > decrypted.txt\n\
         strongroom re-encrypt --destination-key-id {k} --ciphertext-blob fileb://encryptedsecret.txt > reencrypted.json\n\
         strongroom generate-data-key --key-id {k} --key-spec AES_256 > datakey.json"
    );
    let out = s.sh(&script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(s.path("decrypted.txt")).unwrap(),
        b"my database password\n"
    );
    let blob = std::fs::read(s.path("encryptedsecret.txt")).unwrap();
    assert!(blob.len() > 21 && !blob.windows(8).any(|w| w == b"database"));
    let re: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("reencrypted.json")).unwrap()).unwrap();
    assert!(re["KeyId"].as_str().unwrap().ends_with(&k));
    assert!(re["SourceKeyId"].as_str().unwrap().ends_with(&k));
    let again = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        re["CiphertextBlob"].as_str().unwrap(),
    ]);
    assert_eq!(
        unb64(again["Plaintext"].as_str().unwrap()),
        b"my database password\n"
    );
    let dk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("datakey.json")).unwrap()).unwrap();
    assert_eq!(unb64(dk["Plaintext"].as_str().unwrap()).len(), 32);
    let opened = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        dk["CiphertextBlob"].as_str().unwrap(),
    ]);
    assert_eq!(opened["Plaintext"], dk["Plaintext"]);
}

#[test]
fn every_blob_input_form_decrypts_to_the_same_plaintext() {
    let s = Scratch::new();
    let k = s.key();
    let plain = b"\x00\x01binary\xffdata";
    s.write("p.bin", plain);
    let b64 = base64_of(plain);
    s.write("p.b64", format!("{b64}\n").as_bytes());
    let forms: Vec<(Vec<String>, Option<Vec<u8>>)> = vec![
        (vec!["fileb://p.bin".into()], None),
        (vec!["file://p.b64".into()], None),
        (vec![b64.clone()], None),
        (vec!["-".into()], Some(plain.to_vec())),
    ];
    for (form, stdin) in forms {
        let mut c = s.cmd();
        c.args(["encrypt", "--key-id", &k, "--plaintext", &form[0]]);
        if let Some(input) = stdin {
            c.write_stdin(input);
        }
        let out = c.assert().success().get_output().stdout.clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let blob = unb64(v["CiphertextBlob"].as_str().unwrap());
        s.write("c.bin", &blob);
        s.write("c.b64", v["CiphertextBlob"].as_str().unwrap().as_bytes());
        for cform in [
            "fileb://c.bin",
            "file://c.b64",
            v["CiphertextBlob"].as_str().unwrap(),
        ] {
            let d = s.json(&["decrypt", "--ciphertext-blob", cform]);
            assert_eq!(
                unb64(d["Plaintext"].as_str().unwrap()),
                plain,
                "{form:?} {cform}"
            );
        }
        let d = s
            .cmd()
            .args([
                "decrypt",
                "--ciphertext-blob",
                "-",
                "--output",
                "text",
                "--query",
                "Plaintext",
            ])
            .write_stdin(blob)
            .assert()
            .success();
        assert_eq!(
            unb64(&String::from_utf8_lossy(&d.get_output().stdout)),
            plain
        );
    }
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn encryption_context_forms_and_mismatch() {
    let s = Scratch::new();
    let k = s.key();
    s.write("ctx.json", br#"{"team": "ops", "purpose": "backup"}"#);
    let e = s.json(&[
        "encrypt",
        "--key-id",
        &k,
        "--plaintext",
        "aGVsbG8=",
        "--encryption-context",
        "purpose=backup,team=ops",
    ]);
    let blob = e["CiphertextBlob"].as_str().unwrap();
    for ctx in [
        "team=ops,purpose=backup",
        r#"{"purpose":"backup","team":"ops"}"#,
        "file://ctx.json",
    ] {
        let d = s.json(&[
            "decrypt",
            "--ciphertext-blob",
            blob,
            "--encryption-context",
            ctx,
        ]);
        assert_eq!(d["Plaintext"], "aGVsbG8=");
    }
    s.cmd()
        .args(["decrypt", "--ciphertext-blob", blob])
        .assert()
        .code(15)
        .stderr(contains("(InvalidCiphertextException) when calling the "));
    s.cmd()
        .args([
            "decrypt",
            "--ciphertext-blob",
            blob,
            "--encryption-context",
            "team",
        ])
        .assert()
        .code(12)
        .stderr(
            contains("(ValidationException) when calling the ")
                .and(contains("operation: --encryption-context")),
        );
}

#[test]
fn key_lifecycle_describe_list_enable_disable() {
    let s = Scratch::new();
    s.write("desc.txt", b"from a file");
    let created = s.json(&["create-key", "--description", "file://desc.txt"]);
    let m = &created["KeyMetadata"];
    let k = m["KeyId"].as_str().unwrap().to_string();
    assert_eq!(m["Description"], "from a file");
    assert_eq!(m["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(m["KeyUsage"], "ENCRYPT_DECRYPT");
    assert_eq!(m["Origin"], "AWS_KMS");
    assert_eq!(m["KeyState"], "Enabled");
    assert_eq!(m["Enabled"], true);
    assert!(
        m["Arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:strongroom:kms:local:")
    );
    assert!(m["CreationDate"].as_str().unwrap().ends_with("+00:00"));
    let arn = m["Arn"].as_str().unwrap().to_string();
    let by_arn = s.json(&["describe-key", "--key-id", &arn]);
    assert_eq!(by_arn["KeyMetadata"]["KeyId"], k.as_str());
    let k2 = s.key();
    let ids = s.ok(&["list-keys", "--query", "Keys[].KeyId", "--output", "text"]);
    let mut ids: Vec<&str> = ids.split_whitespace().collect();
    ids.sort_unstable();
    let mut want = vec![k.as_str(), k2.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want);

    assert_eq!(s.ok(&["disable-key", "--key-id", &k]), "");
    let st = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.[KeyState,Enabled]",
        "--output",
        "text",
    ]);
    assert_eq!(st, "Disabled\tFalse\n");
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "aGk="])
        .assert()
        .code(13)
        .stderr(
            contains("(DisabledException) when calling the ").and(contains("hint: enable the key")),
        );
    s.ok(&["enable-key", "--key-id", &k]);
    s.ok(&["encrypt", "--key-id", &k, "--plaintext", "aGk="]);
    s.cmd()
        .args([
            "describe-key",
            "--key-id",
            "00000000-0000-0000-0000-000000000000",
        ])
        .assert()
        .code(10)
        .stderr(contains("(NotFoundException) when calling the "));
    s.cmd()
        .args(["create-key", "--key-spec", "NOPE"])
        .assert()
        .code(12)
        .stderr(contains("(ValidationException) when calling the "));
}

#[test]
fn aliases_create_update_list_delete_and_resolve() {
    let s = Scratch::new();
    let a = s.key();
    let b = s.key();
    s.alias("alias/app", &a);
    let e = s.json(&["encrypt", "--key-id", "alias/app", "--plaintext", "aGk="]);
    assert!(e["KeyId"].as_str().unwrap().ends_with(&a));
    s.cmd()
        .args([
            "create-alias",
            "--alias-name",
            "alias/app",
            "--target-key-id",
            &b,
        ])
        .assert()
        .code(11)
        .stderr(contains("(AlreadyExistsException) when calling the "));
    s.ok(&[
        "update-alias",
        "--alias-name",
        "alias/app",
        "--target-key-id",
        &b,
    ]);
    let l = s.json(&["list-aliases"]);
    assert_eq!(l["Aliases"][0]["AliasName"], "alias/app");
    assert_eq!(l["Aliases"][0]["TargetKeyId"], b.as_str());
    let alias_arn = l["Aliases"][0]["AliasArn"].as_str().unwrap().to_string();
    let by_alias_arn = s.json(&["describe-key", "--key-id", &alias_arn]);
    assert_eq!(by_alias_arn["KeyMetadata"]["KeyId"], b.as_str());
    let only_a = s.json(&["list-aliases", "--key-id", &a]);
    assert_eq!(only_a["Aliases"].as_array().unwrap().len(), 0);
    // decrypt with --key-id naming another key than the blob's
    let blob = e["CiphertextBlob"].as_str().unwrap();
    s.cmd()
        .args([
            "decrypt",
            "--ciphertext-blob",
            blob,
            "--key-id",
            "alias/app",
        ])
        .assert()
        .code(16)
        .stderr(contains("(IncorrectKeyException) when calling the "));
    s.ok(&["delete-alias", "--alias-name", "alias/app"]);
    assert_eq!(s.json(&["list-aliases"])["Aliases"], serde_json::json!([]));
    s.cmd()
        .args(["delete-alias", "--alias-name", "alias/app"])
        .assert()
        .code(10);
    s.cmd()
        .args([
            "create-alias",
            "--alias-name",
            "alias/aws/x",
            "--target-key-id",
            &a,
        ])
        .assert()
        .code(12);
}

#[test]
fn data_keys_and_random() {
    let s = Scratch::new();
    let k = s.key();
    let dk = s.json(&["generate-data-key", "--key-id", &k, "--key-spec", "AES_128"]);
    assert_eq!(unb64(dk["Plaintext"].as_str().unwrap()).len(), 16);
    let dk = s.json(&[
        "generate-data-key",
        "--key-id",
        &k,
        "--number-of-bytes",
        "7",
    ]);
    assert_eq!(unb64(dk["Plaintext"].as_str().unwrap()).len(), 7);
    let dk = s.json(&["generate-data-key", "--key-id", &k]);
    assert_eq!(unb64(dk["Plaintext"].as_str().unwrap()).len(), 32);
    let np = s.json(&[
        "generate-data-key-without-plaintext",
        "--key-id",
        &k,
        "--key-spec",
        "AES_256",
        "--encryption-context",
        "a=b",
    ]);
    assert!(np.get("Plaintext").is_none());
    let d = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        np["CiphertextBlob"].as_str().unwrap(),
        "--encryption-context",
        "a=b",
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()).len(), 32);
    s.cmd()
        .args([
            "generate-data-key",
            "--key-id",
            &k,
            "--key-spec",
            "AES_256",
            "--number-of-bytes",
            "4",
        ])
        .assert()
        .code(12)
        .stderr(contains("Validation"));
    s.cmd()
        .args(["generate-data-key", "--key-id", &k, "--key-spec", "AES_512"])
        .assert()
        .code(12);
    s.cmd()
        .args([
            "generate-data-key",
            "--key-id",
            &k,
            "--number-of-bytes",
            "1025",
        ])
        .assert()
        .code(12);
    let r = s.ok(&[
        "generate-random",
        "--number-of-bytes",
        "48",
        "--output",
        "text",
        "--query",
        "Plaintext",
    ]);
    assert_eq!(unb64(&r).len(), 48);
    s.cmd()
        .args(["generate-random", "--number-of-bytes", "0"])
        .assert()
        .code(12)
        .stderr(contains("(ValidationException) when calling the "));
}

#[test]
fn plaintext_bounds_and_bad_blobs() {
    let s = Scratch::new();
    let k = s.key();
    s.write("big.bin", &[7u8; 4097]);
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "fileb://big.bin"])
        .assert()
        .code(12);
    s.cmd()
        .args([
            "encrypt",
            "--key-id",
            &k,
            "--plaintext",
            "fileb://missing.bin",
        ])
        .assert()
        .code(26)
        .stderr(
            contains("(KMSInternalException) when calling the ")
                .and(contains("operation: --plaintext fileb://missing.bin")),
        );
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "not base64!"])
        .assert()
        .code(12)
        .stderr(contains("fileb://"));
    s.cmd()
        .args([
            "decrypt",
            "--ciphertext-blob",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ])
        .assert()
        .code(15);
}

#[test]
fn output_formats_and_queries() {
    let s = Scratch::new();
    let k = s.key();
    let text = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--output",
        "text",
        "--query",
        "KeyMetadata.KeyId",
    ]);
    assert_eq!(text, format!("{k}\n"));
    let json = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.KeyId",
    ]);
    assert_eq!(json, format!("\"{k}\"\n"));
    let none = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--output",
        "text",
        "--query",
        "KeyMetadata.NoSuchField",
    ]);
    assert_eq!(none, "None\n");
    s.cmd()
        .args(["list-keys", "--query", "Keys[?"])
        .assert()
        .code(12)
        .stderr(contains("--query is not valid JMESPath"));
    s.cmd()
        .args(["list-keys", "--output", "csv"])
        .assert()
        .code(2);
}

#[test]
fn keystore_must_exist_and_init_never_overwrites() {
    let s = Scratch::empty();
    s.cmd().arg("list-keys").assert().code(9).stderr(
        contains("An error occurred (CustomKeyStoreNotFoundException) when calling the ListKeys operation: no keystore at")
            .and(contains("hint: create one with `strongroom init`")),
    );
    assert!(!s.keystore().exists());
    let init = s.json(&["init"]);
    assert_eq!(init["Path"], s.keystore().display().to_string());
    s.cmd()
        .arg("init")
        .assert()
        .code(11)
        .stderr(contains("(AlreadyExistsException) when calling the "));
    // --keystore wins over the environment, and creates missing directories.
    let other = s.path("nested/dir/other.strongroom");
    s.cmd()
        .args(["--keystore", other.to_str().unwrap(), "init"])
        .assert()
        .success();
    assert!(other.exists());
}

#[test]
fn passphrase_sources_errors_and_change() {
    let s = Scratch::new();
    let k = s.key();
    s.cmd()
        .env("STRONGROOM_PASSPHRASE", "wrong")
        .arg("list-keys")
        .assert()
        .code(23)
        .stderr(contains("(UnrecognizedClientException) when calling the "));
    s.cmd()
        .env_remove("STRONGROOM_PASSPHRASE")
        .arg("list-keys")
        .assert()
        .code(12)
        .stderr(contains("no passphrase given").and(contains("hint: set STRONGROOM_PASSPHRASE")));
    s.write("pass.txt", b"correct horse\n");
    s.cmd()
        .env_remove("STRONGROOM_PASSPHRASE")
        .args([
            "--passphrase-file",
            "pass.txt",
            "describe-key",
            "--key-id",
            &k,
        ])
        .assert()
        .success();
    s.write("new.txt", b"battery staple\n");
    s.cmd()
        .args(["change-passphrase", "--new-passphrase-file", "new.txt"])
        .assert()
        .success();
    s.cmd().arg("list-keys").assert().code(23);
    s.cmd()
        .env("STRONGROOM_PASSPHRASE", "battery staple")
        .arg("list-keys")
        .assert()
        .success();
    s.cmd()
        .env("STRONGROOM_PASSPHRASE", "battery staple")
        .env("STRONGROOM_NEW_PASSPHRASE", "third one")
        .arg("change-passphrase")
        .assert()
        .success();
    s.cmd()
        .env("STRONGROOM_PASSPHRASE", "third one")
        .args(["describe-key", "--key-id", &k])
        .assert()
        .success();
}

#[test]
fn fast_test_kdf_is_opt_in() {
    let s = Scratch::new();
    s.cmd()
        .env_remove("STRONGROOM_INSECURE_TEST_KDF")
        .arg("list-keys")
        .assert()
        .code(12)
        .stderr(
            contains("(ValidationException) when calling the ")
                .and(contains("STRONGROOM_INSECURE_TEST_KDF")),
        );
    s.cmd()
        .env_remove("STRONGROOM_INSECURE_TEST_KDF")
        .args(["--insecure-test-kdf", "list-keys"])
        .assert()
        .success();
}

#[test]
fn a_locked_keystore_is_refused_not_waited_for() {
    let s = Scratch::new();
    // encrypt-file reading from a pipe we keep open holds the keystore open meanwhile.
    let k = s.key();
    let mut child = std::process::Command::new(common::bin())
        .current_dir(s.dir.path())
        .env("STRONGROOM_KEYSTORE", s.keystore())
        .env("STRONGROOM_PASSPHRASE", "correct horse")
        .env("STRONGROOM_INSECURE_TEST_KDF", "1")
        .args(["encrypt-file", "--key-id", &k, "-", "out.sr"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The partial output file appears once the child has opened the keystore.
    let started = std::time::Instant::now();
    while !std::fs::read_dir(s.dir.path()).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".strongroom-partial-")
    }) {
        assert!(
            started.elapsed().as_secs() < 30,
            "encrypt-file never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let t = std::time::Instant::now();
    s.cmd()
        .arg("list-keys")
        .assert()
        .code(24)
        .stderr(contains("(KMSInternalException) when calling the "));
    assert!(t.elapsed().as_secs() < 10, "Locked took too long");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    assert!(s.path("out.sr").exists());
}

#[test]
fn every_command_has_help_with_an_example() {
    let s = Scratch::empty();
    let commands = [
        "init",
        "create-key",
        "describe-key",
        "list-keys",
        "enable-key",
        "disable-key",
        "create-alias",
        "update-alias",
        "delete-alias",
        "list-aliases",
        "encrypt",
        "decrypt",
        "re-encrypt",
        "generate-data-key",
        "generate-data-key-without-plaintext",
        "generate-random",
        "change-passphrase",
        "encrypt-file",
        "decrypt-file",
        "quickstart",
        "completion",
    ];
    for c in commands {
        s.cmd()
            .args([c, "--help"])
            .assert()
            .success()
            .stdout(contains("Example").and(contains(format!("strongroom {c}"))));
    }
    s.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit codes"));
}

#[test]
fn completions_for_each_shell() {
    let s = Scratch::empty();
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef"),
        ("fish", "complete -c strongroom"),
    ] {
        s.cmd()
            .args(["completion", shell])
            .assert()
            .success()
            .stdout(contains(marker).and(contains("generate-data-key")));
    }
}

#[test]
fn quickstart_walks_through_and_leaves_nothing() {
    let s = Scratch::empty();
    s.cmd()
        .env_remove("STRONGROOM_KEYSTORE")
        .env_remove("STRONGROOM_PASSPHRASE")
        .arg("quickstart")
        .assert()
        .success()
        .stdout(
            contains("create-key")
                .and(contains("Plaintext: \"attack at dawn\""))
                .and(contains(
                    "without the context it is refused: InvalidCiphertext",
                ))
                .and(contains("encrypt is refused: Disabled"))
                .and(contains("generate-data-key"))
                .and(contains("rotate-key-on-demand"))
                .and(contains(
                    "the blob from step 4 still decrypts: \"attack at dawn\"",
                ))
                .and(contains("decrypt is refused: InvalidState"))
                .and(contains("KeyState: Disabled"))
                .and(contains("$ strongroom audit verify")),
        );
    assert!(!s.keystore().exists());
}

#[test]
fn rotation_commands() {
    let s = Scratch::new();
    let k = s.key();
    s.alias("alias/r", &k);
    let st = s.json(&["get-key-rotation-status", "--key-id", &k]);
    assert_eq!(st["KeyRotationEnabled"], false);
    assert!(st.get("RotationPeriodInDays").is_none());
    // The AWS documentation commands.
    let out = s.sh(&format!(
        "strongroom enable-key-rotation --key-id {k}\nstrongroom get-key-rotation-status --key-id {k} > status.json"
    ));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("status.json")).unwrap()).unwrap();
    assert_eq!(st["KeyRotationEnabled"], true);
    assert_eq!(st["RotationPeriodInDays"], 365);
    assert!(st["NextRotationDate"].as_str().unwrap().ends_with("+00:00"));
    assert!(st["KeyId"].as_str().unwrap().contains(&k));
    s.ok(&[
        "enable-key-rotation",
        "--key-id",
        "alias/r",
        "--rotation-period-in-days",
        "90",
    ]);
    let p = s.ok(&[
        "get-key-rotation-status",
        "--key-id",
        &k,
        "--query",
        "RotationPeriodInDays",
        "--output",
        "text",
    ]);
    assert_eq!(p, "90\n");
    s.cmd()
        .args([
            "enable-key-rotation",
            "--key-id",
            &k,
            "--rotation-period-in-days",
            "89",
        ])
        .assert()
        .code(12)
        .stderr(contains("(ValidationException) when calling the "));
    s.ok(&["disable-key-rotation", "--key-id", &k]);
    assert_eq!(
        s.json(&["get-key-rotation-status", "--key-id", &k])["KeyRotationEnabled"],
        false
    );

    let before = s.json(&["encrypt", "--key-id", &k, "--plaintext", "b2xk"]);
    let r = s.json(&["rotate-key-on-demand", "--key-id", "alias/r"]);
    assert_eq!(r["KeyId"], k.as_str());
    let rotations = s.json(&["list-key-rotations", "--key-id", &k]);
    let list = rotations["Rotations"].as_array().unwrap();
    assert_eq!(list.last().unwrap()["RotationType"], "ON_DEMAND");
    assert!(
        list.last().unwrap()["RotationDate"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    let after = s.json(&["encrypt", "--key-id", &k, "--plaintext", "bmV3"]);
    assert_ne!(
        unb64(before["CiphertextBlob"].as_str().unwrap())[17..21],
        unb64(after["CiphertextBlob"].as_str().unwrap())[17..21],
        "the new version is used for new encryptions"
    );
    let old = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        before["CiphertextBlob"].as_str().unwrap(),
    ]);
    assert_eq!(old["Plaintext"], "b2xk");
    s.ok(&["disable-key", "--key-id", &k]);
    s.cmd()
        .args(["rotate-key-on-demand", "--key-id", &k])
        .assert()
        .code(13);
}

#[test]
fn deletion_commands() {
    let s = Scratch::new();
    let k = s.key();
    let blob = s.json(&["encrypt", "--key-id", &k, "--plaintext", "eA=="])["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string();
    s.cmd()
        .args([
            "schedule-key-deletion",
            "--key-id",
            &k,
            "--pending-window-in-days",
            "6",
        ])
        .assert()
        .code(12);
    let d = s.json(&[
        "schedule-key-deletion",
        "--key-id",
        &k,
        "--pending-window-in-days",
        "7",
    ]);
    assert!(d["KeyId"].as_str().unwrap().ends_with(&k));
    assert_eq!(d["KeyState"], "PendingDeletion");
    assert_eq!(d["PendingWindowInDays"], 7);
    assert!(d["DeletionDate"].as_str().unwrap().ends_with("+00:00"));
    let m = s.json(&["describe-key", "--key-id", &k]);
    assert_eq!(m["KeyMetadata"]["KeyState"], "PendingDeletion");
    assert_eq!(m["KeyMetadata"]["DeletionDate"], d["DeletionDate"]);
    // AWS shows the window only for multi-Region keys in PendingReplicaDeletion.
    assert!(
        m["KeyMetadata"]
            .get("PendingDeletionWindowInDays")
            .is_none()
    );
    s.cmd()
        .args(["decrypt", "--ciphertext-blob", &blob])
        .assert()
        .code(14)
        .stderr(contains("(KMSInvalidStateException) when calling the "));
    s.cmd()
        .args(["schedule-key-deletion", "--key-id", &k])
        .assert()
        .code(14);
    let c = s.json(&["cancel-key-deletion", "--key-id", &k]);
    assert!(c["KeyId"].as_str().unwrap().ends_with(&k));
    let state = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.KeyState",
        "--output",
        "text",
    ]);
    assert_eq!(state, "Disabled\n");
    s.cmd()
        .args(["cancel-key-deletion", "--key-id", &k])
        .assert()
        .code(14);
    s.ok(&["enable-key", "--key-id", &k]);
    s.ok(&["decrypt", "--ciphertext-blob", &blob]);
    // Default window is 30 days.
    let d = s.json(&["schedule-key-deletion", "--key-id", &k]);
    assert_eq!(d["PendingWindowInDays"], 30);
}

#[test]
fn the_audit_trail_holds_only_the_calls_made() {
    let s = Scratch::new();
    let k = s.key();
    s.alias("alias/a", &k);
    s.ok(&["encrypt", "--key-id", "alias/a", "--plaintext", "eA=="]);
    s.ok(&["rotate-key-on-demand", "--key-id", "alias/a"]);
    s.ok(&["schedule-key-deletion", "--key-id", &k]);
    s.ok(&["cancel-key-deletion", "--key-id", &k]);
    let names: Vec<String> = s
        .ok(&["audit", "export", "--key-id", "alias/a"])
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["operation"].to_string())
        .collect();
    assert_eq!(
        names,
        [
            "\"CreateKey\"",
            "\"CreateAlias\"",
            "\"Encrypt\"",
            "\"RotateKeyOnDemand\"",
            // schedule-key-deletion reads the last use first (and reports it).
            "\"GetKeyLastUsage\"",
            "\"ScheduleKeyDeletion\"",
            "\"CancelKeyDeletion\""
        ]
    );
}

#[test]
fn default_keystore_path_is_per_user() {
    let s = Scratch::empty();
    let home = s.path("home");
    let mut c = s.cmd();
    c.env_remove("STRONGROOM_KEYSTORE")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", &home)
        .arg("init")
        .assert()
        .success();
    assert!(
        home.join(".local/share/strongroom/keystore.strongroom")
            .exists()
    );
    let xdg = s.path("xdg");
    s.cmd()
        .env_remove("STRONGROOM_KEYSTORE")
        .env("XDG_DATA_HOME", &xdg)
        .env("HOME", &home)
        .arg("init")
        .assert()
        .success();
    assert!(xdg.join("strongroom/keystore.strongroom").exists());
    s.cmd()
        .env_remove("STRONGROOM_KEYSTORE")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", &home)
        .arg("list-keys")
        .assert()
        .success();
}

/// 64 lowercase hex characters.
fn is_material_id(v: &serde_json::Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[test]
fn key_material_ids_and_aws_metadata_members() {
    let s = Scratch::new();
    let k = s.key();
    let m = s.json(&["describe-key", "--key-id", &k])["KeyMetadata"].clone();
    assert_eq!(m["AWSAccountId"], "111122223333");
    assert_eq!(m["MultiRegion"], false);
    assert_eq!(m["KeyManager"], "CUSTOMER");
    assert!(m.get("ExpirationModel").is_none());
    let first = m["CurrentKeyMaterialId"].clone();
    assert!(is_material_id(&first), "{m}");
    let blob = s.json(&["encrypt", "--key-id", &k, "--plaintext", "aGk="])["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string();
    let dk = s.json(&["generate-data-key", "--key-id", &k]);
    assert_eq!(dk["KeyMaterialId"], first);
    s.ok(&["rotate-key-on-demand", "--key-id", &k]);
    let second =
        s.json(&["describe-key", "--key-id", &k])["KeyMetadata"]["CurrentKeyMaterialId"].clone();
    assert!(is_material_id(&second) && second != first);
    assert_eq!(
        s.json(&["decrypt", "--ciphertext-blob", &blob])["KeyMaterialId"],
        first
    );
    let dk = s.json(&["generate-data-key-without-plaintext", "--key-id", &k]);
    assert_eq!(dk["KeyMaterialId"], second);
    let r = s.json(&[
        "re-encrypt",
        "--ciphertext-blob",
        &blob,
        "--destination-key-id",
        &k,
    ]);
    assert_eq!(
        (&r["SourceKeyMaterialId"], &r["DestinationKeyMaterialId"]),
        (&first, &second)
    );
    let only = s.json(&["list-key-rotations", "--key-id", &k]);
    assert_eq!(only["Rotations"].as_array().unwrap().len(), 1);
    assert_eq!(only["Rotations"][0]["KeyMaterialId"], second);
    assert_eq!(only["Rotations"][0]["KeyMaterialState"], "CURRENT");
    let all = s.json(&[
        "list-key-rotations",
        "--key-id",
        &k,
        "--include-key-material",
        "ALL_KEY_MATERIAL",
    ]);
    let all = all["Rotations"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["KeyMaterialId"], first);
    assert_eq!(all[0]["KeyMaterialState"], "NON_CURRENT");
    assert!(all[0].get("RotationDate").is_none() && all[0].get("RotationType").is_none());
    s.cmd()
        .args([
            "list-key-rotations",
            "--key-id",
            &k,
            "--include-key-material",
            "ALL",
        ])
        .assert()
        .code(12)
        .stderr(contains("ALL_KEY_MATERIAL"));
    // An HMAC key: its own algorithm list from the core's table, no material id (AWS shows
    // CurrentKeyMaterialId for symmetric keys only).
    let h = s.json(&[
        "create-key",
        "--key-spec",
        "HMAC_256",
        "--key-usage",
        "GENERATE_VERIFY_MAC",
    ])["KeyMetadata"]
        .clone();
    assert_eq!(h["CustomerMasterKeySpec"], "HMAC_256");
    assert_eq!(h["MacAlgorithms"], serde_json::json!(["HMAC_SHA_256"]));
    assert!(h.get("EncryptionAlgorithms").is_none(), "{h}");
    assert!(h.get("CurrentKeyMaterialId").is_none(), "{h}");
}

#[test]
fn region_and_account_id_set_the_aws_arns_accepted() {
    let s = Scratch::new();
    let k = s.key();
    let aws = format!("arn:aws:kms:eu-west-2:444455556666:key/{k}");
    // The default region and account do not match this ARN.
    s.cmd()
        .args(["describe-key", "--key-id", &aws])
        .assert()
        .code(10);
    let m = s.json(&[
        "--region",
        "eu-west-2",
        "--account-id",
        "444455556666",
        "describe-key",
        "--key-id",
        &aws,
    ]);
    assert_eq!(m["KeyMetadata"]["KeyId"], k.as_str());
    assert_eq!(m["KeyMetadata"]["AWSAccountId"], "444455556666");
    // In-process, the ARN stays strongroom's own form (SPEC section 3).
    assert!(
        m["KeyMetadata"]["Arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:strongroom:kms:local:")
    );
    let out = s
        .cmd()
        .env("STRONGROOM_REGION", "eu-west-2")
        .env("STRONGROOM_ACCOUNT_ID", "444455556666")
        .args(["describe-key", "--key-id", &aws])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains(&k));
    for bad in [
        ["--account-id", "12345678901"],
        ["--account-id", "1234567890123"],
        ["--region", "Not A Region"],
    ] {
        s.cmd()
            .args(bad)
            .args(["describe-key", "--key-id", &k])
            .assert()
            .code(12)
            .stderr(contains("ValidationException"));
    }
}

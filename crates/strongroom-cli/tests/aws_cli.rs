//! AWS CLI parity of the command line's edges: every error class printed as
//! `An error occurred (<AWS code>) when calling the <Operation> operation: ...` with its exit
//! code, every AWS CLI global option, dates as the AWS CLI prints them, and the JSON member
//! order of each response against botocore's output shapes (read by the Python that
//! `STRONGROOM_PYTHON` names, else `target/venv/bin/python`, when it has botocore).

mod common;

use common::Scratch;
use predicates::str::contains;
use std::process::Command;

fn err_line(code: &str, op: &str) -> String {
    format!("An error occurred ({code}) when calling the {op} operation: ")
}

/// Runs `args` and checks the exit code and the AWS CLI error line.
fn fails(s: &Scratch, args: &[&str], exit: i32, code: &str, op: &str) -> String {
    let out = s.cmd().args(args).assert().code(exit).stdout("");
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.starts_with(&err_line(code, op)), "{args:?}: {err}");
    for line in err.lines().skip(1) {
        assert!(line.starts_with("hint: "), "{args:?}: {err}");
    }
    err
}

#[test]
fn every_reachable_error_class_prints_the_aws_line_and_its_exit_code() {
    let s = Scratch::new();
    let k = s.key();
    let e = fails(
        &s,
        &[
            "describe-key",
            "--key-id",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        ],
        10,
        "NotFoundException",
        "DescribeKey",
    );
    assert!(e.contains("\nhint: "), "{e}");
    fails(
        &s,
        &[
            "describe-key",
            "--key-id",
            // Another account's ARN (this keystore's is 111122223333 by default).
            "arn:aws:kms:us-east-1:999999999999:key/x",
        ],
        10,
        "InvalidArnException",
        "DescribeKey",
    );
    fails(
        &s,
        &["create-alias", "--alias-name", "app", "--target-key-id", &k],
        12,
        "InvalidAliasNameException",
        "CreateAlias",
    );
    fails(
        &s,
        &[
            "create-alias",
            "--alias-name",
            "alias/aws/app",
            "--target-key-id",
            &k,
        ],
        12,
        "InvalidAliasNameException",
        "CreateAlias",
    );
    s.alias("alias/app", &k);
    fails(
        &s,
        &[
            "create-alias",
            "--alias-name",
            "alias/app",
            "--target-key-id",
            &k,
        ],
        11,
        "AlreadyExistsException",
        "CreateAlias",
    );
    fails(
        &s,
        &["generate-random", "--number-of-bytes", "0"],
        12,
        "ValidationException",
        "GenerateRandom",
    );
    fails(
        &s,
        &["encrypt", "--key-id", &k, "--plaintext", "!!"],
        12,
        "ValidationException",
        "Encrypt",
    );
    s.ok(&["disable-key", "--key-id", &k]);
    fails(
        &s,
        &["encrypt", "--key-id", &k, "--plaintext", "AA=="],
        13,
        "DisabledException",
        "Encrypt",
    );
    s.ok(&["enable-key", "--key-id", &k]);
    fails(
        &s,
        &["cancel-key-deletion", "--key-id", &k],
        14,
        "KMSInvalidStateException",
        "CancelKeyDeletion",
    );
    fails(
        &s,
        &[
            "decrypt",
            "--ciphertext-blob",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ],
        15,
        "InvalidCiphertextException",
        "Decrypt",
    );
    let blob = s.ok(&[
        "encrypt",
        "--key-id",
        &k,
        "--plaintext",
        "AA==",
        "--output",
        "text",
        "--query",
        "CiphertextBlob",
    ]);
    let other = s.key();
    fails(
        &s,
        &[
            "decrypt",
            "--ciphertext-blob",
            blob.trim(),
            "--key-id",
            &other,
        ],
        16,
        "IncorrectKeyException",
        "Decrypt",
    );
    fails(
        &s,
        &[
            "get-parameters-for-import",
            "--key-id",
            &k,
            "--wrapping-algorithm",
            "RSAES_OAEP_SHA_256",
            "--wrapping-key-spec",
            "RSA_2048",
        ],
        19,
        "UnsupportedOperationException",
        "GetParametersForImport",
    );
    let ext = s.json(&["create-key", "--origin", "EXTERNAL"])["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    fails(
        &s,
        &[
            "import-key-material",
            "--key-id",
            &ext,
            "--import-token",
            "AAAA",
            "--encrypted-key-material",
            "AAAA",
            "--expiration-model",
            "KEY_MATERIAL_DOES_NOT_EXPIRE",
        ],
        21,
        "InvalidImportTokenException",
        "ImportKeyMaterial",
    );
    fails(
        &s,
        &[
            "encrypt",
            "--key-id",
            &k,
            "--plaintext",
            "fileb://missing.bin",
        ],
        26,
        "KMSInternalException",
        "Encrypt",
    );
    // A wrong passphrase, and a keystore file that is not a keystore.
    let out = s
        .cmd()
        .env("STRONGROOM_PASSPHRASE", "wrong")
        .args(["list-keys"])
        .assert()
        .code(23);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.starts_with(&err_line("UnrecognizedClientException", "ListKeys")),
        "{err}"
    );
    std::fs::write(s.path("junk"), b"not a keystore at all").unwrap();
    let out = s
        .cmd()
        .args(["--keystore", "junk", "list-keys"])
        .assert()
        .code(25);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.starts_with(&err_line("KMSInternalException", "ListKeys")),
        "{err}"
    );
}

#[test]
fn a_missing_keystore_is_not_a_missing_key() {
    let s = Scratch::empty();
    let e = fails(
        &s,
        &["encrypt", "--key-id", "alias/app", "--plaintext", "AA=="],
        9,
        "CustomKeyStoreNotFoundException",
        "Encrypt",
    );
    assert!(
        e.contains("no keystore at") && e.contains("\nhint: create one with `strongroom init`"),
        "{e}"
    );
    // CLI-only commands are named after the command in the same style.
    fails(
        &s,
        &["audit", "verify"],
        9,
        "CustomKeyStoreNotFoundException",
        "AuditVerify",
    );
    fails(
        &s,
        &["encrypt-file", "--key-id", "alias/app", "in", "out"],
        9,
        "CustomKeyStoreNotFoundException",
        "EncryptFile",
    );
}

#[test]
fn aws_global_options_are_accepted() {
    let s = Scratch::new();
    let k = s.key();
    for args in [
        vec!["--region", "eu-west-1"],
        vec!["--profile", "prod"],
        vec!["--no-paginate"],
        vec!["--no-cli-pager"],
        vec!["--cli-binary-format", "base64"],
    ] {
        let mut full = args.clone();
        full.extend(["describe-key", "--key-id", &k]);
        let v: serde_json::Value = serde_json::from_str(&s.ok(&full)).unwrap();
        assert_eq!(v["KeyMetadata"]["KeyId"], k.as_str(), "{args:?}");
        // After the command too, as the AWS CLI allows.
        let mut after = vec!["describe-key", "--key-id", &k];
        after.extend(args.iter());
        s.ok(&after);
    }
    s.cmd()
        .args(["--cli-binary-format", "hex", "list-keys"])
        .assert()
        .code(2);
}

#[test]
fn cli_binary_format_raw_in_base64_out_takes_the_text_itself() {
    let s = Scratch::new();
    let k = s.key();
    let blob = s.ok(&[
        "--cli-binary-format",
        "raw-in-base64-out",
        "encrypt",
        "--key-id",
        &k,
        "--plaintext",
        "hello",
        "--output",
        "text",
        "--query",
        "CiphertextBlob",
    ]);
    let plain = s.ok(&[
        "decrypt",
        "--ciphertext-blob",
        blob.trim(),
        "--output",
        "text",
        "--query",
        "Plaintext",
    ]);
    assert_eq!(common::unb64(&plain), b"hello");
    // The default reads the literal as base64.
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "hello!"])
        .assert()
        .code(12);
}

#[test]
fn debug_reports_on_standard_error_only() {
    let s = Scratch::new();
    let out = s.cmd().args(["--debug", "list-keys"]).assert().success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("debug: operation ListKeys, keystore "),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v["Keys"].is_array());
    s.cmd()
        .args(["--debug", "describe-key", "--key-id", "alias/none"])
        .assert()
        .code(10)
        .stderr(contains("debug: SPEC error class NotFound, exit 10"));
}

#[test]
fn output_yaml_and_table() {
    let s = Scratch::new();
    let k = s.key();
    let y = s.ok(&["describe-key", "--key-id", &k, "--output", "yaml"]);
    assert!(
        y.starts_with("KeyMetadata:\n  AWSAccountId: '111122223333'\n  Arn: arn:"),
        "{y}"
    );
    assert!(
        y.contains("\n  Description: ''\n") && y.contains("\n  Enabled: true\n"),
        "{y}"
    );
    assert!(
        y.contains("\n  EncryptionAlgorithms:\n  - SYMMETRIC_DEFAULT\n"),
        "{y}"
    );
    assert!(y.contains(&format!("\n  KeyId: {k}\n")), "{y}");
    assert!(y.contains("\n  CreationDate: '20"), "{y}");
    assert_eq!(
        s.ok(&["describe-key", "--key-id", &k, "--output", "yaml-stream"]),
        y
    );
    let t = s.ok(&["list-keys", "--output", "table"]);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].chars().all(|c| c == '-'), "{t}");
    assert!(
        lines[1].starts_with('|') && lines[1].contains("ListKeys"),
        "{t}"
    );
    assert!(t.contains(&k) && t.contains("KeyArn"), "{t}");
    let q = s.ok(&["list-keys", "--output", "yaml", "--query", "Keys[].KeyId"]);
    assert_eq!(q, format!("- {k}\n"));
}

#[test]
fn dates_are_printed_as_the_aws_cli_prints_them() {
    let s = Scratch::new();
    let k = s.key();
    let v = s.json(&["describe-key", "--key-id", &k]);
    let d = v["KeyMetadata"]["CreationDate"].as_str().unwrap();
    // Python's datetime.isoformat() in the local zone: seconds, microseconds unless zero, offset.
    let (main, off) = d.split_at(d.len() - 6);
    assert!(off.starts_with('+') || off.starts_with('-'), "{d}");
    assert_eq!(&off[3..4], ":", "{d}");
    assert!(
        main.len() == 19 || (main.len() == 26 && &main[19..20] == "."),
        "{d}"
    );
    let utc = s
        .cmd()
        .env("TZ", "UTC")
        .args([
            "describe-key",
            "--key-id",
            &k,
            "--query",
            "KeyMetadata.CreationDate",
            "--output",
            "text",
        ])
        .assert()
        .success();
    let utc = String::from_utf8(utc.get_output().stdout.clone()).unwrap();
    assert!(utc.trim().ends_with("+00:00"), "{utc}");
    let east = s
        .cmd()
        .env("TZ", "Asia/Kolkata")
        .args([
            "describe-key",
            "--key-id",
            &k,
            "--query",
            "KeyMetadata.CreationDate",
            "--output",
            "text",
        ])
        .assert()
        .success();
    let east = String::from_utf8(east.get_output().stdout.clone()).unwrap();
    assert!(east.trim().ends_with("+05:30"), "{east}");
}

const SHAPES: &str = r#"
import json, gzip, glob, os, sys, botocore
svc = sys.argv[1]
p = glob.glob(os.path.join(os.path.dirname(botocore.__file__), f'data/{svc}/*/service-2.json*'))[0]
d = json.load(gzip.open(p) if p.endswith('.gz') else open(p))
def members(shape):
    s = d['shapes'][shape]
    if s['type'] == 'structure':
        return {m: members(v['shape']) for m, v in s['members'].items()}
    if s['type'] == 'list':
        return [members(s['member']['shape'])]
    return None
out = {op: members(d['operations'][op]['output']['shape']) for op in sys.argv[2:]}
print(json.dumps(out))
"#;

fn python() -> Option<std::ffi::OsString> {
    if let Some(p) = std::env::var_os("STRONGROOM_PYTHON") {
        return Some(p);
    }
    let venv =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/venv/bin/python");
    venv.exists().then(|| venv.into_os_string())
}

/// Checks that every object in `printed` lists its members in the order of `model`'s members
/// (a subset of them: members strongroom does not have are absent).
fn same_order(printed: &str, model: &serde_json::Value, path: &str) {
    // Keys in printed order, read from the text (serde_json's map would sort them).
    let mut de = serde_json::Deserializer::from_str(printed);
    let ordered: Ordered = serde::Deserialize::deserialize(&mut de).unwrap();
    check(&ordered, model, path);
}

#[derive(Debug)]
enum Ordered {
    Leaf,
    List(Vec<Ordered>),
    Obj(Vec<(String, Ordered)>),
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Ordered::List(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Ordered>()? {
                    v.push((k, x));
                }
                Ok(Ordered::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn check(o: &Ordered, model: &serde_json::Value, path: &str) {
    match o {
        Ordered::Leaf => {}
        Ordered::List(items) => {
            for i in items {
                check(i, &model[0], path);
            }
        }
        Ordered::Obj(members) => {
            let theirs: Vec<&str> = model["__order"]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: not a structure in botocore"))
                .iter()
                .map(|m| m.as_str().unwrap())
                .collect();
            let mut last = 0;
            for (k, child) in members {
                let pos = theirs
                    .iter()
                    .position(|t| *t == k)
                    .unwrap_or_else(|| panic!("{path}.{k} is not in botocore's output shape"));
                assert!(
                    pos >= last,
                    "{path}.{k} is printed out of botocore's order ({theirs:?})"
                );
                last = pos;
                check(child, &model[k.as_str()], &format!("{path}.{k}"));
            }
        }
    }
}

/// botocore's output shapes of `ops` of `service` (`kms`, `iam`), or `None` without botocore.
fn botocore_shapes(service: &str, ops: &[&str]) -> Option<serde_json::Value> {
    let Some(python) = python() else {
        eprintln!("no Python with botocore (STRONGROOM_PYTHON or target/venv): order not compared");
        return None;
    };
    let out = Command::new(python)
        .arg("-c")
        .arg(SHAPES)
        .arg(service)
        .args(ops)
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "botocore not importable ({}): order not compared",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    // botocore's members keep their model order: serde_json's map would sort them, so read
    // the member lists in order with the same ordered reader.
    Some(order_value(&String::from_utf8(out.stdout).unwrap()))
}

#[test]
fn iam_output_is_botocores_iam_shapes() {
    let s = Scratch::new();
    let printed_user = s.ok(&["iam", "create-user", "--user-name", "ci"]);
    let user: serde_json::Value = serde_json::from_str(&printed_user).unwrap();
    let u = &user["User"];
    assert_eq!(u["Path"], "/");
    assert_eq!(u["UserName"], "ci");
    assert_eq!(u["Arn"], "arn:aws:iam::111122223333:user/ci");
    assert!(u["UserId"].as_str().unwrap().starts_with("AIDA"));
    let created = s.ok(&["iam", "create-access-key", "--user-name", "ci"]);
    let key: serde_json::Value = serde_json::from_str(&created).unwrap();
    let k = &key["AccessKey"];
    let id = k["AccessKeyId"].as_str().unwrap();
    assert!(id.starts_with("AKIA") && id.len() == 20);
    assert_eq!(k["SecretAccessKey"].as_str().unwrap().len(), 40);
    assert_eq!(
        (&k["UserName"], &k["Status"]),
        (&"ci".into(), &"Active".into())
    );
    // The AWS CLI's date form, as for every other command.
    assert!(k["CreateDate"].as_str().unwrap().contains("+00:00"));
    let listed = s.ok(&["iam", "list-access-keys", "--user-name", "ci"]);
    assert!(!listed.contains(k["SecretAccessKey"].as_str().unwrap()));
    let users = s.ok(&["iam", "list-users"]);
    // --query and --output as for every command.
    assert_eq!(
        s.ok(&[
            "iam",
            "list-access-keys",
            "--query",
            "AccessKeyMetadata[0].AccessKeyId",
            "--output",
            "text"
        ])
        .trim(),
        id
    );
    // IAM's error codes.
    fails(
        &s,
        &["iam", "create-user", "--user-name", "CI"],
        11,
        "EntityAlreadyExists",
        "CreateUser",
    );
    fails(
        &s,
        &["iam", "delete-user", "--user-name", "ci"],
        14,
        "DeleteConflict",
        "DeleteUser",
    );
    s.ok(&["iam", "create-access-key", "--user-name", "ci"]);
    fails(
        &s,
        &["iam", "create-access-key", "--user-name", "ci"],
        18,
        "LimitExceeded",
        "CreateAccessKey",
    );
    fails(
        &s,
        &["iam", "list-access-keys", "--user-name", "nobody"],
        10,
        "NoSuchEntity",
        "ListAccessKeys",
    );
    fails(
        &s,
        &["iam", "create-user", "--user-name", "a b"],
        12,
        "ValidationError",
        "CreateUser",
    );
    s.ok(&[
        "iam",
        "update-access-key",
        "--access-key-id",
        id,
        "--status",
        "Inactive",
    ]);
    fails(
        &s,
        &[
            "iam",
            "update-access-key",
            "--access-key-id",
            id,
            "--status",
            "Off",
        ],
        12,
        "ValidationError",
        "UpdateAccessKey",
    );
    s.ok(&[
        "iam",
        "delete-access-key",
        "--access-key-id",
        id,
        "--user-name",
        "ci",
    ]);
    fails(
        &s,
        &["iam", "delete-access-key", "--access-key-id", id],
        10,
        "NoSuchEntity",
        "DeleteAccessKey",
    );

    let Some(shapes) = botocore_shapes(
        "iam",
        &[
            "CreateUser",
            "CreateAccessKey",
            "ListUsers",
            "ListAccessKeys",
        ],
    ) else {
        return;
    };
    for (op, printed) in [
        ("CreateUser", printed_user),
        ("CreateAccessKey", created),
        ("ListUsers", users),
        ("ListAccessKeys", listed),
    ] {
        same_order(&printed, &shapes[op], op);
    }
}

#[test]
fn json_member_order_is_botocores() {
    let ops = [
        "DescribeKey",
        "Encrypt",
        "Decrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ListKeys",
        "ListAliases",
        "GetKeyRotationStatus",
        "ReEncrypt",
        "ScheduleKeyDeletion",
        "ListKeyRotations",
    ];
    let Some(shapes) = botocore_shapes("kms", &ops) else {
        return;
    };
    let s = Scratch::new();
    let k = s.key();
    s.alias("alias/app", &k);
    s.ok(&["enable-key-rotation", "--key-id", &k]);
    s.ok(&["rotate-key-on-demand", "--key-id", &k]);
    let blob = s.ok(&[
        "encrypt",
        "--key-id",
        &k,
        "--plaintext",
        "AA==",
        "--output",
        "text",
        "--query",
        "CiphertextBlob",
    ]);
    let doomed = s.key();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("DescribeKey", vec!["describe-key", "--key-id", &k]),
        (
            "Encrypt",
            vec!["encrypt", "--key-id", &k, "--plaintext", "AA=="],
        ),
        ("Decrypt", vec!["decrypt", "--ciphertext-blob", blob.trim()]),
        ("GenerateDataKey", vec!["generate-data-key", "--key-id", &k]),
        (
            "GenerateDataKeyWithoutPlaintext",
            vec!["generate-data-key-without-plaintext", "--key-id", &k],
        ),
        ("ListKeys", vec!["list-keys"]),
        ("ListAliases", vec!["list-aliases"]),
        (
            "GetKeyRotationStatus",
            vec!["get-key-rotation-status", "--key-id", &k],
        ),
        (
            "ReEncrypt",
            vec![
                "re-encrypt",
                "--ciphertext-blob",
                blob.trim(),
                "--destination-key-id",
                &k,
            ],
        ),
        (
            "ListKeyRotations",
            vec!["list-key-rotations", "--key-id", &k],
        ),
        (
            "ListKeyRotations",
            vec![
                "list-key-rotations",
                "--key-id",
                &k,
                "--include-key-material",
                "ALL_KEY_MATERIAL",
            ],
        ),
        (
            "ScheduleKeyDeletion",
            vec!["schedule-key-deletion", "--key-id", &doomed],
        ),
    ];
    for (op, args) in runs {
        let printed = s.ok(&args);
        same_order(&printed, &shapes[op], op);
    }
}

/// botocore's nested member tree; each structure's member names, in the model's order, under
/// `__order` (serde_json's map sorts its keys).
fn order_value(text: &str) -> serde_json::Value {
    let mut de = serde_json::Deserializer::from_str(text);
    let o: Ordered3 = serde::Deserialize::deserialize(&mut de).unwrap();
    o.0
}

struct Ordered3(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Ordered3 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered3;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Ordered3, E> {
                Ok(Ordered3(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered3, A::Error> {
                let mut v = Vec::new();
                while let Some(Ordered3(x)) = a.next_element()? {
                    v.push(x);
                }
                Ok(Ordered3(serde_json::Value::Array(v)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered3, A::Error> {
                let mut m = serde_json::Map::new();
                let mut order = Vec::new();
                while let Some((k, Ordered3(x))) = a.next_entry::<String, Ordered3>()? {
                    order.push(serde_json::Value::String(k.clone()));
                    m.insert(k, x);
                }
                m.insert("__order".into(), serde_json::Value::Array(order));
                Ok(Ordered3(serde_json::Value::Object(m)))
            }
        }
        d.deserialize_any(V)
    }
}

#[test]
fn asymmetric_json_member_order_is_botocores() {
    let ops = [
        "GetPublicKey",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
        "DeriveSharedSecret",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
    ];
    let Some(shapes) = botocore_shapes("kms", &ops) else {
        return;
    };
    let s = Scratch::new();
    let new = |spec: &str, usage: &str| {
        s.ok(&[
            "create-key",
            "--key-spec",
            spec,
            "--key-usage",
            usage,
            "--query",
            "KeyMetadata.KeyId",
            "--output",
            "text",
        ])
        .trim()
        .to_string()
    };
    let signer = new("ECC_NIST_P256", "SIGN_VERIFY");
    let agree = new("ECC_NIST_P256", "KEY_AGREEMENT");
    let mac = new("HMAC_256", "GENERATE_VERIFY_MAC");
    let rsa = new("RSA_2048", "ENCRYPT_DECRYPT");
    let sym = s.key();
    let out = |args: &[&str], q: &str| {
        let mut a = args.to_vec();
        a.extend(["--output", "text", "--query", q]);
        s.ok(&a).trim().to_string()
    };
    let sig = out(
        &[
            "sign",
            "--key-id",
            &signer,
            "--message",
            "AA==",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ],
        "Signature",
    );
    let tag = out(
        &[
            "generate-mac",
            "--key-id",
            &mac,
            "--message",
            "AA==",
            "--mac-algorithm",
            "HMAC_SHA_256",
        ],
        "Mac",
    );
    let peer = out(&["get-public-key", "--key-id", &agree], "PublicKey");
    let oaep = ["--encryption-algorithm", "RSAES_OAEP_SHA_256"];
    let blob = out(
        &[
            &["encrypt", "--key-id", &rsa, "--plaintext", "AA=="][..],
            &oaep,
        ]
        .concat(),
        "CiphertextBlob",
    );
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("GetPublicKey", vec!["get-public-key", "--key-id", &signer]),
        (
            "Sign",
            vec![
                "sign",
                "--key-id",
                &signer,
                "--message",
                "AA==",
                "--signing-algorithm",
                "ECDSA_SHA_256",
            ],
        ),
        (
            "Verify",
            vec![
                "verify",
                "--key-id",
                &signer,
                "--message",
                "AA==",
                "--signing-algorithm",
                "ECDSA_SHA_256",
                "--signature",
                &sig,
            ],
        ),
        (
            "GenerateMac",
            vec![
                "generate-mac",
                "--key-id",
                &mac,
                "--message",
                "AA==",
                "--mac-algorithm",
                "HMAC_SHA_256",
            ],
        ),
        (
            "VerifyMac",
            vec![
                "verify-mac",
                "--key-id",
                &mac,
                "--message",
                "AA==",
                "--mac-algorithm",
                "HMAC_SHA_256",
                "--mac",
                &tag,
            ],
        ),
        (
            "DeriveSharedSecret",
            vec![
                "derive-shared-secret",
                "--key-id",
                &agree,
                "--key-agreement-algorithm",
                "ECDH",
                "--public-key",
                &peer,
            ],
        ),
        (
            "GenerateDataKeyPair",
            vec![
                "generate-data-key-pair",
                "--key-id",
                &sym,
                "--key-pair-spec",
                "ECC_NIST_P256",
            ],
        ),
        (
            "GenerateDataKeyPairWithoutPlaintext",
            vec![
                "generate-data-key-pair-without-plaintext",
                "--key-id",
                &sym,
                "--key-pair-spec",
                "ECC_NIST_P256",
            ],
        ),
        (
            "Encrypt",
            [
                &["encrypt", "--key-id", &rsa, "--plaintext", "AA=="][..],
                &oaep,
            ]
            .concat(),
        ),
        (
            "Decrypt",
            [
                &["decrypt", "--key-id", &rsa, "--ciphertext-blob", &blob][..],
                &oaep,
            ]
            .concat(),
        ),
        (
            "ReEncrypt",
            vec![
                "re-encrypt",
                "--ciphertext-blob",
                &blob,
                "--source-key-id",
                &rsa,
                "--source-encryption-algorithm",
                "RSAES_OAEP_SHA_256",
                "--destination-key-id",
                &sym,
            ],
        ),
    ];
    for (op, args) in runs {
        let printed = s.ok(&args);
        same_order(&printed, &shapes[op], op);
    }
}

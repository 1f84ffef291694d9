//! Client mode against a real `strongroom serve`: while the server holds the keystore, the CLI
//! with `--endpoint-url` (no keystore, no passphrase) creates keys, encrypts and decrypts, keeps
//! secrets (`secretsmanager`, `exec`), prints in-process shapes and errors, refuses bad
//! credentials, and reads `--profile` from a scratch credentials file. Every server listens on
//! 127.0.0.1 on a free port and is stopped here.

mod common;

use common::{Scratch, bin, unb64};
use std::io::BufRead;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The access key the server accepts and the client signs with: a user of the keystore and its
/// access key, made with `strongroom iam` before the server starts (the one place credentials
/// are made).
#[derive(Clone)]
struct AccessKey {
    id: String,
    secret: String,
}

fn access_key(s: &Scratch) -> AccessKey {
    s.ok(&["iam", "create-user", "--user-name", "cli-client"]);
    let out: serde_json::Value =
        serde_json::from_str(&s.ok(&["iam", "create-access-key", "--user-name", "cli-client"]))
            .unwrap();
    let k = &out["AccessKey"];
    AccessKey {
        id: k["AccessKeyId"].as_str().unwrap().to_string(),
        secret: k["SecretAccessKey"].as_str().unwrap().to_string(),
    }
}

/// A running `strongroom serve`; stopped with SIGTERM by [`Server::stop`], killed if dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(s: &Scratch) -> Server {
        Self::start_with(s, &[])
    }

    fn start_with(s: &Scratch, extra: &[&str]) -> Server {
        let mut child = std::process::Command::new(bin())
            .current_dir(s.dir.path())
            .env("STRONGROOM_KEYSTORE", s.keystore())
            .env("STRONGROOM_PASSPHRASE", "correct horse")
            .env("STRONGROOM_INSECURE_TEST_KDF", "1")
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server {
            child,
            url: String::new(),
        };
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("no `listening on` line within 60 s");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_default();
        assert!(
            url.starts_with("http") && url.contains("://127.0.0.1:"),
            "{line:?}"
        );
        server.url = url.to_string();
        server
    }

    fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("serve did not stop within 30 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `strongroom --endpoint-url URL` with no keystore, no passphrase, and only `key` as
/// credentials (a scratch HOME, no AWS files).
fn client(s: &Scratch, url: &str, key: &AccessKey) -> assert_cmd::Command {
    let mut c = s.cmd();
    c.env_remove("STRONGROOM_KEYSTORE")
        .env_remove("STRONGROOM_PASSPHRASE")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_CA_BUNDLE")
        .env("HOME", s.dir.path())
        .env("AWS_SHARED_CREDENTIALS_FILE", s.path("no-credentials"))
        .env("AWS_CONFIG_FILE", s.path("no-config"))
        .env("AWS_ACCESS_KEY_ID", &key.id)
        .env("AWS_SECRET_ACCESS_KEY", &key.secret)
        .env("STRONGROOM_ENDPOINT_URL", url);
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Runs `c ARGS`, asserting success; its stdout as JSON.
fn ok_json(mut c: assert_cmd::Command, args: &[&str]) -> serde_json::Value {
    let out = c.args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// The member names of the first JSON object printed under `"KeyMetadata"`, in printed order.
fn printed_order(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("        \""))
        .filter_map(|l| l.trim().split('"').nth(1).map(str::to_string))
        .collect()
}

#[test]
fn the_cli_talks_to_a_running_server() {
    let s = Scratch::new();
    let key = access_key(&s);
    s.write("secret.txt", b"the launch codes");
    // Made in-process before the server starts.
    let k0 = s.key();
    let before = s.json(&[
        "encrypt",
        "--key-id",
        &k0,
        "--plaintext",
        "fileb://secret.txt",
    ])["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string();
    let in_process = s.ok(&["describe-key", "--key-id", &k0]);

    let server = Server::start(&s);
    let url = server.url.clone();
    // The file is held: in-process commands are Locked, which client mode avoids.
    let locked = s.cmd().arg("list-keys").output().unwrap();
    assert_eq!(locked.status.code(), Some(24), "{}", stderr(&locked));

    // describe-key prints the in-process shape (members, values, order), apart from the ARN's
    // form; the server presents more members of AWS's KeyMetadata and its Origin by AWS's name.
    let out = client(&s, &url, &key)
        .args(["describe-key", "--key-id", &k0])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (ours, theirs): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&in_process).unwrap(),
        serde_json::from_str(&stdout(&out)).unwrap(),
    );
    for (name, v) in ours["KeyMetadata"].as_object().unwrap() {
        match name.as_str() {
            // The ARN's form is the server's (AWS-form ARNs, `serve --region/--account-id`).
            "Arn" => assert!(
                theirs["KeyMetadata"][name]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!(":key/{k0}"))
            ),
            "Origin" => {}
            _ => assert_eq!(&theirs["KeyMetadata"][name], v, "{name}"),
        }
    }
    let wire_order = printed_order(&stdout(&out));
    let shared: Vec<String> = printed_order(&in_process)
        .into_iter()
        .filter(|n| wire_order.contains(n))
        .collect();
    let wire_shared: Vec<String> = wire_order
        .into_iter()
        .filter(|n| shared.contains(n))
        .collect();
    assert_eq!(shared, wire_shared, "member order differs");

    // A blob made in-process decrypts over the wire.
    let d = ok_json(
        client(&s, &url, &key),
        &["decrypt", "--ciphertext-blob", &before],
    );
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"the launch codes");

    // Keys, aliases and blobs made over the wire.
    let k1 = ok_json(
        client(&s, &url, &key),
        &["create-key", "--description", "over the wire"],
    )["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let alias = client(&s, &url, &key)
        .args([
            "create-alias",
            "--alias-name",
            "alias/wire",
            "--target-key-id",
            &k1,
        ])
        .output()
        .unwrap();
    assert!(
        alias.status.success() && alias.stdout.is_empty(),
        "{}",
        stderr(&alias)
    );
    let e = ok_json(
        client(&s, &url, &key),
        &[
            "encrypt",
            "--key-id",
            "alias/wire",
            "--plaintext",
            "fileb://secret.txt",
            "--encryption-context",
            "purpose=test",
        ],
    );
    assert!(e["KeyId"].as_str().unwrap().ends_with(&format!("key/{k1}")));
    let after = e["CiphertextBlob"].as_str().unwrap().to_string();
    let keys = ok_json(client(&s, &url, &key), &["list-keys"]);
    assert_eq!(keys["Keys"].as_array().unwrap().len(), 2);
    assert_eq!(keys["Truncated"], false);
    let dk = ok_json(
        client(&s, &url, &key),
        &[
            "generate-data-key",
            "--key-id",
            &k1,
            "--key-spec",
            "AES_128",
        ],
    );
    assert_eq!(unb64(dk["Plaintext"].as_str().unwrap()).len(), 16);
    let text = client(&s, &url, &key)
        .args([
            "generate-random",
            "--number-of-bytes",
            "8",
            "--output",
            "text",
        ])
        .output()
        .unwrap();
    assert_eq!(unb64(&stdout(&text)).len(), 8);

    // A core error prints as in-process, with its exit code.
    let missing = client(&s, &url, &key)
        .args(["describe-key", "--key-id", "alias/missing"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(10));
    let remote_error = stderr(&missing);
    assert!(
        remote_error.starts_with(
            "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        ),
        "{remote_error}"
    );

    // Refused credentials: AWS's code, the AuthenticationFailed exit code.
    let wrong = AccessKey {
        secret: "not the secret".into(),
        ..key.clone()
    };
    let bad = client(&s, &url, &wrong).arg("list-keys").output().unwrap();
    assert_eq!(bad.status.code(), Some(23));
    assert!(
        stderr(&bad).starts_with(
            "An error occurred (InvalidSignatureException) when calling the ListKeys operation: "
        ),
        "{}",
        stderr(&bad)
    );
    let unknown = AccessKey {
        id: "AKIANOBODY".into(),
        ..key.clone()
    };
    let bad = client(&s, &url, &unknown)
        .arg("list-keys")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(23));
    assert!(
        stderr(&bad).contains("(UnrecognizedClientException)"),
        "{}",
        stderr(&bad)
    );

    // --profile from a credentials file beats the (wrong) environment key, as in the AWS CLI.
    s.write(
        "credentials",
        format!(
            "[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n\n\
             [strongroom]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            key.id, key.secret
        )
        .as_bytes(),
    );
    let with_profile = |c: &mut assert_cmd::Command| {
        c.env("AWS_SHARED_CREDENTIALS_FILE", s.path("credentials"));
    };
    let mut c = client(&s, &url, &wrong);
    with_profile(&mut c);
    let out = c
        .args([
            "--profile",
            "strongroom",
            "list-keys",
            "--query",
            "length(Keys)",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "2", "{}", stderr(&out));
    let mut c = client(&s, &url, &key);
    with_profile(&mut c);
    c.env_remove("AWS_ACCESS_KEY_ID")
        .env("AWS_PROFILE", "strongroom");
    assert!(c.arg("list-keys").output().unwrap().status.success());
    let mut c = client(&s, &url, &key);
    with_profile(&mut c);
    let out = c
        .args(["--profile", "nobody", "list-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12));
    assert!(
        stderr(&out).contains("Unable to locate credentials"),
        "{}",
        stderr(&out)
    );

    // Commands on the file itself refuse, naming the way out.
    let out = client(&s, &url, &key)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12));
    assert!(
        stderr(&out).contains("without --endpoint-url"),
        "{}",
        stderr(&out)
    );
    server.stop();

    // After the server: a blob made over the wire decrypts in-process, and the in-process error
    // line is the one the client printed.
    let d = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        &after,
        "--encryption-context",
        "purpose=test",
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"the launch codes");
    let local = s
        .cmd()
        .args(["describe-key", "--key-id", "alias/missing"])
        .output()
        .unwrap();
    assert_eq!(local.status.code(), Some(10));
    assert_eq!(stderr(&local), remote_error);
    // Nobody listens any more: a clear error naming the endpoint.
    let gone = client(&s, &url, &key).arg("list-keys").output().unwrap();
    assert_eq!(gone.status.code(), Some(26));
    assert!(
        stderr(&gone).contains(&format!("Could not connect to the endpoint URL \"{url}\"")),
        "{}",
        stderr(&gone)
    );
}

#[test]
fn https_with_the_servers_self_signed_certificate() {
    let s = Scratch::new();
    let key = access_key(&s);
    let server = Server::start_with(&s, &["--tls-self-signed", "--tls-cert-out", "cert.pem"]);
    let url = server.url.clone();
    assert!(url.starts_with("https://"), "{url}");
    // Trusted through --ca-bundle, or AWS_CA_BUNDLE as the AWS CLI reads it.
    let out = client(&s, &url, &key)
        .args([
            "--ca-bundle",
            "cert.pem",
            "generate-random",
            "--number-of-bytes",
            "4",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = client(&s, &url, &key)
        .env("AWS_CA_BUNDLE", s.path("cert.pem"))
        .arg("list-keys")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Not trusted by the system's roots: refused, naming the endpoint.
    let out = client(&s, &url, &key).arg("list-keys").output().unwrap();
    assert_eq!(out.status.code(), Some(26));
    assert!(stderr(&out).contains("certificate"), "{}", stderr(&out));
    // --no-verify-ssl: accepted, with a warning.
    let out = client(&s, &url, &key)
        .args(["--no-verify-ssl", "list-keys"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("WARNING: --no-verify-ssl"));
    server.stop();
}

#[test]
fn tags_descriptions_and_last_usage_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    let server = Server::start(&s);
    let url = server.url.clone();
    let run = |args: &[&str]| ok_json(client(&s, &url, &key), args);
    let k = run(&[
        "create-key",
        "--tags",
        "TagKey=Team,TagValue=blue",
        "TagKey=Env,TagValue=prod",
    ])["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    // --page-size 1 pages through the whole list (one request per tag).
    let tags = run(&["list-resource-tags", "--key-id", &k, "--page-size", "1"]);
    assert_eq!(
        tags["Tags"],
        serde_json::json!([{"TagKey": "Env", "TagValue": "prod"}, {"TagKey": "Team", "TagValue": "blue"}])
    );
    // --limit 1 is the service's own Limit: one request, its NextMarker (as the AWS CLI, and
    // as in-process).
    let one = run(&["list-resource-tags", "--key-id", &k, "--limit", "1"]);
    assert_eq!(one["Tags"].as_array().unwrap().len(), 1);
    assert_eq!(one["Truncated"], true);
    let rest = run(&[
        "list-resource-tags",
        "--key-id",
        &k,
        "--marker",
        one["NextMarker"].as_str().unwrap(),
    ]);
    assert_eq!(
        rest["Tags"],
        serde_json::json!([{"TagKey": "Team", "TagValue": "blue"}])
    );
    for args in [
        &[
            "tag-resource",
            "--key-id",
            &k,
            "--tags",
            "TagKey=Team,TagValue=red",
        ][..],
        &["untag-resource", "--key-id", &k, "--tag-keys", "Env"],
        &[
            "update-key-description",
            "--key-id",
            &k,
            "--description",
            "wire",
        ],
    ] {
        let out = client(&s, &url, &key).args(args).output().unwrap();
        assert!(
            out.status.success() && out.stdout.is_empty(),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let tags = run(&["list-resource-tags", "--key-id", &k]);
    assert_eq!(
        tags["Tags"],
        serde_json::json!([{"TagKey": "Team", "TagValue": "red"}])
    );
    assert_eq!(
        run(&["describe-key", "--key-id", &k])["KeyMetadata"]["Description"],
        "wire"
    );
    // A reserved tag key is InvalidTag, with its exit code, as in-process.
    let bad = client(&s, &url, &key)
        .args([
            "tag-resource",
            "--key-id",
            &k,
            "--tags",
            "TagKey=aws:x,TagValue=v",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(30), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("(TagException)"), "{}", stderr(&bad));

    let unused = run(&["get-key-last-usage", "--key-id", &k]);
    assert_eq!(unused["KeyLastUsage"], serde_json::json!({}));
    run(&["encrypt", "--key-id", &k, "--plaintext", "aGk="]);
    let used = run(&["get-key-last-usage", "--key-id", &k]);
    assert_eq!(used["KeyLastUsage"]["Operation"], "Encrypt");
    // schedule-key-deletion reports the last use first (stdin is not a terminal: no question).
    let out = client(&s, &url, &key)
        .args(["schedule-key-deletion", "--key-id", &k])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was last used by Encrypt"),
        "{}",
        stderr(&out)
    );
}

/// Issue 21's commands over the wire print what they print in-process, and refuse the same way.
#[test]
fn asymmetric_and_hmac_keys_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    let server = Server::start(&s);
    let url = server.url.clone();
    let run = |args: &[&str]| ok_json(client(&s, &url, &key), args);
    let id = |v: serde_json::Value| v["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let signer = id(run(&[
        "create-key",
        "--key-spec",
        "ECC_NIST_P256",
        "--key-usage",
        "SIGN_VERIFY",
    ]));
    let p = run(&["get-public-key", "--key-id", &signer]);
    assert_eq!(p["SigningAlgorithms"], serde_json::json!(["ECDSA_SHA_256"]));
    s.write("m.txt", b"over the wire");
    let sign = [
        "--key-id",
        &signer,
        "--message",
        "fileb://m.txt",
        "--message-type",
        "RAW",
        "--signing-algorithm",
        "ECDSA_SHA_256",
    ];
    let sig = run(&[&["sign"][..], &sign].concat())["Signature"]
        .as_str()
        .unwrap()
        .to_string();
    let v = run(&[&["verify"][..], &sign, &["--signature", &sig]].concat());
    assert_eq!(v["SignatureValid"], true);
    let mut bad = unb64(&sig);
    bad[8] ^= 1;
    s.write("bad.sig", &bad);
    let out = client(&s, &url, &key)
        .args([&["verify"][..], &sign, &["--signature", "fileb://bad.sig"]].concat())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(27), "{}", stderr(&out));
    assert!(stderr(&out).contains("(KMSInvalidSignatureException)"));

    let mac = id(run(&["create-key", "--key-spec", "HMAC_384"]));
    let m = run(&[
        "generate-mac",
        "--key-id",
        &mac,
        "--message",
        "fileb://m.txt",
        "--mac-algorithm",
        "HMAC_SHA_384",
    ]);
    let mut tag = unb64(m["Mac"].as_str().unwrap());
    tag[0] ^= 1;
    s.write("bad.mac", &tag);
    let out = client(&s, &url, &key)
        .args([
            "verify-mac",
            "--key-id",
            &mac,
            "--message",
            "fileb://m.txt",
            "--mac-algorithm",
            "HMAC_SHA_384",
            "--mac",
            "fileb://bad.mac",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(28), "{}", stderr(&out));

    let sym = id(run(&["create-key"]));
    let pair = run(&[
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        &sym,
        "--key-pair-spec",
        "ECC_NIST_P384",
        "--encryption-context",
        "a=1",
    ]);
    assert_eq!(pair["KeyPairSpec"], "ECC_NIST_P384");
    let opened = run(&[
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"].as_str().unwrap(),
        "--encryption-context",
        "a=1",
    ]);
    assert!(!unb64(opened["Plaintext"].as_str().unwrap()).is_empty());

    let rsa = id(run(&[
        "create-key",
        "--key-spec",
        "RSA_2048",
        "--key-usage",
        "ENCRYPT_DECRYPT",
    ]));
    let oaep = ["--encryption-algorithm", "RSAES_OAEP_SHA_256"];
    let e = run(&[
        &["encrypt", "--key-id", &rsa, "--plaintext", "aGk="][..],
        &oaep,
    ]
    .concat());
    let d = run(&[
        &[
            "decrypt",
            "--key-id",
            &rsa,
            "--ciphertext-blob",
            e["CiphertextBlob"].as_str().unwrap(),
        ][..],
        &oaep,
    ]
    .concat());
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"hi");
    // ReEncrypt of the raw OAEP to the symmetric key and back, with the algorithm flags.
    let moved = run(&[
        "re-encrypt",
        "--ciphertext-blob",
        e["CiphertextBlob"].as_str().unwrap(),
        "--source-key-id",
        &rsa,
        "--source-encryption-algorithm",
        "RSAES_OAEP_SHA_256",
        "--destination-key-id",
        &sym,
    ]);
    assert_eq!(moved["SourceEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert!(moved.get("SourceKeyMaterialId").is_none(), "{moved}");
    assert_eq!(
        moved["DestinationKeyMaterialId"].as_str().map(str::len),
        Some(64)
    );
    let back = run(&[
        "re-encrypt",
        "--ciphertext-blob",
        moved["CiphertextBlob"].as_str().unwrap(),
        "--destination-key-id",
        &rsa,
        "--destination-encryption-algorithm",
        "RSAES_OAEP_SHA_1",
    ]);
    assert_eq!(back["DestinationEncryptionAlgorithm"], "RSAES_OAEP_SHA_1");
    assert!(back.get("DestinationKeyMaterialId").is_none(), "{back}");
    let d = run(&[
        "decrypt",
        "--key-id",
        &rsa,
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_1",
        "--ciphertext-blob",
        back["CiphertextBlob"].as_str().unwrap(),
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"hi");
    let out = client(&s, &url, &key)
        .args([
            "re-encrypt",
            "--ciphertext-blob",
            e["CiphertextBlob"].as_str().unwrap(),
            "--source-encryption-algorithm",
            "RSAES_OAEP_SHA_256",
            "--destination-key-id",
            &sym,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(ValidationException) when calling the ReEncrypt operation"),
        "{}",
        stderr(&out)
    );
    let out = client(&s, &url, &key)
        .args([
            "sign",
            "--key-id",
            &sym,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(17), "{}", stderr(&out));
    assert!(stderr(&out).contains("(InvalidKeyUsageException) when calling the Sign operation"));
    server.stop();
}

/// `client ARGS --max-items N` followed through NextToken to the end: the items under `member`
/// and the number of outputs.
fn client_pages(
    s: &Scratch,
    url: &str,
    key: &AccessKey,
    args: &[&str],
    member: &str,
    max_items: &str,
) -> (Vec<serde_json::Value>, usize) {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    for n in 1..100 {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--max-items", max_items]);
        if let Some(t) = &token {
            a.extend(["--starting-token", t]);
        }
        let v = ok_json(client(s, url, key), &a);
        all.extend(v[member].as_array().unwrap().iter().cloned());
        match v.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_string()),
            None => return (all, n),
        }
    }
    panic!("more than 100 pages");
}

/// A list output without its ARN members (the server presents AWS-form ARNs, in-process
/// prints `arn:strongroom:...`; docs/server.md "ARNs"), members in the printed order.
fn without_arns(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            !l.trim_start().starts_with("\"KeyArn\"") && !l.trim_start().starts_with("\"AliasArn\"")
        })
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

/// The AWS CLI's pagination in client mode: the same loop and tokens as in-process, each page
/// one request with Limit and Marker; the output equals the in-process output on the same
/// keystore once the server is stopped.
#[test]
fn pagination_flags_in_client_mode() {
    let s = Scratch::new();
    let key = access_key(&s);
    let mut ids = Vec::new();
    for _ in 0..7 {
        ids.push(s.key());
    }
    for (i, k) in ids.iter().take(5).enumerate() {
        s.ok(&[
            "create-alias",
            "--alias-name",
            &format!("alias/pg{i}"),
            "--target-key-id",
            k,
        ]);
    }
    let local_keys = s.ok(&["list-keys", "--max-items", "3"]);
    let local_aliases = s.ok(&["list-aliases", "--max-items", "2", "--page-size", "1"]);
    let server = Server::start(&s);
    let url = server.url.clone();

    let full = ok_json(client(&s, &url, &key), &["list-keys"]);
    assert_eq!(full["Keys"].as_array().unwrap().len(), 7);
    assert_eq!(full["Truncated"], false);
    for extra in [&[][..], &["--page-size", "2"]] {
        let args = [&["list-keys"][..], extra].concat();
        let (all, n) = client_pages(&s, &url, &key, &args, "Keys", "3");
        assert_eq!(n, 3);
        assert_eq!(&all, full["Keys"].as_array().unwrap(), "{extra:?}");
    }
    let out = client(&s, &url, &key)
        .args(["list-keys", "--max-items", "3"])
        .output()
        .unwrap();
    assert_eq!(
        without_arns(&stdout(&out)),
        without_arns(&local_keys),
        "client and in-process differ"
    );
    let paged = client(&s, &url, &key)
        .args(["list-keys", "--page-size", "2"])
        .output()
        .unwrap();
    let whole = client(&s, &url, &key).arg("list-keys").output().unwrap();
    assert_eq!(stdout(&paged), stdout(&whole));
    let q = client(&s, &url, &key)
        .args([
            "list-keys",
            "--max-items",
            "2",
            "--query",
            "Keys[].KeyId",
            "--output",
            "text",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&q).split_whitespace().count(), 2);
    // --no-paginate: one request, the service's NextMarker.
    let one = ok_json(
        client(&s, &url, &key),
        &["--no-paginate", "list-keys", "--limit", "4"],
    );
    assert_eq!(one["Keys"].as_array().unwrap().len(), 4);
    assert_eq!(one["Truncated"], true);
    assert!(one["NextMarker"].is_string() && one.get("NextToken").is_none());

    let full = ok_json(client(&s, &url, &key), &["list-aliases"]);
    let (all, n) = client_pages(
        &s,
        &url,
        &key,
        &["list-aliases", "--page-size", "1"],
        "Aliases",
        "2",
    );
    assert_eq!(n, 3);
    assert_eq!(&all, full["Aliases"].as_array().unwrap());
    let out = client(&s, &url, &key)
        .args(["list-aliases", "--max-items", "2", "--page-size", "1"])
        .output()
        .unwrap();
    assert_eq!(
        without_arns(&stdout(&out)),
        without_arns(&local_aliases),
        "client and in-process differ"
    );

    for (args, code) in [
        (&["list-keys", "--starting-token", "garbage!"][..], 12),
        (&["list-keys", "--page-size", "1001"], 12),
        (&["list-aliases", "--page-size", "0"], 2),
        (&["--no-paginate", "list-aliases", "--max-items", "1"], 12),
    ] {
        let out = client(&s, &url, &key).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    }
    server.stop();
}

#[test]
fn dry_run_and_grant_tokens_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    let server = Server::start(&s);
    let c = || client(&s, &server.url, &key);
    let id = ok_json(c(), &["create-key"])["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = c()
        .args([
            "encrypt",
            "--key-id",
            &id,
            "--plaintext",
            "aGk=",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(32), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "An error occurred (DryRunOperationException) when calling the Encrypt operation: \
             The request would have succeeded, but the DryRun option is set."
        ),
        "{}",
        stderr(&out)
    );
    let usage = ok_json(c(), &["get-key-last-usage", "--key-id", &id]);
    assert_eq!(usage["KeyLastUsage"], serde_json::json!({}), "{usage}");
    let out = c()
        .args([
            "encrypt",
            "--key-id",
            &id,
            "--plaintext",
            "aGk=",
            "--grant-tokens",
            "bogus",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(37), "{}", stderr(&out));
    server.stop();
}

const SM: &str = "secretsmanager";

/// Runs `c ARGS`, expecting failure; (exit code, stderr).
fn fails(mut c: assert_cmd::Command, args: &[&str]) -> (Option<i32>, String) {
    let out = c.args(args).output().unwrap();
    assert!(
        !out.status.success(),
        "{args:?} succeeded: {}",
        stdout(&out)
    );
    (out.status.code(), stderr(&out))
}

/// `secretsmanager` in client mode: the seeds' scenario (store a password, read it from a
/// script, rotate it, read the previous version, delete with a 7-day window, restore), lists
/// with paging, tags, stages, random passwords and errors, all over the wire with the
/// in-process output and error lines; a secret value never appears in an error or in
/// `--debug` output.
#[test]
fn secretsmanager_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    let server = Server::start(&s);
    let url = server.url.clone();
    let c = || client(&s, &url, &key);

    // Store a database password and read it from a script.
    let made = ok_json(
        c(),
        &[
            SM,
            "create-secret",
            "--name",
            "prod/db",
            "--secret-string",
            "hunter2",
        ],
    );
    let arn = made["ARN"].as_str().unwrap().to_string();
    assert!(
        arn.starts_with("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-"),
        "{arn}"
    );
    assert_eq!(made["Name"], "prod/db");
    let first_version = made["VersionId"].as_str().unwrap().to_string();
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
    let read = |args: &[&str]| {
        let out = c().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(read(&get), "hunter2\n");

    // Rotate it (the value from a file://), read the new and the previous version.
    s.write("new.txt", b"rotated");
    let put = ok_json(
        c(),
        &[
            SM,
            "put-secret-value",
            "--secret-id",
            &arn,
            "--secret-string",
            "file://new.txt",
        ],
    );
    assert_eq!(put["VersionStages"], serde_json::json!(["AWSCURRENT"]));
    let new_version = put["VersionId"].as_str().unwrap().to_string();
    assert_eq!(read(&get), "rotated\n");
    let prev = ok_json(
        c(),
        &[
            SM,
            "get-secret-value",
            "--secret-id",
            "prod/db",
            "--version-stage",
            "AWSPREVIOUS",
        ],
    );
    assert_eq!(prev["SecretString"], "hunter2");
    assert_eq!(prev["VersionId"], first_version.as_str());
    assert_eq!(prev["VersionStages"], serde_json::json!(["AWSPREVIOUS"]));
    // Dates as the AWS CLI prints them (TZ=UTC), not the wire's epoch seconds.
    assert!(
        prev["CreatedDate"].as_str().unwrap().ends_with("+00:00"),
        "{prev}"
    );
    let versions = ok_json(
        c(),
        &[SM, "list-secret-version-ids", "--secret-id", "prod/db"],
    );
    assert_eq!(versions["Versions"].as_array().unwrap().len(), 2);
    assert_eq!(versions["Name"], "prod/db");

    // Binary values from fileb://, printed as base64 as the AWS CLI prints them.
    s.write("blob.bin", &[0, 1, 255]);
    c().args([
        SM,
        "create-secret",
        "--name",
        "bin",
        "--secret-binary",
        "fileb://blob.bin",
    ])
    .assert()
    .success();
    let b = ok_json(c(), &[SM, "get-secret-value", "--secret-id", "bin"]);
    assert_eq!(b["SecretBinary"], "AAH/");
    assert!(b.get("SecretString").is_none());

    // Description and tags; tag-resource and untag-resource print nothing.
    c().args([
        SM,
        "update-secret",
        "--secret-id",
        "prod/db",
        "--description",
        "main database",
    ])
    .assert()
    .success();
    let tagged = c()
        .args([
            SM,
            "tag-resource",
            "--secret-id",
            "prod/db",
            "--tags",
            "Key=env,Value=prod",
            "Key=team,Value=db",
        ])
        .output()
        .unwrap();
    assert!(
        tagged.status.success() && tagged.stdout.is_empty(),
        "{}",
        stderr(&tagged)
    );
    let d = ok_json(c(), &[SM, "describe-secret", "--secret-id", "prod/db"]);
    assert_eq!(d["Description"], "main database");
    assert_eq!(
        d["Tags"],
        serde_json::json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "db"}])
    );
    assert_eq!(
        d["VersionIdsToStages"][&new_version],
        serde_json::json!(["AWSCURRENT"])
    );
    c().args([
        SM,
        "untag-resource",
        "--secret-id",
        "prod/db",
        "--tag-keys",
        "env",
    ])
    .assert()
    .success()
    .stdout("");
    let d = ok_json(c(), &[SM, "describe-secret", "--secret-id", "prod/db"]);
    assert_eq!(
        d["Tags"],
        serde_json::json!([{"Key": "team", "Value": "db"}])
    );

    // A staging label moved back by hand, then forward again.
    let stage = |from: &str, to: &str| {
        let v = ok_json(
            c(),
            &[
                SM,
                "update-secret-version-stage",
                "--secret-id",
                "prod/db",
                "--version-stage",
                "AWSCURRENT",
                "--remove-from-version-id",
                from,
                "--move-to-version-id",
                to,
            ],
        );
        assert_eq!(v["ARN"], arn.as_str());
    };
    stage(&new_version, &first_version);
    assert_eq!(read(&get), "hunter2\n");
    stage(&first_version, &new_version);
    assert_eq!(read(&get), "rotated\n");

    // Lists, paged as in-process: --max-items and NextToken, --page-size, --max-results.
    for i in 0..5 {
        c().args([
            SM,
            "create-secret",
            "--name",
            &format!("app/s{i}"),
            "--secret-string",
            "x",
        ])
        .assert()
        .success();
    }
    let all = ok_json(
        c(),
        &[SM, "list-secrets", "--filters", "Key=name,Values=app/"],
    );
    let names = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|e| e["Name"].as_str().unwrap().to_string())
            .collect()
    };
    let full = names(all["SecretList"].as_array().unwrap());
    assert_eq!(full.len(), 5);
    assert!(all.get("NextToken").is_none());
    let (paged, outputs) = client_pages(
        &s,
        &url,
        &key,
        &[SM, "list-secrets", "--filters", "Key=name,Values=app/"],
        "SecretList",
        "2",
    );
    assert_eq!((names(&paged), outputs), (full.clone(), 3));
    let small_pages = read(&[
        SM,
        "list-secrets",
        "--filters",
        "Key=name,Values=app/",
        "--page-size",
        "1",
    ]);
    let one_call = read(&[SM, "list-secrets", "--filters", "Key=name,Values=app/"]);
    assert_eq!(small_pages, one_call);
    let first = ok_json(
        c(),
        &[
            SM,
            "list-secrets",
            "--filters",
            "Key=name,Values=app/",
            "--max-results",
            "3",
        ],
    );
    let service_token = first["NextToken"].as_str().unwrap();
    let rest = ok_json(
        c(),
        &[
            SM,
            "list-secrets",
            "--filters",
            "Key=name,Values=app/",
            "--next-token",
            service_token,
        ],
    );
    let mut joined = names(first["SecretList"].as_array().unwrap());
    joined.extend(names(rest["SecretList"].as_array().unwrap()));
    assert_eq!(joined, full);
    let (versions, outputs) = client_pages(
        &s,
        &url,
        &key,
        &[SM, "list-secret-version-ids", "--secret-id", "prod/db"],
        "Versions",
        "1",
    );
    assert_eq!((versions.len(), outputs), (2, 2));

    // Random passwords.
    let p = read(&[
        SM,
        "get-random-password",
        "--password-length",
        "24",
        "--exclude-punctuation",
        "--query",
        "RandomPassword",
        "--output",
        "text",
    ]);
    let p = p.trim_end();
    assert_eq!(p.len(), 24, "{p}");
    assert!(p.chars().all(|ch| ch.is_ascii_alphanumeric()), "{p}");

    // Delete with a 7-day window: reads refuse with Secrets Manager's error, lists omit it
    // unless asked, restore brings it back.
    let del = ok_json(
        c(),
        &[
            SM,
            "delete-secret",
            "--secret-id",
            "prod/db",
            "--recovery-window-in-days",
            "7",
        ],
    );
    assert_eq!(del["Name"], "prod/db");
    assert!(del["DeletionDate"].as_str().unwrap().ends_with("+00:00"));
    let (code, err) = fails(c(), &get);
    assert_eq!(code, Some(14), "{err}");
    assert!(
        err.starts_with(
            "An error occurred (InvalidRequestException) when calling the GetSecretValue \
             operation: "
        ),
        "{err}"
    );
    let listed = |extra: &[&str]| {
        let mut a = vec![SM, "list-secrets", "--filters", "Key=name,Values=prod/"];
        a.extend_from_slice(extra);
        names(ok_json(c(), &a)["SecretList"].as_array().unwrap())
    };
    assert!(listed(&[]).is_empty());
    assert_eq!(listed(&["--include-planned-deletion"]), ["prod/db"]);
    let restored = ok_json(c(), &[SM, "restore-secret", "--secret-id", "prod/db"]);
    assert_eq!(restored["ARN"], arn.as_str());
    assert_eq!(read(&get), "rotated\n");

    // Errors: Secrets Manager's codes with the in-process exit codes.
    let missing = [SM, "get-secret-value", "--secret-id", "nope"];
    let (code, missing_err) = fails(c(), &missing);
    assert_eq!(code, Some(10), "{missing_err}");
    assert!(
        missing_err.starts_with(
            "An error occurred (ResourceNotFoundException) when calling the GetSecretValue \
             operation: "
        ),
        "{missing_err}"
    );
    let (code, err) = fails(
        c(),
        &[SM, "create-secret", "--name", "bin", "--secret-string", "x"],
    );
    assert_eq!(code, Some(11), "{err}");
    assert!(err.contains("(ResourceExistsException)"), "{err}");
    // Refused before anything is sent, as in-process.
    let no_value = [SM, "put-secret-value", "--secret-id", "bin"];
    let (code, no_value_err) = fails(c(), &no_value);
    assert_eq!(code, Some(12), "{no_value_err}");
    assert!(
        no_value_err.contains("give --secret-string or --secret-binary"),
        "{no_value_err}"
    );
    // A value never appears in an error line or in --debug output.
    let out = c()
        .args([
            "--debug",
            SM,
            "put-secret-value",
            "--secret-id",
            "nope",
            "--secret-string",
            "s3cr3t-VALUE",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    assert!(stderr(&out).contains("debug: operation PutSecretValue"));
    assert!(!stderr(&out).contains("s3cr3t-VALUE"), "{}", stderr(&out));
    // Credentials scoped to the secretsmanager service are checked as for KMS.
    let wrong = AccessKey {
        secret: "not the secret".into(),
        ..key.clone()
    };
    let (code, err) = fails(client(&s, &url, &wrong), &get);
    assert_eq!(code, Some(23), "{err}");
    assert!(err.contains("(InvalidSignatureException)"), "{err}");
    // A secret left pending deletion for the in-process comparison below.
    let pending = [SM, "describe-secret", "--secret-id", "app/s0"];
    c().args([SM, "delete-secret", "--secret-id", "app/s0"])
        .assert()
        .success();
    let pending_get = [SM, "get-secret-value", "--secret-id", "app/s0"];
    let (code, pending_err) = fails(c(), &pending_get);
    assert_eq!(code, Some(14), "{pending_err}");
    let wire_pending = read(&pending);

    server.stop();

    // In-process on the same keystore: the same error lines, and the same describe-secret.
    let local = s.cmd().args(missing).output().unwrap();
    assert_eq!(local.status.code(), Some(10));
    assert_eq!(stderr(&local), missing_err);
    let local = s.cmd().args(pending_get).output().unwrap();
    assert_eq!(local.status.code(), Some(14));
    assert_eq!(stderr(&local), pending_err);
    assert_eq!(s.ok(&pending), wire_pending);
    let local = s.cmd().args(no_value).output().unwrap();
    assert_eq!(local.status.code(), Some(12));
    assert_eq!(stderr(&local), no_value_err);
    assert_eq!(s.ok(&get), "rotated\n");
}

/// In-process and client-mode outputs of get-secret-value and describe-secret are the same
/// text (members, values, order, dates), string and binary, except `KmsKeyId`: the key's ARN in
/// the server's AWS form (`arn:aws:kms:...`), where in-process prints the keystore's own.
#[test]
fn secrets_print_the_same_in_process_and_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    let k = s.key();
    s.write("blob.bin", &[0, 1, 2, 254, 255]);
    s.ok(&[
        SM,
        "create-secret",
        "--name",
        "cmp/str",
        "--description",
        "compared",
        "--kms-key-id",
        &k,
        "--secret-string",
        r#"{"user":"admin","password":"hunter2"}"#,
        "--tags",
        "Key=env,Value=prod",
    ]);
    s.ok(&[
        SM,
        "put-secret-value",
        "--secret-id",
        "cmp/str",
        "--secret-string",
        "second",
    ]);
    s.ok(&[
        SM,
        "create-secret",
        "--name",
        "cmp/bin",
        "--secret-binary",
        "fileb://blob.bin",
    ]);
    let commands: Vec<Vec<&str>> = vec![
        vec![SM, "get-secret-value", "--secret-id", "cmp/str"],
        vec![
            SM,
            "get-secret-value",
            "--secret-id",
            "cmp/str",
            "--version-stage",
            "AWSPREVIOUS",
        ],
        vec![SM, "get-secret-value", "--secret-id", "cmp/bin"],
        vec![SM, "describe-secret", "--secret-id", "cmp/str"],
        vec![SM, "describe-secret", "--secret-id", "cmp/bin"],
        vec![
            SM,
            "list-secret-version-ids",
            "--secret-id",
            "cmp/str",
            "--output",
            "text",
            "--query",
            "Versions[].[VersionId,CreatedDate]",
        ],
        vec![
            SM,
            "get-secret-value",
            "--secret-id",
            "cmp/str",
            "--output",
            "text",
        ],
    ];
    let local: Vec<String> = commands.iter().map(|a| s.ok(a)).collect();
    let server = Server::start(&s);
    let wire: Vec<String> = commands
        .iter()
        .map(|a| {
            let out = client(&s, &server.url, &key).args(a).output().unwrap();
            assert!(out.status.success(), "{a:?}: {}", stderr(&out));
            stdout(&out)
        })
        .collect();
    server.stop();
    let mut kms_key_lines = 0;
    for ((a, ours), theirs) in commands.iter().zip(&local).zip(&wire) {
        let (ours, theirs): (Vec<&str>, Vec<&str>) =
            (ours.lines().collect(), theirs.lines().collect());
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{a:?}:\n{}\n---\n{}",
            ours.join("\n"),
            theirs.join("\n")
        );
        for (o, t) in ours.iter().zip(&theirs) {
            if o.trim_start().starts_with("\"KmsKeyId\"") {
                kms_key_lines += 1;
                let suffix = format!(":key/{k}\",");
                assert!(o.ends_with(&suffix) && t.ends_with(&suffix), "{o} / {t}");
                assert!(t.contains("\"arn:aws:kms:"), "{t}");
            } else {
                assert_eq!(o, t, "{a:?}");
            }
        }
    }
    assert_eq!(kms_key_lines, 1);
    assert!(
        local[2].contains("\"SecretBinary\": \"AAEC/v8=\""),
        "{}",
        local[2]
    );
}

/// `secretsmanager exec` in client mode: each secret read with GetSecretValue from the server,
/// the program run with its JSON keys as variables (later secrets win, its exit code the
/// command's); refusals name the secret, never the value, and run nothing.
#[test]
fn exec_in_client_mode() {
    let s = Scratch::new();
    let key = access_key(&s);
    s.ok(&[
        SM,
        "create-secret",
        "--name",
        "prod/db",
        "--secret-string",
        r#"{"DB_USER":"admin","DB_PASSWORD":"hunter2","DB_PORT":5432}"#,
    ]);
    let server = Server::start(&s);
    let url = server.url.clone();
    let c = || client(&s, &url, &key);
    ok_json(
        c(),
        &[
            SM,
            "create-secret",
            "--name",
            "prod/api",
            "--secret-string",
            r#"{"API_TOKEN":"t0k3n","DB_USER":"api"}"#,
        ],
    );
    ok_json(
        c(),
        &[
            SM,
            "create-secret",
            "--name",
            "plain",
            "--secret-string",
            "hunter3",
        ],
    );
    let run = |args: &[&str]| c().args([SM, "exec"]).args(args).output().unwrap();
    let show = r#"printf '%s|%s|%s|%s' "$DB_USER" "$DB_PASSWORD" "$DB_PORT" "${API_TOKEN-unset}""#;
    let out = run(&["--secret-id", "prod/db", "--", "sh", "-c", show]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "admin|hunter2|5432|unset");
    let out = run(&[
        "--secret-id",
        "prod/db",
        "--secret-id",
        "prod/api",
        "--",
        "sh",
        "-c",
        show,
    ]);
    assert_eq!(stdout(&out), "api|hunter2|5432|t0k3n", "{}", stderr(&out));
    let out = run(&["--secret-id", "prod/db", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    // The previous version by its staging label, from a rotation made over the wire.
    ok_json(
        c(),
        &[
            SM,
            "put-secret-value",
            "--secret-id",
            "prod/db",
            "--secret-string",
            r#"{"DB_USER":"admin2"}"#,
        ],
    );
    let user = r#"printf '%s' "$DB_USER""#;
    let out = run(&["--secret-id", "prod/db", "--", "sh", "-c", user]);
    assert_eq!(stdout(&out), "admin2", "{}", stderr(&out));
    let out = run(&[
        "--secret-id",
        "prod/db",
        "--version-stage",
        "AWSPREVIOUS",
        "--",
        "sh",
        "-c",
        user,
    ]);
    assert_eq!(stdout(&out), "admin", "{}", stderr(&out));
    // Not a JSON object: refused naming the secret, not the value; nothing runs.
    let out = run(&["--secret-id", "plain", "--", "sh", "-c", "echo ran"]);
    assert_eq!(out.status.code(), Some(12));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("secret plain's value is not a JSON object"),
        "{err}"
    );
    assert!(!err.contains("hunter3"), "{err}");
    // A missing secret: the GetSecretValue line with Secrets Manager's code.
    let out = run(&["--secret-id", "nope", "--", "sh", "-c", "echo ran"]);
    assert_eq!(out.status.code(), Some(10));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with(
            "An error occurred (ResourceNotFoundException) when calling the GetSecretValue \
             operation: "
        ),
        "{}",
        stderr(&out)
    );
    server.stop();
}

/// The resource-policy commands print the same in-process and over the wire (members, order,
/// `PolicyName`), and fail with the same line and exit code: `PublicPolicyException` (38) with
/// `--block-public-policy`, `MalformedPolicyDocumentException` (36).
#[test]
fn resource_policies_print_the_same_in_process_and_over_the_wire() {
    let s = Scratch::new();
    let key = access_key(&s);
    s.ok(&[
        SM,
        "create-secret",
        "--name",
        "rp/db",
        "--secret-string",
        "v",
    ]);
    s.write(
        "deny.json",
        br#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]}"#,
    );
    s.write(
        "public.json",
        br#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"}]}"#,
    );
    s.write("bad.json", b"{");
    let commands: Vec<Vec<&str>> = vec![
        vec![SM, "get-resource-policy", "--secret-id", "rp/db"],
        vec![
            SM,
            "put-resource-policy",
            "--secret-id",
            "rp/db",
            "--resource-policy",
            "file://deny.json",
            "--block-public-policy",
        ],
        vec![SM, "get-resource-policy", "--secret-id", "rp/db"],
        vec![
            SM,
            "get-resource-policy",
            "--secret-id",
            "rp/db",
            "--query",
            "ResourcePolicy",
            "--output",
            "text",
        ],
        vec![
            SM,
            "validate-resource-policy",
            "--resource-policy",
            "file://public.json",
        ],
        vec![
            SM,
            "validate-resource-policy",
            "--secret-id",
            "rp/db",
            "--resource-policy",
            "file://deny.json",
        ],
        vec![SM, "delete-resource-policy", "--secret-id", "rp/db"],
        vec![
            SM,
            "put-resource-policy",
            "--secret-id",
            "rp/db",
            "--resource-policy",
            "file://public.json",
            "--no-block-public-policy",
        ],
        vec![SM, "delete-resource-policy", "--secret-id", "rp/db"],
    ];
    let failing: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec![
                SM,
                "put-resource-policy",
                "--secret-id",
                "rp/db",
                "--resource-policy",
                "file://public.json",
                "--block-public-policy",
            ],
            38,
            "(PublicPolicyException) when calling the PutResourcePolicy operation",
        ),
        (
            vec![
                SM,
                "put-resource-policy",
                "--secret-id",
                "rp/db",
                "--resource-policy",
                "file://bad.json",
            ],
            36,
            "(MalformedPolicyDocumentException)",
        ),
        (
            vec![
                SM,
                "get-resource-policy",
                "--secret-id",
                "rp/db",
                "--policy-name",
                "other",
            ],
            10,
            "(ResourceNotFoundException)",
        ),
    ];
    let local: Vec<String> = commands.iter().map(|a| s.ok(a)).collect();
    let local_errors: Vec<(Option<i32>, String)> =
        failing.iter().map(|(a, _, _)| fails(s.cmd(), a)).collect();
    let server = Server::start(&s);
    let c = || client(&s, &server.url, &key);
    for (a, ours) in commands.iter().zip(&local) {
        assert_eq!(&stdout(&c().args(a).output().unwrap()), ours, "{a:?}");
    }
    for ((a, code, line), (local_code, local_err)) in failing.iter().zip(&local_errors) {
        let (wire_code, wire_err) = fails(c(), a);
        assert_eq!(
            (wire_code, *local_code),
            (Some(*code), Some(*code)),
            "{a:?}"
        );
        assert!(local_err.contains(line), "{local_err}");
        assert_eq!(&wire_err, local_err, "{a:?}");
    }
    server.stop();
    let members = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
            .filter_map(|l| l.trim().split('"').nth(1).map(str::to_string))
            .collect()
    };
    assert_eq!(members(&local[0]), ["ARN", "Name", "PolicyName"]);
    assert_eq!(members(&local[1]), ["ARN", "Name", "PolicyName"]);
    assert!(
        local[1].contains("\"PolicyName\": \"default\""),
        "{}",
        local[1]
    );
    assert_eq!(
        members(&local[2]),
        ["ARN", "Name", "ResourcePolicy", "PolicyName"]
    );
    assert_eq!(
        local[3].trim(),
        std::fs::read_to_string(s.path("deny.json")).unwrap()
    );
    let v: serde_json::Value = serde_json::from_str(&local[4]).unwrap();
    assert_eq!(v["PolicyValidationPassed"], false);
    assert_eq!(v["ValidationErrors"][0]["CheckName"], "BROAD_ACCESS");
    let v: serde_json::Value = serde_json::from_str(&local[5]).unwrap();
    assert_eq!(v["PolicyValidationPassed"], true);
}

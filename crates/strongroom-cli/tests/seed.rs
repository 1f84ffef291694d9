//! `strongroom seed FILE`: fixed key ids and material from YAML or JSON, idempotently; local-kms's
//! layout; bad files refused before anything is created.

mod common;
use common::Scratch;
use serde_json::Value;

const ID: &str = "bc436485-5092-42b8-92a3-0aa8b93536dc";
const ID2: &str = "49c5492b-b1bc-42a8-9a5c-b2015e810c1c";
const HEX1: &str = "5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9";
const HEX2: &str = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn seed_yaml() -> String {
    format!(
        "Keys:
  - KeyId: {ID}
    Description: payments fixture
    KeyMaterial: [{HEX1}, {HEX2}]
    KeyRotationEnabled: true
    RotationPeriodInDays: 90
    Aliases: [alias/payments]
  - KeyId: {ID2}
    Enabled: false
Aliases:
  - AliasName: alias/other
    TargetKeyId: {ID2}
"
    )
}

#[test]
fn seed_creates_then_leaves_alone() {
    let s = Scratch::new();
    std::fs::write(s.path("seed.yaml"), seed_yaml()).unwrap();
    let out = json(&s.ok(&["seed", "seed.yaml"]));
    assert_eq!(out["Keys"][0]["KeyId"], ID);
    assert_eq!(out["Keys"][0]["Created"], true);
    assert_eq!(out["Aliases"][1]["Created"], true);
    let d = json(&s.ok(&["describe-key", "--key-id", "alias/payments"]));
    assert_eq!(d["KeyMetadata"]["KeyId"], ID);
    assert_eq!(d["KeyMetadata"]["Description"], "payments fixture");
    let d2 = json(&s.ok(&["describe-key", "--key-id", "alias/other"]));
    assert_eq!(d2["KeyMetadata"]["KeyState"], "Disabled");
    let r = json(&s.ok(&["get-key-rotation-status", "--key-id", ID]));
    assert_eq!(r["KeyRotationEnabled"], true);
    assert_eq!(r["RotationPeriodInDays"], 90);
    // Again: nothing created, nothing changed.
    let again = json(&s.ok(&["seed", "seed.yaml"]));
    assert_eq!(again["Keys"][0]["Created"], false);
    assert_eq!(again["Aliases"][0]["Created"], false);
    assert_eq!(
        json(&s.ok(&["list-keys"]))["Keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_same_seed_gives_the_same_key_in_another_keystore() {
    let (a, b) = (Scratch::new(), Scratch::new());
    for s in [&a, &b] {
        std::fs::write(s.path("seed.yaml"), seed_yaml()).unwrap();
        s.ok(&["seed", "seed.yaml"]);
    }
    std::fs::write(a.path("p"), b"fixture data").unwrap();
    let blob = a.ok(&[
        "encrypt",
        "--key-id",
        ID,
        "--plaintext",
        "fileb://p",
        "--output",
        "text",
        "--query",
        "CiphertextBlob",
    ]);
    std::fs::write(b.path("c.b64"), blob.trim()).unwrap();
    let plain = b.ok(&[
        "decrypt",
        "--ciphertext-blob",
        "file://c.b64",
        "--output",
        "text",
        "--query",
        "Plaintext",
    ]);
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(plain.trim())
        .unwrap();
    assert_eq!(bytes, b"fixture data");
}

#[test]
fn json_and_local_kms_layouts() {
    let s = Scratch::new();
    let j = format!(r#"{{"Keys": [{{"KeyId": "{ID}", "KeyMaterial": ["{HEX1}"]}}]}}"#);
    std::fs::write(s.path("seed.json"), j).unwrap();
    s.ok(&["seed", "seed.json"]);
    let local_kms = format!(
        "Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: {ID2}
          Description: from local-kms
        BackingKeys:
          - {HEX2}
Aliases:
  - AliasName: alias/testing
    TargetKeyId: {ID2}
"
    );
    std::fs::write(s.path("local-kms.yaml"), local_kms).unwrap();
    s.ok(&["seed", "local-kms.yaml"]);
    let d = json(&s.ok(&["describe-key", "--key-id", "alias/testing"]));
    assert_eq!(d["KeyMetadata"]["Description"], "from local-kms");
}

#[test]
fn bad_seed_files_create_nothing() {
    let s = Scratch::new();
    let bad = [
        format!(
            "Keys:\n  - KeyId: {ID}\n    KeyMaterial: [zz{}]\n",
            &HEX1[2..]
        ),
        format!("Keys:\n  - KeyId: {ID}\n    Colour: blue\n"),
        format!("Keys:\n  - KeyId: {ID}\n    RotationPeriodInDays: 90\n"),
        "Keys: [".to_string(),
        format!(
            "Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {{KeyId: {ID}, Origin: EXTERNAL}}\n"
        ),
        format!("Keys:\n  Asymmetric:\n    Ecc:\n      - Metadata: {{KeyId: {ID}}}\n"),
    ];
    for (i, text) in bad.iter().enumerate() {
        let name = format!("bad{i}.yaml");
        std::fs::write(s.path(&name), text).unwrap();
        let out = s.cmd().args(["seed", &name]).assert().failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(!err.contains(&HEX1[2..]), "material echoed: {err}");
        assert!(err.contains("seed"), "{err}");
    }
    // Material of the wrong length: refused by the core, naming the key, before any key exists.
    std::fs::write(
        s.path("short.yaml"),
        format!("Keys:\n  - KeyId: {ID}\n    KeyMaterial: [abcd]\n"),
    )
    .unwrap();
    s.cmd().args(["seed", "short.yaml"]).assert().failure();
    assert_eq!(
        json(&s.ok(&["list-keys"]))["Keys"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn serve_seeds_before_it_listens() {
    use std::io::BufRead;
    use std::process::Stdio;
    let s = Scratch::new();
    std::fs::write(s.path("seed.yaml"), seed_yaml()).unwrap();
    let mut child = std::process::Command::new(common::bin())
        .current_dir(s.dir.path())
        .env("STRONGROOM_KEYSTORE", s.keystore())
        .env("STRONGROOM_PASSPHRASE", "correct horse")
        .env("STRONGROOM_INSECURE_TEST_KDF", "1")
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--unauthenticated",
            "--seed",
            "seed.yaml",
        ])
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
    let line = rx.recv_timeout(std::time::Duration::from_secs(60));
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let line = line.expect("no ready line within 60 s");
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    assert!(status.success(), "{status}");
    let d = json(&s.ok(&["describe-key", "--key-id", "alias/payments"]));
    assert_eq!(d["KeyMetadata"]["KeyId"], ID);
}

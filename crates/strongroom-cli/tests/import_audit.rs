//! Importing key material (the AWS openssl procedure, literally) and the audit trail commands.

mod common;

use common::Scratch;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn byok_with_the_documented_openssl_procedure() {
    let s = Scratch::new();
    let k = s
        .ok(&[
            "create-key",
            "--origin",
            "EXTERNAL",
            "--query",
            "KeyMetadata.KeyId",
            "--output",
            "text",
        ])
        .trim()
        .to_string();
    let st = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.[KeyState,Origin]",
        "--output",
        "text",
    ]);
    assert_eq!(st, "PendingImport\tEXTERNAL\n");
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "aGk="])
        .assert()
        .code(14);
    let script = format!(
        "strongroom get-parameters-for-import --key-id {k} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 > params.json\n\
         strongroom get-parameters-for-import --key-id {k} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --query '{{Key:PublicKey,Token:ImportToken}}' --output text > params.txt\n\
         cut -f1 params.txt | base64 --decode > WrappingPublicKey.bin\n\
         cut -f2 params.txt | base64 --decode > ImportToken.bin\n\
         openssl rand -out PlaintextKeyMaterial.bin 32\n\
         openssl pkeyutl -encrypt -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin -inkey WrappingPublicKey.bin -keyform DER -pubin -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256\n\
         strongroom import-key-material --key-id {k} --encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE > imported.json"
    );
    let out = s.sh(&script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("params.json")).unwrap()).unwrap();
    assert!(
        params["ParametersValidTo"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    assert!(params["KeyId"].as_str().unwrap().ends_with(&k));
    // The import names the material; describe-key shows it and the expiration model.
    let imported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("imported.json")).unwrap()).unwrap();
    assert_eq!(imported["KeyId"], params["KeyId"]);
    let material = imported["KeyMaterialId"].as_str().unwrap().to_string();
    assert_eq!(material.len(), 64);
    let m = s.json(&["describe-key", "--key-id", &k]);
    assert_eq!(m["KeyMetadata"]["CurrentKeyMaterialId"], material.as_str());
    assert_eq!(
        m["KeyMetadata"]["ExpirationModel"],
        "KEY_MATERIAL_DOES_NOT_EXPIRE"
    );
    let st = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.KeyState",
        "--output",
        "text",
    ]);
    assert_eq!(st, "Enabled\n");
    // AWS's ImportType and KeyMaterialId are checked before the token is used: a key that has
    // material takes no NEW_KEY_MATERIAL, an id must be the key's, and a bad type is refused.
    let reimport = |extra: &[&str]| {
        let mut args = vec![
            "import-key-material",
            "--key-id",
            &k,
            "--encrypted-key-material",
            "fileb://EncryptedKeyMaterial.bin",
            "--import-token",
            "fileb://ImportToken.bin",
            "--expiration-model",
            "KEY_MATERIAL_DOES_NOT_EXPIRE",
        ];
        args.extend_from_slice(extra);
        s.cmd().args(args).assert()
    };
    reimport(&["--import-type", "NEW_KEY_MATERIAL"]).code(19);
    reimport(&["--import-type", "SOMETIMES"]).code(12);
    reimport(&["--key-material-id", &"ab".repeat(32)]).code(10);
    // KeyMaterialDescription's bounds (AWS's character set), checked before the token too.
    reimport(&["--key-material-description", "semi;colon"])
        .code(12)
        .stderr(contains("key_material_description"));
    let blob = s.json(&["encrypt", "--key-id", &k, "--plaintext", "aGk="])["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string();
    // Without --expiration-model the model is AWS's default, KEY_MATERIAL_EXPIRES, which needs
    // --valid-to: a ValidationException (exit 12) naming both ways out, before the token is read.
    s.cmd()
        .args([
            "import-key-material",
            "--key-id",
            &k,
            "--encrypted-key-material",
            "fileb://EncryptedKeyMaterial.bin",
            "--import-token",
            "fileb://ImportToken.bin",
        ])
        .assert()
        .code(12)
        .stderr(contains(
            "(ValidationException) when calling the ImportKeyMaterial operation",
        ))
        .stderr(contains("KEY_MATERIAL_DOES_NOT_EXPIRE"));
    // The token was used up by the import.
    s.cmd()
        .args([
            "import-key-material",
            "--key-id",
            &k,
            "--encrypted-key-material",
            "fileb://EncryptedKeyMaterial.bin",
            "--import-token",
            "fileb://ImportToken.bin",
            "--expiration-model",
            "KEY_MATERIAL_DOES_NOT_EXPIRE",
        ])
        .assert()
        .code(21)
        .stderr(contains("(InvalidImportTokenException) when calling the "));
    let deleted = s.json(&["delete-imported-key-material", "--key-id", &k]);
    assert_eq!(deleted, imported);
    let all = s.json(&[
        "list-key-rotations",
        "--key-id",
        &k,
        "--include-key-material",
        "ALL_KEY_MATERIAL",
    ]);
    assert_eq!(all["Rotations"][0]["KeyMaterialId"], material.as_str());
    assert_eq!(all["Rotations"][0]["ImportState"], "PENDING_IMPORT");
    let st = s.ok(&[
        "describe-key",
        "--key-id",
        &k,
        "--query",
        "KeyMetadata.KeyState",
        "--output",
        "text",
    ]);
    assert_eq!(st, "PendingImport\n");
    s.cmd()
        .args(["decrypt", "--ciphertext-blob", &blob])
        .assert()
        .code(14);
    // Bad names and times are Validation errors.
    s.cmd()
        .args([
            "get-parameters-for-import",
            "--key-id",
            &k,
            "--wrapping-algorithm",
            "RSA_PKCS1",
            "--wrapping-key-spec",
            "RSA_2048",
        ])
        .assert()
        .code(12);
    s.cmd()
        .args([
            "import-key-material",
            "--key-id",
            &k,
            "--encrypted-key-material",
            "AAAA",
            "--import-token",
            "AAAA",
            "--expiration-model",
            "KEY_MATERIAL_EXPIRES",
            "--valid-to",
            "next tuesday",
        ])
        .assert()
        .code(12)
        .stderr(contains("--valid-to"));
    // A STRONGROOM key has no import.
    let own = s.key();
    s.cmd()
        .args([
            "get-parameters-for-import",
            "--key-id",
            &own,
            "--wrapping-algorithm",
            "RSAES_OAEP_SHA_256",
            "--wrapping-key-spec",
            "RSA_2048",
        ])
        .assert()
        .code(19);
}

#[test]
fn audit_list_export_verify() {
    let s = Scratch::new();
    let k = s.key();
    s.alias("alias/a", &k);
    s.ok(&[
        "encrypt",
        "--key-id",
        "alias/a",
        "--plaintext",
        "aGk=",
        "--encryption-context",
        "app=x",
    ]);
    s.ok(&["disable-key", "--key-id", &k]);
    s.cmd()
        .args(["encrypt", "--key-id", &k, "--plaintext", "aGk="])
        .assert()
        .code(13);
    let ev = s.json(&[
        "audit",
        "list",
        "--key-id",
        "alias/a",
        "--operation",
        "Encrypt",
    ]);
    let events = ev["Events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{ev}");
    assert_eq!(events[0]["Outcome"], "ok");
    assert_eq!(events[0]["EncryptionContext"]["app"], "x");
    assert_eq!(events[0]["KeyId"], k.as_str());
    assert_eq!(events[1]["Outcome"], "Disabled");
    assert!(events[0]["Sequence"].as_u64() < events[1]["Sequence"].as_u64());
    let refused = s.json(&["audit", "list", "--outcome", "Disabled"]);
    assert_eq!(refused["Events"].as_array().unwrap().len(), 1);
    let none = s.json(&["audit", "list", "--end-time", "2000-01-01T00:00:00Z"]);
    assert_eq!(none["Events"], serde_json::json!([]));
    let all = s.json(&["audit", "list", "--start-time", "2000-01-01T00:00:00Z"]);
    let total = all["Events"].as_array().unwrap().len();
    assert!(total >= 5);
    s.cmd()
        .args(["audit", "list", "--start-time", "yesterday"])
        .assert()
        .code(12);

    s.ok(&["audit", "export", "--key-id", &k, "audit.jsonl"]);
    let text = std::fs::read_to_string(s.path("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["operation"] == "Encrypt" && l["outcome"] == "Disabled")
    );
    assert!(lines.iter().all(|l| l["key_id"] == k.as_str()));
    assert!(
        !text.contains("aGk="),
        "plaintext must never reach the audit trail"
    );
    s.cmd()
        .args(["audit", "export", "audit.jsonl"])
        .assert()
        .code(11);
    let stdout = s.ok(&["audit", "export", "--operation", "CreateAlias"]);
    assert_eq!(stdout.lines().count(), 1);

    let v = s.json(&["audit", "verify"]);
    assert!(v["EventsVerified"].as_u64().unwrap() >= total as u64);
    s.cmd()
        .args(["audit", "--help"])
        .assert()
        .success()
        .stdout(contains("Example").and(contains("strongroom audit verify")));
}

/// Issue 17 item 2: the files the CLI creates that others must not read. `init` makes the
/// keystore (the wrapped root key, open to offline guessing) readable by its owner only, and
/// `audit export` writes the trail (key ids, callers, encryption contexts) the same way.
#[cfg(unix)]
#[test]
fn init_and_audit_export_create_owner_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.keystore()), 0o600);
    s.key();
    s.ok(&["audit", "export", "audit.jsonl"]);
    assert_eq!(mode(&s.path("audit.jsonl")), 0o600);
    // A keystore the owner opened up stays as the owner set it after every command.
    std::fs::set_permissions(s.keystore(), std::fs::Permissions::from_mode(0o640)).unwrap();
    s.key();
    assert_eq!(mode(&s.keystore()), 0o640);
}

/// Runs `script` (bash, in the scratch directory, with `strongroom` on PATH) and expects success.
fn run(s: &Scratch, script: &str) {
    let out = s.sh(script);
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// get-parameters-for-import for `key` with `alg`, then the wrapping of `plain` with the openssl
/// commands of docs/import.md, then import-key-material; the script's exit status is the
/// import's.
fn import_script(key: &str, alg: &str, plain: &str) -> String {
    let md = if alg.ends_with("SHA_1") {
        "-pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1"
    } else {
        "-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256"
    };
    let rsa = |input: &str, output: &str| {
        format!(
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin -in {input} -out {output} -pkeyopt rsa_padding_mode:oaep {md}"
        )
    };
    let wrap = if alg.starts_with("RSA_AES") {
        format!(
            "openssl rand -out aes-key.bin 32\n\
             openssl enc -id-aes256-wrap-pad -K $(xxd -p -c 256 aes-key.bin) -iv A65959A6 -in {plain} -out key_material_wrapped.bin\n\
             {}\n\
             cat aes-key-wrapped.bin key_material_wrapped.bin > EncryptedKeyMaterial.bin",
            rsa("aes-key.bin", "aes-key-wrapped.bin")
        )
    } else {
        rsa(plain, "EncryptedKeyMaterial.bin")
    };
    format!(
        "strongroom get-parameters-for-import --key-id {key} --wrapping-algorithm {alg} --wrapping-key-spec RSA_3072 --query '{{Key:PublicKey,Token:ImportToken}}' --output text > params.txt\n\
         cut -f1 params.txt | base64 --decode > WrappingPublicKey.bin\n\
         cut -f2 params.txt | base64 --decode > ImportToken.bin\n\
         {wrap}\n\
         strongroom import-key-material --key-id {key} --encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE > /dev/null"
    )
}

fn external_key(s: &Scratch, spec: &str, usage: Option<&str>) -> String {
    let mut args = vec!["create-key", "--origin", "EXTERNAL", "--key-spec", spec];
    if let Some(u) = usage {
        args.extend(["--key-usage", u]);
    }
    args.extend(["--query", "KeyMetadata.KeyId", "--output", "text"]);
    s.ok(&args).trim().to_string()
}

#[test]
fn byok_of_asymmetric_and_hmac_keys_made_by_openssl() {
    let s = Scratch::new();
    // An ECC key: imported, strongroom signs, openssl verifies with the original public key.
    let ec = external_key(&s, "ECC_NIST_P384", Some("SIGN_VERIFY"));
    run(
        &s,
        "openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-384 | openssl pkcs8 -topk8 -outform der -nocrypt > ECC_NIST_P384_PrivateKey.der\n\
         openssl pkey -inform DER -in ECC_NIST_P384_PrivateKey.der -pubout -out p384.pem\n\
         openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -outform der -nocrypt > ECC_NIST_P256_PrivateKey.der\n\
         printf 'signed by the CLI' > msg.bin",
    );
    // The wrong curve: IncorrectKeyMaterial (exit 22), the key still waits for its material.
    let out = s.sh(&import_script(
        &ec,
        "RSAES_OAEP_SHA_256",
        "ECC_NIST_P256_PrivateKey.der",
    ));
    assert_eq!(
        out.status.code(),
        Some(22),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run(
        &s,
        &import_script(&ec, "RSAES_OAEP_SHA_1", "ECC_NIST_P384_PrivateKey.der"),
    );
    run(
        &s,
        &format!(
            "strongroom sign --key-id {ec} --message fileb://msg.bin --message-type RAW --signing-algorithm ECDSA_SHA_384 --query Signature --output text | base64 --decode > sig.bin\n\
             openssl dgst -sha384 -verify p384.pem -signature sig.bin msg.bin"
        ),
    );

    // An RSA key: RSAES_OAEP_* is refused (exit 19); RSA_AES_KEY_WRAP_SHA_256 imports it.
    let rsa = external_key(&s, "RSA_2048", Some("ENCRYPT_DECRYPT"));
    s.cmd()
        .args([
            "get-parameters-for-import",
            "--key-id",
            &rsa,
            "--wrapping-algorithm",
            "RSAES_OAEP_SHA_256",
            "--wrapping-key-spec",
            "RSA_4096",
        ])
        .assert()
        .code(19)
        .stderr(contains("RSA_AES_KEY_WRAP_SHA_256"));
    run(
        &s,
        "openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 | openssl pkcs8 -topk8 -outform der -nocrypt > RSA_2048_PrivateKey.der",
    );
    run(
        &s,
        &import_script(&rsa, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048_PrivateKey.der"),
    );
    run(
        &s,
        &format!(
            "strongroom encrypt --key-id {rsa} --plaintext fileb://msg.bin --encryption-algorithm RSAES_OAEP_SHA_256 --query CiphertextBlob --output text | base64 --decode > ct.bin\n\
             openssl pkeyutl -decrypt -inkey RSA_2048_PrivateKey.der -keyform DER -in ct.bin -out back.bin -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256\n\
             cmp back.bin msg.bin"
        ),
    );

    // An HMAC key: the MAC is openssl's HMAC of the same key.
    let hmac = external_key(&s, "HMAC_256", None);
    run(&s, "openssl rand -out HMAC_256_PlaintextKey.bin 32");
    run(
        &s,
        &import_script(&hmac, "RSA_AES_KEY_WRAP_SHA_1", "HMAC_256_PlaintextKey.bin"),
    );
    run(
        &s,
        &format!(
            "strongroom generate-mac --key-id {hmac} --message fileb://msg.bin --mac-algorithm HMAC_SHA_256 --query Mac --output text | base64 --decode > mac.bin\n\
             openssl dgst -sha256 -mac HMAC -macopt hexkey:$(xxd -p -c 256 HMAC_256_PlaintextKey.bin) -binary msg.bin > want.bin\n\
             cmp mac.bin want.bin"
        ),
    );
    // Ed25519 keys take no imported material.
    s.cmd()
        .args([
            "create-key",
            "--origin",
            "EXTERNAL",
            "--key-spec",
            "ECC_NIST_EDWARDS25519",
        ])
        .assert()
        .code(19);
}

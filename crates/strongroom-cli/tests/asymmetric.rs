//! Issue 21 on the command line: create-key for every key spec, get-public-key, sign, verify,
//! generate-mac, verify-mac, derive-shared-secret, generate-data-key-pair(-without-plaintext) and
//! RSA-OAEP encrypt/decrypt, each cross-checked with openssl where one can check it, and their
//! refusals (wrong usage, tampered signature or MAC, bad names) with AWS's codes and exit codes.

mod common;

use common::{Scratch, unb64};
use predicates::str::contains;

/// Creates a key of `spec` (and `usage`, if given); its id.
fn key(s: &Scratch, spec: &str, usage: Option<&str>) -> String {
    let mut args = vec!["create-key", "--key-spec", spec];
    if let Some(u) = usage {
        args.extend(["--key-usage", u]);
    }
    args.extend(["--query", "KeyMetadata.KeyId", "--output", "text"]);
    s.ok(&args).trim().to_string()
}

/// Runs `args`, asserting the exit code and the AWS error line's code and operation.
fn fails(s: &Scratch, args: &[&str], exit: i32, code: &str, op: &str) {
    s.cmd()
        .args(args)
        .assert()
        .code(exit)
        .stdout("")
        .stderr(contains(format!(
            "An error occurred ({code}) when calling the {op} operation: "
        )));
}

/// Runs a bash script in the scratch directory, asserting success; its stdout.
fn sh(s: &Scratch, script: &str) -> String {
    let out = s.sh(script);
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_key_spec_is_created_and_others_refused() {
    let s = Scratch::new();
    for (spec, usage, cmk) in [
        ("RSA_2048", "ENCRYPT_DECRYPT", true),
        ("RSA_3072", "SIGN_VERIFY", true),
        ("RSA_4096", "ENCRYPT_DECRYPT", true),
        ("ECC_NIST_P256", "SIGN_VERIFY", true),
        ("ECC_NIST_P384", "KEY_AGREEMENT", true),
        ("ECC_NIST_P521", "SIGN_VERIFY", true),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", true),
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", false),
        ("ML_DSA_44", "SIGN_VERIFY", false),
        ("ML_DSA_65", "SIGN_VERIFY", false),
        ("ML_DSA_87", "SIGN_VERIFY", false),
        ("HMAC_224", "GENERATE_VERIFY_MAC", true),
        ("HMAC_512", "GENERATE_VERIFY_MAC", true),
    ] {
        let m = &s.json(&["create-key", "--key-spec", spec, "--key-usage", usage])["KeyMetadata"];
        assert_eq!(
            (m["KeySpec"].as_str(), m["KeyUsage"].as_str()),
            (Some(spec), Some(usage))
        );
        assert_eq!(m["CustomerMasterKeySpec"].is_string(), cmk, "{spec}");
    }
    // The deprecated --customer-master-key-spec, and the usage a one-usage spec defaults to.
    let m = &s.json(&["create-key", "--customer-master-key-spec", "HMAC_256"])["KeyMetadata"];
    assert_eq!(m["KeySpec"], "HMAC_256");
    assert_eq!(m["KeyUsage"], "GENERATE_VERIFY_MAC");
    assert_eq!(m["MacAlgorithms"], serde_json::json!(["HMAC_SHA_256"]));
    // AWS's specs the core has not (UnsupportedOperation, as the server), unknown names, a
    // usage the spec does not allow, an ECC NIST key without its usage (Validation).
    fails(
        &s,
        &["create-key", "--key-spec", "SM2"],
        19,
        "UnsupportedOperationException",
        "CreateKey",
    );
    fails(
        &s,
        &["create-key", "--key-spec", "ECC_NIST_P999"],
        12,
        "ValidationException",
        "CreateKey",
    );
    fails(
        &s,
        &[
            "create-key",
            "--key-spec",
            "HMAC_256",
            "--key-usage",
            "SIGN_VERIFY",
        ],
        12,
        "ValidationException",
        "CreateKey",
    );
    fails(
        &s,
        &["create-key", "--key-spec", "ECC_NIST_P256"],
        12,
        "ValidationException",
        "CreateKey",
    );
    s.cmd()
        .args([
            "create-key",
            "--key-spec",
            "RSA_2048",
            "--customer-master-key-spec",
            "RSA_2048",
        ])
        .assert()
        .code(2);
}

/// docs/key-types.md's worked example, run literally: a P-256 signature verified by strongroom
/// and by openssl with the public key from get-public-key.
#[test]
fn ecdsa_p256_sign_verify_and_openssl() {
    let s = Scratch::new();
    s.write("release.tar", b"release 1.0\n");
    let out = sh(
        &s,
        "KEY=$(strongroom create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text)\n\
         strongroom get-public-key --key-id \"$KEY\" --output text --query PublicKey | base64 -d > public.der\n\
         openssl pkey -pubin -inform DER -in public.der -out public.pem\n\
         strongroom sign --key-id \"$KEY\" --message fileb://release.tar --message-type RAW \
           --signing-algorithm ECDSA_SHA_256 --output text --query Signature | base64 -d > release.sig\n\
         openssl dgst -sha256 -verify public.pem -signature release.sig release.tar\n\
         strongroom verify --key-id \"$KEY\" --message fileb://release.tar --message-type RAW \
           --signing-algorithm ECDSA_SHA_256 --signature fileb://release.sig --query SignatureValid\n\
         echo \"$KEY\" > key.txt",
    );
    assert_eq!(out, "Verified OK\ntrue\n");
    let k = std::fs::read_to_string(s.path("key.txt"))
        .unwrap()
        .trim()
        .to_string();

    // get-public-key's shape: the key's spec, usage and only its signing algorithms.
    let p = s.json(&["get-public-key", "--key-id", &k]);
    assert!(p["KeyId"].as_str().unwrap().ends_with(&format!(":key/{k}")));
    assert_eq!(p["CustomerMasterKeySpec"], "ECC_NIST_P256");
    assert_eq!(p["KeySpec"], "ECC_NIST_P256");
    assert_eq!(p["KeyUsage"], "SIGN_VERIFY");
    assert_eq!(p["SigningAlgorithms"], serde_json::json!(["ECDSA_SHA_256"]));
    assert!(p.get("EncryptionAlgorithms").is_none() && p.get("KeyAgreementAlgorithms").is_none());
    assert_eq!(
        unb64(p["PublicKey"].as_str().unwrap()),
        std::fs::read(s.path("public.der")).unwrap()
    );

    // A DIGEST signs the hash openssl computed; the signature verifies as RAW over the message.
    sh(
        &s,
        "openssl dgst -sha256 -binary release.tar > release.sha256",
    );
    let sig = s.json(&[
        "sign",
        "--key-id",
        &k,
        "--message",
        "fileb://release.sha256",
        "--message-type",
        "DIGEST",
        "--signing-algorithm",
        "ECDSA_SHA_256",
    ]);
    assert_eq!(sig["SigningAlgorithm"], "ECDSA_SHA_256");
    s.write("digest.sig", &unb64(sig["Signature"].as_str().unwrap()));
    let v = s.json(&[
        "verify",
        "--key-id",
        &k,
        "--message",
        "fileb://release.tar",
        "--signing-algorithm",
        "ECDSA_SHA_256",
        "--signature",
        "fileb://digest.sig",
    ]);
    assert_eq!(v["SignatureValid"], true);

    // A tampered signature, or another message: KMSInvalidSignature, exit 27, never "false".
    let mut bad = std::fs::read(s.path("release.sig")).unwrap();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    s.write("bad.sig", &bad);
    let verify = |msg: &str, sig: &str| {
        vec![
            "verify".to_string(),
            "--key-id".into(),
            k.clone(),
            "--message".into(),
            msg.into(),
            "--signing-algorithm".into(),
            "ECDSA_SHA_256".into(),
            "--signature".into(),
            sig.into(),
        ]
    };
    for args in [
        verify("fileb://release.tar", "fileb://bad.sig"),
        verify("aGk=", "fileb://release.sig"),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&s, &args, 27, "KMSInvalidSignatureException", "Verify");
    }
    // Wrong usage or algorithm for the key: InvalidKeyUsage; a name that is none: Validation.
    let sym = s.key();
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &sym,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ],
        17,
        "InvalidKeyUsageException",
        "Sign",
    );
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_384",
        ],
        17,
        "InvalidKeyUsageException",
        "Sign",
    );
    fails(
        &s,
        &["encrypt", "--key-id", &k, "--plaintext", "aGk="],
        17,
        "InvalidKeyUsageException",
        "Encrypt",
    );
    fails(
        &s,
        &["get-public-key", "--key-id", &sym],
        19,
        "UnsupportedOperationException",
        "GetPublicKey",
    );
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_999",
        ],
        12,
        "ValidationException",
        "Sign",
    );
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--message-type",
            "HASH",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ],
        12,
        "ValidationException",
        "Sign",
    );
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--message-type",
            "DIGEST",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ],
        12,
        "ValidationException",
        "Sign",
    );
}

/// RSA-OAEP: ciphertext openssl made with the public key decrypts, and the CLI's own round trip.
#[test]
fn rsa_oaep_with_openssl() {
    let s = Scratch::new();
    let k = key(&s, "RSA_2048", Some("ENCRYPT_DECRYPT"));
    s.write("secret.txt", b"offline secret");
    let p = s.json(&["get-public-key", "--key-id", &k]);
    assert_eq!(
        p["EncryptionAlgorithms"],
        serde_json::json!(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
    );
    s.write("public.der", &unb64(p["PublicKey"].as_str().unwrap()));
    sh(
        &s,
        "openssl pkeyutl -encrypt -pubin -keyform DER -inkey public.der -in secret.txt -out secret.bin \
         -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
    );
    let d = s.json(&[
        "decrypt",
        "--key-id",
        &k,
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_256",
        "--ciphertext-blob",
        "fileb://secret.bin",
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"offline secret");
    assert_eq!(d["EncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert!(d.get("KeyMaterialId").is_none(), "{d}");

    let e = s.json(&[
        "encrypt",
        "--key-id",
        &k,
        "--plaintext",
        "fileb://secret.txt",
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_1",
    ]);
    assert_eq!(e["EncryptionAlgorithm"], "RSAES_OAEP_SHA_1");
    assert_eq!(unb64(e["CiphertextBlob"].as_str().unwrap()).len(), 256);
    let d = s.json(&[
        "decrypt",
        "--key-id",
        &k,
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_1",
        "--ciphertext-blob",
        e["CiphertextBlob"].as_str().unwrap(),
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"offline secret");
    // The symmetric default on an RSA key, the wrong hash, no --key-id, SM2PKE, a bad name.
    fails(
        &s,
        &["encrypt", "--key-id", &k, "--plaintext", "aGk="],
        17,
        "InvalidKeyUsageException",
        "Encrypt",
    );
    fails(
        &s,
        &[
            "decrypt",
            "--key-id",
            &k,
            "--encryption-algorithm",
            "RSAES_OAEP_SHA_1",
            "--ciphertext-blob",
            "fileb://secret.bin",
        ],
        15,
        "InvalidCiphertextException",
        "Decrypt",
    );
    fails(
        &s,
        &[
            "decrypt",
            "--encryption-algorithm",
            "RSAES_OAEP_SHA_256",
            "--ciphertext-blob",
            "fileb://secret.bin",
        ],
        12,
        "ValidationException",
        "Decrypt",
    );
    fails(
        &s,
        &[
            "encrypt",
            "--key-id",
            &k,
            "--plaintext",
            "aGk=",
            "--encryption-algorithm",
            "SM2PKE",
        ],
        19,
        "UnsupportedOperationException",
        "Encrypt",
    );
    fails(
        &s,
        &[
            "encrypt",
            "--key-id",
            &k,
            "--plaintext",
            "aGk=",
            "--encryption-algorithm",
            "RSA",
        ],
        12,
        "ValidationException",
        "Encrypt",
    );
}

#[test]
fn re_encrypt_to_and_from_rsa_keys() {
    let s = Scratch::new();
    let rsa = key(&s, "RSA_2048", Some("ENCRYPT_DECRYPT"));
    let sym = s.key();
    s.write("secret.txt", b"moving secret");
    let blob = s.json(&[
        "encrypt",
        "--key-id",
        &sym,
        "--plaintext",
        "fileb://secret.txt",
        "--encryption-context",
        "app=cli",
    ])["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string();
    // Symmetric -> RSA: no DestinationKeyMaterialId, as AWS.
    let r = s.json(&[
        "re-encrypt",
        "--ciphertext-blob",
        &blob,
        "--source-encryption-context",
        "app=cli",
        "--destination-key-id",
        &rsa,
        "--destination-encryption-algorithm",
        "RSAES_OAEP_SHA_256",
    ]);
    assert_eq!(r["SourceEncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(r["DestinationEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert!(r["KeyId"].as_str().unwrap().ends_with(&rsa), "{r}");
    assert_eq!(r["SourceKeyMaterialId"].as_str().map(str::len), Some(64));
    assert!(r.get("DestinationKeyMaterialId").is_none(), "{r}");
    let raw = r["CiphertextBlob"].as_str().unwrap().to_string();
    assert_eq!(unb64(&raw).len(), 256);
    s.write("raw.bin", &unb64(&raw));
    let d = s.json(&[
        "decrypt",
        "--key-id",
        &rsa,
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_256",
        "--ciphertext-blob",
        "fileb://raw.bin",
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"moving secret");
    // RSA -> symmetric with --source-key-id.
    let r = s.json(&[
        "re-encrypt",
        "--ciphertext-blob",
        "fileb://raw.bin",
        "--source-key-id",
        &rsa,
        "--source-encryption-algorithm",
        "RSAES_OAEP_SHA_256",
        "--destination-key-id",
        &sym,
        "--destination-encryption-context",
        "to=sym",
    ]);
    assert_eq!(r["SourceEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert!(r.get("SourceKeyMaterialId").is_none(), "{r}");
    let d = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        r["CiphertextBlob"].as_str().unwrap(),
        "--encryption-context",
        "to=sym",
    ]);
    assert_eq!(unb64(d["Plaintext"].as_str().unwrap()), b"moving secret");
    // The refusals, with AWS's codes and the CLI's exit codes.
    let source_rsa = [
        "--source-encryption-algorithm",
        "RSAES_OAEP_SHA_256",
        "--destination-key-id",
        &sym,
    ];
    fails(
        &s,
        &[
            &["re-encrypt", "--ciphertext-blob", "fileb://raw.bin"][..],
            &source_rsa,
        ]
        .concat(),
        12,
        "ValidationException",
        "ReEncrypt",
    );
    fails(
        &s,
        &[
            "re-encrypt",
            "--ciphertext-blob",
            &blob,
            "--source-encryption-context",
            "app=cli",
            "--destination-key-id",
            &rsa,
            "--destination-encryption-algorithm",
            "RSAES_OAEP_SHA_256",
            "--destination-encryption-context",
            "a=b",
        ],
        12,
        "ValidationException",
        "ReEncrypt",
    );
    fails(
        &s,
        &[
            "re-encrypt",
            "--ciphertext-blob",
            &blob,
            "--source-encryption-context",
            "app=cli",
            "--destination-key-id",
            &rsa,
        ],
        17,
        "InvalidKeyUsageException",
        "ReEncrypt",
    );
    fails(
        &s,
        &[
            "re-encrypt",
            "--ciphertext-blob",
            "fileb://raw.bin",
            "--source-key-id",
            &rsa,
            "--source-encryption-algorithm",
            "RSAES_OAEP_SHA_1",
            "--destination-key-id",
            &sym,
        ],
        15,
        "InvalidCiphertextException",
        "ReEncrypt",
    );
    fails(
        &s,
        &[
            "re-encrypt",
            "--ciphertext-blob",
            "fileb://raw.bin",
            "--source-key-id",
            &rsa,
            "--source-encryption-algorithm",
            "RSA",
            "--destination-key-id",
            &sym,
        ],
        12,
        "ValidationException",
        "ReEncrypt",
    );
}

#[test]
fn macs() {
    let s = Scratch::new();
    let k = key(&s, "HMAC_256", None);
    s.write("token.txt", b"user=alice");
    let m = s.json(&[
        "generate-mac",
        "--key-id",
        &k,
        "--message",
        "fileb://token.txt",
        "--mac-algorithm",
        "HMAC_SHA_256",
    ]);
    assert_eq!(m["MacAlgorithm"], "HMAC_SHA_256");
    assert!(m["KeyId"].as_str().unwrap().ends_with(&format!(":key/{k}")));
    let mac = unb64(m["Mac"].as_str().unwrap());
    assert_eq!(mac.len(), 32);
    s.write("token.mac", &mac);
    let v = s.json(&[
        "verify-mac",
        "--key-id",
        &k,
        "--message",
        "fileb://token.txt",
        "--mac-algorithm",
        "HMAC_SHA_256",
        "--mac",
        "fileb://token.mac",
    ]);
    assert_eq!(v["MacValid"], true);
    assert_eq!(v["MacAlgorithm"], "HMAC_SHA_256");
    let mut bad = mac.clone();
    bad[0] ^= 0x80;
    s.write("bad.mac", &bad);
    fails(
        &s,
        &[
            "verify-mac",
            "--key-id",
            &k,
            "--message",
            "fileb://token.txt",
            "--mac-algorithm",
            "HMAC_SHA_256",
            "--mac",
            "fileb://bad.mac",
        ],
        28,
        "KMSInvalidMacException",
        "VerifyMac",
    );
    fails(
        &s,
        &[
            "generate-mac",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--mac-algorithm",
            "HMAC_SHA_512",
        ],
        17,
        "InvalidKeyUsageException",
        "GenerateMac",
    );
    fails(
        &s,
        &[
            "generate-mac",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--mac-algorithm",
            "HMAC_MD5",
        ],
        12,
        "ValidationException",
        "GenerateMac",
    );
    let ecc = key(&s, "ECC_NIST_P256", Some("SIGN_VERIFY"));
    fails(
        &s,
        &[
            "generate-mac",
            "--key-id",
            &ecc,
            "--message",
            "aGk=",
            "--mac-algorithm",
            "HMAC_SHA_256",
        ],
        17,
        "InvalidKeyUsageException",
        "GenerateMac",
    );
    fails(
        &s,
        &[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGk=",
            "--signing-algorithm",
            "ECDSA_SHA_256",
        ],
        17,
        "InvalidKeyUsageException",
        "Sign",
    );
}

/// ECDH: strongroom's secret with openssl's peer key equals openssl's with strongroom's public
/// key, and two strongroom keys agree.
#[test]
fn derive_shared_secret_agrees_with_openssl() {
    let s = Scratch::new();
    let a = key(&s, "ECC_NIST_P256", Some("KEY_AGREEMENT"));
    let p = s.json(&["get-public-key", "--key-id", &a]);
    assert_eq!(p["KeyAgreementAlgorithms"], serde_json::json!(["ECDH"]));
    s.write("a.der", &unb64(p["PublicKey"].as_str().unwrap()));
    sh(
        &s,
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem\n\
         openssl pkey -in peer.pem -pubout -outform DER -out peer.der\n\
         openssl pkey -pubin -inform DER -in a.der -out a.pem\n\
         openssl pkeyutl -derive -inkey peer.pem -peerkey a.pem -out openssl.secret",
    );
    let d = s.json(&[
        "derive-shared-secret",
        "--key-id",
        &a,
        "--key-agreement-algorithm",
        "ECDH",
        "--public-key",
        "fileb://peer.der",
    ]);
    assert_eq!(
        unb64(d["SharedSecret"].as_str().unwrap()),
        std::fs::read(s.path("openssl.secret")).unwrap()
    );
    assert_eq!(d["KeyAgreementAlgorithm"], "ECDH");
    assert_eq!(d["KeyOrigin"], "AWS_KMS");

    let b = key(&s, "ECC_NIST_P256", Some("KEY_AGREEMENT"));
    let b_pub = s.json(&["get-public-key", "--key-id", &b])["PublicKey"]
        .as_str()
        .unwrap()
        .to_string();
    let a_pub = p["PublicKey"].as_str().unwrap();
    let secret = |k: &str, peer: &str| {
        s.ok(&[
            "derive-shared-secret",
            "--key-id",
            k,
            "--key-agreement-algorithm",
            "ECDH",
            "--public-key",
            peer,
            "--output",
            "text",
            "--query",
            "SharedSecret",
        ])
    };
    assert_eq!(secret(&a, &b_pub), secret(&b, a_pub));
    fails(
        &s,
        &[
            "derive-shared-secret",
            "--key-id",
            &a,
            "--key-agreement-algorithm",
            "ECDHE",
            "--public-key",
            &b_pub,
        ],
        12,
        "ValidationException",
        "DeriveSharedSecret",
    );
    fails(
        &s,
        &[
            "derive-shared-secret",
            "--key-id",
            &a,
            "--key-agreement-algorithm",
            "ECDH",
            "--public-key",
            "aGk=",
        ],
        12,
        "ValidationException",
        "DeriveSharedSecret",
    );
    let signer = key(&s, "ECC_NIST_P256", Some("SIGN_VERIFY"));
    fails(
        &s,
        &[
            "derive-shared-secret",
            "--key-id",
            &signer,
            "--key-agreement-algorithm",
            "ECDH",
            "--public-key",
            &b_pub,
        ],
        17,
        "InvalidKeyUsageException",
        "DeriveSharedSecret",
    );
}

#[test]
fn data_key_pairs() {
    let s = Scratch::new();
    let k = s.key();
    let p = s.json(&[
        "generate-data-key-pair",
        "--key-id",
        &k,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        "purpose=signing",
    ]);
    assert_eq!(p["KeyPairSpec"], "ECC_NIST_P256");
    assert!(p["KeyMaterialId"].is_string() && p["KeyId"].as_str().unwrap().ends_with(&k));
    // The blob is an ordinary one: decrypt (with the context) gives the PKCS#8 private key,
    // whose public half openssl derives to PublicKey.
    let private = unb64(p["PrivateKeyPlaintext"].as_str().unwrap());
    let opened = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        p["PrivateKeyCiphertextBlob"].as_str().unwrap(),
        "--encryption-context",
        "purpose=signing",
    ]);
    assert_eq!(unb64(opened["Plaintext"].as_str().unwrap()), private);
    s.write("private.der", &private);
    sh(
        &s,
        "openssl pkey -inform DER -in private.der -pubout -outform DER -out public.der",
    );
    assert_eq!(
        std::fs::read(s.path("public.der")).unwrap(),
        unb64(p["PublicKey"].as_str().unwrap())
    );

    let w = s.json(&[
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        &k,
        "--key-pair-spec",
        "RSA_2048",
    ]);
    assert!(w.get("PrivateKeyPlaintext").is_none());
    assert_eq!(w["KeyPairSpec"], "RSA_2048");
    let opened = s.json(&[
        "decrypt",
        "--ciphertext-blob",
        w["PrivateKeyCiphertextBlob"].as_str().unwrap(),
    ]);
    s.write("rsa.der", &unb64(opened["Plaintext"].as_str().unwrap()));
    sh(
        &s,
        "openssl pkey -inform DER -in rsa.der -pubout -outform DER -out rsa.pub.der",
    );
    assert_eq!(
        std::fs::read(s.path("rsa.pub.der")).unwrap(),
        unb64(w["PublicKey"].as_str().unwrap())
    );

    fails(
        &s,
        &[
            "generate-data-key-pair",
            "--key-id",
            &k,
            "--key-pair-spec",
            "RSA_1024",
        ],
        12,
        "ValidationException",
        "GenerateDataKeyPair",
    );
    let rsa = key(&s, "RSA_2048", Some("ENCRYPT_DECRYPT"));
    fails(
        &s,
        &[
            "generate-data-key-pair-without-plaintext",
            "--key-id",
            &rsa,
            "--key-pair-spec",
            "RSA_2048",
        ],
        17,
        "InvalidKeyUsageException",
        "GenerateDataKeyPairWithoutPlaintext",
    );
}

#[test]
fn other_signing_algorithms_round_trip() {
    let s = Scratch::new();
    for (spec, alg) in [
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
        ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
        ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
        ("ML_DSA_44", "ML_DSA_SHAKE_256"),
    ] {
        let k = key(&s, spec, Some("SIGN_VERIFY"));
        let sig = s.ok(&[
            "sign",
            "--key-id",
            &k,
            "--message",
            "aGVsbG8=",
            "--signing-algorithm",
            alg,
            "--output",
            "text",
            "--query",
            "Signature",
        ]);
        let v = s.json(&[
            "verify",
            "--key-id",
            &k,
            "--message",
            "aGVsbG8=",
            "--signing-algorithm",
            alg,
            "--signature",
            sig.trim(),
        ]);
        assert_eq!(v["SignatureValid"], true, "{spec} {alg}");
    }
}

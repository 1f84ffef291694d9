//! Imported key material is the backing key, byte for byte: material wrapped with AWS's openssl
//! procedure and imported into an `EXTERNAL` key makes blobs that tests/independent_decrypt.py
//! (written from docs/FORMAT.md, Python's `cryptography` only) decrypts given those 32 bytes,
//! with no test hook. The interpreter is `$STRONGROOM_PYTHON` (default `python3`); a missing
//! interpreter, `cryptography` package or openssl fails this test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use strongroom::{
    CreateKey, EncryptionContext, ExpirationModel, Keystore, Options, Origin, WrappingAlgorithm,
    WrappingKeySpec,
};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent_decrypt.py")
}

fn python(args: &[&str]) -> Output {
    let interpreter = std::env::var("STRONGROOM_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(&interpreter)
        .arg(script())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {interpreter:?}: {e}"))
}

fn sh(dir: &Path, command: &str) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    assert!(
        out.status.success(),
        "`{command}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn python_decrypts_blobs_under_imported_material() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let ks = Keystore::create(
        work.join("ks"),
        b"independent import",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let key = ks
        .create_key(&CreateKey {
            origin: Some(Origin::External),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let p = ks
        .get_parameters_for_import(
            &key,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
        .unwrap();
    std::fs::write(work.join("WrappingPublicKey.bin"), &p.public_key).unwrap();
    sh(work, "openssl rand -out PlaintextKeyMaterial.bin 32");
    sh(
        work,
        "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
         -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin \
         -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
    );
    let material = std::fs::read(work.join("PlaintextKeyMaterial.bin")).unwrap();
    assert_eq!(material.len(), 32);
    let encrypted = std::fs::read(work.join("EncryptedKeyMaterial.bin")).unwrap();
    ks.import_key_material(
        &key,
        &p.import_token,
        &encrypted,
        ExpirationModel::KeyMaterialDoesNotExpire,
        None,
    )
    .unwrap();

    let ctx = EncryptionContext::from_pairs([("tenant", "acme"), ("purpose", "byok")]).unwrap();
    let cases: [(&[u8], Option<&EncryptionContext>, Option<&str>); 3] = [
        (b"imported material decrypts independently", None, None),
        (
            b"with a context",
            Some(&ctx),
            Some(r#"{"purpose":"byok","tenant":"acme"}"#),
        ),
        (&[0xa5; 4096], None, Some("{}")),
    ];
    for (n, (plaintext, context, context_json)) in cases.into_iter().enumerate() {
        let blob = ks.encrypt(&key, plaintext, context).unwrap();
        // The blob names the key and backing-key version 1, the imported material.
        assert_eq!(hex(&blob[1..17]), key.replace('-', ""));
        assert_eq!(u32::from_le_bytes(blob[17..21].try_into().unwrap()), 1);
        let file = work.join(format!("blob-{n}.bin"));
        std::fs::write(&file, &blob).unwrap();
        let key_hex = hex(&material);
        let mut args = vec![key_hex.as_str(), file.to_str().unwrap()];
        args.extend(context_json);
        let out = python(&args);
        assert!(
            out.status.success(),
            "case {n}: the Python decryptor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, plaintext, "case {n}: plaintext differs");

        // Any other 32 bytes do not decrypt it.
        let mut wrong = material.clone();
        wrong[31] ^= 0x01;
        let wrong_hex = hex(&wrong);
        let mut args = vec![wrong_hex.as_str(), file.to_str().unwrap()];
        args.extend(context_json);
        let out = python(&args);
        assert_eq!(out.status.code(), Some(1), "case {n}: wrong key accepted");
        assert!(out.stdout.is_empty());
    }
    ks.close().unwrap();
}

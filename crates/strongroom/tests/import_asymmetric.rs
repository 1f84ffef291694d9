//! Importing asymmetric and HMAC key material (SPEC section 7, docs/import.md): keys made by
//! openssl (`openssl genpkey`, as AWS KMS's guide generates them) wrapped with the openssl
//! commands AWS documents, then used through strongroom and checked with openssl and the original
//! public key; HMAC material checked against an independent HMAC (ring). Every rule of the
//! per-spec table on both sides: which specs import, which wrapping algorithms and wrapping key
//! specs carry which material, the material's format (`IncorrectKeyMaterial`) and length
//! (`InvalidCiphertext`, as SPEC section 7 says), the same material for life, rotation refused.

mod common;

use common::{PASS, Scratch, assert_err, scratch};
use std::path::Path;
use std::process::Command;
use strongroom::{
    CreateKey, EncryptionAlgorithm, ExpirationModel, KeyAgreementAlgorithm, KeySpec, KeyState,
    KeyUsage, Keystore, MacAlgorithm, MessageType, Options, Origin, ParametersForImport,
    SigningAlgorithm, WrappingAlgorithm, WrappingKeySpec,
};

const NEVER: ExpirationModel = ExpirationModel::KeyMaterialDoesNotExpire;
const OAEP_256: WrappingAlgorithm = WrappingAlgorithm::RsaesOaepSha256;
const OAEP_1: WrappingAlgorithm = WrappingAlgorithm::RsaesOaepSha1;
const KW_256: WrappingAlgorithm = WrappingAlgorithm::RsaAesKeyWrapSha256;
const KW_1: WrappingAlgorithm = WrappingAlgorithm::RsaAesKeyWrapSha1;

fn store() -> (Scratch, Keystore) {
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &Options::insecure_fast_for_tests()).unwrap();
    (s, ks)
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

fn external(ks: &Keystore, spec: KeySpec, usage: Option<KeyUsage>) -> String {
    ks.create_key(&CreateKey {
        origin: Some(Origin::External),
        key_spec: Some(spec),
        key_usage: usage,
        ..Default::default()
    })
    .unwrap()
    .key_id
}

/// An openssl private key in `dir`: `<name>.der` (PKCS#8 DER, as AWS's guide makes it) and
/// `<name>.pub.pem` (its public key). `genpkey_args` are `genpkey`'s algorithm options.
fn openssl_key(dir: &Path, name: &str, genpkey_args: &str) -> Vec<u8> {
    sh(
        dir,
        &format!(
            "openssl genpkey {genpkey_args} | openssl pkcs8 -topk8 -outform der -nocrypt > {name}.der"
        ),
    );
    sh(
        dir,
        &format!("openssl pkey -inform DER -in {name}.der -pubout -out {name}.pub.pem"),
    );
    std::fs::read(dir.join(format!("{name}.der"))).unwrap()
}

const RSA_2048: &str = "-algorithm rsa -pkeyopt rsa_keygen_bits:2048";
const RSA_3072: &str = "-algorithm rsa -pkeyopt rsa_keygen_bits:3072";
const P256: &str = "-algorithm ec -pkeyopt ec_paramgen_curve:P-256";
const P384: &str = "-algorithm ec -pkeyopt ec_paramgen_curve:P-384";
const P521: &str = "-algorithm ec -pkeyopt ec_paramgen_curve:P-521";
const K256: &str = "-algorithm ec -pkeyopt ec_paramgen_curve:secp256k1";

/// Wraps `plain` with `alg` under the parameters' public key with the openssl commands of
/// docs/import.md (AWS's), in a directory of its own.
fn openssl_wrap(p: &ParametersForImport, alg: WrappingAlgorithm, plain: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("WrappingPublicKey.bin"), &p.public_key).unwrap();
    std::fs::write(d.join("PlaintextKeyMaterial.bin"), plain).unwrap();
    let md = match alg {
        OAEP_1 | KW_1 => "-pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1",
        _ => "-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
    };
    let rsa = |input: &str, output: &str| {
        format!(
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
             -in {input} -out {output} -pkeyopt rsa_padding_mode:oaep {md}"
        )
    };
    if alg.wraps_with_aes() {
        sh(d, "openssl rand -out aes-key.bin 32");
        sh(
            d,
            "openssl enc -id-aes256-wrap-pad -K $(xxd -p -c 256 aes-key.bin) -iv A65959A6 \
             -in PlaintextKeyMaterial.bin -out key_material_wrapped.bin",
        );
        sh(d, &rsa("aes-key.bin", "aes-key-wrapped.bin"));
        sh(
            d,
            "cat aes-key-wrapped.bin key_material_wrapped.bin > EncryptedKeyMaterial.bin",
        );
    } else {
        sh(
            d,
            &rsa("PlaintextKeyMaterial.bin", "EncryptedKeyMaterial.bin"),
        );
    }
    std::fs::read(d.join("EncryptedKeyMaterial.bin")).unwrap()
}

/// Imports `plain` into `key` with fresh parameters of `alg` and `wrapping`.
fn import(
    ks: &Keystore,
    key: &str,
    alg: WrappingAlgorithm,
    wrapping: WrappingKeySpec,
    plain: &[u8],
) -> strongroom::Result<strongroom::KeyMaterialId> {
    let p = ks.get_parameters_for_import(key, alg, wrapping)?;
    let encrypted = openssl_wrap(&p, alg, plain);
    ks.import_key_material(key, &p.import_token, &encrypted, NEVER, None)
}

/// Signs `message` with strongroom and verifies the signature with openssl and the ORIGINAL
/// public key `<name>.pub.pem` (so the imported key is the openssl key).
fn sign_and_openssl_verify(
    ks: &Keystore,
    key: &str,
    dir: &Path,
    name: &str,
    alg: SigningAlgorithm,
    openssl_opts: &str,
) {
    let message = b"signed by strongroom, checked by openssl";
    let sig = ks
        .sign(key, message, MessageType::Raw, alg)
        .unwrap()
        .signature;
    std::fs::write(dir.join("msg.bin"), message).unwrap();
    std::fs::write(dir.join("sig.bin"), &sig).unwrap();
    let digest = match alg {
        SigningAlgorithm::EcdsaSha384 | SigningAlgorithm::RsassaPssSha384 => "sha384",
        SigningAlgorithm::EcdsaSha512 => "sha512",
        _ => "sha256",
    };
    sh(
        dir,
        &format!(
            "openssl dgst -{digest} -verify {name}.pub.pem {openssl_opts} -signature sig.bin msg.bin"
        ),
    );
    // strongroom verifies its own signature, and refuses an altered one.
    ks.verify(key, message, MessageType::Raw, &sig, alg)
        .unwrap();
    let mut bad = sig.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_err(
        ks.verify(key, message, MessageType::Raw, &bad, alg),
        "KMSInvalidSignature",
    );
}

/// GetPublicKey returns the public key of the imported private key (openssl's, in DER).
fn same_public_key(ks: &Keystore, key: &str, dir: &Path, name: &str) {
    sh(
        dir,
        &format!("openssl pkey -pubin -in {name}.pub.pem -outform DER -out {name}.pub.der"),
    );
    let want = std::fs::read(dir.join(format!("{name}.pub.der"))).unwrap();
    assert_eq!(ks.get_public_key(key).unwrap().public_key, want);
}

#[test]
fn openssl_rsa_signing_key() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let der = openssl_key(dir.path(), "rsa", RSA_2048);
    let key = external(&ks, KeySpec::Rsa2048, Some(KeyUsage::SignVerify));
    assert_eq!(
        ks.describe_key(&key).unwrap().key_state,
        KeyState::PendingImport
    );
    // An RSA private key needs an RSA_AES_KEY_WRAP algorithm: RSAES_OAEP_* is refused up front.
    for alg in [OAEP_256, OAEP_1] {
        assert_err(
            ks.get_parameters_for_import(&key, alg, WrappingKeySpec::Rsa4096),
            "UnsupportedOperation",
        );
    }
    import(&ks, &key, KW_256, WrappingKeySpec::Rsa2048, &der).unwrap();
    assert_eq!(ks.describe_key(&key).unwrap().key_state, KeyState::Enabled);
    same_public_key(&ks, &key, dir.path(), "rsa");
    sign_and_openssl_verify(
        &ks,
        &key,
        dir.path(),
        "rsa",
        SigningAlgorithm::RsassaPssSha256,
        "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32",
    );
    sign_and_openssl_verify(
        &ks,
        &key,
        dir.path(),
        "rsa",
        SigningAlgorithm::RsassaPkcs1V15Sha256,
        "",
    );
    // Rotation stays refused, as for every imported and every asymmetric key.
    assert_err(ks.enable_key_rotation(&key, None), "UnsupportedOperation");
    assert_err(ks.rotate_key_on_demand(&key), "UnsupportedOperation");
}

#[test]
fn openssl_rsa_encryption_key_with_rsa_aes_key_wrap_sha_1() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let der = openssl_key(d, "rsa", RSA_3072);
    let key = external(&ks, KeySpec::Rsa3072, None);
    import(&ks, &key, KW_1, WrappingKeySpec::Rsa3072, &der).unwrap();
    same_public_key(&ks, &key, d, "rsa");
    // openssl encrypts with the original public key; strongroom decrypts.
    std::fs::write(d.join("secret.bin"), b"for the imported key").unwrap();
    sh(
        d,
        "openssl pkeyutl -encrypt -pubin -inkey rsa.pub.pem -in secret.bin -out secret.enc \
         -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
    );
    let ct = std::fs::read(d.join("secret.enc")).unwrap();
    let plain = ks
        .decrypt_with_algorithm(&ct, None, Some(&key), EncryptionAlgorithm::RsaesOaepSha256)
        .unwrap();
    assert_eq!(plain.plaintext.as_bytes(), b"for the imported key");
    // strongroom encrypts; openssl decrypts with the original private key.
    let enc = ks
        .encrypt_with_algorithm(&key, b"back", None, EncryptionAlgorithm::RsaesOaepSha1)
        .unwrap();
    std::fs::write(d.join("back.enc"), &enc.ciphertext_blob).unwrap();
    sh(
        d,
        "openssl pkeyutl -decrypt -inkey rsa.der -keyform DER -in back.enc -out back.bin \
         -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1",
    );
    assert_eq!(std::fs::read(d.join("back.bin")).unwrap(), b"back");
}

#[test]
fn openssl_ecc_signing_keys() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, args, spec, alg, wrapping, sig) in [
        (
            "p256",
            P256,
            KeySpec::EccNistP256,
            OAEP_256,
            WrappingKeySpec::Rsa2048,
            SigningAlgorithm::EcdsaSha256,
        ),
        (
            "p384",
            P384,
            KeySpec::EccNistP384,
            OAEP_1,
            WrappingKeySpec::Rsa2048,
            SigningAlgorithm::EcdsaSha384,
        ),
        // P-521 with RSAES_OAEP needs a wrapping key larger than RSA_2048.
        (
            "p521",
            P521,
            KeySpec::EccNistP521,
            OAEP_256,
            WrappingKeySpec::Rsa3072,
            SigningAlgorithm::EcdsaSha512,
        ),
        (
            "k256",
            K256,
            KeySpec::EccSecgP256k1,
            KW_256,
            WrappingKeySpec::Rsa2048,
            SigningAlgorithm::EcdsaSha256,
        ),
    ] {
        let der = openssl_key(d, name, args);
        let key = external(&ks, spec, Some(KeyUsage::SignVerify));
        import(&ks, &key, alg, wrapping, &der).unwrap_or_else(|e| panic!("{spec}: {e}"));
        same_public_key(&ks, &key, d, name);
        sign_and_openssl_verify(&ks, &key, d, name, sig, "");
    }
}

#[test]
fn p521_and_rsa_2048_wrapping_keys() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let der = openssl_key(dir.path(), "p521", P521);
    let key = external(&ks, KeySpec::EccNistP521, Some(KeyUsage::SignVerify));
    // RSAES_OAEP_* under RSA_2048 cannot carry a P-521 private key (AWS KMS's one exception).
    for alg in [OAEP_256, OAEP_1] {
        assert_err(
            ks.get_parameters_for_import(&key, alg, WrappingKeySpec::Rsa2048),
            "UnsupportedOperation",
        );
    }
    // The larger wrapping keys with RSAES_OAEP_SHA_1, and RSA_2048 with a key-wrap algorithm.
    import(&ks, &key, OAEP_1, WrappingKeySpec::Rsa4096, &der).unwrap();
    ks.delete_imported_key_material(&key).unwrap();
    import(&ks, &key, KW_1, WrappingKeySpec::Rsa2048, &der).unwrap();
    assert_eq!(ks.describe_key(&key).unwrap().key_state, KeyState::Enabled);
}

#[test]
fn openssl_key_agreement_key() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let der = openssl_key(d, "mine", P384);
    openssl_key(d, "peer", P384);
    let key = external(&ks, KeySpec::EccNistP384, Some(KeyUsage::KeyAgreement));
    import(&ks, &key, OAEP_256, WrappingKeySpec::Rsa2048, &der).unwrap();
    same_public_key(&ks, &key, d, "mine");
    sh(
        d,
        "openssl pkey -pubin -in peer.pub.pem -outform DER -out peer.pub.der && \
         openssl pkeyutl -derive -inkey peer.der -keyform DER -peerkey mine.pub.pem -out shared.bin",
    );
    let peer = std::fs::read(d.join("peer.pub.der")).unwrap();
    let secret = ks
        .derive_shared_secret(&key, KeyAgreementAlgorithm::Ecdh, &peer)
        .unwrap();
    assert_eq!(
        secret.shared_secret.as_bytes(),
        std::fs::read(d.join("shared.bin")).unwrap().as_slice()
    );
}

fn ring_hmac(alg: MacAlgorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    let alg = match alg {
        MacAlgorithm::HmacSha256 => ring::hmac::HMAC_SHA256,
        MacAlgorithm::HmacSha384 => ring::hmac::HMAC_SHA384,
        MacAlgorithm::HmacSha512 => ring::hmac::HMAC_SHA512,
        other => unreachable!("ring has no {other}"),
    };
    ring::hmac::sign(&ring::hmac::Key::new(alg, key), message)
        .as_ref()
        .to_vec()
}

#[test]
fn hmac_material_of_every_allowed_length() {
    let (_s, ks) = store();
    let message = b"mac me";
    for (spec, alg, min) in [
        (KeySpec::Hmac256, MacAlgorithm::HmacSha256, 32),
        (KeySpec::Hmac384, MacAlgorithm::HmacSha384, 48),
        (KeySpec::Hmac512, MacAlgorithm::HmacSha512, 64),
    ] {
        // The shortest and the longest allowed (the spec's size and 1024 bits).
        for len in [min, strongroom::MAX_HMAC_IMPORT_LEN] {
            let key = external(&ks, spec, None);
            let m: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            let wrap = if len > 100 { KW_256 } else { OAEP_256 };
            import(&ks, &key, wrap, WrappingKeySpec::Rsa2048, &m).unwrap();
            let mac = ks.generate_mac(&key, message, alg).unwrap().mac;
            assert_eq!(mac, ring_hmac(alg, &m, message), "{spec} {len}");
            ks.verify_mac(&key, message, alg, &mac).unwrap();
        }
    }
    // HMAC-SHA-224, which ring lacks: against openssl.
    let dir = tempfile::tempdir().unwrap();
    let m = [0x5a_u8; 28];
    let key = external(&ks, KeySpec::Hmac224, None);
    import(&ks, &key, KW_1, WrappingKeySpec::Rsa3072, &m).unwrap();
    std::fs::write(dir.path().join("msg.bin"), message).unwrap();
    let out = Command::new("openssl")
        .args([
            "dgst",
            "-sha224",
            "-mac",
            "HMAC",
            "-macopt",
            &format!("hexkey:{}", "5a".repeat(28)),
            "-binary",
            "msg.bin",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mac = ks
        .generate_mac(&key, message, MacAlgorithm::HmacSha224)
        .unwrap()
        .mac;
    assert_eq!(mac, out.stdout);
}

/// An import of `plain` into `key` that must fail with `error`, using the token up and changing
/// nothing.
fn refused(
    ks: &Keystore,
    key: &str,
    alg: WrappingAlgorithm,
    wrapping: WrappingKeySpec,
    plain: &[u8],
    error: &str,
) {
    let before = ks.describe_key(key).unwrap().key_state;
    let p = ks.get_parameters_for_import(key, alg, wrapping).unwrap();
    let encrypted = openssl_wrap(&p, alg, plain);
    assert_err(
        ks.import_key_material(key, &p.import_token, &encrypted, NEVER, None),
        error,
    );
    assert_err(
        ks.import_key_material(key, &p.import_token, &encrypted, NEVER, None),
        "InvalidImportToken",
    );
    assert_eq!(ks.describe_key(key).unwrap().key_state, before);
}

#[test]
fn material_that_does_not_fit_the_key_spec() {
    let (_s, ks) = store();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p256 = openssl_key(d, "p256", P256);
    let p384 = openssl_key(d, "p384", P384);
    let k256 = openssl_key(d, "k256", K256);
    let rsa = openssl_key(d, "rsa", RSA_2048);
    let bad = "IncorrectKeyMaterial";
    let w = WrappingKeySpec::Rsa2048;

    // Wrong curve, wrong family, garbage DER, a truncated and an extended key.
    let ecc = external(&ks, KeySpec::EccNistP256, Some(KeyUsage::SignVerify));
    refused(&ks, &ecc, OAEP_256, w, &p384, bad);
    refused(&ks, &ecc, OAEP_256, w, &k256, bad);
    refused(&ks, &ecc, KW_256, w, &rsa, bad);
    refused(&ks, &ecc, OAEP_256, w, &[0x30; 100], bad);
    refused(&ks, &ecc, OAEP_256, w, &p256[..p256.len() - 1], bad);
    let mut longer = p256.clone();
    longer.push(0);
    refused(&ks, &ecc, OAEP_256, w, &longer, bad);
    // 32 raw bytes (a symmetric key) are no ECC key either.
    refused(&ks, &ecc, OAEP_256, w, &[7; 32], bad);
    import(&ks, &ecc, OAEP_256, w, &p256).unwrap();

    // The wrong modulus size: RSA-2048 material for an RSA_3072 key.
    let rsa3 = external(&ks, KeySpec::Rsa3072, Some(KeyUsage::SignVerify));
    refused(&ks, &rsa3, KW_256, w, &rsa, bad);
    refused(&ks, &rsa3, KW_256, w, &p256, bad);

    // HMAC lengths: one byte short of the spec's size, one over 128 (the wrong length:
    // InvalidCiphertext, as SPEC section 7 says of symmetric material).
    let short = "InvalidCiphertext";
    let h224 = external(&ks, KeySpec::Hmac224, None);
    refused(&ks, &h224, KW_256, w, &[1; 27], short);
    refused(&ks, &h224, KW_256, w, &[1; 129], short);
    let h512 = external(&ks, KeySpec::Hmac512, None);
    refused(&ks, &h512, OAEP_256, w, &[1; 63], short);
    import(&ks, &h224, KW_256, w, &[1; 28]).unwrap();
    import(&ks, &h512, OAEP_256, w, &[1; 64]).unwrap();

    // Symmetric material is exactly 32 bytes: 31 and 33 decrypt but do not fit.
    let sym = external(&ks, KeySpec::SymmetricDefault, None);
    refused(&ks, &sym, OAEP_256, w, &[1; 31], short);
    refused(&ks, &sym, KW_1, w, &[1; 33], short);
    refused(&ks, &sym, KW_256, w, &p256, short);
    import(&ks, &sym, KW_1, w, &[1; 32]).unwrap();
}

#[test]
fn unimportable_specs() {
    let (_s, ks) = store();
    for spec in [
        KeySpec::EccNistEdwards25519,
        KeySpec::MlDsa44,
        KeySpec::MlDsa65,
        KeySpec::MlDsa87,
    ] {
        assert_err(
            ks.create_key(&CreateKey {
                origin: Some(Origin::External),
                key_spec: Some(spec),
                ..Default::default()
            }),
            "UnsupportedOperation",
        );
    }
    assert_eq!(ks.list_keys().unwrap().len(), 0);
}

#[test]
fn the_same_key_for_life_across_deletion_and_reopen() {
    let s = scratch();
    let opts = Options::insecure_fast_for_tests();
    let ks = Keystore::create(&s.path, PASS, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let der = openssl_key(d, "k", P256);
    let other = openssl_key(d, "other", P256);
    let key = external(&ks, KeySpec::EccNistP256, Some(KeyUsage::SignVerify));
    import(&ks, &key, OAEP_256, WrappingKeySpec::Rsa2048, &der).unwrap();
    let public = ks.get_public_key(&key).unwrap().public_key;
    // Different material, while the key has its own: IncorrectKeyMaterial.
    refused(
        &ks,
        &key,
        OAEP_256,
        WrappingKeySpec::Rsa2048,
        &other,
        "IncorrectKeyMaterial",
    );
    ks.delete_imported_key_material(&key).unwrap();
    assert_eq!(
        ks.describe_key(&key).unwrap().key_state,
        KeyState::PendingImport
    );
    assert_err(
        ks.sign(&key, b"m", MessageType::Raw, SigningAlgorithm::EcdsaSha256),
        "InvalidState",
    );
    assert_err(ks.get_public_key(&key), "InvalidState");
    // After deletion too: only the same private key brings it back.
    refused(
        &ks,
        &key,
        KW_256,
        WrappingKeySpec::Rsa2048,
        &other,
        "IncorrectKeyMaterial",
    );
    import(&ks, &key, KW_256, WrappingKeySpec::Rsa4096, &der).unwrap();
    assert_eq!(ks.get_public_key(&key).unwrap().public_key, public);
    // Sealed in the file like every version: the private key is not there in the clear, and it
    // survives a reopen.
    ks.close().unwrap();
    // The private scalar of openssl's P-256 PKCS#8: OCTET STRING of 32 bytes at offset 36.
    assert_eq!(der[34..36], [0x04, 0x20]);
    let scalar = &der[36..68];
    let file = std::fs::read(&s.path).unwrap();
    assert!(!file.windows(scalar.len()).any(|w| w == scalar));
    let ks = Keystore::open(&s.path, PASS, &opts).unwrap();
    assert_eq!(ks.get_public_key(&key).unwrap().public_key, public);
    sign_and_openssl_verify(&ks, &key, d, "k", SigningAlgorithm::EcdsaSha256, "");
    assert_err(ks.rotate_key_on_demand(&key), "UnsupportedOperation");
}

//! Asymmetric and HMAC keys next to the raw aws-lc-rs call on a fixed key in the same run
//! (issue 21's target: at least 0.8x for Sign ECDSA P-256 and Ed25519, Verify and GenerateMac;
//! RSA-2048 and ML-DSA-65 Sign reported the same way). strongroom's side is the whole call:
//! the key lookup, the state and usage checks, the audit event (at its default level) and the
//! last-use record. Messages are 32 bytes, RAW.
//!
//! Run by hand: `cargo bench --bench asymmetric`

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, PqdsaKeyPair, RsaKeyPair, UnparsedPublicKey,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use strongroom::{
    AuditLevel, AuditOptions, CreateKey, KeySpec, KeyUsage, Keystore, MacAlgorithm, MessageType,
    Options, SigningAlgorithm,
};

const MSG: &[u8; 32] = b"release-2026.12.04-sha256-digest";

fn key(ks: &Keystore, spec: KeySpec, usage: KeyUsage) -> String {
    ks.create_key(&CreateKey {
        key_spec: Some(spec),
        key_usage: Some(usage),
        ..Default::default()
    })
    .unwrap()
    .key_id
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"pw",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let rng = SystemRandom::new();
    let raw = MessageType::Raw;

    let mut g = c.benchmark_group("sign-ecdsa-p256");
    let k = key(&ks, KeySpec::EccNistP256, KeyUsage::SignVerify);
    let alg = SigningAlgorithm::EcdsaSha256;
    let pair = EcdsaKeyPair::generate(&sig::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| pair.sign(&rng, black_box(MSG)).unwrap())
    });
    g.bench_function("strongroom", |b| {
        b.iter(|| ks.sign(&k, black_box(MSG), raw, alg).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("verify-ecdsa-p256");
    let signature = pair.sign(&rng, MSG).unwrap();
    let public = UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_ASN1, pair.public_key().as_ref());
    let ours = ks.sign(&k, MSG, raw, alg).unwrap().signature;
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| public.verify(black_box(MSG), signature.as_ref()).unwrap())
    });
    g.bench_function("strongroom", |b| {
        b.iter(|| ks.verify(&k, black_box(MSG), raw, &ours, alg).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("sign-ed25519");
    let k = key(&ks, KeySpec::EccNistEdwards25519, KeyUsage::SignVerify);
    let pair = Ed25519KeyPair::generate().unwrap();
    g.bench_function("aws-lc-rs", |b| b.iter(|| pair.sign(black_box(MSG))));
    g.bench_function("strongroom", |b| {
        b.iter(|| {
            ks.sign(&k, black_box(MSG), raw, SigningAlgorithm::Ed25519Sha512)
                .unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("generate-mac-hmac-256");
    let k = key(&ks, KeySpec::Hmac256, KeyUsage::GenerateVerifyMac);
    let mac_key = hmac::Key::new(hmac::HMAC_SHA256, &[7u8; 32]);
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| hmac::sign(&mac_key, black_box(MSG)))
    });
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &[7u8; 32]);
    g.bench_function("ring", |b| {
        b.iter(|| ring::hmac::sign(&ring_key, black_box(MSG)))
    });
    g.bench_function("strongroom", |b| {
        b.iter(|| {
            ks.generate_mac(&k, black_box(MSG), MacAlgorithm::HmacSha256)
                .unwrap()
        })
    });
    // The same call with the audit trail off, as the core bench measures encrypt.
    let quiet_dir = tempfile::tempdir().unwrap();
    let quiet = Keystore::create(
        quiet_dir.path().join("ks"),
        b"pw",
        &Options {
            audit: AuditOptions {
                level: AuditLevel::Off,
                ..Default::default()
            },
            ..Options::insecure_fast_for_tests()
        },
    )
    .unwrap();
    let qk = key(&quiet, KeySpec::Hmac256, KeyUsage::GenerateVerifyMac);
    g.bench_function("strongroom-audit-off", |b| {
        b.iter(|| {
            quiet
                .generate_mac(&qk, black_box(MSG), MacAlgorithm::HmacSha256)
                .unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sign-rsa-2048-pss");
    let k = key(&ks, KeySpec::Rsa2048, KeyUsage::SignVerify);
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let mut out = vec![0u8; pair.public_modulus_len()];
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            pair.sign(&sig::RSA_PSS_SHA256, &rng, black_box(MSG), &mut out)
                .unwrap()
        })
    });
    g.bench_function("strongroom", |b| {
        b.iter(|| {
            ks.sign(&k, black_box(MSG), raw, SigningAlgorithm::RsassaPssSha256)
                .unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sign-ml-dsa-65");
    let k = key(&ks, KeySpec::MlDsa65, KeyUsage::SignVerify);
    let pair = PqdsaKeyPair::generate(&sig::ML_DSA_65_SIGNING).unwrap();
    let mut out = vec![0u8; pair.algorithm().signature_len()];
    g.bench_function("aws-lc-rs", |b| {
        b.iter(|| pair.sign(black_box(MSG), &mut out).unwrap())
    });
    g.bench_function("strongroom", |b| {
        b.iter(|| {
            ks.sign(&k, black_box(MSG), raw, SigningAlgorithm::MlDsaShake256)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Core benchmarks, each next to its reference in the same run:
//! - `encrypt` / `decrypt` at 32 B and 4 KiB with a 64-byte encryption context, next to a raw
//!   `ring` AES-256-GCM seal (fixed key, 64-byte AAD, output in a new buffer);
//! - `encrypt` on 1 and 2 threads (same key, and one key per thread);
//! - `encrypt` at 32 B with the audit trail `off`, `summary` and `full`;
//! - `open` next to the Argon2id derivation alone (default cost), with 1 and with 100,000 keys;
//! - `get_secret_value` at 64 B and 4 KiB next to `decrypt` of a blob of the same size with a
//!   context of the same shape (issue 22's target: at least 0.5x), audit trail at its default.
//!
//! Run by hand: `cargo bench --bench core` (the 100,000-key fixture is built once, under
//! target/bench-fixtures, and takes a few minutes the first time).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use strongroom::{
    AuditLevel, AuditOptions, BLOB_OVERHEAD, CreateKey, CreateSecret, EncryptionContext, KdfParams,
    Keystore, Options, SecretValueInput, secret_value,
};

const PASS: &[u8] = b"benchmark passphrase";

fn context() -> EncryptionContext {
    // Two pairs whose canonical encoding's pair data is 64 bytes.
    EncryptionContext::from_pairs([
        ("tenant", "acme-corporation-eu-west"),
        ("purpose", "benchmark-payload-ctx"),
    ])
    .unwrap()
}

fn scratch(kdf: &Options) -> (tempfile::TempDir, Keystore, String) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(dir.path().join("bench.strongroom"), PASS, kdf).unwrap();
    let key = ks.create_key(&CreateKey::default()).unwrap().key_id;
    (dir, ks, key)
}

/// The core's crypto path without the audit trail (the `audit-encrypt-32B` group adds it).
fn no_audit() -> Options {
    Options {
        audit: AuditOptions {
            level: AuditLevel::Off,
            ..Default::default()
        },
        ..Options::insecure_fast_for_tests()
    }
}

fn crypto(c: &mut Criterion) {
    let (_dir, ks, key) = scratch(&no_audit());
    let ctx = context();
    let ring_key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[7u8; 32]).unwrap());
    let aad = [0x5au8; 64];
    for size in [32usize, 4096] {
        let mut g = c.benchmark_group(format!("crypto-{size}B"));
        g.throughput(Throughput::Bytes(size as u64));
        let pt = vec![0x42u8; size];
        g.bench_function("ring-aes256gcm-seal", |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(size + 16);
                out.extend_from_slice(black_box(&pt));
                let tag = ring_key
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key([1; 12]),
                        Aad::from(&aad),
                        &mut out,
                    )
                    .unwrap();
                out.extend_from_slice(tag.as_ref());
                out
            })
        });
        g.bench_function("strongroom-encrypt", |b| {
            b.iter(|| ks.encrypt(&key, black_box(&pt), Some(&ctx)).unwrap())
        });
        let blob = ks.encrypt(&key, &pt, Some(&ctx)).unwrap();
        g.bench_function("strongroom-decrypt", |b| {
            b.iter(|| ks.decrypt(black_box(&blob), Some(&ctx), None).unwrap())
        });
        // The same calls writing into the caller's buffers (the Python binding's path).
        let mut out = vec![0u8; size + BLOB_OVERHEAD];
        g.bench_function("strongroom-encrypt-into", |b| {
            b.iter(|| {
                ks.encrypt_into(&key, black_box(&pt), Some(&ctx), &mut out)
                    .unwrap()
            })
        });
        g.bench_function("strongroom-decrypt-into", |b| {
            b.iter(|| {
                ks.decrypt_into(black_box(&blob), Some(&ctx), None, &mut out)
                    .unwrap()
            })
        });
        // Another thread's blob: no cached session, so the per-nonce key is derived.
        let foreign = std::thread::scope(|s| {
            s.spawn(|| ks.encrypt(&key, &pt, Some(&ctx)).unwrap())
                .join()
                .unwrap()
        });
        g.bench_function("strongroom-decrypt-uncached", |b| {
            b.iter(|| ks.decrypt(black_box(&foreign), Some(&ctx), None).unwrap())
        });
        g.finish();
    }
}

/// Encryptions per second on `threads` threads, each running `iters` calls.
fn threaded(ks: &Keystore, keys: &[String], threads: usize, iters: u64, size: usize) -> Duration {
    let ctx = context();
    let pt = vec![1u8; size];
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let key = &keys[t % keys.len()];
            let (ctx, pt) = (&ctx, &pt);
            s.spawn(move || {
                for _ in 0..iters {
                    black_box(ks.encrypt(key, pt, Some(ctx)).unwrap());
                }
            });
        }
    });
    start.elapsed()
}

fn threads(c: &mut Criterion) {
    let (_dir, ks, key) = scratch(&no_audit());
    let other = ks.create_key(&CreateKey::default()).unwrap().key_id;
    for size in [32usize, 4096] {
        let mut g = c.benchmark_group(format!("threads-encrypt-{size}B"));
        for (label, threads, keys) in [
            ("1-thread", 1usize, vec![key.clone()]),
            ("2-threads-same-key", 2, vec![key.clone()]),
            ("2-threads-two-keys", 2, vec![key.clone(), other.clone()]),
        ] {
            g.throughput(Throughput::Elements(threads as u64));
            g.bench_function(BenchmarkId::from_parameter(label), |b| {
                b.iter_custom(|iters| threaded(&ks, &keys, threads, iters, size))
            });
        }
        g.finish();
    }
}

/// Encrypt at 32 B with the audit trail at each level, in one run.
fn audit_levels(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit-encrypt-32B");
    g.throughput(Throughput::Elements(1));
    let ctx = context();
    let pt = [0x42u8; 32];
    for (label, level) in [
        ("off", AuditLevel::Off),
        ("summary", AuditLevel::Summary),
        ("full", AuditLevel::Full),
    ] {
        let opts = Options {
            audit: AuditOptions {
                level,
                ..Default::default()
            },
            ..Options::insecure_fast_for_tests()
        };
        let (_dir, ks, key) = scratch(&opts);
        g.bench_function(label, |b| {
            b.iter(|| ks.encrypt(&key, black_box(&pt), Some(&ctx)).unwrap())
        });
        ks.close().unwrap();
    }
    g.finish();
}

fn fixture_100k() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../bench-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("100k-keys.strongroom");
    if !path.exists() {
        let tmp = dir.join("100k-keys.partial");
        let _ = std::fs::remove_file(&tmp);
        let opts = Options {
            max_keys: 200_000,
            ..Options::default()
        };
        let ks = Keystore::create(&tmp, PASS, &opts).unwrap();
        let t = Instant::now();
        for i in 0..100_000 {
            ks.create_key(&CreateKey::default()).unwrap();
            if i % 10_000 == 0 {
                eprintln!("fixture: {i} keys after {:?}", t.elapsed());
            }
        }
        ks.close().unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn open(c: &mut Criterion) {
    let mut g = c.benchmark_group("open");
    g.sample_size(10);
    let kdf = KdfParams::default();
    g.bench_function("argon2id-alone-64MiB-t3-p4", |b| {
        let argon = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(kdf.m_cost_kib, kdf.t_cost, kdf.p_cost, Some(32)).unwrap(),
        );
        b.iter(|| {
            let mut out = [0u8; 32];
            argon
                .hash_password_into(PASS, &[9u8; 32], &mut out)
                .unwrap();
            out
        })
    });
    let (dir, ks, _key) = scratch(&Options::default());
    let one = ks.path().to_path_buf();
    ks.close().unwrap();
    g.bench_function("open-1-key", |b| {
        b.iter(|| {
            Keystore::open(&one, PASS, &Options::default())
                .unwrap()
                .close()
                .unwrap()
        })
    });
    let many = fixture_100k();
    let opts = Options {
        max_keys: 200_000,
        ..Options::default()
    };
    g.bench_function("open-100000-keys", |b| {
        b.iter(|| Keystore::open(&many, PASS, &opts).unwrap().close().unwrap())
    });
    g.finish();
    drop(dir);
}

/// A secret's value read, against the decrypt it is built on: a secret version is a data key
/// decrypted under the KMS key plus an AES-GCM open, so `get_secret_value` does one more AEAD
/// open than `decrypt` of a blob of the value's size.
fn secrets(c: &mut Criterion) {
    let (_dir, ks, key) = scratch(&Options::insecure_fast_for_tests());
    for size in [64usize, 4096] {
        let mut g = c.benchmark_group(format!("secrets-{size}B"));
        g.throughput(Throughput::Bytes(size as u64));
        let value = vec![0x42u8; size];
        let name = format!("bench/{size}");
        let made = ks
            .create_secret(&CreateSecret {
                name: name.clone(),
                kms_key_id: Some(key.clone()),
                value: secret_value(SecretValueInput {
                    secret_binary: Some(&value),
                    ..Default::default()
                })
                .unwrap(),
                ..Default::default()
            })
            .unwrap();
        let ctx = EncryptionContext::from_pairs([
            ("SecretARN", made.arn.as_str()),
            ("SecretVersionId", made.version_id.as_deref().unwrap()),
        ])
        .unwrap();
        let blob = ks.encrypt(&key, &value, Some(&ctx)).unwrap();
        g.bench_function("strongroom-decrypt", |b| {
            b.iter(|| ks.decrypt(black_box(&blob), Some(&ctx), None).unwrap())
        });
        g.bench_function("strongroom-get-secret-value", |b| {
            b.iter(|| ks.get_secret_value(black_box(&name), None, None).unwrap())
        });
        g.finish();
    }
}

criterion_group!(benches, crypto, threads, audit_levels, open, secrets);
criterion_main!(benches);

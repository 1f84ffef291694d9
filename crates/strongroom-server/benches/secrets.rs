//! `GetSecretValue` through the server's request handling against its `Decrypt` of a blob of
//! the same size (issue 22's target: at least 0.5x), both as a user through `protocol::handle`
//! (the permission check, the request JSON, the core's call and its audit event, the response
//! JSON). No sockets and no SigV4, which cost both the same.
//! Run: cargo bench -p strongroom-server --bench secrets

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use strongroom::{Keystore, Options, Principal};
use strongroom_server::protocol::{TARGET_PREFIX, handle, operation, secrets};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::default()).unwrap();
    ks.create_user("app").unwrap();
    let caller = Principal::user(ks.aws_account_id(), "app");
    let call = |target: String, body: &[u8]| {
        let reply = handle(&ks, &caller, operation(Some(&target)).unwrap(), body);
        assert_eq!(reply.status, 200);
        serde_json::from_slice::<Value>(&reply.body).unwrap()
    };
    let kms = |op: &str| format!("{TARGET_PREFIX}{op}");
    let sm = |op: &str| format!("{}{op}", secrets::TARGET_PREFIX);
    let key = call(kms("CreateKey"), b"{}")["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    for size in [64usize, 4096] {
        let mut g = c.benchmark_group(format!("server-secrets-{size}B"));
        g.throughput(Throughput::Bytes(size as u64));
        let value = BASE64.encode(vec![0x42u8; size]);
        let name = format!("bench/{size}");
        let made = call(
            sm("CreateSecret"),
            json!({"Name": name, "KmsKeyId": key, "SecretBinary": value})
                .to_string()
                .as_bytes(),
        );
        let ctx = json!({"SecretARN": made["ARN"], "SecretVersionId": made["VersionId"]});
        let blob = call(
            kms("Encrypt"),
            json!({"KeyId": key, "Plaintext": value, "EncryptionContext": ctx})
                .to_string()
                .as_bytes(),
        )["CiphertextBlob"]
            .clone();
        let decrypt = json!({"CiphertextBlob": blob, "EncryptionContext": ctx}).to_string();
        let get = json!({"SecretId": name}).to_string();
        let (decrypt_op, get_op) = (
            operation(Some(&kms("Decrypt"))).unwrap(),
            operation(Some(&sm("GetSecretValue"))).unwrap(),
        );
        g.bench_function("Decrypt", |b| {
            b.iter(|| handle(&ks, &caller, decrypt_op, black_box(decrypt.as_bytes())))
        });
        g.bench_function("GetSecretValue", |b| {
            b.iter(|| handle(&ks, &caller, get_op, black_box(get.as_bytes())))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

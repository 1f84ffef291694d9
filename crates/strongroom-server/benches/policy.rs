//! A key policy check's share of a request (issue 20's target: below 10% with a 10-statement
//! policy): `Keystore::authorize` alone, against a whole `Encrypt` of 32 B with an encryption
//! context handled in process by `protocol::handle` (the check, the request JSON, the core's
//! Encrypt and its audit event, the response JSON), as the user `bench`, whose permission is the
//! policy's last statement. The same Encrypt on a key with the default policy (one statement) is
//! beside it. No sockets and no SigV4: benches/server/run.sh measures the HTTP round trip with
//! this policy.
//! Run: cargo bench -p strongroom-server --bench policy

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use strongroom::{
    AccessRequest, CreateKey, EncryptionContext, Keystore, Operation, Options, Principal,
};
use strongroom_server::protocol::{TARGET_PREFIX, handle, operation};

const ACCOUNT: &str = "111122223333";
/// Ten statements in the shape of AWS's documented examples (administrators, two Denies whose
/// conditions do not hold for the request, other users' rights) and last the Allow the caller
/// `bench` needs, with a condition on the encryption context, so that every statement is
/// evaluated. benches/server/run.sh serves a key with the same policy.
const TEN_STATEMENTS: &str = include_str!("../../../benches/server/ten-statement-policy.json");

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::default()).unwrap();
    for name in ["admin", "bench", "ops", "auditor", "signer"] {
        ks.create_user(name).unwrap();
    }
    let guarded = ks
        .create_key(&CreateKey {
            description: "ten statements".into(),
            policy: Some(TEN_STATEMENTS.into()),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let default = ks.create_key(&CreateKey::default()).unwrap().key_id;
    let caller = Principal::user(ACCOUNT, "bench");
    let encrypt = operation(Some(&format!("{TARGET_PREFIX}Encrypt"))).unwrap();
    let body = |key: &str| {
        json!({"KeyId": key, "Plaintext": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
               "EncryptionContext": {"app": "bench", "tenant": "42"}})
        .to_string()
        .into_bytes()
    };
    let (guarded_body, default_body) = (body(&guarded), body(&default));
    for b in [&guarded_body, &default_body] {
        assert_eq!(handle(&ks, &caller, encrypt, b).status, 200);
    }
    let context = EncryptionContext::from_pairs([("app", "bench"), ("tenant", "42")]).unwrap();
    let request = AccessRequest {
        operation: Operation::Encrypt,
        action: "Encrypt",
        key_id: &guarded,
        encryption_context: Some(&context),
        grant_tokens: &[],
        grant_operations: &[],
    };
    ks.authorize(&caller, &request).unwrap();

    let mut g = c.benchmark_group("policy");
    g.bench_function("authorize, 10 statements", |b| {
        b.iter(|| {
            ks.authorize(black_box(&caller), black_box(&request))
                .unwrap()
        })
    });
    g.bench_function("Encrypt request, 10-statement policy", |b| {
        b.iter(|| handle(&ks, &caller, encrypt, black_box(&guarded_body)))
    });
    g.bench_function("Encrypt request, default policy", |b| {
        b.iter(|| handle(&ks, &caller, encrypt, black_box(&default_body)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The `server_request` fuzz target's body (strongroom_server::fuzz) on hand-made inputs and a
//! bounded number of pseudo-random mutations of them, so CI checks the property without
//! cargo-fuzz (scripts/fuzz-ci runs the real target).

use std::sync::Arc;
use strongroom::{Keystore, Options};
use strongroom_server::fuzz::{Servers, server_request};

fn input(flags: u8, fields: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![flags];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            v.push(0);
        }
        v.extend_from_slice(f);
    }
    v
}

#[test]
fn hand_made_and_mutated_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"fuzz",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let servers = Servers::new(Arc::new(ks));
    let auth: &[u8] = b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request, \
SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";
    let seeds: Vec<Vec<u8>> = vec![
        vec![],
        vec![0],
        input(6, &[b"CreateKey", b"", b"", b"", b"{}"]),
        input(6, &[b"ListKeys", b"", b"", b"", b"{\"Limit\":1}"]),
        input(
            6,
            &[
                b"GenerateRandom",
                b"",
                b"",
                b"",
                b"{\"NumberOfBytes\":1024}",
            ],
        ),
        input(
            6,
            &[
                b"Encrypt",
                b"",
                b"",
                b"",
                b"{\"KeyId\":\"alias/x\",\"Plaintext\":\"AA==\"}",
            ],
        ),
        input(
            6,
            &[b"Decrypt", b"", b"", b"", b"{\"CiphertextBlob\":\"AAAA\"}"],
        ),
        input(6, &[b"Encrypt", b"", b"", b"", b"{\"KeyId\":"]),
        input(6, &[b"Encrypt", b"", b"", b"", b"[1,2,3]"]),
        input(6, &[b"Encrypt", b"", b"", b"", &[0xff, 0xfe, b'{']]),
        input(2, &[b"Encrypt", b"text/plain", b"", b"", b"{}"]),
        input(6, &[b"Sign", b"", b"", b"", b"{}"]),
        input(4, &[b"Foo.Bar", b"", b"", b"", b"{}"]),
        input(14, &[b"ListKeys", b"", b"", b"", b"{}"]),
        input(7, &[b"ListKeys", b"", auth, b"20260101T000000Z", b"{}"]),
        input(
            7,
            &[
                b"ListKeys",
                b"",
                b"AWS4-HMAC-SHA256 Credential=",
                b"x",
                b"{}",
            ],
        ),
        input(
            7,
            &[b"ListKeys", b"", b"AWS4-HMAC-SHA256 \xff\xfe", b"", b"{}"],
        ),
        input(7, &[b"ListKeys", b"", b"", b"", b"{}"]),
        input(22, &[b"ListKeys", b"", b"", b"", b"{}"]),
        input(54, &[b"ListKeys", b"", b"", b"", b"{}"]),
        input(6, &[b"ListKeys", b"", b"", b"", &vec![b' '; 70_000]]),
        input(
            6,
            &[
                b"CreateAlias",
                b"",
                b"",
                b"",
                b"{\"AliasName\":\"alias/\\u0000\",\"TargetKeyId\":\"\"}",
            ],
        ),
        input(
            6,
            &[
                b"ScheduleKeyDeletion",
                b"",
                b"",
                b"",
                b"{\"KeyId\":\"1\",\"PendingWindowInDays\":1e999}",
            ],
        ),
        input(
            6,
            &[
                b"GenerateDataKey",
                b"",
                b"",
                b"",
                b"{\"KeyId\":\"x\",\"NumberOfBytes\":-1}",
            ],
        ),
        input(
            6,
            &[
                b"ImportKeyMaterial",
                b"",
                b"",
                b"",
                b"{\"KeyId\":\"x\",\"ImportToken\":\"////\",\"EncryptedKeyMaterial\":\"\"}",
            ],
        ),
    ];
    for s in &seeds {
        server_request(&servers, s);
    }
    // Mutations: bounded in count (and so in time), deterministic.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..3000 {
        let mut v = seeds[(rand() % seeds.len() as u64) as usize].clone();
        for _ in 0..1 + rand() % 4 {
            if v.is_empty() {
                v.push(rand() as u8);
                continue;
            }
            let i = (rand() % v.len() as u64) as usize;
            match rand() % 3 {
                0 => v[i] = rand() as u8,
                1 => v.insert(i, rand() as u8),
                _ => {
                    v.remove(i);
                }
            }
        }
        server_request(&servers, &v);
    }
}

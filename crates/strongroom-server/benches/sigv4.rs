//! The SigV4 check's share of a request (issue 19's target: below 20%): `Verifier::verify` alone
//! against a whole signed `Encrypt` of 32 B with an encryption context handled in process
//! (`server::Handler`: head checks, verify, JSON, the core's Encrypt, the response JSON), and the
//! same request unauthenticated. No sockets: the HTTP round trip is measured by
//! benches/server/run.sh. Run: cargo bench -p strongroom-server --bench sigv4

use criterion::{Criterion, criterion_group, criterion_main};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, Uri};
use ring::{digest, hmac};
use std::hint::black_box;
use std::sync::Arc;
use strongroom::{CreateKey, Keystore, Options};
use strongroom_server::server::{Auth, Config, Handler};
use strongroom_server::sigv4::{SignedRequest, Verifier};
use strongroom_server::{Secret, StaticCredentials};

const ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// YYYYMMDDTHHMMSSZ for `t` (civil-from-days, proleptic Gregorian).
fn amz_date(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A SigV4-signed Encrypt request, as botocore signs it.
fn signed_request(key_id: &str, t: i64) -> (HeaderMap, Vec<u8>) {
    let body = format!(
        r#"{{"KeyId":"{key_id}","Plaintext":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=","EncryptionContext":{{"app":"bench","tenant":"42"}}}}"#
    )
    .into_bytes();
    let date = amz_date(t);
    let mut headers = HeaderMap::new();
    for (n, v) in [
        ("host", "127.0.0.1:4599"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-date", date.as_str()),
        ("x-amz-target", "TrentService.Encrypt"),
    ] {
        headers.insert(
            HeaderName::from_static(n),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let pairs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: pairs,
        body: &body,
    };
    let payload = hex(digest::digest(&digest::SHA256, &body).as_ref());
    let canonical = Verifier::canonical_request(&req, signed_headers, &payload).unwrap();
    let scope = format!("{}/us-east-1/kms/aws4_request", &date[..8]);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, &canonical).as_ref())
    );
    let mut k = hmac::Key::new(hmac::HMAC_SHA256, format!("AWS4{SECRET}").as_bytes());
    for part in [&date[..8], "us-east-1", "kms", "aws4_request"] {
        let tag = hmac::sign(&k, part.as_bytes());
        k = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    let signature = hex(hmac::sign(&k, sts.as_bytes()).as_ref());
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={ID}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    headers.insert(
        hyper::header::AUTHORIZATION,
        HeaderValue::from_str(&auth).unwrap(),
    );
    (headers, body)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"bench",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let key = ks.create_key(&CreateKey::default()).unwrap().key_id;
    let ks = Arc::new(ks);
    let creds = Arc::new(StaticCredentials::new(
        ID,
        Secret::new(SECRET.as_bytes().to_vec()),
    ));
    let signed = Handler::new(ks.clone(), Config::new(Auth::SigV4(creds.clone())));
    let open = Handler::new(ks, Config::new(Auth::Unauthenticated));
    let t = now();
    let (headers, body) = signed_request(&key, t);
    let (method, uri) = (Method::POST, Uri::from_static("/"));
    assert_eq!(signed.handle(&method, &uri, &headers, &body, t).status, 200);
    let verifier = Verifier::new("kms");

    let mut g = c.benchmark_group("server");
    g.bench_function("sigv4 verify", |b| {
        b.iter(|| {
            let req = SignedRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_bytes()))
                    .collect(),
                body: &body,
            };
            black_box(verifier.verify(&req, t, creds.as_ref()).unwrap())
        })
    });
    g.bench_function("Encrypt 32 B, signed, in process", |b| {
        b.iter(|| black_box(signed.handle(&method, &uri, &headers, &body, t)))
    });
    g.bench_function("Encrypt 32 B, unauthenticated, in process", |b| {
        b.iter(|| black_box(open.handle(&method, &uri, &headers, &body, t)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

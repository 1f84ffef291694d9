//! The served keystore's own users (`strongroom iam`): requests signed with their access keys
//! are accepted (an unknown or inactive key is `UnrecognizedClientException`), and each call is
//! audited under the principal's ARN and the address it came from.

use ring::{digest, hmac};
use std::io::{Read, Write};
use std::net::TcpStream;
use strongroom::{AccessKeyStatus, AuditFilter, Keystore, Options};
use strongroom_server::server::{self, Auth, Background, Config};
use strongroom_server::sigv4::{SignedRequest, Verifier};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// YYYYMMDDTHHMMSSZ of now.
fn amz_date() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
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

/// A `GenerateRandom` signed with (`id`, `secret`), sent on a fresh connection: the status,
/// the `__type` of an error, and the client's own address.
fn call(addr: std::net::SocketAddr, id: &str, secret: &[u8]) -> (u16, String, String) {
    let body = br#"{"NumberOfBytes":8}"#;
    let date = amz_date();
    let host = addr.to_string();
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("host", host.as_str()),
        ("x-amz-date", date.as_str()),
        ("x-amz-target", "TrentService.GenerateRandom"),
    ];
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes()))
            .collect(),
        body,
    };
    let payload = hex(digest::digest(&digest::SHA256, body).as_ref());
    let canonical = Verifier::canonical_request(&req, signed_headers, &payload).unwrap();
    let scope = format!("{}/us-east-1/kms/aws4_request", &date[..8]);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, &canonical).as_ref())
    );
    let mut k = hmac::Key::new(hmac::HMAC_SHA256, &[b"AWS4", secret].concat());
    for part in [&date[..8], "us-east-1", "kms", "aws4_request"] {
        let tag = hmac::sign(&k, part.as_bytes());
        k = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    let signature = hex(hmac::sign(&k, sts.as_bytes()).as_ref());
    let mut text = String::from("POST / HTTP/1.1\r\n");
    for (n, v) in headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str(&format!(
        "authorization: AWS4-HMAC-SHA256 Credential={id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}\r\n"
    ));
    text.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut s = TcpStream::connect(addr).unwrap();
    let me = s.local_addr().unwrap().to_string();
    s.write_all(text.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let json = &out[out.find("\r\n\r\n").unwrap() + 4..];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let kind = v["__type"].as_str().unwrap_or_default().to_string();
    (status, kind, me)
}

#[test]
fn users_sign_requests_and_each_call_is_audited_under_its_principal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ks");
    let options = Options {
        caller: "strongroom-serve".into(),
        ..Options::insecure_fast_for_tests()
    };
    let ks = Keystore::create(&path, b"pw", &options).unwrap();
    ks.create_user("alice").unwrap();
    ks.create_user("bob").unwrap();
    let alice = ks.create_access_key("alice").unwrap();
    let bob = ks.create_access_key("bob").unwrap();
    let retired = ks.create_access_key("bob").unwrap();
    ks.update_access_key(&retired.access_key_id, AccessKeyStatus::Inactive, None)
        .unwrap();
    let listener = server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let running = Background::start(ks, listener, Config::new(Auth::Users)).unwrap();
    let addr = running.addr();

    let (status, _, from_alice) = call(
        addr,
        &alice.access_key_id,
        alice.secret_access_key.as_bytes(),
    );
    assert_eq!(status, 200);
    let (status, _, from_bob) = call(addr, &bob.access_key_id, bob.secret_access_key.as_bytes());
    assert_eq!(status, 200);
    let inactive = call(
        addr,
        &retired.access_key_id,
        retired.secret_access_key.as_bytes(),
    );
    assert_eq!(
        (inactive.0, inactive.1.as_str()),
        (400, "UnrecognizedClientException")
    );
    let unknown = call(
        addr,
        "AKIAAAAAAAAAAAAAAAAA",
        alice.secret_access_key.as_bytes(),
    );
    assert_eq!(
        (unknown.0, unknown.1.as_str()),
        (400, "UnrecognizedClientException")
    );
    let forged = call(addr, &alice.access_key_id, bob.secret_access_key.as_bytes());
    assert_eq!(
        (forged.0, forged.1.as_str()),
        (400, "InvalidSignatureException")
    );
    running.stop().unwrap();

    let ks = Keystore::open(&path, b"pw", &options).unwrap();
    let events = ks.audit_events(&AuditFilter::default()).unwrap();
    let calls: Vec<&str> = events
        .iter()
        .filter(|e| e.operation == "GenerateRandom")
        .map(|e| e.caller.as_str())
        .collect();
    assert_eq!(
        calls,
        [
            format!("arn:aws:iam::111122223333:user/alice@{from_alice}"),
            format!("arn:aws:iam::111122223333:user/bob@{from_bob}"),
        ]
    );
    assert!(
        events
            .iter()
            .filter(|e| e.operation.ends_with("Keystore"))
            .all(|e| e.caller == "strongroom-serve")
    );
    ks.verify_audit().unwrap();
    ks.close().unwrap();
}

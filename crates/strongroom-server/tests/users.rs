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
    call_service(
        addr,
        id,
        secret,
        ("TrentService.GenerateRandom", "kms"),
        br#"{"NumberOfBytes":8}"#,
    )
}

/// `target` with `body`, signed for `service` with (`id`, `secret`), as [`call`].
fn call_service(
    addr: std::net::SocketAddr,
    id: &str,
    secret: &[u8],
    target: (&str, &str),
    body: &[u8],
) -> (u16, String, String) {
    let (status, v, me) = send_service(addr, id, secret, target, body);
    let kind = v["__type"].as_str().unwrap_or_default().to_string();
    (status, kind, me)
}

/// AWS KMS `operation` with `body`, signed with (`id`, `secret`), sent on a fresh connection:
/// the status, the response, and the client's own address.
fn send(
    addr: std::net::SocketAddr,
    id: &str,
    secret: &[u8],
    operation: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value, String) {
    let target = format!("TrentService.{operation}");
    let body = body.to_string();
    send_service(addr, id, secret, (&target, "kms"), body.as_bytes())
}

/// `target` with `body`, signed for `service` with (`id`, `secret`), as [`send`].
fn send_service(
    addr: std::net::SocketAddr,
    id: &str,
    secret: &[u8],
    (target, service): (&str, &str),
    body: &[u8],
) -> (u16, serde_json::Value, String) {
    let date = amz_date();
    let host = addr.to_string();
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("host", host.as_str()),
        ("x-amz-date", date.as_str()),
        ("x-amz-target", target),
    ];
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect(),
        body,
    };
    let payload = hex(digest::digest(&digest::SHA256, body).as_ref());
    let canonical = Verifier::canonical_request(&req, signed_headers, &payload).unwrap();
    let scope = format!("{}/us-east-1/{service}/aws4_request", &date[..8]);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, &canonical).as_ref())
    );
    let mut k = hmac::Key::new(hmac::HMAC_SHA256, &[b"AWS4", secret].concat());
    for part in [&date[..8], "us-east-1", service, "aws4_request"] {
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
    (status, serde_json::from_str(json).unwrap(), me)
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
    // Secrets Manager's operations on the same port: the same users, scoped to
    // `secretsmanager` (a request signed for `kms` is refused).
    let password = ("secretsmanager.GetRandomPassword", "secretsmanager");
    let body = br#"{"PasswordLength":16}"#;
    let (status, _, secrets_from_alice) = call_service(
        addr,
        &alice.access_key_id,
        alice.secret_access_key.as_bytes(),
        password,
        body,
    );
    assert_eq!(status, 200);
    let wrong_scope = call_service(
        addr,
        &alice.access_key_id,
        alice.secret_access_key.as_bytes(),
        ("secretsmanager.GetRandomPassword", "kms"),
        body,
    );
    assert_eq!(
        (wrong_scope.0, wrong_scope.1.as_str()),
        (400, "InvalidSignatureException")
    );
    let inactive = call_service(
        addr,
        &retired.access_key_id,
        retired.secret_access_key.as_bytes(),
        password,
        body,
    );
    assert_eq!(
        (inactive.0, inactive.1.as_str()),
        (400, "UnrecognizedClientException")
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
    let passwords: Vec<&str> = events
        .iter()
        .filter(|e| e.operation == "GetRandomPassword")
        .map(|e| e.caller.as_str())
        .collect();
    assert_eq!(
        passwords,
        [format!(
            "arn:aws:iam::111122223333:user/alice@{secrets_from_alice}"
        )]
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

/// A key whose policy names alice alone: the server judges each request as the user who signed
/// it (`arn:aws:iam::ACCOUNT:user/NAME`), audits a refusal under that user and address, and on
/// an `--unauthenticated` server judges every caller as the account root.
#[test]
fn key_policies_judge_the_user_who_signed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ks");
    let options = Options::insecure_fast_for_tests();
    let ks = Keystore::create(&path, b"pw", &options).unwrap();
    ks.create_user("alice").unwrap();
    ks.create_user("bob").unwrap();
    let alice = ks.create_access_key("alice").unwrap();
    let bob = ks.create_access_key("bob").unwrap();
    let only_alice = r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "kms:*", "Resource": "*"}}"#;
    let key = ks
        .create_key(&strongroom::CreateKey {
            policy: Some(only_alice.into()),
            ..Default::default()
        })
        .unwrap()
        .key_id;
    let open = ks
        .create_key(&strongroom::CreateKey::default())
        .unwrap()
        .key_id;
    let listener = server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let running = Background::start(ks, listener, Config::new(Auth::Users)).unwrap();
    let addr = running.addr();
    let encrypt = |k: &str| serde_json::json!({"KeyId": k, "Plaintext": "aGk="});

    let (status, v, _) = send(
        addr,
        &alice.access_key_id,
        alice.secret_access_key.as_bytes(),
        "Encrypt",
        &encrypt(&key),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v, from_bob) = send(
        addr,
        &bob.access_key_id,
        bob.secret_access_key.as_bytes(),
        "Encrypt",
        &encrypt(&key),
    );
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("AccessDeniedException"))
    );
    assert!(
        v["message"].as_str().unwrap().starts_with(
            "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Encrypt"
        ),
        "{v}"
    );
    // The default policy names the account root: every user of the account may use the key.
    let (status, v, _) = send(
        addr,
        &bob.access_key_id,
        bob.secret_access_key.as_bytes(),
        "Encrypt",
        &encrypt(&open),
    );
    assert_eq!(status, 200, "{v}");
    // A policy naming a user the keystore does not have is refused, and nothing changes.
    let (status, v, _) = send(
        addr,
        &alice.access_key_id,
        alice.secret_access_key.as_bytes(),
        "PutKeyPolicy",
        &serde_json::json!({"KeyId": key, "PolicyName": "default",
            "Policy": only_alice.replace("user/alice", "user/carol")}),
    );
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("MalformedPolicyDocumentException")),
        "{v}"
    );
    running.stop().unwrap();

    // Unauthenticated: the caller is the account root, which this key's policy does not name.
    let ks = Keystore::open(&path, b"pw", &options).unwrap();
    let refused: Vec<String> = ks
        .audit_events(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome == "AccessDenied")
        .map(|e| format!("{} {}", e.operation, e.caller))
        .collect();
    assert_eq!(
        refused,
        [format!(
            "Encrypt arn:aws:iam::111122223333:user/bob@{from_bob}"
        )]
    );
    assert_eq!(
        ks.get_key_policy(&key, None).unwrap(),
        only_alice,
        "the refused policy changed nothing"
    );
    let listener = server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let running = Background::start(ks, listener, Config::new(Auth::Unauthenticated)).unwrap();
    let addr = running.addr();
    let (status, v, _) = send(addr, "AKIAANYONE", b"any", "Encrypt", &encrypt(&key));
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("AccessDeniedException"))
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("User: arn:aws:iam::111122223333:root is not authorized"),
        "{v}"
    );
    let (status, v, _) = send(addr, "AKIAANYONE", b"any", "Encrypt", &encrypt(&open));
    assert_eq!(status, 200, "{v}");
    running.stop().unwrap();
}

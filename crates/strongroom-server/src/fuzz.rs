//! The body of the `server_request` fuzz target (fuzz/fuzz_targets/server_request.rs), shared
//! with the smoke test (tests/fuzz_smoke.rs). Not a stable API.
//!
//! Input layout: one flags byte, then NUL-separated fields `target`, `content-type`,
//! `authorization`, `x-amz-date`, then the body (the rest, NULs included). Flags: bit 0 sends it
//! to the SigV4 server instead of the unauthenticated one; bit 1 prefixes the target with
//! `TrentService.`; bit 2 replaces the content type with AWS's; bit 3 makes it a `GET`; bit 4
//! declares a `Content-Length` (the body's, or one more than it with bit 5). A field that is not a
//! valid header value is left out, as hyper would never deliver it.
//!
//! The property: never a panic, and every reply is AWS's shape: 200 with a JSON object, or a
//! 4xx with `{"__type": NAME, "message": TEXT}` and the same name for `x-amzn-ErrorType`. A 5xx
//! (`KMSInternalException`) is a finding too: a scratch keystore has no internal faults.

use crate::credentials::{Secret, StaticCredentials};
use crate::server::{Auth, Config, Handler};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, Uri};
use std::sync::Arc;
use strongroom::Keystore;

/// The access key of the SigV4 server.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// Its secret.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Two servers on one keystore: unauthenticated, and SigV4 with [`ACCESS_KEY_ID`].
pub struct Servers {
    open: Handler,
    signed: Handler,
}

impl Servers {
    /// Both servers over `ks`.
    pub fn new(ks: Arc<Keystore>) -> Self {
        let creds = StaticCredentials::new(ACCESS_KEY_ID, Secret::new(SECRET.as_bytes().to_vec()));
        Servers {
            open: Handler::new(ks.clone(), Config::new(Auth::Unauthenticated)),
            signed: Handler::new(ks, Config::new(Auth::SigV4(Arc::new(creds)))),
        }
    }
}

/// Runs one input (see the module documentation) and checks the reply.
pub fn server_request(servers: &Servers, data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut fields = rest.splitn(5, |&b| b == 0);
    let mut next = || fields.next().unwrap_or_default();
    let (target, content_type, authorization, date, body) =
        (next(), next(), next(), next(), next());
    let mut headers = HeaderMap::new();
    let mut add = |name: HeaderName, value: &[u8]| {
        if let Ok(v) = HeaderValue::from_bytes(value) {
            headers.append(name, v);
        }
    };
    add(HeaderName::from_static("host"), b"localhost");
    let mut t = Vec::new();
    if flags & 2 != 0 {
        t.extend_from_slice(b"TrentService.");
    }
    t.extend_from_slice(target);
    add(HeaderName::from_static("x-amz-target"), &t);
    if flags & 4 != 0 {
        add(CONTENT_TYPE, b"application/x-amz-json-1.1");
    } else {
        add(CONTENT_TYPE, content_type);
    }
    add(hyper::header::AUTHORIZATION, authorization);
    add(HeaderName::from_static("x-amz-date"), date);
    if flags & 16 != 0 {
        let declared = body.len() + usize::from(flags & 32 != 0);
        add(CONTENT_LENGTH, declared.to_string().as_bytes());
    }
    let method = if flags & 8 != 0 {
        Method::GET
    } else {
        Method::POST
    };
    let server = if flags & 1 != 0 {
        &servers.signed
    } else {
        &servers.open
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let reply = server.handle(&method, &Uri::from_static("/"), &headers, body, now);
    let json: serde_json::Value = serde_json::from_slice(&reply.body)
        .unwrap_or_else(|e| panic!("the reply body is not JSON ({e}): {:?}", reply.body));
    if reply.status == 200 {
        assert!(json.is_object(), "200 without a JSON object: {json}");
        assert!(reply.error_type.is_none());
        return;
    }
    assert!(
        (400..500).contains(&reply.status),
        "status {} for a request from the fuzzer: {json}",
        reply.status
    );
    let name = json["__type"].as_str().expect("an error without __type");
    assert!(
        json["message"].is_string(),
        "an error without message: {json}"
    );
    assert_eq!(
        reply.error_type,
        Some(name),
        "x-amzn-ErrorType and __type differ"
    );
}

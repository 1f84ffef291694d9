//! AWS Signature Version 4 verification (header-signed requests, `AWS4-HMAC-SHA256`).
//!
//! What is checked, in order (each failure is AWS's exception for it):
//! 1. An `Authorization` header is present (else `MissingAuthenticationTokenException`) and is
//!    `AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=...,
//!    Signature=<64 hex>` with SignedHeaders lowercase, sorted and unique
//!    (else `IncompleteSignatureException`).
//! 2. `host`, `x-amz-date` and every `x-amz-*` header of the request are among SignedHeaders, and
//!    every signed header is present (else `IncompleteSignatureException`).
//! 3. No `x-amz-security-token` (this server issues no temporary credentials:
//!    `UnrecognizedClientException`).
//! 4. `x-amz-date` is `YYYYMMDDTHHMMSSZ`, the credential scope's date is its day, and it is within
//!    5 minutes of the server's clock (else `InvalidSignatureException`, as AWS: "Signature
//!    expired"). The scope's service is the verifier's (`kms`); any region is accepted.
//! 5. The access key id is known to the [`Credentials`] and active (else
//!    `UnrecognizedClientException`).
//! 6. The body's SHA-256 is computed here; an `x-amz-content-sha256` header must equal it.
//! 7. The canonical request is built from exactly the request's SignedHeaders (values trimmed,
//!    inner runs of spaces collapsed, repeated headers joined with `,`), the normalised and
//!    re-encoded path, the sorted re-encoded query and the body hash; the string to sign and the
//!    signing key follow AWS's definition; the signature is checked with `ring::hmac::verify`
//!    (constant time). Mismatch: `InvalidSignatureException`.
//!
//! The signing key (four chained HMACs) depends only on the secret, the day, the region and the
//! service, so the verifier keeps the last [`SIGNING_KEY_CACHE`] it derived, per access key id,
//! day and region, each with the secret it came from (a changed secret derives again).

use crate::credentials::{Credentials, unrecognized};
use crate::protocol::error::ApiError;
use ring::{digest, hmac};
use std::fmt::Write as _;
use std::sync::Arc;
use strongroom::AccessKeyCredential;

/// The only algorithm SigV4 header signing uses.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// AWS's allowed clock skew between signer and server, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// The parts of an HTTP request that SigV4 covers.
pub struct SignedRequest<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The path as received (still percent-encoded), e.g. `/`.
    pub path: &'a str,
    /// The query string as received, without `?` (empty if none).
    pub query: &'a str,
    /// Every header, names in any case, values as received, in the order received.
    pub headers: Vec<(&'a str, &'a [u8])>,
    /// The body.
    pub body: &'a [u8],
}

/// How many signing keys a [`Verifier`] keeps (one per access key id, day and region).
pub const SIGNING_KEY_CACHE: usize = 64;

/// A derived signing key, the access key it was derived from, and its scope's day and region.
struct CachedKey {
    from: Arc<AccessKeyCredential>,
    date: String,
    region: String,
    key: hmac::Key,
}

/// At most [`SIGNING_KEY_CACHE`] entries, searched in order: a few in practice, so a scan that
/// allocates nothing beats hashing three owned strings per request.
type KeyCache = Vec<CachedKey>;

/// Verifies requests for one service.
#[derive(Clone)]
pub struct Verifier {
    service: String,
    keys: std::sync::Arc<std::sync::Mutex<KeyCache>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: [u8; 32],
}

fn incomplete(message: impl Into<String>) -> ApiError {
    ApiError::client("IncompleteSignatureException", message)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidSignatureException", message)
}

fn hex_decode_32(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, ApiError> {
    let rest = value.strip_prefix(ALGORITHM).ok_or_else(|| {
        incomplete(format!(
            "Authorization header must start with {ALGORITHM} (header-signed SigV4)"
        ))
    })?;
    if !rest.starts_with(' ') {
        return Err(incomplete(format!(
            "Authorization header must start with {ALGORITHM}"
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let (k, v) = part.split_once('=').ok_or_else(|| {
            incomplete(format!("Authorization component {part:?} is not key=value"))
        })?;
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(incomplete(format!(
                    "Authorization has an unknown component {k:?}"
                )));
            }
        };
        if slot.replace(v).is_some() {
            return Err(incomplete(format!("Authorization gives {k} twice")));
        }
    }
    let missing =
        |name: &str| incomplete(format!("Authorization header requires '{name}' parameter"));
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(incomplete(
            "Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
        ));
    };
    if terminator != "aws4_request" || access_key_id.is_empty() || region.is_empty() {
        return Err(incomplete(
            "Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
        ));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    let well_formed = names.iter().all(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    }) && names.windows(2).all(|w| w[0] < w[1]);
    if !well_formed {
        return Err(incomplete(
            "SignedHeaders must be lowercase header names, sorted, separated by ';'",
        ));
    }
    let signature = hex_decode_32(signature)
        .ok_or_else(|| incomplete("Signature must be 64 lowercase hexadecimal digits"))?;
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers,
        signature,
    })
}

/// Seconds since the epoch of an `x-amz-date` (`YYYYMMDDTHHMMSSZ`).
fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// SigV4's URI encoding: every byte but the unreserved ones (and `/` when `keep_slash`) as `%XX`.
fn uri_encode(out: &mut String, bytes: &[u8], keep_slash: bool) {
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hexval = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The canonical URI of a non-S3 service: dot segments removed, empty segments dropped, then
/// each byte of the path as received encoded again (so `%20` becomes `%2520`, as signers do).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut joined = String::from("/");
    joined.push_str(&segments.join("/"));
    if !segments.is_empty() && path.ends_with('/') {
        joined.push('/');
    }
    let mut out = String::with_capacity(joined.len());
    uri_encode(&mut out, joined.as_bytes(), true);
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let (mut ek, mut ev) = (String::new(), String::new());
            uri_encode(&mut ek, &percent_decode(k), false);
            uri_encode(&mut ev, &percent_decode(v), false);
            (ek, ev)
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed.
fn canonical_value(out: &mut Vec<u8>, v: &[u8]) {
    let mut space = false;
    let start = out.len();
    for &b in v.trim_ascii() {
        if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            space = true;
        } else {
            if space && out.len() > start {
                out.push(b' ');
            }
            space = false;
            out.push(b);
        }
    }
}

impl Verifier {
    /// A verifier for requests scoped to `service` (`kms` for this server).
    pub fn new(service: impl Into<String>) -> Self {
        Verifier {
            service: service.into(),
            keys: Default::default(),
        }
    }

    /// The canonical request of `req` under `signed_headers` (`;`-separated) with the payload
    /// hash `payload_hash` (hex), as AWS defines it. Public for the test-suite vectors.
    pub fn canonical_request(
        req: &SignedRequest<'_>,
        signed_headers: &str,
        payload_hash: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let mut c = Vec::with_capacity(256);
        c.extend_from_slice(req.method.as_bytes());
        c.push(b'\n');
        c.extend_from_slice(canonical_uri(req.path).as_bytes());
        c.push(b'\n');
        c.extend_from_slice(canonical_query(req.query).as_bytes());
        c.push(b'\n');
        for name in signed_headers.split(';') {
            c.extend_from_slice(name.as_bytes());
            c.push(b':');
            let mut first = true;
            for (_, v) in req
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                if !first {
                    c.push(b',');
                }
                first = false;
                canonical_value(&mut c, v);
            }
            if first {
                return Err(incomplete(format!(
                    "SignedHeaders names {name}, which the request does not have"
                )));
            }
            c.push(b'\n');
        }
        c.push(b'\n');
        c.extend_from_slice(signed_headers.as_bytes());
        c.push(b'\n');
        c.extend_from_slice(payload_hash.as_bytes());
        Ok(c)
    }

    /// Verifies `req` at `now` (seconds since the epoch); returns the caller's access key.
    pub fn verify(
        &self,
        req: &SignedRequest<'_>,
        now: i64,
        credentials: &dyn Credentials,
    ) -> Result<Arc<AccessKeyCredential>, ApiError> {
        let header = |name: &str| {
            req.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        let Some(auth) = header("authorization") else {
            return Err(ApiError::client(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token: sign the request with AWS Signature Version 4",
            ));
        };
        let auth = std::str::from_utf8(auth)
            .map_err(|_| incomplete("Authorization header is not ASCII"))?;
        let a = parse_authorization(auth)?;
        let signed: Vec<&str> = a.signed_headers.split(';').collect();
        for must in ["host", "x-amz-date"] {
            if !signed.contains(&must) {
                return Err(incomplete(format!("SignedHeaders must include {must}")));
            }
        }
        if let Some((n, _)) = req.headers.iter().find(|(n, _)| {
            n.len() >= 6
                && n[..6].eq_ignore_ascii_case("x-amz-")
                && !signed.iter().any(|s| s.eq_ignore_ascii_case(n))
        }) {
            return Err(incomplete(format!(
                "header {} must be signed (every x-amz-* header is)",
                n.to_ascii_lowercase()
            )));
        }
        if header("x-amz-security-token").is_some() {
            return Err(unrecognized());
        }
        let amz_date = header("x-amz-date")
            .and_then(|v| std::str::from_utf8(v).ok())
            .unwrap_or_default();
        let t = parse_amz_date(amz_date).ok_or_else(|| {
            incomplete("X-Amz-Date must be an ISO 8601 basic date-time, YYYYMMDDTHHMMSSZ")
        })?;
        if &amz_date[..8] != a.date {
            return Err(invalid(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                a.date,
                &amz_date[..8]
            )));
        }
        if t < now - MAX_SKEW_SECS {
            return Err(invalid(format!(
                "Signature expired: {amz_date} is now earlier than 5 minutes before the server's time"
            )));
        }
        if t > now + MAX_SKEW_SECS {
            return Err(invalid(format!(
                "Signature not yet current: {amz_date} is more than 5 minutes after the server's time"
            )));
        }
        if a.service != self.service {
            return Err(invalid(format!(
                "Credential should be scoped to correct service: '{}'",
                self.service
            )));
        }
        let Some(access_key) = credentials.lookup(a.access_key_id)? else {
            return Err(unrecognized());
        };
        let payload_hash = hex(digest::digest(&digest::SHA256, req.body).as_ref());
        if let Some(claimed) = header("x-amz-content-sha256")
            && claimed != payload_hash.as_bytes()
        {
            return Err(invalid(
                "The provided x-amz-content-sha256 header does not match the SHA-256 of the body",
            ));
        }
        let canonical = Self::canonical_request(req, a.signed_headers, &payload_hash)?;
        let scope = format!("{}/{}/{}/aws4_request", a.date, a.region, a.service);
        let string_to_sign = format!(
            "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
            hex(digest::digest(&digest::SHA256, &canonical).as_ref())
        );
        let key = self.signing_key(&access_key, a.date, a.region);
        hmac::verify(&key, string_to_sign.as_bytes(), &a.signature).map_err(|_| {
            invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
            )
        })?;
        Ok(access_key)
    }
}

impl Verifier {
    /// The signing key for this access key, day and region: cached, or derived and cached.
    fn signing_key(
        &self,
        access_key: &Arc<AccessKeyCredential>,
        date: &str,
        region: &str,
    ) -> hmac::Key {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let same_key = |c: &CachedKey| {
            c.from.access_key_id() == access_key.access_key_id()
                && c.date == date
                && c.region == region
        };
        if let Some(i) = keys.iter().position(same_key) {
            let c = &keys[i];
            if Arc::ptr_eq(&c.from, access_key) || c.from.secret() == access_key.secret() {
                return c.key.clone();
            }
            // The access key was replaced under the same id: derive again.
            keys.swap_remove(i);
        }
        let key = signing_key(access_key.secret(), date, region, &self.service);
        if keys.len() >= SIGNING_KEY_CACHE {
            keys.clear();
        }
        keys.push(CachedKey {
            from: access_key.clone(),
            date: date.to_owned(),
            region: region.to_owned(),
            key: key.clone(),
        });
        key
    }
}

/// The scope and secret a request is signed with: [`sign`]'s inputs besides the request.
pub struct SigningParams<'a> {
    /// The access key id (the `Credential=` prefix).
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret: &'a [u8],
    /// The credential scope's region.
    pub region: &'a str,
    /// The credential scope's service (`kms`).
    pub service: &'a str,
}

/// Signs `req` as AWS Signature Version 4 (header signing), the other side of
/// [`Verifier::verify`] with the same canonical request: every header of `req` is signed (names
/// lowercased and sorted; `req` must carry `host` and `x-amz-date`, and no `authorization`), the
/// body is hashed here, and the scope's date is the `x-amz-date` header's day. Returns the
/// `Authorization` header's value.
pub fn sign(req: &SignedRequest<'_>, p: &SigningParams<'_>) -> Result<String, ApiError> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    if names.iter().any(|n| n == "authorization") {
        return Err(incomplete(
            "a request to sign must not carry an Authorization header",
        ));
    }
    let signed_headers = names.join(";");
    let amz_date = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
        .filter(|d| parse_amz_date(d).is_some())
        .ok_or_else(|| incomplete("a request to sign needs X-Amz-Date (YYYYMMDDTHHMMSSZ)"))?;
    let date = &amz_date[..8];
    let payload_hash = hex(digest::digest(&digest::SHA256, req.body).as_ref());
    let canonical = Verifier::canonical_request(req, &signed_headers, &payload_hash)?;
    let scope = format!("{date}/{}/{}/aws4_request", p.region, p.service);
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, &canonical).as_ref())
    );
    let key = signing_key(p.secret, date, p.region, p.service);
    let signature = hex(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
    Ok(format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        p.access_key_id
    ))
}

/// `unix_secs` as an `x-amz-date`, `YYYYMMDDTHHMMSSZ` (UTC).
pub fn amz_date(unix_secs: i64) -> String {
    // Howard Hinnant's civil-from-days, the inverse of `parse_amz_date`'s.
    let (days, secs) = (unix_secs.div_euclid(86_400), unix_secs.rem_euclid(86_400));
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

/// SigV4's signing key: HMAC chain over the date, region, service and `aws4_request`.
fn signing_key(secret: &[u8], date: &str, region: &str, service: &str) -> hmac::Key {
    let mut k = zeroize::Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    k.extend_from_slice(b"AWS4");
    k.extend_from_slice(secret);
    let mut key = hmac::Key::new(hmac::HMAC_SHA256, &k);
    for part in [date, region, service, "aws4_request"] {
        let tag = hmac::sign(&key, part.as_bytes());
        key = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_paths() {
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("2015-08-30T12:36"), None);
        assert_eq!(parse_amz_date("20151330T123600Z"), None);
        for t in [0, 951_782_400, 1_440_938_160, 1_709_251_199, 4_102_444_800] {
            assert_eq!(parse_amz_date(&amz_date(t)), Some(t));
        }
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(canonical_uri("//example//"), "/example/");
        assert_eq!(canonical_uri("/example1/example2/../.."), "/");
        assert_eq!(canonical_uri("/./example"), "/example");
        assert_eq!(canonical_uri("/a%20b"), "/a%2520b");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(hex_decode_32(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(hex_decode_32(&"AB".repeat(32)), None);
    }
}

//! One signed AWS KMS or AWS Secrets Manager request over HTTP(S), and AWS's error answer back
//! as the CLI's error.

use super::credentials::{self, AccessKey, Sources};
use crate::args::Global;
use crate::errors::{AUTH_CODES, CliError, CliResult};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use strongroom_server::sigv4::{self, SignedRequest, SigningParams};
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use zeroize::{Zeroize, Zeroizing};

/// The service a request is for: its SigV4 scope, its `X-Amz-Target` prefix and its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// AWS KMS (`TrentService.<Operation>`, signed for `kms`).
    Kms,
    /// AWS Secrets Manager (`secretsmanager.<Operation>`, signed for `secretsmanager`).
    SecretsManager,
}

impl Service {
    /// The SigV4 service name of the credential scope.
    fn signing_name(self) -> &'static str {
        match self {
            Service::Kms => "kms",
            Service::SecretsManager => "secretsmanager",
        }
    }

    /// The `X-Amz-Target` prefix, the server's own.
    fn target_prefix(self) -> &'static str {
        match self {
            Service::Kms => strongroom_server::protocol::TARGET_PREFIX,
            Service::SecretsManager => strongroom_server::protocol::secrets::TARGET_PREFIX,
        }
    }

    /// The core error a service exception stands for (`None`: none does; the CLI keeps AWS's
    /// code). KMS: the inverse of [`strongroom::Error::aws_code`]. Secrets Manager: the inverse
    /// of [`strongroom::Error::secrets_manager_code`], where `InvalidRequestException` is
    /// `InvalidState` (a secret scheduled for deletion: the one class of the three sharing the
    /// code that the secrets operations answer; a disabled key is `DecryptionFailure` /
    /// `EncryptionFailure`). The server's internal errors (`KMSInternalException`,
    /// `InternalServiceError`) carry the class as `Name: message`.
    fn core_error(self, code: &str, message: &str) -> Option<strongroom::Error> {
        use strongroom::Error;
        let internal = match self {
            Service::Kms => "KMSInternalException",
            Service::SecretsManager => "InternalServiceError",
        };
        if code == internal {
            let (name, rest) = message.split_once(": ")?;
            return Error::from_name(name, rest);
        }
        match self {
            Service::Kms => Error::from_aws_code(code, message),
            Service::SecretsManager if code == "InvalidRequestException" => {
                Some(Error::InvalidState(message.to_string()))
            }
            Service::SecretsManager => {
                let mut found = Error::NAMES
                    .iter()
                    .filter_map(|n| Error::from_name(n, message))
                    .filter(|e| e.secrets_manager_code() == code);
                let first = found.next()?;
                found.next().is_none().then_some(first)
            }
        }
    }
}

/// The JSON 1.1 protocol's content type (AWS KMS's and Secrets Manager's).
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take in all.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The largest response read (a KMS response is a few KiB).
const MAX_RESPONSE: u64 = 16 << 20;

/// A signed connection to one endpoint.
pub struct Transport {
    agent: ureq::Agent,
    url: String,
    post_url: String,
    host: String,
    region: String,
    key: AccessKey,
    service: Service,
}

impl Transport {
    /// The endpoint `url` (`http://HOST:PORT` or `https://...`), the access key and Region the
    /// options and environment name, and TLS as `--ca-bundle` / `--no-verify-ssl` say;
    /// `operation` names the call in the `--debug` line; every call goes to `service`.
    pub fn new(g: &Global, url: &str, service: Service, operation: &str) -> CliResult<Self> {
        let (https, host) = parse_endpoint(url)?;
        let env = |name: &str| std::env::var(name).ok();
        let src = Sources { env: &env };
        let key = credentials::access_key(&src, g.profile.as_deref())?;
        let region = credentials::region(&src, g.region.as_deref(), g.profile.as_deref())?;
        if g.debug {
            eprintln!(
                "debug: operation {operation}, endpoint {url}, region {region}, access key {} from {}",
                key.id, key.source
            );
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .user_agent(format!("strongroom-cli/{}", env!("CARGO_PKG_VERSION")));
        if https {
            config = config.tls_config(tls_config(g)?);
        }
        let scheme = if https { "https" } else { "http" };
        Ok(Transport {
            agent: config.build().new_agent(),
            url: url.to_string(),
            post_url: format!("{scheme}://{host}/"),
            host,
            region,
            key,
            service,
        })
    }

    fn endpoint_error(&self, detail: impl std::fmt::Display) -> CliError {
        CliError::Endpoint {
            url: self.url.clone(),
            detail: detail.to_string(),
        }
    }

    /// Sends `operation` with the request members `body`; returns the response members, or
    /// AWS's error as the CLI's.
    pub fn call(&self, operation: &str, body: &Value) -> CliResult<Value> {
        let mut bytes = Zeroizing::new(
            serde_json::to_vec(body).map_err(|e| CliError::BadInput(e.to_string()))?,
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let date = sigv4::amz_date(now);
        let target = format!("{}{operation}", self.service.target_prefix());
        let mut headers: Vec<(&str, &str)> = vec![
            ("Host", &self.host),
            ("X-Amz-Date", &date),
            ("X-Amz-Target", &target),
            ("Content-Type", CONTENT_TYPE),
        ];
        if let Some(t) = &self.key.token {
            headers.push(("X-Amz-Security-Token", t));
        }
        let signed = SignedRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect(),
            body: &bytes,
        };
        let params = SigningParams {
            access_key_id: &self.key.id,
            secret: self.key.secret.as_bytes(),
            region: &self.region,
            service: self.service.signing_name(),
        };
        let authorization =
            sigv4::sign(&signed, &params).map_err(|e| CliError::BadInput(e.message))?;
        let mut req = self.agent.post(&self.post_url);
        for (n, v) in &headers {
            req = req.header(*n, *v);
        }
        let sent = req.header("Authorization", &authorization).send(&bytes[..]);
        bytes.zeroize();
        let mut resp = sent.map_err(|e| self.endpoint_error(e))?;
        let status = resp.status().as_u16();
        let error_type = resp
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let answer = Zeroizing::new(
            resp.body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_vec()
                .map_err(|e| self.endpoint_error(e))?,
        );
        let json: Option<Value> = serde_json::from_slice(&answer).ok();
        if status == 200 {
            return json.ok_or_else(|| {
                self.endpoint_error(
                    "the answer is not JSON: is this the address of `strongroom serve`?",
                )
            });
        }
        Err(self.error_of(status, error_type.as_deref(), json.as_ref()))
    }

    /// AWS's error answer as the CLI's error: a code a core class answers is that class (the
    /// same line, exit code and hint as in-process; [`Service::core_error`]); the SigV4 family
    /// and other codes keep AWS's code ([`CliError::Remote`]).
    fn error_of(&self, status: u16, error_type: Option<&str>, body: Option<&Value>) -> CliError {
        let field = |name: &str| body.and_then(|b| b.get(name)).and_then(Value::as_str);
        // `__type` may be namespaced (`com.amazonaws.kms#NotFoundException`); the header may
        // carry `:` details.
        let code = field("__type")
            .or(error_type)
            .map(|c| c.rsplit('#').next().unwrap_or(c))
            .map(|c| c.split(':').next().unwrap_or(c).to_string());
        let Some(code) = code else {
            return self.endpoint_error(format!(
                "HTTP {status} without an AWS error: is this the address of `strongroom serve`?"
            ));
        };
        let message = field("message")
            .or(field("Message"))
            .unwrap_or_default()
            .to_string();
        if AUTH_CODES.contains(&code.as_str()) {
            return CliError::Remote { code, message };
        }
        match self.service.core_error(&code, &message) {
            Some(e) => CliError::Core(e),
            None => CliError::Remote { code, message },
        }
    }
}

/// `(https, host[:port])` of an endpoint URL: http or https, a host, no user, no path but `/`,
/// no query.
fn parse_endpoint(url: &str) -> CliResult<(bool, String)> {
    let bad = |why: &str| {
        CliError::BadInput(format!(
            "--endpoint-url {url:?} {why}; example: http://127.0.0.1:4599 (what `strongroom serve` \
             prints after `listening on`)"
        ))
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad("is not a URL"))?;
    let https = match uri.scheme_str() {
        Some("http") => false,
        Some("https") => true,
        _ => return Err(bad("must start with http:// or https://")),
    };
    let authority = uri.authority().ok_or_else(|| bad("has no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("must not carry a user name or password"));
    }
    if authority.host().is_empty() {
        return Err(bad("has no host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(bad(
            "must not have a path or query (the server answers at /)",
        ));
    }
    Ok((https, authority.as_str().to_string()))
}

/// rustls on the ring provider, trusting the system's roots, or only `--ca-bundle`'s (as the AWS
/// CLI's option replaces its default bundle), or nothing with `--no-verify-ssl`.
fn tls_config(g: &Global) -> CliResult<TlsConfig> {
    let builder = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()));
    if g.no_verify_ssl {
        eprintln!(
            "WARNING: --no-verify-ssl: the server's certificate is not checked; anyone on the path \
             can read and change these requests, keys' plaintexts included"
        );
        return Ok(builder.disable_verification(true).build());
    }
    let ders: Vec<rustls_pki_types::CertificateDer<'static>> = match &g.ca_bundle {
        Some(path) => {
            use rustls_pki_types::pem::PemObject;
            let pem = std::fs::read(path)
                .map_err(|e| CliError::io(format!("--ca-bundle {}", path.display()), e))?;
            let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<_, _>>()
                .map_err(|e| {
                    CliError::BadInput(format!(
                        "--ca-bundle {}: not PEM certificates ({e})",
                        path.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(CliError::BadInput(format!(
                    "--ca-bundle {} holds no certificate (-----BEGIN CERTIFICATE-----)",
                    path.display()
                )));
            }
            certs
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            if found.certs.is_empty() {
                return Err(CliError::BadInput(format!(
                    "no system root certificates found ({}); give the server's with --ca-bundle \
                     FILE (or AWS_CA_BUNDLE)",
                    found
                        .errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            found.certs
        }
    };
    let roots: Vec<Certificate<'static>> = ders
        .iter()
        .map(|d| Certificate::from_der(d.as_ref()).to_owned())
        .collect();
    Ok(builder
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            parse_endpoint("http://127.0.0.1:4599").unwrap(),
            (false, "127.0.0.1:4599".into())
        );
        assert_eq!(
            parse_endpoint("https://kms.local/").unwrap(),
            (true, "kms.local".into())
        );
        assert_eq!(
            parse_endpoint("http://[::1]:80").unwrap(),
            (false, "[::1]:80".into())
        );
        for bad in [
            "127.0.0.1:4599",
            "ftp://h",
            "http://u:p@h",
            "http://h/kms",
            "http://h/?a=1",
            "",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    /// Every class the secrets operations answer comes back as itself from its Secrets Manager
    /// code (the in-process line and exit code), and the internal errors by their `Name: `.
    #[test]
    fn secrets_manager_codes_come_back_as_their_class() {
        use strongroom::Error;
        let sm = Service::SecretsManager;
        for e in [
            Error::NotFound("no secret".into()),
            Error::AlreadyExists("taken".into()),
            Error::Validation("too long".into()),
            Error::Validation("NextToken is not one ListSecrets returned".into()),
            Error::InvalidState("scheduled for deletion".into()),
            Error::LimitExceeded("50 tags".into()),
            Error::DecryptionFailure("disabled".into()),
            Error::EncryptionFailure("disabled".into()),
            Error::AccessDenied("explicit deny".into()),
            Error::MalformedPolicyDocument("not JSON".into()),
            Error::PublicPolicy("Principal *".into()),
        ] {
            let back = sm.core_error(e.secrets_manager_code(), e.message());
            assert_eq!(back.as_ref().map(Error::name), Some(e.name()), "{e}");
            assert_eq!(back.unwrap().message(), e.message());
        }
        let corrupt = sm.core_error("InternalServiceError", "Corrupt: a record fails its check");
        assert_eq!(corrupt.as_ref().map(Error::name), Some("Corrupt"));
        assert_eq!(sm.core_error("InternalServiceError", "no class here"), None);
        assert_eq!(sm.core_error("SerializationException", "bad JSON"), None);
        // The same code means another class for KMS.
        let kms = Service::Kms.core_error("NotFoundException", "no key");
        assert_eq!(kms.as_ref().map(Error::name), Some("NotFound"));
        assert_eq!(
            Service::Kms.core_error("ResourceNotFoundException", "x"),
            None
        );
    }
}

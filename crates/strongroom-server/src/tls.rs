//! TLS for the server: rustls on the ring provider (the workspace's crypto library; no second
//! backend), with the operator's certificate chain and key (PEM files) or a self-signed
//! certificate made at start ([`self_signed`]).
//!
//! The address rule ([`check_listen`]): loopback may serve plain HTTP; any other address needs
//! TLS, since requests carry plaintexts and data keys.

use ring::digest;
pub use rustls::ServerConfig;
use rustls::crypto::ring::default_provider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

/// What a listening address may serve: refuses a non-loopback address without TLS, and
/// `unauthenticated` anywhere but loopback. The message says why and what to do.
pub fn check_listen(addr: SocketAddr, tls: bool, unauthenticated: bool) -> Result<(), String> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    if !tls {
        return Err(format!(
            "--listen {addr} is not a loopback address, and without TLS requests (which carry \
             plaintexts and data keys) would cross the network in clear: give --tls-cert FILE \
             --tls-key FILE, or --tls-self-signed, or listen on 127.0.0.1 or ::1"
        ));
    }
    if unauthenticated {
        return Err(format!(
            "--unauthenticated serves loopback only (127.0.0.1 or ::1), not {addr}: any host \
             that reaches it could use and delete every key; drop --unauthenticated and sign \
             requests with an access key (strongroom iam create-access-key)"
        ));
    }
    Ok(())
}

/// A TLS server configuration: HTTP/1.1 (ALPN `http/1.1`), TLS 1.2 and 1.3, ring's suites.
fn config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, String> {
    let mut c = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the TLS certificate and key do not make a usable pair: {e}"))?;
    c.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(c))
}

/// The configuration for the certificate chain in `cert` and the private key in `key` (PEM;
/// PKCS#8, PKCS#1 or SEC1 key).
pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert {}: no PEM CERTIFICATE in the file",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        format!(
            "--tls-key {}: no usable PEM private key: {e}",
            key.display()
        )
    })?;
    config(chain, key)
}

/// A certificate made at start by [`self_signed`].
pub struct SelfSigned {
    /// The server configuration that presents it.
    pub config: Arc<ServerConfig>,
    /// The certificate, PEM (public: clients trust it).
    pub cert_pem: String,
    /// SHA-256 of the certificate's DER, as `AB:CD:...` (as `openssl x509 -fingerprint -sha256`).
    pub fingerprint: String,
    /// The names and addresses it is valid for.
    pub names: Vec<String>,
}

/// A self-signed certificate (ECDSA P-256, a fresh key each start, never written) for
/// `localhost`, 127.0.0.1, ::1, `listen`'s address unless it is unspecified, and `extra` names or
/// addresses.
pub fn self_signed(listen: IpAddr, extra: &[String]) -> Result<SelfSigned, String> {
    let mut names = vec![
        "localhost".to_string(),
        Ipv4Addr::LOCALHOST.to_string(),
        Ipv6Addr::LOCALHOST.to_string(),
    ];
    if !listen.is_unspecified() {
        names.push(listen.to_string());
    }
    for n in extra {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let made = rcgen::generate_simple_self_signed(names.clone())
        .map_err(|e| format!("making the self-signed certificate: {e}"))?;
    let der = made.cert.der().clone();
    let fingerprint = fingerprint(&der);
    let cert_pem = made.cert.pem();
    let key = PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
    Ok(SelfSigned {
        config: config(vec![der], key)?,
        cert_pem,
        fingerprint,
        names,
    })
}

/// SHA-256 of `der` as colon-separated upper-case hex.
pub fn fingerprint(der: &[u8]) -> String {
    digest::digest(&digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_rule() {
        let lo: SocketAddr = "127.0.0.1:4599".parse().unwrap();
        let lo6: SocketAddr = "[::1]:0".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:4599".parse().unwrap();
        let lan: SocketAddr = "192.0.2.7:443".parse().unwrap();
        assert!(check_listen(lo, false, true).is_ok());
        assert!(check_listen(lo6, true, true).is_ok());
        for a in [any, lan] {
            let e = check_listen(a, false, false).unwrap_err();
            assert!(e.contains("not a loopback address") && e.contains("--tls-self-signed"));
            let e = check_listen(a, true, true).unwrap_err();
            assert!(e.contains("--unauthenticated serves loopback only"), "{e}");
            assert!(check_listen(a, true, false).is_ok());
        }
    }

    #[test]
    fn self_signed_names_and_fingerprint() {
        let s = self_signed("0.0.0.0".parse().unwrap(), &["kms.internal".into()]).unwrap();
        assert_eq!(s.names, ["localhost", "127.0.0.1", "::1", "kms.internal"]);
        assert!(s.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(s.fingerprint.len(), 32 * 3 - 1);
        let der = CertificateDer::from_pem_slice(s.cert_pem.as_bytes()).unwrap();
        assert_eq!(fingerprint(&der), s.fingerprint);
    }

    #[test]
    fn pem_files() {
        let dir = tempfile::tempdir().unwrap();
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (cert, key) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        assert!(from_pem_files(&cert, &key).is_ok());
        let e = from_pem_files(&key, &key).err().unwrap();
        assert!(e.contains("no PEM CERTIFICATE"), "{e}");
        let e = from_pem_files(&cert, &cert).err().unwrap();
        assert!(e.contains("no usable PEM private key"), "{e}");
        let e = from_pem_files(&dir.path().join("missing"), &key)
            .err()
            .unwrap();
        assert!(e.contains("--tls-cert"), "{e}");
    }
}

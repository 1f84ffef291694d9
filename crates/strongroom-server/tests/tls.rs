//! TLS end to end on 127.0.0.1: a rustls client that trusts only the self-signed certificate
//! gets a 200; one that does not trust it, or speaks plain HTTP, gets nothing served.

mod common;

use common::{TestServer, kms_request, round_trip};
use rustls::RootCertStore;
use rustls::crypto::ring::default_provider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use strongroom_server::server::{Auth, Config};
use strongroom_server::tls;
use tokio::net::TcpStream;

fn client(roots: RootCertStore) -> tokio_rustls::TlsConnector {
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[test]
fn self_signed_certificate_as_trust_root() {
    let made = tls::self_signed("127.0.0.1".parse().unwrap(), &[]).unwrap();
    let server = TestServer::start(Config {
        tls: Some(made.config.clone()),
        ..Config::new(Auth::Unauthenticated)
    });
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(made.cert_pem.as_bytes()).unwrap())
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        for name in ["localhost", "127.0.0.1"] {
            let tcp = TcpStream::connect(server.addr).await.unwrap();
            let mut s = client(roots.clone())
                .connect(ServerName::try_from(name).unwrap(), tcp)
                .await
                .unwrap();
            assert_eq!(s.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
            let r = round_trip(
                &mut s,
                &kms_request("GenerateRandom", r#"{"NumberOfBytes":16}"#),
            )
            .await
            .unwrap();
            assert_eq!(r.status, 200, "{r:?}");
            assert!(r.json()["Plaintext"].is_string());
            // Keep-alive over TLS: a second request on the same connection.
            let r = round_trip(&mut s, &kms_request("ListKeys", "{}"))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{r:?}");
        }

        // A client that does not trust the certificate: the handshake fails.
        let tcp = TcpStream::connect(server.addr).await.unwrap();
        let other = tls::self_signed("127.0.0.1".parse().unwrap(), &[]).unwrap();
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(other.cert_pem.as_bytes()).unwrap())
            .unwrap();
        let refused = client(roots)
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await;
        assert!(refused.is_err());

        // Plain HTTP to a TLS port: nothing is served.
        let mut tcp = TcpStream::connect(server.addr).await.unwrap();
        let r = round_trip(&mut tcp, &kms_request("ListKeys", "{}")).await;
        assert!(r.is_none(), "{r:?}");
    });
}

#[test]
fn non_loopback_without_tls_is_refused() {
    // The rule only: tests never bind anything but 127.0.0.1.
    let e = tls::check_listen("0.0.0.0:4599".parse().unwrap(), false, false).unwrap_err();
    assert!(e.contains("is not a loopback address"), "{e}");
    assert!(
        e.contains("--tls-cert FILE --tls-key FILE, or --tls-self-signed"),
        "{e}"
    );
}

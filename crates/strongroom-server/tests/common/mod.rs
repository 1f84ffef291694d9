//! A server on 127.0.0.1:0 in a background runtime over a scratch keystore, stopped on drop, and
//! a raw HTTP/1.1 client (the tests need to send what no well-behaved client sends).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use strongroom::{Keystore, Options};
use strongroom_server::server::{self, Config};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A running server; dropping it stops it (graceful shutdown) and waits for its thread.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start(config: Config) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ks = Keystore::create(
            dir.path().join("ks"),
            b"server test",
            &Options::insecure_fast_for_tests(),
        )
        .unwrap();
        let listener = server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                server::serve(listener, Arc::new(ks), config, async {
                    let _ = rx.await;
                })
                .await;
            });
            rt.shutdown_timeout(std::time::Duration::from_secs(5));
        });
        TestServer {
            addr,
            stop: Some(tx),
            thread: Some(thread),
            _dir: dir,
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An unsigned AWS KMS request for `operation` with `body`.
pub fn kms_request(operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: TrentService.{operation}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A parsed response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Reads one response (Content-Length framed, as the server always sends) from `s`; `None` if
/// the connection closed first.
pub async fn read_response<S: AsyncRead + Unpin>(s: &mut S) -> Option<Resp> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let headers = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status = headers.get(9..12)?.parse().ok()?;
    let len: usize = headers
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    // Bytes after the body (a second response) are dropped: the tests never pipeline.
    body.truncate(len);
    Some(Resp {
        status,
        headers,
        body,
    })
}

/// Sends `req` on `s` and reads the response.
pub async fn round_trip<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, req: &[u8]) -> Option<Resp> {
    s.write_all(req).await.ok()?;
    s.flush().await.ok()?;
    read_response(s).await
}

/// Asserts AWS's error shape: `{"__type", "message"}` and the same `x-amzn-ErrorType`.
pub fn assert_aws_error(r: &Resp, code: &str) {
    let v = r.json();
    assert_eq!(v["__type"], code, "{r:?}");
    assert!(v["message"].is_string(), "{r:?}");
    let lower = r.headers.to_ascii_lowercase();
    assert!(
        lower.contains(&format!("x-amzn-errortype: {}", code.to_ascii_lowercase())),
        "{r:?}"
    );
    assert!(lower.contains("x-amzn-requestid: "), "{r:?}");
}

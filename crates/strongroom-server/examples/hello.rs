//! The benchmark's baseline (benches/server/run.sh): the smallest hyper server, on the same
//! runtime and connection settings as `strongroom serve`, answering every request with a fixed
//! 200 body after reading the request's body. The limit of an HTTP round trip on this machine.
//! Usage: cargo run --release -p strongroom-server --example hello -- 127.0.0.1:0
//! (prints `listening on http://IP:PORT`). Loopback only.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io::Write;

fn main() -> std::io::Result<()> {
    let addr: std::net::SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()
        .expect("IP:PORT");
    assert!(
        addr.ip().is_loopback(),
        "the baseline listens on loopback only"
    );
    let listener = strongroom_server::server::bind(addr)?;
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{}", listener.local_addr()?)?;
        out.flush()?;
        drop(out);
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = req.into_body().collect().await;
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(
                            b"{\"KeyId\":\"hello\"}",
                        ))))
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

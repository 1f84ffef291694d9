//! Load and hostile clients, on 127.0.0.1 only, bounded in count and time; every test stops its
//! server itself (TestServer's drop).
//!
//! In every run (a few seconds): 1,000 connections held open at once, each doing a request; a
//! hostile set (a slowloris header trickle, a silent connection, an oversized Content-Length, a
//! body larger or smaller than declared, an oversized chunked body, oversized and too many
//! headers, garbage bytes), none of which hangs or stops the server. By hand (`#[ignore]`,
//! `bash tests/server/load.sh`): the same 1,000 connections doing 100 requests each.

mod common;

use common::{TestServer, assert_aws_error, kms_request, read_response, round_trip};
use std::sync::Arc;
use std::time::{Duration, Instant};
use strongroom_server::server::{Auth, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 1000;

/// The soft limit on open files: the test holds both ends of every connection.
fn open_files_soft_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// `CONNECTIONS` connections opened and all held before any request; then each does `requests`
/// requests (Encrypt and GenerateRandom alternately); every one must be a 200.
fn held_connections(requests: usize) -> Duration {
    let need = 2 * CONNECTIONS as u64 + 200;
    if let Some(soft) = open_files_soft_limit() {
        assert!(
            soft >= need,
            "this test needs {need} open files and the soft limit is {soft}: run `ulimit -n 4096` first"
        );
    }
    let server = TestServer::start(Config::new(Auth::Unauthenticated));
    let rt = runtime();
    rt.block_on(async {
        let key = {
            let mut s = TcpStream::connect(server.addr).await.unwrap();
            let r = round_trip(&mut s, &kms_request("CreateKey", "{}")).await.unwrap();
            assert_eq!(r.status, 200);
            r.json()["KeyMetadata"]["KeyId"].as_str().unwrap().to_string()
        };
        let encrypt = kms_request(
            "Encrypt",
            &format!(
                r#"{{"KeyId":"{key}","Plaintext":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=","EncryptionContext":{{"app":"load"}}}}"#
            ),
        );
        let random = kms_request("GenerateRandom", r#"{"NumberOfBytes":32}"#);
        let mut streams = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            streams.push(TcpStream::connect(server.addr).await.unwrap());
        }
        let all_open = Arc::new(tokio::sync::Barrier::new(CONNECTIONS));
        let start = Instant::now();
        let tasks: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                let (encrypt, random, all_open) = (encrypt.clone(), random.clone(), all_open.clone());
                tokio::spawn(async move {
                    for n in 0..requests {
                        let req = if (i + n) % 2 == 0 { &encrypt } else { &random };
                        let r = round_trip(&mut s, req).await.expect("a response");
                        assert_eq!(r.status, 200, "{r:?}");
                    }
                    // Every connection stays open until every one has been served.
                    all_open.wait().await;
                    drop(s);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        start.elapsed()
    })
}

#[test]
fn thousand_concurrent_connections() {
    let took = held_connections(1);
    eprintln!("{CONNECTIONS} connections, 1 request each: {took:?}");
}

#[test]
#[ignore = "about 16 s in a debug build, by hand: bash tests/server/load.sh"]
fn thousand_connections_hundred_requests_each() {
    let took = held_connections(100);
    let n = CONNECTIONS * 100;
    eprintln!(
        "{CONNECTIONS} connections x 100 requests: {took:?}, {:.0} requests/s",
        n as f64 / took.as_secs_f64()
    );
}

/// Reads until the server closes the connection (or errors); `None` if it is still open after
/// `limit`.
async fn closed_within(s: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read).await.ok()?;
    Some(got)
}

#[test]
fn hostile_requests_never_hang_or_stop_the_server() {
    let timeout = Duration::from_secs(1);
    let server = TestServer::start(Config {
        header_timeout: timeout,
        body_timeout: timeout,
        ..Config::new(Auth::Unauthenticated)
    });
    let addr = server.addr;
    let limit = Duration::from_secs(5);
    let rt = runtime();
    rt.block_on(async move {
        let mut cases = tokio::task::JoinSet::new();

        // Slowloris: a header line every 100 ms, never the end of the headers. The header
        // timeout cuts it; it is never served.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
            let start = Instant::now();
            let mut i = 0;
            while start.elapsed() < limit {
                if s.write_all(format!("X-Slow-{i}: a\r\n").as_bytes()).await.is_err() {
                    break;
                }
                i += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                // Has the server closed it? A read that ends (0 or error) says so.
                let mut b = [0u8; 512];
                match tokio::time::timeout(Duration::from_millis(1), s.read(&mut b)).await {
                    Ok(Ok(0) | Err(_)) => break,
                    Ok(Ok(n)) => assert!(!b[..n].starts_with(b"HTTP/1.1 200"), "served"),
                    Err(_) => {}
                }
            }
            let took = start.elapsed();
            assert!(took < limit, "slowloris connection still open after {took:?}");
            "slowloris"
        });

        // A connection that never sends a byte.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let got = closed_within(&mut s, limit).await;
            assert!(got.is_some(), "a silent connection is still open after {limit:?}");
            "silent"
        });

        // A connection that does one request, then idles: cut like a silent one.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let r = round_trip(&mut s, &kms_request("ListKeys", "{}")).await.unwrap();
            assert_eq!(r.status, 200);
            let got = closed_within(&mut s, limit).await;
            assert!(got.is_some(), "an idle keep-alive connection is still open after {limit:?}");
            "idle after a request"
        });

        // A Content-Length over the bound: refused before a byte of body is sent.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(
                b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n\
                  X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 1000000000\r\n\r\n",
            )
            .await
            .unwrap();
            let r = tokio::time::timeout(limit, read_response(&mut s))
                .await
                .expect("no answer to an oversized Content-Length")
                .expect("closed without an answer");
            assert_eq!(r.status, 413);
            assert_aws_error(&r, "ValidationException");
            "oversized Content-Length"
        });

        // A body larger than declared: the declared bytes are the request (not JSON: AWS's
        // SerializationException); the rest is a malformed next request, and the connection ends.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let mut req = kms_request("ListKeys", "{}{\"Limit\":1}");
            let cl = req.windows(18).position(|w| w == b"Content-Length: 13").unwrap();
            req[cl + 16..cl + 18].copy_from_slice(b" 4");
            req.extend_from_slice(&[b'x'; 3000]);
            s.write_all(&req).await.unwrap();
            let r = read_response(&mut s).await.expect("an answer to the declared body");
            assert_eq!(r.status, 400, "{r:?}");
            assert_aws_error(&r, "SerializationException");
            assert!(closed_within(&mut s, limit).await.is_some(), "not closed");
            "body larger than declared"
        });

        // A body smaller than declared: the body timeout answers.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let mut req = kms_request("ListKeys", "{}");
            let cl = req.windows(17).position(|w| w == b"Content-Length: 2").unwrap();
            req.splice(cl + 16..cl + 17, *b"100");
            s.write_all(&req).await.unwrap();
            let r = tokio::time::timeout(limit, read_response(&mut s))
                .await
                .expect("no answer to a short body")
                .expect("closed without an answer");
            assert_eq!(r.status, 400, "{r:?}");
            assert_aws_error(&r, "RequestTimeoutException");
            "body smaller than declared"
        });

        // A chunked body over the bound: refused while reading.
        cases.spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(
                b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n\
                  X-Amz-Target: TrentService.ListKeys\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
            let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000));
            for _ in 0..5 {
                if s.write_all(chunk.as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = s.write_all(b"0\r\n\r\n").await;
            let r = tokio::time::timeout(limit, read_response(&mut s))
                .await
                .expect("no answer to an oversized chunked body")
                .expect("closed without an answer");
            assert_eq!(r.status, 413, "{r:?}");
            assert_aws_error(&r, "ValidationException");
            "oversized chunked body"
        });

        // Headers over 16 KiB, and more than 64 header fields: hyper answers 431 and closes.
        for (name, extra) in [
            ("oversized headers", format!("X-Big: {}\r\n", "a".repeat(20_000))),
            (
                "too many headers",
                (0..100).map(|i| format!("X-H{i}: v\r\n")).collect::<String>(),
            ),
        ] {
            cases.spawn(async move {
                let mut s = TcpStream::connect(addr).await.unwrap();
                let head = format!("POST / HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n");
                let _ = s.write_all(head.as_bytes()).await;
                let got = closed_within(&mut s, limit).await.expect("still open");
                assert!(
                    got.is_empty() || got.starts_with(b"HTTP/1.1 431"),
                    "{name}: {:?}",
                    String::from_utf8_lossy(&got)
                );
                name
            });
        }

        // Garbage bytes, and a request line with a bad method: an HTTP error or a close.
        for (name, bytes) in [
            ("garbage", (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>()),
            ("bad request line", b"\x00\xffPOST\t/ HTTP/9.9\r\n\r\n".to_vec()),
        ] {
            cases.spawn(async move {
                let mut s = TcpStream::connect(addr).await.unwrap();
                let _ = s.write_all(&bytes).await;
                let got = closed_within(&mut s, limit).await.expect("still open");
                assert!(
                    got.is_empty() || got.starts_with(b"HTTP/1.1 4"),
                    "{name}: {:?}",
                    String::from_utf8_lossy(&got)
                );
                name
            });
        }

        let mut done = Vec::new();
        while let Some(r) = cases.join_next().await {
            done.push(r.expect("a hostile-client case failed"));
        }
        assert_eq!(done.len(), 11, "{done:?}");

        // The server still serves.
        let mut s = TcpStream::connect(addr).await.unwrap();
        let r = round_trip(&mut s, &kms_request("ListKeys", "{}")).await.unwrap();
        assert_eq!(r.status, 200, "{r:?}");
    });
}

//! The HTTP/1.1 server: hyper on a tokio runtime, one shared [`Keystore`].
//!
//! Per connection: at most [`Config::max_connections`] at once (more wait in the listen
//! backlog), headers within 16 KiB and 64 fields, read within 10 s. Per request: `POST /` only; a
//! body over [`Config::max_body`] is refused from its `Content-Length` before it is read, and the
//! limit is enforced again while reading (chunked bodies), within 30 s; SigV4 checked
//! ([`crate::sigv4`]) unless the server is unauthenticated; then the operation
//! ([`crate::protocol`]), run as the request's caller ([`Keystore::as_caller`]): the principal's
//! ARN and the source address, `arn:aws:iam::ACCOUNT:user/NAME@IP:PORT` (`anonymous@IP:PORT`
//! unauthenticated), which the audit trail records for each of its events. Every response has
//! `x-amzn-RequestId`; errors `x-amzn-ErrorType`.
//! [`run`] stops on SIGTERM or SIGINT: it stops accepting, lets requests in flight finish (30 s
//! at most), then closes the keystore so the audit trail is flushed.

use crate::credentials::{Credentials, KeystoreCredentials};
use crate::protocol::authorize::principal_for;
use crate::protocol::{self, Reply, error::ApiError};
use crate::sigv4::{SignedRequest, Verifier};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Request, Response, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use strongroom::{AccessKeyCredential, Caller, Keystore, Principal};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// Largest request body accepted by default (AWS KMS's largest request is far smaller).
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;
/// Connections served at once by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
const MAX_HEADER_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// Time to receive a request's headers (and, with TLS, to finish the handshake) by default.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to receive a request's body by default.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
const JSON_1_1: &str = "application/x-amz-json-1.1";

/// How callers are authenticated.
#[derive(Clone)]
pub enum Auth {
    /// Every request must carry a valid SigV4 signature by an active access key of the served
    /// keystore's users (`strongroom iam`, [`KeystoreCredentials`]).
    Users,
    /// Every request must carry a valid SigV4 signature by a key these credentials know.
    SigV4(Arc<dyn Credentials>),
    /// No authentication (throwaway development setups on loopback only).
    Unauthenticated,
}

/// The server's settings.
#[derive(Clone)]
pub struct Config {
    /// Authentication.
    pub auth: Auth,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Connections served at once.
    pub max_connections: usize,
    /// TLS ([`crate::tls`]); `None` serves plain HTTP (loopback only: [`crate::tls::check_listen`]).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Time to receive a request's headers (and to finish a TLS handshake).
    pub header_timeout: Duration,
    /// Time to receive a request's body.
    pub body_timeout: Duration,
}

impl Config {
    /// Defaults with the given authentication.
    pub fn new(auth: Auth) -> Self {
        Config {
            auth,
            max_body: DEFAULT_MAX_BODY,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            tls: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

/// `x-amzn-RequestId`s: UUIDs (version 4 in form) from a random per-process prefix and a counter,
/// unique without a system call per request.
struct RequestIds {
    prefix: [u8; 8],
    next: std::sync::atomic::AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..8]);
        RequestIds {
            prefix,
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn next(&self) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.prefix);
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

struct State {
    ids: RequestIds,
    ks: Arc<Keystore>,
    config: Config,
    verifier: Verifier,
    /// The verifier of requests signed for `secretsmanager` (the same credentials).
    secrets_verifier: Verifier,
}

/// The bytes of a response body, wiped when hyper drops them (a body may hold a plaintext).
struct WipeOnDrop(Zeroizing<Vec<u8>>);

impl AsRef<[u8]> for WipeOnDrop {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn response(reply: Reply, request_id: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_owner(WipeOnDrop(reply.body))));
    *r.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_1_1));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    if let Some(t) = reply.error_type {
        h.insert("x-amzn-errortype", HeaderValue::from_static(t));
    }
    r
}

fn too_large(max: usize) -> ApiError {
    ApiError {
        status: 413,
        code: "ValidationException",
        message: format!("the request body is larger than {max} bytes"),
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl State {
    /// The checks made before the body is read: method and path, the declared length, the
    /// content type.
    fn check_head(&self, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), ApiError> {
        if method != Method::POST || path != "/" {
            return Err(ApiError::client(
                "UnknownOperationException",
                "AWS KMS requests are POST / with X-Amz-Target: TrentService.<Operation>",
            ));
        }
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.config.max_body as u64) {
            return Err(too_large(self.config.max_body));
        }
        let content_type = headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes);
        if !matches!(
            content_type,
            Some(b"application/x-amz-json-1.1" | b"application/x-amz-json-1.0")
        ) {
            return Err(ApiError::serialization(format!(
                "Content-Type must be {JSON_1_1}"
            )));
        }
        Ok(())
    }

    /// After the body is read: the signature (unless unauthenticated), then the operation.
    /// Returns the operation and the access key that signed the request (`None`
    /// unauthenticated).
    fn authenticate(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(&'static str, Option<Arc<AccessKeyCredential>>), ApiError> {
        let users;
        let credentials: Option<&dyn Credentials> = match &self.config.auth {
            Auth::Users => {
                users = KeystoreCredentials(&self.ks);
                Some(&users)
            }
            Auth::SigV4(c) => Some(c.as_ref()),
            Auth::Unauthenticated => None,
        };
        let mut credential = None;
        if let Some(credentials) = credentials {
            let signed = SignedRequest {
                method: method.as_str(),
                path: uri.path(),
                query: uri.query().unwrap_or(""),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_bytes()))
                    .collect(),
                body,
            };
            let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
            let verifier = match target {
                Some(t) if t.starts_with(protocol::secrets::TARGET_PREFIX) => {
                    &self.secrets_verifier
                }
                _ => &self.verifier,
            };
            credential = Some(verifier.verify(&signed, now, credentials)?);
        }
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        Ok((protocol::operation(target)?, credential))
    }
}

/// The audit caller of one connection's requests, made once per principal the connection
/// uses (one allocation per connection in the common case, none per request).
struct Callers {
    peer: SocketAddr,
    last: std::sync::Mutex<Option<Known>>,
}

/// The last signer a connection saw, its audit caller and its principal.
struct Known {
    credential: Option<Arc<AccessKeyCredential>>,
    caller: Caller,
    principal: Arc<Principal>,
}

impl Callers {
    fn new(peer: SocketAddr) -> Self {
        Callers {
            peer,
            last: std::sync::Mutex::new(None),
        }
    }

    /// The audit caller of a request signed by `credential` (`None` unauthenticated):
    /// `ARN@IP:PORT` for a signed request, `anonymous@IP:PORT` for an unauthenticated one; and
    /// the principal its key policies judge ([`principal_for`]).
    fn of(
        &self,
        ks: &Keystore,
        credential: Option<&Arc<AccessKeyCredential>>,
    ) -> Result<(Caller, Arc<Principal>), ApiError> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = &*last {
            let same = match (&k.credential, credential) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            };
            if same {
                return Ok((k.caller.clone(), k.principal.clone()));
            }
        }
        let who = credential.map_or("anonymous", |p| p.arn());
        let caller = Caller::new(format!("{who}@{}", self.peer))?;
        let principal = Arc::new(principal_for(
            ks,
            credential.map(|c| &**c),
            Some(self.peer.ip()),
        ));
        *last = Some(Known {
            credential: credential.cloned(),
            caller: caller.clone(),
            principal: principal.clone(),
        });
        Ok((caller, principal))
    }
}

/// The request path without a socket, for the fuzz target and tests: the same checks, in the
/// same order, as a request read from a connection whose body is `body`, run on the calling
/// thread. Not a stable API.
#[doc(hidden)]
pub struct Handler(State, Callers);

impl Handler {
    /// A handler for `ks` with `config` (its `tls` is not used).
    pub fn new(ks: Arc<Keystore>, config: Config) -> Self {
        Handler(
            State {
                ids: RequestIds::new(),
                ks,
                config,
                verifier: Verifier::new("kms"),
                secrets_verifier: Verifier::new("secretsmanager"),
            },
            Callers::new(SocketAddr::from(([127, 0, 0, 1], 0))),
        )
    }

    /// Handles one request at `now` (seconds since the epoch).
    pub fn handle(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Reply {
        let s = &self.0;
        let result = s.check_head(method, uri.path(), headers).and_then(|()| {
            if body.len() > s.config.max_body {
                return Err(too_large(s.config.max_body));
            }
            let (operation, credential) = s.authenticate(method, uri, headers, body, now)?;
            Ok((operation, self.1.of(&s.ks, credential.as_ref())?))
        });
        match result {
            Ok((operation, (caller, principal))) => s.ks.as_caller(&caller, || {
                protocol::handle(&s.ks, &principal, operation, body)
            }),
            Err(e) => e.into(),
        }
    }
}

async fn serve_request(
    state: &State,
    callers: &Callers,
    req: Request<Incoming>,
) -> Result<Reply, ApiError> {
    state.check_head(req.method(), req.uri().path(), req.headers())?;
    let (parts, body) = req.into_parts();
    let collected = tokio::time::timeout(
        state.config.body_timeout,
        Limited::new(body, state.config.max_body).collect(),
    )
    .await
    .map_err(|_| {
        ApiError::client(
            "RequestTimeoutException",
            "the request body was not received in time",
        )
    })?;
    let body = match collected {
        Ok(c) => Zeroizing::new(c.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(too_large(state.config.max_body));
        }
        Err(_) => {
            return Err(ApiError::serialization(
                "the request body could not be read",
            ));
        }
    };
    let (operation, credential) =
        state.authenticate(&parts.method, &parts.uri, &parts.headers, &body, now_secs())?;
    let (caller, principal) = callers.of(&state.ks, credential.as_ref())?;
    let ks = &*state.ks;
    let run = || {
        ks.as_caller(&caller, || {
            protocol::handle(ks, &principal, operation, &body)
        })
    };
    Ok(if protocol::is_fast(operation) {
        run()
    } else {
        // May wait for the file: let the runtime move other connections off this thread.
        tokio::task::block_in_place(run)
    })
}

async fn service(
    state: Arc<State>,
    callers: Arc<Callers>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let request_id = state.ids.next();
    let reply = serve_request(&state, &callers, req)
        .await
        .unwrap_or_else(Reply::from);
    Ok(response(reply, &request_id))
}

/// Serves `ks` on `listener` until `shutdown` completes, then lets the connections in flight
/// finish (30 s at most). With [`Config::tls`], every connection starts with a TLS handshake
/// (within the header timeout).
pub async fn serve(
    listener: tokio::net::TcpListener,
    ks: Arc<Keystore>,
    config: Config,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let acceptor = config.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let header_timeout = config.header_timeout;
    let state = Arc::new(State {
        ids: RequestIds::new(),
        ks,
        config,
        verifier: Verifier::new("kms"),
        secrets_verifier: Verifier::new("secretsmanager"),
    });
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_HEADER_BYTES)
        .max_headers(MAX_HEADERS)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer): (_, SocketAddr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                // Out of descriptors or a connection reset before accept: try again shortly.
                Err(_) => { tokio::time::sleep(Duration::from_millis(10)).await; continue; }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        match &acceptor {
            None => {
                tokio::spawn(serve_connection(
                    stream, peer, state, builder, watcher, permit,
                ));
            }
            Some(acceptor) => {
                let handshake = acceptor.accept(stream);
                tokio::spawn(async move {
                    // A client that never finishes its handshake is cut like a slow header.
                    if let Ok(Ok(tls)) = tokio::time::timeout(header_timeout, handshake).await {
                        serve_connection(tls, peer, state, builder, watcher, permit).await;
                    }
                });
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

/// Serves HTTP/1.1 on one accepted (and, with TLS, handshaken) connection; the connection's
/// permit is given back when it closes.
async fn serve_connection<IO>(
    io: IO,
    peer: SocketAddr,
    state: Arc<State>,
    builder: Arc<hyper::server::conn::http1::Builder>,
    watcher: Watcher,
    permit: tokio::sync::OwnedSemaphorePermit,
) where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let callers = Arc::new(Callers::new(peer));
    let conn = builder.serve_connection(
        TokioIo::new(io),
        hyper::service::service_fn(move |req| service(state.clone(), callers.clone(), req)),
    );
    let _ = watcher.watch(conn).await;
    drop(permit);
}

/// The listen backlog of [`bind`].
pub const LISTEN_BACKLOG: i32 = 1024;

/// Binds `addr` for [`run`] with a listen backlog of [`LISTEN_BACKLOG`] (std's is 128), so a
/// burst of connections beyond [`Config::max_connections`] waits in the kernel.
pub fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(socket.into())
}

/// Completes on SIGTERM or SIGINT. The handlers are registered when this is called (inside the
/// runtime), not when the future is first polled, so a signal that comes right after the ready
/// line is already graceful.
fn signalled() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let handlers = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        );
        async move {
            match handlers {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {},
                        _ = int.recv() => {},
                    }
                }
                _ => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Why [`run`] stopped with an error.
#[derive(Debug)]
pub enum RunError {
    /// The runtime or the listener failed.
    Io(std::io::Error),
    /// Closing the keystore failed.
    Close(strongroom::Error),
    /// The listener's address may not serve this configuration ([`crate::tls::check_listen`]).
    Refused(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Io(e) => write!(f, "the server failed: {e}"),
            RunError::Close(e) => write!(f, "closing the keystore failed: {e}"),
            RunError::Refused(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for RunError {}

/// Serves `ks` on `listener` (already bound) until SIGTERM or SIGINT, then drains and closes
/// the keystore. `ready` is called with the address once signals are handled and the listener
/// accepts requests (the CLI prints its line there).
pub fn run(
    ks: Keystore,
    listener: std::net::TcpListener,
    config: Config,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), RunError> {
    serve_blocking(ks, listener, config, |addr| {
        // Register the handlers before announcing readiness, so an early SIGTERM is graceful.
        let stop = Box::pin(signalled());
        ready(addr);
        stop
    })
}

/// Runs the server on a runtime of its own until the future `start` returns completes; then
/// drains, and closes the keystore.
fn serve_blocking<F>(
    ks: Keystore,
    listener: std::net::TcpListener,
    config: Config,
    start: impl FnOnce(SocketAddr) -> F,
) -> Result<(), RunError>
where
    F: std::future::Future<Output = ()>,
{
    let addr = listener.local_addr().map_err(RunError::Io)?;
    crate::tls::check_listen(
        addr,
        config.tls.is_some(),
        matches!(config.auth, Auth::Unauthenticated),
    )
    .map_err(RunError::Refused)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .thread_name("strongroom-serve")
        .build()
        .map_err(RunError::Io)?;
    let ks = Arc::new(ks);
    let served = rt.block_on(async {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stop = start(addr);
        serve(listener, ks.clone(), config, stop).await;
        Ok::<(), std::io::Error>(())
    });
    rt.shutdown_timeout(Duration::from_secs(5));
    served.map_err(RunError::Io)?;
    match Arc::try_unwrap(ks) {
        Ok(ks) => ks.close().map_err(RunError::Close),
        // A connection outlived the drain timeout and still holds the keystore: dropping it
        // still flushes the audit trail when the last holder goes.
        Err(_) => Ok(()),
    }
}

/// A server on a thread of its own (no signal handling), for `strongroom quickstart` and tests:
/// [`Background::stop`] drains it and closes the keystore.
pub struct Background {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), RunError>>>,
}

impl Background {
    /// Starts serving `ks` on `listener` (see [`bind`]) with `config`.
    pub fn start(
        ks: Keystore,
        listener: std::net::TcpListener,
        config: Config,
    ) -> Result<Self, RunError> {
        let addr = listener.local_addr().map_err(RunError::Io)?;
        crate::tls::check_listen(
            addr,
            config.tls.is_some(),
            matches!(config.auth, Auth::Unauthenticated),
        )
        .map_err(RunError::Refused)?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("strongroom-serve".into())
            .spawn(move || {
                serve_blocking(ks, listener, config, |_| async {
                    let _ = rx.await;
                })
            })
            .map_err(RunError::Io)?;
        Ok(Background {
            addr,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish, closes the keystore.
    pub fn stop(mut self) -> Result<(), RunError> {
        self.finish()
    }

    fn finish(&mut self) -> Result<(), RunError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(RunError::Io(std::io::Error::other(
                "the server thread panicked",
            ))),
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

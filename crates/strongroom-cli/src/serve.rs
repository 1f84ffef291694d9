//! `strongroom serve`: the keystore served over AWS KMS's JSON protocol (the
//! `strongroom-server` crate; docs/server.md). The keystore and passphrase are found as for every
//! other command; the process owns the file until SIGTERM or SIGINT. Requests are signed with
//! the access keys of the keystore's users (`strongroom iam`), or not at all with
//! `--unauthenticated`.

use crate::args::Global;
use crate::errors::{CliError, CliResult};
use crate::unlock;
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use strongroom::Keystore;
use strongroom_server::server::{self, Auth, Config};
use strongroom_server::tls;

/// The audit trail's caller for the server's own events (opening and closing the keystore);
/// each request's events name its principal and address.
pub const SERVER_CALLER: &str = "strongroom-serve";

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. Any address but loopback needs TLS
    #[arg(long, default_value = "127.0.0.1:4599", value_name = "IP:PORT")]
    pub listen: String,
    /// Serve TLS with this certificate chain (PEM, leaf first); needs --tls-key
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve TLS with a certificate made at start (fresh key, never written) for localhost,
    /// 127.0.0.1, ::1, the listen address and every --tls-name; its SHA-256 fingerprint is printed
    /// on stderr
    #[arg(long)]
    pub tls_self_signed: bool,
    /// Another DNS name or IP address for the --tls-self-signed certificate (repeatable)
    #[arg(long, value_name = "NAME", requires = "tls_self_signed")]
    pub tls_name: Vec<String>,
    /// Write the --tls-self-signed certificate (PEM, public) to this file, for clients to trust
    #[arg(long, value_name = "FILE", requires = "tls_self_signed")]
    pub tls_cert_out: Option<PathBuf>,
    /// Accept every request without a signature (throwaway development setups; loopback only).
    /// Without it, every request must be signed (SigV4) with an active access key of the
    /// keystore's users (`strongroom iam create-access-key`)
    #[arg(long)]
    pub unauthenticated: bool,
    /// Seed the keystore from this file before serving (as `strongroom seed FILE`)
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Largest request body accepted, in bytes
    #[arg(long, default_value_t = server::DEFAULT_MAX_BODY, value_name = "BYTES")]
    pub max_body: usize,
    /// Connections served at once (more wait in the listen backlog)
    #[arg(long, default_value_t = server::DEFAULT_MAX_CONNECTIONS, value_name = "N")]
    pub max_connections: usize,
}

/// The address to listen on.
fn listen_address(text: &str) -> CliResult<SocketAddr> {
    text.parse().map_err(|_| {
        CliError::BadInput(format!(
            "--listen {text:?} is not IP:PORT (e.g. 127.0.0.1:4599, or port 0 for a free one)"
        ))
    })
}

/// The TLS configuration the options ask for (made before the keystore is opened, so a bad
/// certificate fails fast), with the self-signed certificate's stderr line.
fn tls_config(
    a: &ServeArgs,
    addr: SocketAddr,
) -> CliResult<Option<(Arc<tls::ServerConfig>, Option<String>)>> {
    if let (Some(cert), Some(key)) = (&a.tls_cert, &a.tls_key) {
        let config = tls::from_pem_files(cert, key).map_err(CliError::BadInput)?;
        return Ok(Some((config, None)));
    }
    if !a.tls_self_signed {
        return Ok(None);
    }
    let made = tls::self_signed(addr.ip(), &a.tls_name).map_err(CliError::BadInput)?;
    if let Some(out) = &a.tls_cert_out {
        std::fs::write(out, &made.cert_pem).map_err(|e| CliError::io(out.display(), e))?;
    }
    let line = format!(
        "TLS: self-signed certificate for {}, SHA-256 fingerprint {}{}",
        made.names.join(", "),
        made.fingerprint,
        a.tls_cert_out
            .as_ref()
            .map(|p| format!(" (written to {})", p.display()))
            .unwrap_or_default()
    );
    Ok(Some((made.config, Some(line))))
}

/// Runs the server until SIGTERM or SIGINT, then closes the keystore.
pub fn run(g: &Global, a: &ServeArgs) -> CliResult<()> {
    let addr = listen_address(&a.listen)?;
    let tls_requested = a.tls_cert.is_some() || a.tls_self_signed;
    tls::check_listen(addr, tls_requested, a.unauthenticated).map_err(CliError::BadInput)?;
    let auth = if a.unauthenticated {
        Auth::Unauthenticated
    } else {
        Auth::Users
    };
    let path = unlock::keystore_path(g)?;
    if !path.exists() {
        return Err(CliError::KeystoreMissing(path));
    }
    let tls = tls_config(a, addr)?;
    let passphrase = unlock::passphrase(g, false)?;
    let mut options = unlock::options(g);
    // The server's own events; each request's are its caller's (`ARN@IP:PORT`).
    options.caller = SERVER_CALLER.into();
    let ks = Keystore::open(&path, &passphrase, &options)?;
    drop(passphrase);
    if let Some(file) = &a.seed
        && let Err(e) = crate::seed::apply(&ks, file)
    {
        let _ = ks.close();
        return Err(e);
    }
    let listener = server::bind(addr).map_err(|e| CliError::io(addr, e))?;
    let warn = matches!(auth, Auth::Unauthenticated).then(|| path.display().to_string());
    let (tls, tls_line) = match tls {
        Some((config, line)) => (Some(config), line),
        None => (None, None),
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let config = Config {
        max_body: a.max_body,
        max_connections: a.max_connections,
        tls,
        ..Config::new(auth)
    };
    server::run(ks, listener, config, |bound| {
        if let Some(line) = tls_line {
            eprintln!("{line}");
        }
        if let Some(path) = warn {
            eprintln!(
                "WARNING: strongroom serve --unauthenticated: every process that can reach {bound} \
                 can use and delete every key in {path}. For throwaway development keystores only."
            );
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {scheme}://{bound}");
        let _ = out.flush();
    })
    .map_err(|e| match e {
        server::RunError::Io(e) => CliError::io("the server", e),
        server::RunError::Close(e) => CliError::Core(e),
        server::RunError::Refused(e) => CliError::BadInput(e),
    })
}

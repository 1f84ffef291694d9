//! `strongroom serve`: the keystore served over AWS KMS's JSON protocol (the
//! `strongroom-server` crate; docs/server.md). The keystore and passphrase are found as for every
//! other command; the process owns the file until SIGTERM or SIGINT.

use crate::args::Global;
use crate::errors::{CliError, CliResult};
use crate::unlock;
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use strongroom::{Keystore, Options};
use strongroom_server::server::{self, Auth, Config};
use strongroom_server::{Credentials, StaticCredentials};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. Loopback only until TLS exists
    #[arg(long, default_value = "127.0.0.1:4599", value_name = "IP:PORT")]
    pub listen: String,
    /// Accept every request without a signature (throwaway development setups; loopback only)
    #[arg(long, conflicts_with = "access_key_file")]
    pub unauthenticated: bool,
    /// Require SigV4 signatures by the one access key in this file, AWS IAM's CreateAccessKey
    /// JSON ({"AccessKey": {"AccessKeyId", "SecretAccessKey"}}), readable by its owner only
    #[arg(long, value_name = "PATH")]
    pub access_key_file: Option<PathBuf>,
    /// Largest request body accepted, in bytes
    #[arg(long, default_value_t = server::DEFAULT_MAX_BODY, value_name = "BYTES")]
    pub max_body: usize,
    /// Connections served at once (more wait in the listen backlog)
    #[arg(long, default_value_t = server::DEFAULT_MAX_CONNECTIONS, value_name = "N")]
    pub max_connections: usize,
}

/// The address to listen on, refused unless it is loopback (no TLS yet).
fn listen_address(text: &str) -> CliResult<SocketAddr> {
    let addr: SocketAddr = text.parse().map_err(|_| {
        CliError::BadInput(format!(
            "--listen {text:?} is not IP:PORT (e.g. 127.0.0.1:4599, or port 0 for a free one)"
        ))
    })?;
    if !addr.ip().is_loopback() {
        return Err(CliError::BadInput(format!(
            "--listen {addr} is not a loopback address: without TLS (not available yet) the server \
             listens on 127.0.0.1 or ::1 only, since requests carry plaintexts and data keys"
        )));
    }
    Ok(addr)
}

/// Runs the server until SIGTERM or SIGINT, then closes the keystore.
pub fn run(g: &Global, a: &ServeArgs) -> CliResult<()> {
    let addr = listen_address(&a.listen)?;
    let (auth, caller) = match (&a.access_key_file, a.unauthenticated) {
        (Some(path), _) => {
            let creds = StaticCredentials::from_file(path).map_err(CliError::BadInput)?;
            let caller = creds.access_key_id().to_string();
            let creds: Arc<dyn Credentials> = Arc::new(creds);
            (Auth::SigV4(creds), caller)
        }
        (None, true) => (Auth::Unauthenticated, "anonymous".to_string()),
        (None, false) => {
            return Err(CliError::BadInput(
                "serve needs --access-key-file FILE (SigV4 with that key) or --unauthenticated \
                 (no authentication, loopback only): the keystore's own users come later"
                    .into(),
            ));
        }
    };
    let path = unlock::keystore_path(g)?;
    if !path.exists() {
        return Err(CliError::KeystoreMissing(path));
    }
    let passphrase = unlock::passphrase(g, false)?;
    let mut options = if g.insecure_test_kdf {
        Options::insecure_fast_for_tests()
    } else {
        Options::default()
    };
    // The audit trail names the caller: the access key id, or "anonymous".
    options.caller = caller;
    let ks = Keystore::open(&path, &passphrase, &options)?;
    drop(passphrase);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| CliError::io(addr, e))?;
    let warn = matches!(auth, Auth::Unauthenticated).then(|| path.display().to_string());
    let config = Config {
        max_body: a.max_body,
        max_connections: a.max_connections,
        ..Config::new(auth)
    };
    server::run(ks, listener, config, |bound| {
        if let Some(path) = warn {
            eprintln!(
                "WARNING: strongroom serve --unauthenticated: every process that can reach {bound} \
                 can use and delete every key in {path}. For throwaway development keystores only."
            );
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{bound}");
        let _ = out.flush();
    })
    .map_err(|e| match e {
        server::RunError::Io(e) => CliError::io("the server", e),
        server::RunError::Close(e) => CliError::Core(e),
    })
}

//! Finding and unlocking the keystore: the path (`--keystore`, `STRONGROOM_KEYSTORE` or the
//! per-user default), the passphrase (`STRONGROOM_PASSPHRASE`, `--passphrase-file`, or a no-echo
//! prompt on the terminal) and the test-only fast KDF switch.

use crate::args::Global;
use crate::errors::{CliError, CliResult};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use strongroom::{Keystore, Options};
use zeroize::Zeroizing;

/// Environment variable holding the passphrase.
pub const PASSPHRASE_ENV: &str = "STRONGROOM_PASSPHRASE";
/// Environment variable holding the new passphrase for `change-passphrase`.
pub const NEW_PASSPHRASE_ENV: &str = "STRONGROOM_NEW_PASSPHRASE";

/// The keystore path: `--keystore` / `STRONGROOM_KEYSTORE`, else the per-user default.
pub fn keystore_path(global: &Global) -> CliResult<PathBuf> {
    if let Some(p) = &global.keystore {
        return Ok(p.clone());
    }
    default_path().ok_or_else(|| {
        CliError::BadInput(
            "no --keystore given and no home directory to put the default keystore in".into(),
        )
    })
}

/// `$XDG_DATA_HOME/strongroom/keystore.strongroom`, else
/// `~/.local/share/strongroom/keystore.strongroom` (`%APPDATA%\strongroom\...` on Windows).
pub fn default_path() -> Option<PathBuf> {
    let non_empty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        non_empty("APPDATA")?
    } else {
        non_empty("XDG_DATA_HOME").or_else(|| non_empty("HOME").map(|h| h.join(".local/share")))?
    };
    Some(base.join("strongroom").join("keystore.strongroom"))
}

/// The options every command opens the keystore with: the KDF profile, and the Region and
/// account of the AWS-form ARNs (`--region`, `--account-id`; the core checks them).
pub fn options(global: &Global) -> Options {
    let mut o = if global.insecure_test_kdf {
        Options::insecure_fast_for_tests()
    } else {
        Options::default()
    };
    if let Some(r) = &global.region {
        o.aws_region.clone_from(r);
    }
    if let Some(a) = &global.account_id {
        o.aws_account_id.clone_from(a);
    }
    o
}

/// Opens the existing keystore; a missing file is an error, never a new keystore.
pub fn open(global: &Global) -> CliResult<Keystore> {
    open_with_passphrase(global).map(|(ks, _)| ks)
}

/// As [`open`], also returning the passphrase that unlocked it (for `change-passphrase`).
pub fn open_with_passphrase(global: &Global) -> CliResult<(Keystore, Zeroizing<Vec<u8>>)> {
    let path = keystore_path(global)?;
    if !path.exists() {
        return Err(CliError::KeystoreMissing(path));
    }
    let pass = passphrase(global, false)?;
    let ks = Keystore::open(&path, &pass, &options(global))?;
    Ok((ks, pass))
}

/// Creates the keystore (`init`), making its directory if needed; never overwrites.
pub fn create(global: &Global) -> CliResult<Keystore> {
    let path = keystore_path(global)?;
    if path.exists() {
        return Err(CliError::KeystoreExists(path));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        make_private_dir(dir)?;
    }
    let pass = passphrase(global, true)?;
    Ok(Keystore::create(&path, &pass, &options(global))?)
}

fn make_private_dir(dir: &Path) -> CliResult<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| CliError::io(dir.display(), e))
}

/// The keystore passphrase from the environment, `--passphrase-file` or the terminal
/// (typed twice when `confirm`).
pub fn passphrase(global: &Global, confirm: bool) -> CliResult<Zeroizing<Vec<u8>>> {
    source(
        PASSPHRASE_ENV,
        global.passphrase_file.as_deref(),
        "Keystore passphrase: ",
        confirm,
    )
}

/// The new passphrase for `change-passphrase`.
pub fn new_passphrase(file: Option<&Path>) -> CliResult<Zeroizing<Vec<u8>>> {
    source(NEW_PASSPHRASE_ENV, file, "New keystore passphrase: ", true)
}

fn source(
    env: &str,
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
) -> CliResult<Zeroizing<Vec<u8>>> {
    if let Some(path) = file {
        let text =
            Zeroizing::new(std::fs::read(path).map_err(|e| CliError::io(path.display(), e))?);
        let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        return Ok(Zeroizing::new(line.to_vec()));
    }
    if let Some(v) = std::env::var_os(env) {
        return Ok(Zeroizing::new(v.into_encoded_bytes()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::NoPassphrase);
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(prompt).map_err(|e| CliError::io("the terminal", e))?,
    );
    if first.is_empty() {
        return Err(CliError::PassphraseEmpty);
    }
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Type it again: ")
                .map_err(|e| CliError::io("the terminal", e))?,
        );
        // Both values were typed by the same user at this terminal: no timing side channel.
        if first.as_bytes() != again.as_bytes() {
            return Err(CliError::PassphraseMismatch);
        }
    }
    Ok(Zeroizing::new(first.as_bytes().to_vec()))
}

//! Safe defaults for the streams the file commands read and write (as rage does): binary output
//! never goes to a terminal, an existing file is never overwritten without `--force`, and a
//! file output appears only once it is complete (written to a temporary file beside it, then
//! renamed), so a failed decryption leaves nothing behind.

use crate::errors::{CliError, CliResult};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

/// An input stream and, when known, its size in bytes.
pub struct Input {
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
    /// Its length, for the progress bar (unknown for standard input).
    pub len: Option<u64>,
    /// How to name it in errors.
    pub name: String,
}

/// Opens `path`, or standard input for `-`.
pub fn open_input(path: &str) -> CliResult<Input> {
    if path == "-" {
        return Ok(Input {
            reader: Box::new(std::io::stdin()),
            len: None,
            name: "standard input".into(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let len = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    Ok(Input {
        reader: Box::new(file),
        len,
        name: path.to_string(),
    })
}

/// Where output goes until [`Output::finish`].
pub enum Output {
    /// Standard output (checked not to be a terminal).
    Stdout(std::io::Stdout),
    /// A temporary file renamed onto `dest` when complete.
    File {
        /// The temporary file in `dest`'s directory.
        tmp: tempfile::NamedTempFile,
        /// The final path.
        dest: PathBuf,
        /// Whether replacing an existing `dest` is allowed.
        force: bool,
    },
}

/// Prepares `path` (or standard output for `-`, never a terminal) for binary output.
pub fn open_output(path: &str, force: bool) -> CliResult<Output> {
    if path == "-" && std::io::stdout().is_terminal() {
        return Err(CliError::BinaryToTerminal);
    }
    open_text_output(path, force)
}

/// Prepares `path` (or standard output for `-`, a terminal included) for text output.
pub fn open_text_output(path: &str, force: bool) -> CliResult<Output> {
    if path == "-" {
        return Ok(Output::Stdout(std::io::stdout()));
    }
    let dest = PathBuf::from(path);
    if dest.exists() && !force {
        return Err(CliError::OutputExists(dest));
    }
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = secret_tempfile_builder()
        .tempfile_in(&dir)
        .map_err(|e| CliError::io(dir.display(), e))?;
    Ok(Output::File { tmp, dest, force })
}

/// How every temporary output file is made: a random name beside the destination, created
/// exclusively (`O_CREAT | O_EXCL`: an existing file or a planted symlink at that name is never
/// opened or followed; another name is tried), readable and writable by the owner only (mode
/// 0600 on Unix; a umask can only take bits away), since it may hold decrypted plaintext. It reaches its final
/// name by `rename`, which replaces a symlink there rather than writing through it.
fn secret_tempfile_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(".strongroom-partial-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o600));
    }
    b
}

impl Output {
    /// The writer to stream into.
    pub fn writer(&mut self) -> Box<dyn Write + Send + '_> {
        match self {
            Output::Stdout(s) => Box::new(std::io::BufWriter::with_capacity(1 << 18, s)),
            Output::File { tmp, .. } => Box::new(tmp.as_file_mut()),
        }
    }

    /// Flushes and, for a file, moves it into place (refusing to replace a file that appeared
    /// meanwhile unless `--force`).
    pub fn finish(self) -> CliResult<()> {
        match self {
            Output::Stdout(s) => s
                .lock()
                .flush()
                .map_err(|e| CliError::io("standard output", e)),
            Output::File { tmp, dest, force } => {
                tmp.as_file()
                    .sync_all()
                    .map_err(|e| CliError::io(dest.display(), e))?;
                let persisted = if force {
                    tmp.persist(&dest)
                } else {
                    tmp.persist_noclobber(&dest)
                };
                persisted.map(drop).map_err(|e| match e.error.kind() {
                    std::io::ErrorKind::AlreadyExists => CliError::OutputExists(dest.clone()),
                    _ => CliError::io(dest.display(), e.error),
                })
            }
        }
    }
}

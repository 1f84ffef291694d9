//! `encrypt-file` / `decrypt-file`: opens the streams (file_io's safe defaults), shows a
//! progress bar on a terminal, and hands the bytes to the `strongroom-stream` crate, which owns
//! the format (docs/STREAM-FORMAT.md).

use crate::args::FileArgs;
use crate::errors::{CliError, CliResult};
use crate::file_io::{self, Input};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Read, Write};
use strongroom::{EncryptionContext, Keystore};
use strongroom_stream::{Decryptor, Encryptor, Header};

/// Encrypts `file.input` to `file.output_file` under a fresh data key from `key_id`.
pub fn encrypt_command(
    ks: &Keystore,
    key_id: &str,
    ctx: Option<&EncryptionContext>,
    file: &FileArgs,
) -> CliResult<()> {
    let input = file_io::open_input(&file.input)?;
    let mut output = file_io::open_output(&file.output_file, file.force)?;
    let encryptor = Encryptor::new(ks, key_id, ctx)?;
    let bar = progress(&input);
    {
        let reader = Named::new(&input.name, input.reader);
        let writer = Named::new(&out_name(file), output.writer());
        let reader = match &bar {
            Some(bar) => Box::new(bar.wrap_read(reader)) as Box<dyn Read>,
            None => Box::new(reader),
        };
        encryptor.encrypt(reader, writer)?;
    }
    finish(bar);
    output.finish()
}

/// Decrypts `file.input` (made by [`encrypt_command`]) to `file.output_file`. The output file
/// appears only once every chunk is authenticated (file_io writes a temporary file first).
pub fn decrypt_command(
    ks: &Keystore,
    key_id: Option<&str>,
    ctx: Option<&EncryptionContext>,
    file: &FileArgs,
) -> CliResult<()> {
    let input = file_io::open_input(&file.input)?;
    let bar = progress(&input);
    let mut reader = Named::new(&input.name, input.reader);
    let header = Header::read(&mut reader).map_err(damaged)?;
    // A wrong context or key is the keystore's error (with its own hint), not a damaged file.
    let decryptor = Decryptor::new(ks, header, ctx, key_id)?;
    let mut output = file_io::open_output(&file.output_file, file.force)?;
    {
        let writer = Named::new(&out_name(file), output.writer());
        let reader = match &bar {
            Some(bar) => Box::new(bar.wrap_read(reader)) as Box<dyn Read>,
            None => Box::new(reader),
        };
        decryptor.decrypt(reader, writer).map_err(damaged)?;
    }
    finish(bar);
    output.finish()
}

/// A stream that fails to parse or authenticate is a damaged file (its own hint); I/O errors
/// stay what they are.
fn damaged(e: strongroom::Error) -> CliError {
    match e {
        strongroom::Error::InvalidCiphertext(m) => CliError::BadEncryptedFile(m),
        other => CliError::Core(other),
    }
}

fn out_name(file: &FileArgs) -> String {
    if file.output_file == "-" {
        "standard output".into()
    } else {
        file.output_file.clone()
    }
}

/// A reader or writer whose errors name the path (or "standard input") they happened on.
struct Named<T> {
    name: String,
    inner: T,
}

impl<T> Named<T> {
    fn new(name: &str, inner: T) -> Self {
        Named {
            name: name.to_string(),
            inner,
        }
    }

    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.name))
    }
}

impl<T: Read> Read for Named<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| self.named(e))
    }
}

impl<T: Write> Write for Named<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

fn progress(input: &Input) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(input.len, ProgressDrawTarget::stderr());
    let template = if input.len.is_some() {
        "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {bytes} {binary_bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

fn finish(bar: Option<ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

//! Streaming encryption of data of any size (docs/STREAM-FORMAT.md) through read and write
//! callbacks: `sr_encrypt_stream` and `sr_decrypt_stream`, over the `strongroom-stream` crate.

use crate::crypto::{context, sr_context_pair};
use crate::error::Failure;
use crate::ffi::{try_opt_str, try_str};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::boundary;
use crate::status::sr_status;
use sr_core::Keystore;
use std::ffi::{c_char, c_void};
use std::io;
use strongroom_stream::{Decryptor, Encryptor, Header};

/// The input of `sr_encrypt_stream` and `sr_decrypt_stream`, called like POSIX `read`: copy up
/// to `len` bytes of the input into `buf` and return how many (a short count is fine), 0 at the
/// end of the input, or a negative value on failure (the call then fails with `SR_STATUS_IO`;
/// keep the reason in `read_ctx` if you need it). `buf` is valid for `len` bytes during the call
/// only. The callback runs on the thread that called the stream function, never concurrently
/// with itself or with the write callback, and never after that function has returned.
/// `read_ctx` is passed through unchanged (it may be NULL).
pub type sr_read_fn =
    Option<unsafe extern "C" fn(read_ctx: *mut c_void, buf: *mut u8, len: usize) -> isize>;

/// The output of `sr_encrypt_stream` and `sr_decrypt_stream`, called like POSIX `write`: take 1
/// to `len` bytes from `buf` and return how many (a short count is fine; the rest comes again),
/// or 0 or a negative value on failure (the call then fails with `SR_STATUS_IO`). `buf` is valid
/// for `len` bytes during the call only. The callback runs on the thread that called the stream
/// function, never concurrently with itself or with the read callback, and never after that
/// function has returned. `write_ctx` is passed through unchanged (it may be NULL).
pub type sr_write_fn =
    Option<unsafe extern "C" fn(write_ctx: *mut c_void, buf: *const u8, len: usize) -> isize>;

/// A C read callback as a Rust reader.
struct Reader {
    read: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> isize,
    ctx: *mut c_void,
}

impl io::Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: `buf` is valid and writable for `buf.len()` bytes for the call; the C contract
        // of `sr_read_fn` is to write at most `len` bytes there and keep no pointer to it.
        // `ctx` is the caller's, passed through as documented.
        let n = unsafe { (self.read)(self.ctx, buf.as_mut_ptr(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n <= buf.len() => Ok(n),
            Ok(n) => Err(io::Error::other(format!(
                "the read callback returned {n} for a buffer of {} bytes",
                buf.len()
            ))),
            Err(_) => Err(io::Error::other(format!(
                "the read callback returned {n} (a failure)"
            ))),
        }
    }
}

/// A C write callback as a Rust writer.
struct Writer {
    write: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> isize,
    ctx: *mut c_void,
}

impl io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: `buf` is valid for reads of `buf.len()` bytes for the call; the C contract of
        // `sr_write_fn` is to read at most `len` bytes and keep no pointer to them. `ctx` is the
        // caller's, passed through as documented.
        let n = unsafe { (self.write)(self.ctx, buf.as_ptr(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n > 0 && n <= buf.len() => Ok(n),
            _ if buf.is_empty() => Ok(0),
            _ => Err(io::Error::other(format!(
                "the write callback returned {n} for {} bytes (a failure)",
                buf.len()
            ))),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` on the keystore behind `p`, holding it (see `keystore_ref`) for that call only.
fn with_keystore<R>(
    p: *const sr_keystore,
    f: impl FnOnce(&Keystore) -> sr_core::Result<R>,
) -> Result<R, Failure> {
    let ks = keystore_ref(p)?;
    Ok(f(std::ops::Deref::deref(&ks))?)
}

fn reader(read: sr_read_fn, ctx: *mut c_void) -> Result<Reader, Failure> {
    let read = read.ok_or_else(|| Failure::null("read"))?;
    Ok(Reader { read, ctx })
}

fn writer(write: sr_write_fn, ctx: *mut c_void) -> Result<Writer, Failure> {
    let write = write.ok_or_else(|| Failure::null("write"))?;
    Ok(Writer { write, ctx })
}

/// Encrypts everything `read` yields, of any size, and hands the encrypted stream to `write`
/// (docs/STREAM-FORMAT.md): a fresh data key from `key_id` (key id, ARN, alias name or alias ARN;
/// one audited `GenerateDataKey`) whose blob goes in the stream's header, then 64 KiB chunks
/// sealed with AES-256-GCM on every core. Memory stays bounded (about 16 MiB) whatever the size.
/// The keystore is in use only while the data key is made, not while the stream runs.
/// The same encryption context is needed to decrypt. If the key is refused, nothing is read or
/// written. A failing callback makes the call return `SR_STATUS_IO`; the output is then
/// incomplete and must be discarded.
#[unsafe(no_mangle)]
pub extern "C" fn sr_encrypt_stream(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    read: sr_read_fn,
    read_ctx: *mut c_void,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    write: sr_write_fn,
    write_ctx: *mut c_void,
) -> sr_status {
    boundary(|| {
        // Checked first (NULL, closed) like every argument; held below for the data key only,
        // not for the whole stream.
        keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let input = reader(read, read_ctx)?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let output = writer(write, write_ctx)?;
        let encryptor = with_keystore(keystore, |ks| Encryptor::new(ks, key_id, ctx.as_ref()))?;
        encryptor.encrypt(input, output)?;
        Ok(())
    })
}

/// Decrypts a stream made by `sr_encrypt_stream` (or `strongroom encrypt-file`) from `read`
/// and hands the plaintext to `write`. The key comes from the stream's header; `key_id` may be
/// NULL, or names the key the caller expects (`SR_STATUS_INCORRECT_KEY` if it is another). A
/// wrong context, or a stream that was modified, truncated, reordered or extended, is
/// `SR_STATUS_INVALID_CIPHERTEXT`; a failing callback `SR_STATUS_IO`.
///
/// Plaintext is handed to `write` chunk by chunk as each chunk is authenticated, before the end
/// of the stream is: on any failure, plaintext already written must be discarded (write to a
/// temporary file and keep it only on `SR_STATUS_OK`). The keystore is in use only while the
/// header's data key is opened, not while the stream runs.
#[unsafe(no_mangle)]
pub extern "C" fn sr_decrypt_stream(
    keystore: *const sr_keystore,
    read: sr_read_fn,
    read_ctx: *mut c_void,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    key_id: *const c_char,
    write: sr_write_fn,
    write_ctx: *mut c_void,
) -> sr_status {
    boundary(|| {
        // Checked first (NULL, closed) like every argument; held below for the data key only,
        // not for the whole stream.
        keystore_ref(keystore)?;
        let mut input = reader(read, read_ctx)?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let output = writer(write, write_ctx)?;
        let header = Header::read(&mut input)?;
        let decryptor = with_keystore(keystore, |ks| {
            Decryptor::new(ks, header, ctx.as_ref(), key_id)
        })?;
        decryptor.decrypt(input, output)?;
        Ok(())
    })
}

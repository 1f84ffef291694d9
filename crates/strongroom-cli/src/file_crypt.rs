//! `encrypt-file` / `decrypt-file`: envelope encryption of a stream of any size, in the format
//! that docs/file-format.md specifies. A fresh AES-256 data key from the keystore per file; only
//! its blob is kept, in the header. The payload is cut into chunks sealed with AES-256-GCM under
//! a key derived from the data key; each chunk's nonce holds its index and a final-chunk flag,
//! and every chunk authenticates the whole header, so reordered, dropped, appended, truncated or
//! modified chunks are refused. Memory is bounded: a few batches of chunks are in flight
//! (reader thread, sealing on every core, writer thread), whatever the file size.

use crate::args::FileArgs;
use crate::errors::{CliError, CliResult};
use crate::file_io::{self, Input};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, Tag, UnboundKey};
use ring::hkdf;
use std::io::{IsTerminal, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use strongroom::{DataKeySpec, EncryptionContext, Keystore};

/// The first six bytes of every encrypted file.
pub const MAGIC: &[u8; 6] = b"SRFILE";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Plaintext bytes per chunk written by this build (the last chunk may be shorter).
pub const CHUNK_SIZE: u32 = 64 * 1024;
/// Smallest and largest chunk size a reader accepts.
pub const CHUNK_SIZE_RANGE: std::ops::RangeInclusive<u32> = 512..=(4 << 20);
/// Length of the random HKDF salt in the header.
pub const SALT_LEN: usize = 32;
/// Largest data-key blob a reader accepts.
pub const MAX_BLOB_LEN: u32 = 8192;
/// The AES-GCM tag after each chunk.
pub const TAG_LEN: usize = 16;
/// HKDF info for the payload key.
pub const KEY_INFO: &[u8] = b"strongroom file v1 payload key";
/// Bytes of chunks handed to the sealing threads at once.
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight (reader, sealing, writer, one spare): peak memory is about this times
/// [`BATCH_BYTES`].
const BATCHES_IN_FLIGHT: usize = 4;
/// Length of the fixed part of the header (magic, version, chunk size, salt, blob length).
const FIXED_HEADER: usize = 6 + 2 + 4 + SALT_LEN + 4;

/// A group of consecutive chunks moving through the pipeline.
struct Batch {
    buf: Vec<u8>,
    /// Bytes of each chunk now in its slot (plaintext before sealing, ciphertext+tag after).
    lens: Vec<usize>,
    first_index: u64,
    /// The batch holds the file's final chunk (its last one).
    last: bool,
    /// Input bytes the batch was read from (for the progress bar).
    read: u64,
}

/// What one direction does to each chunk; shared by encryption and decryption.
trait Transform: Sync {
    /// Bytes of input per slot.
    fn slot_in(&self) -> usize;
    /// Applies to one chunk in place; returns its new length.
    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> CliResult<usize>;
}

struct Sealer<'a> {
    key: LessSafeKey,
    header: &'a [u8],
    chunk: usize,
}

struct Opener<'a> {
    key: LessSafeKey,
    header: &'a [u8],
    chunk: usize,
}

fn nonce(index: u64, last: bool) -> Nonce {
    let mut n = [0u8; NONCE_LEN];
    n[..8].copy_from_slice(&index.to_le_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

impl Transform for Sealer<'_> {
    fn slot_in(&self) -> usize {
        self.chunk
    }
    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> CliResult<usize> {
        let (data, rest) = slot.split_at_mut(len);
        let tag: Tag = self
            .key
            .seal_in_place_separate_tag(nonce(index, last), Aad::from(self.header), data)
            .map_err(|_| CliError::BadInput("chunk sealing failed".into()))?;
        rest[..TAG_LEN].copy_from_slice(tag.as_ref());
        Ok(len + TAG_LEN)
    }
}

impl Transform for Opener<'_> {
    fn slot_in(&self) -> usize {
        self.chunk + TAG_LEN
    }
    fn apply(&self, slot: &mut [u8], len: usize, index: u64, last: bool) -> CliResult<usize> {
        if len < TAG_LEN {
            return Err(CliError::BadEncryptedFile(format!(
                "chunk {index} is cut short (the file was truncated)"
            )));
        }
        let plain = self
            .key
            .open_in_place(nonce(index, last), Aad::from(self.header), &mut slot[..len])
            .map_err(|_| {
                CliError::BadEncryptedFile(format!(
                    "chunk {index} does not authenticate: the file was modified, its chunks \
                     reordered, or it was cut or extended"
                ))
            })?;
        if last && plain.is_empty() && index > 0 {
            return Err(CliError::BadEncryptedFile(
                "empty final chunk after data (not written by strongroom)".into(),
            ));
        }
        Ok(plain.len())
    }
}

fn payload_key(data_key: &[u8], salt: &[u8]) -> CliResult<LessSafeKey> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(data_key);
    let okm = prk
        .expand(&[KEY_INFO], &AES_256_GCM)
        .map_err(|_| CliError::BadInput("payload key derivation failed".into()))?;
    Ok(LessSafeKey::new(UnboundKey::from(okm)))
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Encrypts `file.input` to `file.output_file` under a fresh data key from `key_id`.
pub fn encrypt_command(
    ks: &Keystore,
    key_id: &str,
    ctx: Option<&EncryptionContext>,
    file: &FileArgs,
) -> CliResult<()> {
    let mut input = file_io::open_input(&file.input)?;
    let mut output = file_io::open_output(&file.output_file, file.force)?;
    let dk = ks.generate_data_key(key_id, Some(DataKeySpec::Aes256), None, ctx)?;
    let mut salt = [0u8; SALT_LEN];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
        .map_err(|_| CliError::BadInput("the OS random generator failed".into()))?;
    let blob_len = u32::try_from(dk.ciphertext_blob.len()).unwrap_or(u32::MAX);
    let mut header = Vec::with_capacity(FIXED_HEADER + dk.ciphertext_blob.len());
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&CHUNK_SIZE.to_le_bytes());
    header.extend_from_slice(&salt);
    header.extend_from_slice(&blob_len.to_le_bytes());
    header.extend_from_slice(&dk.ciphertext_blob);
    let key = payload_key(dk.plaintext.as_bytes(), &salt)?;
    drop(dk);
    {
        let mut w = output.writer();
        w.write_all(&header)
            .map_err(|e| CliError::io(out_name(file), e))?;
        let sealer = Sealer {
            key,
            header: &header,
            chunk: CHUNK_SIZE as usize,
        };
        pipeline(&sealer, &mut input, w.as_mut(), &out_name(file))?;
    }
    output.finish()
}

/// Decrypts `file.input` (made by [`encrypt_command`]) to `file.output_file`.
pub fn decrypt_command(
    ks: &Keystore,
    key_id: Option<&str>,
    ctx: Option<&EncryptionContext>,
    file: &FileArgs,
) -> CliResult<()> {
    let mut input = file_io::open_input(&file.input)?;
    let (header, chunk) = read_header(&mut input)?;
    let blob = &header[FIXED_HEADER..];
    let salt = &header[12..12 + SALT_LEN];
    let dk = ks.decrypt(blob, ctx, key_id)?;
    if dk.plaintext.len() != 32 {
        return Err(CliError::BadEncryptedFile(
            "the header's data key is not 32 bytes".into(),
        ));
    }
    let key = payload_key(dk.plaintext.as_bytes(), salt)?;
    drop(dk);
    let mut output = file_io::open_output(&file.output_file, file.force)?;
    {
        let mut w = output.writer();
        let opener = Opener {
            key,
            header: &header,
            chunk,
        };
        pipeline(&opener, &mut input, w.as_mut(), &out_name(file))?;
    }
    output.finish()
}

fn out_name(file: &FileArgs) -> String {
    if file.output_file == "-" {
        "standard output".into()
    } else {
        file.output_file.clone()
    }
}

/// Reads and checks the header; returns its bytes and the chunk size.
fn read_header(input: &mut Input) -> CliResult<(Vec<u8>, usize)> {
    let bad = |m: &str| CliError::BadEncryptedFile(m.to_string());
    let mut header = vec![0u8; FIXED_HEADER];
    let n = fill(input.reader.as_mut(), &mut header).map_err(|e| CliError::io(&input.name, e))?;
    if n < MAGIC.len() || &header[..MAGIC.len()] != MAGIC {
        return Err(bad("not a strongroom encrypted file (no SRFILE magic)"));
    }
    if n < FIXED_HEADER {
        return Err(bad("the header is cut short (the file was truncated)"));
    }
    let u32_at = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
    let version = u16::from_le_bytes([header[6], header[7]]);
    if version != VERSION {
        return Err(CliError::BadEncryptedFile(format!(
            "format version {version} is not supported (this build reads version {VERSION})"
        )));
    }
    let chunk = u32_at(8);
    if !CHUNK_SIZE_RANGE.contains(&chunk) {
        return Err(CliError::BadEncryptedFile(format!(
            "chunk size {chunk} is out of range"
        )));
    }
    let blob_len = u32_at(FIXED_HEADER - 4);
    if blob_len == 0 || blob_len > MAX_BLOB_LEN {
        return Err(CliError::BadEncryptedFile(format!(
            "data key blob length {blob_len} is out of range"
        )));
    }
    let start = header.len();
    header.resize(start + blob_len as usize, 0);
    let got = fill(input.reader.as_mut(), &mut header[start..])
        .map_err(|e| CliError::io(&input.name, e))?;
    if got < blob_len as usize {
        return Err(bad("the header is cut short (the file was truncated)"));
    }
    Ok((header, chunk as usize))
}

fn progress(input: &Input) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match input.len {
        Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
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

/// Streams every chunk of `input` through `t` into `out`: a reader thread fills batches, this
/// thread transforms each batch on all cores, a writer thread writes them in order.
fn pipeline<T: Transform>(
    t: &T,
    input: &mut Input,
    out: &mut (dyn Write + Send),
    out_name: &str,
) -> CliResult<()> {
    let slot = t.slot_in() + TAG_LEN;
    let slots = (BATCH_BYTES / slot).max(1);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(slots);
    let bar = progress(input);
    let in_name = input.name.clone();
    let reader = input.reader.as_mut();
    let (pool_tx, pool_rx) = sync_channel::<Vec<u8>>(BATCHES_IN_FLIGHT);
    for _ in 0..BATCHES_IN_FLIGHT {
        pool_tx
            .send(vec![0u8; slots * slot])
            .expect("pool has room");
    }
    let (full_tx, full_rx) = sync_channel::<CliResult<Batch>>(1);
    let (done_tx, done_rx) = sync_channel::<Batch>(1);
    std::thread::scope(|s| {
        let read =
            s.spawn(move || read_batches(t, reader, &in_name, slot, slots, &pool_rx, &full_tx));
        let write = s.spawn(move || write_batches(out, out_name, slot, &done_rx, &pool_tx, bar));
        let mut result = Ok(());
        for batch in full_rx.iter() {
            let transformed = batch.and_then(|b| transform(t, b, slot, threads));
            match transformed {
                Ok(b) => {
                    if done_tx.send(b).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(full_rx);
        drop(done_tx);
        let wrote = write
            .join()
            .unwrap_or_else(|_| Err(CliError::BadInput("writer thread failed".into())));
        let _ = read.join();
        result.and(wrote)
    })
}

fn read_batches<T: Transform>(
    t: &T,
    reader: &mut (dyn Read + Send),
    name: &str,
    slot: usize,
    slots: usize,
    pool: &Receiver<Vec<u8>>,
    full: &SyncSender<CliResult<Batch>>,
) {
    let per = t.slot_in();
    let mut index = 0u64;
    let mut carry: Option<u8> = None;
    loop {
        let Ok(mut buf) = pool.recv() else { return };
        let mut lens = Vec::with_capacity(slots);
        let mut last = false;
        for j in 0..slots {
            let area = &mut buf[j * slot..j * slot + per];
            let mut n = 0;
            if let Some(b) = carry.take() {
                area[0] = b;
                n = 1;
            }
            match fill(reader, &mut area[n..]) {
                Ok(k) => n += k,
                Err(e) => {
                    let _ = full.send(Err(CliError::io(name, e)));
                    return;
                }
            }
            if n == 0 && (j > 0 || index > 0) {
                // The previous chunk was the last one (the input ended on a chunk boundary).
                last = true;
                break;
            }
            lens.push(n);
            if n < per {
                last = true;
                break;
            }
        }
        if !last {
            let mut one = [0u8; 1];
            match fill(reader, &mut one) {
                Ok(0) => last = true,
                Ok(_) => carry = Some(one[0]),
                Err(e) => {
                    let _ = full.send(Err(CliError::io(name, e)));
                    return;
                }
            }
        }
        let count = lens.len() as u64;
        if lens.is_empty() {
            // Only when an earlier full batch was not known to be the last one; cannot happen,
            // since every full batch peeks ahead, but refuse rather than write a bad file.
            let _ = full.send(Err(CliError::BadEncryptedFile(
                "input ended unexpectedly".into(),
            )));
            return;
        }
        let read = lens.iter().map(|l| *l as u64).sum();
        let batch = Batch {
            buf,
            lens,
            first_index: index,
            last,
            read,
        };
        if full.send(Ok(batch)).is_err() || last {
            return;
        }
        index += count;
    }
}

/// Applies `t` to every chunk of `b`, split across `threads` (this thread takes the first part).
fn transform<T: Transform>(t: &T, mut b: Batch, slot: usize, threads: usize) -> CliResult<Batch> {
    let count = b.lens.len();
    let per_thread = count.div_ceil(threads);
    let first = b.first_index;
    let last_batch = b.last;
    let job = move |part: usize, slots: &mut [u8], lens: &mut [usize]| -> CliResult<()> {
        for (k, (area, len)) in slots.chunks_mut(slot).zip(lens.iter_mut()).enumerate() {
            let j = part * per_thread + k;
            let is_last = last_batch && j + 1 == count;
            *len = t.apply(area, *len, first + j as u64, is_last)?;
        }
        Ok(())
    };
    let mut parts = b
        .buf
        .chunks_mut(per_thread * slot)
        .zip(b.lens.chunks_mut(per_thread));
    let (own_slots, own_lens) = parts.next().expect("a batch holds at least one chunk");
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .enumerate()
            .map(|(i, (slots, lens))| s.spawn(move || job(i + 1, slots, lens)))
            .collect();
        let mine = job(0, own_slots, own_lens);
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(CliError::BadInput("worker failed".into())))
            })
            .fold(mine, |acc, r| acc.and(r))
    })?;
    Ok(b)
}

fn write_batches(
    out: &mut (dyn Write + Send),
    name: &str,
    slot: usize,
    done: &Receiver<Batch>,
    pool: &SyncSender<Vec<u8>>,
    bar: Option<ProgressBar>,
) -> CliResult<()> {
    for b in done.iter() {
        for (j, len) in b.lens.iter().enumerate() {
            out.write_all(&b.buf[j * slot..j * slot + len])
                .map_err(|e| CliError::io(name, e))?;
        }
        if let Some(bar) = &bar {
            bar.inc(b.read);
        }
        let _ = pool.try_send(b.buf);
    }
    out.flush().map_err(|e| CliError::io(name, e))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(())
}

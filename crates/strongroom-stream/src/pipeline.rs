//! Streams every chunk through a [`Transform`] with bounded memory, on every core.
//!
//! The calling thread does all the I/O (so the reader and the writer need not be `Send`, and C,
//! Go or Python callbacks always run on the caller's thread): it reads batches of up to
//! [`BATCH_BYTES`] of chunks and writes finished ones in order. One worker thread takes each
//! batch and transforms its chunks split across all cores. At most [`BATCHES_IN_FLIGHT`] batches
//! exist at once, so peak memory is about `BATCHES_IN_FLIGHT * BATCH_BYTES` whatever the size.

use crate::format::{TAG_LEN, Transform, fill, read_failed};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use strongroom::{Error, Result};

/// Bytes of chunks handed to the sealing threads at once.
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight (being read or written, waiting, being transformed): peak memory is about
/// this times [`BATCH_BYTES`].
const BATCHES_IN_FLIGHT: usize = 4;

/// A group of consecutive chunks moving through the pipeline.
struct Batch {
    buf: Vec<u8>,
    /// Bytes of each chunk now in its slot (input before the transform, output after).
    lens: Vec<usize>,
    first_index: u64,
    /// The batch holds the stream's final chunk (its last one).
    last: bool,
}

/// Bytes read and written by a run.
pub(crate) struct Counts {
    pub read: u64,
    pub written: u64,
}

/// An I/O error on the output, as the core's `Io`.
fn write_failed(e: &std::io::Error) -> Error {
    Error::Io(format!("writing the encrypted stream's output failed: {e}"))
}

/// Cuts the input into batches of chunks; knows which chunk is the last one (the input ends
/// after it) by reading one byte ahead after a full batch.
struct Batcher {
    /// Input bytes per chunk.
    per: usize,
    /// Bytes per slot (a chunk plus room for its tag).
    slot: usize,
    /// Slots per batch.
    slots: usize,
    next_index: u64,
    /// The byte read ahead of the previous batch.
    carry: Option<u8>,
    read: u64,
}

impl Batcher {
    fn next(&mut self, input: &mut impl Read, mut buf: Vec<u8>) -> Result<Batch> {
        let mut lens = Vec::with_capacity(self.slots);
        let mut last = false;
        for j in 0..self.slots {
            let area = &mut buf[j * self.slot..j * self.slot + self.per];
            let mut n = 0;
            if let Some(b) = self.carry.take() {
                area[0] = b;
                n = 1;
            }
            n += fill(input, &mut area[n..]).map_err(|e| read_failed(&e))?;
            if n == 0 && j > 0 {
                // The input ended on a chunk boundary: the previous chunk was the last one. (At
                // j = 0 a chunk is always pushed: the input is empty, or the carry byte is in it.)
                last = true;
                break;
            }
            lens.push(n);
            if n < self.per {
                last = true;
                break;
            }
        }
        if !last {
            let mut one = [0u8; 1];
            if fill(input, &mut one).map_err(|e| read_failed(&e))? == 0 {
                last = true;
            } else {
                self.carry = Some(one[0]);
            }
        }
        let first_index = self.next_index;
        self.next_index += lens.len() as u64;
        self.read += lens.iter().map(|l| *l as u64).sum::<u64>();
        Ok(Batch {
            buf,
            lens,
            first_index,
            last,
        })
    }
}

/// Streams every chunk of `input` through `t` into `output`; returns the bytes read and written
/// (chunks only, not the header). Output is written chunk by chunk as batches finish, so on a
/// failure earlier chunks may already have been written.
pub(crate) fn run<T: Transform>(
    t: &T,
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<Counts> {
    let per = t.slot_in();
    let slot = per + TAG_LEN;
    let slots = (BATCH_BYTES / slot).max(1);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(slots);
    let mut batcher = Batcher {
        per,
        slot,
        slots,
        next_index: 0,
        carry: None,
        read: 0,
    };
    let (work_tx, work_rx) = sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let (done_tx, done_rx) = sync_channel::<Result<Batch>>(BATCHES_IN_FLIGHT);
    std::thread::scope(|s| {
        s.spawn(move || {
            for batch in work_rx {
                let result = transform(t, batch, slot, threads);
                let failed = result.is_err();
                if done_tx.send(result).is_err() || failed {
                    return;
                }
            }
        });
        // The channels move into `drive`, so they close when it returns and the worker ends.
        let written = drive(&mut batcher, input, output, work_tx, done_rx)?;
        Ok(Counts {
            read: batcher.read,
            written,
        })
    })
}

/// The calling thread's part of [`run`]: reads batches, hands them to the worker, writes the
/// finished ones in order; returns the bytes written.
fn drive(
    batcher: &mut Batcher,
    input: &mut impl Read,
    output: &mut impl Write,
    work_tx: SyncSender<Batch>,
    done_rx: Receiver<Result<Batch>>,
) -> Result<u64> {
    let (slot, slots) = (batcher.slot, batcher.slots);
    let mut free: Vec<Vec<u8>> = Vec::new();
    let mut in_flight = 0;
    let mut ended = false;
    let mut written = 0u64;
    let mut write = |b: Batch, free: &mut Vec<Vec<u8>>| -> Result<()> {
        for (j, len) in b.lens.iter().enumerate() {
            output
                .write_all(&b.buf[j * slot..j * slot + len])
                .map_err(|e| write_failed(&e))?;
            written += *len as u64;
        }
        free.push(b.buf);
        Ok(())
    };
    loop {
        if !ended && in_flight < BATCHES_IN_FLIGHT {
            let buf = free.pop().unwrap_or_else(|| vec![0u8; slots * slot]);
            let batch = batcher.next(input, buf)?;
            ended = batch.last;
            if work_tx.send(batch).is_err() {
                // The worker stopped on a failure, which waits in `done_rx`.
                ended = true;
            } else {
                in_flight += 1;
            }
            // Write whatever finished meanwhile, then read on.
            while let Ok(done) = done_rx.try_recv() {
                in_flight -= 1;
                write(done?, &mut free)?;
            }
        } else if in_flight > 0 {
            let done = done_rx
                .recv()
                .map_err(|_| Error::Validation("the stream's worker thread stopped".into()))?;
            in_flight -= 1;
            write(done?, &mut free)?;
        } else {
            break;
        }
    }
    output.flush().map_err(|e| write_failed(&e))?;
    Ok(written)
}

/// Applies `t` to every chunk of `b`, split across `threads` (this thread takes the first part).
fn transform<T: Transform>(t: &T, mut b: Batch, slot: usize, threads: usize) -> Result<Batch> {
    let count = b.lens.len();
    let per_thread = count.div_ceil(threads).max(1);
    let first = b.first_index;
    let last_batch = b.last;
    let job = move |part: usize, slots: &mut [u8], lens: &mut [usize]| -> Result<()> {
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
    let Some((own_slots, own_lens)) = parts.next() else {
        return Ok(b);
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .enumerate()
            .map(|(i, (slots, lens))| s.spawn(move || job(i + 1, slots, lens)))
            .collect();
        let mine = job(0, own_slots, own_lens);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .fold(mine, Result::and)
    })?;
    Ok(b)
}

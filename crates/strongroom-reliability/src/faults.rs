//! Item 2: an in-memory redb storage backend that fails the n-th write or sync, or loses power at
//! the n-th sync, after redb's own `StorageBackend` fault-injection pattern.
//!
//! The backend keeps two images: `current` (every write so far, what a restarted process sees
//! when the machine stayed up) and `durable` (what the syncs made durable, what survives a power
//! loss). A power loss may also keep a seeded random part of the writes since the last sync, as a
//! disk that wrote some of its cache before the power went.

use crate::Rng;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

/// What goes wrong, counting calls from the backend's creation (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing: the run that counts the writes and syncs of a workload.
    None,
    /// The n-th write fails with an I/O error; later calls work again.
    FailWrite(u64),
    /// The n-th sync fails with an I/O error (nothing of it made durable); later calls work.
    FailSync(u64),
    /// Power is lost at the n-th sync: it and every later call fail. The durable image keeps
    /// what earlier syncs made durable and, with `torn_seed`, a random half of the later writes.
    PowerLoss {
        /// The sync at which the power goes.
        sync: u64,
        /// Seed choosing which unsynced writes reached the disk anyway (`None`: none did).
        torn_seed: Option<u64>,
    },
}

/// A change not yet made durable.
#[derive(Debug)]
enum Pending {
    Write(u64, Vec<u8>),
    SetLen(u64),
}

#[derive(Debug)]
struct State {
    current: Vec<u8>,
    durable: Vec<u8>,
    unsynced: Vec<Pending>,
    writes: u64,
    syncs: u64,
    fault: Fault,
    powered_off: bool,
}

/// The faulty backend. Clones share the same storage (the keystore opens it twice).
#[derive(Clone, Debug)]
pub struct FaultyStorage(Arc<Mutex<State>>);

fn injected(what: &str) -> io::Error {
    io::Error::other(format!("injected fault: {what}"))
}

fn apply(image: &mut Vec<u8>, change: &Pending) {
    match change {
        Pending::Write(offset, data) => {
            let start = *offset as usize;
            let end = start + data.len();
            if image.len() < end {
                image.resize(end, 0);
            }
            image[start..end].copy_from_slice(data);
        }
        Pending::SetLen(len) => image.resize(*len as usize, 0),
    }
}

impl FaultyStorage {
    /// Empty storage that will misbehave as `fault` says.
    pub fn new(fault: Fault) -> Self {
        Self::from_image(Vec::new(), fault)
    }

    /// Storage holding `image` (durable), e.g. what survived an earlier run.
    pub fn from_image(image: Vec<u8>, fault: Fault) -> Self {
        FaultyStorage(Arc::new(Mutex::new(State {
            current: image.clone(),
            durable: image,
            unsynced: Vec::new(),
            writes: 0,
            syncs: 0,
            fault,
            powered_off: false,
        })))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes and syncs so far.
    pub fn counts(&self) -> (u64, u64) {
        let s = self.state();
        (s.writes, s.syncs)
    }

    /// Whether the power-loss fault has struck.
    pub fn powered_off(&self) -> bool {
        self.state().powered_off
    }

    /// Every write so far: what a process restarted on a machine that stayed up reads.
    pub fn current_image(&self) -> Vec<u8> {
        self.state().current.clone()
    }

    /// What survives a power loss now (with a power-loss fault, the image when it struck).
    pub fn durable_image(&self) -> Vec<u8> {
        self.state().durable.clone()
    }

    fn check_power(s: &State) -> io::Result<()> {
        if s.powered_off {
            Err(injected("the power is off"))
        } else {
            Ok(())
        }
    }
}

impl redb::StorageBackend for FaultyStorage {
    fn len(&self) -> io::Result<u64> {
        let s = self.state();
        Self::check_power(&s)?;
        Ok(s.current.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let s = self.state();
        Self::check_power(&s)?;
        let start = usize::try_from(offset).map_err(|_| injected("offset"))?;
        let src = s
            .current
            .get(start..start + out.len())
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut s = self.state();
        Self::check_power(&s)?;
        let change = Pending::SetLen(len);
        apply(&mut s.current, &change);
        s.unsynced.push(change);
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        let mut s = self.state();
        Self::check_power(&s)?;
        s.syncs += 1;
        match s.fault {
            Fault::FailSync(n) if n == s.syncs => return Err(injected("sync failed")),
            Fault::PowerLoss { sync, torn_seed } if sync == s.syncs => {
                s.powered_off = true;
                if let Some(seed) = torn_seed {
                    let mut rng = Rng::new(seed);
                    let State {
                        durable, unsynced, ..
                    } = &mut *s;
                    for change in unsynced.iter().filter(|_| rng.below(2) == 0) {
                        apply(durable, change);
                    }
                }
                s.unsynced.clear();
                return Err(injected("power lost during sync"));
            }
            _ => {}
        }
        let State {
            durable, unsynced, ..
        } = &mut *s;
        for change in unsynced.drain(..) {
            apply(durable, &change);
        }
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut s = self.state();
        Self::check_power(&s)?;
        s.writes += 1;
        if s.fault == Fault::FailWrite(s.writes) {
            return Err(injected("write failed"));
        }
        let change = Pending::Write(offset, data.to_vec());
        apply(&mut s.current, &change);
        s.unsynced.push(change);
        Ok(())
    }
}

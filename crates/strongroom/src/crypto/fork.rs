//! Fork detection: whether this process is a `fork()` child of the one that made some state.
//!
//! Two users: the nonce sessions ([`Fork`], which a child must never continue) and whatever
//! holds an operating-system resource of the process that opened a keystore ([`Owner`]: the
//! handle, the file and its lock, the audit writer thread), which a child must neither use nor
//! release. Both rest on a `pthread_atfork` child handler that bumps a global counter
//! (`forkguard`), so a check is one relaxed atomic load and no system call. If registering the
//! handler failed (it can only fail for lack of memory), they fall back to comparing the process
//! id, a system call, which [`Owner`] makes only off the encrypt/decrypt path.

/// A one-shot fork detector for state that a child must start afresh: `detected` is true once
/// in the first call after a fork.
pub(crate) enum Fork {
    Counter(forkguard::Guard),
    Pid(forkguard::pid::Guard),
}

impl Fork {
    pub(crate) fn new() -> Self {
        match forkguard::Guard::try_new() {
            Ok(g) => Fork::Counter(g),
            Err(_) => Fork::Pid(forkguard::pid::Guard::default()),
        }
    }

    pub(crate) fn detected(&mut self) -> bool {
        match self {
            Fork::Counter(g) => g.detected_fork(),
            Fork::Pid(g) => g.detected_fork(),
        }
    }
}

/// The process that made a piece of state (opened a keystore). Unlike [`Fork`] it never
/// resets: in a forked child, and in the child's own children, it says "forked" forever.
#[derive(Clone, Debug)]
pub(crate) struct Owner {
    pid: u32,
    /// The fork counter seen at creation; `None` if the `pthread_atfork` handler could not be
    /// registered (then only the process id tells).
    counter: Option<forkguard::Guard>,
}

impl Owner {
    /// The current process.
    pub(crate) fn this_process() -> Self {
        Owner {
            pid: std::process::id(),
            counter: forkguard::Guard::try_new().ok(),
        }
    }

    /// Whether the caller runs in a process other than the owner (a forked child). With the
    /// fork counter this is one relaxed atomic load. Without it, the process id is compared only
    /// when `thorough` (a system call, kept off the encrypt/decrypt path); otherwise the answer
    /// is `false`.
    #[inline(always)]
    pub(crate) fn forked(&self, thorough: bool) -> bool {
        match &self.counter {
            // A clone: `detected_fork` would otherwise forget the fork after reporting it once.
            Some(g) => g.clone().detected_fork(),
            None => thorough && std::process::id() != self.pid,
        }
    }

    /// The id of the owning process.
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_is_this_process() {
        let o = Owner::this_process();
        assert_eq!(o.pid(), std::process::id());
        assert!(!o.forked(true) && !o.forked(false));
        // Asking again does not change the answer (the owner never resets).
        assert!(!o.clone().forked(true));
        let mut f = Fork::new();
        assert!(!f.detected());
    }
}

//! Dry runs (AWS KMS's `DryRun`), per thread: `Keystore::dry_run` enters a scope in which every
//! call on that keystore is checked as it would be (arguments, the key's existence, state and
//! usage, the ciphertext, the context, the signature or MAC) and changes nothing. The rule is
//! applied at the three places where a call has passed every check:
//!
//! - [`Keystore::write`](crate::keystore::handle::Keystore::write), the one path a change takes
//!   into the file, refuses to write: nothing is committed, created, retired or revoked (and no
//!   cache is replaced, since that follows the commit);
//! - `Keystore::note_use`, where a cryptographic use becomes the key's last use, notes nothing;
//! - `Keystore::logged`, the audited call, turns a result into the refusal (a call that
//!   changes nothing, such as `DescribeKey`, or a `CreateGrant` that finds its grant existing).
//!
//! Each answers [`refusal`], `DryRunOperation` in AWS's words; a call that would have failed
//! keeps its real error. The call's audit event is recorded with its outcome (AWS's CloudTrail
//! records dry runs too). Due work a call happens to trigger (a scheduled rotation or deletion)
//! is not the call's change: it runs outside the scope ([`suspend`]).
//!
//! The scope is keyed by the trail's address (as `audit::caller`), so a call on another keystore
//! made inside it is not a dry run. Reading it is one thread-local load.

use crate::Error;
use std::cell::Cell;

thread_local! {
    static SCOPE: Cell<usize> = const { Cell::new(0) };
}

/// AWS KMS's message for a dry run that would have succeeded.
pub(crate) const MESSAGE: &str = "The request would have succeeded, but the DryRun option is set.";

/// The answer of a dry run that would have succeeded.
#[cold]
pub(crate) fn refusal() -> Error {
    Error::DryRunOperation(MESSAGE.into())
}

/// Whether this thread is in a dry run of the keystore whose trail is at `owner`.
#[inline]
pub(crate) fn active(owner: usize) -> bool {
    SCOPE.with(|s| s.get() == owner)
}

/// Leaves the scope (restoring the one it was entered from) when dropped, also on a panic.
pub(crate) struct Scope {
    previous: usize,
}

/// Enters a dry run of the keystore whose trail is at `owner` on this thread.
pub(crate) fn enter(owner: usize) -> Scope {
    Scope {
        previous: SCOPE.with(|s| s.replace(owner)),
    }
}

/// Leaves any dry run on this thread until dropped: for due work, which is not the call's.
pub(crate) fn suspend() -> Scope {
    enter(0)
}

/// A dry run held as a value ([`Keystore::enter_dry_run`](crate::Keystore::enter_dry_run)), for
/// callers that cannot pass a closure to [`Keystore::dry_run`](crate::Keystore::dry_run) (the C
/// ABI's dry-run handles): while it lives, every call this thread makes on that keystore is a dry
/// run. Dropping it restores the scope it was entered from. It stays on its thread (not `Send`);
/// drop it before the keystore.
#[must_use = "the dry run ends when this is dropped"]
pub struct DryRunScope {
    _scope: Scope,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl std::fmt::Debug for DryRunScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DryRunScope")
    }
}

/// A [`DryRunScope`] of the keystore whose trail is at `owner` on this thread.
pub(crate) fn scope(owner: usize) -> DryRunScope {
    DryRunScope {
        _scope: enter(owner),
        _not_send: std::marker::PhantomData,
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous;
        SCOPE.with(|s| s.set(previous));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_suspend_and_are_per_owner() {
        assert!(!active(1));
        {
            let _a = enter(1);
            assert!(active(1));
            assert!(!active(2));
            {
                let _s = suspend();
                assert!(!active(1));
            }
            assert!(active(1));
            let other = std::thread::spawn(|| active(1)).join().unwrap();
            assert!(!other, "a scope is per thread");
        }
        assert!(!active(1));
        assert_eq!(refusal().aws_code(), "DryRunOperationException");
    }
}

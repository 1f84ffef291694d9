//! Who an audited call is made by, per thread: `Keystore::as_caller` enters a scope in which
//! every event that keystore's trail records on this thread names that caller instead of the
//! handle's (`Options::caller`). A server runs each request's operation in the scope of the
//! request's principal, so no operation needs a caller parameter.
//!
//! The scope is keyed by the trail (its address), so a call on another keystore made inside the
//! scope is not attributed to it. Reading the scope is a thread-local load and, when one is set,
//! a reference-count increment: no allocation per event.

use crate::model::iam::Caller;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    static SCOPE: RefCell<Option<(usize, Caller)>> = const { RefCell::new(None) };
}

/// The caller of the scope this thread is in for the trail at `owner`, if any.
pub(crate) fn current(owner: usize) -> Option<Arc<str>> {
    SCOPE.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|(o, _)| *o == owner)
            .map(|(_, c)| c.0.clone())
    })
}

/// Leaves the scope (restoring the one it was entered from) when dropped, also on a panic.
pub(crate) struct Scope {
    previous: Option<(usize, Caller)>,
}

/// Enters the scope of `caller` for the trail at `owner` on this thread.
pub(crate) fn enter(owner: usize, caller: &Caller) -> Scope {
    let previous = SCOPE.with(|s| s.borrow_mut().replace((owner, caller.clone())));
    Scope { previous }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SCOPE.with(|s| *s.borrow_mut() = previous);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_are_per_owner() {
        let alice = Caller(Arc::from("alice"));
        let bob = Caller(Arc::from("bob"));
        assert!(current(1).is_none());
        {
            let _a = enter(1, &alice);
            assert_eq!(current(1).as_deref(), Some("alice"));
            assert!(current(2).is_none());
            {
                let _b = enter(1, &bob);
                assert_eq!(current(1).as_deref(), Some("bob"));
            }
            assert_eq!(current(1).as_deref(), Some("alice"));
            let other = std::thread::spawn(|| current(1)).join().unwrap();
            assert!(other.is_none(), "a scope is per thread");
        }
        assert!(current(1).is_none());
    }
}

//! The panic boundary every exported function runs inside.
//!
//! A panic never crosses into C: it is caught and becomes `SR_STATUS_PANIC`. To keep the host's
//! stderr clean without changing the host's own panic behaviour, a chaining panic hook is
//! installed once: it stays silent (recording the message) only for panics raised while this
//! thread is inside the boundary, and hands every other panic to the hook that was there before.

use crate::error::{Failure, set_last_error};
use crate::status::sr_status;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// How many boundaries this thread is inside (nesting happens only in tests).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The message of the panic being caught on this thread.
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let inside = DEPTH.try_with(|d| d.get() > 0).unwrap_or(false);
            if inside {
                let text = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let _ = PANIC_MESSAGE.try_with(|m| *m.borrow_mut() = Some(text + &place));
            } else {
                previous(info);
            }
        }));
    });
}

fn run(f: impl FnOnce() -> Result<(), Failure>, record: bool) -> sr_status {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    let failure = match result {
        Ok(Ok(())) => return sr_status::Ok,
        Ok(Err(failure)) => failure,
        Err(_) => {
            let detail = PANIC_MESSAGE
                .with(|m| m.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".into());
            Failure::panic(&detail)
        }
    };
    if record || failure.status == sr_status::Panic {
        set_last_error(failure.message);
    }
    failure.status
}

/// Runs an exported function's body: catches panics, records the failure message for
/// `sr_last_error_message`, and returns the status.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), Failure>) -> sr_status {
    run(f, true)
}

/// As [`boundary`], but a failure does not replace the stored message (for
/// `sr_last_error_message` itself).
pub(crate) fn boundary_keeping_message(f: impl FnOnce() -> Result<(), Failure>) -> sr_status {
    run(f, false)
}

/// Runs a `void` function's body (the `_free` functions): a panic is swallowed silently.
pub(crate) fn boundary_void(f: impl FnOnce()) {
    let _ = run(
        || {
            f();
            Ok(())
        },
        true,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = boundary(|| panic!("boom {}", 42));
        assert_eq!(status, sr_status::Panic);
        let msg = crate::error::LAST_ERROR.with(|m| m.borrow().clone());
        assert!(msg.starts_with("Panic: "), "{msg}");
        assert!(msg.contains("boom 42"), "{msg}");
        // The thread can keep calling in afterwards.
        assert_eq!(boundary(|| Ok(())), sr_status::Ok);
    }

    #[test]
    fn failures_are_recorded_unless_asked_not_to() {
        assert_eq!(
            boundary(|| Err(Failure::null("x"))),
            sr_status::NullParameter
        );
        assert_eq!(
            boundary_keeping_message(|| Err(Failure::utf8("y"))),
            sr_status::InvalidUtf8
        );
        let msg = crate::error::LAST_ERROR.with(|m| m.borrow().clone());
        assert_eq!(msg, "NullParameter: x must not be NULL");
    }

    /// Every exported function opens with a boundary (STYLE item 4).
    #[test]
    fn every_exported_function_runs_inside_the_boundary() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("extern \"C\" fn ") {
                let after = &rest[at..];
                let body_start = after.find('{').unwrap();
                let body = after[body_start + 1..].trim_start();
                let name = &after[14..after.find('(').unwrap()];
                assert!(
                    body.starts_with("boundary(")
                        || body.starts_with("boundary_void(")
                        || body.starts_with("boundary_keeping_message(")
                        || name == "sr_status_name",
                    "{}: {name} does not open with the panic boundary",
                    path.display()
                );
                checked += 1;
                rest = &after[body_start..];
            }
        }
        assert!(checked > 30, "only {checked} exported functions found");
    }
}

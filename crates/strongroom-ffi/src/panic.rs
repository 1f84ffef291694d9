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

/// Runs `f` inside the boundary: a panic is caught (silently, see the hook) and becomes
/// `Failure::panic`.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|_| {
        let detail = PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".into());
        Failure::panic(&detail)
    })
}

fn run(f: impl FnOnce() -> Result<(), Failure>, record: bool) -> sr_status {
    let failure = match catch(f) {
        Ok(Ok(())) => return sr_status::Ok,
        Ok(Err(failure)) | Err(failure) => failure,
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

/// Runs the body of a function that returns a value rather than a status (`sr_status_name`): a
/// panic records its message and returns `default` (rustls-ffi's `PanicOrDefault`).
pub(crate) fn boundary_or<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch(f).unwrap_or_else(|panic| {
        set_last_error(panic.message);
        default
    })
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

    #[test]
    fn a_panic_in_a_value_function_gives_the_default() {
        assert_eq!(boundary_or(7, || 8), 8);
        assert_eq!(boundary_or(7, || panic!("bang")), 7);
        let msg = crate::error::LAST_ERROR.with(|m| m.borrow().clone());
        assert!(msg.starts_with("Panic: ") && msg.contains("bang"), "{msg}");
    }

    /// The source of this crate with comments, string and character literals blanked out (same
    /// length, so offsets still match), so that braces and parentheses can be counted.
    fn code_only(src: &str) -> String {
        let b = src.as_bytes();
        let mut out = b.to_vec();
        let mut i = 0;
        let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
            for c in &mut out[from..to] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
        };
        while i < b.len() {
            let rest = &src[i..];
            if rest.starts_with("//") {
                let end = rest.find('\n').map_or(b.len(), |e| i + e);
                blank(&mut out, i, end);
                i = end;
            } else if rest.starts_with("/*") {
                let end = rest.find("*/").map_or(b.len(), |e| i + e + 2);
                blank(&mut out, i, end);
                i = end;
            } else if let Some(hashes) = rest
                .strip_prefix("r")
                .or_else(|| rest.strip_prefix("br"))
                .or_else(|| rest.strip_prefix("cr"))
                .filter(|r| r.trim_start_matches('#').starts_with('"'))
                .map(|r| r.len() - r.trim_start_matches('#').len())
                .filter(|_| i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            {
                let open = rest.find('"').unwrap();
                let close = format!("\"{}", "#".repeat(hashes));
                let end = rest[open + 1..]
                    .find(&close)
                    .map_or(b.len(), |e| i + open + 1 + e + close.len());
                blank(&mut out, i, end);
                i = end;
            } else if b[i] == b'"' {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i, j + 1);
                i = j + 1;
            } else if b[i] == b'\'' {
                // A character literal ('x', '\n', '\u{..}') or a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    rest[2..].find('\'').map(|e| i + 2 + e + 1)
                } else {
                    rest.char_indices()
                        .nth(2)
                        .filter(|(_, c)| *c == '\'')
                        .map(|(e, _)| i + e + 1)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            } else {
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// Where the bracket opened at `open` closes in `code` (comments and literals blanked).
    fn closing(code: &str, open: usize) -> usize {
        let (up, down) = match code.as_bytes()[open] {
            b'{' => (b'{', b'}'),
            b'(' => (b'(', b')'),
            other => panic!("not a bracket: {}", other as char),
        };
        let mut depth = 0;
        for (i, c) in code.bytes().enumerate().skip(open) {
            if c == up {
                depth += 1;
            } else if c == down {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
        }
        panic!("unbalanced bracket at {open}");
    }

    /// Every `.rs` file under `dir`.
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every function this crate exports to C (any `extern` ABI with a body, or an item marked
    /// `no_mangle`/`export_name`) has a body that is exactly one call of a boundary function:
    /// `boundary(...)`, `boundary_keeping_message(...)`, `boundary_void(...)` or
    /// `boundary_or(...)`, with nothing before or after it (STYLE item 4). A new exported
    /// function without one fails here.
    #[test]
    fn every_exported_function_runs_inside_the_boundary() {
        const BOUNDARIES: [&str; 4] = [
            "boundary",
            "boundary_keeping_message",
            "boundary_void",
            "boundary_or",
        ];
        let mut files = Vec::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut files,
        );
        let mut checked = Vec::new();
        for path in files {
            let src = std::fs::read_to_string(&path).unwrap();
            let code = code_only(&src);
            let where_ = |at: usize| format!("{}:{}", path.display(), src[..at].lines().count());
            let mut exported_items = 0;
            // Attributes that export a symbol must sit on a function checked below.
            for attr in ["no_mangle", "export_name"] {
                exported_items += code.matches(attr).count();
            }
            let mut functions = 0;
            let mut from = 0;
            while let Some(at) = code[from..].find("extern ").map(|a| a + from) {
                from = at + "extern ".len();
                // `extern "ABI" fn name(` is a function item; `extern "ABI" fn(` (a pointer
                // type), `extern crate` and `extern "C" {` are skipped. The ABI string is read
                // from the source (it is blanked in `code`).
                let mut after = &src[from..];
                if let Some(abi) = after.strip_prefix('"') {
                    after = &abi[abi.find('"').unwrap() + 1..];
                }
                let Some(signature) = after.trim_start().strip_prefix("fn ") else {
                    continue;
                };
                let name: String = signature
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let name_at = src.len() - signature.len();
                let body_open = name_at + code[name_at..].find(['{', ';']).unwrap();
                assert_eq!(
                    code.as_bytes()[body_open],
                    b'{',
                    "{}: {name} has no body",
                    where_(at)
                );
                let body_close = closing(&code, body_open);
                let body = code[body_open + 1..body_close].trim();
                let opens_with = BOUNDARIES.iter().any(|b| {
                    body.strip_prefix("crate::panic::")
                        .unwrap_or(body)
                        .strip_prefix(*b)
                        .is_some_and(|r| r.starts_with('('))
                });
                assert!(
                    opens_with,
                    "{}: {name} does not open with the panic boundary ({BOUNDARIES:?})",
                    where_(at)
                );
                let call_open = body_open + 1 + code[body_open + 1..].find('(').unwrap();
                let call_close = closing(&code, call_open);
                assert!(
                    code[call_close + 1..body_close].trim().is_empty(),
                    "{}: {name} does something after its panic boundary",
                    where_(at)
                );
                functions += 1;
                checked.push(name);
            }
            assert!(
                exported_items <= functions,
                "{}: {exported_items} no_mangle/export_name attributes but {functions} extern \
                 functions with a body",
                path.display()
            );
        }
        assert!(
            checked.len() > 50,
            "only {} exported functions found: {checked:?}",
            checked.len()
        );
        for f in [
            "sr_status_name",
            "sr_generate_random",
            "sr_last_error_message",
        ] {
            assert!(checked.iter().any(|c| c == f), "{f} was not checked");
        }
    }
}

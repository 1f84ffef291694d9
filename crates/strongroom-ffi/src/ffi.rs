//! Pointer guards and casts. Every raw pointer from C is checked here, once.

use crate::error::Failure;
use std::cell::UnsafeCell;
use std::ffi::{CStr, CString, c_char};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A reference from a `const T *` argument; `NullParameter` if NULL.
pub(crate) fn try_ref<'a, T>(p: *const T, what: &str) -> Result<&'a T, Failure> {
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL; the C contract (documented on every function) is that a non-NULL
    // pointer points at a live, properly aligned object of this type for the whole call.
    Ok(unsafe { &*p })
}

/// A string from a `const char *` argument: non-NULL, NUL-terminated, UTF-8.
pub(crate) fn try_str<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL; the C contract is a NUL-terminated string that stays valid and unchanged
    // for the whole call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| Failure::utf8(what))
}

/// As [`try_str`], with NULL meaning "not given".
pub(crate) fn try_opt_str<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        try_str(p, what).map(Some)
    }
}

/// A byte slice from `(const uint8_t *, size_t)`; NULL is allowed only with length 0.
pub(crate) fn try_slice<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` readable bytes at `p` for the call.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// A writable byte slice from `(uint8_t *, size_t)`; NULL is allowed only with length 0.
pub(crate) fn try_mut_slice<'a>(
    p: *mut u8,
    len: usize,
    what: &str,
) -> Result<&'a mut [u8], Failure> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and len > 0; the C contract is `len` writable bytes at `p`, not aliased by
    // any other argument, for the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// A checked out-parameter. Taken at the top of a function (so a NULL fails before any effect)
/// and written only once the call has succeeded.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// `NullParameter` if `p` is NULL.
    pub fn new(p: *mut T, what: &str) -> Result<Self, Failure> {
        NonNull::new(p).map(Out).ok_or_else(|| Failure::null(what))
    }

    /// Writes the output without reading or dropping what was there (it may be uninitialised).
    pub fn set(self, v: T) {
        // SAFETY: non-NULL; the C contract is that an out-parameter points at writable, aligned
        // storage for a `T`. `write` does not drop the old contents.
        unsafe { self.0.as_ptr().write(v) }
    }
}

/// A NUL-terminated copy of `s` for C, freed with [`free_c_string`].
pub(crate) fn c_string(s: &str) -> Result<*mut c_char, Failure> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| Failure::validation("a returned string contains a NUL byte".into()))
}

/// Frees a string made by [`c_string`]; NULL is a no-op.
pub(crate) fn free_c_string(p: *mut c_char) {
    if !p.is_null() {
        // SAFETY: `p` came from `CString::into_raw` in `c_string` and is freed once (the C
        // contract of the `_free` functions that call this).
        drop(unsafe { CString::from_raw(p) });
    }
}

/// Moves `v` to the heap for C; freed with [`free_box`].
pub(crate) fn to_box<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Frees what [`to_box`] made; NULL is a no-op.
pub(crate) fn free_box<T>(p: *mut T) -> Option<T> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` came from `Box::into_raw` in `to_box` for this `T` and is freed once (the C
    // contract of the `_free` functions).
    Some(*unsafe { Box::from_raw(p) })
}

/// An array of `T` for C (`items`, `len`), freed with [`free_array`].
/// A list call's `limit` (0: the list's default) and `marker` (NULL: the first page) as the
/// core's page request; the core checks both (`rules::paging`).
pub(crate) fn page_request(limit: u32, marker: Option<&str>) -> sr_core::PageRequest {
    sr_core::PageRequest {
        limit: (limit != 0).then_some(limit),
        marker: marker.map(str::to_owned),
    }
}

/// A page's items made into C entries by `entry`, with its `truncated` flag and its next marker
/// as an owned C string (NULL when there is none): the parts of every paged C list.
pub(crate) fn page_parts<T, E>(
    page: &sr_core::Page<T>,
    entry: impl Fn(&T) -> Result<E, Failure>,
) -> Result<(Vec<E>, bool, *mut c_char), Failure> {
    let items = page
        .items
        .iter()
        .map(entry)
        .collect::<Result<Vec<_>, _>>()?;
    let next_marker = match &page.next_marker {
        Some(m) => c_string(m)?,
        None => std::ptr::null_mut(),
    };
    Ok((items, page.truncated, next_marker))
}

pub(crate) fn to_array<T>(v: Vec<T>) -> (*mut T, usize) {
    let b = v.into_boxed_slice();
    let len = b.len();
    (Box::into_raw(b).cast::<T>(), len)
}

/// Frees what [`to_array`] made, returning the elements; NULL is a no-op.
pub(crate) fn free_array<T>(items: *mut T, len: usize) -> Vec<T> {
    if items.is_null() {
        return Vec::new();
    }
    // SAFETY: `(items, len)` came from `to_array` (a boxed slice of exactly `len` elements) and
    // is freed once.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(items, len)) }.into_vec()
}

/// The bit of [`Closable::state`] set once closing has begun; the bits below count the calls in
/// progress.
const CLOSED: u64 = 1 << 63;

/// A value that C shares between threads behind a handle and that one of them may close while
/// others are still using it (the keystore behind `sr_keystore`).
///
/// Every call borrows the value through [`Closable::enter`], which counts the call in progress
/// with one atomic increment (and one decrement when the [`InUse`] guard drops): no lock on the
/// hot path. [`Closable::close_with`] sets the closed bit, so that every later `enter` is refused,
/// waits until the calls already in progress have returned, and only then takes the value out
/// and hands it to its closing function. The `Closable` itself (the handle's memory) lives on
/// until the handle is freed, so a call made after closing finds the bit and is refused instead of
/// touching freed memory.
pub(crate) struct Closable<T> {
    /// `CLOSED` once closing has begun, plus the number of calls inside [`InUse`] guards (and,
    /// briefly, of refused calls that incremented it before seeing `CLOSED`).
    state: AtomicU64,
    /// `Some` until the first closer takes it; read only through an [`InUse`] guard.
    value: UnsafeCell<Option<T>>,
    /// Whether the first closer has finished (the value is closed and dropped).
    closed: Mutex<bool>,
    /// Signalled when the last call in progress returns after closing has begun, and when the
    /// first closer has finished.
    changed: Condvar,
}

// SAFETY: the value is shared between threads only as `&T` through `InUse` guards (so `T: Sync`),
// and moved out by whichever thread closes (so `T: Send`); the counter and the closed bit make
// the move happen after every `&T` has been dropped (see `close_with`).
unsafe impl<T: Send + Sync> Sync for Closable<T> {}

/// A call in progress on a [`Closable`]: dereferences to the value, which stays there until the
/// guard drops.
pub(crate) struct InUse<'a, T> {
    owner: &'a Closable<T>,
    value: &'a T,
}

impl<T> std::ops::Deref for InUse<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> Drop for InUse<'_, T> {
    fn drop(&mut self) {
        self.owner.leave();
    }
}

impl<T> Closable<T> {
    pub fn new(value: T) -> Self {
        Closable {
            state: AtomicU64::new(0),
            value: UnsafeCell::new(Some(value)),
            closed: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.closed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a call in progress; `None` (and nothing counted) once closing has begun.
    pub fn enter(&self) -> Option<InUse<'_, T>> {
        // Acquire: pairs with the Release of `close_with`'s `fetch_or` only in the refused case;
        // in the admitted case the value was written before the handle reached this thread.
        let before = self.state.fetch_add(1, Ordering::Acquire);
        if before & CLOSED != 0 {
            self.leave();
            return None;
        }
        // SAFETY: the count now includes this call and `CLOSED` was not set when it was added,
        // so `close_with` (which sets `CLOSED` first, then waits for the count to reach zero)
        // cannot take the value before this guard drops; until then only shared references
        // exist.
        match unsafe { &*self.value.get() }.as_ref() {
            Some(value) => Some(InUse { owner: self, value }),
            None => {
                self.leave();
                None
            }
        }
    }

    /// Uncounts a call; wakes the closer when it was the last one after closing began.
    fn leave(&self) {
        // Release: this call's reads of the value happen before the closer takes it.
        let before = self.state.fetch_sub(1, Ordering::Release);
        if before == CLOSED | 1 {
            // Taking the lock orders this wake-up after the closer's check of the count.
            let _guard = self.lock();
            self.changed.notify_all();
        }
    }

    /// Closes: refuses every later [`Self::enter`], waits for the calls in progress to return,
    /// then runs `close` on the value and returns its result. Only the first caller closes; any
    /// other (at the same time or later) waits until that close has finished and gets `None`.
    pub fn close_with<R>(&self, close: impl FnOnce(T) -> R) -> Option<R> {
        let before = self.state.fetch_or(CLOSED, Ordering::AcqRel);
        let mut finished = self.lock();
        if before & CLOSED != 0 {
            while !*finished {
                finished = self
                    .changed
                    .wait(finished)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            return None;
        }
        // Acquire: every `leave` (Release) of the calls in progress happens before the take.
        while self.state.load(Ordering::Acquire) & !CLOSED != 0 {
            finished = self
                .changed
                .wait(finished)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(finished);
        // SAFETY: `CLOSED` is set, so every `enter` from now on is refused without touching the
        // value, and the count is zero, so no `InUse` guard (no `&T`) is left; only this thread,
        // the first to set `CLOSED`, ever gets here.
        let value = unsafe { &mut *self.value.get() }.take();
        /// Marks the close finished even if `close` panics, so later closers never hang.
        struct Finish<'a, T>(&'a Closable<T>);
        impl<T> Drop for Finish<'_, T> {
            fn drop(&mut self) {
                *self.0.lock() = true;
                self.0.changed.notify_all();
            }
        }
        let _finish = Finish(self);
        value.map(close)
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser may not remove. Where the C library has
/// `explicit_bzero` (a memset the compiler may not elide), that: a 4 KiB buffer in about 20 ns
/// instead of the 80 ns that volatile stores take, which was most of `sr_encrypt`'s cost over
/// the Rust call at 4 KiB. Elsewhere, volatile stores of 32 bytes each.
pub(crate) fn wipe(bytes: &mut [u8]) {
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "openbsd"
    ))]
    {
        // SAFETY: `bytes` is valid and writable for `bytes.len()` bytes.
        unsafe { libc::explicit_bzero(bytes.as_mut_ptr().cast(), bytes.len()) };
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "openbsd"
    )))]
    {
        let mut chunks = bytes.chunks_exact_mut(32);
        for chunk in &mut chunks {
            // SAFETY: `chunk` is exactly 32 writable bytes and `[u8; 32]` has alignment 1.
            unsafe { std::ptr::write_volatile(chunk.as_mut_ptr().cast::<[u8; 32]>(), [0u8; 32]) };
        }
        for b in chunks.into_remainder() {
            // SAFETY: `b` is a valid, writable byte.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::{Closable, wipe};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Closing waits for the calls in progress, refuses new ones at once, runs the closing
    /// function once, and a second close waits for the first and gets `None`.
    #[test]
    fn close_waits_for_calls_in_progress_and_refuses_new_ones() {
        let c = Closable::new(vec![1u8, 2, 3]);
        let released = AtomicBool::new(false);
        std::thread::scope(|s| {
            let held = c.enter().expect("open");
            let closer = s.spawn(|| c.close_with(|v| (v.len(), released.load(Ordering::SeqCst))));
            // The closer has begun once new calls are refused.
            while c.enter().is_some() {
                std::thread::yield_now();
            }
            std::thread::sleep(Duration::from_millis(20));
            assert!(
                !closer.is_finished(),
                "close did not wait for the call in progress"
            );
            assert_eq!(
                held.len(),
                3,
                "the value went away under a call in progress"
            );
            released.store(true, Ordering::SeqCst);
            drop(held);
            assert_eq!(closer.join().unwrap(), Some((3, true)));
        });
        assert!(c.enter().is_none());
        assert_eq!(c.close_with(|_| unreachable!()), None::<()>);
    }

    #[test]
    fn many_threads_close_while_others_call() {
        for _ in 0..20 {
            let c = Closable::new(String::from("value"));
            let closes = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| {
                        while let Some(v) = c.enter() {
                            assert_eq!(&**v, "value");
                        }
                    });
                }
                for _ in 0..2 {
                    s.spawn(|| {
                        std::thread::sleep(Duration::from_millis(2));
                        if c.close_with(drop).is_some() {
                            closes.fetch_add(1, Ordering::SeqCst);
                        }
                        assert!(c.enter().is_none());
                    });
                }
            });
            assert_eq!(closes.load(Ordering::SeqCst), 1);
        }
    }

    #[test]
    fn wipe_zeroes_every_byte() {
        for len in [0usize, 1, 31, 32, 33, 4096, 4133] {
            let mut v = vec![0xa5u8; len];
            wipe(&mut v);
            assert!(v.iter().all(|&b| b == 0), "{len}");
        }
    }
}

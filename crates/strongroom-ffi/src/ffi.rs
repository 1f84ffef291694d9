//! Pointer guards and casts. Every raw pointer from C is checked here, once.

use crate::error::Failure;
use std::ffi::{CStr, CString, c_char};
use std::ptr::NonNull;

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
    use super::wipe;

    #[test]
    fn wipe_zeroes_every_byte() {
        for len in [0usize, 1, 31, 32, 33, 4096, 4133] {
            let mut v = vec![0xa5u8; len];
            wipe(&mut v);
            assert!(v.iter().all(|&b| b == 0), "{len}");
        }
    }
}

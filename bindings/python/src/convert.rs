//! Conversions between Python values and the core's types: byte buffers, encryption contexts,
//! unsigned counts and timezone-aware UTC datetimes.

use crate::error::{core, validation};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PySlice, PyString};
use std::collections::BTreeMap;
use strongroom::{EncryptionContext, Timestamp};
use zeroize::Zeroizing;

/// Inputs at least this long are processed with the GIL released (pyca/cryptography's figure):
/// below it, releasing and re-taking the GIL costs more than the work.
pub(crate) const GIL_DETACH_THRESHOLD: usize = 2048;

/// Bytes taken from any buffer-protocol object: borrowed from a `bytes` object without a copy,
/// copied (and zeroized on drop) from a mutable buffer such as `bytearray` or `memoryview`.
pub(crate) enum Buffer<'a> {
    /// Borrowed from an immutable `bytes` object that outlives the call.
    Borrowed(&'a [u8]),
    /// A private copy of a mutable buffer.
    Owned(Zeroizing<Vec<u8>>),
}

impl Buffer<'_> {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Buffer::Borrowed(b) => b,
            Buffer::Owned(v) => v,
        }
    }
}

/// Reads a buffer-protocol argument. `str` is refused (encode it first).
pub(crate) fn buffer<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Buffer<'a>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Buffer::Borrowed(b.as_bytes()));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a bytes-like object, not str; encode it first (e.g. s.encode())"
        )));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Buffer::Owned(Zeroizing::new(b.to_vec())));
    }
    let view = PyMemoryView::from(obj).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a bytes-like object (bytes, bytearray, memoryview, ...), not {}",
            type_name(obj)
        ))
    })?;
    // No `PyBuffer` under abi3-py39 (the buffer protocol entered the limited API in 3.11), and no
    // `unsafe` here: the view is copied into a private `bytearray` (one copy, by the buffer
    // protocol, as `tobytes()` made an immutable `bytes` that could not be wiped), copied from
    // it into our zeroizing buffer, and the `bytearray` is then overwritten with zeros in place
    // (a same-length slice assignment writes into its existing storage) before it is freed.
    let private = PyByteArray::from(view.as_any())?;
    let owned = Zeroizing::new(private.to_vec());
    private.set_item(
        PySlice::full(obj.py()),
        PyBytes::new_with(obj.py(), owned.len(), |_| Ok(()))?,
    )?;
    Ok(Buffer::Owned(owned))
}

/// A passphrase given as `str` (UTF-8 encoded) or any bytes-like object.
pub(crate) fn passphrase(obj: &Bound<'_, PyAny>) -> PyResult<Zeroizing<Vec<u8>>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Zeroizing::new(s.to_cow()?.as_bytes().to_vec()));
    }
    Ok(match buffer(obj, "a passphrase")? {
        Buffer::Borrowed(b) => Zeroizing::new(b.to_vec()),
        Buffer::Owned(v) => v,
    })
}

/// An encryption context converted from a `dict[str, str]` (or `None`), as the core takes it:
/// `ctx.as_ref()`. When dropped, it becomes its thread's cached context.
pub(crate) struct Context(Option<Cached>);

/// The last context a thread converted, with the Python strings it was made from: the next call
/// with the same strings (the same dict, or equal `str` objects in the same order, as a loop
/// encrypting under one context passes) reuses it instead of copying every key and value into a
/// new `String`, sorting them and encoding them again, which cost more than the AES of a small
/// plaintext (issue 18).
struct Cached {
    /// `None` when a key or value is a `str` subclass, which may compare equal while saying
    /// something else: such a context is never reused.
    pairs: Option<Vec<(Py<PyAny>, Py<PyAny>)>>,
    ctx: EncryptionContext,
}

thread_local! {
    /// Taken out while in use (a nested call, such as one from an alarm callback, converts anew).
    static LAST_CONTEXT: std::cell::Cell<Option<Cached>> = const { std::cell::Cell::new(None) };
}

impl Context {
    /// The context, as the core's calls take it.
    pub(crate) fn as_ref(&self) -> Option<&EncryptionContext> {
        self.0.as_ref().map(|c| &c.ctx)
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            // `try_with`: nothing to keep once the thread is ending.
            let _ = LAST_CONTEXT.try_with(|l| l.set(Some(c)));
        }
    }
}

/// Whether `dict` holds exactly the strings `cached` was made from, in the same order: the same
/// objects, or exact `str` objects equal to them.
fn same_strings(dict: &Bound<'_, PyDict>, cached: &Cached) -> bool {
    let same = |a: &Bound<'_, PyAny>, b: &Py<PyAny>| {
        a.is(b) || (a.is_exact_instance_of::<PyString>() && a.eq(b).unwrap_or(false))
    };
    let Some(pairs) = &cached.pairs else {
        return false;
    };
    dict.len() == pairs.len()
        && dict
            .iter()
            .zip(pairs)
            .all(|((k, v), (ck, cv))| same(&k, ck) && same(&v, cv))
}

/// An optional encryption context given as a `dict[str, str]`.
pub(crate) fn context(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Context> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Context(None));
    };
    let dict = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "an encryption context must be a dict of str to str, not {}",
            type_name(obj)
        ))
    })?;
    if let Some(last) = LAST_CONTEXT.try_with(|l| l.take()).ok().flatten()
        && same_strings(dict, &last)
    {
        return Ok(Context(Some(last)));
    }
    let mut map = BTreeMap::new();
    let mut pairs = Vec::with_capacity(dict.len());
    let mut cacheable = true;
    for (k, v) in dict.iter() {
        let (Ok(ks), Ok(vs)) = (k.extract::<String>(), v.extract::<String>()) else {
            return Err(PyTypeError::new_err(
                "an encryption context must map str keys to str values",
            ));
        };
        map.insert(ks, vs);
        cacheable &= k.is_exact_instance_of::<PyString>() && v.is_exact_instance_of::<PyString>();
        pairs.push((k.unbind(), v.unbind()));
    }
    let ctx = EncryptionContext::from_map(map).map_err(core)?;
    let pairs = cacheable.then_some(pairs);
    Ok(Context(Some(Cached { pairs, ctx })))
}

/// A Python int as a `u32` count. The core checks the bound; this only refuses what cannot be
/// represented (negative or huge), as `strongroom.Validation`.
pub(crate) fn count_u32(n: i128, what: &str) -> PyResult<u32> {
    u32::try_from(n).map_err(|_| validation(format!("{what} must be a positive integer, not {n}")))
}

/// A Python int as a `u64` count, as [`count_u32`].
pub(crate) fn count_u64(n: i128, what: &str) -> PyResult<u64> {
    u64::try_from(n).map_err(|_| validation(format!("{what} must be a positive integer, not {n}")))
}

/// The type name of `obj`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// `datetime.datetime`, `datetime.timedelta` and the Unix epoch as an aware UTC datetime.
struct DateTimeApi {
    datetime: Py<PyAny>,
    timedelta: Py<PyAny>,
    epoch: Py<PyAny>,
    one_ms: Py<PyAny>,
}

static DATETIME: PyOnceLock<DateTimeApi> = PyOnceLock::new();

fn datetime_api(py: Python<'_>) -> PyResult<&DateTimeApi> {
    DATETIME.get_or_try_init(py, || {
        let m = py.import("datetime")?;
        let datetime = m.getattr("datetime")?;
        let timedelta = m.getattr("timedelta")?;
        let utc = m.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime.call((1970, 1, 1, 0, 0, 0, 0, utc), None)?;
        let one_ms = timedelta.call((0, 0, 0, 1), None)?;
        Ok(DateTimeApi {
            datetime: datetime.unbind(),
            timedelta: timedelta.unbind(),
            epoch: epoch.unbind(),
            one_ms: one_ms.unbind(),
        })
    })
}

/// A core timestamp as a timezone-aware `datetime` in UTC.
pub(crate) fn to_datetime(py: Python<'_>, t: Timestamp) -> PyResult<Bound<'_, PyAny>> {
    let api = datetime_api(py)?;
    let delta = api
        .timedelta
        .bind(py)
        .call((0, 0, 0, t.unix_millis()), None)?;
    api.epoch.bind(py).add(delta)
}

/// An optional core timestamp as an optional aware `datetime`.
pub(crate) fn to_opt_datetime(
    py: Python<'_>,
    t: Option<Timestamp>,
) -> PyResult<Option<Bound<'_, PyAny>>> {
    t.map(|t| to_datetime(py, t)).transpose()
}

/// A timezone-aware `datetime` as a core timestamp (truncated to the millisecond, toward the
/// past). A naive datetime is refused with `strongroom.Validation`: it names no instant.
pub(crate) fn from_datetime(obj: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    let py = obj.py();
    let api = datetime_api(py)?;
    if !obj.is_instance(api.datetime.bind(py))? {
        return Err(PyTypeError::new_err(format!(
            "expected a timezone-aware datetime.datetime, not {}",
            type_name(obj)
        )));
    }
    if obj.call_method0("utcoffset")?.is_none() {
        return Err(validation(format!(
            "the datetime {} is naive; give a timezone-aware one, e.g. with tzinfo=datetime.timezone.utc",
            obj.str()?
        )));
    }
    let ms: i64 = obj
        .sub(api.epoch.bind(py))?
        .floor_div(api.one_ms.bind(py))?
        .extract()?;
    Ok(Timestamp::from_unix_millis(ms))
}

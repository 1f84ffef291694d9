//! `Keystore.encrypt_file` and `Keystore.decrypt_file`: the streaming file format
//! (`crates/strongroom-stream`, docs/STREAM-FORMAT.md) over Python binary file objects.
//!
//! The keystore lock is held only while the stream's data key is made or opened
//! ([`strongroom_stream::Encryptor::new`], [`strongroom_stream::Decryptor::new`]); the streaming
//! runs without it, so a `close()` from another thread never waits on a slow reader or writer.
//! The whole call runs with the GIL released: the stream crate does all reads and writes on this
//! thread, and the adapters below take the GIL back only for each `read(n)` / `write(b)` call
//! into Python (in blocks of [`BLOCK`]), so other Python threads run while chunks are sealed or
//! opened.

use crate::convert::context;
use crate::error::core;
use crate::keystore::PyKeystore;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use std::io::{self, Read, Write};
use strongroom_stream::{Decryptor, Encryptor, Header, Summary};

/// What ``encrypt_file`` or ``decrypt_file`` did: ``key_id`` (ARN of the KMS key whose data key
/// protects the stream), ``plaintext_length`` and ``encrypted_length`` (bytes, the encrypted
/// length including the header).
#[pyclass(frozen, eq, module = "strongroom", name = "StreamSummary")]
#[derive(PartialEq)]
pub struct PyStreamSummary(Summary);

#[pymethods]
impl PyStreamSummary {
    /// ARN of the KMS key whose data key protects the stream.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// Bytes of plaintext (read by ``encrypt_file``, written by ``decrypt_file``).
    #[getter]
    fn plaintext_length(&self) -> u64 {
        self.0.plaintext_len
    }

    /// Bytes of the encrypted stream, header included (written by ``encrypt_file``, read by
    /// ``decrypt_file``).
    #[getter]
    fn encrypted_length(&self) -> u64 {
        self.0.encrypted_len
    }

    fn __repr__(&self) -> String {
        format!(
            "StreamSummary(key_id={:?}, plaintext_length={}, encrypted_length={})",
            self.0.key_id, self.0.plaintext_len, self.0.encrypted_len
        )
    }
}

/// Bytes moved per call into Python: the stream crate reads and writes one 64 KiB chunk at a
/// time, and each call into Python re-takes the GIL, which can wait a whole switch interval
/// (5 ms) when another Python thread is busy. Reading ahead and writing behind in blocks of this
/// size makes that wait 16 times rarer. (The crate reads the input to its end in any case, so
/// reading ahead changes nothing a caller can see.)
const BLOCK: usize = 1 << 20;

/// A Python object with `read(n)`, read from Rust in blocks of [`BLOCK`]. The first exception a
/// call raised is kept (the stream crate only sees an `io::Error` carrying its text) so it can
/// be chained as the `__cause__` of the `strongroom.Io` raised in the end.
struct PyReader {
    file: Py<PyAny>,
    failure: Option<PyErr>,
    buf: Vec<u8>,
    pos: usize,
}

/// A Python object with `write(b)` (and optionally `flush()`), written from Rust in blocks of
/// [`BLOCK`]; keeps its first exception as [`PyReader`] does.
struct PyWriter {
    file: Py<PyAny>,
    failure: Option<PyErr>,
    buf: Vec<u8>,
}

/// The reader and writer over the two file objects a stream call takes (checked first).
fn endpoints(
    source: &Bound<'_, PyAny>,
    destination: &Bound<'_, PyAny>,
) -> PyResult<(PyReader, PyWriter)> {
    let reader = PyReader {
        file: file_object(source, "source", "read", "rb")?,
        failure: None,
        buf: Vec::new(),
        pos: 0,
    };
    let writer = PyWriter {
        file: file_object(destination, "destination", "write", "wb")?,
        failure: None,
        buf: Vec::new(),
    };
    Ok((reader, writer))
}

/// Keeps the first Python failure and hands the stream crate an `io::Error` with its text.
fn failed(slot: &mut Option<PyErr>, err: PyErr) -> io::Error {
    let text = err.to_string();
    slot.get_or_insert(err);
    io::Error::other(text)
}

/// One `file.read(n)` call, appended to `buf` (empty at the end of the input).
fn read_block(py: Python<'_>, file: &Py<PyAny>, n: usize, buf: &mut Vec<u8>) -> PyResult<()> {
    // Long streams from fast in-memory readers would otherwise never see Ctrl-C.
    py.check_signals()?;
    let got = file.bind(py).call_method1(intern!(py, "read"), (n,))?;
    let copied;
    let data: &[u8] = if let Ok(b) = got.cast::<PyBytes>() {
        b.as_bytes()
    } else if let Ok(b) = got.cast::<PyByteArray>() {
        copied = b.to_vec();
        &copied
    } else {
        return Err(PyTypeError::new_err(if got.is_none() {
            "source.read(n) returned None (a non-blocking stream with no data ready); \
             pass a blocking binary file object"
                .to_owned()
        } else if got.is_instance_of::<PyString>() {
            "source.read(n) returned str; open the source in binary mode ('rb')".to_owned()
        } else {
            format!(
                "source.read(n) must return bytes, not {}",
                crate::convert::type_name(&got)
            )
        }));
    };
    if data.len() > n {
        return Err(PyValueError::new_err(format!(
            "source.read({n}) returned {} bytes, more than asked for",
            data.len()
        )));
    }
    buf.extend_from_slice(data);
    Ok(())
}

impl Read for PyReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            Python::attach(|py| {
                read_block(py, &self.file, BLOCK, &mut self.buf)
                    .map_err(|e| failed(&mut self.failure, e))
            })?;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Hands all of `data` to `file.write`, again for any part a raw file or socket did not take.
fn write_all(py: Python<'_>, file: &Py<PyAny>, data: &[u8]) -> PyResult<()> {
    py.check_signals()?;
    let file = file.bind(py);
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        let n = file.call_method1(intern!(py, "write"), (PyBytes::new(py, rest),))?;
        // Buffered files return the length; raw files and sockets may take less and say so;
        // many simple writers return None, meaning all of it.
        let n = if n.is_none() {
            rest.len()
        } else {
            n.extract::<usize>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "destination.write(b) must return None or the number of bytes written, not {}",
                    crate::convert::type_name(&n)
                ))
            })?
        };
        if n == 0 || n > rest.len() {
            return Err(PyValueError::new_err(format!(
                "destination.write(b) reported {n} bytes written of {}",
                rest.len()
            )));
        }
        done += n;
    }
    Ok(())
}

impl PyWriter {
    /// Writes out what is buffered.
    fn drain(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        Python::attach(|py| {
            write_all(py, &self.file, &self.buf).map_err(|e| failed(&mut self.failure, e))
        })?;
        self.buf.clear();
        Ok(())
    }
}

impl Write for PyWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > BLOCK {
            self.drain()?;
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        Python::attach(|py| {
            let file = self.file.bind(py);
            let flushed = match file.hasattr(intern!(py, "flush")) {
                Ok(true) => file.call_method0(intern!(py, "flush")).map(drop),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            flushed.map_err(|e| failed(&mut self.failure, e))
        })
    }
}

/// `io.TextIOBase`, to refuse text-mode files up front with a clear message.
fn text_io_base(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static TEXT_IO_BASE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    TEXT_IO_BASE
        .get_or_try_init(py, || Ok(py.import("io")?.getattr("TextIOBase")?.unbind()))
        .map(|t| t.bind(py))
}

/// Checks that `obj` is a binary file object with `method` before any keystore call.
fn file_object(
    obj: &Bound<'_, PyAny>,
    what: &str,
    method: &str,
    mode: &str,
) -> PyResult<Py<PyAny>> {
    let py = obj.py();
    if obj.is_instance(text_io_base(py)?)? {
        return Err(PyTypeError::new_err(format!(
            "{what} is a text file; open it in binary mode ('{mode}')"
        )));
    }
    if !obj.hasattr(method)? || obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a binary file object with {method}() (such as open(path, '{mode}') \
             or io.BytesIO()), not {}",
            crate::convert::type_name(obj)
        )));
    }
    Ok(obj.clone().unbind())
}

/// The Python exception for a failed stream. An `Io` error caused by the reader or writer
/// raising becomes `strongroom.Io` with that exception as `__cause__`; an exception that is not
/// an `Exception` (`KeyboardInterrupt`, `SystemExit`) is raised as it is.
fn stream_error(
    py: Python<'_>,
    err: strongroom::Error,
    reader: &mut PyReader,
    writer: &mut PyWriter,
) -> PyErr {
    let cause = reader.failure.take().or_else(|| writer.failure.take());
    match cause {
        Some(cause) if matches!(err, strongroom::Error::Io(_)) => {
            if !cause.is_instance_of::<PyException>(py) {
                return cause;
            }
            let e = core(err);
            e.set_cause(py, Some(cause));
            e
        }
        _ => core(err),
    }
}

/// `Keystore.encrypt_file`.
pub(crate) fn encrypt_file(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    source: &Bound<'_, PyAny>,
    destination: &Bound<'_, PyAny>,
    encryption_context: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyStreamSummary> {
    let (mut reader, mut writer) = endpoints(source, destination)?;
    let ctx = context(encryption_context)?;
    let result = py.detach(|| -> PyResult<strongroom::Result<Summary>> {
        // The lock only for the data key; released before the first read.
        let encryptor = ks.run(|k| Ok(Encryptor::new(k, key_id, ctx.as_ref())))?;
        Ok(encryptor.and_then(|e| e.encrypt(&mut reader, &mut writer)))
    });
    ks.deliver_alarms(py);
    match result? {
        Ok(summary) => Ok(PyStreamSummary(summary)),
        Err(e) => Err(stream_error(py, e, &mut reader, &mut writer)),
    }
}

/// `Keystore.decrypt_file`.
pub(crate) fn decrypt_file(
    ks: &PyKeystore,
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    destination: &Bound<'_, PyAny>,
    encryption_context: Option<&Bound<'_, PyAny>>,
    key_id: Option<&str>,
) -> PyResult<PyStreamSummary> {
    let (mut reader, mut writer) = endpoints(source, destination)?;
    let ctx = context(encryption_context)?;
    let result = py.detach(|| -> PyResult<strongroom::Result<Summary>> {
        // A closed handle is refused before anything is read.
        ks.run(|_| Ok(()))?;
        let header = match Header::read(&mut reader) {
            Ok(h) => h,
            Err(e) => return Ok(Err(e)),
        };
        // The lock only to open the data key; released before the chunks are read.
        let decryptor = ks.run(|k| Ok(Decryptor::new(k, header, ctx.as_ref(), key_id)))?;
        Ok(decryptor.and_then(|d| d.decrypt(&mut reader, &mut writer)))
    });
    ks.deliver_alarms(py);
    match result? {
        Ok(summary) => Ok(PyStreamSummary(summary)),
        Err(e) => Err(stream_error(py, e, &mut reader, &mut writer)),
    }
}

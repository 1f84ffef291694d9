//! `strongroom.ManualClock`: the core's manual clock, for tests and simulations.

use crate::convert::{from_datetime, to_datetime};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use strongroom::{Clock, ManualClock, Timestamp};

/// A clock that moves only when told to. Pass it as ``clock=`` to ``Keystore.create`` or
/// ``Keystore.open``; the keystore then reads all time (creation dates, rotations, deletion
/// windows) from it. Time has millisecond precision.
///
/// ``ManualClock(start)`` takes a timezone-aware ``datetime``.
#[pyclass(frozen, module = "strongroom", name = "ManualClock")]
pub struct PyManualClock {
    pub(crate) inner: ManualClock,
}

#[pymethods]
impl PyManualClock {
    #[new]
    fn new(start: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyManualClock {
            inner: ManualClock::new(from_datetime(start)?),
        })
    }

    /// The clock's current time, a timezone-aware UTC ``datetime``.
    fn now<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.now())
    }

    /// Sets the time to ``when`` (a timezone-aware ``datetime``; it may go backwards).
    fn set(&self, when: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set(from_datetime(when)?);
        Ok(())
    }

    /// Moves the time forward by ``days`` and ``seconds`` (fractions allowed; negative amounts
    /// move it back). The total is rounded to the nearest millisecond.
    #[pyo3(signature = (days = 0.0, seconds = 0.0))]
    fn advance(&self, days: f64, seconds: f64) -> PyResult<()> {
        let ms = (days * Timestamp::DAY_MS as f64 + seconds * 1000.0).round();
        if !ms.is_finite() || ms.abs() > 1e15 {
            return Err(PyValueError::new_err(
                "advance() needs a finite amount of at most about 31,000 years",
            ));
        }
        self.inner.advance_millis(ms as i64);
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("ManualClock({})", self.inner.now())
    }
}

//! `sr_manual_clock`: a clock that moves only when told to, for tests and simulations.

use crate::ffi::{Out, free_box, to_box, try_ref};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{Clock, ManualClock, Timestamp};

/// A manual clock (the core's `ManualClock`). Give it to a keystore with
/// `sr_options_set_manual_clock`; the keystore and the caller then share the same time, so moving
/// this clock moves the keystore's time. Thread-safe. Free it with `sr_manual_clock_free` (the
/// keystore keeps its own reference, so freeing the clock first is fine).
pub struct sr_manual_clock {
    _private: [u8; 0],
}

fn clock_ref<'a>(p: *const sr_manual_clock) -> Result<&'a ManualClock, crate::error::Failure> {
    try_ref(p.cast::<ManualClock>(), "clock")
}

/// Creates a manual clock stopped at `start_unix_ms` (milliseconds since 1970-01-01T00:00:00Z)
/// and writes it to `*clock_out`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_manual_clock_new(
    start_unix_ms: i64,
    clock_out: *mut *mut sr_manual_clock,
) -> sr_status {
    boundary(|| {
        let out = Out::new(clock_out, "clock_out")?;
        let c = ManualClock::new(Timestamp::from_unix_millis(start_unix_ms));
        out.set(to_box(c).cast::<sr_manual_clock>());
        Ok(())
    })
}

/// Sets the clock to `unix_ms` (milliseconds since the Unix epoch).
#[unsafe(no_mangle)]
pub extern "C" fn sr_manual_clock_set(clock: *const sr_manual_clock, unix_ms: i64) -> sr_status {
    boundary(|| {
        clock_ref(clock)?.set(Timestamp::from_unix_millis(unix_ms));
        Ok(())
    })
}

/// Moves the clock by `ms` milliseconds (backwards if negative; saturating).
#[unsafe(no_mangle)]
pub extern "C" fn sr_manual_clock_advance(clock: *const sr_manual_clock, ms: i64) -> sr_status {
    boundary(|| {
        clock_ref(clock)?.advance_millis(ms);
        Ok(())
    })
}

/// Writes the clock's current time (milliseconds since the Unix epoch) to `*unix_ms_out`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_manual_clock_now(
    clock: *const sr_manual_clock,
    unix_ms_out: *mut i64,
) -> sr_status {
    boundary(|| {
        let c = clock_ref(clock)?;
        let out = Out::new(unix_ms_out, "unix_ms_out")?;
        out.set(c.now().unix_millis());
        Ok(())
    })
}

/// Frees a clock made by `sr_manual_clock_new`. Calling with NULL is fine. Must not be called
/// twice. Keystores given the clock keep working with their own reference.
#[unsafe(no_mangle)]
pub extern "C" fn sr_manual_clock_free(clock: *mut sr_manual_clock) {
    boundary_void(|| drop(free_box(clock.cast::<ManualClock>())))
}

/// The core clock behind a handle (a clone sharing the same time).
pub(crate) fn shared(p: *const sr_manual_clock) -> Result<ManualClock, crate::error::Failure> {
    clock_ref(p).cloned()
}

//! Time, read only through a clock the embedder may replace.

use parking_lot::Mutex;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A UTC instant with millisecond precision (milliseconds since the Unix epoch).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Milliseconds in one day.
    pub const DAY_MS: i64 = 86_400_000;

    /// From milliseconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    /// This instant plus `days` whole days (saturating).
    pub fn plus_days(self, days: u32) -> Self {
        Timestamp(self.0.saturating_add(i64::from(days) * Self::DAY_MS))
    }

    /// 00:00 UTC of this instant's day.
    pub const fn start_of_day(self) -> Self {
        Timestamp(self.0 - self.0.rem_euclid(Self::DAY_MS))
    }

    /// RFC 3339 text in UTC, e.g. `2026-11-23T18:26:01.000Z`.
    pub fn to_rfc3339(self) -> String {
        let days = self.0.div_euclid(Self::DAY_MS);
        let ms_of_day = self.0.rem_euclid(Self::DAY_MS);
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            ms_of_day % 1000
        )
    }
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Where the keystore reads the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The operating system's wall clock (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to: for tests and simulations of months and years.
///
/// Clones share the same time, so a test keeps one clone and hands another to the keystore.
///
/// ```
/// use strongroom::{ManualClock, Clock, Timestamp};
/// let clock = ManualClock::new(Timestamp::from_unix_millis(0));
/// clock.advance_days(366);
/// assert_eq!(clock.now().unix_millis(), 366 * Timestamp::DAY_MS);
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Timestamp>>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Sets the time.
    pub fn set(&self, t: Timestamp) {
        *self.0.lock() = t;
    }

    /// Moves the time forward (or back, with a negative amount) by `ms` milliseconds.
    pub fn advance_millis(&self, ms: i64) {
        let mut t = self.0.lock();
        *t = Timestamp(t.0.saturating_add(ms));
    }

    /// Moves the time forward by whole days.
    pub fn advance_days(&self, days: i64) {
        self.advance_millis(days.saturating_mul(Timestamp::DAY_MS));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(
            Timestamp::from_unix_millis(0).to_rfc3339(),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(1_795_458_361_123).to_rfc3339(),
            "2026-11-23T18:26:01.123Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(951_782_400_000).to_rfc3339(),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn manual_clock_is_shared_between_clones() {
        let c = ManualClock::new(Timestamp::from_unix_millis(5));
        let d = c.clone();
        c.advance_days(1);
        assert_eq!(d.now().unix_millis(), 5 + Timestamp::DAY_MS);
        d.set(Timestamp::from_unix_millis(1));
        assert_eq!(c.now().unix_millis(), 1);
    }
}

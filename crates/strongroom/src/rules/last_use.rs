//! What counts as a recent use of a key: the window within which a use makes deleting the key
//! worth a second thought (the CLI's `schedule-key-deletion` asks for confirmation on a terminal).

use crate::model::clock::Timestamp;

/// A use within this many days before now is recent.
pub const RECENT_USE_DAYS: u32 = 30;

/// Whether a use at `used` is recent at `now` (within [`RECENT_USE_DAYS`] before it; a use
/// dated after `now`, from a clock that moved back, is recent too).
pub fn is_recent_use(used: Timestamp, now: Timestamp) -> bool {
    used.plus_days(RECENT_USE_DAYS) > now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_means_within_the_window() {
        let now = Timestamp::from_unix_millis(100 * Timestamp::DAY_MS);
        let ago = |ms: i64| Timestamp::from_unix_millis(now.unix_millis() - ms);
        let window = i64::from(RECENT_USE_DAYS) * Timestamp::DAY_MS;
        assert!(is_recent_use(ago(0), now));
        assert!(is_recent_use(ago(window - 1), now));
        assert!(!is_recent_use(ago(window), now));
        assert!(is_recent_use(
            Timestamp::from_unix_millis(now.unix_millis() + 5),
            now
        ));
    }
}

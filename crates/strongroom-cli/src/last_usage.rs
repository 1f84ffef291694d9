//! `get-key-last-usage`, and the question `schedule-key-deletion` asks before deleting a key that
//! was used recently (within the core's `RECENT_USE_DAYS`): the last use is printed to standard
//! error, and on a terminal the command asks for confirmation unless `--yes` is given. A
//! non-terminal standard input is never asked.

use crate::errors::{CliError, CliResult};
use crate::obj;
use crate::output::{Doc, date};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use strongroom::{
    Clock, KeyLastUsage, Keystore, LastUse, RECENT_USE_DAYS, SystemClock, Timestamp, is_recent_use,
};

/// `GetKeyLastUsage`'s response, in botocore's member order.
pub fn shape(u: &KeyLastUsage) -> Doc {
    let mut last = obj![];
    if let Some(l) = &u.key_last_usage {
        last.push("Operation", json!(l.operation.as_str()));
        last.push("Timestamp", date(l.timestamp));
    }
    let mut o = obj!["KeyId" => &u.key_id, "KeyLastUsage" => last];
    if let Some(t) = u.tracking_start_date {
        o.push("TrackingStartDate", date(t));
    }
    o.push("KeyCreationDate", date(u.key_creation_date));
    o
}

/// Prints the last use of the key `key_ref` names to standard error and, if it was recent, stdin
/// is a terminal and `yes` is not set, asks whether to go on; `Err` if the answer is not yes.
pub fn confirm_deletion(ks: &Keystore, key_ref: &str, yes: bool) -> CliResult<()> {
    let u = ks.get_key_last_usage(key_ref)?;
    confirm(&u.key_id, u.key_last_usage, u.tracking_start_date, yes)
}

/// [`confirm_deletion`] from a `GetKeyLastUsage` answer a server gave (client mode): `last` is
/// the key's last use, `since` its `TrackingStartDate`.
pub fn confirm(
    key_id: &str,
    last: Option<LastUse>,
    since: Option<Timestamp>,
    yes: bool,
) -> CliResult<()> {
    let now = SystemClock.now();
    let mut err = std::io::stderr().lock();
    let recent = match &last {
        Some(l) => {
            let days = (now.unix_millis() - l.timestamp.unix_millis()) / Timestamp::DAY_MS;
            let _ = writeln!(
                err,
                "Key {key_id} was last used by {} at {} ({days} days ago).",
                l.operation,
                l.timestamp.to_rfc3339()
            );
            is_recent_use(l.timestamp, now)
        }
        None => {
            let since = since.map_or_else(
                || "ever (no use is on record)".to_string(),
                |t| t.to_rfc3339(),
            );
            let _ = writeln!(err, "Key {key_id} has not been used since {since}.");
            false
        }
    };
    if !recent || yes || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    let _ = write!(
        err,
        "It was used within the last {RECENT_USE_DAYS} days. Schedule its deletion anyway? [y/N] "
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::io("standard input", e))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        return Ok(());
    }
    Err(CliError::BadInput(
        "deletion not scheduled: not confirmed; nothing changed (--yes skips the question)".into(),
    ))
}

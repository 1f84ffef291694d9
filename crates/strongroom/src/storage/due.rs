//! The due-work index: the table that says when each key next has work (rotation, expiry,
//! destruction). What the work is comes from the sealed key record (`rules::state::due_work`).
//!
//! The index is not authenticated (a file-level attacker can add or remove rows): it only says
//! when to look. Deadlines are enforced from the sealed record where a key is used or changed
//! (`rules::state::check`); a row that does not match its key's record does nothing, and the
//! index is rebuilt from the sealed records at open and at `run_maintenance`.

use crate::Result;
use crate::model::clock::Timestamp;
use crate::storage::tables::DUE;
use redb::ReadableTable;
use std::collections::BTreeSet;

/// A row of the index: (when, in unix ms; key id).
pub(crate) type DueRow = (i64, u128);

/// Moves key `id`'s entry in the due-work index from `old` to `new`.
pub(crate) fn set_due(
    tx: &redb::WriteTransaction,
    id: u128,
    old: Option<Timestamp>,
    new: Option<Timestamp>,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let mut t = tx.open_table(DUE)?;
    if let Some(o) = old {
        t.remove((o.unix_millis(), id))?;
    }
    if let Some(n) = new {
        t.insert((n.unix_millis(), id), ())?;
    }
    Ok(())
}

/// The rows due at or before `now`, earliest first.
pub(crate) fn rows_until(tx: &redb::ReadTransaction, now: Timestamp) -> Result<Vec<DueRow>> {
    let t = tx.open_table(DUE)?;
    let mut rows = Vec::new();
    for row in t.range((i64::MIN, 0)..=(now.unix_millis(), u128::MAX))? {
        rows.push(row?.0.value());
    }
    Ok(rows)
}

/// Every row, earliest first.
pub(crate) fn all_rows(tx: &redb::ReadTransaction) -> Result<BTreeSet<DueRow>> {
    let t = tx.open_table(DUE)?;
    let mut rows = BTreeSet::new();
    for row in t.iter()? {
        rows.insert(row?.0.value());
    }
    Ok(rows)
}

/// Makes the index hold exactly `want`, given that it holds `have`.
pub(crate) fn replace_rows(
    tx: &redb::WriteTransaction,
    have: &BTreeSet<DueRow>,
    want: &BTreeSet<DueRow>,
) -> Result<()> {
    let mut t = tx.open_table(DUE)?;
    for row in have.difference(want) {
        t.remove(*row)?;
    }
    for row in want.difference(have) {
        t.insert(*row, ())?;
    }
    Ok(())
}

//! The due-work index: the table that says when each key next has work (rotation, expiry,
//! destruction). What the work is comes from the sealed key record (`rules::state::due_work`).

use crate::Result;
use crate::model::clock::Timestamp;
use crate::storage::tables::DUE;

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

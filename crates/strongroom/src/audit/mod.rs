//! The audit trail (SPEC section 8): the hash-chained log and its retention, the subject of a
//! call being recorded, and the write path that commits a change together with its events (and
//! the background thread that group-commits high-rate events).

pub(crate) mod caller;
pub(crate) mod last_use;
pub(crate) mod last_use_rows;
pub(crate) mod log;
pub(crate) mod query;
pub(crate) mod subject;
pub(crate) mod writer;

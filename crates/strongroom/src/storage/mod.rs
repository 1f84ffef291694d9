//! The keystore file on redb: its tables, opening, creating and rewriting it, the due-work index,
//! the keystore-wide commitment that detects a record rolled back to an older copy, and the live
//! database behind a swap with the persisted "a scrub is pending" mark.

pub(crate) mod due;
pub(crate) mod file;
pub(crate) mod integrity;
pub(crate) mod live;
pub(crate) mod tables;

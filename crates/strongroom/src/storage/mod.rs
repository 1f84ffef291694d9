//! The keystore file on redb: its tables, opening, creating and rewriting it, the due-work index,
//! and the keystore-wide commitment that detects a record rolled back to an older copy.

pub(crate) mod due;
pub(crate) mod file;
pub(crate) mod integrity;
pub(crate) mod tables;

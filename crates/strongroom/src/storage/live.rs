//! The open database of a keystore behind a swap, and the persisted "a scrub is pending" mark.
//!
//! When secret records are removed (a destroyed key, deleted or expired material, a used or
//! expired import wrapping key, the old wrap of the root key after a passphrase change), the same
//! transaction writes `meta["scrub_pending"]`. The file is then rewritten into a fresh one
//! (`file::rewrite`) which replaces it, and the mark goes. Because the mark is in the file, a
//! crash, a kill or a handle dropped without `close` leaves it for the next open, which rewrites
//! the file before it returns the handle.
//!
//! A live handle swaps its database for the rewritten one while other threads use it:
//! [`LiveDb::get`] hands out the current database; every write transaction is begun through
//! [`LiveDb::begin_write`], which retries on the new database if the one it began on was retired
//! meanwhile. The swap (`Keystore::scrub_now`) holds the change lock and a write transaction on
//! the old database while it copies it, so no commit can land in the old file after the copy.
//! Readers that still hold the old database read the same records it had when it was copied.

use crate::Result;
use crate::storage::file::Db;
use crate::storage::tables::{META, SCRUB_PENDING_KEY};
use parking_lot::RwLock;
use std::sync::Arc;

/// The database a keystore currently uses.
pub(crate) struct LiveDb {
    current: RwLock<Arc<Db>>,
}

impl LiveDb {
    pub fn new(db: Db) -> Self {
        LiveDb {
            current: RwLock::new(Arc::new(db)),
        }
    }

    /// The current database (a read lock and a reference count: never on the crypto path).
    pub fn get(&self) -> Arc<Db> {
        self.current.read().clone()
    }

    /// Begins a write transaction on the current database; returns the database with it (keep it
    /// alive until the transaction ends). A database swapped out while this waited for redb's
    /// writer lock is never written: the transaction is dropped and begun again on the new one.
    pub fn begin_write(&self) -> Result<(Arc<Db>, redb::WriteTransaction)> {
        loop {
            let db = self.get();
            let tx = db.begin_write()?;
            if Arc::ptr_eq(&db, &self.current.read()) {
                return Ok((db, tx));
            }
        }
    }

    /// Makes `fresh` the current database and returns the one it replaces.
    pub fn replace(&self, fresh: Db) -> Arc<Db> {
        std::mem::replace(&mut *self.current.write(), Arc::new(fresh))
    }

    /// The database, once nothing else holds it (for closing).
    pub fn into_inner(self) -> Arc<Db> {
        self.current.into_inner()
    }
}

/// Notes in `tx` that secret records were removed: the file must be rewritten.
pub(crate) fn mark_scrub(tx: &redb::WriteTransaction) -> Result<()> {
    tx.open_table(META)?.insert(SCRUB_PENDING_KEY, &[][..])?;
    Ok(())
}

/// Whether the file notes a pending scrub.
pub(crate) fn scrub_marked(tx: &redb::ReadTransaction) -> Result<bool> {
    Ok(tx.open_table(META)?.get(SCRUB_PENDING_KEY)?.is_some())
}

/// Removes the mark from a freshly rewritten database (the rewrite copied it along).
pub(crate) fn clear_scrub(db: &Db) -> Result<()> {
    let tx = db.begin_write()?;
    tx.open_table(META)?.remove(SCRUB_PENDING_KEY)?;
    tx.commit()?;
    Ok(())
}

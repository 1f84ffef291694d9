//! The committed side of `audit::last_use`: the `key_last_use` table's rows (docs/FORMAT.md
//! section 4), written by every commit of the audit trail and read by `get_key_last_usage`.

use crate::audit::last_use::unpack;
use crate::audit::log::{AuditLog, Usage};
use crate::format::codec::{Reader, Writer};
use crate::model::clock::Timestamp;
use crate::model::last_use::LastUse;
use crate::storage::tables::{KEYS, LAST_USE, LAST_USE_SINCE_KEY, META};
use crate::{Error, Result};
use redb::ReadableTable;
use std::sync::Arc;
use std::sync::atomic::Ordering;

impl AuditLog {
    /// Lists key `id` for writing its last use at the next commit of the trail.
    pub fn list_last_use(&self, id: u128, usage: &Arc<Usage>) {
        self.last_uses.lock().push((id, usage.clone()));
    }

    /// Writes, in `tx`, the last use of every listed key that moved since it was last written
    /// (keys destroyed meanwhile excepted), and the tracking start if the file has none.
    pub(crate) fn write_last_uses(
        &self,
        tx: &redb::WriteTransaction,
        now: Timestamp,
    ) -> Result<()> {
        if !self.tracking.load(Ordering::Relaxed) {
            let mut meta = tx.open_table(META)?;
            if meta.get(LAST_USE_SINCE_KEY)?.is_none() {
                meta.insert(
                    LAST_USE_SINCE_KEY,
                    now.unix_millis().to_le_bytes().as_slice(),
                )?;
            }
            self.tracking.store(true, Ordering::Relaxed);
        }
        let listed = self.last_uses.lock();
        let mut dirty = Vec::new();
        for (id, usage) in listed.iter() {
            if let Some(noted) = usage.last.unwritten() {
                dirty.push((*id, noted, &usage.last));
            }
        }
        if dirty.is_empty() {
            return Ok(());
        }
        let keys = tx.open_table(KEYS)?;
        let mut t = tx.open_table(LAST_USE)?;
        for (id, noted, cell) in dirty {
            if keys.get(id)?.is_none() {
                continue;
            }
            let stored = t.get(id)?.map(|v| v.value().to_vec());
            let stored = match stored {
                Some(row) => self.open_last_use_row(id, &row)?,
                None => 0,
            };
            if noted > stored {
                t.insert(id, self.last_use_row(id, noted).as_slice())?;
            }
            cell.set_written(noted.max(stored));
        }
        Ok(())
    }

    fn last_use_row(&self, id: u128, packed: u64) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(1).u64(packed);
        let tag = self.key.sign(&[b"last use", &id.to_be_bytes(), &w.0]);
        w.bytes(&tag);
        w.0
    }

    fn open_last_use_row(&self, id: u128, row: &[u8]) -> Result<u64> {
        let mut r = Reader::new(row, "a key's last use");
        let version = r.u8()?;
        let packed = r.u64()?;
        let tag: [u8; 32] = r.array()?;
        r.finish()?;
        let expect = self.key.sign(&[b"last use", &id.to_be_bytes(), &row[..9]]);
        if version != 1 || tag != expect {
            return Err(Error::Corrupt(format!(
                "the last use recorded for key {} does not verify: the keystore file was damaged \
                 or tampered with",
                uuid::Uuid::from_u128(id)
            )));
        }
        Ok(packed)
    }

    /// Key `id`'s last use as committed, and since when the file tracks uses.
    pub(crate) fn read_last_use(
        &self,
        tx: &redb::ReadTransaction,
        id: u128,
    ) -> Result<(Option<LastUse>, Option<Timestamp>)> {
        let since = match tx.open_table(META) {
            Ok(meta) => meta.get(LAST_USE_SINCE_KEY)?.and_then(|v| {
                let b: [u8; 8] = v.value().try_into().ok()?;
                Some(Timestamp::from_unix_millis(i64::from_le_bytes(b)))
            }),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let row = match tx.open_table(LAST_USE) {
            Ok(t) => t.get(id)?.map(|v| v.value().to_vec()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let used = match row {
            Some(r) => unpack(self.open_last_use_row(id, &r)?),
            None => None,
        };
        Ok((used, since))
    }
}

//! Due work (SPEC sections 5 to 7): automatic rotations, expiries of imported material,
//! destructions at the deletion date, expired import wrapping keys. It runs when the keystore
//! opens, when a key is used while work is due, and on `run_maintenance`.

use crate::audit::subject::Subject;
use crate::keystore::commit::new_version;
use crate::keystore::handle::Keystore;
use crate::model::clock::Timestamp;
use crate::model::key::RotationType;
use crate::model::operation::Operation;
use crate::rules::bounds::MAX_CATCH_UP;
use crate::rules::state::{DueWork, due_work};
use crate::storage::integrity::Bucket;
use crate::storage::tables::{DUE, WRAPPING_KEYS};
use crate::{Error, Result};
use redb::ReadableTable;
use std::sync::atomic::Ordering;

/// The end of representable time: a rotation that would fall there never happens.
const NEVER: Timestamp = Timestamp::from_unix_millis(i64::MAX);

impl Keystore {
    /// Runs due work if any is due now (one comparison when none is); returns the time it read.
    pub(crate) fn maintain_if_due(&self) -> Result<Timestamp> {
        let now = self.clock.now();
        if now.unix_millis() >= self.next_due.load(Ordering::Relaxed) {
            self.maintain()?;
            self.scrub_soon();
        }
        Ok(now)
    }

    /// [`Keystore::maintain`], then the rewrite of the file if the work removed secret records
    /// (`run_maintenance`).
    pub(crate) fn maintain_and_scrub(&self) -> Result<()> {
        self.maintain()?;
        self.scrub_now()
    }

    /// Performs every rotation, expiry and destruction that is due now, and removes expired
    /// import wrapping keys; then notes when work is next due. Work that removes secret records
    /// marks the file for a scrub, which the caller performs.
    pub(crate) fn maintain(&self) -> Result<()> {
        let now = self.clock.now();
        let due_ids = self.read(|tx| {
            let t = tx.open_table(DUE)?;
            let mut ids = Vec::new();
            for row in t.range((i64::MIN, 0)..=(now.unix_millis(), u128::MAX))? {
                ids.push(row?.0.value().1);
            }
            Ok(ids)
        })?;
        for id in due_ids {
            self.do_due_work(id, now)?;
        }
        self.purge_expired_wrapping_keys(now)?;
        let next = self.read(|tx| {
            let t = tx.open_table(DUE)?;
            Ok(t.first()?.map_or(i64::MAX, |(k, _)| k.value().0))
        })?;
        self.next_due.store(next, Ordering::Relaxed);
        Ok(())
    }

    fn do_due_work(&self, id: u128, now: Timestamp) -> Result<()> {
        let k = match self.key(id) {
            Ok(k) => k,
            Err(Error::NotFound(_)) => return Ok(()),
            Err(e) => return Err(e),
        };
        match due_work(&k.rec, now) {
            Some(DueWork::Destroy) => self.destroy_key(id),
            Some(DueWork::ExpireMaterial) => self.expire_imported_material(id, now),
            Some(DueWork::Rotate) => self
                .update_key(id, Operation::RotateKey, &mut Subject::default(), |rec| {
                    let (Some(period), Some(mut next)) =
                        (rec.rotation_period_days, rec.next_rotation_date)
                    else {
                        return Ok(Vec::new());
                    };
                    let mut added = Vec::new();
                    while next <= now && next < NEVER && added.len() < MAX_CATCH_UP {
                        added.push(new_version(next, RotationType::Automatic)?);
                        next = next.plus_days(period);
                    }
                    if next <= now && next < NEVER {
                        // A clock that jumped far ahead: the next period counts from now.
                        next = now.plus_days(period);
                    }
                    rec.current_version += added.len() as u32;
                    rec.next_rotation_date = Some(next);
                    Ok(added)
                })
                .map(drop),
            None => Ok(()),
        }
    }

    /// Due work: deletes key `id`'s imported material if it expired by `now`.
    fn expire_imported_material(&self, id: u128, now: Timestamp) -> Result<()> {
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        if due_work(&k.rec, now) == Some(DueWork::ExpireMaterial) {
            self.remove_material(&k, Operation::DeleteExpiredKeyMaterial, &g)?;
        }
        Ok(())
    }

    /// Maintenance: removes the wrapping keys of import tokens that expired by `now`.
    fn purge_expired_wrapping_keys(&self, now: Timestamp) -> Result<()> {
        let expired = self.read(|tx| {
            let t = match tx.open_table(WRAPPING_KEYS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            let mut rows = Vec::new();
            for row in t.range((i64::MIN, 0, 0)..=(now.unix_millis(), u128::MAX, u128::MAX))? {
                rows.push(row?.0.value());
            }
            Ok(rows)
        })?;
        if expired.is_empty() {
            return Ok(());
        }
        let _g = self.lock();
        self.write(&[Bucket::WRAPPING_KEYS], &[], |tx| {
            let mut t = tx.open_table(WRAPPING_KEYS)?;
            for row in &expired {
                t.remove(*row)?;
            }
            drop(t);
            self.mark_scrub(tx)
        })
    }
}

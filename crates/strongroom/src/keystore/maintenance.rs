//! Due work (SPEC sections 5 to 7): automatic rotations, expiries of imported material,
//! destructions at the deletion date, expired import wrapping keys. It runs when the keystore
//! opens, when a key is used while work is due (or found past its deadline), and on
//! `run_maintenance`. The due index only says when to look; the sealed key record says what to
//! do (storage/due.rs).

use crate::audit::subject::Subject;
use crate::format::records::Slot;
use crate::keystore::commit::new_version;
use crate::keystore::dry_run;
use crate::keystore::handle::Keystore;
use crate::model::clock::Timestamp;
use crate::model::key::KeyRecord;
use crate::model::key::RotationType;
use crate::model::operation::Operation;
use crate::rules::bounds::MAX_CATCH_UP;
use crate::rules::state::{DueWork, due_work, next_due};
use crate::storage::due;
use crate::storage::integrity::Bucket;
use crate::storage::tables::{KEYS, WRAPPING_KEYS};
use crate::{Error, Result};
use redb::ReadableTable;
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

/// The end of representable time: a rotation that would fall there never happens.
const NEVER: Timestamp = Timestamp::from_unix_millis(i64::MAX);

impl Keystore {
    /// Runs due work if any is due now (one comparison when none is); returns the time it read.
    pub(crate) fn maintain_if_due(&self) -> Result<Timestamp> {
        let now = self.clock.now();
        if now.unix_millis() >= self.next_due.load(Ordering::Relaxed) {
            let _not_the_call = dry_run::suspend();
            self.maintain(false)?;
            self.scrub_soon();
        }
        Ok(now)
    }

    /// [`Keystore::maintain`], then the rewrite of the file if the work removed secret records
    /// (`run_maintenance`).
    pub(crate) fn maintain_and_scrub(&self) -> Result<()> {
        self.maintain(true)?;
        self.scrub_now()
    }

    /// Performs every rotation, expiry and destruction that is due now, and removes expired
    /// import wrapping keys; then notes when work is next due. With `rebuild` (at open and on
    /// `run_maintenance`) the due index is first rebuilt from the sealed key records, so a row
    /// removed or added in the file by someone without the passphrase neither hides nor invents
    /// work. What the work is always comes from the sealed record: a row that does not match
    /// its key's record does nothing, and when nothing is due nothing is written. Work that
    /// removes secret records marks the file for a scrub, which the caller performs.
    pub(crate) fn maintain(&self, rebuild: bool) -> Result<()> {
        let now = self.clock.now();
        if rebuild {
            self.rebuild_due_index()?;
        }
        let due_rows = self.read(|tx| due::rows_until(tx, now))?;
        for (_, id) in due_rows {
            self.do_due_work(id, now)?;
        }
        self.purge_expired_wrapping_keys(now)?;
        let secrets = self.maintain_secrets(rebuild, now)?;
        let next = self.next_due_from_index()?.min(secrets);
        self.next_due.store(next, Ordering::Relaxed);
        Ok(())
    }

    /// Key `id` was found past its deadline (deletion date, material expiry) by a call at `now`:
    /// does its due work now, whatever the due index says. The refused call keeps its own
    /// answer; if the work fails, the next maintenance retries it.
    pub(crate) fn settle(&self, id: u128, now: Timestamp) {
        let _not_the_call = dry_run::suspend();
        let _ = self.do_due_work(id, now);
    }

    /// Makes the due index match the sealed key records: the row each key's record implies
    /// (`rules::state::next_due`) and no other. Writes only if the index differs (rows removed
    /// or planted in the file); such a repair is not an audited change of any key.
    fn rebuild_due_index(&self) -> Result<()> {
        let _g = self.lock();
        let (records, have) = self.read(|tx| {
            let mut records = Vec::new();
            for row in tx.open_table(KEYS)?.iter()? {
                let (k, v) = row?;
                records.push((k.value(), v.value().to_vec()));
            }
            Ok((records, due::all_rows(tx)?))
        })?;
        let mut want = BTreeSet::new();
        for (id, sealed) in records {
            let rec = self
                .sealer
                .open(&Slot::key(id), &sealed)
                .and_then(|plain| KeyRecord::decode(&plain));
            match rec {
                Ok(rec) => want.extend(next_due(&rec).map(|t| (t.unix_millis(), id))),
                // A damaged record is reported (`Corrupt`) by every call that needs the key; its
                // rows are left as they are.
                Err(_) => want.extend(have.iter().filter(|row| row.1 == id)),
            }
        }
        if want == have {
            return Ok(());
        }
        self.write(&[], &[], |tx| due::replace_rows(tx, &have, &want))
    }

    /// The earliest row of the due index that matches its key's sealed record (`i64::MAX` if
    /// none): a planted row does not make every later call run maintenance.
    fn next_due_from_index(&self) -> Result<i64> {
        let rows = self.read(due::all_rows)?;
        for (when, id) in rows {
            match self.key(id) {
                Ok(k) if next_due(&k.rec).map(Timestamp::unix_millis) == Some(when) => {
                    return Ok(when);
                }
                Ok(_) | Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(i64::MAX)
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

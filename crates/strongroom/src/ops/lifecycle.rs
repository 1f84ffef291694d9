//! Keys over time: rotation, scheduled deletion and destruction, due work, and the alarm
//! (SPEC sections 5 and 6).

use crate::audit::{Pending, Subject};
use crate::clock::Timestamp;
use crate::keystore::{KeyData, Keystore};
use crate::model::{KeyRecord, KeyState, Origin, RotationType};
use crate::record::VersionRecord;
use crate::secret::Key256;
use crate::store::{ALIASES, DESTROYED, DUE, KEYS, VERSIONS};
use crate::{Error, Result};
use redb::ReadableTable;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Rotation period bounds, in days.
pub const ROTATION_PERIOD_DAYS: std::ops::RangeInclusive<u32> = 90..=2560;
/// Default rotation period, in days.
pub const DEFAULT_ROTATION_PERIOD_DAYS: u32 = 365;
/// Deletion window bounds, in days.
pub const PENDING_WINDOW_DAYS: std::ops::RangeInclusive<u32> = 7..=30;
/// Default deletion window, in days.
pub const DEFAULT_PENDING_WINDOW_DAYS: u32 = 30;
/// On-demand rotations allowed per key.
pub const MAX_ON_DEMAND_ROTATIONS: u32 = 25;

/// A refused attempt to use a disabled or pending-deletion key, as the alarm receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlarmEvent {
    /// When it happened.
    pub event_time: Timestamp,
    /// AWS KMS operation name (`Encrypt`, `Decrypt`, ...).
    pub operation: &'static str,
    /// The key's id.
    pub key_id: String,
    /// The key's state at the time.
    pub key_state: KeyState,
    /// The error name returned to the caller (`Disabled` or `InvalidState`).
    pub outcome: &'static str,
}

/// The keystore's alarm callback.
pub(crate) type Alarm = Arc<dyn Fn(&AlarmEvent) + Send + Sync>;

/// An alarm callback as `set_alarm` takes it.
pub type AlarmCallback = Box<dyn Fn(&AlarmEvent) + Send + Sync>;

/// What `get_key_rotation_status` returns (AWS KMS `GetKeyRotationStatus`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyRotationStatus {
    /// The key's id.
    pub key_id: String,
    /// Whether automatic rotation is on.
    pub key_rotation_enabled: bool,
    /// The period, while automatic rotation is on.
    pub rotation_period_in_days: Option<u32>,
    /// When automatic rotation next runs, while it is on.
    pub next_rotation_date: Option<Timestamp>,
    /// Start of an on-demand rotation in progress. On-demand rotations complete within the call
    /// here, so this is always `None`.
    pub on_demand_rotation_start_date: Option<Timestamp>,
}

/// One entry of `list_key_rotations` (AWS KMS `RotationsListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RotationsListEntry {
    /// The key's id.
    pub key_id: String,
    /// When the new backing-key version was made.
    pub rotation_date: Timestamp,
    /// `Automatic` or `OnDemand`.
    pub rotation_type: RotationType,
}

/// When key `rec` next has due work, if ever.
pub(crate) fn due(rec: &KeyRecord) -> Option<Timestamp> {
    match rec.key_state {
        // Imported material expires at valid_to (external keys never rotate).
        KeyState::Enabled => match (rec.next_rotation_date, rec.valid_to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        KeyState::Disabled => rec.valid_to,
        KeyState::PendingDeletion => rec.deletion_date,
        KeyState::PendingImport => None,
    }
}

/// Moves key `id`'s entry in the due-work index.
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

fn key_name(id: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(id)
}

impl Keystore {
    /// Sets (or with `None` clears) the alarm: called with every refused attempt to use a key
    /// that is disabled or pending deletion. It runs on the calling thread; keep it short.
    pub fn set_alarm(&self, alarm: Option<AlarmCallback>) {
        *self.alarm.write() = alarm.map(Arc::from);
    }

    pub(crate) fn ring_alarm(&self, k: &KeyData, operation: &'static str, e: &Error) {
        if !matches!(
            k.rec.key_state,
            KeyState::Disabled | KeyState::PendingDeletion
        ) {
            return;
        }
        let Some(alarm) = self.alarm.read().clone() else {
            return;
        };
        alarm(&AlarmEvent {
            event_time: self.clock.now(),
            operation,
            key_id: key_name(k.id).to_string(),
            key_state: k.rec.key_state,
            outcome: e.name(),
        });
    }

    /// Runs due work (rotations, destructions) if any is due: one comparison when none is.
    /// Runs due work if any is due now; returns the time it read.
    pub(crate) fn maintain_if_due(&self) -> Result<Timestamp> {
        let now = self.clock.now();
        if now.unix_millis() >= self.next_due.load(Ordering::Relaxed) {
            self.maintain()?;
        }
        Ok(now)
    }

    /// Performs every rotation and destruction that is due now. Also runs by itself when the
    /// keystore opens and whenever a key is used while work is due.
    pub fn run_maintenance(&self) -> Result<()> {
        self.logged("RunMaintenance", None, None, |_| self.maintain())
    }

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
        match k.rec.key_state {
            KeyState::PendingDeletion if k.rec.deletion_date.is_some_and(|d| d <= now) => {
                self.destroy(id)
            }
            KeyState::Enabled | KeyState::Disabled if k.rec.valid_to.is_some_and(|t| t <= now) => {
                self.expire_imported_material(id, now)
            }
            KeyState::Enabled => self
                .update_key(id, "RotateKey", &mut Subject::default(), |rec| {
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
            _ => Ok(()),
        }
    }

    /// Destroys key `id`: every version of its material, its record and its aliases.
    fn destroy(&self, id: u128) -> Result<()> {
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        let doomed: Vec<String> = self
            .all_aliases()?
            .into_iter()
            .filter(|(_, rec)| rec.target == id)
            .map(|(name, _)| name)
            .collect();
        let now = self.clock.now();
        let event = Pending {
            key: Some(id),
            ..Pending::new(now, "DeleteKey")
        };
        let mut touched = vec![crate::integrity::Bucket::key(id)];
        touched.extend(doomed.iter().map(|n| crate::integrity::Bucket::alias(n)));
        self.write(&touched, &[event], |tx| {
            tx.open_table(KEYS)?.remove(id)?;
            let mut v = tx.open_table(VERSIONS)?;
            for n in 1..=k.versions.len() as u32 {
                v.remove((id, n))?;
            }
            let mut a = tx.open_table(ALIASES)?;
            for name in &doomed {
                a.remove(name.as_str())?;
            }
            tx.open_table(DESTROYED)?.insert(id, now.unix_millis())?;
            set_due(tx, id, crate::lifecycle::due(&k.rec), None)
        })?;
        self.forget_key(id);
        self.destroyed.store(true, Ordering::Relaxed);
        let mut cache = self.aliases.write();
        for name in &doomed {
            cache.remove(name);
        }
        Ok(())
    }

    // ----- rotation -----

    /// Turns on automatic rotation every `rotation_period_in_days` (90 to 2560, default 365)
    /// (AWS KMS `EnableKeyRotation`). The first rotation is one period from now; changing the
    /// period of a key that already rotates counts from its newest version.
    pub fn enable_key_rotation(
        &self,
        key_id: &str,
        rotation_period_in_days: Option<u32>,
    ) -> Result<()> {
        self.logged("EnableKeyRotation", Some(key_id), None, |s| {
            self.enable_rotation_logged(key_id, rotation_period_in_days, s)
        })
    }

    fn enable_rotation_logged(
        &self,
        key_id: &str,
        rotation_period_in_days: Option<u32>,
        s: &mut Subject,
    ) -> Result<()> {
        let period = rotation_period_in_days.unwrap_or(DEFAULT_ROTATION_PERIOD_DAYS);
        if !ROTATION_PERIOD_DAYS.contains(&period) {
            return Err(Error::Validation(format!(
                "rotation_period_in_days must be 90 to 2560, not {period}"
            )));
        }
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let now = self.clock.now();
        let newest = {
            let k = self.key(id)?;
            k.versions.last().map_or(k.rec.creation_date, |v| v.created)
        };
        self.update_key(id, "EnableKeyRotation", s, |rec| {
            require_rotatable(id, rec, "automatic rotation")?;
            let from = if rec.rotation_period_days.is_some() {
                newest
            } else {
                now
            };
            rec.rotation_period_days = Some(period);
            rec.next_rotation_date = Some(from.plus_days(period).max(now));
            Ok(Vec::new())
        })?;
        self.maintain_if_due().map(drop)
    }

    /// Turns off automatic rotation (AWS KMS `DisableKeyRotation`).
    pub fn disable_key_rotation(&self, key_id: &str) -> Result<()> {
        self.logged("DisableKeyRotation", Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, "DisableKeyRotation", s, |rec| {
                require_rotatable(id, rec, "automatic rotation")?;
                rec.rotation_period_days = None;
                rec.next_rotation_date = None;
                Ok(Vec::new())
            })
            .map(drop)
        })
    }

    /// Whether and when the key rotates (AWS KMS `GetKeyRotationStatus`).
    pub fn get_key_rotation_status(&self, key_id: &str) -> Result<KeyRotationStatus> {
        self.logged("GetKeyRotationStatus", Some(key_id), None, |s| {
            let k = {
                let id = self.resolve(key_id)?;
                s.key = Some(id);
                self.key(id)?
            };
            Ok(KeyRotationStatus {
                key_id: key_name(k.id).to_string(),
                key_rotation_enabled: k.rec.rotation_period_days.is_some(),
                rotation_period_in_days: k.rec.rotation_period_days,
                next_rotation_date: k.rec.next_rotation_date,
                on_demand_rotation_start_date: None,
            })
        })
    }

    /// Adds a backing-key version now, whether or not automatic rotation is on; at most 25 per
    /// key (AWS KMS `RotateKeyOnDemand`).
    pub fn rotate_key_on_demand(&self, key_id: &str) -> Result<()> {
        self.logged("RotateKeyOnDemand", Some(key_id), None, |s| {
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let now = self.clock.now();
        self.update_key(id, "RotateKeyOnDemand", s, |rec| {
            require_rotatable(id, rec, "rotation")?;
            if rec.on_demand_rotations >= MAX_ON_DEMAND_ROTATIONS {
                return Err(Error::LimitExceeded(format!(
                    "key {} has had {MAX_ON_DEMAND_ROTATIONS} on-demand rotations, the most allowed; \
                     enable automatic rotation instead",
                    key_name(id)
                )));
            }
            rec.on_demand_rotations += 1;
            rec.current_version += 1;
            Ok(vec![new_version(now, RotationType::OnDemand)?])
        })
        .map(drop)
    })
    }

    /// Every rotation of the key, oldest first (AWS KMS `ListKeyRotations`).
    pub fn list_key_rotations(&self, key_id: &str) -> Result<Vec<RotationsListEntry>> {
        self.logged("ListKeyRotations", Some(key_id), None, |s| {
            let k = {
                let id = self.resolve(key_id)?;
                s.key = Some(id);
                self.key(id)?
            };
            Ok(k.versions
                .iter()
                .filter(|v| v.rotation_type != RotationType::Initial)
                .map(|v| RotationsListEntry {
                    key_id: key_name(k.id).to_string(),
                    rotation_date: v.created,
                    rotation_type: v.rotation_type,
                })
                .collect())
        })
    }

    // ----- deletion -----

    /// Schedules the key's destruction after a waiting window of 7 to 30 days (default 30) and
    /// returns the deletion date (AWS KMS `ScheduleKeyDeletion`). Until then the key refuses use
    /// and can be recovered with `cancel_key_deletion`.
    pub fn schedule_key_deletion(
        &self,
        key_id: &str,
        pending_window_in_days: Option<u32>,
    ) -> Result<Timestamp> {
        self.logged("ScheduleKeyDeletion", Some(key_id), None, |s| {
            let window = pending_window_in_days.unwrap_or(DEFAULT_PENDING_WINDOW_DAYS);
            if !PENDING_WINDOW_DAYS.contains(&window) {
                return Err(Error::Validation(format!(
                    "pending_window_in_days must be 7 to 30, not {window}"
                )));
            }
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let date = self.clock.now().plus_days(window);
            self.update_key(id, "ScheduleKeyDeletion", s, |rec| {
                if rec.key_state == KeyState::PendingDeletion {
                    return Err(Error::InvalidState(format!(
                        "key {} is already pending deletion (on {})",
                        key_name(id),
                        rec.deletion_date
                            .map_or_else(String::new, |d| d.to_string())
                    )));
                }
                rec.key_state = KeyState::PendingDeletion;
                rec.deletion_date = Some(date);
                rec.pending_window_days = Some(window);
                Ok(Vec::new())
            })?;
            Ok(date)
        })
    }

    /// Cancels a scheduled deletion; the key comes back `Disabled`, or `PendingImport` if it has no
    /// key material (AWS KMS `CancelKeyDeletion`).
    pub fn cancel_key_deletion(&self, key_id: &str) -> Result<()> {
        self.logged("CancelKeyDeletion", Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, "CancelKeyDeletion", s, |rec| {
                if rec.key_state != KeyState::PendingDeletion {
                    return Err(Error::InvalidState(format!(
                        "key {} is {}, not pending deletion",
                        key_name(id),
                        rec.key_state
                    )));
                }
                // A key that never got (or lost) its imported material waits for it again.
                rec.key_state = if rec.current_version == 0 {
                    KeyState::PendingImport
                } else {
                    KeyState::Disabled
                };
                rec.deletion_date = None;
                rec.pending_window_days = None;
                Ok(Vec::new())
            })
            .map(drop)
        })
    }
}

/// Most missed automatic rotations one catch-up makes (over 24 years at the shortest period);
/// past that, the next rotation counts from now.
pub(crate) const MAX_CATCH_UP: usize = 100;

/// The end of representable time: a rotation that would fall there never happens.
const NEVER: Timestamp = Timestamp::from_unix_millis(i64::MAX);

fn new_version(created: Timestamp, rotation_type: RotationType) -> Result<VersionRecord> {
    Ok(VersionRecord {
        created,
        rotation_type,
        material: Key256::random()?,
    })
}

/// The state table's rotation rows: enabled keys of internal origin only.
fn require_rotatable(id: u128, rec: &KeyRecord, what: &str) -> Result<()> {
    if rec.origin == Origin::External {
        return Err(Error::UnsupportedOperation(format!(
            "key {} has imported material; {what} is not supported for it",
            key_name(id)
        )));
    }
    match rec.key_state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(Error::Disabled(format!(
            "key {} is disabled; enable it first",
            key_name(id)
        ))),
        s => Err(Error::InvalidState(format!("key {} is {s}", key_name(id)))),
    }
}

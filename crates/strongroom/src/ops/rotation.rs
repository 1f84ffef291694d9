//! Rotation (SPEC section 5): automatic rotation on and off, its status, on-demand rotation,
//! the list of rotations, and running due work now.

use crate::Result;
use crate::audit::subject::Subject;
use crate::keystore::commit::new_version;
use crate::keystore::handle::Keystore;
use crate::model::key::{Origin, RotationType};
use crate::model::key_material::{ImportState, IncludeKeyMaterial, KeyMaterialState};
use crate::model::lifecycle::{KeyRotationStatus, RotationsListEntry};
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::rules::bounds::{check_on_demand_rotations, rotation_period};
use crate::rules::paging::{self, LIST_KEY_ROTATIONS_LIMIT};
use crate::rules::state::{self, Action};

impl Keystore {
    /// Turns on automatic rotation every `rotation_period_in_days` (90 to 2560, default 365)
    /// (AWS KMS `EnableKeyRotation`). The first rotation is one period from now; changing the
    /// period of a key that already rotates counts from its newest version.
    pub fn enable_key_rotation(
        &self,
        key_id: &str,
        rotation_period_in_days: Option<u32>,
    ) -> Result<()> {
        self.logged(Operation::EnableKeyRotation, Some(key_id), None, |s| {
            self.enable_rotation_logged(key_id, rotation_period_in_days, s)
        })
    }

    fn enable_rotation_logged(
        &self,
        key_id: &str,
        rotation_period_in_days: Option<u32>,
        s: &mut Subject,
    ) -> Result<()> {
        let period = rotation_period(rotation_period_in_days)?;
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let now = self.clock.now();
        let newest = {
            let k = self.key(id)?;
            k.versions.last().map_or(k.rec.creation_date, |v| v.created)
        };
        self.update_key(id, Operation::EnableKeyRotation, s, |rec| {
            state::check(Action::ConfigureRotation, id, rec, self.clock.now())?;
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
        self.logged(Operation::DisableKeyRotation, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, Operation::DisableKeyRotation, s, |rec| {
                state::check(Action::ConfigureRotation, id, rec, self.clock.now())?;
                rec.rotation_period_days = None;
                rec.next_rotation_date = None;
                Ok(Vec::new())
            })
            .map(drop)
        })
    }

    /// Whether and when the key rotates (AWS KMS `GetKeyRotationStatus`).
    pub fn get_key_rotation_status(&self, key_id: &str) -> Result<KeyRotationStatus> {
        self.logged(Operation::GetKeyRotationStatus, Some(key_id), None, |s| {
            let k = {
                let id = self.resolve(key_id)?;
                s.key = Some(id);
                self.key(id)?
            };
            Ok(KeyRotationStatus {
                key_id: uuid::Uuid::from_u128(k.id).to_string(),
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
        self.logged(Operation::RotateKeyOnDemand, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let now = self.clock.now();
            self.update_key(id, Operation::RotateKeyOnDemand, s, |rec| {
                state::check(Action::RotateOnDemand, id, rec, self.clock.now())?;
                check_on_demand_rotations(id, rec.on_demand_rotations)?;
                rec.on_demand_rotations += 1;
                rec.current_version += 1;
                Ok(vec![new_version(now, RotationType::OnDemand)?])
            })
            .map(drop)
        })
    }

    /// Every rotation of the key, oldest first (AWS KMS `ListKeyRotations`): the versions that
    /// rotations made, as [`Keystore::list_key_rotations_with`] with `ROTATIONS_ONLY`.
    pub fn list_key_rotations(&self, key_id: &str) -> Result<Vec<RotationsListEntry>> {
        self.list_key_rotations_with(key_id, IncludeKeyMaterial::RotationsOnly)
    }

    /// The key's backing-key versions, oldest first (AWS KMS `ListKeyRotations` with
    /// `IncludeKeyMaterial`): with `ALL_KEY_MATERIAL` the first material too (also an `EXTERNAL`
    /// key's deleted or expired material, `PENDING_IMPORT`), with `ROTATIONS_ONLY` only the
    /// versions that rotations made.
    pub fn list_key_rotations_with(
        &self,
        key_id: &str,
        include: IncludeKeyMaterial,
    ) -> Result<Vec<RotationsListEntry>> {
        self.logged(Operation::ListKeyRotations, Some(key_id), None, |s| {
            self.rotations(key_id, include, s)
        })
    }

    /// One page of [`Keystore::list_key_rotations_with`] (AWS KMS `ListKeyRotations`: `limit` 1
    /// to 1000, default 100), oldest first.
    pub fn list_key_rotations_page(
        &self,
        key_id: &str,
        include: IncludeKeyMaterial,
        page: &PageRequest,
    ) -> Result<Page<RotationsListEntry>> {
        self.logged(Operation::ListKeyRotations, Some(key_id), None, |s| {
            paging::check(page, LIST_KEY_ROTATIONS_LIMIT)?;
            // Rotations only grow, oldest first: the sort key is the position.
            let all: Vec<_> = self
                .rotations(key_id, include, s)?
                .into_iter()
                .enumerate()
                .collect();
            let p = paging::page(
                all,
                |(i, _)| format!("{i:010}"),
                page,
                LIST_KEY_ROTATIONS_LIMIT,
            )?;
            Ok(p.map(|(_, r)| r))
        })
    }

    fn rotations(
        &self,
        key_id: &str,
        include: IncludeKeyMaterial,
        s: &mut Subject,
    ) -> Result<Vec<RotationsListEntry>> {
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let k = self.key(id)?;
        let all = include == IncludeKeyMaterial::AllKeyMaterial;
        let external = k.rec.origin == Origin::External;
        let entry = |n: u32, created, rotation_type, import_state| RotationsListEntry {
            key_id: uuid::Uuid::from_u128(k.id).to_string(),
            key_material_id: self.material_id(k.id, n),
            import_state,
            key_material_state: if n == k.rec.current_version.max(1) {
                KeyMaterialState::Current
            } else {
                KeyMaterialState::NonCurrent
            },
            expiration_model: external.then_some(k.rec.expiration_model).flatten(),
            valid_to: external.then_some(k.rec.valid_to).flatten(),
            key_material_description: external
                .then(|| k.rec.material_description.clone())
                .flatten(),
            rotation_date: created,
            rotation_type,
        };
        let mut out: Vec<RotationsListEntry> = k
            .versions
            .iter()
            .filter(|v| all || v.rotation_type != RotationType::Initial)
            .map(|v| {
                let imported = external.then_some(ImportState::Imported);
                entry(v.number, v.created, v.rotation_type, imported)
            })
            .collect();
        if all && k.versions.is_empty() && k.rec.material_commitment.is_some() {
            // An EXTERNAL key whose material was deleted or expired: it waits for that
            // material again.
            let pending = Some(ImportState::PendingImport);
            out.push(entry(
                1,
                k.rec.creation_date,
                RotationType::Initial,
                pending,
            ));
        }
        Ok(out)
    }

    /// Performs every rotation and destruction that is due now. Also runs by itself when the
    /// keystore opens and whenever a key is used while work is due.
    pub fn run_maintenance(&self) -> Result<()> {
        self.logged(Operation::RunMaintenance, None, None, |_| {
            self.maintain_and_scrub()
        })
    }
}

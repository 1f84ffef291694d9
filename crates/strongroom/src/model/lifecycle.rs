//! The public types of rotation, deletion and the alarm (SPEC sections 5, 6 and 8).

use crate::model::clock::Timestamp;
use crate::model::import::ExpirationModel;
use crate::model::key::{KeyState, RotationType};
use crate::model::key_material::{ImportState, KeyMaterialId, KeyMaterialState};
use std::sync::Arc;

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

/// One entry of `list_key_rotations` (AWS KMS `RotationsListEntry`): one backing-key version.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RotationsListEntry {
    /// The key's id.
    pub key_id: String,
    /// The version's id.
    pub key_material_id: KeyMaterialId,
    /// `IMPORTED` or `PENDING_IMPORT` for an `EXTERNAL` key's material; `None` otherwise.
    pub import_state: Option<ImportState>,
    /// `CURRENT` for the version new blobs are made under, else `NON_CURRENT`.
    pub key_material_state: KeyMaterialState,
    /// Whether an `EXTERNAL` key's material expires; `None` otherwise.
    pub expiration_model: Option<ExpirationModel>,
    /// When an `EXTERNAL` key's material expires, if it does.
    pub valid_to: Option<Timestamp>,
    /// The description an import gave an `EXTERNAL` key's material (AWS KMS
    /// `KeyMaterialDescription`), if any.
    pub key_material_description: Option<String>,
    /// When the version was made (for deleted imported material: when the key was made).
    pub rotation_date: Timestamp,
    /// `Automatic` or `OnDemand`; `Initial` for the first material (listed only with
    /// `ALL_KEY_MATERIAL`), for which AWS shows neither `RotationDate` nor `RotationType`.
    pub rotation_type: RotationType,
}

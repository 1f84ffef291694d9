//! SPEC section 3's table of states, once: [`check`] is the only place that decides whether a
//! key's state (and origin, and usage) allows a call, [`next_state`] the only place that says
//! which state a call leaves the key in, and the rest of this file is what follows from a state:
//! when a key has due work, what that work is, and which refusals ring the alarm.
//!
//! |                                       | Enabled | Disabled   | PendingDeletion | PendingImport |
//! |---------------------------------------|---------|------------|-----------------|---------------|
//! | [`Action::Use`]                       | yes     | `Disabled` | `InvalidState`  | `InvalidState`|
//! | [`Action::ConfigureRotation`], [`Action::RotateOnDemand`] | yes | `Disabled` | `InvalidState` | `InvalidState` |
//! | [`Action::Enable`], [`Action::Disable`] | yes   | yes        | `InvalidState`  | `InvalidState`|
//! | [`Action::ScheduleDeletion`]          | yes     | yes        | `InvalidState`  | yes           |
//! | [`Action::CancelDeletion`]            | `InvalidState` | `InvalidState` | yes   | `InvalidState`|
//! | [`Action::AliasTarget`]               | yes     | yes        | `InvalidState`  | yes           |
//! | [`Action::Import`]                    | yes     | yes        | `InvalidState`  | yes           |
//! | [`Action::DeleteImportedMaterial`]    | yes     | yes        | `InvalidState`  | `InvalidState`|
//! | [`Action::EditMetadata`]              | yes     | yes        | `InvalidState`  | yes           |
//!
//! Rotation is for `SYMMETRIC_DEFAULT` keys of internal origin only (`rules::key_specs::rotates`) and import for `EXTERNAL` keys only
//! (`UnsupportedOperation` otherwise); a use must match the key's usage (`InvalidKeyUsage`).
//! For [`Action::RotateOnDemand`] the state is checked before the origin, as the table's row
//! says: an `EXTERNAL` key that is not `Enabled` gets its state's error, and only an `Enabled`
//! one `UnsupportedOperation` (AWS KMS rotates imported keys on demand once new material is
//! imported, which strongroom does not do: one material per key, SPEC section 7).
//! [`Action::ConfigureRotation`] keeps the origin first: automatic rotation is never possible
//! for imported material, in any state (SPEC section 5).
//!
//! Time is part of the state, read from the sealed record and never from the due-work index
//! (which is not authenticated): past its [`deadline`] a key pending deletion is treated as
//! destroyed (`NotFound` for every action, as AWS KMS answers once the key is deleted), and a key
//! whose imported material expired is treated as `PendingImport` (docs/decisions.md, "deadlines
//! from the sealed record"). The due work that makes the file agree follows at the next
//! maintenance or at the refused call.

use crate::model::clock::Timestamp;
use crate::model::key::{KeyRecord, KeyState, KeyUsage, Origin};
use crate::model::operation::Operation;
use crate::rules::key_specs;
use crate::{Error, Result};

/// What a call wants to do with a key: one row of the state table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// A cryptographic use (encrypt, decrypt, re-encrypt, data keys) needing this usage.
    Use(KeyUsage),
    /// `EnableKeyRotation`, `DisableKeyRotation`.
    ConfigureRotation,
    /// `RotateKeyOnDemand`.
    RotateOnDemand,
    /// `EnableKey`.
    Enable,
    /// `DisableKey`.
    Disable,
    /// `ScheduleKeyDeletion`.
    ScheduleDeletion,
    /// `CancelKeyDeletion`.
    CancelDeletion,
    /// Pointing a new or updated alias at the key.
    AliasTarget,
    /// `GetParametersForImport`, `ImportKeyMaterial`.
    Import,
    /// `DeleteImportedKeyMaterial`.
    DeleteImportedMaterial,
    /// `UpdateKeyDescription`, `TagResource`, `UntagResource` (AWS KMS's key-states table).
    EditMetadata,
}

/// The first instant at which key `rec` is no longer in the state its record says: the deletion
/// date of a key pending deletion, the expiry of imported material (`valid_to`) of a key that has
/// it; the end of time otherwise. Precomputed per cached key so the crypto path compares once.
pub(crate) fn deadline(rec: &KeyRecord) -> Timestamp {
    let at = match rec.key_state {
        KeyState::PendingDeletion => rec.deletion_date,
        KeyState::Enabled | KeyState::Disabled => rec.valid_to,
        KeyState::PendingImport => None,
    };
    at.unwrap_or(END_OF_TIME)
}

/// No deadline.
const END_OF_TIME: Timestamp = Timestamp::from_unix_millis(i64::MAX);

/// Whether key `id`, as `rec` describes it, allows `action` at `now` (its [`deadline`] taken into
/// account); if not, the error the caller gets.
pub(crate) fn check(action: Action, id: u128, rec: &KeyRecord, now: Timestamp) -> Result<()> {
    check_before(action, id, rec, deadline(rec), now)
}

/// As [`check`] with the key's [`deadline`] already computed: one comparison more than the
/// table itself (the crypto path).
#[inline]
pub(crate) fn check_before(
    action: Action,
    id: u128,
    rec: &KeyRecord,
    deadline: Timestamp,
    now: Timestamp,
) -> Result<()> {
    if now >= deadline {
        return past_deadline(action, id, rec);
    }
    check_state(action, id, rec)
}

/// The state key `rec` is in at `now`: `None` once its deletion date passed (it is destroyed,
/// whether or not the due work has run yet), `PendingImport` once its imported material expired.
pub(crate) fn state_at(rec: &KeyRecord, now: Timestamp) -> Option<KeyState> {
    if now < deadline(rec) {
        return Some(rec.key_state);
    }
    match rec.key_state {
        KeyState::PendingDeletion => None,
        _ => Some(KeyState::PendingImport),
    }
}

/// The answer to `action` on a key past its deadline: `NotFound` for a key past its deletion
/// date; for expired material, the table's answer for a key without material.
#[cold]
#[inline(never)]
fn past_deadline(action: Action, id: u128, rec: &KeyRecord) -> Result<()> {
    if rec.key_state == KeyState::PendingDeletion {
        return Err(Error::NotFound(format!(
            "key {} was deleted on {} (the end of its deletion window)",
            name(id),
            rec.deletion_date
                .map_or_else(String::new, |d| d.to_string())
        )));
    }
    let mut expired = rec.clone();
    expired.key_state = KeyState::PendingImport;
    check_state(action, id, &expired)
}

/// The table alone, without time: whether `rec`'s state (and origin and usage) allows `action`;
/// if not, the error naming the operation that would make it allowed where there is one.
#[inline]
fn check_state(action: Action, id: u128, rec: &KeyRecord) -> Result<()> {
    use Action::*;
    use KeyState::*;
    let external = rec.origin == Origin::External;
    let fixed = !key_specs::rotates(rec.key_spec);
    Err(match (action, rec.key_state) {
        (Use(usage), Enabled) if usage == rec.key_usage => return Ok(()),
        (Use(usage), Enabled) => wrong_usage(id, rec.key_usage, usage),
        (Use(_), Disabled) => disabled(id),
        (Use(_), PendingDeletion) => pending_deletion(id, "cannot be used"),
        (Use(_), PendingImport) => no_material(id),

        (ConfigureRotation, _) if fixed => does_not_rotate(id, rec),
        (RotateOnDemand, Enabled) if fixed => does_not_rotate(id, rec),
        (ConfigureRotation, _) if external => imported_material(id, action),
        // The state first, then the origin (SPEC section 3's row; docs/decisions.md).
        (RotateOnDemand, Enabled) if external => imported_material(id, action),
        (ConfigureRotation | RotateOnDemand, Enabled) => return Ok(()),
        (ConfigureRotation | RotateOnDemand, Disabled) => disabled(id),
        (RotateOnDemand, PendingImport) => no_material(id),
        (ConfigureRotation | RotateOnDemand, state) => in_state(id, state, ""),

        (Enable | Disable, Enabled | Disabled) => return Ok(()),
        (Enable, state) => in_state(id, state, "; it cannot be enabled"),
        (Disable, state) => in_state(id, state, "; it cannot be disabled"),

        (ScheduleDeletion, PendingDeletion) => already_pending_deletion(id, rec),
        (ScheduleDeletion, _) => return Ok(()),
        (CancelDeletion, PendingDeletion) => return Ok(()),
        (CancelDeletion, state) => in_state(id, state, ", not pending deletion"),

        (AliasTarget, PendingDeletion) => pending_deletion(id, "cannot be an alias's target"),
        (AliasTarget, _) => return Ok(()),

        (EditMetadata, PendingDeletion) => {
            pending_deletion(id, "its description and tags cannot change")
        }
        (EditMetadata, _) => return Ok(()),

        (Import | DeleteImportedMaterial, _) if !external => not_external(id, rec.origin),
        (Import | DeleteImportedMaterial, PendingDeletion) => {
            pending_deletion(id, "cannot take or lose key material")
        }
        (DeleteImportedMaterial, PendingImport) => {
            Error::InvalidState(format!("key {} has no key material to delete", name(id)))
        }
        (Import | DeleteImportedMaterial, _) => return Ok(()),
    })
}

/// The state of a new key of origin `origin`: a key of internal origin is created with its
/// material, an `EXTERNAL` key waits for it.
pub(crate) fn initial_state(origin: Origin) -> KeyState {
    match origin {
        Origin::External => KeyState::PendingImport,
        _ => KeyState::Enabled,
    }
}

/// The state key `rec` is in once `action` (which [`check`] allowed) has been done. Deleting
/// material (by `DeleteImportedKeyMaterial` or its expiry) leaves the key `PendingImport`; a
/// cancelled deletion leaves it `Disabled`, or `PendingImport` if it has no material, as AWS KMS.
pub(crate) fn next_state(action: Action, rec: &KeyRecord) -> KeyState {
    use KeyState::*;
    match (action, rec.key_state) {
        (Action::Enable, _) => Enabled,
        (Action::Disable, _) => Disabled,
        (Action::ScheduleDeletion, _) => PendingDeletion,
        (Action::CancelDeletion, _) if rec.current_version == 0 => PendingImport,
        (Action::CancelDeletion, _) => Disabled,
        (Action::Import, PendingImport) => Enabled,
        (Action::DeleteImportedMaterial, _) => PendingImport,
        (_, state) => state,
    }
}

/// Whether a refused use of a key in `state` rings the keystore's alarm (SPEC section 8).
pub(crate) fn rings_alarm(state: KeyState) -> bool {
    matches!(state, KeyState::Disabled | KeyState::PendingDeletion)
}

/// The work a key can have due (SPEC sections 5 to 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DueWork {
    /// The deletion date passed: destroy the key.
    Destroy,
    /// The imported material's `valid_to` passed: delete it.
    ExpireMaterial,
    /// Automatic rotation (adds the versions that are due, if any).
    Rotate,
}

/// When key `rec` next has due work, if ever: only Enabled keys rotate; imported material
/// expires while the key is Enabled or Disabled; a key pending deletion is destroyed.
pub(crate) fn next_due(rec: &KeyRecord) -> Option<Timestamp> {
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

/// The work due on key `rec` at `now`, if any, from the sealed record alone (a row of the due
/// index that says otherwise is ignored).
pub(crate) fn due_work(rec: &KeyRecord, now: Timestamp) -> Option<DueWork> {
    match rec.key_state {
        KeyState::PendingDeletion if rec.deletion_date.is_some_and(|d| d <= now) => {
            Some(DueWork::Destroy)
        }
        KeyState::Enabled | KeyState::Disabled if rec.valid_to.is_some_and(|t| t <= now) => {
            Some(DueWork::ExpireMaterial)
        }
        KeyState::Enabled if rec.next_rotation_date.is_some_and(|t| t <= now) => {
            Some(DueWork::Rotate)
        }
        _ => None,
    }
}

fn name(id: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(id)
}

#[cold]
#[inline(never)]
fn wrong_usage(id: u128, has: KeyUsage, wanted: KeyUsage) -> Error {
    Error::InvalidKeyUsage(format!(
        "key {} has usage {has} and cannot be used for {wanted}",
        name(id)
    ))
}

#[cold]
#[inline(never)]
fn disabled(id: u128) -> Error {
    Error::Disabled(format!(
        "key {} is disabled; enable it with {} first",
        name(id),
        Operation::EnableKey
    ))
}

#[cold]
#[inline(never)]
fn pending_deletion(id: u128, consequence: &str) -> Error {
    Error::InvalidState(format!(
        "key {} is pending deletion and {consequence}; cancel the deletion with {} first if the \
         key is still needed",
        name(id),
        Operation::CancelKeyDeletion
    ))
}

#[cold]
#[inline(never)]
fn no_material(id: u128) -> Error {
    Error::InvalidState(format!(
        "key {} has no key material; import it with {} first",
        name(id),
        Operation::ImportKeyMaterial
    ))
}

#[cold]
#[inline(never)]
fn in_state(id: u128, state: KeyState, tail: &str) -> Error {
    Error::InvalidState(format!("key {} is {state}{tail}", name(id)))
}

#[cold]
#[inline(never)]
fn already_pending_deletion(id: u128, rec: &KeyRecord) -> Error {
    Error::InvalidState(format!(
        "key {} is already pending deletion (on {})",
        name(id),
        rec.deletion_date
            .map_or_else(String::new, |d| d.to_string())
    ))
}

#[cold]
#[inline(never)]
fn imported_material(id: u128, action: Action) -> Error {
    let what = match action {
        Action::ConfigureRotation => "automatic rotation",
        _ => "rotation",
    };
    Error::UnsupportedOperation(format!(
        "key {} has imported material; {what} is not supported for it",
        name(id)
    ))
}

#[cold]
#[inline(never)]
fn does_not_rotate(id: u128, rec: &KeyRecord) -> Error {
    Error::UnsupportedOperation(format!(
        "key {} is a {} key; only SYMMETRIC_DEFAULT keys rotate (as in AWS KMS): create a new \
         key and move the alias with {} to replace it",
        name(id),
        rec.key_spec,
        Operation::UpdateAlias
    ))
}

#[cold]
#[inline(never)]
fn not_external(id: u128, origin: Origin) -> Error {
    Error::UnsupportedOperation(format!(
        "key {} has origin {origin}; key material can be imported only into a key created with \
         origin EXTERNAL",
        name(id)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::key::KeySpec;

    fn rec(key_state: KeyState, origin: Origin) -> KeyRecord {
        KeyRecord {
            description: String::new(),
            key_spec: KeySpec::SymmetricDefault,
            key_usage: KeyUsage::EncryptDecrypt,
            origin,
            key_state,
            creation_date: Timestamp::from_unix_millis(0),
            current_version: 1,
            deletion_date: None,
            pending_window_days: None,
            rotation_period_days: None,
            next_rotation_date: None,
            on_demand_rotations: 0,
            valid_to: None,
            expiration_model: None,
            material_commitment: None,
            tags: Default::default(),
            material_description: None,
        }
    }

    /// The SPEC section 3 table, row by row: the error name for each state, in the order
    /// Enabled, Disabled, PendingDeletion, PendingImport ("ok" where allowed).
    #[test]
    fn only_symmetric_keys_rotate() {
        let mut r = rec(KeyState::Enabled, Origin::AwsKms);
        r.key_spec = KeySpec::EccNistP256;
        r.key_usage = KeyUsage::SignVerify;
        let t = Timestamp::from_unix_millis(1);
        for a in [Action::ConfigureRotation, Action::RotateOnDemand] {
            assert!(matches!(
                check(a, 1, &r, t),
                Err(Error::UnsupportedOperation(_))
            ));
        }
        r.key_state = KeyState::Disabled;
        assert!(matches!(
            check(Action::RotateOnDemand, 1, &r, t),
            Err(Error::Disabled(_))
        ));
        assert!(check(Action::Use(KeyUsage::SignVerify), 1, &r, t).is_err());
        r.key_state = KeyState::Enabled;
        assert!(check(Action::Use(KeyUsage::SignVerify), 1, &r, t).is_ok());
        assert!(matches!(
            check(Action::Use(KeyUsage::EncryptDecrypt), 1, &r, t),
            Err(Error::InvalidKeyUsage(_))
        ));
    }

    #[test]
    fn the_state_table() {
        use Action::*;
        let states = [
            KeyState::Enabled,
            KeyState::Disabled,
            KeyState::PendingDeletion,
            KeyState::PendingImport,
        ];
        let rows: [(Action, Origin, [&str; 4]); 15] = [
            (
                Use(KeyUsage::EncryptDecrypt),
                Origin::AwsKms,
                ["ok", "Disabled", "InvalidState", "InvalidState"],
            ),
            (
                Use(KeyUsage::SignVerify),
                Origin::AwsKms,
                [
                    "InvalidKeyUsage",
                    "Disabled",
                    "InvalidState",
                    "InvalidState",
                ],
            ),
            (
                ConfigureRotation,
                Origin::AwsKms,
                ["ok", "Disabled", "InvalidState", "InvalidState"],
            ),
            (
                RotateOnDemand,
                Origin::AwsKms,
                ["ok", "Disabled", "InvalidState", "InvalidState"],
            ),
            (
                RotateOnDemand,
                Origin::External,
                [
                    "UnsupportedOperation",
                    "Disabled",
                    "InvalidState",
                    "InvalidState",
                ],
            ),
            (
                ConfigureRotation,
                Origin::External,
                ["UnsupportedOperation"; 4],
            ),
            (
                Enable,
                Origin::AwsKms,
                ["ok", "ok", "InvalidState", "InvalidState"],
            ),
            (
                Disable,
                Origin::AwsKms,
                ["ok", "ok", "InvalidState", "InvalidState"],
            ),
            (
                ScheduleDeletion,
                Origin::AwsKms,
                ["ok", "ok", "InvalidState", "ok"],
            ),
            (
                CancelDeletion,
                Origin::AwsKms,
                ["InvalidState", "InvalidState", "ok", "InvalidState"],
            ),
            (
                AliasTarget,
                Origin::AwsKms,
                ["ok", "ok", "InvalidState", "ok"],
            ),
            (Import, Origin::External, ["ok", "ok", "InvalidState", "ok"]),
            (
                DeleteImportedMaterial,
                Origin::External,
                ["ok", "ok", "InvalidState", "InvalidState"],
            ),
            (
                EditMetadata,
                Origin::AwsKms,
                ["ok", "ok", "InvalidState", "ok"],
            ),
            (
                EditMetadata,
                Origin::External,
                ["ok", "ok", "InvalidState", "ok"],
            ),
        ];
        for (action, origin, expected) in rows {
            for (state, want) in states.into_iter().zip(expected) {
                let got = check_state(action, 7, &rec(state, origin))
                    .map_or_else(|e| e.name(), |()| "ok");
                assert_eq!(got, want, "{action:?} on a {origin} key in {state}");
            }
        }
        for action in [Import, DeleteImportedMaterial] {
            let e = check_state(action, 7, &rec(KeyState::Enabled, Origin::AwsKms)).unwrap_err();
            assert_eq!(e.name(), "UnsupportedOperation");
        }
    }

    #[test]
    fn refusals_name_the_operation_that_resolves_them() {
        let e = check_state(
            Action::Use(KeyUsage::EncryptDecrypt),
            7,
            &rec(KeyState::Disabled, Origin::AwsKms),
        );
        assert!(
            e.unwrap_err()
                .message()
                .contains("enable it with EnableKey")
        );
        let e = check_state(
            Action::Use(KeyUsage::EncryptDecrypt),
            7,
            &rec(KeyState::PendingDeletion, Origin::AwsKms),
        );
        assert!(e.unwrap_err().message().contains("CancelKeyDeletion"));
        let e = check_state(
            Action::Use(KeyUsage::EncryptDecrypt),
            7,
            &rec(KeyState::PendingImport, Origin::External),
        );
        assert!(e.unwrap_err().message().contains("ImportKeyMaterial"));
    }

    #[test]
    fn transitions() {
        use Action::*;
        let r = |s| rec(s, Origin::External);
        assert_eq!(initial_state(Origin::AwsKms), KeyState::Enabled);
        assert_eq!(initial_state(Origin::External), KeyState::PendingImport);
        assert_eq!(
            next_state(Enable, &r(KeyState::Disabled)),
            KeyState::Enabled
        );
        assert_eq!(
            next_state(Disable, &r(KeyState::Enabled)),
            KeyState::Disabled
        );
        assert_eq!(
            next_state(ScheduleDeletion, &r(KeyState::PendingImport)),
            KeyState::PendingDeletion
        );
        assert_eq!(
            next_state(CancelDeletion, &r(KeyState::PendingDeletion)),
            KeyState::Disabled
        );
        let mut without_material = r(KeyState::PendingDeletion);
        without_material.current_version = 0;
        assert_eq!(
            next_state(CancelDeletion, &without_material),
            KeyState::PendingImport
        );
        assert_eq!(
            next_state(Import, &r(KeyState::PendingImport)),
            KeyState::Enabled
        );
        assert_eq!(
            next_state(Import, &r(KeyState::Disabled)),
            KeyState::Disabled
        );
        assert_eq!(
            next_state(DeleteImportedMaterial, &r(KeyState::Enabled)),
            KeyState::PendingImport
        );
        assert_eq!(
            next_state(RotateOnDemand, &r(KeyState::Enabled)),
            KeyState::Enabled
        );
    }

    /// Time is part of the state: past the deletion date a key is gone, past `valid_to` its
    /// material is (whatever the due index says).
    #[test]
    fn deadlines_come_from_the_record() {
        use Action::*;
        let before = Timestamp::from_unix_millis(999);
        let at = Timestamp::from_unix_millis(1000);
        let mut r = rec(KeyState::PendingDeletion, Origin::AwsKms);
        r.deletion_date = Some(at);
        assert_eq!(deadline(&r), at);
        assert_eq!(check(CancelDeletion, 7, &r, before), Ok(()));
        for action in [CancelDeletion, Use(KeyUsage::EncryptDecrypt), Enable] {
            assert_eq!(check(action, 7, &r, at).unwrap_err().name(), "NotFound");
        }
        assert_eq!(state_at(&r, at), None);
        let mut r = rec(KeyState::Enabled, Origin::External);
        r.valid_to = Some(at);
        assert_eq!(check(Use(KeyUsage::EncryptDecrypt), 7, &r, before), Ok(()));
        let e = check(Use(KeyUsage::EncryptDecrypt), 7, &r, at).unwrap_err();
        assert!(e.message().contains("ImportKeyMaterial"), "{e}");
        assert_eq!(check(Import, 7, &r, at), Ok(()));
        assert_eq!(state_at(&r, at), Some(KeyState::PendingImport));
        assert_eq!(
            deadline(&rec(KeyState::Enabled, Origin::AwsKms)),
            END_OF_TIME
        );
    }

    #[test]
    fn due_work_follows_the_state() {
        let now = Timestamp::from_unix_millis(1000);
        let past = Some(Timestamp::from_unix_millis(10));
        let mut r = rec(KeyState::PendingDeletion, Origin::AwsKms);
        r.deletion_date = past;
        assert_eq!(due_work(&r, now), Some(DueWork::Destroy));
        assert_eq!(next_due(&r), past);
        let mut r = rec(KeyState::Disabled, Origin::External);
        r.valid_to = past;
        assert_eq!(due_work(&r, now), Some(DueWork::ExpireMaterial));
        r.valid_to = None;
        assert_eq!((due_work(&r, now), next_due(&r)), (None, None));
        // An Enabled key rotates only when its sealed record says a rotation is due.
        let mut r = rec(KeyState::Enabled, Origin::AwsKms);
        assert_eq!(due_work(&r, now), None);
        r.next_rotation_date = Some(Timestamp::from_unix_millis(2000));
        assert_eq!(due_work(&r, now), None);
        r.next_rotation_date = past;
        assert_eq!(due_work(&r, now), Some(DueWork::Rotate));
        assert_eq!(
            due_work(&rec(KeyState::PendingImport, Origin::External), now),
            None
        );
        assert!(rings_alarm(KeyState::Disabled) && rings_alarm(KeyState::PendingDeletion));
        assert!(!rings_alarm(KeyState::Enabled) && !rings_alarm(KeyState::PendingImport));
    }
}

//! Every bound the SPEC sets (sizes, counts, windows, periods) and the defaults within them,
//! each defined once, with the check that enforces it. Messages take their numbers from these
//! constants and name parameters as the operations do (`pending_window_in_days`, ...).

use crate::model::clock::Timestamp;
use crate::model::import::ExpirationModel;
use crate::model::key::DataKeySpec;
use crate::model::operation::Operation;
use crate::{Error, Result};
use std::ops::RangeInclusive;

/// Rotation period bounds, in days (SPEC section 5).
pub const ROTATION_PERIOD_DAYS: RangeInclusive<u32> = 90..=2560;
/// Default rotation period, in days.
pub const DEFAULT_ROTATION_PERIOD_DAYS: u32 = 365;
/// On-demand rotations allowed per key.
pub const MAX_ON_DEMAND_ROTATIONS: u32 = 25;
/// Most missed automatic rotations one catch-up makes (over 24 years at the shortest period);
/// past that, the next rotation counts from now.
pub(crate) const MAX_CATCH_UP: usize = 100;

/// Deletion window bounds, in days (SPEC section 6).
pub const PENDING_WINDOW_DAYS: RangeInclusive<u32> = 7..=30;
/// Default deletion window, in days.
pub const DEFAULT_PENDING_WINDOW_DAYS: u32 = 30;

/// Largest plaintext `encrypt` accepts (SPEC section 4).
pub const MAX_PLAINTEXT: usize = 4096;
/// Largest data key or random string, in bytes.
pub const MAX_RANDOM_BYTES: u32 = 1024;

/// Longest key description, in characters (SPEC section 3).
pub const MAX_DESCRIPTION_CHARS: usize = 8192;
/// Default quota on the number of keys (SPEC section 3).
pub const DEFAULT_MAX_KEYS: u64 = 100_000;
/// Longest key reference (key id, key ARN, alias name or alias ARN), in bytes.
pub const MAX_KEY_REF_LEN: usize = 2048;

/// Longest passphrase, in bytes (SPEC section 2); the shortest is 1.
pub const MAX_PASSPHRASE_LEN: usize = 1024;
/// Longest caller label, in bytes (SPEC section 8); the shortest is 1.
pub const MAX_CALLER_LEN: usize = 256;

/// Length of the key material of a `SYMMETRIC_DEFAULT` key, in bytes (SPEC section 7).
pub const KEY_MATERIAL_LEN: usize = 32;
/// Most backing-key versions a seeded key may be given (`Keystore::seed_key`).
pub const MAX_SEED_VERSIONS: usize = 100;
/// Latest `valid_to` accepted, in days from the import (as AWS KMS).
pub const MAX_VALID_TO_DAYS: u32 = 365;
/// Longest `encrypted_key_material` accepted, in bytes (as AWS KMS).
pub const MAX_ENCRYPTED_KEY_MATERIAL: usize = 6144;
/// How long import parameters (token and wrapping key) stay valid, in days: 24 hours.
pub const IMPORT_PARAMETERS_VALID_DAYS: u32 = 1;

fn range_message(what: &str, range: &RangeInclusive<u32>, n: u32) -> Error {
    Error::Validation(format!(
        "{what} must be {} to {}, not {n}",
        range.start(),
        range.end()
    ))
}

/// The rotation period `enable_key_rotation` uses: the given one, or the default.
pub(crate) fn rotation_period(days: Option<u32>) -> Result<u32> {
    let period = days.unwrap_or(DEFAULT_ROTATION_PERIOD_DAYS);
    if !ROTATION_PERIOD_DAYS.contains(&period) {
        return Err(range_message(
            "rotation_period_in_days",
            &ROTATION_PERIOD_DAYS,
            period,
        ));
    }
    Ok(period)
}

/// The deletion window `schedule_key_deletion` uses: the given one, or the default.
pub(crate) fn pending_window(days: Option<u32>) -> Result<u32> {
    let window = days.unwrap_or(DEFAULT_PENDING_WINDOW_DAYS);
    if !PENDING_WINDOW_DAYS.contains(&window) {
        return Err(range_message(
            "pending_window_in_days",
            &PENDING_WINDOW_DAYS,
            window,
        ));
    }
    Ok(window)
}

/// Checks that key `key_id` may have one more on-demand rotation after `done`.
pub(crate) fn check_on_demand_rotations(key_id: u128, done: u32) -> Result<()> {
    if done >= MAX_ON_DEMAND_ROTATIONS {
        return Err(Error::LimitExceeded(format!(
            "key {} has had {MAX_ON_DEMAND_ROTATIONS} on-demand rotations, the most allowed; \
             turn on automatic rotation with {} instead",
            uuid::Uuid::from_u128(key_id),
            Operation::EnableKeyRotation
        )));
    }
    Ok(())
}

/// Checks that `n` bytes of `what` are 1 to `max`.
#[inline]
pub(crate) fn check_len(what: &str, n: usize, max: usize) -> Result<()> {
    if n == 0 || n > max {
        return Err(len_message(what, n, max));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn len_message(what: &str, n: usize, max: usize) -> Error {
    Error::Validation(format!("{what} must be 1 to {max} bytes, not {n}"))
}

/// Checks a plaintext for `encrypt`: 1 to [`MAX_PLAINTEXT`] bytes.
#[inline]
pub(crate) fn check_plaintext(n: usize) -> Result<()> {
    check_len("plaintext", n, MAX_PLAINTEXT)
}

/// Checks `generate_random`'s `number_of_bytes`: 1 to [`MAX_RANDOM_BYTES`].
pub(crate) fn check_random_len(n: u32) -> Result<usize> {
    check_len("number_of_bytes", n as usize, MAX_RANDOM_BYTES as usize)?;
    Ok(n as usize)
}

/// A data key's length: from `key_spec` or `number_of_bytes` (not both), `AES_256` by default.
pub(crate) fn data_key_len(spec: Option<DataKeySpec>, n: Option<u32>) -> Result<usize> {
    match (spec, n) {
        (Some(_), Some(_)) => Err(Error::Validation(
            "give key_spec or number_of_bytes, not both".into(),
        )),
        (Some(s), None) => Ok(s.key_len()),
        (None, Some(n)) => check_random_len(n),
        (None, None) => Ok(DataKeySpec::Aes256.key_len()),
    }
}

/// Checks a description's length.
pub(crate) fn check_description(d: &str) -> Result<()> {
    let n = d.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(Error::Validation(format!(
            "a description may have at most {MAX_DESCRIPTION_CHARS} characters, not {n}"
        )));
    }
    Ok(())
}

/// Checks a passphrase's length: 1 to [`MAX_PASSPHRASE_LEN`] bytes.
pub(crate) fn check_passphrase(p: &[u8]) -> Result<()> {
    if p.is_empty() || p.len() > MAX_PASSPHRASE_LEN {
        return Err(Error::Validation(format!(
            "a passphrase must be 1 to {MAX_PASSPHRASE_LEN} bytes long, not {}",
            p.len()
        )));
    }
    Ok(())
}

/// Checks the options of `create` and `open`: the caller label's length and the key quota.
pub(crate) fn check_options(caller: &str, max_keys: u64) -> Result<()> {
    if caller.is_empty() || caller.len() > MAX_CALLER_LEN {
        return Err(Error::Validation(format!(
            "caller must be 1 to {MAX_CALLER_LEN} bytes"
        )));
    }
    if max_keys == 0 {
        return Err(Error::Validation("max_keys must be at least 1".into()));
    }
    Ok(())
}

/// The AWS region in the keystore's `arn:aws:kms:...` ARNs unless the options name another.
pub const DEFAULT_AWS_REGION: &str = "us-east-1";
/// The 12-digit AWS account in the keystore's `arn:aws:kms:...` ARNs unless the options name
/// another (AWS's documentation example account, as local-kms uses).
pub const DEFAULT_AWS_ACCOUNT_ID: &str = "111122223333";
/// Longest region name accepted in the options.
pub const MAX_AWS_REGION_LEN: usize = 32;

/// Checks the region and account of the keystore's AWS ARNs: a region of 1 to
/// [`MAX_AWS_REGION_LEN`] lowercase letters, digits and hyphens, and an account of 12 digits.
pub(crate) fn check_aws_identity(region: &str, account_id: &str) -> Result<()> {
    let region_ok = !region.is_empty()
        && region.len() <= MAX_AWS_REGION_LEN
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(Error::Validation(format!(
            "aws_region {region:?} must be 1 to {MAX_AWS_REGION_LEN} lowercase letters, digits \
             and hyphens (such as {DEFAULT_AWS_REGION})"
        )));
    }
    if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::Validation(format!(
            "aws_account_id {account_id:?} must be 12 digits (such as {DEFAULT_AWS_ACCOUNT_ID})"
        )));
    }
    Ok(())
}

/// Checks that a keystore holding `count` keys may take one more under its quota `max_keys`.
pub(crate) fn check_key_quota(count: u64, max_keys: u64) -> Result<()> {
    if count >= max_keys {
        return Err(Error::LimitExceeded(format!(
            "the keystore holds {count} keys, its quota (max_keys = {max_keys}); delete keys \
             ({}) or open it with a higher max_keys",
            Operation::ScheduleKeyDeletion
        )));
    }
    Ok(())
}

/// Checks a key reference's length: 1 to [`MAX_KEY_REF_LEN`] bytes.
#[inline]
pub(crate) fn check_key_ref(key_ref: &str) -> Result<()> {
    if key_ref.is_empty() || key_ref.len() > MAX_KEY_REF_LEN {
        return Err(key_ref_message());
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn key_ref_message() -> Error {
    Error::Validation(format!(
        "a key id must be 1 to {MAX_KEY_REF_LEN} characters: a key id, key ARN, alias name or \
         alias ARN"
    ))
}

/// Checks `import_key_material`'s expiration: `valid_to` exactly with `KEY_MATERIAL_EXPIRES`,
/// after `now` and at most [`MAX_VALID_TO_DAYS`] later.
pub(crate) fn check_expiration(
    model: ExpirationModel,
    valid_to: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    match (model, valid_to) {
        (ExpirationModel::KeyMaterialDoesNotExpire, None) => Ok(()),
        (ExpirationModel::KeyMaterialDoesNotExpire, Some(_)) => Err(Error::Validation(
            "valid_to is not valid with KEY_MATERIAL_DOES_NOT_EXPIRE (the default expiration \
             model of the Rust, Python, C and Go APIs); omit it, or give the expiration model \
             KEY_MATERIAL_EXPIRES"
                .into(),
        )),
        (ExpirationModel::KeyMaterialExpires, None) => Err(Error::Validation(
            "KEY_MATERIAL_EXPIRES (AWS KMS's default expiration model) needs valid_to, the time the material expires; give valid_to, or give the expiration \
             model KEY_MATERIAL_DOES_NOT_EXPIRE for material that does not expire"
                .into(),
        )),
        (ExpirationModel::KeyMaterialExpires, Some(t)) => {
            let latest = now.plus_days(MAX_VALID_TO_DAYS);
            if t <= now || t > latest {
                return Err(Error::Validation(format!(
                    "valid_to must be after now ({now}) and at most {MAX_VALID_TO_DAYS} days \
                     later ({latest}), not {t}"
                )));
            }
            Ok(())
        }
    }
}

/// Longest description of imported key material, in characters (AWS KMS
/// `KeyMaterialDescriptionType`).
pub const MAX_KEY_MATERIAL_DESCRIPTION: usize = 256;

/// Checks an import's `key_material_description` (AWS KMS `KeyMaterialDescription`): 1 to
/// [`MAX_KEY_MATERIAL_DESCRIPTION`] characters, each a letter, digit, whitespace or one of
/// `: / _ . -` (AWS's pattern `^[a-zA-Z0-9:/_\s.-]+$`).
pub fn check_key_material_description(d: &str) -> Result<()> {
    let n = d.chars().count();
    let allowed = |c: char| c.is_ascii_alphanumeric() || c.is_whitespace() || ":/_.-".contains(c);
    if n == 0 || n > MAX_KEY_MATERIAL_DESCRIPTION || !d.chars().all(allowed) {
        return Err(Error::Validation(format!(
            "key_material_description must be 1 to {MAX_KEY_MATERIAL_DESCRIPTION} characters, \
             each a letter, digit, whitespace or one of : / _ . - (AWS KMS's \
             KeyMaterialDescription); this one has {n}"
        )));
    }
    Ok(())
}

/// Checks the length of `import_key_material`'s `encrypted_key_material`.
pub(crate) fn check_encrypted_key_material(n: usize) -> Result<()> {
    if n == 0 || n > MAX_ENCRYPTED_KEY_MATERIAL {
        return Err(Error::Validation(format!(
            "encrypted_key_material must be 1 to {MAX_ENCRYPTED_KEY_MATERIAL} bytes, not {n}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_and_period() {
        assert_eq!(pending_window(None).unwrap(), DEFAULT_PENDING_WINDOW_DAYS);
        assert_eq!(pending_window(Some(7)).unwrap(), 7);
        assert_eq!(pending_window(Some(30)).unwrap(), 30);
        let e = pending_window(Some(6)).unwrap_err();
        assert_eq!(e.message(), "pending_window_in_days must be 7 to 30, not 6");
        assert!(pending_window(Some(31)).is_err());
        assert_eq!(rotation_period(None).unwrap(), DEFAULT_ROTATION_PERIOD_DAYS);
        assert!(rotation_period(Some(90)).is_ok() && rotation_period(Some(2560)).is_ok());
        let e = rotation_period(Some(89)).unwrap_err();
        assert_eq!(
            e.message(),
            "rotation_period_in_days must be 90 to 2560, not 89"
        );
        assert!(rotation_period(Some(2561)).is_err());
    }

    #[test]
    fn counts_and_sizes() {
        assert!(check_on_demand_rotations(1, MAX_ON_DEMAND_ROTATIONS - 1).is_ok());
        let e = check_on_demand_rotations(1, MAX_ON_DEMAND_ROTATIONS).unwrap_err();
        assert_eq!(e.name(), "LimitExceeded");
        assert!(e.message().contains("EnableKeyRotation"), "{e}");
        assert!(check_plaintext(1).is_ok() && check_plaintext(MAX_PLAINTEXT).is_ok());
        assert!(check_plaintext(0).is_err() && check_plaintext(MAX_PLAINTEXT + 1).is_err());
        assert_eq!(check_random_len(MAX_RANDOM_BYTES).unwrap(), 1024);
        assert!(check_random_len(0).is_err() && check_random_len(MAX_RANDOM_BYTES + 1).is_err());
        assert_eq!(data_key_len(None, None).unwrap(), 32);
        assert_eq!(data_key_len(Some(DataKeySpec::Aes128), None).unwrap(), 16);
        assert_eq!(data_key_len(None, Some(7)).unwrap(), 7);
        assert!(data_key_len(Some(DataKeySpec::Aes256), Some(32)).is_err());
        assert!(check_key_quota(9, 10).is_ok());
        assert_eq!(check_key_quota(10, 10).unwrap_err().name(), "LimitExceeded");
        assert!(check_key_ref("k").is_ok() && check_key_ref("").is_err());
        assert!(check_key_ref(&"k".repeat(MAX_KEY_REF_LEN + 1)).is_err());
        assert!(check_encrypted_key_material(MAX_ENCRYPTED_KEY_MATERIAL).is_ok());
        assert!(check_encrypted_key_material(0).is_err());
        assert!(check_encrypted_key_material(MAX_ENCRYPTED_KEY_MATERIAL + 1).is_err());
    }

    #[test]
    fn options_bounds() {
        assert!(check_options("app", 1).is_ok());
        assert!(check_options("", 1).is_err());
        assert!(check_options(&"c".repeat(MAX_CALLER_LEN), 1).is_ok());
        assert!(check_options(&"c".repeat(MAX_CALLER_LEN + 1), 1).is_err());
        assert!(check_options("app", 0).is_err());
    }

    #[test]
    fn aws_identity_bounds() {
        assert!(check_aws_identity(DEFAULT_AWS_REGION, DEFAULT_AWS_ACCOUNT_ID).is_ok());
        assert!(check_aws_identity(&"a".repeat(MAX_AWS_REGION_LEN), "000000000000").is_ok());
        assert!(check_aws_identity(&"a".repeat(MAX_AWS_REGION_LEN + 1), "000000000000").is_err());
        assert!(check_aws_identity("", "000000000000").is_err());
        assert!(check_aws_identity("US-EAST-1", "000000000000").is_err());
        assert!(check_aws_identity("eu:west", "000000000000").is_err());
        assert!(check_aws_identity("eu-west-1", "00000000000").is_err());
        assert!(check_aws_identity("eu-west-1", "0000000000000").is_err());
        assert!(check_aws_identity("eu-west-1", "00000000000a").is_err());
    }

    #[test]
    fn description_bound() {
        assert!(check_description(&"é".repeat(8192)).is_ok());
        assert!(check_description(&"é".repeat(8193)).is_err());
    }

    #[test]
    fn passphrase_bounds() {
        assert!(check_passphrase(b"").is_err());
        assert!(check_passphrase(b"x").is_ok());
        assert!(check_passphrase(&[b'x'; 1024]).is_ok());
        assert!(check_passphrase(&[b'x'; 1025]).is_err());
    }

    #[test]
    fn key_material_description_bounds() {
        assert!(check_key_material_description("a").is_ok());
        assert!(check_key_material_description(&"a".repeat(256)).is_ok());
        assert!(check_key_material_description("HSM: export/2026_01 v1.2-final\tx").is_ok());
        for bad in [
            String::new(),
            "a".repeat(257),
            "semi;colon".into(),
            "é".into(),
        ] {
            let e = check_key_material_description(&bad).unwrap_err();
            assert_eq!(e.name(), "Validation", "{bad:?}");
        }
    }

    #[test]
    fn expiration_bounds() {
        use crate::model::import::AWS_DEFAULT_EXPIRATION_MODEL;
        let now = Timestamp::from_unix_millis(1_000_000);
        let e = ExpirationModel::KeyMaterialExpires;
        let n = ExpirationModel::KeyMaterialDoesNotExpire;
        let ms = |d: i64| Some(Timestamp::from_unix_millis(now.unix_millis() + d));
        assert!(check_expiration(n, None, now).is_ok());
        assert!(check_expiration(n, ms(1000), now).is_err());
        // AWS's default model without valid_to: the message names both ways out.
        let Err(Error::Validation(m)) = check_expiration(AWS_DEFAULT_EXPIRATION_MODEL, None, now)
        else {
            panic!("AWS's default model without valid_to must be Validation");
        };
        assert!(
            m.contains("give valid_to") && m.contains("KEY_MATERIAL_DOES_NOT_EXPIRE"),
            "{m}"
        );
        assert!(check_expiration(e, ms(0), now).is_err());
        assert!(check_expiration(e, ms(1), now).is_ok());
        let year = i64::from(MAX_VALID_TO_DAYS) * Timestamp::DAY_MS;
        assert!(check_expiration(e, ms(year), now).is_ok());
        assert!(check_expiration(e, ms(year + 1), now).is_err());
    }
}

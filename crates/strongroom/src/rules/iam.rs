//! AWS IAM's rules for the keystore's principals: user names, access key ids, the quotas, and
//! the length of a caller label.

use crate::model::iam::Caller;
use crate::rules::bounds::MAX_CALLER_LEN;
use crate::{Error, Result};

/// Longest user name (AWS IAM's `userNameType`: 1 to 64 characters of `\w+=,.@-`).
pub const MAX_USER_NAME_LEN: usize = 64;
/// Access keys one user may hold (AWS IAM's quota).
pub const MAX_ACCESS_KEYS_PER_USER: usize = 2;
/// Users one keystore may hold (AWS IAM's default quota per account).
pub const MAX_USERS: usize = 5000;
/// Length of an access key id this keystore issues (`AKIA` and 16 base32 characters).
pub const ACCESS_KEY_ID_LEN: usize = 20;
/// Length of a secret access key this keystore issues (characters of the base64 alphabet).
pub const SECRET_ACCESS_KEY_LEN: usize = 40;
/// Bounds of an access key id given to an operation (AWS IAM's `accessKeyIdType`: 16 to 128
/// word characters).
pub const ACCESS_KEY_ID_BOUNDS: (usize, usize) = (16, 128);

/// `Validation` unless `name` is 1 to 64 characters of letters, digits and `_+=,.@-`.
pub(crate) fn check_user_name(name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if name.is_empty() || name.len() > MAX_USER_NAME_LEN || !name.chars().all(ok_char) {
        return Err(Error::Validation(format!(
            "user name {name:?} is invalid: UserName must be 1 to {MAX_USER_NAME_LEN} characters \
             of letters, digits and _+=,.@-"
        )));
    }
    Ok(())
}

/// The form under which a user name is unique: IAM compares names without regard to case.
pub(crate) fn user_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// `Validation` unless `id` is 16 to 128 letters, digits or `_`.
pub(crate) fn check_access_key_id(id: &str) -> Result<()> {
    let (lo, hi) = ACCESS_KEY_ID_BOUNDS;
    if id.len() < lo || id.len() > hi || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Error::Validation(format!(
            "access key id {id:?} is invalid: AccessKeyId must be {lo} to {hi} letters, digits \
             or _"
        )));
    }
    Ok(())
}

impl Caller {
    /// A caller label of 1 to [`MAX_CALLER_LEN`] bytes (`Validation` otherwise), for example
    /// `arn:aws:iam::111122223333:user/alice@127.0.0.1:53122`.
    pub fn new(label: impl Into<String>) -> Result<Caller> {
        let label = label.into();
        if label.is_empty() || label.len() > MAX_CALLER_LEN {
            return Err(Error::Validation(format!(
                "caller must be 1 to {MAX_CALLER_LEN} bytes"
            )));
        }
        Ok(Caller(label.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_both_sides_of_each_bound() {
        assert!(check_user_name("a").is_ok());
        assert!(check_user_name(&"a".repeat(64)).is_ok());
        assert!(check_user_name("Alice_+=,.@-9").is_ok());
        for bad in ["", &"a".repeat(65), "al ice", "alice/x", "é", "a:b", "a*"] {
            let e = check_user_name(bad).unwrap_err();
            assert_eq!(e.name(), "Validation", "{bad:?}");
        }
        assert_eq!(user_key("Alice"), user_key("ALICE"));
    }

    #[test]
    fn access_key_ids_both_sides_of_each_bound() {
        assert!(check_access_key_id(&"A".repeat(16)).is_ok());
        assert!(check_access_key_id(&"A".repeat(128)).is_ok());
        assert!(check_access_key_id("AKIA_0123456789AB").is_ok());
        for bad in [&"A".repeat(15), &"A".repeat(129), "AKIA-0123456789ABCD", ""] {
            assert_eq!(check_access_key_id(bad).unwrap_err().name(), "Validation");
        }
    }

    #[test]
    fn caller_labels_both_sides_of_the_bound() {
        assert!(Caller::new("x").is_ok());
        assert!(Caller::new("x".repeat(MAX_CALLER_LEN)).is_ok());
        assert!(Caller::new("").is_err());
        assert!(Caller::new("x".repeat(MAX_CALLER_LEN + 1)).is_err());
    }
}

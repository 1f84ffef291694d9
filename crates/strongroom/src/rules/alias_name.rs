//! Alias names (SPEC section 3): `alias/` followed by at least one of letters, digits, `/ _ -`,
//! 256 characters at most in all, not under a reserved prefix.

use crate::{Error, Result};

/// What every alias name starts with.
pub const ALIAS_PREFIX: &str = "alias/";
/// Longest alias name, `alias/` included.
pub const MAX_ALIAS_LEN: usize = 256;
/// Prefixes no alias may start with (compared without regard to case).
pub const RESERVED_PREFIXES: [&str; 2] = ["alias/aws/", "alias/strongroom/"];

/// Whether `name` is in the alias namespace (whether or not it is a valid alias name).
#[inline]
pub(crate) fn is_alias(name: &str) -> bool {
    name.starts_with(ALIAS_PREFIX)
}

/// Checks an alias name: `alias/` then one or more of `A-Z a-z 0-9 / _ -`, at most
/// [`MAX_ALIAS_LEN`] bytes, not under a [reserved prefix](RESERVED_PREFIXES).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let Some(rest) = name.strip_prefix(ALIAS_PREFIX) else {
        return Err(Error::Validation(format!(
            "alias name {name:?} must start with {ALIAS_PREFIX:?}"
        )));
    };
    if rest.is_empty() || name.len() > MAX_ALIAS_LEN {
        return Err(Error::Validation(format!(
            "alias name must be {ALIAS_PREFIX:?} and 1 to {} more characters (it has {})",
            MAX_ALIAS_LEN - ALIAS_PREFIX.len(),
            rest.len()
        )));
    }
    if let Some(c) = rest
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-')))
    {
        return Err(Error::Validation(format!(
            "alias name {name:?} contains {c:?}; use only letters, digits, '/', '_' and '-'"
        )));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(p) = RESERVED_PREFIXES.iter().find(|p| lower.starts_with(*p)) {
        return Err(Error::Validation(format!(
            "alias names starting with {p:?} are reserved"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("alias/a").is_ok());
        assert!(check_name("alias/A-b_c/9").is_ok());
        assert!(check_name("alias/").is_err());
        assert!(check_name("alia/x").is_err());
        assert!(check_name("alias/x y").is_err());
        assert!(check_name("alias/é").is_err());
        assert!(check_name("alias/aws/x").is_err());
        assert!(check_name("alias/AWS/x").is_err());
        assert!(check_name("alias/strongroom/x").is_err());
        assert!(check_name("alias/aws").is_ok());
        assert!(check_name(&format!("alias/{}", "a".repeat(250))).is_ok());
        assert!(check_name(&format!("alias/{}", "a".repeat(251))).is_err());
    }

    #[test]
    fn the_longest_name_is_the_bound() {
        let longest = format!(
            "{ALIAS_PREFIX}{}",
            "a".repeat(MAX_ALIAS_LEN - ALIAS_PREFIX.len())
        );
        assert!(check_name(&longest).is_ok());
        let e = check_name(&format!("{longest}a")).unwrap_err();
        assert!(e.message().contains("1 to 250 more"), "{e}");
    }
}

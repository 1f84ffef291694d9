//! The bounds of named secrets (SPEC section 14): AWS Secrets Manager's, each a public constant
//! with the check that enforces it. A bad argument is `Validation` (AWS's
//! `InvalidParameterException`); messages name parameters as AWS does (`SecretString`,
//! `RecoveryWindowInDays`, ...).

use crate::model::secret::{PasswordOptions, SecretFilter, SecretValue, SecretValueInput, Tag};
use crate::{Error, Result};
use std::ops::RangeInclusive;

/// Longest secret name, in characters (AWS's `NameType`).
pub const MAX_SECRET_NAME_LEN: usize = 512;
/// The characters a secret name may hold besides ASCII letters and digits.
pub const SECRET_NAME_PUNCTUATION: &str = "/_+=.@-";
/// Longest secret description, in characters.
pub const MAX_SECRET_DESCRIPTION_CHARS: usize = 2048;
/// Largest `SecretString` (its UTF-8 bytes) or `SecretBinary`, in bytes; the smallest is 1.
pub const MAX_SECRET_VALUE: usize = 65536;
/// Length of a `ClientRequestToken` (a version id), in characters.
pub const CLIENT_REQUEST_TOKEN_LEN: RangeInclusive<usize> = 32..=64;
/// Longest `SecretId` (a name or an ARN), in bytes.
pub const MAX_SECRET_ID_LEN: usize = 2048;
/// Most tags on a secret.
pub const MAX_SECRET_TAGS: usize = 50;
/// Longest tag key, in characters (the shortest is 1).
pub const MAX_TAG_KEY_LEN: usize = 128;
/// Longest tag value, in characters (it may be empty).
pub const MAX_TAG_VALUE_LEN: usize = 256;
/// Longest staging label, in characters (the shortest is 1).
pub const MAX_STAGE_LEN: usize = 256;
/// Most staging labels given for one version.
pub const MAX_VERSION_STAGES: usize = 20;
/// Deprecated versions (those without a staging label) kept per secret; the oldest beyond this
/// are destroyed (their records scrubbed) when a new version is added. Versions with a staging
/// label are always kept.
pub const MAX_DEPRECATED_VERSIONS: usize = 100;
/// Recovery window bounds, in days (`DeleteSecret`'s `RecoveryWindowInDays`).
pub const RECOVERY_WINDOW_DAYS: RangeInclusive<u32> = 7..=30;
/// The recovery window when none is given, in days.
pub const DEFAULT_RECOVERY_WINDOW_DAYS: u32 = 30;
/// `MaxResults` bounds of `ListSecrets` and `ListSecretVersionIds`.
pub const SECRET_MAX_RESULTS: RangeInclusive<u32> = 1..=100;
/// Most filters of one `ListSecrets`.
pub const MAX_SECRET_FILTERS: usize = 10;
/// Most values of one filter.
pub const MAX_FILTER_VALUES: usize = 10;
/// Longest filter value, in characters.
pub const MAX_FILTER_VALUE_LEN: usize = 512;
/// Password length bounds of `GetRandomPassword`.
pub const PASSWORD_LENGTH: RangeInclusive<u32> = 1..=4096;
pub use crate::model::secret::DEFAULT_PASSWORD_LENGTH;
/// Longest `ExcludeCharacters`, in characters.
pub const MAX_EXCLUDE_CHARACTERS: usize = 4096;
/// `GetRandomPassword`'s punctuation (AWS's set: every printable ASCII character that is not a
/// letter, a digit or the space).
pub const PASSWORD_PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/// Default quota on the number of secrets in a keystore (AWS's per-region quota).
pub const DEFAULT_MAX_SECRETS: u64 = 500_000;

fn invalid(m: String) -> Error {
    Error::Validation(m)
}

/// Checks a secret name: 1 to [`MAX_SECRET_NAME_LEN`] characters, each an ASCII letter or digit
/// or one of [`SECRET_NAME_PUNCTUATION`]. (AWS advises against ending a name with a hyphen and six
/// characters, which reads like an ARN's suffix; it accepts such names, and so does strongroom:
/// an ARN is told from a name by its `arn:` prefix.)
pub(crate) fn check_secret_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_SECRET_NAME_LEN {
        return Err(invalid(format!(
            "Name must be 1 to {MAX_SECRET_NAME_LEN} characters long, not {}",
            name.chars().count()
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !SECRET_NAME_PUNCTUATION.contains(*c))
    {
        return Err(invalid(format!(
            "Name {name:?} holds {c:?}; a secret name may hold only ASCII letters, digits and \
             {SECRET_NAME_PUNCTUATION}"
        )));
    }
    Ok(())
}

/// Checks a `SecretId` (a name or an ARN): 1 to [`MAX_SECRET_ID_LEN`] bytes.
pub(crate) fn check_secret_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > MAX_SECRET_ID_LEN {
        return Err(invalid(format!(
            "SecretId must be 1 to {MAX_SECRET_ID_LEN} bytes long, not {}",
            id.len()
        )));
    }
    Ok(())
}

/// Checks a secret description: at most [`MAX_SECRET_DESCRIPTION_CHARS`] characters.
pub(crate) fn check_secret_description(d: &str) -> Result<()> {
    let n = d.chars().count();
    if n > MAX_SECRET_DESCRIPTION_CHARS {
        return Err(invalid(format!(
            "Description may have at most {MAX_SECRET_DESCRIPTION_CHARS} characters, not {n}"
        )));
    }
    Ok(())
}

/// Checks a value: 1 to [`MAX_SECRET_VALUE`] bytes.
pub(crate) fn check_secret_value(v: &SecretValue) -> Result<()> {
    let (what, n) = match v {
        SecretValue::String(b) => ("SecretString", b.len()),
        SecretValue::Binary(b) => ("SecretBinary", b.len()),
    };
    if n == 0 || n > MAX_SECRET_VALUE {
        return Err(invalid(format!(
            "{what} must be 1 to {MAX_SECRET_VALUE} bytes long, not {n}"
        )));
    }
    Ok(())
}

/// The value a request gives as AWS's two optional members: `SecretString` or `SecretBinary`,
/// not both (`Validation`), or neither (`None`). Every surface builds its value here.
pub fn secret_value(input: SecretValueInput<'_>) -> Result<Option<SecretValue>> {
    match (input.secret_string, input.secret_binary) {
        (Some(_), Some(_)) => Err(invalid(
            "give SecretString or SecretBinary, not both".to_owned(),
        )),
        (Some(s), None) => Ok(Some(SecretValue::string(s))),
        (None, Some(b)) => Ok(Some(SecretValue::binary(b))),
        (None, None) => Ok(None),
    }
}

/// Checks a `ClientRequestToken` (a version id): [`CLIENT_REQUEST_TOKEN_LEN`] characters, none a
/// control character.
pub(crate) fn check_version_id(what: &str, id: &str) -> Result<()> {
    let n = id.chars().count();
    if !CLIENT_REQUEST_TOKEN_LEN.contains(&n) || id.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{what} must be {} to {} characters without control characters (a UUID is \
             customary), not {n}",
            CLIENT_REQUEST_TOKEN_LEN.start(),
            CLIENT_REQUEST_TOKEN_LEN.end()
        )));
    }
    Ok(())
}

/// Checks a staging label: 1 to [`MAX_STAGE_LEN`] characters.
pub(crate) fn check_stage(stage: &str) -> Result<()> {
    let n = stage.chars().count();
    if n == 0 || n > MAX_STAGE_LEN {
        return Err(invalid(format!(
            "VersionStage must be 1 to {MAX_STAGE_LEN} characters long, not {n}"
        )));
    }
    Ok(())
}

/// Checks `VersionStages`: 1 to [`MAX_VERSION_STAGES`] labels, each valid, none twice.
pub(crate) fn check_stages(stages: &[String]) -> Result<()> {
    if stages.is_empty() || stages.len() > MAX_VERSION_STAGES {
        return Err(invalid(format!(
            "VersionStages must hold 1 to {MAX_VERSION_STAGES} labels, not {}",
            stages.len()
        )));
    }
    for (i, s) in stages.iter().enumerate() {
        check_stage(s)?;
        if stages[..i].contains(s) {
            return Err(invalid(format!("VersionStages names {s} twice")));
        }
    }
    Ok(())
}

/// Checks one tag key: 1 to [`MAX_TAG_KEY_LEN`] characters, not starting `aws:` (AWS reserves
/// that prefix).
pub(crate) fn check_tag_key(key: &str) -> Result<()> {
    let n = key.chars().count();
    if n == 0 || n > MAX_TAG_KEY_LEN {
        return Err(invalid(format!(
            "a tag key must be 1 to {MAX_TAG_KEY_LEN} characters long, not {n}"
        )));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(invalid(format!(
            "tag key {key:?} starts with aws:, which AWS reserves for its own tags"
        )));
    }
    Ok(())
}

/// Checks tags to add: valid keys and values, no key twice.
pub(crate) fn check_tags(tags: &[Tag]) -> Result<()> {
    for (i, t) in tags.iter().enumerate() {
        check_tag_key(&t.key)?;
        let n = t.value.chars().count();
        if n > MAX_TAG_VALUE_LEN {
            return Err(invalid(format!(
                "the value of tag {:?} must be at most {MAX_TAG_VALUE_LEN} characters long, not {n}",
                t.key
            )));
        }
        if tags[..i].iter().any(|o| o.key == t.key) {
            return Err(invalid(format!("tag key {:?} is given twice", t.key)));
        }
    }
    Ok(())
}

/// Checks the number of tags a secret would have: at most [`MAX_SECRET_TAGS`].
pub(crate) fn check_tag_count(n: usize) -> Result<()> {
    if n > MAX_SECRET_TAGS {
        return Err(Error::LimitExceeded(format!(
            "a secret may have at most {MAX_SECRET_TAGS} tags; this would give it {n}"
        )));
    }
    Ok(())
}

/// The recovery window `delete_secret` uses: the given one or the default, unless
/// `force_delete_without_recovery` (then none may be given).
pub(crate) fn recovery_window(days: Option<u32>, force: bool) -> Result<Option<u32>> {
    match (days, force) {
        (Some(_), true) => Err(invalid(
            "give RecoveryWindowInDays or ForceDeleteWithoutRecovery, not both".to_owned(),
        )),
        (None, true) => Ok(None),
        (d, false) => {
            let d = d.unwrap_or(DEFAULT_RECOVERY_WINDOW_DAYS);
            if !RECOVERY_WINDOW_DAYS.contains(&d) {
                return Err(invalid(format!(
                    "RecoveryWindowInDays must be {} to {}, not {d}",
                    RECOVERY_WINDOW_DAYS.start(),
                    RECOVERY_WINDOW_DAYS.end()
                )));
            }
            Ok(Some(d))
        }
    }
}

/// The page size of a list: the given `MaxResults` or the largest.
pub(crate) fn max_results(n: Option<u32>) -> Result<usize> {
    let n = n.unwrap_or(*SECRET_MAX_RESULTS.end());
    if !SECRET_MAX_RESULTS.contains(&n) {
        return Err(invalid(format!(
            "MaxResults must be {} to {}, not {n}",
            SECRET_MAX_RESULTS.start(),
            SECRET_MAX_RESULTS.end()
        )));
    }
    Ok(n as usize)
}

/// Checks `ListSecrets` filters: at most [`MAX_SECRET_FILTERS`], each with 1 to
/// [`MAX_FILTER_VALUES`] values of at most [`MAX_FILTER_VALUE_LEN`] characters of AWS's set
/// (letters, digits, space and `:_@/+=.-!`).
pub(crate) fn check_filters(filters: &[SecretFilter]) -> Result<()> {
    if filters.len() > MAX_SECRET_FILTERS {
        return Err(invalid(format!(
            "Filters may hold at most {MAX_SECRET_FILTERS} filters, not {}",
            filters.len()
        )));
    }
    for f in filters {
        if f.values.is_empty() || f.values.len() > MAX_FILTER_VALUES {
            return Err(invalid(format!(
                "filter {} must have 1 to {MAX_FILTER_VALUES} values, not {}",
                f.key,
                f.values.len()
            )));
        }
        for v in &f.values {
            if v.chars().count() > MAX_FILTER_VALUE_LEN
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " :_@/+=.-!".contains(c))
            {
                return Err(invalid(format!(
                    "filter value {v:?} must be at most {MAX_FILTER_VALUE_LEN} characters of \
                     letters, digits, space and :_@/+=.-!"
                )));
            }
        }
    }
    Ok(())
}

/// The character classes a password draws from (each non-empty after the exclusions), or
/// `Validation` if the options leave nothing to draw or cannot hold one of each class.
pub(crate) fn password_classes(o: &PasswordOptions) -> Result<Vec<Vec<char>>> {
    if !PASSWORD_LENGTH.contains(&o.password_length) {
        return Err(invalid(format!(
            "PasswordLength must be {} to {}, not {}",
            PASSWORD_LENGTH.start(),
            PASSWORD_LENGTH.end(),
            o.password_length
        )));
    }
    let n = o.exclude_characters.chars().count();
    if n > MAX_EXCLUDE_CHARACTERS {
        return Err(invalid(format!(
            "ExcludeCharacters may hold at most {MAX_EXCLUDE_CHARACTERS} characters, not {n}"
        )));
    }
    let keep = |c: &char| !o.exclude_characters.contains(*c);
    let mut classes: Vec<Vec<char>> = Vec::new();
    let mut add = |on: bool, chars: &mut dyn Iterator<Item = char>| {
        if on {
            classes.push(chars.filter(keep).collect());
        }
    };
    add(!o.exclude_lowercase, &mut ('a'..='z'));
    add(!o.exclude_uppercase, &mut ('A'..='Z'));
    add(!o.exclude_numbers, &mut ('0'..='9'));
    add(!o.exclude_punctuation, &mut PASSWORD_PUNCTUATION.chars());
    add(o.include_space, &mut std::iter::once(' '));
    classes.retain(|c| !c.is_empty());
    if classes.is_empty() {
        return Err(invalid(
            "the options exclude every character; include at least one character type".into(),
        ));
    }
    if o.require_each_included_type && (o.password_length as usize) < classes.len() {
        return Err(invalid(format!(
            "PasswordLength {} is too short to hold one character of each of the {} included \
             types; make it longer or set RequireEachIncludedType to false",
            o.password_length,
            classes.len()
        )));
    }
    Ok(classes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::secret::SecretFilterKey;

    fn bad(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::Validation(m)) => m,
            other => panic!("expected Validation, got {other:?}"),
        }
    }

    #[test]
    fn names() {
        check_secret_name("a").unwrap();
        check_secret_name("prod/db_main+x=y.z@w-1").unwrap();
        check_secret_name(&"n".repeat(MAX_SECRET_NAME_LEN)).unwrap();
        check_secret_name("ends-abcdef").unwrap();
        bad(check_secret_name(""));
        bad(check_secret_name(&"n".repeat(MAX_SECRET_NAME_LEN + 1)));
        for c in [' ', '*', 'é', ':', '#'] {
            bad(check_secret_name(&format!("a{c}b")));
        }
        check_secret_id(&"i".repeat(MAX_SECRET_ID_LEN)).unwrap();
        bad(check_secret_id(&"i".repeat(MAX_SECRET_ID_LEN + 1)));
        bad(check_secret_id(""));
    }

    #[test]
    fn descriptions_and_values() {
        check_secret_description(&"é".repeat(MAX_SECRET_DESCRIPTION_CHARS)).unwrap();
        bad(check_secret_description(
            &"d".repeat(MAX_SECRET_DESCRIPTION_CHARS + 1),
        ));
        check_secret_value(&SecretValue::string("x")).unwrap();
        check_secret_value(&SecretValue::binary(&vec![0; MAX_SECRET_VALUE])).unwrap();
        check_secret_value(&SecretValue::string(&"x".repeat(MAX_SECRET_VALUE))).unwrap();
        bad(check_secret_value(&SecretValue::string("")));
        bad(check_secret_value(&SecretValue::binary(&[])));
        bad(check_secret_value(&SecretValue::binary(&vec![
            0;
            MAX_SECRET_VALUE
                + 1
        ])));
        // Bytes, not characters: 32,769 two-byte characters are 65,538 bytes.
        bad(check_secret_value(&SecretValue::string(
            &"é".repeat(MAX_SECRET_VALUE / 2 + 1),
        )));
        let both = SecretValueInput {
            secret_string: Some("s"),
            secret_binary: Some(b"b"),
        };
        assert!(bad(secret_value(both)).contains("not both"));
        assert!(secret_value(SecretValueInput::default()).unwrap().is_none());
        let s = secret_value(SecretValueInput {
            secret_string: Some("s"),
            ..Default::default()
        });
        assert_eq!(s.unwrap().unwrap().as_str(), Some("s"));
    }

    #[test]
    fn tokens_and_stages() {
        check_version_id("ClientRequestToken", &"t".repeat(32)).unwrap();
        check_version_id("ClientRequestToken", &"t".repeat(64)).unwrap();
        bad(check_version_id("ClientRequestToken", &"t".repeat(31)));
        bad(check_version_id("ClientRequestToken", &"t".repeat(65)));
        bad(check_version_id(
            "VersionId",
            &format!("{}\n", "t".repeat(40)),
        ));
        check_stage(&"s".repeat(MAX_STAGE_LEN)).unwrap();
        bad(check_stage(""));
        bad(check_stage(&"s".repeat(MAX_STAGE_LEN + 1)));
        let labels = |n: usize| (0..n).map(|i| format!("L{i}")).collect::<Vec<_>>();
        check_stages(&labels(MAX_VERSION_STAGES)).unwrap();
        bad(check_stages(&labels(MAX_VERSION_STAGES + 1)));
        bad(check_stages(&[]));
        bad(check_stages(&["A".into(), "A".into()]));
    }

    #[test]
    fn tags() {
        check_tags(&[
            Tag::new("k".repeat(MAX_TAG_KEY_LEN), "v".repeat(MAX_TAG_VALUE_LEN)),
            Tag::new("e", ""),
        ])
        .unwrap();
        bad(check_tags(&[Tag::new("", "v")]));
        bad(check_tags(&[Tag::new(
            "k".repeat(MAX_TAG_KEY_LEN + 1),
            "v",
        )]));
        bad(check_tags(&[Tag::new(
            "k",
            "v".repeat(MAX_TAG_VALUE_LEN + 1),
        )]));
        bad(check_tags(&[Tag::new("aws:x", "v")]));
        bad(check_tags(&[Tag::new("k", "1"), Tag::new("k", "2")]));
        check_tag_count(MAX_SECRET_TAGS).unwrap();
        assert!(matches!(
            check_tag_count(MAX_SECRET_TAGS + 1),
            Err(Error::LimitExceeded(_))
        ));
    }

    #[test]
    fn recovery_windows_and_pages() {
        assert_eq!(recovery_window(None, false).unwrap(), Some(30));
        assert_eq!(recovery_window(Some(7), false).unwrap(), Some(7));
        assert_eq!(recovery_window(Some(30), false).unwrap(), Some(30));
        assert_eq!(recovery_window(None, true).unwrap(), None);
        bad(recovery_window(Some(6), false));
        bad(recovery_window(Some(31), false));
        bad(recovery_window(Some(7), true));
        assert_eq!(max_results(None).unwrap(), 100);
        assert_eq!(max_results(Some(1)).unwrap(), 1);
        bad(max_results(Some(0)));
        bad(max_results(Some(101)));
    }

    #[test]
    fn filters() {
        let f = |values: Vec<&str>| SecretFilter {
            key: SecretFilterKey::Name,
            values: values.into_iter().map(String::from).collect(),
        };
        check_filters(&[f(vec!["prod/", "!test"])]).unwrap();
        check_filters(&vec![f(vec!["a"]); MAX_SECRET_FILTERS]).unwrap();
        bad(check_filters(&vec![f(vec!["a"]); MAX_SECRET_FILTERS + 1]));
        bad(check_filters(&[f(vec![])]));
        bad(check_filters(&[f(vec!["a"; MAX_FILTER_VALUES + 1])]));
        check_filters(&[f(vec![&"v".repeat(MAX_FILTER_VALUE_LEN)])]).unwrap();
        bad(check_filters(&[f(vec![
            &"v".repeat(MAX_FILTER_VALUE_LEN + 1),
        ])]));
        bad(check_filters(&[f(vec!["a*"])]));
    }

    #[test]
    fn password_options() {
        let o = PasswordOptions::default();
        assert_eq!(password_classes(&o).unwrap().len(), 4);
        let len = |n| PasswordOptions {
            password_length: n,
            ..Default::default()
        };
        password_classes(&len(4)).unwrap();
        password_classes(&len(4096)).unwrap();
        bad(password_classes(&len(0)));
        bad(password_classes(&len(4097)));
        // Four types need four characters, unless not every type is required.
        bad(password_classes(&len(3)));
        password_classes(&PasswordOptions {
            require_each_included_type: false,
            ..len(1)
        })
        .unwrap();
        let none = PasswordOptions {
            exclude_lowercase: true,
            exclude_uppercase: true,
            exclude_numbers: true,
            exclude_punctuation: true,
            ..Default::default()
        };
        bad(password_classes(&none));
        let space = password_classes(&PasswordOptions {
            include_space: true,
            ..none.clone()
        })
        .unwrap();
        assert_eq!(space, vec![vec![' ']]);
        let digits_but_0 = password_classes(&PasswordOptions {
            exclude_characters: "123456789".into(),
            ..none.clone()
        });
        bad(digits_but_0);
        let only_0 = password_classes(&PasswordOptions {
            exclude_numbers: false,
            exclude_characters: "123456789".into(),
            ..none
        })
        .unwrap();
        assert_eq!(only_0, vec![vec!['0']]);
        password_classes(&PasswordOptions {
            exclude_characters: "x".repeat(MAX_EXCLUDE_CHARACTERS),
            ..Default::default()
        })
        .unwrap();
        bad(password_classes(&PasswordOptions {
            exclude_characters: "x".repeat(MAX_EXCLUDE_CHARACTERS + 1),
            ..Default::default()
        }));
    }
}

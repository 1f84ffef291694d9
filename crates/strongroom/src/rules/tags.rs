//! Tag rules (AWS KMS `TagResource`, `UntagResource`, `CreateKey`'s `Tags`): the bounds of a tag
//! key and value, the reserved `aws:` prefix, and the number of tags a key may carry.
//!
//! As AWS: a tag key is 1 to [`MAX_TAG_KEY_CHARS`] characters and a value 0 to
//! [`MAX_TAG_VALUE_CHARS`] (`Validation` outside, as AWS's `ValidationException`); a tag key may
//! not start with `aws:` in any case (`InvalidTag`, AWS's `TagException`); a key carries at most
//! [`MAX_TAGS_PER_KEY`] tags (`LimitExceeded`, AWS's `LimitExceededException`). Tag keys are
//! case-sensitive and tagging a key again replaces the value. A request that names one tag key
//! twice is refused (`InvalidTag`) rather than keeping one of the two values silently.

use crate::model::tag::Tag;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// Longest tag key, in characters (AWS KMS `TagKeyType`); the shortest is 1.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Longest tag value, in characters (AWS KMS `TagValueType`); it may be empty.
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Most tags one key may carry.
pub const MAX_TAGS_PER_KEY: usize = 50;
/// The prefix reserved for AWS's own tags, refused at the start of a tag key in any case.
pub const RESERVED_TAG_PREFIX: &str = "aws:";

/// Checks one tag key: its length and the reserved prefix.
pub(crate) fn check_tag_key(key: &str) -> Result<()> {
    let n = key.chars().count();
    if n == 0 || n > MAX_TAG_KEY_CHARS {
        return Err(Error::Validation(format!(
            "a tag key must be 1 to {MAX_TAG_KEY_CHARS} characters, not {n}"
        )));
    }
    let reserved = key
        .get(..RESERVED_TAG_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_TAG_PREFIX));
    if reserved {
        return Err(Error::InvalidTag(format!(
            "tag key {key:?} starts with {RESERVED_TAG_PREFIX:?}, a prefix reserved for AWS use \
             (in any case); choose another tag key"
        )));
    }
    Ok(())
}

/// Checks tags given in one request: each key and value, and no tag key twice.
pub(crate) fn check_tags(tags: &[Tag]) -> Result<()> {
    let mut seen = std::collections::HashSet::with_capacity(tags.len());
    for t in tags {
        check_tag_key(&t.tag_key)?;
        let n = t.tag_value.chars().count();
        if n > MAX_TAG_VALUE_CHARS {
            return Err(Error::Validation(format!(
                "the value of tag {:?} must be 0 to {MAX_TAG_VALUE_CHARS} characters, not {n}",
                t.tag_key
            )));
        }
        if !seen.insert(t.tag_key.as_str()) {
            return Err(Error::InvalidTag(format!(
                "tag key {:?} is given twice; give each tag key once",
                t.tag_key
            )));
        }
    }
    Ok(())
}

/// Checks tag keys given to `untag_resource`.
pub(crate) fn check_tag_keys(keys: &[String]) -> Result<()> {
    keys.iter().try_for_each(|k| check_tag_key(k))
}

/// `tags` (already checked) applied to a key's `current` tags: new keys added, existing keys'
/// values replaced; `LimitExceeded` if the key would carry more than [`MAX_TAGS_PER_KEY`].
pub(crate) fn apply_tags(current: &mut BTreeMap<String, String>, tags: &[Tag]) -> Result<()> {
    for t in tags {
        current.insert(t.tag_key.clone(), t.tag_value.clone());
    }
    if current.len() > MAX_TAGS_PER_KEY {
        return Err(Error::LimitExceeded(format!(
            "a key may carry at most {MAX_TAGS_PER_KEY} tags, and these tags would give it {}; \
             remove tags with UntagResource first",
            current.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_value_bounds() {
        assert!(check_tags(&[Tag::new("k", "")]).is_ok());
        assert!(check_tags(&[Tag::new("é".repeat(128), "v".repeat(256))]).is_ok());
        let e = check_tags(&[Tag::new("", "v")]).unwrap_err();
        assert_eq!(e.name(), "Validation");
        assert_eq!(
            check_tags(&[Tag::new("é".repeat(129), "v")])
                .unwrap_err()
                .name(),
            "Validation"
        );
        let e = check_tags(&[Tag::new("k", "é".repeat(257))]).unwrap_err();
        assert_eq!(e.name(), "Validation");
        assert!(e.message().contains("0 to 256"), "{e}");
    }

    #[test]
    fn reserved_prefix_in_any_case() {
        for k in ["aws:x", "AWS:x", "Aws:", "aWs:cost"] {
            let e = check_tags(&[Tag::new(k, "v")]).unwrap_err();
            assert_eq!(e.name(), "InvalidTag", "{k}");
            assert_eq!(e.aws_code(), "TagException");
        }
        for k in ["aws", "awsx:", "x:aws:", "ａws:"] {
            assert!(check_tag_key(k).is_ok(), "{k}");
        }
        assert_eq!(
            check_tag_keys(&["AWS:k".into()]).unwrap_err().name(),
            "InvalidTag"
        );
    }

    #[test]
    fn duplicates_case_and_count() {
        let e = check_tags(&[Tag::new("k", "1"), Tag::new("k", "2")]).unwrap_err();
        assert_eq!(e.name(), "InvalidTag");
        assert!(check_tags(&[Tag::new("k", "1"), Tag::new("K", "2")]).is_ok());
        let mut current = BTreeMap::new();
        apply_tags(&mut current, &[Tag::new("k", "1")]).unwrap();
        apply_tags(&mut current, &[Tag::new("k", "2"), Tag::new("K", "3")]).unwrap();
        assert_eq!(current.get("k").map(String::as_str), Some("2"));
        assert_eq!(current.len(), 2);
        let fill: Vec<Tag> = (0..48).map(|i| Tag::new(format!("t{i}"), "")).collect();
        apply_tags(&mut current, &fill).unwrap();
        assert_eq!(current.len(), MAX_TAGS_PER_KEY);
        let mut over = current.clone();
        let e = apply_tags(&mut over, &[Tag::new("one-more", "")]).unwrap_err();
        assert_eq!(e.name(), "LimitExceeded");
        // Re-tagging an existing key at the limit replaces, so it is not over.
        apply_tags(&mut current, &[Tag::new("t0", "new")]).unwrap();
    }
}

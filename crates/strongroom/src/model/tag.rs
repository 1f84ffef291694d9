//! Tags on keys (AWS KMS `Tag`): a case-sensitive key and a value, kept in the sealed key record.

/// One tag of a key (AWS KMS `Tag`). Tag keys are case-sensitive; a key has at most one tag of
/// each tag key, and tagging it again with the same tag key replaces the value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    /// 1 to 128 characters, not starting with `aws:` (in any case).
    pub tag_key: String,
    /// 0 to 256 characters.
    pub tag_value: String,
}

impl Tag {
    /// A tag of `tag_key` with `tag_value`.
    pub fn new(tag_key: impl Into<String>, tag_value: impl Into<String>) -> Self {
        Tag {
            tag_key: tag_key.into(),
            tag_value: tag_value.into(),
        }
    }
}

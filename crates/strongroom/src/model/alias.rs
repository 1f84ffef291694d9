//! The public type of listing aliases (SPEC section 3).

use crate::model::clock::Timestamp;

/// One entry of `list_aliases` (AWS KMS's `AliasListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AliasListEntry {
    /// `alias/...`.
    pub alias_name: String,
    /// `arn:strongroom:kms:local:<keystore id>:alias/...`.
    pub alias_arn: String,
    /// The key the alias points at.
    pub target_key_id: String,
    /// When the alias was created.
    pub creation_date: Timestamp,
    /// When the alias was last pointed at a key.
    pub last_updated_date: Timestamp,
}

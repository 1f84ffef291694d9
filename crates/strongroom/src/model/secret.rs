//! The public types of named secrets (SPEC section 14), shaped as AWS Secrets Manager's
//! requests and results, and the record the keystore keeps about a secret.

use crate::model::clock::Timestamp;
use crate::model::names::names;
use crate::model::secret_bytes::SecretBytes;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The staging label of a secret's current version.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The staging label of the version that was current before it.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
/// The staging label of a version a rotation prepares.
pub const AWSPENDING: &str = "AWSPENDING";

/// A secret's value: `SecretString` (UTF-8 text) or `SecretBinary` (bytes). Zeroized on drop;
/// `Debug` shows only its kind and length.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `SecretString`: text, held as its UTF-8 bytes.
    String(SecretBytes),
    /// `SecretBinary`: bytes.
    Binary(SecretBytes),
}

impl SecretValue {
    /// A `SecretString` value (copied).
    pub fn string(s: &str) -> Self {
        SecretValue::String(SecretBytes::init_with(s.len(), |b| {
            b.copy_from_slice(s.as_bytes())
        }))
    }

    /// A `SecretBinary` value (copied).
    pub fn binary(b: &[u8]) -> Self {
        SecretValue::Binary(SecretBytes::init_with(b.len(), |d| d.copy_from_slice(b)))
    }

    /// The text of a `SecretString` value; `None` for a binary one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            // Made only from a `&str` or from a stored string value checked to be UTF-8.
            SecretValue::String(b) => std::str::from_utf8(b.as_bytes()).ok(),
            SecretValue::Binary(_) => None,
        }
    }

    /// The bytes of a `SecretBinary` value; `None` for a string one.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            SecretValue::Binary(b) => Some(b.as_bytes()),
            SecretValue::String(_) => None,
        }
    }

    /// The value's bytes, whichever its kind (a string's UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SecretValue::String(b) | SecretValue::Binary(b) => b.as_bytes(),
        }
    }

    /// Whether this is a `SecretBinary` value.
    pub fn is_binary(&self) -> bool {
        matches!(self, SecretValue::Binary(_))
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_binary() {
            "SecretBinary"
        } else {
            "SecretString"
        };
        write!(f, "{kind}(<{} bytes>)", self.as_bytes().len())
    }
}

/// A request's `SecretString` and `SecretBinary`, of which at most one may be given
/// (`strongroom::secret_value` makes the value of them). No `Debug`: it holds the value.
#[derive(Clone, Copy, Default)]
pub struct SecretValueInput<'a> {
    /// `SecretString`.
    pub secret_string: Option<&'a str>,
    /// `SecretBinary`.
    pub secret_binary: Option<&'a [u8]>,
}

/// `GetRandomPassword`'s length when none is given.
pub const DEFAULT_PASSWORD_LENGTH: u32 = 32;

/// A tag: `Key` (1 to 128 characters) and `Value` (0 to 256).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag {
    /// The tag's key.
    pub key: String,
    /// The tag's value.
    pub value: String,
}

impl Tag {
    /// A tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// `create_secret`'s request (AWS Secrets Manager `CreateSecret`).
#[derive(Clone, Debug, Default)]
pub struct CreateSecret {
    /// The name: 1 to 512 of letters, digits and `/_+=.@-`.
    pub name: String,
    /// The first version's id (32 to 64 characters); a random UUID if `None`. Retrying with the
    /// same token and value changes nothing.
    pub client_request_token: Option<String>,
    /// 0 to 2048 characters.
    pub description: Option<String>,
    /// The KMS key that encrypts the versions (id, ARN, alias name or alias ARN); `None` for the
    /// keystore's default secrets key, `alias/strongroom/secretsmanager`, made on first use.
    pub kms_key_id: Option<String>,
    /// The first version's value; `None` makes a secret without versions.
    pub value: Option<SecretValue>,
    /// Up to 50 tags.
    pub tags: Vec<Tag>,
}

/// `update_secret`'s request (AWS Secrets Manager `UpdateSecret`): each field that is `Some`
/// changes.
#[derive(Clone, Debug, Default)]
pub struct UpdateSecret {
    /// The new version's id, if `value` is given.
    pub client_request_token: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new KMS key: new versions use it, and the versions with staging labels are encrypted
    /// again under it.
    pub kms_key_id: Option<String>,
    /// A new value, made the `AWSCURRENT` version.
    pub value: Option<SecretValue>,
}

/// What `create_secret`, `put_secret_value` and `update_secret` return.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretVersionRef {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// The version made (or found, for a retried token); `None` when no version was made.
    pub version_id: Option<String>,
    /// That version's staging labels (for `put_secret_value`).
    pub version_stages: Vec<String>,
}

/// What `get_secret_value` returns (AWS Secrets Manager `GetSecretValue`). The ARN, name,
/// version id and staging labels are read from the keystore's cached copy of the secret as it
/// was at the read (shared, not copied; a later change of the secret does not change them).
#[derive(Clone)]
#[non_exhaustive]
pub struct SecretValueEntry {
    secret: Arc<dyn HeldSecret>,
    /// Index of the version in `secret.versions`.
    version: usize,
    /// The value, zeroized on drop.
    pub value: SecretValue,
    /// When the version was made.
    pub created_date: Timestamp,
}

impl SecretValueEntry {
    /// Version `version` (an index in `secret.versions`) of `secret`, with its `value`.
    pub(crate) fn new(secret: Arc<dyn HeldSecret>, version: usize, value: SecretValue) -> Self {
        SecretValueEntry {
            created_date: secret.record().versions[version].created,
            secret,
            version,
            value,
        }
    }

    /// The secret's ARN.
    pub fn arn(&self) -> &str {
        self.secret.arn()
    }

    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.secret.record().name
    }

    /// The version's id.
    pub fn version_id(&self) -> &str {
        &self.secret.record().versions[self.version].id
    }

    /// The version's staging labels.
    pub fn version_stages(&self) -> &[String] {
        &self.secret.record().versions[self.version].stages
    }
}

/// A secret as the keystore holds it for reads (`keystore::secret_cache::SecretEntry`), which a
/// value read shares instead of copying its ARN, name and labels.
pub(crate) trait HeldSecret: Send + Sync {
    /// The secret's ARN.
    fn arn(&self) -> &str;
    /// The secret's record.
    fn record(&self) -> &SecretRecord;
}

impl fmt::Debug for SecretValueEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretValueEntry")
            .field("arn", &self.arn())
            .field("name", &self.name())
            .field("version_id", &self.version_id())
            .field("value", &self.value)
            .field("version_stages", &self.version_stages())
            .field("created_date", &self.created_date)
            .finish()
    }
}

/// A secret's metadata (AWS Secrets Manager `DescribeSecret`, and each `ListSecrets` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretMetadata {
    /// `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX`.
    pub arn: String,
    /// The name.
    pub name: String,
    /// The description, if one was given.
    pub description: Option<String>,
    /// The KMS key's ARN, if the secret names one (`None`: the default secrets key).
    pub kms_key_id: Option<String>,
    /// When the secret was made.
    pub created_date: Timestamp,
    /// When its value, description, key or tags last changed.
    pub last_changed_date: Timestamp,
    /// The day (00:00 UTC) a value of it was last read, if ever.
    pub last_accessed_date: Option<Timestamp>,
    /// When it will be destroyed, while it is scheduled for deletion.
    pub deleted_date: Option<Timestamp>,
    /// Its tags, in the order given.
    pub tags: Vec<Tag>,
    /// Each version that has a staging label, with its labels.
    pub version_ids_to_stages: BTreeMap<String, Vec<String>>,
}

/// One entry of `list_secret_version_ids`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretVersionEntry {
    /// The version's id.
    pub version_id: String,
    /// Its staging labels (empty for a deprecated version).
    pub version_stages: Vec<String>,
    /// When it was made.
    pub created_date: Timestamp,
    /// The day (00:00 UTC) it was last read, if ever.
    pub last_accessed_date: Option<Timestamp>,
    /// The ARN of the KMS key that encrypts it.
    pub kms_key_ids: Vec<String>,
}

/// A page of `list_secret_version_ids`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretVersionsPage {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// The versions, newest first.
    pub versions: Vec<SecretVersionEntry>,
    /// Where the next page starts, if there is one.
    pub next_token: Option<String>,
}

names! {
    /// What a `ListSecrets` filter matches (AWS's `Filter.Key`).
    SecretFilterKey {
        /// The name starts with a value.
        Name, "name";
        /// The description starts with a value.
        Description, "description";
        /// A tag's key starts with a value.
        TagKey, "tag-key";
        /// A tag's value starts with a value.
        TagValue, "tag-value";
        /// The name, description, a tag's key or a tag's value starts with a value.
        All, "all";
    }
}

names! {
    /// What `ListSecrets` sorts by (AWS's `SortBy`).
    #[derive(Default)]
    SecretSortBy {
        /// The creation date (the default).
        #[default]
        CreatedDate, "created-date";
        /// The last change.
        LastChangedDate, "last-changed-date";
        /// The name.
        Name, "name";
    }
}

/// A `ListSecrets` filter: each value (case-insensitive prefix; `!` in front negates it) may
/// match; every filter must.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretFilter {
    /// What the values are matched against.
    pub key: SecretFilterKey,
    /// 1 to 10 values of up to 512 characters.
    pub values: Vec<String>,
}

/// `list_secrets`'s request (AWS Secrets Manager `ListSecrets`).
#[derive(Clone, Debug, Default)]
pub struct ListSecrets {
    /// Also list secrets scheduled for deletion.
    pub include_planned_deletion: bool,
    /// 1 to 100 per page; 100 if `None`.
    pub max_results: Option<u32>,
    /// The `next_token` of the previous page.
    pub next_token: Option<String>,
    /// Up to 10 filters.
    pub filters: Vec<SecretFilter>,
    /// The order (the creation date if `None`).
    pub sort_by: Option<SecretSortBy>,
    /// Ascending if true; descending (the default) otherwise.
    pub ascending: bool,
}

/// A page of `list_secrets`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretsPage {
    /// The secrets.
    pub secrets: Vec<SecretMetadata>,
    /// Where the next page starts, if there is one.
    pub next_token: Option<String>,
}

/// What `delete_secret` and `restore_secret` return.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeletedSecret {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// When it will be (or was) destroyed; `None` from `restore_secret`.
    pub deletion_date: Option<Timestamp>,
}

/// What `put_secret_resource_policy` and `delete_secret_resource_policy` return (AWS Secrets
/// Manager `PutResourcePolicy`, `DeleteResourcePolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretPolicyRef {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// The policy's name: always `default` (AWS's `PolicyName`).
    pub policy_name: String,
}

/// What `get_secret_resource_policy` returns (AWS Secrets Manager `GetResourcePolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretResourcePolicy {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// The policy as it was given; `None` if the secret has none.
    pub resource_policy: Option<String>,
    /// The policy's name: always `default` (AWS's `PolicyName`).
    pub policy_name: String,
}

/// One finding of `validate_secret_resource_policy` (AWS's `ValidationErrorsEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyValidationError {
    /// The check that failed: `SYNTAX_CHECK` (the policy does not parse, or names a principal the
    /// keystore cannot have) or `BROAD_ACCESS` (it is public, as `BlockPublicPolicy` decides).
    pub check_name: String,
    /// What is wrong.
    pub error_message: String,
}

/// What `validate_secret_resource_policy` returns (AWS Secrets Manager
/// `ValidateResourcePolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyValidation {
    /// Whether every check passed (`PolicyValidationPassed`).
    pub passed: bool,
    /// The failed checks (`ValidationErrors`), empty when it passed.
    pub errors: Vec<PolicyValidationError>,
}

/// `get_random_password`'s options (AWS Secrets Manager `GetRandomPassword`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordOptions {
    /// 1 to 4096 characters; 32 by default.
    pub password_length: u32,
    /// Characters never to use (up to 4096).
    pub exclude_characters: String,
    /// No digits.
    pub exclude_numbers: bool,
    /// No punctuation (``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``).
    pub exclude_punctuation: bool,
    /// No uppercase letters.
    pub exclude_uppercase: bool,
    /// No lowercase letters.
    pub exclude_lowercase: bool,
    /// Also the space character.
    pub include_space: bool,
    /// At least one character of every included type (the default).
    pub require_each_included_type: bool,
}

impl Default for PasswordOptions {
    fn default() -> Self {
        PasswordOptions {
            password_length: DEFAULT_PASSWORD_LENGTH,
            exclude_characters: String::new(),
            exclude_numbers: false,
            exclude_punctuation: false,
            exclude_uppercase: false,
            exclude_lowercase: false,
            include_space: false,
            require_each_included_type: true,
        }
    }
}

/// One version as the secret's record keeps it (its value is in its own record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VersionMeta {
    pub id: String,
    pub stages: Vec<String>,
    pub created: Timestamp,
    pub kms_key: u128,
    /// The day (00:00 UTC) its value was last read; `None` if never.
    pub last_accessed: Option<Timestamp>,
}

/// What the keystore keeps about a secret (sealed; docs/FORMAT.md section 13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SecretRecord {
    pub name: String,
    /// The ARN's six random characters.
    pub suffix: String,
    pub description: Option<String>,
    /// The KMS key named at creation or by `UpdateSecret`; `None` for the default secrets key.
    pub kms_key: Option<u128>,
    pub created: Timestamp,
    pub last_changed: Timestamp,
    /// The day (00:00 UTC) its value was last read; `None` if never.
    pub last_accessed: Option<Timestamp>,
    /// The destruction date while scheduled for deletion.
    pub deletion_date: Option<Timestamp>,
    pub tags: Vec<Tag>,
    /// Oldest first.
    pub versions: Vec<VersionMeta>,
    /// The resource policy (`PutResourcePolicy`), as given.
    pub policy: Option<String>,
}

impl SecretRecord {
    /// The version that carries `stage`.
    pub fn staged(&self, stage: &str) -> Option<&VersionMeta> {
        self.versions
            .iter()
            .find(|v| v.stages.iter().any(|s| s == stage))
    }

    /// The version `id`.
    pub fn version(&self, id: &str) -> Option<&VersionMeta> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// Whether `self` differs from `other` in more than the days they were last read (which a
    /// concurrent read may move).
    pub fn changed_from(&self, other: &SecretRecord) -> bool {
        let mut read_alike = other.clone();
        read_alike.last_accessed = self.last_accessed;
        for (o, v) in read_alike.versions.iter_mut().zip(&self.versions) {
            o.last_accessed = v.last_accessed;
        }
        *self != read_alike
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `changed_from` ignores the days last read (a concurrent read moves them) and nothing
    /// else: a resource policy put or removed meanwhile is a change.
    #[test]
    fn only_the_days_read_are_not_a_change() {
        let rec = SecretRecord {
            name: "a".into(),
            suffix: "AbC123".into(),
            description: None,
            kms_key: None,
            created: Timestamp::from_unix_millis(1),
            last_changed: Timestamp::from_unix_millis(1),
            last_accessed: None,
            deletion_date: None,
            tags: vec![],
            versions: vec![VersionMeta {
                id: "v".repeat(32),
                stages: vec![AWSCURRENT.into()],
                created: Timestamp::from_unix_millis(1),
                kms_key: 7,
                last_accessed: None,
            }],
            policy: None,
        };
        let mut read = rec.clone();
        read.last_accessed = Some(Timestamp::from_unix_millis(86_400_000));
        read.versions[0].last_accessed = read.last_accessed;
        assert!(!read.changed_from(&rec));
        assert!(!rec.changed_from(&read));
        let with_policy = SecretRecord {
            policy: Some("{}".into()),
            ..read.clone()
        };
        assert!(with_policy.changed_from(&rec));
        assert!(rec.changed_from(&with_policy));
        let other_policy = SecretRecord {
            policy: Some("{ }".into()),
            ..rec.clone()
        };
        assert!(other_policy.changed_from(&with_policy));
    }
}

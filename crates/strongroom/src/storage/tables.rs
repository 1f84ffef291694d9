//! The tables of the keystore file (docs/FORMAT.md section 4). Public only through
//! `strongroom::insecure_test_tables`, for tests that damage or roll back records with redb.

use redb::TableDefinition;

/// `"header"` -> the keystore header.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// key id -> sealed key record.
pub const KEYS: TableDefinition<u128, &[u8]> = TableDefinition::new("keys");
/// (key id, version) -> sealed version record.
pub const VERSIONS: TableDefinition<(u128, u32), &[u8]> = TableDefinition::new("key_versions");
/// alias name -> sealed alias record.
pub const ALIASES: TableDefinition<&str, &[u8]> = TableDefinition::new("aliases");
/// (due time in ms, key id) -> (): when each key next has work (rotation, destruction). Not
/// secret; the sealed key record decides what the work is.
pub const DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("due");
/// (token expiry in ms, key id, token id) -> sealed wrapping-key record: the RSA private key of
/// each outstanding import token, removed when used or expired.
pub const WRAPPING_KEYS: TableDefinition<(i64, u128, u128), &[u8]> =
    TableDefinition::new("import_wrapping_keys");
/// key id -> when the key was destroyed (ms). Lets a blob under a destroyed key fail with
/// `NotFound` while a blob naming a key this keystore never had fails with `InvalidCiphertext`.
/// Not secret, and only ever consulted to name an error.
pub const DESTROYED_KEYS: TableDefinition<u128, i64> = TableDefinition::new("destroyed_keys");
/// key id -> sealed policy record: a key's policy when it is not AWS's default (a key without
/// a row has the default policy; files from before policies have no table).
pub const KEY_POLICIES: TableDefinition<u128, &[u8]> = TableDefinition::new("key_policies");
/// (key id, grant id) -> sealed grant record.
pub const GRANTS: TableDefinition<(u128, &str), &[u8]> = TableDefinition::new("grants");
/// lowercase user name -> sealed user record (`strongroom iam`). Absent in files written before
/// users existed: no users.
pub const IAM_USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("iam_users");
/// access key id -> sealed access key record (with its secret). Absent in older files.
pub const IAM_ACCESS_KEYS: TableDefinition<&str, &[u8]> = TableDefinition::new("iam_access_keys");
/// secret id -> sealed secret record (docs/FORMAT.md section 13). The id is a keyed hash of the
/// secret's name, so a name is found without an index.
pub const SECRETS: TableDefinition<u128, &[u8]> = TableDefinition::new("secrets");
/// (secret id, version id) -> sealed secret version record: one version's envelope-encrypted value.
pub const SECRET_VERSIONS: TableDefinition<(u128, &str), &[u8]> =
    TableDefinition::new("secret_versions");
/// (destruction date in ms, secret id) -> (): when each secret scheduled for deletion is
/// destroyed. Not secret and not authenticated, like [`DUE`]: the sealed secret record decides.
pub const SECRET_DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("secret_due");
/// sequence -> audit event body || chain value (not secret; authenticated by the chain).
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");

/// key id -> the key's last successful cryptographic use: version (1), packed time and operation
/// (u64), HMAC under the audit key (docs/FORMAT.md section 4; `audit::last_use`). Not secret.
pub const LAST_USE: TableDefinition<u128, &[u8]> = TableDefinition::new("key_last_use");

/// The key of the keystore header in [`META`].
pub const HEADER_KEY: &str = "header";
/// The key of the keystore-wide commitment in [`META`] (docs/FORMAT.md section 11).
pub const INTEGRITY_KEY: &str = "integrity";
/// The key of the audit trail's signed head in [`META`] (docs/FORMAT.md section 12).
pub const AUDIT_HEAD_KEY: &str = "audit_head";
/// The key of the audit trail's signed pruning checkpoint in [`META`].
pub const AUDIT_CHECKPOINT_KEY: &str = "audit_checkpoint";
/// The key of the "a scrub is pending" mark in [`META`] (empty value): written in the transaction
/// that removes secret records, removed once the file has been rewritten (docs/FORMAT.md
/// section 4).
pub const SCRUB_PENDING_KEY: &str = "scrub_pending";
/// The key in [`META`] of since when the file tracks keys' last use (i64 ms, little-endian):
/// the first audited commit of a version that tracks.
pub const LAST_USE_SINCE_KEY: &str = "last_use_since";

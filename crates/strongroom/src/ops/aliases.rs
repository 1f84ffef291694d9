//! Alias names and the alias list entry.

use crate::audit::{Pending, Subject};
use crate::clock::Timestamp;
use crate::integrity::Bucket;
use crate::keystore::{Keystore, parse_key_id};
use crate::model::KeyState;
use crate::record::{AliasRecord, Slot};
use crate::store::ALIASES;
use crate::{Error, Result};
use redb::ReadableTable;

/// Longest alias name, `alias/` included.
pub const MAX_ALIAS_LEN: usize = 256;
/// Prefixes no alias may start with (compared without regard to case).
pub const RESERVED_PREFIXES: [&str; 2] = ["alias/aws/", "alias/strongroom/"];

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

/// Checks an alias name: `alias/` then one or more of `A-Z a-z 0-9 / _ -`, at most 256 bytes, not
/// under a reserved prefix.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let Some(rest) = name.strip_prefix("alias/") else {
        return Err(Error::Validation(format!(
            "alias name {name:?} must start with \"alias/\""
        )));
    };
    if rest.is_empty() || name.len() > MAX_ALIAS_LEN {
        return Err(Error::Validation(format!(
            "alias name must be \"alias/\" and 1 to {} more characters (it has {})",
            MAX_ALIAS_LEN - 6,
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

impl Keystore {
    /// Creates an alias for a key (AWS KMS `CreateAlias`). `AlreadyExists` if the name is taken;
    /// the target must be a key id or key ARN of a key that is not pending deletion.
    pub fn create_alias(&self, alias_name: &str, target_key_id: &str) -> Result<()> {
        self.logged("CreateAlias", Some(target_key_id), None, |s| {
            self.put_alias(alias_name, target_key_id, false, s)
        })
    }

    /// Points an existing alias at another key (AWS KMS `UpdateAlias`): the manual-rotation move.
    pub fn update_alias(&self, alias_name: &str, target_key_id: &str) -> Result<()> {
        self.logged("UpdateAlias", Some(target_key_id), None, |s| {
            self.put_alias(alias_name, target_key_id, true, s)
        })
    }

    fn put_alias(&self, name: &str, target: &str, update: bool, s: &mut Subject) -> Result<()> {
        check_name(name)?;
        let target_id = self.alias_target(target)?;
        s.key = Some(target_id);
        let g = self.lock();
        let key = self.key_locked(target_id, &g)?;
        if key.rec.key_state == KeyState::PendingDeletion {
            return Err(Error::InvalidState(format!(
                "key {target} is pending deletion; an alias cannot point at it"
            )));
        }
        let now = self.clock.now();
        let rec = match (self.alias_locked(name)?, update) {
            (Some(_), false) => {
                return Err(Error::AlreadyExists(format!(
                    "alias {name} already exists; use update_alias to point it at another key"
                )));
            }
            (None, true) => {
                return Err(Error::NotFound(format!(
                    "alias {name} does not exist; create it with create_alias"
                )));
            }
            (Some(old), true) => {
                let current = self.key_locked(old.target, &g)?;
                if current.rec.key_usage != key.rec.key_usage
                    || current.rec.key_spec != key.rec.key_spec
                {
                    return Err(Error::Validation(format!(
                        "alias {name} points at a {} {} key; it can only move to a key of the same spec and usage",
                        current.rec.key_spec, current.rec.key_usage
                    )));
                }
                AliasRecord {
                    target: target_id,
                    last_updated_date: now,
                    ..old
                }
            }
            (None, false) => AliasRecord {
                target: target_id,
                creation_date: now,
                last_updated_date: now,
            },
        };
        let sealed = self.sealer.seal(&Slot::alias(name), &rec.encode())?;
        let op = if update { "UpdateAlias" } else { "CreateAlias" };
        let event = Pending {
            key: Some(target_id),
            ..Pending::new(now, op)
        };
        self.write(&[Bucket::alias(name)], &[event], |tx| {
            tx.open_table(ALIASES)?.insert(name, sealed.as_slice())?;
            Ok(())
        })?;
        s.logged = true;
        self.aliases.write().insert(name.to_owned(), rec);
        Ok(())
    }

    /// A target given as a key id or key ARN (not an alias, as in AWS KMS).
    fn alias_target(&self, target: &str) -> Result<u128> {
        let local = target.strip_prefix(&self.arn("key/")).unwrap_or(target);
        parse_key_id(local).ok_or_else(|| {
            Error::Validation(format!(
                "alias target {target:?} must be a key id or key ARN (not an alias)"
            ))
        })
    }

    /// Deletes an alias; its key is not affected (AWS KMS `DeleteAlias`).
    pub fn delete_alias(&self, alias_name: &str) -> Result<()> {
        self.logged("DeleteAlias", Some(alias_name), None, |s| {
            check_name(alias_name)?;
            let _g = self.lock();
            let Some(old) = self.alias_locked(alias_name)? else {
                return Err(Error::NotFound(format!(
                    "alias {alias_name} does not exist"
                )));
            };
            s.key = Some(old.target);
            let event = Pending {
                key: Some(old.target),
                ..Pending::new(self.clock.now(), "DeleteAlias")
            };
            self.write(&[Bucket::alias(alias_name)], &[event], |tx| {
                tx.open_table(ALIASES)?.remove(alias_name)?;
                Ok(())
            })?;
            s.logged = true;
            self.aliases.write().remove(alias_name);
            Ok(())
        })
    }

    /// Aliases ordered by name, all or only those of one key (AWS KMS `ListAliases`).
    pub fn list_aliases(&self, key_id: Option<&str>) -> Result<Vec<AliasListEntry>> {
        self.logged("ListAliases", key_id, None, |s| {
            self.list_aliases_logged(key_id, s)
        })
    }

    fn list_aliases_logged(
        &self,
        key_id: Option<&str>,
        s: &mut Subject,
    ) -> Result<Vec<AliasListEntry>> {
        self.maintain_if_due()?;
        let only = match key_id {
            Some(k) => {
                let id = self.resolve(k)?;
                s.key = Some(id);
                Some(self.key(id)?.id)
            }
            None => None,
        };
        let mut out = Vec::new();
        for (name, rec) in self.all_aliases()? {
            if only.is_some_and(|id| id != rec.target) {
                continue;
            }
            out.push(AliasListEntry {
                alias_arn: self.arn(&name),
                alias_name: name,
                target_key_id: uuid::Uuid::from_u128(rec.target).to_string(),
                creation_date: rec.creation_date,
                last_updated_date: rec.last_updated_date,
            });
        }
        Ok(out)
    }

    /// Every alias, unsealed, ordered by name (after verifying every alias bucket).
    pub(crate) fn all_aliases(&self) -> Result<Vec<(String, AliasRecord)>> {
        let rows = self.read(|tx| {
            for c in 0..=u8::MAX {
                let name = [b"alias/".as_slice(), &[c]].concat();
                self.integrity
                    .verify(tx, Bucket::alias(&String::from_utf8_lossy(&name)))?;
            }
            let mut rows = Vec::new();
            for row in tx.open_table(ALIASES)?.iter()? {
                let (k, v) = row?;
                rows.push((k.value().to_string(), v.value().to_vec()));
            }
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(name, sealed)| {
                let rec = AliasRecord::decode(&self.sealer.open(&Slot::alias(&name), &sealed)?)?;
                Ok((name, rec))
            })
            .collect()
    }
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
}

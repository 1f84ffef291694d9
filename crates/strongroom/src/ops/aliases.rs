//! Aliases (SPEC section 3): create, update, delete, list.

use crate::audit::subject::Subject;
use crate::format::audit_batch::PendingEvent;
use crate::format::records::{AliasRecord, Slot};
use crate::keystore::handle::Keystore;
use crate::model::alias::AliasListEntry;
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::rules::alias_name::check_name;
use crate::rules::paging::{self, LIST_ALIASES_LIMIT};
use crate::rules::state::{self, Action};
use crate::storage::integrity::Bucket;
use crate::storage::tables::ALIASES;
use crate::{Error, Result};

impl Keystore {
    /// Creates an alias for a key (AWS KMS `CreateAlias`). `AlreadyExists` if the name is taken;
    /// the target must be a key id or key ARN of a key that is not pending deletion.
    pub fn create_alias(&self, alias_name: &str, target_key_id: &str) -> Result<()> {
        self.logged(Operation::CreateAlias, Some(target_key_id), None, |s| {
            self.put_alias(alias_name, target_key_id, false, s)
        })
    }

    /// Points an existing alias at another key (AWS KMS `UpdateAlias`): the manual-rotation move.
    pub fn update_alias(&self, alias_name: &str, target_key_id: &str) -> Result<()> {
        self.logged(Operation::UpdateAlias, Some(target_key_id), None, |s| {
            self.put_alias(alias_name, target_key_id, true, s)
        })
    }

    fn put_alias(&self, name: &str, target: &str, update: bool, s: &mut Subject) -> Result<()> {
        check_name(name)?;
        let target_id = self.alias_target(target)?;
        s.key = Some(target_id);
        let g = self.lock();
        let key = self.key_locked(target_id, &g)?;
        state::check(Action::AliasTarget, target_id, &key.rec, self.clock.now())?;
        let now = self.clock.now();
        let rec = match (self.alias_locked(name)?, update) {
            (Some(_), false) => {
                return Err(Error::AlreadyExists(format!(
                    "alias {name} already exists; point it at another key with {}",
                    Operation::UpdateAlias
                )));
            }
            (None, true) => {
                return Err(Error::NotFound(format!(
                    "alias {name} does not exist; create it with {}",
                    Operation::CreateAlias
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
        let op = if update {
            Operation::UpdateAlias
        } else {
            Operation::CreateAlias
        };
        let event = PendingEvent {
            key: Some(target_id),
            ..PendingEvent::new(now, op)
        };
        self.write(&[Bucket::alias(name)], &[event], |tx| {
            tx.open_table(ALIASES)?.insert(name, sealed.as_slice())?;
            Ok(())
        })?;
        s.logged = true;
        self.cache_alias(name, Some(rec));
        Ok(())
    }

    /// Deletes an alias; its key is not affected (AWS KMS `DeleteAlias`).
    pub fn delete_alias(&self, alias_name: &str) -> Result<()> {
        self.logged(Operation::DeleteAlias, Some(alias_name), None, |s| {
            check_name(alias_name)?;
            let _g = self.lock();
            let Some(old) = self.alias_locked(alias_name)? else {
                return Err(Error::NotFound(format!(
                    "alias {alias_name} does not exist"
                )));
            };
            s.key = Some(old.target);
            let event = PendingEvent {
                key: Some(old.target),
                ..PendingEvent::new(self.clock.now(), Operation::DeleteAlias)
            };
            self.write(&[Bucket::alias(alias_name)], &[event], |tx| {
                tx.open_table(ALIASES)?.remove(alias_name)?;
                Ok(())
            })?;
            s.logged = true;
            self.cache_alias(alias_name, None);
            Ok(())
        })
    }

    /// Aliases ordered by name, all or only those of one key (AWS KMS `ListAliases`).
    pub fn list_aliases(&self, key_id: Option<&str>) -> Result<Vec<AliasListEntry>> {
        self.logged(Operation::ListAliases, key_id, None, |s| {
            self.list_aliases_logged(key_id, s)
        })
    }

    /// One page of [`Keystore::list_aliases`] (AWS KMS `ListAliases`: `limit` 1 to 100,
    /// default 50), ordered by alias name.
    pub fn list_aliases_page(
        &self,
        key_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<AliasListEntry>> {
        self.logged(Operation::ListAliases, key_id, None, |s| {
            paging::check(page, LIST_ALIASES_LIMIT)?;
            let aliases = self.list_aliases_logged(key_id, s)?;
            paging::page(aliases, |a| a.alias_name.clone(), page, LIST_ALIASES_LIMIT)
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
}

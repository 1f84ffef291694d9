//! Who may use a key: its policy (parsed once) and its grants, cached per key like the keys
//! themselves (filled under the change lock after verifying the key's bucket, replaced by every
//! change), so a permission check on the server's encrypt path reads no file.

use crate::format::access::{GrantRecord, decode_policy};
use crate::format::records::Slot;
use crate::keystore::handle::Keystore;
use crate::keystore::key_access::{Grants, KeyAccess};
use crate::rules::policy::{Policy, default_policy};
use crate::storage::integrity::Bucket;
use crate::storage::tables::{GRANTS, KEY_POLICIES};
use crate::{Error, Result};
use parking_lot::MutexGuard;
use redb::ReadableTable;
use std::sync::Arc;

/// Reads the stored policy and grants of key `id` in `tx`, opening each sealed record.
pub(crate) fn read_access(
    ks: &Keystore,
    tx: &redb::ReadTransaction,
    id: u128,
) -> Result<(Option<String>, Grants)> {
    ks.integrity.verify(tx, Bucket::key(id))?;
    let policy = match tx.open_table(KEY_POLICIES) {
        Ok(t) => match t.get(id)? {
            Some(v) => Some(decode_policy(
                &ks.sealer.open(&Slot::policy(id), v.value())?,
            )?),
            None => None,
        },
        Err(redb::TableError::TableDoesNotExist(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let mut grants = Vec::new();
    match tx.open_table(GRANTS) {
        Ok(t) => {
            for row in t.range((id, "")..)? {
                let (k, v) = row?;
                let (key, grant_id) = k.value();
                if key != id {
                    break;
                }
                let plain = ks.sealer.open(&Slot::grant(id, grant_id), v.value())?;
                grants.push((grant_id.to_owned(), GrantRecord::decode(&plain)?));
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok((policy, grants))
}

impl Keystore {
    /// Key `id`'s policy and grants, from the cache or the file (the key must exist: callers
    /// resolve and load it first).
    pub(crate) fn access(&self, id: u128) -> Result<Arc<KeyAccess>> {
        if let Some(a) = self.access.read().get(&id) {
            return Ok(a.clone());
        }
        let g = self.lock();
        self.access_locked(id, &g)
    }

    /// As [`Self::access`], for a caller holding the change lock.
    pub(crate) fn access_locked(
        &self,
        id: u128,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<Arc<KeyAccess>> {
        if let Some(a) = self.access.read().get(&id) {
            return Ok(a.clone());
        }
        let (text, grants) = self.read(|tx| read_access(self, tx, id))?;
        let a = Arc::new(self.key_access(id, text, grants)?);
        self.access.write().insert(id, a.clone());
        Ok(a)
    }

    /// Builds the cache entry, parsing the policy (a stored policy that no longer parses, for
    /// example after the keystore's account was changed, fails closed).
    pub(crate) fn key_access(
        &self,
        id: u128,
        text: Option<String>,
        grants: Grants,
    ) -> Result<KeyAccess> {
        let source = text
            .clone()
            .unwrap_or_else(|| default_policy(&self.aws_account_id));
        let policy = Policy::parse(&source, &self.aws_account_id).map_err(|e| {
            Error::MalformedPolicyDocument(format!(
                "the policy of key {} no longer parses ({}); the keystore's AWS account may have \
                 changed: put a new policy with PutKeyPolicy in-process",
                uuid::Uuid::from_u128(id),
                e.message()
            ))
        })?;
        Ok(KeyAccess {
            policy_text: text,
            policy,
            grants,
        })
    }

    /// Replaces key `id`'s cache entry after a committed change (the caller holds the change lock).
    pub(crate) fn cache_access(&self, id: u128, access: KeyAccess) {
        self.access.write().insert(id, Arc::new(access));
    }

    /// Drops key `id`'s cache entry (its key was destroyed).
    pub(crate) fn forget_access(&self, id: u128) {
        self.access.write().remove(&id);
    }
}

/// Removes key `id`'s policy and grants in `tx` (its destruction).
pub(crate) fn remove_access(tx: &redb::WriteTransaction, id: u128) -> Result<()> {
    tx.open_table(KEY_POLICIES)?.remove(id)?;
    let mut t = tx.open_table(GRANTS)?;
    let mut ids = Vec::new();
    for row in t.range((id, "")..)? {
        let (k, _) = row?;
        let (key, grant_id) = k.value();
        if key != id {
            break;
        }
        ids.push(grant_id.to_owned());
    }
    for g in &ids {
        t.remove((id, g.as_str()))?;
    }
    Ok(())
}

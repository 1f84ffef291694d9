//! The keystore's principals in memory: users and access keys, read from the file once per open
//! (after verifying their bucket against the keystore-wide commitment) and updated after each
//! committed change, so a server's lookup of an access key is one hash-map read.

use crate::format::iam_records::{AccessKeyRecord, UserRecord};
use crate::format::records::Slot;
use crate::keystore::handle::Keystore;
use crate::keystore::iam_state::{AccessKeyEntry, IamState};
use crate::model::iam::AccessKeyCredential;
use crate::storage::integrity::Bucket;
use crate::storage::tables::{IAM_ACCESS_KEYS, IAM_USERS};
use crate::{Error, Result};
use parking_lot::MutexGuard;
use redb::ReadableTable;
use std::sync::Arc;

impl Keystore {
    /// `arn:aws:iam::ACCOUNT:user/NAME`.
    pub(crate) fn user_arn(&self, user_name: &str) -> String {
        format!("arn:aws:iam::{}:user/{user_name}", self.aws_account_id)
    }

    /// The principals, loaded from the file if this is their first use since open; for a caller
    /// holding the change lock (the state changes only under it).
    pub(crate) fn iam_locked(
        &self,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<parking_lot::MappedRwLockReadGuard<'_, IamState>> {
        if self.iam.read().is_none() {
            let loaded = self.load_iam()?;
            *self.iam.write() = Some(loaded);
        }
        Ok(parking_lot::RwLockReadGuard::map(self.iam.read(), |s| {
            s.as_ref().expect("loaded above, under the change lock")
        }))
    }

    /// Applies `change` to the loaded principals (after a committed change).
    pub(crate) fn iam_update(&self, change: impl FnOnce(&mut IamState)) {
        if let Some(s) = self.iam.write().as_mut() {
            change(s);
        }
    }

    fn load_iam(&self) -> Result<IamState> {
        self.read(|tx| {
            self.integrity.verify(tx, Bucket::IAM)?;
            let mut state = IamState::default();
            match tx.open_table(IAM_USERS) {
                Ok(t) => {
                    for row in t.iter()? {
                        let (k, v) = row?;
                        let key = k.value();
                        let plain = self.sealer.open(&Slot::user(key), v.value())?;
                        let rec = UserRecord::decode(&plain)?;
                        if crate::rules::iam::user_key(&rec.user_name) != key {
                            return Err(Error::Corrupt(format!(
                                "the record of user {key} names another user"
                            )));
                        }
                        state.users.insert(key.to_owned(), rec);
                    }
                }
                // A file from before users: none.
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(state),
                Err(e) => return Err(e.into()),
            }
            match tx.open_table(IAM_ACCESS_KEYS) {
                Ok(t) => {
                    for row in t.iter()? {
                        let (k, v) = row?;
                        let id = k.value();
                        let plain = self.sealer.open(&Slot::access_key(id), v.value())?;
                        let rec = AccessKeyRecord::decode(&plain)?;
                        let Some(user) = state.users.get(rec.user_key) else {
                            return Err(Error::Corrupt(format!(
                                "access key {id} belongs to no user: the keystore file was \
                                 tampered with; restore it from a backup"
                            )));
                        };
                        let credential = AccessKeyCredential::new(
                            id,
                            user.user_name.as_str(),
                            self.user_arn(&user.user_name),
                            rec.status,
                            rec.secret,
                        );
                        state.keys.insert(
                            id.to_owned(),
                            AccessKeyEntry {
                                user_key: rec.user_key.to_owned(),
                                create_date: rec.create_date,
                                credential: Arc::new(credential),
                            },
                        );
                    }
                }
                Err(redb::TableError::TableDoesNotExist(_)) => {}
                Err(e) => return Err(e.into()),
            }
            Ok(state)
        })
    }
}

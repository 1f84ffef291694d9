//! The keystore's principals (SPEC section 12, `strongroom iam`): users and their access keys,
//! with AWS IAM's names, rules and errors, kept sealed in the keystore file, and the lookup a
//! server verifies signatures with. Every call but the lookup is audited; no secret is ever in
//! the audit trail.

use crate::crypto::random;
use crate::format::audit_batch::PendingEvent;
use crate::format::iam_records::{AccessKeyRecord, UserRecord};
use crate::format::records::Slot;
use crate::keystore::handle::Keystore;
use crate::keystore::iam_state::{AccessKeyEntry, IamState};
use crate::model::iam::{
    AccessKeyCredential, AccessKeyMetadata, AccessKeyStatus, IamUser, NewAccessKey,
};
use crate::model::operation::Operation;
use crate::model::secret_bytes::SecretBytes;
use crate::rules::iam::{
    ACCESS_KEY_ID_LEN, MAX_ACCESS_KEYS_PER_USER, MAX_USERS, SECRET_ACCESS_KEY_LEN,
    check_access_key_id, check_user_name, user_key,
};
use crate::storage::integrity::Bucket;
use crate::storage::tables::{IAM_ACCESS_KEYS, IAM_USERS};
use crate::{Error, Result};
use std::sync::Arc;

/// The base32 alphabet of IAM's ids (RFC 4648, uppercase).
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The base64 alphabet of IAM's secret access keys.
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Characters after `AIDA` in a user id (21 in all, as IAM's).
const USER_ID_SUFFIX_LEN: usize = 17;

/// `prefix` and `n` random base32 characters.
fn random_id(prefix: &str, n: usize) -> Result<String> {
    let mut tail = vec![0u8; n];
    random::chars(&mut tail, BASE32)?;
    Ok(format!("{prefix}{}", String::from_utf8_lossy(&tail)))
}

fn no_such_user(name: &str) -> Error {
    Error::NotFound(format!(
        "user {name} does not exist; create it with {}",
        Operation::CreateUser
    ))
}

impl Keystore {
    fn user_of(&self, rec: &UserRecord) -> IamUser {
        IamUser {
            path: "/".into(),
            user_name: rec.user_name.clone(),
            user_id: rec.user_id.clone(),
            arn: self.user_arn(&rec.user_name),
            create_date: rec.create_date,
        }
    }

    /// Creates a user (AWS IAM `CreateUser`). The name is 1 to 64 characters of letters, digits
    /// and `_+=,.@-` (`Validation`) and unique without regard to case (`AlreadyExists`, IAM's
    /// `EntityAlreadyExists`); at most [`MAX_USERS`] users (`LimitExceeded`).
    pub fn create_user(&self, user_name: &str) -> Result<IamUser> {
        self.logged(Operation::CreateUser, None, None, |s| {
            check_user_name(user_name)?;
            let key = user_key(user_name);
            let g = self.lock();
            let rec = {
                let iam = self.iam_locked(&g)?;
                if let Some(existing) = iam.users.get(&key) {
                    return Err(Error::AlreadyExists(format!(
                        "user {} already exists (user names are unique without regard to case)",
                        existing.user_name
                    )));
                }
                if iam.users.len() >= MAX_USERS {
                    return Err(Error::LimitExceeded(format!(
                        "the keystore holds {MAX_USERS} users, the most it may; delete one with {}",
                        Operation::DeleteUser
                    )));
                }
                let user_id = loop {
                    let id = random_id("AIDA", USER_ID_SUFFIX_LEN)?;
                    if !iam.users.values().any(|u| u.user_id == id) {
                        break id;
                    }
                };
                UserRecord {
                    user_name: user_name.to_owned(),
                    user_id,
                    create_date: self.clock.now(),
                }
            };
            let sealed = self.sealer.seal(&Slot::user(&key), &rec.encode())?;
            let event = PendingEvent::new(rec.create_date, Operation::CreateUser);
            self.write(&[Bucket::IAM], &[event], |tx| {
                tx.open_table(IAM_USERS)?
                    .insert(key.as_str(), sealed.as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            let user = self.user_of(&rec);
            self.iam_update(|st| {
                st.users.insert(key, rec);
            });
            Ok(user)
        })
    }

    /// Deletes a user (AWS IAM `DeleteUser`): `NotFound` (IAM's `NoSuchEntity`) if there is no
    /// such user; `InvalidState` (IAM's `DeleteConflict`) while it has access keys.
    pub fn delete_user(&self, user_name: &str) -> Result<()> {
        self.logged(Operation::DeleteUser, None, None, |s| {
            check_user_name(user_name)?;
            let key = user_key(user_name);
            let g = self.lock();
            {
                let iam = self.iam_locked(&g)?;
                let Some(user) = iam.users.get(&key) else {
                    return Err(no_such_user(user_name));
                };
                let n = iam.keys_of(&key).len();
                if n > 0 {
                    return Err(Error::InvalidState(format!(
                        "user {} has {n} access key(s); delete them with {} first",
                        user.user_name,
                        Operation::DeleteAccessKey
                    )));
                }
            }
            let event = PendingEvent::new(self.clock.now(), Operation::DeleteUser);
            self.write(&[Bucket::IAM], &[event], |tx| {
                tx.open_table(IAM_USERS)?.remove(key.as_str())?;
                Ok(())
            })?;
            s.logged = true;
            self.iam_update(|st| {
                st.users.remove(&key);
            });
            Ok(())
        })
    }

    /// Every user, ordered by name without regard to case (AWS IAM `ListUsers`).
    pub fn list_users(&self) -> Result<Vec<IamUser>> {
        self.logged(Operation::ListUsers, None, None, |_| {
            let g = self.lock();
            let iam = self.iam_locked(&g)?;
            Ok(iam.users.values().map(|u| self.user_of(u)).collect())
        })
    }

    /// Creates an access key for a user (AWS IAM `CreateAccessKey`): an id of `AKIA` and 16
    /// base32 characters and a secret of 40 characters of the base64 alphabet, both from the
    /// operating system's generator, status `Active`. The secret is returned here only: the
    /// keystore keeps it sealed. `NotFound` without such a user; `LimitExceeded` if the user
    /// already has [`MAX_ACCESS_KEYS_PER_USER`] keys.
    pub fn create_access_key(&self, user_name: &str) -> Result<NewAccessKey> {
        self.logged(Operation::CreateAccessKey, None, None, |s| {
            check_user_name(user_name)?;
            let key = user_key(user_name);
            let g = self.lock();
            let (owner, access_key_id) = {
                let iam = self.iam_locked(&g)?;
                let Some(user) = iam.users.get(&key) else {
                    return Err(no_such_user(user_name));
                };
                if iam.keys_of(&key).len() >= MAX_ACCESS_KEYS_PER_USER {
                    return Err(Error::LimitExceeded(format!(
                        "user {} already has {MAX_ACCESS_KEYS_PER_USER} access keys, the most a \
                         user may have; delete one with {} first",
                        user.user_name,
                        Operation::DeleteAccessKey
                    )));
                }
                let id = loop {
                    let id = random_id("AKIA", ACCESS_KEY_ID_LEN - 4)?;
                    if !iam.keys.contains_key(&id) {
                        break id;
                    }
                };
                (user.user_name.clone(), id)
            };
            let mut secret = SecretBytes::zeroed(SECRET_ACCESS_KEY_LEN);
            random::chars(secret.as_mut_bytes(), BASE64)?;
            let now = self.clock.now();
            let status = AccessKeyStatus::Active;
            let plain = AccessKeyRecord {
                user_key: &key,
                status,
                create_date: now,
                secret: secret.as_bytes(),
            }
            .encode();
            let sealed = self
                .sealer
                .seal(&Slot::access_key(&access_key_id), &plain)?;
            drop(plain);
            let event = PendingEvent::new(now, Operation::CreateAccessKey);
            self.write(&[Bucket::IAM], &[event], |tx| {
                tx.open_table(IAM_ACCESS_KEYS)?
                    .insert(access_key_id.as_str(), sealed.as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            let credential = AccessKeyCredential::new(
                access_key_id.as_str(),
                owner.as_str(),
                self.user_arn(&owner),
                status,
                secret.as_bytes(),
            );
            self.iam_update(|st| {
                st.keys.insert(
                    access_key_id.clone(),
                    AccessKeyEntry {
                        user_key: key,
                        create_date: now,
                        credential: Arc::new(credential),
                    },
                );
            });
            Ok(NewAccessKey {
                user_name: owner,
                access_key_id,
                status,
                secret_access_key: secret,
                create_date: now,
            })
        })
    }

    /// The access keys of one user (`NotFound` without such a user), or of every user, without
    /// their secrets (AWS IAM `ListAccessKeys`), ordered by user name, then creation.
    pub fn list_access_keys(&self, user_name: Option<&str>) -> Result<Vec<AccessKeyMetadata>> {
        self.logged(Operation::ListAccessKeys, None, None, |_| {
            let g = self.lock();
            let iam = self.iam_locked(&g)?;
            let users: Vec<&String> = match user_name {
                Some(name) => {
                    check_user_name(name)?;
                    let key = user_key(name);
                    let Some((k, _)) = iam.users.get_key_value(&key) else {
                        return Err(no_such_user(name));
                    };
                    vec![k]
                }
                None => iam.users.keys().collect(),
            };
            let mut out = Vec::new();
            for key in users {
                for (id, e) in iam.keys_of(key) {
                    out.push(AccessKeyMetadata {
                        user_name: e.credential.user_name().to_owned(),
                        access_key_id: id.clone(),
                        status: e.credential.status(),
                        create_date: e.create_date,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Makes an access key `Active` or `Inactive` (AWS IAM `UpdateAccessKey`); an inactive key
    /// is kept but refused by a server. With `user_name`, the key must be that user's.
    pub fn update_access_key(
        &self,
        access_key_id: &str,
        status: AccessKeyStatus,
        user_name: Option<&str>,
    ) -> Result<()> {
        self.logged(Operation::UpdateAccessKey, None, None, |s| {
            let g = self.lock();
            let (user_key, create_date, credential) = {
                let iam = self.iam_locked(&g)?;
                let e = find_key(&iam, access_key_id, user_name)?;
                (e.user_key.clone(), e.create_date, e.credential.clone())
            };
            let plain = AccessKeyRecord {
                user_key: &user_key,
                status,
                create_date,
                secret: credential.secret(),
            }
            .encode();
            let sealed = self.sealer.seal(&Slot::access_key(access_key_id), &plain)?;
            drop(plain);
            let event = PendingEvent::new(self.clock.now(), Operation::UpdateAccessKey);
            self.write(&[Bucket::IAM], &[event], |tx| {
                tx.open_table(IAM_ACCESS_KEYS)?
                    .insert(access_key_id, sealed.as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            let updated = Arc::new(credential.with_status(status));
            self.iam_update(|st| {
                if let Some(e) = st.keys.get_mut(access_key_id) {
                    e.credential = updated;
                }
            });
            Ok(())
        })
    }

    /// Deletes an access key and its secret (AWS IAM `DeleteAccessKey`); the file is then
    /// rewritten so the sealed secret is gone from its bytes. With `user_name`, the key must be
    /// that user's. `NotFound` (IAM's `NoSuchEntity`) otherwise.
    pub fn delete_access_key(&self, access_key_id: &str, user_name: Option<&str>) -> Result<()> {
        let r = self.logged(Operation::DeleteAccessKey, None, None, |s| {
            let g = self.lock();
            find_key(&*self.iam_locked(&g)?, access_key_id, user_name)?;
            let event = PendingEvent::new(self.clock.now(), Operation::DeleteAccessKey);
            self.write(&[Bucket::IAM], &[event], |tx| {
                tx.open_table(IAM_ACCESS_KEYS)?.remove(access_key_id)?;
                self.mark_scrub(tx)
            })?;
            s.logged = true;
            self.iam_update(|st| {
                st.keys.remove(access_key_id);
            });
            Ok(())
        });
        // The sealed secret was removed: rewrite the file now.
        self.scrub_soon();
        r
    }

    /// The access key `access_key_id` with its secret and principal, for a server verifying a
    /// signature: `None` if there is no such key. One hash-map read once the keystore's users
    /// are loaded (the first call loads them). Not audited: the call it authenticates is, under
    /// that principal ([`Keystore::as_caller`]).
    pub fn access_key(&self, access_key_id: &str) -> Result<Option<Arc<AccessKeyCredential>>> {
        self.same_process(false)?;
        if let Some(iam) = &*self.iam.read() {
            return Ok(iam.keys.get(access_key_id).map(|e| e.credential.clone()));
        }
        let g = self.lock();
        let iam = self.iam_locked(&g)?;
        Ok(iam.keys.get(access_key_id).map(|e| e.credential.clone()))
    }
}

/// The access key `id`, which must be `user_name`'s when given.
fn find_key<'a>(
    iam: &'a IamState,
    id: &str,
    user_name: Option<&str>,
) -> Result<&'a AccessKeyEntry> {
    check_access_key_id(id)?;
    if let Some(name) = user_name {
        check_user_name(name)?;
        if !iam.users.contains_key(&user_key(name)) {
            return Err(no_such_user(name));
        }
    }
    match iam.keys.get(id) {
        Some(e) if user_name.is_none_or(|n| user_key(n) == e.user_key) => Ok(e),
        _ => Err(Error::NotFound(format!(
            "access key {id} does not exist{}",
            user_name
                .map(|n| format!(" for user {n}"))
                .unwrap_or_default()
        ))),
    }
}

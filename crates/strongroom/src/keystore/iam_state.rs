//! The keystore's principals as held in memory: every user (by lowercase name) and access key
//! (by id), with each key's credential ready for a server's lookup. Filled and kept by
//! `keystore::iam_cache`.

use crate::format::iam_records::UserRecord;
use crate::model::clock::Timestamp;
use crate::model::iam::AccessKeyCredential;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// An access key as the cache holds it.
pub(crate) struct AccessKeyEntry {
    /// The owner's table key (lowercase name).
    pub user_key: String,
    pub create_date: Timestamp,
    pub credential: Arc<AccessKeyCredential>,
}

/// Every user (by lowercase name) and access key (by id).
#[derive(Default)]
pub(crate) struct IamState {
    pub users: BTreeMap<String, UserRecord>,
    pub keys: HashMap<String, AccessKeyEntry>,
}

impl IamState {
    /// The access keys of the user whose table key is `user_key`, oldest first.
    pub fn keys_of<'a>(&'a self, user_key: &'a str) -> Vec<(&'a String, &'a AccessKeyEntry)> {
        let mut v: Vec<_> = self
            .keys
            .iter()
            .filter(|(_, e)| e.user_key == user_key)
            .collect();
        v.sort_by(|a, b| (a.1.create_date, a.0).cmp(&(b.1.create_date, b.0)));
        v
    }
}

//! A key's policy and grants as the access cache holds them (`keystore::access` fills it).

use crate::format::access::GrantRecord;
use crate::rules::policy::{Policy, default_policy};
use std::collections::HashMap;
use std::sync::Arc;

/// A key's grants: (grant id, grant), by grant id.
pub(crate) type Grants = Vec<(String, GrantRecord)>;

/// A key's policy and grants.
pub(crate) struct KeyAccess {
    /// The policy text as given; `None` for AWS's default policy.
    pub policy_text: Option<String>,
    pub policy: Policy,
    pub grants: Grants,
}

/// The per-key cache.
pub(crate) type AccessCache = parking_lot::RwLock<HashMap<u128, Arc<KeyAccess>>>;

impl KeyAccess {
    /// The policy text `GetKeyPolicy` returns.
    pub fn text(&self, account: &str) -> String {
        self.policy_text
            .clone()
            .unwrap_or_else(|| default_policy(account))
    }
}

//! Key references: a key id, key ARN, alias name or alias ARN, resolved to a key id; ARNs.

use crate::error::NOT_AN_ARN;
use crate::keystore::handle::Keystore;
use crate::rules::alias_name::is_alias;
use crate::rules::bounds::check_key_ref;
use crate::{Error, Result};

impl Keystore {
    /// `arn:strongroom:kms:local:<keystore id>:<resource>`.
    pub(crate) fn arn(&self, resource: impl std::fmt::Display) -> String {
        format!("arn:strongroom:kms:local:{}:{resource}", self.id_str)
    }

    pub(crate) fn key_arn(&self, id: u128) -> String {
        // Formatted in one pass: it runs on every decrypt.
        self.arn(format_args!("key/{}", uuid::Uuid::from_u128(id)))
    }

    /// Resolves a key id, key ARN, alias name or alias ARN to a key id. Does not load the key.
    pub(crate) fn resolve(&self, key_ref: &str) -> Result<u128> {
        self.maintain_if_due()?;
        self.lookup(key_ref)
    }

    /// As [`Self::resolve`], without running due work.
    pub(crate) fn lookup(&self, key_ref: &str) -> Result<u128> {
        check_key_ref(key_ref)?;
        let local = match key_ref.strip_prefix("arn:") {
            Some(_) => {
                let prefix = self.arn("");
                key_ref.strip_prefix(prefix.as_str()).ok_or_else(|| {
                    Error::NotFound(format!("{key_ref:?} {NOT_AN_ARN} ({prefix}...)"))
                })?
            }
            None => key_ref,
        };
        if is_alias(local) {
            return self
                .alias(local)?
                .map(|a| a.target)
                .ok_or_else(|| Error::NotFound(format!("alias {local:?} does not exist")));
        }
        let id = local.strip_prefix("key/").unwrap_or(local);
        parse_key_id(id).ok_or_else(|| {
            Error::NotFound(format!(
                "{key_ref:?} is not a key id, key ARN, alias name or alias ARN"
            ))
        })
    }

    /// A target given as a key id or key ARN (not an alias, as in AWS KMS).
    pub(crate) fn alias_target(&self, target: &str) -> Result<u128> {
        let local = target.strip_prefix(&self.arn("key/")).unwrap_or(target);
        parse_key_id(local).ok_or_else(|| {
            Error::Validation(format!(
                "alias target {target:?} must be a key id or key ARN (not an alias)"
            ))
        })
    }
}

/// Parses a lowercase hyphenated UUID.
pub(crate) fn parse_key_id(s: &str) -> Option<u128> {
    if s.len() != 36 || s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    uuid::Uuid::try_parse(s).ok().map(|u| u.as_u128())
}

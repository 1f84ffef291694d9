//! Key references: a key id, key ARN, alias name or alias ARN, resolved to a key id; ARNs and
//! key material ids.

use crate::error::NOT_AN_ARN;
use crate::keystore::handle::Keystore;
use crate::model::key_material::KeyMaterialId;
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

    /// The ARN given in this keystore's AWS form, `arn:aws:kms:REGION:ACCOUNT:<resource>` (the
    /// region and account of [`crate::Options`]), as `strongroom serve` presents it. Every
    /// surface accepts both forms; a string that is not this keystore's `arn:strongroom:` ARN
    /// comes back unchanged.
    ///
    /// ```
    /// # use strongroom::{CreateKey, Keystore, Options};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?;
    /// let aws = ks.aws_arn(&key.arn);
    /// assert_eq!(aws, format!("arn:aws:kms:us-east-1:111122223333:key/{}", key.key_id));
    /// assert_eq!(ks.key_id_of(&aws)?, key.key_id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aws_arn(&self, arn: &str) -> String {
        match arn.strip_prefix(self.arn("").as_str()) {
            Some(resource) => format!("{}{resource}", self.aws_arn_prefix),
            None => arn.to_owned(),
        }
    }

    /// The `KeyMaterialId` of version `n` of key `id`: HMAC-SHA-256 under the material-id
    /// sub-key of `key id (16 bytes, big-endian) || n (4 bytes, big-endian)`, in hex
    /// (docs/FORMAT.md section 6). Stable for the keystore's life and independent of the material.
    pub(crate) fn material_id(&self, id: u128, n: u32) -> KeyMaterialId {
        KeyMaterialId::from_digest(
            &self
                .material_ids
                .sign(&[&id.to_be_bytes(), &n.to_be_bytes()]),
        )
    }

    /// The 12-digit account of the keystore's AWS-form ARNs (`AWSAccountId` in AWS's shapes).
    pub fn aws_account_id(&self) -> &str {
        &self.aws_account_id
    }

    /// The `<resource>` of an ARN of this keystore in either form (`key/ID`, `alias/NAME`), or
    /// `None` for a string that is not one.
    fn arn_resource<'a>(&self, arn: &'a str) -> Option<&'a str> {
        arn.strip_prefix(self.arn("").as_str())
            .or_else(|| arn.strip_prefix(self.aws_arn_prefix.as_str()))
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
            Some(_) => self.arn_resource(key_ref).ok_or_else(|| {
                Error::NotFound(format!(
                    "{key_ref:?} {NOT_AN_ARN} ({}... or {}...)",
                    self.arn(""),
                    self.aws_arn_prefix
                ))
            })?,
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
        let local = match self.arn_resource(target) {
            Some(resource) => resource.strip_prefix("key/").unwrap_or(target),
            None => target,
        };
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

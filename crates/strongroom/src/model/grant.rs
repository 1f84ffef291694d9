//! Grants (SPEC section 13): what `CreateGrant` takes and `ListGrants` returns.

use crate::model::clock::Timestamp;
use crate::model::names::names;
use std::collections::BTreeMap;

names! {
    /// An operation a grant may allow (AWS KMS's `GrantOperation`).
    GrantOperation {
        /// `Decrypt`.
        Decrypt = 1, "Decrypt";
        /// `Encrypt`.
        Encrypt = 2, "Encrypt";
        /// `GenerateDataKey`.
        GenerateDataKey = 3, "GenerateDataKey";
        /// `GenerateDataKeyWithoutPlaintext`.
        GenerateDataKeyWithoutPlaintext = 4, "GenerateDataKeyWithoutPlaintext";
        /// The source half of `ReEncrypt`.
        ReEncryptFrom = 5, "ReEncryptFrom";
        /// The destination half of `ReEncrypt`.
        ReEncryptTo = 6, "ReEncryptTo";
        /// `Sign`.
        Sign = 7, "Sign";
        /// `Verify`.
        Verify = 8, "Verify";
        /// `GetPublicKey`.
        GetPublicKey = 9, "GetPublicKey";
        /// `CreateGrant`.
        CreateGrant = 10, "CreateGrant";
        /// `RetireGrant`.
        RetireGrant = 11, "RetireGrant";
        /// `DescribeKey`.
        DescribeKey = 12, "DescribeKey";
        /// `GenerateDataKeyPair`.
        GenerateDataKeyPair = 13, "GenerateDataKeyPair";
        /// `GenerateDataKeyPairWithoutPlaintext`.
        GenerateDataKeyPairWithoutPlaintext = 14, "GenerateDataKeyPairWithoutPlaintext";
        /// `GenerateMac`.
        GenerateMac = 15, "GenerateMac";
        /// `VerifyMac`.
        VerifyMac = 16, "VerifyMac";
        /// `DeriveSharedSecret`.
        DeriveSharedSecret = 17, "DeriveSharedSecret";
    }
}

impl GrantOperation {
    /// Whether the operation takes an encryption context, so that a grant's constraints can
    /// apply to it (AWS refuses constraints on a grant for any other operation).
    pub fn takes_encryption_context(self) -> bool {
        use GrantOperation::*;
        matches!(
            self,
            Decrypt
                | Encrypt
                | GenerateDataKey
                | GenerateDataKeyWithoutPlaintext
                | ReEncryptFrom
                | ReEncryptTo
                | CreateGrant
                | GenerateDataKeyPair
                | GenerateDataKeyPairWithoutPlaintext
        )
    }
}

/// A grant's constraints on the encryption context of the requests it allows (AWS's
/// `GrantConstraints`; at most one of the two).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantConstraints {
    /// The request's context must be exactly this.
    pub encryption_context_equals: Option<BTreeMap<String, String>>,
    /// The request's context must include every pair of this.
    pub encryption_context_subset: Option<BTreeMap<String, String>>,
}

impl GrantConstraints {
    /// Parses AWS's JSON shape, `{"EncryptionContextSubset": {...}}` or
    /// `{"EncryptionContextEquals": {...}}` (maps of strings to strings), as every surface takes it.
    pub fn from_json(text: &str) -> crate::Result<Self> {
        let bad = |why: &str| {
            crate::Error::Validation(format!(
                "grant constraints {why}: give {{\"EncryptionContextSubset\": {{\"k\": \"v\"}}}} or {{\"EncryptionContextEquals\": {{...}}}}"
            ))
        };
        let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad("are not JSON"))?;
        let map = |v: &serde_json::Value| -> crate::Result<BTreeMap<String, String>> {
            v.as_object()
                .ok_or_else(|| bad("must map to objects of strings"))?
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|s| (k.clone(), s.to_owned()))
                        .ok_or_else(|| bad("must map to objects of strings"))
                })
                .collect()
        };
        let members = v
            .as_object()
            .ok_or_else(|| bad("are not an object"))?
            .iter()
            .map(|(k, v)| Ok((k.clone(), map(v)?)))
            .collect::<crate::Result<Vec<_>>>()?;
        Self::from_members(members)
    }

    /// Builds constraints from AWS's member names and their maps (`EncryptionContextSubset`,
    /// `EncryptionContextEquals`); another name is a `Validation` error.
    pub fn from_members(
        members: impl IntoIterator<Item = (String, BTreeMap<String, String>)>,
    ) -> crate::Result<Self> {
        let mut c = GrantConstraints::default();
        for (k, v) in members {
            match k.as_str() {
                "EncryptionContextSubset" => c.encryption_context_subset = Some(v),
                "EncryptionContextEquals" => c.encryption_context_equals = Some(v),
                _ => {
                    return Err(crate::Error::Validation(format!(
                        "grant constraints have an unknown member {k:?}; use EncryptionContextSubset or EncryptionContextEquals"
                    )));
                }
            }
        }
        Ok(c)
    }

    /// AWS's JSON shape (members present only when set).
    pub fn to_json(&self) -> String {
        let mut o = serde_json::Map::new();
        if let Some(s) = &self.encryption_context_subset {
            o.insert("EncryptionContextSubset".into(), serde_json::json!(s));
        }
        if let Some(e) = &self.encryption_context_equals {
            o.insert("EncryptionContextEquals".into(), serde_json::json!(e));
        }
        serde_json::Value::Object(o).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_json() {
        let c = GrantConstraints::from_json(r#"{"EncryptionContextSubset": {"tenant": "acme"}}"#)
            .unwrap();
        assert_eq!(
            c.encryption_context_subset.as_ref().unwrap()["tenant"],
            "acme"
        );
        assert_eq!(GrantConstraints::from_json(&c.to_json()).unwrap(), c);
        let e = GrantConstraints::from_json(r#"{"EncryptionContextEquals": {}}"#).unwrap();
        assert!(e.encryption_context_equals.unwrap().is_empty());
        for bad in [
            "x",
            "[]",
            r#"{"Other": {}}"#,
            r#"{"EncryptionContextEquals": {"a": 1}}"#,
        ] {
            let err = GrantConstraints::from_json(bad).unwrap_err();
            assert_eq!(err.name(), "Validation", "{bad}");
        }
    }
}

/// Arguments of [`crate::Keystore::create_grant`] (AWS KMS `CreateGrant`).
#[derive(Clone, Debug, Default)]
pub struct CreateGrant {
    /// The key: key id or key ARN.
    pub key_id: String,
    /// Who the grant allows: `arn:aws:iam::ACCOUNT:user/NAME` or `arn:aws:iam::ACCOUNT:root`.
    pub grantee_principal: String,
    /// Who may retire it, besides the grantee (if the grant allows `RetireGrant`).
    pub retiring_principal: Option<String>,
    /// The operations it allows (at least one).
    pub operations: Vec<GrantOperation>,
    /// Constraints on the encryption context.
    pub constraints: Option<GrantConstraints>,
    /// A name: creating a grant with the same name, key, grantee, retiring principal, operations
    /// and constraints as an existing one returns that one (AWS's idempotent retry).
    pub name: Option<String>,
}

/// What `CreateGrant` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedGrant {
    /// A token for the grant, usable at once in `GrantTokens` and in `RetireGrant`.
    pub grant_token: String,
    /// The grant's id (64 hexadecimal digits).
    pub grant_id: String,
}

/// One grant (AWS KMS `GrantListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantListEntry {
    /// The key's ARN.
    pub key_id: String,
    /// The grant's id.
    pub grant_id: String,
    /// Its name, if it was given one.
    pub name: Option<String>,
    /// When it was created.
    pub creation_date: Timestamp,
    /// The principal it allows.
    pub grantee_principal: String,
    /// Who may retire it.
    pub retiring_principal: Option<String>,
    /// The account root of the account that created it.
    pub issuing_account: String,
    /// The operations it allows.
    pub operations: Vec<GrantOperation>,
    /// Its constraints.
    pub constraints: Option<GrantConstraints>,
}

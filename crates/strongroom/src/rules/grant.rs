//! The rules of a grant (SPEC section 13, AWS KMS `CreateGrant`): its operations, constraints,
//! names and principals, the quota of grants per key, and the states in which a key takes new
//! grants.

use crate::model::grant::{CreateGrant, GrantConstraints, GrantOperation};
use crate::model::key::KeyState;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// The most grants one key may have (AWS KMS's quota).
pub const MAX_GRANTS_PER_KEY: usize = 50_000;
/// The longest grant name, principal and grant id, in characters (AWS's model).
pub const MAX_GRANT_FIELD_LEN: usize = 256;

/// Checks the arguments of `CreateGrant` that need no key or principal lookup.
pub(crate) fn check_create(req: &CreateGrant) -> Result<()> {
    if req.operations.is_empty() {
        return Err(Error::Validation(
            "Operations: give at least one operation the grant allows".into(),
        ));
    }
    if let Some(name) = &req.name {
        let ok = !name.is_empty()
            && name.len() <= MAX_GRANT_FIELD_LEN
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'_' | b'-'));
        if !ok {
            return Err(Error::Validation(format!(
                "grant name {name:?} must be 1 to {MAX_GRANT_FIELD_LEN} letters, digits and : / _ -"
            )));
        }
    }
    if let Some(c) = &req.constraints {
        if c.encryption_context_equals.is_some() && c.encryption_context_subset.is_some() {
            return Err(Error::Validation(
                "Constraints: give EncryptionContextEquals or EncryptionContextSubset, not both"
                    .into(),
            ));
        }
        let without: Vec<&str> = req
            .operations
            .iter()
            .filter(|o| !o.takes_encryption_context())
            .map(|o| o.as_str())
            .collect();
        if !without.is_empty() {
            return Err(Error::Validation(format!(
                "Grant constraints are not supported for operations: {} (they take no encryption context)",
                without.join(", ")
            )));
        }
    }
    Ok(())
}

/// Whether a key in `state` takes new grants (not while it waits for deletion).
pub(crate) fn check_grantable(key_id: &str, state: KeyState) -> Result<()> {
    if state == KeyState::PendingDeletion {
        return Err(Error::InvalidState(format!(
            "key {key_id} is pending deletion and takes no new grant; cancel its deletion with CancelKeyDeletion first"
        )));
    }
    Ok(())
}

/// Checks the key's grant count against [`MAX_GRANTS_PER_KEY`] before one more is added.
pub(crate) fn check_quota(existing: usize) -> Result<()> {
    if existing >= MAX_GRANTS_PER_KEY {
        return Err(Error::LimitExceeded(format!(
            "the key has {existing} grants, the most a key may have ({MAX_GRANTS_PER_KEY}); retire or revoke some first"
        )));
    }
    Ok(())
}

/// Whether a request with `context` satisfies a grant's `constraints`.
pub(crate) fn constraints_hold(
    constraints: Option<&GrantConstraints>,
    context: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(c) = constraints else { return true };
    let empty = BTreeMap::new();
    let ctx = context.unwrap_or(&empty);
    if let Some(eq) = &c.encryption_context_equals
        && eq != ctx
    {
        return false;
    }
    if let Some(sub) = &c.encryption_context_subset
        && !sub.iter().all(|(k, v)| ctx.get(k) == Some(v))
    {
        return false;
    }
    true
}

/// Whether a grant for `operations` covers `action` (a grant operation's name).
pub(crate) fn allows(operations: &[GrantOperation], action: &str) -> bool {
    operations.iter().any(|o| o.as_str() == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(ops: &[GrantOperation]) -> CreateGrant {
        CreateGrant {
            key_id: "k".into(),
            grantee_principal: "arn:aws:iam::111122223333:user/u".into(),
            operations: ops.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn create_arguments() {
        assert_eq!(check_create(&req(&[])).unwrap_err().name(), "Validation");
        check_create(&req(&[GrantOperation::Decrypt])).unwrap();
        let named = |n: &str| CreateGrant {
            name: Some(n.into()),
            ..req(&[GrantOperation::Decrypt])
        };
        check_create(&named("app:web/1_a-b")).unwrap();
        check_create(&named(&"n".repeat(MAX_GRANT_FIELD_LEN))).unwrap();
        for bad in ["", "a b", &"n".repeat(MAX_GRANT_FIELD_LEN + 1)] {
            assert_eq!(check_create(&named(bad)).unwrap_err().name(), "Validation");
        }
        let ctx = BTreeMap::from([("a".to_string(), "b".to_string())]);
        let constrained = |ops: &[GrantOperation], c: GrantConstraints| CreateGrant {
            constraints: Some(c),
            ..req(ops)
        };
        let subset = GrantConstraints {
            encryption_context_subset: Some(ctx.clone()),
            ..Default::default()
        };
        check_create(&constrained(&[GrantOperation::Decrypt], subset.clone())).unwrap();
        let e = check_create(&constrained(&[GrantOperation::DescribeKey], subset)).unwrap_err();
        assert!(e.message().contains("DescribeKey"), "{e}");
        let both = GrantConstraints {
            encryption_context_equals: Some(ctx.clone()),
            encryption_context_subset: Some(ctx),
        };
        assert!(check_create(&constrained(&[GrantOperation::Decrypt], both)).is_err());
    }

    #[test]
    fn quota_and_state() {
        check_quota(MAX_GRANTS_PER_KEY - 1).unwrap();
        assert_eq!(
            check_quota(MAX_GRANTS_PER_KEY).unwrap_err().name(),
            "LimitExceeded"
        );
        check_grantable("k", KeyState::Disabled).unwrap();
        assert_eq!(
            check_grantable("k", KeyState::PendingDeletion)
                .unwrap_err()
                .name(),
            "InvalidState"
        );
    }

    #[test]
    fn constraints() {
        let m = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let eq = GrantConstraints {
            encryption_context_equals: Some(m(&[("a", "1")])),
            ..Default::default()
        };
        assert!(constraints_hold(Some(&eq), Some(&m(&[("a", "1")]))));
        assert!(!constraints_hold(
            Some(&eq),
            Some(&m(&[("a", "1"), ("b", "2")]))
        ));
        assert!(!constraints_hold(Some(&eq), None));
        let sub = GrantConstraints {
            encryption_context_subset: Some(m(&[("a", "1")])),
            ..Default::default()
        };
        assert!(constraints_hold(
            Some(&sub),
            Some(&m(&[("a", "1"), ("b", "2")]))
        ));
        assert!(!constraints_hold(Some(&sub), Some(&m(&[("a", "2")]))));
        assert!(constraints_hold(None, None));
        assert!(allows(&[GrantOperation::Encrypt], "Encrypt"));
        assert!(!allows(&[GrantOperation::Encrypt], "Decrypt"));
    }
}

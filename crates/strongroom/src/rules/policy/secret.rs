//! Resource policies on secrets (SPEC section 14, docs/secrets.md "Resource policies"): AWS
//! Secrets Manager's bound (20,480 characters), its one policy name (`default`), and what
//! `BlockPublicPolicy` refuses. The grammar and the evaluation are the key policies'
//! ([`Policy`]); the action of a call is `secretsmanager:<Operation>` and the resource the
//! secret's ARN.

use crate::rules::policy::condition::{Operator, Qualifier};
use crate::rules::policy::document::{Effect, Policy, PrincipalPattern, Statement};
use crate::{Error, Result};

/// The largest resource policy of a secret, in characters (AWS Secrets Manager's
/// `ResourcePolicy`, 1 to 20,480).
pub const MAX_SECRET_POLICY_CHARS: usize = 20_480;

/// The one resource policy name a secret has (AWS's `PolicyName`, `default` when not given).
pub const SECRET_POLICY_NAME: &str = "default";

/// The condition keys that narrow who may call (lowercased): a statement open to every principal
/// that tests one of them with a positive operator is not public.
const NARROWING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:username",
    "aws:sourceip",
];

/// Checks a resource policy's length: 1 to [`MAX_SECRET_POLICY_CHARS`] characters
/// (`Validation`, AWS's `InvalidParameterException`).
pub(crate) fn check_secret_policy_length(text: &str) -> Result<()> {
    let n = text.chars().count();
    if n == 0 || n > MAX_SECRET_POLICY_CHARS {
        return Err(Error::Validation(format!(
            "ResourcePolicy is {n} characters; a secret's resource policy is 1 to \
             {MAX_SECRET_POLICY_CHARS} characters"
        )));
    }
    Ok(())
}

/// Checks a request's `PolicyName`: absent or `default`. `missing` makes the error for another
/// name (`Validation` to put or delete one, `NotFound` to read one, as AWS answers).
pub(crate) fn check_secret_policy_name(
    name: Option<&str>,
    missing: fn(String) -> Error,
) -> Result<()> {
    match name {
        None | Some(SECRET_POLICY_NAME) => Ok(()),
        Some(other) => Err(missing(format!(
            "a secret has one resource policy, named {SECRET_POLICY_NAME:?}; there is no \
             policy {other:?}"
        ))),
    }
}

impl Statement {
    /// Whether the statement's principal is every caller: `"*"`, `{"AWS": "*"}` among its
    /// principals, or `NotPrincipal` (everyone but those named).
    fn open_to_anyone(&self) -> bool {
        self.principals.not || self.principals.items.contains(&PrincipalPattern::Any)
    }

    /// Whether a condition narrows the callers: a positive string or address test (`StringEquals`,
    /// `StringEqualsIgnoreCase`, `StringLike`, the `Arn` forms, `IpAddress`), without
    /// `...IfExists` or `ForAllValues:` (both hold for a request without the key), of a key in
    /// [`NARROWING_KEYS`], none of whose values matches everything (a `Like` value of only `*`, a
    /// `/0` network).
    fn narrowed(&self) -> bool {
        self.conditions.iter().any(|c| {
            let positive = matches!(
                c.op,
                Operator::StringEquals
                    | Operator::StringEqualsIgnoreCase
                    | Operator::StringLike
                    | Operator::IpAddress
            );
            let broad = |v: &str| match c.op {
                Operator::StringLike => v.bytes().all(|b| b == b'*'),
                Operator::IpAddress => v.ends_with("/0"),
                _ => false,
            };
            positive
                && !c.if_exists
                && c.qualifier != Qualifier::ForAllValues
                && NARROWING_KEYS.contains(&c.key.as_str())
                && !c.values.iter().any(|v| broad(v))
        })
    }
}

impl Policy {
    /// The index of the first public statement, if any: an `Allow` open to every caller
    /// ([`Statement::open_to_anyone`]) that no condition narrows ([`Statement::narrowed`]).
    /// `BlockPublicPolicy` refuses such a policy (`PublicPolicy`); `ValidateResourcePolicy`
    /// reports it.
    pub fn public_statement(&self) -> Option<usize> {
        self.statements
            .iter()
            .position(|s| s.effect == Effect::Allow && s.open_to_anyone() && !s.narrowed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";

    fn public(statement: &str) -> bool {
        Policy::parse_document(&format!(r#"{{"Statement": [{statement}]}}"#), ACCOUNT)
            .unwrap()
            .public_statement()
            .is_some()
    }

    #[test]
    fn length_bounds_in_characters() {
        check_secret_policy_length(&"x".repeat(MAX_SECRET_POLICY_CHARS)).unwrap();
        check_secret_policy_length(&"é".repeat(MAX_SECRET_POLICY_CHARS)).unwrap();
        for bad in [String::new(), "x".repeat(MAX_SECRET_POLICY_CHARS + 1)] {
            let e = check_secret_policy_length(&bad).unwrap_err();
            assert_eq!(e.name(), "Validation");
            assert!(e.message().contains("20480"), "{e}");
        }
    }

    #[test]
    fn policy_names() {
        check_secret_policy_name(None, Error::Validation).unwrap();
        check_secret_policy_name(Some("default"), Error::NotFound).unwrap();
        let e = check_secret_policy_name(Some("other"), Error::NotFound).unwrap_err();
        assert_eq!(e.name(), "NotFound");
        let e = check_secret_policy_name(Some("Default"), Error::Validation).unwrap_err();
        assert_eq!(e.name(), "Validation");
    }

    #[test]
    fn what_is_public() {
        let allow = |principal: &str, condition: &str| {
            format!(
                r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"{condition}}}"#
            )
        };
        // Open to anyone, with no narrowing condition.
        assert!(public(&allow(r#""*""#, "")));
        assert!(public(&allow(r#"{"AWS": "*"}"#, "")));
        assert!(public(&allow(
            r#"{"AWS": ["arn:aws:iam::111122223333:root", "*"]}"#,
            ""
        )));
        assert!(public(
            r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/x"}, "Action": "secretsmanager:*", "Resource": "*"}"#
        ));
        // Conditions that do not narrow the callers.
        for c in [
            r#"{"StringEquals": {"secretsmanager:VersionStage": "AWSCURRENT"}}"#,
            r#"{"StringNotEquals": {"aws:PrincipalAccount": "444455556666"}}"#,
            r#"{"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:root"}}"#,
            r#"{"StringLike": {"aws:PrincipalArn": "*"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}"#,
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
        ] {
            assert!(
                public(&allow(r#""*""#, &format!(", \"Condition\": {c}"))),
                "{c}"
            );
        }
        // Conditions that do.
        for c in [
            r#"{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
            r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/app-*"}}"#,
            r#"{"StringEqualsIgnoreCase": {"aws:username": "app"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
            r#"{"ForAnyValue:StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
        ] {
            assert!(
                !public(&allow(r#""*""#, &format!(", \"Condition\": {c}"))),
                "{c}"
            );
        }
        // Named principals, and a Deny, are never public.
        assert!(!public(&allow(
            r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
            ""
        )));
        assert!(!public(&allow(r#"{"AWS": "111122223333"}"#, "")));
        assert!(!public(
            r#"{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"}"#
        ));
    }
}

//! The policy document: AWS's JSON grammar (`Version`, `Id`, `Statement` with `Sid`, `Effect`,
//! `Principal`/`NotPrincipal`, `Action`/`NotAction`, `Resource`/`NotResource`, `Condition`),
//! parsed once into a [`Policy`] that evaluation walks without allocating. What does not parse,
//! or uses an element strongroom does not support, is `MalformedPolicyDocument` with what to fix.

use crate::rules::policy::condition::{self, Condition, Operator};
use crate::{Error, Result};
use serde_json::{Map, Value};

/// The largest policy document, in bytes (AWS KMS's 32 KiB).
pub const MAX_POLICY_BYTES: usize = 32 * 1024;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

/// One entry of `Principal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalPattern {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Any,
    /// The account root or a bare account id: every principal of that account (docs/policies.md).
    Account(String),
    /// One IAM user, by ARN.
    User(String),
    /// A `Service`, `Federated` or `CanonicalUser` principal: accepted, never a caller here.
    Never,
}

/// A list of patterns, or its complement (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Patterns<T> {
    pub items: Vec<T>,
    pub not: bool,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principals: Patterns<PrincipalPattern>,
    /// Action patterns, lowercased (actions compare without case).
    pub actions: Patterns<String>,
    pub resources: Patterns<String>,
    pub conditions: Vec<Condition>,
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    pub statements: Vec<Statement>,
}

fn malformed(m: impl Into<String>) -> Error {
    Error::MalformedPolicyDocument(m.into())
}

/// A string or a list of strings (`Action`, `Resource`, ...), or `what` is malformed.
fn strings(v: &Value, what: &str) -> Result<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(malformed(format!(
            "{what} must be a string or a list of strings"
        ))),
    };
    match v {
        Value::Array(items) if !items.is_empty() => items.iter().map(one).collect(),
        Value::Array(_) => Err(malformed(format!("{what} is an empty list"))),
        v => Ok(vec![one(v)?]),
    }
}

/// Condition values: strings, booleans or numbers, alone or in a list.
fn condition_values(v: &Value, what: &str) -> Result<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(malformed(format!(
            "the values of {what} must be strings, booleans or numbers"
        ))),
    };
    match v {
        Value::Array(items) => items.iter().map(one).collect(),
        v => Ok(vec![one(v)?]),
    }
}

/// Parses a principal ARN or account id of an `AWS` principal, for the keystore's `account`.
/// Accepted: `*`, the account's 12-digit id, `arn:aws:iam::ACCOUNT:root`,
/// `arn:aws:iam::ACCOUNT:user/NAME` (with an optional path). Another account, or a role, is a
/// principal this keystore cannot have.
pub(crate) fn aws_principal(s: &str, account: &str) -> Result<PrincipalPattern> {
    if s == "*" {
        return Ok(PrincipalPattern::Any);
    }
    let unknown = |why: &str| {
        malformed(format!(
            "Policy contains a statement with one or more invalid principals: {s:?} {why}"
        ))
    };
    let is_account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    let (acct, resource) = if is_account(s) {
        (s, "root")
    } else {
        let rest = s.strip_prefix("arn:aws:iam::").ok_or_else(|| {
            unknown("is not an account id or an IAM ARN (arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:root)")
        })?;
        rest.split_once(':')
            .filter(|(a, _)| is_account(a))
            .ok_or_else(|| unknown("does not name a 12-digit account"))?
    };
    if acct != account {
        return Err(unknown(&format!(
            "is of account {acct}; this keystore's principals are of account {account}"
        )));
    }
    if resource == "root" {
        return Ok(PrincipalPattern::Account(acct.to_owned()));
    }
    match resource.strip_prefix("user/") {
        Some(path_and_name)
            if !path_and_name.is_empty()
                && !path_and_name.ends_with('/')
                && !path_and_name.contains(['*', '?']) =>
        {
            Ok(PrincipalPattern::User(s.to_owned()))
        }
        _ => Err(unknown(
            "is not a principal strongroom has: it has IAM users (user/NAME) and the account root",
        )),
    }
}

fn principals(v: &Value, account: &str) -> Result<Vec<PrincipalPattern>> {
    match v {
        Value::String(s) if s == "*" => Ok(vec![PrincipalPattern::Any]),
        Value::Object(m) if !m.is_empty() => {
            let mut out = Vec::new();
            for (kind, v) in m {
                match kind.as_str() {
                    "AWS" => {
                        for s in strings(v, "Principal.AWS")? {
                            out.push(aws_principal(&s, account)?);
                        }
                    }
                    "Service" | "Federated" | "CanonicalUser" => {
                        strings(v, &format!("Principal.{kind}"))?;
                        out.push(PrincipalPattern::Never);
                    }
                    _ => {
                        return Err(malformed(format!(
                            "Principal has an unknown member {kind:?}; use AWS, Service, Federated or CanonicalUser"
                        )));
                    }
                }
            }
            Ok(out)
        }
        _ => Err(malformed(
            "Principal must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\"}",
        )),
    }
}

/// Takes exactly one of `name` and `Not<name>` from a statement.
fn one_of<'a>(st: &'a Map<String, Value>, name: &str, index: usize) -> Result<(&'a Value, bool)> {
    let not_name = format!("Not{name}");
    match (st.get(name), st.get(&not_name)) {
        (Some(v), None) => Ok((v, false)),
        (None, Some(v)) => Ok((v, true)),
        (Some(_), Some(_)) => Err(malformed(format!(
            "statement {index} has both {name} and {not_name}; give one"
        ))),
        (None, None) => Err(malformed(format!(
            "statement {index} has neither {name} nor {not_name}"
        ))),
    }
}

fn action(a: &str, index: usize) -> Result<String> {
    let ok = a == "*"
        || a.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && !name.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !ok {
        return Err(malformed(format!(
            "statement {index}: action {a:?} is not of the form service:Name (such as kms:Encrypt or kms:Describe*)"
        )));
    }
    Ok(a.to_ascii_lowercase())
}

fn resource(r: &str, index: usize) -> Result<String> {
    if r == "*" || r.starts_with("arn:") {
        return Ok(r.to_owned());
    }
    Err(malformed(format!(
        "statement {index}: resource {r:?} is neither \"*\" nor an ARN"
    )))
}

fn conditions(v: &Value, index: usize) -> Result<Vec<Condition>> {
    let Value::Object(ops) = v else {
        return Err(malformed(format!(
            "statement {index}: Condition must be an object of operators"
        )));
    };
    let mut out = Vec::new();
    for (name, keys) in ops {
        let (op, qualifier, if_exists) = Condition::operator(name)?;
        let Value::Object(keys) = keys else {
            return Err(malformed(format!(
                "statement {index}: condition {name} must be an object of condition keys"
            )));
        };
        for (key, values) in keys {
            let values = condition_values(values, &format!("{name}.{key}"))?;
            if matches!(op, Operator::IpAddress | Operator::NotIpAddress) {
                values.iter().try_for_each(|v| condition::check_cidr(v))?;
            }
            out.push(Condition {
                op,
                qualifier,
                if_exists,
                key: key.to_ascii_lowercase(),
                values,
            });
        }
    }
    Ok(out)
}

fn statement(v: &Value, index: usize, account: &str) -> Result<Statement> {
    let Value::Object(st) = v else {
        return Err(malformed(format!("statement {index} is not an object")));
    };
    for k in st.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(malformed(format!(
                "statement {index} has an unknown element {k:?}"
            )));
        }
    }
    let sid = match st.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(malformed(format!(
                "statement {index}: Sid must be a string"
            )));
        }
    };
    let effect = match st.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => {
            return Err(malformed(format!(
                "statement {index}: Effect must be \"Allow\" or \"Deny\""
            )));
        }
    };
    let (p, not_p) = one_of(st, "Principal", index)?;
    let (a, not_a) = one_of(st, "Action", index)?;
    let (r, not_r) = one_of(st, "Resource", index)?;
    Ok(Statement {
        sid,
        effect,
        principals: Patterns {
            items: principals(p, account)?,
            not: not_p,
        },
        actions: Patterns {
            items: strings(a, "Action")?
                .iter()
                .map(|s| action(s, index))
                .collect::<Result<_>>()?,
            not: not_a,
        },
        resources: Patterns {
            items: strings(r, "Resource")?
                .iter()
                .map(|s| resource(s, index))
                .collect::<Result<_>>()?,
            not: not_r,
        },
        conditions: match st.get("Condition") {
            None => Vec::new(),
            Some(c) => conditions(c, index)?,
        },
    })
}

/// Checks a policy's length: 1 to [`MAX_POLICY_BYTES`] bytes (AWS's model constraint, a
/// `Validation` error as AWS's is).
pub(crate) fn check_length(text: &str) -> Result<()> {
    if text.is_empty() || text.len() > MAX_POLICY_BYTES {
        return Err(Error::Validation(format!(
            "the policy is {} bytes; a key policy is 1 to {MAX_POLICY_BYTES} bytes",
            text.len()
        )));
    }
    Ok(())
}

impl Policy {
    /// Parses `text` for a keystore whose principals are of `account`.
    pub fn parse(text: &str, account: &str) -> Result<Self> {
        check_length(text)?;
        Self::parse_document(text, account)
    }

    /// Parses `text` without the key policy's length bound (a secret's resource policy has its
    /// own, `rules::policy::secret`).
    pub fn parse_document(text: &str, account: &str) -> Result<Self> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| malformed(format!("the policy is not valid JSON ({e})")))?;
        let Value::Object(doc) = doc else {
            return Err(malformed("the policy must be a JSON object"));
        };
        for k in doc.keys() {
            if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
                return Err(malformed(format!(
                    "the policy has an unknown element {k:?}; it has Version, Id and Statement"
                )));
            }
        }
        match doc.get("Version") {
            None => {}
            Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => {}
            Some(v) => {
                return Err(malformed(format!(
                    "Version {v} is not a policy language version; use \"2012-10-17\""
                )));
            }
        }
        if doc.get("Id").is_some_and(|v| !v.is_string()) {
            return Err(malformed("Id must be a string"));
        }
        let statements = match doc.get("Statement") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, s)| statement(s, i, account))
                .collect::<Result<Vec<_>>>()?,
            Some(s @ Value::Object(_)) => vec![statement(s, 0, account)?],
            _ => return Err(malformed("the policy has no Statement")),
        };
        Ok(Policy { statements })
    }

    /// Whether a condition uses `key` (lowercased).
    pub fn mentions_condition_key(&self, key: &str) -> bool {
        self.statements
            .iter()
            .flat_map(|s| &s.conditions)
            .any(|c| c.key == key)
    }

    /// The IAM user ARNs the policy names (for the check that each exists).
    pub fn named_users(&self) -> impl Iterator<Item = &str> {
        self.statements
            .iter()
            .flat_map(|s| &s.principals.items)
            .filter_map(|p| match p {
                PrincipalPattern::User(arn) => Some(arn.as_str()),
                _ => None,
            })
    }
}

/// AWS's default key policy for `account`, as `GetKeyPolicy` prints it: the account root may
/// do everything with the key.
pub(crate) fn default_policy(account: &str) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:aws:iam::{account}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";

    fn parse(text: &str) -> Result<Policy> {
        Policy::parse(text, ACCOUNT)
    }

    fn err(text: &str) -> String {
        let e = parse(text).unwrap_err();
        assert_eq!(e.name(), "MalformedPolicyDocument", "{e}");
        e.message().to_owned()
    }

    #[test]
    fn the_default_policy_parses() {
        let p = parse(&default_policy(ACCOUNT)).unwrap();
        assert_eq!(p.statements.len(), 1);
        let s = &p.statements[0];
        assert_eq!(s.sid.as_deref(), Some("Enable IAM User Permissions"));
        assert_eq!(
            s.principals.items,
            [PrincipalPattern::Account(ACCOUNT.into())]
        );
        assert_eq!(s.actions.items, ["kms:*"]);
    }

    #[test]
    fn statement_may_be_one_object_and_lists_may_be_strings() {
        let p = parse(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "NotAction": ["kms:Describe*", "KMS:List*"], "NotResource": "arn:aws:kms:*:111122223333:key/*"}}"#,
        )
        .unwrap();
        let s = &p.statements[0];
        assert_eq!(s.effect, Effect::Deny);
        assert!(s.actions.not && s.resources.not);
        assert_eq!(s.actions.items, ["kms:describe*", "kms:list*"]);
    }

    #[test]
    fn principals() {
        let ok = |p: &str| aws_principal(p, ACCOUNT).unwrap();
        assert_eq!(ok("*"), PrincipalPattern::Any);
        assert_eq!(ok(ACCOUNT), PrincipalPattern::Account(ACCOUNT.into()));
        assert_eq!(
            ok("arn:aws:iam::111122223333:root"),
            PrincipalPattern::Account(ACCOUNT.into())
        );
        assert_eq!(
            ok("arn:aws:iam::111122223333:user/ops/alice"),
            PrincipalPattern::User("arn:aws:iam::111122223333:user/ops/alice".into())
        );
        for bad in [
            "arn:aws:iam::444455556666:root",
            "444455556666",
            "arn:aws:iam::111122223333:role/Admin",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:iam::111122223333:user/a*",
            "arn:aws:iam::1111:root",
            "alice",
        ] {
            assert!(aws_principal(bad, ACCOUNT).is_err(), "{bad}");
        }
        let p = parse(r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com", "AWS": ["111122223333"]}, "Action": "kms:*", "Resource": "*"}]}"#).unwrap();
        assert_eq!(p.statements[0].principals.items.len(), 2);
    }

    #[test]
    fn malformed_documents_say_what_is_wrong() {
        assert!(err("{").contains("not valid JSON"));
        assert!(err("[]").contains("JSON object"));
        assert!(err(r#"{"Version": "2012-10-17"}"#).contains("no Statement"));
        assert!(err(r#"{"Statement": []}"#).contains("no Statement"));
        assert!(err(r#"{"Version": "2020-01-01", "Statement": []}"#).contains("Version"));
        assert!(err(r#"{"Statment": []}"#).contains("unknown element"));
        let st = |body: &str| format!(r#"{{"Statement": [{{{body}}}]}}"#);
        assert!(
            err(&st(
                r#""Effect": "Permit", "Principal": "*", "Action": "kms:*", "Resource": "*""#
            ))
            .contains("Effect")
        );
        assert!(
            err(&st(
                r#""Effect": "Allow", "Action": "kms:*", "Resource": "*""#
            ))
            .contains("neither Principal")
        );
        assert!(
            err(&st(r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "NotAction": "kms:*", "Resource": "*""#))
                .contains("both Action and NotAction")
        );
        assert!(
            err(&st(
                r#""Effect": "Allow", "Principal": "*", "Action": "Encrypt", "Resource": "*""#
            ))
            .contains("service:Name")
        );
        assert!(
            err(&st(
                r#""Effect": "Allow", "Principal": "*", "Action": [], "Resource": "*""#
            ))
            .contains("empty list")
        );
        assert!(
            err(&st(
                r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "key/1""#
            ))
            .contains("neither")
        );
        assert!(
            err(&st(r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"NumericLessThan": {"x": 1}}"#))
                .contains("not supported")
        );
        assert!(
            err(&st(r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/99"}}"#))
                .contains("CIDR")
        );
        assert!(
            err(&st(r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:user/x"}, "Action": "kms:*", "Resource": "*""#))
                .contains("invalid principals")
        );
        assert!(
            err(&st(r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Extra": 1"#))
                .contains("unknown element")
        );
    }

    #[test]
    fn length_bounds() {
        assert_eq!(check_length("").unwrap_err().name(), "Validation");
        check_length(&"x".repeat(MAX_POLICY_BYTES)).unwrap();
        let e = check_length(&"x".repeat(MAX_POLICY_BYTES + 1)).unwrap_err();
        assert_eq!(e.name(), "Validation");
        assert!(e.message().contains("32768"));
        // A document of exactly the bound parses (padded with white space).
        let doc = default_policy(ACCOUNT);
        let padded = format!("{doc}{}", " ".repeat(MAX_POLICY_BYTES - doc.len()));
        parse(&padded).unwrap();
        assert_eq!(
            parse(&format!("{padded} ")).unwrap_err().name(),
            "Validation"
        );
    }
}

//! The `Condition` element: operators, set qualifiers (`ForAnyValue:`, `ForAllValues:`), the
//! `...IfExists` suffix, and how each evaluates against the values of a condition key, as AWS's
//! IAM reference documents ("Condition operators", "Multivalued context keys").

use crate::rules::policy::glob;
use crate::{Error, Result};
use std::net::IpAddr;

/// An operator without its qualifier and suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    Bool,
    IpAddress,
    NotIpAddress,
    Null,
}

impl Operator {
    fn parse(name: &str) -> Option<Self> {
        use Operator::*;
        Some(match name {
            "StringEquals" | "ArnEquals" => StringEquals,
            "StringNotEquals" | "ArnNotEquals" => StringNotEquals,
            "StringEqualsIgnoreCase" => StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => StringNotEqualsIgnoreCase,
            "StringLike" | "ArnLike" => StringLike,
            "StringNotLike" | "ArnNotLike" => StringNotLike,
            "Bool" => Bool,
            "IpAddress" => IpAddress,
            "NotIpAddress" => NotIpAddress,
            "Null" => Null,
            _ => return None,
        })
    }

    /// The negated operators, true for a key that is absent.
    fn negated(self) -> bool {
        use Operator::*;
        matches!(
            self,
            StringNotEquals | StringNotEqualsIgnoreCase | StringNotLike | NotIpAddress
        )
    }

    /// Whether one request value satisfies the operator against the policy's values.
    fn test(self, value: &str, policy: &[String]) -> bool {
        use Operator::*;
        match self {
            StringEquals => policy.iter().any(|p| p == value),
            StringNotEquals => !policy.iter().any(|p| p == value),
            StringEqualsIgnoreCase => policy.iter().any(|p| p.eq_ignore_ascii_case(value)),
            StringNotEqualsIgnoreCase => !policy.iter().any(|p| p.eq_ignore_ascii_case(value)),
            StringLike => policy.iter().any(|p| glob::matches(p, value, false)),
            StringNotLike => !policy.iter().any(|p| glob::matches(p, value, false)),
            Bool => policy.iter().any(|p| p.eq_ignore_ascii_case(value)),
            IpAddress => in_any(value, policy),
            NotIpAddress => value.parse::<IpAddr>().is_ok() && !in_any(value, policy),
            // Decided from presence alone (see `Condition::holds`).
            Null => false,
        }
    }
}

/// A set qualifier, for multivalued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Qualifier {
    None,
    ForAnyValue,
    ForAllValues,
}

/// One condition: `OPERATOR: { KEY: VALUES }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Condition {
    pub op: Operator,
    pub qualifier: Qualifier,
    pub if_exists: bool,
    /// The condition key, lowercased (keys are case-insensitive).
    pub key: String,
    /// The policy's values, as strings (JSON booleans and numbers in their JSON spelling).
    pub values: Vec<String>,
}

impl Condition {
    /// Parses an operator name such as `ForAnyValue:StringLikeIfExists`.
    pub fn operator(name: &str) -> Result<(Operator, Qualifier, bool)> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Qualifier::ForAnyValue, r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Qualifier::ForAllValues, r)
        } else {
            (Qualifier::None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let op = Operator::parse(rest).filter(|o| !(if_exists && *o == Operator::Null));
        match op {
            Some(op) => Ok((op, qualifier, if_exists)),
            None => Err(Error::MalformedPolicyDocument(format!(
                "condition operator {name:?} is not supported; strongroom supports StringEquals, \
                 StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, \
                 StringNotLike, the Arn forms of these, Bool, IpAddress, NotIpAddress and Null, \
                 with ForAnyValue:/ForAllValues: and ...IfExists (docs/policies.md)"
            ))),
        }
    }

    /// Whether the condition holds for the request's `values` of its key (empty: the key is
    /// absent from the request).
    pub fn holds(&self, values: &[&str]) -> bool {
        if self.op == Operator::Null {
            let absent = values.is_empty();
            return self
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case(if absent { "true" } else { "false" }));
        }
        if values.is_empty() {
            return self.if_exists
                || match self.qualifier {
                    Qualifier::ForAllValues => true,
                    Qualifier::ForAnyValue => false,
                    Qualifier::None => self.op.negated(),
                };
        }
        let one = |v: &&str| self.op.test(v, &self.values);
        match self.qualifier {
            Qualifier::ForAllValues => values.iter().all(one),
            // A multivalued key without a qualifier is read as ForAnyValue (docs/policies.md).
            Qualifier::ForAnyValue | Qualifier::None => values.iter().any(one),
        }
    }
}

/// An address or CIDR block of an `IpAddress` condition.
fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a.parse::<IpAddr>().ok()?, Some(b.parse::<u8>().ok()?)),
        None => (s.parse::<IpAddr>().ok()?, None),
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some((addr, bits))
}

/// Checks the values of an `IpAddress`/`NotIpAddress` condition when the policy is parsed.
pub(crate) fn check_cidr(s: &str) -> Result<()> {
    parse_cidr(s).map(drop).ok_or_else(|| {
        Error::MalformedPolicyDocument(format!(
            "{s:?} is not an IP address or CIDR block (such as 203.0.113.0/24 or 2001:db8::/32)"
        ))
    })
}

fn in_any(value: &str, blocks: &[String]) -> bool {
    let Ok(ip) = value.parse::<IpAddr>() else {
        return false;
    };
    let ip = ip.to_canonical();
    blocks
        .iter()
        .filter_map(|b| parse_cidr(b))
        .any(|(net, bits)| match (ip, net) {
            (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(&a.octets(), &n.octets(), bits),
            (IpAddr::V6(a), IpAddr::V6(n)) => prefix_eq(&a.octets(), &n.octets(), bits),
            _ => false,
        })
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = ((bits / 8) as usize, bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    rest == 0 || (a[full] ^ b[full]) >> (8 - rest) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, values: &[&str]) -> Condition {
        let (op, qualifier, if_exists) = Condition::operator(op).unwrap();
        Condition {
            op,
            qualifier,
            if_exists,
            key: "k".into(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn single_valued_operators() {
        assert!(cond("StringEquals", &["acme"]).holds(&["acme"]));
        assert!(!cond("StringEquals", &["acme"]).holds(&["Acme"]));
        assert!(cond("StringEqualsIgnoreCase", &["acme"]).holds(&["Acme"]));
        assert!(cond("StringNotEquals", &["acme"]).holds(&["other"]));
        assert!(!cond("StringNotEquals", &["acme", "other"]).holds(&["other"]));
        assert!(cond("StringLike", &["ac*"]).holds(&["acme"]));
        assert!(cond("StringNotLike", &["ac*"]).holds(&["bcme"]));
        assert!(cond("Bool", &["false"]).holds(&["false"]));
        assert!(!cond("Bool", &["true"]).holds(&["false"]));
    }

    #[test]
    fn absent_keys() {
        // Positive operators fail, negated ones hold, IfExists holds, as AWS documents.
        assert!(!cond("StringEquals", &["a"]).holds(&[]));
        assert!(cond("StringNotEquals", &["a"]).holds(&[]));
        assert!(cond("StringEqualsIfExists", &["a"]).holds(&[]));
        assert!(!cond("StringEqualsIfExists", &["a"]).holds(&["b"]));
        assert!(cond("ForAllValues:StringEquals", &["a"]).holds(&[]));
        assert!(!cond("ForAnyValue:StringEquals", &["a"]).holds(&[]));
        assert!(cond("Null", &["true"]).holds(&[]));
        assert!(!cond("Null", &["true"]).holds(&["x"]));
        assert!(cond("Null", &["false"]).holds(&["x"]));
    }

    #[test]
    fn set_qualifiers() {
        let all = cond("ForAllValues:StringEquals", &["a", "b"]);
        assert!(all.holds(&["a", "b"]));
        assert!(!all.holds(&["a", "c"]));
        let any = cond("ForAnyValue:StringEquals", &["a"]);
        assert!(any.holds(&["c", "a"]));
        assert!(!any.holds(&["c", "d"]));
        let not_any = cond("ForAnyValue:StringNotLike", &["a*"]);
        assert!(not_any.holds(&["ab", "x"]));
        assert!(!not_any.holds(&["ab", "ac"]));
    }

    #[test]
    fn ip_addresses() {
        let c = cond("IpAddress", &["203.0.113.0/24", "2001:db8::/32"]);
        assert!(c.holds(&["203.0.113.9"]));
        assert!(!c.holds(&["203.0.114.9"]));
        assert!(c.holds(&["2001:db8::1"]));
        assert!(c.holds(&["::ffff:203.0.113.1"]));
        assert!(!c.holds(&["not an ip"]));
        assert!(cond("IpAddress", &["10.1.2.3"]).holds(&["10.1.2.3"]));
        assert!(cond("IpAddress", &["10.0.0.0/7"]).holds(&["11.255.0.1"]));
        assert!(!cond("IpAddress", &["10.0.0.0/8"]).holds(&["11.0.0.1"]));
        assert!(cond("NotIpAddress", &["10.0.0.0/8"]).holds(&["11.0.0.1"]));
        assert!(cond("NotIpAddress", &["10.0.0.0/8"]).holds(&[]));
        assert!(cond("IpAddress", &["0.0.0.0/0"]).holds(&["1.2.3.4"]));
        for bad in ["10.0.0.0/33", "x", "10.0.0/8", "::/129"] {
            assert!(check_cidr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn operator_names() {
        for bad in [
            "NumericEquals",
            "StringEqual",
            "NullIfExists",
            "ForSomeValues:StringLike",
        ] {
            let e = Condition::operator(bad).unwrap_err();
            assert_eq!(e.name(), "MalformedPolicyDocument", "{bad}");
        }
        assert_eq!(
            Condition::operator("ForAllValues:StringNotLikeIfExists").unwrap(),
            (Operator::StringNotLike, Qualifier::ForAllValues, true)
        );
    }
}

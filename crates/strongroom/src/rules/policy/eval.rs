//! Evaluation, as AWS documents it for a key policy: an explicit `Deny` that matches wins; else
//! an `Allow` that matches allows; else the request is implicitly denied. A statement matches
//! when its principal, action, resource and every condition do.

use crate::model::policy::Principal;
use crate::rules::policy::document::{Effect, Patterns, Policy, PrincipalPattern, Statement};
use crate::rules::policy::glob;
use std::collections::BTreeMap;

/// What a policy decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

/// The request as policies see it.
pub(crate) struct Facts<'a> {
    pub principal: &'a Principal,
    /// `kms:<Action>`.
    pub action: &'a str,
    /// The key's ARN in each of its forms.
    pub resources: &'a [&'a str],
    pub context: Option<&'a BTreeMap<String, String>>,
    /// The alias the request named the key by (`kms:RequestAlias`).
    pub request_alias: Option<&'a str>,
    /// The aliases of the key (`kms:ResourceAliases`), computed only if a condition asks.
    pub resource_aliases: &'a dyn Fn() -> Vec<String>,
}

impl Facts<'_> {
    /// The request's values of a condition key (lowercased); empty when it is absent. Keys
    /// strongroom does not know are absent, as an unknown key is in AWS.
    fn values(&self, key: &str) -> Vec<String> {
        let p = self.principal;
        let one = |v: Option<&str>| v.map(|s| vec![s.to_owned()]).unwrap_or_default();
        if let Some(name) = key.strip_prefix("kms:encryptioncontext:") {
            // The context key in the condition key is not case-sensitive (AWS KMS).
            return self
                .context
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .collect();
        }
        match key {
            "kms:encryptioncontextkeys" => self
                .context
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect(),
            "kms:calleraccount" | "aws:principalaccount" => one(Some(&p.account)),
            "aws:principalarn" => one(Some(&p.arn)),
            "aws:username" => one(p.user_name.as_deref()),
            "aws:sourceip" => p
                .source_ip
                .map(|ip| vec![ip.to_string()])
                .unwrap_or_default(),
            "kms:requestalias" => one(self.request_alias),
            "kms:resourcealiases" => (self.resource_aliases)(),
            "kms:grantisforawsresource" => one(Some("false")),
            _ => Vec::new(),
        }
    }
}

fn any_or_not<T>(p: &Patterns<T>, hit: impl Fn(&T) -> bool) -> bool {
    p.items.iter().any(hit) != p.not
}

impl Statement {
    fn applies(&self, f: &Facts<'_>) -> bool {
        let principal = any_or_not(&self.principals, |pat| match pat {
            PrincipalPattern::Any => true,
            PrincipalPattern::Account(a) => *a == f.principal.account,
            PrincipalPattern::User(arn) => *arn == f.principal.arn,
            PrincipalPattern::Never => false,
        });
        principal
            && any_or_not(&self.actions, |a| glob::matches(a, f.action, true))
            && any_or_not(&self.resources, |r| {
                r == "*" || f.resources.iter().any(|arn| glob::matches(r, arn, false))
            })
            && self.conditions.iter().all(|c| {
                let values = f.values(&c.key);
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                c.holds(&refs)
            })
    }
}

impl Policy {
    /// Decides the request.
    pub fn evaluate(&self, f: &Facts<'_>) -> Decision {
        let mut allowed = false;
        for s in &self.statements {
            match s.effect {
                Effect::Deny if s.applies(f) => return Decision::ExplicitDeny,
                Effect::Allow if !allowed => allowed = s.applies(f),
                _ => {}
            }
        }
        if allowed {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        }
    }

    /// The lockout check: whether the policy lets at least one principal it names, or the
    /// account root, call `kms:PutKeyPolicy` on the key (in a request with no encryption context,
    /// from no particular address). A policy that does not would leave the key unmanageable on
    /// the server.
    pub fn lets_someone_manage(&self, account: &str, resources: &[&str]) -> bool {
        let mut candidates = vec![Principal::account_root(account)];
        for arn in self.named_users() {
            if let Some(name) = arn.rsplit('/').next() {
                let mut p = Principal::user(account, name);
                p.arn = arn.to_owned();
                candidates.push(p);
            }
        }
        candidates.iter().any(|p| {
            self.evaluate(&Facts {
                principal: p,
                action: "kms:PutKeyPolicy",
                resources,
                context: None,
                request_alias: None,
                resource_aliases: &Vec::new,
            }) == Decision::Allow
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::policy::document::default_policy;
    use proptest::prelude::*;

    const ACCOUNT: &str = "111122223333";
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn user(name: &str) -> Principal {
        Principal::user(ACCOUNT, name)
    }

    fn decide(policy: &str, p: &Principal, action: &str, ctx: &[(&str, &str)]) -> Decision {
        let policy = Policy::parse(policy, ACCOUNT).unwrap();
        let ctx: BTreeMap<String, String> = ctx
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        policy.evaluate(&Facts {
            principal: p,
            action,
            resources: &[KEY],
            context: (!ctx.is_empty()).then_some(&ctx),
            request_alias: Some("alias/app"),
            resource_aliases: &|| vec!["alias/app".into(), "alias/other".into()],
        })
    }

    /// The seeds' admin/user split (AWS's documented default policy for console-created keys,
    /// trimmed), with a Deny on Decrypt outside tenant acme.
    fn seeds_policy() -> String {
        r#"{
          "Version": "2012-10-17",
          "Id": "key-consolepolicy-3",
          "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyManager"},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                        "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                        "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyUser"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"},
            {"Sid": "Decrypt only for acme", "Effect": "Deny", "Principal": "*",
             "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringNotEquals": {"kms:EncryptionContext:tenant": "acme"}}}
          ]
        }"#
        .into()
    }

    #[test]
    fn the_default_policy_allows_every_principal_of_the_account() {
        let d = default_policy(ACCOUNT);
        assert_eq!(
            decide(&d, &Principal::account_root(ACCOUNT), "kms:Encrypt", &[]),
            Decision::Allow
        );
        assert_eq!(
            decide(&d, &user("anyone"), "kms:ScheduleKeyDeletion", &[]),
            Decision::Allow
        );
        let stranger = Principal::account_root("444455556666");
        assert_eq!(
            decide(&d, &stranger, "kms:Encrypt", &[]),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn the_seeds_split_without_the_root_statement() {
        // Without "Enable IAM User Permissions", only the named statements decide.
        let mut v: serde_json::Value = serde_json::from_str(&seeds_policy()).unwrap();
        v["Statement"].as_array_mut().unwrap().remove(0);
        let p = v.to_string();
        let (m, u) = (user("myKeyManager"), user("myKeyUser"));
        for a in [
            "kms:DescribeKey",
            "kms:DisableKey",
            "kms:EnableKey",
            "kms:RotateKeyOnDemand",
            "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion",
            "kms:PutKeyPolicy",
        ] {
            assert_eq!(decide(&p, &m, a, &[]), Decision::Allow, "{a}");
        }
        assert_eq!(decide(&p, &m, "kms:Encrypt", &[]), Decision::ImplicitDeny);
        assert_eq!(
            decide(&p, &m, "kms:Decrypt", &[("tenant", "acme")]),
            Decision::ImplicitDeny
        );
        for a in [
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:ReEncryptFrom",
            "kms:DescribeKey",
        ] {
            assert_eq!(decide(&p, &u, a, &[]), Decision::Allow, "{a}");
        }
        assert_eq!(
            decide(&p, &u, "kms:ScheduleKeyDeletion", &[]),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(&p, &u, "kms:Decrypt", &[("tenant", "acme")]),
            Decision::Allow
        );
        assert_eq!(
            decide(&p, &u, "kms:Decrypt", &[("tenant", "evil")]),
            Decision::ExplicitDeny
        );
        assert_eq!(decide(&p, &u, "kms:Decrypt", &[]), Decision::ExplicitDeny);
        // The context key in the condition key is case-insensitive, the value is not.
        assert_eq!(
            decide(&p, &u, "kms:Decrypt", &[("Tenant", "acme")]),
            Decision::Allow
        );
        assert_eq!(
            decide(&p, &u, "kms:Decrypt", &[("tenant", "ACME")]),
            Decision::ExplicitDeny
        );
        // The Deny binds the root statement's principals too.
        let full = seeds_policy();
        assert_eq!(decide(&full, &m, "kms:Encrypt", &[]), Decision::Allow);
        assert_eq!(
            decide(&full, &m, "kms:Decrypt", &[]),
            Decision::ExplicitDeny
        );
    }

    /// Key policies as AWS's KMS developer guide prints them (user ARNs where the guide names
    /// roles, which strongroom does not have), with the decisions the guide describes.
    #[test]
    fn aws_documentation_examples() {
        // "Default key policy" for keys created in the console: administrators, users, and
        // grants for AWS resources only (kms:GrantIsForAWSResource is never true here).
        let console = r#"{
          "Id": "key-consolepolicy-3",
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:user/KMSAdminUser"]},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                        "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                        "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:user/ExampleUser"]},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:DescribeKey"],
             "Resource": "*"},
            {"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:user/ExampleUser"]},
             "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
             "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
          ]
        }"#;
        // Without the root statement (which here means every principal of the account).
        let mut v: serde_json::Value = serde_json::from_str(console).unwrap();
        v["Statement"].as_array_mut().unwrap().remove(0);
        let console = v.to_string();
        let (admin, user_) = (user("KMSAdminUser"), user("ExampleUser"));
        assert_eq!(
            decide(&console, &admin, "kms:ScheduleKeyDeletion", &[]),
            Decision::Allow
        );
        assert_eq!(
            decide(&console, &admin, "kms:Decrypt", &[]),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(&console, &user_, "kms:GenerateDataKeyWithoutPlaintext", &[]),
            Decision::Allow
        );
        assert_eq!(
            decide(&console, &user_, "kms:CreateGrant", &[]),
            Decision::ImplicitDeny
        );

        // kms:EncryptionContext:context-key: GenerateDataKey only for AppName ExampleApp.
        let app = r#"{"Version": "2012-10-17", "Statement": [{
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:user/ExampleUser"},
          "Action": "kms:GenerateDataKey", "Resource": "*",
          "Condition": {"StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"}}}]}"#;
        let allowed = |ctx: &[(&str, &str)]| decide(app, &user_, "kms:GenerateDataKey", ctx);
        assert_eq!(allowed(&[("AppName", "ExampleApp")]), Decision::Allow);
        assert_eq!(
            allowed(&[("AppName", "ExampleApp"), ("FilePath", "/var/x")]),
            Decision::Allow
        );
        assert_eq!(allowed(&[("AppName", "Other")]), Decision::ImplicitDeny);
        assert_eq!(allowed(&[]), Decision::ImplicitDeny);

        // kms:EncryptionContextKeys: ForAllValues allows only these keys (and, as the guide
        // warns, an empty context); ForAnyValue needs at least one of them.
        let keys = |qualifier: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{
                  "Effect": "Allow",
                  "Principal": {{"AWS": "arn:aws:iam::111122223333:user/ExampleUser"}},
                  "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                  "Condition": {{"{qualifier}:StringEquals": {{
                    "kms:EncryptionContextKeys": ["AppName", "FilePath"]}}}}}}]}}"#
            )
        };
        let (all, any) = (keys("ForAllValues"), keys("ForAnyValue"));
        let d = |p: &str, ctx: &[(&str, &str)]| decide(p, &user_, "kms:Encrypt", ctx);
        assert_eq!(d(&all, &[("AppName", "a")]), Decision::Allow);
        assert_eq!(d(&all, &[]), Decision::Allow);
        assert_eq!(
            d(&all, &[("AppName", "a"), ("Other", "b")]),
            Decision::ImplicitDeny
        );
        assert_eq!(
            d(&any, &[("AppName", "a"), ("Other", "b")]),
            Decision::Allow
        );
        assert_eq!(d(&any, &[]), Decision::ImplicitDeny);
        assert_eq!(d(&any, &[("Other", "b")]), Decision::ImplicitDeny);

        // aws:SourceIp: deny every KMS action from outside the corporate range.
        let ip = r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/ExampleUser"},
           "Action": "kms:*", "Resource": "*"},
          {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
           "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}}]}"#;
        let mut inside = user("ExampleUser");
        inside.source_ip = Some("203.0.113.7".parse().unwrap());
        let mut outside = user("ExampleUser");
        outside.source_ip = Some("198.51.100.1".parse().unwrap());
        assert_eq!(decide(ip, &inside, "kms:Encrypt", &[]), Decision::Allow);
        assert_eq!(
            decide(ip, &outside, "kms:Encrypt", &[]),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn condition_keys() {
        let with = |cond: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {cond}}}]}}"#
            )
        };
        let mut p = user("alice");
        p.source_ip = Some("203.0.113.7".parse().unwrap());
        let cases = [
            (
                r#"{"StringEquals": {"kms:CallerAccount": "111122223333"}}"#,
                true,
            ),
            (
                r#"{"StringEquals": {"kms:CallerAccount": "444455556666"}}"#,
                false,
            ),
            (r#"{"StringEquals": {"aws:username": "alice"}}"#, true),
            (
                r#"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/al*"}}"#,
                true,
            ),
            (r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, true),
            (
                r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                false,
            ),
            (
                r#"{"StringEquals": {"kms:RequestAlias": "alias/app"}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/other"}}"#,
                true,
            ),
            (
                r#"{"ForAllValues:StringEquals": {"kms:ResourceAliases": "alias/app"}}"#,
                false,
            ),
            (r#"{"Bool": {"kms:GrantIsForAWSResource": true}}"#, false),
            (r#"{"Bool": {"kms:GrantIsForAWSResource": "false"}}"#, true),
            (
                r#"{"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant", "app"]}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "other"}}"#,
                false,
            ),
            (
                r#"{"StringEquals": {"kms:EncryptionContext:app": "web"}}"#,
                true,
            ),
            (
                r#"{"StringEqualsIfExists": {"kms:EncryptionContext:missing": "x"}}"#,
                true,
            ),
            (
                r#"{"StringEquals": {"kms:EncryptionContext:missing": "x"}}"#,
                false,
            ),
            (r#"{"Null": {"kms:EncryptionContextKeys": "false"}}"#, true),
            (
                r#"{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
                false,
            ),
        ];
        for (cond, allowed) in cases {
            let got = decide(
                &with(cond),
                &p,
                "kms:Decrypt",
                &[("tenant", "acme"), ("app", "web")],
            );
            assert_eq!(got == Decision::Allow, allowed, "{cond}");
        }
        // A root caller has no aws:username.
        let root = Principal::account_root(ACCOUNT);
        let c = with(r#"{"StringEquals": {"aws:username": "alice"}}"#);
        assert_eq!(
            decide(&c, &root, "kms:Encrypt", &[]),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn resources_in_either_arn_form_and_not_resource() {
        let p = user("u");
        let only = |r: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "{r}"}}]}}"#
            )
        };
        assert_eq!(decide(&only(KEY), &p, "kms:Encrypt", &[]), Decision::Allow);
        assert_eq!(
            decide(
                &only("arn:aws:kms:*:111122223333:key/*"),
                &p,
                "kms:Encrypt",
                &[]
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(
                &only("arn:aws:kms:us-east-1:111122223333:key/other"),
                &p,
                "kms:Encrypt",
                &[]
            ),
            Decision::ImplicitDeny
        );
        let not = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "NotResource": "arn:aws:kms:*:*:key/other"}]}"#;
        assert_eq!(decide(not, &p, "kms:Encrypt", &[]), Decision::Allow);
    }

    #[test]
    fn not_principal() {
        let p = r#"{"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "kms:*", "Resource": "*"}]}"#;
        assert_eq!(
            decide(p, &user("alice"), "kms:Encrypt", &[]),
            Decision::Allow
        );
        assert_eq!(
            decide(p, &user("bob"), "kms:Encrypt", &[]),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn lockout_check() {
        let check = |text: &str| {
            Policy::parse(text, ACCOUNT)
                .unwrap()
                .lets_someone_manage(ACCOUNT, &[KEY])
        };
        assert!(check(&default_policy(ACCOUNT)));
        assert!(check(&seeds_policy()));
        assert!(check(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "kms:PutKeyPolicy", "Resource": "*"}]}"#
        ));
        assert!(!check(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"}, "Action": "kms:Encrypt", "Resource": "*"}]}"#
        ));
        assert!(!check(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}, {"Effect": "Deny", "Principal": "*", "Action": "kms:Put*", "Resource": "*"}]}"#
        ));
        // A statement that needs request values does not count.
        assert!(!check(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}"#
        ));
    }

    // ----- properties -----

    fn arb_action() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "kms:*",
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:Describe*",
            "kms:*Key",
            "kms:?ncrypt",
            "*",
        ])
    }

    fn arb_principal() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            r#""*""#,
            r#"{"AWS": "111122223333"}"#,
            r#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#,
            r#"{"AWS": ["arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:root"]}"#,
        ])
    }

    fn arb_condition() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "",
            r#", "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}"#,
            r#", "Condition": {"StringNotEquals": {"kms:EncryptionContext:tenant": "acme"}}"#,
            r#", "Condition": {"StringEqualsIfExists": {"aws:username": "alice"}}"#,
        ])
    }

    prop_compose! {
        fn arb_statement()(effect in prop::bool::ANY, not in prop::bool::ANY, a in arb_action(),
                           p in arb_principal(), c in arb_condition()) -> String {
            format!(
                r#"{{"Effect": "{}", "Principal": {p}, "{}": "{a}", "Resource": "*"{c}}}"#,
                if effect { "Allow" } else { "Deny" },
                if not { "NotAction" } else { "Action" },
            )
        }
    }

    fn doc(statements: &[String]) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(",")
        )
    }

    fn arb_request() -> impl Strategy<Value = (&'static str, &'static str, bool)> {
        (
            prop::sample::select(vec!["alice", "bob", "carol"]),
            prop::sample::select(vec![
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:PutKeyPolicy",
            ]),
            prop::bool::ANY,
        )
    }

    proptest! {
        #[test]
        fn an_explicit_deny_always_wins(sts in prop::collection::vec(arb_statement(), 1..6),
                                        (who, action, acme) in arb_request()) {
            let ctx: &[(&str, &str)] = if acme { &[("tenant", "acme")] } else { &[] };
            let deny_all = r#"{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}"#.to_string();
            for at in 0..=sts.len() {
                let mut with = sts.clone();
                with.insert(at, deny_all.clone());
                prop_assert_eq!(decide(&doc(&with), &user(who), action, ctx), Decision::ExplicitDeny);
            }
            // And a matching Deny anywhere makes the decision a Deny, whatever the Allows.
            let d = decide(&doc(&sts), &user(who), action, ctx);
            let policy = Policy::parse(&doc(&sts), ACCOUNT).unwrap();
            let any_deny = policy.statements.iter().any(|s| s.effect == Effect::Deny && {
                let m = BTreeMap::from_iter(ctx.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                s.applies(&Facts { principal: &user(who), action, resources: &[KEY],
                    context: (!m.is_empty()).then_some(&m), request_alias: None,
                    resource_aliases: &Vec::new })
            });
            prop_assert_eq!(d == Decision::ExplicitDeny, any_deny);
        }

        #[test]
        fn adding_an_allow_never_removes_access(sts in prop::collection::vec(arb_statement(), 1..6),
                                                extra in arb_statement(),
                                                (who, action, acme) in arb_request()) {
            let ctx: &[(&str, &str)] = if acme { &[("tenant", "acme")] } else { &[] };
            let extra = extra.replace(r#""Effect": "Deny""#, r#""Effect": "Allow""#);
            let before = decide(&doc(&sts), &user(who), action, ctx);
            let mut more = sts.clone();
            more.push(extra);
            let after = decide(&doc(&more), &user(who), action, ctx);
            if before == Decision::Allow {
                prop_assert_eq!(after, Decision::Allow);
            }
            if before == Decision::ExplicitDeny {
                prop_assert_eq!(after, Decision::ExplicitDeny);
            }
        }

        #[test]
        fn not_action_is_the_complement_of_action(a in arb_action(), (who, action, _) in arb_request()) {
            let st = |el: &str| doc(&[format!(r#"{{"Effect": "Allow", "Principal": "*", "{el}": "{a}", "Resource": "*"}}"#)]);
            let yes = decide(&st("Action"), &user(who), action, &[]) == Decision::Allow;
            let no = decide(&st("NotAction"), &user(who), action, &[]) == Decision::Allow;
            prop_assert_ne!(yes, no);
        }
    }
}

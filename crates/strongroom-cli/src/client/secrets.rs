//! Client mode of `strongroom secretsmanager <command>`: AWS Secrets Manager's JSON 1.1 request
//! (`X-Amz-Target: secretsmanager.<Operation>`, signed for the `secretsmanager` service) made
//! from the same flags and readers as in-process (`crate::secrets`: `--secret-string`,
//! `--secret-binary` with `file://` / `fileb://`, `--tags` and `--filters` shorthand), the answer
//! printed in botocore's Secrets Manager order ([`super::secrets_model`]), lists paged by the
//! same loop, and `exec`'s secrets read with `GetSecretValue` before the program runs as
//! in-process.

use super::transport::{Service, Transport};
use super::{List, SECRETS_MANAGER, members, opt, shape_response, some};
use crate::args::Global;
use crate::errors::CliResult;
use crate::output::Doc;
use crate::paginate::{LIST_SECRET_VERSION_IDS, LIST_SECRETS};
use crate::secrets::{self as cmd, ExecSecret, SecretsCommand as C};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use strongroom::SecretValue;

/// Runs the `secretsmanager` command `c` against the server at `url`; returns the value to
/// print (`exec` returns only if its program cannot start, or with the error that stopped it).
pub fn run(g: &Global, c: &C, url: &str) -> CliResult<Option<Doc>> {
    let operation = c.operation().as_str();
    if let C::Exec(a) = c {
        let t = Transport::new(g, url, Service::SecretsManager, operation)?;
        let vars = cmd::exec_environment(a, |id, stage| exec_secret(&t, id, stage))?;
        drop(t);
        return Err(cmd::exec(a, &vars));
    }
    let body = request(c)?;
    let t = Transport::new(g, url, Service::SecretsManager, operation)?;
    let list = match c {
        C::ListSecrets {
            max_results,
            next_token,
            paging,
            ..
        } => Some((&LIST_SECRETS, paging, max_results, next_token)),
        C::ListSecretVersionIds {
            max_results,
            next_token,
            paging,
            ..
        } => Some((&LIST_SECRET_VERSION_IDS, paging, max_results, next_token)),
        _ => None,
    };
    let Some((lister, flags, max_results, next_token)) = list else {
        return Ok(shape_response(
            &SECRETS_MANAGER,
            operation,
            t.call(operation, &body)?,
        ));
    };
    let list = List {
        lister,
        flags,
        manual: (*max_results, next_token.clone()),
        no_paginate: g.no_paginate,
    };
    list.run(&t, &SECRETS_MANAGER, operation, &body).map(Some)
}

/// `SecretString` or `SecretBinary` (base64 on the wire) of a value read from the flags.
fn value_member(v: Option<SecretValue>) -> [(&'static str, Option<Value>); 2] {
    let (mut string, mut binary) = (None, None);
    if let Some(v) = v {
        match v.as_str() {
            Some(s) => string = some(s),
            None => binary = some(BASE64.encode(v.as_bytes())),
        }
    }
    [("SecretBinary", binary), ("SecretString", string)]
}

/// `--tags` as the wire's list of `{"Key", "Value"}`; `None` when none are given.
fn tags(raw: &[String]) -> CliResult<Option<Value>> {
    if raw.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        cmd::tags(raw)?
            .iter()
            .map(|t| json!({ "Key": t.key, "Value": t.value }))
            .collect(),
    ))
}

/// `true` flags are sent; `false` is the service's default and is left out, as the AWS CLI does.
fn flag(set: bool) -> Option<Value> {
    set.then_some(Value::Bool(true))
}

/// The request members of `c`'s Secrets Manager operation (botocore's input order), its flags
/// read and checked as in-process; paging members are added per call. `exec` makes its own.
pub fn request(c: &C) -> CliResult<Value> {
    let id = |i: &cmd::SecretIdArg| some(i.secret_id.as_str());
    Ok(match c {
        C::CreateSecret {
            name,
            client_request_token,
            description,
            kms_key_id,
            value,
            tags: t,
        } => {
            let mut m = vec![
                ("Name", some(name.as_str())),
                ("ClientRequestToken", opt(client_request_token)),
                (
                    "Description",
                    cmd::description(description.as_deref())?.map(Value::from),
                ),
                ("KmsKeyId", opt(kms_key_id)),
            ];
            m.extend(value_member(cmd::value(value)?));
            m.push(("Tags", tags(t)?));
            members(m)
        }
        C::GetSecretValue {
            id: i,
            version_id,
            version_stage,
        } => members([
            ("SecretId", id(i)),
            ("VersionId", opt(version_id)),
            ("VersionStage", opt(version_stage)),
        ]),
        C::PutSecretValue {
            id: i,
            client_request_token,
            value,
            version_stages,
        } => {
            let mut m = vec![
                ("SecretId", id(i)),
                ("ClientRequestToken", opt(client_request_token)),
            ];
            m.extend(value_member(Some(cmd::required_value(value)?)));
            m.push(("VersionStages", opt(version_stages)));
            members(m)
        }
        C::UpdateSecret {
            id: i,
            client_request_token,
            description,
            kms_key_id,
            value,
        } => {
            let mut m = vec![
                ("SecretId", id(i)),
                ("ClientRequestToken", opt(client_request_token)),
                (
                    "Description",
                    cmd::description(description.as_deref())?.map(Value::from),
                ),
                ("KmsKeyId", opt(kms_key_id)),
            ];
            m.extend(value_member(cmd::value(value)?));
            members(m)
        }
        C::DescribeSecret(i) | C::RestoreSecret(i) => members([("SecretId", id(i))]),
        C::ListSecrets {
            include_planned_deletion,
            filters,
            sort_by,
            sort_order,
            ..
        } => {
            let r = cmd::list_secrets_request(
                *include_planned_deletion,
                filters,
                sort_by.as_deref(),
                sort_order.as_deref(),
            )?;
            let filters: Vec<Value> = r
                .filters
                .iter()
                .map(|f| json!({ "Key": f.key.as_str(), "Values": f.values }))
                .collect();
            members([
                ("IncludePlannedDeletion", flag(r.include_planned_deletion)),
                ("Filters", (!filters.is_empty()).then(|| filters.into())),
                ("SortOrder", opt(sort_order)),
                ("SortBy", r.sort_by.map(|s| s.as_str().into())),
            ])
        }
        C::ListSecretVersionIds {
            id: i,
            include_deprecated,
            ..
        } => members([
            ("SecretId", id(i)),
            ("IncludeDeprecated", flag(*include_deprecated)),
        ]),
        C::UpdateSecretVersionStage {
            id: i,
            version_stage,
            remove_from_version_id,
            move_to_version_id,
        } => members([
            ("SecretId", id(i)),
            ("VersionStage", some(version_stage.as_str())),
            ("RemoveFromVersionId", opt(remove_from_version_id)),
            ("MoveToVersionId", opt(move_to_version_id)),
        ]),
        C::DeleteSecret {
            id: i,
            recovery_window_in_days,
            force_delete_without_recovery,
        } => members([
            ("SecretId", id(i)),
            ("RecoveryWindowInDays", opt(recovery_window_in_days)),
            (
                "ForceDeleteWithoutRecovery",
                flag(*force_delete_without_recovery),
            ),
        ]),
        C::GetRandomPassword(p) => {
            let o = p.options();
            members([
                ("PasswordLength", some(o.password_length)),
                (
                    "ExcludeCharacters",
                    (!o.exclude_characters.is_empty()).then(|| o.exclude_characters.into()),
                ),
                ("ExcludeNumbers", flag(o.exclude_numbers)),
                ("ExcludePunctuation", flag(o.exclude_punctuation)),
                ("ExcludeUppercase", flag(o.exclude_uppercase)),
                ("ExcludeLowercase", flag(o.exclude_lowercase)),
                ("IncludeSpace", flag(o.include_space)),
                (
                    "RequireEachIncludedType",
                    some(o.require_each_included_type),
                ),
            ])
        }
        C::TagResource { id: i, tags: t } => {
            members([("SecretId", id(i)), ("Tags", tags(t)?.or(Some(json!([]))))])
        }
        C::UntagResource { id: i, tag_keys } => {
            members([("SecretId", id(i)), ("TagKeys", some(tag_keys.clone()))])
        }
        C::PutResourcePolicy(p) => members([
            ("SecretId", id(&p.id)),
            (
                "ResourcePolicy",
                some(cmd::resource_policy(&p.resource_policy)?),
            ),
            ("PolicyName", opt(&p.policy_name)),
            (
                "BlockPublicPolicy",
                (p.block_public_policy || p.no_block_public_policy)
                    .then_some(Value::Bool(p.block_public_policy)),
            ),
        ]),
        C::GetResourcePolicy { id: i, policy_name }
        | C::DeleteResourcePolicy { id: i, policy_name } => {
            members([("SecretId", id(i)), ("PolicyName", opt(policy_name))])
        }
        C::ValidateResourcePolicy {
            secret_id,
            resource_policy,
        } => members([
            ("SecretId", opt(secret_id)),
            (
                "ResourcePolicy",
                some(cmd::resource_policy(resource_policy)?),
            ),
        ]),
        C::Exec(_) => json!({}),
    })
}

/// One secret of `exec`, read with `GetSecretValue` (its `AWSCURRENT` version, or
/// `version_stage`'s); only the name and `SecretString` are kept.
fn exec_secret(t: &Transport, id: &str, version_stage: Option<&str>) -> CliResult<ExecSecret> {
    let answer = t.call(
        "GetSecretValue",
        &members([
            ("SecretId", some(id)),
            ("VersionStage", version_stage.map(Value::from)),
        ]),
    )?;
    let Value::Object(mut m) = answer else {
        return Ok(ExecSecret {
            name: id.to_owned(),
            string: None,
        });
    };
    let name = match m.remove("Name") {
        Some(Value::String(n)) => n,
        _ => id.to_owned(),
    };
    let string = match m.remove("SecretString") {
        Some(Value::String(s)) => Some(zeroize::Zeroizing::new(s)),
        _ => None,
    };
    if let Some(Value::String(mut b)) = m.remove("SecretBinary") {
        zeroize::Zeroize::zeroize(&mut b);
    }
    Ok(ExecSecret { name, string })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn req(args: &[&str]) -> CliResult<Value> {
        let cli = Cli::try_parse_from([&["strongroom", "secretsmanager"], args].concat()).unwrap();
        let Command::Secretsmanager(c) = &cli.command else {
            panic!("not a secretsmanager command")
        };
        request(c)
    }

    #[test]
    fn requests_carry_the_flags() {
        assert_eq!(
            req(&[
                "create-secret",
                "--name",
                "prod/db",
                "--secret-string",
                "{\"password\":\"hunter2\"}",
                "--tags",
                "Key=env,Value=prod",
            ])
            .unwrap(),
            json!({"Name": "prod/db", "SecretString": "{\"password\":\"hunter2\"}",
                   "Tags": [{"Key": "env", "Value": "prod"}]})
        );
        assert_eq!(
            req(&[
                "put-secret-value",
                "--secret-id",
                "a",
                "--secret-binary",
                "AAEC"
            ])
            .unwrap(),
            json!({"SecretId": "a", "SecretBinary": "AAEC"})
        );
        assert_eq!(
            req(&[
                "list-secrets",
                "--filters",
                "Key=name,Values=prod/,dev/",
                "--sort-by",
                "name",
                "--sort-order",
                "asc",
            ])
            .unwrap(),
            json!({"Filters": [{"Key": "name", "Values": ["prod/", "dev/"]}],
                   "SortOrder": "asc", "SortBy": "name"})
        );
        assert_eq!(
            req(&[
                "delete-secret",
                "--secret-id",
                "a",
                "--recovery-window-in-days",
                "7"
            ])
            .unwrap(),
            json!({"SecretId": "a", "RecoveryWindowInDays": 7})
        );
        assert_eq!(
            req(&["get-random-password", "--exclude-punctuation"]).unwrap(),
            json!({"PasswordLength": 32, "ExcludePunctuation": true,
                   "RequireEachIncludedType": true})
        );
        // Checked as in-process, before anything is sent.
        for bad in [
            &["put-secret-value", "--secret-id", "a"][..],
            &[
                "create-secret",
                "--name",
                "a",
                "--secret-string",
                "x",
                "--secret-binary",
                "AA==",
            ],
            &["list-secrets", "--sort-order", "up"],
            &["list-secrets", "--filters", "Key=colour,Values=red"],
        ] {
            assert!(req(bad).is_err(), "{bad:?}");
        }
    }
}

//! Client mode: with `--endpoint-url URL` (or `STRONGROOM_ENDPOINT_URL`), a command is sent to
//! `strongroom serve` at URL as AWS KMS's (or, for `secretsmanager`, AWS Secrets Manager's) JSON
//! 1.1 request, signed with SigV4, instead of opening the keystore file, so a second process
//! never needs to stop the server (docs/cli.md, "Client mode").
//!
//! - [`request`]: each KMS command's request members, one match arm per command, from the same
//!   flags and the same input readers (`input.rs`) as the in-process path; [`secrets`] the same
//!   for the `secretsmanager` commands (and `exec`'s reads).
//! - [`transport`]: credentials and Region ([`credentials`]), signing for the command's service,
//!   HTTP(S), AWS errors back to the CLI's errors (the same line, exit code and hint as
//!   in-process).
//! - The response is printed as the in-process result is: members in botocore's order
//!   ([`model`], [`secrets_model`]), timestamps as the AWS CLI prints them, `{}` as nothing;
//!   lists are paged by the same loop as in-process ([`paginate`]), each page one request with
//!   the service's page size and continuation (`Limit`/`Marker`, `MaxResults`/`NextToken`).

pub mod credentials;
#[rustfmt::skip]
mod model;
mod secrets;
#[rustfmt::skip]
mod secrets_model;
mod transport;

use crate::access::AccessCommand;
use crate::args::{Cli, Command};
use crate::asymmetric::{AsymmetricCommand, DataKeyPairArgs, MacArgs, SignArgs};
use crate::errors::{CliError, CliResult};
use crate::input::{blob, context, tags, text, time};
use crate::output::{Doc, date};
use crate::paginate::{self, KmsPaging, Lister, Pagination, paginate};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};
use strongroom::{GrantConstraints, GrantOperation, LastUse, Timestamp};
use transport::{Service, Transport};

/// A service's output model (botocore's): member order, nested structures, timestamps.
pub struct Model {
    outputs: &'static [(&'static str, &'static [&'static str])],
    nested: &'static [(&'static str, &'static [&'static str])],
    timestamps: &'static [&'static str],
}

/// AWS KMS's output model.
const KMS: Model = Model {
    outputs: model::OUTPUTS,
    nested: model::NESTED,
    timestamps: model::TIMESTAMPS,
};

/// AWS Secrets Manager's output model.
const SECRETS_MANAGER: Model = Model {
    outputs: secrets_model::OUTPUTS,
    nested: secrets_model::NESTED,
    timestamps: secrets_model::TIMESTAMPS,
};

/// Runs `cli`'s command against the server at `url`; returns the value to print.
pub fn run(cli: &Cli, url: &str) -> CliResult<Option<Doc>> {
    let operation = cli.command.operation();
    if let Command::Secretsmanager(c) = &cli.command {
        return secrets::run(&cli.global, c, url);
    }
    let Some(mut body) = request(&cli.command)? else {
        return Err(CliError::BadInput(format!(
            "{operation} works on the keystore file itself and cannot go through --endpoint-url \
             {url}; run it without --endpoint-url / STRONGROOM_ENDPOINT_URL (for a keystore a \
             server holds: on the server's machine once it is stopped; `serve --seed FILE` seeds \
             at start)"
        )));
    };
    let (grant_tokens, dry_run) = cli.command.call_flags();
    if !grant_tokens.is_empty() {
        body["GrantTokens"] = json!(grant_tokens);
    }
    if dry_run {
        body["DryRun"] = json!(true);
    }
    let t = transport::Transport::new(&cli.global, url, Service::Kms, operation)?;
    if let Command::ScheduleKeyDeletion { key_id, yes, .. } = &cli.command {
        confirm_deletion(&t, key_id, *yes)?;
    }
    let Some((lister, paging)) = kms_list(&cli.command) else {
        return Ok(shape_response(&KMS, operation, t.call(operation, &body)?));
    };
    let manual = (paging.limit, paging.marker.clone());
    let list = List {
        lister,
        flags: &paging.pagination,
        manual,
        no_paginate: cli.global.no_paginate,
    };
    list.run(&t, &KMS, operation, &body).map(Some)
}

/// A list command's paging: botocore's paginator, the AWS CLI's flags, the service's own
/// page size and continuation flags (one call when given), `--no-paginate`.
struct List<'a> {
    lister: &'static Lister,
    flags: &'a Pagination,
    manual: (Option<u32>, Option<String>),
    no_paginate: bool,
}

impl List<'_> {
    /// Pages `operation` with the request members `body`: the same loop as in-process, each
    /// page one request with the service's page size and continuation members.
    fn run(self, t: &Transport, model: &Model, operation: &str, body: &Value) -> CliResult<Doc> {
        let lister = self.lister;
        let page = |limit: Option<u32>, marker: Option<String>| {
            let mut body = body.clone();
            if let Value::Object(m) = &mut body {
                if let Some(l) = limit {
                    m.insert(lister.limit_key.into(), json!(l));
                }
                if let Some(mk) = marker {
                    m.insert(lister.input_token.into(), json!(mk));
                }
            }
            let answer = t.call(operation, &body)?;
            Ok(shape_response(model, operation, answer).unwrap_or(Doc::Obj(Vec::new())))
        };
        paginate(lister, self.flags, self.no_paginate, self.manual, page)
    }
}

/// A KMS list command's paging (botocore's paginator) and flags; `None` for other commands.
fn kms_list(cmd: &Command) -> Option<(&'static Lister, &KmsPaging)> {
    Some(match cmd {
        Command::ListKeys { paging } => (&paginate::LIST_KEYS, paging),
        Command::ListAliases { paging, .. } => (&paginate::LIST_ALIASES, paging),
        Command::ListKeyRotations { paging, .. } => (&paginate::LIST_KEY_ROTATIONS, paging),
        Command::ListResourceTags { paging, .. } => (&paginate::LIST_RESOURCE_TAGS, paging),
        Command::Access(AccessCommand::ListGrants { paging, .. }) => {
            (&paginate::LIST_GRANTS, paging)
        }
        Command::Access(AccessCommand::ListRetirableGrants { paging, .. }) => {
            (&paginate::LIST_RETIRABLE_GRANTS, paging)
        }
        Command::Access(AccessCommand::ListKeyPolicies { paging, .. }) => {
            (&paginate::LIST_KEY_POLICIES, paging)
        }
        _ => return None,
    })
}

/// `schedule-key-deletion`'s question (as in-process, `last_usage::confirm_deletion`), from the
/// server's `GetKeyLastUsage` answer.
fn confirm_deletion(t: &Transport, key_id: &str, yes: bool) -> CliResult<()> {
    let u = t.call("GetKeyLastUsage", &json!({ "KeyId": key_id }))?;
    let at = |v: &Value| {
        v.as_f64()
            .map(|secs| Timestamp::from_unix_millis((secs * 1000.0).round() as i64))
    };
    let last = u["KeyLastUsage"]["Operation"]
        .as_str()
        .and_then(|o| o.parse().ok())
        .zip(at(&u["KeyLastUsage"]["Timestamp"]))
        .map(|(operation, timestamp)| LastUse {
            operation,
            timestamp,
        });
    let id = u["KeyId"].as_str().unwrap_or(key_id);
    crate::last_usage::confirm(id, last, at(&u["TrackingStartDate"]), yes)
}

/// An object of the members that are `Some`, in the order given.
fn members<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    }
    Value::Object(m)
}

fn some(v: impl Into<Value>) -> Option<Value> {
    Some(v.into())
}

fn opt<T: Clone + Into<Value>>(v: &Option<T>) -> Option<Value> {
    v.clone().map(Into::into)
}

/// A binary flag (`fileb://`, `file://`, `-` or base64), as base64 for the wire.
fn blob64(name: &str, value: &str) -> CliResult<Option<Value>> {
    Ok(some(BASE64.encode(blob(name, value)?)))
}

/// An encryption-context flag, checked as in-process, as the wire's object of strings.
fn ctx(name: &str, value: &Option<String>) -> CliResult<Option<Value>> {
    Ok(context(name, value.as_deref())?.map(|c| json!(c.pairs())))
}

/// Tags as the wire's list of `{"TagKey", "TagValue"}`.
fn tag_list(tags: &[strongroom::Tag]) -> Value {
    tags.iter()
        .map(|t| json!({ "TagKey": t.tag_key, "TagValue": t.tag_value }))
        .collect()
}

/// A timestamp as the wire carries it: epoch seconds.
fn epoch(t: Timestamp) -> Value {
    let ms = t.unix_millis();
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// The request members of `cmd`'s AWS KMS operation ([`Command::operation`]), or `None` for a
/// command that works on the keystore file itself or is not a KMS operation (`secretsmanager`:
/// [`secrets::request`]). A new command adds its arm here.
pub fn request(cmd: &Command) -> CliResult<Option<Value>> {
    let key = |k: &str| members([("KeyId", some(k))]);
    Ok(Some(match cmd {
        Command::CreateKey {
            description,
            key_spec,
            customer_master_key_spec,
            key_usage,
            origin,
            policy,
            bypass_policy_lockout_safety_check,
            tags: tag_args,
        } => members([
            (
                "Policy",
                policy
                    .as_deref()
                    .map(|p| text("policy", p))
                    .transpose()?
                    .map(Value::from),
            ),
            ("Description", some(text("description", description)?)),
            ("KeyUsage", opt(key_usage)),
            ("CustomerMasterKeySpec", opt(customer_master_key_spec)),
            ("KeySpec", opt(key_spec)),
            ("Origin", opt(origin)),
            (
                "BypassPolicyLockoutSafetyCheck",
                bypass(*bypass_policy_lockout_safety_check),
            ),
            (
                "Tags",
                (!tag_args.is_empty())
                    .then(|| tags("tags", tag_args).map(|t| tag_list(&t)))
                    .transpose()?,
            ),
        ]),
        Command::UpdateKeyDescription {
            key_id,
            description,
        } => json!({ "KeyId": key_id, "Description": text("description", description)? }),
        Command::TagResource {
            key_id,
            tags: tag_args,
        } => json!({ "KeyId": key_id, "Tags": tag_list(&tags("tags", tag_args)?) }),
        Command::UntagResource { key_id, tag_keys } => {
            json!({ "KeyId": key_id, "TagKeys": tag_keys })
        }
        Command::ListResourceTags { key_id, paging: _ } => key(key_id),
        Command::DescribeKey(k) => key(&k.key_id),
        Command::EnableKey(k)
        | Command::DisableKey(k)
        | Command::DisableKeyRotation(k)
        | Command::GetKeyRotationStatus(k)
        | Command::RotateKeyOnDemand(k)
        | Command::CancelKeyDeletion(k)
        | Command::DeleteImportedKeyMaterial(k)
        | Command::GetKeyLastUsage(k) => key(&k.key_id),
        Command::ListKeyRotations {
            key_id,
            include_key_material,
            paging: _,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("IncludeKeyMaterial", opt(include_key_material)),
        ]),
        Command::ListKeys { paging: _ } => json!({}),
        Command::CreateAlias {
            alias_name,
            target_key_id,
        }
        | Command::UpdateAlias {
            alias_name,
            target_key_id,
        } => json!({ "AliasName": alias_name, "TargetKeyId": target_key_id }),
        Command::DeleteAlias { alias_name } => json!({ "AliasName": alias_name }),
        Command::ListAliases { key_id, paging: _ } => members([("KeyId", opt(key_id))]),
        Command::Encrypt {
            key_id,
            plaintext,
            encryption_context,
            encryption_algorithm,
            ..
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("Plaintext", blob64("plaintext", plaintext)?),
            (
                "EncryptionContext",
                ctx("encryption-context", encryption_context)?,
            ),
            ("EncryptionAlgorithm", opt(encryption_algorithm)),
        ]),
        Command::Decrypt {
            ciphertext_blob,
            encryption_context,
            key_id,
            encryption_algorithm,
            ..
        } => members([
            (
                "CiphertextBlob",
                blob64("ciphertext-blob", ciphertext_blob)?,
            ),
            (
                "EncryptionContext",
                ctx("encryption-context", encryption_context)?,
            ),
            ("KeyId", opt(key_id)),
            ("EncryptionAlgorithm", opt(encryption_algorithm)),
        ]),
        Command::ReEncrypt {
            ciphertext_blob,
            destination_key_id,
            source_encryption_context,
            destination_encryption_context,
            source_key_id,
            source_encryption_algorithm,
            destination_encryption_algorithm,
            ..
        } => members([
            (
                "CiphertextBlob",
                blob64("ciphertext-blob", ciphertext_blob)?,
            ),
            (
                "SourceEncryptionContext",
                ctx("source-encryption-context", source_encryption_context)?,
            ),
            ("SourceKeyId", opt(source_key_id)),
            ("DestinationKeyId", some(destination_key_id.as_str())),
            (
                "DestinationEncryptionContext",
                ctx(
                    "destination-encryption-context",
                    destination_encryption_context,
                )?,
            ),
            (
                "SourceEncryptionAlgorithm",
                opt(source_encryption_algorithm),
            ),
            (
                "DestinationEncryptionAlgorithm",
                opt(destination_encryption_algorithm),
            ),
        ]),
        Command::GenerateDataKey(a) | Command::GenerateDataKeyWithoutPlaintext(a) => members([
            ("KeyId", some(a.key_id.as_str())),
            (
                "EncryptionContext",
                ctx("encryption-context", &a.encryption_context)?,
            ),
            ("NumberOfBytes", opt(&a.number_of_bytes)),
            ("KeySpec", opt(&a.key_spec)),
        ]),
        Command::GenerateRandom { number_of_bytes } => {
            json!({ "NumberOfBytes": number_of_bytes })
        }
        Command::EnableKeyRotation {
            key_id,
            rotation_period_in_days,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("RotationPeriodInDays", opt(rotation_period_in_days)),
        ]),
        Command::ScheduleKeyDeletion {
            key_id,
            pending_window_in_days,
            yes: _,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("PendingWindowInDays", opt(pending_window_in_days)),
        ]),
        Command::GetParametersForImport {
            key_id,
            wrapping_algorithm,
            wrapping_key_spec,
        } => json!({
            "KeyId": key_id,
            "WrappingAlgorithm": wrapping_algorithm,
            "WrappingKeySpec": wrapping_key_spec,
        }),
        Command::ImportKeyMaterial {
            key_id,
            import_token,
            encrypted_key_material,
            expiration_model,
            valid_to,
            import_type,
            key_material_id,
            key_material_description,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("ImportToken", blob64("import-token", import_token)?),
            (
                "EncryptedKeyMaterial",
                blob64("encrypted-key-material", encrypted_key_material)?,
            ),
            (
                "ValidTo",
                valid_to
                    .as_deref()
                    .map(|t| time("valid-to", t).map(epoch))
                    .transpose()?,
            ),
            ("ExpirationModel", opt(expiration_model)),
            ("ImportType", opt(import_type)),
            ("KeyMaterialId", opt(key_material_id)),
            ("KeyMaterialDescription", opt(key_material_description)),
        ]),
        Command::Access(a) => access_request(a)?,
        Command::Asymmetric(a) => asymmetric_request(a)?,
        Command::Init
        | Command::ChangePassphrase { .. }
        | Command::Audit(_)
        | Command::EncryptFile { .. }
        | Command::DecryptFile { .. }
        | Command::Quickstart
        | Command::Completion { .. }
        | Command::Seed { .. }
        | Command::Iam(_)
        | Command::Secretsmanager(_)
        | Command::Serve(_) => return Ok(None),
    }))
}

/// `BypassPolicyLockoutSafetyCheck`: sent only when set.
fn bypass(set: bool) -> Option<Value> {
    set.then_some(Value::Bool(true))
}

/// The request members of a key policy or grant command, its flags checked as in-process.
fn access_request(cmd: &AccessCommand) -> CliResult<Value> {
    Ok(match cmd {
        AccessCommand::PutKeyPolicy {
            key_id,
            policy_name,
            policy,
            bypass_policy_lockout_safety_check,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("PolicyName", some(policy_name.as_str())),
            ("Policy", some(text("policy", policy)?)),
            (
                "BypassPolicyLockoutSafetyCheck",
                bypass(*bypass_policy_lockout_safety_check),
            ),
        ]),
        AccessCommand::GetKeyPolicy {
            key_id,
            policy_name,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("PolicyName", opt(policy_name)),
        ]),
        AccessCommand::ListKeyPolicies { key_id, paging: _ } => {
            members([("KeyId", some(key_id.as_str()))])
        }
        AccessCommand::CreateGrant {
            key_id,
            grantee_principal,
            retiring_principal,
            operations,
            constraints,
            name,
            ..
        } => {
            for o in operations {
                o.parse::<GrantOperation>()?;
            }
            let constraints = match constraints {
                Some(c) => {
                    let c = GrantConstraints::from_json(&text("constraints", c)?)?;
                    Some(
                        serde_json::from_str(&c.to_json())
                            .map_err(|e| CliError::BadInput(format!("constraints: {e}")))?,
                    )
                }
                None => None,
            };
            members([
                ("KeyId", some(key_id.as_str())),
                ("GranteePrincipal", some(grantee_principal.as_str())),
                ("RetiringPrincipal", opt(retiring_principal)),
                ("Operations", some(operations.clone())),
                ("Constraints", constraints),
                ("Name", opt(name)),
            ])
        }
        AccessCommand::ListGrants {
            key_id,
            grant_id,
            grantee_principal,
            paging: _,
        } => members([
            ("KeyId", some(key_id.as_str())),
            ("GrantId", opt(grant_id)),
            ("GranteePrincipal", opt(grantee_principal)),
        ]),
        AccessCommand::ListRetirableGrants {
            retiring_principal,
            paging: _,
        } => {
            json!({ "RetiringPrincipal": retiring_principal })
        }
        AccessCommand::RetireGrant {
            grant_token,
            key_id,
            grant_id,
            ..
        } => members([
            ("GrantToken", opt(grant_token)),
            ("KeyId", opt(key_id)),
            ("GrantId", opt(grant_id)),
        ]),
        AccessCommand::RevokeGrant {
            key_id, grant_id, ..
        } => {
            json!({ "KeyId": key_id, "GrantId": grant_id })
        }
    })
}

/// The request members of an asymmetric or HMAC key command (botocore's input order); names of
/// algorithms and specs go as given, for the server's parsers (the core's) to check.
fn asymmetric_request(cmd: &AsymmetricCommand) -> CliResult<Value> {
    let sign = |a: &SignArgs| -> CliResult<Vec<(&'static str, Option<Value>)>> {
        Ok(vec![
            ("KeyId", some(a.key_id.as_str())),
            ("Message", blob64("message", &a.message)?),
            ("MessageType", opt(&a.message_type)),
            ("SigningAlgorithm", some(a.signing_algorithm.as_str())),
        ])
    };
    let mac = |a: &MacArgs| -> CliResult<Vec<(&'static str, Option<Value>)>> {
        Ok(vec![
            ("Message", blob64("message", &a.message)?),
            ("KeyId", some(a.key_id.as_str())),
            ("MacAlgorithm", some(a.mac_algorithm.as_str())),
        ])
    };
    let pair = |a: &DataKeyPairArgs| -> CliResult<Vec<(&'static str, Option<Value>)>> {
        Ok(vec![
            (
                "EncryptionContext",
                ctx("encryption-context", &a.encryption_context)?,
            ),
            ("KeyId", some(a.key_id.as_str())),
            ("KeyPairSpec", some(a.key_pair_spec.as_str())),
        ])
    };
    let list = match cmd {
        AsymmetricCommand::GetPublicKey(k) => vec![("KeyId", some(k.key_id.as_str()))],
        AsymmetricCommand::Sign(a) => sign(a)?,
        AsymmetricCommand::Verify { sign: a, signature } => {
            let mut m = sign(a)?;
            m.push(("Signature", blob64("signature", signature)?));
            m
        }
        AsymmetricCommand::GenerateMac(a) => mac(a)?,
        AsymmetricCommand::VerifyMac { mac_args, mac: m } => {
            let mut v = mac(mac_args)?;
            v.push(("Mac", blob64("mac", m)?));
            v
        }
        AsymmetricCommand::DeriveSharedSecret {
            key_id,
            key_agreement_algorithm,
            public_key,
            ..
        } => vec![
            ("KeyId", some(key_id.as_str())),
            (
                "KeyAgreementAlgorithm",
                some(key_agreement_algorithm.as_str()),
            ),
            ("PublicKey", blob64("public-key", public_key)?),
        ],
        AsymmetricCommand::GenerateDataKeyPair(a)
        | AsymmetricCommand::GenerateDataKeyPairWithoutPlaintext(a) => pair(a)?,
    };
    Ok(members(list))
}

fn order_of(table: &'static [(&str, &[&str])], name: &str) -> Option<&'static [&'static str]> {
    table.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// `operation`'s response as the in-process result: nothing for `{}`, else members in
/// `model`'s order with dates as the AWS CLI prints them.
fn shape_response(model: &Model, operation: &str, v: Value) -> Option<Doc> {
    match v {
        Value::Object(m) if m.is_empty() => None,
        v => Some(shape(
            model,
            v,
            order_of(model.outputs, operation).unwrap_or(&[]),
        )),
    }
}

/// A structure (or a list of them) with its members in `order` (members the model does not
/// list last, by name), timestamps converted, nested structures shaped by the model's nested
/// table.
fn shape(model: &Model, v: Value, order: &[&str]) -> Doc {
    match v {
        Value::Object(map) => {
            let mut ms: Vec<(String, Value)> = map.into_iter().collect();
            ms.sort_by_cached_key(|(k, _)| {
                let at = order.iter().position(|o| o == k).unwrap_or(usize::MAX);
                (at, k.clone())
            });
            Doc::Obj(
                ms.into_iter()
                    .map(|(k, v)| {
                        let d = member(model, &k, v);
                        (k, d)
                    })
                    .collect(),
            )
        }
        Value::Array(items) => {
            Doc::List(items.into_iter().map(|i| shape(model, i, order)).collect())
        }
        other => Doc::Value(other),
    }
}

fn member(model: &Model, name: &str, v: Value) -> Doc {
    if model.timestamps.contains(&name)
        && let Some(secs) = v.as_f64()
    {
        return date(Timestamp::from_unix_millis((secs * 1000.0).round() as i64));
    }
    match order_of(model.nested, name) {
        Some(order) => shape(model, v, order),
        None => Doc::Value(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::iso_local;

    #[test]
    fn responses_take_the_models_order_and_dates() {
        let v = json!({
            "Truncated": false,
            "Aliases": [{"TargetKeyId": "k", "LastUpdatedDate": 1_700_000_000.25,
                         "AliasName": "alias/a", "CreationDate": 1_700_000_000, "Zeta": 1}],
        });
        let d = shape_response(&KMS, "ListAliases", v).unwrap();
        let Doc::Obj(top) = &d else { panic!() };
        assert_eq!(top[0].0, "Aliases");
        let Doc::List(items) = &top[0].1 else {
            panic!()
        };
        let Doc::Obj(a) = &items[0] else { panic!() };
        let names: Vec<&str> = a.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "AliasName",
                "TargetKeyId",
                "CreationDate",
                "LastUpdatedDate",
                "Zeta"
            ]
        );
        assert_eq!(
            a[3].1,
            Doc::Value(json!(iso_local(Timestamp::from_unix_millis(
                1_700_000_000_250
            ))))
        );
        assert_eq!(shape_response(&KMS, "EnableKey", json!({})), None);
        // Secrets Manager's model: its own order, dates and nested Tags (Key, Value).
        let v = json!({
            "CreatedDate": 1_700_000_000,
            "VersionIdsToStages": {"v1": ["AWSCURRENT"]},
            "Tags": [{"Value": "prod", "Key": "env"}],
            "Name": "prod/db",
            "ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
        });
        let Some(Doc::Obj(top)) = shape_response(&SECRETS_MANAGER, "DescribeSecret", v) else {
            panic!()
        };
        let names: Vec<&str> = top.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["ARN", "Name", "Tags", "VersionIdsToStages", "CreatedDate"]
        );
        assert_eq!(
            top[2].1,
            Doc::List(vec![Doc::Obj(vec![
                ("Key".into(), Doc::Value(json!("env"))),
                ("Value".into(), Doc::Value(json!("prod"))),
            ])])
        );
        assert_eq!(
            top[4].1,
            Doc::Value(json!(iso_local(Timestamp::from_unix_millis(
                1_700_000_000_000
            ))))
        );
    }

    /// model.rs and secrets_model.rs against botocore's models, read by the Python
    /// `STRONGROOM_PYTHON` names (scripts/test-all installs botocore): every operation and
    /// structure listed keeps its members in the model's order, and every timestamp is still
    /// one. Members AWS adds later print after the known ones until the table is regenerated.
    #[test]
    fn model_matches_botocore() {
        let Some(python) = std::env::var_os("STRONGROOM_PYTHON") else {
            eprintln!("STRONGROOM_PYTHON not set: botocore's model not compared");
            return;
        };
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/kms-output-model"
        );
        for (service, model) in [("kms", &KMS), ("secretsmanager", &SECRETS_MANAGER)] {
            let out = std::process::Command::new(&python)
                .args([script, "--service", service, "--json"])
                .output()
                .unwrap();
            if !out.status.success() {
                eprintln!("botocore not importable: model not compared");
                return;
            }
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let names = |v: &Value| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect()
            };
            for (table, key) in [(model.outputs, "outputs"), (model.nested, "nested")] {
                for (name, ours) in table {
                    let theirs: Vec<String> = names(&v[key][name])
                        .into_iter()
                        .filter(|m| ours.contains(&m.as_str()))
                        .collect();
                    assert_eq!(
                        &theirs, ours,
                        "{service} {name}: regenerate with scripts/kms-output-model"
                    );
                }
            }
            let times = names(&v["timestamps"]);
            for t in model.timestamps {
                assert!(times.iter().any(|x| x == t), "{t} is no longer a timestamp");
            }
        }
    }

    #[test]
    fn requests_carry_the_flags() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "strongroom",
            "encrypt",
            "--key-id",
            "alias/a",
            "--plaintext",
            "aGk=",
            "--encryption-context",
            "b=2,a=1",
        ])
        .unwrap();
        assert_eq!(
            request(&cli.command).unwrap().unwrap(),
            json!({"KeyId": "alias/a", "Plaintext": "aGk=", "EncryptionContext": {"a": "1", "b": "2"}})
        );
        let cli = Cli::try_parse_from(["strongroom", "init"]).unwrap();
        assert!(request(&cli.command).unwrap().is_none());
        let bad =
            Cli::try_parse_from(["strongroom", "decrypt", "--ciphertext-blob", "!!"]).unwrap();
        assert!(matches!(request(&bad.command), Err(CliError::BadInput(_))));
    }
}

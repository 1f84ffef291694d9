//! The permission check of every request (SPEC section 13), made before the operation runs: who
//! is calling ([`principal_for`]), which key or keys the request acts on and with which action,
//! read from the request's members without taking them; then the core decides
//! (`Keystore::authorize`: the key policy, then grants). A request whose key member is missing or
//! of the wrong type is not checked here: its operation refuses it before touching a key.
//!
//! `CreateKey`, `ListKeys`, `ListAliases`, `GenerateRandom` and `ListRetirableGrants` act on no
//! key; AWS authorizes them by IAM policy, which strongroom does not have: every authenticated
//! caller may call them (docs/policies.md). A Secrets Manager call is judged by its secret's
//! resource policy and KMS key ([`authorize_secret`]).

use super::error::ApiError;
use super::request::Request;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;
use strongroom::{
    AccessKeyCredential, AccessRequest, EncryptionContext, GrantOperation, Keystore, Operation,
    Principal, SecretAccessRequest,
};

/// The operations that act on no key: every authenticated caller may call them.
pub const KEYLESS: &[&str] = &[
    "CreateKey",
    "ListKeys",
    "ListAliases",
    "GenerateRandom",
    "ListRetirableGrants",
];

/// The principal behind a request, calling from `source_ip`. A request signed with an access
/// key of the keystore's users (`strongroom iam`) is that user,
/// `arn:aws:iam::ACCOUNT:user/NAME` with the keystore's account ([`Keystore::aws_account_id`]).
/// `credential` is `None` on an `--unauthenticated` server: the anonymous caller is then the
/// account root, `arn:aws:iam::ACCOUNT:root` (an unauthenticated server is a throwaway
/// development setup on loopback, where whoever can connect holds the keystore anyway).
pub fn principal_for(
    ks: &Keystore,
    credential: Option<&AccessKeyCredential>,
    source_ip: Option<IpAddr>,
) -> Principal {
    let account = ks.aws_account_id();
    match credential {
        Some(c) => Principal::user(account, c.user_name()),
        None => Principal::account_root(account),
    }
    .with_source_ip(source_ip)
}

fn string<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.member(name).and_then(Value::as_str)
}

/// An encryption context member, if it is one (a malformed one is the operation's to refuse).
fn context(req: &Request, name: &str) -> Option<EncryptionContext> {
    let map = req.member(name)?.as_object()?;
    let pairs: Option<BTreeMap<String, String>> = map
        .iter()
        .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .collect();
    pairs
        .filter(|p| !p.is_empty())
        .and_then(|p| EncryptionContext::from_map(p).ok())
}

fn grant_tokens(req: &Request) -> Vec<String> {
    req.member("GrantTokens")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The key a ciphertext blob member names, if the member is a blob of this keystore.
fn blob_key(ks: &Keystore, req: &Request, name: &str) -> Option<String> {
    let bytes = BASE64.decode(string(req, name)?).ok()?;
    ks.ciphertext_key_id(&bytes).ok()
}

/// Whether a `ReEncrypt`'s source is a blob of this keystore (`SourceEncryptionAlgorithm`
/// absent or `SYMMETRIC_DEFAULT`), which names its key, rather than raw RSA-OAEP ciphertext.
fn symmetric_source(req: &Request) -> bool {
    string(req, "SourceEncryptionAlgorithm").is_none_or(|a| a == "SYMMETRIC_DEFAULT")
}

/// The target of an alias named by member `name`, if it exists.
fn alias_target(ks: &Keystore, req: &Request, name: &str) -> Option<String> {
    let alias = string(req, name)?;
    ks.key_id_of(alias).ok()
}

/// One check to make: `action` on `key` with `context`.
struct Check {
    action: &'static str,
    key: String,
    context: Option<EncryptionContext>,
}

fn on(action: &'static str, key: Option<String>) -> Option<Check> {
    key.map(|key| Check {
        action,
        key,
        context: None,
    })
}

/// Checks that `principal` may make request `req` of `operation`.
pub fn authorize(
    ks: &Keystore,
    principal: &Principal,
    operation: &'static str,
    req: &Request,
) -> Result<(), ApiError> {
    if KEYLESS.contains(&operation) {
        return Ok(());
    }
    let Ok(op) = operation.parse::<Operation>() else {
        return Err(ApiError::internal(format!(
            "{operation} has no permission check; this is a bug"
        )));
    };
    if operation == "RetireGrant" {
        return Ok(ks.authorize_retire_grant(
            principal,
            string(req, "GrantToken"),
            string(req, "KeyId"),
            string(req, "GrantId"),
        )?);
    }
    let key = || string(req, "KeyId").map(str::to_owned);
    let checks: Vec<Option<Check>> = match operation {
        "Decrypt" => vec![
            on(
                "Decrypt",
                key().or_else(|| blob_key(ks, req, "CiphertextBlob")),
            )
            .map(|c| Check {
                context: context(req, "EncryptionContext"),
                ..c
            }),
        ],
        "ReEncrypt" => vec![
            on(
                "ReEncryptFrom",
                string(req, "SourceKeyId").map(str::to_owned).or_else(|| {
                    // Raw RSA-OAEP ciphertext names no key: its source is `SourceKeyId` only
                    // (without it the operation refuses the request before touching a key).
                    symmetric_source(req)
                        .then(|| blob_key(ks, req, "CiphertextBlob"))
                        .flatten()
                }),
            )
            .map(|c| Check {
                context: context(req, "SourceEncryptionContext"),
                ..c
            }),
            on(
                "ReEncryptTo",
                string(req, "DestinationKeyId").map(str::to_owned),
            )
            .map(|c| Check {
                context: context(req, "DestinationEncryptionContext"),
                ..c
            }),
        ],
        "CreateAlias" => vec![on(
            "CreateAlias",
            string(req, "TargetKeyId").map(str::to_owned),
        )],
        "UpdateAlias" => vec![
            on("UpdateAlias", alias_target(ks, req, "AliasName")),
            on("UpdateAlias", string(req, "TargetKeyId").map(str::to_owned)),
        ],
        "DeleteAlias" => vec![on("DeleteAlias", alias_target(ks, req, "AliasName"))],
        _ => vec![on(op.as_str(), key()).map(|c| Check {
            context: context(req, "EncryptionContext"),
            ..c
        })],
    };
    let tokens = grant_tokens(req);
    let grant_operations: Vec<GrantOperation> = if operation == "CreateGrant" {
        req.member("Operations")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|o| o.as_str()?.parse().ok()).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    for c in checks.into_iter().flatten() {
        ks.authorize(
            principal,
            &AccessRequest {
                operation: op,
                action: c.action,
                key_id: &c.key,
                encryption_context: c.context.as_ref(),
                grant_tokens: &tokens,
                grant_operations: &grant_operations,
            },
        )?;
    }
    Ok(())
}

/// Checks that `principal` may make the Secrets Manager request `req` of `operation`
/// (`secretsmanager.<Operation>`): the core judges it by the secret's resource policy (an
/// explicit `Deny` refuses), then the secret's KMS key as AWS's Secrets Manager does when it
/// calls KMS for the caller (`Keystore::authorize_secret`).
pub fn authorize_secret(
    ks: &Keystore,
    principal: &Principal,
    operation: &'static str,
    req: &Request,
) -> Result<(), ApiError> {
    let name = operation.strip_prefix(super::secrets::TARGET_PREFIX);
    let Some(op) = name.and_then(|n| n.parse::<Operation>().ok()) else {
        return Err(ApiError::internal(format!(
            "{operation} has no permission check; this is a bug"
        )));
    };
    let has_value = req.member("SecretString").is_some() || req.member("SecretBinary").is_some();
    let names_key = matches!(op, Operation::CreateSecret | Operation::UpdateSecret)
        && req.member("KmsKeyId").is_some();
    Ok(ks.authorize_secret(
        principal,
        &SecretAccessRequest {
            operation: op,
            secret_id: string(req, "SecretId"),
            kms_key_id: string(req, "KmsKeyId"),
            version_id: string(req, "VersionId"),
            version_stage: string(req, "VersionStage"),
            reads_value: op == Operation::GetSecretValue,
            writes_value: has_value || names_key,
        },
    )?)
}

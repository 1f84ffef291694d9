//! AWS KMS's JSON 1.1 protocol over one [`Keystore`]: the operation named by `X-Amz-Target:
//! TrentService.<Operation>`, its request body read member by member ([`request`]), the core
//! checked against the key policy and grants for the caller ([`authorize`]), the core called, and
//! the response or error shaped as AWS's ([`shapes`], [`error`]). No HTTP here: the
//! server (`crate::server`) hands in the target and the body and writes out the [`Reply`].

pub mod error;
pub mod model;
pub mod request;
pub mod shapes;

pub mod authorize;

mod aliases;
mod asymmetric;
mod crypto;
mod grants;
mod import;
mod keys;
mod paging;
mod policy;
mod rotation;
pub mod secrets;
mod tags;

use error::ApiError;
use request::Request;
use serde_json::Value;
use strongroom::{Keystore, Principal};
use zeroize::{Zeroize, Zeroizing};

/// The `X-Amz-Target` prefix of AWS KMS's operations.
pub const TARGET_PREFIX: &str = "TrentService.";

type Handler = fn(&Keystore, Request) -> Result<Value, ApiError>;

/// Every operation served, with its handler, sorted by name.
const HANDLERS: &[(&str, Handler)] = &[
    ("CancelKeyDeletion", keys::cancel_key_deletion),
    ("CreateAlias", aliases::create_alias),
    ("CreateGrant", grants::create_grant),
    ("CreateKey", keys::create_key),
    ("Decrypt", crypto::decrypt),
    ("DeleteAlias", aliases::delete_alias),
    (
        "DeleteImportedKeyMaterial",
        import::delete_imported_key_material,
    ),
    ("DeriveSharedSecret", asymmetric::derive_shared_secret),
    ("DescribeKey", keys::describe_key),
    ("DisableKey", keys::disable_key),
    ("DisableKeyRotation", rotation::disable_key_rotation),
    ("EnableKey", keys::enable_key),
    ("EnableKeyRotation", rotation::enable_key_rotation),
    ("Encrypt", crypto::encrypt),
    ("GenerateDataKey", crypto::generate_data_key),
    ("GenerateDataKeyPair", asymmetric::generate_data_key_pair),
    (
        "GenerateDataKeyPairWithoutPlaintext",
        asymmetric::generate_data_key_pair_without_plaintext,
    ),
    (
        "GenerateDataKeyWithoutPlaintext",
        crypto::generate_data_key_without_plaintext,
    ),
    ("GenerateMac", asymmetric::generate_mac),
    ("GenerateRandom", crypto::generate_random),
    ("GetKeyLastUsage", tags::get_key_last_usage),
    ("GetKeyPolicy", policy::get_key_policy),
    ("GetKeyRotationStatus", rotation::get_key_rotation_status),
    ("GetParametersForImport", import::get_parameters_for_import),
    ("GetPublicKey", asymmetric::get_public_key),
    ("ImportKeyMaterial", import::import_key_material),
    ("ListAliases", aliases::list_aliases),
    ("ListGrants", grants::list_grants),
    ("ListKeyPolicies", policy::list_key_policies),
    ("ListKeyRotations", rotation::list_key_rotations),
    ("ListKeys", keys::list_keys),
    ("ListResourceTags", tags::list_resource_tags),
    ("ListRetirableGrants", grants::list_retirable_grants),
    ("PutKeyPolicy", policy::put_key_policy),
    ("ReEncrypt", crypto::re_encrypt),
    ("RetireGrant", grants::retire_grant),
    ("RevokeGrant", grants::revoke_grant),
    ("RotateKeyOnDemand", rotation::rotate_key_on_demand),
    ("ScheduleKeyDeletion", keys::schedule_key_deletion),
    ("Sign", asymmetric::sign),
    ("TagResource", tags::tag_resource),
    ("UntagResource", tags::untag_resource),
    ("UpdateAlias", aliases::update_alias),
    ("UpdateKeyDescription", tags::update_key_description),
    ("Verify", asymmetric::verify),
    ("VerifyMac", asymmetric::verify_mac),
];

/// The names of the operations served, sorted.
pub fn served_operations() -> impl Iterator<Item = &'static str> {
    HANDLERS.iter().map(|(name, _)| *name)
}

/// Operations that only compute (no write to the file in the common case): run in place on the
/// server's worker threads. The others may wait for a disk flush.
pub fn is_fast(operation: &str) -> bool {
    matches!(
        operation,
        "Encrypt"
            | "Decrypt"
            | "ReEncrypt"
            | "GenerateDataKey"
            | "GenerateDataKeyWithoutPlaintext"
            | "GenerateRandom"
            | "DescribeKey"
            | "GetKeyRotationStatus"
            | "GetPublicKey"
            | "Sign"
            | "Verify"
            | "GenerateMac"
            | "VerifyMac"
            | "DeriveSharedSecret"
            | "ListResourceTags"
    )
}

/// One response: status, body (wiped when dropped: it may hold a plaintext) and, for errors,
/// the exception name for `x-amzn-ErrorType`.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Zeroizing<Vec<u8>>,
    /// AWS's exception name, for errors.
    pub error_type: Option<&'static str>,
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Self {
        Reply {
            status: e.status,
            body: Zeroizing::new(e.body()),
            error_type: Some(e.code),
        }
    }
}

/// Runs the core call `f`, as a dry run if the request's `DryRun` was true
/// ([`Keystore::dry_run`]): checked completely, nothing changed, and `DryRunOperationException`
/// where it would have succeeded. The permission check ran before, outside the dry run: a caller
/// the key policy and grants refuse gets `AccessDeniedException` either way.
fn run<T>(ks: &Keystore, dry_run: bool, f: impl FnOnce() -> T) -> T {
    if dry_run { ks.dry_run(f) } else { f() }
}

/// Which operation an `X-Amz-Target` names, or AWS's error for one that is missing, unknown, or
/// an AWS KMS operation strongroom does not have yet.
pub fn operation(target: Option<&str>) -> Result<&'static str, ApiError> {
    let Some(target) = target else {
        return Err(ApiError::client(
            "UnknownOperationException",
            "the X-Amz-Target header is missing; AWS KMS requests name their operation as TrentService.<Operation>",
        ));
    };
    if target.starts_with(secrets::TARGET_PREFIX) {
        return match secrets::HANDLERS.iter().find(|(t, _)| *t == target) {
            Some((t, _)) => Ok(t),
            None => Err(ApiError::client(
                "UnknownOperationException",
                format!("{target} is not a Secrets Manager operation that strongroom serves"),
            )),
        };
    }
    let name = target.strip_prefix(TARGET_PREFIX).ok_or_else(|| {
        ApiError::client(
            "UnknownOperationException",
            format!(
                "X-Amz-Target {target:?} is not an AWS KMS operation (TrentService.<Operation>)"
            ),
        )
    })?;
    if let Some((op, _)) = HANDLERS.iter().find(|(op, _)| *op == name) {
        return Ok(op);
    }
    if model::OPERATIONS.contains(&name) {
        return Err(ApiError::client(
            "UnsupportedOperationException",
            format!("{name} is an AWS KMS operation that strongroom does not support yet"),
        ));
    }
    Err(ApiError::client(
        "UnknownOperationException",
        format!("{name} is not an AWS KMS operation"),
    ))
}

/// Runs `operation` (from [`operation`]) with the request `body` on `ks` for `caller`, once the
/// key policy and grants allow it: an AWS KMS operation's key ([`authorize::authorize`]), or for
/// a Secrets Manager operation the secret's resource policy and its KMS key where it reads or
/// writes a value ([`authorize::authorize_secret`], docs/policies.md).
pub fn handle(ks: &Keystore, caller: &Principal, operation: &'static str, body: &[u8]) -> Reply {
    let Some((_, handler)) = HANDLERS
        .iter()
        .chain(secrets::HANDLERS)
        .find(|(op, _)| *op == operation)
    else {
        return ApiError::internal(format!("no handler for {operation}")).into();
    };
    let result = Request::parse(operation, body).and_then(|req| {
        if operation.starts_with(secrets::TARGET_PREFIX) {
            authorize::authorize_secret(ks, caller, operation, &req)?;
        } else {
            authorize::authorize(ks, caller, operation, &req)?;
        }
        handler(ks, req)
    });
    match result {
        Ok(mut value) => {
            let body = Zeroizing::new(serde_json::to_vec(&value).unwrap_or_default());
            for secret in [
                "Plaintext",
                "PrivateKeyPlaintext",
                "SharedSecret",
                "SecretString",
                "SecretBinary",
                "RandomPassword",
            ] {
                if let Some(Value::String(p)) = value.get_mut(secret) {
                    p.zeroize();
                }
            }
            Reply {
                status: 200,
                body,
                error_type: None,
            }
        }
        Err(e) => e.into(),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod policy_tests;

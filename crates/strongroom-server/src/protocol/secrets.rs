//! AWS Secrets Manager's JSON 1.1 protocol on the same port (SPEC sections 12 and 14): the
//! operation named by `X-Amz-Target: secretsmanager.<Operation>`, its members read as
//! botocore's `secretsmanager` model names them, the core's secrets operations called, and the
//! results and errors shaped as Secrets Manager's (`ResourceNotFoundException`, ...). Members
//! of features strongroom does not have (replication, rotation, `Type`) are refused, never
//! ignored. Resource policies are served (`PutResourcePolicy`, ...); the server judges each call
//! by the secret's policy before it runs (`authorize::authorize_secret`).

use super::error::ApiError;
use super::request::Request;
use super::shapes::{blob, date};
use serde_json::{Map, Value, json};
use strongroom::{
    CreateSecret, Error, Keystore, ListSecrets, PasswordOptions, SecretFilter, SecretMetadata,
    SecretSortBy, SecretTag as Tag, SecretValueInput, UpdateSecret, secret_value,
};

/// The `X-Amz-Target` prefix of Secrets Manager's operations.
pub const TARGET_PREFIX: &str = "secretsmanager.";

type Handler = fn(&Keystore, Request) -> Result<Value, ApiError>;

/// Every Secrets Manager operation served, by its full `X-Amz-Target`, sorted.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("secretsmanager.CreateSecret", create_secret),
    (
        "secretsmanager.DeleteResourcePolicy",
        delete_resource_policy,
    ),
    ("secretsmanager.DeleteSecret", delete_secret),
    ("secretsmanager.DescribeSecret", describe_secret),
    ("secretsmanager.GetRandomPassword", get_random_password),
    ("secretsmanager.GetResourcePolicy", get_resource_policy),
    ("secretsmanager.GetSecretValue", get_secret_value),
    (
        "secretsmanager.ListSecretVersionIds",
        list_secret_version_ids,
    ),
    ("secretsmanager.ListSecrets", list_secrets),
    ("secretsmanager.PutResourcePolicy", put_resource_policy),
    ("secretsmanager.PutSecretValue", put_secret_value),
    ("secretsmanager.RestoreSecret", restore_secret),
    ("secretsmanager.TagResource", tag_resource),
    ("secretsmanager.UntagResource", untag_resource),
    ("secretsmanager.UpdateSecret", update_secret),
    (
        "secretsmanager.UpdateSecretVersionStage",
        update_secret_version_stage,
    ),
    (
        "secretsmanager.ValidateResourcePolicy",
        validate_resource_policy,
    ),
];

/// The core's error as Secrets Manager's exception (`Error::secrets_manager_code`).
pub fn error(e: Error) -> ApiError {
    let code = e.secrets_manager_code();
    if code == "InternalServiceError" {
        return ApiError {
            status: 500,
            code,
            message: format!("{}: {}", e.name(), e.message()),
        };
    }
    ApiError::client(code, e.message().to_string())
}

trait Sm<T> {
    fn sm(self) -> Result<T, ApiError>;
}

impl<T> Sm<T> for strongroom::Result<T> {
    fn sm(self) -> Result<T, ApiError> {
        self.map_err(error)
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidParameterException", message)
}

/// `SecretString` / `SecretBinary`, at most one.
fn value(req: &mut Request) -> Result<Option<strongroom::SecretValue>, ApiError> {
    let string = req.opt_string("SecretString")?;
    let binary = req.opt_blob("SecretBinary")?;
    let v = secret_value(SecretValueInput {
        secret_string: string.as_deref(),
        secret_binary: binary.as_deref().map(Vec::as_slice),
    })
    .sm();
    if let Some(mut s) = string {
        zeroize::Zeroize::zeroize(&mut s);
    }
    v
}

fn text(o: &Map<String, Value>, name: &str, what: &str) -> Result<Option<String>, ApiError> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::serialization(format!(
            "{what}.{name} must be a string"
        ))),
    }
}

fn tags(req: &mut Request) -> Result<Vec<Tag>, ApiError> {
    req.opt_objects("Tags")?
        .unwrap_or_default()
        .iter()
        .map(|o| {
            Ok(Tag::new(
                text(o, "Key", "Tag")?.ok_or_else(|| invalid("every tag needs a Key"))?,
                text(o, "Value", "Tag")?.unwrap_or_default(),
            ))
        })
        .collect()
}

fn tags_json(tags: &[Tag]) -> Value {
    tags.iter()
        .map(|t| json!({"Key": t.key, "Value": t.value}))
        .collect()
}

/// Adds `name: value` when `value` is `Some`.
fn put(o: &mut Map<String, Value>, name: &str, value: Option<Value>) {
    if let Some(v) = value {
        o.insert(name.to_owned(), v);
    }
}

fn arn_name(arn: &str, name: &str) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("ARN".into(), json!(arn));
    o.insert("Name".into(), json!(name));
    o
}

/// `DescribeSecret`'s shape; `stages` names the map (`VersionIdsToStages`, or in `ListSecrets`
/// `SecretVersionsToStages`).
fn metadata(ks: &Keystore, m: &SecretMetadata, stages: &str) -> Value {
    let mut o = arn_name(&m.arn, &m.name);
    put(
        &mut o,
        "Description",
        m.description.as_ref().map(|d| json!(d)),
    );
    put(
        &mut o,
        "KmsKeyId",
        m.kms_key_id.as_ref().map(|k| json!(ks.aws_arn(k))),
    );
    o.insert("LastChangedDate".into(), date(m.last_changed_date));
    put(&mut o, "LastAccessedDate", m.last_accessed_date.map(date));
    put(&mut o, "DeletedDate", m.deleted_date.map(date));
    if !m.tags.is_empty() {
        o.insert("Tags".into(), tags_json(&m.tags));
    }
    o.insert(stages.into(), json!(m.version_ids_to_stages));
    o.insert("CreatedDate".into(), date(m.created_date));
    Value::Object(o)
}

fn create_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let r = CreateSecret {
        name: req.string("Name")?,
        client_request_token: req.opt_string("ClientRequestToken")?,
        description: req.opt_string("Description")?,
        kms_key_id: req.opt_string("KmsKeyId")?,
        value: value(&mut req)?,
        tags: tags(&mut req)?,
    };
    req.finish()?;
    let made = ks.create_secret(&r).sm()?;
    let mut o = arn_name(&made.arn, &made.name);
    put(&mut o, "VersionId", made.version_id.map(Value::String));
    Ok(Value::Object(o))
}

fn get_secret_value(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let version_id = req.opt_string("VersionId")?;
    let stage = req.opt_string("VersionStage")?;
    req.finish()?;
    let v = ks
        .get_secret_value(&id, version_id.as_deref(), stage.as_deref())
        .sm()?;
    let mut o = arn_name(v.arn(), v.name());
    o.insert("VersionId".into(), json!(v.version_id()));
    match v.value.as_str() {
        Some(s) => o.insert("SecretString".into(), json!(s)),
        None => o.insert("SecretBinary".into(), blob(v.value.as_bytes())),
    };
    o.insert("VersionStages".into(), json!(v.version_stages()));
    o.insert("CreatedDate".into(), date(v.created_date));
    Ok(Value::Object(o))
}

fn put_secret_value(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let token = req.opt_string("ClientRequestToken")?;
    let v = value(&mut req)?.ok_or_else(|| invalid("give SecretString or SecretBinary"))?;
    let stages = req.opt_string_list("VersionStages")?;
    req.finish()?;
    let r = ks
        .put_secret_value(&id, token.as_deref(), &v, stages.as_deref())
        .sm()?;
    let mut o = arn_name(&r.arn, &r.name);
    put(&mut o, "VersionId", r.version_id.map(Value::String));
    o.insert("VersionStages".into(), json!(r.version_stages));
    Ok(Value::Object(o))
}

fn update_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let r = UpdateSecret {
        client_request_token: req.opt_string("ClientRequestToken")?,
        description: req.opt_string("Description")?,
        kms_key_id: req.opt_string("KmsKeyId")?,
        value: value(&mut req)?,
    };
    req.finish()?;
    let out = ks.update_secret(&id, &r).sm()?;
    let mut o = arn_name(&out.arn, &out.name);
    put(&mut o, "VersionId", out.version_id.map(Value::String));
    Ok(Value::Object(o))
}

fn describe_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    req.finish()?;
    let m = ks.describe_secret(&id).sm()?;
    Ok(metadata(ks, &m, "VersionIdsToStages"))
}

fn list_secrets(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let mut filters = Vec::new();
    for f in req.opt_objects("Filters")?.unwrap_or_default() {
        let key = text(&f, "Key", "Filter")?.ok_or_else(|| invalid("every filter needs a Key"))?;
        let values = match f.get("Values") {
            Some(Value::Array(v)) => v
                .iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::serialization("Filter.Values must be strings"))?,
            _ => return Err(invalid(format!("filter {key} needs Values"))),
        };
        filters.push(SecretFilter {
            key: key.parse().sm()?,
            values,
        });
    }
    let r = ListSecrets {
        include_planned_deletion: req.opt_bool("IncludePlannedDeletion")?.unwrap_or(false),
        max_results: req.opt_u32("MaxResults")?,
        next_token: req.opt_string("NextToken")?,
        filters,
        sort_by: req
            .opt_string("SortBy")?
            .map(|s| s.parse::<SecretSortBy>())
            .transpose()
            .sm()?,
        ascending: match req.opt_string("SortOrder")?.as_deref() {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(o) => return Err(invalid(format!("SortOrder must be asc or desc, not {o:?}"))),
        },
    };
    req.finish()?;
    let page = ks.list_secrets(&r).sm()?;
    let mut o = Map::new();
    o.insert(
        "SecretList".into(),
        page.secrets
            .iter()
            .map(|m| metadata(ks, m, "SecretVersionsToStages"))
            .collect(),
    );
    put(&mut o, "NextToken", page.next_token.map(Value::String));
    Ok(Value::Object(o))
}

fn list_secret_version_ids(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let max = req.opt_u32("MaxResults")?;
    let token = req.opt_string("NextToken")?;
    let deprecated = req.opt_bool("IncludeDeprecated")?.unwrap_or(false);
    req.finish()?;
    let page = ks
        .list_secret_version_ids(&id, max, token.as_deref(), deprecated)
        .sm()?;
    let mut o = Map::new();
    o.insert(
        "Versions".into(),
        page.versions
            .iter()
            .map(|v| {
                let mut e = Map::new();
                e.insert("VersionId".into(), json!(v.version_id));
                e.insert("VersionStages".into(), json!(v.version_stages));
                put(&mut e, "LastAccessedDate", v.last_accessed_date.map(date));
                e.insert("CreatedDate".into(), date(v.created_date));
                let keys: Vec<_> = v.kms_key_ids.iter().map(|k| ks.aws_arn(k)).collect();
                e.insert("KmsKeyIds".into(), json!(keys));
                Value::Object(e)
            })
            .collect(),
    );
    put(&mut o, "NextToken", page.next_token.map(Value::String));
    o.insert("ARN".into(), json!(page.arn));
    o.insert("Name".into(), json!(page.name));
    Ok(Value::Object(o))
}

fn update_secret_version_stage(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let stage = req.string("VersionStage")?;
    let from = req.opt_string("RemoveFromVersionId")?;
    let to = req.opt_string("MoveToVersionId")?;
    req.finish()?;
    let r = ks
        .update_secret_version_stage(&id, &stage, from.as_deref(), to.as_deref())
        .sm()?;
    Ok(Value::Object(arn_name(&r.arn, &r.name)))
}

fn delete_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let window = req.opt_u32("RecoveryWindowInDays")?;
    let force = req.opt_bool("ForceDeleteWithoutRecovery")?.unwrap_or(false);
    req.finish()?;
    let d = ks.delete_secret(&id, window, force).sm()?;
    let mut o = arn_name(&d.arn, &d.name);
    put(&mut o, "DeletionDate", d.deletion_date.map(date));
    Ok(Value::Object(o))
}

fn restore_secret(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    req.finish()?;
    let d = ks.restore_secret(&id).sm()?;
    Ok(Value::Object(arn_name(&d.arn, &d.name)))
}

fn get_random_password(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let d = PasswordOptions::default();
    let o = PasswordOptions {
        password_length: req.opt_u32("PasswordLength")?.unwrap_or(d.password_length),
        exclude_characters: req.opt_string("ExcludeCharacters")?.unwrap_or_default(),
        exclude_numbers: req.opt_bool("ExcludeNumbers")?.unwrap_or(false),
        exclude_punctuation: req.opt_bool("ExcludePunctuation")?.unwrap_or(false),
        exclude_uppercase: req.opt_bool("ExcludeUppercase")?.unwrap_or(false),
        exclude_lowercase: req.opt_bool("ExcludeLowercase")?.unwrap_or(false),
        include_space: req.opt_bool("IncludeSpace")?.unwrap_or(false),
        require_each_included_type: req
            .opt_bool("RequireEachIncludedType")?
            .unwrap_or(d.require_each_included_type),
    };
    req.finish()?;
    let p = ks.get_random_password(&o).sm()?;
    Ok(json!({ "RandomPassword": p.as_str() }))
}

fn tag_resource(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let t = tags(&mut req)?;
    req.finish()?;
    ks.tag_secret(&id, &t).sm()?;
    Ok(json!({}))
}

fn untag_resource(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let keys = req
        .opt_string_list("TagKeys")?
        .ok_or_else(|| invalid("TagKeys is required"))?;
    req.finish()?;
    ks.untag_secret(&id, &keys).sm()?;
    Ok(json!({}))
}

/// `ARN`, `Name`, `PolicyName` of the resource-policy calls.
fn policy_ref(r: &strongroom::SecretPolicyRef) -> Value {
    let mut o = arn_name(&r.arn, &r.name);
    o.insert("PolicyName".into(), json!(r.policy_name));
    Value::Object(o)
}

fn put_resource_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let policy = req.string("ResourcePolicy")?;
    let name = req.opt_string("PolicyName")?;
    let block = req.opt_bool("BlockPublicPolicy")?.unwrap_or(false);
    req.finish()?;
    let r = ks
        .put_secret_resource_policy(&id, name.as_deref(), &policy, block)
        .sm()?;
    Ok(policy_ref(&r))
}

fn get_resource_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let name = req.opt_string("PolicyName")?;
    req.finish()?;
    let r = ks.get_secret_resource_policy(&id, name.as_deref()).sm()?;
    let mut o = arn_name(&r.arn, &r.name);
    put(
        &mut o,
        "ResourcePolicy",
        r.resource_policy.map(Value::String),
    );
    o.insert("PolicyName".into(), json!(r.policy_name));
    Ok(Value::Object(o))
}

fn delete_resource_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.string("SecretId")?;
    let name = req.opt_string("PolicyName")?;
    req.finish()?;
    let r = ks
        .delete_secret_resource_policy(&id, name.as_deref())
        .sm()?;
    Ok(policy_ref(&r))
}

fn validate_resource_policy(ks: &Keystore, mut req: Request) -> Result<Value, ApiError> {
    let id = req.opt_string("SecretId")?;
    let policy = req.string("ResourcePolicy")?;
    req.finish()?;
    let v = ks
        .validate_secret_resource_policy(id.as_deref(), &policy)
        .sm()?;
    let errors: Vec<Value> = v
        .errors
        .iter()
        .map(|e| json!({"CheckName": e.check_name, "ErrorMessage": e.error_message}))
        .collect();
    Ok(json!({"PolicyValidationPassed": v.passed, "ValidationErrors": errors}))
}

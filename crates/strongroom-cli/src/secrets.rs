//! `strongroom secretsmanager <command>`: AWS Secrets Manager's commands with the AWS CLI's names,
//! flags and output shapes (SPEC section 14), over the core's secrets operations. The grammar
//! (`SecretsCommand`) and the one function per command (`run`) are both here; no rule lives here.

use crate::errors::{CliError, CliResult};
use crate::input::{blob, text};
use crate::obj;
use crate::output::{Doc, date};
use crate::paginate::{LIST_SECRET_VERSION_IDS, LIST_SECRETS, Pagination, paginate};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use strongroom::{
    CreateSecret, Keystore, ListSecrets, Operation, PasswordOptions, SecretFilter, SecretMetadata,
    SecretSortBy, SecretTag as Tag, SecretValueInput, UpdateSecret, secret_value,
};

/// `--secret-id`.
#[derive(Debug, Args)]
pub struct SecretIdArg {
    /// The secret's name or ARN
    #[arg(long, value_name = "ID")]
    pub secret_id: String,
}

/// `--secret-string` / `--secret-binary`.
#[derive(Debug, Args)]
pub struct ValueArgs {
    /// The value as text (file://PATH reads a file)
    #[arg(long, value_name = "TEXT")]
    pub secret_string: Option<String>,
    /// The value as bytes: fileb://PATH, or base64
    #[arg(long, value_name = "BLOB")]
    pub secret_binary: Option<String>,
}

/// `--resource-policy` and `put-resource-policy`'s other options.
#[derive(Debug, Args)]
pub struct PutPolicyArgs {
    /// The secret
    #[command(flatten)]
    pub id: SecretIdArg,
    /// The policy as JSON text (file://PATH reads a file)
    #[arg(long, value_name = "JSON")]
    pub resource_policy: String,
    /// Refuse a policy that allows every principal (PublicPolicyException)
    #[arg(long, conflicts_with = "no_block_public_policy")]
    pub block_public_policy: bool,
    /// Accept such a policy (the default)
    #[arg(long)]
    pub no_block_public_policy: bool,
    /// The policy's name: only "default"
    #[arg(long)]
    pub policy_name: Option<String>,
}

/// `exec`'s options.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// A secret whose SecretString is a JSON object (repeatable; a later secret's keys win)
    #[arg(long = "secret-id", value_name = "ID", required = true)]
    pub secret_ids: Vec<String>,
    /// The versions by staging label (default AWSCURRENT)
    #[arg(long)]
    pub version_stage: Option<String>,
    /// The program and its arguments, after --
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// `get-random-password`'s options.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// 1-4096 characters (default 32)
    #[arg(long)]
    password_length: Option<u32>,
    /// Characters never to use
    #[arg(long)]
    exclude_characters: Option<String>,
    /// No digits
    #[arg(long)]
    exclude_numbers: bool,
    /// No punctuation
    #[arg(long)]
    exclude_punctuation: bool,
    /// No uppercase letters
    #[arg(long)]
    exclude_uppercase: bool,
    /// No lowercase letters
    #[arg(long)]
    exclude_lowercase: bool,
    /// Also the space
    #[arg(long)]
    include_space: bool,
    /// Do not require one character of each included type
    #[arg(long)]
    no_require_each_included_type: bool,
}

impl PasswordArgs {
    /// The core's options: the flags given, AWS's defaults for the rest.
    pub fn options(&self) -> PasswordOptions {
        let d = PasswordOptions::default();
        PasswordOptions {
            password_length: self.password_length.unwrap_or(d.password_length),
            exclude_characters: self.exclude_characters.clone().unwrap_or_default(),
            exclude_numbers: self.exclude_numbers,
            exclude_punctuation: self.exclude_punctuation,
            exclude_uppercase: self.exclude_uppercase,
            exclude_lowercase: self.exclude_lowercase,
            include_space: self.include_space,
            require_each_included_type: !self.no_require_each_included_type,
        }
    }
}

/// The `secretsmanager` commands.
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Create a secret, with its first value if given
    #[command(
        after_help = "Example:\n  strongroom secretsmanager create-secret --name prod/db --secret-string '{\"password\":\"hunter2\"}'"
    )]
    CreateSecret {
        /// The secret's name: letters, digits and /_+=.@-
        #[arg(long)]
        name: String,
        /// The first version's id (32-64 characters); a UUID by default
        #[arg(long)]
        client_request_token: Option<String>,
        /// A description
        #[arg(long)]
        description: Option<String>,
        /// The KMS key that encrypts it (default: alias/strongroom/secretsmanager, made on first use)
        #[arg(long)]
        kms_key_id: Option<String>,
        /// The value
        #[command(flatten)]
        value: ValueArgs,
        /// Tags: JSON [{"Key":..,"Value":..}] or Key=k,Value=v shorthand (repeatable)
        #[arg(long, num_args = 1..)]
        tags: Vec<String>,
    },
    /// Print a secret's value (AWSCURRENT unless a version is named)
    #[command(
        after_help = "Example:\n  strongroom secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text"
    )]
    GetSecretValue {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// A version by id
        #[arg(long)]
        version_id: Option<String>,
        /// A version by staging label (AWSCURRENT, AWSPREVIOUS, ...)
        #[arg(long)]
        version_stage: Option<String>,
    },
    /// Add a new version; it becomes AWSCURRENT and the old one AWSPREVIOUS
    #[command(
        after_help = "Example:\n  strongroom secretsmanager put-secret-value --secret-id prod/db --secret-string file://new.json"
    )]
    PutSecretValue {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// The new version's id
        #[arg(long)]
        client_request_token: Option<String>,
        /// The value
        #[command(flatten)]
        value: ValueArgs,
        /// Staging labels for the new version (default AWSCURRENT)
        #[arg(long, num_args = 1..)]
        version_stages: Option<Vec<String>>,
    },
    /// Change a secret's description, KMS key and/or value
    #[command(
        after_help = "Example:\n  strongroom secretsmanager update-secret --secret-id prod/db --description \"main database\""
    )]
    UpdateSecret {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// The new version's id, with a new value
        #[arg(long)]
        client_request_token: Option<String>,
        /// A new description
        #[arg(long)]
        description: Option<String>,
        /// A new KMS key
        #[arg(long)]
        kms_key_id: Option<String>,
        /// A new value
        #[command(flatten)]
        value: ValueArgs,
    },
    /// Print a secret's metadata
    #[command(
        after_help = "Example:\n  strongroom secretsmanager describe-secret --secret-id prod/db"
    )]
    DescribeSecret(SecretIdArg),
    /// List secrets
    #[command(
        after_help = "Example:\n  strongroom secretsmanager list-secrets --filters Key=name,Values=prod/ --query 'SecretList[].Name' --output text"
    )]
    ListSecrets {
        /// Also secrets scheduled for deletion
        #[arg(long)]
        include_planned_deletion: bool,
        /// Filters: Key=name|description|tag-key|tag-value|all,Values=v1,v2 or JSON (repeatable)
        #[arg(long, num_args = 1..)]
        filters: Vec<String>,
        /// created-date (default), last-changed-date or name
        #[arg(long)]
        sort_by: Option<String>,
        /// asc or desc (default)
        #[arg(long)]
        sort_order: Option<String>,
        /// One call returning at most this many (1-100; turns pagination off, as in the AWS CLI)
        #[arg(long)]
        max_results: Option<u32>,
        /// One call from the NextToken of a previous --no-paginate or --max-results page (turns pagination off)
        #[arg(long)]
        next_token: Option<String>,
        /// Pagination: --max-items, --starting-token, --page-size (1-100)
        #[command(flatten)]
        paging: Pagination,
    },
    /// List a secret's versions, newest first
    #[command(
        after_help = "Example:\n  strongroom secretsmanager list-secret-version-ids --secret-id prod/db --include-deprecated"
    )]
    ListSecretVersionIds {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// Also versions without a staging label
        #[arg(long)]
        include_deprecated: bool,
        /// One call returning at most this many (1-100; turns pagination off, as in the AWS CLI)
        #[arg(long)]
        max_results: Option<u32>,
        /// One call from the NextToken of a previous --no-paginate or --max-results page (turns pagination off)
        #[arg(long)]
        next_token: Option<String>,
        /// Pagination: --max-items, --starting-token, --page-size (1-100)
        #[command(flatten)]
        paging: Pagination,
    },
    /// Move a staging label between versions
    #[command(
        after_help = "Example:\n  strongroom secretsmanager update-secret-version-stage --secret-id prod/db --version-stage AWSCURRENT --remove-from-version-id OLD --move-to-version-id NEW"
    )]
    UpdateSecretVersionStage {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// The label
        #[arg(long)]
        version_stage: String,
        /// The version that has it
        #[arg(long)]
        remove_from_version_id: Option<String>,
        /// The version to give it
        #[arg(long)]
        move_to_version_id: Option<String>,
    },
    /// Schedule a secret's deletion (7-30 days, default 30), or delete it now
    #[command(
        after_help = "Example:\n  strongroom secretsmanager delete-secret --secret-id prod/db --recovery-window-in-days 7"
    )]
    DeleteSecret {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// Days before it is destroyed (7-30)
        #[arg(long)]
        recovery_window_in_days: Option<u32>,
        /// Destroy it now, with no recovery
        #[arg(long)]
        force_delete_without_recovery: bool,
    },
    /// Cancel a secret's scheduled deletion
    #[command(
        after_help = "Example:\n  strongroom secretsmanager restore-secret --secret-id prod/db"
    )]
    RestoreSecret(SecretIdArg),
    /// Print a random password from the OS generator
    #[command(
        after_help = "Example:\n  strongroom secretsmanager get-random-password --password-length 24 --exclude-punctuation --query RandomPassword --output text"
    )]
    GetRandomPassword(PasswordArgs),
    /// Add or replace tags
    #[command(
        after_help = "Example:\n  strongroom secretsmanager tag-resource --secret-id prod/db --tags Key=env,Value=prod"
    )]
    TagResource {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// Tags: JSON [{"Key":..,"Value":..}] or Key=k,Value=v shorthand (repeatable)
        #[arg(long, num_args = 1.., required = true)]
        tags: Vec<String>,
    },
    /// Attach a resource policy to a secret (replacing the one it has)
    #[command(
        after_help = "Example:\n  strongroom secretsmanager put-resource-policy --secret-id prod/db --resource-policy file://policy.json --block-public-policy\n\n\
On the server, a Deny statement that matches a call on the secret refuses it (docs/secrets.md)."
    )]
    PutResourcePolicy(PutPolicyArgs),
    /// Print a secret's resource policy
    #[command(
        after_help = "Example:\n  strongroom secretsmanager get-resource-policy --secret-id prod/db --query ResourcePolicy --output text"
    )]
    GetResourcePolicy {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// The policy's name: only "default"
        #[arg(long)]
        policy_name: Option<String>,
    },
    /// Remove a secret's resource policy
    #[command(
        after_help = "Example:\n  strongroom secretsmanager delete-resource-policy --secret-id prod/db"
    )]
    DeleteResourcePolicy {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// The policy's name: only "default"
        #[arg(long)]
        policy_name: Option<String>,
    },
    /// Check a resource policy's syntax and whether it is public, without attaching it
    #[command(
        after_help = "Example:\n  strongroom secretsmanager validate-resource-policy --resource-policy file://policy.json --query PolicyValidationPassed"
    )]
    ValidateResourcePolicy {
        /// The secret the policy is meant for (it must exist)
        #[arg(long, value_name = "ID")]
        secret_id: Option<String>,
        /// The policy as JSON text (file://PATH reads a file)
        #[arg(long, value_name = "JSON")]
        resource_policy: String,
    },
    /// Run a program with a secret's JSON keys as environment variables (nothing is written to disk)
    #[command(
        after_help = "Example:\n  strongroom secretsmanager exec --secret-id prod/db -- ./app --port 8080\n\n\
Each key of the JSON object becomes a variable of that name (string values as they are, others as\n\
JSON text), added to this environment. The program replaces strongroom (same process, same exit\n\
code) once the keystore is closed."
    )]
    Exec(ExecArgs),
    /// Remove tags by key
    #[command(
        after_help = "Example:\n  strongroom secretsmanager untag-resource --secret-id prod/db --tag-keys env"
    )]
    UntagResource {
        /// The secret
        #[command(flatten)]
        id: SecretIdArg,
        /// Tag keys
        #[arg(long, num_args = 1.., required = true)]
        tag_keys: Vec<String>,
    },
}

impl SecretsCommand {
    /// The Secrets Manager operation the command performs.
    pub fn operation(&self) -> Operation {
        use SecretsCommand as C;
        match self {
            C::CreateSecret { .. } => Operation::CreateSecret,
            C::GetSecretValue { .. } => Operation::GetSecretValue,
            C::PutSecretValue { .. } => Operation::PutSecretValue,
            C::UpdateSecret { .. } => Operation::UpdateSecret,
            C::DescribeSecret(_) => Operation::DescribeSecret,
            C::ListSecrets { .. } => Operation::ListSecrets,
            C::ListSecretVersionIds { .. } => Operation::ListSecretVersionIds,
            C::UpdateSecretVersionStage { .. } => Operation::UpdateSecretVersionStage,
            C::DeleteSecret { .. } => Operation::DeleteSecret,
            C::RestoreSecret(_) => Operation::RestoreSecret,
            C::GetRandomPassword(_) => Operation::GetRandomPassword,
            C::TagResource { .. } => Operation::TagResource,
            C::UntagResource { .. } => Operation::UntagResource,
            C::PutResourcePolicy(_) => Operation::PutResourcePolicy,
            C::GetResourcePolicy { .. } => Operation::GetResourcePolicy,
            C::DeleteResourcePolicy { .. } => Operation::DeleteResourcePolicy,
            C::ValidateResourcePolicy { .. } => Operation::ValidateResourcePolicy,
            C::Exec(_) => Operation::GetSecretValue,
        }
    }
}

/// `--secret-string` / `--secret-binary` read (file://, fileb://, base64) and checked as the core
/// checks a value; `None` when neither is given.
pub(crate) fn value(v: &ValueArgs) -> CliResult<Option<strongroom::SecretValue>> {
    let string = v
        .secret_string
        .as_deref()
        .map(|s| text("secret-string", s).map(zeroize::Zeroizing::new))
        .transpose()?;
    let binary = v
        .secret_binary
        .as_deref()
        .map(|b| blob("secret-binary", b))
        .transpose()?;
    Ok(secret_value(SecretValueInput {
        secret_string: string.as_deref().map(String::as_str),
        secret_binary: binary.as_deref().map(Vec::as_slice),
    })?)
}

/// `put-secret-value`'s value, which one of the two flags must give.
pub(crate) fn required_value(v: &ValueArgs) -> CliResult<strongroom::SecretValue> {
    value(v)?.ok_or_else(|| CliError::BadInput("give --secret-string or --secret-binary".into()))
}

/// `--resource-policy`, read as text (file://PATH reads a file).
pub(crate) fn resource_policy(p: &str) -> CliResult<String> {
    text("resource-policy", p)
}

/// `validate-resource-policy`'s answer, in botocore's order.
fn validation_doc(v: &strongroom::PolicyValidation) -> Doc {
    let errors: Vec<Doc> = v
        .errors
        .iter()
        .map(|e| obj!["CheckName" => &e.check_name, "ErrorMessage" => &e.error_message])
        .collect();
    obj!["PolicyValidationPassed" => v.passed, "ValidationErrors" => errors]
}

/// `--description`, read as text (file://PATH reads a file).
pub(crate) fn description(d: Option<&str>) -> CliResult<Option<String>> {
    d.map(|d| text("description", d)).transpose()
}

/// `list-secrets`' request from its flags (`--filters` shorthand or JSON, `--sort-by`,
/// `--sort-order`), checked before any call; the paging members are set per call.
pub(crate) fn list_secrets_request(
    include_planned_deletion: bool,
    filters: &[String],
    sort_by: Option<&str>,
    sort_order: Option<&str>,
) -> CliResult<ListSecrets> {
    let mut fs = Vec::new();
    for raw in filters {
        for f in shorthand("filters", raw)? {
            let key = member(&f, "Key")
                .ok_or_else(|| CliError::BadInput("every filter needs a Key".into()))?;
            let values = member(&f, "Values").unwrap_or_default();
            fs.push(SecretFilter {
                key: key.parse()?,
                values: values.split(',').map(str::to_owned).collect(),
            });
        }
    }
    Ok(ListSecrets {
        include_planned_deletion,
        max_results: None,
        next_token: None,
        filters: fs,
        sort_by: sort_by.map(str::parse::<SecretSortBy>).transpose()?,
        ascending: match sort_order {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(o) => {
                return Err(CliError::BadInput(format!(
                    "--sort-order must be asc or desc, not {o:?}"
                )));
            }
        },
    })
}

/// `Key=a,Value=b` shorthand (or a JSON list of such objects) to pairs of (member, value).
fn shorthand(name: &str, raw: &str) -> CliResult<Vec<Vec<(String, String)>>> {
    let raw = text(name, raw)?;
    let t = raw.trim();
    if t.starts_with('[') || t.starts_with('{') {
        let v: Value = serde_json::from_str(t)
            .map_err(|e| CliError::BadInput(format!("--{name} is not valid JSON ({e})")))?;
        let items = match v {
            Value::Array(a) => a,
            o => vec![o],
        };
        return items
            .into_iter()
            .map(|o| match o {
                Value::Object(m) => Ok(m
                    .into_iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => (k, s),
                        Value::Array(a) => (
                            k,
                            a.iter()
                                .filter_map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join(","),
                        ),
                        other => (k, other.to_string()),
                    })
                    .collect()),
                _ => Err(CliError::BadInput(format!(
                    "--{name} items must be objects"
                ))),
            })
            .collect();
    }
    // Key=k,Values=a,b: a member starts at a `Name=`; commas before the next one join values.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in t.split(',') {
        match part.split_once('=') {
            Some((k, v)) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic()) => {
                pairs.push((k.to_string(), v.to_string()))
            }
            _ => match pairs.last_mut() {
                Some((_, v)) => {
                    v.push(',');
                    v.push_str(part);
                }
                None => {
                    return Err(CliError::BadInput(format!(
                        "--{name} must be Key=...,Value=... shorthand or JSON"
                    )));
                }
            },
        }
    }
    Ok(vec![pairs])
}

fn member<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `--tags`, shorthand or JSON.
pub(crate) fn tags(raw: &[String]) -> CliResult<Vec<Tag>> {
    let mut out = Vec::new();
    for r in raw {
        for t in shorthand("tags", r)? {
            let key = member(&t, "Key")
                .ok_or_else(|| CliError::BadInput("every tag needs a Key".into()))?;
            out.push(Tag::new(key, member(&t, "Value").unwrap_or_default()));
        }
    }
    Ok(out)
}

fn tags_doc(tags: &[Tag]) -> Doc {
    Doc::List(
        tags.iter()
            .map(|t| obj!["Key" => &t.key, "Value" => &t.value])
            .collect(),
    )
}

fn metadata(m: &SecretMetadata, stages: &str) -> Doc {
    let mut o = obj!["ARN" => &m.arn, "Name" => &m.name];
    if let Some(d) = &m.description {
        o.push("Description", d);
    }
    if let Some(k) = &m.kms_key_id {
        o.push("KmsKeyId", k);
    }
    o.push("LastChangedDate", date(m.last_changed_date));
    if let Some(d) = m.last_accessed_date {
        o.push("LastAccessedDate", date(d));
    }
    if let Some(d) = m.deleted_date {
        o.push("DeletedDate", date(d));
    }
    if !m.tags.is_empty() {
        o.push("Tags", tags_doc(&m.tags));
    }
    o.push(stages, json!(m.version_ids_to_stages));
    o.push("CreatedDate", date(m.created_date));
    o
}

fn arn_name(arn: &str, name: &str) -> Doc {
    obj!["ARN" => arn, "Name" => name]
}

/// Runs one `secretsmanager` command on `ks`.
pub fn run(ks: &Keystore, cmd: &SecretsCommand, no_paginate: bool) -> CliResult<Option<Doc>> {
    use SecretsCommand as C;
    Ok(Some(match cmd {
        C::CreateSecret {
            name,
            client_request_token,
            description: description_flag,
            kms_key_id,
            value: v,
            tags: t,
        } => {
            let r = ks.create_secret(&CreateSecret {
                name: name.clone(),
                client_request_token: client_request_token.clone(),
                description: description(description_flag.as_deref())?,
                kms_key_id: kms_key_id.clone(),
                value: value(v)?,
                tags: tags(t)?,
            })?;
            let mut o = arn_name(&r.arn, &r.name);
            if let Some(id) = r.version_id {
                o.push("VersionId", id);
            }
            o
        }
        C::GetSecretValue {
            id,
            version_id,
            version_stage,
        } => {
            let v = ks.get_secret_value(
                &id.secret_id,
                version_id.as_deref(),
                version_stage.as_deref(),
            )?;
            let mut o = arn_name(v.arn(), v.name());
            o.push("VersionId", v.version_id());
            match v.value.as_str() {
                Some(s) => o.push("SecretString", s),
                None => o.push("SecretBinary", BASE64.encode(v.value.as_bytes())),
            }
            o.push("VersionStages", json!(v.version_stages()));
            o.push("CreatedDate", date(v.created_date));
            o
        }
        C::PutSecretValue {
            id,
            client_request_token,
            value: v,
            version_stages,
        } => {
            let v = required_value(v)?;
            let r = ks.put_secret_value(
                &id.secret_id,
                client_request_token.as_deref(),
                &v,
                version_stages.as_deref(),
            )?;
            let mut o = arn_name(&r.arn, &r.name);
            if let Some(id) = r.version_id {
                o.push("VersionId", id);
            }
            o.push("VersionStages", json!(r.version_stages));
            o
        }
        C::UpdateSecret {
            id,
            client_request_token,
            description: description_flag,
            kms_key_id,
            value: v,
        } => {
            let r = ks.update_secret(
                &id.secret_id,
                &UpdateSecret {
                    client_request_token: client_request_token.clone(),
                    description: description(description_flag.as_deref())?,
                    kms_key_id: kms_key_id.clone(),
                    value: value(v)?,
                },
            )?;
            let mut o = arn_name(&r.arn, &r.name);
            if let Some(id) = r.version_id {
                o.push("VersionId", id);
            }
            o
        }
        C::DescribeSecret(id) => {
            metadata(&ks.describe_secret(&id.secret_id)?, "VersionIdsToStages")
        }
        C::ListSecrets {
            include_planned_deletion,
            filters,
            sort_by,
            sort_order,
            max_results,
            next_token,
            paging,
        } => {
            let mut req = list_secrets_request(
                *include_planned_deletion,
                filters,
                sort_by.as_deref(),
                sort_order.as_deref(),
            )?;
            let manual = (*max_results, next_token.clone());
            paginate(
                &LIST_SECRETS,
                paging,
                no_paginate,
                manual,
                |limit, token| {
                    req.max_results = limit;
                    req.next_token = token;
                    let page = ks.list_secrets(&req)?;
                    let mut o = obj![
                        "SecretList" => page
                            .secrets
                            .iter()
                            .map(|m| metadata(m, "SecretVersionsToStages"))
                            .collect::<Vec<_>>()
                    ];
                    if let Some(t) = page.next_token {
                        o.push("NextToken", t);
                    }
                    Ok(o)
                },
            )?
        }
        C::ListSecretVersionIds {
            id,
            include_deprecated,
            max_results,
            next_token,
            paging,
        } => {
            let manual = (*max_results, next_token.clone());
            paginate(
                &LIST_SECRET_VERSION_IDS,
                paging,
                no_paginate,
                manual,
                |limit, token| {
                    let page = ks.list_secret_version_ids(
                        &id.secret_id,
                        limit,
                        token.as_deref(),
                        *include_deprecated,
                    )?;
                    let versions: Vec<Doc> = page
                        .versions
                        .iter()
                        .map(|v| {
                            let mut e = obj![
                                "VersionId" => &v.version_id,
                                "VersionStages" => json!(v.version_stages),
                            ];
                            if let Some(d) = v.last_accessed_date {
                                e.push("LastAccessedDate", date(d));
                            }
                            e.push("CreatedDate", date(v.created_date));
                            e.push("KmsKeyIds", json!(v.kms_key_ids));
                            e
                        })
                        .collect();
                    let mut o = obj!["Versions" => versions];
                    if let Some(t) = page.next_token {
                        o.push("NextToken", t);
                    }
                    o.push("ARN", page.arn);
                    o.push("Name", page.name);
                    Ok(o)
                },
            )?
        }
        C::UpdateSecretVersionStage {
            id,
            version_stage,
            remove_from_version_id,
            move_to_version_id,
        } => {
            let r = ks.update_secret_version_stage(
                &id.secret_id,
                version_stage,
                remove_from_version_id.as_deref(),
                move_to_version_id.as_deref(),
            )?;
            arn_name(&r.arn, &r.name)
        }
        C::DeleteSecret {
            id,
            recovery_window_in_days,
            force_delete_without_recovery,
        } => {
            let d = ks.delete_secret(
                &id.secret_id,
                *recovery_window_in_days,
                *force_delete_without_recovery,
            )?;
            let mut o = arn_name(&d.arn, &d.name);
            if let Some(when) = d.deletion_date {
                o.push("DeletionDate", date(when));
            }
            o
        }
        C::RestoreSecret(id) => {
            let d = ks.restore_secret(&id.secret_id)?;
            arn_name(&d.arn, &d.name)
        }
        C::GetRandomPassword(p) => {
            let p = ks.get_random_password(&p.options())?;
            obj!["RandomPassword" => p.as_str()]
        }
        C::TagResource { id, tags: t } => {
            ks.tag_secret(&id.secret_id, &tags(t)?)?;
            return Ok(None);
        }
        C::UntagResource { id, tag_keys } => {
            ks.untag_secret(&id.secret_id, tag_keys)?;
            return Ok(None);
        }
        C::PutResourcePolicy(p) => {
            let r = ks.put_secret_resource_policy(
                &p.id.secret_id,
                p.policy_name.as_deref(),
                &resource_policy(&p.resource_policy)?,
                p.block_public_policy,
            )?;
            let mut o = arn_name(&r.arn, &r.name);
            o.push("PolicyName", r.policy_name);
            o
        }
        C::GetResourcePolicy { id, policy_name } => {
            let r = ks.get_secret_resource_policy(&id.secret_id, policy_name.as_deref())?;
            let mut o = arn_name(&r.arn, &r.name);
            if let Some(p) = r.resource_policy {
                o.push("ResourcePolicy", p);
            }
            o.push("PolicyName", r.policy_name);
            o
        }
        C::DeleteResourcePolicy { id, policy_name } => {
            let r = ks.delete_secret_resource_policy(&id.secret_id, policy_name.as_deref())?;
            let mut o = arn_name(&r.arn, &r.name);
            o.push("PolicyName", r.policy_name);
            o
        }
        C::ValidateResourcePolicy {
            secret_id,
            resource_policy: p,
        } => validation_doc(
            &ks.validate_secret_resource_policy(secret_id.as_deref(), &resource_policy(p)?)?,
        ),
        // `commands::run` runs it: the keystore must be closed before the program starts.
        C::Exec(a) => {
            return Err(CliError::BadInput(format!(
                "exec of {:?} needs the keystore closed first",
                a.command[0]
            )));
        }
    }))
}

/// One secret as `exec` reads it: its name (for messages) and its `SecretString` (`None` for a
/// binary value).
pub struct ExecSecret {
    /// The secret's name.
    pub name: String,
    /// The value, if it is text.
    pub string: Option<zeroize::Zeroizing<String>>,
}

/// `exec`'s variables: each secret's JSON keys and values, later secrets overriding earlier ones;
/// `get(secret_id, version_stage)` reads one secret (the keystore in-process, `GetSecretValue`
/// on the server in client mode). Errors name the secret and the key, never a value.
pub fn exec_environment(
    a: &ExecArgs,
    mut get: impl FnMut(&str, Option<&str>) -> CliResult<ExecSecret>,
) -> CliResult<Vec<(String, zeroize::Zeroizing<String>)>> {
    let mut vars: Vec<(String, zeroize::Zeroizing<String>)> = Vec::new();
    for id in &a.secret_ids {
        let v = get(id, a.version_stage.as_deref())?;
        let not_object = || {
            CliError::BadInput(format!(
                "secret {}'s value is not a JSON object; exec turns an object's keys into \
                 environment variables",
                v.name
            ))
        };
        let parsed: Value = v
            .string
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .ok_or_else(not_object)?;
        let Value::Object(members) = parsed else {
            return Err(not_object());
        };
        for (key, value) in members {
            if key.is_empty() || key.contains(['=', '\0']) {
                return Err(CliError::BadInput(format!(
                    "secret {}'s key {key:?} cannot be an environment variable name (empty, or \
                     with '=' or NUL)",
                    v.name
                )));
            }
            let value = zeroize::Zeroizing::new(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
            if value.contains('\0') {
                return Err(CliError::BadInput(format!(
                    "secret {}'s value of {key:?} contains NUL, which an environment variable \
                     cannot hold",
                    v.name
                )));
            }
            vars.retain(|(k, _)| *k != key);
            vars.push((key, value));
        }
    }
    Ok(vars)
}

/// One secret of `exec` read from the keystore.
pub fn exec_secret(ks: &Keystore, id: &str, version_stage: Option<&str>) -> CliResult<ExecSecret> {
    let v = ks.get_secret_value(id, None, version_stage)?;
    Ok(ExecSecret {
        string: v
            .value
            .as_str()
            .map(|s| zeroize::Zeroizing::new(s.to_owned())),
        name: v.name().to_owned(),
    })
}

/// Runs `exec`'s program with `vars` added to this environment. On Unix the program replaces
/// this process (its exit code is the command's); elsewhere it runs as a child whose exit code
/// this process exits with. Returns only if the program cannot be started.
pub fn exec(a: &ExecArgs, vars: &[(String, zeroize::Zeroizing<String>)]) -> CliError {
    let program = &a.command[0];
    let mut cmd = std::process::Command::new(program);
    cmd.args(&a.command[1..]);
    cmd.envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let what = format!("running {}", program.to_string_lossy());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        CliError::io(what, cmd.exec())
    }
    #[cfg(not(unix))]
    match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => CliError::io(what, e),
    }
}

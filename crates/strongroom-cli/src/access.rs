//! Key policies and grants (SPEC section 13) with the AWS CLI's names: `put-key-policy`,
//! `get-key-policy`, `list-key-policies`, `create-grant`, `list-grants`, `list-retirable-grants`,
//! `retire-grant`, `revoke-grant`. The CLI acts as the account root: policies and grants do not
//! restrict it; they bind the callers of `strongroom serve` (docs/policies.md).

use crate::args::{DryRunArg, GrantTokensArg};
use crate::commands::{list, page_doc};
use crate::errors::CliResult;
use crate::input::text;
use crate::obj;
use crate::output::{Doc, date};
use crate::paginate::{KmsPaging, LIST_GRANTS, LIST_KEY_POLICIES, LIST_RETIRABLE_GRANTS};
use clap::Subcommand;
use strongroom::{
    CreateGrant, DEFAULT_POLICY_NAME, GrantConstraints, GrantListEntry, GrantOperation, Keystore,
    Operation,
};

/// The commands of key policies and grants.
#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Replace a key's policy (AWS's JSON policy document)
    #[command(
        after_help = "Example:\n  strongroom put-key-policy --key-id alias/app --policy-name default --policy file://policy.json"
    )]
    PutKeyPolicy {
        /// Key id, key ARN, alias name or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// The policy's name: default (the only one a key has)
        #[arg(long, default_value = DEFAULT_POLICY_NAME)]
        policy_name: String,
        /// The policy document (file://PATH reads it from a file)
        #[arg(long)]
        policy: String,
        /// Accept a policy that would let no principal change it again
        #[arg(long)]
        bypass_policy_lockout_safety_check: bool,
    },
    /// Print a key's policy
    #[command(
        after_help = "Example:\n  strongroom get-key-policy --key-id alias/app --query Policy --output text"
    )]
    GetKeyPolicy {
        /// Key id, key ARN, alias name or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// The policy's name: default
        #[arg(long)]
        policy_name: Option<String>,
    },
    /// List the names of a key's policies (always default)
    #[command(after_help = "Example:\n  strongroom list-key-policies --key-id alias/app")]
    ListKeyPolicies {
        /// Key id, key ARN, alias name or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// Pagination: --max-items, --starting-token, --page-size (1-1000), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// Give a principal permission to use a key
    #[command(
        after_help = "Example:\n  strongroom create-grant --key-id alias/app --grantee-principal arn:aws:iam::111122223333:user/app --operations Encrypt Decrypt --constraints '{\"EncryptionContextSubset\": {\"tenant\": \"acme\"}}'"
    )]
    CreateGrant {
        /// Key id or key ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// The principal the grant allows (arn:aws:iam::ACCOUNT:user/NAME)
        #[arg(long)]
        grantee_principal: String,
        /// The principal that may retire the grant
        #[arg(long)]
        retiring_principal: Option<String>,
        /// The operations it allows (Encrypt, Decrypt, GenerateDataKey, ReEncryptFrom, ...)
        #[arg(long, num_args = 1.., required = true)]
        operations: Vec<String>,
        /// JSON: {"EncryptionContextSubset": {...}} or {"EncryptionContextEquals": {...}}
        #[arg(long)]
        constraints: Option<String>,
        /// A name that makes a retried create-grant return the same grant
        #[arg(long)]
        name: Option<String>,
        /// Grant tokens (each must name a grant that exists)
        #[command(flatten)]
        grant: GrantTokensArg,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// List a key's grants
    #[command(after_help = "Example:\n  strongroom list-grants --key-id alias/app")]
    ListGrants {
        /// Key id, key ARN, alias name or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// Only this grant
        #[arg(long)]
        grant_id: Option<String>,
        /// Only grants to this principal
        #[arg(long)]
        grantee_principal: Option<String>,
        /// Pagination: --max-items, --starting-token, --page-size (1-100), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// List the grants a principal may retire, on every key
    #[command(
        after_help = "Example:\n  strongroom list-retirable-grants --retiring-principal arn:aws:iam::111122223333:user/ops"
    )]
    ListRetirableGrants {
        /// The retiring principal
        #[arg(long)]
        retiring_principal: String,
        /// Pagination: --max-items, --starting-token, --page-size (1-100), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// Retire a grant, by its token or by key and grant id
    #[command(after_help = "Example:\n  strongroom retire-grant --grant-token TOKEN")]
    RetireGrant {
        /// The grant's token
        #[arg(long)]
        grant_token: Option<String>,
        /// The key (with --grant-id)
        #[arg(long, value_name = "KEY")]
        key_id: Option<String>,
        /// The grant's id (with --key-id)
        #[arg(long)]
        grant_id: Option<String>,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Revoke a grant
    #[command(after_help = "Example:\n  strongroom revoke-grant --key-id alias/app --grant-id ID")]
    RevokeGrant {
        /// Key id, key ARN, alias name or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// The grant's id
        #[arg(long)]
        grant_id: String,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
}

/// AWS's `GrantListEntry`, in the model's member order.
fn entry(ks: &Keystore, g: &GrantListEntry) -> Doc {
    let mut o = vec![
        ("KeyId".to_string(), Doc::from(&ks.aws_arn(&g.key_id))),
        ("GrantId".into(), Doc::from(&g.grant_id)),
    ];
    if let Some(n) = &g.name {
        o.push(("Name".into(), Doc::from(n)));
    }
    o.push(("CreationDate".into(), date(g.creation_date)));
    o.push(("GranteePrincipal".into(), Doc::from(&g.grantee_principal)));
    if let Some(r) = &g.retiring_principal {
        o.push(("RetiringPrincipal".into(), Doc::from(r)));
    }
    o.push(("IssuingAccount".into(), Doc::from(&g.issuing_account)));
    let ops: Vec<Doc> = g
        .operations
        .iter()
        .map(|op| Doc::from(op.as_str()))
        .collect();
    o.push(("Operations".into(), Doc::from(ops)));
    if let Some(c) = &g.constraints {
        let json = serde_json::from_str(&c.to_json()).unwrap_or_default();
        o.push(("Constraints".into(), Doc::Value(json)));
    }
    Doc::Obj(o)
}

impl AccessCommand {
    /// The command's `--grant-tokens` and `--dry-run` (`Command::call_flags`).
    pub fn call_flags(&self) -> (&[String], bool) {
        match self {
            AccessCommand::CreateGrant { grant, dry, .. } => (&grant.grant_tokens, dry.dry_run),
            AccessCommand::RetireGrant { dry, .. } | AccessCommand::RevokeGrant { dry, .. } => {
                (&[], dry.dry_run)
            }
            _ => (&[], false),
        }
    }

    /// The core operation the command performs.
    pub fn operation(&self) -> Operation {
        match self {
            AccessCommand::PutKeyPolicy { .. } => Operation::PutKeyPolicy,
            AccessCommand::GetKeyPolicy { .. } => Operation::GetKeyPolicy,
            AccessCommand::ListKeyPolicies { .. } => Operation::ListKeyPolicies,
            AccessCommand::CreateGrant { .. } => Operation::CreateGrant,
            AccessCommand::ListGrants { .. } => Operation::ListGrants,
            AccessCommand::ListRetirableGrants { .. } => Operation::ListRetirableGrants,
            AccessCommand::RetireGrant { .. } => Operation::RetireGrant,
            AccessCommand::RevokeGrant { .. } => Operation::RevokeGrant,
        }
    }

    /// Runs the command on `ks`; the document to print, if any (lists paged as the AWS CLI
    /// pages them, one call with `no_paginate`).
    pub fn run(&self, ks: &Keystore, no_paginate: bool) -> CliResult<Option<Doc>> {
        Ok(match self {
            AccessCommand::PutKeyPolicy {
                key_id,
                policy_name,
                policy,
                bypass_policy_lockout_safety_check,
            } => {
                let policy = text("policy", policy)?;
                ks.put_key_policy(
                    key_id,
                    Some(policy_name),
                    &policy,
                    *bypass_policy_lockout_safety_check,
                )?;
                None
            }
            AccessCommand::GetKeyPolicy {
                key_id,
                policy_name,
            } => {
                let policy = ks.get_key_policy(key_id, policy_name.as_deref())?;
                Some(obj!["Policy" => policy, "PolicyName" => DEFAULT_POLICY_NAME])
            }
            AccessCommand::ListKeyPolicies { key_id, paging } => {
                Some(list(&LIST_KEY_POLICIES, paging, no_paginate, |page| {
                    let p = ks.list_key_policies_page(key_id, &page)?;
                    Ok(page_doc(p, "PolicyNames", |n| Doc::from(n)))
                })?)
            }
            AccessCommand::CreateGrant {
                key_id,
                grantee_principal,
                retiring_principal,
                operations,
                constraints: c,
                name,
                ..
            } => {
                let req = CreateGrant {
                    key_id: key_id.clone(),
                    grantee_principal: grantee_principal.clone(),
                    retiring_principal: retiring_principal.clone(),
                    operations: operations
                        .iter()
                        .map(|o| o.parse::<GrantOperation>())
                        .collect::<Result<_, _>>()?,
                    constraints: match c {
                        Some(c) => Some(GrantConstraints::from_json(&text("constraints", c)?)?),
                        None => None,
                    },
                    name: name.clone(),
                };
                let g = ks.create_grant(&req)?;
                Some(obj!["GrantToken" => g.grant_token, "GrantId" => g.grant_id])
            }
            AccessCommand::ListGrants {
                key_id,
                grant_id,
                grantee_principal,
                paging,
            } => Some(list(&LIST_GRANTS, paging, no_paginate, |page| {
                let p = ks.list_grants_page(
                    key_id,
                    grant_id.as_deref(),
                    grantee_principal.as_deref(),
                    &page,
                )?;
                Ok(page_doc(p, "Grants", |g| entry(ks, g)))
            })?),
            AccessCommand::ListRetirableGrants {
                retiring_principal,
                paging,
            } => Some(list(&LIST_RETIRABLE_GRANTS, paging, no_paginate, |page| {
                let p = ks.list_retirable_grants_page(retiring_principal, &page)?;
                Ok(page_doc(p, "Grants", |g| entry(ks, g)))
            })?),
            AccessCommand::RetireGrant {
                grant_token,
                key_id,
                grant_id,
                ..
            } => {
                ks.retire_grant(
                    grant_token.as_deref(),
                    key_id.as_deref(),
                    grant_id.as_deref(),
                )?;
                None
            }
            AccessCommand::RevokeGrant {
                key_id, grant_id, ..
            } => {
                ks.revoke_grant(key_id, grant_id)?;
                None
            }
        })
    }
}

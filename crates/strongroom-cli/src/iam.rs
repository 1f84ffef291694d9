//! `strongroom iam ...`: the keystore's users and access keys, with the AWS CLI's `aws iam`
//! command and flag names and AWS IAM's output shapes (botocore's IAM model: `User`,
//! `AccessKey`, `AccessKeyMetadata`, members in its order). The server (`strongroom serve`)
//! verifies requests against these keys. Errors carry IAM's codes (`NoSuchEntity`, ...:
//! `strongroom::Error::aws_iam_code`).

use crate::errors::CliResult;
use crate::obj;
use crate::output::{Doc, date};
use clap::Subcommand;
use serde_json::json;
use strongroom::{AccessKeyMetadata, AccessKeyStatus, IamUser, Keystore, Operation};

/// The `iam` subcommands.
#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Create a user (1-64 characters of letters, digits and _+=,.@-; unique without regard to case)
    #[command(after_help = "Example:\n  strongroom iam create-user --user-name ci")]
    CreateUser {
        /// The user's name
        #[arg(long, value_name = "NAME")]
        user_name: String,
    },
    /// Delete a user (refused with DeleteConflict while it has access keys)
    #[command(after_help = "Example:\n  strongroom iam delete-user --user-name ci")]
    DeleteUser {
        /// The user's name
        #[arg(long, value_name = "NAME")]
        user_name: String,
    },
    /// List every user
    #[command(
        after_help = "Example:\n  strongroom iam list-users --query 'Users[].UserName' --output text"
    )]
    ListUsers,
    /// Create an access key for a user (at most 2 a user) and print its secret, the only time it is shown
    #[command(
        after_help = "Example:\n  (umask 077; strongroom iam create-access-key --user-name ci > ci-key.json)"
    )]
    CreateAccessKey {
        /// The user's name
        #[arg(long, value_name = "NAME")]
        user_name: String,
    },
    /// List access keys (without secrets): one user's, or every user's
    #[command(after_help = "Example:\n  strongroom iam list-access-keys --user-name ci")]
    ListAccessKeys {
        /// Only this user's keys
        #[arg(long, value_name = "NAME")]
        user_name: Option<String>,
    },
    /// Make an access key Active or Inactive (an inactive key is refused by the server)
    #[command(
        after_help = "Example:\n  strongroom iam update-access-key --access-key-id AKIA... --status Inactive"
    )]
    UpdateAccessKey {
        /// The access key's id
        #[arg(long, value_name = "ID")]
        access_key_id: String,
        /// Active or Inactive
        #[arg(long, value_name = "STATUS")]
        status: String,
        /// The key's user (checked when given)
        #[arg(long, value_name = "NAME")]
        user_name: Option<String>,
    },
    /// Delete an access key and its secret
    #[command(
        after_help = "Example:\n  strongroom iam delete-access-key --access-key-id AKIA... --user-name ci"
    )]
    DeleteAccessKey {
        /// The access key's id
        #[arg(long, value_name = "ID")]
        access_key_id: String,
        /// The key's user (checked when given)
        #[arg(long, value_name = "NAME")]
        user_name: Option<String>,
    },
}

impl IamCommand {
    /// The IAM operation, for the error line.
    pub fn operation(&self) -> Operation {
        match self {
            IamCommand::CreateUser { .. } => Operation::CreateUser,
            IamCommand::DeleteUser { .. } => Operation::DeleteUser,
            IamCommand::ListUsers => Operation::ListUsers,
            IamCommand::CreateAccessKey { .. } => Operation::CreateAccessKey,
            IamCommand::ListAccessKeys { .. } => Operation::ListAccessKeys,
            IamCommand::UpdateAccessKey { .. } => Operation::UpdateAccessKey,
            IamCommand::DeleteAccessKey { .. } => Operation::DeleteAccessKey,
        }
    }
}

/// Whether `operation` (an error line's) is one of the IAM commands', whose errors carry IAM's
/// codes.
pub fn is_iam_operation(operation: &str) -> bool {
    matches!(
        operation.parse::<Operation>(),
        Ok(Operation::CreateUser
            | Operation::DeleteUser
            | Operation::ListUsers
            | Operation::CreateAccessKey
            | Operation::ListAccessKeys
            | Operation::UpdateAccessKey
            | Operation::DeleteAccessKey)
    )
}

/// IAM's `User`, members in botocore's order.
fn user(u: &IamUser) -> Doc {
    obj![
        "Path" => json!(u.path),
        "UserName" => json!(u.user_name),
        "UserId" => json!(u.user_id),
        "Arn" => json!(u.arn),
        "CreateDate" => date(u.create_date),
    ]
}

/// IAM's `AccessKeyMetadata`, members in botocore's order.
fn access_key_metadata(m: &AccessKeyMetadata) -> Doc {
    obj![
        "UserName" => json!(m.user_name),
        "AccessKeyId" => json!(m.access_key_id),
        "Status" => json!(m.status.as_str()),
        "CreateDate" => date(m.create_date),
    ]
}

/// Runs an `iam` subcommand.
pub fn run(ks: &Keystore, cmd: &IamCommand) -> CliResult<Option<Doc>> {
    Ok(match cmd {
        IamCommand::CreateUser { user_name } => {
            Some(obj!["User" => user(&ks.create_user(user_name)?)])
        }
        IamCommand::DeleteUser { user_name } => {
            ks.delete_user(user_name)?;
            None
        }
        IamCommand::ListUsers => {
            let users: Vec<Doc> = ks.list_users()?.iter().map(user).collect();
            Some(obj!["Users" => users])
        }
        IamCommand::CreateAccessKey { user_name } => {
            let k = ks.create_access_key(user_name)?;
            // The secret is ASCII (the base64 alphabet) by construction.
            let secret = String::from_utf8_lossy(k.secret_access_key.as_bytes()).into_owned();
            Some(obj![
                "AccessKey" => obj![
                    "UserName" => json!(k.user_name),
                    "AccessKeyId" => json!(k.access_key_id),
                    "Status" => json!(k.status.as_str()),
                    "SecretAccessKey" => json!(secret),
                    "CreateDate" => date(k.create_date),
                ],
            ])
        }
        IamCommand::ListAccessKeys { user_name } => {
            let keys: Vec<Doc> = ks
                .list_access_keys(user_name.as_deref())?
                .iter()
                .map(access_key_metadata)
                .collect();
            Some(obj!["AccessKeyMetadata" => keys])
        }
        IamCommand::UpdateAccessKey {
            access_key_id,
            status,
            user_name,
        } => {
            let status: AccessKeyStatus = status.parse()?;
            ks.update_access_key(access_key_id, status, user_name.as_deref())?;
            None
        }
        IamCommand::DeleteAccessKey {
            access_key_id,
            user_name,
        } => {
            ks.delete_access_key(access_key_id, user_name.as_deref())?;
            None
        }
    })
}

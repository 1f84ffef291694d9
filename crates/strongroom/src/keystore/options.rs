//! The options of `create` and `open`.

use crate::Result;
use crate::crypto::kdf::KdfParams;
use crate::model::audit::AuditOptions;
use crate::model::clock::{Clock, SystemClock};
use crate::rules::bounds::{
    DEFAULT_AWS_ACCOUNT_ID, DEFAULT_AWS_REGION, DEFAULT_MAX_KEYS, check_aws_identity, check_options,
};
use std::path::Path;
use std::sync::Arc;

/// Options for [`crate::Keystore::create`] and [`crate::Keystore::open`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Where the keystore reads time (default: the system clock).
    pub clock: Arc<dyn Clock>,
    /// Quota on the number of keys, in any state (default 100,000; at least 1).
    pub max_keys: u64,
    /// Who is using the keystore, as the audit trail records it (default: the program's name).
    pub caller: String,
    /// The region in the keystore's AWS-form ARNs, `arn:aws:kms:REGION:ACCOUNT:key/ID` (default
    /// `us-east-1`): the form `strongroom serve` presents and every surface accepts.
    pub aws_region: String,
    /// The 12-digit account in the keystore's AWS-form ARNs (default `111122223333`).
    pub aws_account_id: String,
    /// Argon2id cost for a new keystore (ignored by `open`, which reads it from the file).
    pub kdf: KdfParams,
    /// What the audit trail records, and for how long.
    pub audit: AuditOptions,
    /// Refuse to open a file whose [`crate::Keystore::generation`] is below this (a rolled-back copy).
    pub min_generation: Option<u64>,
    /// Admits Argon2id parameters below OWASP's floor, such as
    /// [`KdfParams::INSECURE_FAST_FOR_TESTS`]. For throwaway test keystores only.
    pub allow_insecure_test_kdf: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: Arc::new(SystemClock),
            max_keys: DEFAULT_MAX_KEYS,
            caller: default_caller(),
            aws_region: DEFAULT_AWS_REGION.into(),
            aws_account_id: DEFAULT_AWS_ACCOUNT_ID.into(),
            kdf: KdfParams::default(),
            audit: AuditOptions::default(),
            min_generation: None,
            allow_insecure_test_kdf: false,
        }
    }
}

impl Options {
    /// The fast test profile: [`KdfParams::INSECURE_FAST_FOR_TESTS`], explicitly allowed. Never
    /// use it for keys that matter.
    pub fn insecure_fast_for_tests() -> Self {
        Options {
            kdf: KdfParams::INSECURE_FAST_FOR_TESTS,
            allow_insecure_test_kdf: true,
            ..Options::default()
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        check_options(&self.caller, self.max_keys)?;
        check_aws_identity(&self.aws_region, &self.aws_account_id)
    }
}

/// The running program's file name, or `"strongroom"`.
fn default_caller() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "strongroom".into())
}

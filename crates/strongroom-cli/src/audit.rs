//! `audit list`, `audit export` and `audit verify`: the core's audit trail, filtered, as JSON
//! (AWS-style field names) or JSON Lines, and its hash chain checked.

use crate::args::{AuditCommand, AuditFilterArgs};
use crate::errors::CliResult;
use crate::file_io;
use crate::input::time;
use crate::obj;
use crate::output::{Doc, date};
use serde_json::json;
use strongroom::{AuditEvent, AuditFilter, Keystore};

/// Runs an `audit` subcommand.
pub fn run(ks: &Keystore, cmd: &AuditCommand) -> CliResult<Option<Doc>> {
    match cmd {
        AuditCommand::List(f) => {
            let events: Vec<Doc> = ks
                .audit_events(&filter(ks, f)?)?
                .iter()
                .map(event)
                .collect();
            Ok(Some(obj!["Events" => events]))
        }
        AuditCommand::Export {
            filter: f,
            output_file,
            force,
        } => {
            let filter = filter(ks, f)?;
            let mut out = file_io::open_text_output(output_file, *force)?;
            ks.export_audit_jsonl(&filter, &mut out.writer())?;
            out.finish()?;
            Ok(None)
        }
        AuditCommand::Verify => Ok(Some(obj!["EventsVerified" => ks.verify_audit()?])),
    }
}

/// The core filter; a `--key-id` given as an alias or ARN is resolved to the key id that events
/// record (a key that no longer exists is matched by the id as given).
fn filter(ks: &Keystore, f: &AuditFilterArgs) -> CliResult<AuditFilter> {
    let key_id = match &f.key_id {
        Some(k) => Some(match crate::commands::key_id_of(ks, k) {
            Ok(id) => id,
            Err(strongroom::Error::NotFound(_)) => k.clone(),
            Err(e) => return Err(e.into()),
        }),
        None => None,
    };
    Ok(AuditFilter {
        key_id,
        operation: f.operation.clone(),
        outcome: f.outcome.clone(),
        start_time: f
            .start_time
            .as_deref()
            .map(|t| time("start-time", t))
            .transpose()?,
        end_time: f
            .end_time
            .as_deref()
            .map(|t| time("end-time", t))
            .transpose()?,
    })
}

fn event(e: &AuditEvent) -> Doc {
    obj![
        "Sequence" => json!(e.sequence),
        "EventTime" => date(e.event_time),
        "Caller" => json!(e.caller),
        "Operation" => json!(e.operation),
        "KeyId" => json!(e.key_id),
        "KeyVersion" => json!(e.key_version),
        "EncryptionContext" => json!(e.encryption_context),
        "Outcome" => json!(e.outcome),
        "Count" => json!(e.count),
    ]
}

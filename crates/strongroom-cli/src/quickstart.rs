//! `strongroom quickstart`: a guided walkthrough on a scratch keystore in a temporary directory:
//! key, alias, encrypt, decrypt, data key, disable / enable, rotation, scheduled and cancelled
//! deletion, the audit trail.
//! Every step runs the real core operation and prints the equivalent command and what happened.
//! The passphrase is a fixed demo value and the keystore uses the fast test KDF, which is fine
//! because the directory is deleted at the end.

use crate::errors::{CliError, CliResult};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::io::Write;
use strongroom::{CreateKey, DataKeySpec, EncryptionContext, Keystore, Options};

/// Prints one line of the walkthrough; a closed standard output ends it with an `Io` error.
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*).map_err(|e| CliError::io("standard output", e))?
    };
}

/// Prints a numbered step: the equivalent command and what it did.
macro_rules! step {
    ($n:expr, $command:expr, $what:expr $(,)?) => {{
        say!("\n{}. $ strongroom {}", $n, $command);
        say!("   {}", $what);
    }};
}

/// Runs the walkthrough, printing each step to standard output.
pub fn run() -> CliResult<()> {
    let dir = tempfile::tempdir().map_err(|e| CliError::io("a temporary directory", e))?;
    let path = dir.path().join("quickstart.strongroom");
    say!(
        "strongroom quickstart: a scratch keystore at {}",
        path.display()
    );
    say!("(fast test KDF, demo passphrase; everything is deleted at the end)");

    let ks = Keystore::create(
        &path,
        b"quickstart demo",
        &Options::insecure_fast_for_tests(),
    )?;
    step!(
        1,
        "init",
        "created the keystore file; its root key is sealed under the passphrase"
    );
    say!("   keystore id: {}", ks.keystore_id());

    let key = ks.create_key(&CreateKey {
        description: "quickstart key".into(),
        ..Default::default()
    })?;
    step!(
        2,
        "create-key --description \"quickstart key\"",
        "created a symmetric KMS key"
    );
    say!("   KeyId: {}\n   KeyState: {}", key.key_id, key.key_state);

    ks.create_alias("alias/quickstart", &key.key_id)?;
    step!(
        3,
        &format!(
            "create-alias --alias-name alias/quickstart --target-key-id {}",
            key.key_id
        ),
        "the alias now names the key anywhere a --key-id is accepted",
    );

    let ctx = EncryptionContext::from_pairs([("purpose", "quickstart")])?;
    let blob = ks.encrypt("alias/quickstart", b"attack at dawn", Some(&ctx))?;
    step!(
        4,
        "encrypt --key-id alias/quickstart --plaintext fileb://secret.txt --encryption-context purpose=quickstart",
        "encrypted 14 bytes; the blob names the key and version, not the context",
    );
    say!(
        "   CiphertextBlob: {} ({} bytes)",
        BASE64.encode(&blob),
        blob.len()
    );

    let out = ks.decrypt(&blob, Some(&ctx), None)?;
    step!(
        5,
        "decrypt --ciphertext-blob fileb://encrypted --encryption-context purpose=quickstart",
        "decrypted with the same context",
    );
    say!(
        "   Plaintext: {:?}",
        String::from_utf8_lossy(out.plaintext.as_bytes())
    );
    match ks.decrypt(&blob, None, None) {
        Err(e) => say!("   without the context it is refused: {e}"),
        Ok(_) => say!("   (unexpected: decrypted without the context)"),
    }

    let dk = ks.generate_data_key("alias/quickstart", Some(DataKeySpec::Aes256), None, None)?;
    step!(
        6,
        "generate-data-key --key-id alias/quickstart --key-spec AES_256",
        "a fresh 32-byte data key for envelope encryption: use Plaintext, store CiphertextBlob",
    );
    say!(
        "   Plaintext: {} bytes (not shown), CiphertextBlob: {} bytes",
        dk.plaintext.len(),
        dk.ciphertext_blob.len()
    );
    drop(dk);

    ks.disable_key("alias/quickstart")?;
    step!(
        7,
        "disable-key --key-id alias/quickstart",
        "the key now refuses every use"
    );
    match ks.encrypt("alias/quickstart", b"x", None) {
        Err(e) => say!("   encrypt is refused: {e}"),
        Ok(_) => say!("   (unexpected: a disabled key encrypted)"),
    }
    ks.enable_key("alias/quickstart")?;
    step!(
        8,
        "enable-key --key-id alias/quickstart",
        "the key works again"
    );
    let again = ks.decrypt(&blob, Some(&ctx), None)?;
    say!(
        "   old blob still decrypts: {:?}",
        String::from_utf8_lossy(again.plaintext.as_bytes())
    );

    ks.enable_key_rotation("alias/quickstart", None)?;
    let st = ks.get_key_rotation_status("alias/quickstart")?;
    step!(
        9,
        "enable-key-rotation --key-id alias/quickstart",
        "automatic rotation is on: a new backing-key version every period",
    );
    say!(
        "   RotationPeriodInDays: {}, NextRotationDate: {}",
        st.rotation_period_in_days.unwrap_or_default(),
        st.next_rotation_date
            .map(|d| d.to_rfc3339())
            .unwrap_or_default()
    );

    ks.rotate_key_on_demand("alias/quickstart")?;
    let rotations = ks.list_key_rotations("alias/quickstart")?;
    step!(
        10,
        "rotate-key-on-demand --key-id alias/quickstart",
        "a new backing-key version now; new encryptions use it, old blobs still decrypt",
    );
    for r in &rotations {
        say!("   rotation: {} {}", r.rotation_date, r.rotation_type);
    }
    let after = ks.decrypt(&blob, Some(&ctx), None)?;
    say!(
        "   the blob from step 4 still decrypts: {:?}",
        String::from_utf8_lossy(after.plaintext.as_bytes())
    );

    let date = ks.schedule_key_deletion("alias/quickstart", Some(7))?;
    step!(
        11,
        "schedule-key-deletion --key-id alias/quickstart --pending-window-in-days 7",
        "the key is PendingDeletion: refused for any use, destroyed at the deletion date",
    );
    say!("   DeletionDate: {date}");
    match ks.decrypt(&blob, Some(&ctx), None) {
        Err(e) => say!("   decrypt is refused: {e}"),
        Ok(_) => say!("   (unexpected: a key pending deletion decrypted)"),
    }

    ks.cancel_key_deletion(&key.key_id)?;
    let state = ks.describe_key(&key.key_id)?.key_state;
    step!(
        12,
        format!("cancel-key-deletion --key-id {}", key.key_id),
        "deletion cancelled; as in AWS KMS the key comes back Disabled, not Enabled",
    );
    say!("   KeyState: {state}");

    let events = ks.audit_events(&strongroom::AuditFilter::default())?;
    let verified = ks.verify_audit()?;
    step!(
        13,
        "audit verify",
        "every call above is in the tamper-evident audit trail (no plaintext, no keys)",
    );
    say!("   {} events, {verified} verified", events.len());

    ks.close()?;
    dir.close()
        .map_err(|e| CliError::io("the temporary directory", e))?;
    say!(
        "\nDone. Next: `strongroom init`, then `strongroom create-key` (see `strongroom --help`)."
    );
    Ok(())
}

//! `strongroom quickstart`: a guided walkthrough on a scratch keystore in a temporary directory:
//! key, alias, encrypt, decrypt, data key, disable / enable, rotation, scheduled and cancelled
//! deletion, the audit trail, and `strongroom serve` called through the AWS CLI when `aws` is on
//! the PATH.
//! Every step runs the real core operation and prints the equivalent command and what happened.
//! The passphrase is a fixed demo value and the keystore uses the fast test KDF, which is fine
//! because the directory is deleted at the end.

use crate::errors::{CliError, CliResult};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use strongroom::{CreateKey, DataKeySpec, EncryptionContext, Keystore, Options};
use strongroom_server::server::{self, Auth, Background, Config};

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

    serve_step(ks, dir.path())?;
    dir.close()
        .map_err(|e| CliError::io("the temporary directory", e))?;
    say!(
        "\nDone. Next: `strongroom init`, then `strongroom create-key` (see `strongroom --help`)."
    );
    Ok(())
}

/// `aws` on the PATH, if it runs.
fn aws_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let aws = std::env::split_paths(&path)
        .map(|d| d.join("aws"))
        .find(|p| p.is_file())?;
    let works = Command::new(&aws)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(aws)
}

/// Step 14: the keystore served on 127.0.0.1 (a free port, no authentication: it is a scratch
/// keystore) and used through the AWS CLI, if it is installed; then the keystore is closed.
fn serve_step(ks: Keystore, dir: &Path) -> CliResult<()> {
    let Some(aws) = aws_cli() else {
        ks.close()?;
        step!(
            14,
            "serve --listen 127.0.0.1:0 --unauthenticated",
            "skipped: the AWS CLI (`aws`) is not on the PATH. With it, the keystore serves AWS KMS's \
             protocol: aws --endpoint-url http://127.0.0.1:PORT kms encrypt ... (docs/server.md)",
        );
        return Ok(());
    };
    let listener = server::bind("127.0.0.1:0".parse().expect("an address"))
        .map_err(|e| CliError::io("127.0.0.1:0", e))?;
    let running = Background::start(ks, listener, Config::new(Auth::Unauthenticated))
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    let endpoint = format!("http://{}", running.addr());
    step!(
        14,
        "serve --listen 127.0.0.1:0 --unauthenticated",
        "the keystore as an AWS KMS endpoint: unmodified AWS SDKs and the AWS CLI use it",
    );
    say!("   listening on {endpoint}");
    std::fs::write(dir.join("secret.txt"), b"attack at dawn")
        .map_err(|e| CliError::io("secret.txt", e))?;
    // Scratch credentials for the scratch server, whatever the user's AWS configuration says.
    let run = |args: &[&str]| -> Result<String, String> {
        let out = Command::new(&aws)
            .arg("--endpoint-url")
            .arg(&endpoint)
            .args(args)
            .current_dir(dir)
            .env("AWS_ACCESS_KEY_ID", "quickstart")
            .env("AWS_SECRET_ACCESS_KEY", "quickstart")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_PAGER", "")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    };
    let calls: Result<(), String> = (|| {
        run(&["kms", "enable-key", "--key-id", "alias/quickstart"])?;
        say_line(&format!(
            "   $ aws --endpoint-url {endpoint} kms enable-key --key-id alias/quickstart"
        ));
        let blob = run(&[
            "kms",
            "encrypt",
            "--key-id",
            "alias/quickstart",
            "--plaintext",
            "fileb://secret.txt",
            "--output",
            "text",
            "--query",
            "CiphertextBlob",
        ])?;
        say_line(&format!(
            "   $ aws --endpoint-url {endpoint} kms encrypt --key-id alias/quickstart \\\n       \
             --plaintext fileb://secret.txt --output text --query CiphertextBlob"
        ));
        say_line(&format!(
            "   CiphertextBlob: {}...",
            &blob[..blob.len().min(32)]
        ));
        let raw = BASE64
            .decode(&blob)
            .map_err(|e| format!("CiphertextBlob: {e}"))?;
        std::fs::write(dir.join("encrypted"), raw).map_err(|e| e.to_string())?;
        let plain = run(&[
            "kms",
            "decrypt",
            "--ciphertext-blob",
            "fileb://encrypted",
            "--output",
            "text",
            "--query",
            "Plaintext",
        ])?;
        say_line(&format!(
            "   $ aws --endpoint-url {endpoint} kms decrypt --ciphertext-blob fileb://encrypted \\\n       \
             --output text --query Plaintext | base64 --decode"
        ));
        let plain = BASE64
            .decode(&plain)
            .map_err(|e| format!("Plaintext: {e}"))?;
        say_line(&format!(
            "   Plaintext: {:?}",
            String::from_utf8_lossy(&plain)
        ));
        Ok(())
    })();
    running
        .stop()
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    match calls {
        Ok(()) => say!("   server stopped; the keystore is closed"),
        Err(e) => say!("   the AWS CLI failed (the server is stopped): {e}"),
    }
    Ok(())
}

/// One line on standard output, ignoring a closed pipe (the step's own lines report errors).
fn say_line(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

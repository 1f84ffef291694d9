//! Behaviour on a terminal, driven through a pseudo-terminal made by util-linux `script`:
//! passphrase prompts (typed twice on `init`) and the refusal to write binary to a terminal.

mod common;

use common::Scratch;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs `command` on a pseudo-terminal; for each `(prompt, line)`, waits until `prompt` has
/// been printed and then types `line`.
fn on_tty(
    s: &Scratch,
    command: &str,
    answers: &[(&str, &str)],
    passphrase_env: bool,
) -> (i32, String) {
    let dir = common::bin().parent().unwrap().to_path_buf();
    let mut c = Command::new("script");
    c.args(["-qec", command, "/dev/null"])
        .current_dir(s.dir.path())
        .env(
            "PATH",
            format!("{}:{}", dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("STRONGROOM_KEYSTORE", s.keystore())
        .env("STRONGROOM_INSECURE_TEST_KDF", "1")
        .env_remove("STRONGROOM_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if passphrase_env {
        c.env("STRONGROOM_PASSPHRASE", "correct horse");
    }
    let mut child = c
        .spawn()
        .expect("util-linux `script` is needed for terminal tests");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let pump = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    for (prompt, line) in answers {
        let deadline = Instant::now() + Duration::from_secs(60);
        while seen.matches(prompt).count() < 1 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(_) => panic!("no prompt {prompt:?} within 60 s; output so far: {seen}"),
            }
        }
        // Consume this prompt so the next answer waits for the next one. rpassword prints the
        // prompt just before it turns echo off: give it a moment.
        seen = seen.replacen(prompt, "", 1);
        std::thread::sleep(Duration::from_millis(500));
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let status = child.wait().unwrap();
    pump.join().unwrap();
    let mut text = seen;
    for chunk in rx.try_iter() {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code().unwrap_or(-1), text + &err)
}

#[test]
fn init_prompts_twice_without_echo() {
    let s = Scratch::empty();
    let (code, text) = on_tty(
        &s,
        "strongroom init",
        &[
            ("Keystore passphrase:", "tty secret"),
            ("Type it again:", "tty secret"),
        ],
        false,
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("tty secret"),
        "the passphrase was echoed: {text}"
    );
    s.cmd()
        .env("STRONGROOM_PASSPHRASE", "tty secret")
        .arg("list-keys")
        .assert()
        .success();
}

#[test]
fn init_refuses_mismatched_passphrases() {
    let s = Scratch::empty();
    let (code, text) = on_tty(
        &s,
        "strongroom init",
        &[("Keystore passphrase:", "one"), ("Type it again:", "two")],
        false,
    );
    assert_eq!(code, 12, "{text}");
    assert!(
        text.contains("(ValidationException) when calling the CreateKeystore operation: the passphrases typed do not match"),
        "{text}"
    );
    assert!(!s.keystore().exists());
}

#[test]
fn binary_output_never_goes_to_a_terminal() {
    let s = Scratch::new();
    let k = s.key();
    s.write("p", b"data");
    let (code, text) = on_tty(
        &s,
        &format!("strongroom encrypt-file --key-id {k} p"),
        &[],
        true,
    );
    assert_eq!(code, 12, "{text}");
    assert!(
        text.contains("refusing to write binary output to a terminal"),
        "{text}"
    );
    // Redirected, the same command works.
    let (code, text) = on_tty(
        &s,
        &format!("strongroom encrypt-file --key-id {k} p > p.sr"),
        &[],
        true,
    );
    assert_eq!(code, 0, "{text}");
    assert!(s.path("p.sr").exists());
}

#[test]
fn schedule_key_deletion_asks_on_a_terminal_after_a_recent_use() {
    let s = Scratch::new();
    let k = s.key();
    s.ok(&["encrypt", "--key-id", &k, "--plaintext", "aGk="]);
    let question = "Schedule its deletion anyway? [y/N]";
    let cmd = format!("strongroom schedule-key-deletion --key-id {k}");
    let (code, text) = on_tty(&s, &cmd, &[(question, "n")], true);
    assert_eq!(code, 12, "{text}");
    assert!(text.contains("was last used by Encrypt"), "{text}");
    assert!(text.contains("deletion not scheduled"), "{text}");
    let state = || s.json(&["describe-key", "--key-id", &k])["KeyMetadata"]["KeyState"].clone();
    assert_eq!(state(), "Enabled");
    let (code, text) = on_tty(&s, &format!("{cmd} --yes"), &[], true);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains(question), "{text}");
    assert_eq!(state(), "PendingDeletion");
    s.ok(&["cancel-key-deletion", "--key-id", &k]);
    s.ok(&["enable-key", "--key-id", &k]);
    let (code, text) = on_tty(&s, &cmd, &[(question, "y")], true);
    assert_eq!(code, 0, "{text}");
    assert_eq!(state(), "PendingDeletion");
}

//! Behaviour on a terminal, driven through a pseudo-terminal made by util-linux `script`:
//! passphrase prompts (typed twice on `init`) and the refusal to write binary to a terminal.

mod common;

use common::Scratch;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs `command` on a pseudo-terminal, typing each of `lines` after a pause.
fn on_tty(s: &Scratch, command: &str, lines: &[&str], passphrase_env: bool) -> (i32, String) {
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
    for line in lines {
        std::thread::sleep(Duration::from_millis(700));
        let _ = writeln!(stdin, "{line}");
    }
    std::thread::sleep(Duration::from_millis(700));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn init_prompts_twice_without_echo() {
    let s = Scratch::empty();
    let (code, text) = on_tty(&s, "strongroom init", &["tty secret", "tty secret"], false);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Keystore passphrase:") && text.contains("Type it again:"),
        "{text}"
    );
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
    let (code, text) = on_tty(&s, "strongroom init", &["one", "two"], false);
    assert_eq!(code, 12, "{text}");
    assert!(
        text.contains("error: Validation: the passphrases typed do not match"),
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

//! A scratch keystore directory and a `strongroom` command bound to it.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The built binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_strongroom"))
}

/// A temporary directory holding (after `init`) a fast-KDF keystore.
pub struct Scratch {
    /// The directory; commands run inside it.
    pub dir: TempDir,
}

impl Scratch {
    /// A directory with no keystore yet.
    pub fn empty() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A directory with an initialised keystore.
    pub fn new() -> Self {
        let s = Self::empty();
        s.cmd().arg("init").assert().success();
        s
    }

    /// The keystore path.
    pub fn keystore(&self) -> PathBuf {
        self.dir.path().join("test.strongroom")
    }

    /// A path inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `strongroom` with the keystore, passphrase and fast test KDF set in its environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.current_dir(self.dir.path())
            .env("STRONGROOM_KEYSTORE", self.keystore())
            .env("STRONGROOM_PASSPHRASE", "correct horse")
            .env("STRONGROOM_INSECURE_TEST_KDF", "1")
            .env_remove("STRONGROOM_NEW_PASSPHRASE")
            // Dates print in the local zone, as the AWS CLI prints them: pin it.
            .env("TZ", "UTC");
        c
    }

    /// Runs `strongroom ARGS` and returns its stdout, asserting success.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    /// Runs `strongroom ARGS`, parsing the JSON it prints.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Creates a key and returns its id.
    pub fn key(&self) -> String {
        self.ok(&[
            "create-key",
            "--query",
            "KeyMetadata.KeyId",
            "--output",
            "text",
        ])
        .trim()
        .to_string()
    }

    /// Creates the alias `name` for `key`.
    pub fn alias(&self, name: &str, key: &str) {
        self.ok(&["create-alias", "--alias-name", name, "--target-key-id", key]);
    }

    /// Runs a bash script in the directory with `strongroom` first on PATH.
    pub fn sh(&self, script: &str) -> std::process::Output {
        let dir = bin().parent().unwrap().to_path_buf();
        let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap());
        std::process::Command::new("bash")
            .arg("-euo")
            .arg("pipefail")
            .arg("-c")
            .arg(script)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("STRONGROOM_KEYSTORE", self.keystore())
            .env("STRONGROOM_PASSPHRASE", "correct horse")
            .env("STRONGROOM_INSECURE_TEST_KDF", "1")
            .output()
            .unwrap()
    }

    /// Writes a file in the directory.
    pub fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, data).unwrap();
        p
    }
}

/// Base64 decoding for assertions.
pub fn unb64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap()
}

/// Whether `p` exists.
pub fn exists(p: &Path) -> bool {
    p.exists()
}

#![allow(dead_code)]
//! Shared test helpers: scratch keystores with the fast test KDF.

use std::path::PathBuf;
use strongroom::{CreateKey, KeyMetadata, Keystore, Options};

pub const PASS: &[u8] = b"correct horse battery staple";

pub struct Scratch {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn scratch() -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.strongroom");
    Scratch { dir, path }
}

pub fn opts() -> Options {
    Options::insecure_fast_for_tests()
}

pub fn new_store() -> (Scratch, Keystore) {
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
    (s, ks)
}

pub fn key(ks: &Keystore) -> KeyMetadata {
    ks.create_key(&CreateKey::default()).unwrap()
}

pub fn sha256(path: &std::path::Path) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, &std::fs::read(path).unwrap())
        .as_ref()
        .to_vec()
}

/// Asserts that `r` failed with the error named `name`.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(r: strongroom::Result<T>, name: &str) {
    match r {
        Ok(v) => panic!("expected {name}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.name(), name, "unexpected error: {e}"),
    }
}

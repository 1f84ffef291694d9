//! Item 11 (the half that is not cargo-deny, which `scripts/deny` runs): every crate of the
//! workspace but the C ABI (`strongroom-ffi`, whose purpose is `unsafe extern "C"`) declares
//! `#![forbid(unsafe_code)]` at its root.

use std::path::{Path, PathBuf};

/// Crates allowed to use `unsafe`, and why.
const EXEMPT: &[(&str, &str)] = &[(
    "crates/strongroom-ffi",
    "the C ABI: raw pointers from C, guarded by ffi_panic_boundary and try_* macros",
)];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// The `members` of the root Cargo.toml, plus the root package itself.
fn members(root: &Path) -> Vec<String> {
    let toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let start = toml.find("members = [").expect("a members list");
    let end = start + toml[start..].find(']').unwrap();
    let mut out: Vec<String> = toml[start + "members = [".len()..end]
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_string())
        .filter(|m| !m.is_empty())
        .collect();
    if toml.contains("\n[package]") {
        out.push(".".into());
    }
    out
}

/// The crate roots of a member: src/lib.rs, src/main.rs, src/bin/*.rs.
fn roots(dir: &Path) -> Vec<PathBuf> {
    let mut r: Vec<PathBuf> = ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|p| dir.join(p))
        .filter(|p| p.exists())
        .collect();
    if let Ok(bins) = std::fs::read_dir(dir.join("src/bin")) {
        r.extend(bins.filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "rs").then_some(p)
        }));
    }
    r
}

/// Whether the crate root declares `#![forbid(unsafe_code)]` (alone or among other lints).
fn forbids_unsafe(src: &str) -> bool {
    src.lines().map(str::trim).any(|l| {
        l.starts_with("#![forbid(")
            && l.trim_start_matches("#![forbid(")
                .trim_end_matches(")]")
                .split(',')
                .any(|lint| lint.trim() == "unsafe_code")
    })
}

#[test]
fn the_attribute_check_recognises_the_forms() {
    assert!(forbids_unsafe("//! doc\n#![forbid(unsafe_code)]\n"));
    assert!(forbids_unsafe("#![forbid(missing_docs, unsafe_code)]"));
    assert!(!forbids_unsafe("#![deny(unsafe_code)]"));
    assert!(!forbids_unsafe("// #![forbid(unsafe_code)] in a comment\n"));
    assert!(!forbids_unsafe("#![forbid(unsafe_op_in_unsafe_fn)]"));
}

#[test]
fn every_crate_but_the_c_abi_forbids_unsafe_code() {
    let root = workspace_root();
    let members = members(&root);
    assert!(members.len() >= 5, "members: {members:?}");
    let mut checked = Vec::new();
    let mut missing = Vec::new();
    for m in &members {
        if EXEMPT.iter().any(|(e, _)| e == m) {
            continue;
        }
        let rs = roots(&root.join(m));
        assert!(!rs.is_empty(), "{m} has no crate root");
        for r in rs {
            let ok = forbids_unsafe(&std::fs::read_to_string(&r).unwrap());
            let rel = r.strip_prefix(&root).unwrap().display().to_string();
            if ok {
                checked.push(rel);
            } else {
                missing.push(rel);
            }
        }
    }
    println!(
        "FIGURE item11 forbid_unsafe ok={} missing={} exempt={:?}",
        checked.len(),
        missing.len(),
        EXEMPT.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    assert!(
        missing.is_empty(),
        "crate roots without #![forbid(unsafe_code)]: {missing:?}"
    );
    assert!(checked.iter().any(|c| c.contains("strongroom-reliability")));
    assert!(checked.iter().any(|c| c == "crates/strongroom/src/lib.rs"));
}

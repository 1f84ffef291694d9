//! Item 5: every single-bit flip, every truncation and every one-byte extension of blobs of 1, 16
//! and 4096-byte plaintexts is refused (0 accepted).
//!
//! Extensions: each of the 256 byte values appended, and a byte inserted at every position.
//! All of them run in CI (about 45,000 decrypts, a few seconds in debug); the soak runs the same
//! in release. Each mutant is decrypted with the right encryption context.

use std::collections::BTreeMap;
use strongroom::{EncryptionContext, Keystore};
use strongroom_reliability::{PASS, opts, scratch};

#[test]
fn no_mutant_of_a_blob_is_accepted() {
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &opts()).unwrap();
    let key = ks.create_key(&Default::default()).unwrap().key_id;
    let ctx = EncryptionContext::from_pairs([("app", "reliability")]).unwrap();
    let mut tried = 0u64;
    let mut accepted = 0u64;
    let mut outcomes: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut check = |mutant: &[u8], what: String| {
        tried += 1;
        match ks.decrypt(mutant, Some(&ctx), None) {
            Ok(_) => {
                accepted += 1;
                eprintln!("ACCEPTED: {what}");
            }
            Err(e) => *outcomes.entry(e.name()).or_default() += 1,
        }
    };
    for len in [1usize, 16, 4096] {
        let pt: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
        let blob = ks.encrypt(&key, &pt, Some(&ctx)).unwrap();
        assert_eq!(
            ks.decrypt(&blob, Some(&ctx), None)
                .unwrap()
                .plaintext
                .as_bytes(),
            pt,
            "the unmutated blob must decrypt"
        );
        for bit in 0..blob.len() * 8 {
            let mut m = blob.clone();
            m[bit / 8] ^= 1 << (bit % 8);
            check(&m, format!("{len}-byte plaintext, bit {bit} flipped"));
        }
        for cut in 0..blob.len() {
            check(&blob[..cut], format!("{len}-byte plaintext, cut to {cut}"));
        }
        for b in 0..=255u8 {
            let mut m = blob.clone();
            m.push(b);
            check(&m, format!("{len}-byte plaintext, {b:#04x} appended"));
        }
        for pos in 0..blob.len() {
            let mut m = blob.clone();
            m.insert(pos, m[pos] ^ 0x5A);
            check(&m, format!("{len}-byte plaintext, byte inserted at {pos}"));
        }
    }
    println!("FIGURE item5 mutants={tried} accepted={accepted} outcomes={outcomes:?}");
    assert_eq!(accepted, 0, "{accepted} of {tried} mutants were accepted");
    assert_eq!(tried, 43_728, "the grid changed size");
}

//! SPEC section 4: encrypt, decrypt, re-encrypt, data keys, random.

mod common;
use common::*;
use strongroom::{BLOB_OVERHEAD, DataKeySpec, EncryptionContext};

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    EncryptionContext::from_pairs(pairs.iter().copied()).unwrap()
}

#[test]
fn plaintext_bounds() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    assert_err(ks.encrypt(&k.key_id, b"", None), "Validation");
    assert_err(ks.encrypt(&k.key_id, &[0; 4097], None), "Validation");
    for n in [1usize, 4096] {
        let pt = vec![7u8; n];
        let blob = ks.encrypt(&k.key_id, &pt, None).unwrap();
        assert_eq!(blob.len(), n + BLOB_OVERHEAD);
        assert_eq!(
            ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
            pt
        );
    }
}

#[test]
fn encrypt_into_and_decrypt_into_check_the_output_buffer() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let c = ctx(&[("k", "v")]);
    let mut out = [0xAAu8; 64];
    assert_err(
        ks.encrypt_into(&k.key_id, b"", None, &mut out),
        "Validation",
    );
    assert_err(
        ks.encrypt_into(&k.key_id, &[0; 4097], None, &mut [0; 4097 + BLOB_OVERHEAD]),
        "Validation",
    );
    for n in [1usize, 4096] {
        let pt = vec![7u8; n];
        let need = n + BLOB_OVERHEAD;
        // One byte short: refused, nothing written.
        let mut short = vec![0xAAu8; need - 1];
        assert_err(
            ks.encrypt_into(&k.key_id, &pt, Some(&c), &mut short),
            "Validation",
        );
        assert!(short.iter().all(|&b| b == 0xAA));
        // Exactly enough, and more: the blob fills the start, the rest is untouched.
        let mut blob = vec![0xAAu8; need + 3];
        assert_eq!(
            ks.encrypt_into(&k.key_id, &pt, Some(&c), &mut blob)
                .unwrap(),
            need
        );
        assert_eq!(&blob[need..], [0xAA; 3]);
        let blob = &blob[..need];
        assert_eq!(
            ks.decrypt(blob, Some(&c), None)
                .unwrap()
                .plaintext
                .as_bytes(),
            pt
        );

        let mut short = vec![0xAAu8; n - 1];
        assert_err(
            ks.decrypt_into(blob, Some(&c), None, &mut short),
            "Validation",
        );
        assert!(short.iter().all(|&b| b == 0xAA));
        let mut plain = vec![0xAAu8; n + 3];
        assert_eq!(
            ks.decrypt_into(blob, Some(&c), None, &mut plain).unwrap(),
            n
        );
        assert_eq!(plain[..n], pt[..]);
        assert_eq!(plain[n..], [0xAA; 3]);

        // A blob that does not authenticate leaves zeros where the plaintext would have been.
        let mut tampered = blob.to_vec();
        *tampered.last_mut().unwrap() ^= 1;
        let mut plain = vec![0xAAu8; n];
        assert_err(
            ks.decrypt_into(&tampered, Some(&c), None, &mut plain),
            "InvalidCiphertext",
        );
        assert!(plain.iter().all(|&b| b == 0));
        let mut plain = vec![0xAAu8; n];
        assert_err(
            ks.decrypt_into(blob, None, None, &mut plain),
            "InvalidCiphertext",
        );
        assert!(plain.iter().all(|&b| b == 0));
    }
}

#[test]
fn output_buffer_sizes() {
    use strongroom::{blob_len, plaintext_len};
    assert_eq!(blob_len(1), 1 + BLOB_OVERHEAD);
    assert_eq!(blob_len(4096), 4096 + BLOB_OVERHEAD);
    assert_eq!(blob_len(4097), 4096 + BLOB_OVERHEAD);
    assert_eq!(plaintext_len(0), 0);
    assert_eq!(plaintext_len(BLOB_OVERHEAD), 0);
    assert_eq!(plaintext_len(BLOB_OVERHEAD + 1), 1);
    assert_eq!(plaintext_len(4096 + BLOB_OVERHEAD), 4096);
    assert_eq!(plaintext_len(usize::MAX), 4096);
}

#[test]
fn blobs_are_at_most_4096_bytes_plus_overhead() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let blob = ks.encrypt(&k.key_id, &[1; 4096], None).unwrap();
    let mut longer = blob.clone();
    longer.push(0);
    let e = ks.decrypt(&longer, None, None).unwrap_err();
    assert_eq!(e.name(), "InvalidCiphertext");
    assert!(e.to_string().contains("longer than any"), "{e}");
    assert!(ks.decrypt(&blob, None, None).is_ok());
}

#[test]
fn blobs_name_key_and_version_and_differ_each_time() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let a = ks.encrypt(&k.key_id, b"same", None).unwrap();
    let b = ks.encrypt(&k.key_id, b"same", None).unwrap();
    assert_ne!(a, b);
    assert_eq!(a[0], strongroom::BLOB_VERSION);
    assert_eq!(
        &a[1..17],
        uuid::Uuid::parse_str(&k.key_id).unwrap().as_bytes()
    );
    assert_eq!(&a[17..21], &1u32.to_le_bytes());
    let d = ks.decrypt(&a, None, None).unwrap();
    assert_eq!(d.key_id, k.arn);
}

#[test]
fn context_is_order_independent_and_required() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let c = ctx(&[("a", "1"), ("b", "2")]);
    let blob = ks.encrypt(&k.key_id, b"pt", Some(&c)).unwrap();
    let reordered = ctx(&[("b", "2"), ("a", "1")]);
    assert_eq!(
        ks.decrypt(&blob, Some(&reordered), None)
            .unwrap()
            .plaintext
            .as_bytes(),
        b"pt"
    );
    for wrong in [
        None,
        Some(ctx(&[("a", "1")])),
        Some(ctx(&[("a", "1"), ("b", "3")])),
        Some(ctx(&[("a", "1"), ("c", "2")])),
        Some(ctx(&[("a", "1"), ("b", "2"), ("c", "3")])),
        Some(ctx(&[("A", "1"), ("b", "2")])),
    ] {
        assert_err(ks.decrypt(&blob, wrong.as_ref(), None), "InvalidCiphertext");
    }
    // No context and an empty context are the same thing.
    let plain = ks.encrypt(&k.key_id, b"pt", None).unwrap();
    let empty = ctx(&[]);
    assert!(ks.decrypt(&plain, Some(&empty), None).is_ok());
    // The context is not stored in the blob.
    let marker = ctx(&[("needle-key", "needle-value")]);
    let blob = ks.encrypt(&k.key_id, b"pt", Some(&marker)).unwrap();
    assert!(!blob.windows(6).any(|w| w == b"needle"));
}

#[test]
fn every_flipped_byte_and_truncation_fails() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let c = ctx(&[("k", "v")]);
    let blob = ks.encrypt(&k.key_id, b"some plaintext", Some(&c)).unwrap();
    for i in 0..blob.len() {
        for bit in [0x01u8, 0x80] {
            let mut t = blob.clone();
            t[i] ^= bit;
            // A changed key id names a key this keystore never had: still InvalidCiphertext.
            let e = ks.decrypt(&t, Some(&c), None).unwrap_err();
            assert_eq!(e.name(), "InvalidCiphertext", "byte {i} bit {bit:#x}: {e}");
        }
    }
    for cut in 0..blob.len() {
        assert_err(
            ks.decrypt(&blob[..cut], Some(&c), None),
            "InvalidCiphertext",
        );
    }
    let mut longer = blob.clone();
    longer.push(0);
    assert_err(ks.decrypt(&longer, Some(&c), None), "InvalidCiphertext");
}

#[test]
fn key_id_on_decrypt_must_match() {
    let (_s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    ks.create_alias("alias/a", &a.key_id).unwrap();
    let blob = ks.encrypt(&a.key_id, b"x", None).unwrap();
    assert_err(ks.decrypt(&blob, None, Some(&b.key_id)), "IncorrectKey");
    for r in [a.key_id.as_str(), a.arn.as_str(), "alias/a"] {
        assert!(ks.decrypt(&blob, None, Some(r)).is_ok());
    }
    assert_err(ks.decrypt(&blob, None, Some("alias/none")), "NotFound");
}

#[test]
fn re_encrypt_moves_between_keys_and_contexts() {
    let (_s, ks) = new_store();
    let a = key(&ks);
    let b = key(&ks);
    let c1 = ctx(&[("from", "a")]);
    let c2 = ctx(&[("to", "b")]);
    let blob = ks.encrypt(&a.key_id, b"move me", Some(&c1)).unwrap();
    assert_err(
        ks.re_encrypt(&blob, &b.key_id, None, None, None),
        "InvalidCiphertext",
    );
    assert_err(
        ks.re_encrypt(&blob, &b.key_id, Some(&c1), None, Some(&b.key_id)),
        "IncorrectKey",
    );
    let r = ks
        .re_encrypt(&blob, &b.key_id, Some(&c1), Some(&c2), Some(&a.key_id))
        .unwrap();
    assert_eq!(r.source_key_id, a.arn);
    assert_eq!(r.key_id, b.arn);
    assert_eq!(
        &r.ciphertext_blob[1..17],
        uuid::Uuid::parse_str(&b.key_id).unwrap().as_bytes()
    );
    assert_eq!(
        ks.decrypt(&r.ciphertext_blob, Some(&c2), None)
            .unwrap()
            .plaintext
            .as_bytes(),
        b"move me"
    );
    assert_err(
        ks.decrypt(&r.ciphertext_blob, Some(&c1), None),
        "InvalidCiphertext",
    );
    ks.disable_key(&b.key_id).unwrap();
    assert_err(
        ks.re_encrypt(&blob, &b.key_id, Some(&c1), None, None),
        "Disabled",
    );
    ks.disable_key(&a.key_id).unwrap();
    ks.enable_key(&b.key_id).unwrap();
    assert_err(
        ks.re_encrypt(&blob, &b.key_id, Some(&c1), None, None),
        "Disabled",
    );
}

#[test]
fn data_keys() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let c = ctx(&[("purpose", "backup")]);
    let dk = ks
        .generate_data_key(&k.key_id, None, None, Some(&c))
        .unwrap();
    assert_eq!(dk.plaintext.len(), 32);
    assert_eq!(dk.key_id, k.arn);
    let back = ks.decrypt(&dk.ciphertext_blob, Some(&c), None).unwrap();
    assert_eq!(back.plaintext.as_bytes(), dk.plaintext.as_bytes());
    let k128 = ks
        .generate_data_key(&k.key_id, Some(DataKeySpec::Aes128), None, None)
        .unwrap();
    assert_eq!(k128.plaintext.len(), 16);
    for n in [1u32, 1024] {
        let d = ks
            .generate_data_key(&k.key_id, None, Some(n), None)
            .unwrap();
        assert_eq!(d.plaintext.len(), n as usize);
        let w = ks
            .generate_data_key_without_plaintext(&k.key_id, None, Some(n), None)
            .unwrap();
        assert_eq!(
            ks.decrypt(&w.ciphertext_blob, None, None)
                .unwrap()
                .plaintext
                .len(),
            n as usize
        );
    }
    for n in [0u32, 1025] {
        assert_err(
            ks.generate_data_key(&k.key_id, None, Some(n), None),
            "Validation",
        );
        assert_err(
            ks.generate_data_key_without_plaintext(&k.key_id, None, Some(n), None),
            "Validation",
        );
    }
    assert_err(
        ks.generate_data_key(&k.key_id, Some(DataKeySpec::Aes256), Some(32), None),
        "Validation",
    );
    let a = ks.generate_data_key(&k.key_id, None, None, None).unwrap();
    let b = ks.generate_data_key(&k.key_id, None, None, None).unwrap();
    assert_ne!(a.plaintext.as_bytes(), b.plaintext.as_bytes());
    assert_eq!(
        "AES_128".parse::<DataKeySpec>().unwrap(),
        DataKeySpec::Aes128
    );
    assert_err("AES_512".parse::<DataKeySpec>(), "Validation");
}

#[test]
fn generate_random_bounds() {
    let (_s, ks) = new_store();
    assert_eq!(ks.generate_random(1).unwrap().len(), 1);
    let a = ks.generate_random(1024).unwrap();
    assert_eq!(a.len(), 1024);
    assert_ne!(a, ks.generate_random(1024).unwrap());
    assert_err(ks.generate_random(0), "Validation");
    assert_err(ks.generate_random(1025), "Validation");
}

/// Issue 17 item 6: random bytes (often used as keys) come in the core's zeroizing secret type,
/// or straight into the caller's buffer, never through a plain `Vec`.
#[test]
fn generate_random_is_a_secret_or_written_in_place() {
    let (_s, ks) = new_store();
    let r: strongroom::SecretBytes = ks.generate_random(32).unwrap();
    assert_eq!(r.as_bytes().len(), 32);
    assert!(!format!("{r:?}").contains(&format!("{:?}", &r.as_bytes()[..4])));

    let mut buf = [0u8; 40];
    ks.generate_random_into(32, &mut buf).unwrap();
    assert_ne!(buf[..32], [0u8; 32]);
    assert_eq!(buf[32..], [0u8; 8], "only the bytes asked for are written");

    // A short buffer or a count out of range: Validation, nothing written, audited as refused.
    let mut short = [0u8; 16];
    assert_err(ks.generate_random_into(32, &mut short), "Validation");
    assert_eq!(short, [0u8; 16]);
    assert_err(ks.generate_random_into(0, &mut buf), "Validation");
    assert_err(
        ks.generate_random_into(1025, &mut [0u8; 2048]),
        "Validation",
    );
    let outcomes: Vec<String> = ks
        .audit_events(&strongroom::AuditFilter {
            operation: Some("GenerateRandom".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        outcomes,
        ["ok", "ok", "Validation", "Validation", "Validation"]
    );
}

#[test]
fn blobs_are_bound_to_their_keystore() {
    let (_s1, ks1) = new_store();
    let (_s2, ks2) = new_store();
    let k = key(&ks1);
    let blob = ks1.encrypt(&k.key_id, b"x", None).unwrap();
    let e = ks2.decrypt(&blob, None, None).unwrap_err();
    assert_eq!(e.name(), "InvalidCiphertext");
    assert!(
        e.to_string()
            .contains("names a key this keystore does not have"),
        "{e}"
    );
}

#[test]
fn a_version_the_key_lacks_is_invalid_ciphertext() {
    let (_s, ks) = new_store();
    let k = key(&ks);
    let mut blob = ks.encrypt(&k.key_id, b"x", None).unwrap();
    blob[17..21].copy_from_slice(&2u32.to_le_bytes());
    assert_err(ks.decrypt(&blob, None, None), "InvalidCiphertext");
    blob[17..21].copy_from_slice(&0u32.to_le_bytes());
    assert_err(ks.decrypt(&blob, None, None), "InvalidCiphertext");
}

//! Importing key material (SPEC section 7): import parameters, every error of
//! `import_key_material` on both sides of its bounds, deleting and re-importing material, expiry
//! on a manual clock, persistence across reopen, wrapping keys removed from the file, and
//! interoperability with the openssl procedures AWS KMS documents.

mod common;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrapPadded};
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPublicEncryptingKey,
    PublicEncryptingKey,
};
use common::{PASS, Scratch, assert_err, scratch};
use std::path::Path;
use std::process::Command;
use strongroom::{
    Clock, CreateKey, ExpirationModel, IMPORT_TOKEN_LEN, ImportClaims, ImportType, KeyState,
    Keystore, ManualClock, Options, Origin, ParametersForImport, Timestamp, WrappingAlgorithm,
    WrappingKeySpec,
};

const T0: i64 = 1_800_000_000_000;
const DAY: i64 = Timestamp::DAY_MS;
const OAEP_256: WrappingAlgorithm = WrappingAlgorithm::RsaesOaepSha256;
const NEVER: ExpirationModel = ExpirationModel::KeyMaterialDoesNotExpire;
const EXPIRES: ExpirationModel = ExpirationModel::KeyMaterialExpires;
const RSA_2048: WrappingKeySpec = WrappingKeySpec::Rsa2048;

fn clocked() -> (Scratch, Keystore, ManualClock) {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &with_clock(&clock)).unwrap();
    (s, ks, clock)
}

fn with_clock(clock: &ManualClock) -> Options {
    Options {
        clock: std::sync::Arc::new(clock.clone()),
        ..Options::insecure_fast_for_tests()
    }
}

fn reopen(s: &Scratch, ks: Keystore, clock: &ManualClock) -> Keystore {
    ks.close().unwrap();
    Keystore::open(&s.path, PASS, &with_clock(clock)).unwrap()
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

fn external(ks: &Keystore) -> String {
    ks.create_key(&CreateKey {
        origin: Some(Origin::External),
        ..Default::default()
    })
    .unwrap()
    .key_id
}

fn material(seed: u8) -> [u8; 32] {
    std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8))
}

fn oaep_encrypt(public_key_der: &[u8], alg: &'static OaepAlgorithm, plaintext: &[u8]) -> Vec<u8> {
    let key = OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(public_key_der).unwrap())
        .unwrap();
    let mut out = vec![0u8; key.ciphertext_size()];
    let n = key.encrypt(alg, plaintext, &mut out, None).unwrap().len();
    out.truncate(n);
    out
}

/// Wraps `plaintext` as `alg` prescribes (any length, to test the length checks too).
fn wrap(p: &ParametersForImport, alg: WrappingAlgorithm, plaintext: &[u8]) -> Vec<u8> {
    match alg {
        WrappingAlgorithm::RsaesOaepSha256 => {
            oaep_encrypt(&p.public_key, &OAEP_SHA256_MGF1SHA256, plaintext)
        }
        WrappingAlgorithm::RsaesOaepSha1 => {
            oaep_encrypt(&p.public_key, &OAEP_SHA1_MGF1SHA1, plaintext)
        }
        WrappingAlgorithm::RsaAesKeyWrapSha256 | WrappingAlgorithm::RsaAesKeyWrapSha1 => {
            let aes = material(200);
            let oaep: &'static OaepAlgorithm = if alg == WrappingAlgorithm::RsaAesKeyWrapSha1 {
                &OAEP_SHA1_MGF1SHA1
            } else {
                &OAEP_SHA256_MGF1SHA256
            };
            let mut out = oaep_encrypt(&p.public_key, oaep, &aes);
            let mut wrapped = vec![0u8; plaintext.len() + 16];
            let n = AesKek::new(&AES_256, &aes)
                .unwrap()
                .wrap_with_padding(plaintext, &mut wrapped)
                .unwrap()
                .len();
            out.extend_from_slice(&wrapped[..n]);
            out
        }
        other => panic!("unknown algorithm {other}"),
    }
}

/// Gets parameters and imports `m` with them.
fn import(
    ks: &Keystore,
    key: &str,
    m: &[u8],
    model: ExpirationModel,
    valid_to: Option<Timestamp>,
) -> strongroom::Result<strongroom::KeyMaterialId> {
    let p = ks.get_parameters_for_import(key, OAEP_256, RSA_2048)?;
    ks.import_key_material(
        key,
        &p.import_token,
        &wrap(&p, OAEP_256, m),
        model,
        valid_to,
    )
}

fn state(ks: &Keystore, key: &str) -> KeyState {
    ks.describe_key(key).unwrap().key_state
}

/// Rows of the wrapping-key table, read from the closed file with redb directly.
fn wrapping_rows(path: &Path) -> usize {
    use redb::{ReadableDatabase, ReadableTableMetadata};
    use strongroom::insecure_test_tables::WRAPPING_KEYS as T;
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    tx.open_table(T).unwrap().len().unwrap() as usize
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn names_parse_and_print() {
    for (s, a) in [
        ("RSAES_OAEP_SHA_256", WrappingAlgorithm::RsaesOaepSha256),
        ("RSAES_OAEP_SHA_1", WrappingAlgorithm::RsaesOaepSha1),
        (
            "RSA_AES_KEY_WRAP_SHA_256",
            WrappingAlgorithm::RsaAesKeyWrapSha256,
        ),
        (
            "RSA_AES_KEY_WRAP_SHA_1",
            WrappingAlgorithm::RsaAesKeyWrapSha1,
        ),
    ] {
        assert_eq!(s.parse::<WrappingAlgorithm>().unwrap(), a);
        assert_eq!(a.as_str(), s);
    }
    for (s, spec, len) in [
        ("RSA_2048", WrappingKeySpec::Rsa2048, 256),
        ("RSA_3072", WrappingKeySpec::Rsa3072, 384),
        ("RSA_4096", WrappingKeySpec::Rsa4096, 512),
    ] {
        assert_eq!(s.parse::<WrappingKeySpec>().unwrap(), spec);
        assert_eq!(spec.to_string(), s);
        assert_eq!(spec.modulus_len(), len);
    }
    assert_eq!(
        "KEY_MATERIAL_EXPIRES".parse::<ExpirationModel>().unwrap(),
        EXPIRES
    );
    assert_eq!(
        "KEY_MATERIAL_DOES_NOT_EXPIRE"
            .parse::<ExpirationModel>()
            .unwrap(),
        NEVER
    );
    for unknown in ["RSAES_PKCS1_V1_5", "SM2PKE"] {
        assert_err(unknown.parse::<WrappingAlgorithm>(), "Validation");
    }
    assert_err("RSA_1024".parse::<WrappingKeySpec>(), "Validation");
    assert_err("rsa_2048".parse::<WrappingKeySpec>(), "Validation");
    assert_err("NEVER".parse::<ExpirationModel>(), "Validation");
}

#[test]
fn parameters_for_each_spec() {
    let (_s, ks, clock) = clocked();
    let key = external(&ks);
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.key_state, KeyState::PendingImport);
    assert_eq!(meta.origin, Origin::External);
    assert_eq!((meta.valid_to, meta.expiration_model), (None, None));
    assert_err(ks.encrypt(&key, b"x", None), "InvalidState");
    for spec in [
        WrappingKeySpec::Rsa2048,
        WrappingKeySpec::Rsa3072,
        WrappingKeySpec::Rsa4096,
    ] {
        let p = ks.get_parameters_for_import(&key, OAEP_256, spec).unwrap();
        assert_eq!(p.key_id, meta.arn);
        assert_eq!(p.import_token.len(), IMPORT_TOKEN_LEN);
        assert_eq!(p.parameters_valid_to, at(T0 + DAY));
        let public = PublicEncryptingKey::from_der(&p.public_key).unwrap();
        assert_eq!(public.key_size_bytes(), spec.modulus_len());
        // The DER is exactly a SubjectPublicKeyInfo as aws-lc-rs re-encodes it.
        assert_eq!(public.as_der().unwrap().as_ref(), &p.public_key[..]);
    }
    // Two calls give different keys and tokens.
    let a = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    let b = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    assert_ne!(a.public_key, b.public_key);
    assert_ne!(a.import_token, b.import_token);
    // Also through an alias, and the ARN.
    ks.create_alias("alias/byok", &key).unwrap();
    ks.get_parameters_for_import("alias/byok", OAEP_256, RSA_2048)
        .unwrap();
    ks.get_parameters_for_import(&meta.arn, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.get_parameters_for_import("00000000-0000-4000-8000-000000000000", OAEP_256, RSA_2048),
        "NotFound",
    );
    assert_eq!(clock.now(), at(T0));
}

#[test]
fn parameters_follow_the_state_table() {
    let (_s, ks, _clock) = clocked();
    let internal = common::key(&ks).key_id;
    assert_err(
        ks.get_parameters_for_import(&internal, OAEP_256, RSA_2048),
        "UnsupportedOperation",
    );
    assert_err(
        ks.delete_imported_key_material(&internal),
        "UnsupportedOperation",
    );
    let key = external(&ks);
    // PendingImport: allowed. Enabled and Disabled: allowed (re-import).
    import(&ks, &key, &material(1), NEVER, None).unwrap();
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    ks.get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    ks.disable_key(&key).unwrap();
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    ks.schedule_key_deletion(&key, Some(7)).unwrap();
    assert_err(
        ks.get_parameters_for_import(&key, OAEP_256, RSA_2048),
        "InvalidState",
    );
    // Parameters obtained earlier do not let material in while the key is pending deletion.
    assert_err(
        ks.import_key_material(
            &key,
            &p.import_token,
            &wrap(&p, OAEP_256, &material(1)),
            NEVER,
            None,
        ),
        "InvalidState",
    );
    assert_err(ks.delete_imported_key_material(&key), "InvalidState");
    ks.cancel_key_deletion(&key).unwrap();
    assert_eq!(state(&ks, &key), KeyState::Disabled);
    // The token was not used up by the refused attempt.
    ks.import_key_material(
        &key,
        &p.import_token,
        &wrap(&p, OAEP_256, &material(1)),
        NEVER,
        None,
    )
    .unwrap();
    // Re-importing into a disabled key leaves it disabled.
    assert_eq!(state(&ks, &key), KeyState::Disabled);
    ks.enable_key(&key).unwrap();
    ks.encrypt(&key, b"ok", None).unwrap();
}

#[test]
fn every_algorithm_and_spec_imports() {
    let (_s, ks, _clock) = clocked();
    for alg in [
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingAlgorithm::RsaesOaepSha1,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
    ] {
        for spec in [
            WrappingKeySpec::Rsa2048,
            WrappingKeySpec::Rsa3072,
            WrappingKeySpec::Rsa4096,
        ] {
            let key = external(&ks);
            let p = ks.get_parameters_for_import(&key, alg, spec).unwrap();
            let enc = wrap(&p, alg, &material(7));
            ks.import_key_material(&key, &p.import_token, &enc, NEVER, None)
                .unwrap_or_else(|e| panic!("{alg} {spec}: {e}"));
            let meta = ks.describe_key(&key).unwrap();
            assert_eq!(meta.key_state, KeyState::Enabled);
            assert!(meta.enabled);
            assert_eq!(meta.expiration_model, Some(NEVER));
            assert_eq!(meta.valid_to, None);
            let blob = ks.encrypt(&key, b"byok", None).unwrap();
            assert_eq!(
                ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
                b"byok"
            );
            // Imported keys do not rotate.
            assert_err(ks.rotate_key_on_demand(&key), "UnsupportedOperation");
            assert_err(ks.enable_key_rotation(&key, None), "UnsupportedOperation");
        }
    }
}

#[test]
fn token_errors() {
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let other = external(&ks);
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    let enc = wrap(&p, OAEP_256, &material(1));
    let t = &p.import_token;
    // Malformed: empty, one byte short, one byte long, any byte altered.
    assert_err(
        ks.import_key_material(&key, &[], &enc, NEVER, None),
        "InvalidImportToken",
    );
    assert_err(
        ks.import_key_material(&key, &t[..t.len() - 1], &enc, NEVER, None),
        "InvalidImportToken",
    );
    let mut longer = t.clone();
    longer.push(0);
    assert_err(
        ks.import_key_material(&key, &longer, &enc, NEVER, None),
        "InvalidImportToken",
    );
    for i in [0, 1, 20, 40, 42, 43, t.len() - 1] {
        let mut bad = t.clone();
        bad[i] ^= 0x01;
        assert_err(
            ks.import_key_material(&key, &bad, &enc, NEVER, None),
            "InvalidImportToken",
        );
    }
    // Another key's token, or a token for this key presented to another key.
    assert_err(
        ks.import_key_material(&other, t, &enc, NEVER, None),
        "InvalidImportToken",
    );
    // A token of another keystore, for a key of the same id, does not authenticate here.
    let (_s2, ks2, _c2) = clocked();
    let key2 = external(&ks2);
    let p2 = ks2
        .get_parameters_for_import(&key2, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material(&key, &p2.import_token, &enc, NEVER, None),
        "InvalidImportToken",
    );
    // None of the refusals used the token up.
    ks.import_key_material(&key, t, &enc, NEVER, None).unwrap();
    // Single use.
    assert_err(
        ks.import_key_material(&key, t, &enc, NEVER, None),
        "InvalidImportToken",
    );
    // Newer parameters replace older ones.
    let old = ks
        .get_parameters_for_import(&other, OAEP_256, RSA_2048)
        .unwrap();
    let new = ks
        .get_parameters_for_import(&other, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material(
            &other,
            &old.import_token,
            &wrap(&old, OAEP_256, &material(2)),
            NEVER,
            None,
        ),
        "InvalidImportToken",
    );
    ks.import_key_material(
        &other,
        &new.import_token,
        &wrap(&new, OAEP_256, &material(2)),
        NEVER,
        None,
    )
    .unwrap();
    // The token outlives a close and reopen.
    let third = external(&ks);
    let p3 = ks
        .get_parameters_for_import(&third, OAEP_256, RSA_2048)
        .unwrap();
    let ks = reopen(&s, ks, &clock);
    ks.import_key_material(
        &third,
        &p3.import_token,
        &wrap(&p3, OAEP_256, &material(3)),
        NEVER,
        None,
    )
    .unwrap();
    ks.close().unwrap();
}

#[test]
fn token_expiry_both_sides() {
    let (s, ks, clock) = clocked();
    let a = external(&ks);
    let b = external(&ks);
    let pa = ks
        .get_parameters_for_import(&a, OAEP_256, RSA_2048)
        .unwrap();
    let pb = ks
        .get_parameters_for_import(&b, OAEP_256, RSA_2048)
        .unwrap();
    assert_eq!(pa.parameters_valid_to, at(T0 + DAY));
    // One millisecond before parameters_valid_to: valid.
    clock.set(at(T0 + DAY - 1));
    ks.import_key_material(
        &a,
        &pa.import_token,
        &wrap(&pa, OAEP_256, &material(1)),
        NEVER,
        None,
    )
    .unwrap();
    // At parameters_valid_to: expired, before and after maintenance removed its wrapping key.
    clock.set(at(T0 + DAY));
    let enc = wrap(&pb, OAEP_256, &material(2));
    assert_err(
        ks.import_key_material(&b, &pb.import_token, &enc, NEVER, None),
        "ExpiredImportToken",
    );
    ks.run_maintenance().unwrap();
    assert_err(
        ks.import_key_material(&b, &pb.import_token, &enc, NEVER, None),
        "ExpiredImportToken",
    );
    // The key of the expired token is not spoiled: new parameters work.
    import(&ks, &b, &material(2), NEVER, None).unwrap();
    ks.close().unwrap();
    assert_eq!(wrapping_rows(&s.path), 0);
}

#[test]
fn wrapping_keys_leave_the_file() {
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let other = external(&ks);
    ks.get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    ks.get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    let p = ks
        .get_parameters_for_import(&other, OAEP_256, RSA_2048)
        .unwrap();
    ks.close().unwrap();
    // One outstanding wrapping key per key: the second call replaced the first.
    assert_eq!(wrapping_rows(&s.path), 2);
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    // A failed import uses the token up and removes its wrapping key.
    assert_err(
        ks.import_key_material(&other, &p.import_token, &[1; 256], NEVER, None),
        "InvalidCiphertext",
    );
    ks.close().unwrap();
    assert_eq!(wrapping_rows(&s.path), 1);
    // Not yet expired: maintenance keeps it. Expired: maintenance removes it.
    clock.set(at(T0 + DAY - 1));
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    ks.run_maintenance().unwrap();
    ks.close().unwrap();
    assert_eq!(wrapping_rows(&s.path), 1);
    clock.set(at(T0 + DAY));
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    ks.run_maintenance().unwrap();
    ks.close().unwrap();
    assert_eq!(wrapping_rows(&s.path), 0);
    // Imported material is only ever stored sealed.
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    let m = material(9);
    import(&ks, &key, &m, NEVER, None).unwrap();
    ks.close().unwrap();
    assert_eq!(wrapping_rows(&s.path), 0);
    assert!(!contains(&std::fs::read(&s.path).unwrap(), &m));
}

#[test]
fn ciphertext_errors_and_length_bounds() {
    let (_s, ks, _clock) = clocked();
    let key = external(&ks);
    let attempt = |alg: WrappingAlgorithm, f: &dyn Fn(&ParametersForImport) -> Vec<u8>| {
        let p = ks.get_parameters_for_import(&key, alg, RSA_2048).unwrap();
        let r = ks.import_key_material(&key, &p.import_token, &f(&p), NEVER, None);
        // Whatever the outcome, the token is used up.
        let again = ks.import_key_material(
            &key,
            &p.import_token,
            &wrap(&p, alg, &material(1)),
            NEVER,
            None,
        );
        assert_err(again, "InvalidImportToken");
        r
    };
    for alg in [
        WrappingAlgorithm::RsaesOaepSha256,
        WrappingAlgorithm::RsaesOaepSha1,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
        WrappingAlgorithm::RsaAesKeyWrapSha1,
    ] {
        // Material of 31 and 33 bytes (both sides of 32), and empty-ish: it decrypts, but has
        // the wrong length (SPEC section 7: InvalidCiphertext).
        for len in [1, 31, 33] {
            assert_err(
                attempt(alg, &|p| wrap(p, alg, &vec![5u8; len])),
                "InvalidCiphertext",
            );
        }
        // Random bytes of the right length and one byte off on each side.
        let n = RSA_2048.modulus_len();
        for len in [n - 1, n, n + 1] {
            assert_err(attempt(alg, &|_| vec![0x42; len]), "InvalidCiphertext");
        }
        // One bit flipped anywhere.
        for at_end in [false, true] {
            assert_err(
                attempt(alg, &|p| {
                    let mut c = wrap(p, alg, &material(1));
                    let i = if at_end { c.len() - 1 } else { 3 };
                    c[i] ^= 0x04;
                    c
                }),
                "InvalidCiphertext",
            );
        }
    }
    // The wrong hash: SHA-1 ciphertext for a SHA-256 token, and the reverse.
    assert_err(
        attempt(OAEP_256, &|p| {
            wrap(p, WrappingAlgorithm::RsaesOaepSha1, &material(1))
        }),
        "InvalidCiphertext",
    );
    assert_err(
        attempt(WrappingAlgorithm::RsaesOaepSha1, &|p| {
            wrap(p, OAEP_256, &material(1))
        }),
        "InvalidCiphertext",
    );
    // Plain OAEP material given to a key-wrap token, and the reverse.
    assert_err(
        attempt(WrappingAlgorithm::RsaAesKeyWrapSha256, &|p| {
            wrap(p, OAEP_256, &material(1))
        }),
        "InvalidCiphertext",
    );
    assert_err(
        attempt(OAEP_256, &|p| {
            wrap(p, WrappingAlgorithm::RsaAesKeyWrapSha256, &material(1))
        }),
        "InvalidCiphertext",
    );
    // Nothing got in.
    assert_eq!(state(&ks, &key), KeyState::PendingImport);

    // Length bounds of encrypted_key_material: 1 ..= 6144 bytes, else Validation (the token
    // stays valid).
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material(&key, &p.import_token, &[], NEVER, None),
        "Validation",
    );
    assert_err(
        ks.import_key_material(&key, &p.import_token, &[0; 6145], NEVER, None),
        "Validation",
    );
    ks.import_key_material(
        &key,
        &p.import_token,
        &wrap(&p, OAEP_256, &material(1)),
        NEVER,
        None,
    )
    .unwrap();
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material(&key, &p.import_token, &[0; 6144], NEVER, None),
        "InvalidCiphertext",
    );
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material(&key, &p.import_token, &[0; 1], NEVER, None),
        "InvalidCiphertext",
    );
}

#[test]
fn expiration_model_bounds() {
    let (_s, ks, _clock) = clocked();
    let key = external(&ks);
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    let enc = wrap(&p, OAEP_256, &material(1));
    let t = &p.import_token;
    let year = 365 * DAY;
    for (model, valid_to) in [
        (NEVER, Some(at(T0 + DAY))),
        (EXPIRES, None),
        (EXPIRES, Some(at(T0))),
        (EXPIRES, Some(at(T0 - 1))),
        (EXPIRES, Some(at(T0 + year + 1))),
    ] {
        assert_err(
            ks.import_key_material(&key, t, &enc, model, valid_to),
            "Validation",
        );
    }
    // The refusals did not use the token up; the bounds themselves are accepted.
    ks.import_key_material(&key, t, &enc, EXPIRES, Some(at(T0 + 1)))
        .unwrap();
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.expiration_model, Some(EXPIRES));
    assert_eq!(meta.valid_to, Some(at(T0 + 1)));
    import(&ks, &key, &material(1), EXPIRES, Some(at(T0 + year))).unwrap();
    assert_eq!(ks.describe_key(&key).unwrap().valid_to, Some(at(T0 + year)));
    // Re-importing the same material with DOES_NOT_EXPIRE clears the expiry.
    import(&ks, &key, &material(1), NEVER, None).unwrap();
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!((meta.expiration_model, meta.valid_to), (Some(NEVER), None));
}

#[test]
fn full_sequence_delete_refuse_reimport() {
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let m = material(42);
    import(&ks, &key, &m, NEVER, None).unwrap();
    let ctx = strongroom::EncryptionContext::from_pairs([("app", "byok")]).unwrap();
    let blobs: Vec<Vec<u8>> = (0..3)
        .map(|i| ks.encrypt(&key, &[i; 10], Some(&ctx)).unwrap())
        .collect();
    let dk = ks.generate_data_key(&key, None, None, None).unwrap();

    ks.delete_imported_key_material(&key).unwrap();
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.key_state, KeyState::PendingImport);
    assert!(!meta.enabled);
    assert_eq!((meta.expiration_model, meta.valid_to), (None, None));
    // Refused use.
    assert_err(ks.encrypt(&key, b"x", None), "InvalidState");
    assert_err(ks.decrypt(&blobs[0], Some(&ctx), None), "InvalidState");
    assert_err(ks.generate_data_key(&key, None, None, None), "InvalidState");
    assert_err(ks.enable_key(&key), "InvalidState");
    assert_err(ks.delete_imported_key_material(&key), "InvalidState");
    assert!(ks.list_key_rotations(&key).unwrap().is_empty());

    // Different material: refused, also after reopening; the error holds no key bytes.
    for seed in [43u8, 0] {
        let e = import(&ks, &key, &material(seed), NEVER, None).unwrap_err();
        assert_eq!(e.name(), "IncorrectKeyMaterial");
        let text = format!("{e} {e:?}");
        let hex: String = material(seed).iter().map(|b| format!("{b:02x}")).collect();
        assert!(!text.contains(&hex));
    }
    let ks = reopen(&s, ks, &clock);
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    assert_err(
        import(&ks, &key, &material(44), NEVER, None),
        "IncorrectKeyMaterial",
    );
    assert_eq!(state(&ks, &key), KeyState::PendingImport);

    // The same material, by another algorithm: back to Enabled, every old blob decrypts.
    let p = ks
        .get_parameters_for_import(&key, WrappingAlgorithm::RsaAesKeyWrapSha256, RSA_2048)
        .unwrap();
    ks.import_key_material(
        &key,
        &p.import_token,
        &wrap(&p, WrappingAlgorithm::RsaAesKeyWrapSha256, &m),
        NEVER,
        None,
    )
    .unwrap();
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    for (i, b) in blobs.iter().enumerate() {
        let out = ks.decrypt(b, Some(&ctx), None).unwrap();
        assert_eq!(out.plaintext.as_bytes(), &[i as u8; 10]);
    }
    assert_eq!(
        ks.decrypt(&dk.ciphertext_blob, None, None)
            .unwrap()
            .plaintext,
        dk.plaintext
    );
    // Different material into an enabled key: refused, and the key keeps working.
    assert_err(
        import(&ks, &key, &material(45), NEVER, None),
        "IncorrectKeyMaterial",
    );
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    ks.decrypt(&blobs[0], Some(&ctx), None).unwrap();

    // A second external key with the same material is a different key: its blobs are its own.
    let twin = external(&ks);
    import(&ks, &twin, &m, NEVER, None).unwrap();
    let twin_blob = ks.encrypt(&twin, b"twin", None).unwrap();
    assert_err(ks.decrypt(&twin_blob, None, Some(&key)), "IncorrectKey");

    // Scheduled deletion destroys imported material like any other.
    ks.schedule_key_deletion(&key, Some(7)).unwrap();
    clock.advance_days(7);
    ks.run_maintenance().unwrap();
    assert_err(ks.describe_key(&key), "NotFound");
    assert_err(ks.decrypt(&blobs[0], Some(&ctx), None), "NotFound");
    ks.close().unwrap();
}

#[test]
fn expiring_material_lapses_and_comes_back() {
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let m = material(5);
    let valid_to = at(T0 + 10 * DAY);
    import(&ks, &key, &m, EXPIRES, Some(valid_to)).unwrap();
    let blob = ks.encrypt(&key, b"expiring", None).unwrap();
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.valid_to, Some(valid_to));
    assert_eq!(meta.expiration_model, Some(EXPIRES));

    // One millisecond before valid_to: usable.
    clock.set(at(T0 + 10 * DAY - 1));
    ks.decrypt(&blob, None, None).unwrap();
    // At valid_to: the material is gone without any explicit call.
    clock.set(valid_to);
    assert_err(ks.decrypt(&blob, None, None), "InvalidState");
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.key_state, KeyState::PendingImport);
    assert_eq!((meta.valid_to, meta.expiration_model), (None, None));
    assert_err(ks.encrypt(&key, b"x", None), "InvalidState");

    // Different material is refused; the same comes back, and the old blob decrypts.
    assert_err(
        import(&ks, &key, &material(6), NEVER, None),
        "IncorrectKeyMaterial",
    );
    import(&ks, &key, &m, EXPIRES, Some(at(T0 + 20 * DAY))).unwrap();
    assert_eq!(
        ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"expiring"
    );

    // A disabled key's material lapses too, found when the keystore is next opened.
    ks.disable_key(&key).unwrap();
    ks.close().unwrap();
    clock.set(at(T0 + 20 * DAY));
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    import(&ks, &key, &m, NEVER, None).unwrap();
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    ks.decrypt(&blob, None, None).unwrap();
    // DOES_NOT_EXPIRE material never lapses.
    clock.advance_days(3650);
    ks.run_maintenance().unwrap();
    ks.decrypt(&blob, None, None).unwrap();

    // Material that expires while the key is pending deletion: deletion cancelled afterwards
    // leaves the key pending import, not disabled without material.
    let other = external(&ks);
    let now = clock.now().unix_millis();
    import(&ks, &other, &material(8), EXPIRES, Some(at(now + DAY))).unwrap();
    ks.schedule_key_deletion(&other, Some(7)).unwrap();
    clock.advance_days(2);
    ks.run_maintenance().unwrap();
    assert_eq!(state(&ks, &other), KeyState::PendingDeletion);
    ks.cancel_key_deletion(&other).unwrap();
    assert_eq!(state(&ks, &other), KeyState::PendingImport);
    import(&ks, &other, &material(8), NEVER, None).unwrap();
    assert_eq!(state(&ks, &other), KeyState::Enabled);

    // A key that never got material comes back waiting for it too (it was `Disabled`, could be
    // enabled, and then refused every use: Finding 5, docs/RELIABILITY.md).
    let never = external(&ks);
    ks.schedule_key_deletion(&never, Some(7)).unwrap();
    ks.cancel_key_deletion(&never).unwrap();
    assert_eq!(state(&ks, &never), KeyState::PendingImport);
    assert_err(ks.enable_key(&never), "InvalidState");
    ks.close().unwrap();
}

#[test]
fn state_survives_reopen() {
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let m = material(77);
    import(&ks, &key, &m, EXPIRES, Some(at(T0 + 30 * DAY))).unwrap();
    let blob = ks.encrypt(&key, b"persisted", None).unwrap();
    let ks = reopen(&s, ks, &clock);
    let meta = ks.describe_key(&key).unwrap();
    assert_eq!(meta.key_state, KeyState::Enabled);
    assert_eq!(meta.expiration_model, Some(EXPIRES));
    assert_eq!(meta.valid_to, Some(at(T0 + 30 * DAY)));
    ks.decrypt(&blob, None, None).unwrap();
    ks.delete_imported_key_material(&key).unwrap();
    let ks = reopen(&s, ks, &clock);
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    assert_err(ks.decrypt(&blob, None, None), "InvalidState");
    assert_err(
        import(&ks, &key, &material(78), NEVER, None),
        "IncorrectKeyMaterial",
    );
    import(&ks, &key, &m, NEVER, None).unwrap();
    let ks = reopen(&s, ks, &clock);
    assert_eq!(
        ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"persisted"
    );
    // Deleted material leaves no copy in the file (it is rewritten at close).
    ks.delete_imported_key_material(&key).unwrap();
    ks.close().unwrap();
    assert!(!contains(&std::fs::read(&s.path).unwrap(), &m));
}

#[test]
fn debug_output_holds_no_secrets() {
    let (_s, ks, _clock) = clocked();
    let key = external(&ks);
    import(&ks, &key, &material(3), NEVER, None).unwrap();
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    let text = format!("{p:?} {ks:?} {:?}", ks.describe_key(&key).unwrap());
    let hex: String = material(3).iter().map(|b| format!("{b:02x}")).collect();
    assert!(!text.contains(&hex));
    assert!(!text.contains("PRIVATE"));
}

// ----- the openssl procedures, literally -----

/// Runs one documented shell command in `dir`; fails the test (never skips) if it fails, for
/// instance because openssl is missing.
fn sh(dir: &Path, command: &str) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    assert!(
        out.status.success(),
        "`{command}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Follows an openssl procedure for `alg` with every wrapping key size: writes the public key to
/// WrappingPublicKey.bin, runs `commands`, imports EncryptedKeyMaterial.bin, and checks that the
/// keystore holds exactly PlaintextKeyMaterial.bin (the same bytes imported again are accepted,
/// other bytes are IncorrectKeyMaterial).
fn openssl_procedure(alg: WrappingAlgorithm, commands: &[&str]) {
    let (_s, ks, _clock) = clocked();
    for spec in [
        WrappingKeySpec::Rsa2048,
        WrappingKeySpec::Rsa3072,
        WrappingKeySpec::Rsa4096,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let key = external(&ks);
        let p = ks.get_parameters_for_import(&key, alg, spec).unwrap();
        std::fs::write(dir.path().join("WrappingPublicKey.bin"), &p.public_key).unwrap();
        for c in commands {
            sh(dir.path(), c);
        }
        let encrypted = std::fs::read(dir.path().join("EncryptedKeyMaterial.bin")).unwrap();
        ks.import_key_material(&key, &p.import_token, &encrypted, NEVER, None)
            .unwrap_or_else(|e| panic!("{alg} {spec}: {e}"));
        assert_eq!(state(&ks, &key), KeyState::Enabled);
        let blob = ks.encrypt(&key, b"from openssl", None).unwrap();
        let plain = std::fs::read(dir.path().join("PlaintextKeyMaterial.bin")).unwrap();
        assert_eq!(plain.len(), 32);
        let mut other = plain.clone();
        other[0] ^= 1;
        assert_err(
            import(&ks, &key, &other, NEVER, None),
            "IncorrectKeyMaterial",
        );
        ks.delete_imported_key_material(&key).unwrap();
        import(&ks, &key, &plain, NEVER, None).unwrap();
        assert_eq!(
            ks.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
            b"from openssl"
        );
    }
}

#[test]
fn openssl_rsaes_oaep_sha_256() {
    openssl_procedure(
        WrappingAlgorithm::RsaesOaepSha256,
        &[
            "openssl rand -out PlaintextKeyMaterial.bin 32",
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
             -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin \
             -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
             -pkeyopt rsa_mgf1_md:sha256",
        ],
    );
}

#[test]
fn openssl_rsaes_oaep_sha_1() {
    openssl_procedure(
        WrappingAlgorithm::RsaesOaepSha1,
        &[
            "openssl rand -out PlaintextKeyMaterial.bin 32",
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
             -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin \
             -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1",
        ],
    );
}

#[test]
fn openssl_rsa_aes_key_wrap_sha_256() {
    openssl_procedure(
        WrappingAlgorithm::RsaAesKeyWrapSha256,
        &[
            "openssl rand -out PlaintextKeyMaterial.bin 32",
            "openssl rand -out aes-key.bin 32",
            "openssl enc -id-aes256-wrap-pad -K $(xxd -p -c 256 aes-key.bin) -iv A65959A6 \
             -in PlaintextKeyMaterial.bin -out key_material_wrapped.bin",
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
             -in aes-key.bin -out aes-key-wrapped.bin \
             -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
             -pkeyopt rsa_mgf1_md:sha256",
            "cat aes-key-wrapped.bin key_material_wrapped.bin > EncryptedKeyMaterial.bin",
        ],
    );
}

#[test]
fn openssl_rsa_aes_key_wrap_sha_1() {
    openssl_procedure(
        WrappingAlgorithm::RsaAesKeyWrapSha1,
        &[
            "openssl rand -out PlaintextKeyMaterial.bin 32",
            "openssl rand -out aes-key.bin 32",
            "openssl enc -id-aes256-wrap-pad -K $(xxd -p -c 256 aes-key.bin) -iv A65959A6 \
             -in PlaintextKeyMaterial.bin -out key_material_wrapped.bin",
            "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin \
             -in aes-key.bin -out aes-key-wrapped.bin \
             -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1",
            "cat aes-key-wrapped.bin key_material_wrapped.bin > EncryptedKeyMaterial.bin",
        ],
    );
}

#[test]
fn delete_material_of_a_disabled_key() {
    let (_s, ks, _clock) = clocked();
    let key = external(&ks);
    import(&ks, &key, &material(11), NEVER, None).unwrap();
    let blob = ks.encrypt(&key, b"disabled", None).unwrap();
    ks.disable_key(&key).unwrap();
    ks.delete_imported_key_material(&key).unwrap();
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    assert_err(ks.disable_key(&key), "InvalidState");
    // Import brings a pending-import key back Enabled, whatever it was before the deletion.
    import(&ks, &key, &material(11), NEVER, None).unwrap();
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    ks.decrypt(&blob, None, None).unwrap();
}

#[test]
fn a_wrapping_key_moved_to_another_token_is_refused() {
    use redb::ReadableTable;
    use strongroom::insecure_test_tables::WRAPPING_KEYS as T;
    let (s, ks, clock) = clocked();
    let a = external(&ks);
    let b = external(&ks);
    let pa = ks
        .get_parameters_for_import(&a, OAEP_256, RSA_2048)
        .unwrap();
    let pb = ks
        .get_parameters_for_import(&b, OAEP_256, RSA_2048)
        .unwrap();
    ks.close().unwrap();
    // Put a's sealed wrapping key in b's row: material wrapped for a's public key would then
    // unwrap, if the record were not bound to its key and token.
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(T).unwrap();
            let rows: Vec<((i64, u128, u128), Vec<u8>)> = t
                .iter()
                .unwrap()
                .map(|r| {
                    let (k, v) = r.unwrap();
                    (k.value(), v.value().to_vec())
                })
                .collect();
            assert_eq!(rows.len(), 2);
            let a_id = uuid::Uuid::parse_str(&a).unwrap().as_u128();
            let from_a = rows.iter().find(|(k, _)| k.1 == a_id).unwrap().1.clone();
            let b_row = rows.iter().find(|(k, _)| k.1 != a_id).unwrap().0;
            t.insert(b_row, from_a.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let opened = Keystore::open(&s.path, PASS, &with_clock(&clock));
    let ks = match opened {
        Ok(ks) => ks,
        Err(e) => return assert_eq!(e.name(), "Corrupt", "{e}"),
    };
    let r = ks.import_key_material(
        &b,
        &pb.import_token,
        &wrap(&pa, OAEP_256, &material(1)),
        NEVER,
        None,
    );
    assert_err(r, "Corrupt");
    assert_eq!(state(&ks, &b), KeyState::PendingImport);
    // The wrapping keys are covered by the keystore-wide commitment as one bucket (issue 17
    // item 4): once one was tampered with, no import token of this file is used, a's included.
    let r = ks.import_key_material(
        &a,
        &pa.import_token,
        &wrap(&pa, OAEP_256, &material(1)),
        NEVER,
        None,
    );
    assert_err(r, "Corrupt");
    assert_eq!(state(&ks, &a), KeyState::PendingImport);
}

/// Issue 17 item 5: the expiry of imported material comes from the sealed key record, not from
/// the due index: with the index's rows removed, expired material refuses every use.
#[test]
fn expired_material_is_refused_without_its_due_row() {
    let (s, ks, clock) = clocked();
    let k = external(&ks);
    let now = clock.now().unix_millis();
    import(&ks, &k, &material(3), EXPIRES, Some(at(now + DAY))).unwrap();
    let blob = ks.encrypt(&k, b"x", None).unwrap();
    ks.close().unwrap();
    {
        let db = redb::Database::open(&s.path).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(strongroom::insecure_test_tables::DUE)
            .unwrap()
            .retain(|_, _| false)
            .unwrap();
        tx.commit().unwrap();
    }
    let ks = Keystore::open(&s.path, PASS, &with_clock(&clock)).unwrap();
    ks.encrypt(&k, b"x", None).unwrap();
    clock.advance_days(2);
    assert_err(ks.encrypt(&k, b"x", None), "InvalidState");
    assert_err(ks.decrypt(&blob, None, None), "InvalidState");
    assert_eq!(
        ks.describe_key(&k).unwrap().key_state,
        KeyState::PendingImport
    );
    ks.close().unwrap();
}

#[test]
fn imported_material_has_one_id_for_life_and_says_nothing_of_the_material() {
    use strongroom::{ImportState, IncludeKeyMaterial, KeyMaterialState};
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let other = external(&ks);
    let none = ks.describe_key(&key).unwrap();
    assert_eq!(
        (none.current_key_material_id, none.expiration_model),
        (None, None)
    );
    let all = IncludeKeyMaterial::AllKeyMaterial;
    assert!(ks.list_key_rotations_with(&key, all).unwrap().is_empty());

    let id = import(&ks, &key, &material(7), EXPIRES, Some(at(T0 + DAY))).unwrap();
    // The same material in another key: another id (it derives from the key, not the material).
    assert_ne!(import(&ks, &other, &material(7), NEVER, None).unwrap(), id);
    let m = ks.describe_key(&key).unwrap();
    assert_eq!(m.current_key_material_id, Some(id));
    assert_eq!(m.expiration_model, Some(EXPIRES));
    assert_eq!(
        ks.decrypt(&ks.encrypt(&key, b"x", None).unwrap(), None, None)
            .unwrap()
            .key_material_id,
        id
    );
    let entries = ks.list_key_rotations_with(&key, all).unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.key_material_id, e.import_state),
        (id, Some(ImportState::Imported))
    );
    assert_eq!(e.key_material_state, KeyMaterialState::Current);
    assert_eq!(
        (e.expiration_model, e.valid_to),
        (Some(EXPIRES), Some(at(T0 + DAY)))
    );
    assert!(ks.list_key_rotations(&key).unwrap().is_empty());

    // Deleted: the response names it, the key still names the material it waits for.
    assert_eq!(ks.delete_imported_key_material(&key).unwrap(), id);
    let ks = reopen(&s, ks, &clock);
    assert_eq!(
        ks.describe_key(&key).unwrap().current_key_material_id,
        Some(id)
    );
    let entries = ks.list_key_rotations_with(&key, all).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].import_state, Some(ImportState::PendingImport));
    assert_eq!(
        (entries[0].expiration_model, entries[0].valid_to),
        (None, None)
    );
    // Imported again: the same id.
    assert_eq!(import(&ks, &key, &material(7), NEVER, None).unwrap(), id);
}

#[test]
fn import_type_and_key_material_id() {
    let (_s, ks) = common::new_store();
    let key = external(&ks);
    let m = material(7);
    let claimed = |claims: ImportClaims<'_>| {
        let p = ks.get_parameters_for_import(&key, OAEP_256, RSA_2048)?;
        ks.import_key_material_with(
            &key,
            &p.import_token,
            &wrap(&p, OAEP_256, &m),
            NEVER,
            None,
            claims,
        )
    };
    let existing = |id: Option<&'static str>| ImportClaims {
        import_type: Some(ImportType::ExistingKeyMaterial),
        key_material_id: id,
        ..Default::default()
    };
    // The first import is NEW_KEY_MATERIAL: EXISTING, or an id with NEW, is refused and the
    // key stays pending import.
    assert_err(claimed(existing(None)), "Validation");
    assert_err(
        claimed(ImportClaims {
            import_type: Some(ImportType::NewKeyMaterial),
            key_material_id: Some("00"),
            ..Default::default()
        }),
        "Validation",
    );
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    let id = claimed(ImportClaims {
        import_type: Some(ImportType::NewKeyMaterial),
        key_material_id: None,
        ..Default::default()
    })
    .unwrap();
    // After it, NEW is new material (not supported) and EXISTING the same material, by its id.
    assert_err(
        claimed(ImportClaims {
            import_type: Some(ImportType::NewKeyMaterial),
            key_material_id: None,
            ..Default::default()
        }),
        "UnsupportedOperation",
    );
    ks.delete_imported_key_material(&key).unwrap();
    let other = "ab".repeat(32);
    let p = ks
        .get_parameters_for_import(&key, OAEP_256, RSA_2048)
        .unwrap();
    assert_err(
        ks.import_key_material_with(
            &key,
            &p.import_token,
            &wrap(&p, OAEP_256, &m),
            NEVER,
            None,
            ImportClaims {
                import_type: None,
                key_material_id: Some(&other),
                ..Default::default()
            },
        ),
        "NotFound",
    );
    // Not an id (63 hex characters, or not hex): Validation, the token unused.
    for malformed in ["ab".repeat(31) + "a", "zz".repeat(32)] {
        assert_err(
            ks.import_key_material_with(
                &key,
                &p.import_token,
                &wrap(&p, OAEP_256, &m),
                NEVER,
                None,
                ImportClaims {
                    import_type: None,
                    key_material_id: Some(&malformed),
                    ..Default::default()
                },
            ),
            "Validation",
        );
    }
    // A refused claim leaves the token unused.
    let again = ks
        .import_key_material_with(
            &key,
            &p.import_token,
            &wrap(&p, OAEP_256, &m),
            NEVER,
            None,
            ImportClaims {
                import_type: Some(ImportType::ExistingKeyMaterial),
                key_material_id: Some(id.as_str()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(again, id);
    assert_eq!(state(&ks, &key), KeyState::Enabled);
    // Omitted after the first import, the type is EXISTING: the same material imports.
    ks.delete_imported_key_material(&key).unwrap();
    assert_eq!(claimed(ImportClaims::default()).unwrap(), id);
    assert_eq!(
        "EXISTING_KEY_MATERIAL".parse::<ImportType>().unwrap(),
        ImportType::ExistingKeyMaterial
    );
    assert_err("NEW".parse::<ImportType>(), "Validation");
}

#[test]
fn key_material_description_is_kept_listed_and_bounded() {
    use strongroom::{ImportState, IncludeKeyMaterial};
    let (s, ks, clock) = clocked();
    let key = external(&ks);
    let m = material(7);
    let import = |ks: &Keystore, d: Option<&str>| {
        let p = ks.get_parameters_for_import(&key, OAEP_256, RSA_2048)?;
        ks.import_key_material_with(
            &key,
            &p.import_token,
            &wrap(&p, OAEP_256, &m),
            NEVER,
            None,
            ImportClaims {
                key_material_description: d,
                ..Default::default()
            },
        )
    };
    let described = |ks: &Keystore| {
        ks.list_key_rotations_with(&key, IncludeKeyMaterial::AllKeyMaterial)
            .unwrap()[0]
            .key_material_description
            .clone()
    };
    // AWS's bounds, checked before the token is used: the key stays pending import.
    for bad in [String::new(), "semi;colon".into(), "a".repeat(257)] {
        assert_err(import(&ks, Some(&bad)), "Validation");
    }
    assert_eq!(state(&ks, &key), KeyState::PendingImport);
    import(&ks, Some(&"a".repeat(256))).unwrap();
    assert_eq!(described(&ks), Some("a".repeat(256)));
    // Kept through deletion and an import that gives none (as AWS keeps it), and across reopen
    // (key record version 3).
    import(&ks, Some("HSM export/2026-01 v1.2")).unwrap();
    ks.delete_imported_key_material(&key).unwrap();
    let pending = ks
        .list_key_rotations_with(&key, IncludeKeyMaterial::AllKeyMaterial)
        .unwrap();
    assert_eq!(pending[0].import_state, Some(ImportState::PendingImport));
    assert_eq!(
        pending[0].key_material_description.as_deref(),
        Some("HSM export/2026-01 v1.2")
    );
    import(&ks, None).unwrap();
    let ks = reopen(&s, ks, &clock);
    assert_eq!(described(&ks).as_deref(), Some("HSM export/2026-01 v1.2"));
    // A key of origin AWS_KMS lists no description.
    let own = ks.create_key(&CreateKey::default()).unwrap().key_id;
    ks.rotate_key_on_demand(&own).unwrap();
    let listed = ks
        .list_key_rotations_with(&own, IncludeKeyMaterial::AllKeyMaterial)
        .unwrap();
    assert!(listed.iter().all(|e| e.key_material_description.is_none()));
}

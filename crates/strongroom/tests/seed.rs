//! Deterministic seeding: fixed key ids, given material, idempotence, bounds.

mod common;
use common::*;
use strongroom::{KeyState, Keystore, MAX_SEED_VERSIONS, Options, SeedKey};

const ID: &str = "bc436485-5092-42b8-92a3-0aa8b93536dc";

#[test]
fn seeded_keys_are_the_same_everywhere() {
    let (m1, m2) = ([1u8; 32], [2u8; 32]);
    let material: &[&[u8]] = &[&m1, &m2];
    let seed = SeedKey {
        key_id: ID,
        description: "fixture",
        material,
        ..SeedKey::default()
    };
    let (_a, ks1) = new_store();
    let (_b, ks2) = new_store();
    let k = ks1.seed_key(&seed).unwrap().unwrap();
    assert_eq!((k.key_id.as_str(), k.description.as_str()), (ID, "fixture"));
    assert_eq!(k.key_state, KeyState::Enabled);
    ks2.seed_key(&seed).unwrap().unwrap();
    // The same material in two keystores: each decrypts what the other encrypted.
    let blob = ks1.encrypt(ID, b"shared", None).unwrap();
    assert_eq!(
        ks2.decrypt(&blob, None, None).unwrap().plaintext.as_bytes(),
        b"shared"
    );
    // The second version encrypts; the first is kept as a past rotation.
    assert_eq!(ks1.list_key_rotations(ID).unwrap().len(), 1);
}

#[test]
fn seeding_is_idempotent() {
    let (_s, ks) = new_store();
    let first = ks
        .seed_key(&SeedKey {
            key_id: ID,
            description: "one",
            ..SeedKey::default()
        })
        .unwrap()
        .unwrap();
    let again = SeedKey {
        key_id: ID,
        description: "two",
        disabled: true,
        ..SeedKey::default()
    };
    assert!(ks.seed_key(&again).unwrap().is_none());
    let now = ks.describe_key(ID).unwrap();
    assert_eq!(now, first, "an existing key is untouched");
    assert_eq!(ks.list_keys().unwrap().len(), 1);
}

#[test]
fn seed_settings() {
    let (_s, ks) = new_store();
    let k = ks
        .seed_key(&SeedKey {
            key_id: ID,
            disabled: true,
            rotation_period_days: Some(90),
            ..SeedKey::default()
        })
        .unwrap()
        .unwrap();
    assert_eq!(k.key_state, KeyState::Disabled);
    let r = ks.get_key_rotation_status(ID).unwrap();
    assert!(r.key_rotation_enabled);
    assert_eq!(r.rotation_period_in_days, Some(90));
}

#[test]
fn bad_seeds_change_nothing() {
    let (_s, ks) = new_store();
    let short = [0u8; 31];
    let long = [0u8; 33];
    let ok = [0u8; 32];
    let too_many: Vec<&[u8]> = vec![&ok; MAX_SEED_VERSIONS + 1];
    let most: Vec<&[u8]> = vec![&ok; MAX_SEED_VERSIONS];
    let bad = [
        SeedKey {
            key_id: "BC436485-5092-42B8-92A3-0AA8B93536DC",
            ..SeedKey::default()
        },
        SeedKey {
            key_id: "not-a-uuid",
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            material: &[&short],
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            material: &[&ok, &long],
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            material: &too_many,
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            rotation_period_days: Some(89),
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            rotation_period_days: Some(2561),
            ..SeedKey::default()
        },
        SeedKey {
            key_id: ID,
            description: &"d".repeat(8193),
            ..SeedKey::default()
        },
    ];
    for seed in bad {
        assert_err(ks.seed_key(&seed), "Validation");
    }
    assert!(ks.list_keys().unwrap().is_empty());
    ks.seed_key(&SeedKey {
        key_id: ID,
        material: &most,
        ..SeedKey::default()
    })
    .unwrap()
    .unwrap();
    assert_eq!(
        ks.list_key_rotations(ID).unwrap().len(),
        MAX_SEED_VERSIONS - 1
    );
}

#[test]
fn seeding_respects_the_key_quota() {
    let s = scratch();
    let ks = Keystore::create(
        &s.path,
        PASS,
        &Options {
            max_keys: 1,
            ..opts()
        },
    )
    .unwrap();
    key(&ks);
    assert_err(
        ks.seed_key(&SeedKey {
            key_id: ID,
            ..SeedKey::default()
        }),
        "LimitExceeded",
    );
}

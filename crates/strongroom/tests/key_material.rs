//! Key material ids (AWS KMS `KeyMaterialId`): one per backing-key version, 64 hex characters,
//! stable across reopening, reported by every call that uses or lists a version; and the
//! members of `KeyMetadata` that AWS has and strongroom fixes (`AWSAccountId`, `KeyManager`,
//! `MultiRegion`, `Origin`).

mod common;

use common::{PASS, scratch};
use strongroom::{
    CreateKey, IncludeKeyMaterial, KeyManager, KeyMaterialId, KeyMaterialState, Keystore, Options,
    Origin, RotationType,
};

fn is_id(id: &KeyMaterialId) -> bool {
    let s = id.as_str();
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn every_use_names_the_version_and_ids_survive_reopen() {
    let s = scratch();
    let ks = Keystore::create(&s.path, PASS, &Options::insecure_fast_for_tests()).unwrap();
    let key = ks.create_key(&CreateKey::default()).unwrap();
    let first = key.current_key_material_id.expect("a new key has material");
    assert!(is_id(&first));
    let other = ks.create_key(&CreateKey::default()).unwrap();
    assert_ne!(other.current_key_material_id, Some(first));

    let old_blob = ks.encrypt(&key.key_id, b"old", None).unwrap();
    let dk = ks.generate_data_key(&key.key_id, None, None, None).unwrap();
    assert_eq!(dk.key_material_id, first);
    ks.rotate_key_on_demand(&key.key_id).unwrap();
    let second = ks
        .describe_key(&key.key_id)
        .unwrap()
        .current_key_material_id
        .unwrap();
    assert!(is_id(&second) && second != first);
    let dk2 = ks
        .generate_data_key_without_plaintext(&key.key_id, None, Some(16), None)
        .unwrap();
    assert_eq!(dk2.key_material_id, second);
    // A blob names the version that made it, not the current one.
    let d = ks.decrypt(&old_blob, None, None).unwrap();
    assert_eq!(
        (d.key_material_id, d.key_id.as_str()),
        (first, key.arn.as_str())
    );
    let new_blob = ks.encrypt(&key.key_id, b"new", None).unwrap();
    assert_eq!(
        ks.decrypt(&new_blob, None, None).unwrap().key_material_id,
        second
    );
    let r = ks
        .re_encrypt(&old_blob, &other.key_id, None, None, None)
        .unwrap();
    assert_eq!(r.source_key_material_id, first);
    assert_eq!(
        Some(r.destination_key_material_id),
        other.current_key_material_id
    );

    // Rotations only (AWS's default) leaves the first material out; all of it lists both.
    let rotations = ks.list_key_rotations(&key.key_id).unwrap();
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0].key_material_id, second);
    assert_eq!(rotations[0].rotation_type, RotationType::OnDemand);
    assert_eq!(rotations[0].key_material_state, KeyMaterialState::Current);
    assert_eq!(rotations[0].import_state, None);
    let all = ks
        .list_key_rotations_with(&key.key_id, IncludeKeyMaterial::AllKeyMaterial)
        .unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|e| (e.key_material_id, e.key_material_state, e.rotation_type))
        .collect();
    assert_eq!(
        seen,
        [
            (first, KeyMaterialState::NonCurrent, RotationType::Initial),
            (second, KeyMaterialState::Current, RotationType::OnDemand),
        ]
    );
    assert!(
        all.iter()
            .all(|e| e.expiration_model.is_none() && e.valid_to.is_none())
    );

    ks.close().unwrap();
    let ks = Keystore::open(&s.path, PASS, &Options::insecure_fast_for_tests()).unwrap();
    assert_eq!(
        ks.decrypt(&old_blob, None, None).unwrap().key_material_id,
        first
    );
    assert_eq!(
        ks.describe_key(&key.key_id)
            .unwrap()
            .current_key_material_id,
        Some(second)
    );
}

#[test]
fn metadata_has_the_aws_members_strongroom_fixes() {
    let s = scratch();
    let opts = Options {
        aws_account_id: "444455556666".into(),
        ..Options::insecure_fast_for_tests()
    };
    let ks = Keystore::create(&s.path, PASS, &opts).unwrap();
    let m = ks.create_key(&CreateKey::default()).unwrap();
    assert_eq!(m.aws_account_id, "444455556666");
    assert_eq!(m.key_manager, KeyManager::Customer);
    assert_eq!(m.key_manager.as_str(), "CUSTOMER");
    assert!(!m.multi_region);
    assert_eq!(m.origin, Origin::AwsKms);
    assert_eq!(m.origin.as_str(), "AWS_KMS");
    assert_eq!(m.expiration_model, None);
    // The earlier name is still accepted on input, as the same origin.
    assert_eq!("STRONGROOM".parse::<Origin>().unwrap(), Origin::AwsKms);
    assert_eq!("AWS_KMS".parse::<Origin>().unwrap(), Origin::AwsKms);
    let e = "aws_kms".parse::<Origin>().unwrap_err();
    assert_eq!(e.name(), "Validation");
    assert!(e.to_string().contains("AWS_KMS"));
    assert_eq!(ks.list_keys().unwrap()[0], m);
}

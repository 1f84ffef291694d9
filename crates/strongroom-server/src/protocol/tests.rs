//! Every served operation through [`handle`], on a scratch keystore.

use super::*;
use serde_json::json;
use strongroom::Options;

struct Fixture {
    _dir: tempfile::TempDir,
    ks: Keystore,
}

/// The region and account the fixture's keystore presents in its ARNs.
const REGION: &str = "eu-west-2";
const ACCOUNT: &str = "444455556666";

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        aws_region: REGION.into(),
        aws_account_id: ACCOUNT.into(),
        ..Options::insecure_fast_for_tests()
    };
    let ks = Keystore::create(dir.path().join("ks"), b"pw", &opts).unwrap();
    Fixture { _dir: dir, ks }
}

/// The account root, the caller of an unauthenticated server.
fn root(ks: &Keystore) -> Principal {
    Principal::account_root(ks.aws_account_id())
}

/// The AWS-form ARN of key `id`, as the wire carries it.
fn arn_of(ks: &Keystore, id: &str) -> String {
    let arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}");
    assert_eq!(ks.aws_arn(&ks.key_arn_of(id).unwrap()), arn);
    arn
}

/// Whether `v` is a key material id: 64 lowercase hex characters.
fn is_material_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Calls `op` with `body`; returns (status, parsed body).
fn call(ks: &Keystore, op: &str, body: Value) -> (u16, Value) {
    let op = match operation(Some(&format!("{TARGET_PREFIX}{op}"))) {
        Ok(op) => op,
        Err(e) => return (e.status, serde_json::from_slice(&e.body()).unwrap()),
    };
    let reply = handle(ks, &root(ks), op, body.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&reply.body).unwrap();
    if reply.status != 200 {
        assert_eq!(reply.error_type, v["__type"].as_str());
    }
    (reply.status, v)
}

fn ok(ks: &Keystore, op: &str, body: Value) -> Value {
    let (status, v) = call(ks, op, body);
    assert_eq!(status, 200, "{op}: {v}");
    v
}

fn err(ks: &Keystore, op: &str, body: Value) -> String {
    let (status, v) = call(ks, op, body);
    assert_ne!(status, 200, "{op} succeeded: {v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    v["__type"].as_str().unwrap().to_string()
}

fn new_key(ks: &Keystore) -> String {
    ok(ks, "CreateKey", json!({}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn targets() {
    assert_eq!(
        operation(None).unwrap_err().code,
        "UnknownOperationException"
    );
    assert_eq!(
        operation(Some("Encrypt")).unwrap_err().code,
        "UnknownOperationException"
    );
    let e = operation(Some("TrentService.ReplicateKey")).unwrap_err();
    assert_eq!(e.code, "UnsupportedOperationException");
    assert!(e.message.contains("ReplicateKey"));
    assert_eq!(
        operation(Some("TrentService.Nope")).unwrap_err().code,
        "UnknownOperationException"
    );
    for op in served_operations() {
        assert!(model::OPERATIONS.contains(&op), "{op}");
        assert!(model::request_members(op).is_some(), "{op}");
    }
}

#[test]
fn keys_and_metadata() {
    let f = fixture();
    let m = ok(
        &f.ks,
        "CreateKey",
        json!({"Description": "d", "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "Tags": [], "MultiRegion": false}),
    );
    let meta = &m["KeyMetadata"];
    assert_eq!(meta["Description"], "d");
    assert_eq!(meta["Origin"], "AWS_KMS");
    assert_eq!(meta["KeyState"], "Enabled");
    assert_eq!(meta["KeyManager"], "CUSTOMER");
    assert!(meta["CreationDate"].is_number());
    let id = meta["KeyId"].as_str().unwrap();
    assert_eq!(meta["Arn"], arn_of(&f.ks, id));
    assert_eq!(meta["AWSAccountId"], ACCOUNT);
    assert_eq!(meta["MultiRegion"], false);
    assert!(is_material_id(&meta["CurrentKeyMaterialId"]), "{meta}");
    // AWS shows these only for imported material and multi-Region keys.
    assert!(meta.get("ExpirationModel").is_none() && meta.get("ValidTo").is_none());
    assert!(meta.get("PendingDeletionWindowInDays").is_none());
    // The earlier name of the origin is accepted, and answered with AWS's.
    let old = ok(&f.ks, "CreateKey", json!({"Origin": "STRONGROOM"}));
    assert_eq!(old["KeyMetadata"]["Origin"], "AWS_KMS");
    // Both ARN forms name the key.
    let local = f.ks.key_arn_of(id).unwrap();
    for r in [local.as_str(), meta["Arn"].as_str().unwrap()] {
        assert_eq!(
            ok(&f.ks, "DescribeKey", json!({"KeyId": r}))["KeyMetadata"]["KeyId"],
            id
        );
    }
    let wrong_account = format!("arn:aws:kms:{REGION}:111122223333:key/{id}");
    assert_eq!(
        err(&f.ks, "DescribeKey", json!({"KeyId": wrong_account})),
        "InvalidArnException"
    );
    assert_eq!(
        ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"],
        *meta
    );
    ok(&f.ks, "DisableKey", json!({"KeyId": id}));
    assert_eq!(
        ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"]["Enabled"],
        false
    );
    ok(&f.ks, "EnableKey", json!({"KeyId": id}));
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"KeySpec": "SM2"})),
        "UnsupportedOperationException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"KeySpec": "NOPE"})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"Policy": "{}"})),
        "MalformedPolicyDocumentException"
    );
    assert_eq!(
        err(
            &f.ks,
            "CreateKey",
            json!({"Tags": [{"TagKey": "aws:a", "TagValue": "b"}]})
        ),
        "TagException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"Origin": "AWS_CLOUDHSM"})),
        "UnsupportedOperationException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"XksKeyId": "x"})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "DescribeKey", json!({"KeyId": "alias/none"})),
        "NotFoundException"
    );
    assert_eq!(err(&f.ks, "DescribeKey", json!({})), "ValidationException");
    assert_eq!(
        err(&f.ks, "DescribeKey", json!({"KeyId": 1})),
        "SerializationException"
    );
    // Refused members change nothing: no key was created by the refused calls.
    let keys = ok(&f.ks, "ListKeys", json!({}));
    assert_eq!(keys["Keys"].as_array().unwrap().len(), 2);
    for k in keys["Keys"].as_array().unwrap() {
        assert_eq!(k["KeyArn"], arn_of(&f.ks, k["KeyId"].as_str().unwrap()));
    }
    assert_eq!(keys["Truncated"], false);
}

#[test]
fn list_keys_pages() {
    let f = fixture();
    let mut ids: Vec<String> = (0..5).map(|_| new_key(&f.ks)).collect();
    ids.sort();
    let mut seen = Vec::new();
    let mut body = json!({"Limit": 2});
    for _ in 0..10 {
        let v = ok(&f.ks, "ListKeys", body.clone());
        for k in v["Keys"].as_array().unwrap() {
            assert!(
                k["KeyArn"]
                    .as_str()
                    .unwrap()
                    .ends_with(k["KeyId"].as_str().unwrap())
            );
            seen.push(k["KeyId"].as_str().unwrap().to_string());
        }
        if v["Truncated"] == false {
            break;
        }
        body = json!({"Limit": 2, "Marker": v["NextMarker"]});
    }
    assert_eq!(seen, ids);
    assert_eq!(
        err(&f.ks, "ListKeys", json!({"Limit": 1001})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "ListKeys", json!({"Marker": "%%%"})),
        "InvalidMarkerException"
    );
}

#[test]
fn crypto_round_trips_name_the_key_arn() {
    let f = fixture();
    let id = new_key(&f.ks);
    let other = new_key(&f.ks);
    let arn = arn_of(&f.ks, &id);
    let material = f.ks.describe_key(&id).unwrap().current_key_material_id;
    let material = json!(material.unwrap().as_str());
    let other_material = f.ks.describe_key(&other).unwrap().current_key_material_id;
    let other_material = json!(other_material.unwrap().as_str());
    let ctx = json!({"purpose": "test"});
    let e = ok(
        &f.ks,
        "Encrypt",
        json!({"KeyId": id, "Plaintext": "aGVsbG8=", "EncryptionContext": ctx, "GrantTokens": [], "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "DryRun": false}),
    );
    assert_eq!(e["KeyId"], arn);
    assert_eq!(e["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    let blob = e["CiphertextBlob"].clone();
    let d = ok(
        &f.ks,
        "Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": ctx}),
    );
    assert_eq!(d["Plaintext"], "aGVsbG8=");
    assert_eq!(d["KeyId"], arn);
    assert_eq!(d["KeyMaterialId"], material);
    assert_eq!(
        err(&f.ks, "Decrypt", json!({"CiphertextBlob": blob})),
        "InvalidCiphertextException"
    );
    assert_eq!(
        err(
            &f.ks,
            "Decrypt",
            json!({"CiphertextBlob": blob, "EncryptionContext": ctx, "KeyId": other})
        ),
        "IncorrectKeyException"
    );
    assert_eq!(
        err(
            &f.ks,
            "Decrypt",
            json!({"CiphertextBlob": blob, "Recipient": {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": "AA=="}})
        ),
        "ValidationException"
    );
    let r = ok(
        &f.ks,
        "ReEncrypt",
        json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": other}),
    );
    assert_eq!(r["SourceKeyId"], arn);
    assert_eq!(r["KeyId"], arn_of(&f.ks, &other));
    assert_eq!(r["SourceKeyMaterialId"], material);
    assert_eq!(r["DestinationKeyMaterialId"], other_material);
    let d = ok(
        &f.ks,
        "Decrypt",
        json!({"CiphertextBlob": r["CiphertextBlob"]}),
    );
    assert_eq!(d["Plaintext"], "aGVsbG8=");
    let dk = ok(
        &f.ks,
        "GenerateDataKey",
        json!({"KeyId": id, "KeySpec": "AES_256"}),
    );
    assert_eq!(dk["KeyId"], arn);
    assert_eq!(dk["KeyMaterialId"], material);
    let d = ok(
        &f.ks,
        "Decrypt",
        json!({"CiphertextBlob": dk["CiphertextBlob"]}),
    );
    assert_eq!(d["Plaintext"], dk["Plaintext"]);
    let dk = ok(
        &f.ks,
        "GenerateDataKeyWithoutPlaintext",
        json!({"KeyId": id, "NumberOfBytes": 16}),
    );
    assert!(dk.get("Plaintext").is_none());
    assert_eq!(
        (&dk["KeyId"], &dk["KeyMaterialId"]),
        (&json!(arn), &material)
    );
    assert_eq!(
        err(
            &f.ks,
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256", "NumberOfBytes": 8})
        ),
        "ValidationException"
    );
    let r = ok(&f.ks, "GenerateRandom", json!({"NumberOfBytes": 12}));
    assert_eq!(r["Plaintext"].as_str().unwrap().len(), 16);
    assert_eq!(
        err(&f.ks, "GenerateRandom", json!({"NumberOfBytes": 0})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "GenerateRandom", json!({"NumberOfBytes": -1})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "Encrypt", json!({"KeyId": id, "Plaintext": ""})),
        "ValidationException"
    );
    assert_eq!(
        err(
            &f.ks,
            "Encrypt",
            json!({"KeyId": id, "Plaintext": "not base64!"})
        ),
        "SerializationException"
    );
    assert_eq!(
        err(
            &f.ks,
            "Encrypt",
            json!({"KeyId": id, "Plaintext": "aA==", "EncryptionContext": {"a": 1}})
        ),
        "SerializationException"
    );
    assert_eq!(
        err(
            &f.ks,
            "Encrypt",
            json!({"KeyId": id, "Plaintext": "aA==", "DryRun": true})
        ),
        "DryRunOperationException"
    );
    ok(&f.ks, "DisableKey", json!({"KeyId": id}));
    assert_eq!(
        err(&f.ks, "Encrypt", json!({"KeyId": id, "Plaintext": "aA=="})),
        "DisabledException"
    );
    ok(
        &f.ks,
        "ScheduleKeyDeletion",
        json!({"KeyId": other, "PendingWindowInDays": 7}),
    );
    assert_eq!(
        err(
            &f.ks,
            "Encrypt",
            json!({"KeyId": other, "Plaintext": "aA=="})
        ),
        "KMSInvalidStateException"
    );
}

#[test]
fn aliases() {
    let f = fixture();
    let a = new_key(&f.ks);
    let b = new_key(&f.ks);
    ok(
        &f.ks,
        "CreateAlias",
        json!({"AliasName": "alias/app", "TargetKeyId": a}),
    );
    assert_eq!(
        err(
            &f.ks,
            "CreateAlias",
            json!({"AliasName": "alias/app", "TargetKeyId": a})
        ),
        "AlreadyExistsException"
    );
    ok(
        &f.ks,
        "CreateAlias",
        json!({"AliasName": "alias/app2", "TargetKeyId": a}),
    );
    ok(
        &f.ks,
        "UpdateAlias",
        json!({"AliasName": "alias/app", "TargetKeyId": b}),
    );
    let l = ok(&f.ks, "ListAliases", json!({"KeyId": b}));
    assert_eq!(l["Aliases"][0]["AliasName"], "alias/app");
    assert_eq!(
        l["Aliases"][0]["AliasArn"],
        format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/app")
    );
    // The alias ARN the wire shows names the key.
    let by_alias_arn = json!({"KeyId": l["Aliases"][0]["AliasArn"]});
    assert_eq!(
        ok(&f.ks, "DescribeKey", by_alias_arn)["KeyMetadata"]["KeyId"],
        b
    );
    assert_eq!(l["Aliases"][0]["TargetKeyId"], b);
    assert!(l["Aliases"][0]["CreationDate"].is_number());
    let l = ok(&f.ks, "ListAliases", json!({"Limit": 1}));
    assert_eq!(l["Truncated"], true);
    let l = ok(
        &f.ks,
        "ListAliases",
        json!({"Limit": 1, "Marker": l["NextMarker"]}),
    );
    assert_eq!(l["Aliases"][0]["AliasName"], "alias/app2");
    assert_eq!(l["Truncated"], false);
    ok(&f.ks, "DeleteAlias", json!({"AliasName": "alias/app"}));
    assert_eq!(
        err(&f.ks, "DeleteAlias", json!({"AliasName": "alias/app"})),
        "NotFoundException"
    );
    assert_eq!(
        err(&f.ks, "ListAliases", json!({"Limit": 101})),
        "ValidationException"
    );
}

#[test]
fn rotation_and_deletion() {
    let f = fixture();
    let id = new_key(&f.ks);
    ok(
        &f.ks,
        "EnableKeyRotation",
        json!({"KeyId": id, "RotationPeriodInDays": 90}),
    );
    let s = ok(&f.ks, "GetKeyRotationStatus", json!({"KeyId": id}));
    assert_eq!(s["KeyRotationEnabled"], true);
    assert_eq!(s["RotationPeriodInDays"], 90);
    assert!(s["NextRotationDate"].is_number());
    assert_eq!(
        err(
            &f.ks,
            "EnableKeyRotation",
            json!({"KeyId": id, "RotationPeriodInDays": 10})
        ),
        "ValidationException"
    );
    ok(&f.ks, "DisableKeyRotation", json!({"KeyId": id}));
    assert_eq!(
        ok(&f.ks, "GetKeyRotationStatus", json!({"KeyId": id}))["KeyRotationEnabled"],
        false
    );
    assert_eq!(
        ok(&f.ks, "RotateKeyOnDemand", json!({"KeyId": id}))["KeyId"],
        id
    );
    ok(&f.ks, "RotateKeyOnDemand", json!({"KeyId": id}));
    let r = ok(&f.ks, "ListKeyRotations", json!({"KeyId": id, "Limit": 1}));
    assert_eq!(r["Rotations"][0]["RotationType"], "ON_DEMAND");
    assert_eq!(r["Truncated"], true);
    let first = &r["Rotations"][0];
    assert!(is_material_id(&first["KeyMaterialId"]));
    assert_eq!(first["KeyMaterialState"], "NON_CURRENT");
    assert!(first["RotationDate"].is_number());
    assert!(first.get("ImportState").is_none() && first.get("ExpirationModel").is_none());
    let r = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "Marker": r["NextMarker"], "IncludeKeyMaterial": "ROTATIONS_ONLY"}),
    );
    assert_eq!(r["Rotations"].as_array().unwrap().len(), 1);
    assert_eq!(r["Truncated"], false);
    let current = &r["Rotations"][0];
    assert_eq!(current["KeyMaterialState"], "CURRENT");
    let meta = ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"].clone();
    assert_eq!(current["KeyMaterialId"], meta["CurrentKeyMaterialId"]);
    // All key material: the first one too, without a rotation date or type.
    let all = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}),
    );
    let all = all["Rotations"].as_array().unwrap();
    assert_eq!(all.len(), 3);
    assert!(all[0].get("RotationDate").is_none() && all[0].get("RotationType").is_none());
    assert_eq!(all[0]["KeyMaterialState"], "NON_CURRENT");
    assert_eq!(all[1]["KeyMaterialId"], first["KeyMaterialId"]);
    assert_eq!(all[2]["KeyMaterialId"], current["KeyMaterialId"]);
    assert_ne!(all[0]["KeyMaterialId"], all[1]["KeyMaterialId"]);
    assert_eq!(
        err(
            &f.ks,
            "ListKeyRotations",
            json!({"KeyId": id, "IncludeKeyMaterial": "all_key_material"})
        ),
        "ValidationException"
    );
    let d = ok(
        &f.ks,
        "ScheduleKeyDeletion",
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    assert_eq!(d["KeyState"], "PendingDeletion");
    assert_eq!(d["PendingWindowInDays"], 7);
    assert_eq!(d["KeyId"], arn_of(&f.ks, &id));
    assert!(d["DeletionDate"].is_number());
    assert_eq!(
        err(&f.ks, "ScheduleKeyDeletion", json!({"KeyId": id})),
        "KMSInvalidStateException"
    );
    assert_eq!(
        ok(&f.ks, "CancelKeyDeletion", json!({"KeyId": id}))["KeyId"],
        arn_of(&f.ks, &id)
    );
    assert_eq!(
        ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"]["KeyState"],
        "Disabled"
    );
    assert_eq!(
        err(
            &f.ks,
            "ScheduleKeyDeletion",
            json!({"KeyId": id, "PendingWindowInDays": 3})
        ),
        "ValidationException"
    );
}

#[test]
fn import_parameters_and_refusals() {
    let f = fixture();
    let m = ok(&f.ks, "CreateKey", json!({"Origin": "EXTERNAL"}));
    assert_eq!(m["KeyMetadata"]["KeyState"], "PendingImport");
    assert_eq!(m["KeyMetadata"]["Origin"], "EXTERNAL");
    let id = m["KeyMetadata"]["KeyId"].as_str().unwrap();
    let p = ok(
        &f.ks,
        "GetParametersForImport",
        json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
    );
    assert!(p["ImportToken"].is_string() && p["PublicKey"].is_string());
    assert!(p["ParametersValidTo"].is_number());
    assert_eq!(p["KeyId"], arn_of(&f.ks, id));
    assert!(m["KeyMetadata"].get("CurrentKeyMaterialId").is_none());
    assert!(m["KeyMetadata"].get("ExpirationModel").is_none());
    assert_eq!(
        err(
            &f.ks,
            "ImportKeyMaterial",
            json!({"KeyId": id, "ImportToken": "AAAA", "EncryptedKeyMaterial": "AAAA", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
        ),
        "InvalidImportTokenException"
    );
    assert_eq!(
        err(
            &f.ks,
            "ImportKeyMaterial",
            json!({"KeyId": id, "ImportToken": p["ImportToken"], "EncryptedKeyMaterial": "AAAA", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ImportType": "EXISTING_KEY_MATERIAL"})
        ),
        "ValidationException"
    );
    assert_eq!(
        err(
            &f.ks,
            "DeleteImportedKeyMaterial",
            json!({"KeyId": id, "KeyMaterialId": "x"})
        ),
        "ValidationException"
    );
    assert_eq!(
        err(
            &f.ks,
            "GetParametersForImport",
            json!({"KeyId": id, "WrappingAlgorithm": "NOPE", "WrappingKeySpec": "RSA_2048"})
        ),
        "ValidationException"
    );
    let internal = new_key(&f.ks);
    assert_eq!(
        err(
            &f.ks,
            "GetParametersForImport",
            json!({"KeyId": internal, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"})
        ),
        "UnsupportedOperationException"
    );
}

#[test]
fn hostile_bodies_get_aws_errors() {
    let f = fixture();
    for body in [
        &b"{"[..],
        b"[]",
        b"\"x\"",
        b"\xff\xfe",
        b"{\"KeyId\": {\"a\": []}}",
        b"null",
    ] {
        let reply = handle(&f.ks, &root(&f.ks), "DescribeKey", body);
        assert_eq!(reply.status, 400);
        assert!(
            matches!(reply.error_type, Some("SerializationException")),
            "{body:?}"
        );
    }
    let reply = handle(&f.ks, &root(&f.ks), "ListKeys", b"");
    assert_eq!(reply.status, 200);
}

#[test]
fn asymmetric_and_hmac_operations() {
    let f = fixture();
    let ks = &f.ks;
    let created = ok(
        ks,
        "CreateKey",
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    );
    let m = &created["KeyMetadata"];
    assert_eq!(m["KeySpec"], "ECC_NIST_P256");
    assert_eq!(m["CustomerMasterKeySpec"], "ECC_NIST_P256");
    assert_eq!(m["SigningAlgorithms"], json!(["ECDSA_SHA_256"]));
    assert!(m.get("EncryptionAlgorithms").is_none());
    // AWS shows CurrentKeyMaterialId for symmetric keys only; the rest of main's members stay.
    assert!(m.get("CurrentKeyMaterialId").is_none(), "{m}");
    assert_eq!(m["KeyManager"], "CUSTOMER");
    assert_eq!(m["MultiRegion"], false);
    let id = m["KeyId"].as_str().unwrap();
    assert_eq!(m["Arn"], arn_of(ks, id));
    let pk = ok(ks, "GetPublicKey", json!({"KeyId": id}));
    assert_eq!(pk["KeyUsage"], "SIGN_VERIFY");
    assert!(pk["PublicKey"].as_str().unwrap().len() > 60);
    let msg = "aGVsbG8="; // "hello"
    let s = ok(
        ks,
        "Sign",
        json!({"KeyId": id, "Message": msg, "MessageType": "RAW", "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    assert_eq!(s["SigningAlgorithm"], "ECDSA_SHA_256");
    assert_eq!(s["KeyId"], arn_of(ks, id));
    let v = ok(
        ks,
        "Verify",
        json!({"KeyId": id, "Message": msg, "Signature": s["Signature"], "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    assert_eq!(v["SignatureValid"], true);
    let u = ok(ks, "GetKeyLastUsage", json!({"KeyId": id}));
    assert_eq!(u["KeyLastUsage"]["Operation"], "Verify");
    assert_eq!(
        err(
            ks,
            "Verify",
            json!({"KeyId": id, "Message": "aGVsbG9v", "Signature": s["Signature"], "SigningAlgorithm": "ECDSA_SHA_256"})
        ),
        "KMSInvalidSignatureException"
    );
    assert_eq!(
        err(
            ks,
            "Sign",
            json!({"KeyId": id, "Message": msg, "SigningAlgorithm": "ECDSA_SHA_384"})
        ),
        "InvalidKeyUsageException"
    );
    assert_eq!(
        err(ks, "EnableKeyRotation", json!({"KeyId": id})),
        "UnsupportedOperationException"
    );

    let h = ok(
        ks,
        "CreateKey",
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    assert_eq!(h["KeyMetadata"]["MacAlgorithms"], json!(["HMAC_SHA_256"]));
    let hid = h["KeyMetadata"]["KeyId"].as_str().unwrap();
    let mac = ok(
        ks,
        "GenerateMac",
        json!({"KeyId": hid, "Message": msg, "MacAlgorithm": "HMAC_SHA_256"}),
    );
    let v = ok(
        ks,
        "VerifyMac",
        json!({"KeyId": hid, "Message": msg, "MacAlgorithm": "HMAC_SHA_256", "Mac": mac["Mac"]}),
    );
    assert_eq!(v["MacValid"], true);
    assert_eq!(
        err(
            ks,
            "VerifyMac",
            json!({"KeyId": hid, "Message": "aGVsbG9v", "MacAlgorithm": "HMAC_SHA_256", "Mac": mac["Mac"]})
        ),
        "KMSInvalidMacException"
    );

    let rsa = ok(
        ks,
        "CreateKey",
        json!({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"}),
    );
    let rid = rsa["KeyMetadata"]["KeyId"].as_str().unwrap();
    assert_eq!(
        rsa["KeyMetadata"]["EncryptionAlgorithms"],
        json!(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
    );
    let ct = ok(
        ks,
        "Encrypt",
        json!({"KeyId": rid, "Plaintext": msg, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    let pt = ok(
        ks,
        "Decrypt",
        json!({"KeyId": rid, "CiphertextBlob": ct["CiphertextBlob"], "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(pt["Plaintext"], msg);
    assert_eq!(pt["KeyId"], arn_of(ks, rid));
    assert!(pt.get("KeyMaterialId").is_none(), "{pt}");
    assert_eq!(
        err(ks, "Encrypt", json!({"KeyId": rid, "Plaintext": msg})),
        "InvalidKeyUsageException"
    );

    let sym = new_key(ks);
    let pair = ok(
        ks,
        "GenerateDataKeyPair",
        json!({"KeyId": sym, "KeyPairSpec": "ECC_NIST_P256"}),
    );
    let opened = ok(
        ks,
        "Decrypt",
        json!({"CiphertextBlob": pair["PrivateKeyCiphertextBlob"]}),
    );
    assert_eq!(opened["Plaintext"], pair["PrivateKeyPlaintext"]);
    assert!(is_material_id(&pair["KeyMaterialId"]), "{pair}");
    assert_eq!(opened["KeyMaterialId"], pair["KeyMaterialId"]);
    let bare = ok(
        ks,
        "GenerateDataKeyPairWithoutPlaintext",
        json!({"KeyId": sym, "KeyPairSpec": "RSA_2048"}),
    );
    assert!(bare.get("PrivateKeyPlaintext").is_none());
    assert_eq!(bare["KeyMaterialId"], pair["KeyMaterialId"]);

    let a = ok(
        ks,
        "CreateKey",
        json!({"KeySpec": "ECC_NIST_P384", "KeyUsage": "KEY_AGREEMENT"}),
    );
    let aid = a["KeyMetadata"]["KeyId"].as_str().unwrap();
    assert_eq!(a["KeyMetadata"]["KeyAgreementAlgorithms"], json!(["ECDH"]));
    let apk = ok(ks, "GetPublicKey", json!({"KeyId": aid}))["PublicKey"].clone();
    let s = ok(
        ks,
        "DeriveSharedSecret",
        json!({"KeyId": aid, "KeyAgreementAlgorithm": "ECDH", "PublicKey": apk}),
    );
    assert_eq!(s["KeyOrigin"], "AWS_KMS");
    assert_eq!(s["KeyAgreementAlgorithm"], "ECDH");
}

#[test]
fn re_encrypt_to_and_from_rsa_keys() {
    let f = fixture();
    let ks = &f.ks;
    let sym = new_key(ks);
    let rsa = ok(
        ks,
        "CreateKey",
        json!({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"}),
    )["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let ctx = json!({"app": "demo"});
    let blob = ok(
        ks,
        "Encrypt",
        json!({"KeyId": sym, "Plaintext": "aGVsbG8=", "EncryptionContext": ctx}),
    )["CiphertextBlob"]
        .clone();
    // Symmetric -> RSA: no DestinationKeyMaterialId (AWS gives it for symmetric keys only).
    let r = ok(
        ks,
        "ReEncrypt",
        json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": rsa,
               "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(r["SourceKeyId"], arn_of(ks, &sym));
    assert_eq!(r["KeyId"], arn_of(ks, &rsa));
    assert_eq!(r["SourceEncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(r["DestinationEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert!(is_material_id(&r["SourceKeyMaterialId"]), "{r}");
    assert!(r.get("DestinationKeyMaterialId").is_none(), "{r}");
    let raw = r["CiphertextBlob"].clone();
    let d = ok(
        ks,
        "Decrypt",
        json!({"CiphertextBlob": raw, "KeyId": rsa, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(d["Plaintext"], "aGVsbG8=");
    // RSA -> symmetric: SourceKeyId names the key; no SourceKeyMaterialId.
    let r = ok(
        ks,
        "ReEncrypt",
        json!({"CiphertextBlob": raw, "SourceKeyId": rsa, "DestinationKeyId": sym,
               "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256",
               "DestinationEncryptionContext": {"moved": "yes"}}),
    );
    assert_eq!(r["SourceKeyId"], arn_of(ks, &rsa));
    assert_eq!(r["KeyId"], arn_of(ks, &sym));
    assert_eq!(r["SourceEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    assert_eq!(r["DestinationEncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert!(r.get("SourceKeyMaterialId").is_none(), "{r}");
    assert!(is_material_id(&r["DestinationKeyMaterialId"]), "{r}");
    let d = ok(
        ks,
        "Decrypt",
        json!({"CiphertextBlob": r["CiphertextBlob"], "EncryptionContext": {"moved": "yes"}}),
    );
    assert_eq!(d["Plaintext"], "aGVsbG8=");
    // AWS's errors for each rule.
    for (body, code) in [
        // Raw OAEP names no key.
        (
            json!({"CiphertextBlob": raw, "DestinationKeyId": sym,
                   "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
            "ValidationException",
        ),
        // No context with an asymmetric destination (or source).
        (
            json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": rsa,
                   "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1",
                   "DestinationEncryptionContext": {"a": "b"}}),
            "ValidationException",
        ),
        (
            json!({"CiphertextBlob": raw, "SourceKeyId": rsa, "DestinationKeyId": sym,
                   "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "SourceEncryptionContext": ctx}),
            "ValidationException",
        ),
        // The algorithm the key does not allow, on either side.
        (
            json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": rsa}),
            "InvalidKeyUsageException",
        ),
        (
            json!({"CiphertextBlob": blob, "SourceEncryptionContext": ctx, "DestinationKeyId": sym,
                   "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
            "InvalidKeyUsageException",
        ),
        // The wrong hash, or raw OAEP read as a blob.
        (
            json!({"CiphertextBlob": raw, "SourceKeyId": rsa, "DestinationKeyId": sym,
                   "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
            "InvalidCiphertextException",
        ),
        (
            json!({"CiphertextBlob": raw, "SourceKeyId": rsa, "DestinationKeyId": sym}),
            "InvalidCiphertextException",
        ),
        // Not an algorithm at all.
        (
            json!({"CiphertextBlob": raw, "SourceKeyId": rsa, "DestinationKeyId": sym,
                   "SourceEncryptionAlgorithm": "RSAES_PKCS1"}),
            "ValidationException",
        ),
    ] {
        assert_eq!(err(ks, "ReEncrypt", body.clone()), code, "{body}");
    }
    // Over the destination's OAEP limit: 191 bytes for RSA_2048 with SHA-256.
    let big = ok(
        ks,
        "Encrypt",
        json!({"KeyId": sym, "Plaintext": super::shapes::blob(&[1; 191])}),
    )["CiphertextBlob"]
        .clone();
    assert_eq!(
        err(
            ks,
            "ReEncrypt",
            json!({"CiphertextBlob": big, "DestinationKeyId": rsa,
                   "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_256"})
        ),
        "ValidationException"
    );
    ok(
        ks,
        "ReEncrypt",
        json!({"CiphertextBlob": big, "DestinationKeyId": rsa,
               "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
    );
}

#[test]
fn description_tags_and_last_usage() {
    let f = fixture();
    let ks = &f.ks;
    let k = ok(
        ks,
        "CreateKey",
        json!({"Tags": [{"TagKey": "Team", "TagValue": "blue"}]}),
    )["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ok(
            ks,
            "UpdateKeyDescription",
            json!({"KeyId": k, "Description": "d"})
        ),
        json!({})
    );
    assert_eq!(
        ok(ks, "DescribeKey", json!({"KeyId": k}))["KeyMetadata"]["Description"],
        "d"
    );
    assert_eq!(
        err(ks, "UpdateKeyDescription", json!({"KeyId": k})),
        "ValidationException"
    );
    ok(
        ks,
        "TagResource",
        json!({"KeyId": k, "Tags": [{"TagKey": "Team", "TagValue": "red"}, {"TagKey": "a", "TagValue": ""}]}),
    );
    let v = ok(ks, "ListResourceTags", json!({"KeyId": k, "Limit": 1}));
    assert_eq!(v["Tags"], json!([{"TagKey": "Team", "TagValue": "red"}]));
    assert_eq!(v["Truncated"], json!(true));
    let v = ok(
        ks,
        "ListResourceTags",
        json!({"KeyId": k, "Marker": v["NextMarker"]}),
    );
    assert_eq!(v["Tags"], json!([{"TagKey": "a", "TagValue": ""}]));
    assert_eq!(v["Truncated"], json!(false));
    assert!(v.get("NextMarker").is_none());
    for (body, code) in [
        (
            json!({"KeyId": k, "Tags": [{"TagKey": "aws:x", "TagValue": ""}]}),
            "TagException",
        ),
        (
            json!({"KeyId": k, "Tags": [{"TagKey": "x"}]}),
            "ValidationException",
        ),
        (
            json!({"KeyId": k, "Tags": [{"TagKey": "x", "TagValue": 1}]}),
            "SerializationException",
        ),
        (
            json!({"KeyId": k, "Tags": [{"TagKey": "x".repeat(129), "TagValue": ""}]}),
            "ValidationException",
        ),
    ] {
        assert_eq!(err(ks, "TagResource", body), code);
    }
    assert_eq!(
        err(
            ks,
            "ListResourceTags",
            json!({"KeyId": k, "Marker": "nope"})
        ),
        "InvalidMarkerException"
    );
    assert_eq!(
        err(ks, "ListResourceTags", json!({"KeyId": k, "Limit": 51})),
        "ValidationException"
    );
    ok(ks, "UntagResource", json!({"KeyId": k, "TagKeys": ["a"]}));
    assert_eq!(
        ok(ks, "ListResourceTags", json!({"KeyId": k}))["Tags"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let v = ok(ks, "GetKeyLastUsage", json!({"KeyId": k}));
    assert_eq!(v["KeyId"], json!(k));
    assert_eq!(v["KeyLastUsage"], json!({}));
    assert!(v["KeyCreationDate"].is_number() && v["TrackingStartDate"].is_number());
    ok(ks, "Encrypt", json!({"KeyId": k, "Plaintext": "aGk="}));
    let v = ok(ks, "GetKeyLastUsage", json!({"KeyId": k}));
    assert_eq!(v["KeyLastUsage"]["Operation"], "Encrypt");
    assert!(v["KeyLastUsage"]["Timestamp"].is_number());
    ok(ks, "ScheduleKeyDeletion", json!({"KeyId": k}));
    assert_eq!(
        err(
            ks,
            "TagResource",
            json!({"KeyId": k, "Tags": [{"TagKey": "x", "TagValue": ""}]})
        ),
        "KMSInvalidStateException"
    );
    assert_eq!(
        err(
            ks,
            "UpdateKeyDescription",
            json!({"KeyId": k, "Description": ""})
        ),
        "KMSInvalidStateException"
    );
}

/// Wraps 32 bytes of material for `ImportKeyMaterial` under the parameters' public key.
fn wrap_material(params: &Value, material: &[u8; 32]) -> Value {
    use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PublicEncryptingKey};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let der = STANDARD
        .decode(params["PublicKey"].as_str().unwrap())
        .unwrap();
    let key = OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(&der).unwrap()).unwrap();
    let mut out = vec![0u8; key.ciphertext_size()];
    let n = key
        .encrypt(&OAEP_SHA256_MGF1SHA256, material, &mut out, None)
        .unwrap()
        .len();
    json!(STANDARD.encode(&out[..n]))
}

#[test]
fn imported_material_has_an_id_and_an_expiration_model() {
    let f = fixture();
    let id = ok(&f.ks, "CreateKey", json!({"Origin": "EXTERNAL"}))["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let arn = arn_of(&f.ks, &id);
    let import = |model: &str| {
        let p = ok(
            &f.ks,
            "GetParametersForImport",
            json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        );
        ok(
            &f.ks,
            "ImportKeyMaterial",
            json!({"KeyId": id, "ImportToken": p["ImportToken"], "EncryptedKeyMaterial": wrap_material(&p, &[7; 32]), "ExpirationModel": model}),
        )
    };
    let i = import("KEY_MATERIAL_DOES_NOT_EXPIRE");
    assert_eq!(i["KeyId"], arn);
    assert!(is_material_id(&i["KeyMaterialId"]), "{i}");
    let meta = ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"].clone();
    assert_eq!(meta["CurrentKeyMaterialId"], i["KeyMaterialId"]);
    assert_eq!(meta["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE");
    let all = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}),
    );
    let entry = &all["Rotations"][0];
    assert_eq!(entry["KeyMaterialId"], i["KeyMaterialId"]);
    assert_eq!(entry["ImportState"], "IMPORTED");
    assert_eq!(entry["KeyMaterialState"], "CURRENT");
    assert_eq!(entry["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE");
    assert!(entry.get("RotationDate").is_none() && entry.get("ValidTo").is_none());
    let e = ok(
        &f.ks,
        "Encrypt",
        json!({"KeyId": id, "Plaintext": "aGVsbG8="}),
    );
    let d = ok(
        &f.ks,
        "Decrypt",
        json!({"CiphertextBlob": e["CiphertextBlob"]}),
    );
    assert_eq!(d["KeyMaterialId"], i["KeyMaterialId"]);

    let del = ok(&f.ks, "DeleteImportedKeyMaterial", json!({"KeyId": id}));
    assert_eq!(del, i);
    let all = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}),
    );
    assert_eq!(all["Rotations"][0]["ImportState"], "PENDING_IMPORT");
    let meta = ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"].clone();
    assert!(meta.get("ExpirationModel").is_none());
    assert_eq!(meta["CurrentKeyMaterialId"], i["KeyMaterialId"]);
    // The same material again: the same id.
    assert_eq!(import("KEY_MATERIAL_DOES_NOT_EXPIRE"), i);
    // ImportType and KeyMaterialId, checked before the token is used.
    let claimed = |extra: Value| {
        let p = ok(
            &f.ks,
            "GetParametersForImport",
            json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        );
        let mut body = json!({"KeyId": id, "ImportToken": p["ImportToken"],
            "EncryptedKeyMaterial": wrap_material(&p, &[7; 32]),
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        call(&f.ks, "ImportKeyMaterial", body)
    };
    let refused = |extra: Value, code: &str| {
        let (status, v) = claimed(extra);
        assert_eq!((status, v["__type"].as_str()), (400, Some(code)), "{v}");
    };
    refused(
        json!({"ImportType": "NEW_KEY_MATERIAL"}),
        "UnsupportedOperationException",
    );
    refused(json!({"ImportType": "SOMETIMES"}), "ValidationException");
    refused(json!({"KeyMaterialId": "ab"}), "ValidationException");
    refused(
        json!({"KeyMaterialId": "ab".repeat(32)}),
        "NotFoundException",
    );
    // KeyMaterialDescription: AWS's bounds (1 to 256 of [a-zA-Z0-9:/_\s.-]).
    refused(
        json!({"KeyMaterialDescription": "semi;colon"}),
        "ValidationException",
    );
    refused(
        json!({"KeyMaterialDescription": "x".repeat(257)}),
        "ValidationException",
    );
    let (status, v) = claimed(json!({"ImportType": "EXISTING_KEY_MATERIAL",
                                     "KeyMaterialId": i["KeyMaterialId"],
                                     "KeyMaterialDescription": "HSM export/2026-01"}));
    assert_eq!((status, &v), (200, &i));
    let all = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}),
    );
    assert_eq!(
        all["Rotations"][0]["KeyMaterialDescription"],
        "HSM export/2026-01"
    );

    // No ExpirationModel: AWS's default, KEY_MATERIAL_EXPIRES. Without ValidTo it is a
    // ValidationException naming both ways out, and the token stays valid for the next attempt.
    let p = ok(
        &f.ks,
        "GetParametersForImport",
        json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
    );
    let body = json!({"KeyId": id, "ImportToken": p["ImportToken"],
        "EncryptedKeyMaterial": wrap_material(&p, &[7; 32])});
    let (status, v) = call(&f.ks, "ImportKeyMaterial", body.clone());
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("ValidationException")),
        "{v}"
    );
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("valid_to") && message.contains("KEY_MATERIAL_DOES_NOT_EXPIRE"),
        "{v}"
    );
    let created = ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"]["CreationDate"]
        .as_f64()
        .unwrap();
    let mut with_valid_to = body;
    with_valid_to["ValidTo"] = json!(created + 86_400.0);
    assert_eq!(ok(&f.ks, "ImportKeyMaterial", with_valid_to), i);
    let meta = ok(&f.ks, "DescribeKey", json!({"KeyId": id}))["KeyMetadata"].clone();
    assert_eq!(meta["ExpirationModel"], "KEY_MATERIAL_EXPIRES");
}

/// Wraps `material` (any length) for `ImportKeyMaterial` under the parameters' public key:
/// RSA-OAEP-SHA-256 directly, or (`aes`) `RSA_AES_KEY_WRAP_SHA_1`: RSA-OAEP-SHA-1 of a fresh
/// AES-256 key, then the material under it with AES key wrap with padding (RFC 5649).
fn wrap_any(params: &Value, material: &[u8], aes: bool) -> Value {
    use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrapPadded};
    use aws_lc_rs::rsa::{
        OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PublicEncryptingKey,
    };
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let der = STANDARD
        .decode(params["PublicKey"].as_str().unwrap())
        .unwrap();
    let key = OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(&der).unwrap()).unwrap();
    let oaep = |alg, plain: &[u8]| {
        let mut out = vec![0u8; key.ciphertext_size()];
        let n = key.encrypt(alg, plain, &mut out, None).unwrap().len();
        out.truncate(n);
        out
    };
    let blob = if aes {
        let aes_key = [0x3c_u8; 32];
        let mut out = oaep(&OAEP_SHA1_MGF1SHA1, &aes_key);
        let mut wrapped = vec![0u8; material.len() + 16];
        let n = AesKek::new(&AES_256, &aes_key)
            .unwrap()
            .wrap_with_padding(material, &mut wrapped)
            .unwrap()
            .len();
        out.extend_from_slice(&wrapped[..n]);
        out
    } else {
        oaep(&OAEP_SHA256_MGF1SHA256, material)
    };
    json!(STANDARD.encode(blob))
}

/// Imports `material` into `key` over the protocol; the answer (status and body).
fn import_over_protocol(
    ks: &Keystore,
    key: &str,
    algorithm: &str,
    material: &[u8],
) -> (u16, Value) {
    let p = ok(
        ks,
        "GetParametersForImport",
        json!({"KeyId": key, "WrappingAlgorithm": algorithm, "WrappingKeySpec": "RSA_2048"}),
    );
    let aes = algorithm.starts_with("RSA_AES");
    call(
        ks,
        "ImportKeyMaterial",
        json!({"KeyId": key, "ImportToken": p["ImportToken"],
            "EncryptedKeyMaterial": wrap_any(&p, material, aes),
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}),
    )
}

#[test]
fn asymmetric_and_hmac_material_imports() {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let f = fixture();
    let ks = &f.ks;
    let create = |body: Value| {
        ok(ks, "CreateKey", body)["KeyMetadata"]["KeyId"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // An ECDSA key made outside: imported, it signs, and its original public key verifies.
    let pair = EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let pkcs8 = pair.to_pkcs8v1().unwrap();
    let ec = create(
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Origin": "EXTERNAL"}),
    );
    let other = EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_ASN1_SIGNING).unwrap();
    let (status, v) = import_over_protocol(
        ks,
        &ec,
        "RSAES_OAEP_SHA_256",
        other.to_pkcs8v1().unwrap().as_ref(),
    );
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("IncorrectKeyMaterialException")),
        "{v}"
    );
    let (status, v) = import_over_protocol(ks, &ec, "RSAES_OAEP_SHA_256", pkcs8.as_ref());
    assert_eq!(status, 200, "{v}");
    let message = STANDARD.encode(b"imported over the protocol");
    let sig = ok(
        ks,
        "Sign",
        json!({"KeyId": ec, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    let sig = STANDARD.decode(sig["Signature"].as_str().unwrap()).unwrap();
    UnparsedPublicKey::new(
        &signature::ECDSA_P256_SHA256_ASN1,
        pair.public_key().as_ref(),
    )
    .verify(b"imported over the protocol", &sig)
    .unwrap();
    let public = ok(ks, "GetPublicKey", json!({"KeyId": ec}));
    assert_eq!(
        STANDARD
            .decode(public["PublicKey"].as_str().unwrap())
            .unwrap(),
        pair.public_key().as_der().unwrap().as_ref()
    );

    // An RSA key: RSAES_OAEP_* cannot carry it (refused before a token is issued);
    // RSA_AES_KEY_WRAP_SHA_1 does.
    let rsa =
        create(json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY", "Origin": "EXTERNAL"}));
    assert_eq!(
        err(
            ks,
            "GetParametersForImport",
            json!({"KeyId": rsa, "WrappingAlgorithm": "RSAES_OAEP_SHA_1", "WrappingKeySpec": "RSA_4096"}),
        ),
        "UnsupportedOperationException"
    );
    let rsa_pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let (status, v) = import_over_protocol(
        ks,
        &rsa,
        "RSA_AES_KEY_WRAP_SHA_1",
        rsa_pair.as_der().unwrap().as_ref(),
    );
    assert_eq!(status, 200, "{v}");
    let public = ok(ks, "GetPublicKey", json!({"KeyId": rsa}));
    assert_eq!(
        STANDARD
            .decode(public["PublicKey"].as_str().unwrap())
            .unwrap(),
        rsa_pair.public_key().as_der().unwrap().as_ref()
    );

    // An HMAC key: the MAC is the HMAC of the imported bytes; 47 bytes are too short.
    let hmac = create(json!({"KeySpec": "HMAC_384", "Origin": "EXTERNAL"}));
    let (status, v) = import_over_protocol(ks, &hmac, "RSAES_OAEP_SHA_256", &[9; 47]);
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("InvalidCiphertextException")),
        "{v}"
    );
    let (status, v) = import_over_protocol(ks, &hmac, "RSAES_OAEP_SHA_256", &[9; 48]);
    assert_eq!(status, 200, "{v}");
    let mac = ok(
        ks,
        "GenerateMac",
        json!({"KeyId": hmac, "Message": message, "MacAlgorithm": "HMAC_SHA_384"}),
    );
    let want = aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA384, &[9; 48]),
        b"imported over the protocol",
    );
    assert_eq!(
        STANDARD.decode(mac["Mac"].as_str().unwrap()).unwrap(),
        want.as_ref()
    );

    // Specs AWS does not import.
    assert_eq!(
        err(
            ks,
            "CreateKey",
            json!({"KeySpec": "ECC_NIST_EDWARDS25519", "Origin": "EXTERNAL"}),
        ),
        "UnsupportedOperationException"
    );
}

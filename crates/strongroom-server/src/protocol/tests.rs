//! Every served operation through [`handle`], on a scratch keystore.

use super::*;
use serde_json::json;
use strongroom::Options;

struct Fixture {
    _dir: tempfile::TempDir,
    ks: Keystore,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"pw",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    Fixture { _dir: dir, ks }
}

/// Calls `op` with `body`; returns (status, parsed body).
fn call(ks: &Keystore, op: &str, body: Value) -> (u16, Value) {
    let op = match operation(Some(&format!("{TARGET_PREFIX}{op}"))) {
        Ok(op) => op,
        Err(e) => return (e.status, serde_json::from_slice(&e.body()).unwrap()),
    };
    let reply = handle(ks, op, body.to_string().as_bytes());
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
    let e = operation(Some("TrentService.Sign")).unwrap_err();
    assert_eq!(e.code, "UnsupportedOperationException");
    assert!(e.message.contains("Sign"));
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
        err(&f.ks, "CreateKey", json!({"KeySpec": "RSA_2048"})),
        "UnsupportedOperationException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"KeySpec": "NOPE"})),
        "ValidationException"
    );
    assert_eq!(
        err(&f.ks, "CreateKey", json!({"Policy": "{}"})),
        "ValidationException"
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
    assert_eq!(keys["Keys"].as_array().unwrap().len(), 1);
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
    let arn = f.ks.key_arn_of(&id).unwrap();
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
    assert_eq!(r["KeyId"], f.ks.key_arn_of(&other).unwrap());
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
        "ValidationException"
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
    let r = ok(
        &f.ks,
        "ListKeyRotations",
        json!({"KeyId": id, "Marker": r["NextMarker"], "IncludeKeyMaterial": "ROTATIONS_ONLY"}),
    );
    assert_eq!(r["Rotations"].as_array().unwrap().len(), 1);
    assert_eq!(r["Truncated"], false);
    assert_eq!(
        err(
            &f.ks,
            "ListKeyRotations",
            json!({"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"})
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
    assert_eq!(d["KeyId"], f.ks.key_arn_of(&id).unwrap());
    assert!(d["DeletionDate"].is_number());
    assert_eq!(
        err(&f.ks, "ScheduleKeyDeletion", json!({"KeyId": id})),
        "KMSInvalidStateException"
    );
    assert_eq!(
        ok(&f.ks, "CancelKeyDeletion", json!({"KeyId": id}))["KeyId"],
        f.ks.key_arn_of(&id).unwrap()
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
            json!({"KeyId": id, "ImportToken": p["ImportToken"], "EncryptedKeyMaterial": "AAAA", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ImportType": "NEW_KEY_MATERIAL"})
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
        let reply = handle(&f.ks, "DescribeKey", body);
        assert_eq!(reply.status, 400);
        assert!(
            matches!(reply.error_type, Some("SerializationException")),
            "{body:?}"
        );
    }
    let reply = handle(&f.ks, "ListKeys", b"");
    assert_eq!(reply.status, 200);
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

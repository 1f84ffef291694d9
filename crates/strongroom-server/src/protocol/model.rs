//! What botocore's KMS service model (`botocore/data/kms/2014-11-01/service-2.json`, botocore
//! 2014-11-01) defines: every operation's name, and the request members of the
//! operations served here. `tests/model.rs` checks these tables against the model when botocore
//! is installed.

/// Every operation of AWS KMS (`TrentService`), sorted.
pub const OPERATIONS: &[&str] = &[
    "CancelKeyDeletion",
    "ConnectCustomKeyStore",
    "CreateAlias",
    "CreateCustomKeyStore",
    "CreateGrant",
    "CreateKey",
    "Decapsulate",
    "Decrypt",
    "DeleteAlias",
    "DeleteCustomKeyStore",
    "DeleteImportedKeyMaterial",
    "DeriveSharedSecret",
    "DescribeCustomKeyStores",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "DisconnectCustomKeyStore",
    "EnableKey",
    "EnableKeyRotation",
    "Encapsulate",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GenerateRandom",
    "GetKeyLastUsage",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "GetParametersForImport",
    "GetPublicKey",
    "ImportKeyMaterial",
    "ListAliases",
    "ListGrants",
    "ListKeyPolicies",
    "ListKeyRotations",
    "ListKeys",
    "ListResourceTags",
    "ListRetirableGrants",
    "PutKeyPolicy",
    "ReEncrypt",
    "ReplicateKey",
    "RetireGrant",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "Sign",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateCustomKeyStore",
    "UpdateKeyDescription",
    "UpdatePrimaryRegion",
    "Verify",
    "VerifyMac",
];

/// The request members AWS defines for each operation served here.
pub const REQUEST_MEMBERS: &[(&str, &[&str])] = &[
    (
        "CreateKey",
        &[
            "Policy",
            "Description",
            "KeyUsage",
            "CustomerMasterKeySpec",
            "KeySpec",
            "Origin",
            "CustomKeyStoreId",
            "BypassPolicyLockoutSafetyCheck",
            "Tags",
            "MultiRegion",
            "XksKeyId",
        ],
    ),
    ("DescribeKey", &["KeyId", "GrantTokens"]),
    ("ListKeys", &["Limit", "Marker", "ResourceOwners"]),
    ("EnableKey", &["KeyId"]),
    ("DisableKey", &["KeyId"]),
    ("ScheduleKeyDeletion", &["KeyId", "PendingWindowInDays"]),
    ("CancelKeyDeletion", &["KeyId"]),
    ("CreateAlias", &["AliasName", "TargetKeyId"]),
    ("UpdateAlias", &["AliasName", "TargetKeyId"]),
    ("DeleteAlias", &["AliasName"]),
    ("ListAliases", &["KeyId", "Limit", "Marker"]),
    (
        "Encrypt",
        &[
            "KeyId",
            "Plaintext",
            "EncryptionContext",
            "GrantTokens",
            "EncryptionAlgorithm",
            "DryRun",
        ],
    ),
    (
        "Decrypt",
        &[
            "CiphertextBlob",
            "EncryptionContext",
            "GrantTokens",
            "KeyId",
            "EncryptionAlgorithm",
            "Recipient",
            "DryRun",
            "DryRunModifiers",
        ],
    ),
    (
        "ReEncrypt",
        &[
            "CiphertextBlob",
            "SourceEncryptionContext",
            "SourceKeyId",
            "DestinationKeyId",
            "DestinationEncryptionContext",
            "SourceEncryptionAlgorithm",
            "DestinationEncryptionAlgorithm",
            "GrantTokens",
            "DryRun",
            "DryRunModifiers",
        ],
    ),
    (
        "GenerateDataKey",
        &[
            "KeyId",
            "EncryptionContext",
            "NumberOfBytes",
            "KeySpec",
            "GrantTokens",
            "Recipient",
            "DryRun",
        ],
    ),
    (
        "GenerateDataKeyWithoutPlaintext",
        &[
            "KeyId",
            "EncryptionContext",
            "KeySpec",
            "NumberOfBytes",
            "GrantTokens",
            "DryRun",
        ],
    ),
    (
        "GenerateRandom",
        &["NumberOfBytes", "CustomKeyStoreId", "Recipient"],
    ),
    ("EnableKeyRotation", &["KeyId", "RotationPeriodInDays"]),
    ("DisableKeyRotation", &["KeyId"]),
    ("GetKeyRotationStatus", &["KeyId"]),
    ("RotateKeyOnDemand", &["KeyId"]),
    (
        "ListKeyRotations",
        &["KeyId", "IncludeKeyMaterial", "Limit", "Marker"],
    ),
    (
        "GetParametersForImport",
        &["KeyId", "WrappingAlgorithm", "WrappingKeySpec"],
    ),
    (
        "ImportKeyMaterial",
        &[
            "KeyId",
            "ImportToken",
            "EncryptedKeyMaterial",
            "ValidTo",
            "ExpirationModel",
            "ImportType",
            "KeyMaterialDescription",
            "KeyMaterialId",
        ],
    ),
    ("DeleteImportedKeyMaterial", &["KeyId", "KeyMaterialId"]),
];

/// AWS's key specs (`KeySpec`), some of which the core does not have yet.
pub const KEY_SPECS: &[&str] = &[
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SYMMETRIC_DEFAULT",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
    "ECC_NIST_EDWARDS25519",
    "ML_KEM_512",
    "ML_KEM_768",
    "ML_KEM_1024",
];

/// AWS's `EncryptionAlgorithmSpec` values.
pub const ENCRYPTION_ALGORITHMS: &[&str] = &[
    "SYMMETRIC_DEFAULT",
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "SM2PKE",
];

/// The request members AWS defines for `operation` (`None` for an operation not served here).
pub fn request_members(operation: &str) -> Option<&'static [&'static str]> {
    REQUEST_MEMBERS
        .iter()
        .find(|(o, _)| *o == operation)
        .map(|(_, m)| *m)
}

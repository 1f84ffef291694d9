//! The audited calls, each by its AWS KMS operation name (SPEC section 8).

use crate::model::names::names;

names! {
    /// A call the audit trail records, named as AWS KMS names the operation (`Encrypt`,
    /// `ScheduleKeyDeletion`, ...); calls AWS KMS does not have are named in the same style
    /// (`CreateKeystore`, `RunMaintenance`, ...). Error messages name the operation that resolves
    /// them in these terms, which every surface can map to its own spelling
    /// (`enable_key`, `sr_enable_key`, `EnableKey`, `enable-key`).
    Operation {
        /// `Keystore::create`.
        CreateKeystore, "CreateKeystore";
        /// `Keystore::open`.
        OpenKeystore, "OpenKeystore";
        /// `Keystore::close`.
        CloseKeystore, "CloseKeystore";
        /// `change_passphrase`.
        ChangePassphrase, "ChangePassphrase";
        /// `create_key`.
        CreateKey, "CreateKey";
        /// `describe_key`.
        DescribeKey, "DescribeKey";
        /// `list_keys`.
        ListKeys, "ListKeys";
        /// `enable_key`.
        EnableKey, "EnableKey";
        /// `disable_key`.
        DisableKey, "DisableKey";
        /// `create_alias`.
        CreateAlias, "CreateAlias";
        /// `update_alias`.
        UpdateAlias, "UpdateAlias";
        /// `delete_alias`.
        DeleteAlias, "DeleteAlias";
        /// `list_aliases`.
        ListAliases, "ListAliases";
        /// `encrypt`, `encrypt_into`.
        Encrypt, "Encrypt";
        /// `decrypt`, `decrypt_into`.
        Decrypt, "Decrypt";
        /// `re_encrypt`.
        ReEncrypt, "ReEncrypt";
        /// `generate_data_key`.
        GenerateDataKey, "GenerateDataKey";
        /// `generate_data_key_without_plaintext`.
        GenerateDataKeyWithoutPlaintext, "GenerateDataKeyWithoutPlaintext";
        /// `generate_random`.
        GenerateRandom, "GenerateRandom";
        /// `enable_key_rotation`.
        EnableKeyRotation, "EnableKeyRotation";
        /// `disable_key_rotation`.
        DisableKeyRotation, "DisableKeyRotation";
        /// `get_key_rotation_status`.
        GetKeyRotationStatus, "GetKeyRotationStatus";
        /// `rotate_key_on_demand`.
        RotateKeyOnDemand, "RotateKeyOnDemand";
        /// `list_key_rotations`.
        ListKeyRotations, "ListKeyRotations";
        /// An automatic rotation, made by due work.
        RotateKey, "RotateKey";
        /// `schedule_key_deletion`.
        ScheduleKeyDeletion, "ScheduleKeyDeletion";
        /// `cancel_key_deletion`.
        CancelKeyDeletion, "CancelKeyDeletion";
        /// The destruction of a key at its deletion date, made by due work.
        DeleteKey, "DeleteKey";
        /// `run_maintenance`.
        RunMaintenance, "RunMaintenance";
        /// `get_parameters_for_import`.
        GetParametersForImport, "GetParametersForImport";
        /// `import_key_material`.
        ImportKeyMaterial, "ImportKeyMaterial";
        /// `delete_imported_key_material`.
        DeleteImportedKeyMaterial, "DeleteImportedKeyMaterial";
        /// The deletion of imported material at its `valid_to`, made by due work.
        DeleteExpiredKeyMaterial, "DeleteExpiredKeyMaterial";
        /// `get_public_key`.
        GetPublicKey, "GetPublicKey";
        /// `sign`.
        Sign, "Sign";
        /// `verify`.
        Verify, "Verify";
        /// `generate_mac`.
        GenerateMac, "GenerateMac";
        /// `verify_mac`.
        VerifyMac, "VerifyMac";
        /// `derive_shared_secret`.
        DeriveSharedSecret, "DeriveSharedSecret";
        /// `generate_data_key_pair`.
        GenerateDataKeyPair, "GenerateDataKeyPair";
        /// `generate_data_key_pair_without_plaintext`.
        GenerateDataKeyPairWithoutPlaintext, "GenerateDataKeyPairWithoutPlaintext";
        /// `update_key_description`.
        UpdateKeyDescription, "UpdateKeyDescription";
        /// `tag_resource` (a KMS key) and `tag_secret` (a secret; its events carry `SecretARN`).
        TagResource, "TagResource";
        /// `untag_resource` (a KMS key) and `untag_secret`.
        UntagResource, "UntagResource";
        /// `list_resource_tags`.
        ListResourceTags, "ListResourceTags";
        /// `get_key_last_usage`.
        GetKeyLastUsage, "GetKeyLastUsage";
        /// `put_key_policy`.
        PutKeyPolicy, "PutKeyPolicy";
        /// `get_key_policy`.
        GetKeyPolicy, "GetKeyPolicy";
        /// `list_key_policies`.
        ListKeyPolicies, "ListKeyPolicies";
        /// `create_grant`.
        CreateGrant, "CreateGrant";
        /// `list_grants`.
        ListGrants, "ListGrants";
        /// `list_retirable_grants`.
        ListRetirableGrants, "ListRetirableGrants";
        /// `retire_grant`.
        RetireGrant, "RetireGrant";
        /// `revoke_grant`.
        RevokeGrant, "RevokeGrant";
        /// `create_user` (AWS IAM's `CreateUser`).
        CreateUser, "CreateUser";
        /// `delete_user` (AWS IAM's `DeleteUser`).
        DeleteUser, "DeleteUser";
        /// `list_users` (AWS IAM's `ListUsers`).
        ListUsers, "ListUsers";
        /// `create_access_key` (AWS IAM's `CreateAccessKey`).
        CreateAccessKey, "CreateAccessKey";
        /// `list_access_keys` (AWS IAM's `ListAccessKeys`).
        ListAccessKeys, "ListAccessKeys";
        /// `update_access_key` (AWS IAM's `UpdateAccessKey`).
        UpdateAccessKey, "UpdateAccessKey";
        /// `delete_access_key` (AWS IAM's `DeleteAccessKey`).
        DeleteAccessKey, "DeleteAccessKey";
        // Secrets (SPEC section 14), by their AWS Secrets Manager names. The audit trail stores
        // operations by name, not by a code, so these cannot collide with other additions.
        /// `create_secret`.
        CreateSecret, "CreateSecret";
        /// `get_secret_value`.
        GetSecretValue, "GetSecretValue";
        /// `put_secret_value`.
        PutSecretValue, "PutSecretValue";
        /// `update_secret`.
        UpdateSecret, "UpdateSecret";
        /// `describe_secret`.
        DescribeSecret, "DescribeSecret";
        /// `list_secrets`.
        ListSecrets, "ListSecrets";
        /// `list_secret_version_ids`.
        ListSecretVersionIds, "ListSecretVersionIds";
        /// `update_secret_version_stage`.
        UpdateSecretVersionStage, "UpdateSecretVersionStage";
        /// `delete_secret`.
        DeleteSecret, "DeleteSecret";
        /// `restore_secret`.
        RestoreSecret, "RestoreSecret";
        /// `get_random_password`.
        GetRandomPassword, "GetRandomPassword";
        /// `put_secret_resource_policy`.
        PutResourcePolicy, "PutResourcePolicy";
        /// `get_secret_resource_policy`.
        GetResourcePolicy, "GetResourcePolicy";
        /// `delete_secret_resource_policy`.
        DeleteResourcePolicy, "DeleteResourcePolicy";
        /// `validate_secret_resource_policy`.
        ValidateResourcePolicy, "ValidateResourcePolicy";
        /// The destruction of a secret at the end of its recovery window, made by due work
        /// (strongroom's name, in the style of `DeleteKey`).
        DestroySecret, "DestroySecret";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_aws_names() {
        assert_eq!(
            Operation::ScheduleKeyDeletion.as_str(),
            "ScheduleKeyDeletion"
        );
        assert_eq!(
            "EnableKey".parse::<Operation>().unwrap(),
            Operation::EnableKey
        );
        assert!("enable_key".parse::<Operation>().is_err());
    }
}

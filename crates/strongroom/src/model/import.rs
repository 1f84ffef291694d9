//! The public types of importing key material (SPEC section 7).

use crate::model::clock::Timestamp;
use crate::model::names::names;

names! {
    /// How the key material is wrapped for import (AWS KMS `WrappingAlgorithm`).
    WrappingAlgorithm {
        /// RSA-OAEP with SHA-256 and MGF1-SHA-256 (recommended).
        RsaesOaepSha256 = 1, "RSAES_OAEP_SHA_256";
        /// RSA-OAEP with SHA-1 and MGF1-SHA-1.
        RsaesOaepSha1 = 2, "RSAES_OAEP_SHA_1";
        /// An ephemeral AES-256 key wrapped with RSA-OAEP-SHA-256, followed by the material
        /// wrapped under it with AES key wrap with padding (RFC 5649).
        RsaAesKeyWrapSha256 = 3, "RSA_AES_KEY_WRAP_SHA_256";
        /// The same with RSA-OAEP-SHA-1 (MGF1-SHA-1) wrapping the ephemeral AES key.
        RsaAesKeyWrapSha1 = 4, "RSA_AES_KEY_WRAP_SHA_1";
    }
}

names! {
    /// Size of the RSA wrapping key (AWS KMS `WrappingKeySpec`).
    WrappingKeySpec {
        /// 2048-bit modulus.
        Rsa2048 = 1, "RSA_2048";
        /// 3072-bit modulus.
        Rsa3072 = 2, "RSA_3072";
        /// 4096-bit modulus.
        Rsa4096 = 3, "RSA_4096";
    }
}

names! {
    /// Whether imported key material expires (AWS KMS `ExpirationModel`). The default is
    /// [`DEFAULT_EXPIRATION_MODEL`], SPEC section 7's; AWS's wire and CLI default is
    /// [`AWS_DEFAULT_EXPIRATION_MODEL`].
    #[derive(Default)]
    ExpirationModel {
        /// The material is deleted at `valid_to`; the key goes back to `PendingImport`.
        KeyMaterialExpires = 1, "KEY_MATERIAL_EXPIRES";
        /// The material stays until `delete_imported_key_material` or the key's deletion.
        #[default]
        KeyMaterialDoesNotExpire = 2, "KEY_MATERIAL_DOES_NOT_EXPIRE";
    }
}

/// The expiration model the library APIs (Rust, Python, C, Go) take when their caller gives
/// none: `KEY_MATERIAL_DOES_NOT_EXPIRE`, SPEC section 7's signature
/// (`import_key_material(..., expiration_model="KEY_MATERIAL_DOES_NOT_EXPIRE", valid_to=None)`).
pub const DEFAULT_EXPIRATION_MODEL: ExpirationModel = ExpirationModel::KeyMaterialDoesNotExpire;

/// The expiration model the AWS-shaped surfaces (`strongroom serve` and the `strongroom` CLI,
/// which take AWS's requests and the AWS CLI's flags) take when the request gives none:
/// `KEY_MATERIAL_EXPIRES`, as AWS KMS's model documents. It needs `valid_to`: such an import
/// without `ValidTo` is `Validation`, whose message says to give `valid_to` or
/// `KEY_MATERIAL_DOES_NOT_EXPIRE` (`rules::bounds::check_expiration`).
pub const AWS_DEFAULT_EXPIRATION_MODEL: ExpirationModel = ExpirationModel::KeyMaterialExpires;

names! {
    /// Whether the material being imported is the key's first or the one it already has (AWS KMS
    /// `ImportType`). Omitted, it is `NEW_KEY_MATERIAL` for a key that never had material and
    /// `EXISTING_KEY_MATERIAL` after, as in AWS KMS.
    ImportType {
        /// The key's first material.
        NewKeyMaterial = 1, "NEW_KEY_MATERIAL";
        /// The material the key already has (after `DeleteImportedKeyMaterial` or expiry).
        ExistingKeyMaterial = 2, "EXISTING_KEY_MATERIAL";
    }
}

/// What an import says about its material (AWS KMS `ImportKeyMaterial`'s `ImportType`,
/// `KeyMaterialId` and `KeyMaterialDescription`), checked before the import token is used; all
/// optional.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportClaims<'a> {
    /// New or existing material; the key's history decides when `None`.
    pub import_type: Option<ImportType>,
    /// The id of the key's existing material (`EXISTING_KEY_MATERIAL` only), as
    /// `ListKeyRotations` and earlier imports report it.
    pub key_material_id: Option<&'a str>,
    /// A description of the material (1 to 256 characters of AWS's set), which
    /// `ListKeyRotations` reports; `None` keeps the one an earlier import of it gave, as AWS does.
    pub key_material_description: Option<&'a str>,
}

impl WrappingAlgorithm {
    /// Whether the material is wrapped under an ephemeral AES key (`RSA_AES_KEY_WRAP_*`) rather
    /// than directly with RSA-OAEP (`RSAES_OAEP_*`).
    pub fn wraps_with_aes(self) -> bool {
        matches!(
            self,
            WrappingAlgorithm::RsaAesKeyWrapSha256 | WrappingAlgorithm::RsaAesKeyWrapSha1
        )
    }
}

impl WrappingKeySpec {
    /// Length of the RSA modulus in bytes (and of an RSA-OAEP ciphertext under it).
    pub fn modulus_len(self) -> usize {
        match self {
            WrappingKeySpec::Rsa2048 => 256,
            WrappingKeySpec::Rsa3072 => 384,
            WrappingKeySpec::Rsa4096 => 512,
        }
    }
}

/// What `get_parameters_for_import` returns (AWS KMS `GetParametersForImport`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParametersForImport {
    /// ARN of the key the parameters are for.
    pub key_id: String,
    /// Opaque token to pass to `import_key_material` with material wrapped under `public_key`.
    /// Valid once, until `parameters_valid_to`.
    pub import_token: Vec<u8>,
    /// The RSA wrapping public key, DER `SubjectPublicKeyInfo` (what `openssl pkeyutl -keyform
    /// DER -pubin` reads).
    pub public_key: Vec<u8>,
    /// When the token and the wrapping key expire: 24 hours after the call.
    pub parameters_valid_to: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_specs_and_aws_kms() {
        assert_eq!(ExpirationModel::default(), DEFAULT_EXPIRATION_MODEL);
        assert_eq!(
            DEFAULT_EXPIRATION_MODEL.as_str(),
            "KEY_MATERIAL_DOES_NOT_EXPIRE"
        );
        assert_eq!(
            AWS_DEFAULT_EXPIRATION_MODEL.as_str(),
            "KEY_MATERIAL_EXPIRES"
        );
    }
}

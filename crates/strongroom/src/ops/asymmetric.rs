//! RSA encryption, key agreement and data key pairs (SPEC section 11): `Encrypt`/`Decrypt` with
//! an `EncryptionAlgorithm`, `DeriveSharedSecret`, `GenerateDataKeyPair(WithoutPlaintext)`.

use crate::crypto::asymmetric;
use crate::keystore::dry_run;
use crate::keystore::handle::Keystore;
use crate::model::algorithms::{DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm};
use crate::model::asymmetric::{DataKeyPair, DataKeyPairWithoutPlaintext, Encrypted, SharedSecret};
use crate::model::context::EncryptionContext;
use crate::model::crypto_results::Decrypted;
use crate::model::key::KeyUsage;
use crate::model::operation::Operation;
use crate::model::secret_bytes::SecretBytes;
use crate::ops::crypto::{current_material, seal, used_at};
use crate::ops::sign::asymmetric_key;
use crate::rules::bounds::{check_len, check_plaintext};
use crate::rules::key_specs::{
    self, Family, MAX_PUBLIC_KEY, MAX_SIGNATURE, check_encryption, check_rsa_plaintext,
};
use crate::{Error, Result};

impl Keystore {
    /// Encrypts with the algorithm AWS KMS's `Encrypt` names: `SYMMETRIC_DEFAULT` is
    /// [`Keystore::encrypt`]; `RSAES_OAEP_SHA_1`/`RSAES_OAEP_SHA_256` encrypt with an RSA
    /// `ENCRYPT_DECRYPT` key's public key (raw OAEP ciphertext, no context, at most
    /// `rsa_max_plaintext` bytes: 190 for RSA_2048 with SHA-256). An algorithm the key does not
    /// allow is `InvalidKeyUsage`.
    pub fn encrypt_with_algorithm(
        &self,
        key_id: &str,
        plaintext: &[u8],
        encryption_context: Option<&EncryptionContext>,
        encryption_algorithm: EncryptionAlgorithm,
    ) -> Result<Encrypted> {
        self.logged(Operation::Encrypt, Some(key_id), encryption_context, |s| {
            check_plaintext(plaintext.len())?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, Operation::Encrypt, s)?;
            let (spec, usage) = (k.rec.key_spec, k.rec.key_usage);
            check_encryption(k.id, spec, usage, encryption_algorithm)?;
            let ciphertext_blob = match key_specs::family(spec) {
                Family::Rsa(bits) => {
                    check_rsa_plaintext(
                        bits,
                        encryption_algorithm,
                        plaintext.len(),
                        encryption_context.is_some(),
                    )?;
                    asymmetric_key(&k, "Encrypt")?.encrypt(encryption_algorithm, plaintext)?
                }
                _ => seal(&k, plaintext, encryption_context)?,
            };
            self.note_use(&k, Operation::Encrypt, used_at(s))?;
            Ok(Encrypted {
                ciphertext_blob,
                key_id: self.key_arn(k.id),
                encryption_algorithm,
            })
        })
    }

    /// Decrypts with the algorithm AWS KMS's `Decrypt` names: `SYMMETRIC_DEFAULT` is
    /// [`Keystore::decrypt`]; RSA-OAEP needs `key_id` (the ciphertext does not name its key) and
    /// no context, and opens ciphertext made anywhere with the key's public key. Ciphertext that
    /// does not decrypt is `InvalidCiphertext`.
    pub fn decrypt_with_algorithm(
        &self,
        ciphertext_blob: &[u8],
        encryption_context: Option<&EncryptionContext>,
        key_id: Option<&str>,
        encryption_algorithm: EncryptionAlgorithm,
    ) -> Result<Decrypted> {
        if encryption_algorithm == EncryptionAlgorithm::SymmetricDefault {
            return self.decrypt(ciphertext_blob, encryption_context, key_id);
        }
        self.logged(Operation::Decrypt, key_id, encryption_context, |s| {
            let key_id = key_id.ok_or_else(|| {
                Error::Validation(format!(
                    "KeyId is required to decrypt with {encryption_algorithm}: the ciphertext does \
                     not name its key"
                ))
            })?;
            check_len("ciphertext blob", ciphertext_blob.len(), MAX_SIGNATURE)?;
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, Operation::Decrypt, s)?;
            check_encryption(k.id, k.rec.key_spec, k.rec.key_usage, encryption_algorithm)?;
            if encryption_context.is_some() {
                return Err(Error::Validation(format!(
                    "an encryption context is not allowed with {encryption_algorithm}; omit it"
                )));
            }
            let plain = asymmetric_key(&k, "Decrypt")?
                .decrypt(encryption_algorithm, ciphertext_blob)
                .ok_or_else(|| {
                    Error::InvalidCiphertext(format!(
                        "the ciphertext does not decrypt with {encryption_algorithm} under key {}",
                        uuid::Uuid::from_u128(k.id)
                    ))
                })?;
            self.note_use(&k, Operation::Decrypt, used_at(s))?;
            Ok(Decrypted {
                plaintext: SecretBytes::init_with(plain.len(), |b| b.copy_from_slice(&plain)),
                key_id: self.key_arn(k.id),
                key_material_id: current_material(&k)?,
            })
        })
    }

    /// ECDH between a `KEY_AGREEMENT` key and a peer's public key (DER SubjectPublicKeyInfo on
    /// the same curve): the raw shared secret, as AWS KMS's `DeriveSharedSecret` returns it
    /// (derive keys from it with a KDF). A peer key that is not a point of the key's curve is
    /// `Validation`.
    pub fn derive_shared_secret(
        &self,
        key_id: &str,
        key_agreement_algorithm: KeyAgreementAlgorithm,
        public_key: &[u8],
    ) -> Result<SharedSecret> {
        self.logged(Operation::DeriveSharedSecret, Some(key_id), None, |s| {
            check_len("public key", public_key.len(), MAX_PUBLIC_KEY)?;
            let k = self.usable(
                key_id,
                KeyUsage::KeyAgreement,
                Operation::DeriveSharedSecret,
                s,
            )?;
            let secret = asymmetric_key(&k, "DeriveSharedSecret")?
                .agree(public_key)
                .ok_or_else(|| {
                    Error::Validation(format!(
                        "the public key is not a DER SubjectPublicKeyInfo of a {} point; give the \
                         peer's public key on the key's curve",
                        k.rec.key_spec
                    ))
                })?;
            self.note_use(&k, Operation::DeriveSharedSecret, used_at(s))?;
            Ok(SharedSecret {
                key_id: self.key_arn(k.id),
                shared_secret: SecretBytes::init_with(secret.len(), |b| b.copy_from_slice(&secret)),
                key_agreement_algorithm,
                key_origin: k.rec.origin,
            })
        })
    }

    /// A fresh asymmetric key pair of `key_pair_spec` (AWS KMS `GenerateDataKeyPair`): the
    /// PKCS#8 DER private key in plaintext and encrypted under a symmetric key as an ordinary
    /// blob ([`Keystore::decrypt`] opens it, with the same context), and the DER public key.
    pub fn generate_data_key_pair(
        &self,
        key_id: &str,
        encryption_context: Option<&EncryptionContext>,
        key_pair_spec: DataKeyPairSpec,
    ) -> Result<DataKeyPair> {
        self.data_key_pair(
            key_id,
            encryption_context,
            key_pair_spec,
            Operation::GenerateDataKeyPair,
        )
    }

    /// As [`Keystore::generate_data_key_pair`] without the plaintext private key (AWS KMS
    /// `GenerateDataKeyPairWithoutPlaintext`).
    pub fn generate_data_key_pair_without_plaintext(
        &self,
        key_id: &str,
        encryption_context: Option<&EncryptionContext>,
        key_pair_spec: DataKeyPairSpec,
    ) -> Result<DataKeyPairWithoutPlaintext> {
        let p = self.data_key_pair(
            key_id,
            encryption_context,
            key_pair_spec,
            Operation::GenerateDataKeyPairWithoutPlaintext,
        )?;
        Ok(DataKeyPairWithoutPlaintext {
            private_key_ciphertext_blob: p.private_key_ciphertext_blob,
            public_key: p.public_key,
            key_id: p.key_id,
            key_pair_spec,
            key_material_id: p.key_material_id,
        })
    }

    fn data_key_pair(
        &self,
        key_id: &str,
        encryption_context: Option<&EncryptionContext>,
        key_pair_spec: DataKeyPairSpec,
        operation: Operation,
    ) -> Result<DataKeyPair> {
        self.logged(operation, Some(key_id), encryption_context, |s| {
            let k = self.usable(key_id, KeyUsage::EncryptDecrypt, operation, s)?;
            check_encryption(
                k.id,
                k.rec.key_spec,
                k.rec.key_usage,
                EncryptionAlgorithm::SymmetricDefault,
            )?;
            // Every check is made: a dry run ends here rather than at `note_use`, without
            // generating a pair it would throw away (RSA-4096 takes about a second).
            if self.in_dry_run() {
                return Err(dry_run::refusal());
            }
            // No lock is held here: RSA-4096 generation (about a second) blocks no other call.
            let spec = key_specs::data_key_pair_spec(key_pair_spec);
            let der = asymmetric::generate(spec)?;
            let public_key = asymmetric::public_key_of(spec, &der)?;
            let private_key_ciphertext_blob = seal(&k, &der, encryption_context)?;
            self.note_use(&k, operation, used_at(s))?;
            Ok(DataKeyPair {
                private_key_ciphertext_blob,
                private_key_plaintext: SecretBytes::init_with(der.len(), |b| {
                    b.copy_from_slice(&der)
                }),
                public_key,
                key_id: self.key_arn(k.id),
                key_pair_spec,
                key_material_id: current_material(&k)?,
            })
        })
    }
}

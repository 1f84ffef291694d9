//! RSA encryption, key agreement and data key pairs (SPEC section 11): `Encrypt`/`Decrypt` with
//! an `EncryptionAlgorithm`, `ReEncrypt` with its source and destination algorithms,
//! `DeriveSharedSecret`, `GenerateDataKeyPair(WithoutPlaintext)`.

use crate::audit::subject::Subject;
use crate::crypto::asymmetric;
use crate::keystore::dry_run;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::UnsealedKey;
use crate::model::algorithms::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, ReEncryptAlgorithms,
};
use crate::model::asymmetric::{DataKeyPair, DataKeyPairWithoutPlaintext, Encrypted, SharedSecret};
use crate::model::context::EncryptionContext;
use crate::model::crypto_results::{Decrypted, ReEncrypted};
use crate::model::key::KeyUsage;
use crate::model::key_material::KeyMaterialId;
use crate::model::operation::Operation;
use crate::model::secret_bytes::SecretBytes;
use crate::ops::crypto::{current_material, seal, used_at};
use crate::ops::sign::asymmetric_key;
use crate::rules::bounds::{check_len, check_plaintext};
use crate::rules::key_specs::{
    self, Family, MAX_PUBLIC_KEY, MAX_SIGNATURE, check_encryption, check_rsa_context,
    check_rsa_plaintext,
};
use crate::{Error, Result};
use std::sync::Arc;

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
            let ciphertext_blob =
                encrypt_under(&k, encryption_algorithm, plaintext, encryption_context)?;
            self.note_use(&k, Operation::Encrypt, used_at(s))?;
            Ok(Encrypted {
                ciphertext_blob,
                key_id: k.arn.clone(),
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
            let (k, key_material_id, plaintext) = self.open_rsa(
                ciphertext_blob,
                encryption_context,
                key_id,
                encryption_algorithm,
                Operation::Decrypt,
                s,
            )?;
            self.note_use(&k, Operation::Decrypt, used_at(s))?;
            Ok(Decrypted {
                plaintext,
                key_id: k.arn.clone(),
                key_material_id,
            })
        })
    }

    /// Decrypts ciphertext and encrypts its plaintext under `destination_key_id` without the
    /// plaintext leaving the keystore, with the algorithms AWS KMS's `ReEncrypt` names
    /// ([`Keystore::re_encrypt`] is this with both `SYMMETRIC_DEFAULT`):
    ///
    /// - source `SYMMETRIC_DEFAULT`: a blob, which names its key (`source_key_id` optional, and a
    ///   key other than the blob's is `IncorrectKey`); `source_encryption_context` as at
    ///   encryption. Source `RSAES_OAEP_*`: raw OAEP ciphertext, which names no key:
    ///   `source_key_id` is required (`Validation`) and no source context applies (`Validation`).
    /// - destination `SYMMETRIC_DEFAULT`: a new blob under a symmetric key, with
    ///   `destination_encryption_context`. Destination `RSAES_OAEP_*`: raw OAEP ciphertext under
    ///   an RSA `ENCRYPT_DECRYPT` key's public key; no destination context (`Validation`, as AWS:
    ///   its asymmetric ciphertext has no field for one) and the plaintext within the key's OAEP
    ///   limit (`rsa_max_plaintext`: 190 bytes for RSA_2048 with SHA-256; `Validation`).
    ///
    /// An algorithm a key does not allow is `InvalidKeyUsage` (the table of SPEC section 11);
    /// ciphertext that does not decrypt is `InvalidCiphertext`. The plaintext stays in a
    /// zeroized buffer between the two halves.
    ///
    /// ```
    /// # use strongroom::{CreateKey, EncryptionAlgorithm, KeySpec, Keystore, Options, ReEncryptAlgorithms};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let symmetric = ks.create_key(&CreateKey::default())?.key_id;
    /// let rsa = ks
    ///     .create_key(&CreateKey { key_spec: Some(KeySpec::Rsa2048), ..CreateKey::default() })?
    ///     .key_id;
    /// let blob = ks.encrypt(&symmetric, b"hello", None)?;
    /// let to_rsa = ReEncryptAlgorithms {
    ///     destination: EncryptionAlgorithm::RsaesOaepSha256,
    ///     ..ReEncryptAlgorithms::default()
    /// };
    /// let moved = ks.re_encrypt_with_algorithms(&blob, &rsa, None, None, None, to_rsa)?;
    /// let opened = ks.decrypt_with_algorithm(
    ///     &moved.ciphertext_blob,
    ///     None,
    ///     Some(&rsa),
    ///     EncryptionAlgorithm::RsaesOaepSha256,
    /// )?;
    /// assert_eq!(opened.plaintext.as_bytes(), b"hello");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn re_encrypt_with_algorithms(
        &self,
        ciphertext_blob: &[u8],
        destination_key_id: &str,
        source_encryption_context: Option<&EncryptionContext>,
        destination_encryption_context: Option<&EncryptionContext>,
        source_key_id: Option<&str>,
        algorithms: ReEncryptAlgorithms,
    ) -> Result<ReEncrypted> {
        // Logged under the destination context and key (the source key if refused there).
        self.logged(
            Operation::ReEncrypt,
            Some(destination_key_id),
            destination_encryption_context,
            |s| {
                let (source, source_key_material_id, plaintext) = match algorithms.source {
                    EncryptionAlgorithm::SymmetricDefault => self.open_blob(
                        ciphertext_blob,
                        source_encryption_context,
                        source_key_id,
                        Operation::ReEncrypt,
                        s,
                    )?,
                    alg => self.open_rsa(
                        ciphertext_blob,
                        source_encryption_context,
                        source_key_id,
                        alg,
                        Operation::ReEncrypt,
                        s,
                    )?,
                };
                let dest = self.usable(
                    destination_key_id,
                    KeyUsage::EncryptDecrypt,
                    Operation::ReEncrypt,
                    s,
                )?;
                let ciphertext_blob = encrypt_under(
                    &dest,
                    algorithms.destination,
                    plaintext.as_bytes(),
                    destination_encryption_context,
                )?;
                drop(plaintext);
                self.note_use(&source, Operation::ReEncrypt, used_at(s))?;
                self.note_use(&dest, Operation::ReEncrypt, used_at(s))?;
                Ok(ReEncrypted {
                    ciphertext_blob,
                    source_key_id: self.key_arn(source.id),
                    key_id: self.key_arn(dest.id),
                    source_key_material_id,
                    destination_key_material_id: current_material(&dest)?,
                    source_encryption_algorithm: algorithms.source,
                    destination_encryption_algorithm: algorithms.destination,
                })
            },
        )
    }

    /// Opens raw RSA-OAEP ciphertext with `alg` under the key `key_id` names, which is required
    /// (the ciphertext names no key; `Validation` without it, naming `KeyId` for `Decrypt` and
    /// `SourceKeyId` for `ReEncrypt`), with no context; into a zeroized buffer. `Decrypt`'s and
    /// `ReEncrypt`'s one path for it.
    fn open_rsa(
        &self,
        ciphertext: &[u8],
        ctx: Option<&EncryptionContext>,
        key_id: Option<&str>,
        alg: EncryptionAlgorithm,
        operation: Operation,
        s: &mut Subject,
    ) -> Result<(Arc<UnsealedKey>, KeyMaterialId, SecretBytes)> {
        let member = if operation == Operation::ReEncrypt {
            "SourceKeyId"
        } else {
            "KeyId"
        };
        let key_id = key_id.ok_or_else(|| {
            Error::Validation(format!(
                "{member} is required to decrypt with {alg}: the ciphertext does not name its key"
            ))
        })?;
        check_len("ciphertext blob", ciphertext.len(), MAX_SIGNATURE)?;
        let k = self.usable(key_id, KeyUsage::EncryptDecrypt, operation, s)?;
        check_encryption(k.id, k.rec.key_spec, k.rec.key_usage, alg)?;
        check_rsa_context(alg, ctx.is_some())?;
        let plain = asymmetric_key(&k, operation.as_str())?
            .decrypt(alg, ciphertext)
            .ok_or_else(|| {
                Error::InvalidCiphertext(format!(
                    "the ciphertext does not decrypt with {alg} under key {}",
                    uuid::Uuid::from_u128(k.id)
                ))
            })?;
        let plaintext = SecretBytes::init_with(plain.len(), |b| b.copy_from_slice(&plain));
        let material = current_material(&k)?;
        Ok((k, material, plaintext))
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
                key_id: k.arn.clone(),
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
                key_id: k.arn.clone(),
                key_pair_spec,
                key_material_id: current_material(&k)?,
            })
        })
    }
}

/// Encrypts `plaintext` under key `k` with `alg`, which the key's spec and usage must allow
/// (`InvalidKeyUsage`): a blob under a symmetric key (with `ctx`), raw OAEP under an RSA key (no
/// context, at most `rsa_max_plaintext` bytes; `Validation`). `Encrypt`'s and `ReEncrypt`'s one
/// path for it.
fn encrypt_under(
    k: &UnsealedKey,
    alg: EncryptionAlgorithm,
    plaintext: &[u8],
    ctx: Option<&EncryptionContext>,
) -> Result<Vec<u8>> {
    let (spec, usage) = (k.rec.key_spec, k.rec.key_usage);
    check_encryption(k.id, spec, usage, alg)?;
    match key_specs::family(spec) {
        Family::Rsa(bits) => {
            check_rsa_plaintext(bits, alg, plaintext.len(), ctx.is_some())?;
            asymmetric_key(k, "Encrypt")?.encrypt(alg, plaintext)
        }
        _ => seal(k, plaintext, ctx),
    }
}

//! Importing key material (BYOK, SPEC section 7): import parameters (a fresh RSA wrapping key pair
//! and an import token), importing wrapped material into an `EXTERNAL` key, deleting it, and its
//! expiry at `valid_to`.
//!
//! - The wrapping private key is sealed at rest (record kind 4, table `import_wrapping_keys`,
//!   bound to the key id and the token id) and removed when its token is used, replaced by newer
//!   parameters for the same key, or expired (docs/FORMAT.md section 10).
//! - A token is used up by the first import attempt that reaches the RSA decryption, whatever its
//!   outcome: each wrapping key decrypts at most one ciphertext, so no padding or timing oracle
//!   can be queried twice (docs/SECURITY.md).
//! - A key is tied to one material for life through a keyed commitment (HMAC-SHA-256 under a
//!   sub-key of the root key) kept inside its sealed key record.

use crate::audit::subject::Subject;
use crate::crypto::asymmetric::import_private_key;
use crate::crypto::key_wrap::{
    commit_material, generate_wrapping_key, is_committed_material, unwrap_material,
};
use crate::crypto::secret::Key256;
use crate::crypto::subkey::{HmacKey, IMPORT_TOKEN_INFO, MATERIAL_COMMITMENT_INFO, hmac_key};
use crate::format::audit_batch::PendingEvent;
use crate::format::import_token::{Token, bad_token};
use crate::format::records::{
    Material, Slot, VersionRecord, WrappingKeyRecord, encode_wrapping_record,
};
use crate::keystore::commit::KeyChange;
use crate::keystore::handle::Keystore;
use crate::model::clock::Timestamp;
use crate::model::import::{
    ExpirationModel, ImportClaims, ImportType, ParametersForImport, WrappingAlgorithm,
    WrappingKeySpec,
};
use crate::model::key::{KeyRecord, RotationType};
use crate::model::key_material::KeyMaterialId;
use crate::model::operation::Operation;
use crate::rules::bounds::{
    IMPORT_PARAMETERS_VALID_DAYS, check_encrypted_key_material, check_expiration,
    check_key_material_description,
};
use crate::rules::import::{check_wrapping, material_wanted, raw_material_len};
use crate::rules::key_specs::{Family, family};
use crate::rules::state::{self, Action};
use crate::storage::integrity::Bucket;
use crate::storage::tables::WRAPPING_KEYS;
use crate::{Error, Result};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use redb::ReadableTable;
use zeroize::Zeroizing;

impl Keystore {
    /// Returns a fresh RSA wrapping public key and an import token for an `EXTERNAL` key, both
    /// valid for 24 hours and for one import (AWS KMS `GetParametersForImport`). Earlier
    /// parameters for the same key stop working. The key may be `PendingImport`, `Enabled` or
    /// `Disabled` (to re-import its material); `UnsupportedOperation` for a key of origin
    /// `AWS_KMS`, `InvalidState` while pending deletion. The key's spec limits the choice
    /// (`UnsupportedOperation` otherwise, docs/import.md): an RSA key's private key needs an
    /// `RSA_AES_KEY_WRAP_*` algorithm, and an `ECC_NIST_P521` key cannot be wrapped with
    /// `RSAES_OAEP_*` under an `RSA_2048` wrapping key.
    pub fn get_parameters_for_import(
        &self,
        key_id: &str,
        wrapping_algorithm: WrappingAlgorithm,
        wrapping_key_spec: WrappingKeySpec,
    ) -> Result<ParametersForImport> {
        let r = self.logged(Operation::GetParametersForImport, Some(key_id), None, |s| {
            self.parameters_logged(key_id, wrapping_algorithm, wrapping_key_spec, s)
        });
        // Replaced or expired wrapping keys were removed: rewrite the file now.
        self.scrub_soon();
        r
    }

    fn parameters_logged(
        &self,
        key_id: &str,
        algorithm: WrappingAlgorithm,
        spec: WrappingKeySpec,
        s: &mut Subject,
    ) -> Result<ParametersForImport> {
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let rec = &self.key(id)?.rec;
        state::check(Action::Import, id, rec, self.clock.now())?;
        check_wrapping(rec.key_spec, algorithm, spec)?;
        let failed = || {
            Error::Io(format!(
                "generating the {spec} wrapping key failed in the crypto library; retry"
            ))
        };
        // Generated outside the change lock: RSA key generation takes a while.
        let private = generate_wrapping_key(spec).map_err(|_| failed())?;
        let public: PublicKeyX509Der<'static> =
            private.public_key().as_der().map_err(|_| failed())?;
        // Zeroized on drop by aws-lc-rs.
        let der: Pkcs8V1Der<'static> = private.as_der().map_err(|_| failed())?;
        drop(private);
        let now = self.clock.now();
        let valid_to = now.plus_days(IMPORT_PARAMETERS_VALID_DAYS);
        let token_id = uuid::Uuid::new_v4();
        let token_text = token_id.to_string();
        let plain = encode_wrapping_record(now, valid_to, algorithm, spec, der.as_ref());
        drop(der);
        let sealed = self
            .sealer
            .seal(&Slot::wrapping_key(id, &token_text), &plain)?;
        drop(plain);
        let token = Token {
            key_id: id,
            token_id: token_id.as_u128(),
            valid_to,
            algorithm,
            spec,
        }
        .encode(&self.import_token_key());

        let g = self.lock();
        state::check(
            Action::Import,
            id,
            &self.key_locked(id, &g)?.rec,
            self.clock.now(),
        )?;
        let event = PendingEvent {
            key: Some(id),
            ..PendingEvent::new(now, Operation::GetParametersForImport)
        };
        self.write(&[Bucket::WRAPPING_KEYS], &[event], |tx| {
            let mut t = tx.open_table(WRAPPING_KEYS)?;
            // Earlier parameters of this key, and any expired ones, go.
            let mut doomed = Vec::new();
            for row in t.iter()? {
                let (k, _) = row?;
                let (expiry, key, token) = k.value();
                if key == id || expiry <= now.unix_millis() {
                    doomed.push((expiry, key, token));
                }
            }
            for row in &doomed {
                t.remove(*row)?;
            }
            t.insert(
                (valid_to.unix_millis(), id, token_id.as_u128()),
                sealed.as_slice(),
            )?;
            drop(t);
            if !doomed.is_empty() {
                self.mark_scrub(tx)?;
            }
            Ok(())
        })?;
        s.logged = true;
        Ok(ParametersForImport {
            key_id: self.key_arn(id),
            import_token: token,
            public_key: public.as_ref().to_vec(),
            parameters_valid_to: valid_to,
        })
    }

    /// Imports key material wrapped under the public key of `import_token`'s parameters (AWS KMS
    /// `ImportKeyMaterial`). A key pending import becomes `Enabled`; a key that already has its
    /// material (the same material: anything else is `IncorrectKeyMaterial`) keeps its state and
    /// takes the new expiration.
    ///
    /// `KEY_MATERIAL_EXPIRES` needs `valid_to`, after now and at most 365 days later; with
    /// `KEY_MATERIAL_DOES_NOT_EXPIRE` `valid_to` must be `None` (`Validation` otherwise).
    /// A token of another key, altered, used or replaced is `InvalidImportToken`; an expired one
    /// `ExpiredImportToken`; material that does not decrypt, or has the wrong length
    /// (`SYMMETRIC_DEFAULT`: 32 bytes; HMAC: the spec's length to 128 bytes),
    /// `InvalidCiphertext`; for RSA and ECC, material that is not a PKCS#8 DER private key of
    /// the spec's size or curve `IncorrectKeyMaterial`. Once the token is found valid the attempt uses it up,
    /// whatever the outcome. Returns the id of the imported material (AWS KMS `KeyMaterialId`).
    pub fn import_key_material(
        &self,
        key_id: &str,
        import_token: &[u8],
        encrypted_key_material: &[u8],
        expiration_model: ExpirationModel,
        valid_to: Option<Timestamp>,
    ) -> Result<KeyMaterialId> {
        self.import_key_material_with(
            key_id,
            import_token,
            encrypted_key_material,
            expiration_model,
            valid_to,
            ImportClaims::default(),
        )
    }

    /// [`Self::import_key_material`] with AWS KMS's `ImportType` and `KeyMaterialId`, checked
    /// before the token is used: `NEW_KEY_MATERIAL` for a key that already had material is
    /// `UnsupportedOperation` (a key keeps one material for life here: AWS's rotation of imported
    /// material is not implemented); `EXISTING_KEY_MATERIAL` for a key that never had material,
    /// or a `KeyMaterialId` with `NEW_KEY_MATERIAL`, is `Validation`; a `KeyMaterialId` that is
    /// not the key's material is `NotFound`.
    pub fn import_key_material_with(
        &self,
        key_id: &str,
        import_token: &[u8],
        encrypted_key_material: &[u8],
        expiration_model: ExpirationModel,
        valid_to: Option<Timestamp>,
        claims: ImportClaims<'_>,
    ) -> Result<KeyMaterialId> {
        let r = self.logged(Operation::ImportKeyMaterial, Some(key_id), None, |s| {
            self.import_logged(
                key_id,
                import_token,
                encrypted_key_material,
                (expiration_model, valid_to),
                claims,
                s,
            )
        });
        // The token's wrapping key was used up (whatever the outcome): rewrite the file now.
        self.scrub_soon();
        r
    }

    fn import_logged(
        &self,
        key_id: &str,
        import_token: &[u8],
        encrypted: &[u8],
        (model, valid_to): (ExpirationModel, Option<Timestamp>),
        claims: ImportClaims<'_>,
        s: &mut Subject,
    ) -> Result<KeyMaterialId> {
        let now = self.clock.now();
        check_expiration(model, valid_to, now)?;
        check_encrypted_key_material(encrypted.len())?;
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        state::check(Action::Import, id, &k.rec, self.clock.now())?;
        self.check_import_claims(id, k.rec.material_commitment.is_some(), claims)?;
        let token = Token::parse(import_token, &self.import_token_key())?;
        if token.key_id != id {
            return Err(bad_token(&format!(
                "it was issued for another key, not {}",
                uuid::Uuid::from_u128(id)
            )));
        }
        if now >= token.valid_to {
            return Err(Error::ExpiredImportToken(format!(
                "the import token expired at {}; call {} again and wrap the material under the \
                 new public key",
                token.valid_to,
                Operation::GetParametersForImport
            )));
        }
        let row = (token.valid_to.unix_millis(), id, token.token_id);
        let sealed = self.read(|tx| {
            // A wrapping key restored from an older copy of the file would revive a used token.
            self.integrity.verify(tx, Bucket::WRAPPING_KEYS)?;
            Ok(tx
                .open_table(WRAPPING_KEYS)?
                .get(row)?
                .map(|v| v.value().to_vec()))
        })?;
        let Some(sealed) = sealed else {
            return Err(bad_token(&format!(
                "it was already used, or newer import parameters replaced it; call {} again",
                Operation::GetParametersForImport
            )));
        };
        let token_text = uuid::Uuid::from_u128(token.token_id).to_string();
        let plain = self
            .sealer
            .open(&Slot::wrapping_key(id, &token_text), &sealed)?;
        let wrapping = WrappingKeyRecord::decode(&plain)?;
        if wrapping.valid_to != token.valid_to
            || wrapping.algorithm != token.algorithm
            || wrapping.spec != token.spec
        {
            return Err(Error::Corrupt(format!(
                "the wrapping key of import token {token_text} does not match the token; the \
                 keystore file was tampered with. Restore it from a backup"
            )));
        }
        // From here on the token is used up, whatever the outcome.
        let unwrapped = unwrap_material(
            wrapping.algorithm,
            wrapping.spec,
            wrapping.private_key,
            encrypted,
        );
        drop(plain);
        let material = match unwrapped.and_then(|m| imported_material(id, &k.rec, &m)) {
            Ok(m) => m,
            Err(e) => {
                self.consume_wrapping_key(row)?;
                return Err(e);
            }
        };
        let mac = hmac_key(&self.root, self.id, MATERIAL_COMMITMENT_INFO);
        if let Some(c) = &k.rec.material_commitment
            && !is_committed_material(&mac, id, material.bytes(), c)
        {
            self.consume_wrapping_key(row)?;
            return Err(Error::IncorrectKeyMaterial(format!(
                "key {} is tied to the material first imported into it, and this is different \
                 material; import that same material (call {} again), or create a new EXTERNAL \
                 key for this material",
                uuid::Uuid::from_u128(id),
                Operation::GetParametersForImport
            )));
        }
        let commitment = commit_material(&mac, id, material.bytes());

        let mut rec = k.rec.clone();
        let first = (rec.current_version == 0).then(|| VersionRecord {
            created: now,
            rotation_type: RotationType::Initial,
            material,
        });
        if first.is_some() {
            rec.current_version = 1;
        }
        rec.key_state = state::next_state(Action::Import, &rec);
        rec.expiration_model = Some(model);
        rec.valid_to = valid_to;
        rec.material_commitment = Some(commitment);
        if let Some(d) = claims.key_material_description {
            rec.material_description = Some(d.to_owned());
        }
        let change = KeyChange {
            old: Some(&k),
            id,
            rec,
            added: first.into_iter().collect(),
            remove_versions: false,
            event: PendingEvent {
                key: Some(id),
                version: Some(1),
                ..PendingEvent::new(now, Operation::ImportKeyMaterial)
            },
        };
        let used_token = |tx: &redb::WriteTransaction| {
            tx.open_table(WRAPPING_KEYS)?.remove(row)?;
            Ok(())
        };
        self.commit_key_change(change, true, &[Bucket::WRAPPING_KEYS], used_token, &g)?;
        s.logged = true;
        s.version = Some(1);
        Ok(self.material_id(id, 1))
    }

    /// Checks an import's `ImportType` and `KeyMaterialId` against key `id`'s history
    /// (`had_material`: material was imported into it before).
    fn check_import_claims(
        &self,
        id: u128,
        had_material: bool,
        claims: ImportClaims<'_>,
    ) -> Result<()> {
        let key = uuid::Uuid::from_u128(id);
        let default = if had_material {
            ImportType::ExistingKeyMaterial
        } else {
            ImportType::NewKeyMaterial
        };
        match (claims.import_type.unwrap_or(default), had_material) {
            (ImportType::NewKeyMaterial, true) => {
                return Err(Error::UnsupportedOperation(format!(
                    "key {key} already has key material: a key keeps the material first imported \
                     into it (importing new material, AWS's rotation of imported keys, is not \
                     supported); re-import it with {}, or create a new EXTERNAL key",
                    ImportType::ExistingKeyMaterial
                )));
            }
            (ImportType::ExistingKeyMaterial, false) => {
                return Err(Error::Validation(format!(
                    "key {key} has never had key material: its first import is {}",
                    ImportType::NewKeyMaterial
                )));
            }
            (ImportType::NewKeyMaterial, false) if claims.key_material_id.is_some() => {
                return Err(Error::Validation(format!(
                    "a KeyMaterialId cannot be given with {}",
                    ImportType::NewKeyMaterial
                )));
            }
            _ => {}
        }
        if let Some(d) = claims.key_material_description {
            check_key_material_description(d)?;
        }
        let Some(m) = claims.key_material_id else {
            return Ok(());
        };
        // Not an id at all (not 64 hex characters) is Validation; another key's or unknown id
        // NotFound.
        if m.parse::<KeyMaterialId>()? != self.material_id(id, 1) {
            return Err(Error::NotFound(format!(
                "key {key} has no key material {m}; ListKeyRotations lists its material ids"
            )));
        }
        Ok(())
    }

    /// The key that authenticates import tokens.
    fn import_token_key(&self) -> HmacKey {
        hmac_key(&self.root, self.id, IMPORT_TOKEN_INFO)
    }

    /// Removes a used wrapping key (the caller holds the change lock, and scrubs the file once
    /// it released it).
    fn consume_wrapping_key(&self, row: (i64, u128, u128)) -> Result<()> {
        self.write(&[Bucket::WRAPPING_KEYS], &[], |tx| {
            tx.open_table(WRAPPING_KEYS)?.remove(row)?;
            self.mark_scrub(tx)
        })
    }

    /// Deletes the imported material of an `EXTERNAL` key (AWS KMS `DeleteImportedKeyMaterial`):
    /// the key goes to `PendingImport` and refuses use until the same material is imported
    /// again, after which every blob made under it decrypts again. `InvalidState` for a key
    /// without material or pending deletion; `UnsupportedOperation` for origin `AWS_KMS`.
    /// Returns the id of the deleted material (AWS KMS `KeyMaterialId`).
    pub fn delete_imported_key_material(&self, key_id: &str) -> Result<KeyMaterialId> {
        self.logged(
            Operation::DeleteImportedKeyMaterial,
            Some(key_id),
            None,
            |s| {
                let id = self.resolve(key_id)?;
                s.key = Some(id);
                let g = self.lock();
                let k = self.key_locked(id, &g)?;
                state::check(Action::DeleteImportedMaterial, id, &k.rec, self.clock.now())?;
                self.remove_material(&k, Operation::DeleteImportedKeyMaterial, &g)?;
                s.logged = true;
                Ok(self.material_id(id, 1))
            },
        )
        .inspect(|_| self.scrub_soon())
    }
}

/// The material `plain` (the unwrapped plaintext) gives key `id` of record `rec`, as its version
/// record keeps it (`rules::import`): for `SYMMETRIC_DEFAULT` exactly 32 bytes, for HMAC the raw
/// key of the spec's length to 128 bytes, for RSA and ECC a PKCS#8 private key of the spec, kept
/// in its canonical encoding. The wrong length is `InvalidCiphertext` (SPEC section 7); a
/// private key that is not the spec's `IncorrectKeyMaterial` (AWS KMS: the material is
/// "invalid, or does not meet expectations").
fn imported_material(id: u128, rec: &KeyRecord, plain: &[u8]) -> Result<Material> {
    let spec = rec.key_spec;
    let wrong = || {
        Error::IncorrectKeyMaterial(format!(
            "the material decrypted, but it is not key material for key {} ({spec}): import {}. \
             The token is now used up: call {} again",
            uuid::Uuid::from_u128(id),
            material_wanted(spec),
            Operation::GetParametersForImport
        ))
    };
    match raw_material_len(spec) {
        // SPEC section 7: material of the wrong length is `InvalidCiphertext`.
        Some(lengths) if !lengths.contains(&plain.len()) => Err(Error::InvalidCiphertext(format!(
            "the material decrypted to {} bytes, not key material for key {} ({spec}): import \
             {}. The token is now used up: call {} again",
            plain.len(),
            uuid::Uuid::from_u128(id),
            material_wanted(spec),
            Operation::GetParametersForImport
        ))),
        Some(_) if family(spec) == Family::Symmetric => {
            Ok(Material::Symmetric(Key256::init_with(|k| {
                k.copy_from_slice(plain)
            })))
        }
        Some(_) => Ok(Material::Bytes(Zeroizing::new(plain.to_vec()))),
        None => import_private_key(spec, rec.key_usage, plain)
            .map(Material::Bytes)
            .ok_or_else(wrong),
    }
}

//! Importing key material (BYOK, SPEC section 7): import parameters (a fresh RSA wrapping key pair
//! and an import token), importing wrapped material into an `EXTERNAL` key, deleting it, and its
//! expiry at `valid_to`.
//!
//! - The wrapping private key is sealed at rest (record kind 4, table `import_wrapping_keys`,
//!   bound to the key id and the token id) and removed when its token is used, replaced by newer
//!   parameters for the same key, or expired (docs/FORMAT.md).
//! - A token is used up by the first import attempt that reaches the RSA decryption, whatever its
//!   outcome: each wrapping key decrypts at most one ciphertext, so no padding or timing oracle
//!   can be queried twice (docs/SECURITY.md).
//! - A key is tied to one material for life through a keyed commitment (HMAC-SHA-256 under a
//!   sub-key of the root key) kept inside its sealed key record.

use crate::audit::{Pending, Subject};
use crate::clock::Timestamp;
use crate::codec::{Reader, Writer};
use crate::header::subkey;
use crate::integrity::Bucket;
use crate::keystore::{KeyData, Keystore, Version};
use crate::lifecycle::{due, set_due};
use crate::model::{KeyRecord, KeyState, Origin, RotationType, names};
use crate::record::{Slot, VersionRecord};
use crate::secret::Key256;
use crate::store::{KEYS, VERSIONS, WRAPPING_KEYS};
use crate::{Error, Result};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrapPadded};
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    PrivateDecryptingKey,
};
use parking_lot::MutexGuard;
use redb::ReadableTable;
use ring::hmac;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use zeroize::Zeroizing;

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
    /// Whether imported key material expires (AWS KMS `ExpirationModel`).
    ExpirationModel {
        /// The material is deleted at `valid_to`; the key goes back to `PendingImport`.
        KeyMaterialExpires = 1, "KEY_MATERIAL_EXPIRES";
        /// The material stays until `delete_imported_key_material` or the key's deletion.
        KeyMaterialDoesNotExpire = 2, "KEY_MATERIAL_DOES_NOT_EXPIRE";
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

    fn key_size(self) -> KeySize {
        match self {
            WrappingKeySpec::Rsa2048 => KeySize::Rsa2048,
            WrappingKeySpec::Rsa3072 => KeySize::Rsa3072,
            WrappingKeySpec::Rsa4096 => KeySize::Rsa4096,
        }
    }
}

/// Length of the key material of a `SYMMETRIC_DEFAULT` key, in bytes.
pub const KEY_MATERIAL_LEN: usize = 32;
/// Latest `valid_to` accepted, in days from the import (as AWS KMS).
pub const MAX_VALID_TO_DAYS: u32 = 365;
/// Length of an import token, in bytes (docs/FORMAT.md).
pub const IMPORT_TOKEN_LEN: usize = TOKEN_BODY_LEN + 32;
/// Longest `encrypted_key_material` accepted, in bytes (as AWS KMS).
pub const MAX_ENCRYPTED_KEY_MATERIAL: usize = 6144;

const TOKEN_VERSION: u8 = 1;
const TOKEN_BODY_LEN: usize = 1 + 16 + 16 + 8 + 1 + 1;
const WRAPPING_RECORD_VERSION: u8 = 1;

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

/// A keyed commitment to a key's imported material: HMAC-SHA-256 under the commitment sub-key of
/// `key id || material` (docs/FORMAT.md). Lives only inside the sealed key record.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct MaterialCommitment([u8; 32]);

impl MaterialCommitment {
    pub fn from_bytes(b: [u8; 32]) -> Self {
        MaterialCommitment(b)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for MaterialCommitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MaterialCommitment(redacted)")
    }
}

/// The authenticated content of an import token.
struct Token {
    key_id: u128,
    token_id: u128,
    valid_to: Timestamp,
    algorithm: WrappingAlgorithm,
    spec: WrappingKeySpec,
}

fn bad_token(why: &str) -> Error {
    Error::InvalidImportToken(format!(
        "the import token is not valid: {why}; pass the import_token returned by \
         get_parameters_for_import for this key, unchanged"
    ))
}

impl Token {
    fn encode(&self, mac: &hmac::Key) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(IMPORT_TOKEN_LEN));
        w.u8(TOKEN_VERSION)
            .bytes(&self.key_id.to_be_bytes())
            .bytes(&self.token_id.to_be_bytes())
            .i64(self.valid_to.unix_millis())
            .u8(self.algorithm.code())
            .u8(self.spec.code());
        let tag = hmac::sign(mac, &w.0);
        w.bytes(tag.as_ref());
        w.0
    }

    /// Parses and authenticates a token; anything wrong is `InvalidImportToken`.
    fn parse(bytes: &[u8], mac: &hmac::Key) -> Result<Token> {
        if bytes.len() != IMPORT_TOKEN_LEN {
            return Err(bad_token(&format!(
                "it is {} bytes long, not {IMPORT_TOKEN_LEN}",
                bytes.len()
            )));
        }
        if bytes[0] != TOKEN_VERSION {
            return Err(bad_token("its format version is unknown"));
        }
        let (body, tag) = bytes.split_at(TOKEN_BODY_LEN);
        hmac::verify(mac, body, tag).map_err(|_| {
            bad_token("it does not authenticate (it was altered, or made by another keystore)")
        })?;
        let mut r = Reader::new(&body[1..], "an import token");
        let inner = |r: &mut Reader<'_>| -> Result<Token> {
            Ok(Token {
                key_id: u128::from_be_bytes(r.array()?),
                token_id: u128::from_be_bytes(r.array()?),
                valid_to: Timestamp::from_unix_millis(r.i64()?),
                algorithm: WrappingAlgorithm::from_code(r.u8()?, r)?,
                spec: WrappingKeySpec::from_code(r.u8()?, r)?,
            })
        };
        let token = inner(&mut r).map_err(|_| bad_token("its content is malformed"))?;
        r.finish()
            .map_err(|_| bad_token("its content is malformed"))?;
        Ok(token)
    }
}

/// A wrapping key's sealed content (record kind 4).
struct WrappingKeyRecord<'a> {
    valid_to: Timestamp,
    algorithm: WrappingAlgorithm,
    spec: WrappingKeySpec,
    /// PKCS#8 v1 DER of the RSA private key.
    private_key: &'a [u8],
}

fn encode_wrapping_record(
    created: Timestamp,
    valid_to: Timestamp,
    algorithm: WrappingAlgorithm,
    spec: WrappingKeySpec,
    private_key: &[u8],
) -> Zeroizing<Vec<u8>> {
    // Allocated once at its final size: it holds the private key.
    let mut w = Writer(Vec::with_capacity(
        1 + 8 + 8 + 1 + 1 + 4 + private_key.len(),
    ));
    w.u8(WRAPPING_RECORD_VERSION)
        .i64(created.unix_millis())
        .i64(valid_to.unix_millis())
        .u8(algorithm.code())
        .u8(spec.code())
        .var(private_key);
    Zeroizing::new(w.0)
}

impl<'a> WrappingKeyRecord<'a> {
    fn decode(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, "a wrapping-key record");
        if r.u8()? != WRAPPING_RECORD_VERSION {
            return Err(r.corrupt("unknown record version"));
        }
        let _created = r.i64()?;
        let rec = WrappingKeyRecord {
            valid_to: Timestamp::from_unix_millis(r.i64()?),
            algorithm: WrappingAlgorithm::from_code(r.u8()?, &r)?,
            spec: WrappingKeySpec::from_code(r.u8()?, &r)?,
            private_key: r.var()?,
        };
        r.finish()?;
        Ok(rec)
    }
}

/// 32 bytes of material, copied into their final home, or `None` for any other length.
fn material(bytes: &[u8]) -> Option<Key256> {
    (bytes.len() == KEY_MATERIAL_LEN).then(|| Key256::init_with(|k| k.copy_from_slice(bytes)))
}

fn oaep(algorithm: WrappingAlgorithm) -> &'static OaepAlgorithm {
    match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 => &OAEP_SHA1_MGF1SHA1,
        WrappingAlgorithm::RsaesOaepSha256 | WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            &OAEP_SHA256_MGF1SHA256
        }
    }
}

/// Unwraps the material under the wrapping key. Every failure (a ciphertext of the wrong length,
/// bad padding, a wrong AES key-wrap check, material that is not 32 bytes) is the same
/// `InvalidCiphertext`, so the answer tells nothing about where decryption failed.
fn unwrap_material(rec: &WrappingKeyRecord<'_>, encrypted: &[u8]) -> Result<Key256> {
    let alg = rec.algorithm;
    let failed = || {
        Error::InvalidCiphertext(format!(
            "the encrypted key material does not unwrap to {KEY_MATERIAL_LEN} bytes of key material \
             under this import token's wrapping key with {alg}; wrap exactly {KEY_MATERIAL_LEN} \
             bytes with {alg} and the public key returned with this token. The token is now used \
             up: call get_parameters_for_import again"
        ))
    };
    let corrupt = || {
        Error::Corrupt(
            "a stored import wrapping key is malformed; call get_parameters_for_import again"
                .into(),
        )
    };
    let private = PrivateDecryptingKey::from_pkcs8(rec.private_key).map_err(|_| corrupt())?;
    let k = private.key_size_bytes();
    if k != rec.spec.modulus_len() {
        return Err(corrupt());
    }
    let key = OaepPrivateDecryptingKey::new(private).map_err(|_| corrupt())?;
    let mut buf = Zeroizing::new(vec![0u8; k]);
    match alg {
        WrappingAlgorithm::RsaesOaepSha256 | WrappingAlgorithm::RsaesOaepSha1 => {
            if encrypted.len() != k {
                return Err(failed());
            }
            let plain = key
                .decrypt(oaep(alg), encrypted, &mut buf, None)
                .map_err(|_| failed())?;
            material(plain).ok_or_else(failed)
        }
        WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            if encrypted.len() <= k {
                return Err(failed());
            }
            let (wrapped_aes_key, wrapped_material) = encrypted.split_at(k);
            let aes_key = key
                .decrypt(oaep(alg), wrapped_aes_key, &mut buf, None)
                .map_err(|_| failed())?;
            if aes_key.len() != 32 {
                return Err(failed());
            }
            // The KEK copies the key into a box it zeroizes on drop; `buf` is zeroized too.
            let kek = AesKek::new(&AES_256, aes_key).map_err(|_| failed())?;
            let mut out = Zeroizing::new(vec![0u8; wrapped_material.len()]);
            let plain = kek
                .unwrap_with_padding(wrapped_material, &mut out)
                .map_err(|_| failed())?;
            material(plain).ok_or_else(failed)
        }
    }
}

/// The state rules shared by the import calls: `EXTERNAL` keys only, never pending deletion.
fn check_importable(rec: &KeyRecord, id: u128) -> Result<()> {
    let name = uuid::Uuid::from_u128(id);
    if rec.origin != Origin::External {
        return Err(Error::UnsupportedOperation(format!(
            "key {name} has origin {}; key material can be imported only into a key created with \
             origin EXTERNAL",
            rec.origin
        )));
    }
    if rec.key_state == KeyState::PendingDeletion {
        return Err(Error::InvalidState(format!(
            "key {name} is pending deletion; cancel_key_deletion first if it is still needed"
        )));
    }
    Ok(())
}

fn check_expiration(
    model: ExpirationModel,
    valid_to: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    match (model, valid_to) {
        (ExpirationModel::KeyMaterialDoesNotExpire, None) => Ok(()),
        (ExpirationModel::KeyMaterialDoesNotExpire, Some(_)) => Err(Error::Validation(
            "valid_to may be given only with KEY_MATERIAL_EXPIRES; omit it, or choose \
             KEY_MATERIAL_EXPIRES"
                .into(),
        )),
        (ExpirationModel::KeyMaterialExpires, None) => Err(Error::Validation(
            "KEY_MATERIAL_EXPIRES needs valid_to, the time the material expires".into(),
        )),
        (ExpirationModel::KeyMaterialExpires, Some(t)) => {
            let latest = now.plus_days(MAX_VALID_TO_DAYS);
            if t <= now || t > latest {
                return Err(Error::Validation(format!(
                    "valid_to must be after now ({now}) and at most {MAX_VALID_TO_DAYS} days \
                     later ({latest}), not {t}"
                )));
            }
            Ok(())
        }
    }
}

impl Keystore {
    fn import_token_key(&self) -> hmac::Key {
        let k = subkey(&self.root, self.id, b"strongroom import token key v1");
        hmac::Key::new(hmac::HMAC_SHA256, k.bytes())
    }

    fn commitment_key(&self) -> hmac::Key {
        let k = subkey(
            &self.root,
            self.id,
            b"strongroom key material commitment v1",
        );
        hmac::Key::new(hmac::HMAC_SHA256, k.bytes())
    }

    /// Returns a fresh RSA wrapping public key and an import token for an `EXTERNAL` key, both
    /// valid for 24 hours and for one import (AWS KMS `GetParametersForImport`). Earlier
    /// parameters for the same key stop working. The key may be `PendingImport`, `Enabled` or
    /// `Disabled` (to re-import its material); `UnsupportedOperation` for a key of origin
    /// `STRONGROOM`, `InvalidState` while pending deletion.
    pub fn get_parameters_for_import(
        &self,
        key_id: &str,
        wrapping_algorithm: WrappingAlgorithm,
        wrapping_key_spec: WrappingKeySpec,
    ) -> Result<ParametersForImport> {
        self.logged("GetParametersForImport", Some(key_id), None, |s| {
            self.parameters_logged(key_id, wrapping_algorithm, wrapping_key_spec, s)
        })
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
        check_importable(&self.key(id)?.rec, id)?;
        let failed = || {
            Error::Io(format!(
                "generating the {spec} wrapping key failed in the crypto library; retry"
            ))
        };
        // Generated outside the change lock: RSA key generation takes a while.
        let private = PrivateDecryptingKey::generate(spec.key_size()).map_err(|_| failed())?;
        let public: PublicKeyX509Der<'static> =
            private.public_key().as_der().map_err(|_| failed())?;
        // Zeroized on drop by aws-lc-rs.
        let der: Pkcs8V1Der<'static> = private.as_der().map_err(|_| failed())?;
        drop(private);
        let now = self.clock.now();
        let valid_to = now.plus_days(1);
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
        check_importable(&self.key_locked(id, &g)?.rec, id)?;
        let event = Pending {
            key: Some(id),
            ..Pending::new(now, "GetParametersForImport")
        };
        let mut removed = false;
        self.write(&[], &[event], |tx| {
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
            removed = !doomed.is_empty();
            t.insert(
                (valid_to.unix_millis(), id, token_id.as_u128()),
                sealed.as_slice(),
            )?;
            Ok(())
        })?;
        s.logged = true;
        if removed {
            self.destroyed.store(true, Ordering::Relaxed);
        }
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
    /// `ExpiredImportToken`; material that does not unwrap to 32 bytes `InvalidCiphertext`. Once
    /// the token is found valid the attempt uses it up, whatever the outcome.
    pub fn import_key_material(
        &self,
        key_id: &str,
        import_token: &[u8],
        encrypted_key_material: &[u8],
        expiration_model: ExpirationModel,
        valid_to: Option<Timestamp>,
    ) -> Result<()> {
        self.logged("ImportKeyMaterial", Some(key_id), None, |s| {
            self.import_logged(
                key_id,
                import_token,
                encrypted_key_material,
                expiration_model,
                valid_to,
                s,
            )
        })
    }

    fn import_logged(
        &self,
        key_id: &str,
        import_token: &[u8],
        encrypted: &[u8],
        model: ExpirationModel,
        valid_to: Option<Timestamp>,
        s: &mut Subject,
    ) -> Result<()> {
        let now = self.clock.now();
        check_expiration(model, valid_to, now)?;
        if encrypted.is_empty() || encrypted.len() > MAX_ENCRYPTED_KEY_MATERIAL {
            return Err(Error::Validation(format!(
                "encrypted_key_material must be 1 to {MAX_ENCRYPTED_KEY_MATERIAL} bytes, not {}",
                encrypted.len()
            )));
        }
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        check_importable(&k.rec, id)?;
        let token = Token::parse(import_token, &self.import_token_key())?;
        if token.key_id != id {
            return Err(bad_token(&format!(
                "it was issued for another key, not {}",
                uuid::Uuid::from_u128(id)
            )));
        }
        if now >= token.valid_to {
            return Err(Error::ExpiredImportToken(format!(
                "the import token expired at {}; call get_parameters_for_import again and wrap the \
                 material under the new public key",
                token.valid_to
            )));
        }
        let row = (token.valid_to.unix_millis(), id, token.token_id);
        let sealed = self.read(|tx| {
            Ok(tx
                .open_table(WRAPPING_KEYS)?
                .get(row)?
                .map(|v| v.value().to_vec()))
        })?;
        let Some(sealed) = sealed else {
            return Err(bad_token(
                "it was already used, or newer import parameters replaced it; call \
                 get_parameters_for_import again",
            ));
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
        let unwrapped = unwrap_material(&wrapping, encrypted);
        drop(plain);
        let material = match unwrapped {
            Ok(m) => m,
            Err(e) => {
                self.consume_wrapping_key(row)?;
                return Err(e);
            }
        };
        let mac = self.commitment_key();
        let mut input = Zeroizing::new(Vec::with_capacity(16 + KEY_MATERIAL_LEN));
        input.extend_from_slice(&id.to_be_bytes());
        input.extend_from_slice(material.bytes());
        if let Some(c) = &k.rec.material_commitment
            && hmac::verify(&mac, &input, c.bytes()).is_err()
        {
            self.consume_wrapping_key(row)?;
            return Err(Error::IncorrectKeyMaterial(format!(
                "key {} is tied to the material first imported into it, and this is different \
                 material; import that same material (call get_parameters_for_import again), or \
                 create a new EXTERNAL key for this material",
                uuid::Uuid::from_u128(id)
            )));
        }
        let commitment = MaterialCommitment::from_bytes(
            hmac::sign(&mac, &input)
                .as_ref()
                .try_into()
                .expect("HMAC-SHA-256 is 32 bytes"),
        );
        drop(input);

        let mut rec = k.rec.clone();
        let first = (rec.current_version == 0).then(|| VersionRecord {
            created: now,
            rotation_type: RotationType::Initial,
            material,
        });
        if first.is_some() {
            rec.current_version = 1;
        }
        if rec.key_state == KeyState::PendingImport {
            rec.key_state = KeyState::Enabled;
        }
        rec.expiration_model = Some(model);
        rec.valid_to = valid_to;
        rec.material_commitment = Some(commitment);
        let sealed_version = match &first {
            Some(v) => Some(self.sealer.seal(&Slot::version(id, 1), &v.encode())?),
            None => None,
        };
        let sealed_rec = self.sealer.seal(&Slot::key(id), &rec.encode())?;
        let (old_due, new_due) = (due(&k.rec), due(&rec));
        let event = Pending {
            key: Some(id),
            version: Some(1),
            ..Pending::new(now, "ImportKeyMaterial")
        };
        self.write(&[Bucket::key(id)], &[event], |tx| {
            tx.open_table(KEYS)?.insert(id, sealed_rec.as_slice())?;
            if let Some(v) = &sealed_version {
                tx.open_table(VERSIONS)?.insert((id, 1), v.as_slice())?;
            }
            tx.open_table(WRAPPING_KEYS)?.remove(row)?;
            set_due(tx, id, old_due, new_due)
        })?;
        s.logged = true;
        s.version = Some(1);
        self.destroyed.store(true, Ordering::Relaxed);
        if let Some(d) = new_due {
            self.next_due.fetch_min(d.unix_millis(), Ordering::Relaxed);
        }
        let mut versions = k.versions.clone();
        versions.extend(first.map(|v| Arc::new(Version::new(1, v))));
        self.cache_key(KeyData::new(id, rec, versions));
        Ok(())
    }

    /// Removes a used wrapping key (the caller holds the change lock).
    fn consume_wrapping_key(&self, row: (i64, u128, u128)) -> Result<()> {
        self.write(&[], &[], |tx| {
            tx.open_table(WRAPPING_KEYS)?.remove(row)?;
            Ok(())
        })?;
        self.destroyed.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Deletes the imported material of an `EXTERNAL` key (AWS KMS `DeleteImportedKeyMaterial`):
    /// the key goes to `PendingImport` and refuses use until the same material is imported
    /// again, after which every blob made under it decrypts again. `InvalidState` for a key
    /// without material or pending deletion; `UnsupportedOperation` for origin `STRONGROOM`.
    pub fn delete_imported_key_material(&self, key_id: &str) -> Result<()> {
        self.logged("DeleteImportedKeyMaterial", Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let g = self.lock();
            let k = self.key_locked(id, &g)?;
            check_importable(&k.rec, id)?;
            if k.rec.key_state == KeyState::PendingImport {
                return Err(Error::InvalidState(format!(
                    "key {} has no key material to delete",
                    uuid::Uuid::from_u128(id)
                )));
            }
            self.remove_material(&k, "DeleteImportedKeyMaterial", &g)?;
            s.logged = true;
            Ok(())
        })
    }

    /// Due work: deletes key `id`'s imported material if it expired by `now`.
    pub(crate) fn expire_imported_material(&self, id: u128, now: Timestamp) -> Result<()> {
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        if matches!(k.rec.key_state, KeyState::Enabled | KeyState::Disabled)
            && k.rec.valid_to.is_some_and(|t| t <= now)
        {
            self.remove_material(&k, "DeleteExpiredKeyMaterial", &g)?;
        }
        Ok(())
    }

    /// Removes every version of `k`'s material; the key waits in `PendingImport`, keeping its
    /// material commitment.
    fn remove_material(
        &self,
        k: &KeyData,
        operation: &'static str,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<()> {
        let id = k.id;
        let mut rec = k.rec.clone();
        rec.key_state = KeyState::PendingImport;
        rec.current_version = 0;
        rec.valid_to = None;
        rec.expiration_model = None;
        let sealed = self.sealer.seal(&Slot::key(id), &rec.encode())?;
        let (old_due, new_due) = (due(&k.rec), due(&rec));
        let event = Pending {
            key: Some(id),
            ..Pending::new(self.clock.now(), operation)
        };
        self.write(&[Bucket::key(id)], &[event], |tx| {
            tx.open_table(KEYS)?.insert(id, sealed.as_slice())?;
            let mut t = tx.open_table(VERSIONS)?;
            for n in 1..=k.versions.len() as u32 {
                t.remove((id, n))?;
            }
            set_due(tx, id, old_due, new_due)
        })?;
        self.destroyed.store(true, Ordering::Relaxed);
        self.cache_key(KeyData::new(id, rec, Vec::new()));
        Ok(())
    }

    /// Maintenance: removes the wrapping keys of import tokens that expired by `now`.
    pub(crate) fn purge_expired_wrapping_keys(&self, now: Timestamp) -> Result<()> {
        let expired = self.read(|tx| {
            let t = match tx.open_table(WRAPPING_KEYS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            let mut rows = Vec::new();
            for row in t.range((i64::MIN, 0, 0)..=(now.unix_millis(), u128::MAX, u128::MAX))? {
                rows.push(row?.0.value());
            }
            Ok(rows)
        })?;
        if expired.is_empty() {
            return Ok(());
        }
        let _g = self.lock();
        self.write(&[], &[], |tx| {
            let mut t = tx.open_table(WRAPPING_KEYS)?;
            for row in &expired {
                t.remove(*row)?;
            }
            Ok(())
        })?;
        self.destroyed.store(true, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac() -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, &[7; 32])
    }

    #[test]
    fn token_round_trip_and_tamper() {
        let t = Token {
            key_id: 0x1234,
            token_id: 0x5678,
            valid_to: Timestamp::from_unix_millis(86_400_000),
            algorithm: WrappingAlgorithm::RsaAesKeyWrapSha256,
            spec: WrappingKeySpec::Rsa3072,
        };
        let bytes = t.encode(&mac());
        assert_eq!(bytes.len(), IMPORT_TOKEN_LEN);
        let back = Token::parse(&bytes, &mac()).unwrap();
        assert_eq!(
            (back.key_id, back.token_id, back.valid_to),
            (t.key_id, t.token_id, t.valid_to)
        );
        assert_eq!(back.algorithm, t.algorithm);
        assert_eq!(back.spec, t.spec);
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(matches!(
                Token::parse(&b, &mac()),
                Err(Error::InvalidImportToken(_))
            ));
        }
        let other = hmac::Key::new(hmac::HMAC_SHA256, &[8; 32]);
        assert!(Token::parse(&bytes, &other).is_err());
        assert!(Token::parse(&bytes[..IMPORT_TOKEN_LEN - 1], &mac()).is_err());
    }

    #[test]
    fn wrapping_record_round_trip() {
        let plain = encode_wrapping_record(
            Timestamp::from_unix_millis(1),
            Timestamp::from_unix_millis(2),
            WrappingAlgorithm::RsaesOaepSha1,
            WrappingKeySpec::Rsa4096,
            b"der",
        );
        let rec = WrappingKeyRecord::decode(&plain).unwrap();
        assert_eq!(rec.valid_to, Timestamp::from_unix_millis(2));
        assert_eq!(rec.algorithm, WrappingAlgorithm::RsaesOaepSha1);
        assert_eq!(rec.spec, WrappingKeySpec::Rsa4096);
        assert_eq!(rec.private_key, b"der");
        assert!(WrappingKeyRecord::decode(&plain[..plain.len() - 1]).is_err());
    }

    #[test]
    fn expiration_bounds() {
        let now = Timestamp::from_unix_millis(1_000_000);
        let e = ExpirationModel::KeyMaterialExpires;
        let n = ExpirationModel::KeyMaterialDoesNotExpire;
        let ms = |d: i64| Some(Timestamp::from_unix_millis(now.unix_millis() + d));
        assert!(check_expiration(n, None, now).is_ok());
        assert!(check_expiration(n, ms(1000), now).is_err());
        assert!(check_expiration(e, None, now).is_err());
        assert!(check_expiration(e, ms(0), now).is_err());
        assert!(check_expiration(e, ms(1), now).is_ok());
        let year = i64::from(MAX_VALID_TO_DAYS) * Timestamp::DAY_MS;
        assert!(check_expiration(e, ms(year), now).is_ok());
        assert!(check_expiration(e, ms(year + 1), now).is_err());
    }
}

//! Asymmetric and HMAC keys (SPEC section 11; docs/key-types.md): sign, verify, public keys,
//! MACs, key agreement, data key pairs and RSA-OAEP encryption (AWS KMS `Sign`, `Verify`,
//! `GetPublicKey`, `GenerateMac`, `VerifyMac`, `DeriveSharedSecret`, `GenerateDataKeyPair`,
//! `GenerateDataKeyPairWithoutPlaintext`, and `Encrypt`/`Decrypt` with an
//! `EncryptionAlgorithm`).
//!
//! Algorithm and type names are AWS's strings, as key specs are (`"ECDSA_SHA_256"`, `"RAW"`,
//! `"HMAC_SHA_256"`, `"ECDH"`, `"ECC_NIST_P256"`, ...); an unknown name is
//! `SR_STATUS_VALIDATION` and reaches no key. Which key allows which algorithm is the core's
//! table (`rules/key_specs.rs`): a name the key does not allow is `SR_STATUS_INVALID_KEY_USAGE`.

use crate::crypto::{context, sr_buffer, sr_context_pair};
use crate::error::Failure;
use crate::ffi::{Out, c_string, free_array, free_box, free_c_string, to_box, try_opt_str};
use crate::ffi::{try_slice, try_str};
use crate::key::{SR_KEY_MATERIAL_ID_SIZE, material_id, name_array, static_name, static_opt_name};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, MessageType,
    ReEncryptAlgorithms, SigningAlgorithm,
};
use std::ffi::c_char;
use std::str::FromStr;

/// A required AWS name (`what` names the argument in the message).
fn name<T: FromStr<Err = sr_core::Error>>(p: *const c_char, what: &str) -> Result<T, Failure> {
    Ok(try_str(p, what)?.parse::<T>()?)
}

/// An optional AWS name: NULL is `default`.
fn opt_name<T: FromStr<Err = sr_core::Error>>(
    p: *const c_char,
    what: &str,
    default: T,
) -> Result<T, Failure> {
    Ok(try_opt_str(p, what)?
        .map(str::parse::<T>)
        .transpose()?
        .unwrap_or(default))
}

/// Signs `message` (`message_len` bytes) with the `SIGN_VERIFY` key `key_id` (key id, key ARN,
/// alias name or alias ARN) and writes the signature to `*signature_out` (AWS KMS `Sign`; free it
/// with `sr_buffer_free`).
///
/// `message_type` is `"RAW"` (the message itself, 1 to 4096 bytes; NULL means `"RAW"`) or
/// `"DIGEST"` (its hash, exactly the algorithm's hash length: 32, 48 or 64 bytes; else
/// `SR_STATUS_VALIDATION`). `signing_algorithm` is one the key allows (its metadata's
/// `signing_algorithms`): `"RSASSA_PSS_SHA_256"`, `"RSASSA_PKCS1_V1_5_SHA_256"`,
/// `"ECDSA_SHA_256"` (P-256, secp256k1), `"ECDSA_SHA_384"` (P-384), `"ECDSA_SHA_512"` (P-521),
/// `"ED25519_SHA_512"` (RAW only), `"ML_DSA_SHAKE_256"` (RAW only), ...; another is
/// `SR_STATUS_INVALID_KEY_USAGE`, as is a key that does not sign. ECDSA signatures are DER; RSA,
/// Ed25519 and ML-DSA signatures are raw. `"ED25519_PH_SHA_512"` is
/// `SR_STATUS_UNSUPPORTED_OPERATION` (docs/key-types.md).
#[unsafe(no_mangle)]
pub extern "C" fn sr_sign(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    message: *const u8,
    message_len: usize,
    message_type: *const c_char,
    signing_algorithm: *const c_char,
    signature_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let message = try_slice(message, message_len, "message")?;
        let message_type = opt_name(message_type, "message_type", MessageType::Raw)?;
        let algorithm = name::<SigningAlgorithm>(signing_algorithm, "signing_algorithm")?;
        let out = Out::new(signature_out, "signature_out")?;
        let signed = ks.sign(key_id, message, message_type, algorithm)?;
        out.set(sr_buffer::new(signed.signature));
        Ok(())
    })
}

/// Verifies `signature` (1 to 6144 bytes) of `message` with the `SIGN_VERIFY` key `key_id` (AWS
/// KMS `Verify`), whoever made it (openssl with the key's public key, for one). Returns
/// `SR_STATUS_OK` if it is valid and `SR_STATUS_KMS_INVALID_SIGNATURE` if it is not: there is no
/// "false" answer to check. `message_type` and `signing_algorithm` as for `sr_sign`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_verify(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    message: *const u8,
    message_len: usize,
    message_type: *const c_char,
    signature: *const u8,
    signature_len: usize,
    signing_algorithm: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let message = try_slice(message, message_len, "message")?;
        let message_type = opt_name(message_type, "message_type", MessageType::Raw)?;
        let signature = try_slice(signature, signature_len, "signature")?;
        let algorithm = name::<SigningAlgorithm>(signing_algorithm, "signing_algorithm")?;
        ks.verify(key_id, message, message_type, signature, algorithm)?;
        Ok(())
    })
}

/// An asymmetric key's public key (AWS KMS `GetPublicKey`'s result). Read the fields; free the
/// whole thing with `sr_public_key_free`. The enumeration names are static strings; the arrays
/// of names are freed with the struct (NULL when empty).
#[repr(C)]
pub struct sr_public_key {
    /// ARN of the key.
    pub key_id: *mut c_char,
    /// The public key, DER SubjectPublicKeyInfo (RFC 5280): what openssl reads with
    /// `openssl pkey -pubin -inform DER`.
    pub public_key: sr_buffer,
    /// The deprecated `CustomerMasterKeySpec` (the key spec), or NULL for Ed25519 and ML-DSA keys
    /// (static string).
    pub customer_master_key_spec: *const c_char,
    /// `"RSA_2048"`, `"ECC_NIST_P256"`, ... (static string).
    pub key_spec: *const c_char,
    /// `"ENCRYPT_DECRYPT"`, `"SIGN_VERIFY"` or `"KEY_AGREEMENT"` (static string).
    pub key_usage: *const c_char,
    /// `encryption_algorithms_len` names (`"RSAES_OAEP_SHA_1"`, `"RSAES_OAEP_SHA_256"`) for an
    /// RSA `ENCRYPT_DECRYPT` key, else NULL.
    pub encryption_algorithms: *mut *const c_char,
    /// Number of encryption algorithms.
    pub encryption_algorithms_len: usize,
    /// `signing_algorithms_len` names for a `SIGN_VERIFY` key, else NULL.
    pub signing_algorithms: *mut *const c_char,
    /// Number of signing algorithms.
    pub signing_algorithms_len: usize,
    /// `key_agreement_algorithms_len` names (`"ECDH"`) for a `KEY_AGREEMENT` key, else NULL.
    pub key_agreement_algorithms: *mut *const c_char,
    /// Number of key agreement algorithms.
    pub key_agreement_algorithms_len: usize,
}

impl Drop for sr_public_key {
    fn drop(&mut self) {
        free_c_string(self.key_id);
        self.public_key.release();
        // The names are static; only the arrays are ours.
        drop(free_array(
            self.encryption_algorithms,
            self.encryption_algorithms_len,
        ));
        drop(free_array(
            self.signing_algorithms,
            self.signing_algorithms_len,
        ));
        drop(free_array(
            self.key_agreement_algorithms,
            self.key_agreement_algorithms_len,
        ));
    }
}

/// Writes the public key of the asymmetric key `key_id`, with its spec, usage and algorithms, to
/// `*public_key_out` (AWS KMS `GetPublicKey`; free it with `sr_public_key_free`). A symmetric or
/// HMAC key is `SR_STATUS_UNSUPPORTED_OPERATION`; the key's state applies as to every use (a
/// disabled key is `SR_STATUS_DISABLED`).
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_public_key(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    public_key_out: *mut *mut sr_public_key,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(public_key_out, "public_key_out")?;
        let p = ks.get_public_key(key_id)?;
        let mut r = sr_public_key {
            key_id: std::ptr::null_mut(),
            public_key: sr_buffer::new(p.public_key),
            customer_master_key_spec: static_opt_name(
                p.customer_master_key_spec.map(|s| s.as_str()),
            ),
            key_spec: static_name(p.key_spec.as_str()),
            key_usage: static_name(p.key_usage.as_str()),
            encryption_algorithms: std::ptr::null_mut(),
            encryption_algorithms_len: 0,
            signing_algorithms: std::ptr::null_mut(),
            signing_algorithms_len: 0,
            key_agreement_algorithms: std::ptr::null_mut(),
            key_agreement_algorithms_len: 0,
        };
        // Filled one by one so that a failure frees what was made (through Drop).
        (r.encryption_algorithms, r.encryption_algorithms_len) =
            name_array(&p.encryption_algorithms, EncryptionAlgorithm::as_str);
        (r.signing_algorithms, r.signing_algorithms_len) =
            name_array(&p.signing_algorithms, SigningAlgorithm::as_str);
        (r.key_agreement_algorithms, r.key_agreement_algorithms_len) =
            name_array(&p.key_agreement_algorithms, KeyAgreementAlgorithm::as_str);
        r.key_id = c_string(&p.key_id)?;
        out.set(to_box(r));
        Ok(())
    })
}

/// Frees a result of `sr_get_public_key`. Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_public_key_free(public_key: *mut sr_public_key) {
    boundary_void(|| drop(free_box(public_key)))
}

/// Writes the HMAC of `message` (1 to 4096 bytes) under the `GENERATE_VERIFY_MAC` key `key_id`
/// to `*mac_out` (AWS KMS `GenerateMac`; free it with `sr_buffer_free`). `mac_algorithm` is the
/// key's own: `"HMAC_SHA_224"`, `"HMAC_SHA_256"`, `"HMAC_SHA_384"` or `"HMAC_SHA_512"` for an
/// `HMAC_224/256/384/512` key; another, or a key of another usage, is
/// `SR_STATUS_INVALID_KEY_USAGE`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_mac(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    message: *const u8,
    message_len: usize,
    mac_algorithm: *const c_char,
    mac_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let message = try_slice(message, message_len, "message")?;
        let algorithm = name::<MacAlgorithm>(mac_algorithm, "mac_algorithm")?;
        let out = Out::new(mac_out, "mac_out")?;
        let m = ks.generate_mac(key_id, message, algorithm)?;
        out.set(sr_buffer::new(m.mac));
        Ok(())
    })
}

/// Checks `mac` against the HMAC of `message` under the key `key_id`, in constant time (AWS KMS
/// `VerifyMac`). Returns `SR_STATUS_OK` if it matches and `SR_STATUS_KMS_INVALID_MAC` if it does
/// not: there is no "false" answer to check. Arguments as for `sr_generate_mac`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_verify_mac(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    message: *const u8,
    message_len: usize,
    mac_algorithm: *const c_char,
    mac: *const u8,
    mac_len: usize,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let message = try_slice(message, message_len, "message")?;
        let algorithm = name::<MacAlgorithm>(mac_algorithm, "mac_algorithm")?;
        let mac = try_slice(mac, mac_len, "mac")?;
        ks.verify_mac(key_id, message, algorithm, mac)?;
        Ok(())
    })
}

/// ECDH between the `KEY_AGREEMENT` key `key_id` and a peer's public key (`public_key`: DER
/// SubjectPublicKeyInfo on the key's curve, else `SR_STATUS_VALIDATION`) (AWS KMS
/// `DeriveSharedSecret`). `key_agreement_algorithm` is `"ECDH"`. Writes the raw shared secret
/// (the x coordinate of the shared point, as AWS returns it; derive keys from it with a KDF) to
/// `*shared_secret_out`: a secret, which `sr_buffer_free` zeroes.
#[unsafe(no_mangle)]
pub extern "C" fn sr_derive_shared_secret(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_agreement_algorithm: *const c_char,
    public_key: *const u8,
    public_key_len: usize,
    shared_secret_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let algorithm =
            name::<KeyAgreementAlgorithm>(key_agreement_algorithm, "key_agreement_algorithm")?;
        let public_key = try_slice(public_key, public_key_len, "public_key")?;
        let out = Out::new(shared_secret_out, "shared_secret_out")?;
        let s = ks.derive_shared_secret(key_id, algorithm, public_key)?;
        // The core's copy is zeroized when `s` drops; C's by `sr_buffer_free`.
        out.set(sr_buffer::copy_of(s.shared_secret.as_bytes()));
        Ok(())
    })
}

/// A data key pair (AWS KMS `GenerateDataKeyPair`'s result). Use `private_key_plaintext`, keep
/// `private_key_ciphertext_blob` (an ordinary blob: `sr_decrypt` with the same encryption
/// context gives the private key back), and free the whole thing with `sr_data_key_pair_free`,
/// which zeroes the private key. From `sr_generate_data_key_pair_without_plaintext`,
/// `private_key_plaintext` is empty (`data` NULL, `len` 0).
#[repr(C)]
pub struct sr_data_key_pair {
    /// The private key, PKCS#8 DER (a secret).
    pub private_key_plaintext: sr_buffer,
    /// The private key encrypted under the KMS key.
    pub private_key_ciphertext_blob: sr_buffer,
    /// The public key, DER SubjectPublicKeyInfo.
    pub public_key: sr_buffer,
    /// ARN of the KMS key.
    pub key_id: *mut c_char,
    /// `"RSA_2048"`, `"ECC_NIST_P256"`, ... (static string).
    pub key_pair_spec: *const c_char,
    /// The id of the KMS key's material that encrypted the private key (AWS KMS
    /// `KeyMaterialId`: 64 hex characters, NUL-terminated).
    pub key_material_id: [c_char; SR_KEY_MATERIAL_ID_SIZE],
}

impl Drop for sr_data_key_pair {
    fn drop(&mut self) {
        self.private_key_plaintext.release();
        self.private_key_ciphertext_blob.release();
        self.public_key.release();
        free_c_string(self.key_id);
    }
}

/// The body of both data key pair functions.
fn data_key_pair(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_pair_spec: *const c_char,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_pair_out: *mut *mut sr_data_key_pair,
    with_plaintext: bool,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let key_id = try_str(key_id, "key_id")?;
    let spec = name::<DataKeyPairSpec>(key_pair_spec, "key_pair_spec")?;
    let ctx = context(
        encryption_context,
        encryption_context_len,
        "encryption_context",
    )?;
    let out = Out::new(data_key_pair_out, "data_key_pair_out")?;
    let mut r = sr_data_key_pair {
        private_key_plaintext: sr_buffer::empty(),
        private_key_ciphertext_blob: sr_buffer::empty(),
        public_key: sr_buffer::empty(),
        key_id: std::ptr::null_mut(),
        key_pair_spec: static_name(spec.as_str()),
        key_material_id: material_id(None),
    };
    if with_plaintext {
        let p = ks.generate_data_key_pair(key_id, ctx.as_ref(), spec)?;
        r.private_key_plaintext = sr_buffer::copy_of(p.private_key_plaintext.as_bytes());
        r.private_key_ciphertext_blob = sr_buffer::new(p.private_key_ciphertext_blob);
        r.public_key = sr_buffer::new(p.public_key);
        r.key_material_id = material_id(Some(&p.key_material_id));
        r.key_id = c_string(&p.key_id)?;
    } else {
        let p = ks.generate_data_key_pair_without_plaintext(key_id, ctx.as_ref(), spec)?;
        r.private_key_ciphertext_blob = sr_buffer::new(p.private_key_ciphertext_blob);
        r.public_key = sr_buffer::new(p.public_key);
        r.key_material_id = material_id(Some(&p.key_material_id));
        r.key_id = c_string(&p.key_id)?;
    }
    out.set(to_box(r));
    Ok(())
}

/// Makes a fresh asymmetric key pair of `key_pair_spec` (`"RSA_2048"`, `"RSA_3072"`,
/// `"RSA_4096"`, `"ECC_NIST_P256"`, `"ECC_NIST_P384"`, `"ECC_NIST_P521"` or
/// `"ECC_SECG_P256K1"`) and encrypts its private key under the symmetric key `key_id` (AWS KMS
/// `GenerateDataKeyPair`); writes it to `*data_key_pair_out`. The encryption context (NULL and 0
/// for none) is needed again to decrypt the private key's blob. A key that is not a symmetric
/// encryption key is `SR_STATUS_INVALID_KEY_USAGE`. RSA-4096 generation takes about a second.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_data_key_pair(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_pair_spec: *const c_char,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_pair_out: *mut *mut sr_data_key_pair,
) -> sr_status {
    boundary(|| {
        data_key_pair(
            keystore,
            key_id,
            key_pair_spec,
            encryption_context,
            encryption_context_len,
            data_key_pair_out,
            true,
        )
    })
}

/// As `sr_generate_data_key_pair`, without the plaintext private key (AWS KMS
/// `GenerateDataKeyPairWithoutPlaintext`): the result's `private_key_plaintext` is empty.
#[unsafe(no_mangle)]
pub extern "C" fn sr_generate_data_key_pair_without_plaintext(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_pair_spec: *const c_char,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    data_key_pair_out: *mut *mut sr_data_key_pair,
) -> sr_status {
    boundary(|| {
        data_key_pair(
            keystore,
            key_id,
            key_pair_spec,
            encryption_context,
            encryption_context_len,
            data_key_pair_out,
            false,
        )
    })
}

/// Frees a data key pair, zeroing its private key. Calling with NULL is fine. Must not be called
/// twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_data_key_pair_free(data_key_pair: *mut sr_data_key_pair) {
    boundary_void(|| drop(free_box(data_key_pair)))
}

/// `sr_encrypt` with AWS KMS `Encrypt`'s `EncryptionAlgorithm`: `"SYMMETRIC_DEFAULT"` (or NULL)
/// is `sr_encrypt`; `"RSAES_OAEP_SHA_1"` or `"RSAES_OAEP_SHA_256"` encrypt with an RSA
/// `ENCRYPT_DECRYPT` key's public key (MGF1 with the same hash, no label) and write the raw OAEP
/// ciphertext (the modulus' length) to `*ciphertext_blob_out`. RSA takes no encryption context
/// (`SR_STATUS_VALIDATION`) and at most modulus bytes - 2 * hash - 2 bytes of plaintext (RSA_2048:
/// 214 with SHA-1, 190 with SHA-256). An algorithm the key does not allow is
/// `SR_STATUS_INVALID_KEY_USAGE`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_encrypt_with_algorithm(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    encryption_algorithm: *const c_char,
    ciphertext_blob_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let plaintext = try_slice(plaintext, plaintext_len, "plaintext")?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let algorithm = opt_name(
            encryption_algorithm,
            "encryption_algorithm",
            EncryptionAlgorithm::SymmetricDefault,
        )?;
        let out = Out::new(ciphertext_blob_out, "ciphertext_blob_out")?;
        let e = ks.encrypt_with_algorithm(key_id, plaintext, ctx.as_ref(), algorithm)?;
        out.set(sr_buffer::new(e.ciphertext_blob));
        Ok(())
    })
}

/// `sr_decrypt` with AWS KMS `Decrypt`'s `EncryptionAlgorithm`: `"SYMMETRIC_DEFAULT"` (or NULL)
/// is `sr_decrypt`; with `"RSAES_OAEP_SHA_1"` or `"RSAES_OAEP_SHA_256"`, `key_id` is required
/// (raw OAEP ciphertext does not name its key; NULL is `SR_STATUS_VALIDATION`), there is no
/// encryption context, and ciphertext made anywhere with the key's public key (openssl, Go's
/// crypto/rsa) decrypts. Ciphertext that does not decrypt is `SR_STATUS_INVALID_CIPHERTEXT`.
/// Free the plaintext with `sr_buffer_free` (it zeroes it).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_decrypt_with_algorithm(
    keystore: *const sr_keystore,
    ciphertext_blob: *const u8,
    ciphertext_blob_len: usize,
    encryption_context: *const sr_context_pair,
    encryption_context_len: usize,
    key_id: *const c_char,
    encryption_algorithm: *const c_char,
    plaintext_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let blob = try_slice(ciphertext_blob, ciphertext_blob_len, "ciphertext_blob")?;
        let ctx = context(
            encryption_context,
            encryption_context_len,
            "encryption_context",
        )?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let algorithm = opt_name(
            encryption_algorithm,
            "encryption_algorithm",
            EncryptionAlgorithm::SymmetricDefault,
        )?;
        let out = Out::new(plaintext_out, "plaintext_out")?;
        let d = ks.decrypt_with_algorithm(blob, ctx.as_ref(), key_id, algorithm)?;
        out.set(sr_buffer::copy_of(d.plaintext.as_bytes()));
        Ok(())
    })
}

/// `sr_re_encrypt` with AWS KMS `ReEncrypt`'s `SourceEncryptionAlgorithm` and
/// `DestinationEncryptionAlgorithm` (each `"SYMMETRIC_DEFAULT"` or NULL, `"RSAES_OAEP_SHA_1"` or
/// `"RSAES_OAEP_SHA_256"`): moves ciphertext between symmetric keys and RSA `ENCRYPT_DECRYPT`
/// keys without the plaintext leaving strongroom. An RSA source algorithm reads raw OAEP
/// ciphertext of the key `source_key_id` names (then required: `SR_STATUS_VALIDATION` without
/// it) with no source context; an RSA destination algorithm writes raw OAEP ciphertext with no
/// destination context (`SR_STATUS_VALIDATION`) and a plaintext within the key's OAEP limit
/// (`SR_STATUS_VALIDATION`). An algorithm a key does not allow is `SR_STATUS_INVALID_KEY_USAGE`;
/// ciphertext that does not decrypt `SR_STATUS_INVALID_CIPHERTEXT`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_re_encrypt_with_algorithms(
    keystore: *const sr_keystore,
    ciphertext_blob: *const u8,
    ciphertext_blob_len: usize,
    destination_key_id: *const c_char,
    source_encryption_context: *const sr_context_pair,
    source_encryption_context_len: usize,
    destination_encryption_context: *const sr_context_pair,
    destination_encryption_context_len: usize,
    source_key_id: *const c_char,
    source_encryption_algorithm: *const c_char,
    destination_encryption_algorithm: *const c_char,
    ciphertext_blob_out: *mut sr_buffer,
) -> sr_status {
    boundary(|| {
        re_encrypt(
            keystore,
            (ciphertext_blob, ciphertext_blob_len),
            destination_key_id,
            (source_encryption_context, source_encryption_context_len),
            (
                destination_encryption_context,
                destination_encryption_context_len,
            ),
            source_key_id,
            (
                source_encryption_algorithm,
                destination_encryption_algorithm,
            ),
            ciphertext_blob_out,
        )
    })
}

/// `sr_re_encrypt` and `sr_re_encrypt_with_algorithms`: the arguments checked, then the core's
/// `re_encrypt_with_algorithms` (a NULL algorithm is `SYMMETRIC_DEFAULT`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn re_encrypt(
    keystore: *const sr_keystore,
    (ciphertext_blob, ciphertext_blob_len): (*const u8, usize),
    destination_key_id: *const c_char,
    (source_encryption_context, source_encryption_context_len): (*const sr_context_pair, usize),
    (destination_encryption_context, destination_encryption_context_len): (
        *const sr_context_pair,
        usize,
    ),
    source_key_id: *const c_char,
    (source_encryption_algorithm, destination_encryption_algorithm): (*const c_char, *const c_char),
    ciphertext_blob_out: *mut sr_buffer,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let blob = try_slice(ciphertext_blob, ciphertext_blob_len, "ciphertext_blob")?;
    let dest = try_str(destination_key_id, "destination_key_id")?;
    let src_ctx = context(
        source_encryption_context,
        source_encryption_context_len,
        "source_encryption_context",
    )?;
    let dst_ctx = context(
        destination_encryption_context,
        destination_encryption_context_len,
        "destination_encryption_context",
    )?;
    let source_key_id = try_opt_str(source_key_id, "source_key_id")?;
    let algorithms = ReEncryptAlgorithms {
        source: opt_name(
            source_encryption_algorithm,
            "source_encryption_algorithm",
            EncryptionAlgorithm::SymmetricDefault,
        )?,
        destination: opt_name(
            destination_encryption_algorithm,
            "destination_encryption_algorithm",
            EncryptionAlgorithm::SymmetricDefault,
        )?,
    };
    let out = Out::new(ciphertext_blob_out, "ciphertext_blob_out")?;
    let r = ks.re_encrypt_with_algorithms(
        blob,
        dest,
        src_ctx.as_ref(),
        dst_ctx.as_ref(),
        source_key_id,
        algorithms,
    )?;
    out.set(sr_buffer::new(r.ciphertext_blob));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sr_buffer_free;
    use crate::key::{sr_create_key, sr_key_metadata, sr_key_metadata_free};
    use crate::keystore::tests::fresh;
    use crate::keystore::{sr_keystore_close, sr_keystore_free};
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};

    /// Creates a key of `spec` and `usage`, returning its id and a copy of its metadata's
    /// algorithm names (encryption, signing, MAC, key agreement).
    fn create(
        ks: *const sr_keystore,
        spec: &CStr,
        usage: &CStr,
    ) -> (CString, [Vec<String>; 4], Option<String>) {
        let mut m: *mut sr_key_metadata = null_mut();
        assert_eq!(
            sr_create_key(ks, null(), spec.as_ptr(), usage.as_ptr(), null(), &mut m),
            sr_status::Ok
        );
        // SAFETY: a metadata record just returned, freed below.
        let r = unsafe { &*m };
        // SAFETY: a key id owned by `r`.
        let id = unsafe { CStr::from_ptr(r.key_id) }.to_owned();
        let lists = [
            names(r.encryption_algorithms, r.encryption_algorithms_len),
            names(r.signing_algorithms, r.signing_algorithms_len),
            names(r.mac_algorithms, r.mac_algorithms_len),
            names(r.key_agreement_algorithms, r.key_agreement_algorithms_len),
        ];
        let cmk = text(r.customer_master_key_spec);
        sr_key_metadata_free(m);
        (id, lists, cmk)
    }

    /// A NULL-or-static string as an owned `Option`.
    fn text(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a NUL-terminated string owned by a live struct (or static).
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// The names of a returned array (NULL exactly when empty).
    fn names(items: *mut *const c_char, len: usize) -> Vec<String> {
        assert_eq!(items.is_null(), len == 0, "NULL exactly when empty");
        if len == 0 {
            return Vec::new();
        }
        // SAFETY: `len` static names at `items`, owned by a live struct.
        unsafe { std::slice::from_raw_parts(items, len) }
            .iter()
            .map(|p| text(*p).unwrap())
            .collect()
    }

    /// The bytes of a filled buffer, which is then freed.
    fn take(mut b: sr_buffer) -> Vec<u8> {
        // SAFETY: a buffer strongroom filled: `len` bytes at `data`.
        let v = unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec();
        sr_buffer_free(&mut b);
        v
    }

    /// An untouched out-buffer: what a failed call must leave as it was.
    fn sentinel() -> sr_buffer {
        sr_buffer {
            data: std::ptr::dangling_mut::<u8>(),
            len: 7,
        }
    }

    #[test]
    fn sign_verify_mac_and_their_refusals() {
        let (dir, ks, symmetric) = fresh("asymmetric");
        let (ec, lists, cmk) = create(ks, c"ECC_NIST_P256", c"SIGN_VERIFY");
        assert_eq!(lists[1], ["ECDSA_SHA_256"]);
        assert!(lists[0].is_empty() && lists[2].is_empty() && lists[3].is_empty());
        assert_eq!(cmk.as_deref(), Some("ECC_NIST_P256"));
        let (_, lists, cmk) = create(ks, c"ECC_NIST_EDWARDS25519", c"SIGN_VERIFY");
        assert_eq!(
            (lists[1].as_slice(), cmk),
            (&["ED25519_SHA_512".to_owned()][..], None)
        );
        let (hmac, lists, _) = create(ks, c"HMAC_256", c"GENERATE_VERIFY_MAC");
        assert_eq!(lists[2], ["HMAC_SHA_256"]);

        let msg = b"release 1.0";
        let alg = c"ECDSA_SHA_256";
        let mut sig = sentinel();
        assert_eq!(
            sr_sign(
                ks,
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                c"RAW".as_ptr(),
                alg.as_ptr(),
                &mut sig
            ),
            sr_status::Ok
        );
        let mut sig = take(sig);
        let verify = |m: &[u8], s: &[u8], t: *const c_char| {
            sr_verify(
                ks,
                ec.as_ptr(),
                m.as_ptr(),
                m.len(),
                t,
                s.as_ptr(),
                s.len(),
                alg.as_ptr(),
            )
        };
        // NULL message type is RAW.
        assert_eq!(verify(msg, &sig, null()), sr_status::Ok);
        assert_eq!(
            verify(b"release 1.1", &sig, null()),
            sr_status::KMSInvalidSignature
        );
        *sig.last_mut().unwrap() ^= 1;
        assert_eq!(verify(msg, &sig, null()), sr_status::KMSInvalidSignature);
        // A DIGEST of the wrong length, an unknown message type.
        assert_eq!(verify(msg, &sig, c"DIGEST".as_ptr()), sr_status::Validation);
        assert_eq!(verify(msg, &sig, c"TEXT".as_ptr()), sr_status::Validation);

        // Bad arguments: the right status, the output untouched.
        let utf8 = [b'a', 0xff, 0];
        let bad = CStr::from_bytes_with_nul(&utf8).unwrap();
        for (key, m, n, a, want) in [
            (
                null(),
                msg.as_ptr(),
                msg.len(),
                alg.as_ptr(),
                sr_status::NullParameter,
            ),
            (
                ec.as_ptr(),
                null(),
                4,
                alg.as_ptr(),
                sr_status::NullParameter,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                null(),
                sr_status::NullParameter,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                bad.as_ptr(),
                sr_status::InvalidUtf8,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                c"ECDSA".as_ptr(),
                sr_status::Validation,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                0,
                alg.as_ptr(),
                sr_status::Validation,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                4097,
                alg.as_ptr(),
                sr_status::Validation,
            ),
            (
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                c"ECDSA_SHA_384".as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
            (
                hmac.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                alg.as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
            (
                symmetric.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                alg.as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
        ] {
            let big = vec![0u8; 4097];
            let m = if n == 4097 { big.as_ptr() } else { m };
            let mut out = sentinel();
            assert_eq!(sr_sign(ks, key, m, n, null(), a, &mut out), want);
            assert_eq!(
                (out.data, out.len),
                (std::ptr::dangling_mut::<u8>(), 7),
                "{want:?}"
            );
        }
        assert_eq!(
            sr_sign(
                ks,
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                null(),
                alg.as_ptr(),
                null_mut()
            ),
            sr_status::NullParameter
        );

        // MACs.
        let hs = c"HMAC_SHA_256";
        let mut mac = sentinel();
        assert_eq!(
            sr_generate_mac(
                ks,
                hmac.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                hs.as_ptr(),
                &mut mac
            ),
            sr_status::Ok
        );
        let mut mac = take(mac);
        assert_eq!(mac.len(), 32);
        let verify_mac = |a: &CStr, m: &[u8]| {
            sr_verify_mac(
                ks,
                hmac.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                a.as_ptr(),
                m.as_ptr(),
                m.len(),
            )
        };
        assert_eq!(verify_mac(hs, &mac), sr_status::Ok);
        assert_eq!(
            verify_mac(c"HMAC_SHA_512", &mac),
            sr_status::InvalidKeyUsage
        );
        assert_eq!(verify_mac(c"HMAC", &mac), sr_status::Validation);
        mac[0] ^= 1;
        assert_eq!(verify_mac(hs, &mac), sr_status::KMSInvalidMac);
        let mut out = sentinel();
        assert_eq!(
            sr_generate_mac(
                ks,
                ec.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                hs.as_ptr(),
                &mut out
            ),
            sr_status::InvalidKeyUsage
        );
        assert_eq!(out.len, 7);

        // The public key: its fields; none for a symmetric key.
        let mut pk: *mut sr_public_key = null_mut();
        assert_eq!(sr_get_public_key(ks, ec.as_ptr(), &mut pk), sr_status::Ok);
        // SAFETY: just returned, freed below.
        let p = unsafe { &*pk };
        assert_eq!(text(p.key_spec).as_deref(), Some("ECC_NIST_P256"));
        assert_eq!(text(p.key_usage).as_deref(), Some("SIGN_VERIFY"));
        assert_eq!(
            text(p.customer_master_key_spec).as_deref(),
            Some("ECC_NIST_P256")
        );
        assert_eq!(
            names(p.signing_algorithms, p.signing_algorithms_len),
            ["ECDSA_SHA_256"]
        );
        assert!(names(p.encryption_algorithms, p.encryption_algorithms_len).is_empty());
        assert!(text(p.key_id).unwrap().ends_with(ec.to_str().unwrap()));
        assert_eq!(p.public_key.len, 91, "a P-256 SubjectPublicKeyInfo");
        sr_public_key_free(pk);
        sr_public_key_free(null_mut());
        let mut none: *mut sr_public_key = null_mut();
        assert_eq!(
            sr_get_public_key(ks, symmetric.as_ptr(), &mut none),
            sr_status::UnsupportedOperation
        );
        assert!(none.is_null());

        assert_eq!(sr_keystore_close(ks), sr_status::Ok);
        sr_keystore_free(ks);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn agreement_pairs_and_rsa_oaep() {
        let (dir, ks, symmetric) = fresh("agreement");
        let (a, lists, _) = create(ks, c"ECC_NIST_P256", c"KEY_AGREEMENT");
        assert_eq!(lists[3], ["ECDH"]);
        let (b, _, _) = create(ks, c"ECC_NIST_P256", c"KEY_AGREEMENT");
        let public = |k: &CStr| {
            let mut pk: *mut sr_public_key = null_mut();
            assert_eq!(sr_get_public_key(ks, k.as_ptr(), &mut pk), sr_status::Ok);
            // SAFETY: just returned, freed below.
            let p = unsafe { &*pk };
            // SAFETY: `len` bytes at `data`, owned by `p`.
            let der =
                unsafe { std::slice::from_raw_parts(p.public_key.data, p.public_key.len) }.to_vec();
            sr_public_key_free(pk);
            der
        };
        let derive = |k: &CStr, peer: &[u8], out: &mut sr_buffer| {
            sr_derive_shared_secret(
                ks,
                k.as_ptr(),
                c"ECDH".as_ptr(),
                peer.as_ptr(),
                peer.len(),
                out,
            )
        };
        let (pa, pb) = (public(&a), public(&b));
        let (mut ab, mut ba) = (sentinel(), sentinel());
        assert_eq!(derive(&a, &pb, &mut ab), sr_status::Ok);
        assert_eq!(derive(&b, &pa, &mut ba), sr_status::Ok);
        let (ab, ba) = (take(ab), take(ba));
        assert_eq!((ab.len(), &ab), (32, &ba));
        let mut out = sentinel();
        assert_eq!(derive(&a, b"not a key", &mut out), sr_status::Validation);
        assert_eq!(
            sr_derive_shared_secret(
                ks,
                a.as_ptr(),
                c"ECDHE".as_ptr(),
                pb.as_ptr(),
                pb.len(),
                &mut out
            ),
            sr_status::Validation
        );
        assert_eq!(
            derive(&symmetric, &pb, &mut out),
            sr_status::InvalidKeyUsage
        );
        assert_eq!(out.len, 7);

        // A data key pair: the blob decrypts to the private key, with the same context.
        let ctx = [sr_context_pair {
            key: c"purpose".as_ptr(),
            value: c"test".as_ptr(),
        }];
        let mut pair: *mut sr_data_key_pair = null_mut();
        assert_eq!(
            sr_generate_data_key_pair(
                ks,
                symmetric.as_ptr(),
                c"ECC_NIST_P256".as_ptr(),
                ctx.as_ptr(),
                1,
                &mut pair
            ),
            sr_status::Ok
        );
        // SAFETY: just returned, freed below.
        let p = unsafe { &*pair };
        assert_eq!(text(p.key_pair_spec).as_deref(), Some("ECC_NIST_P256"));
        assert_eq!(p.public_key.len, 91);
        let mut plain = sentinel();
        assert_eq!(
            crate::crypto::sr_decrypt(
                ks,
                p.private_key_ciphertext_blob.data,
                p.private_key_ciphertext_blob.len,
                ctx.as_ptr(),
                1,
                null(),
                &mut plain
            ),
            sr_status::Ok
        );
        // SAFETY: `len` bytes at `data`, owned by `p`.
        let private = unsafe {
            std::slice::from_raw_parts(p.private_key_plaintext.data, p.private_key_plaintext.len)
        };
        assert_eq!(take(plain), private);
        sr_data_key_pair_free(pair);
        let mut pair: *mut sr_data_key_pair = null_mut();
        assert_eq!(
            sr_generate_data_key_pair_without_plaintext(
                ks,
                symmetric.as_ptr(),
                c"RSA_2048".as_ptr(),
                null(),
                0,
                &mut pair
            ),
            sr_status::Ok
        );
        // SAFETY: just returned, freed below.
        let p = unsafe { &*pair };
        assert!(p.private_key_plaintext.data.is_null() && p.private_key_plaintext.len == 0);
        assert!(p.private_key_ciphertext_blob.len > 0);
        sr_data_key_pair_free(pair);
        sr_data_key_pair_free(null_mut());
        let mut none: *mut sr_data_key_pair = null_mut();
        for (k, spec, want) in [
            (
                symmetric.as_ptr(),
                c"ECC_NIST_EDWARDS25519".as_ptr(),
                sr_status::Validation,
            ),
            (symmetric.as_ptr(), null(), sr_status::NullParameter),
            (
                a.as_ptr(),
                c"ECC_NIST_P256".as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
        ] {
            assert_eq!(
                sr_generate_data_key_pair(ks, k, spec, null(), 0, &mut none),
                want
            );
            assert!(none.is_null());
        }

        // RSA-OAEP through the `_with_algorithm` functions; NULL is SYMMETRIC_DEFAULT.
        let (rsa, lists, _) = create(ks, c"RSA_2048", c"ENCRYPT_DECRYPT");
        assert_eq!(lists[0], ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
        let oaep = c"RSAES_OAEP_SHA_256";
        let secret = b"attack at dawn";
        let mut ct = sentinel();
        assert_eq!(
            sr_encrypt_with_algorithm(
                ks,
                rsa.as_ptr(),
                secret.as_ptr(),
                secret.len(),
                null(),
                0,
                oaep.as_ptr(),
                &mut ct
            ),
            sr_status::Ok
        );
        let ct = take(ct);
        assert_eq!(ct.len(), 256);
        let mut pt = sentinel();
        assert_eq!(
            sr_decrypt_with_algorithm(
                ks,
                ct.as_ptr(),
                ct.len(),
                null(),
                0,
                rsa.as_ptr(),
                oaep.as_ptr(),
                &mut pt
            ),
            sr_status::Ok
        );
        assert_eq!(take(pt), secret);
        let mut out = sentinel();
        for (k, a, want) in [
            (null(), oaep.as_ptr(), sr_status::Validation),
            (
                rsa.as_ptr(),
                c"RSAES_OAEP_SHA_1".as_ptr(),
                sr_status::InvalidCiphertext,
            ),
            (rsa.as_ptr(), null(), sr_status::InvalidCiphertext),
            (
                symmetric.as_ptr(),
                oaep.as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
        ] {
            assert_eq!(
                sr_decrypt_with_algorithm(ks, ct.as_ptr(), ct.len(), null(), 0, k, a, &mut out),
                want
            );
        }
        assert_eq!(
            sr_encrypt_with_algorithm(
                ks,
                rsa.as_ptr(),
                secret.as_ptr(),
                191,
                null(),
                0,
                oaep.as_ptr(),
                &mut out
            ),
            sr_status::Validation,
            "190 bytes at most for RSA_2048 with SHA-256"
        );
        assert_eq!(
            sr_encrypt_with_algorithm(
                ks,
                symmetric.as_ptr(),
                secret.as_ptr(),
                secret.len(),
                null(),
                0,
                null(),
                &mut out
            ),
            sr_status::Ok
        );
        let blob = take(out);
        let mut pt = sentinel();
        assert_eq!(
            sr_decrypt_with_algorithm(
                ks,
                blob.as_ptr(),
                blob.len(),
                null(),
                0,
                null(),
                c"SYMMETRIC_DEFAULT".as_ptr(),
                &mut pt
            ),
            sr_status::Ok
        );
        assert_eq!(take(pt), secret);

        // ReEncrypt between the symmetric blob and the RSA key, both ways; NULL algorithms are
        // SYMMETRIC_DEFAULT.
        let mut moved = sentinel();
        assert_eq!(
            sr_re_encrypt_with_algorithms(
                ks,
                blob.as_ptr(),
                blob.len(),
                rsa.as_ptr(),
                null(),
                0,
                null(),
                0,
                null(),
                null(),
                oaep.as_ptr(),
                &mut moved
            ),
            sr_status::Ok
        );
        let raw = take(moved);
        assert_eq!(raw.len(), 256);
        let mut back = sentinel();
        assert_eq!(
            sr_re_encrypt_with_algorithms(
                ks,
                raw.as_ptr(),
                raw.len(),
                symmetric.as_ptr(),
                null(),
                0,
                null(),
                0,
                rsa.as_ptr(),
                oaep.as_ptr(),
                null(),
                &mut back
            ),
            sr_status::Ok
        );
        let back = take(back);
        let mut pt = sentinel();
        assert_eq!(
            sr_decrypt_with_algorithm(
                ks,
                back.as_ptr(),
                back.len(),
                null(),
                0,
                null(),
                null(),
                &mut pt
            ),
            sr_status::Ok
        );
        assert_eq!(take(pt), secret);
        let mut none = sentinel();
        for (source_key, source_alg, want) in [
            (null(), oaep.as_ptr(), sr_status::Validation),
            (rsa.as_ptr(), c"RSAES_PKCS1".as_ptr(), sr_status::Validation),
            (rsa.as_ptr(), null(), sr_status::InvalidCiphertext),
            (
                symmetric.as_ptr(),
                oaep.as_ptr(),
                sr_status::InvalidKeyUsage,
            ),
        ] {
            assert_eq!(
                sr_re_encrypt_with_algorithms(
                    ks,
                    raw.as_ptr(),
                    raw.len(),
                    symmetric.as_ptr(),
                    null(),
                    0,
                    null(),
                    0,
                    source_key,
                    source_alg,
                    null(),
                    &mut none
                ),
                want
            );
            assert_eq!(none.len, 7, "no out-parameter on failure");
        }

        assert_eq!(sr_keystore_close(ks), sr_status::Ok);
        sr_keystore_free(ks);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

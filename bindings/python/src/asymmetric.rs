//! Asymmetric and HMAC keys (SPEC section 11, docs/key-types.md): `get_public_key`, `sign`,
//! `verify`, `generate_mac`, `verify_mac`, `derive_shared_secret`, the data key pairs and
//! RSA-OAEP `encrypt`/`decrypt`, with the records they return (`PublicKey`, `Signed`, `Mac`,
//! `SharedSecret`, `DataKeyPair`, `DataKeyPairWithoutPlaintext`).
//!
//! The `Keystore` methods are in `keystore.rs` (one `#[pymethods]` block); each calls the
//! function of the same name here. Algorithm, spec and message-type names are strings read by
//! the core's parsers (a wrong name is `strongroom.Validation`), and every rule is the core's: an
//! invalid signature or MAC is the core's `KMSInvalidSignature`/`KMSInvalidMac`, never `False`.
//! Private-key operations (signing, RSA decryption, ECDH, key pair generation) and
//! verification run with the GIL released, the keystore lock taken only while detached; HMAC
//! follows the binding's size threshold. Secret outputs (the shared secret, a data key pair's
//! private key) stay in the core's zeroizing buffers, with one Python copy made on first access.

use crate::convert::{Buffer, buffer, context};
use crate::error::core;
use crate::keystore::{PyKeystore, dry};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;
use strongroom::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, MessageType,
    ReEncryptAlgorithms, SecretBytes, SigningAlgorithm,
};

/// A name parsed by the core's parser (`Validation` listing the valid names).
fn parsed<T: std::str::FromStr<Err = strongroom::Error>>(name: &str) -> PyResult<T> {
    name.parse().map_err(core)
}

/// The names of a list of algorithms.
fn names<T: Copy>(list: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    list.iter().map(|&a| name(a)).collect()
}

/// One Python copy of a secret held in a zeroizing buffer, made at the first access.
fn secret_copy<'py>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyBytes>>,
    secret: &SecretBytes,
) -> Bound<'py, PyBytes> {
    cell.get_or_init(py, || PyBytes::new(py, secret.as_bytes()).unbind())
        .bind(py)
        .clone()
}

// ----- the records -----

/// A key's public key (AWS KMS ``GetPublicKey``): the DER SubjectPublicKeyInfo with the key's
/// spec, usage and algorithms.
#[pyclass(frozen, eq, module = "strongroom", name = "PublicKey")]
#[derive(PartialEq)]
pub struct PyPublicKey(pub(crate) strongroom::PublicKey);

#[pymethods]
impl PyPublicKey {
    /// ARN of the key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The public key, DER SubjectPublicKeyInfo (RFC 5280): what ``openssl pkey -pubin
    /// -inform DER`` and ``cryptography``'s ``load_der_public_key`` read.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.public_key)
    }

    /// The deprecated ``CustomerMasterKeySpec`` (``None`` for Ed25519 and ML-DSA keys).
    #[getter]
    fn customer_master_key_spec(&self) -> Option<&'static str> {
        self.0.customer_master_key_spec.map(|s| s.as_str())
    }

    /// ``"RSA_2048"``, ``"ECC_NIST_P256"``, ...
    #[getter]
    fn key_spec(&self) -> &'static str {
        self.0.key_spec.as_str()
    }

    /// ``"SIGN_VERIFY"``, ``"ENCRYPT_DECRYPT"`` or ``"KEY_AGREEMENT"``.
    #[getter]
    fn key_usage(&self) -> &'static str {
        self.0.key_usage.as_str()
    }

    /// The encryption algorithms the key allows (RSA ``ENCRYPT_DECRYPT`` keys; else empty).
    #[getter]
    fn encryption_algorithms(&self) -> Vec<&'static str> {
        names(&self.0.encryption_algorithms, EncryptionAlgorithm::as_str)
    }

    /// The signing algorithms the key allows (``SIGN_VERIFY`` keys; else empty).
    #[getter]
    fn signing_algorithms(&self) -> Vec<&'static str> {
        names(&self.0.signing_algorithms, SigningAlgorithm::as_str)
    }

    /// The key agreement algorithms the key allows (``KEY_AGREEMENT`` keys: ``["ECDH"]``).
    #[getter]
    fn key_agreement_algorithms(&self) -> Vec<&'static str> {
        names(
            &self.0.key_agreement_algorithms,
            KeyAgreementAlgorithm::as_str,
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "PublicKey(key_id={:?}, key_spec={:?}, key_usage={:?}, public_key=<{} bytes>)",
            self.0.key_id,
            self.0.key_spec.as_str(),
            self.0.key_usage.as_str(),
            self.0.public_key.len()
        )
    }
}

/// What ``sign`` returns (AWS KMS ``Sign``).
#[pyclass(frozen, eq, module = "strongroom", name = "Signed")]
#[derive(PartialEq)]
pub struct PySigned(pub(crate) strongroom::Signed);

#[pymethods]
impl PySigned {
    /// ARN of the key that signed.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The signature: DER for ECDSA, raw for RSA, Ed25519 and ML-DSA (as AWS KMS).
    #[getter]
    fn signature<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.signature)
    }

    /// The algorithm used.
    #[getter]
    fn signing_algorithm(&self) -> &'static str {
        self.0.signing_algorithm.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Signed(key_id={:?}, signing_algorithm={:?}, signature=<{} bytes>)",
            self.0.key_id,
            self.0.signing_algorithm.as_str(),
            self.0.signature.len()
        )
    }
}

/// What ``generate_mac`` returns (AWS KMS ``GenerateMac``).
#[pyclass(frozen, eq, module = "strongroom", name = "Mac")]
#[derive(PartialEq)]
pub struct PyMac(pub(crate) strongroom::Mac);

#[pymethods]
impl PyMac {
    /// ARN of the HMAC key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The MAC (the HMAC of the message).
    #[getter]
    fn mac<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.mac)
    }

    /// The algorithm used.
    #[getter]
    fn mac_algorithm(&self) -> &'static str {
        self.0.mac_algorithm.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Mac(key_id={:?}, mac_algorithm={:?}, mac=<{} bytes>)",
            self.0.key_id,
            self.0.mac_algorithm.as_str(),
            self.0.mac.len()
        )
    }
}

/// What ``derive_shared_secret`` returns (AWS KMS ``DeriveSharedSecret``). Its ``repr`` never
/// shows the secret.
#[pyclass(frozen, module = "strongroom", name = "SharedSecret")]
pub struct PySharedSecret {
    /// The core's result; the secret is zeroized when the object is freed.
    inner: strongroom::SharedSecret,
    /// The one Python copy of the secret (as ``DataKey.plaintext``).
    secret_bytes: PyOnceLock<Py<PyBytes>>,
}

#[pymethods]
impl PySharedSecret {
    /// ARN of the key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.inner.key_id
    }

    /// The raw ECDH shared secret (the x coordinate of the shared point), as AWS returns it:
    /// derive keys from it with a KDF. The same ``bytes`` object on every access.
    #[getter]
    fn shared_secret<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        secret_copy(py, &self.secret_bytes, &self.inner.shared_secret)
    }

    /// ``"ECDH"``.
    #[getter]
    fn key_agreement_algorithm(&self) -> &'static str {
        self.inner.key_agreement_algorithm.as_str()
    }

    /// The key's origin (``"AWS_KMS"``).
    #[getter]
    fn key_origin(&self) -> &'static str {
        self.inner.key_origin.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "SharedSecret(key_id={:?}, shared_secret=<{} secret bytes>)",
            self.inner.key_id,
            self.inner.shared_secret.len()
        )
    }
}

/// A data key pair (AWS KMS ``GenerateDataKeyPair``): use ``private_key_plaintext`` (PKCS#8
/// DER) and drop it, keep ``private_key_ciphertext_blob`` (``decrypt`` opens it) and
/// ``public_key``. Its ``repr`` never shows the private key.
#[pyclass(frozen, module = "strongroom", name = "DataKeyPair")]
pub struct PyDataKeyPair {
    /// The core's result; the private key is zeroized when the object is freed.
    inner: strongroom::DataKeyPair,
    /// The one Python copy of the private key (as ``DataKey.plaintext``).
    private_bytes: PyOnceLock<Py<PyBytes>>,
}

#[pymethods]
impl PyDataKeyPair {
    /// The private key, PKCS#8 DER (secret): the same ``bytes`` object on every access.
    #[getter]
    fn private_key_plaintext<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        secret_copy(py, &self.private_bytes, &self.inner.private_key_plaintext)
    }

    /// The private key encrypted under the KMS key: an ordinary blob that ``decrypt`` opens
    /// (with the same encryption context) into ``private_key_plaintext``.
    #[getter]
    fn private_key_ciphertext_blob<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.private_key_ciphertext_blob)
    }

    /// The public key, DER SubjectPublicKeyInfo.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.public_key)
    }

    /// ARN of the KMS key that encrypted the private key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.inner.key_id
    }

    /// ``"RSA_2048"``, ``"ECC_NIST_P256"``, ...
    #[getter]
    fn key_pair_spec(&self) -> &'static str {
        self.inner.key_pair_spec.as_str()
    }

    /// The id of the KMS key's material that encrypted the private key (AWS KMS
    /// ``KeyMaterialId``).
    #[getter]
    fn key_material_id(&self) -> &str {
        self.inner.key_material_id.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "DataKeyPair(key_id={:?}, key_pair_spec={:?}, private_key_plaintext=<{} secret bytes>, public_key=<{} bytes>)",
            self.inner.key_id,
            self.inner.key_pair_spec.as_str(),
            self.inner.private_key_plaintext.len(),
            self.inner.public_key.len()
        )
    }
}

/// A data key pair without its plaintext private key (AWS KMS
/// ``GenerateDataKeyPairWithoutPlaintext``).
#[pyclass(
    frozen,
    eq,
    module = "strongroom",
    name = "DataKeyPairWithoutPlaintext"
)]
#[derive(PartialEq)]
pub struct PyDataKeyPairWithoutPlaintext(pub(crate) strongroom::DataKeyPairWithoutPlaintext);

#[pymethods]
impl PyDataKeyPairWithoutPlaintext {
    /// The private key (PKCS#8 DER) encrypted under the KMS key; ``decrypt`` opens it.
    #[getter]
    fn private_key_ciphertext_blob<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.private_key_ciphertext_blob)
    }

    /// The public key, DER SubjectPublicKeyInfo.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.public_key)
    }

    /// ARN of the KMS key that encrypted the private key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// ``"RSA_2048"``, ``"ECC_NIST_P256"``, ...
    #[getter]
    fn key_pair_spec(&self) -> &'static str {
        self.0.key_pair_spec.as_str()
    }

    /// The id of the KMS key's material that encrypted the private key.
    #[getter]
    fn key_material_id(&self) -> &str {
        self.0.key_material_id.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "DataKeyPairWithoutPlaintext(key_id={:?}, key_pair_spec={:?}, public_key=<{} bytes>)",
            self.0.key_id,
            self.0.key_pair_spec.as_str(),
            self.0.public_key.len()
        )
    }
}

// ----- the operations (called by the `Keystore` methods of the same names; `dry_run` is AWS's
// `DryRun`, `keystore::dry`) -----

/// `Keystore.get_public_key`.
pub(crate) fn get_public_key(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
) -> PyResult<PyPublicKey> {
    ks.with(py, |k| k.get_public_key(key_id)).map(PyPublicKey)
}

/// `Keystore.sign`.
pub(crate) fn sign(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    message: &Bound<'_, PyAny>,
    signing_algorithm: &str,
    message_type: &str,
    dry_run: bool,
) -> PyResult<PySigned> {
    let message = buffer(message, "message")?;
    let algorithm: SigningAlgorithm = parsed(signing_algorithm)?;
    let message_type: MessageType = parsed(message_type)?;
    let m = message.as_slice();
    ks.detached(
        py,
        dry(dry_run, |k| k.sign(key_id, m, message_type, algorithm)),
    )
    .map(PySigned)
}

/// `Keystore.verify`: `True`, or `KMSInvalidSignature`.
#[allow(clippy::too_many_arguments)] // AWS's members, as the Python method takes them
pub(crate) fn verify(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    message: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
    signing_algorithm: &str,
    message_type: &str,
    dry_run: bool,
) -> PyResult<bool> {
    let message = buffer(message, "message")?;
    let signature = buffer(signature, "signature")?;
    let algorithm: SigningAlgorithm = parsed(signing_algorithm)?;
    let message_type: MessageType = parsed(message_type)?;
    let (m, s) = (message.as_slice(), signature.as_slice());
    let v = ks.detached(
        py,
        dry(dry_run, |k| k.verify(key_id, m, message_type, s, algorithm)),
    )?;
    Ok(v.signature_valid)
}

/// `Keystore.generate_mac`.
pub(crate) fn generate_mac(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    message: &Bound<'_, PyAny>,
    mac_algorithm: &str,
    dry_run: bool,
) -> PyResult<PyMac> {
    let message = buffer(message, "message")?;
    let algorithm: MacAlgorithm = parsed(mac_algorithm)?;
    let m = message.as_slice();
    ks.maybe_detached(
        py,
        m.len(),
        dry(dry_run, |k| k.generate_mac(key_id, m, algorithm)),
    )
    .map(PyMac)
}

/// `Keystore.verify_mac`: `True`, or `KMSInvalidMac`.
pub(crate) fn verify_mac(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    message: &Bound<'_, PyAny>,
    mac: &Bound<'_, PyAny>,
    mac_algorithm: &str,
    dry_run: bool,
) -> PyResult<bool> {
    let message = buffer(message, "message")?;
    let mac = buffer(mac, "mac")?;
    let algorithm: MacAlgorithm = parsed(mac_algorithm)?;
    let (m, t) = (message.as_slice(), mac.as_slice());
    let v = ks.maybe_detached(
        py,
        m.len(),
        dry(dry_run, |k| k.verify_mac(key_id, m, algorithm, t)),
    )?;
    Ok(v.mac_valid)
}

/// `Keystore.derive_shared_secret`.
pub(crate) fn derive_shared_secret(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    key_agreement_algorithm: &str,
    public_key: &Bound<'_, PyAny>,
    dry_run: bool,
) -> PyResult<PySharedSecret> {
    let public_key = buffer(public_key, "public_key")?;
    let algorithm: KeyAgreementAlgorithm = parsed(key_agreement_algorithm)?;
    let p = public_key.as_slice();
    let inner = ks.detached(
        py,
        dry(dry_run, |k| k.derive_shared_secret(key_id, algorithm, p)),
    )?;
    Ok(PySharedSecret {
        inner,
        secret_bytes: PyOnceLock::new(),
    })
}

/// `Keystore.generate_data_key_pair`.
pub(crate) fn generate_data_key_pair(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    key_pair_spec: &str,
    encryption_context: Option<&Bound<'_, PyAny>>,
    dry_run: bool,
) -> PyResult<PyDataKeyPair> {
    let spec: DataKeyPairSpec = parsed(key_pair_spec)?;
    let ctx = context(encryption_context)?;
    // Key pair generation (RSA-4096: about a second) runs with the GIL released.
    let inner = ks.detached(
        py,
        dry(dry_run, |k| {
            k.generate_data_key_pair(key_id, ctx.as_ref(), spec)
        }),
    )?;
    Ok(PyDataKeyPair {
        inner,
        private_bytes: PyOnceLock::new(),
    })
}

/// `Keystore.generate_data_key_pair_without_plaintext`.
pub(crate) fn generate_data_key_pair_without_plaintext(
    ks: &PyKeystore,
    py: Python<'_>,
    key_id: &str,
    key_pair_spec: &str,
    encryption_context: Option<&Bound<'_, PyAny>>,
    dry_run: bool,
) -> PyResult<PyDataKeyPairWithoutPlaintext> {
    let spec: DataKeyPairSpec = parsed(key_pair_spec)?;
    let ctx = context(encryption_context)?;
    ks.detached(
        py,
        dry(dry_run, |k| {
            k.generate_data_key_pair_without_plaintext(key_id, ctx.as_ref(), spec)
        }),
    )
    .map(PyDataKeyPairWithoutPlaintext)
}

/// An `encryption_algorithm` argument: `None` when absent or `SYMMETRIC_DEFAULT` (the
/// symmetric path, which the `encrypt`/`decrypt` methods keep as they were), else the
/// asymmetric algorithm.
pub(crate) fn asymmetric_algorithm(name: Option<&str>) -> PyResult<Option<EncryptionAlgorithm>> {
    Ok(name
        .map(parsed::<EncryptionAlgorithm>)
        .transpose()?
        .filter(|a| *a != EncryptionAlgorithm::SymmetricDefault))
}

/// `Keystore.re_encrypt`'s `source_encryption_algorithm` and `destination_encryption_algorithm`
/// (AWS's names; `None`: `SYMMETRIC_DEFAULT`).
pub(crate) fn re_encrypt_algorithms(
    source: Option<&str>,
    destination: Option<&str>,
) -> PyResult<ReEncryptAlgorithms> {
    let or_default = |n: Option<&str>| {
        n.map(parsed::<EncryptionAlgorithm>)
            .transpose()
            .map(|a| a.unwrap_or(EncryptionAlgorithm::SymmetricDefault))
    };
    Ok(ReEncryptAlgorithms {
        source: or_default(source)?,
        destination: or_default(destination)?,
    })
}

/// `Keystore.encrypt` with an RSA-OAEP `encryption_algorithm`: the raw OAEP ciphertext.
pub(crate) fn encrypt_with_algorithm<'py>(
    ks: &PyKeystore,
    py: Python<'py>,
    key_id: &str,
    plaintext: &Buffer<'_>,
    encryption_context: Option<&Bound<'_, PyAny>>,
    algorithm: EncryptionAlgorithm,
    dry_run: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let ctx = context(encryption_context)?;
    let data = plaintext.as_slice();
    let out = ks.detached(
        py,
        dry(dry_run, |k| {
            k.encrypt_with_algorithm(key_id, data, ctx.as_ref(), algorithm)
        }),
    )?;
    Ok(PyBytes::new(py, &out.ciphertext_blob))
}

/// `Keystore.decrypt` / `decrypt_with_key_id` with an RSA-OAEP `encryption_algorithm` (which
/// needs `key_id`).
pub(crate) fn decrypt_with_algorithm(
    ks: &PyKeystore,
    py: Python<'_>,
    ciphertext_blob: &Buffer<'_>,
    encryption_context: Option<&Bound<'_, PyAny>>,
    key_id: Option<&str>,
    algorithm: EncryptionAlgorithm,
    dry_run: bool,
) -> PyResult<strongroom::Decrypted> {
    let ctx = context(encryption_context)?;
    let data = ciphertext_blob.as_slice();
    ks.detached(
        py,
        dry(dry_run, |k| {
            k.decrypt_with_algorithm(data, ctx.as_ref(), key_id, algorithm)
        }),
    )
}

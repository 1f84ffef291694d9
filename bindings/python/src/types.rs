//! The records operations return (`KeyMetadata`, `DataKey`, `AliasListEntry`,
//! `KeyRotationStatus`, `AuditEvent`, ...), with AWS KMS's field names in snake_case and
//! timezone-aware UTC datetimes. Each wraps the core's record and converts on access.

use crate::convert::{to_datetime, to_opt_datetime};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;
use std::collections::BTreeMap;
use strongroom::{
    AlarmEvent, AliasListEntry, AuditEvent, KeyLastUsage, KeyMaterialId, KeyMetadata,
    KeyRotationStatus, Page, ParametersForImport, RotationsListEntry, SecretBytes, Tag,
};

/// A key's metadata (AWS KMS ``KeyMetadata``), as ``create_key``, ``describe_key`` and
/// ``list_keys`` return it. Dates are timezone-aware UTC ``datetime`` objects.
#[pyclass(frozen, eq, module = "strongroom", name = "KeyMetadata")]
#[derive(PartialEq)]
pub struct PyKeyMetadata(pub(crate) KeyMetadata);

#[pymethods]
impl PyKeyMetadata {
    /// The key id: a lowercase hyphenated UUID.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// ``arn:strongroom:kms:local:<keystore id>:key/<key_id>``.
    #[getter]
    fn arn(&self) -> &str {
        &self.0.arn
    }

    /// Free text, 0 to 8192 characters.
    #[getter]
    fn description(&self) -> &str {
        &self.0.description
    }

    /// ``"SYMMETRIC_DEFAULT"``, ...
    #[getter]
    fn key_spec(&self) -> &'static str {
        self.0.key_spec.as_str()
    }

    /// ``"ENCRYPT_DECRYPT"``, ...
    #[getter]
    fn key_usage(&self) -> &'static str {
        self.0.key_usage.as_str()
    }

    /// ``"AWS_KMS"`` or ``"EXTERNAL"`` (``"STRONGROOM"``, the earlier name of ``"AWS_KMS"``, is
    /// still accepted by ``create_key``).
    #[getter]
    fn origin(&self) -> &'static str {
        self.0.origin.as_str()
    }

    /// ``"Enabled"``, ``"Disabled"``, ``"PendingDeletion"`` or ``"PendingImport"``.
    #[getter]
    fn key_state(&self) -> &'static str {
        self.0.key_state.as_str()
    }

    /// True exactly when ``key_state`` is ``"Enabled"``.
    #[getter]
    fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// When the key was created.
    #[getter]
    fn creation_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.creation_date)
    }

    /// When the key will be destroyed, while it is pending deletion; else ``None``.
    #[getter]
    fn deletion_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.deletion_date)
    }

    /// The deletion window in days, while the key is pending deletion; else ``None``.
    #[getter]
    fn pending_deletion_window_in_days(&self) -> Option<u32> {
        self.0.pending_deletion_window_in_days
    }

    /// When imported key material expires, if it does; else ``None``.
    #[getter]
    fn valid_to<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.valid_to)
    }

    /// The 12-digit account of the keystore's AWS-form ARNs (AWS KMS ``AWSAccountId``).
    #[getter]
    fn aws_account_id(&self) -> &str {
        &self.0.aws_account_id
    }

    /// ``"CUSTOMER"``.
    #[getter]
    fn key_manager(&self) -> &'static str {
        self.0.key_manager.as_str()
    }

    /// Always ``False``: strongroom keys are single-Region.
    #[getter]
    fn multi_region(&self) -> bool {
        self.0.multi_region
    }

    /// ``"KEY_MATERIAL_EXPIRES"`` or ``"KEY_MATERIAL_DOES_NOT_EXPIRE"`` for an ``EXTERNAL`` key
    /// with material; else ``None``.
    #[getter]
    fn expiration_model(&self) -> Option<&'static str> {
        self.0.expiration_model.map(|e| e.as_str())
    }

    /// The id of the key's current material (64 hex characters); ``None`` for an ``EXTERNAL``
    /// key before its first import.
    #[getter]
    fn current_key_material_id(&self) -> Option<&str> {
        self.0
            .current_key_material_id
            .as_ref()
            .map(KeyMaterialId::as_str)
    }

    /// The deprecated ``CustomerMasterKeySpec``: the ``key_spec`` (``None`` for Ed25519 and
    /// ML-DSA keys, as AWS).
    #[getter]
    fn customer_master_key_spec(&self) -> Option<&'static str> {
        self.0.customer_master_key_spec.map(|s| s.as_str())
    }

    /// The encryption algorithms the key allows (``["SYMMETRIC_DEFAULT"]`` for a symmetric
    /// key, ``["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]`` for an RSA ``ENCRYPT_DECRYPT`` key;
    /// else empty).
    #[getter]
    fn encryption_algorithms(&self) -> Vec<&'static str> {
        self.0
            .encryption_algorithms
            .iter()
            .map(|a| a.as_str())
            .collect()
    }

    /// The signing algorithms the key allows (``SIGN_VERIFY`` keys; else empty).
    #[getter]
    fn signing_algorithms(&self) -> Vec<&'static str> {
        self.0
            .signing_algorithms
            .iter()
            .map(|a| a.as_str())
            .collect()
    }

    /// The MAC algorithm the key allows (``GENERATE_VERIFY_MAC`` keys; else empty).
    #[getter]
    fn mac_algorithms(&self) -> Vec<&'static str> {
        self.0.mac_algorithms.iter().map(|a| a.as_str()).collect()
    }

    /// The key agreement algorithms the key allows (``KEY_AGREEMENT`` keys: ``["ECDH"]``; else
    /// empty).
    #[getter]
    fn key_agreement_algorithms(&self) -> Vec<&'static str> {
        self.0
            .key_agreement_algorithms
            .iter()
            .map(|a| a.as_str())
            .collect()
    }

    fn __repr__(&self) -> String {
        let m = &self.0;
        format!(
            "KeyMetadata(key_id={:?}, key_state={:?}, key_spec={:?}, key_usage={:?}, origin={:?}, creation_date={})",
            m.key_id,
            m.key_state.as_str(),
            m.key_spec.as_str(),
            m.key_usage.as_str(),
            m.origin.as_str(),
            m.creation_date
        )
    }
}

/// A data key (AWS KMS ``GenerateDataKey``): use ``plaintext`` to encrypt locally, then drop it
/// and keep only ``ciphertext_blob``. Its ``repr`` never shows the plaintext.
#[pyclass(frozen, module = "strongroom", name = "DataKey")]
pub struct PyDataKey {
    /// The core's copy, zeroized when the object is freed.
    plaintext: SecretBytes,
    /// The one Python copy, made at the first access to ``plaintext`` and returned by every
    /// later one (Python's ``bytes`` cannot be wiped: docs/SECURITY.md).
    plaintext_bytes: PyOnceLock<Py<PyBytes>>,
    ciphertext_blob: Vec<u8>,
    key_id: String,
    key_material_id: KeyMaterialId,
}

impl PyDataKey {
    pub(crate) fn new(dk: strongroom::DataKey) -> Self {
        PyDataKey {
            plaintext: dk.plaintext,
            plaintext_bytes: PyOnceLock::new(),
            ciphertext_blob: dk.ciphertext_blob,
            key_id: dk.key_id,
            key_material_id: dk.key_material_id,
        }
    }
}

#[pymethods]
impl PyDataKey {
    /// The data key itself (secret): the same ``bytes`` object on every access, so the object
    /// holds at most one copy that Python cannot wipe.
    #[getter]
    fn plaintext<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.plaintext_bytes
            .get_or_init(py, || PyBytes::new(py, self.plaintext.as_bytes()).unbind())
            .bind(py)
            .clone()
    }

    /// The data key encrypted under the KMS key; ``decrypt`` turns it back into ``plaintext``.
    #[getter]
    fn ciphertext_blob<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.ciphertext_blob)
    }

    /// ARN of the KMS key that encrypted the data key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The id of the KMS key's material that encrypted the data key (AWS KMS
    /// ``KeyMaterialId``).
    #[getter]
    fn key_material_id(&self) -> &str {
        self.key_material_id.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "DataKey(key_id={:?}, plaintext=<{} secret bytes>, ciphertext_blob=<{} bytes>)",
            self.key_id,
            self.plaintext.len(),
            self.ciphertext_blob.len()
        )
    }
}

/// An encrypted data key without its plaintext (AWS KMS ``GenerateDataKeyWithoutPlaintext``).
#[pyclass(frozen, module = "strongroom", name = "DataKeyWithoutPlaintext")]
pub struct PyDataKeyWithoutPlaintext(pub(crate) strongroom::DataKeyWithoutPlaintext);

#[pymethods]
impl PyDataKeyWithoutPlaintext {
    /// The data key encrypted under the KMS key.
    #[getter]
    fn ciphertext_blob<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.ciphertext_blob)
    }

    /// ARN of the KMS key that encrypted the data key.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The id of the KMS key's material that encrypted the data key.
    #[getter]
    fn key_material_id(&self) -> &str {
        self.0.key_material_id.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "DataKeyWithoutPlaintext(key_id={:?}, ciphertext_blob=<{} bytes>)",
            self.0.key_id,
            self.0.ciphertext_blob.len()
        )
    }
}

/// What ``Keystore.decrypt_with_key_id`` returns (AWS KMS ``Decrypt``): the plaintext and the
/// key and key material that decrypted it. Its ``repr`` never shows the plaintext.
#[pyclass(frozen, module = "strongroom", name = "Decrypted")]
pub struct PyDecrypted {
    /// The core's result; its plaintext is zeroized when the object is freed.
    inner: strongroom::Decrypted,
    /// The one Python copy of the plaintext (as ``DataKey.plaintext``).
    plaintext_bytes: PyOnceLock<Py<PyBytes>>,
}

impl PyDecrypted {
    pub(crate) fn new(inner: strongroom::Decrypted) -> Self {
        PyDecrypted {
            inner,
            plaintext_bytes: PyOnceLock::new(),
        }
    }
}

#[pymethods]
impl PyDecrypted {
    /// The plaintext: the same ``bytes`` object on every access.
    #[getter]
    fn plaintext<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.plaintext_bytes
            .get_or_init(py, || {
                PyBytes::new(py, self.inner.plaintext.as_bytes()).unbind()
            })
            .bind(py)
            .clone()
    }

    /// ARN of the key that decrypted it.
    #[getter]
    fn key_id(&self) -> &str {
        &self.inner.key_id
    }

    /// The id of that key's material which decrypted it (AWS KMS ``KeyMaterialId``).
    #[getter]
    fn key_material_id(&self) -> &str {
        self.inner.key_material_id.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Decrypted(key_id={:?}, key_material_id={:?}, plaintext=<{} secret bytes>)",
            self.inner.key_id,
            self.inner.key_material_id.as_str(),
            self.inner.plaintext.len()
        )
    }
}

/// One alias (AWS KMS ``AliasListEntry``), as ``list_aliases`` returns it.
#[pyclass(frozen, eq, module = "strongroom", name = "AliasListEntry")]
#[derive(PartialEq)]
pub struct PyAliasListEntry(pub(crate) AliasListEntry);

#[pymethods]
impl PyAliasListEntry {
    /// ``alias/...``.
    #[getter]
    fn alias_name(&self) -> &str {
        &self.0.alias_name
    }

    /// ``arn:strongroom:kms:local:<keystore id>:alias/...``.
    #[getter]
    fn alias_arn(&self) -> &str {
        &self.0.alias_arn
    }

    /// The id of the key the alias points at.
    #[getter]
    fn target_key_id(&self) -> &str {
        &self.0.target_key_id
    }

    /// When the alias was created.
    #[getter]
    fn creation_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.creation_date)
    }

    /// When the alias was last pointed at a key.
    #[getter]
    fn last_updated_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.last_updated_date)
    }

    fn __repr__(&self) -> String {
        format!(
            "AliasListEntry(alias_name={:?}, target_key_id={:?})",
            self.0.alias_name, self.0.target_key_id
        )
    }
}

/// A key's rotation settings (AWS KMS ``GetKeyRotationStatus``).
#[pyclass(frozen, eq, module = "strongroom", name = "KeyRotationStatus")]
#[derive(PartialEq)]
pub struct PyKeyRotationStatus(pub(crate) KeyRotationStatus);

#[pymethods]
impl PyKeyRotationStatus {
    /// The key's id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// Whether automatic rotation is on.
    #[getter]
    fn key_rotation_enabled(&self) -> bool {
        self.0.key_rotation_enabled
    }

    /// The rotation period in days, while automatic rotation is on; else ``None``.
    #[getter]
    fn rotation_period_in_days(&self) -> Option<u32> {
        self.0.rotation_period_in_days
    }

    /// When automatic rotation next runs, while it is on; else ``None``.
    #[getter]
    fn next_rotation_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.next_rotation_date)
    }

    /// Start of an on-demand rotation in progress (they complete within the call, so ``None``).
    #[getter]
    fn on_demand_rotation_start_date<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.on_demand_rotation_start_date)
    }

    fn __repr__(&self) -> String {
        format!(
            "KeyRotationStatus(key_id={:?}, key_rotation_enabled={}, rotation_period_in_days={:?}, next_rotation_date={:?})",
            self.0.key_id,
            self.0.key_rotation_enabled,
            self.0.rotation_period_in_days,
            self.0.next_rotation_date
        )
    }
}

/// One rotation of a key, or one key material (AWS KMS ``RotationsListEntry``), as
/// ``list_key_rotations`` returns it.
#[pyclass(frozen, eq, module = "strongroom", name = "RotationsListEntry")]
#[derive(PartialEq)]
pub struct PyRotationsListEntry(pub(crate) RotationsListEntry);

#[pymethods]
impl PyRotationsListEntry {
    /// The key's id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// When the new backing-key version was made.
    #[getter]
    fn rotation_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.rotation_date)
    }

    /// ``"AUTOMATIC"`` or ``"ON_DEMAND"``; ``"INITIAL"`` for the first material (listed only
    /// with ``include_key_material="ALL_KEY_MATERIAL"``).
    #[getter]
    fn rotation_type(&self) -> &'static str {
        self.0.rotation_type.as_str()
    }

    /// The material's id (AWS KMS ``KeyMaterialId``: 64 hex characters).
    #[getter]
    fn key_material_id(&self) -> &str {
        self.0.key_material_id.as_str()
    }

    /// ``"IMPORTED"`` or ``"PENDING_IMPORT"`` for an ``EXTERNAL`` key's material; else ``None``.
    #[getter]
    fn import_state(&self) -> Option<&'static str> {
        self.0.import_state.map(|s| s.as_str())
    }

    /// ``"CURRENT"`` or ``"NON_CURRENT"``.
    #[getter]
    fn key_material_state(&self) -> &'static str {
        self.0.key_material_state.as_str()
    }

    /// An ``EXTERNAL`` key's expiration model; else ``None``.
    #[getter]
    fn expiration_model(&self) -> Option<&'static str> {
        self.0.expiration_model.map(|e| e.as_str())
    }

    /// When an ``EXTERNAL`` key's material expires, if it does; else ``None``.
    #[getter]
    fn valid_to<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.valid_to)
    }

    /// The description an import gave an ``EXTERNAL`` key's material (AWS KMS
    /// ``KeyMaterialDescription``), or ``None``.
    #[getter]
    fn key_material_description(&self) -> Option<&str> {
        self.0.key_material_description.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "RotationsListEntry(key_id={:?}, rotation_date={}, rotation_type={:?})",
            self.0.key_id,
            self.0.rotation_date,
            self.0.rotation_type.as_str()
        )
    }
}

/// A refused attempt to use a disabled or pending-deletion key, as the alarm callback set with
/// ``Keystore.set_alarm`` receives it.
#[pyclass(frozen, eq, module = "strongroom", name = "AlarmEvent")]
#[derive(PartialEq)]
pub struct PyAlarmEvent(pub(crate) AlarmEvent);

#[pymethods]
impl PyAlarmEvent {
    /// When the attempt was made (timezone-aware UTC).
    #[getter]
    fn event_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.event_time)
    }

    /// AWS KMS operation name: ``"Encrypt"``, ``"Decrypt"``, ...
    #[getter]
    fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The key's id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The key's state at the time: ``"Disabled"`` or ``"PendingDeletion"``.
    #[getter]
    fn key_state(&self) -> &'static str {
        self.0.key_state.as_str()
    }

    /// The error name the caller got (``"Disabled"`` or ``"InvalidState"``).
    #[getter]
    fn outcome(&self) -> &'static str {
        self.0.outcome
    }

    fn __repr__(&self) -> String {
        format!(
            "AlarmEvent(operation={:?}, key_id={:?}, key_state={:?}, outcome={:?}, event_time={})",
            self.0.operation,
            self.0.key_id,
            self.0.key_state.as_str(),
            self.0.outcome,
            self.0.event_time
        )
    }
}

/// What ``get_parameters_for_import`` returns (AWS KMS ``GetParametersForImport``).
#[pyclass(frozen, eq, module = "strongroom", name = "ParametersForImport")]
#[derive(PartialEq)]
pub struct PyParametersForImport(pub(crate) ParametersForImport);

#[pymethods]
impl PyParametersForImport {
    /// ARN of the key the parameters are for.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// Opaque token to pass to ``import_key_material``; valid once, until
    /// ``parameters_valid_to``.
    #[getter]
    fn import_token<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.import_token)
    }

    /// The RSA wrapping public key, DER ``SubjectPublicKeyInfo``.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.public_key)
    }

    /// When the token and the wrapping key expire (24 hours after the call).
    #[getter]
    fn parameters_valid_to<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.parameters_valid_to)
    }

    fn __repr__(&self) -> String {
        format!(
            "ParametersForImport(key_id={:?}, parameters_valid_to={})",
            self.0.key_id, self.0.parameters_valid_to
        )
    }
}

/// One audit event (SPEC section 8), as ``audit_events`` returns it.
#[pyclass(frozen, eq, module = "strongroom", name = "AuditEvent")]
#[derive(PartialEq)]
pub struct PyAuditEvent(pub(crate) AuditEvent);

#[pymethods]
impl PyAuditEvent {
    /// Position in the trail, from 1, without gaps.
    #[getter]
    fn sequence(&self) -> u64 {
        self.0.sequence
    }

    /// When the call was made (for a summary event: the start of its interval), UTC.
    #[getter]
    fn event_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.event_time)
    }

    /// The caller label given when the keystore was opened.
    #[getter]
    fn caller(&self) -> &str {
        &self.0.caller
    }

    /// AWS KMS operation name: ``"Encrypt"``, ``"CreateKey"``, ...
    #[getter]
    fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The key concerned, if any.
    #[getter]
    fn key_id(&self) -> Option<&str> {
        self.0.key_id.as_deref()
    }

    /// The backing-key version used, where one was.
    #[getter]
    fn key_version(&self) -> Option<u32> {
        self.0.key_version
    }

    /// The encryption context given (not secret), as a new ``dict``.
    #[getter]
    fn encryption_context(&self) -> BTreeMap<String, String> {
        self.0.encryption_context.clone()
    }

    /// ``"ok"`` or the error name.
    #[getter]
    fn outcome(&self) -> &str {
        &self.0.outcome
    }

    /// How many calls this event stands for: 1, or the count of a summary event.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }

    fn __repr__(&self) -> String {
        format!(
            "AuditEvent(sequence={}, operation={:?}, key_id={:?}, outcome={:?}, event_time={})",
            self.0.sequence, self.0.operation, self.0.key_id, self.0.outcome, self.0.event_time
        )
    }
}

/// One page of a key's tags (AWS KMS ``ListResourceTags``), as ``list_resource_tags`` returns it.
#[pyclass(frozen, eq, module = "strongroom", name = "ResourceTags")]
#[derive(PartialEq)]
pub struct PyResourceTags(pub(crate) Page<Tag>);

#[pymethods]
impl PyResourceTags {
    /// The tags of this page, tag key to value, in tag-key order.
    #[getter]
    fn tags(&self) -> BTreeMap<String, String> {
        self.0
            .items
            .iter()
            .map(|t| (t.tag_key.clone(), t.tag_value.clone()))
            .collect()
    }

    /// Whether more tags follow: pass ``next_marker`` as ``marker`` to get them.
    #[getter]
    fn truncated(&self) -> bool {
        self.0.truncated
    }

    /// Where the next page starts, when ``truncated``.
    #[getter]
    fn next_marker(&self) -> Option<&str> {
        self.0.next_marker.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "ResourceTags(tags={:?}, truncated={}, next_marker={:?})",
            self.tags(),
            self.0.truncated,
            self.0.next_marker
        )
    }
}

/// One page of a list (AWS KMS's ``Limit``/``Marker`` paging), as the ``list_*_page`` methods
/// return it: ``items`` (the page's entries, as the whole-list method returns them),
/// ``truncated`` and ``next_marker``.
#[pyclass(frozen, module = "strongroom", name = "Page")]
pub struct PyPage {
    items: Vec<Py<PyAny>>,
    truncated: bool,
    next_marker: Option<String>,
}

impl PyPage {
    /// The page, each item made a Python object by `wrap`.
    pub(crate) fn new<T, P>(py: Python<'_>, page: Page<T>, wrap: impl Fn(T) -> P) -> PyResult<Self>
    where
        P: for<'py> IntoPyObject<'py>,
    {
        let items = page
            .items
            .into_iter()
            .map(|i| wrap(i).into_bound_py_any(py).map(Bound::unbind))
            .collect::<PyResult<_>>()?;
        Ok(PyPage {
            items,
            truncated: page.truncated,
            next_marker: page.next_marker,
        })
    }
}

#[pymethods]
impl PyPage {
    /// This page's entries, in the list's order (a new list on each access).
    #[getter]
    fn items(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.items.iter().map(|i| i.clone_ref(py)).collect()
    }

    /// Whether more entries follow: pass ``next_marker`` as ``marker`` to get them.
    #[getter]
    fn truncated(&self) -> bool {
        self.truncated
    }

    /// Where the next page starts, when ``truncated``.
    #[getter]
    fn next_marker(&self) -> Option<&str> {
        self.next_marker.as_deref()
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Page(<{} items>, truncated={}, next_marker={:?})",
            self.items.len(),
            self.truncated,
            self.next_marker
        )
    }
}

/// When and by which cryptographic operation a key was last used (AWS KMS ``GetKeyLastUsage``).
#[pyclass(frozen, eq, module = "strongroom", name = "KeyLastUsage")]
#[derive(PartialEq)]
pub struct PyKeyLastUsage(pub(crate) KeyLastUsage);

#[pymethods]
impl PyKeyLastUsage {
    /// The key's id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The last successful use's operation (``"Encrypt"``, ``"Decrypt"``, ``"ReEncrypt"``,
    /// ``"GenerateDataKey"``, ``"GenerateDataKeyWithoutPlaintext"``), or ``None`` if unused since
    /// ``tracking_start_date``.
    #[getter]
    fn operation(&self) -> Option<&'static str> {
        self.0.key_last_usage.map(|u| u.operation.as_str())
    }

    /// When the key was last used, or ``None``.
    #[getter]
    fn timestamp<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.key_last_usage.map(|u| u.timestamp))
    }

    /// Since when uses are tracked (``None`` if the keystore never tracked: audit level OFF).
    #[getter]
    fn tracking_start_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        to_opt_datetime(py, self.0.tracking_start_date)
    }

    /// When the key was created.
    #[getter]
    fn key_creation_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.key_creation_date)
    }

    fn __repr__(&self) -> String {
        format!(
            "KeyLastUsage(key_id={:?}, operation={:?}, timestamp={:?})",
            self.0.key_id,
            self.operation(),
            self.0.key_last_usage.map(|u| u.timestamp.to_string())
        )
    }
}

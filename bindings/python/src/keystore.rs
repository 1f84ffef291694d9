//! `strongroom.Keystore`: the keystore handle and every operation, with AWS KMS's names.

use crate::access::{self, PyCreatedGrant, PyGrantListEntry};
use crate::asymmetric;
use crate::clock::PyManualClock;
use crate::convert::{
    Buffer, GIL_DETACH_THRESHOLD, buffer, context, count_u32, count_u64, passphrase,
};
use crate::convert::{from_datetime, to_datetime};
use crate::error::{closed, core, validation};
use crate::secrets;
use crate::types::{
    PyAlarmEvent, PyAliasListEntry, PyAuditEvent, PyDataKey, PyDataKeyWithoutPlaintext,
    PyDecrypted, PyKeyLastUsage, PyKeyMetadata, PyKeyRotationStatus, PyPage, PyParametersForImport,
    PyResourceTags, PyRotationsListEntry,
};
use parking_lot::{Mutex, RwLock};
use pyo3::PyTraverseError;
use pyo3::exceptions::PyTypeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyType};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use strongroom::{
    AlarmEvent, AuditFilter, AuditLevel, AuditOptions, CreateGrant, CreateKey, DataKeySpec,
    KdfParams, Keystore, Options, PageRequest, Tag,
};

/// A keystore opened from its file: AWS KMS's operations on the keys it holds.
///
/// Make one with ``Keystore.create(path, passphrase, **options)`` or open one with
/// ``Keystore.open(path, passphrase, **options)``. Use it as a context manager or call
/// ``close()``; after closing, every operation raises ``strongroom.InvalidState``.
/// One handle may be shared between threads. Every operation AWS KMS gives ``DryRun`` takes the
/// keyword ``dry_run=True``: the call is checked completely and changes nothing, raising
/// ``DryRunOperation`` where it would have succeeded and its real error otherwise.
#[pyclass(frozen, weakref, module = "strongroom", name = "Keystore")]
pub struct PyKeystore {
    inner: RwLock<Option<Keystore>>,
    path: PathBuf,
    /// Alarm events the core reported, waiting to be handed to the Python callback.
    alarms: Arc<AlarmQueue>,
    /// The Python alarm callback, if one is set.
    alarm_callback: Mutex<Option<Py<PyAny>>>,
}

/// Where the core's alarm hook leaves events. The core calls the hook in the middle of an
/// operation, under this binding's keystore lock; calling Python there could deadlock, so the
/// hook only queues the event and the binding delivers it once the lock is released.
#[derive(Default)]
struct AlarmQueue {
    events: Mutex<Vec<AlarmEvent>>,
    pending: AtomicBool,
}

/// `audit_max_events` / `audit_max_age_days` for no bound (``strongroom.AUDIT_UNBOUNDED``);
/// `None` is the core's default.
pub(crate) const AUDIT_UNBOUNDED: i64 = -1;

/// Audit settings given as keyword arguments.
struct AuditArgs {
    level: Option<String>,
    max_events: Option<i128>,
    max_age_days: Option<i128>,
}

impl AuditArgs {
    fn apply(self, o: &mut AuditOptions) -> PyResult<()> {
        if let Some(level) = self.level {
            o.level = match level.as_str() {
                "FULL" => AuditLevel::Full,
                "SUMMARY" => AuditLevel::Summary,
                "OFF" => AuditLevel::Off,
                other => {
                    return Err(validation(format!(
                        "audit_level must be \"FULL\", \"SUMMARY\" or \"OFF\", not {other:?}"
                    )));
                }
            };
        }
        let unbounded = i128::from(AUDIT_UNBOUNDED);
        if let Some(n) = self.max_events {
            o.max_events = (n != unbounded)
                .then(|| count_u64(n, "audit_max_events"))
                .transpose()?;
        }
        if let Some(n) = self.max_age_days {
            o.max_age_days = (n != unbounded)
                .then(|| count_u32(n, "audit_max_age_days"))
                .transpose()?;
        }
        Ok(())
    }
}

/// The options shared by `create` and `open`.
fn options(
    clock: Option<&Bound<'_, PyAny>>,
    caller: Option<String>,
    max_keys: Option<i128>,
    allow_insecure_test_kdf: bool,
    audit: AuditArgs,
    aws: (Option<String>, Option<String>),
) -> PyResult<Options> {
    let mut o = Options::default();
    if let Some(r) = aws.0 {
        o.aws_region = r;
    }
    if let Some(a) = aws.1 {
        o.aws_account_id = a;
    }
    if let Some(c) = clock.filter(|c| !c.is_none()) {
        let c = c.cast::<PyManualClock>().map_err(|_| {
            PyTypeError::new_err("clock must be a strongroom.ManualClock (or None for system time)")
        })?;
        o.clock = Arc::new(c.get().inner.clone());
    }
    if let Some(caller) = caller {
        o.caller = caller;
    }
    if let Some(n) = max_keys {
        o.max_keys = count_u64(n, "max_keys")?;
    }
    o.allow_insecure_test_kdf = allow_insecure_test_kdf;
    audit.apply(&mut o.audit)?;
    Ok(o)
}

impl PyKeystore {
    /// Runs `f` on the open keystore under the read lock. `f` never calls into Python, so this
    /// may run with or without the GIL.
    pub(crate) fn run<R>(&self, f: impl FnOnce(&Keystore) -> strongroom::Result<R>) -> PyResult<R> {
        let guard = self.inner.read();
        let ks = guard.as_ref().ok_or_else(closed)?;
        f(ks).map_err(core)
    }

    /// [`Self::run`] holding the GIL (for short operations), then delivers any alarm events.
    pub(crate) fn with<R>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Keystore) -> strongroom::Result<R>,
    ) -> PyResult<R> {
        let out = self.run(f);
        self.deliver_alarms(py);
        out
    }

    /// [`Self::run`] with the GIL released for the whole call, lock included (the lock is taken
    /// and dropped while detached, so it is never held while waiting for the GIL), then delivers
    /// any alarm events.
    pub(crate) fn detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Keystore) -> strongroom::Result<R> + Send,
    ) -> PyResult<R> {
        let out = py.detach(|| self.run(f));
        self.deliver_alarms(py);
        out
    }

    /// [`Self::detached`] when `len` reaches the threshold, else [`Self::with`].
    pub(crate) fn maybe_detached<R: Send>(
        &self,
        py: Python<'_>,
        len: usize,
        f: impl FnOnce(&Keystore) -> strongroom::Result<R> + Send,
    ) -> PyResult<R> {
        if len >= GIL_DETACH_THRESHOLD {
            self.detached(py, f)
        } else {
            self.with(py, f)
        }
    }

    /// Hands queued alarm events to the Python callback, with no Rust lock held during the
    /// calls. An exception from the callback is reported through `sys.unraisablehook` and does
    /// not change the operation's own outcome.
    pub(crate) fn deliver_alarms(&self, py: Python<'_>) {
        if !self.alarms.pending.swap(false, Ordering::AcqRel) {
            return;
        }
        let events = std::mem::take(&mut *self.alarms.events.lock());
        let callback = self.alarm_callback.lock().as_ref().map(|c| c.clone_ref(py));
        let Some(callback) = callback else { return };
        for event in events {
            let result = Py::new(py, PyAlarmEvent(event))
                .and_then(|event| callback.call1(py, (event,)).map(drop));
            if let Err(err) = result {
                err.write_unraisable(py, Some(callback.bind(py)));
            }
        }
    }

    fn wrap(ks: Keystore) -> Self {
        PyKeystore {
            path: ks.path().to_path_buf(),
            inner: RwLock::new(Some(ks)),
            alarms: Arc::default(),
            alarm_callback: Mutex::new(None),
        }
    }
}

/// `f`, as a dry run when `dry_run` (AWS KMS's `DryRun`, the `dry_run=True` keyword of every
/// operation botocore gives it): the core's [`Keystore::dry_run`] checks everything and changes
/// nothing, answering `DryRunOperation` where the call would have succeeded. A plain call pays
/// one branch.
pub(crate) fn dry<R>(
    dry_run: bool,
    f: impl FnOnce(&Keystore) -> strongroom::Result<R>,
) -> impl FnOnce(&Keystore) -> strongroom::Result<R> {
    move |ks| {
        if dry_run { ks.dry_run(|| f(ks)) } else { f(ks) }
    }
}

fn data_key_spec(spec: Option<&str>) -> PyResult<Option<DataKeySpec>> {
    spec.map(|s| s.parse::<DataKeySpec>().map_err(core))
        .transpose()
}

fn opt_count(n: Option<i128>, what: &str) -> PyResult<Option<u32>> {
    n.map(|n| count_u32(n, what)).transpose()
}

/// A list method's ``limit`` and ``marker`` as the core's page request (the core checks both).
fn page_request(limit: Option<i128>, marker: Option<String>) -> PyResult<PageRequest> {
    Ok(PageRequest {
        limit: opt_count(limit, "limit")?,
        marker,
    })
}

#[pymethods]
impl PyKeystore {
    /// Creates a new keystore file at ``path`` (which must not exist: ``AlreadyExists``) under
    /// ``passphrase`` (``str`` or bytes, 1 to 1024 bytes).
    ///
    /// Options: ``clock`` (a ``ManualClock``; default system time), ``caller`` (the audit label;
    /// default the program's name), ``max_keys`` (key quota, default 100,000), the Argon2id cost
    /// ``argon2_memory_kib`` / ``argon2_iterations`` / ``argon2_parallelism`` (default
    /// 65536 KiB, 3, 4; never below OWASP's floor of 19456 KiB, 2, 1) and
    /// ``allow_insecure_test_kdf`` (admits a cost below the floor, such as the documented test
    /// profile 64 KiB, 1, 1: for throwaway test keystores only), and the audit trail's
    /// ``audit_level`` (``"FULL"``, the default, ``"SUMMARY"`` or ``"OFF"``),
    /// ``audit_max_events`` and ``audit_max_age_days`` (retention: ``None`` is the core's default,
    /// ``strongroom.DEFAULT_AUDIT_MAX_EVENTS`` events and ``DEFAULT_AUDIT_MAX_AGE_DAYS`` days;
    /// ``strongroom.AUDIT_UNBOUNDED`` for no bound); ``aws_region`` and ``aws_account_id`` (the
    /// Region and 12-digit account of the AWS-form ARNs the keystore accepts besides its own,
    /// ``arn:aws:kms:REGION:ACCOUNT:key/ID``, as ``strongroom serve`` presents them; default
    /// ``us-east-1`` and ``111122223333``).
    #[classmethod]
    #[pyo3(signature = (path, passphrase, *, clock = None, caller = None, max_keys = None,
        argon2_memory_kib = None, argon2_iterations = None, argon2_parallelism = None,
        allow_insecure_test_kdf = false, audit_level = None, audit_max_events = None,
        audit_max_age_days = None, aws_region = None, aws_account_id = None))]
    #[allow(clippy::too_many_arguments)]
    fn create(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        path: PathBuf,
        passphrase: &Bound<'_, PyAny>,
        clock: Option<&Bound<'_, PyAny>>,
        caller: Option<String>,
        max_keys: Option<i128>,
        argon2_memory_kib: Option<i128>,
        argon2_iterations: Option<i128>,
        argon2_parallelism: Option<i128>,
        allow_insecure_test_kdf: bool,
        audit_level: Option<String>,
        audit_max_events: Option<i128>,
        audit_max_age_days: Option<i128>,
        aws_region: Option<String>,
        aws_account_id: Option<String>,
    ) -> PyResult<Self> {
        let pass = crate::convert::passphrase(passphrase)?;
        let audit = AuditArgs {
            level: audit_level,
            max_events: audit_max_events,
            max_age_days: audit_max_age_days,
        };
        let aws = (aws_region, aws_account_id);
        let mut o = options(clock, caller, max_keys, allow_insecure_test_kdf, audit, aws)?;
        let d = KdfParams::default();
        o.kdf = KdfParams {
            m_cost_kib: opt_count(argon2_memory_kib, "argon2_memory_kib")?.unwrap_or(d.m_cost_kib),
            t_cost: opt_count(argon2_iterations, "argon2_iterations")?.unwrap_or(d.t_cost),
            p_cost: opt_count(argon2_parallelism, "argon2_parallelism")?.unwrap_or(d.p_cost),
        };
        let ks = py
            .detach(|| Keystore::create(&path, &pass, &o))
            .map_err(core)?;
        Ok(Self::wrap(ks))
    }

    /// Opens the keystore at ``path`` with ``passphrase``. A wrong passphrase raises
    /// ``AuthenticationFailed`` and leaves the file untouched; a file that is not a keystore
    /// raises ``Corrupt``; a keystore open in another process raises ``Locked``.
    ///
    /// Options: ``clock``, ``caller``, ``max_keys``, the ``audit_*`` settings, ``aws_region`` and
    /// ``aws_account_id`` as for ``create``; ``min_generation`` (refuse, with ``Corrupt``, a file whose ``generation()``
    /// is below it: a rolled-back copy); and
    /// ``allow_insecure_test_kdf`` to open a keystore made with the test profile. The Argon2id
    /// cost is read from the file. Argon2id runs with the GIL released.
    #[classmethod]
    #[pyo3(signature = (path, passphrase, *, clock = None, caller = None, max_keys = None,
        allow_insecure_test_kdf = false, audit_level = None, audit_max_events = None,
        audit_max_age_days = None, min_generation = None, aws_region = None,
        aws_account_id = None))]
    #[allow(clippy::too_many_arguments)]
    fn open(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        path: PathBuf,
        passphrase: &Bound<'_, PyAny>,
        clock: Option<&Bound<'_, PyAny>>,
        caller: Option<String>,
        max_keys: Option<i128>,
        allow_insecure_test_kdf: bool,
        audit_level: Option<String>,
        audit_max_events: Option<i128>,
        audit_max_age_days: Option<i128>,
        min_generation: Option<i128>,
        aws_region: Option<String>,
        aws_account_id: Option<String>,
    ) -> PyResult<Self> {
        let pass = crate::convert::passphrase(passphrase)?;
        let audit = AuditArgs {
            level: audit_level,
            max_events: audit_max_events,
            max_age_days: audit_max_age_days,
        };
        let aws = (aws_region, aws_account_id);
        let mut o = options(clock, caller, max_keys, allow_insecure_test_kdf, audit, aws)?;
        o.min_generation = min_generation
            .map(|n| count_u64(n, "min_generation"))
            .transpose()?;
        let ks = py
            .detach(|| Keystore::open(&path, &pass, &o))
            .map_err(core)?;
        Ok(Self::wrap(ks))
    }

    /// Closes the keystore, flushing and unlocking its file, and drops the alarm callback.
    /// Closing twice is harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let out = py.detach(|| match self.inner.write().take() {
            Some(ks) => ks.close(),
            None => Ok(()),
        });
        // No alarm can fire any more: drop the callback (outside the lock), breaking any cycle.
        let callback = self.alarm_callback.lock().take();
        drop(callback);
        out.map_err(core)
    }

    /// Whether ``close()`` has been called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.read().is_none()
    }

    /// This keystore's id (a UUID), part of every ARN.
    #[getter]
    fn keystore_id(&self) -> PyResult<String> {
        self.run(|ks| Ok(ks.keystore_id().to_owned()))
    }

    /// The keystore's generation: a counter that every committed change increments. Store it
    /// elsewhere and pass it back as ``open(..., min_generation=...)`` to detect a file rolled
    /// back to an older copy.
    fn generation(&self, py: Python<'_>) -> PyResult<u64> {
        self.detached(py, |ks| ks.generation())
    }

    /// The caller label recorded in the audit trail.
    #[getter]
    fn caller(&self) -> PyResult<String> {
        self.run(|ks| Ok(ks.caller().to_owned()))
    }

    /// The keystore file's path.
    #[getter]
    fn path(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// Lets Python's garbage collector see the alarm callback, which may refer back to this
    /// keystore (a reference cycle).
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // The collector must not block: skip the callback if the lock is busy this instant.
        if let Some(guard) = self.alarm_callback.try_lock() {
            visit.call(&*guard)?;
        }
        Ok(())
    }

    fn __clear__(&self) {
        let callback = self.alarm_callback.lock().take();
        drop(callback); // after the lock is released: dropping may run Python code
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { "closed" } else { "open" };
        format!("Keystore(path={:?}, {state})", self.path)
    }

    /// Re-wraps the root key under ``new`` (``str`` or bytes): only the file's header changes,
    /// whatever the number of keys. A wrong ``old`` raises ``AuthenticationFailed``.
    fn change_passphrase(
        &self,
        py: Python<'_>,
        old: &Bound<'_, PyAny>,
        new: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let (old, new) = (passphrase(old)?, passphrase(new)?);
        self.detached(py, |ks| ks.change_passphrase(&old, &new))
    }

    // ----- keys -----

    /// Creates a key (AWS KMS ``CreateKey``) and returns its ``KeyMetadata``.
    /// ``origin="EXTERNAL"`` makes a key in ``PendingImport`` without material.
    /// ``tags`` (a dict of tag key to value) are checked as ``tag_resource``'s. ``policy`` is
    /// the key policy (AWS's JSON document; default AWS's default policy).
    #[pyo3(signature = (description = String::new(), key_spec = "SYMMETRIC_DEFAULT",
        key_usage = None, origin = "AWS_KMS", tags = None, policy = None,
        bypass_policy_lockout_safety_check = false))]
    #[allow(clippy::too_many_arguments)]
    fn create_key(
        &self,
        py: Python<'_>,
        description: String,
        key_spec: &str,
        key_usage: Option<&str>,
        origin: &str,
        tags: Option<BTreeMap<String, String>>,
        policy: Option<String>,
        bypass_policy_lockout_safety_check: bool,
    ) -> PyResult<PyKeyMetadata> {
        let req = CreateKey {
            description,
            key_spec: Some(key_spec.parse().map_err(core)?),
            key_usage: key_usage.map(str::parse).transpose().map_err(core)?,
            origin: Some(origin.parse().map_err(core)?),
            tags: tag_list(tags.unwrap_or_default()),
            policy,
            bypass_policy_lockout_safety_check,
        };
        self.detached(py, |ks| ks.create_key(&req))
            .map(PyKeyMetadata)
    }

    /// A key's ``KeyMetadata``, in any state (AWS KMS ``DescribeKey``). ``key_id`` may be a key
    /// id, key ARN, alias name or alias ARN.
    fn describe_key(&self, py: Python<'_>, key_id: &str) -> PyResult<PyKeyMetadata> {
        self.with(py, |ks| ks.describe_key(key_id))
            .map(PyKeyMetadata)
    }

    /// Every key's ``KeyMetadata``, ordered by key id (AWS KMS ``ListKeys``).
    fn list_keys(&self, py: Python<'_>) -> PyResult<Vec<PyKeyMetadata>> {
        let keys = self.detached(py, |ks| ks.list_keys())?;
        Ok(keys.into_iter().map(PyKeyMetadata).collect())
    }

    /// One ``Page`` of the keys' ``KeyMetadata``, ordered by key id (AWS KMS ``ListKeys`` with
    /// ``Limit`` and ``Marker``): ``limit`` 1 to 1000 (default 100), ``marker`` a previous page's
    /// ``next_marker`` of this list (``InvalidMarker`` otherwise).
    #[pyo3(signature = (limit = None, marker = None))]
    fn list_keys_page(
        &self,
        py: Python<'_>,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyPage> {
        let req = page_request(limit, marker)?;
        let page = self.detached(py, |ks| ks.list_keys_page(&req))?;
        PyPage::new(py, page, PyKeyMetadata)
    }

    /// Enables a key (AWS KMS ``EnableKey``).
    fn enable_key(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.enable_key(key_id))
    }

    /// Disables a key (AWS KMS ``DisableKey``): it refuses cryptographic use until enabled.
    fn disable_key(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.disable_key(key_id))
    }

    /// Replaces a key's description (AWS KMS ``UpdateKeyDescription``): 0 to 8192 characters;
    /// ``InvalidState`` while the key is pending deletion.
    fn update_key_description(
        &self,
        py: Python<'_>,
        key_id: &str,
        description: &str,
    ) -> PyResult<()> {
        self.detached(py, |ks| ks.update_key_description(key_id, description))
    }

    /// Adds tags (a dict of tag key to value) to a key, replacing the value of a tag key it
    /// already has (AWS KMS ``TagResource``). A tag key is 1 to 128 characters and may not start
    /// with ``aws:`` (``InvalidTag``); a value 0 to 256; at most 50 tags per key
    /// (``LimitExceeded``); ``InvalidState`` while the key is pending deletion.
    fn tag_resource(
        &self,
        py: Python<'_>,
        key_id: &str,
        tags: BTreeMap<String, String>,
    ) -> PyResult<()> {
        let tags = tag_list(tags);
        self.detached(py, |ks| ks.tag_resource(key_id, &tags))
    }

    /// Removes the tags of these tag keys from a key (AWS KMS ``UntagResource``); a tag key the
    /// key does not have is not an error.
    fn untag_resource(&self, py: Python<'_>, key_id: &str, tag_keys: Vec<String>) -> PyResult<()> {
        self.detached(py, |ks| ks.untag_resource(key_id, &tag_keys))
    }

    /// One page of a key's tags, in tag-key order (AWS KMS ``ListResourceTags``; ``limit`` 1 to
    /// 50, default 50; ``marker`` a previous page's ``next_marker``).
    #[pyo3(signature = (key_id, limit = None, marker = None))]
    fn list_resource_tags(
        &self,
        py: Python<'_>,
        key_id: &str,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyResourceTags> {
        let page = page_request(limit, marker)?;
        self.with(py, |ks| ks.list_resource_tags(key_id, &page))
            .map(PyResourceTags)
    }

    /// When and by which cryptographic operation a key was last used (AWS KMS
    /// ``GetKeyLastUsage``), in any state.
    fn get_key_last_usage(&self, py: Python<'_>, key_id: &str) -> PyResult<PyKeyLastUsage> {
        self.detached(py, |ks| ks.get_key_last_usage(key_id))
            .map(PyKeyLastUsage)
    }

    // ----- aliases -----

    /// Creates an alias ``alias/...`` for a key id or key ARN (AWS KMS ``CreateAlias``).
    fn create_alias(&self, py: Python<'_>, alias_name: &str, target_key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.create_alias(alias_name, target_key_id))
    }

    /// Points an existing alias at another key (AWS KMS ``UpdateAlias``).
    fn update_alias(&self, py: Python<'_>, alias_name: &str, target_key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.update_alias(alias_name, target_key_id))
    }

    /// Deletes an alias; its key is not affected (AWS KMS ``DeleteAlias``).
    fn delete_alias(&self, py: Python<'_>, alias_name: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.delete_alias(alias_name))
    }

    /// Aliases ordered by name: all, or only those of ``key_id`` (AWS KMS ``ListAliases``).
    #[pyo3(signature = (key_id = None))]
    fn list_aliases(
        &self,
        py: Python<'_>,
        key_id: Option<&str>,
    ) -> PyResult<Vec<PyAliasListEntry>> {
        let list = self.detached(py, |ks| ks.list_aliases(key_id))?;
        Ok(list.into_iter().map(PyAliasListEntry).collect())
    }

    /// One ``Page`` of the aliases (all, or ``key_id``'s), ordered by name (AWS KMS
    /// ``ListAliases`` with ``Limit`` and ``Marker``): ``limit`` 1 to 100 (default 50).
    #[pyo3(signature = (key_id = None, limit = None, marker = None))]
    fn list_aliases_page(
        &self,
        py: Python<'_>,
        key_id: Option<&str>,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyPage> {
        let req = page_request(limit, marker)?;
        let page = self.detached(py, |ks| ks.list_aliases_page(key_id, &req))?;
        PyPage::new(py, page, PyAliasListEntry)
    }

    // ----- key policies and grants (they bind the server's callers; this handle is the account root) -----

    /// Replaces a key's policy (AWS KMS ``PutKeyPolicy``; ``policy_name`` ``"default"``).
    #[pyo3(signature = (key_id, policy, policy_name = None, bypass_policy_lockout_safety_check = false))]
    fn put_key_policy(
        &self,
        py: Python<'_>,
        key_id: &str,
        policy: &str,
        policy_name: Option<&str>,
        bypass_policy_lockout_safety_check: bool,
    ) -> PyResult<()> {
        self.detached(py, |ks| {
            ks.put_key_policy(
                key_id,
                policy_name,
                policy,
                bypass_policy_lockout_safety_check,
            )
        })
    }

    /// A key's policy text (AWS KMS ``GetKeyPolicy``).
    #[pyo3(signature = (key_id, policy_name = None))]
    fn get_key_policy(
        &self,
        py: Python<'_>,
        key_id: &str,
        policy_name: Option<&str>,
    ) -> PyResult<String> {
        self.detached(py, |ks| ks.get_key_policy(key_id, policy_name))
    }

    /// The names of a key's policies: ``["default"]`` (AWS KMS ``ListKeyPolicies``).
    fn list_key_policies(&self, py: Python<'_>, key_id: &str) -> PyResult<Vec<String>> {
        self.detached(py, |ks| ks.list_key_policies(key_id))
    }

    /// Creates a grant (AWS KMS ``CreateGrant``): ``operations`` such as ``["Encrypt",
    /// "Decrypt"]``, ``constraints`` ``{"EncryptionContextSubset": {...}}`` or
    /// ``{"EncryptionContextEquals": {...}}``.
    #[pyo3(signature = (key_id, grantee_principal, operations, retiring_principal = None,
        constraints = None, name = None, *, dry_run = false))]
    #[allow(clippy::too_many_arguments)]
    fn create_grant(
        &self,
        py: Python<'_>,
        key_id: String,
        grantee_principal: String,
        operations: Vec<String>,
        retiring_principal: Option<String>,
        constraints: Option<HashMap<String, BTreeMap<String, String>>>,
        name: Option<String>,
        dry_run: bool,
    ) -> PyResult<PyCreatedGrant> {
        let req = CreateGrant {
            key_id,
            grantee_principal,
            retiring_principal,
            operations: operations
                .iter()
                .map(|o| o.parse())
                .collect::<Result<_, _>>()
                .map_err(core)?,
            constraints: access::constraints(constraints).map_err(core)?,
            name,
        };
        self.detached(py, dry(dry_run, |ks| ks.create_grant(&req)))
            .map(PyCreatedGrant)
    }

    /// A key's grants (AWS KMS ``ListGrants``), optionally one grant or one grantee's.
    #[pyo3(signature = (key_id, grant_id = None, grantee_principal = None))]
    fn list_grants(
        &self,
        py: Python<'_>,
        key_id: &str,
        grant_id: Option<&str>,
        grantee_principal: Option<&str>,
    ) -> PyResult<Vec<PyGrantListEntry>> {
        let list = self.detached(py, |ks| ks.list_grants(key_id, grant_id, grantee_principal))?;
        Ok(list.into_iter().map(PyGrantListEntry).collect())
    }

    /// One ``Page`` of a key's grants (AWS KMS ``ListGrants`` with ``Limit`` and ``Marker``):
    /// ``limit`` 1 to 100 (default 50).
    #[pyo3(signature = (key_id, grant_id = None, grantee_principal = None, limit = None,
        marker = None))]
    fn list_grants_page(
        &self,
        py: Python<'_>,
        key_id: &str,
        grant_id: Option<&str>,
        grantee_principal: Option<&str>,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyPage> {
        let req = page_request(limit, marker)?;
        let page = self.detached(py, |ks| {
            ks.list_grants_page(key_id, grant_id, grantee_principal, &req)
        })?;
        PyPage::new(py, page, PyGrantListEntry)
    }

    /// The grants ``retiring_principal`` may retire, on every key (AWS KMS ``ListRetirableGrants``).
    fn list_retirable_grants(
        &self,
        py: Python<'_>,
        retiring_principal: &str,
    ) -> PyResult<Vec<PyGrantListEntry>> {
        let list = self.detached(py, |ks| ks.list_retirable_grants(retiring_principal))?;
        Ok(list.into_iter().map(PyGrantListEntry).collect())
    }

    /// One ``Page`` of the grants ``retiring_principal`` may retire (AWS KMS
    /// ``ListRetirableGrants`` with ``Limit`` and ``Marker``): ``limit`` 1 to 100 (default 50).
    #[pyo3(signature = (retiring_principal, limit = None, marker = None))]
    fn list_retirable_grants_page(
        &self,
        py: Python<'_>,
        retiring_principal: &str,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyPage> {
        let req = page_request(limit, marker)?;
        let page = self.detached(py, |ks| {
            ks.list_retirable_grants_page(retiring_principal, &req)
        })?;
        PyPage::new(py, page, PyGrantListEntry)
    }

    /// Retires a grant by its token, or by key and grant id (AWS KMS ``RetireGrant``).
    #[pyo3(signature = (grant_token = None, key_id = None, grant_id = None, *, dry_run = false))]
    fn retire_grant(
        &self,
        py: Python<'_>,
        grant_token: Option<&str>,
        key_id: Option<&str>,
        grant_id: Option<&str>,
        dry_run: bool,
    ) -> PyResult<()> {
        self.detached(
            py,
            dry(dry_run, |ks| ks.retire_grant(grant_token, key_id, grant_id)),
        )
    }

    /// Revokes a grant (AWS KMS ``RevokeGrant``).
    #[pyo3(signature = (key_id, grant_id, *, dry_run = false))]
    fn revoke_grant(
        &self,
        py: Python<'_>,
        key_id: &str,
        grant_id: &str,
        dry_run: bool,
    ) -> PyResult<()> {
        self.detached(py, dry(dry_run, |ks| ks.revoke_grant(key_id, grant_id)))
    }

    // ----- cryptographic operations -----

    /// Encrypts 1 to 4096 bytes (any bytes-like object) under a key (AWS KMS ``Encrypt``).
    /// Returns the ciphertext blob; the ``encryption_context`` (``dict[str, str]``), if given, is
    /// needed again to decrypt. ``encryption_algorithm`` ``"RSAES_OAEP_SHA_256"`` or
    /// ``"RSAES_OAEP_SHA_1"`` encrypts with an RSA ``ENCRYPT_DECRYPT`` key's public key (raw
    /// OAEP ciphertext, no context; at most 190 bytes for RSA_2048 with SHA-256); the default,
    /// ``"SYMMETRIC_DEFAULT"``, needs a symmetric key.
    #[pyo3(signature = (key_id, plaintext, encryption_context = None, encryption_algorithm = None,
        *, dry_run = false))]
    fn encrypt<'py>(
        &self,
        py: Python<'py>,
        key_id: &str,
        plaintext: &Bound<'_, PyAny>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        encryption_algorithm: Option<&str>,
        dry_run: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let plaintext = buffer(plaintext, "plaintext")?;
        if let Some(alg) = asymmetric::asymmetric_algorithm(encryption_algorithm)? {
            return asymmetric::encrypt_with_algorithm(
                self,
                py,
                key_id,
                &plaintext,
                encryption_context,
                alg,
                dry_run,
            );
        }
        let ctx = context(encryption_context)?;
        let data = plaintext.as_slice();
        // Sealed straight into the new `bytes` object, which no other thread can see yet.
        PyBytes::new_with(py, strongroom::blob_len(data.len()), |out| {
            self.maybe_detached(
                py,
                data.len(),
                dry(dry_run, |ks| {
                    ks.encrypt_into(key_id, data, ctx.as_ref(), out)
                }),
            )
            .map(drop)
        })
    }

    /// Decrypts a ciphertext blob (AWS KMS ``Decrypt``) and returns the plaintext. The key comes
    /// from the blob; a different ``key_id`` raises ``IncorrectKey``; a wrong context or any
    /// tampering raises ``InvalidCiphertext``. With ``encryption_algorithm``
    /// ``"RSAES_OAEP_SHA_256"`` or ``"RSAES_OAEP_SHA_1"``, decrypts raw OAEP ciphertext (made
    /// here or anywhere with the key's public key) with the RSA key ``key_id``, which is then
    /// required.
    #[pyo3(signature = (ciphertext_blob, encryption_context = None, key_id = None,
        encryption_algorithm = None, *, dry_run = false))]
    fn decrypt<'py>(
        &self,
        py: Python<'py>,
        ciphertext_blob: &Bound<'_, PyAny>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        key_id: Option<&str>,
        encryption_algorithm: Option<&str>,
        dry_run: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let blob: Buffer<'_> = buffer(ciphertext_blob, "ciphertext_blob")?;
        if let Some(alg) = asymmetric::asymmetric_algorithm(encryption_algorithm)? {
            let d = asymmetric::decrypt_with_algorithm(
                self,
                py,
                &blob,
                encryption_context,
                key_id,
                alg,
                dry_run,
            )?;
            // The core's copy is zeroized when `d` drops; the Python bytes cannot be.
            return Ok(PyBytes::new(py, d.plaintext.as_bytes()));
        }
        let ctx = context(encryption_context)?;
        let data = blob.as_slice();
        // Opened straight into the new `bytes` object (as `encrypt`).
        PyBytes::new_with(py, strongroom::plaintext_len(data.len()), |out| {
            self.maybe_detached(
                py,
                data.len(),
                dry(dry_run, |ks| {
                    ks.decrypt_into(data, ctx.as_ref(), key_id, out)
                }),
            )
            .map(drop)
        })
    }

    /// As ``decrypt``, returning a ``Decrypted`` with ``plaintext``, ``key_id`` (the ARN of the
    /// key that decrypted it) and ``key_material_id`` (AWS KMS ``Decrypt``'s members).
    /// ``decrypt`` is the bytes-only form, which makes no strings. ``encryption_algorithm`` as
    /// for ``decrypt``.
    #[pyo3(signature = (ciphertext_blob, encryption_context = None, key_id = None,
        encryption_algorithm = None, *, dry_run = false))]
    fn decrypt_with_key_id(
        &self,
        py: Python<'_>,
        ciphertext_blob: &Bound<'_, PyAny>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        key_id: Option<&str>,
        encryption_algorithm: Option<&str>,
        dry_run: bool,
    ) -> PyResult<PyDecrypted> {
        let blob: Buffer<'_> = buffer(ciphertext_blob, "ciphertext_blob")?;
        if let Some(alg) = asymmetric::asymmetric_algorithm(encryption_algorithm)? {
            let d = asymmetric::decrypt_with_algorithm(
                self,
                py,
                &blob,
                encryption_context,
                key_id,
                alg,
                dry_run,
            )?;
            return Ok(PyDecrypted::new(d));
        }
        let ctx = context(encryption_context)?;
        let data = blob.as_slice();
        let d = self.maybe_detached(
            py,
            data.len(),
            dry(dry_run, |ks| ks.decrypt(data, ctx.as_ref(), key_id)),
        )?;
        Ok(PyDecrypted::new(d))
    }

    /// Decrypts a blob and encrypts its plaintext under ``destination_key_id`` without the
    /// plaintext leaving the keystore (AWS KMS ``ReEncrypt``). Returns the new blob.
    /// ``source_encryption_algorithm`` ``"RSAES_OAEP_SHA_256"`` or ``"RSAES_OAEP_SHA_1"`` reads
    /// raw OAEP ciphertext of the RSA key ``source_key_id`` (then required; no source context);
    /// ``destination_encryption_algorithm`` likewise encrypts to an RSA ``ENCRYPT_DECRYPT`` key
    /// (no destination context; the plaintext within the key's OAEP limit). Both default to
    /// ``"SYMMETRIC_DEFAULT"``.
    #[pyo3(signature = (ciphertext_blob, destination_key_id, source_encryption_context = None,
        destination_encryption_context = None, source_key_id = None,
        source_encryption_algorithm = None, destination_encryption_algorithm = None, *,
        dry_run = false))]
    #[allow(clippy::too_many_arguments)] // AWS's members, as Python keyword arguments
    fn re_encrypt<'py>(
        &self,
        py: Python<'py>,
        ciphertext_blob: &Bound<'_, PyAny>,
        destination_key_id: &str,
        source_encryption_context: Option<&Bound<'_, PyAny>>,
        destination_encryption_context: Option<&Bound<'_, PyAny>>,
        source_key_id: Option<&str>,
        source_encryption_algorithm: Option<&str>,
        destination_encryption_algorithm: Option<&str>,
        dry_run: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let algorithms = asymmetric::re_encrypt_algorithms(
            source_encryption_algorithm,
            destination_encryption_algorithm,
        )?;
        let blob = buffer(ciphertext_blob, "ciphertext_blob")?;
        let src_ctx = context(source_encryption_context)?;
        let dst_ctx = context(destination_encryption_context)?;
        let data = blob.as_slice();
        let out = self.maybe_detached(
            py,
            data.len(),
            dry(dry_run, |ks| {
                ks.re_encrypt_with_algorithms(
                    data,
                    destination_key_id,
                    src_ctx.as_ref(),
                    dst_ctx.as_ref(),
                    source_key_id,
                    algorithms,
                )
            }),
        )?;
        Ok(PyBytes::new(py, &out.ciphertext_blob))
    }

    /// A fresh data key (AWS KMS ``GenerateDataKey``): an object with ``plaintext``,
    /// ``ciphertext_blob`` and ``key_id``. Give ``key_spec`` (``"AES_256"`` or ``"AES_128"``)
    /// or ``number_of_bytes`` (1 to 1024), not both; neither means ``AES_256``.
    #[pyo3(signature = (key_id, key_spec = None, number_of_bytes = None, encryption_context = None,
        *, dry_run = false))]
    fn generate_data_key(
        &self,
        py: Python<'_>,
        key_id: &str,
        key_spec: Option<&str>,
        number_of_bytes: Option<i128>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        dry_run: bool,
    ) -> PyResult<PyDataKey> {
        let spec = data_key_spec(key_spec)?;
        let n = opt_count(number_of_bytes, "number_of_bytes")?;
        let ctx = context(encryption_context)?;
        let dk = self.with(
            py,
            dry(dry_run, |ks| {
                ks.generate_data_key(key_id, spec, n, ctx.as_ref())
            }),
        )?;
        Ok(PyDataKey::new(dk))
    }

    /// As ``generate_data_key``, without the plaintext (AWS KMS
    /// ``GenerateDataKeyWithoutPlaintext``): an object with ``ciphertext_blob`` and ``key_id``.
    #[pyo3(signature = (key_id, key_spec = None, number_of_bytes = None, encryption_context = None,
        *, dry_run = false))]
    fn generate_data_key_without_plaintext(
        &self,
        py: Python<'_>,
        key_id: &str,
        key_spec: Option<&str>,
        number_of_bytes: Option<i128>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        dry_run: bool,
    ) -> PyResult<PyDataKeyWithoutPlaintext> {
        let spec = data_key_spec(key_spec)?;
        let n = opt_count(number_of_bytes, "number_of_bytes")?;
        let ctx = context(encryption_context)?;
        let dk = self.with(
            py,
            dry(dry_run, |ks| {
                ks.generate_data_key_without_plaintext(key_id, spec, n, ctx.as_ref())
            }),
        )?;
        Ok(PyDataKeyWithoutPlaintext(dk))
    }

    // ----- asymmetric and HMAC keys (SPEC section 11, docs/key-types.md; the code is in asymmetric.rs) -----

    /// A key's public key (AWS KMS ``GetPublicKey``): a ``PublicKey`` with ``public_key`` (DER
    /// SubjectPublicKeyInfo), ``key_spec``, ``key_usage`` and the key's algorithms.
    /// ``UnsupportedOperation`` for symmetric and HMAC keys.
    fn get_public_key(&self, py: Python<'_>, key_id: &str) -> PyResult<asymmetric::PyPublicKey> {
        asymmetric::get_public_key(self, py, key_id)
    }

    /// Signs a message with a ``SIGN_VERIFY`` key (AWS KMS ``Sign``): a ``Signed`` with
    /// ``key_id``, ``signature`` and ``signing_algorithm``. ``message_type`` ``"RAW"`` (1 to
    /// 4096 bytes; the algorithm hashes it) or ``"DIGEST"`` (exactly the hash's length).
    /// ``signing_algorithm``: ``"RSASSA_PSS_SHA_256"``, ``"ECDSA_SHA_256"``,
    /// ``"ED25519_SHA_512"``, ``"ML_DSA_SHAKE_256"``, ... as the key allows (``InvalidKeyUsage``
    /// otherwise). Runs with the GIL released.
    #[pyo3(signature = (key_id, message, signing_algorithm, message_type = "RAW", *,
        dry_run = false))]
    fn sign(
        &self,
        py: Python<'_>,
        key_id: &str,
        message: &Bound<'_, PyAny>,
        signing_algorithm: &str,
        message_type: &str,
        dry_run: bool,
    ) -> PyResult<asymmetric::PySigned> {
        asymmetric::sign(
            self,
            py,
            key_id,
            message,
            signing_algorithm,
            message_type,
            dry_run,
        )
    }

    /// Verifies a signature (AWS KMS ``Verify``): returns ``True``, or raises
    /// ``KMSInvalidSignature``; it never returns ``False``. Signatures made anywhere with the
    /// key's private key verify. Runs with the GIL released.
    #[pyo3(signature = (key_id, message, signature, signing_algorithm, message_type = "RAW", *,
        dry_run = false))]
    #[allow(clippy::too_many_arguments)] // AWS's members, as Python keyword arguments
    fn verify(
        &self,
        py: Python<'_>,
        key_id: &str,
        message: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
        signing_algorithm: &str,
        message_type: &str,
        dry_run: bool,
    ) -> PyResult<bool> {
        asymmetric::verify(
            self,
            py,
            key_id,
            message,
            signature,
            signing_algorithm,
            message_type,
            dry_run,
        )
    }

    /// The HMAC of a 1 to 4096-byte message under a ``GENERATE_VERIFY_MAC`` key (AWS KMS
    /// ``GenerateMac``): a ``Mac`` with ``key_id``, ``mac`` and ``mac_algorithm``
    /// (``"HMAC_SHA_256"`` for an ``HMAC_256`` key, ...).
    #[pyo3(signature = (key_id, message, mac_algorithm, *, dry_run = false))]
    fn generate_mac(
        &self,
        py: Python<'_>,
        key_id: &str,
        message: &Bound<'_, PyAny>,
        mac_algorithm: &str,
        dry_run: bool,
    ) -> PyResult<asymmetric::PyMac> {
        asymmetric::generate_mac(self, py, key_id, message, mac_algorithm, dry_run)
    }

    /// Verifies a MAC in constant time (AWS KMS ``VerifyMac``): returns ``True``, or raises
    /// ``KMSInvalidMac``.
    #[pyo3(signature = (key_id, message, mac, mac_algorithm, *, dry_run = false))]
    fn verify_mac(
        &self,
        py: Python<'_>,
        key_id: &str,
        message: &Bound<'_, PyAny>,
        mac: &Bound<'_, PyAny>,
        mac_algorithm: &str,
        dry_run: bool,
    ) -> PyResult<bool> {
        asymmetric::verify_mac(self, py, key_id, message, mac, mac_algorithm, dry_run)
    }

    /// ECDH between a ``KEY_AGREEMENT`` key and a peer's public key (DER SubjectPublicKeyInfo
    /// on the same curve) (AWS KMS ``DeriveSharedSecret``): a ``SharedSecret`` whose
    /// ``shared_secret`` is the raw secret, as AWS returns it. Runs with the GIL released.
    #[pyo3(signature = (key_id, key_agreement_algorithm, public_key, *, dry_run = false))]
    fn derive_shared_secret(
        &self,
        py: Python<'_>,
        key_id: &str,
        key_agreement_algorithm: &str,
        public_key: &Bound<'_, PyAny>,
        dry_run: bool,
    ) -> PyResult<asymmetric::PySharedSecret> {
        asymmetric::derive_shared_secret(
            self,
            py,
            key_id,
            key_agreement_algorithm,
            public_key,
            dry_run,
        )
    }

    /// A fresh key pair (AWS KMS ``GenerateDataKeyPair``) of ``key_pair_spec`` (``"RSA_2048"``,
    /// ``"RSA_3072"``, ``"RSA_4096"``, ``"ECC_NIST_P256"``, ``"ECC_NIST_P384"``,
    /// ``"ECC_NIST_P521"`` or ``"ECC_SECG_P256K1"``), its private key encrypted under the
    /// symmetric key ``key_id``: a ``DataKeyPair``. Generation runs with the GIL released.
    #[pyo3(signature = (key_id, key_pair_spec, encryption_context = None, *, dry_run = false))]
    fn generate_data_key_pair(
        &self,
        py: Python<'_>,
        key_id: &str,
        key_pair_spec: &str,
        encryption_context: Option<&Bound<'_, PyAny>>,
        dry_run: bool,
    ) -> PyResult<asymmetric::PyDataKeyPair> {
        asymmetric::generate_data_key_pair(
            self,
            py,
            key_id,
            key_pair_spec,
            encryption_context,
            dry_run,
        )
    }

    /// As ``generate_data_key_pair``, without the plaintext private key (AWS KMS
    /// ``GenerateDataKeyPairWithoutPlaintext``): a ``DataKeyPairWithoutPlaintext``.
    #[pyo3(signature = (key_id, key_pair_spec, encryption_context = None, *, dry_run = false))]
    fn generate_data_key_pair_without_plaintext(
        &self,
        py: Python<'_>,
        key_id: &str,
        key_pair_spec: &str,
        encryption_context: Option<&Bound<'_, PyAny>>,
        dry_run: bool,
    ) -> PyResult<asymmetric::PyDataKeyPairWithoutPlaintext> {
        asymmetric::generate_data_key_pair_without_plaintext(
            self,
            py,
            key_id,
            key_pair_spec,
            encryption_context,
            dry_run,
        )
    }

    // ----- the streaming file format (docs/STREAM-FORMAT.md; the code is in stream.rs) -----

    /// Encrypts everything ``source`` yields into ``destination`` in strongroom's streaming
    /// file format (the CLI's ``encrypt-file``): a fresh AES-256 data key from ``key_id`` (key
    /// id, ARN, alias name or alias ARN), 64 KiB chunks sealed with AES-256-GCM, any size in
    /// constant memory. ``source`` is a binary file object with ``read(n)`` and
    /// ``destination`` one with ``write(b)`` (open files, ``io.BytesIO``, a socket's
    /// ``makefile``); ``destination`` is flushed, not closed. The ``encryption_context`` is
    /// needed again to decrypt. Returns a ``StreamSummary``. A reader or writer that raises
    /// makes this raise ``Io`` with that exception as ``__cause__``; output written before a
    /// failure is incomplete. The GIL is released except during the ``read``/``write`` calls.
    #[pyo3(signature = (key_id, source, destination, encryption_context = None))]
    fn encrypt_file(
        &self,
        py: Python<'_>,
        key_id: &str,
        source: &Bound<'_, PyAny>,
        destination: &Bound<'_, PyAny>,
        encryption_context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::stream::PyStreamSummary> {
        crate::stream::encrypt_file(self, py, key_id, source, destination, encryption_context)
    }

    /// Decrypts a stream made by ``encrypt_file`` (or the CLI's ``encrypt-file``) from
    /// ``source`` into ``destination``, with the same ``encryption_context``; ``key_id``, if
    /// given, must name the key it was made under (``IncorrectKey`` otherwise). Returns a
    /// ``StreamSummary``. A damaged, truncated, reordered or extended stream, or a wrong
    /// context, raises ``InvalidCiphertext``. Plaintext is written as each chunk verifies, so
    /// on any error discard what reached ``destination``.
    #[pyo3(signature = (source, destination, encryption_context = None, key_id = None))]
    fn decrypt_file(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        destination: &Bound<'_, PyAny>,
        encryption_context: Option<&Bound<'_, PyAny>>,
        key_id: Option<&str>,
    ) -> PyResult<crate::stream::PyStreamSummary> {
        crate::stream::decrypt_file(self, py, source, destination, encryption_context, key_id)
    }

    /// ``number_of_bytes`` (1 to 1024) random bytes from the OS CSPRNG (AWS KMS
    /// ``GenerateRandom``).
    fn generate_random<'py>(
        &self,
        py: Python<'py>,
        number_of_bytes: i128,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let n = count_u32(number_of_bytes, "number_of_bytes")?;
        // The core's buffer is zeroized when dropped; the Python bytes cannot be (SECURITY.md).
        let out = self.with(py, |ks| ks.generate_random(n))?;
        Ok(PyBytes::new(py, out.as_bytes()))
    }

    // ----- rotation, deletion, maintenance, alarm -----

    /// Turns on automatic rotation (AWS KMS ``EnableKeyRotation``): a new backing-key version
    /// every ``rotation_period_in_days`` (90 to 2560; default 365).
    #[pyo3(signature = (key_id, rotation_period_in_days = None))]
    fn enable_key_rotation(
        &self,
        py: Python<'_>,
        key_id: &str,
        rotation_period_in_days: Option<i128>,
    ) -> PyResult<()> {
        let period = opt_count(rotation_period_in_days, "rotation_period_in_days")?;
        self.detached(py, |ks| ks.enable_key_rotation(key_id, period))
    }

    /// Turns off automatic rotation (AWS KMS ``DisableKeyRotation``).
    fn disable_key_rotation(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.disable_key_rotation(key_id))
    }

    /// The key's rotation settings (AWS KMS ``GetKeyRotationStatus``): an object with
    /// ``key_id``, ``key_rotation_enabled``, ``rotation_period_in_days``,
    /// ``next_rotation_date`` and ``on_demand_rotation_start_date``.
    fn get_key_rotation_status(
        &self,
        py: Python<'_>,
        key_id: &str,
    ) -> PyResult<PyKeyRotationStatus> {
        self.detached(py, |ks| ks.get_key_rotation_status(key_id))
            .map(PyKeyRotationStatus)
    }

    /// Adds a new backing-key version now (AWS KMS ``RotateKeyOnDemand``); at most 25 per key
    /// (``LimitExceeded`` beyond).
    fn rotate_key_on_demand(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.rotate_key_on_demand(key_id))
    }

    /// One entry per rotation, oldest first (AWS KMS ``ListKeyRotations``): objects with
    /// ``key_id``, ``rotation_date`` and ``rotation_type`` (``"AUTOMATIC"`` or ``"ON_DEMAND"``).
    #[pyo3(signature = (key_id, include_key_material = None))]
    fn list_key_rotations(
        &self,
        py: Python<'_>,
        key_id: &str,
        include_key_material: Option<&str>,
    ) -> PyResult<Vec<PyRotationsListEntry>> {
        let include: strongroom::IncludeKeyMaterial = include_key_material
            .map(str::parse)
            .transpose()
            .map_err(core)?
            .unwrap_or_default();
        let list = self.detached(py, |ks| ks.list_key_rotations_with(key_id, include))?;
        Ok(list.into_iter().map(PyRotationsListEntry).collect())
    }

    /// One ``Page`` of a key's rotations, oldest first (AWS KMS ``ListKeyRotations`` with
    /// ``IncludeKeyMaterial``, ``Limit`` and ``Marker``): ``limit`` 1 to 1000 (default 100).
    #[pyo3(signature = (key_id, include_key_material = None, limit = None, marker = None))]
    fn list_key_rotations_page(
        &self,
        py: Python<'_>,
        key_id: &str,
        include_key_material: Option<&str>,
        limit: Option<i128>,
        marker: Option<String>,
    ) -> PyResult<PyPage> {
        let include: strongroom::IncludeKeyMaterial = include_key_material
            .map(str::parse)
            .transpose()
            .map_err(core)?
            .unwrap_or_default();
        let req = page_request(limit, marker)?;
        let page = self.detached(py, |ks| ks.list_key_rotations_page(key_id, include, &req))?;
        PyPage::new(py, page, PyRotationsListEntry)
    }

    /// Schedules the key's destruction after ``pending_window_in_days`` (7 to 30; default 30)
    /// (AWS KMS ``ScheduleKeyDeletion``). Returns the deletion date, a timezone-aware
    /// ``datetime``. Until then the key refuses all use (``InvalidState``).
    #[pyo3(signature = (key_id, pending_window_in_days = None))]
    fn schedule_key_deletion<'py>(
        &self,
        py: Python<'py>,
        key_id: &str,
        pending_window_in_days: Option<i128>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let window = opt_count(pending_window_in_days, "pending_window_in_days")?;
        let date = self.detached(py, |ks| ks.schedule_key_deletion(key_id, window))?;
        to_datetime(py, date)
    }

    /// Cancels a scheduled deletion (AWS KMS ``CancelKeyDeletion``); the key becomes
    /// ``Disabled``, as in AWS KMS.
    fn cancel_key_deletion(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.detached(py, |ks| ks.cancel_key_deletion(key_id))
    }

    /// Performs every rotation and destruction that is due now. (They also happen by themselves
    /// when the keystore opens and when a key is touched.)
    fn run_maintenance(&self, py: Python<'_>) -> PyResult<()> {
        self.detached(py, |ks| ks.run_maintenance())
    }

    /// Sets the alarm: ``callback(event)`` is called with an ``AlarmEvent`` for every refused
    /// attempt to use a key that is disabled or pending deletion. ``None`` clears it. The
    /// callback runs on the thread that made the attempt, after the operation and before its
    /// error is raised; an exception from it goes to ``sys.unraisablehook``.
    #[pyo3(signature = (callback))]
    fn set_alarm(&self, callback: Option<Bound<'_, PyAny>>) -> PyResult<()> {
        let callback = callback.filter(|c| !c.is_none());
        if let Some(c) = &callback
            && !c.is_callable()
        {
            return Err(PyTypeError::new_err(
                "the alarm callback must be callable or None",
            ));
        }
        let hook: Option<strongroom::AlarmCallback> = callback.as_ref().map(|_| {
            let queue = Arc::clone(&self.alarms);
            Box::new(move |event: &AlarmEvent| {
                queue.events.lock().push(event.clone());
                queue.pending.store(true, Ordering::Release);
            }) as strongroom::AlarmCallback
        });
        self.run(|ks| {
            ks.set_alarm(hook);
            Ok(())
        })?;
        let old = std::mem::replace(
            &mut *self.alarm_callback.lock(),
            callback.map(Bound::unbind),
        );
        drop(old); // released after the lock, with the GIL held
        if self.alarm_callback.lock().is_none() {
            self.alarms.events.lock().clear();
        }
        Ok(())
    }

    // ----- importing key material -----

    /// A fresh RSA wrapping public key and an import token for an ``EXTERNAL`` key, valid for
    /// 24 hours and one import (AWS KMS ``GetParametersForImport``): an object with ``key_id``,
    /// ``import_token``, ``public_key`` (DER SubjectPublicKeyInfo) and ``parameters_valid_to``.
    /// ``wrapping_algorithm``: ``"RSAES_OAEP_SHA_256"`` (recommended), ``"RSAES_OAEP_SHA_1"``,
    /// ``"RSA_AES_KEY_WRAP_SHA_256"`` or ``"RSA_AES_KEY_WRAP_SHA_1"`` (RSA keys need one of the
    /// last two); ``wrapping_key_spec``: ``"RSA_2048"``, ``"RSA_3072"`` or ``"RSA_4096"``. RSA
    /// key generation runs with the GIL released.
    fn get_parameters_for_import(
        &self,
        py: Python<'_>,
        key_id: &str,
        wrapping_algorithm: &str,
        wrapping_key_spec: &str,
    ) -> PyResult<PyParametersForImport> {
        let algorithm = wrapping_algorithm.parse().map_err(core)?;
        let spec = wrapping_key_spec.parse().map_err(core)?;
        self.detached(py, |ks| {
            ks.get_parameters_for_import(key_id, algorithm, spec)
        })
        .map(PyParametersForImport)
    }

    /// Imports key material wrapped under the public key from ``get_parameters_for_import``
    /// (AWS KMS ``ImportKeyMaterial``); the key becomes ``Enabled``. ``expiration_model`` is
    /// ``"KEY_MATERIAL_DOES_NOT_EXPIRE"`` (the default when ``None``, SPEC section 7's; no
    /// ``valid_to``), or ``"KEY_MATERIAL_EXPIRES"``, which needs ``valid_to`` (a timezone-aware
    /// ``datetime``, at most 365 days ahead). ``import_type``
    /// (``"NEW_KEY_MATERIAL"`` or ``"EXISTING_KEY_MATERIAL"``; by the key's history when ``None``)
    /// and ``key_material_id`` (the key's existing material, as ``list_key_rotations`` reports
    /// it) are AWS's claims about the material, checked before the token is used;
    /// ``key_material_description`` (1 to 256 letters, digits, whitespace and ``: / _ . -``) is
    /// listed by ``list_key_rotations`` (``None`` keeps an earlier import's). Returns the
    /// material's id.
    #[pyo3(signature = (key_id, import_token, encrypted_key_material,
        expiration_model = None, valid_to = None, import_type = None, key_material_id = None,
        key_material_description = None))]
    #[allow(clippy::too_many_arguments)] // AWS's members, as Python keyword arguments
    fn import_key_material(
        &self,
        py: Python<'_>,
        key_id: &str,
        import_token: &Bound<'_, PyAny>,
        encrypted_key_material: &Bound<'_, PyAny>,
        expiration_model: Option<&str>,
        valid_to: Option<&Bound<'_, PyAny>>,
        import_type: Option<&str>,
        key_material_id: Option<&str>,
        key_material_description: Option<&str>,
    ) -> PyResult<String> {
        let token = buffer(import_token, "import_token")?;
        let material = buffer(encrypted_key_material, "encrypted_key_material")?;
        let model = match expiration_model {
            Some(m) => m.parse().map_err(core)?,
            None => strongroom::DEFAULT_EXPIRATION_MODEL,
        };
        let valid_to = valid_to
            .filter(|v| !v.is_none())
            .map(from_datetime)
            .transpose()?;
        let claims = strongroom::ImportClaims {
            import_type: import_type.map(str::parse).transpose().map_err(core)?,
            key_material_id,
            key_material_description,
        };
        let (token, material) = (token.as_slice(), material.as_slice());
        let id = self.detached(py, |ks| {
            ks.import_key_material_with(key_id, token, material, model, valid_to, claims)
        })?;
        Ok(id.to_string())
    }

    /// Deletes an ``EXTERNAL`` key's imported material (AWS KMS ``DeleteImportedKeyMaterial``):
    /// the key returns to ``PendingImport`` until the same material is imported again. Returns
    /// the deleted material's id.
    fn delete_imported_key_material(&self, py: Python<'_>, key_id: &str) -> PyResult<String> {
        let id = self.detached(py, |ks| ks.delete_imported_key_material(key_id))?;
        Ok(id.to_string())
    }

    // ----- audit trail -----

    /// Audit events matching every filter given, oldest first: a list of ``AuditEvent``
    /// (``sequence``, ``event_time``, ``caller``, ``operation``, ``key_id``, ``key_version``,
    /// ``encryption_context``, ``outcome``, ``count``). ``start_time`` and ``end_time`` are
    /// timezone-aware ``datetime`` objects (inclusive). For a long trail, prefer
    /// ``export_audit_jsonl``, which streams.
    #[pyo3(signature = (key_id = None, operation = None, outcome = None, start_time = None,
        end_time = None))]
    fn audit_events(
        &self,
        py: Python<'_>,
        key_id: Option<String>,
        operation: Option<String>,
        outcome: Option<String>,
        start_time: Option<&Bound<'_, PyAny>>,
        end_time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyAuditEvent>> {
        let filter = audit_filter(key_id, operation, outcome, start_time, end_time)?;
        let events = self.detached(py, |ks| ks.audit_events(&filter))?;
        Ok(events.into_iter().map(PyAuditEvent).collect())
    }

    /// Writes the audit events matching every filter given to the file ``path`` as JSON Lines
    /// (SPEC section 8's field names, as the CLI exports them), as they are read: memory stays
    /// bounded however long the trail. The file is created (mode 0600) or truncated. Returns the
    /// number of events written.
    #[pyo3(signature = (path, key_id = None, operation = None, outcome = None,
        start_time = None, end_time = None))]
    #[allow(clippy::too_many_arguments)]
    fn export_audit_jsonl(
        &self,
        py: Python<'_>,
        path: PathBuf,
        key_id: Option<String>,
        operation: Option<String>,
        outcome: Option<String>,
        start_time: Option<&Bound<'_, PyAny>>,
        end_time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let filter = audit_filter(key_id, operation, outcome, start_time, end_time)?;
        let file = {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            o.open(&path)?
        };
        self.detached(py, move |ks| {
            let mut out = std::io::BufWriter::new(file);
            let n = ks.export_audit_jsonl(&filter, &mut out)?;
            std::io::Write::flush(&mut out)?;
            Ok(n)
        })
    }

    /// Verifies the audit trail's hash chain and signed head; returns the number of events
    /// verified, or raises ``Corrupt`` naming the first event that does not verify.
    fn verify_audit(&self, py: Python<'_>) -> PyResult<u64> {
        self.detached(py, |ks| ks.verify_audit())
    }

    // ----- named secrets (boto3's secretsmanager shapes; src/secrets.rs) -----

    /// Creates a secret (AWS Secrets Manager ``CreateSecret``); returns ``{"ARN", "Name",
    /// "VersionId"}``.
    #[pyo3(signature = (*, Name, ClientRequestToken = None, Description = None, KmsKeyId = None,
                        SecretString = None, SecretBinary = None, Tags = None))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn create_secret<'py>(
        &self,
        py: Python<'py>,
        Name: String,
        ClientRequestToken: Option<String>,
        Description: Option<String>,
        KmsKeyId: Option<String>,
        SecretString: Option<String>,
        SecretBinary: Option<Vec<u8>>,
        Tags: Option<Vec<Bound<'py, PyAny>>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let req = strongroom::CreateSecret {
            name: Name,
            client_request_token: ClientRequestToken,
            description: Description,
            kms_key_id: KmsKeyId,
            value: secret_value(SecretString, SecretBinary)?,
            tags: secrets::tags(Tags)?,
        };
        let r = self.detached(py, |ks| ks.create_secret(&req))?;
        let d = secrets::arn_name(py, &r.arn, &r.name)?;
        if let Some(v) = r.version_id {
            d.set_item("VersionId", v)?;
        }
        Ok(d)
    }

    /// A secret's value (AWS Secrets Manager ``GetSecretValue``): ``SecretString`` as ``str`` or
    /// ``SecretBinary`` as ``bytes``, with ``ARN``, ``Name``, ``VersionId``, ``VersionStages``,
    /// ``CreatedDate``.
    #[pyo3(signature = (*, SecretId, VersionId = None, VersionStage = None))]
    #[allow(non_snake_case)]
    fn get_secret_value<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        VersionId: Option<&str>,
        VersionStage: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let v = self.detached(py, |ks| {
            ks.get_secret_value(SecretId, VersionId, VersionStage)
        })?;
        secrets::value_dict(py, &v)
    }

    /// Adds a version (AWS Secrets Manager ``PutSecretValue``): ``AWSCURRENT`` moves to it unless
    /// ``VersionStages`` says otherwise; returns ``{"ARN", "Name", "VersionId", "VersionStages"}``.
    #[pyo3(signature = (*, SecretId, ClientRequestToken = None, SecretString = None,
                        SecretBinary = None, VersionStages = None))]
    #[allow(non_snake_case)]
    fn put_secret_value<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        ClientRequestToken: Option<&str>,
        SecretString: Option<String>,
        SecretBinary: Option<Vec<u8>>,
        VersionStages: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let value = secret_value(SecretString, SecretBinary)?.ok_or_else(|| {
            crate::error::exc::Validation::new_err("give SecretString or SecretBinary")
        })?;
        let r = self.detached(py, |ks| {
            ks.put_secret_value(
                SecretId,
                ClientRequestToken,
                &value,
                VersionStages.as_deref(),
            )
        })?;
        let d = secrets::arn_name(py, &r.arn, &r.name)?;
        d.set_item("VersionId", r.version_id)?;
        d.set_item("VersionStages", r.version_stages)?;
        Ok(d)
    }

    /// Changes a secret's description, KMS key and/or value (AWS Secrets Manager
    /// ``UpdateSecret``).
    #[pyo3(signature = (*, SecretId, ClientRequestToken = None, Description = None,
                        KmsKeyId = None, SecretString = None, SecretBinary = None))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn update_secret<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        ClientRequestToken: Option<String>,
        Description: Option<String>,
        KmsKeyId: Option<String>,
        SecretString: Option<String>,
        SecretBinary: Option<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let req = strongroom::UpdateSecret {
            client_request_token: ClientRequestToken,
            description: Description,
            kms_key_id: KmsKeyId,
            value: secret_value(SecretString, SecretBinary)?,
        };
        let r = self.detached(py, |ks| ks.update_secret(SecretId, &req))?;
        let d = secrets::arn_name(py, &r.arn, &r.name)?;
        if let Some(v) = r.version_id {
            d.set_item("VersionId", v)?;
        }
        Ok(d)
    }

    /// A secret's metadata (AWS Secrets Manager ``DescribeSecret``).
    #[pyo3(signature = (*, SecretId))]
    #[allow(non_snake_case)]
    fn describe_secret<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let m = self.detached(py, |ks| ks.describe_secret(SecretId))?;
        secrets::metadata_dict(py, &m, "VersionIdsToStages")
    }

    /// A page of secrets (AWS Secrets Manager ``ListSecrets``): ``{"SecretList": [...],
    /// "NextToken"}``.
    #[pyo3(signature = (*, IncludePlannedDeletion = false, MaxResults = None, NextToken = None,
                        Filters = None, SortBy = None, SortOrder = None))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn list_secrets<'py>(
        &self,
        py: Python<'py>,
        IncludePlannedDeletion: bool,
        MaxResults: Option<i128>,
        NextToken: Option<String>,
        Filters: Option<Vec<Bound<'py, PyAny>>>,
        SortBy: Option<&str>,
        SortOrder: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let req = strongroom::ListSecrets {
            include_planned_deletion: IncludePlannedDeletion,
            max_results: MaxResults.map(|n| count_u32(n, "MaxResults")).transpose()?,
            next_token: NextToken,
            filters: secrets::filters(Filters)?,
            sort_by: SortBy
                .map(str::parse)
                .transpose()
                .map_err(crate::error::core)?,
            ascending: match SortOrder {
                None | Some("desc") => false,
                Some("asc") => true,
                Some(o) => {
                    return Err(crate::error::exc::Validation::new_err(format!(
                        "SortOrder must be 'asc' or 'desc', not {o:?}"
                    )));
                }
            },
        };
        let page = self.detached(py, |ks| ks.list_secrets(&req))?;
        let list = PyList::empty(py);
        for m in &page.secrets {
            list.append(secrets::metadata_dict(py, m, "SecretVersionsToStages")?)?;
        }
        let d = PyDict::new(py);
        d.set_item("SecretList", list)?;
        if let Some(t) = page.next_token {
            d.set_item("NextToken", t)?;
        }
        Ok(d)
    }

    /// A page of a secret's versions, newest first (AWS Secrets Manager
    /// ``ListSecretVersionIds``).
    #[pyo3(signature = (*, SecretId, MaxResults = None, NextToken = None, IncludeDeprecated = false))]
    #[allow(non_snake_case)]
    fn list_secret_version_ids<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        MaxResults: Option<i128>,
        NextToken: Option<&str>,
        IncludeDeprecated: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let max = MaxResults.map(|n| count_u32(n, "MaxResults")).transpose()?;
        let p = self.detached(py, |ks| {
            ks.list_secret_version_ids(SecretId, max, NextToken, IncludeDeprecated)
        })?;
        secrets::versions_dict(py, &p)
    }

    /// Moves a staging label (AWS Secrets Manager ``UpdateSecretVersionStage``).
    #[pyo3(signature = (*, SecretId, VersionStage, RemoveFromVersionId = None, MoveToVersionId = None))]
    #[allow(non_snake_case)]
    fn update_secret_version_stage<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        VersionStage: &str,
        RemoveFromVersionId: Option<&str>,
        MoveToVersionId: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let r = self.detached(py, |ks| {
            ks.update_secret_version_stage(
                SecretId,
                VersionStage,
                RemoveFromVersionId,
                MoveToVersionId,
            )
        })?;
        secrets::arn_name(py, &r.arn, &r.name)
    }

    /// Schedules a secret's deletion after ``RecoveryWindowInDays`` (7 to 30, default 30), or
    /// destroys it now with ``ForceDeleteWithoutRecovery`` (AWS Secrets Manager ``DeleteSecret``).
    #[pyo3(signature = (*, SecretId, RecoveryWindowInDays = None, ForceDeleteWithoutRecovery = false))]
    #[allow(non_snake_case)]
    fn delete_secret<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        RecoveryWindowInDays: Option<i128>,
        ForceDeleteWithoutRecovery: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let days = RecoveryWindowInDays
            .map(|n| count_u32(n, "RecoveryWindowInDays"))
            .transpose()?;
        let r = self.detached(py, |ks| {
            ks.delete_secret(SecretId, days, ForceDeleteWithoutRecovery)
        })?;
        let d = secrets::arn_name(py, &r.arn, &r.name)?;
        if let Some(t) = r.deletion_date {
            d.set_item("DeletionDate", to_datetime(py, t)?)?;
        }
        Ok(d)
    }

    /// Cancels a secret's scheduled deletion (AWS Secrets Manager ``RestoreSecret``).
    #[pyo3(signature = (*, SecretId))]
    #[allow(non_snake_case)]
    fn restore_secret<'py>(&self, py: Python<'py>, SecretId: &str) -> PyResult<Bound<'py, PyDict>> {
        let r = self.detached(py, |ks| ks.restore_secret(SecretId))?;
        secrets::arn_name(py, &r.arn, &r.name)
    }

    /// A random password (AWS Secrets Manager ``GetRandomPassword``): ``{"RandomPassword": str}``.
    #[pyo3(signature = (*, PasswordLength = None, ExcludeCharacters = None, ExcludeNumbers = false,
                        ExcludePunctuation = false, ExcludeUppercase = false, ExcludeLowercase = false,
                        IncludeSpace = false, RequireEachIncludedType = true))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn get_random_password<'py>(
        &self,
        py: Python<'py>,
        PasswordLength: Option<i128>,
        ExcludeCharacters: Option<String>,
        ExcludeNumbers: bool,
        ExcludePunctuation: bool,
        ExcludeUppercase: bool,
        ExcludeLowercase: bool,
        IncludeSpace: bool,
        RequireEachIncludedType: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let o = strongroom::PasswordOptions {
            password_length: match PasswordLength {
                Some(n) => count_u32(n, "PasswordLength")?,
                None => strongroom::DEFAULT_PASSWORD_LENGTH,
            },
            exclude_characters: ExcludeCharacters.unwrap_or_default(),
            exclude_numbers: ExcludeNumbers,
            exclude_punctuation: ExcludePunctuation,
            exclude_uppercase: ExcludeUppercase,
            exclude_lowercase: ExcludeLowercase,
            include_space: IncludeSpace,
            require_each_included_type: RequireEachIncludedType,
        };
        let p = self.with(py, |ks| ks.get_random_password(&o))?;
        let d = PyDict::new(py);
        d.set_item("RandomPassword", p.as_str())?;
        Ok(d)
    }

    /// Adds or replaces a secret's tags (AWS Secrets Manager ``TagResource``; named apart from
    /// ``tag_resource``, which tags a KMS key).
    #[pyo3(signature = (*, SecretId, Tags))]
    #[allow(non_snake_case)]
    fn tag_secret<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        Tags: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        let tags = secrets::tags(Some(Tags))?;
        self.detached(py, |ks| ks.tag_secret(SecretId, &tags))
    }

    /// Removes a secret's tags by key (AWS Secrets Manager ``UntagResource``).
    #[pyo3(signature = (*, SecretId, TagKeys))]
    #[allow(non_snake_case)]
    fn untag_secret(&self, py: Python<'_>, SecretId: &str, TagKeys: Vec<String>) -> PyResult<()> {
        self.detached(py, |ks| ks.untag_secret(SecretId, &TagKeys))
    }

    /// Attaches a resource policy to a secret (AWS Secrets Manager ``PutResourcePolicy``):
    /// ``{"ARN", "Name", "PolicyName"}``. ``BlockPublicPolicy=True`` refuses a policy that allows
    /// every principal (``PublicPolicy``).
    #[pyo3(signature = (*, SecretId, ResourcePolicy, BlockPublicPolicy = false, PolicyName = None))]
    #[allow(non_snake_case)]
    fn put_resource_policy<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        ResourcePolicy: &str,
        BlockPublicPolicy: bool,
        PolicyName: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let r = self.detached(py, |ks| {
            ks.put_secret_resource_policy(SecretId, PolicyName, ResourcePolicy, BlockPublicPolicy)
        })?;
        secrets::policy_ref_dict(py, &r)
    }

    /// A secret's resource policy (AWS Secrets Manager ``GetResourcePolicy``): ``{"ARN",
    /// "Name", "ResourcePolicy", "PolicyName"}``, without ``ResourcePolicy`` if it has none.
    #[pyo3(signature = (*, SecretId, PolicyName = None))]
    #[allow(non_snake_case)]
    fn get_resource_policy<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        PolicyName: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let r = self.detached(py, |ks| ks.get_secret_resource_policy(SecretId, PolicyName))?;
        let d = secrets::arn_name(py, &r.arn, &r.name)?;
        if let Some(p) = &r.resource_policy {
            d.set_item("ResourcePolicy", p)?;
        }
        d.set_item("PolicyName", &r.policy_name)?;
        Ok(d)
    }

    /// Removes a secret's resource policy (AWS Secrets Manager ``DeleteResourcePolicy``).
    #[pyo3(signature = (*, SecretId, PolicyName = None))]
    #[allow(non_snake_case)]
    fn delete_resource_policy<'py>(
        &self,
        py: Python<'py>,
        SecretId: &str,
        PolicyName: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let r = self.detached(py, |ks| {
            ks.delete_secret_resource_policy(SecretId, PolicyName)
        })?;
        secrets::policy_ref_dict(py, &r)
    }

    /// Checks a resource policy without attaching it (AWS Secrets Manager
    /// ``ValidateResourcePolicy``): ``{"PolicyValidationPassed": bool, "ValidationErrors":
    /// [{"CheckName", "ErrorMessage"}]}``.
    #[pyo3(signature = (*, ResourcePolicy, SecretId = None))]
    #[allow(non_snake_case)]
    fn validate_resource_policy<'py>(
        &self,
        py: Python<'py>,
        ResourcePolicy: &str,
        SecretId: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let v = self.detached(py, |ks| {
            ks.validate_secret_resource_policy(SecretId, ResourcePolicy)
        })?;
        secrets::validation_dict(py, &v)
    }
}

/// A request's `SecretString` / `SecretBinary` (at most one), by the core's rule; the copies
/// made from Python are wiped.
fn secret_value(
    string: Option<String>,
    binary: Option<Vec<u8>>,
) -> PyResult<Option<strongroom::SecretValue>> {
    let string = string.map(zeroize::Zeroizing::new);
    let binary = binary.map(zeroize::Zeroizing::new);
    strongroom::secret_value(strongroom::SecretValueInput {
        secret_string: string.as_deref().map(String::as_str),
        secret_binary: binary.as_deref().map(Vec::as_slice),
    })
    .map_err(crate::error::core)
}

/// The core's audit filter from the Python keyword arguments (times: aware ``datetime``).
fn audit_filter(
    key_id: Option<String>,
    operation: Option<String>,
    outcome: Option<String>,
    start_time: Option<&Bound<'_, PyAny>>,
    end_time: Option<&Bound<'_, PyAny>>,
) -> PyResult<AuditFilter> {
    let time =
        |t: Option<&Bound<'_, PyAny>>| t.filter(|t| !t.is_none()).map(from_datetime).transpose();
    Ok(AuditFilter {
        key_id,
        operation,
        outcome,
        start_time: time(start_time)?,
        end_time: time(end_time)?,
    })
}

/// The core's tags from a Python dict (which cannot hold a tag key twice).
fn tag_list(tags: BTreeMap<String, String>) -> Vec<Tag> {
    tags.into_iter().map(|(k, v)| Tag::new(k, v)).collect()
}

//! The records of key policies and grants: `CreatedGrant` and `GrantListEntry` (AWS KMS's
//! `CreateGrant` response and `GrantListEntry`), and the conversion of Python grant constraints.

use crate::convert::to_datetime;
use pyo3::prelude::*;
use std::collections::{BTreeMap, HashMap};
use strongroom::{CreatedGrant, GrantConstraints, GrantListEntry};

/// Constraints as Python gives them, ``{"EncryptionContextSubset": {"k": "v"}}`` or
/// ``{"EncryptionContextEquals": {...}}``, read by the core's one parser of AWS's shape.
pub(crate) fn constraints(
    c: Option<HashMap<String, BTreeMap<String, String>>>,
) -> strongroom::Result<Option<GrantConstraints>> {
    c.map(GrantConstraints::from_members).transpose()
}

/// What ``create_grant`` returns (AWS KMS ``CreateGrant``).
#[pyclass(frozen, eq, module = "strongroom", name = "CreatedGrant")]
#[derive(PartialEq)]
pub struct PyCreatedGrant(pub(crate) CreatedGrant);

#[pymethods]
impl PyCreatedGrant {
    /// The grant's token, usable at once in ``GrantTokens`` and ``retire_grant``.
    #[getter]
    fn grant_token(&self) -> &str {
        &self.0.grant_token
    }

    /// The grant's id.
    #[getter]
    fn grant_id(&self) -> &str {
        &self.0.grant_id
    }

    fn __repr__(&self) -> String {
        format!("CreatedGrant(grant_id={:?})", self.0.grant_id)
    }
}

/// One grant (AWS KMS ``GrantListEntry``), as ``list_grants`` returns it.
#[pyclass(frozen, eq, module = "strongroom", name = "GrantListEntry")]
#[derive(PartialEq)]
pub struct PyGrantListEntry(pub(crate) GrantListEntry);

#[pymethods]
impl PyGrantListEntry {
    /// The key's ARN.
    #[getter]
    fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The grant's id.
    #[getter]
    fn grant_id(&self) -> &str {
        &self.0.grant_id
    }

    /// Its name, or ``None``.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// When it was created (timezone-aware UTC).
    #[getter]
    fn creation_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.0.creation_date)
    }

    /// The principal it allows.
    #[getter]
    fn grantee_principal(&self) -> &str {
        &self.0.grantee_principal
    }

    /// Who may retire it, or ``None``.
    #[getter]
    fn retiring_principal(&self) -> Option<&str> {
        self.0.retiring_principal.as_deref()
    }

    /// The account root of the account that created it.
    #[getter]
    fn issuing_account(&self) -> &str {
        &self.0.issuing_account
    }

    /// The operations it allows.
    #[getter]
    fn operations(&self) -> Vec<&'static str> {
        self.0.operations.iter().map(|o| o.as_str()).collect()
    }

    /// ``{"EncryptionContextSubset": {...}}`` or ``{"EncryptionContextEquals": {...}}``, or ``None``.
    #[getter]
    fn constraints(&self) -> Option<HashMap<&'static str, BTreeMap<String, String>>> {
        let c = self.0.constraints.as_ref()?;
        let mut out = HashMap::new();
        if let Some(s) = &c.encryption_context_subset {
            out.insert("EncryptionContextSubset", s.clone());
        }
        if let Some(e) = &c.encryption_context_equals {
            out.insert("EncryptionContextEquals", e.clone());
        }
        Some(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "GrantListEntry(grant_id={:?}, grantee_principal={:?})",
            self.0.grant_id, self.0.grantee_principal
        )
    }
}

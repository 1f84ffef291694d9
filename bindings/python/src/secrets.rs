//! Named secrets for Python, shaped like boto3's `secretsmanager` client: the `Keystore` methods
//! take AWS's member names as keyword arguments (`ks.get_secret_value(SecretId="prod/db")`) and
//! return dicts with AWS's keys (`SecretString` as `str`, `SecretBinary` as `bytes`, dates as
//! aware `datetime`), so code written for boto3 reads the same. The methods themselves are in
//! `keystore.rs` (one `#[pymethods]` block); they call the builders here.

use crate::convert::to_datetime;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use strongroom::{
    SecretFilter, SecretMetadata, SecretTag as Tag, SecretValueEntry, SecretVersionsPage,
};

/// `{"ARN": ..., "Name": ...}`.
pub(crate) fn arn_name<'py>(
    py: Python<'py>,
    arn: &str,
    name: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("ARN", arn)?;
    d.set_item("Name", name)?;
    Ok(d)
}

/// `PutResourcePolicy`'s and `DeleteResourcePolicy`'s dict.
pub(crate) fn policy_ref_dict<'py>(
    py: Python<'py>,
    r: &strongroom::SecretPolicyRef,
) -> PyResult<Bound<'py, PyDict>> {
    let d = arn_name(py, &r.arn, &r.name)?;
    d.set_item("PolicyName", &r.policy_name)?;
    Ok(d)
}

/// `ValidateResourcePolicy`'s dict.
pub(crate) fn validation_dict<'py>(
    py: Python<'py>,
    v: &strongroom::PolicyValidation,
) -> PyResult<Bound<'py, PyDict>> {
    let errors = PyList::empty(py);
    for e in &v.errors {
        let x = PyDict::new(py);
        x.set_item("CheckName", &e.check_name)?;
        x.set_item("ErrorMessage", &e.error_message)?;
        errors.append(x)?;
    }
    let d = PyDict::new(py);
    d.set_item("PolicyValidationPassed", v.passed)?;
    d.set_item("ValidationErrors", errors)?;
    Ok(d)
}

/// `GetSecretValue`'s dict.
pub(crate) fn value_dict<'py>(
    py: Python<'py>,
    v: &SecretValueEntry,
) -> PyResult<Bound<'py, PyDict>> {
    let d = arn_name(py, v.arn(), v.name())?;
    d.set_item("VersionId", v.version_id())?;
    match v.value.as_str() {
        Some(s) => d.set_item("SecretString", s)?,
        None => d.set_item("SecretBinary", PyBytes::new(py, v.value.as_bytes()))?,
    }
    d.set_item("VersionStages", v.version_stages())?;
    d.set_item("CreatedDate", to_datetime(py, v.created_date)?)?;
    Ok(d)
}

fn tags_list<'py>(py: Python<'py>, tags: &[Tag]) -> PyResult<Bound<'py, PyList>> {
    let l = PyList::empty(py);
    for t in tags {
        let d = PyDict::new(py);
        d.set_item("Key", &t.key)?;
        d.set_item("Value", &t.value)?;
        l.append(d)?;
    }
    Ok(l)
}

/// `DescribeSecret`'s dict (`stages` names the versions map: `VersionIdsToStages`, or
/// `SecretVersionsToStages` in `ListSecrets`).
pub(crate) fn metadata_dict<'py>(
    py: Python<'py>,
    m: &SecretMetadata,
    stages: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let d = arn_name(py, &m.arn, &m.name)?;
    if let Some(x) = &m.description {
        d.set_item("Description", x)?;
    }
    if let Some(k) = &m.kms_key_id {
        d.set_item("KmsKeyId", k)?;
    }
    d.set_item("LastChangedDate", to_datetime(py, m.last_changed_date)?)?;
    if let Some(t) = m.last_accessed_date {
        d.set_item("LastAccessedDate", to_datetime(py, t)?)?;
    }
    if let Some(t) = m.deleted_date {
        d.set_item("DeletedDate", to_datetime(py, t)?)?;
    }
    if !m.tags.is_empty() {
        d.set_item("Tags", tags_list(py, &m.tags)?)?;
    }
    d.set_item(stages, m.version_ids_to_stages.clone())?;
    d.set_item("CreatedDate", to_datetime(py, m.created_date)?)?;
    Ok(d)
}

/// `ListSecretVersionIds`'s dict.
pub(crate) fn versions_dict<'py>(
    py: Python<'py>,
    p: &SecretVersionsPage,
) -> PyResult<Bound<'py, PyDict>> {
    let l = PyList::empty(py);
    for v in &p.versions {
        let d = PyDict::new(py);
        d.set_item("VersionId", &v.version_id)?;
        d.set_item("VersionStages", &v.version_stages)?;
        if let Some(t) = v.last_accessed_date {
            d.set_item("LastAccessedDate", to_datetime(py, t)?)?;
        }
        d.set_item("CreatedDate", to_datetime(py, v.created_date)?)?;
        d.set_item("KmsKeyIds", &v.kms_key_ids)?;
        l.append(d)?;
    }
    let d = PyDict::new(py);
    d.set_item("Versions", l)?;
    if let Some(t) = &p.next_token {
        d.set_item("NextToken", t)?;
    }
    d.set_item("ARN", &p.arn)?;
    d.set_item("Name", &p.name)?;
    Ok(d)
}

fn field<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    what: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let d = obj.cast::<PyDict>().map_err(|_| {
        crate::error::exc::Validation::new_err(format!("each of {what} must be a dict"))
    })?;
    d.get_item(name)
}

/// `Tags=[{"Key": ..., "Value": ...}, ...]`.
pub(crate) fn tags(list: Option<Vec<Bound<'_, PyAny>>>) -> PyResult<Vec<Tag>> {
    list.unwrap_or_default()
        .iter()
        .map(|t| {
            let key: String = field(t, "Key", "Tags")?
                .ok_or_else(|| crate::error::exc::Validation::new_err("every tag needs a Key"))?
                .extract()?;
            let value: String = match field(t, "Value", "Tags")? {
                Some(v) => v.extract()?,
                None => String::new(),
            };
            Ok(Tag::new(key, value))
        })
        .collect()
}

/// `Filters=[{"Key": "name", "Values": [...]}, ...]`.
pub(crate) fn filters(list: Option<Vec<Bound<'_, PyAny>>>) -> PyResult<Vec<SecretFilter>> {
    list.unwrap_or_default()
        .iter()
        .map(|f| {
            let key: String = field(f, "Key", "Filters")?
                .ok_or_else(|| crate::error::exc::Validation::new_err("every filter needs a Key"))?
                .extract()?;
            let values: Vec<String> = match field(f, "Values", "Filters")? {
                Some(v) => v.extract()?,
                None => Vec::new(),
            };
            Ok(SecretFilter {
                key: key.parse().map_err(crate::error::core)?,
                values,
            })
        })
        .collect()
}

//! Keys: create, describe, list, enable, disable, and `sr_key_metadata`.

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, page_parts, page_request, to_array, to_box,
    try_opt_str, try_str,
};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use sr_core::{
    CreateKey, EncryptionAlgorithm, KeyAgreementAlgorithm, KeyMetadata, KeySpec, KeyUsage,
    MacAlgorithm, Origin, SigningAlgorithm,
};
use std::ffi::{CStr, CString, c_char};
use std::sync::{Mutex, PoisonError};

/// A key's metadata (AWS KMS `KeyMetadata`). Read the fields; do not change them. Owned strings
/// are freed with the struct by `sr_key_metadata_free` (or with the list that holds it); the four
/// enumeration names point at static storage. Dates are milliseconds since the Unix epoch (UTC).
#[repr(C)]
pub struct sr_key_metadata {
    /// The key id: a lowercase hyphenated UUID.
    pub key_id: *mut c_char,
    /// `arn:strongroom:kms:local:<keystore id>:key/<key_id>`.
    pub arn: *mut c_char,
    /// Free text, 0 to 8192 characters.
    pub description: *mut c_char,
    /// `"SYMMETRIC_DEFAULT"`, ... (static string).
    pub key_spec: *const c_char,
    /// `"ENCRYPT_DECRYPT"`, ... (static string).
    pub key_usage: *const c_char,
    /// `"AWS_KMS"` or `"EXTERNAL"` (static string). `"STRONGROOM"`, the earlier name of
    /// `"AWS_KMS"`, is still accepted on input.
    pub origin: *const c_char,
    /// `"Enabled"`, `"Disabled"`, `"PendingDeletion"` or `"PendingImport"` (static string).
    pub key_state: *const c_char,
    /// True exactly when `key_state` is `"Enabled"`.
    pub enabled: bool,
    /// When the key was created.
    pub creation_date: i64,
    /// Whether `deletion_date` is set (while `PendingDeletion`).
    pub has_deletion_date: bool,
    /// When the key will be destroyed; meaningful only if `has_deletion_date`.
    pub deletion_date: i64,
    /// The deletion window in days while `PendingDeletion`, else 0 (strongroom's own member:
    /// AWS shows it only for multi-Region keys).
    pub pending_deletion_window_in_days: u32,
    /// Whether `valid_to` is set (imported material that expires).
    pub has_valid_to: bool,
    /// When imported material expires; meaningful only if `has_valid_to`.
    pub valid_to: i64,
    /// The 12-digit account of the keystore's AWS-form ARNs (AWS KMS `AWSAccountId`).
    pub aws_account_id: *mut c_char,
    /// `"CUSTOMER"` (static string).
    pub key_manager: *const c_char,
    /// Always false: strongroom keys are single-Region.
    pub multi_region: bool,
    /// `"KEY_MATERIAL_EXPIRES"` or `"KEY_MATERIAL_DOES_NOT_EXPIRE"` for an `EXTERNAL` key with
    /// material, else NULL (static string).
    pub expiration_model: *const c_char,
    /// The id of the key's current material (64 hex characters, NUL-terminated); empty for an
    /// `EXTERNAL` key before its first import.
    pub current_key_material_id: [c_char; SR_KEY_MATERIAL_ID_SIZE],
    /// The deprecated `CustomerMasterKeySpec`: the key spec, or NULL for Ed25519 and ML-DSA keys
    /// (static string).
    pub customer_master_key_spec: *const c_char,
    /// `encryption_algorithms_len` names of the encryption algorithms the key allows
    /// (`"SYMMETRIC_DEFAULT"`; `"RSAES_OAEP_SHA_1"`, `"RSAES_OAEP_SHA_256"`), NULL unless its
    /// usage is `ENCRYPT_DECRYPT` (static strings; the array is freed with the metadata).
    pub encryption_algorithms: *mut *const c_char,
    /// Number of encryption algorithms.
    pub encryption_algorithms_len: usize,
    /// `signing_algorithms_len` names of the signing algorithms the key allows
    /// (`"ECDSA_SHA_256"`, ...), NULL unless its usage is `SIGN_VERIFY`.
    pub signing_algorithms: *mut *const c_char,
    /// Number of signing algorithms.
    pub signing_algorithms_len: usize,
    /// `mac_algorithms_len` names of the MAC algorithms the key allows (`"HMAC_SHA_256"`, ...),
    /// NULL unless its usage is `GENERATE_VERIFY_MAC`.
    pub mac_algorithms: *mut *const c_char,
    /// Number of MAC algorithms.
    pub mac_algorithms_len: usize,
    /// `key_agreement_algorithms_len` names of the key agreement algorithms the key allows
    /// (`"ECDH"`), NULL unless its usage is `KEY_AGREEMENT`.
    pub key_agreement_algorithms: *mut *const c_char,
    /// Number of key agreement algorithms.
    pub key_agreement_algorithms_len: usize,
}

/// The size of a key material id as C holds it: 64 hex characters and the terminating NUL.
pub const SR_KEY_MATERIAL_ID_SIZE: usize = 65;

/// A key material id as a NUL-terminated C array (all NUL for `None`).
pub(crate) fn material_id(
    id: Option<&sr_core::KeyMaterialId>,
) -> [c_char; SR_KEY_MATERIAL_ID_SIZE] {
    let mut out = [0 as c_char; SR_KEY_MATERIAL_ID_SIZE];
    if let Some(id) = id {
        for (o, b) in out.iter_mut().zip(id.as_str().bytes()) {
            *o = b as c_char;
        }
    }
    out
}

/// A static C string for an optional enumeration name, NULL for `None`.
pub(crate) fn static_opt_name(name: Option<&'static str>) -> *const c_char {
    name.map_or(std::ptr::null(), static_name)
}

/// A C array of the static names of `items` (`(names, len)`, freed with [`free_array`]; the
/// names themselves are static): NULL and 0 when `items` is empty.
pub(crate) fn name_array<T: Copy>(
    items: &[T],
    name: fn(T) -> &'static str,
) -> (*mut *const c_char, usize) {
    if items.is_empty() {
        return (std::ptr::null_mut(), 0);
    }
    to_array(items.iter().map(|&i| static_name(name(i))).collect())
}

/// A list of key metadata, as `sr_list_keys` (every key) and `sr_list_keys_page` (one page)
/// return it. Freed with `sr_key_metadata_list_free`.
#[repr(C)]
pub struct sr_key_metadata_list {
    /// `len` entries, ordered by key id.
    pub items: *mut sr_key_metadata,
    /// Number of entries.
    pub len: usize,
    /// Whether more keys follow this page: pass `next_marker` to the next call (always false
    /// from `sr_list_keys`).
    pub truncated: bool,
    /// Where the next page starts when `truncated`, else NULL.
    pub next_marker: *mut c_char,
}

impl Drop for sr_key_metadata_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_marker);
    }
}

/// The C strings of the AWS KMS enumeration names (`KeySpec`, `KeyUsage`, `Origin`, `KeyState`,
/// `RotationType`, ..., `GrantOperation`, and the algorithms of `EncryptionAlgorithmSpec`,
/// `SigningAlgorithmSpec`, `MacAlgorithmSpec`, `KeyAgreementAlgorithmSpec` and `DataKeyPairSpec`): few and fixed. `every_enumeration_name_is_static`
/// checks that every name of every one of these core enumerations is here.
const NAMES: [&CStr; 72] = [
    c"SYMMETRIC_DEFAULT",
    c"HMAC_256",
    c"HMAC_384",
    c"HMAC_512",
    c"ECC_NIST_P256",
    c"ECC_NIST_P384",
    c"ECC_NIST_EDWARDS25519",
    c"HMAC_224",
    c"ECC_NIST_P521",
    c"ECC_SECG_P256K1",
    c"RSA_2048",
    c"RSA_3072",
    c"RSA_4096",
    c"ML_DSA_44",
    c"ML_DSA_65",
    c"ML_DSA_87",
    c"ENCRYPT_DECRYPT",
    c"GENERATE_VERIFY_MAC",
    c"SIGN_VERIFY",
    c"KEY_AGREEMENT",
    c"AWS_KMS",
    c"EXTERNAL",
    c"CUSTOMER",
    c"KEY_MATERIAL_EXPIRES",
    c"KEY_MATERIAL_DOES_NOT_EXPIRE",
    c"IMPORTED",
    c"PENDING_IMPORT",
    c"CURRENT",
    c"NON_CURRENT",
    c"Enabled",
    c"Disabled",
    c"PendingDeletion",
    c"PendingImport",
    c"INITIAL",
    c"AUTOMATIC",
    c"ON_DEMAND",
    c"Decrypt",
    c"Encrypt",
    c"GenerateDataKey",
    c"GenerateDataKeyWithoutPlaintext",
    c"ReEncryptFrom",
    c"ReEncryptTo",
    c"Sign",
    c"Verify",
    c"GetPublicKey",
    c"CreateGrant",
    c"RetireGrant",
    c"DescribeKey",
    c"GenerateDataKeyPair",
    c"GenerateDataKeyPairWithoutPlaintext",
    c"GenerateMac",
    c"VerifyMac",
    c"DeriveSharedSecret",
    c"RSAES_OAEP_SHA_1",
    c"RSAES_OAEP_SHA_256",
    c"RSASSA_PSS_SHA_256",
    c"RSASSA_PSS_SHA_384",
    c"RSASSA_PSS_SHA_512",
    c"RSASSA_PKCS1_V1_5_SHA_256",
    c"RSASSA_PKCS1_V1_5_SHA_384",
    c"RSASSA_PKCS1_V1_5_SHA_512",
    c"ECDSA_SHA_256",
    c"ECDSA_SHA_384",
    c"ECDSA_SHA_512",
    c"ED25519_SHA_512",
    c"ED25519_PH_SHA_512",
    c"ML_DSA_SHAKE_256",
    c"HMAC_SHA_224",
    c"HMAC_SHA_256",
    c"HMAC_SHA_384",
    c"HMAC_SHA_512",
    c"ECDH",
];

/// A static C string for an enumeration name (the core's `as_str()`): from [`NAMES`], or, for a
/// name added to the core after that table (which the test catches), a copy made once and
/// kept for the life of the process. Never a placeholder: C always reads the core's own name.
pub(crate) fn static_name(name: &'static str) -> *const c_char {
    match NAMES.iter().find(|c| c.to_bytes() == name.as_bytes()) {
        Some(c) => c.as_ptr(),
        None => interned(name).as_ptr(),
    }
}

/// The process-lifetime C copy of `name` (made at most once per name).
fn interned(name: &'static str) -> &'static CStr {
    static EXTRA: Mutex<Vec<&'static CStr>> = Mutex::new(Vec::new());
    let mut extra = EXTRA.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(c) = extra.iter().find(|c| c.to_bytes() == name.as_bytes()) {
        return c;
    }
    // The core's names are ASCII literals without NUL bytes; `""` would only stand for one that
    // had one.
    let c: &'static CStr = Box::leak(CString::new(name).unwrap_or_default().into_boxed_c_str());
    extra.push(c);
    c
}

impl sr_key_metadata {
    pub(crate) fn new(m: &KeyMetadata) -> Result<Self, Failure> {
        let mut out = sr_key_metadata {
            key_id: std::ptr::null_mut(),
            arn: std::ptr::null_mut(),
            description: std::ptr::null_mut(),
            key_spec: static_name(m.key_spec.as_str()),
            key_usage: static_name(m.key_usage.as_str()),
            origin: static_name(m.origin.as_str()),
            key_state: static_name(m.key_state.as_str()),
            enabled: m.enabled,
            creation_date: m.creation_date.unix_millis(),
            has_deletion_date: m.deletion_date.is_some(),
            deletion_date: m.deletion_date.map_or(0, |t| t.unix_millis()),
            pending_deletion_window_in_days: m.pending_deletion_window_in_days.unwrap_or(0),
            has_valid_to: m.valid_to.is_some(),
            valid_to: m.valid_to.map_or(0, |t| t.unix_millis()),
            aws_account_id: std::ptr::null_mut(),
            key_manager: static_name(m.key_manager.as_str()),
            multi_region: m.multi_region,
            expiration_model: static_opt_name(m.expiration_model.map(|e| e.as_str())),
            current_key_material_id: material_id(m.current_key_material_id.as_ref()),
            customer_master_key_spec: static_opt_name(
                m.customer_master_key_spec.map(|s| s.as_str()),
            ),
            encryption_algorithms: std::ptr::null_mut(),
            encryption_algorithms_len: 0,
            signing_algorithms: std::ptr::null_mut(),
            signing_algorithms_len: 0,
            mac_algorithms: std::ptr::null_mut(),
            mac_algorithms_len: 0,
            key_agreement_algorithms: std::ptr::null_mut(),
            key_agreement_algorithms_len: 0,
        };
        // Filled one by one so that a failure frees what was made (through Drop).
        (out.encryption_algorithms, out.encryption_algorithms_len) =
            name_array(&m.encryption_algorithms, EncryptionAlgorithm::as_str);
        (out.signing_algorithms, out.signing_algorithms_len) =
            name_array(&m.signing_algorithms, SigningAlgorithm::as_str);
        (out.mac_algorithms, out.mac_algorithms_len) =
            name_array(&m.mac_algorithms, MacAlgorithm::as_str);
        (
            out.key_agreement_algorithms,
            out.key_agreement_algorithms_len,
        ) = name_array(&m.key_agreement_algorithms, KeyAgreementAlgorithm::as_str);
        out.key_id = c_string(&m.key_id)?;
        out.arn = c_string(&m.arn)?;
        out.description = c_string(&m.description)?;
        out.aws_account_id = c_string(&m.aws_account_id)?;
        Ok(out)
    }
}

impl Drop for sr_key_metadata {
    fn drop(&mut self) {
        free_c_string(self.key_id);
        free_c_string(self.arn);
        free_c_string(self.description);
        free_c_string(self.aws_account_id);
        // The names are static; only the arrays are ours.
        drop(free_array(
            self.encryption_algorithms,
            self.encryption_algorithms_len,
        ));
        drop(free_array(
            self.signing_algorithms,
            self.signing_algorithms_len,
        ));
        drop(free_array(self.mac_algorithms, self.mac_algorithms_len));
        drop(free_array(
            self.key_agreement_algorithms,
            self.key_agreement_algorithms_len,
        ));
    }
}

fn metadata_out(out: Out<*mut sr_key_metadata>, m: &KeyMetadata) -> Result<(), Failure> {
    out.set(to_box(sr_key_metadata::new(m)?));
    Ok(())
}

/// Creates a key and its first backing-key version (AWS KMS `CreateKey`), writing its metadata
/// to `*key_metadata_out`. Every argument but `keystore` and the out-parameter may be NULL for
/// the default: `description` "" (up to 8192 characters), `key_spec` `"SYMMETRIC_DEFAULT"` (or
/// any of docs/key-types.md: `"RSA_2048"`, `"ECC_NIST_P256"`, `"ECC_NIST_EDWARDS25519"`,
/// `"ML_DSA_65"`, `"HMAC_256"`, ...), `key_usage` `"ENCRYPT_DECRYPT"` where the spec allows it,
/// else the spec's only usage (`"SIGN_VERIFY"`, `"GENERATE_VERIFY_MAC"`, `"KEY_AGREEMENT"`; ECC
/// NIST keys need it given; a usage the spec does not allow is `SR_STATUS_VALIDATION`),
/// `origin` `"AWS_KMS"` (`"EXTERNAL"` makes a symmetric key pending import). Past the key quota: `SR_STATUS_LIMIT_EXCEEDED`. The key has the
/// default key policy; `sr_create_key_with_policy` gives it another.
#[unsafe(no_mangle)]
pub extern "C" fn sr_create_key(
    keystore: *const sr_keystore,
    description: *const c_char,
    key_spec: *const c_char,
    key_usage: *const c_char,
    origin: *const c_char,
    key_metadata_out: *mut *mut sr_key_metadata,
) -> sr_status {
    boundary(|| {
        create_key(
            keystore,
            [description, key_spec, key_usage, origin, std::ptr::null()],
            Vec::new(),
            false,
            key_metadata_out,
        )
    })
}

/// As `sr_create_key_with_tags` (`tags_in` may be NULL when `tags_len` is 0), with the key policy
/// `policy` (AWS's JSON policy document; NULL for the default policy) and AWS's
/// `BypassPolicyLockoutSafetyCheck`. A policy that does not parse,
/// names an unknown principal or (without the bypass) would lock the key out:
/// `SR_STATUS_MALFORMED_POLICY_DOCUMENT`, and no key is created.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_create_key_with_policy(
    keystore: *const sr_keystore,
    description: *const c_char,
    key_spec: *const c_char,
    key_usage: *const c_char,
    origin: *const c_char,
    tags_in: *const crate::tag::sr_tag_input,
    tags_len: usize,
    policy: *const c_char,
    bypass_policy_lockout_safety_check: bool,
    key_metadata_out: *mut *mut sr_key_metadata,
) -> sr_status {
    boundary(|| {
        create_key(
            keystore,
            [description, key_spec, key_usage, origin, policy],
            crate::tag::tags(tags_in, tags_len)?,
            bypass_policy_lockout_safety_check,
            key_metadata_out,
        )
    })
}

/// The body of `sr_create_key`, `sr_create_key_with_tags` and `sr_create_key_with_policy`:
/// `text` is the description, key spec, key usage, origin and policy, each NULL for its default.
pub(crate) fn create_key(
    keystore: *const sr_keystore,
    text: [*const c_char; 5],
    tags: Vec<sr_core::Tag>,
    bypass_policy_lockout_safety_check: bool,
    key_metadata_out: *mut *mut sr_key_metadata,
) -> Result<(), Failure> {
    let ks = keystore_ref(keystore)?;
    let [description, key_spec, key_usage, origin, policy] = text;
    let description = try_opt_str(description, "description")?.unwrap_or("");
    let key_spec = try_opt_str(key_spec, "key_spec")?;
    let key_usage = try_opt_str(key_usage, "key_usage")?;
    let origin = try_opt_str(origin, "origin")?;
    let policy = try_opt_str(policy, "policy")?;
    let out = Out::new(key_metadata_out, "key_metadata_out")?;
    let req = CreateKey {
        description: description.to_owned(),
        key_spec: key_spec.map(str::parse::<KeySpec>).transpose()?,
        key_usage: key_usage.map(str::parse::<KeyUsage>).transpose()?,
        origin: origin.map(str::parse::<Origin>).transpose()?,
        tags,
        policy: policy.map(str::to_owned),
        bypass_policy_lockout_safety_check,
    };
    metadata_out(out, &ks.create_key(&req)?)
}

/// Writes the metadata of the key `key_id` (key id, key ARN, alias name or alias ARN) to
/// `*key_metadata_out` (AWS KMS `DescribeKey`), in any state.
#[unsafe(no_mangle)]
pub extern "C" fn sr_describe_key(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    key_metadata_out: *mut *mut sr_key_metadata,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(key_metadata_out, "key_metadata_out")?;
        metadata_out(out, &ks.describe_key(key_id)?)
    })
}

/// Frees metadata from `sr_create_key` or `sr_describe_key`. Calling with NULL is fine. Must not
/// be called twice, nor on an entry of a `sr_key_metadata_list`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_key_metadata_free(key_metadata: *mut sr_key_metadata) {
    boundary_void(|| drop(free_box(key_metadata)))
}

/// Writes every key's metadata, ordered by key id, to `*key_metadata_list_out` (AWS KMS
/// `ListKeys`, with metadata).
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_keys(
    keystore: *const sr_keystore,
    key_metadata_list_out: *mut *mut sr_key_metadata_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let out = Out::new(key_metadata_list_out, "key_metadata_list_out")?;
        let items = ks
            .list_keys()?
            .iter()
            .map(sr_key_metadata::new)
            .collect::<Result<Vec<_>, _>>()?;
        let (items, len) = to_array(items);
        out.set(to_box(sr_key_metadata_list {
            items,
            len,
            truncated: false,
            next_marker: std::ptr::null_mut(),
        }));
        Ok(())
    })
}

/// Writes one page of the keys' metadata, ordered by key id, to `*key_metadata_list_out` (AWS KMS
/// `ListKeys` with `Limit` and `Marker`). `limit` is 1 to 1000, or 0 for the default (100; more
/// is `SR_STATUS_VALIDATION`); `marker` is NULL for the first page, else a previous page's
/// `next_marker` (anything else, such as another list's marker, is `SR_STATUS_INVALID_MARKER`).
/// The list's `truncated` says whether more keys follow.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_keys_page(
    keystore: *const sr_keystore,
    limit: u32,
    marker: *const c_char,
    key_metadata_list_out: *mut *mut sr_key_metadata_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(key_metadata_list_out, "key_metadata_list_out")?;
        let page = ks.list_keys_page(&page_request(limit, marker))?;
        let (items, truncated, next_marker) = page_parts(&page, sr_key_metadata::new)?;
        let (items, len) = to_array(items);
        out.set(to_box(sr_key_metadata_list {
            items,
            len,
            truncated,
            next_marker,
        }));
        Ok(())
    })
}

/// Frees a list from `sr_list_keys` or `sr_list_keys_page` and every entry in it. Calling with
/// NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_key_metadata_list_free(key_metadata_list: *mut sr_key_metadata_list) {
    boundary_void(|| drop(free_box(key_metadata_list)))
}

/// Enables a key (AWS KMS `EnableKey`). `SR_STATUS_INVALID_STATE` while it is pending deletion
/// or import.
#[unsafe(no_mangle)]
pub extern "C" fn sr_enable_key(keystore: *const sr_keystore, key_id: *const c_char) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.enable_key(try_str(key_id, "key_id")?)?)
    })
}

/// Disables a key (AWS KMS `DisableKey`): it refuses every cryptographic use
/// (`SR_STATUS_DISABLED`) until enabled again.
#[unsafe(no_mangle)]
pub extern "C" fn sr_disable_key(keystore: *const sr_keystore, key_id: *const c_char) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.disable_key(try_str(key_id, "key_id")?)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_core::{KeyState, RotationType};
    use std::str::FromStr;

    /// Every name of the core enumeration `T`, read from the list its parser gives when refusing
    /// a name (`... expected one of: A, B, C`), which the core generates from the enumeration's
    /// own declaration; each one is checked to parse, and the C string is that of `as_str` of
    /// what it parses to.
    fn every_name<T: FromStr<Err = sr_core::Error> + Copy>(
        as_str: fn(T) -> &'static str,
    ) -> Vec<&'static str> {
        let refusal = "".parse::<T>().err().expect("\"\" is not a name");
        let listed = refusal
            .message()
            .split_once("expected one of: ")
            .unwrap_or_else(|| panic!("no list of names in {refusal}"))
            .1
            .to_owned();
        let names: Vec<&'static str> = listed
            .split(", ")
            .map(|n| as_str(n.parse::<T>().unwrap_or_else(|e| panic!("{n}: {e}"))))
            .collect();
        assert!(!names.is_empty());
        names
    }

    #[test]
    fn every_enumeration_name_is_static() {
        let names = [
            every_name(KeySpec::as_str),
            every_name(KeyUsage::as_str),
            every_name(Origin::as_str),
            every_name(KeyState::as_str),
            every_name(RotationType::as_str),
            every_name(sr_core::KeyManager::as_str),
            every_name(sr_core::ExpirationModel::as_str),
            every_name(sr_core::ImportState::as_str),
            every_name(sr_core::KeyMaterialState::as_str),
            every_name(sr_core::GrantOperation::as_str),
            every_name(EncryptionAlgorithm::as_str),
            every_name(SigningAlgorithm::as_str),
            every_name(MacAlgorithm::as_str),
            every_name(KeyAgreementAlgorithm::as_str),
            every_name(sr_core::DataKeyPairSpec::as_str),
        ]
        .concat();
        assert!(names.len() >= 43, "{names:?}");
        for n in names {
            assert!(
                NAMES.iter().any(|c| c.to_bytes() == n.as_bytes()),
                "{n} is missing from key.rs NAMES"
            );
            // SAFETY: `static_name` returns a pointer to a static NUL-terminated string.
            let got = unsafe { CStr::from_ptr(static_name(n)) };
            assert_eq!(got.to_str().unwrap(), n);
        }
    }

    #[test]
    fn a_name_missing_from_the_table_is_still_the_core_name() {
        let p = static_name("NOT_IN_THE_TABLE");
        // SAFETY: `static_name` returns a pointer to a NUL-terminated string kept for the process.
        let got = unsafe { CStr::from_ptr(p) };
        assert_eq!(got.to_str().unwrap(), "NOT_IN_THE_TABLE");
        assert_eq!(static_name("NOT_IN_THE_TABLE"), p, "made once");
    }
}

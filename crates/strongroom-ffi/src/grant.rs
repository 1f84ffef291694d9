//! Grants: create, list, list retirable, retire, revoke (SPEC section 13; AWS KMS `CreateGrant`,
//! `ListGrants`, `ListRetirableGrants`, `RetireGrant`, `RevokeGrant`). Like a key policy, a grant
//! binds the callers of `strongroom serve`; a C caller holds the passphrase and acts as the
//! account root, so it manages every grant and is never restricted by one.

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, page_request, to_array, to_box,
    try_opt_str, try_str,
};
use crate::key::static_name;
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use crate::tag::strings;
use sr_core::{CreateGrant, GrantConstraints, GrantListEntry, GrantOperation, Page};
use std::ffi::c_char;

/// One grant (AWS KMS `GrantListEntry`). Read-only; freed with its list. Dates are milliseconds
/// since the Unix epoch (UTC).
#[repr(C)]
pub struct sr_grant_list_entry {
    /// The key's ARN (`arn:strongroom:kms:local:<keystore id>:key/<key id>`, as AWS KMS gives
    /// the key's ARN here).
    pub key_id: *mut c_char,
    /// The grant's id (64 hexadecimal digits).
    pub grant_id: *mut c_char,
    /// The grant's name, or NULL if it was created without one.
    pub name: *mut c_char,
    /// When the grant was created.
    pub creation_date: i64,
    /// The principal the grant allows (`arn:aws:iam::ACCOUNT:user/NAME` or
    /// `arn:aws:iam::ACCOUNT:root`).
    pub grantee_principal: *mut c_char,
    /// Who may retire the grant besides its grantee, or NULL.
    pub retiring_principal: *mut c_char,
    /// The account root of the account that created the grant (`arn:aws:iam::ACCOUNT:root`).
    pub issuing_account: *mut c_char,
    /// `operations_len` operation names (`"Encrypt"`, `"Decrypt"`, ...; static strings, AWS's
    /// `GrantOperation` names). The array itself is freed with the list.
    pub operations: *mut *const c_char,
    /// Number of operations.
    pub operations_len: usize,
    /// The grant's constraints in AWS's JSON shape (`{"EncryptionContextSubset": {...}}` or
    /// `{"EncryptionContextEquals": {...}}`), or NULL if it has none.
    pub constraints: *mut c_char,
}

impl sr_grant_list_entry {
    fn new(g: &GrantListEntry) -> Result<Self, Failure> {
        let mut e = sr_grant_list_entry {
            key_id: std::ptr::null_mut(),
            grant_id: std::ptr::null_mut(),
            name: std::ptr::null_mut(),
            creation_date: g.creation_date.unix_millis(),
            grantee_principal: std::ptr::null_mut(),
            retiring_principal: std::ptr::null_mut(),
            issuing_account: std::ptr::null_mut(),
            operations: std::ptr::null_mut(),
            operations_len: 0,
            constraints: std::ptr::null_mut(),
        };
        // Filled one by one so that a failure frees what was made (through Drop).
        (e.operations, e.operations_len) = to_array(
            g.operations
                .iter()
                .map(|o| static_name(o.as_str()))
                .collect(),
        );
        e.key_id = c_string(&g.key_id)?;
        e.grant_id = c_string(&g.grant_id)?;
        e.name = opt_c_string(g.name.as_deref())?;
        e.grantee_principal = c_string(&g.grantee_principal)?;
        e.retiring_principal = opt_c_string(g.retiring_principal.as_deref())?;
        e.issuing_account = c_string(&g.issuing_account)?;
        e.constraints = opt_c_string(
            g.constraints
                .as_ref()
                .map(GrantConstraints::to_json)
                .as_deref(),
        )?;
        Ok(e)
    }
}

impl Drop for sr_grant_list_entry {
    fn drop(&mut self) {
        free_c_string(self.key_id);
        free_c_string(self.grant_id);
        free_c_string(self.name);
        free_c_string(self.grantee_principal);
        free_c_string(self.retiring_principal);
        free_c_string(self.issuing_account);
        // The names are static; only the array is ours.
        drop(free_array(self.operations, self.operations_len));
        free_c_string(self.constraints);
    }
}

/// One page of grants, oldest first, as `sr_list_grants` and `sr_list_retirable_grants` return
/// it. Freed with `sr_grant_list_free`.
#[repr(C)]
pub struct sr_grant_list {
    /// `len` entries.
    pub items: *mut sr_grant_list_entry,
    /// Number of entries.
    pub len: usize,
    /// Whether more grants follow: pass `next_marker` to the next call.
    pub truncated: bool,
    /// Where the next page starts when `truncated`, else NULL.
    pub next_marker: *mut c_char,
}

impl Drop for sr_grant_list {
    fn drop(&mut self) {
        drop(free_array(self.items, self.len));
        free_c_string(self.next_marker);
    }
}

/// A C copy of an optional string: NULL for `None`.
fn opt_c_string(s: Option<&str>) -> Result<*mut c_char, Failure> {
    s.map_or(Ok(std::ptr::null_mut()), c_string)
}

/// Writes a page of grants to `out`.
fn set_grant_list(
    out: Out<*mut sr_grant_list>,
    page: &Page<GrantListEntry>,
) -> Result<(), Failure> {
    let mut list = sr_grant_list {
        items: std::ptr::null_mut(),
        len: 0,
        truncated: page.truncated,
        next_marker: std::ptr::null_mut(),
    };
    if let Some(m) = &page.next_marker {
        list.next_marker = c_string(m)?;
    }
    let items = page
        .items
        .iter()
        .map(sr_grant_list_entry::new)
        .collect::<Result<Vec<_>, _>>()?;
    (list.items, list.len) = to_array(items);
    out.set(to_box(list));
    Ok(())
}

/// Creates a grant on a key (AWS KMS `CreateGrant`) and writes its token to `*grant_token_out`
/// and its id to `*grant_id_out` (free each with `sr_string_free`).
///
/// `grantee_principal` and `retiring_principal` (NULL for none) are the ARN of a user of the
/// keystore or the account root, `arn:aws:iam::ACCOUNT:root` (else `SR_STATUS_VALIDATION`).
/// `operations` is an array of `operations_len` (at least 1) AWS `GrantOperation` names:
/// `"Decrypt"`, `"Encrypt"`, `"GenerateDataKey"`, `"GenerateDataKeyWithoutPlaintext"`,
/// `"ReEncryptFrom"`, `"ReEncryptTo"`, `"Sign"`, `"Verify"`, `"GetPublicKey"`, `"CreateGrant"`,
/// `"RetireGrant"`, `"DescribeKey"`, `"GenerateDataKeyPair"`,
/// `"GenerateDataKeyPairWithoutPlaintext"`, `"GenerateMac"`, `"VerifyMac"`,
/// `"DeriveSharedSecret"`; another name is `SR_STATUS_VALIDATION`. `constraints` is NULL or AWS's
/// JSON shape, `{"EncryptionContextSubset": {"k": "v"}}` or `{"EncryptionContextEquals": {...}}`
/// (only with operations that take an encryption context; else, or if it does not parse,
/// `SR_STATUS_VALIDATION`). `name` is NULL or 1 to 256 letters, digits and `: / _ -`: a grant
/// with the same name and the same arguments as an existing one returns that one. A key pending
/// deletion is `SR_STATUS_INVALID_STATE`. Nothing is created on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn sr_create_grant(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    grantee_principal: *const c_char,
    retiring_principal: *const c_char,
    operations: *const *const c_char,
    operations_len: usize,
    constraints: *const c_char,
    name: *const c_char,
    grant_token_out: *mut *mut c_char,
    grant_id_out: *mut *mut c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let grantee = try_str(grantee_principal, "grantee_principal")?;
        let retiring = try_opt_str(retiring_principal, "retiring_principal")?;
        let operations = strings(operations, operations_len, "operations")?;
        let constraints = try_opt_str(constraints, "constraints")?;
        let name = try_opt_str(name, "name")?;
        let token_out = Out::new(grant_token_out, "grant_token_out")?;
        let id_out = Out::new(grant_id_out, "grant_id_out")?;
        let req = CreateGrant {
            key_id: key_id.to_owned(),
            grantee_principal: grantee.to_owned(),
            retiring_principal: retiring.map(str::to_owned),
            operations: operations
                .iter()
                .map(|o| o.parse::<GrantOperation>())
                .collect::<Result<_, _>>()?,
            constraints: constraints.map(GrantConstraints::from_json).transpose()?,
            name: name.map(str::to_owned),
        };
        let created = ks.create_grant(&req)?;
        let token = c_string(&created.grant_token)?;
        let id = match c_string(&created.grant_id) {
            Ok(id) => id,
            Err(e) => {
                free_c_string(token);
                return Err(e);
            }
        };
        token_out.set(token);
        id_out.set(id);
        Ok(())
    })
}

/// Writes one page of a key's grants, oldest first, to `*grant_list_out` (AWS KMS
/// `ListGrants`): all of them, or only grant `grant_id` and/or only those to
/// `grantee_principal` (each NULL for no filter). `limit` is 1 to 100, or 0 for the default
/// (50); `marker` is NULL for the first page, else a previous page's `next_marker`
/// (`SR_STATUS_INVALID_MARKER` otherwise). Free the list with `sr_grant_list_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_grants(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    grant_id: *const c_char,
    grantee_principal: *const c_char,
    limit: u32,
    marker: *const c_char,
    grant_list_out: *mut *mut sr_grant_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let grant_id = try_opt_str(grant_id, "grant_id")?;
        let grantee = try_opt_str(grantee_principal, "grantee_principal")?;
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(grant_list_out, "grant_list_out")?;
        let page = ks.list_grants_page(key_id, grant_id, grantee, &page_request(limit, marker))?;
        set_grant_list(out, &page)
    })
}

/// Writes one page of the grants, on every key, that `retiring_principal` may retire (its
/// grants' retiring principal), oldest first, to `*grant_list_out` (AWS KMS
/// `ListRetirableGrants`). `limit` and `marker` as for `sr_list_grants`. Free the list with
/// `sr_grant_list_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_retirable_grants(
    keystore: *const sr_keystore,
    retiring_principal: *const c_char,
    limit: u32,
    marker: *const c_char,
    grant_list_out: *mut *mut sr_grant_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let retiring = try_str(retiring_principal, "retiring_principal")?;
        let marker = try_opt_str(marker, "marker")?;
        let out = Out::new(grant_list_out, "grant_list_out")?;
        let page = ks.list_retirable_grants_page(retiring, &page_request(limit, marker))?;
        set_grant_list(out, &page)
    })
}

/// Frees a list from `sr_list_grants` or `sr_list_retirable_grants` and every entry in it.
/// Calling with NULL is fine. Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_grant_list_free(grant_list: *mut sr_grant_list) {
    boundary_void(|| drop(free_box(grant_list)))
}

/// Retires a grant (AWS KMS `RetireGrant`), named by its token (`grant_token`, as
/// `sr_create_grant` returned it; then `key_id` and `grant_id` may be NULL), or by `key_id` and
/// `grant_id` (then `grant_token` is NULL). Neither way is `SR_STATUS_VALIDATION`; a token
/// strongroom did not issue `SR_STATUS_INVALID_GRANT_TOKEN`; a grant that does not exist (any
/// more) `SR_STATUS_NOT_FOUND`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_retire_grant(
    keystore: *const sr_keystore,
    grant_token: *const c_char,
    key_id: *const c_char,
    grant_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let token = try_opt_str(grant_token, "grant_token")?;
        let key_id = try_opt_str(key_id, "key_id")?;
        let grant_id = try_opt_str(grant_id, "grant_id")?;
        Ok(ks.retire_grant(token, key_id, grant_id)?)
    })
}

/// Revokes grant `grant_id` of key `key_id` (AWS KMS `RevokeGrant`); `SR_STATUS_NOT_FOUND` if
/// the key has no such grant.
#[unsafe(no_mangle)]
pub extern "C" fn sr_revoke_grant(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    grant_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let grant_id = try_str(grant_id, "grant_id")?;
        Ok(ks.revoke_grant(key_id, grant_id)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{sr_create_key, sr_key_metadata, sr_key_metadata_free};
    use crate::keystore::tests::fresh;
    use crate::policy::sr_string_free;
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};

    const ROOT: &CStr = c"arn:aws:iam::111122223333:root";

    /// The entries of a list just returned (valid until it is freed).
    fn entries<'a>(list: *mut sr_grant_list) -> &'a [sr_grant_list_entry] {
        // SAFETY: a list returned by this crate: `len` entries at `items` (or NULL with 0).
        let list = unsafe { &*list };
        if list.len == 0 {
            return &[];
        }
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(list.items, list.len) }
    }

    /// A string field of a returned struct, `None` for NULL.
    fn text<'a>(p: *const c_char) -> Option<&'a str> {
        // SAFETY: NULL or a NUL-terminated string owned by a struct that is not yet freed.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
    }

    /// The operation names of an entry.
    fn operations(e: &sr_grant_list_entry) -> Vec<&str> {
        // SAFETY: `operations_len` static names at `operations`.
        unsafe { std::slice::from_raw_parts(e.operations, e.operations_len) }
            .iter()
            .map(|p| text(*p).unwrap())
            .collect()
    }

    /// How many grants key `key` has.
    fn count(ks: *const sr_keystore, key: &CStr) -> usize {
        let mut list: *mut sr_grant_list = null_mut();
        assert_eq!(
            sr_list_grants(ks, key.as_ptr(), null(), null(), 100, null(), &mut list),
            sr_status::Ok
        );
        let n = entries(list).len();
        sr_grant_list_free(list);
        n
    }

    /// Creates a grant and returns its (token, id).
    #[allow(clippy::too_many_arguments)]
    fn create(
        ks: *const sr_keystore,
        key: &CStr,
        ops: &[&CStr],
        retiring: *const c_char,
        constraints: *const c_char,
        name: *const c_char,
    ) -> Result<(CString, CString), sr_status> {
        let ops: Vec<*const c_char> = ops.iter().map(|o| o.as_ptr()).collect();
        let (mut token, mut id) = (null_mut(), null_mut());
        let st = sr_create_grant(
            ks,
            key.as_ptr(),
            ROOT.as_ptr(),
            retiring,
            ops.as_ptr(),
            ops.len(),
            constraints,
            name,
            &mut token,
            &mut id,
        );
        if st != sr_status::Ok {
            assert!(
                token.is_null() && id.is_null(),
                "outputs written on failure"
            );
            return Err(st);
        }
        let out = (
            CString::new(text(token).unwrap()).unwrap(),
            CString::new(text(id).unwrap()).unwrap(),
        );
        sr_string_free(token);
        sr_string_free(id);
        Ok(out)
    }

    #[test]
    fn grants_through_the_c_abi() {
        let (dir, ks, _) = fresh("grant");
        let mut meta: *mut sr_key_metadata = null_mut();
        assert_eq!(
            sr_create_key(ks, null(), null(), null(), null(), &mut meta),
            sr_status::Ok
        );
        // SAFETY: a metadata record just returned, freed below.
        let key = unsafe { CStr::from_ptr((*meta).key_id) }.to_owned();
        sr_key_metadata_free(meta);

        let subset = c"{\"EncryptionContextSubset\": {\"tenant\": \"acme\"}}";
        let (token, id) = create(
            ks,
            &key,
            &[c"Encrypt", c"Decrypt"],
            ROOT.as_ptr(),
            subset.as_ptr(),
            c"app-grant".as_ptr(),
        )
        .unwrap();
        assert_eq!(id.as_bytes().len(), 64);
        // The same name and arguments give the same grant.
        let again = create(
            ks,
            &key,
            &[c"Encrypt", c"Decrypt"],
            ROOT.as_ptr(),
            subset.as_ptr(),
            c"app-grant".as_ptr(),
        )
        .unwrap();
        assert_eq!(again.1, id);
        // Lists are oldest first (then by grant id): the next grant is a millisecond younger.
        std::thread::sleep(std::time::Duration::from_millis(2));
        let (_, second) = create(ks, &key, &[c"DescribeKey"], null(), null(), null()).unwrap();

        // A page of one, then the rest.
        let mut list: *mut sr_grant_list = null_mut();
        assert_eq!(
            sr_list_grants(ks, key.as_ptr(), null(), null(), 1, null(), &mut list),
            sr_status::Ok
        );
        let first = &entries(list)[0];
        assert_eq!(text(first.grant_id), Some(id.to_str().unwrap()));
        assert!(text(first.key_id).unwrap().ends_with(key.to_str().unwrap()));
        assert_eq!(text(first.name), Some("app-grant"));
        assert_eq!(text(first.grantee_principal), ROOT.to_str().ok());
        assert_eq!(text(first.retiring_principal), ROOT.to_str().ok());
        assert_eq!(text(first.issuing_account), ROOT.to_str().ok());
        assert_eq!(operations(first), ["Encrypt", "Decrypt"]);
        let constraints = text(first.constraints).unwrap();
        assert_eq!(
            GrantConstraints::from_json(constraints).unwrap(),
            GrantConstraints::from_json(subset.to_str().unwrap()).unwrap()
        );
        assert!(first.creation_date > 0);
        // SAFETY: the list just returned, freed below.
        let (truncated, marker) = unsafe { ((*list).truncated, (*list).next_marker) };
        assert!(truncated && !marker.is_null());
        let mut rest: *mut sr_grant_list = null_mut();
        assert_eq!(
            sr_list_grants(ks, key.as_ptr(), null(), null(), 0, marker, &mut rest),
            sr_status::Ok
        );
        let last = &entries(rest)[0];
        assert_eq!(text(last.grant_id), Some(second.to_str().unwrap()));
        assert_eq!(text(last.name), None);
        assert_eq!(text(last.retiring_principal), None);
        assert_eq!(text(last.constraints), None);
        assert_eq!(operations(last), ["DescribeKey"]);
        // SAFETY: as above.
        assert!(unsafe { !(*rest).truncated && (*rest).next_marker.is_null() });
        sr_grant_list_free(rest);
        sr_grant_list_free(list);

        // Filters: one grant by id; the grantee's.
        let mut list: *mut sr_grant_list = null_mut();
        assert_eq!(
            sr_list_grants(
                ks,
                key.as_ptr(),
                second.as_ptr(),
                null(),
                0,
                null(),
                &mut list
            ),
            sr_status::Ok
        );
        assert_eq!(entries(list).len(), 1);
        sr_grant_list_free(list);
        let nobody = c"arn:aws:iam::111122223333:user/nobody";
        assert_eq!(
            sr_list_grants(
                ks,
                key.as_ptr(),
                null(),
                nobody.as_ptr(),
                0,
                null(),
                &mut list
            ),
            sr_status::Ok
        );
        assert!(entries(list).is_empty());
        sr_grant_list_free(list);

        // The root may retire the first grant only (the second has no retiring principal).
        assert_eq!(
            sr_list_retirable_grants(ks, ROOT.as_ptr(), 0, null(), &mut list),
            sr_status::Ok
        );
        assert_eq!(entries(list).len(), 1);
        assert_eq!(text(entries(list)[0].grant_id), Some(id.to_str().unwrap()));
        sr_grant_list_free(list);

        // Bad input changes nothing and writes no output.
        let before = count(ks, &key);
        let utf8 = [b'a', 0xff, 0];
        for (ops, constraints, want) in [
            (vec![c"Encrypt", c"Fly"], null(), sr_status::Validation),
            (vec![], null(), sr_status::Validation),
            (vec![c"Encrypt"], c"{".as_ptr(), sr_status::Validation),
            (
                vec![c"Encrypt"],
                c"{\"SourceArn\": {}}".as_ptr(),
                sr_status::Validation,
            ),
            // Constraints only with operations that take an encryption context.
            (vec![c"DescribeKey"], subset.as_ptr(), sr_status::Validation),
            (
                vec![CStr::from_bytes_with_nul(&utf8).unwrap()],
                null(),
                sr_status::InvalidUtf8,
            ),
        ] {
            assert_eq!(
                create(ks, &key, &ops, null(), constraints, null()),
                Err(want)
            );
        }
        let encrypt = [c"Encrypt".as_ptr()];
        let (mut token_out, mut id_out) = (null_mut(), null_mut());
        for (k, grantee, ops, n, t_out, i_out) in [
            (
                null(),
                ROOT.as_ptr(),
                encrypt.as_ptr(),
                1,
                &raw mut token_out,
                &raw mut id_out,
            ),
            (
                key.as_ptr(),
                null(),
                encrypt.as_ptr(),
                1,
                &raw mut token_out,
                &raw mut id_out,
            ),
            (
                key.as_ptr(),
                ROOT.as_ptr(),
                null(),
                1,
                &raw mut token_out,
                &raw mut id_out,
            ),
            (
                key.as_ptr(),
                ROOT.as_ptr(),
                encrypt.as_ptr(),
                1,
                null_mut(),
                &raw mut id_out,
            ),
            (
                key.as_ptr(),
                ROOT.as_ptr(),
                encrypt.as_ptr(),
                1,
                &raw mut token_out,
                null_mut(),
            ),
        ] {
            assert_eq!(
                sr_create_grant(ks, k, grantee, null(), ops, n, null(), null(), t_out, i_out),
                sr_status::NullParameter
            );
        }
        assert!(token_out.is_null() && id_out.is_null());
        let null_op = [c"Encrypt".as_ptr(), null()];
        assert_eq!(
            sr_create_grant(
                ks,
                key.as_ptr(),
                ROOT.as_ptr(),
                null(),
                null_op.as_ptr(),
                2,
                null(),
                null(),
                &mut token_out,
                &mut id_out
            ),
            sr_status::NullParameter
        );
        assert_eq!(count(ks, &key), before);
        list = null_mut();
        assert_eq!(
            sr_list_grants(ks, key.as_ptr(), null(), null(), 101, null(), &mut list),
            sr_status::Validation
        );
        assert_eq!(
            sr_list_grants(
                ks,
                key.as_ptr(),
                null(),
                null(),
                0,
                c"zz".as_ptr(),
                &mut list
            ),
            sr_status::InvalidMarker
        );
        assert_eq!(
            sr_list_grants(ks, key.as_ptr(), null(), null(), 0, null(), null_mut()),
            sr_status::NullParameter
        );
        assert_eq!(
            sr_list_retirable_grants(ks, null(), 0, null(), &mut list),
            sr_status::NullParameter
        );
        assert!(list.is_null());

        // Retire by token, revoke by id; then both are gone.
        assert_eq!(
            sr_retire_grant(ks, null(), null(), null()),
            sr_status::Validation
        );
        assert_eq!(
            sr_retire_grant(ks, c"not-a-token".as_ptr(), null(), null()),
            sr_status::InvalidGrantToken
        );
        assert_eq!(
            sr_revoke_grant(ks, key.as_ptr(), null()),
            sr_status::NullParameter
        );
        assert_eq!(count(ks, &key), before);
        assert_eq!(
            sr_retire_grant(ks, token.as_ptr(), null(), null()),
            sr_status::Ok
        );
        assert_eq!(
            sr_retire_grant(ks, token.as_ptr(), null(), null()),
            sr_status::NotFound
        );
        assert_eq!(
            sr_revoke_grant(ks, key.as_ptr(), second.as_ptr()),
            sr_status::Ok
        );
        assert_eq!(
            sr_revoke_grant(ks, key.as_ptr(), second.as_ptr()),
            sr_status::NotFound
        );
        assert_eq!(count(ks, &key), 0);
        // By key and grant id.
        let (_, third) = create(ks, &key, &[c"Encrypt"], null(), null(), null()).unwrap();
        assert_eq!(
            sr_retire_grant(ks, null(), key.as_ptr(), third.as_ptr()),
            sr_status::Ok
        );
        assert_eq!(count(ks, &key), 0);

        sr_grant_list_free(null_mut());
        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }
}

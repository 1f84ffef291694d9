//! Key policies: put, get, list (SPEC section 13). A policy binds the callers of
//! `strongroom serve`; a C caller holds the passphrase and acts as the account root, so it is
//! never restricted by one. `sr_create_key_with_policy` (in `key.rs`) gives a new key its policy.

use crate::error::Failure;
use crate::ffi::{
    Out, c_string, free_array, free_box, free_c_string, to_array, to_box, try_opt_str, try_str,
};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::{boundary, boundary_void};
use crate::status::sr_status;
use std::ffi::c_char;

/// A list of strings, as `sr_list_key_policies` returns it. Freed with `sr_string_list_free`.
#[repr(C)]
pub struct sr_string_list {
    /// `len` NUL-terminated strings.
    pub items: *mut *mut c_char,
    /// Number of strings.
    pub len: usize,
}

/// Replaces a key's policy (AWS KMS `PutKeyPolicy`). `policy_name` may be NULL for `"default"`,
/// the only name a policy has. A policy that does not parse, names an unknown principal or
/// (unless `bypass_policy_lockout_safety_check`) would let no principal change it again is
/// `SR_STATUS_MALFORMED_POLICY_DOCUMENT`; over 32,768 bytes `SR_STATUS_VALIDATION`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_put_key_policy(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    policy_name: *const c_char,
    policy: *const c_char,
    bypass_policy_lockout_safety_check: bool,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let name = try_opt_str(policy_name, "policy_name")?;
        let policy = try_str(policy, "policy")?;
        Ok(ks.put_key_policy(key_id, name, policy, bypass_policy_lockout_safety_check)?)
    })
}

/// Writes a key's policy text to `*policy_out` (AWS KMS `GetKeyPolicy`): as it was given, or AWS's
/// default key policy. `policy_name` may be NULL. Free the text with `sr_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_get_key_policy(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    policy_name: *const c_char,
    policy_out: *mut *mut c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let name = try_opt_str(policy_name, "policy_name")?;
        let out = Out::new(policy_out, "policy_out")?;
        out.set(c_string(&ks.get_key_policy(key_id, name)?)?);
        Ok(())
    })
}

/// Writes the names of a key's policies (`"default"`) to `*policy_names_out` (AWS KMS
/// `ListKeyPolicies`). Free the list with `sr_string_list_free`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_list_key_policies(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    policy_names_out: *mut *mut sr_string_list,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(policy_names_out, "policy_names_out")?;
        let mut items = Vec::new();
        for name in ks.list_key_policies(key_id)? {
            match c_string(&name) {
                Ok(p) => items.push(p),
                Err(e) => {
                    items.into_iter().for_each(free_c_string);
                    return Err::<(), Failure>(e);
                }
            }
        }
        let (items, len) = to_array(items);
        out.set(to_box(sr_string_list { items, len }));
        Ok(())
    })
}

/// Frees a string returned by strongroom (`sr_get_key_policy`). Calling with NULL is fine. Must
/// not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_string_free(string: *mut c_char) {
    boundary_void(|| free_c_string(string))
}

/// Frees a list from `sr_list_key_policies` and every string in it. Calling with NULL is fine.
/// Must not be called twice.
#[unsafe(no_mangle)]
pub extern "C" fn sr_string_list_free(string_list: *mut sr_string_list) {
    boundary_void(|| {
        if let Some(list) = free_box(string_list) {
            free_array(list.items, list.len)
                .into_iter()
                .for_each(free_c_string);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{sr_create_key_with_policy, sr_key_metadata, sr_key_metadata_free};
    use crate::keystore::tests::fresh;
    use std::ffi::{CStr, CString};
    use std::ptr::{null, null_mut};

    #[test]
    fn policies_through_the_c_abi() {
        let (dir, ks, _) = fresh("policy");
        let policy = CString::new(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}}"#,
        )
        .unwrap();
        let mut meta: *mut sr_key_metadata = null_mut();
        let (team, payments) = (c"Team", c"payments");
        let tag = crate::tag::sr_tag_input {
            tag_key: team.as_ptr(),
            tag_value: payments.as_ptr(),
        };
        let st = sr_create_key_with_policy(
            ks,
            null(),
            null(),
            null(),
            null(),
            &tag,
            1,
            policy.as_ptr(),
            false,
            &mut meta,
        );
        assert_eq!(st, sr_status::Ok);
        // SAFETY: a metadata record just returned, freed below.
        let key_id = unsafe { CStr::from_ptr((*meta).key_id) }.to_owned();
        sr_key_metadata_free(meta);
        // The tags given with the policy are the key's.
        let mut tags: *mut crate::tag::sr_tag_list = null_mut();
        assert_eq!(
            crate::tag::sr_list_resource_tags(ks, key_id.as_ptr(), 0, null(), &mut tags),
            sr_status::Ok
        );
        // SAFETY: a list of one tag just returned, freed below.
        let first = unsafe { &*(*tags).items };
        // SAFETY: its strings are valid until the list is freed.
        let pair = unsafe {
            (
                CStr::from_ptr(first.tag_key),
                CStr::from_ptr(first.tag_value),
            )
        };
        assert_eq!(pair, (team, payments));
        // SAFETY: as above.
        assert_eq!(unsafe { (*tags).len }, 1);
        crate::tag::sr_tag_list_free(tags);
        let mut text: *mut c_char = null_mut();
        assert_eq!(
            sr_get_key_policy(ks, key_id.as_ptr(), null(), &mut text),
            sr_status::Ok
        );
        // SAFETY: a string just returned, freed below.
        assert_eq!(unsafe { CStr::from_ptr(text) }, policy.as_c_str());
        sr_string_free(text);
        let mut names: *mut sr_string_list = null_mut();
        assert_eq!(
            sr_list_key_policies(ks, key_id.as_ptr(), &mut names),
            sr_status::Ok
        );
        // SAFETY: a list just returned, freed below.
        let first = unsafe { CStr::from_ptr(*(*names).items) };
        assert_eq!(first.to_str().unwrap(), "default");
        sr_string_list_free(names);
        let bad = CString::new("{").unwrap();
        assert_eq!(
            sr_put_key_policy(ks, key_id.as_ptr(), null(), bad.as_ptr(), true),
            sr_status::MalformedPolicyDocument
        );
        // A policy may name only users the keystore has (`strongroom iam`; C has none).
        let user = CString::new(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "kms:*", "Resource": "*"}}"#,
        )
        .unwrap();
        assert_eq!(
            sr_put_key_policy(ks, key_id.as_ptr(), null(), user.as_ptr(), false),
            sr_status::MalformedPolicyDocument
        );
        let other = CString::new("other").unwrap();
        assert_eq!(
            sr_put_key_policy(ks, key_id.as_ptr(), other.as_ptr(), policy.as_ptr(), false),
            sr_status::Validation
        );
        assert_eq!(
            sr_put_key_policy(ks, key_id.as_ptr(), null(), null(), false),
            sr_status::NullParameter
        );
        assert_eq!(
            sr_get_key_policy(ks, key_id.as_ptr(), null(), null_mut()),
            sr_status::NullParameter
        );
        sr_string_free(null_mut());
        sr_string_list_free(null_mut());
        crate::keystore::sr_keystore_free(ks);
        let _ = std::fs::remove_dir_all(dir);
    }
}

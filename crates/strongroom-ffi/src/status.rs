//! Status codes and error messages.

use crate::error::{Failure, LAST_ERROR};
use crate::ffi::{Out, try_mut_slice};
use crate::panic::{boundary_keeping_message, boundary_or};
use std::ffi::c_char;

/// The result of every strongroom call. `SR_STATUS_OK` (0) is success; every other value names
/// what went wrong and `sr_last_error_message` gives the details.
///
/// Values are explicit and never reused. 100-199 are the SPEC section 9 error names, in SPEC
/// order (119 is reserved; 140-142 those of key policies and grants, SPEC section 13; 143 a
/// secret's public resource policy, SPEC section 14); 200-299 are C-only conditions. Before C23 the header declares `sr_status` as `uint32_t`, and functions
/// that take a code take `uint32_t`, so C can never pass an invalid enum.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sr_status {
    /// Success.
    Ok = 0,
    /// The key, alias, version or file named does not exist.
    NotFound = 100,
    /// An alias (or file) of that name already exists.
    AlreadyExists = 101,
    /// An argument is out of range or malformed.
    Validation = 102,
    /// The key is disabled; enable it first.
    Disabled = 103,
    /// The key's state does not allow this operation (pending deletion or pending import).
    InvalidState = 104,
    /// The ciphertext blob is malformed, was tampered with, or the encryption context differs.
    InvalidCiphertext = 105,
    /// The blob was made under another key than the one the caller named.
    IncorrectKey = 106,
    /// The key's usage does not allow this operation.
    InvalidKeyUsage = 107,
    /// A quota would be exceeded (number of keys, on-demand rotations).
    LimitExceeded = 108,
    /// The operation is not supported for this key.
    UnsupportedOperation = 109,
    /// The import token has expired; request new import parameters.
    ExpiredImportToken = 110,
    /// The import token is malformed or belongs to another key.
    InvalidImportToken = 111,
    /// Imported material differs from the material this key was first given.
    IncorrectKeyMaterial = 112,
    /// The passphrase is wrong.
    AuthenticationFailed = 113,
    /// Another process holds the keystore open.
    Locked = 114,
    /// The keystore file is not a keystore, is truncated, of an unknown version, or was tampered
    /// with.
    Corrupt = 115,
    /// The operating system reported an I/O error.
    Io = 116,
    /// `sr_verify`: the signature is not valid for the message and key.
    KMSInvalidSignature = 117,
    /// `sr_verify_mac`: the MAC is not valid for the message and key.
    KMSInvalidMac = 118,
    /// A tag is not valid (a reserved `aws:` tag key, a tag key given twice).
    InvalidTag = 120,
    /// A list's marker is not one this keystore returned.
    InvalidMarker = 121,
    /// A dry run found that the call would have succeeded; nothing was changed.
    DryRunOperation = 122,
    /// A secret's value cannot be decrypted: its KMS key is disabled, pending deletion or gone
    /// (AWS Secrets Manager's `DecryptionFailure`).
    DecryptionFailure = 123,
    /// A secret's new value cannot be encrypted: its KMS key is disabled or pending deletion
    /// (AWS Secrets Manager's `EncryptionFailure`).
    EncryptionFailure = 124,
    /// The key policy or a grant does not allow the principal this action (the server's callers
    /// only; in-process callers act as the account root).
    AccessDenied = 140,
    /// A key policy that does not parse, names an unknown principal, or would lock every
    /// principal out of managing the key.
    MalformedPolicyDocument = 141,
    /// A grant token that is malformed or names no grant.
    InvalidGrantToken = 142,
    /// A secret's resource policy given with `block_public_policy` allows every principal (AWS
    /// Secrets Manager's `PublicPolicyException`).
    PublicPolicy = 143,
    /// A required pointer argument was NULL.
    NullParameter = 200,
    /// The caller's buffer is too small; the size needed was written to the size out-parameter.
    InsufficientSize = 201,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 202,
    /// strongroom panicked (a bug); the call had no effect that can be relied on.
    Panic = 203,
    /// The core returned an error this build of the C ABI does not know (upgrade both together).
    UnknownError = 204,
    /// The keystore handle has been closed (`sr_keystore_close`); open the keystore again.
    Closed = 205,
}

impl sr_status {
    /// Every status, for `sr_status_name` and the tests.
    pub(crate) const ALL: [sr_status; 35] = {
        use sr_status::*;
        [
            Ok,
            NotFound,
            AlreadyExists,
            Validation,
            Disabled,
            InvalidState,
            InvalidCiphertext,
            IncorrectKey,
            InvalidKeyUsage,
            LimitExceeded,
            UnsupportedOperation,
            ExpiredImportToken,
            InvalidImportToken,
            IncorrectKeyMaterial,
            AuthenticationFailed,
            Locked,
            Corrupt,
            Io,
            KMSInvalidSignature,
            KMSInvalidMac,
            InvalidTag,
            InvalidMarker,
            DryRunOperation,
            DecryptionFailure,
            EncryptionFailure,
            AccessDenied,
            MalformedPolicyDocument,
            InvalidGrantToken,
            PublicPolicy,
            NullParameter,
            InsufficientSize,
            InvalidUtf8,
            Panic,
            UnknownError,
            Closed,
        ]
    };

    /// The status's name as a NUL-terminated static string (SPEC names for core errors).
    pub(crate) fn name(self) -> &'static std::ffi::CStr {
        use sr_status::*;
        match self {
            Ok => c"Ok",
            NotFound => c"NotFound",
            AlreadyExists => c"AlreadyExists",
            Validation => c"Validation",
            Disabled => c"Disabled",
            InvalidState => c"InvalidState",
            InvalidCiphertext => c"InvalidCiphertext",
            IncorrectKey => c"IncorrectKey",
            InvalidKeyUsage => c"InvalidKeyUsage",
            LimitExceeded => c"LimitExceeded",
            UnsupportedOperation => c"UnsupportedOperation",
            ExpiredImportToken => c"ExpiredImportToken",
            InvalidImportToken => c"InvalidImportToken",
            IncorrectKeyMaterial => c"IncorrectKeyMaterial",
            AuthenticationFailed => c"AuthenticationFailed",
            Locked => c"Locked",
            Corrupt => c"Corrupt",
            Io => c"Io",
            KMSInvalidSignature => c"KMSInvalidSignature",
            KMSInvalidMac => c"KMSInvalidMac",
            InvalidTag => c"InvalidTag",
            InvalidMarker => c"InvalidMarker",
            DryRunOperation => c"DryRunOperation",
            DecryptionFailure => c"DecryptionFailure",
            EncryptionFailure => c"EncryptionFailure",
            AccessDenied => c"AccessDenied",
            MalformedPolicyDocument => c"MalformedPolicyDocument",
            InvalidGrantToken => c"InvalidGrantToken",
            PublicPolicy => c"PublicPolicy",
            NullParameter => c"NullParameter",
            InsufficientSize => c"InsufficientSize",
            InvalidUtf8 => c"InvalidUtf8",
            Panic => c"Panic",
            UnknownError => c"UnknownError",
            Closed => c"Closed",
        }
    }
}

/// The name of a status code as a static NUL-terminated string: the SPEC error name for core
/// errors (`"NotFound"`, `"Disabled"`, ...), `"NullParameter"` and so on for C-only codes, and
/// `"Invalid"` for a value that is not a status. Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn sr_status_name(status: u32) -> *const c_char {
    boundary_or(c"Invalid".as_ptr(), || {
        sr_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"Invalid".as_ptr(), |s| s.name().as_ptr())
    })
}

/// Copies the message of the most recent failed strongroom call on the calling thread into
/// `buf` as a NUL-terminated UTF-8 string, as `"<Name>: <what was wrong and what to do>"`.
/// Messages never contain secrets. If no call has failed on this thread, the message is empty.
///
/// On success `*out_n` is the message length in bytes, not counting the NUL. If `len` is too
/// small, nothing is copied, the call returns `SR_STATUS_INSUFFICIENT_SIZE` and `*out_n` is the
/// buffer size needed, NUL included. This call does not replace the stored message.
#[unsafe(no_mangle)]
pub extern "C" fn sr_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> sr_status {
    boundary_keeping_message(|| {
        let out_n = Out::new(out_n, "out_n")?;
        let msg = LAST_ERROR.with(|m| m.borrow().clone());
        let needed = msg.len() + 1;
        if len < needed {
            out_n.set(needed);
            return Err(Failure::insufficient(needed, len));
        }
        let dst = try_mut_slice(buf.cast::<u8>(), len, "buf")?;
        dst[..msg.len()].copy_from_slice(msg.as_bytes());
        dst[msg.len()] = 0;
        out_n.set(msg.len());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    /// The `(name, value)` of every variant of `enum sr_status` as written in this file: the
    /// declaration cbindgen reads, so a variant added there and forgotten in `ALL` fails here
    /// rather than being called "Invalid" by `sr_status_name`.
    fn declared_variants() -> Vec<(String, u32)> {
        let src = include_str!("status.rs");
        let start = src
            .find("pub enum sr_status {")
            .expect("the enum declaration");
        let body = &src[start..src[start..].find("\n}").unwrap() + start];
        body.lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .map(|l| {
                let (name, value) = l.trim_end_matches(',').split_once(" = ").expect(l);
                (name.to_owned(), value.parse().expect(l))
            })
            .collect()
    }

    #[test]
    fn sr_status_name_names_every_declared_status() {
        let declared = declared_variants();
        assert_eq!(declared.len(), sr_status::ALL.len(), "ALL misses a variant");
        let mut codes = std::collections::HashSet::new();
        for (name, value) in &declared {
            assert!(codes.insert(*value), "{name} reuses {value}");
            // SAFETY: `sr_status_name` returns a static NUL-terminated string, never NULL.
            let got = unsafe { CStr::from_ptr(sr_status_name(*value)) };
            assert_eq!(got.to_str().unwrap(), name, "sr_status_name({value})");
            let status = sr_status::ALL
                .iter()
                .find(|s| **s as u32 == *value)
                .unwrap();
            assert_eq!(status.name().to_str().unwrap(), name);
        }
        for not_a_status in [1, 99, 119, 125, 139, 144, 199, 206, u32::MAX] {
            // SAFETY: as above.
            let got = unsafe { CStr::from_ptr(sr_status_name(not_a_status)) };
            assert_eq!(got.to_str().unwrap(), "Invalid");
        }
    }
}

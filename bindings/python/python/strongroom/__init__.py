"""strongroom: an embedded, offline key management service.

What AWS KMS gives a cloud account, strongroom gives one program from one file: master keys that
never leave the keystore in plaintext, aliases, and data keys for envelope encryption, with AWS
KMS's operation and field names in snake_case.

    >>> import strongroom  # doctest: +SKIP
    >>> with strongroom.Keystore.create("app.strongroom", "passphrase") as ks:  # doctest: +SKIP
    ...     key = ks.create_key(description="app secrets")
    ...     blob = ks.encrypt(key.key_id, b"attack at dawn")
    ...     assert ks.decrypt(blob) == b"attack at dawn"

Every failure raises a subclass of :class:`Error` named after the SPEC error (``NotFound``,
``Validation``, ``InvalidCiphertext``, ...); its message says what was wrong and what to do.
A call on a closed keystore handle raises :class:`InvalidState`.
"""

from __future__ import annotations

__all__ = [
    "AUDIT_UNBOUNDED",
    "DEFAULT_AUDIT_MAX_AGE_DAYS",
    "DEFAULT_AUDIT_MAX_EVENTS",
    "AccessDenied",
    "AlarmEvent",
    "AliasListEntry",
    "AlreadyExists",
    "AuditEvent",
    "AuthenticationFailed",
    "Corrupt",
    "CreatedGrant",
    "DataKey",
    "DataKeyPair",
    "DataKeyPairWithoutPlaintext",
    "DataKeyWithoutPlaintext",
    "Decrypted",
    "DecryptionFailure",
    "Disabled",
    "EncryptionFailure",
    "Error",
    "ExpiredImportToken",
    "GrantListEntry",
    "IncorrectKey",
    "IncorrectKeyMaterial",
    "InvalidCiphertext",
    "InvalidGrantToken",
    "InvalidImportToken",
    "DryRunOperation",
    "InvalidKeyUsage",
    "InvalidMarker",
    "InvalidState",
    "InvalidTag",
    "Io",
    "KMSInvalidMac",
    "KMSInvalidSignature",
    "KeyLastUsage",
    "KeyMetadata",
    "KeyRotationStatus",
    "Keystore",
    "LimitExceeded",
    "Locked",
    "Mac",
    "MalformedPolicyDocument",
    "ManualClock",
    "NotFound",
    "Page",
    "ParametersForImport",
    "PublicKey",
    "PublicPolicy",
    "ResourceTags",
    "RotationsListEntry",
    "SharedSecret",
    "Signed",
    "StreamSummary",
    "UnsupportedOperation",
    "Validation",
]


# The exception classes come first: the native module raises them by importing them from here.


class Error(Exception):
    """Base class of every strongroom error; ``str(e)`` is the core's message."""


class NotFound(Error):
    """The key, alias, version or file named does not exist."""


class AlreadyExists(Error):
    """An alias (or keystore file) of that name already exists."""


class Validation(Error):
    """An argument is out of range or malformed."""


class Disabled(Error):
    """The key is disabled; enable it with ``enable_key`` first."""


class InvalidState(Error):
    """The key's state (pending deletion or import), or a closed keystore handle, forbids it."""


class InvalidCiphertext(Error):
    """The ciphertext blob is malformed or tampered with, or the encryption context differs."""


class IncorrectKey(Error):
    """The blob was made under another key than the one named."""


class InvalidKeyUsage(Error):
    """The key's usage does not allow this operation."""


class LimitExceeded(Error):
    """A quota would be exceeded (number of keys, on-demand rotations)."""


class UnsupportedOperation(Error):
    """The operation is not supported for this key."""


class ExpiredImportToken(Error):
    """The import token has expired; request new import parameters."""


class InvalidImportToken(Error):
    """The import token is malformed or belongs to another key."""


class IncorrectKeyMaterial(Error):
    """Imported material differs from the material this key was first given."""


class AuthenticationFailed(Error):
    """The passphrase is wrong; nothing was written."""


class Locked(Error):
    """Another process holds the keystore open."""


class Corrupt(Error):
    """The file is not a keystore, is truncated, of an unknown version, or was tampered with."""


class Io(Error):
    """The operating system reported an I/O error."""


class KMSInvalidSignature(Error):
    """Verify: the signature is not valid for the message and key (AWS never answers false)."""


class KMSInvalidMac(Error):
    """VerifyMac: the MAC is not valid for the message and key."""


class InvalidTag(Error):
    """A tag is not valid: a tag key starting with ``aws:`` (AWS's ``TagException``), or given twice."""


class InvalidMarker(Error):
    """A list's ``marker`` is not one this keystore returned."""


class DryRunOperation(Error):
    """A dry run found that the call would have succeeded; nothing was changed."""


class DecryptionFailure(Error):
    """A secret's value cannot be decrypted: its KMS key is disabled, pending deletion or gone."""


class EncryptionFailure(Error):
    """A secret's new value cannot be encrypted: its KMS key is disabled or pending deletion."""


class AccessDenied(Error):
    """The key policy or a grant does not allow the caller this action (server callers only: an
    in-process caller acts as the account root)."""


class MalformedPolicyDocument(Error):
    """The key policy does not parse, names an unknown principal, or would lock the key out."""


class InvalidGrantToken(Error):
    """The grant token is malformed, or its grant was retired or revoked."""


class PublicPolicy(Error):
    """A secret's resource policy, given with ``BlockPublicPolicy``, allows every principal."""


from strongroom._native import (  # noqa: E402  (the exceptions above must exist first)
    AUDIT_UNBOUNDED,
    DEFAULT_AUDIT_MAX_AGE_DAYS,
    DEFAULT_AUDIT_MAX_EVENTS,
    ERROR_NAMES as _ERROR_NAMES,
    AlarmEvent,
    AliasListEntry,
    AuditEvent,
    CreatedGrant,
    DataKey,
    DataKeyPair,
    DataKeyPairWithoutPlaintext,
    DataKeyWithoutPlaintext,
    Decrypted,
    GrantListEntry,
    KeyLastUsage,
    KeyMetadata,
    KeyRotationStatus,
    Keystore,
    Mac,
    ManualClock,
    Page,
    ParametersForImport,
    PublicKey,
    ResourceTags,
    RotationsListEntry,
    SharedSecret,
    Signed,
    StreamSummary,
)

"""Type stubs for strongroom (the pure-Python package and its native half)."""

import os
from datetime import datetime
from types import TracebackType
from typing import Any, Callable, Generic, Literal, Optional, Protocol, TypeVar, Union

from typing_extensions import Buffer, Self

__all__ = [
    "AccessDenied",
    "AlarmEvent",
    "AliasListEntry",
    "AlreadyExists",
    "DecryptionFailure",
    "EncryptionFailure",
    "AuditEvent",
    "AuthenticationFailed",
    "Corrupt",
    "CreatedGrant",
    "DataKey",
    "DataKeyPair",
    "DataKeyPairWithoutPlaintext",
    "DataKeyWithoutPlaintext",
    "Disabled",
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

_Path = Union[str, "os.PathLike[str]"]
_Passphrase = Union[str, Buffer]
_Context = Optional[dict[str, str]]

class _Reader(Protocol):
    """A binary file object to read from: ``open(path, "rb")``, ``io.BytesIO``, ..."""

    def read(self, n: int, /) -> Union[bytes, bytearray]: ...

class _Writer(Protocol):
    """A binary file object to write to: ``open(path, "wb")``, ``io.BytesIO``, ..."""

    def write(self, b: bytes, /) -> object: ...

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
    """A tag is not valid (a tag key starting with ``aws:``, or given twice)."""

class InvalidMarker(Error):
    """A list's ``marker`` is not one this keystore returned."""

class DryRunOperation(Error):
    """A dry run found that the call would have succeeded; nothing was changed."""

_T = TypeVar("_T")

class Page(Generic[_T]):
    """One page of a list (AWS KMS's ``Limit``/``Marker``), as the ``list_*_page`` methods
    return it."""

    @property
    def items(self) -> list[_T]: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def next_marker(self) -> Optional[str]: ...
    def __len__(self) -> int: ...

class ResourceTags:
    """One page of a key's tags (AWS KMS ``ListResourceTags``)."""

    @property
    def tags(self) -> dict[str, str]: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def next_marker(self) -> Optional[str]: ...

class KeyLastUsage:
    """When and by which cryptographic operation a key was last used (AWS KMS ``GetKeyLastUsage``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def operation(self) -> Optional[str]: ...
    @property
    def timestamp(self) -> Optional[datetime]: ...
    @property
    def tracking_start_date(self) -> Optional[datetime]: ...
    @property
    def key_creation_date(self) -> datetime: ...

class DecryptionFailure(Error):
    """A secret's value cannot be decrypted: its KMS key is disabled, pending deletion or gone."""

class EncryptionFailure(Error):
    """A secret's new value cannot be encrypted: its KMS key is disabled or pending deletion."""

class AccessDenied(Error):
    """The key policy or a grant does not allow the caller this action (server callers only)."""

class MalformedPolicyDocument(Error):
    """The key policy does not parse, names an unknown principal, or would lock the key out."""

class InvalidGrantToken(Error):
    """The grant token is malformed, or its grant was retired or revoked."""

class PublicPolicy(Error):
    """A secret's resource policy, given with ``BlockPublicPolicy``, allows every principal."""

class ManualClock:
    """A clock that moves only when told to; pass it as ``clock=`` to create or open."""

    def __init__(self, start: datetime) -> None: ...
    def now(self) -> datetime:
        """The clock's current time, timezone-aware UTC."""
    def set(self, when: datetime) -> None:
        """Sets the time (a timezone-aware datetime)."""
    def advance(self, days: float = 0, seconds: float = 0) -> None:
        """Moves the time by ``days`` and ``seconds`` (rounded to the millisecond)."""

class KeyMetadata:
    """A key's metadata (AWS KMS ``KeyMetadata``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def arn(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def key_spec(self) -> str: ...
    @property
    def key_usage(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def key_state(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def creation_date(self) -> datetime: ...
    @property
    def deletion_date(self) -> Optional[datetime]: ...
    @property
    def pending_deletion_window_in_days(self) -> Optional[int]: ...
    @property
    def valid_to(self) -> Optional[datetime]: ...
    @property
    def aws_account_id(self) -> str: ...
    @property
    def key_manager(self) -> str: ...
    @property
    def multi_region(self) -> bool: ...
    @property
    def expiration_model(self) -> Optional[str]: ...
    @property
    def current_key_material_id(self) -> Optional[str]: ...
    @property
    def customer_master_key_spec(self) -> Optional[str]: ...
    @property
    def encryption_algorithms(self) -> list[str]: ...
    @property
    def signing_algorithms(self) -> list[str]: ...
    @property
    def mac_algorithms(self) -> list[str]: ...
    @property
    def key_agreement_algorithms(self) -> list[str]: ...

class DataKey:
    """A data key: ``plaintext`` to use locally, ``ciphertext_blob`` to keep."""

    @property
    def plaintext(self) -> bytes: ...
    @property
    def ciphertext_blob(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...

class DataKeyWithoutPlaintext:
    """An encrypted data key without its plaintext."""

    @property
    def ciphertext_blob(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...

class Decrypted:
    """What ``decrypt_with_key_id`` returns: the plaintext, the key and its material."""

    @property
    def plaintext(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...

class PublicKey:
    """A key's public key (AWS KMS ``GetPublicKey``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def public_key(self) -> bytes:
        """DER SubjectPublicKeyInfo."""
    @property
    def customer_master_key_spec(self) -> Optional[str]: ...
    @property
    def key_spec(self) -> str: ...
    @property
    def key_usage(self) -> str: ...
    @property
    def encryption_algorithms(self) -> list[str]: ...
    @property
    def signing_algorithms(self) -> list[str]: ...
    @property
    def key_agreement_algorithms(self) -> list[str]: ...

class Signed:
    """What ``sign`` returns (AWS KMS ``Sign``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def signature(self) -> bytes:
        """DER for ECDSA; raw for RSA, Ed25519 and ML-DSA."""
    @property
    def signing_algorithm(self) -> str: ...

class Mac:
    """What ``generate_mac`` returns (AWS KMS ``GenerateMac``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def mac(self) -> bytes: ...
    @property
    def mac_algorithm(self) -> str: ...

class SharedSecret:
    """What ``derive_shared_secret`` returns (AWS KMS ``DeriveSharedSecret``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def shared_secret(self) -> bytes:
        """The raw ECDH shared secret (secret): derive keys from it with a KDF."""
    @property
    def key_agreement_algorithm(self) -> str: ...
    @property
    def key_origin(self) -> str: ...

class DataKeyPair:
    """A data key pair (AWS KMS ``GenerateDataKeyPair``)."""

    @property
    def private_key_plaintext(self) -> bytes:
        """The PKCS#8 DER private key (secret)."""
    @property
    def private_key_ciphertext_blob(self) -> bytes:
        """The private key encrypted under the KMS key; ``decrypt`` opens it."""
    @property
    def public_key(self) -> bytes:
        """DER SubjectPublicKeyInfo."""
    @property
    def key_id(self) -> str: ...
    @property
    def key_pair_spec(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...

class DataKeyPairWithoutPlaintext:
    """A data key pair without its plaintext private key."""

    @property
    def private_key_ciphertext_blob(self) -> bytes: ...
    @property
    def public_key(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...
    @property
    def key_pair_spec(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...

class AliasListEntry:
    """One alias (AWS KMS ``AliasListEntry``)."""

    @property
    def alias_name(self) -> str: ...
    @property
    def alias_arn(self) -> str: ...
    @property
    def target_key_id(self) -> str: ...
    @property
    def creation_date(self) -> datetime: ...
    @property
    def last_updated_date(self) -> datetime: ...

class CreatedGrant:
    """What ``create_grant`` returns (AWS KMS ``CreateGrant``)."""

    @property
    def grant_token(self) -> str: ...
    @property
    def grant_id(self) -> str: ...

class GrantListEntry:
    """One grant (AWS KMS ``GrantListEntry``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def grant_id(self) -> str: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def creation_date(self) -> datetime: ...
    @property
    def grantee_principal(self) -> str: ...
    @property
    def retiring_principal(self) -> Optional[str]: ...
    @property
    def issuing_account(self) -> str: ...
    @property
    def operations(self) -> list[str]: ...
    @property
    def constraints(self) -> Optional[dict[str, dict[str, str]]]: ...

class KeyRotationStatus:
    """A key's rotation settings (AWS KMS ``GetKeyRotationStatus``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def key_rotation_enabled(self) -> bool: ...
    @property
    def rotation_period_in_days(self) -> Optional[int]: ...
    @property
    def next_rotation_date(self) -> Optional[datetime]: ...
    @property
    def on_demand_rotation_start_date(self) -> Optional[datetime]: ...

class RotationsListEntry:
    """One rotation of a key (AWS KMS ``RotationsListEntry``)."""

    @property
    def key_id(self) -> str: ...
    @property
    def rotation_date(self) -> datetime: ...
    @property
    def rotation_type(self) -> str: ...
    @property
    def key_material_id(self) -> str: ...
    @property
    def import_state(self) -> Optional[str]: ...
    @property
    def key_material_state(self) -> str: ...
    @property
    def expiration_model(self) -> Optional[str]: ...
    @property
    def valid_to(self) -> Optional[datetime]: ...
    @property
    def key_material_description(self) -> Optional[str]: ...

class AlarmEvent:
    """A refused attempt to use a disabled or pending-deletion key."""

    @property
    def event_time(self) -> datetime: ...
    @property
    def operation(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    @property
    def key_state(self) -> str: ...
    @property
    def outcome(self) -> str: ...

class ParametersForImport:
    """What ``get_parameters_for_import`` returns."""

    @property
    def key_id(self) -> str: ...
    @property
    def import_token(self) -> bytes: ...
    @property
    def public_key(self) -> bytes: ...
    @property
    def parameters_valid_to(self) -> datetime: ...

class AuditEvent:
    """One audit event."""

    @property
    def sequence(self) -> int: ...
    @property
    def event_time(self) -> datetime: ...
    @property
    def caller(self) -> str: ...
    @property
    def operation(self) -> str: ...
    @property
    def key_id(self) -> Optional[str]: ...
    @property
    def key_version(self) -> Optional[int]: ...
    @property
    def encryption_context(self) -> dict[str, str]: ...
    @property
    def outcome(self) -> str: ...
    @property
    def count(self) -> int: ...

DEFAULT_AUDIT_MAX_EVENTS: int
"""The core's default bound on audit events kept (``audit_max_events=None``)."""
DEFAULT_AUDIT_MAX_AGE_DAYS: int
"""The core's default bound on the age of audit events kept, in days."""
AUDIT_UNBOUNDED: int
"""``audit_max_events`` / ``audit_max_age_days`` for no bound."""

class StreamSummary:
    """What ``encrypt_file`` or ``decrypt_file`` did."""

    @property
    def key_id(self) -> str:
        """ARN of the KMS key whose data key protects the stream."""
    @property
    def plaintext_length(self) -> int:
        """Bytes of plaintext."""
    @property
    def encrypted_length(self) -> int:
        """Bytes of the encrypted stream, header included."""

class Keystore:
    """A keystore opened from its file: AWS KMS's operations on the keys it holds.

    ``dry_run=True`` (every operation AWS KMS gives ``DryRun``) checks a call completely and
    changes nothing: ``DryRunOperation`` where it would have succeeded, else its real error."""

    @classmethod
    def create(
        cls,
        path: _Path,
        passphrase: _Passphrase,
        *,
        clock: Optional[ManualClock] = None,
        caller: Optional[str] = None,
        max_keys: Optional[int] = None,
        argon2_memory_kib: Optional[int] = None,
        argon2_iterations: Optional[int] = None,
        argon2_parallelism: Optional[int] = None,
        allow_insecure_test_kdf: bool = False,
        audit_level: Optional[str] = None,
        audit_max_events: Optional[int] = None,
        audit_max_age_days: Optional[int] = None,
        aws_region: Optional[str] = None,
        aws_account_id: Optional[str] = None,
    ) -> Keystore:
        """Creates a new keystore file at ``path`` (which must not exist)."""
    @classmethod
    def open(
        cls,
        path: _Path,
        passphrase: _Passphrase,
        *,
        clock: Optional[ManualClock] = None,
        caller: Optional[str] = None,
        max_keys: Optional[int] = None,
        allow_insecure_test_kdf: bool = False,
        audit_level: Optional[str] = None,
        audit_max_events: Optional[int] = None,
        audit_max_age_days: Optional[int] = None,
        min_generation: Optional[int] = None,
        aws_region: Optional[str] = None,
        aws_account_id: Optional[str] = None,
    ) -> Keystore:
        """Opens the keystore at ``path``."""
    def generation(self) -> int:
        """The keystore's change counter (for rollback detection)."""
    def close(self) -> None:
        """Closes the keystore; later calls raise ``InvalidState``."""
    @property
    def closed(self) -> bool: ...
    @property
    def keystore_id(self) -> str: ...
    @property
    def caller(self) -> str: ...
    @property
    def path(self) -> str: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    def change_passphrase(self, old: _Passphrase, new: _Passphrase) -> None:
        """Re-wraps the root key under ``new``."""
    def create_key(
        self,
        description: str = "",
        key_spec: str = "SYMMETRIC_DEFAULT",
        key_usage: Optional[str] = None,
        origin: str = "AWS_KMS",
        tags: Optional[dict[str, str]] = None,
        policy: Optional[str] = None,
        bypass_policy_lockout_safety_check: bool = False,
    ) -> KeyMetadata:
        """Creates a key (AWS KMS ``CreateKey``), with ``tags`` if given, with the default key
        policy or ``policy``."""
    def update_key_description(self, key_id: str, description: str) -> None:
        """Replaces a key's description (AWS KMS ``UpdateKeyDescription``)."""
    def tag_resource(self, key_id: str, tags: dict[str, str]) -> None:
        """Adds tags, replacing existing values (AWS KMS ``TagResource``)."""
    def untag_resource(self, key_id: str, tag_keys: list[str]) -> None:
        """Removes tags by tag key (AWS KMS ``UntagResource``)."""
    def list_resource_tags(
        self, key_id: str, limit: Optional[int] = None, marker: Optional[str] = None
    ) -> ResourceTags:
        """One page of a key's tags (AWS KMS ``ListResourceTags``)."""
    def get_key_last_usage(self, key_id: str) -> KeyLastUsage:
        """When and by which operation a key was last used (AWS KMS ``GetKeyLastUsage``)."""
    def describe_key(self, key_id: str) -> KeyMetadata:
        """A key's metadata (AWS KMS ``DescribeKey``)."""
    def list_keys(self) -> list[KeyMetadata]:
        """Every key's metadata (AWS KMS ``ListKeys``)."""
    def list_keys_page(
        self, limit: Optional[int] = None, marker: Optional[str] = None
    ) -> Page[KeyMetadata]:
        """One page of keys (``limit`` 1 to 1000, default 100; ``marker`` a ``next_marker``)."""
    def enable_key(self, key_id: str) -> None:
        """Enables a key."""
    def disable_key(self, key_id: str) -> None:
        """Disables a key."""
    def create_alias(self, alias_name: str, target_key_id: str) -> None:
        """Creates an alias."""
    def update_alias(self, alias_name: str, target_key_id: str) -> None:
        """Points an alias at another key."""
    def delete_alias(self, alias_name: str) -> None:
        """Deletes an alias."""
    def list_aliases(self, key_id: Optional[str] = None) -> list[AliasListEntry]:
        """Aliases, all or of one key."""
    def list_aliases_page(
        self,
        key_id: Optional[str] = None,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
    ) -> Page[AliasListEntry]:
        """One page of aliases (``limit`` 1 to 100, default 50)."""
    def put_key_policy(
        self,
        key_id: str,
        policy: str,
        policy_name: Optional[str] = None,
        bypass_policy_lockout_safety_check: bool = False,
    ) -> None:
        """Replaces a key's policy (binds server callers; this handle is the account root)."""
    def get_key_policy(self, key_id: str, policy_name: Optional[str] = None) -> str:
        """A key's policy text."""
    def list_key_policies(self, key_id: str) -> list[str]:
        """``["default"]``."""
    def create_grant(
        self,
        key_id: str,
        grantee_principal: str,
        operations: list[str],
        retiring_principal: Optional[str] = None,
        constraints: Optional[dict[str, dict[str, str]]] = None,
        name: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> CreatedGrant:
        """Creates a grant (AWS KMS ``CreateGrant``)."""
    def list_grants(
        self,
        key_id: str,
        grant_id: Optional[str] = None,
        grantee_principal: Optional[str] = None,
    ) -> list[GrantListEntry]:
        """A key's grants."""
    def list_grants_page(
        self,
        key_id: str,
        grant_id: Optional[str] = None,
        grantee_principal: Optional[str] = None,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
    ) -> Page[GrantListEntry]:
        """One page of a key's grants (``limit`` 1 to 100, default 50)."""
    def list_retirable_grants(self, retiring_principal: str) -> list[GrantListEntry]:
        """The grants a principal may retire."""
    def list_retirable_grants_page(
        self,
        retiring_principal: str,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
    ) -> Page[GrantListEntry]:
        """One page of the grants a principal may retire (``limit`` 1 to 100, default 50)."""
    def retire_grant(
        self,
        grant_token: Optional[str] = None,
        key_id: Optional[str] = None,
        grant_id: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> None:
        """Retires a grant by token, or by key and grant id."""
    def revoke_grant(self, key_id: str, grant_id: str, *, dry_run: bool = False) -> None:
        """Revokes a grant."""
    def encrypt(
        self,
        key_id: str,
        plaintext: Buffer,
        encryption_context: _Context = None,
        encryption_algorithm: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> bytes:
        """Encrypts 1 to 4096 bytes (``encryption_algorithm="RSAES_OAEP_SHA_256"``: with an RSA
        key's public key)."""
    def decrypt(
        self,
        ciphertext_blob: Buffer,
        encryption_context: _Context = None,
        key_id: Optional[str] = None,
        encryption_algorithm: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> bytes:
        """Decrypts a blob (or RSA-OAEP ciphertext, given ``key_id`` and the algorithm)."""
    def decrypt_with_key_id(
        self,
        ciphertext_blob: Buffer,
        encryption_context: _Context = None,
        key_id: Optional[str] = None,
        encryption_algorithm: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> Decrypted:
        """Decrypts a blob; also names the key and the key material that decrypted it."""
    def get_public_key(self, key_id: str) -> PublicKey:
        """A key's public key, DER SubjectPublicKeyInfo (AWS KMS ``GetPublicKey``)."""
    def sign(
        self,
        key_id: str,
        message: Buffer,
        signing_algorithm: str,
        message_type: str = "RAW",
        *,
        dry_run: bool = False,
    ) -> Signed:
        """Signs a message (``RAW``) or its digest (``DIGEST``) (AWS KMS ``Sign``)."""
    def verify(
        self,
        key_id: str,
        message: Buffer,
        signature: Buffer,
        signing_algorithm: str,
        message_type: str = "RAW",
        *,
        dry_run: bool = False,
    ) -> Literal[True]:
        """``True``, or raises ``KMSInvalidSignature`` (AWS KMS ``Verify``)."""
    def generate_mac(
        self, key_id: str, message: Buffer, mac_algorithm: str, *, dry_run: bool = False
    ) -> Mac:
        """The HMAC of a message (AWS KMS ``GenerateMac``)."""
    def verify_mac(
        self,
        key_id: str,
        message: Buffer,
        mac: Buffer,
        mac_algorithm: str,
        *,
        dry_run: bool = False,
    ) -> Literal[True]:
        """``True``, or raises ``KMSInvalidMac`` (AWS KMS ``VerifyMac``)."""
    def derive_shared_secret(
        self,
        key_id: str,
        key_agreement_algorithm: str,
        public_key: Buffer,
        *,
        dry_run: bool = False,
    ) -> SharedSecret:
        """ECDH with a peer's DER public key (AWS KMS ``DeriveSharedSecret``)."""
    def generate_data_key_pair(
        self,
        key_id: str,
        key_pair_spec: str,
        encryption_context: _Context = None,
        *,
        dry_run: bool = False,
    ) -> DataKeyPair:
        """A fresh key pair, its private key also encrypted under ``key_id``."""
    def generate_data_key_pair_without_plaintext(
        self,
        key_id: str,
        key_pair_spec: str,
        encryption_context: _Context = None,
        *,
        dry_run: bool = False,
    ) -> DataKeyPairWithoutPlaintext:
        """A fresh key pair's public key and encrypted private key."""
    def re_encrypt(
        self,
        ciphertext_blob: Buffer,
        destination_key_id: str,
        source_encryption_context: _Context = None,
        destination_encryption_context: _Context = None,
        source_key_id: Optional[str] = None,
        source_encryption_algorithm: Optional[str] = None,
        destination_encryption_algorithm: Optional[str] = None,
        *,
        dry_run: bool = False,
    ) -> bytes:
        """Re-encrypts ciphertext under another key (RSA-OAEP by the algorithms)."""
    def generate_data_key(
        self,
        key_id: str,
        key_spec: Optional[str] = None,
        number_of_bytes: Optional[int] = None,
        encryption_context: _Context = None,
        *,
        dry_run: bool = False,
    ) -> DataKey:
        """A fresh data key and its blob."""
    def generate_data_key_without_plaintext(
        self,
        key_id: str,
        key_spec: Optional[str] = None,
        number_of_bytes: Optional[int] = None,
        encryption_context: _Context = None,
        *,
        dry_run: bool = False,
    ) -> DataKeyWithoutPlaintext:
        """A fresh data key's blob only."""
    def encrypt_file(
        self,
        key_id: str,
        source: _Reader,
        destination: _Writer,
        encryption_context: _Context = None,
    ) -> StreamSummary:
        """Encrypts a stream of any size (strongroom's file format) from source to destination."""
    def decrypt_file(
        self,
        source: _Reader,
        destination: _Writer,
        encryption_context: _Context = None,
        key_id: Optional[str] = None,
    ) -> StreamSummary:
        """Decrypts a stream made by encrypt_file (or the CLI's encrypt-file)."""
    def generate_random(self, number_of_bytes: int) -> bytes:
        """1 to 1024 random bytes."""
    def enable_key_rotation(
        self, key_id: str, rotation_period_in_days: Optional[int] = None
    ) -> None:
        """Turns on automatic rotation (period 90 to 2560 days, default 365)."""
    def disable_key_rotation(self, key_id: str) -> None:
        """Turns off automatic rotation."""
    def get_key_rotation_status(self, key_id: str) -> KeyRotationStatus:
        """The key's rotation settings."""
    def rotate_key_on_demand(self, key_id: str) -> None:
        """Adds a new backing-key version now (at most 25 per key)."""
    def list_key_rotations(
        self, key_id: str, include_key_material: Optional[str] = None
    ) -> list[RotationsListEntry]:
        """Every rotation of the key, oldest first (``"ALL_KEY_MATERIAL"``: the first material too)."""
    def list_key_rotations_page(
        self,
        key_id: str,
        include_key_material: Optional[str] = None,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
    ) -> Page[RotationsListEntry]:
        """One page of a key's rotations (``limit`` 1 to 1000, default 100)."""
    def schedule_key_deletion(
        self, key_id: str, pending_window_in_days: Optional[int] = None
    ) -> datetime:
        """Schedules destruction after 7 to 30 days (default 30); returns the date."""
    def cancel_key_deletion(self, key_id: str) -> None:
        """Cancels a scheduled deletion; the key becomes Disabled."""
    def run_maintenance(self) -> None:
        """Performs every rotation and destruction that is due now."""
    def set_alarm(self, callback: Optional[Callable[[AlarmEvent], object]]) -> None:
        """Sets (or clears) the alarm callback for refused uses of unusable keys."""
    def get_parameters_for_import(
        self, key_id: str, wrapping_algorithm: str, wrapping_key_spec: str
    ) -> ParametersForImport:
        """A wrapping public key and import token for an EXTERNAL key."""
    def import_key_material(
        self,
        key_id: str,
        import_token: Buffer,
        encrypted_key_material: Buffer,
        expiration_model: Optional[str] = None,
        valid_to: Optional[datetime] = None,
        import_type: Optional[str] = None,
        key_material_id: Optional[str] = None,
        key_material_description: Optional[str] = None,
    ) -> str:
        """Imports wrapped key material; returns its id (AWS KMS ``KeyMaterialId``).
        ``expiration_model`` None is ``KEY_MATERIAL_DOES_NOT_EXPIRE`` (SPEC section 7's default);
        pass ``"KEY_MATERIAL_EXPIRES"`` with ``valid_to`` for material that expires.
        ``import_type`` (``NEW_KEY_MATERIAL``/``EXISTING_KEY_MATERIAL``) and ``key_material_id``
        are checked before the token is used."""
    def delete_imported_key_material(self, key_id: str) -> str:
        """Deletes imported material; the key returns to PendingImport. Returns its id."""
    def audit_events(
        self,
        key_id: Optional[str] = None,
        operation: Optional[str] = None,
        outcome: Optional[str] = None,
        start_time: Optional[datetime] = None,
        end_time: Optional[datetime] = None,
    ) -> list[AuditEvent]:
        """Matching audit events, oldest first (collected: for a long trail use export_audit_jsonl)."""
    def export_audit_jsonl(
        self,
        path: Union[str, os.PathLike[str]],
        key_id: Optional[str] = None,
        operation: Optional[str] = None,
        outcome: Optional[str] = None,
        start_time: Optional[datetime] = None,
        end_time: Optional[datetime] = None,
    ) -> int:
        """Writes matching audit events to ``path`` as JSON Lines, streaming; returns how many."""
    def verify_audit(self) -> int:
        """Verifies the audit trail; returns the number of events verified."""
    # Named secrets, shaped like boto3's ``secretsmanager`` client: AWS's member names as keyword
    # arguments, dicts with AWS's keys back (``SecretString`` str, ``SecretBinary`` bytes, dates
    # as aware datetimes). docs/secrets.md.
    def create_secret(
        self,
        *,
        Name: str,
        ClientRequestToken: Optional[str] = None,
        Description: Optional[str] = None,
        KmsKeyId: Optional[str] = None,
        SecretString: Optional[str] = None,
        SecretBinary: Optional[bytes] = None,
        Tags: Optional[list[dict[str, str]]] = None,
    ) -> dict[str, Any]:
        """Creates a secret (``CreateSecret``): ``{"ARN", "Name", "VersionId"}``."""
    def get_secret_value(
        self, *, SecretId: str, VersionId: Optional[str] = None, VersionStage: Optional[str] = None
    ) -> dict[str, Any]:
        """A secret's value (``GetSecretValue``), ``AWSCURRENT`` unless a version is named."""
    def put_secret_value(
        self,
        *,
        SecretId: str,
        ClientRequestToken: Optional[str] = None,
        SecretString: Optional[str] = None,
        SecretBinary: Optional[bytes] = None,
        VersionStages: Optional[list[str]] = None,
    ) -> dict[str, Any]:
        """Adds a version (``PutSecretValue``); ``AWSCURRENT`` moves to it by default."""
    def update_secret(
        self,
        *,
        SecretId: str,
        ClientRequestToken: Optional[str] = None,
        Description: Optional[str] = None,
        KmsKeyId: Optional[str] = None,
        SecretString: Optional[str] = None,
        SecretBinary: Optional[bytes] = None,
    ) -> dict[str, Any]:
        """Changes a secret's description, KMS key and/or value (``UpdateSecret``)."""
    def describe_secret(self, *, SecretId: str) -> dict[str, Any]:
        """A secret's metadata (``DescribeSecret``)."""
    def list_secrets(
        self,
        *,
        IncludePlannedDeletion: bool = False,
        MaxResults: Optional[int] = None,
        NextToken: Optional[str] = None,
        Filters: Optional[list[dict[str, Any]]] = None,
        SortBy: Optional[str] = None,
        SortOrder: Optional[str] = None,
    ) -> dict[str, Any]:
        """A page of secrets (``ListSecrets``): ``{"SecretList", "NextToken"}``."""
    def list_secret_version_ids(
        self,
        *,
        SecretId: str,
        MaxResults: Optional[int] = None,
        NextToken: Optional[str] = None,
        IncludeDeprecated: bool = False,
    ) -> dict[str, Any]:
        """A page of a secret's versions, newest first (``ListSecretVersionIds``)."""
    def update_secret_version_stage(
        self,
        *,
        SecretId: str,
        VersionStage: str,
        RemoveFromVersionId: Optional[str] = None,
        MoveToVersionId: Optional[str] = None,
    ) -> dict[str, Any]:
        """Moves a staging label (``UpdateSecretVersionStage``)."""
    def delete_secret(
        self,
        *,
        SecretId: str,
        RecoveryWindowInDays: Optional[int] = None,
        ForceDeleteWithoutRecovery: bool = False,
    ) -> dict[str, Any]:
        """Schedules (7 to 30 days, default 30) or forces a secret's deletion (``DeleteSecret``)."""
    def restore_secret(self, *, SecretId: str) -> dict[str, Any]:
        """Cancels a secret's scheduled deletion (``RestoreSecret``)."""
    def get_random_password(
        self,
        *,
        PasswordLength: Optional[int] = None,
        ExcludeCharacters: Optional[str] = None,
        ExcludeNumbers: bool = False,
        ExcludePunctuation: bool = False,
        ExcludeUppercase: bool = False,
        ExcludeLowercase: bool = False,
        IncludeSpace: bool = False,
        RequireEachIncludedType: bool = True,
    ) -> dict[str, str]:
        """A random password (``GetRandomPassword``): ``{"RandomPassword": str}``."""
    def tag_secret(self, *, SecretId: str, Tags: list[dict[str, str]]) -> None:
        """Adds or replaces tags (``TagResource``)."""
    def untag_secret(self, *, SecretId: str, TagKeys: list[str]) -> None:
        """Removes tags by key (``UntagResource``)."""
    def put_resource_policy(
        self,
        *,
        SecretId: str,
        ResourcePolicy: str,
        BlockPublicPolicy: bool = False,
        PolicyName: Optional[str] = None,
    ) -> dict[str, str]:
        """Attaches a resource policy (``PutResourcePolicy``): ``{"ARN", "Name", "PolicyName"}``;
        ``BlockPublicPolicy=True`` refuses a policy open to every principal (``PublicPolicy``)."""
    def get_resource_policy(
        self, *, SecretId: str, PolicyName: Optional[str] = None
    ) -> dict[str, str]:
        """The resource policy (``GetResourcePolicy``): ``{"ARN", "Name", "ResourcePolicy",
        "PolicyName"}``, without ``ResourcePolicy`` when the secret has none."""
    def delete_resource_policy(
        self, *, SecretId: str, PolicyName: Optional[str] = None
    ) -> dict[str, str]:
        """Removes the resource policy (``DeleteResourcePolicy``)."""
    def validate_resource_policy(
        self, *, ResourcePolicy: str, SecretId: Optional[str] = None
    ) -> dict[str, Any]:
        """Checks a policy without attaching it (``ValidateResourcePolicy``):
        ``{"PolicyValidationPassed": bool, "ValidationErrors": [{"CheckName", "ErrorMessage"}]}``."""

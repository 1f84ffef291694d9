"""The package itself: installed wheel, exported names, the error bridge, reprs."""

from __future__ import annotations

import pathlib

import pytest

import strongroom
from strongroom import _native

SPEC_ERRORS = [
    "NotFound",
    "AlreadyExists",
    "Validation",
    "Disabled",
    "InvalidState",
    "InvalidCiphertext",
    "IncorrectKey",
    "InvalidKeyUsage",
    "LimitExceeded",
    "UnsupportedOperation",
    "ExpiredImportToken",
    "InvalidImportToken",
    "IncorrectKeyMaterial",
    "AuthenticationFailed",
    "Locked",
    "Corrupt",
    "Io",
    "KMSInvalidSignature",
    "KMSInvalidMac",
    "InvalidTag",
    "InvalidMarker",
    "DryRunOperation",
    "DecryptionFailure",
    "EncryptionFailure",
    "AccessDenied",
    "MalformedPolicyDocument",
    "InvalidGrantToken",
    "PublicPolicy",
]


def test_imported_from_the_installed_wheel_not_the_source_tree() -> None:
    here = pathlib.Path(__file__).resolve().parents[1]
    installed = pathlib.Path(strongroom.__file__).resolve()
    assert here not in installed.parents, installed
    assert "site-packages" in installed.parts
    assert (installed.parent / "py.typed").exists()
    assert (installed.parent / "__init__.pyi").exists()


def test_core_names_match_the_spec() -> None:
    assert list(_native.ERROR_NAMES) == SPEC_ERRORS


@pytest.mark.parametrize("name", SPEC_ERRORS)
def test_every_spec_error_maps_to_its_own_class(name: str) -> None:
    cls = getattr(strongroom, name)
    assert issubclass(cls, strongroom.Error)
    assert cls is not strongroom.Error
    assert cls.__doc__
    with pytest.raises(cls) as info:
        _native._raise_core_error(name, f"message for {name}")
    assert type(info.value) is cls
    assert str(info.value) == f"message for {name}"


def test_the_classes_are_distinct() -> None:
    classes = {getattr(strongroom, n) for n in SPEC_ERRORS}
    assert len(classes) == len(SPEC_ERRORS)


def test_public_names_have_docstrings() -> None:
    for name in strongroom.__all__:
        obj = getattr(strongroom, name)
        assert obj.__doc__, name
    for cls in (strongroom.Keystore, strongroom.KeyMetadata, strongroom.ManualClock,
                strongroom.DataKey, strongroom.DataKeyWithoutPlaintext,
                strongroom.AliasListEntry):
        for attr, value in vars(cls).items():
            if not attr.startswith("_"):
                assert getattr(value, "__doc__", None), f"{cls.__name__}.{attr}"


def test_classes_live_in_the_strongroom_module() -> None:
    assert strongroom.Keystore.__module__ == "strongroom"
    assert strongroom.KeyMetadata.__module__ == "strongroom"

"""Shared fixtures: throwaway keystores with the documented fast test KDF profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import strongroom

PASSPHRASE = "correct horse battery staple"

#: The documented fast test profile (64 KiB, 1 pass, 1 lane), explicitly allowed.
FAST: dict[str, Any] = {
    "argon2_memory_kib": 64,
    "argon2_iterations": 1,
    "argon2_parallelism": 1,
    "allow_insecure_test_kdf": True,
}


def create(path: Path, **options: Any) -> strongroom.Keystore:
    """A new keystore at ``path`` with the fast test profile."""
    return strongroom.Keystore.create(path, PASSPHRASE, **{**FAST, **options})


def reopen(path: Path, **options: Any) -> strongroom.Keystore:
    """Opens a fast-profile keystore."""
    return strongroom.Keystore.open(path, PASSPHRASE, allow_insecure_test_kdf=True, **options)


@pytest.fixture
def ks_path(tmp_path: Path) -> Path:
    """Where the test's keystore lives."""
    return tmp_path / "test.strongroom"


@pytest.fixture
def ks(ks_path: Path) -> Iterator[strongroom.Keystore]:
    """A fresh, open keystore."""
    with create(ks_path) as k:
        yield k


@pytest.fixture
def key_id(ks: strongroom.Keystore) -> str:
    """A fresh enabled symmetric key in ``ks``."""
    return ks.create_key(description="test key").key_id

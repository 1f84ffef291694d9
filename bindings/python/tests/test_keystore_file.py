"""SPEC section 2 through Python: the keystore file, passphrases, open/close, options."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import strongroom
from conftest import FAST, PASSPHRASE, create, reopen


def test_create_then_open_with_str_or_bytes_passphrase(ks_path: Path) -> None:
    with create(ks_path) as ks:
        key = ks.create_key()
        blob = ks.encrypt(key.key_id, b"kept")
        ks_id = ks.keystore_id
    for pw in (PASSPHRASE, PASSPHRASE.encode(), bytearray(PASSPHRASE.encode())):
        with strongroom.Keystore.open(ks_path, pw, allow_insecure_test_kdf=True) as ks:
            assert ks.keystore_id == ks_id
            assert ks.decrypt(blob) == b"kept"


def test_wrong_passphrase_is_authentication_failed_and_writes_nothing(ks_path: Path) -> None:
    create(ks_path).close()
    before = ks_path.read_bytes()
    with pytest.raises(strongroom.AuthenticationFailed) as info:
        strongroom.Keystore.open(ks_path, "wrong passphrase", allow_insecure_test_kdf=True)
    assert "wrong passphrase" not in str(info.value)
    assert ks_path.read_bytes() == before
    reopen(ks_path).close()  # the right one still works


def test_not_a_keystore_is_corrupt(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"this is not a keystore\n" * 100)
    with pytest.raises(strongroom.Corrupt):
        strongroom.Keystore.open(junk, PASSPHRASE, allow_insecure_test_kdf=True)
    assert junk.read_bytes() == b"this is not a keystore\n" * 100


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(strongroom.NotFound):
        reopen(tmp_path / "missing")
    assert not (tmp_path / "missing").exists()


def test_create_in_a_missing_directory_is_io_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(strongroom.Io, match="directory does not exist"):
        create(tmp_path / "no-such-dir" / "ks")


def test_create_over_an_existing_file_is_already_exists(ks_path: Path) -> None:
    create(ks_path).close()
    before = ks_path.read_bytes()
    with pytest.raises(strongroom.AlreadyExists):
        create(ks_path)
    assert ks_path.read_bytes() == before


def test_weak_kdf_needs_the_explicit_test_flag(tmp_path: Path) -> None:
    weak = {k: v for k, v in FAST.items() if k != "allow_insecure_test_kdf"}
    with pytest.raises(strongroom.Validation):
        strongroom.Keystore.create(tmp_path / "a", PASSPHRASE, **weak)
    assert not (tmp_path / "a").exists()
    create(tmp_path / "b").close()
    with pytest.raises(strongroom.Validation):
        strongroom.Keystore.open(tmp_path / "b", PASSPHRASE)


def test_passphrase_bounds(tmp_path: Path) -> None:
    with pytest.raises(strongroom.Validation):
        strongroom.Keystore.create(tmp_path / "a", "", **FAST)
    with pytest.raises(strongroom.Validation):
        strongroom.Keystore.create(tmp_path / "b", b"x" * 1025, **FAST)
    strongroom.Keystore.create(tmp_path / "c", b"x" * 1024, **FAST).close()
    with pytest.raises(TypeError):
        strongroom.Keystore.create(tmp_path / "d", 12345, **FAST)  # type: ignore[arg-type]


def test_change_passphrase(ks_path: Path) -> None:
    with create(ks_path) as ks:
        key = ks.create_key().key_id
        blob = ks.encrypt(key, b"x")
        with pytest.raises(strongroom.AuthenticationFailed):
            ks.change_passphrase("not it", "new passphrase")
        ks.change_passphrase(PASSPHRASE, b"new passphrase")
        assert ks.decrypt(blob) == b"x"
    with pytest.raises(strongroom.AuthenticationFailed):
        reopen(ks_path)
    with strongroom.Keystore.open(ks_path, "new passphrase", allow_insecure_test_kdf=True) as ks:
        assert ks.decrypt(blob) == b"x"


def test_context_manager_and_close(ks_path: Path) -> None:
    with create(ks_path) as ks:
        assert not ks.closed
        key = ks.create_key().key_id
    assert ks.closed
    with pytest.raises(strongroom.InvalidState, match="closed"):
        ks.encrypt(key, b"x")
    with pytest.raises(strongroom.InvalidState, match="closed"):
        ks.describe_key(key)
    ks.close()  # twice is harmless
    assert "closed" in repr(ks)
    # Closing released the file: it opens again in this process.
    k2 = reopen(ks_path)
    assert k2.describe_key(key).key_id == key
    k2.close()


def test_exception_inside_with_still_closes(ks_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with create(ks_path) as ks:
            raise RuntimeError("boom")
    assert ks.closed
    reopen(ks_path).close()


def test_open_in_another_process_is_locked(ks_path: Path) -> None:
    create(ks_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, strongroom
            ks = strongroom.Keystore.open({str(ks_path)!r}, {PASSPHRASE!r},
                                          allow_insecure_test_kdf=True)
            print("open", flush=True)
            sys.stdin.readline()
            ks.close()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(strongroom.Locked):
            reopen(ks_path)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    reopen(ks_path).close()


def test_options_caller_and_max_keys(ks_path: Path) -> None:
    with create(ks_path, caller="backup-job", max_keys=2) as ks:
        assert ks.caller == "backup-job"
        ks.create_key()
        ks.create_key()
        with pytest.raises(strongroom.LimitExceeded):
            ks.create_key()
        assert len(ks.list_keys()) == 2
    with reopen(ks_path, max_keys=3) as ks:
        ks.create_key()
        with pytest.raises(strongroom.LimitExceeded):
            ks.create_key()
    with pytest.raises(strongroom.Validation):
        reopen(ks_path, max_keys=0)
    with pytest.raises(strongroom.Validation):
        reopen(ks_path, max_keys=-1)
    with pytest.raises(strongroom.Validation):
        reopen(ks_path, caller="")


def test_path_accepts_str_and_pathlike(tmp_path: Path) -> None:
    with create(tmp_path / "p1") as ks:
        assert ks.path == str(tmp_path / "p1")
    strongroom.Keystore.create(str(tmp_path / "p2"), PASSPHRASE, **FAST).close()
    assert (tmp_path / "p2").exists()


def test_clock_must_be_a_manual_clock(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        create(tmp_path / "x", clock="now")


def test_generation_detects_a_rolled_back_copy(ks_path: Path, tmp_path: Path) -> None:
    with create(ks_path) as ks:
        ks.create_key()
    old_copy = tmp_path / "old-copy"
    old_copy.write_bytes(ks_path.read_bytes())
    with reopen(ks_path) as ks:
        ks.create_key()
        generation = ks.generation()
        assert isinstance(generation, int) and generation > 0
    with reopen(ks_path, min_generation=generation) as ks:
        assert ks.generation() >= generation
    with pytest.raises(strongroom.Corrupt, match="generation"):
        reopen(old_copy, min_generation=generation)
    with pytest.raises(strongroom.Validation):
        reopen(ks_path, min_generation=-1)

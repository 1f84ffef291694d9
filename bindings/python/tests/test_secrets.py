"""Secrets never show in a repr, str or error message (SPEC section 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import strongroom
from conftest import FAST

SECRET_PASSPHRASE = "zebra-unique-passphrase-6d1f"


def test_reprs_and_errors_hold_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "ks"
    texts: list[str] = []
    with strongroom.Keystore.create(path, SECRET_PASSPHRASE, **FAST) as ks:
        key = ks.create_key()
        dk = ks.generate_data_key(key.key_id, encryption_context={"a": "b"})
        dkw = ks.generate_data_key_without_plaintext(key.key_id)
        ext = ks.create_key(origin="EXTERNAL").key_id
        params = ks.get_parameters_for_import(ext, "RSAES_OAEP_SHA_256", "RSA_2048")
        blob = ks.encrypt(key.key_id, b"plaintext-canary-91ab")
        texts += [repr(o) + str(o) for o in (ks, key, dk, dkw, params, *ks.audit_events())]
        with pytest.raises(strongroom.AuthenticationFailed) as wrong:
            ks.change_passphrase(SECRET_PASSPHRASE + "x", "new")
        texts.append(str(wrong.value))
        with pytest.raises(strongroom.InvalidCiphertext) as bad:
            ks.decrypt(blob, encryption_context={"x": "y"})
        texts.append(str(bad.value))
        secrets = [dk.plaintext.hex(), repr(dk.plaintext), params.import_token.hex()]
    with pytest.raises(strongroom.AuthenticationFailed) as wrong_open:
        strongroom.Keystore.open(path, SECRET_PASSPHRASE + "y", allow_insecure_test_kdf=True)
    texts.append(str(wrong_open.value) + repr(wrong_open.value))
    joined = "\n".join(texts)
    assert SECRET_PASSPHRASE not in joined
    assert "plaintext-canary" not in joined
    for s in secrets:
        assert s not in joined


def test_data_key_plaintext_is_one_copy(tmp_path: Path) -> None:
    """Issue 17 item 6: ``DataKey.plaintext`` is made once for the object's life, not anew on
    every access (each copy is a ``bytes`` Python cannot wipe)."""
    with strongroom.Keystore.create(tmp_path / "ks", SECRET_PASSPHRASE, **FAST) as ks:
        dk = ks.generate_data_key(ks.create_key().key_id)
        first = dk.plaintext
        assert dk.plaintext is first
        assert len(first) == 32
        assert ks.decrypt(dk.ciphertext_blob) == first


def _pattern_byte(i: int) -> int:
    return (i * 151 + 77) % 251


def _memory_holds_pattern(length: int) -> bool:
    """Whether any readable, writable anonymous mapping of this process holds the ``length``-byte
    pattern, its first 8 bytes aside (an allocator writes its free-list link there when a block
    is freed). Only bytes 16 to 24 are ever a Python object (the search needle); a hit is then
    checked byte by byte against the formula, so the needle itself is never counted."""
    needle = bytes(_pattern_byte(i) for i in range(16, 24))
    with open("/proc/self/maps") as maps:
        regions = []
        for line in maps:
            fields = line.split()
            if "rw" in fields[1] and (len(fields) < 6 or fields[5] == "[heap]"):
                lo, hi = (int(x, 16) for x in fields[0].split("-"))
                regions.append((lo, hi))
    with open("/proc/self/mem", "rb", buffering=0) as mem:
        for lo, hi in regions:
            try:
                mem.seek(lo)
                chunk = mem.read(hi - lo)
            except OSError:
                continue
            at = chunk.find(needle)
            while at != -1:
                start = at - 16
                if start >= 0 and start + length <= len(chunk) and all(
                        chunk[start + i] == _pattern_byte(i) for i in range(8, length)):
                    return True
                at = chunk.find(needle, at + 1)
    return False


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc/self/mem")
def test_a_memoryview_argument_leaves_no_unzeroed_copy(tmp_path: Path) -> None:
    """Issue 17 item 6: a ``memoryview`` argument is copied into a private, wiped buffer, not
    through an intermediate ``bytes`` (``tobytes()``) left in freed memory. The secret is built in
    place in a ``bytearray`` (never a ``bytes`` object), passed through a memoryview, then wiped
    by the test: no copy of it may remain anywhere in the process."""
    length = 200
    with strongroom.Keystore.create(tmp_path / "ks", SECRET_PASSPHRASE, **FAST) as ks:
        k = ks.create_key().key_id
        secret = bytearray(length)
        for i in range(length):
            secret[i] = _pattern_byte(i)
        blob = ks.encrypt(k, memoryview(secret))
        for i in range(length):  # the caller wipes its buffer in place, allocating nothing
            secret[i] = 0         # (a freed block of that size would be reused at once)
        assert not _memory_holds_pattern(length)
        # The scan does find the pattern where it is (here, the decrypted bytes).
        out = ks.decrypt(blob)
        assert all(out[i] == _pattern_byte(i) for i in range(length))
        assert _memory_holds_pattern(length)

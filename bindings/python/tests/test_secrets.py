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

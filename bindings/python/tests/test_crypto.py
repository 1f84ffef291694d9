"""SPEC section 4 through Python: encrypt, decrypt, re-encrypt, data keys, random bytes."""

from __future__ import annotations

import array

import pytest

import strongroom


def test_round_trip_returns_bytes(ks: strongroom.Keystore, key_id: str) -> None:
    blob = ks.encrypt(key_id, b"attack at dawn")
    assert type(blob) is bytes
    assert b"attack at dawn" not in blob
    out = ks.decrypt(blob)
    assert type(out) is bytes and out == b"attack at dawn"
    assert ks.encrypt(key_id, b"attack at dawn") != blob  # fresh nonce each time


@pytest.mark.parametrize("make", [bytes, bytearray, memoryview,
                                  lambda b: array.array("B", b)])
def test_any_buffer_is_accepted(ks: strongroom.Keystore, key_id: str, make: object) -> None:
    data = b"buffer protocol" * 200  # over the GIL threshold too
    buf = make(data)  # type: ignore[operator]
    blob = ks.encrypt(key_id, buf)
    assert ks.decrypt(make(blob)) == data  # type: ignore[operator]
    small = make(b"x")  # type: ignore[operator]
    assert ks.decrypt(ks.encrypt(key_id, small)) == b"x"


def test_str_and_non_buffers_are_type_errors(ks: strongroom.Keystore, key_id: str) -> None:
    with pytest.raises(TypeError):
        ks.encrypt(key_id, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ks.encrypt(key_id, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ks.decrypt(None)  # type: ignore[arg-type]


def test_plaintext_bounds(ks: strongroom.Keystore, key_id: str) -> None:
    for n in (1, 4096):
        assert ks.decrypt(ks.encrypt(key_id, b"\xab" * n)) == b"\xab" * n
    for n in (0, 4097, 1 << 20):
        with pytest.raises(strongroom.Validation):
            ks.encrypt(key_id, b"\xab" * n)
    # A blob longer than the largest plaintext allows is refused before it is opened.
    longest = ks.encrypt(key_id, b"\xab" * 4096)
    for too_long in (longest + b"\0", b"\x01" * (1 << 20)):
        with pytest.raises(strongroom.InvalidCiphertext, match="longer than any"):
            ks.decrypt(too_long)


def test_context_order_independent_and_required(ks: strongroom.Keystore, key_id: str) -> None:
    ctx = {"tenant": "acme", "purpose": "backup", "ü": "ünïcode"}
    blob = ks.encrypt(key_id, b"ctx", encryption_context=ctx)
    reordered = dict(reversed(list(ctx.items())))
    assert list(reordered) != list(ctx)
    assert ks.decrypt(blob, encryption_context=reordered) == b"ctx"
    for wrong in (None, {}, {"tenant": "acme"}, {**ctx, "tenant": "other"}, {**ctx, "x": "y"}):
        with pytest.raises(strongroom.InvalidCiphertext):
            ks.decrypt(blob, encryption_context=wrong)
    plain = ks.encrypt(key_id, b"none")
    assert ks.decrypt(plain, encryption_context={}) == b"none"  # empty equals none
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(plain, encryption_context={"a": "b"})


def test_context_type_and_bounds(ks: strongroom.Keystore, key_id: str) -> None:
    with pytest.raises(TypeError):
        ks.encrypt(key_id, b"x", encryption_context={"a": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ks.encrypt(key_id, b"x", encryption_context=[("a", "b")])  # type: ignore[arg-type]
    with pytest.raises(strongroom.Validation):
        ks.encrypt(key_id, b"x", encryption_context={"": "empty key"})
    with pytest.raises(strongroom.Validation):
        ks.encrypt(key_id, b"x", encryption_context={"k": "v" * 9000})


def test_every_tampered_byte_is_invalid_ciphertext(ks: strongroom.Keystore, key_id: str) -> None:
    blob = ks.encrypt(key_id, b"tamper", encryption_context={"a": "b"})
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 0x01
        # A flipped key id names a key this keystore never had: InvalidCiphertext as well.
        with pytest.raises(strongroom.InvalidCiphertext):
            ks.decrypt(bytes(bad), encryption_context={"a": "b"})
    for bad_blob in (b"", blob[:-1], blob + b"\0", b"\0" * len(blob)):
        with pytest.raises(strongroom.InvalidCiphertext):
            ks.decrypt(bad_blob, encryption_context={"a": "b"})


def test_incorrect_key(ks: strongroom.Keystore, key_id: str) -> None:
    other = ks.create_key().key_id
    blob = ks.encrypt(key_id, b"mine")
    with pytest.raises(strongroom.IncorrectKey):
        ks.decrypt(blob, key_id=other)
    assert ks.decrypt(blob, key_id=key_id) == b"mine"
    with pytest.raises(strongroom.IncorrectKey):
        ks.re_encrypt(blob, key_id, source_key_id=other)


def test_re_encrypt(ks: strongroom.Keystore, key_id: str) -> None:
    dest = ks.create_key().key_id
    blob = ks.encrypt(key_id, b"move me", encryption_context={"from": "a"})
    moved = ks.re_encrypt(blob, dest, source_encryption_context={"from": "a"},
                          destination_encryption_context={"to": "b"}, source_key_id=key_id)
    assert type(moved) is bytes
    with pytest.raises(strongroom.IncorrectKey):
        ks.decrypt(moved, encryption_context={"to": "b"}, key_id=key_id)
    assert ks.decrypt(moved, encryption_context={"to": "b"}, key_id=dest) == b"move me"
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.re_encrypt(blob, dest)  # source context missing
    big = ks.encrypt(key_id, b"z" * 4096)
    assert ks.decrypt(ks.re_encrypt(big, dest)) == b"z" * 4096


def test_generate_data_key(ks: strongroom.Keystore, key_id: str) -> None:
    arn = ks.describe_key(key_id).arn
    dk = ks.generate_data_key(key_id)
    assert isinstance(dk, strongroom.DataKey)
    assert type(dk.plaintext) is bytes and len(dk.plaintext) == 32
    assert dk.key_id == arn
    assert ks.decrypt(dk.ciphertext_blob) == dk.plaintext
    assert len(ks.generate_data_key(key_id, key_spec="AES_256").plaintext) == 32
    assert len(ks.generate_data_key(key_id, key_spec="AES_128").plaintext) == 16
    ctx = {"file": "db"}
    dk2 = ks.generate_data_key(key_id, number_of_bytes=7, encryption_context=ctx)
    assert len(dk2.plaintext) == 7
    assert ks.decrypt(dk2.ciphertext_blob, encryption_context=ctx) == dk2.plaintext
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(dk2.ciphertext_blob)
    with pytest.raises(strongroom.Validation):
        ks.generate_data_key(key_id, key_spec="AES_512")


def test_data_key_repr_hides_the_secret(ks: strongroom.Keystore, key_id: str) -> None:
    dk = ks.generate_data_key(key_id)
    text = repr(dk) + str(dk)
    assert dk.plaintext.hex() not in text
    assert repr(dk.plaintext)[2:-1] not in text
    assert "secret" in repr(dk)
    assert dk.key_id in repr(dk)


@pytest.mark.parametrize("call", ["generate_data_key", "generate_data_key_without_plaintext"])
def test_data_key_bounds(ks: strongroom.Keystore, key_id: str, call: str) -> None:
    fn = getattr(ks, call)
    for n in (1, 1024):
        dk = fn(key_id, number_of_bytes=n)
        assert len(ks.decrypt(dk.ciphertext_blob)) == n
    for n in (0, 1025, -1):
        with pytest.raises(strongroom.Validation):
            fn(key_id, number_of_bytes=n)
    with pytest.raises(strongroom.Validation):
        fn(key_id, key_spec="AES_256", number_of_bytes=32)


def test_generate_data_key_without_plaintext(ks: strongroom.Keystore, key_id: str) -> None:
    dk = ks.generate_data_key_without_plaintext(key_id, key_spec="AES_128",
                                                encryption_context={"a": "b"})
    assert isinstance(dk, strongroom.DataKeyWithoutPlaintext)
    assert not hasattr(dk, "plaintext")
    assert dk.key_id == ks.describe_key(key_id).arn
    assert len(ks.decrypt(dk.ciphertext_blob, encryption_context={"a": "b"})) == 16
    assert "ciphertext_blob" in repr(dk)


def test_generate_random(ks: strongroom.Keystore) -> None:
    for n in (1, 32, 1024):
        r = ks.generate_random(n)
        assert type(r) is bytes and len(r) == n
    assert ks.generate_random(32) != ks.generate_random(32)
    for n in (0, 1025, -5):
        with pytest.raises(strongroom.Validation):
            ks.generate_random(n)
    assert ks.generate_random(number_of_bytes=3).__len__() == 3


def test_context_reuse_follows_the_dict(ks: strongroom.Keystore) -> None:
    """A context converted once is reused only for the same strings: a changed dict, another
    order, or str subclasses are converted anew (the result is always the dict's own context)."""
    k = ks.create_key().key_id
    ctx = {"tenant": "acme", "purpose": "test"}
    blob = ks.encrypt(k, b"x", ctx)
    assert ks.decrypt(blob, ctx) == b"x"
    ctx["purpose"] = "other"
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(blob, ctx)
    other = ks.encrypt(k, b"y", ctx)
    assert ks.decrypt(other, {"purpose": "other", "tenant": "acme"}) == b"y"
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(other, {"tenant": "acme", "purpose": "test"})

    class Sneaky(str):
        def __eq__(self, o: object) -> bool:
            return True

        __hash__ = str.__hash__

    sneaky: dict[str, str] = {Sneaky("tenant"): Sneaky("acme"), Sneaky("purpose"): Sneaky("zzz")}
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(blob, sneaky)
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(blob, sneaky)
    with pytest.raises(TypeError):
        ks.encrypt(k, b"x", {"a": 1})  # type: ignore[dict-item]
    assert ks.decrypt(other, ctx) == b"y"

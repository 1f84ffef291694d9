"""The streaming file format through Python: ``Keystore.encrypt_file`` and ``decrypt_file``
(docs/STREAM-FORMAT.md; the format itself is tested in crates/strongroom-stream)."""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

import strongroom

CHUNK = 65536
#: The header before its data-key blob (magic, version, chunk size, salt, blob length).
FIXED_HEADER = 48
#: The stream crate's fixtures, written by the CLI before the format moved (see their README).
FIXTURES = Path(__file__).resolve().parents[3] / "crates" / "strongroom-stream" / "tests" / "fixtures"


def data(length: int, seed: int) -> bytes:
    """The stream crate's test data: xorshift64 output, one byte per step."""
    mask = (1 << 64) - 1
    x = seed | 1
    out = bytearray(length)
    for i in range(length):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        out[i] = x & 0xFF
    return bytes(out)


def encrypt(ks: strongroom.Keystore, key_id: str, plain: bytes,
            context: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    summary = ks.encrypt_file(key_id, io.BytesIO(plain), out, encryption_context=context)
    assert summary.encrypted_length == len(out.getvalue())
    return out.getvalue()


def decrypt(ks: strongroom.Keystore, enc: bytes, context: dict[str, str] | None = None,
            key_id: str | None = None) -> bytes:
    out = io.BytesIO()
    ks.decrypt_file(io.BytesIO(enc), out, encryption_context=context, key_id=key_id)
    return out.getvalue()


def header_len(enc: bytes) -> int:
    return FIXED_HEADER + int.from_bytes(enc[44:48], "little")


@pytest.mark.parametrize("size", [0, 1, 100, CHUNK, 2 * CHUNK, 300 * 1024])
def test_round_trip_through_bytesio(ks: strongroom.Keystore, key_id: str, size: int) -> None:
    plain = os.urandom(size)
    src, enc_out = io.BytesIO(plain), io.BytesIO()
    sealed = ks.encrypt_file(key_id, src, enc_out, encryption_context={"file": "x"})
    enc = enc_out.getvalue()
    assert isinstance(sealed, strongroom.StreamSummary)
    assert sealed.key_id == ks.describe_key(key_id).arn
    assert sealed.plaintext_length == size
    assert sealed.encrypted_length == len(enc)
    chunks = max(1, -(-size // CHUNK))
    assert len(enc) == header_len(enc) + size + 16 * chunks
    assert enc[:6] == b"SRFILE"
    if size >= 16:
        assert plain[:16] not in enc

    out = io.BytesIO()
    opened = ks.decrypt_file(io.BytesIO(enc), out, encryption_context={"file": "x"})
    assert out.getvalue() == plain
    assert opened.key_id == sealed.key_id
    assert (opened.plaintext_length, opened.encrypted_length) == (size, len(enc))
    assert opened == sealed
    assert "StreamSummary(key_id=" in repr(opened)


@pytest.mark.parametrize("size", [0, 10, 300 * 1024])
def test_round_trip_through_real_files(ks: strongroom.Keystore, key_id: str, tmp_path: Path,
                                       size: int) -> None:
    plain = os.urandom(size)
    (tmp_path / "plain").write_bytes(plain)
    with open(tmp_path / "plain", "rb") as src, open(tmp_path / "plain.sr", "wb") as dst:
        sealed = ks.encrypt_file(key_id, src, dst)
    assert (tmp_path / "plain.sr").stat().st_size == sealed.encrypted_length
    with open(tmp_path / "plain.sr", "rb") as src, open(tmp_path / "back", "wb") as dst:
        opened = ks.decrypt_file(src, dst, key_id=key_id)
    assert (tmp_path / "back").read_bytes() == plain
    assert opened.plaintext_length == size


def test_unbuffered_files_and_short_reads_and_writes(ks: strongroom.Keystore, key_id: str,
                                                     tmp_path: Path) -> None:
    plain = os.urandom(3 * CHUNK + 5)
    (tmp_path / "plain").write_bytes(plain)
    with open(tmp_path / "plain", "rb", buffering=0) as src, \
            open(tmp_path / "plain.sr", "wb", buffering=0) as dst:
        ks.encrypt_file(key_id, src, dst)

    class Trickle:
        """At most 1000 bytes per read; bytearray results."""

        def __init__(self, b: bytes) -> None:
            self.f = io.BytesIO(b)

        def read(self, n: int) -> bytes | bytearray:
            return bytearray(self.f.read(min(n, 1000)))

    class Partial:
        """Writes at most 777 bytes per call and says so, like a raw file."""

        def __init__(self) -> None:
            self.out = bytearray()

        def write(self, b: bytes) -> int:
            self.out += b[:777]
            return min(len(b), 777)

    sink = Partial()
    ks.decrypt_file(Trickle((tmp_path / "plain.sr").read_bytes()), sink)
    assert bytes(sink.out) == plain

    class NoReturn:
        """A writer whose write returns None."""

        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def write(self, b: bytes) -> None:
            self.parts.append(bytes(b))

    w = NoReturn()
    ks.encrypt_file(key_id, Trickle(plain), w)
    assert decrypt(ks, b"".join(w.parts)) == plain


def test_through_a_socket(ks: strongroom.Keystore, key_id: str) -> None:
    plain = os.urandom(200_000)
    a, b = socket.socketpair()
    received = bytearray()

    def drain() -> None:
        with b, b.makefile("rb") as r:
            while chunk := r.read(10_000):
                received.extend(chunk)

    t = threading.Thread(target=drain)
    t.start()
    with a:
        with a.makefile("wb") as w:
            ks.encrypt_file(key_id, io.BytesIO(plain), w)
        a.shutdown(socket.SHUT_WR)
    t.join(30)
    assert not t.is_alive()

    c, d = socket.socketpair()

    def feed() -> None:
        with c:
            c.sendall(bytes(received))
            c.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=feed)
    t.start()
    out = io.BytesIO()
    with d, d.makefile("rb") as r:
        ks.decrypt_file(r, out)
    t.join(30)
    assert out.getvalue() == plain


def test_a_file_written_by_the_cli_decrypts(tmp_path: Path) -> None:
    ks_path = tmp_path / "fixture.strongroom"
    shutil.copyfile(FIXTURES / "keystore.strongroom", ks_path)
    enc = (FIXTURES / "data.sr").read_bytes()
    with strongroom.Keystore.open(ks_path, "correct horse", allow_insecure_test_kdf=True) as ks:
        out = io.BytesIO()
        opened = ks.decrypt_file(io.BytesIO(enc), out, encryption_context={"purpose": "fixture"},
                                 key_id="alias/fixture")
        assert out.getvalue() == data(3 * CHUNK + 1234, 42)
        assert opened.key_id.endswith("key/afd42bb9-1be2-497a-af84-3893ddb0d4aa")
        assert (opened.plaintext_length, opened.encrypted_length) == (3 * CHUNK + 1234, len(enc))
        assert decrypt(ks, (FIXTURES / "empty.sr").read_bytes()) == b""
        with pytest.raises(strongroom.InvalidCiphertext):
            decrypt(ks, enc)  # the context is missing


def test_tampering_is_invalid_ciphertext(ks: strongroom.Keystore, key_id: str) -> None:
    enc = encrypt(ks, key_id, os.urandom(300 * 1024))
    h = header_len(enc)
    for where in [10, 20, 44, h - 1, h, h + CHUNK + 16 + 3, len(enc) - 1]:
        bad = bytearray(enc)
        bad[where] ^= 1
        with pytest.raises(strongroom.InvalidCiphertext):
            decrypt(ks, bytes(bad))
    with pytest.raises(strongroom.InvalidCiphertext):
        decrypt(ks, b"not a strongroom stream at all")
    with pytest.raises(strongroom.InvalidCiphertext):
        decrypt(ks, b"")
    with pytest.raises(strongroom.InvalidCiphertext):
        decrypt(ks, enc + b"x")
    first, second = h, h + CHUNK + 16
    swapped = enc[:first] + enc[second:second + CHUNK + 16] + enc[first:second] + enc[second + CHUNK + 16:]
    with pytest.raises(strongroom.InvalidCiphertext):
        decrypt(ks, swapped)


def test_truncation_is_invalid_ciphertext(ks: strongroom.Keystore, key_id: str) -> None:
    enc = encrypt(ks, key_id, os.urandom(300 * 1024))
    h = header_len(enc)
    for cut in [len(enc) - 1, h + 2 * (CHUNK + 16), h + 5, h, h - 1, 20]:
        with pytest.raises(strongroom.InvalidCiphertext):
            decrypt(ks, enc[:cut])


def test_wrong_context_and_wrong_key(ks: strongroom.Keystore, key_id: str) -> None:
    enc = encrypt(ks, key_id, b"secret", context={"purpose": "backup"})
    assert decrypt(ks, enc, context={"purpose": "backup"}) == b"secret"
    for ctx in [None, {}, {"purpose": "other"}, {"purpose": "backup", "extra": "x"}]:
        with pytest.raises(strongroom.InvalidCiphertext):
            decrypt(ks, enc, context=ctx)
    other = ks.create_key(description="other").key_id
    with pytest.raises(strongroom.IncorrectKey):
        decrypt(ks, enc, context={"purpose": "backup"}, key_id=other)
    ks.create_alias("alias/stream", key_id)
    assert decrypt(ks, enc, context={"purpose": "backup"}, key_id="alias/stream") == b"secret"
    with pytest.raises(strongroom.NotFound):
        encrypt(ks, "alias/missing", b"x")


def test_a_disabled_key_refuses(ks: strongroom.Keystore, key_id: str) -> None:
    enc = encrypt(ks, key_id, b"x")
    ks.disable_key(key_id)
    out = io.BytesIO()
    with pytest.raises(strongroom.Disabled):
        ks.encrypt_file(key_id, io.BytesIO(b"x"), out)
    assert out.getvalue() == b""  # nothing written before the data key exists
    with pytest.raises(strongroom.Disabled):
        decrypt(ks, enc)


class Failing:
    """A reader or writer that raises after ``after`` calls (reading 50,000 bytes at most)."""

    def __init__(self, exc: BaseException, after: int = 0, data: bytes = b"") -> None:
        self.exc, self.after, self.f = exc, after, io.BytesIO(data)

    def read(self, n: int) -> bytes:
        if self.after == 0:
            raise self.exc
        self.after -= 1
        return self.f.read(min(n, 50_000))

    def write(self, b: bytes) -> int:
        if self.after == 0:
            raise self.exc
        self.after -= 1
        return len(b)


@pytest.mark.parametrize("after", [0, 1, 3])
def test_a_failing_reader_is_io_with_its_exception_as_cause(
        ks: strongroom.Keystore, key_id: str, after: int) -> None:
    boom = OSError("disk on fire")
    with pytest.raises(strongroom.Io) as info:
        ks.encrypt_file(key_id, Failing(boom, after, os.urandom(300 * 1024)), io.BytesIO())
    assert info.value.__cause__ is boom
    assert "disk on fire" in str(info.value)

    enc = encrypt(ks, key_id, os.urandom(300 * 1024))
    boom2 = ValueError("network gone")
    with pytest.raises(strongroom.Io) as info:
        ks.decrypt_file(Failing(boom2, after, enc), io.BytesIO())
    assert info.value.__cause__ is boom2


def test_a_failing_writer_is_io_with_its_exception_as_cause(ks: strongroom.Keystore,
                                                            key_id: str) -> None:
    boom = OSError(28, "No space left on device")
    with pytest.raises(strongroom.Io) as info:
        # Writes go out in 1 MiB blocks: the second one fails.
        ks.encrypt_file(key_id, io.BytesIO(os.urandom(3 << 20)), Failing(boom, 1))
    assert info.value.__cause__ is boom
    enc = encrypt(ks, key_id, os.urandom(300 * 1024))
    with pytest.raises(strongroom.Io) as info:
        ks.decrypt_file(io.BytesIO(enc), Failing(boom, 0))
    assert info.value.__cause__ is boom


def test_keyboard_interrupt_from_a_reader_is_raised_as_it_is(ks: strongroom.Keystore,
                                                             key_id: str) -> None:
    with pytest.raises(KeyboardInterrupt):
        ks.encrypt_file(key_id, Failing(KeyboardInterrupt(), 1, b"x" * 100_000), io.BytesIO())


def test_wrong_file_objects_are_type_errors(ks: strongroom.Keystore, key_id: str,
                                            tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="binary file object"):
        ks.encrypt_file(key_id, "plain.txt", io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary file object"):
        ks.encrypt_file(key_id, io.BytesIO(b"x"), b"")  # type: ignore[arg-type]
    (tmp_path / "t").write_text("text")
    with open(tmp_path / "t") as text:
        with pytest.raises(TypeError, match="binary mode"):
            ks.encrypt_file(key_id, text, io.BytesIO())  # type: ignore[arg-type]
    with open(tmp_path / "u", "w") as text_out:
        with pytest.raises(TypeError, match="binary mode"):
            ks.decrypt_file(io.BytesIO(b""), text_out)  # type: ignore[arg-type]

    class StrReader:
        def read(self, n: int) -> str:
            return "text"

    with pytest.raises(strongroom.Io) as info:
        ks.encrypt_file(key_id, StrReader(), io.BytesIO())  # type: ignore[arg-type]
    assert isinstance(info.value.__cause__, TypeError)

    class Greedy:
        def read(self, n: int) -> bytes:
            return b"x" * (n + 1)

    with pytest.raises(strongroom.Io) as info:
        ks.encrypt_file(key_id, Greedy(), io.BytesIO())
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(TypeError):
        ks.encrypt_file(key_id, io.BytesIO(b"x"), io.BytesIO(),
                        encryption_context="a=b")  # type: ignore[arg-type]


def test_a_closed_keystore_raises_invalid_state(ks: strongroom.Keystore, key_id: str) -> None:
    enc = encrypt(ks, key_id, b"before close")
    ks.close()
    src = io.BytesIO(b"x")
    with pytest.raises(strongroom.InvalidState, match="closed"):
        ks.encrypt_file(key_id, src, io.BytesIO())
    assert src.tell() == 0  # nothing was read
    src = io.BytesIO(enc)
    with pytest.raises(strongroom.InvalidState, match="closed"):
        ks.decrypt_file(src, io.BytesIO())
    assert src.tell() == 0


def test_close_from_inside_the_stream_does_not_deadlock(ks: strongroom.Keystore,
                                                        key_id: str) -> None:
    """The keystore lock is not held while the reader runs: a reader that closes the keystore
    (which takes the lock for writing) lets the stream finish, and the handle is closed after."""
    plain = os.urandom(300 * 1024)

    class Closing:
        def __init__(self) -> None:
            self.f = io.BytesIO(plain)

        def read(self, n: int) -> bytes:
            ks.close()
            return self.f.read(n)

    out = io.BytesIO()
    result: list[strongroom.StreamSummary] = []
    t = threading.Thread(target=lambda: result.append(ks.encrypt_file(key_id, Closing(), out)),
                         daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "encrypt_file deadlocked against close()"
    assert result and result[0].plaintext_length == len(plain)
    with pytest.raises(strongroom.InvalidState):
        ks.describe_key(key_id)


def test_other_threads_run_while_a_stream_is_sealed(ks: strongroom.Keystore,
                                                    key_id: str) -> None:
    """The GIL is released except inside read/write: a pure-Python thread makes progress while
    a large in-memory stream (BytesIO's read and write run no Python code) is encrypted."""
    plain = bytes(16 << 20)
    count = 0
    stop = threading.Event()
    started = threading.Event()

    def spin() -> None:
        nonlocal count
        started.set()
        while not stop.is_set():
            count += 1

    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    before = count
    try:
        ks.encrypt_file(key_id, io.BytesIO(plain), io.BytesIO())
        during = count - before
    finally:
        stop.set()
        t.join()
    assert during > 100, during

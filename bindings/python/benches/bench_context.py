"""Python ``encrypt`` of 32 bytes under a 3-pair encryption context next to ``cryptography``'s raw
``AESGCM.encrypt`` (random 12-byte nonce, the context as associated data), in the same run. By
hand, not in CI (timings are not tests):

    bindings/python/test.sh                     # once: builds target/venv-python
    target/venv-python/bin/python bindings/python/benches/bench_context.py

Prints microseconds per call (best of several rounds) and the ratio the issue sets as a target:
strongroom at least 0.9x the rate of raw AESGCM.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import strongroom


class Str(str):
    """A ``str`` subclass: strongroom converts such a context anew on every call."""


def per_call(fn: Callable[[], object], calls: int = 50000, rounds: int = 7) -> float:
    """Best microseconds per call over ``rounds`` rounds of ``calls`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def main() -> None:
    """Runs the comparison and prints a table."""
    workdir = Path(tempfile.mkdtemp())
    ks = strongroom.Keystore.create(workdir / "bench.strongroom", "bench passphrase")
    key = ks.create_key().key_id
    data = os.urandom(32)
    ctx = {"tenant": "acme", "purpose": "session", "region": "eu-west-2"}
    uncached = {Str(k): Str(v) for k, v in ctx.items()}
    aad = b"".join(k.encode() + b"=" + v.encode() + b";" for k, v in sorted(ctx.items()))
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    rows = [
        ("AESGCM.encrypt, context as AAD", per_call(lambda: aead.encrypt(os.urandom(12), data, aad))),
        ("strongroom encrypt, same dict", per_call(lambda: ks.encrypt(key, data, ctx))),
        ("strongroom encrypt, new dict each call",
         per_call(lambda: ks.encrypt(key, data, {"tenant": "acme", "purpose": "session",
                                                  "region": "eu-west-2"}))),
        # str subclasses are never reused: every call converts the dict as before the cache.
        ("strongroom encrypt, uncached conversion",
         per_call(lambda: ks.encrypt(key, data, uncached))),
        ("strongroom encrypt, no context", per_call(lambda: ks.encrypt(key, data))),
    ]
    raw = rows[0][1]
    for name, us in rows:
        print(f"{name:42s} {us:6.3f} us/call  rate {raw / us:5.2f}x AESGCM")
    ks.close()


if __name__ == "__main__":
    main()

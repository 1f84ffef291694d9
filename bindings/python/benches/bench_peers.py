"""Python encrypt/decrypt through strongroom next to moto's in-process KMS mock and a raw
``cryptography`` AESGCM call (random nonce), in the same run. By hand, not in CI:

    target/venv-python/bin/pip install moto boto3      # once, into the test venv
    target/venv-python/bin/python bindings/python/benches/bench_peers.py

Prints microseconds per call (best of several rounds) and the ratios the issue sets as
targets: strongroom at least 1000x faster than moto, and at least 0.5x the speed of raw AESGCM.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import strongroom


def per_call(fn: Callable[[], object], calls: int, rounds: int = 5) -> float:
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
    import boto3
    from moto import mock_aws

    workdir = Path(tempfile.mkdtemp())
    ks = strongroom.Keystore.create(workdir / "bench.strongroom", "bench passphrase")
    key = ks.create_key().key_id
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    rows = []
    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        moto_key = kms.create_key()["KeyMetadata"]["KeyId"]
        for size in (32, 4096):
            data = os.urandom(size)
            blob = ks.encrypt(key, data)
            moto_blob = kms.encrypt(KeyId=moto_key, Plaintext=data)["CiphertextBlob"]
            nonce = os.urandom(12)
            raw_ct = aead.encrypt(nonce, data, None)
            sr_enc = per_call(lambda: ks.encrypt(key, data), 20000)
            sr_dec = per_call(lambda: ks.decrypt(blob), 20000)
            raw_enc = per_call(lambda: aead.encrypt(os.urandom(12), data, None), 20000)
            raw_dec = per_call(lambda: aead.decrypt(nonce, raw_ct, None), 20000)
            moto_enc = per_call(lambda: kms.encrypt(KeyId=moto_key, Plaintext=data), 300, 3)
            moto_dec = per_call(lambda: kms.decrypt(CiphertextBlob=moto_blob), 300, 3)
            rows.append((size, "encrypt", sr_enc, raw_enc, moto_enc))
            rows.append((size, "decrypt", sr_dec, raw_dec, moto_dec))
    ks.close()
    print(f"{'size':>5} {'op':8} {'strongroom us':>14} {'AESGCM us':>10} {'moto us':>10}"
          f" {'x moto':>8} {'vs AESGCM':>10}")
    for size, op, sr, raw, moto in rows:
        print(f"{size:>5} {op:8} {sr:>14.2f} {raw:>10.2f} {moto:>10.0f}"
              f" {moto / sr:>8.0f} {raw / sr:>10.2f}")


if __name__ == "__main__":
    main()

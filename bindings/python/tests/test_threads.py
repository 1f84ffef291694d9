"""The GIL is released during Argon2 and bulk crypto; one handle is shared between threads."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pytest

import strongroom
from conftest import PASSPHRASE


def test_other_threads_run_while_open_runs_argon2(tmp_path: Path) -> None:
    path = tmp_path / "real-cost.strongroom"
    # The real default Argon2id cost (64 MiB, 3 passes, 4 lanes).
    strongroom.Keystore.create(path, PASSPHRASE).close()

    ticks = 0
    running = threading.Event()
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        running.set()
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=count)
    t.start()
    running.wait()
    try:
        # With the GIL held for the whole call, the counter would get only the interpreter's
        # switch interval (5 ms) at the start; released, it counts throughout.
        before = ticks
        start = time.perf_counter()
        ks = strongroom.Keystore.open(path, PASSPHRASE)
        elapsed = time.perf_counter() - start
        during = ticks - before
    finally:
        stop.set()
        t.join()
    ks.close()
    assert elapsed > 0.02, f"Argon2id took only {elapsed:.3f} s; the test needs a real cost"
    # Measure how fast the counter runs alone, then require a fair share of that rate.
    alone = 0
    deadline = time.perf_counter() + 0.1
    while time.perf_counter() < deadline:
        alone += 1
    rate_alone = alone / 0.1
    assert during > 0.2 * rate_alone * elapsed, (during, rate_alone, elapsed)


def test_change_passphrase_releases_the_gil(ks: strongroom.Keystore) -> None:
    # Functional check that change_passphrase works from a worker thread while another runs.
    results: list[bytes] = []
    key = ks.create_key().key_id
    with ThreadPoolExecutor(2) as pool:
        f1 = pool.submit(ks.change_passphrase, PASSPHRASE, "second")
        f2 = pool.submit(lambda: ks.decrypt(ks.encrypt(key, b"z" * 4096)))
        f1.result()
        results.append(f2.result())
    assert results == [b"z" * 4096]


def _rate(work: Callable[[], object], threads: int, seconds: float) -> float:
    """Calls of ``work`` per second, summed over ``threads`` threads."""
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def loop(i: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            for _ in range(20):
                work()
            n += 20
        counts[i] = n

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / seconds


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two CPUs")
@pytest.mark.skipif(
    not os.environ.get("STRONGROOM_TIMING_TESTS"),
    reason="a throughput measurement, not a unit test: it fails whenever other work shares the "
    "cores (it did in a fresh-clone CI run next to a release build); run it on an idle machine "
    "with STRONGROOM_TIMING_TESTS=1",
)
def test_two_threads_encrypt_more_than_one(ks: strongroom.Keystore, key_id: str) -> None:
    data = os.urandom(4096)

    def encrypt() -> object:
        return ks.encrypt(key_id, data)

    def reference() -> object:
        # CPython's own hashlib releases the GIL for inputs over 2047 bytes, as strongroom does:
        # a job of the same granularity (a few microseconds a call), known to run in parallel
        # where handing the GIL over between threads is cheap.
        return hashlib.sha256(data).digest()

    best, best_reference = 0.0, 0.0
    # The machine may be shared with builds: take the best of up to ten interleaved rounds, and
    # calibrate each against the reference job.
    for _ in range(10):
        ref = _rate(reference, 2, 0.1) / _rate(reference, 1, 0.1)
        ratio = _rate(encrypt, 2, 0.25) / _rate(encrypt, 1, 0.25)
        best, best_reference = max(best, ratio), max(best_reference, ref)
        if best > 1.2:
            break
    print(f"4 KiB encrypt throughput, 2 threads / 1 thread: {best:.2f}x "
          f"(hashlib.sha256 of 4 KiB: {best_reference:.2f}x)")
    if best <= 1.05 and best_reference < 1.1:
        pytest.skip(
            f"on this machine even hashlib.sha256 of 4 KiB, which releases the GIL too, gains "
            f"nothing from a second thread ({best_reference:.2f}x): handing the GIL over costs "
            f"more than a call (strongroom: {best:.2f}x)"
        )
    assert best > 1.05, f"no gain from a second thread: {best:.2f}x (reference {best_reference:.2f}x)"


def test_shared_handle_many_threads(ks: strongroom.Keystore) -> None:
    keys = [ks.create_key().key_id for _ in range(4)]

    def job(i: int) -> bool:
        k = keys[i % 4]
        data = bytes([i % 256]) * (1 + i * 37 % 4096)
        ctx = {"i": str(i)}
        return ks.decrypt(ks.encrypt(k, data, encryption_context=ctx),
                          encryption_context=ctx, key_id=k) == data

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(job, range(400)))


def test_close_while_other_threads_work(ks_path: Path, ks: strongroom.Keystore) -> None:
    key = ks.create_key().key_id
    errors: list[BaseException] = []
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():
            try:
                ks.encrypt(key, b"y" * 4096)
            except strongroom.InvalidState:
                return  # closed under us: a clean error, not a crash
            except BaseException as e:  # pragma: no cover - would fail the test
                errors.append(e)
                return

    workers = [threading.Thread(target=hammer) for _ in range(3)]
    for w in workers:
        w.start()
    time.sleep(0.05)
    ks.close()
    done.set()
    for w in workers:
        w.join()
    assert errors == []
    assert ks.closed

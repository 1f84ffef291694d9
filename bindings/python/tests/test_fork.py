"""A keystore used in a child made by ``os.fork()`` (issue 17 item 1).

Preforking servers and ``multiprocessing`` (fork start method) hand their children the parent's
open keystore. Every call there must raise ``strongroom.Locked`` at once (never a
``PanicException``), closing or dropping it in the child must release nothing of the parent's,
and nothing the child tried may reach the file. Before the fix the child's calls succeeded and
were lost, and ``close()`` raised ``PanicException``.
"""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import strongroom

from conftest import create, reopen

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def in_child(body: Callable[[], str]) -> str:
    """Runs ``body`` in a forked child and returns what it returned ("ok" or what went wrong),
    or how the child died."""
    r, w = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a process with threads (the audit writer) is risky:
        # exactly the situation under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        verdict = "child raised before reporting"
        try:
            os.close(r)
            verdict = body()
        except BaseException as e:  # noqa: BLE001 - a PanicException is a BaseException
            verdict = f"{type(e).__name__}: {e}"
        finally:
            os.write(w, verdict.encode())
            os._exit(0)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 4096):
        chunks.append(chunk)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child status {status}"
    return b"".join(chunks).decode()


def refused(calls: dict[str, Callable[[], object]]) -> str:
    """In the child: "ok" if every call raises ``Locked`` with the fork message."""
    for name, call in calls.items():
        try:
            call()
        except strongroom.Locked as e:
            if "before a fork" not in str(e) or "strongroom serve" not in str(e):
                return f"{name}: unclear message {e}"
        except BaseException as e:  # noqa: BLE001 - PanicException included
            return f"{name}: {type(e).__name__}: {e}"
        else:
            return f"{name}: succeeded in a forked child"
    return "ok"


def test_a_forked_child_cannot_use_or_release_the_parents_keystore(ks_path: Path) -> None:
    ks = create(ks_path)
    key = ks.create_key(description="parent's key").key_id
    blob = ks.encrypt(key, b"before the fork")
    before = ks_path.read_bytes()

    def child_calls_and_closes() -> str:
        verdict = refused(
            {
                "encrypt": lambda: ks.encrypt(key, b"in the child"),
                "decrypt": lambda: ks.decrypt(blob),
                "generate_random": lambda: ks.generate_random(16),
                "create_key": lambda: ks.create_key(description="child's key"),
                "describe_key": lambda: ks.describe_key(key),
                "disable_key": lambda: ks.disable_key(key),
                "list_keys": ks.list_keys,
                "audit_events": ks.audit_events,
                "close": ks.close,
            }
        )
        return verdict

    assert in_child(child_calls_and_closes) == "ok"
    assert ks_path.read_bytes() == before, "the child changed the file"

    def child_drops() -> str:
        nonlocal ks
        del ks  # the handle is dropped without close(): nothing released, no panic
        gc.collect()
        return "ok"

    assert in_child(child_drops) == "ok"

    # The parent still holds the file, and its handle works and closes cleanly.
    with pytest.raises(strongroom.Locked):
        reopen(ks_path)
    assert ks.decrypt(blob) == b"before the fork"
    ks.create_key(description="parent's second key")
    ks.close()

    # Nothing of the child's reached the file.
    with reopen(ks_path) as again:
        assert len(again.list_keys()) == 2
        assert again.describe_key(key).key_state == "Enabled"
        assert len(again.audit_events(operation="CreateKey")) == 2
        assert again.audit_events(operation="DisableKey") == []
        again.verify_audit()

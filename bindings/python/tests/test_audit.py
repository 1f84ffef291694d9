"""SPEC section 8 through Python: the audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import strongroom
from conftest import create, reopen

START = datetime(2030, 1, 1, tzinfo=timezone.utc)


def test_calls_are_recorded(ks_path: Path) -> None:
    clock = strongroom.ManualClock(START)
    with create(ks_path, clock=clock, caller="audit-test") as ks:
        k = ks.create_key().key_id
        clock.advance(seconds=10)
        blob = ks.encrypt(k, b"secret plaintext", encryption_context={"purpose": "audit"})
        ks.disable_key(k)
        with pytest.raises(strongroom.Disabled):
            ks.decrypt(blob, encryption_context={"purpose": "audit"})
        events = ks.audit_events()
        assert all(isinstance(e, strongroom.AuditEvent) for e in events)
        seqs = [e.sequence for e in events]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        ops = [(e.operation, e.outcome) for e in events if e.key_id == k]
        assert ops == [("CreateKey", "ok"), ("Encrypt", "ok"), ("DisableKey", "ok"),
                       ("Decrypt", "Disabled")]
        enc = ks.audit_events(operation="Encrypt")
        assert len(enc) == 1
        assert enc[0].encryption_context == {"purpose": "audit"}
        assert enc[0].caller == "audit-test"
        assert enc[0].key_version == 1
        assert enc[0].count == 1
        assert enc[0].event_time == START + timedelta(seconds=10)
        assert enc[0].event_time.tzinfo is not None
        assert [e.operation for e in ks.audit_events(outcome="Disabled")] == ["Decrypt"]
        assert [e.operation for e in ks.audit_events(key_id=k, end_time=START)] == ["CreateKey"]
        assert "Encrypt" not in [e.operation for e in ks.audit_events(
            start_time=START + timedelta(seconds=11))]
        for e in events:
            assert "secret plaintext" not in repr(e)
        assert ks.verify_audit() >= len(events)
    with reopen(ks_path) as ks:
        assert ks.verify_audit() >= len(events)


def test_refused_calls_are_recorded_under_their_key(ks: strongroom.Keystore, key_id: str) -> None:
    with pytest.raises(strongroom.Validation):
        ks.encrypt(key_id, b"")
    with pytest.raises(strongroom.Validation):
        ks.schedule_key_deletion(key_id, pending_window_in_days=6)
    refused = ks.audit_events(key_id=key_id, outcome="Validation")
    assert [e.operation for e in refused] == ["Encrypt", "ScheduleKeyDeletion"]


def test_audit_level_off_and_bad_level(tmp_path: Path) -> None:
    with create(tmp_path / "off", audit_level="OFF") as ks:
        ks.encrypt(ks.create_key().key_id, b"x")
        assert ks.audit_events() == []
    with pytest.raises(strongroom.Validation):
        create(tmp_path / "bad", audit_level="LOUD")
    with pytest.raises(strongroom.Validation):
        create(tmp_path / "neg", audit_max_events=-2)  # -1 is AUDIT_UNBOUNDED


def test_export_audit_jsonl_streams_to_a_file(ks_path: Path, tmp_path: Path) -> None:
    """Issue 17 item 7: the export writes the trail as read, with the filters of audit_events."""
    import json
    import os
    import stat

    with create(ks_path) as ks:
        k = ks.create_key().key_id
        for i in range(300):
            ks.encrypt(k, b"x", encryption_context={"n": str(i % 7)})
        out = tmp_path / "trail.jsonl"
        n = ks.export_audit_jsonl(out)
        lines = out.read_text().splitlines()
        assert n == len(lines) == len(ks.audit_events())
        rows = [json.loads(line) for line in lines]
        assert [r["sequence"] for r in rows] == [e.sequence for e in ks.audit_events()]
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        assert ks.export_audit_jsonl(str(out), operation="Encrypt") == 300
        assert all(json.loads(line)["operation"] == "Encrypt"
                   for line in out.read_text().splitlines())
        with pytest.raises(OSError):
            ks.export_audit_jsonl(tmp_path / "missing-dir" / "x.jsonl")


def test_retention_default_and_unbounded_come_from_the_core(ks_path: Path, tmp_path: Path) -> None:
    """Issue 17 item 7: omitting the bounds is the core's default (its constants, exported), and
    ``AUDIT_UNBOUNDED`` removes a bound; a small bound prunes."""
    assert strongroom.DEFAULT_AUDIT_MAX_EVENTS > 0 and strongroom.DEFAULT_AUDIT_MAX_AGE_DAYS > 0

    def kept(path: Path, **audit: int) -> int:
        with create(path, **audit) as ks:
            for _ in range(20):
                ks.generate_random(4)
            n = len(ks.audit_events())
        return n

    assert kept(ks_path) == 21
    assert kept(tmp_path / "u", audit_max_events=strongroom.AUDIT_UNBOUNDED,
                audit_max_age_days=strongroom.AUDIT_UNBOUNDED) == 21
    assert kept(tmp_path / "small", audit_max_events=5) < 21
    with pytest.raises(strongroom.Validation):
        kept(tmp_path / "neg", audit_max_events=-2)

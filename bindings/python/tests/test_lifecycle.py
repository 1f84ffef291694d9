"""SPEC sections 5 and 6 through Python: rotation, scheduled deletion, maintenance, the alarm."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import strongroom
from conftest import create, reopen

START = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> strongroom.ManualClock:
    """A manual clock at 2030-01-01T00:00Z."""
    return strongroom.ManualClock(START)


@pytest.fixture
def tks(ks_path: Path, clock: strongroom.ManualClock) -> Iterator[strongroom.Keystore]:
    """A keystore on the manual clock."""
    with create(ks_path, clock=clock) as k:
        yield k


def test_rotation_status_and_period_bounds(tks: strongroom.Keystore) -> None:
    k = tks.create_key().key_id
    st = tks.get_key_rotation_status(k)
    assert isinstance(st, strongroom.KeyRotationStatus)
    assert st.key_id == k
    assert st.key_rotation_enabled is False
    assert st.rotation_period_in_days is None
    assert st.next_rotation_date is None
    assert st.on_demand_rotation_start_date is None
    tks.enable_key_rotation(k)
    st = tks.get_key_rotation_status(k)
    assert (st.key_rotation_enabled, st.rotation_period_in_days) == (True, 365)
    assert st.next_rotation_date == START + timedelta(days=365)
    for ok in (90, 2560):
        tks.enable_key_rotation(k, rotation_period_in_days=ok)
        assert tks.get_key_rotation_status(k).rotation_period_in_days == ok
    for bad in (89, 2561, 0, -1):
        with pytest.raises(strongroom.Validation):
            tks.enable_key_rotation(k, rotation_period_in_days=bad)
    tks.disable_key_rotation(k)
    st = tks.get_key_rotation_status(k)
    assert (st.key_rotation_enabled, st.rotation_period_in_days, st.next_rotation_date) == (
        False, None, None)


def test_automatic_rotation_keeps_old_blobs(tks: strongroom.Keystore,
                                            clock: strongroom.ManualClock) -> None:
    k = tks.create_key().key_id
    tks.create_alias("alias/rotating", k)
    old = tks.encrypt(k, b"before")
    tks.enable_key_rotation(k, rotation_period_in_days=90)
    assert tks.list_key_rotations(k) == []
    clock.advance(days=91)
    tks.run_maintenance()
    [r] = tks.list_key_rotations(k)
    assert isinstance(r, strongroom.RotationsListEntry)
    assert (r.key_id, r.rotation_type) == (k, "AUTOMATIC")
    assert r.rotation_date == START + timedelta(days=90)
    assert r.rotation_date.tzinfo is not None
    new = tks.encrypt("alias/rotating", b"after")
    assert new[:24] != old[:24] or new != old
    assert tks.decrypt(old) == b"before"
    assert tks.decrypt(new) == b"after"
    m = tks.describe_key(k)
    assert (m.key_id, m.key_state) == (k, "Enabled")
    assert tks.get_key_rotation_status(k).next_rotation_date == START + timedelta(days=180)


def test_due_rotation_happens_on_open(ks_path: Path, clock: strongroom.ManualClock) -> None:
    with create(ks_path, clock=clock) as ks:
        k = ks.create_key().key_id
        ks.enable_key_rotation(k, rotation_period_in_days=100)
    clock.advance(days=250)
    with reopen(ks_path, clock=clock) as ks:
        assert [r.rotation_type for r in ks.list_key_rotations(k)] == ["AUTOMATIC"] * 2


def test_rotate_on_demand_limit_and_states(tks: strongroom.Keystore) -> None:
    k = tks.create_key().key_id
    blob = tks.encrypt(k, b"v1")
    for _ in range(25):
        tks.rotate_key_on_demand(k)
    with pytest.raises(strongroom.LimitExceeded):
        tks.rotate_key_on_demand(k)
    rotations = tks.list_key_rotations(k)
    assert len(rotations) == 25
    assert {r.rotation_type for r in rotations} == {"ON_DEMAND"}
    assert tks.decrypt(blob) == b"v1"
    d = tks.create_key().key_id
    tks.disable_key(d)
    with pytest.raises(strongroom.Disabled):
        tks.rotate_key_on_demand(d)
    with pytest.raises(strongroom.Disabled):
        tks.enable_key_rotation(d)
    ext = tks.create_key(origin="EXTERNAL").key_id
    with pytest.raises(strongroom.UnsupportedOperation):
        tks.enable_key_rotation(ext)


def test_schedule_and_cancel_deletion(tks: strongroom.Keystore) -> None:
    k = tks.create_key().key_id
    when = tks.schedule_key_deletion(k)
    assert isinstance(when, datetime) and when.tzinfo is not None
    assert when == START + timedelta(days=30)
    m = tks.describe_key(k)
    assert (m.key_state, m.enabled) == ("PendingDeletion", False)
    assert m.deletion_date == when
    assert m.pending_deletion_window_in_days == 30
    with pytest.raises(strongroom.InvalidState):
        tks.encrypt(k, b"x")
    with pytest.raises(strongroom.InvalidState):
        tks.schedule_key_deletion(k)
    with pytest.raises(strongroom.InvalidState):
        tks.enable_key(k)
    with pytest.raises(strongroom.InvalidState):
        tks.disable_key(k)
    with pytest.raises(strongroom.InvalidState):
        tks.create_alias("alias/doomed", k)
    with pytest.raises(strongroom.InvalidState):
        tks.rotate_key_on_demand(k)
    tks.cancel_key_deletion(k)
    m = tks.describe_key(k)
    assert (m.key_state, m.deletion_date, m.pending_deletion_window_in_days) == (
        "Disabled", None, None)
    with pytest.raises(strongroom.InvalidState):
        tks.cancel_key_deletion(k)  # not pending any more
    tks.enable_key(k)
    assert tks.describe_key(k).enabled


def test_pending_window_bounds(tks: strongroom.Keystore) -> None:
    for ok in (7, 30):
        k = tks.create_key().key_id
        assert tks.schedule_key_deletion(k, pending_window_in_days=ok) == START + timedelta(days=ok)
        assert tks.describe_key(k).pending_deletion_window_in_days == ok
    k = tks.create_key().key_id
    for bad in (6, 31, 0, -7):
        with pytest.raises(strongroom.Validation):
            tks.schedule_key_deletion(k, pending_window_in_days=bad)
    assert tks.describe_key(k).key_state == "Enabled"


def test_deletion_destroys_key_and_aliases(tks: strongroom.Keystore,
                                          clock: strongroom.ManualClock) -> None:
    k = tks.create_key().key_id
    keep = tks.create_key().key_id
    tks.create_alias("alias/gone", k)
    blob = tks.encrypt(k, b"lost")
    tks.schedule_key_deletion(k, pending_window_in_days=7)
    clock.advance(days=6)
    tks.run_maintenance()
    assert tks.describe_key(k).key_state == "PendingDeletion"
    clock.advance(days=1, seconds=1)
    tks.run_maintenance()
    with pytest.raises(strongroom.NotFound):
        tks.describe_key(k)
    with pytest.raises(strongroom.NotFound):
        tks.decrypt(blob)
    assert tks.list_aliases() == []
    assert [m.key_id for m in tks.list_keys()] == [keep]


def test_alarm_receives_refused_uses(tks: strongroom.Keystore,
                                     clock: strongroom.ManualClock) -> None:
    events: list[strongroom.AlarmEvent] = []
    tks.set_alarm(events.append)
    k = tks.create_key().key_id
    blob = tks.encrypt(k, b"x")
    assert events == []
    tks.disable_key(k)
    with pytest.raises(strongroom.Disabled):
        tks.decrypt(blob)
    tks.enable_key(k)
    tks.schedule_key_deletion(k, pending_window_in_days=7)
    with pytest.raises(strongroom.InvalidState):
        tks.encrypt(k, b"y" * 4096)  # the detached path delivers too
    assert [(e.operation, e.key_state, e.outcome) for e in events] == [
        ("Decrypt", "Disabled", "Disabled"),
        ("Encrypt", "PendingDeletion", "InvalidState"),
    ]
    assert all(e.key_id == k and e.event_time == START for e in events)
    assert events[0].event_time.tzinfo is not None
    assert "Decrypt" in repr(events[0])
    tks.set_alarm(None)
    with pytest.raises(strongroom.InvalidState):
        tks.encrypt(k, b"z")
    assert len(events) == 2


def test_alarm_errors_do_not_change_the_outcome(tks: strongroom.Keystore,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    seen: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))

    def broken(event: strongroom.AlarmEvent) -> None:
        raise RuntimeError("alarm failed")

    tks.set_alarm(broken)
    k = tks.create_key().key_id
    tks.disable_key(k)
    with pytest.raises(strongroom.Disabled):
        tks.encrypt(k, b"x")
    assert len(seen) == 1 and isinstance(seen[0], RuntimeError)
    with pytest.raises(TypeError):
        tks.set_alarm(42)  # type: ignore[arg-type]


def test_alarm_callback_may_use_the_keystore(tks: strongroom.Keystore) -> None:
    states: list[str] = []
    k = tks.create_key().key_id
    tks.set_alarm(lambda e: states.append(tks.describe_key(e.key_id).key_state))
    tks.disable_key(k)
    with pytest.raises(strongroom.Disabled):
        tks.generate_data_key(k)
    assert states == ["Disabled"]


def test_alarm_callback_cycle_is_collected(ks_path: Path) -> None:
    import gc
    import weakref

    ks = create(ks_path)
    ks.set_alarm(lambda e: ks.describe_key(e.key_id))  # the callback refers to the keystore
    ref = weakref.ref(ks)
    del ks
    gc.collect()
    assert ref() is None
    reopen(ks_path).close()  # collected, hence closed: the file opens again

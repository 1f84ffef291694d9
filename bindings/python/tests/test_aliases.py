"""SPEC section 3, aliases, through Python."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

import strongroom
from conftest import create


def test_alias_lifecycle(ks: strongroom.Keystore, key_id: str) -> None:
    other = ks.create_key().key_id
    ks.create_alias("alias/app", key_id)
    [entry] = ks.list_aliases()
    assert isinstance(entry, strongroom.AliasListEntry)
    assert entry.alias_name == "alias/app"
    assert entry.alias_arn == f"arn:strongroom:kms:local:{ks.keystore_id}:alias/app"
    assert entry.target_key_id == key_id
    assert entry.creation_date.tzinfo is not None
    assert entry.last_updated_date >= entry.creation_date
    blob = ks.encrypt("alias/app", b"v1")

    ks.update_alias("alias/app", other)  # the manual-rotation move
    assert ks.describe_key("alias/app").key_id == other
    assert ks.decrypt(blob) == b"v1"  # old blobs still decrypt under their own key
    with pytest.raises(strongroom.IncorrectKey):
        ks.decrypt(blob, key_id="alias/app")

    ks.delete_alias("alias/app")
    assert ks.list_aliases() == []
    assert ks.describe_key(other).enabled  # the key is left alone
    with pytest.raises(strongroom.NotFound):
        ks.describe_key("alias/app")
    with pytest.raises(strongroom.NotFound):
        ks.delete_alias("alias/app")
    with pytest.raises(strongroom.NotFound):
        ks.update_alias("alias/app", key_id)


def test_alias_names_are_unique(ks: strongroom.Keystore, key_id: str) -> None:
    ks.create_alias("alias/one", key_id)
    with pytest.raises(strongroom.AlreadyExists):
        ks.create_alias("alias/one", ks.create_key().key_id)
    assert ks.describe_key("alias/one").key_id == key_id


@pytest.mark.parametrize("name", [
    "alias/a",
    "alias/A-Z_0-9/x",
    "alias/" + "a" * 250,  # 256 characters in all
    "alias/aws",
])
def test_valid_alias_names(ks: strongroom.Keystore, key_id: str, name: str) -> None:
    ks.create_alias(name, key_id)
    assert [a.alias_name for a in ks.list_aliases()] == [name]


@pytest.mark.parametrize("name", [
    "alias/",
    "app",
    "alias",
    "Alias/x",
    "alias/" + "a" * 251,  # 257 characters
    "alias/has space",
    "alias/dot.ted",
    "alias/é",
    "alias/aws/x",
    "alias/AWS/x",
    "alias/strongroom/x",
    "",
])
def test_invalid_alias_names(ks: strongroom.Keystore, key_id: str, name: str) -> None:
    with pytest.raises(strongroom.Validation):
        ks.create_alias(name, key_id)
    assert ks.list_aliases() == []


def test_alias_targets(ks: strongroom.Keystore, key_id: str) -> None:
    arn = ks.describe_key(key_id).arn
    ks.create_alias("alias/by-arn", arn)
    assert ks.describe_key("alias/by-arn").key_id == key_id
    with pytest.raises(strongroom.Validation):
        ks.create_alias("alias/by-alias", "alias/by-arn")  # targets are keys, as in AWS KMS
    with pytest.raises(strongroom.NotFound):
        ks.create_alias("alias/ghost", "00000000-0000-4000-8000-000000000000")


def test_disabled_key_keeps_its_aliases(ks: strongroom.Keystore, key_id: str) -> None:
    ks.disable_key(key_id)
    ks.create_alias("alias/disabled", key_id)
    assert ks.describe_key("alias/disabled").key_state == "Disabled"


def test_list_aliases_by_key(ks: strongroom.Keystore, key_id: str) -> None:
    other = ks.create_key().key_id
    ks.create_alias("alias/b", key_id)
    ks.create_alias("alias/a", key_id)
    ks.create_alias("alias/c", other)
    assert [a.alias_name for a in ks.list_aliases()] == ["alias/a", "alias/b", "alias/c"]
    assert [a.alias_name for a in ks.list_aliases(key_id=key_id)] == ["alias/a", "alias/b"]
    assert [a.alias_name for a in ks.list_aliases(key_id="alias/c")] == ["alias/c"]
    with pytest.raises(strongroom.NotFound):
        ks.list_aliases(key_id="00000000-0000-4000-8000-000000000000")


def test_alias_dates_follow_the_clock(tmp_path: Path) -> None:
    t0 = datetime(2030, 5, 1, tzinfo=timezone.utc)
    clock = strongroom.ManualClock(t0)
    with create(tmp_path / "ks", clock=clock) as ks:
        k1, k2 = ks.create_key().key_id, ks.create_key().key_id
        ks.create_alias("alias/x", k1)
        clock.advance(days=1)
        ks.update_alias("alias/x", k2)
        [e] = ks.list_aliases()
        assert e.creation_date == t0
        assert e.last_updated_date == clock.now()

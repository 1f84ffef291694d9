"""Issue 18 item 4: update_key_description, tags and get_key_last_usage."""

from __future__ import annotations

import pytest

import strongroom


def test_description_and_tags(ks: strongroom.Keystore) -> None:
    key = ks.create_key(tags={"Team": "blue", "Env": ""}).key_id
    ks.update_key_description(key, "payments")
    assert ks.describe_key(key).description == "payments"
    ks.tag_resource(key, {"Team": "red", "Cost": "7"})
    ks.untag_resource(key, ["Env", "absent"])
    page = ks.list_resource_tags(key)
    assert page.tags == {"Cost": "7", "Team": "red"}
    assert not page.truncated and page.next_marker is None
    first = ks.list_resource_tags(key, limit=1)
    assert first.tags == {"Cost": "7"} and first.truncated
    assert first.next_marker is not None
    assert ks.list_resource_tags(key, marker=first.next_marker).tags == {"Team": "red"}
    with pytest.raises(strongroom.InvalidTag):
        ks.tag_resource(key, {"aws:cost": "1"})
    with pytest.raises(strongroom.Validation):
        ks.tag_resource(key, {"k" * 129: ""})
    with pytest.raises(strongroom.InvalidMarker):
        ks.list_resource_tags(key, marker="zz")
    with pytest.raises(strongroom.Validation):
        ks.list_resource_tags(key, limit=51)
    ks.schedule_key_deletion(key)
    with pytest.raises(strongroom.InvalidState):
        ks.update_key_description(key, "x")


def test_last_usage(ks: strongroom.Keystore) -> None:
    key = ks.create_key().key_id
    u = ks.get_key_last_usage(key)
    assert u.key_id == key and u.operation is None and u.timestamp is None
    assert u.tracking_start_date is not None and u.key_creation_date is not None
    ks.encrypt(key, b"x")
    u = ks.get_key_last_usage(key)
    assert u.operation == "Encrypt"
    assert u.timestamp is not None and u.timestamp >= u.key_creation_date

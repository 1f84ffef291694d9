"""SPEC section 3 through Python: keys, metadata, states, references, time."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import strongroom
from conftest import create, reopen

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_create_key_defaults_and_metadata(ks: strongroom.Keystore) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    m = ks.create_key()
    assert isinstance(m, strongroom.KeyMetadata)
    assert UUID.match(m.key_id) and str(uuid.UUID(m.key_id)) == m.key_id
    assert m.arn == f"arn:strongroom:kms:local:{ks.keystore_id}:key/{m.key_id}"
    assert m.description == ""
    assert m.key_spec == "SYMMETRIC_DEFAULT"
    assert m.key_usage == "ENCRYPT_DECRYPT"
    assert m.origin == "AWS_KMS"
    assert m.key_state == "Enabled"
    assert m.enabled is True
    assert m.deletion_date is None
    assert m.pending_deletion_window_in_days is None
    assert m.valid_to is None
    assert isinstance(m.creation_date, datetime)
    assert m.creation_date.tzinfo is not None
    assert m.creation_date.utcoffset() == timedelta(0)
    assert before <= m.creation_date <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert ks.describe_key(m.key_id) == m
    assert m.key_id in repr(m)
    assert m.aws_account_id == "111122223333"
    assert (m.key_manager, m.multi_region, m.expiration_model) == ("CUSTOMER", False, None)
    assert m.current_key_material_id is not None
    assert re.fullmatch(r"[0-9a-f]{64}", m.current_key_material_id)


def test_key_material_ids_name_each_version(ks: strongroom.Keystore) -> None:
    k = ks.create_key().key_id
    first = ks.describe_key(k).current_key_material_id
    blob = ks.encrypt(k, b"old", {"a": "1"})
    assert ks.generate_data_key(k).key_material_id == first
    ks.rotate_key_on_demand(k)
    second = ks.describe_key(k).current_key_material_id
    assert second is not None and second != first
    d = ks.decrypt_with_key_id(blob, {"a": "1"})
    assert isinstance(d, strongroom.Decrypted)
    assert (d.plaintext, d.key_id, d.key_material_id) == (b"old", ks.describe_key(k).arn, first)
    assert d.plaintext is d.plaintext
    assert "old" not in repr(d) and first in repr(d)
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt_with_key_id(blob)
    with pytest.raises(strongroom.IncorrectKey):
        ks.decrypt_with_key_id(blob, {"a": "1"}, key_id=ks.create_key().key_id)
    assert ks.generate_data_key_without_plaintext(k).key_material_id == second
    [only] = ks.list_key_rotations(k)
    assert (only.key_material_id, only.key_material_state) == (second, "CURRENT")
    assert (only.import_state, only.expiration_model, only.valid_to) == (None, None, None)
    both = ks.list_key_rotations(k, include_key_material="ALL_KEY_MATERIAL")
    assert [(r.key_material_id, r.key_material_state, r.rotation_type) for r in both] == [
        (first, "NON_CURRENT", "INITIAL"), (second, "CURRENT", "ON_DEMAND")]
    assert ks.list_key_rotations(k, "ROTATIONS_ONLY") == [only]
    with pytest.raises(strongroom.Validation):
        ks.list_key_rotations(k, "ALL")


def test_account_id_option(ks_path: Path) -> None:
    with create(ks_path, aws_account_id="444455556666", aws_region="eu-west-2") as k:
        m = k.create_key()
        assert m.aws_account_id == "444455556666"
        arn = f"arn:aws:kms:eu-west-2:444455556666:key/{m.key_id}"
        assert k.describe_key(arn) == m


def test_create_key_keywords(ks: strongroom.Keystore) -> None:
    m = ks.create_key(description="x", key_spec="SYMMETRIC_DEFAULT",
                      key_usage="ENCRYPT_DECRYPT", origin="STRONGROOM")
    assert m.description == "x"
    assert m.origin == "AWS_KMS"  # the earlier name is accepted as the same origin
    ext = ks.create_key(origin="EXTERNAL")
    assert ext.origin == "EXTERNAL"
    assert ext.key_state == "PendingImport"
    assert ext.enabled is False
    with pytest.raises(strongroom.InvalidState):
        ks.encrypt(ext.key_id, b"x")
    with pytest.raises(strongroom.InvalidState):
        ks.enable_key(ext.key_id)


def test_create_key_rejects_bad_names(ks: strongroom.Keystore) -> None:
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_spec="AES_256")
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_usage="SIGN")
    with pytest.raises(strongroom.Validation):
        ks.create_key(origin="AWS_CLOUDHSM")
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_usage="SIGN_VERIFY")
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_spec="HMAC_256", key_usage="ENCRYPT_DECRYPT")
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.create_key(key_spec="ECC_NIST_EDWARDS25519", origin="EXTERNAL")
    assert ks.list_keys() == []
    hmac = ks.create_key(key_spec="HMAC_256")
    assert (hmac.key_spec, hmac.key_usage) == ("HMAC_256", "GENERATE_VERIFY_MAC")
    with pytest.raises(strongroom.InvalidKeyUsage):
        ks.encrypt(hmac.key_id, b"x")


def test_description_bounds(ks: strongroom.Keystore) -> None:
    assert ks.create_key(description="é" * 8192).description == "é" * 8192
    with pytest.raises(strongroom.Validation):
        ks.create_key(description="é" * 8193)
    with pytest.raises(strongroom.Validation):
        ks.create_key(description="a" * 8193)


def test_list_keys_returns_metadata_of_every_key(ks: strongroom.Keystore) -> None:
    ids = {ks.create_key(description=str(i)).key_id for i in range(3)}
    keys = ks.list_keys()
    assert isinstance(keys, list)
    assert all(isinstance(k, strongroom.KeyMetadata) for k in keys)
    assert {k.key_id for k in keys} == ids
    assert [k.key_id for k in keys] == sorted(k.key_id for k in keys)  # ordered by key id


def test_disable_and_enable(ks: strongroom.Keystore, key_id: str) -> None:
    blob = ks.encrypt(key_id, b"x")
    ks.disable_key(key_id)
    m = ks.describe_key(key_id)
    assert (m.key_state, m.enabled) == ("Disabled", False)
    with pytest.raises(strongroom.Disabled):
        ks.encrypt(key_id, b"x")
    with pytest.raises(strongroom.Disabled):
        ks.decrypt(blob)
    with pytest.raises(strongroom.Disabled):
        ks.generate_data_key(key_id)
    with pytest.raises(strongroom.Disabled):
        ks.generate_data_key_without_plaintext(key_id)
    other = ks.create_key().key_id
    with pytest.raises(strongroom.Disabled):
        ks.re_encrypt(blob, other)
    with pytest.raises(strongroom.Disabled):
        ks.re_encrypt(ks.encrypt(other, b"y"), key_id)
    ks.disable_key(key_id)  # idempotent
    assert ks.describe_key(key_id).key_state == "Disabled"
    ks.enable_key(key_id)
    assert ks.describe_key(key_id).enabled is True
    assert ks.decrypt(blob) == b"x"


def test_state_survives_reopen(ks_path: Path) -> None:
    with create(ks_path) as ks:
        k = ks.create_key(description="persist").key_id
        ks.disable_key(k)
    with reopen(ks_path) as ks:
        m = ks.describe_key(k)
        assert (m.description, m.key_state) == ("persist", "Disabled")


def test_key_references(ks: strongroom.Keystore, key_id: str) -> None:
    arn = ks.describe_key(key_id).arn
    ks.create_alias("alias/ref", key_id)
    alias_arn = f"arn:strongroom:kms:local:{ks.keystore_id}:alias/ref"
    for ref in (key_id, arn, "alias/ref", alias_arn):
        assert ks.describe_key(ref).key_id == key_id
        blob = ks.encrypt(ref, b"by " + ref.encode())
        assert ks.decrypt(blob, key_id=ref) == b"by " + ref.encode()
        assert ks.generate_data_key(ref).key_id == arn
    for missing in (str(uuid.uuid4()), "alias/none",
                    f"arn:strongroom:kms:local:{ks.keystore_id}:key/{uuid.uuid4()}",
                    "arn:strongroom:kms:local:00000000-0000-0000-0000-000000000000:key/" + key_id,
                    "not-a-key"):
        with pytest.raises(strongroom.NotFound):
            ks.describe_key(missing)
    with pytest.raises(strongroom.Validation):
        ks.describe_key("")
    with pytest.raises(strongroom.NotFound):
        ks.enable_key(str(uuid.uuid4()))


def test_manual_clock_sets_creation_date(tmp_path: Path) -> None:
    start = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    clock = strongroom.ManualClock(start)
    assert clock.now() == start
    with create(tmp_path / "ks", clock=clock) as ks:
        m = ks.create_key()
        assert m.creation_date == start
        assert m.creation_date.tzinfo is not None
        clock.advance(days=10, seconds=30)
        assert ks.create_key().creation_date == start + timedelta(days=10, seconds=30)
        later = datetime(2031, 6, 1, tzinfo=timezone(timedelta(hours=2)))
        clock.set(later)
        m2 = ks.create_key()
        assert m2.creation_date == later
        assert m2.creation_date.utcoffset() == timedelta(0)
        assert m2.creation_date.hour == 22  # shown in UTC
        clock.advance(days=-1)
        assert clock.now() == later - timedelta(days=1)
        clock.advance(seconds=0.0015)
        assert clock.now() == later - timedelta(days=1) + timedelta(milliseconds=2)
    assert "ManualClock(" in repr(clock)


def test_manual_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(strongroom.Validation, match="naive"):
        strongroom.ManualClock(datetime(2030, 1, 1))
    clock = strongroom.ManualClock(datetime(2030, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(strongroom.Validation):
        clock.set(datetime(2030, 1, 1))
    with pytest.raises(TypeError):
        clock.set("2030-01-01")  # type: ignore[arg-type]


def test_clock_shared_across_reopen(tmp_path: Path) -> None:
    start = datetime(2001, 1, 1, tzinfo=timezone.utc)
    clock = strongroom.ManualClock(start)
    create(tmp_path / "ks", clock=clock).close()
    with reopen(tmp_path / "ks", clock=clock) as ks:
        assert ks.create_key().creation_date == start

"""AWS KMS's paged lists through Python: ``list_*_page(limit=, marker=)`` return a ``Page``
(``items``, ``truncated``, ``next_marker``) by the core's rule: each list's ``Limit`` bounds, and
markers good only for the list that returned them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional, TypeVar

import pytest

import strongroom

ROOT = "arn:aws:iam::111122223333:root"
T = TypeVar("T")


def walk(fetch: Callable[[Optional[str]], strongroom.Page[T]]) -> list[list[T]]:
    """Every page of a list, following ``next_marker`` until ``truncated`` is false."""
    pages: list[list[T]] = []
    marker: Optional[str] = None
    while True:
        page = fetch(marker)
        assert page.truncated == (page.next_marker is not None)
        pages.append(page.items)
        if not page.truncated:
            return pages
        marker = page.next_marker


@pytest.fixture
def keys(ks: strongroom.Keystore) -> list[str]:
    """Five keys, each with one alias ``alias/p<i>``."""
    ids = [ks.create_key().key_id for _ in range(5)]
    for i, k in enumerate(ids):
        ks.create_alias(f"alias/p{i}", k)
    return ids


def test_pages_walk_every_list_once(ks: strongroom.Keystore, keys: list[str]) -> None:
    pages = walk(lambda m: ks.list_keys_page(limit=2, marker=m))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [k.key_id for p in pages for k in p] == [k.key_id for k in ks.list_keys()]
    page = ks.list_keys_page(limit=2)
    assert isinstance(page, strongroom.Page) and len(page) == 2
    assert all(isinstance(k, strongroom.KeyMetadata) for k in page.items)

    pages_a = walk(lambda m: ks.list_aliases_page(limit=3, marker=m))
    assert [a.alias_name for p in pages_a for a in p] == [f"alias/p{i}" for i in range(5)]
    [[only]] = walk(lambda m: ks.list_aliases_page(keys[3], limit=1, marker=m))
    assert only.alias_name == "alias/p3"

    ks.rotate_key_on_demand(keys[0])
    ks.rotate_key_on_demand(keys[0])
    pages_r = walk(lambda m: ks.list_key_rotations_page(keys[0], "ALL_KEY_MATERIAL", 1, m))
    assert [len(p) for p in pages_r] == [1, 1, 1]
    assert len(ks.list_key_rotations_page(keys[0]).items) == 2

    for _ in range(3):
        ks.create_grant(keys[0], ROOT, ["Encrypt"], retiring_principal=ROOT)
    pages_g = walk(lambda m: ks.list_grants_page(keys[0], limit=2, marker=m))
    assert [len(p) for p in pages_g] == [2, 1]
    assert [g.grant_id for p in pages_g for g in p] == [g.grant_id for g in ks.list_grants(keys[0])]
    pages_rg = walk(lambda m: ks.list_retirable_grants_page(ROOT, limit=1, marker=m))
    assert [len(p) for p in pages_rg] == [1, 1, 1]


def test_limit_bounds(ks: strongroom.Keystore, keys: list[str]) -> None:
    assert len(ks.list_keys_page(limit=1000).items) == 5
    assert len(ks.list_keys_page(limit=1).items) == 1
    for bad in (0, 1001):
        with pytest.raises(strongroom.Validation, match="1 to 1000"):
            ks.list_keys_page(limit=bad)
    with pytest.raises(strongroom.Validation):
        ks.list_keys_page(limit=-1)
    assert len(ks.list_aliases_page(limit=100).items) == 5
    with pytest.raises(strongroom.Validation, match="1 to 100"):
        ks.list_aliases_page(limit=101)
    assert ks.list_key_rotations_page(keys[0], limit=1000).items == []
    with pytest.raises(strongroom.Validation, match="1 to 1000"):
        ks.list_key_rotations_page(keys[0], limit=1001)
    assert ks.list_grants_page(keys[0], limit=100).items == []
    with pytest.raises(strongroom.Validation, match="1 to 100"):
        ks.list_grants_page(keys[0], limit=101)
    with pytest.raises(strongroom.Validation, match="1 to 100"):
        ks.list_retirable_grants_page(ROOT, limit=101)


def test_markers_belong_to_their_list(ks: strongroom.Keystore, keys: list[str]) -> None:
    keys_marker = ks.list_keys_page(limit=1).next_marker
    assert keys_marker is not None
    assert len(ks.list_keys_page(marker=keys_marker).items) == 4
    with pytest.raises(strongroom.InvalidMarker):
        ks.list_aliases_page(marker=keys_marker)
    with pytest.raises(strongroom.InvalidMarker):
        ks.list_key_rotations_page(keys[0], marker=keys_marker)
    with pytest.raises(strongroom.InvalidMarker):
        ks.list_grants_page(keys[0], marker=keys_marker)
    for garbage in ("zz", "not a marker", ""):
        with pytest.raises(strongroom.InvalidMarker):
            ks.list_keys_page(marker=garbage)

"""Licence keys carry their region; keys from elsewhere say nothing."""

from __future__ import annotations

import uuid

import pytest

from qbdlink.model.licence import is_well_formed, new_company_id, region_of


@pytest.mark.parametrize("region", ["us", "uk", "ca"])
def test_a_new_company_id_names_its_region(region: str) -> None:
    ids = {new_company_id(region) for _ in range(200)}
    assert len(ids) == 200
    for company_id in ids:
        assert region_of(company_id) == region
        assert uuid.UUID(company_id).version == 8
        assert is_well_formed(company_id)


def test_other_keys_have_no_region() -> None:
    assert region_of(str(uuid.uuid4())) is None
    assert region_of("not a key") is None
    assert not is_well_formed("not a key")
    assert region_of("  " + new_company_id("ca").upper() + " ") == "ca"

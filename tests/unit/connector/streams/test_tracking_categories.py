"""The tracking categories stream: QuickBooks' classes."""

from __future__ import annotations

from typing import Any

import pytest

from qbdlink.connector.streams import tracking_categories
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)


def test_a_subclass_points_at_its_parent(make_list_context: Any, validate_record: Any) -> None:
    ret = m.ClassRet(
        list_id="2-2",
        name="East",
        full_name="Region:East",
        is_active=False,
        parent_ref=m.ParentRef(list_id="1-1", full_name="Region"),
        sublevel=1,
    )
    dump = validate_record(
        "trackingCategories", tracking_categories.map_class(ret, make_list_context())
    )
    assert dump["name"] == "East"
    assert dump["parentId"] == "1-1"
    assert dump["status"] == "Archived"
    assert "hasChildren" not in dump
    top = tracking_categories.map_class(
        m.ClassRet(list_id="1-1", name="Region"), make_list_context()
    )
    assert validate_record("trackingCategories", top)["status"] == "Active"


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_classes_map_to_valid_unique_categories(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(
        tracking_categories.STREAM, edition, QueryWindow(modified_from=None, modified_to=None)
    )
    dumps = [validate_record("trackingCategories", item.record) for item in pulled]
    ids = {dump["id"] for dump in dumps}
    assert len(ids) == len(dumps) > 0
    assert all(dump["parentId"] in ids for dump in dumps if "parentId" in dump)
    assert tracking_categories.STREAM.list_del_types == ("Class",)

"""The push limits table agrees with Intuit's schema annotations, and finds long texts."""

from __future__ import annotations

from qbdlink.model.push_fields import PUSH_FIELD_LIMITS, too_long, values_at
from qbdlink.qbxml.messages._paths import PATH_RULES


def test_every_limit_is_intuits() -> None:
    for data_type, limits in PUSH_FIELD_LIMITS.items():
        for limit in limits:
            rule = PATH_RULES[limit.qbxml]
            assert dict(rule.max_length) == dict(limit.max_length), (data_type, limit.path)


def test_values_at_walks_lists() -> None:
    document = {"lineItems": [{"description": "a"}, {"quantity": 1}, {"description": "b"}]}
    assert values_at(document, "lineItems.description") == [
        ("lineItems[0].description", "a"),
        ("lineItems[2].description", "b"),
    ]


def test_too_long_names_the_field_and_the_limit() -> None:
    problems = too_long("customers", {"customerName": "x" * 42, "phone": "1"}, "UK")
    assert problems == [
        ("customerName", "QuickBooks Desktop (UK) keeps at most 41 characters here, not 42.")
    ]
    assert too_long("customers", {"customerName": "x" * 41}, None) == []

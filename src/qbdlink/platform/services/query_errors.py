"""The errors of Codat's ``query`` and ``orderBy`` parameters: the client sent something wrong.

All are :class:`~qbdlink.errors.PermanentError` (the same text fails the same way every time);
the public API answers them with a 400. Parsing (:mod:`.query_language`) and compiling to SQL
(:mod:`qbdlink.platform.storage.query_sql`) raise them.
"""

from __future__ import annotations

from collections.abc import Iterable

from qbdlink.errors import PermanentError

__all__ = [
    "ORDER_BY_SYNTAX_HELP",
    "QUERY_SYNTAX_HELP",
    "InvalidOrderByError",
    "InvalidQueryError",
    "UnknownQueryPropertyError",
]

QUERY_SYNTAX_HELP = (
    "Write the query as property, operator, value, for example status=Paid, "
    "totalAmount>100 or customerRef.id=80000001-1234. Operators: = and != (any property), "
    "~ (text contains), >, <, >= and <= (numbers and dates). Join comparisons with && (and) "
    "or || (or); && binds tighter than ||; group with { and }, for example "
    "{totalAmount>100||totalAmount<50}&&status!=Void. Values are written without quotes. "
    "URL-encode the whole query."
)

ORDER_BY_SYNTAX_HELP = (
    "Write orderBy as a property name, prefixed with - for descending order, for example "
    "issueDate or -modifiedDate; separate several properties with commas: -issueDate,id."
)


class InvalidQueryError(PermanentError):
    """The ``query`` parameter cannot be parsed, or a value does not fit its property."""

    default_code = "invalid_query"
    default_fix = QUERY_SYNTAX_HELP


class InvalidOrderByError(InvalidQueryError):
    """The ``orderBy`` parameter cannot be parsed."""

    default_code = "invalid_order_by"
    default_fix = ORDER_BY_SYNTAX_HELP


class UnknownQueryPropertyError(InvalidQueryError):
    """A ``query`` or ``orderBy`` names a property the list cannot filter or sort on."""

    default_code = "unknown_query_property"

    def __init__(self, path: str, valid: Iterable[str]) -> None:
        self.path = path
        self.valid = tuple(sorted(valid))
        super().__init__(
            f"unknown property {path!r}; valid properties: {', '.join(self.valid)}",
            fix="Query or order by one of the properties listed (names are case-sensitive).",
        )

"""Paging a query with a qbXML iterator, as pure state.

QuickBooks (qbXML 5.0+) pages a query with ``iterator="Start"``, then ``"Continue"`` with the
``iteratorID`` it returned, resending identical criteria each time, until
``iteratorRemainingCount`` reaches 0; ``"Stop"`` releases an iterator early. An iterator
belongs to the session that started it; an unknown or expired one is status 3391. Account,
Employee, Class, Terms, SalesTaxCode and the deleted-object queries have no iterator: their
request classes have no ``iterator`` field, and paging them is refused here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Generic, TypeVar

from .decode import ResponseStatus
from .errors import InvalidValueError
from .schema import QbxmlObject

__all__ = ["QueryPager", "supports_iterator"]

Query = TypeVar("Query", bound=QbxmlObject)


def supports_iterator(query_class: type[QbxmlObject]) -> bool:
    return "iterator" in query_class._spec.by_attr


@dataclass(frozen=True, slots=True)
class QueryPager(Generic[Query]):
    """The requests of one paged query: ``start()``, then ``next_after(status)`` until None."""

    query: Query
    max_returned: int = 100

    def __post_init__(self) -> None:
        name = type(self.query).__name__
        if not supports_iterator(type(self.query)):
            raise InvalidValueError(
                name, "has no iterator in qbXML", fix="Query it whole, with MaxReturned."
            )
        if self.max_returned < 1:
            raise InvalidValueError(
                f"{name}/MaxReturned", "must be at least 1", fix="Page by 100 to 1000 records."
            )

    def start(self) -> Query:
        return self._with(iterator="Start", iterator_id=None)

    def next_after(self, status: ResponseStatus) -> Query | None:
        """The Continue request after a page's status, or None when the query is drained."""
        if status.is_failure or not status.iterator_remaining_count:
            return None
        if not status.iterator_id:
            raise InvalidValueError(
                status.tag,
                "reports remaining records but no iteratorID",
                fix="Start the query again.",
            )
        return self._with(iterator="Continue", iterator_id=status.iterator_id)

    def stop(self, iterator_id: str) -> Query:
        return self._with(iterator="Stop", iterator_id=iterator_id)

    def _with(self, *, iterator: str, iterator_id: str | None) -> Query:
        return dataclasses.replace(
            self.query,  # type: ignore[type-var]
            iterator=iterator,
            iterator_id=iterator_id,
            max_returned=self.max_returned,
        )

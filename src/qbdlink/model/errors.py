"""The errors of the common data model: unknown data types, unqueryable fields, invalid records.

All are :class:`~qbdlink.errors.PermanentError`: the same input fails the same way every time,
so retrying cannot help.
"""

from __future__ import annotations

from collections.abc import Sequence

from qbdlink.errors import PermanentError

__all__ = ["InvalidRecordError", "UnknownDataTypeError", "UnqueryableFieldError"]


class UnknownDataTypeError(PermanentError):
    """A data type key that the model does not serve."""

    default_code = "unknown_data_type"

    def __init__(self, key: str, valid_keys: Sequence[str]) -> None:
        super().__init__(
            f"Unknown data type {key!r}. Valid data types: {', '.join(valid_keys)}.",
            fix="Use one of the data type keys listed.",
        )
        self.key = key
        self.valid_keys = tuple(valid_keys)


class UnqueryableFieldError(PermanentError):
    """A query names a property that cannot be compared (unknown, an array or an object)."""

    default_code = "unqueryable_field"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Cannot query {path!r}: {reason}")
        self.path = path
        self.reason = reason


class InvalidRecordError(PermanentError):
    """A record does not match its data type's schema.

    ``problems`` holds one ``"field.path: message"`` text per problem, so an API can list them
    (Codat's ``validation.errors``) without knowing pydantic.
    """

    default_code = "invalid_record"

    def __init__(
        self,
        data_type: str,
        problems: Sequence[str],
        *,
        index: int | None = None,
        record_id: str | None = None,
    ) -> None:
        where = data_type + " record"
        if index is not None:
            where += f" {index}"
        if record_id is not None:
            where += f" (id {record_id!r})"
        super().__init__(
            f"Invalid {where}: {'; '.join(problems)}",
            fix="Correct the record so it matches Codat's schema for this data type.",
        )
        self.data_type = data_type
        self.problems = tuple(problems)
        self.index = index
        self.record_id = record_id

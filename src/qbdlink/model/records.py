"""Validating and dumping records: raw JSON or mappings in, models out, and back.

Validation goes through cached ``TypeAdapter``s, one per data type, and a whole uploaded batch
is validated in one ``validate_json`` call (pydantic-core parses and validates in one pass,
without building Python dicts first). Failures become :class:`InvalidRecordError` naming the
record and each problem as ``field.path: message``, never a raw pydantic exception.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from qbdlink.model.datatypes import data_type
from qbdlink.model.errors import InvalidRecordError

__all__ = ["dump_record", "dump_record_json", "parse_record", "parse_records_json"]

# Enough to fix a record; a connector bug repeated on every line would otherwise flood the log.
_MAX_PROBLEMS = 10


@functools.cache
def _record_adapter(key: str) -> TypeAdapter[BaseModel]:
    return TypeAdapter(data_type(key).model)


@functools.cache
def _batch_adapter(key: str) -> TypeAdapter[list[BaseModel]]:
    model = data_type(key).model
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse_record(data_type_key: str, raw: Mapping[str, Any] | bytes | str) -> BaseModel:
    """Validate one record of ``data_type_key`` (a mapping, or its JSON text)."""
    adapter = _record_adapter(data_type_key)
    try:
        if isinstance(raw, bytes | str):
            return adapter.validate_json(raw)
        return adapter.validate_python(raw)
    except ValidationError as exc:
        record_id = _record_id(_loads(raw) if isinstance(raw, bytes | str) else raw)
        raise InvalidRecordError(
            data_type_key, _problems(exc.errors(), skip=0), record_id=record_id
        ) from None


def parse_records_json(data_type_key: str, json_array: bytes | str) -> list[BaseModel]:
    """Validate a JSON array of ``data_type_key`` records in one pass.

    On failure the error names the first bad record (its index and id) and its problems.
    """
    try:
        return _batch_adapter(data_type_key).validate_json(json_array)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]["loc"][0] if errors and errors[0]["loc"] else None
        if not isinstance(first, int):
            # The document itself is wrong (not JSON, not an array).
            raise InvalidRecordError(data_type_key, _problems(errors, skip=0)) from None
        record_errors = [e for e in errors if e["loc"] and e["loc"][0] == first]
        raise InvalidRecordError(
            data_type_key,
            _problems(record_errors, skip=1),
            index=first,
            record_id=_record_id(_item(_loads(json_array), first)),
        ) from None


def dump_record(record: BaseModel) -> dict[str, Any]:
    """The record as Codat's JSON object: camelCase, no nulls, decimals as numbers."""
    return record.model_dump(mode="json", by_alias=True, exclude_none=True)


def dump_record_json(record: BaseModel) -> bytes:
    """The record as Codat's JSON text (what :func:`dump_record` gives, serialised)."""
    return record.model_dump_json(by_alias=True, exclude_none=True).encode()


def _problems(errors: Sequence[ErrorDetails], *, skip: int) -> list[str]:
    problems = [_problem(error, skip) for error in errors[:_MAX_PROBLEMS]]
    if len(errors) > _MAX_PROBLEMS:
        problems.append(f"... and {len(errors) - _MAX_PROBLEMS} more problems")
    return problems


def _problem(error: ErrorDetails, skip: int) -> str:
    path = _path(error["loc"][skip:])
    if error["type"] == "extra_forbidden":
        message = "unknown property (not in Codat's schema for this data type: check the spelling)"
    elif error["type"] == "value_error":
        # pydantic prefixes "Value error, " to our own ValueError messages: noise to a reader.
        message = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    else:
        message = error["msg"]
    return f"{path}: {message}" if path else message


def _path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _loads(raw: bytes | str) -> Any:
    # Only on the failure path, to find the bad record's id; the text may not be JSON at all.
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _item(document: Any, index: int) -> Any:
    if isinstance(document, list) and 0 <= index < len(document):
        return document[index]
    return None


def _record_id(record: Any) -> str | None:
    if isinstance(record, Mapping):
        value = record.get("id")
        if isinstance(value, str):
            return value
    return None

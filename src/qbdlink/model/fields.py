"""What kind of value a query property holds: pure introspection of the models.

The platform's query language (``customerRef.id=abc&&totalAmount>10``) compares one scalar per
property. :func:`field_kind` walks a dotted path of camelCase names through nested models and
says how to compare it, or refuses it as Codat does: arrays and objects cannot be queried.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel

from qbdlink.model.errors import UnqueryableFieldError
from qbdlink.model.types import DATETIME_MARKER

__all__ = ["FieldKind", "field_kind", "property_names"]


class FieldKind(enum.StrEnum):
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


def property_names(model: type[BaseModel]) -> tuple[str, ...]:
    """The wire (camelCase) names of ``model``'s properties, in declaration order."""
    return tuple(_properties(model))


@functools.cache
def _properties(model: type[BaseModel]) -> dict[str, tuple[Any, tuple[Any, ...]]]:
    return {
        (info.alias or name): (info.annotation, tuple(info.metadata))
        for name, info in model.model_fields.items()
    }


@functools.cache
def field_kind(model: type[BaseModel], dotted_path: str) -> FieldKind:
    """The kind of the scalar at ``dotted_path`` (``customerRef.id``) in ``model``.

    Raises :class:`UnqueryableFieldError` for an unknown property, an array, or a path that
    stops at an object.
    """
    current: type[BaseModel] = model
    parts = dotted_path.split(".")
    for position, part in enumerate(parts):
        walked = ".".join(parts[: position + 1])
        properties = _properties(current)
        if part not in properties:
            where = "" if position == 0 else f" of {'.'.join(parts[:position])!r}"
            raise UnqueryableFieldError(
                dotted_path,
                f"unknown property {part!r}{where}; valid properties: {', '.join(properties)}",
            )
        annotation, metadata = properties[part]
        shape = _shape(annotation, metadata)
        is_last = position == len(parts) - 1
        if isinstance(shape, FieldKind):
            if is_last:
                return shape
            raise UnqueryableFieldError(
                dotted_path, f"{walked!r} is a {shape.value}, it has no properties"
            )
        if shape == "array":
            raise UnqueryableFieldError(
                dotted_path, f"{walked!r} is an array; arrays cannot be queried"
            )
        if shape == "object" or is_last:
            raise UnqueryableFieldError(
                dotted_path,
                f"{walked!r} is an object; objects cannot be compared (query one of its "
                "properties instead)",
            )
        current = shape
    raise UnqueryableFieldError(dotted_path, "empty property path")  # unreachable: split >= 1


_Shape = FieldKind | type[BaseModel] | Literal["array", "object"]


def _shape(annotation: Any, metadata: tuple[Any, ...]) -> _Shape:
    """Strip ``Annotated`` and ``| None`` and say what is left."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            metadata = metadata + tuple(annotation.__metadata__)
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union or origin is types.UnionType:
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                # No model field is a union of two value types; refuse rather than guess.
                return "object"
            annotation = members[0]
        else:
            break
    if origin is Literal:
        return FieldKind.STRING
    if origin in (list, tuple, set, frozenset):
        return "array"
    if origin is dict or annotation is dict:
        return "object"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation
        if issubclass(annotation, enum.Enum) or issubclass(annotation, str):
            return FieldKind.DATETIME if DATETIME_MARKER in metadata else FieldKind.STRING
        # bool before int: bool is an int subclass.
        if issubclass(annotation, bool):
            return FieldKind.BOOLEAN
        if issubclass(annotation, int | float | Decimal):
            return FieldKind.NUMBER
    return "object"

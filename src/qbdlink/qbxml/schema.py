"""The runtime shape of generated qbXML messages.

Every generated message class is a frozen, slotted, keyword-only dataclass that also
carries a :class:`ClassSpec`: its fields in schema order, what each holds, and the choice
groups that say which fields may be set together. The encoder and decoder are generic
over these specs, so adding a message type never touches them.

Field limits that depend on context (a ``FullName`` is 209 characters under
``CustomerRef`` but 159 under ``ClassRef``), on the qbXML version or on the regional
edition live in the generated path table (``messages/_paths.py``), keyed by element path.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "ChoiceSpec",
    "ClassSpec",
    "FieldSpec",
    "Kind",
    "PathRule",
    "QbxmlObject",
]


class Kind(enum.IntEnum):
    """What a field's text means, and so how it is parsed and written."""

    STR = 1
    BOOL = 2
    INT = 3
    DECIMAL = 4
    DATE = 5
    DATETIME = 6
    OBJECT = 7


@dataclass(frozen=True, slots=True)
class FieldSpec:
    attr: str
    tag: str
    kind: Kind
    repeated: bool = False
    required: bool = False
    is_attribute: bool = False
    max_length: int | None = None
    enums: frozenset[str] = frozenset()
    # Decimal places the schema allows (2 for amounts, 5 for prices, quantities, rates).
    scale: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None  # the whole value must match (GUIDs, time intervals)
    # For OBJECT fields: element name -> class (several for a repeated choice).
    classes: tuple[tuple[str, type[QbxmlObject]], ...] = ()


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    """An ``xsd:choice``: at most one branch may be used; ``required``: exactly one."""

    branches: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (fields, required fields)
    required: bool


@dataclass(frozen=True, slots=True)
class ClassSpec:
    tag: str | None
    fields: tuple[FieldSpec, ...]
    choices: tuple[ChoiceSpec, ...] = ()
    # Filled in by __post_init__: element/attribute name -> field, for decoding.
    by_tag: dict[str, FieldSpec] = field(default_factory=dict, compare=False)
    by_attr: dict[str, FieldSpec] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for spec in self.fields:
            self.by_attr[spec.attr] = spec
            if spec.kind is Kind.OBJECT:
                for tag, _ in spec.classes:
                    self.by_tag[tag] = spec
            else:
                self.by_tag[spec.tag] = spec


@dataclass(frozen=True, slots=True)
class PathRule:
    """What Intuit's qbxmlops annotations say about one element path.

    ``since``: the first qbXML version with the element (``None``: always there);
    ``not_in``: editions (``US``, ``CA``, ``UK``) that lack it; ``max_length``:
    per edition, where Intuit gives one.
    """

    since: tuple[int, int] | None = None
    not_in: frozenset[str] = frozenset()
    max_length: tuple[tuple[str, int], ...] = ()


class QbxmlObject:
    """Base of every generated message class."""

    __slots__ = ()
    _spec: ClassVar[ClassSpec]

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, recursively, for logging and tests."""
        out: dict[str, Any] = {}
        for spec in self._spec.fields:
            value = getattr(self, spec.attr)
            if value is None or value == ():
                continue
            if spec.kind is Kind.OBJECT:
                if spec.repeated:
                    value = [item.to_dict() for item in value]
                else:
                    value = value.to_dict()
            elif spec.repeated:
                value = list(value)
            out[spec.attr] = value
        return out

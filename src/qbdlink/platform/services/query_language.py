"""Codat's query language and ``orderBy``, parsed into plain values (no SQL here).

``query`` (already URL-decoded) is comparisons joined by ``&&`` (and) and ``||`` (or), with
``{`` ``}`` for groups: ``{totalAmount>100||totalAmount<50}&&status!=Void``. A comparison is a
dotted property path, an operator (``=`` ``!=`` ``~`` ``>`` ``<`` ``>=`` ``<=``) and a value.
``orderBy`` is a property path, ``-`` in front for descending; several are separated by commas.

Codat documents the operators, ``&&``/``||``/``{}``, dot paths and the 2048-character limit. Where
it is silent we decided (and say so in the parser's errors):

- Values are bare text, never quoted (Codat's examples: ``status != paid``,
  ``customerRef.id=61``): a value runs from its operator to the next ``&&``, ``||`` or ``}``, or
  the end, with the whitespace around it dropped. So ``name=Acme & Sons`` and ``name~O'Brien``
  work as written; a value cannot contain ``&&``, ``||`` or ``}`` and cannot be empty.
- Whitespace around properties, operators, values and braces is allowed (Codat's own example
  has it); inside a property path it is not.
- ``&&`` binds tighter than ``||`` (the usual precedence), so ``a=1&&b=2||c=3`` is
  ``{a=1&&b=2}||c=3``. Codat's old docs said mixing them without braces did not work; the
  current ones only show braces, and braces always work here.
- Property paths are names of letters, digits and ``_`` (not starting with a digit), joined by
  dots. Whether a path exists, and how its value compares, is the caller's business.
- The length limit counts characters of the decoded query: 2048 is allowed, 2049 is not.
- Groups may nest 32 deep, which no real query needs and keeps parsing safely bounded.
- ``orderBy`` takes several comma-separated keys (``-issueDate,id``); a key may not repeat.

Positions in error messages count characters from 0: the character at which something else
was expected.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TypeAlias

from qbdlink.platform.services.query_errors import InvalidOrderByError, InvalidQueryError

__all__ = [
    "MAX_GROUP_DEPTH",
    "MAX_QUERY_LENGTH",
    "And",
    "Comparison",
    "Operator",
    "Or",
    "OrderKey",
    "QueryNode",
    "parse_order_by",
    "parse_query",
]

MAX_QUERY_LENGTH = 2048
MAX_GROUP_DEPTH = 32


class Operator(enum.StrEnum):
    EQUAL = "="
    NOT_EQUAL = "!="
    CONTAINS = "~"
    GREATER = ">"
    LESS = "<"
    GREATER_OR_EQUAL = ">="
    LESS_OR_EQUAL = "<="


@dataclass(frozen=True)
class Comparison:
    path: str
    operator: Operator
    value: str


@dataclass(frozen=True)
class And:
    """Every item holds (two or more items)."""

    items: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Or:
    """At least one item holds (two or more items)."""

    items: tuple[QueryNode, ...]


QueryNode: TypeAlias = Comparison | And | Or


@dataclass(frozen=True)
class OrderKey:
    path: str
    descending: bool = False


# Two-character operators first, so ">=" is never read as ">" followed by a value "=...".
_OPERATORS = sorted(Operator, key=lambda operator: -len(operator.value))
_OPERATOR_LIST = "=, !=, ~, >, <, >=, <="
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Where a value stops: the next connective or the end of a group.
_VALUE_END = re.compile(r"&&|\|\||\}")
_WHITESPACE = " \t\r\n"


def parse_query(text: str) -> QueryNode:
    """Parse a (URL-decoded) ``query``; raises :class:`InvalidQueryError`.

    An empty or blank query is an error here: the caller treats it as "no filter" before
    calling.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQueryError(
            f"query: the query is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    return _QueryParser(text).parse()


def parse_order_by(text: str) -> tuple[OrderKey, ...]:
    """Parse ``orderBy`` (``-modifiedDate``, ``issueDate,-id``); blank gives ``()``.

    Raises :class:`InvalidOrderByError`.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidOrderByError(
            f"orderBy: the value is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    if not text.strip():
        return ()
    keys: list[OrderKey] = []
    seen: set[str] = set()
    position = _skip_whitespace(text, 0)
    while True:
        descending = text.startswith("-", position)
        if descending:
            position += 1
        match = _PATH.match(text, position)
        if match is None:
            raise InvalidOrderByError(
                f"orderBy: expected a property name{' after -' if descending else ''} "
                f"at position {position}"
            )
        path = match.group()
        if path in seen:
            raise InvalidOrderByError(
                f"orderBy: {path!r} appears more than once (again at position {match.start()})"
            )
        seen.add(path)
        keys.append(OrderKey(path, descending))
        position = _skip_whitespace(text, match.end())
        if position == len(text):
            break
        if text[position] != ",":
            raise InvalidOrderByError(
                f"orderBy: expected ',' or the end after {path!r} at position {position}"
            )
        position = _skip_whitespace(text, position + 1)
    return tuple(keys)


class _QueryParser:
    """Recursive descent over the text; ``position`` is the next character to read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.depth = 0

    def parse(self) -> QueryNode:
        node = self._or()
        self._skip_whitespace()
        if self.position < len(self.text):
            if self.text[self.position] == "}":
                raise InvalidQueryError(
                    f"query: unexpected '}}' at position {self.position}: no group is open"
                )
            raise InvalidQueryError(
                f"query: expected '&&', '||' or the end of the query at position {self.position}"
            )
        return node

    def _or(self, after: str = "") -> QueryNode:
        items = [self._and(after)]
        while self._take("||"):
            items.append(self._and(after="'||'"))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _and(self, after: str = "") -> QueryNode:
        items = [self._primary(after)]
        while self._take("&&"):
            items.append(self._primary("'&&'"))
        return items[0] if len(items) == 1 else And(tuple(items))

    def _primary(self, after: str) -> QueryNode:
        self._skip_whitespace()
        opening = self.position
        if self.text.startswith("{", opening):
            if self.depth == MAX_GROUP_DEPTH:
                raise InvalidQueryError(
                    f"query: groups nest more than {MAX_GROUP_DEPTH} deep at position {opening}"
                )
            self.position += 1
            self.depth += 1
            node = self._or(after="'{'")
            self.depth -= 1
            self._skip_whitespace()
            if not self._take("}"):
                found = (
                    "the end of the query"
                    if self.position >= len(self.text)
                    else f"'{self.text[self.position]}'"
                )
                raise InvalidQueryError(
                    f"query: expected '}}' to close the '{{' at position {opening}, found "
                    f"{found} at position {self.position}"
                )
            return node
        return self._comparison(after)

    def _comparison(self, after: str) -> Comparison:
        path = self._path(after)
        self._skip_whitespace()
        operator = next(
            (op for op in _OPERATORS if self.text.startswith(op.value, self.position)), None
        )
        if operator is None:
            raise InvalidQueryError(
                f"query: expected an operator ({_OPERATOR_LIST}) after {path!r} "
                f"at position {self.position}"
            )
        self.position += len(operator.value)
        self._skip_whitespace()
        start = self.position
        end_match = _VALUE_END.search(self.text, start)
        end = len(self.text) if end_match is None else end_match.start()
        value = self.text[start:end].strip(_WHITESPACE)
        if not value:
            raise InvalidQueryError(
                f"query: expected a value after '{path}{operator.value}' at position {start}"
            )
        self.position = end
        return Comparison(path, operator, value)

    def _path(self, after: str) -> str:
        start = self.position
        match = _NAME.match(self.text, start)
        if match is None:
            where = f" after {after}" if after else ""
            raise InvalidQueryError(
                f"query: expected a property name or '{{'{where} at position {start}"
            )
        self.position = match.end()
        while self.text.startswith(".", self.position):
            match = _NAME.match(self.text, self.position + 1)
            if match is None:
                raise InvalidQueryError(
                    f"query: expected a property name after "
                    f"'{self.text[start : self.position + 1]}' at position {self.position + 1}"
                )
            self.position = match.end()
        return self.text[start : self.position]

    def _take(self, token: str) -> bool:
        self._skip_whitespace()
        if self.text.startswith(token, self.position):
            self.position += len(token)
            return True
        return False

    def _skip_whitespace(self) -> None:
        self.position = _skip_whitespace(self.text, self.position)


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position

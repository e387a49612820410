"""Errors of building and reading qbXML (status codes and HRESULTs: status.py, hresult.py).

Building a request from bad values is the record's fault: the error names the element
path and what would make it acceptable, and nothing is sent. Reading XML that is not
well-formed, hostile or of an unexpected shape is permanent for that document.
"""

from __future__ import annotations

from ..errors import PermanentError, RecordSkippedError

__all__ = [
    "ChoiceConflictError",
    "FieldTooLongError",
    "InvalidFieldError",
    "InvalidValueError",
    "MissingFieldError",
    "QbxmlStructureError",
    "QbxmlSyntaxError",
    "UnsafeXmlError",
    "UnsupportedElementError",
    "UnsupportedVersionError",
]


class InvalidFieldError(RecordSkippedError):
    """A value cannot be sent to QuickBooks as it is."""

    default_code = "qbxml.invalid_field"

    def __init__(self, path: str, message: str, *, fix: str) -> None:
        super().__init__(f"{path}: {message}", fix=fix)
        self.path = path


class FieldTooLongError(InvalidFieldError):
    default_code = "qbxml.field_too_long"

    def __init__(self, path: str, length: int, limit: int, edition: str) -> None:
        super().__init__(
            path,
            f"{length} characters, but QuickBooks ({edition}) keeps at most {limit}",
            fix=f"Shorten it to {limit} characters or fewer.",
        )
        self.length, self.limit = length, limit


class UnsupportedElementError(InvalidFieldError):
    default_code = "qbxml.unsupported_element"


class MissingFieldError(InvalidFieldError):
    default_code = "qbxml.missing_field"


class ChoiceConflictError(InvalidFieldError):
    default_code = "qbxml.choice_conflict"


class InvalidValueError(InvalidFieldError):
    default_code = "qbxml.invalid_value"


class UnsupportedVersionError(PermanentError):
    default_code = "qbxml.unsupported_version"


class QbxmlSyntaxError(PermanentError):
    """The document is not well-formed XML (often: truncated)."""

    default_code = "qbxml.syntax"
    default_fix = "The document was cut short or damaged in transit; ask QuickBooks again."

    def __init__(self, message: str, *, line: int | None) -> None:
        where = f"line {line}: " if line else ""
        super().__init__(f"qbXML is not well-formed: {where}{message}")
        self.line = line


class UnsafeXmlError(QbxmlSyntaxError):
    """DTDs, entities or absurd nesting: qbXML never has them, so they are refused."""

    default_code = "qbxml.unsafe"
    default_fix = "qbXML never contains a DOCTYPE, entity declarations or deep nesting."


class QbxmlStructureError(PermanentError):
    """Well-formed XML whose shape is not qbXML (wrong root, bad status attribute...)."""

    default_code = "qbxml.structure"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        where = f" (line {line})" if line else ""
        super().__init__(f"{message}{where}")
        self.line = line

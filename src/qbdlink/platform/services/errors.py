"""The errors use cases raise; the HTTP layers map each class to one status code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qbdlink.errors import ConfigurationError, PermanentError, UserActionError


class NotAuthenticatedError(UserActionError):
    default_code = "auth.unauthenticated"
    default_fix = "Send your API key as 'Authorization: Basic <base64 of the key>'."


class NotFoundError(PermanentError):
    default_code = "not_found"


class DataNotReadyError(PermanentError):
    """Codat's 409 on data reads: the data type has not been fetched yet."""

    default_code = "data.not_ready"


class ConflictError(PermanentError):
    default_code = "conflict"


@dataclass(frozen=True)
class ValidationProblem:
    item_id: str
    message: str
    validator: str = "qbdlink"


class InvalidRequestError(PermanentError):
    """The request is malformed or breaks a rule; ``problems`` lists each field's problem."""

    default_code = "request.invalid"

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[ValidationProblem] = (),
        code: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, code=code, fix=fix)
        self.problems = tuple(problems)


class WrongRegionError(ConfigurationError):
    """A connector reached a deployment of another region than its licence key's."""

    default_code = "link.wrong_region"


class NotConfiguredError(ConfigurationError):
    default_code = "platform.not_configured"

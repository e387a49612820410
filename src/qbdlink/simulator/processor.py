"""A request document in, a response document out: the envelope, as QuickBooks handles it.

Order of work, as QuickBooks does it: the ``<?qbxml version?>`` must be one this QuickBooks
supports (else HRESULT 0x80040423); the document must be valid against the schema of that
version (else 0x80040400: QuickBooks gives no detail, we add the validator's); error recovery
(``oldMessageSetID``) is answered from the responses kept with the company file; then each
request runs in order and gets a response with a status, its ``requestID`` echoed. Under
``stopOnError`` the requests after a failing one are not processed; ``continueOnError`` goes
on. ``rollbackOnError`` is refused (QuickBooks Desktop does not support it). With a
``newMessageSetID`` the response document is kept with the company file for recovery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..qbxml import messages as m
from ..qbxml.decode import decode_request_set
from ..qbxml.encode import EncodeTarget, encode_request_set, encode_response_set
from ..qbxml.errors import (
    FieldTooLongError,
    InvalidFieldError,
    QbxmlStructureError,
    QbxmlSyntaxError,
    UnsupportedElementError,
    UnsupportedVersionError,
)
from ..qbxml.hresult import QuickBooksConnectionError, error_for_hresult
from ..qbxml.schema import QbxmlObject
from ..qbxml.versions import QbxmlVersion
from ..qbxml.xsd import QbxmlSchema, read_qbxml_version, schema_version_for
from .company import EDITION_PROFILES, company_ret, host_ret
from .context import RequestContext, StatusError
from .custom_fields import company_data_ext
from .dispatch import handle

__all__ = ["Processor", "SchemaSource"]

PARSE_ERROR = 0x80040400
UNSUPPORTED_VERSION = 0x80040423

SchemaSource = Callable[[str], QbxmlSchema]  # schema version ("13.0"/"16.0") -> compiled schema


class Processor:
    """Processes request documents against one company file, as one application."""

    def __init__(self, context: RequestContext, schemas: SchemaSource | None) -> None:
        self.context = context
        self.schemas = schemas
        self._injected: int | None = None

    def process(self, document: str, *, injected_status: int | None = None) -> str:
        """The response document; ``injected_status`` answers every request with that
        status instead of doing the work (a fault the state model injects)."""
        version = self._version(document)
        self.context.version = version
        self._validate(document, version)
        try:
            request_set = decode_request_set(document)
        except (QbxmlStructureError, QbxmlSyntaxError) as exc:
            raise self._parse_error(exc.message) from None
        if request_set.on_error not in ("stopOnError", "continueOnError"):
            raise self._parse_error(
                f'onError="{request_set.on_error}" is not supported by QuickBooks Desktop'
            )
        store = self.context.store
        app = self.context.app_name
        old_id = request_set.old_message_set_id
        if old_id == "ClearAllMessageSets":
            with store.write():
                store.clear_message_sets(app)
        elif old_id is not None:
            kept = store.message_set(app)
            if kept is not None and kept[0] == old_id:
                return kept[1]  # the last answer, exactly as it was sent
        self._injected = injected_status
        responses = self._run(request_set.requests, request_set.on_error == "stopOnError")
        if request_set.response_data == "includeNone":
            responses = [_status_only(response) for response in responses]
        new_id = request_set.new_message_set_id
        text = encode_response_set(
            responses,
            version=version,
            edition=self.context.edition,
            new_message_set_id=new_id,
            # 9001: "oldMessageSetID not found", our reading of Intuit's error-recovery
            # page; an approximation listed in FIDELITY.md.
            message_set_status_code=9001 if old_id not in (None, "ClearAllMessageSets") else None,
        )
        if new_id is not None:
            with store.write():
                store.save_message_set(app, new_id, text)
        return text

    def _version(self, document: str) -> QbxmlVersion:
        text = read_qbxml_version(document.encode("utf-8", "replace"))
        profile = EDITION_PROFILES[self.context.edition]
        if text is None:
            raise self._parse_error('the document has no <?qbxml version="..."?> instruction')
        try:
            version = QbxmlVersion.parse(text)
        except UnsupportedVersionError:
            version = None
        if version is None or str(version) not in profile.supported_versions:
            raise error_for_hresult(
                UNSUPPORTED_VERSION,
                f"qbXML {text} is not supported by {profile.product_name}",
            )
        return version

    def _validate(self, document: str, version: QbxmlVersion) -> None:
        if self.schemas is None:
            return
        schema = self.schemas(schema_version_for(str(version)))
        problems = schema.validate(document.encode("utf-8", "replace"))
        if problems:
            detail = "; ".join(f"line {p.line}: {p.message}" for p in problems[:3])
            raise self._parse_error(detail)

    def _parse_error(self, detail: str) -> QuickBooksConnectionError:
        return error_for_hresult(PARSE_ERROR, detail)

    def _run(self, requests: tuple[QbxmlObject, ...], stop_on_error: bool) -> list[QbxmlObject]:
        responses: list[QbxmlObject] = []
        for request in requests:
            response = self._one(request)
            responses.append(response)
            if stop_on_error and int(getattr(response, "status_code", 0)) >= 1000:
                break
        return responses

    def _check_against_edition(self, request: QbxmlObject) -> None:
        # QuickBooks checks what it receives against its own edition and version: an element
        # the edition lacks is a parse error (its schema has no such element), a value longer
        # than the edition keeps is status 3070.
        target = EncodeTarget(self.context.version, self.context.edition)
        try:
            encode_request_set([request], target=target)
        except UnsupportedElementError as exc:
            raise self._parse_error(exc.message) from None
        except FieldTooLongError as exc:
            raise StatusError(
                3070, f"The string in the field {exc.path.rsplit('/', 1)[-1]} is too long."
            ) from None
        except InvalidFieldError as exc:
            raise StatusError(3000 if "ID" in exc.path else 3210, exc.message) from None

    def _one(self, request: QbxmlObject) -> QbxmlObject:
        request_tag = request._spec.tag or type(request).__name__
        # Any: every *Rs class takes the status attributes, which QbxmlObject cannot express.
        response_class: Any = m.RESPONSES[request_tag[:-2] + "Rs"]
        request_id = getattr(request, "request_id", None)
        try:
            if request_id is not None and len(request_id) > 50:
                raise StatusError(
                    1060, f'The requestID "{request_id}" is longer than 50 characters.'
                )
            if self._injected is not None:
                raise StatusError(self._injected, _INJECTED_MESSAGES.get(self._injected, ""))
            self._check_against_edition(request)
            fields, status = self._answer(request)
        except StatusError as failure:
            return response_class(  # type: ignore[no-any-return]
                request_id=request_id,
                status_code=failure.code,
                status_severity="Error",
                status_message=failure.message,
            )
        return response_class(request_id=request_id, **status, **fields)  # type: ignore[no-any-return]

    def _answer(self, request: QbxmlObject) -> tuple[dict[str, Any], dict[str, Any]]:
        if isinstance(request, m.HostQueryRq):
            return {"host_ret": host_ret(self.context.store)}, _ok()
        if isinstance(request, m.CompanyQueryRq):
            data_ext = company_data_ext(self.context.store, request.owner_id)
            return {"company_ret": company_ret(self.context.store, data_ext)}, _ok()
        return handle(self.context, request)


# QuickBooks' wording for the faults tests inject most (reference/qbxml.md, status codes).
_INJECTED_MESSAGES = {
    3170: "There was an error when modifying a record. QuickBooks error message: "
    "This record is in use by another user.",
    3175: "There was an error when saving a record. QuickBooks error message: "
    "Could not lock the record.",
    3176: "There was an error when saving a record. QuickBooks error message: "
    "Failed to acquire the lock.",
    3180: "There was an error when saving a list. QuickBooks error message: "
    "This list has been modified by another user.",
    3391: "The iteratorID is not valid.",
}


def _status_only(response: QbxmlObject) -> QbxmlObject:
    # responseData="includeNone": QuickBooks does the work and answers with statuses only.
    kept: Any = type(response)
    return kept(  # type: ignore[no-any-return]
        **{
            spec.attr: getattr(response, spec.attr)
            for spec in response._spec.fields
            if spec.is_attribute
        }
    )


def _ok() -> dict[str, Any]:
    return {"status_code": 0, "status_severity": "Info", "status_message": "Status OK"}

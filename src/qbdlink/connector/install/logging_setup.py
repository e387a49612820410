"""The connector's log: ``connector.log`` in the state folder, rotating, with secrets masked.

Five backups of 2 MB each (12 MB at most on disk). Every record the handler writes goes through
:class:`RedactionFilter` first: connector credentials (``qbdc_...``), ``Bearer`` and ``Basic``
authorisation values, ``api_key=``/``token=``/``password=`` style values and any exact secret
registered with the filter are masked, in the message, its arguments, the traceback and the
stack. The log is what a person sends to support, so nothing in it may let them act as the
connector.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "LOG_BACKUP_COUNT",
    "LOG_FORMAT",
    "LOG_MAX_BYTES",
    "MASK",
    "ConnectorLogHandler",
    "RedactionFilter",
    "configure_connector_logging",
    "redact",
]

LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"
MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # the connector credential the platform issues
    (re.compile(r"\bqbdc_[A-Za-z0-9_\-.~+/=]+"), f"qbdc_{MASK}"),
    # HTTP authorisation schemes (headers, repr of header dicts, curl lines)
    (re.compile(r"\b(Bearer|Basic)(\s+|%20)[A-Za-z0-9_\-.~+/=]+", re.IGNORECASE), rf"\1\2{MASK}"),
    # key=value / "key": "value" forms of the usual secret names
    (
        re.compile(
            r"""(?ix)
            \b(api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|token|secret|password
               |credential|authorization)
            (["']?\s*[:=]\s*["']?)
            (?!\*\*\*)(?!(?:Bearer|Basic)(?:\s|%20))([^\s"'&,;}]+)
            """
        ),
        rf"\1\2{MASK}",
    ),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every credential, authorisation value and listed secret masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactionFilter(logging.Filter):
    """Masks secrets in a record before any handler writes it (it always lets it through).

    The message is formatted with its arguments, then redacted (``args`` become empty); a
    traceback is formatted and redacted into ``exc_text``, which formatters use as it is.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = {s for s in secrets if s}
        self._formatter = logging.Formatter()

    def add_secret(self, secret: str) -> None:
        """Mask this exact value from now on (e.g. the credential once it is loaded)."""
        if secret:
            self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = sorted(self._secrets, key=len, reverse=True)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


class ConnectorLogHandler(logging.handlers.RotatingFileHandler):
    """The handler :func:`configure_connector_logging` adds (so a second call can find it)."""


def configure_connector_logging(
    log_path: Path,
    *,
    level: int = logging.INFO,
    logger_name: str = "qbdlink",
    max_bytes: int = LOG_MAX_BYTES,
    backup_count: int = LOG_BACKUP_COUNT,
    secrets: Iterable[str] = (),
) -> ConnectorLogHandler:
    """Send ``logger_name``'s records to a rotating ``log_path``, redacted; return the handler.

    Calling it again replaces the handler it added before (and closes it), so it is safe to
    call once per run of the connector. The caller closes the returned handler at exit (before
    uninstalling, which deletes the log).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(logger_name)
    for old in list(logger.handlers):
        if isinstance(old, ConnectorLogHandler):
            logger.removeHandler(old)
            old.close()
    handler = ConnectorLogHandler(
        log_path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactionFilter(secrets))
    handler.setLevel(level)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return handler

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from qbdlink.connector.install.logging_setup import (
    ConnectorLogHandler,
    RedactionFilter,
    configure_connector_logging,
    redact,
)

LOGGER = "qbdlink.tests.install"


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    log = logging.getLogger(LOGGER)
    yield log
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    log.setLevel(logging.NOTSET)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("credential qbdc_live_abc123-XYZ.9 saved", "credential qbdc_*** saved"),
        ("Authorization: Bearer eyJhbGciOi.J9.sig", "Authorization: Bearer ***"),
        (
            "headers={'Authorization': 'Basic dXNlcjpwYXNz'}",
            "headers={'Authorization': 'Basic ***'}",
        ),
        ("authorization=bearer%20abc", "authorization=bearer%20***"),
        ("GET /x?api_key=s3cr3t&page=2", "GET /x?api_key=***&page=2"),
        ('{"apiKey": "k-123", "n": 1}', '{"apiKey": "***", "n": 1}'),
        ("password=hunter2 token: abc", "password=*** token: ***"),
        ("token=qbdc_secret", "token=***"),
        ("nothing secret here, Basic idea", "nothing secret here, Basic ***"),
        ("pulled 42 invoices for company 8d1c", "pulled 42 invoices for company 8d1c"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_listed_secrets() -> None:
    assert redact("licence abc-123 and abc-1234", ["abc-1234"]) == "licence abc-123 and ***"


def test_the_log_masks_messages_arguments_and_tracebacks(
    tmp_path: Path, logger: logging.Logger
) -> None:
    path = tmp_path / "logs" / "connector.log"
    handler = configure_connector_logging(path, logger_name=LOGGER, secrets=["company-secret"])
    logger.info("linked with %s", "qbdc_live_0123456789")
    logger.warning("headers %r", {"Authorization": "Bearer tok.en"})
    logger.info("the value is company-secret")
    try:
        raise RuntimeError("upload refused for qbdc_live_0123456789")
    except RuntimeError:
        logger.exception("upload failed with Basic dXNlcjpwYXNz")
    handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "qbdc_live_0123456789" not in text
    assert "tok.en" not in text
    assert "dXNlcjpwYXNz" not in text
    assert "company-secret" not in text
    assert "linked with qbdc_***" in text
    assert "'Authorization': 'Bearer ***'" in text
    assert "RuntimeError: upload refused for qbdc_***" in text
    assert "Traceback" in text


def test_add_secret_masks_from_then_on(tmp_path: Path, logger: logging.Logger) -> None:
    path = tmp_path / "connector.log"
    handler = configure_connector_logging(path, logger_name=LOGGER)
    redaction = next(f for f in handler.filters if isinstance(f, RedactionFilter))
    redaction.add_secret("LIC-9")
    logger.info("licence LIC-9")
    handler.flush()
    assert path.read_text(encoding="utf-8").rstrip().endswith("licence ***")


def test_the_log_rotates(tmp_path: Path, logger: logging.Logger) -> None:
    path = tmp_path / "connector.log"
    handler = configure_connector_logging(path, logger_name=LOGGER, max_bytes=2000, backup_count=2)
    for i in range(200):
        logger.info("line %d %s", i, "x" * 40)
    handler.flush()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["connector.log", "connector.log.1", "connector.log.2"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir())


def test_the_defaults_are_five_backups_of_two_megabytes(
    tmp_path: Path, logger: logging.Logger
) -> None:
    handler = configure_connector_logging(tmp_path / "connector.log", logger_name=LOGGER)
    assert handler.maxBytes == 2 * 1024 * 1024
    assert handler.backupCount == 5


def test_configuring_again_replaces_the_handler(tmp_path: Path, logger: logging.Logger) -> None:
    first = configure_connector_logging(tmp_path / "a.log", logger_name=LOGGER)
    second = configure_connector_logging(tmp_path / "b.log", logger_name=LOGGER)
    handlers = [h for h in logger.handlers if isinstance(h, ConnectorLogHandler)]
    assert handlers == [second]
    assert first.stream is None  # closed
    assert logger.level == logging.INFO

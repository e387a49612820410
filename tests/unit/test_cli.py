"""The `qbdlink` command: --help, and `qbdlink qbxml validate FILE...`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qbdlink import cli

runner = CliRunner()

VALID = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<?qbxml version="16.0"?>\n'
    b'<QBXML>\n  <QBXMLMsgsRq onError="stopOnError">\n'
    b"    <CustomerQueryRq><MaxReturned>5</MaxReturned></CustomerQueryRq>\n"
    b"  </QBXMLMsgsRq>\n</QBXML>\n"
)
INVALID = VALID.replace(b"MaxReturned", b"MaxRetrned")


@pytest.fixture(autouse=True)
def _no_xsd_dir_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.XSD_DIR_ENV, raising=False)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_help_lists_the_command_groups() -> None:
    result = runner.invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    assert "qbxml" in result.output


def test_qbxml_help_lists_validate() -> None:
    result = runner.invoke(cli.app, ["qbxml", "--help"])
    assert result.exit_code == 0
    assert "validate" in result.output


def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("qbdlink ")


def test_validate_valid_file(tmp_path: Path, xsd_dir: Path) -> None:
    path = write(tmp_path, "ok.xml", VALID)
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: valid (qbXML 16.0, schema 16.0)\n"


def test_validate_request_samples(qbxml_samples_dir: Path, xsd_dir: Path) -> None:
    samples = sorted((qbxml_samples_dir / "requests").glob("*.xml"))
    args = ["qbxml", "validate", "--xsd-dir", str(xsd_dir), *map(str, samples)]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert f"{samples[0]}: valid (qbXML 2.0, schema 13.0)" in result.output.splitlines()
    assert len(result.output.splitlines()) == len(samples)


def test_validate_invalid_file(tmp_path: Path, xsd_dir: Path) -> None:
    good = write(tmp_path, "good.xml", VALID)
    bad = write(tmp_path, "bad.xml", INVALID)
    result = runner.invoke(
        cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(good), str(bad)]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{good}: valid (qbXML 16.0, schema 16.0)"
    assert lines[1].startswith(f"{bad}:5: Element 'MaxRetrned': This element is not expected.")
    assert len(lines) == 2


def test_validate_real_response_that_the_13_schema_rejects(
    tmp_path: Path, qbxml_samples_dir: Path, xsd_dir: Path
) -> None:
    sample = qbxml_samples_dir / "responses" / "receive_payment_query_rs.xml"
    # QuickBooks writes no version instruction into responses: without one, that is the problem.
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(sample)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{sample}:1: no qbXML version")
    # With one (one line more), the schema's own problems, at their lines.
    declaration, rest = sample.read_bytes().split(b"\n", 1)
    path = write(tmp_path, sample.name, declaration + b'\n<?qbxml version="13.0"?>\n' + rest)
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:31: Element 'CreditCardTxnInfo': Missing child element")
    assert lines[1].startswith(f"{path}:36: Element 'TransactionMode': This element is not")


def test_validate_not_well_formed(tmp_path: Path, xsd_dir: Path) -> None:
    path = write(tmp_path, "cut.xml", VALID[: -len(b"</QBXML>\n")])
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(path)])
    assert result.exit_code == 1
    assert (
        result.output == f"{path}:7: not well-formed: Premature end of data in tag QBXML line 3\n"
    )


def test_validate_missing_version_instruction(tmp_path: Path, xsd_dir: Path) -> None:
    path = write(tmp_path, "nopi.xml", VALID.replace(b'<?qbxml version="16.0"?>\n', b""))
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:1: no qbXML version")
    assert '<?qbxml version="16.0"?>' in result.output


def test_validate_unreadable_file(tmp_path: Path, xsd_dir: Path) -> None:
    good = write(tmp_path, "good.xml", VALID)
    missing = tmp_path / "missing.xml"
    a_directory = tmp_path
    result = runner.invoke(
        cli.app,
        ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(missing), str(a_directory), str(good)],
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{missing}: cannot read: No such file or directory"
    assert lines[1] == f"{a_directory}: cannot read: Is a directory"
    assert lines[2] == f"{good}: valid (qbXML 16.0, schema 16.0)"


def test_validate_needs_a_file() -> None:
    result = runner.invoke(cli.app, ["qbxml", "validate"])
    assert result.exit_code == 2


def assert_schemas_not_found(result_output: str, exit_code: int) -> None:
    assert exit_code == 2
    assert "qbXML schema" in result_output
    assert "QuickBooks SDK" in result_output
    assert "--xsd-dir" in result_output
    assert cli.XSD_DIR_ENV in result_output


def test_validate_xsd_dir_without_schemas(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.xml", VALID)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli.app, ["qbxml", "validate", "--xsd-dir", str(empty), str(path)])
    assert_schemas_not_found(result.output, result.exit_code)
    assert "--xsd-dir" in result.output
    assert str(empty / "13.0" / "qbxmlops130.xsd") in result.output
    assert f"{path}:" not in result.output


def test_validate_xsd_dir_from_environment(
    tmp_path: Path, xsd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "ok.xml", VALID)
    monkeypatch.setenv(cli.XSD_DIR_ENV, str(xsd_dir))
    assert runner.invoke(cli.app, ["qbxml", "validate", str(path)]).exit_code == 0
    monkeypatch.setenv(cli.XSD_DIR_ENV, str(tmp_path / "nowhere"))
    result = runner.invoke(cli.app, ["qbxml", "validate", str(path)])
    assert_schemas_not_found(result.output, result.exit_code)
    assert f"from {cli.XSD_DIR_ENV}" in result.output


def test_validate_schemas_not_found_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "ok.xml", VALID)
    monkeypatch.setattr(cli, "_search_starts", lambda: [tmp_path])
    result = runner.invoke(cli.app, ["qbxml", "validate", str(path)])
    assert_schemas_not_found(result.output, result.exit_code)
    assert "were not found" in result.output


def test_find_xsd_dir_searches_parent_directories(tmp_path: Path) -> None:
    found = tmp_path / "shared" / "conformance" / "qbxml-xsd"
    for version, name in (("13.0", "qbxmlops130.xsd"), ("16.0", "qbxmlops160.xsd")):
        (found / version).mkdir(parents=True)
        (found / version / name).write_text("<x/>")
    start = tmp_path / "main" / "src" / "qbdlink"
    start.mkdir(parents=True)
    assert cli.find_xsd_dir(None, [tmp_path / "elsewhere", start]) == found


def test_find_xsd_dir_finds_the_checkouts_shared_folder(xsd_dir: Path) -> None:
    # In a development checkout ../shared/ lies beside the project root.
    assert cli.find_xsd_dir(None).resolve() == xsd_dir.resolve()


def test_python_dash_m_qbdlink(tmp_path: Path, xsd_dir: Path) -> None:
    path = write(tmp_path, "bad.xml", INVALID)
    env = {k: v for k, v in os.environ.items() if k != cli.XSD_DIR_ENV}
    completed = subprocess.run(
        [sys.executable, "-m", "qbdlink", "qbxml", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.startswith(f"{path}:5: ")


def test_validate_quickbooks_response_with_qbxml_version(
    qbxml_samples_dir: Path, xsd_dir: Path
) -> None:
    # QuickBooks' responses carry no <?qbxml?> instruction: --qbxml-version supplies one.
    sample = qbxml_samples_dir / "responses" / "customer_query_rs.xml"
    args = ["qbxml", "validate", "--xsd-dir", str(xsd_dir), str(sample)]
    without = runner.invoke(cli.app, args)
    assert without.exit_code == 1
    assert "no qbXML version" in without.output
    with_version = runner.invoke(cli.app, [*args, "--qbxml-version", "13.0"])
    assert with_version.exit_code == 0, with_version.output
    assert "valid (qbXML 13.0, schema 13.0)" in with_version.output

"""The committed message classes are exactly what the generator makes from the XSDs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
COMMITTED = PROJECT / "src" / "qbdlink" / "qbxml" / "messages"


def test_generated_messages_are_fresh(tmp_path: Path, conformance_dir: Path) -> None:
    out = tmp_path / "messages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.qbxmlgen",
            "--conformance",
            str(conformance_dir),
            "--out",
            str(out),
        ],
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    fresh = {path.name: path.read_text() for path in out.glob("*.py")}
    committed = {path.name: path.read_text() for path in COMMITTED.glob("*.py")}
    assert sorted(fresh) == sorted(committed), "module set differs: run python -m tools.qbxmlgen"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale generated modules {stale}: run python -m tools.qbxmlgen"

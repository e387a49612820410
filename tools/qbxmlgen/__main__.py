"""``python -m tools.qbxmlgen [--conformance DIR] [--out DIR]``: regenerate the messages."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from .emit import (
    HEADER,
    Model,
    build_model,
    render_module,
    render_paths,
    render_specs,
    request_paths,
)
from .ops import OpsRule, read_ops
from .scope import MODULES
from .xsd_model import Schema

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFORMANCE = ROOT.parent / "shared" / "conformance"
DEFAULT_OUT = ROOT / "src" / "qbdlink" / "qbxml" / "messages"


def generate(conformance: Path, out: Path) -> None:
    schema16 = Schema(conformance / "qbxml-xsd" / "16.0")
    schema13 = Schema(conformance / "qbxml-xsd" / "13.0")
    ops = read_ops(conformance / "qbxml-ops" / "qbxmlops140.xml")
    _check_ops_agree(ops, read_ops(conformance / "qbxml-ops" / "qbxmlops130.xml"))
    model = build_model(schema16)
    model13 = build_model(schema13)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.py"):
        stale.unlink()
    modules = sorted(set(model.module_of.values()))
    for module in modules:
        (out / f"{module}.py").write_text(render_module(model, module))
    (out / "_specs.py").write_text(render_specs(model))
    paths = render_paths(request_paths(model), set(request_paths(model13)), ops)
    (out / "_paths.py").write_text(paths)
    (out / "__init__.py").write_text(_render_init(model, modules))
    _format(out)


def _check_ops_agree(ops14: dict[str, OpsRule], ops13: dict[str, OpsRule]) -> None:
    # One length table serves 13.0 and 14.0 because Intuit's annotations agree on every
    # path both have; stop if that ever changes, so per-version tables get added.
    for path, rule13 in ops13.items():
        rule14 = ops14.get(path)
        if rule14 is not None and rule13.max_length != rule14.max_length:
            raise SystemExit(f"qbxmlops130 and 140 disagree on the length of {path}")


def _render_init(model: Model, modules: list[str]) -> str:
    lines = [
        HEADER.replace(
            '"""\n', '\n\nEvery class is a frozen dataclass; see qbdlink.qbxml.schema.\n"""\n', 1
        )
    ]
    names: list[str] = []
    for module in modules:
        module_names = sorted(
            model.classes[k].name for k in model.classes if model.module_of[k] == module
        )
        names += module_names
        lines.append(f"from .{module} import (")
        lines += [f"    {name}," for name in module_names]
        lines.append(")")
    lines.append("from ._specs import RECORDS, REQUESTS, RESPONSES")
    lines.append("")
    lines.append("__all__ = [")
    lines += [f'    "{name}",' for name in sorted([*names, "RECORDS", "REQUESTS", "RESPONSES"])]
    lines.append("]")
    lines.append(f"# scope: {len(MODULES)} entity modules")
    return "\n".join(lines) + "\n"


def _format(out: Path) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    subprocess.run(
        [ruff, "check", "--fix-only", "--quiet", "--select", "I,F401", str(out)], check=False
    )
    subprocess.run([ruff, "format", "--quiet", str(out)], check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.qbxmlgen", description=__doc__)
    parser.add_argument("--conformance", type=Path, default=DEFAULT_CONFORMANCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    generate(args.conformance, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""The packaged connector's entry point: no arguments opens the setup wizard, otherwise the
connector's own commands (``qbdlink-connector.exe run``, ``status-window``, ``uninstall``...)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # A windowed build has no console: give click somewhere to write.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    from qbdlink.connector.cli import connector_app

    if len(sys.argv) == 1:
        sys.argv.append("wizard")
    connector_app(prog_name="qbdlink-connector")


if __name__ == "__main__":
    main()

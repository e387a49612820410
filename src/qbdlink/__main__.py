"""``python -m qbdlink``: the same as the ``qbdlink`` command."""

from qbdlink.cli import app

if __name__ == "__main__":
    app(prog_name="qbdlink")

"""Recording fakes for the install seams (a command runner, an in-memory file system)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from qbdlink.connector.install.seams import CommandResult

OK = CommandResult(0)


class RecordingRunner:
    """Records every command; answers from ``results`` (by exact argv), else ``default``."""

    def __init__(
        self,
        results: Mapping[tuple[str, ...], CommandResult] | None = None,
        default: CommandResult = OK,
    ) -> None:
        self.results = dict(results or {})
        self.default = default
        self.calls: list[tuple[str, ...]] = []
        self.detached: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str]) -> CommandResult:
        key = tuple(argv)
        self.calls.append(key)
        return self.results.get(key, self.default)

    def start_detached(self, argv: Sequence[str]) -> None:
        self.detached.append(tuple(argv))


class MemoryFileSystem:
    """Files as a dict of path -> bytes; every operation is recorded in ``ops``."""

    def __init__(self, files: Mapping[PurePath, bytes] | None = None) -> None:
        self.files: dict[PurePath, bytes] = dict(files or {})
        self.modes: dict[PurePath, int] = {}
        self.ops: list[tuple[str, PurePath]] = []

    def write_bytes(self, path: PurePath, data: bytes, *, mode: int = 0o644) -> None:
        self.ops.append(("write", path))
        self.files[path] = data
        self.modes[path] = mode

    def exists(self, path: PurePath) -> bool:
        return path in self.files or any(path in f.parents for f in self.files)

    def remove_file(self, path: PurePath) -> bool:
        self.ops.append(("remove_file", path))
        return self.files.pop(path, None) is not None

    def remove_tree(self, path: PurePath) -> bool:
        self.ops.append(("remove_tree", path))
        inside = [f for f in self.files if path in f.parents]
        for f in inside:
            del self.files[f]
        return bool(inside)

    def remove_empty_dir(self, path: PurePath) -> bool:
        self.ops.append(("remove_empty_dir", path))
        return False

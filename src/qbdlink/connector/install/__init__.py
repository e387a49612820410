"""Installing, verifying, starting with the machine, and removing the connector.

- ``paths``: where everything lives (pure): :class:`InstallLayout`, :func:`safe_folder_name`.
- ``admin``: administrator rights, and what an administrator must do without them.
- ``manifest``: the Ed25519-signed manifest of the installed files, and their verification.
- ``install``: copying the files (idempotent), with progress and typed errors.
- ``autostart``: the Task Scheduler task / systemd user unit / XDG autostart entry.
- ``credentials``: the connector credential at rest (DPAPI on Windows, a 0600 file elsewhere).
- ``logging_setup``: the rotating, redacted ``connector.log``.
- ``uninstall``: the plan and its execution (on Windows, a cleanup after the process exits).
- ``seams``: the command runner and file system the modules do their I/O through.

Nothing here imports Windows-only modules at import time; the few Windows calls (DPAPI,
``IsUserAnAdmin``) are imported inside the functions that make them.
"""

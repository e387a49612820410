"""The errors of installing, verifying, registering and removing the connector.

Each says what went wrong with which file or command, and what a person can do about it.
"""

from __future__ import annotations

from ...errors import ConfigurationError, PermanentError, UserActionError

__all__ = [
    "REINSTALL_FIX",
    "AdministratorRequiredError",
    "AutostartError",
    "CredentialProtectionError",
    "DiskFullError",
    "FileInUseError",
    "InsecureCredentialFileError",
    "InstallError",
    "InstallPermissionError",
    "IntegrityError",
    "ManifestFormatError",
    "ManifestSignatureError",
    "MissingFileError",
    "TamperedFileError",
]

REINSTALL_FIX = (
    "Download the connector again from the Link page and run the new download to reinstall it. "
    "If this keeps happening, ask whoever manages the antivirus on this PC to allow the "
    "connector's folder."
)


class AdministratorRequiredError(UserActionError):
    """Installing (and the first link) needs a Windows administrator."""

    default_code = "connector.install.administrator_required"


class IntegrityError(UserActionError):
    """The installed files are not the ones the publisher signed: the connector refuses to run."""

    default_code = "connector.install.integrity"
    default_fix = REINSTALL_FIX

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.path = path


class ManifestSignatureError(IntegrityError):
    """The manifest's signature does not check out with the publisher's key."""

    default_code = "connector.install.manifest_signature"


class ManifestFormatError(IntegrityError):
    """The signed manifest cannot be read (damaged, truncated, or not a manifest)."""

    default_code = "connector.install.manifest_format"


class TamperedFileError(IntegrityError):
    """An installed file differs from the signed manifest (size or SHA-256)."""

    default_code = "connector.install.tampered_file"


class MissingFileError(IntegrityError):
    """A file the signed manifest lists is not installed."""

    default_code = "connector.install.missing_file"


class InstallError(PermanentError):
    """Copying the connector's files failed for a reason no person can fix on the spot."""

    default_code = "connector.install.failed"
    default_fix = "Run the installer again; if it fails again, send connector.log to support."


class DiskFullError(UserActionError):
    default_code = "connector.install.disk_full"


class InstallPermissionError(UserActionError):
    default_code = "connector.install.permission_denied"


class FileInUseError(UserActionError):
    default_code = "connector.install.file_in_use"


class AutostartError(UserActionError):
    """Registering (or removing) the start-with-the-machine entry failed."""

    default_code = "connector.install.autostart"


class InsecureCredentialFileError(ConfigurationError):
    """The credential file can be read by other users: the connector will not use it."""

    default_code = "connector.install.insecure_credential_file"


class CredentialProtectionError(PermanentError):
    """Protecting or unprotecting the credential (DPAPI) failed."""

    default_code = "connector.install.credential_protection"
    default_fix = (
        "Link the connector again from the Link page: the saved credential cannot be read by "
        "this Windows user."
    )

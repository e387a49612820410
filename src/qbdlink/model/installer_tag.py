"""Tagged connector installers: a signed tag inside an Authenticode-signed Windows executable.

The platform personalises one signed base installer per download: it appends a *tag* (the
client's name, the regions' platform addresses and the licence key, signed with the platform's
Ed25519 key) inside the executable's Authenticode certificate table, the way Google's Omaha
tags its installers. The connector reads the tag back from its own file, checks the signature
with the platform key it trusts, and prefills the link from it. Pure bytes: no files, no
network; the platform and the connector share this module.

The tag (``sign_tag`` writes it, ``verify_tag`` reads it), all integers big-endian::

    magic     11 bytes  b"QBDLINK-TAG"
    version    1 byte   1
    length     4 bytes  n, the payload's length (at most MAX_PAYLOAD_BYTES)
    payload    n bytes  canonical JSON (sorted keys, no spaces, ASCII only), see TagPayload
    signature 64 bytes  Ed25519 over magic..payload (so version and length are signed too)

Where it goes (``embed_tag`` / ``extract_tag``): a signed PE file ends with its certificate
table (data directory entry 4 of the optional header: a *file offset* and a size), which holds
one WIN_CERTIFICATE: ``dwLength`` (u32, header included), ``wRevision`` (0x0200),
``wCertificateType`` (2, PKCS#7 SignedData), then the DER PKCS#7 blob. The Authenticode hash
leaves out the certificate table (and the optional header's CheckSum and that data directory
entry), so bytes appended after the DER blob, inside the WIN_CERTIFICATE, change neither the
signed digest nor the signature: the tag goes there, followed by zero padding to a multiple of
8 bytes; ``dwLength`` and the data directory's size both grow to match, and the optional
header's CheckSum is recomputed (when the file had one). Re-tagging replaces the earlier tag:
whatever followed the DER blob is dropped first.

Limits of the technique: Windows rejects data appended after the PKCS#7 blob when the opt-in
``EnableCertPaddingCheck`` hardening (MS13-098) is turned on; Omaha's alternative, a
"superfluous certificate" carrying the tag inside the PKCS#7 certificate set, is not done here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import struct
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qbdlink.errors import PermanentError

__all__ = [
    "INSTALLER_MEDIA_TYPE",
    "INSTALLER_SUFFIX",
    "MAX_PAYLOAD_BYTES",
    "PAYLOAD_FORMAT",
    "TAG_MAGIC",
    "TAG_VERSION",
    "InstallerPeError",
    "InvalidTagError",
    "MalformedPeError",
    "TagPayload",
    "UnsignedPeError",
    "embed_tag",
    "extract_tag",
    "installer_content_disposition",
    "key_id",
    "public_key_from_base64",
    "public_key_to_base64",
    "safe_installer_filename",
    "sign_tag",
    "unicode_installer_filename",
    "verify_tag",
]

TAG_MAGIC = b"QBDLINK-TAG"
TAG_VERSION = 1
_HEADER = struct.Struct(">11sBI")  # magic, version, payload length
_SIGNATURE_BYTES = 64
MAX_PAYLOAD_BYTES = 16 * 1024
PAYLOAD_FORMAT = "qbdlink-installer-tag/1"

INSTALLER_MEDIA_TYPE = "application/vnd.microsoft.portable-executable"
INSTALLER_SUFFIX = "-quickbooksDesktop-connector.exe"
MAX_CLIENT_NAME_CHARS = 100
FALLBACK_CLIENT_NAME = "qbdlink"

# PE layout (Microsoft PE/COFF specification).
_DOS_E_LFANEW = 0x3C
_PE_SIGNATURE = b"PE\0\0"
_COFF_HEADER_BYTES = 20
_OPTIONAL_MAGIC_PE32 = 0x10B
_OPTIONAL_MAGIC_PE32_PLUS = 0x20B
# Offsets inside the optional header: NumberOfRvaAndSizes, then the data directories.
_DIRECTORY_OFFSETS = {_OPTIONAL_MAGIC_PE32: (92, 96), _OPTIONAL_MAGIC_PE32_PLUS: (108, 112)}
_CHECKSUM_OFFSET = 64  # in the optional header, the same for PE32 and PE32+
_CERTIFICATE_DIRECTORY = 4
_WIN_CERTIFICATE = struct.Struct("<IHH")  # dwLength, wRevision, wCertificateType
_WIN_CERT_REVISIONS = (0x0100, 0x0200)
_WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002
_ALIGNMENT = 8


class InvalidTagError(PermanentError):
    """A tag that is not one of ours, is damaged, or is not signed by the trusted key."""

    default_code = "installer_tag.invalid"
    default_fix = "Download the connector again from the Link page."


class InstallerPeError(PermanentError):
    """The executable cannot carry a tag; the message says why."""

    default_code = "installer_tag.pe"
    default_fix = "Use the publisher's Authenticode-signed connector installer (.exe)."


class MalformedPeError(InstallerPeError):
    """Not a PE file, or one whose headers or certificate table do not hold together."""

    default_code = "installer_tag.pe.malformed"


class UnsignedPeError(InstallerPeError):
    """A PE file without an Authenticode signature: there is no certificate table to tag."""

    default_code = "installer_tag.pe.unsigned"
    default_fix = "Sign the installer (signtool or osslsigncode) before the platform serves it."


# --- the payload -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagPayload:
    """What a tag says: whose connector it is, where the platforms are, and the licence key."""

    client_name: str
    licence_key: str
    region_urls: dict[str, str] = field(default_factory=dict)
    issued_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if not isinstance(self.client_name, str) or not self.client_name.strip():
            raise InvalidTagError("The tag's client name is empty.")
        if not isinstance(self.licence_key, str) or not self.licence_key.strip():
            raise InvalidTagError("The tag's licence key is empty.")
        if not isinstance(self.region_urls, Mapping) or not all(
            isinstance(k, str) and k and isinstance(v, str) and _is_http_url(v)
            for k, v in self.region_urls.items()
        ):
            raise InvalidTagError("The tag's region URLs are not region -> http(s) URL.")
        if not isinstance(self.issued_at, datetime) or self.issued_at.utcoffset() is None:
            raise InvalidTagError("The tag's issue time has no time zone.")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PAYLOAD_FORMAT,
            "clientName": self.client_name,
            "licenceKey": self.licence_key,
            "regionUrls": dict(sorted(self.region_urls.items())),
            "issuedAt": _iso(self.issued_at),
        }

    def canonical_bytes(self) -> bytes:
        """The signed form: sorted keys, no whitespace, ASCII only (non-ASCII as \\u escapes)."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return text.encode("ascii")

    @classmethod
    def from_canonical_bytes(cls, data: bytes) -> TagPayload:
        try:
            doc = json.loads(data.decode("ascii"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidTagError("The tag's payload is not ASCII JSON.") from exc
        if not isinstance(doc, dict) or doc.get("format") != PAYLOAD_FORMAT:
            raise InvalidTagError(f"The tag's payload is not a {PAYLOAD_FORMAT} document.")
        issued = doc.get("issuedAt")
        regions = doc.get("regionUrls")
        if not isinstance(issued, str) or not isinstance(regions, dict):
            raise InvalidTagError("The tag's payload lacks issuedAt or regionUrls.")
        try:
            issued_at = datetime.fromisoformat(issued)
        except ValueError as exc:
            raise InvalidTagError(f"The tag's issuedAt {issued!r} is not a date-time.") from exc
        return cls(
            client_name=doc.get("clientName", ""),  # types checked in __post_init__
            licence_key=doc.get("licenceKey", ""),
            region_urls=regions,
            issued_at=issued_at,
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _is_http_url(value: str) -> bool:
    parsed = urllib.parse.urlsplit(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


# --- signing -----------------------------------------------------------------------------------


def sign_tag(payload: TagPayload, private_key: Ed25519PrivateKey) -> bytes:
    """The tag bytes: header, canonical payload, Ed25519 signature over both."""
    body = payload.canonical_bytes()
    if len(body) > MAX_PAYLOAD_BYTES:
        raise InvalidTagError(
            f"The tag's payload is {len(body)} bytes; at most {MAX_PAYLOAD_BYTES} fit.",
            fix="Shorten the client name or the region URLs.",
        )
    signed = _HEADER.pack(TAG_MAGIC, TAG_VERSION, len(body)) + body
    return signed + private_key.sign(signed)


def verify_tag(blob: bytes, public_key: Ed25519PublicKey) -> TagPayload:
    """Check the tag's framing and signature, then read its payload (:class:`InvalidTagError`)."""
    if len(blob) < _HEADER.size + _SIGNATURE_BYTES or not blob.startswith(TAG_MAGIC):
        raise InvalidTagError("This is not a qbdlink installer tag (no magic).")
    _magic, version, length = _HEADER.unpack_from(blob)
    if version != TAG_VERSION:
        raise InvalidTagError(
            f"The installer tag has version {version}; this connector reads version {TAG_VERSION}.",
            fix="Download the connector again from the Link page, or update the connector.",
        )
    if length > MAX_PAYLOAD_BYTES or len(blob) != _HEADER.size + length + _SIGNATURE_BYTES:
        raise InvalidTagError(
            f"The installer tag is {len(blob)} bytes, which does not match its length field "
            f"({length})."
        )
    signed, signature = blob[: _HEADER.size + length], blob[_HEADER.size + length :]
    try:
        public_key.verify(signature, signed)
    except InvalidSignature as exc:
        raise InvalidTagError(
            "The installer tag is not signed by the trusted platform key: it was altered, "
            "or it comes from another platform.",
            code="installer_tag.signature",
        ) from exc
    return TagPayload.from_canonical_bytes(signed[_HEADER.size :])


def public_key_to_base64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64: how the platform publishes it and a connector pins it."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidTagError(
            "The platform signing key is not valid base64.",
            code="installer_tag.key",
            fix="Give the 32-byte Ed25519 public key, base64 (GET /connector/v1/signing-key).",
        ) from exc
    if len(raw) != 32:
        raise InvalidTagError(
            f"An Ed25519 public key is 32 bytes, not {len(raw)}.",
            code="installer_tag.key",
            fix="Give the 32-byte Ed25519 public key, base64 (GET /connector/v1/signing-key).",
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint to compare keys by eye: the first 16 hex digits of SHA-256."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- the PE certificate table ------------------------------------------------------------------


@dataclass(frozen=True)
class _CertificateTable:
    directory_entry: int  # file offset of data directory entry 4 (VirtualAddress, Size)
    checksum_field: int  # file offset of the optional header's CheckSum
    offset: int  # the table's file offset (the WIN_CERTIFICATE)
    revision: int
    signature_end: int  # end of the DER PKCS#7 blob (file offset)
    certificate_end: int  # end of the WIN_CERTIFICATE (offset + dwLength)


def _u16(data: bytes, offset: int, what: str) -> int:
    if offset < 0 or offset + 2 > len(data):
        raise MalformedPeError(f"The file ends inside the {what} (offset {offset}).")
    value: int = struct.unpack_from("<H", data, offset)[0]
    return value


def _u32(data: bytes, offset: int, what: str) -> int:
    if offset < 0 or offset + 4 > len(data):
        raise MalformedPeError(f"The file ends inside the {what} (offset {offset}).")
    value: int = struct.unpack_from("<I", data, offset)[0]
    return value


def _certificate_table(pe: bytes) -> _CertificateTable:
    """Find and check the certificate table; raise naming the first thing that is wrong."""
    if len(pe) < 64 or pe[:2] != b"MZ":
        raise MalformedPeError("This is not a Windows executable: it has no MZ (DOS) header.")
    pe_offset = _u32(pe, _DOS_E_LFANEW, "DOS header")
    if pe[pe_offset : pe_offset + 4] != _PE_SIGNATURE:
        raise MalformedPeError(
            f"This is not a PE executable: no PE signature at e_lfanew ({pe_offset})."
        )
    coff = pe_offset + 4
    optional_size = _u16(pe, coff + 16, "COFF header")
    optional = coff + _COFF_HEADER_BYTES
    if optional + optional_size > len(pe):
        raise MalformedPeError("The optional header runs past the end of the file.")
    magic = _u16(pe, optional, "optional header")
    if magic not in _DIRECTORY_OFFSETS:
        raise MalformedPeError(
            f"Unknown optional header magic 0x{magic:04x} (expected 0x10b PE32 or 0x20b PE32+)."
        )
    count_offset, directories = _DIRECTORY_OFFSETS[magic]
    if optional_size < directories:
        raise MalformedPeError("The optional header is too short to hold its data directories.")
    count = _u32(pe, optional + count_offset, "optional header")
    if count <= _CERTIFICATE_DIRECTORY:
        raise UnsignedPeError("The executable has no certificate table entry: it is not signed.")
    if optional_size < directories + 8 * (_CERTIFICATE_DIRECTORY + 1):
        raise MalformedPeError(
            f"The optional header ({optional_size} bytes) is too short for the {count} data "
            "directories it announces."
        )
    entry = optional + directories + 8 * _CERTIFICATE_DIRECTORY
    offset = _u32(pe, entry, "data directory")
    size = _u32(pe, entry + 4, "data directory")
    if offset == 0 and size == 0:
        raise UnsignedPeError(
            "The executable has no Authenticode signature (its certificate table is empty)."
        )
    if offset + size > len(pe):
        raise MalformedPeError(
            f"The certificate table ({size} bytes at {offset}) runs past the end of the file "
            f"({len(pe)} bytes)."
        )
    if offset + size != len(pe):
        raise MalformedPeError(
            f"The certificate table is not at the end of the file ({len(pe) - offset - size} "
            "bytes follow it), so it cannot grow to hold a tag."
        )
    if offset < optional + optional_size or size < _WIN_CERTIFICATE.size:
        raise MalformedPeError("The certificate table overlaps the headers or is too small.")
    length, revision, kind = _WIN_CERTIFICATE.unpack_from(pe, offset)
    if length < _WIN_CERTIFICATE.size or length > size:
        raise MalformedPeError(
            f"The WIN_CERTIFICATE length ({length}) does not fit its table ({size} bytes)."
        )
    if _round_up(length) != _round_up(size):
        raise MalformedPeError(
            "The certificate table holds more than one WIN_CERTIFICATE; only a single "
            "Authenticode signature can be tagged."
        )
    if revision not in _WIN_CERT_REVISIONS:
        raise MalformedPeError(f"Unknown WIN_CERTIFICATE revision 0x{revision:04x}.")
    if kind != _WIN_CERT_TYPE_PKCS_SIGNED_DATA:
        raise UnsignedPeError(
            f"The certificate table holds certificate type {kind}, not an Authenticode "
            "PKCS#7 signature."
        )
    certificate_end = offset + length
    signature_end = _der_end(pe, offset + _WIN_CERTIFICATE.size, certificate_end)
    return _CertificateTable(
        directory_entry=entry,
        checksum_field=optional + _CHECKSUM_OFFSET,
        offset=offset,
        revision=revision,
        signature_end=signature_end,
        certificate_end=certificate_end,
    )


def _der_end(data: bytes, start: int, limit: int) -> int:
    """Where the DER SEQUENCE at ``start`` ends; it must end by ``limit``."""
    if start + 2 > limit or data[start] != 0x30:
        raise MalformedPeError("The Authenticode signature is not a DER PKCS#7 SEQUENCE.")
    first = data[start + 1]
    if first < 0x80:
        header, length = 2, first
    elif 0x81 <= first <= 0x84:
        count = first & 0x7F
        if start + 2 + count > limit:
            raise MalformedPeError("The PKCS#7 signature's length runs past its certificate.")
        header = 2 + count
        length = int.from_bytes(data[start + 2 : start + header], "big")
    else:
        raise MalformedPeError("The PKCS#7 signature has an indefinite or oversized length.")
    end = start + header + length
    if end > limit:
        raise MalformedPeError(
            f"The PKCS#7 signature ({length} bytes) runs past its WIN_CERTIFICATE."
        )
    return end


def _round_up(value: int) -> int:
    return (value + _ALIGNMENT - 1) // _ALIGNMENT * _ALIGNMENT


def pe_checksum(pe: bytes, checksum_field: int) -> int:
    """The optional header's CheckSum (as imagehlp's CheckSumMappedFile computes it).

    The 16-bit words are summed with end-around carry, i.e. modulo 0xFFFF (65536 = 1 mod
    0xFFFF, so the little-endian integer of the whole file has the same residue), the CheckSum
    field itself counting as zero; then the file length is added.
    """
    data = pe[:checksum_field] + b"\0\0\0\0" + pe[checksum_field + 4 :]
    if len(data) % 2:
        data += b"\0"
    total = int.from_bytes(data, "little")
    folded = total % 0xFFFF
    if folded == 0 and total:
        folded = 0xFFFF
    return (folded + len(pe)) & 0xFFFFFFFF


def signed_content_ranges(pe: bytes) -> tuple[tuple[int, int], ...] | None:
    """The byte ranges a tag can never change: everything but the optional header's CheckSum,
    the certificate table's data directory entry and the certificate table itself (which hold
    the publisher's signature and the tag). Authenticode hashes the same ranges. None when the
    file is not a signed PE."""
    try:
        table = _certificate_table(pe)
    except InstallerPeError:
        return None
    return (
        (0, table.checksum_field),
        (table.checksum_field + 4, table.directory_entry),
        (table.directory_entry + 8, table.offset),
    )


def embed_tag(pe: bytes, blob: bytes) -> bytes:
    """``pe`` with ``blob`` after its PKCS#7 signature, replacing any earlier tag.

    The signature stays valid: only the certificate table, its data directory size and the
    CheckSum change, and the Authenticode hash covers none of them.
    """
    if not blob.startswith(TAG_MAGIC) or len(blob) > _HEADER.size + MAX_PAYLOAD_BYTES + 64:
        raise InvalidTagError("Only a signed qbdlink tag (sign_tag) can be embedded.")
    table = _certificate_table(pe)
    signature = pe[table.offset + _WIN_CERTIFICATE.size : table.signature_end]
    content = signature + blob
    content += b"\0" * (_round_up(len(content)) - len(content))
    length = _WIN_CERTIFICATE.size + len(content)
    tagged = bytearray(pe[: table.offset])
    tagged += _WIN_CERTIFICATE.pack(length, table.revision, _WIN_CERT_TYPE_PKCS_SIGNED_DATA)
    tagged += content
    struct.pack_into("<I", tagged, table.directory_entry + 4, length)
    if _u32(pe, table.checksum_field, "optional header") != 0:
        struct.pack_into("<I", tagged, table.checksum_field, 0)
        checksum = pe_checksum(bytes(tagged), table.checksum_field)
        struct.pack_into("<I", tagged, table.checksum_field, checksum)
    return bytes(tagged)


def extract_tag(pe: bytes) -> bytes | None:
    """The tag bytes after the PKCS#7 signature, or None when the file carries none.

    An unsigned executable carries none. A malformed one raises :class:`MalformedPeError`.
    What is returned is not checked: :func:`verify_tag` does that.
    """
    try:
        table = _certificate_table(pe)
    except UnsignedPeError:
        return None
    appended = pe[table.signature_end : table.certificate_end]
    if not appended.startswith(TAG_MAGIC):
        return None  # nothing, the signer's zero padding, or someone else's tag
    if len(appended) >= _HEADER.size:
        _magic, _version, length = _HEADER.unpack_from(appended)
        total = _HEADER.size + length + _SIGNATURE_BYTES
        if total <= len(appended):
            return appended[:total]
    return appended


# --- the download's file name ------------------------------------------------------------------


def _slug(name: str, keep: Callable[[str], bool]) -> str:
    dashed = "".join(ch if keep(ch) else "-" for ch in name)
    collapsed = re.sub(r"-{2,}", "-", dashed).strip("-")
    return collapsed[:MAX_CLIENT_NAME_CHARS].rstrip("-")


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def safe_installer_filename(client_name: str) -> str:
    """``<ClientName>-quickbooksDesktop-connector.exe`` with only ASCII letters, digits, dashes.

    Accents are dropped first (``Café`` gives ``Cafe``); every other character that is not an
    ASCII letter or digit becomes a dash, runs of dashes collapse, dashes are trimmed from both
    ends and the name is cut to 100 characters. A name with nothing left becomes ``qbdlink``.
    """
    decomposed = unicodedata.normalize("NFKD", client_name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return (_slug(without_marks, _ascii_alnum) or FALLBACK_CLIENT_NAME) + INSTALLER_SUFFIX


def unicode_installer_filename(client_name: str) -> str:
    """The same, keeping letters and digits of every script (``Бухгалтерия-...exe``)."""
    composed = unicodedata.normalize("NFC", client_name)
    return (_slug(composed, str.isalnum) or FALLBACK_CLIENT_NAME) + INSTALLER_SUFFIX


def installer_content_disposition(client_name: str) -> str:
    """``attachment; filename="..."`` plus RFC 6266 ``filename*`` when it says more.

    ASCII whatever the name: the ``filename`` has only letters, digits, dashes and a dot, and
    ``filename*`` is UTF-8 percent-encoded (RFC 8187), given only when non-ASCII letters
    would otherwise be lost.
    """
    plain = safe_installer_filename(client_name)
    header = f'attachment; filename="{plain}"'
    rich = unicode_installer_filename(client_name)
    if rich != plain:
        header += "; filename*=UTF-8''" + urllib.parse.quote(rich, safe="", encoding="utf-8")
    return header

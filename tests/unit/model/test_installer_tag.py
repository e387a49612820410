"""Installer tags: the signed payload, its place in a PE's certificate table, the file name.

The PE files here are built byte by byte (a DOS header, PE signature, COFF and optional
headers, and a certificate table holding a DER SEQUENCE), so every header can be broken on
purpose. tests/integration/test_installer_download.py tags a really signed executable and has
osslsigncode check it.
"""

from __future__ import annotations

import contextlib
import struct
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from qbdlink.model.installer_tag import (
    INSTALLER_SUFFIX,
    MAX_PAYLOAD_BYTES,
    TAG_MAGIC,
    InstallerPeError,
    InvalidTagError,
    MalformedPeError,
    TagPayload,
    UnsignedPeError,
    embed_tag,
    extract_tag,
    installer_content_disposition,
    key_id,
    pe_checksum,
    public_key_from_base64,
    public_key_to_base64,
    safe_installer_filename,
    sign_tag,
    unicode_installer_filename,
    verify_tag,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
ISSUED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
PAYLOAD = TagPayload(
    client_name="Acme & Sons",
    licence_key="1b4e28ba-2fa1-8d2f-a83e-0123456789ab",
    region_urls={"us": "https://us.example.com", "uk": "https://uk.example.com"},
    issued_at=ISSUED,
)
E_LFANEW = 0x40


# --- building PE files -------------------------------------------------------------------------


def der_sequence(content_length: int) -> bytes:
    """A DER SEQUENCE standing in for the PKCS#7 blob (long-form length when needed)."""
    body = bytes(i % 251 for i in range(content_length))
    if content_length < 0x80:
        return bytes([0x30, content_length]) + body
    return bytes([0x30, 0x82]) + content_length.to_bytes(2, "big") + body


def make_pe(
    *,
    plus: bool = True,
    signature: bytes | None = None,
    checksum: int = 0x1234,
    directories: int = 16,
    padding: int | None = None,
) -> bytes:
    """A minimal PE32(+) image; signed (one WIN_CERTIFICATE at the end) unless signature=None."""
    optional_size = (112 if plus else 96) + 8 * directories
    dos = bytearray(E_LFANEW)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, E_LFANEW)
    coff = struct.pack("<HHIIIHH", 0x8664 if plus else 0x14C, 0, 0, 0, 0, optional_size, 0x22)
    optional = bytearray(optional_size)
    struct.pack_into("<H", optional, 0, 0x20B if plus else 0x10B)
    struct.pack_into("<I", optional, 64, checksum)
    struct.pack_into("<I", optional, 108 if plus else 92, directories)
    image = bytearray(dos + b"PE\0\0" + coff + optional)
    image += b"\xcc" * (-len(image) % 8 + 64)  # stands in for the sections
    if signature is not None:
        certificate = bytearray(struct.pack("<IHH", 8 + len(signature), 0x0200, 2) + signature)
        pad = -len(certificate) % 8 if padding is None else padding
        length = len(certificate) + pad
        struct.pack_into("<I", certificate, 0, length)
        entry = E_LFANEW + 24 + (112 if plus else 96) + 8 * 4
        struct.pack_into("<II", image, entry, len(image), length)
        image += certificate + b"\0" * pad
    return bytes(image)


def directory_entry(plus: bool = True) -> int:
    return E_LFANEW + 24 + (112 if plus else 96) + 8 * 4


def certificate_table(pe: bytes, plus: bool = True) -> tuple[int, int]:
    offset, size = struct.unpack_from("<II", pe, directory_entry(plus))
    return offset, size


SIGNED = make_pe(signature=der_sequence(1200))
SIGNED_PE32 = make_pe(plus=False, signature=der_sequence(100))
UNSIGNED = make_pe(signature=None)
TAG = sign_tag(PAYLOAD, KEY)


# --- the payload and its signature ------------------------------------------------------------


def test_payload_round_trips_through_its_canonical_json() -> None:
    data = PAYLOAD.canonical_bytes()
    assert data.isascii() and b" " not in data.replace(b"Acme & Sons", b"")
    assert TagPayload.from_canonical_bytes(data) == PAYLOAD
    assert b'"issuedAt":"2025-03-04T05:06:07Z"' in data


def test_non_latin_client_names_survive_as_ascii_escapes() -> None:
    payload = TagPayload(client_name="Бухгалтерия «Ромашка»", licence_key="k", issued_at=ISSUED)
    data = payload.canonical_bytes()
    assert data.isascii()
    assert TagPayload.from_canonical_bytes(data).client_name == "Бухгалтерия «Ромашка»"


def test_sign_then_verify_gives_the_payload_back() -> None:
    assert TAG.startswith(TAG_MAGIC)
    assert verify_tag(TAG, KEY.public_key()) == PAYLOAD


def test_another_key_does_not_verify() -> None:
    with pytest.raises(InvalidTagError) as caught:
        verify_tag(TAG, OTHER_KEY.public_key())
    assert caught.value.code == "installer_tag.signature"
    assert caught.value.fix


@pytest.mark.parametrize("index", [0, 5, 11, 12, 15, 16, 40, -70, -64, -1])
def test_any_flipped_byte_is_refused(index: int) -> None:
    tampered = bytearray(TAG)
    tampered[index] ^= 0x01
    with pytest.raises(InvalidTagError):
        verify_tag(bytes(tampered), KEY.public_key())


@pytest.mark.parametrize(
    "blob",
    [b"", TAG_MAGIC, TAG[:-1], TAG + b"\0", b"X" * len(TAG), TAG[:16] + TAG[17:]],
    ids=["empty", "magic only", "truncated", "trailing byte", "no magic", "byte missing"],
)
def test_malformed_tags_are_refused(blob: bytes) -> None:
    with pytest.raises(InvalidTagError):
        verify_tag(blob, KEY.public_key())


def test_an_unknown_version_is_named() -> None:
    body = PAYLOAD.canonical_bytes()
    signed = TAG_MAGIC + bytes([2]) + len(body).to_bytes(4, "big") + body
    with pytest.raises(InvalidTagError, match="version 2"):
        verify_tag(signed + KEY.sign(signed), KEY.public_key())


def test_a_signed_payload_that_is_not_ours_is_refused() -> None:
    body = b'{"format":"something-else"}'
    signed = TAG_MAGIC + bytes([1]) + len(body).to_bytes(4, "big") + body
    with pytest.raises(InvalidTagError, match="not a"):
        verify_tag(signed + KEY.sign(signed), KEY.public_key())


def test_a_payload_too_large_is_refused_when_signing() -> None:
    huge = TagPayload(client_name="x" * (MAX_PAYLOAD_BYTES + 1), licence_key="k", issued_at=ISSUED)
    with pytest.raises(InvalidTagError, match="at most"):
        sign_tag(huge, KEY)


@pytest.mark.parametrize(
    "fields",
    [
        {"client_name": " "},
        {"licence_key": ""},
        {"region_urls": {"us": "ftp://x"}},
        {"region_urls": {"us": "not a url"}},
        {"issued_at": datetime(2025, 1, 1)},  # naive on purpose
    ],
)
def test_payload_fields_are_checked(fields: dict[str, object]) -> None:
    values: dict[str, object] = {
        "client_name": "Acme",
        "licence_key": "k",
        "region_urls": {},
        "issued_at": ISSUED,
    }
    with pytest.raises(InvalidTagError):
        TagPayload(**(values | fields))  # type: ignore[arg-type]


def test_issue_time_keeps_its_instant_across_time_zones() -> None:
    local = ISSUED.astimezone(timezone(timedelta(hours=2)))
    payload = TagPayload(client_name="A", licence_key="k", issued_at=local)
    assert TagPayload.from_canonical_bytes(payload.canonical_bytes()).issued_at == ISSUED


def test_public_keys_round_trip_through_base64() -> None:
    text = public_key_to_base64(KEY.public_key())
    assert key_id(public_key_from_base64(text)) == key_id(KEY.public_key())
    for bad in ("not base64!", "AAAA"):
        with pytest.raises(InvalidTagError) as caught:
            public_key_from_base64(bad)
        assert caught.value.code == "installer_tag.key"


# --- embedding in the certificate table --------------------------------------------------------


@pytest.mark.parametrize("pe", [SIGNED, SIGNED_PE32], ids=["PE32+", "PE32"])
def test_embed_then_extract_round_trips(pe: bytes) -> None:
    plus = pe is SIGNED
    tagged = embed_tag(pe, TAG)
    assert extract_tag(tagged) == TAG
    assert verify_tag(extract_tag(tagged) or b"", KEY.public_key()) == PAYLOAD
    offset, size = certificate_table(tagged, plus)
    assert offset + size == len(tagged)
    assert size % 8 == 0
    assert struct.unpack_from("<I", tagged, offset)[0] == size  # dwLength == directory size
    assert struct.unpack_from("<HH", tagged, offset + 4) == (0x0200, 2)


def test_the_signed_bytes_do_not_change() -> None:
    """What Authenticode hashes: all but the CheckSum, directory entry 4 and the table."""
    tagged = embed_tag(SIGNED, TAG)
    offset, _size = certificate_table(SIGNED)
    checksum = E_LFANEW + 24 + 64
    entry = directory_entry()

    def hashed(data: bytes) -> bytes:
        return data[:checksum] + data[checksum + 4 : entry] + data[entry + 8 : offset]

    assert hashed(tagged) == hashed(SIGNED)
    signature = der_sequence(1200)
    assert tagged[offset + 8 : offset + 8 + len(signature)] == signature


def test_the_checksum_is_recomputed_unless_there_was_none() -> None:
    checksum_field = E_LFANEW + 24 + 64
    tagged = embed_tag(SIGNED, TAG)
    stored = struct.unpack_from("<I", tagged, checksum_field)[0]
    assert stored == pe_checksum(tagged, checksum_field) != 0x1234
    untouched = embed_tag(make_pe(signature=der_sequence(300), checksum=0), TAG)
    assert struct.unpack_from("<I", untouched, checksum_field)[0] == 0


def test_the_checksum_matches_a_real_linkers() -> None:
    """pip's distlib launcher, as its linker wrote it (its CheckSum is set)."""
    import pip

    launcher = Path(pip.__file__).parent / "_vendor" / "distlib" / "t64.exe"
    data = launcher.read_bytes()
    field = struct.unpack_from("<I", data, 0x3C)[0] + 24 + 64
    assert pe_checksum(data, field) == struct.unpack_from("<I", data, field)[0] != 0


def test_retagging_replaces_the_earlier_tag() -> None:
    other = sign_tag(TagPayload(client_name="Other", licence_key="k2", issued_at=ISSUED), KEY)
    once = embed_tag(SIGNED, other)
    twice = embed_tag(once, TAG)
    assert extract_tag(twice) == TAG
    assert twice == embed_tag(SIGNED, TAG)


def test_the_signers_own_padding_is_not_a_tag() -> None:
    padded = make_pe(signature=der_sequence(1201), padding=7 + 16)
    assert extract_tag(padded) is None
    assert extract_tag(embed_tag(padded, TAG)) == TAG


def test_someone_elses_appended_data_is_not_a_tag_and_is_replaced() -> None:
    foreign = make_pe(signature=der_sequence(64) + b"Gact2.0Omaha" + b"\0" * 6)
    assert extract_tag(foreign) is None
    assert extract_tag(embed_tag(foreign, TAG)) == TAG


def test_unsigned_executables_carry_no_tag_and_cannot_take_one() -> None:
    assert extract_tag(UNSIGNED) is None
    with pytest.raises(UnsignedPeError) as caught:
        embed_tag(UNSIGNED, TAG)
    assert "no Authenticode signature" in caught.value.message and caught.value.fix
    few_directories = make_pe(directories=4)
    assert extract_tag(few_directories) is None
    with pytest.raises(UnsignedPeError, match="no certificate table entry"):
        embed_tag(few_directories, TAG)


def test_only_a_tag_can_be_embedded() -> None:
    with pytest.raises(InvalidTagError):
        embed_tag(SIGNED, b"anything")


def _patched(pe: bytes, offset: int, fmt: str, value: int) -> bytes:
    data = bytearray(pe)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


TABLE_OFFSET, TABLE_SIZE = certificate_table(SIGNED)
MALFORMED = {
    "empty": (b"", "no MZ"),
    "not MZ": (b"ZM" + SIGNED[2:], "no MZ"),
    "e_lfanew past the end": (_patched(SIGNED, 0x3C, "<I", 10**6), "no PE signature"),
    "e_lfanew huge": (_patched(SIGNED, 0x3C, "<I", 0xFFFFFFFF), "no PE signature"),
    "no PE signature": (SIGNED[:E_LFANEW] + b"NE\0\0" + SIGNED[E_LFANEW + 4 :], "PE signature"),
    "truncated in COFF": (SIGNED[: E_LFANEW + 10], "ends inside the COFF"),
    "optional header past the end": (SIGNED[: E_LFANEW + 100], "past the end"),
    "unknown magic": (_patched(SIGNED, E_LFANEW + 24, "<H", 0x107), "0x0107"),
    "optional header too short": (_patched(SIGNED, E_LFANEW + 20, "<H", 120), "too short"),
    "table past the end": (
        _patched(SIGNED, directory_entry() + 4, "<I", TABLE_SIZE + 8),
        "past the end",
    ),
    "table not at the end": (SIGNED + b"\0" * 8, "not at the end"),
    "table inside the headers": (
        _patched(
            _patched(SIGNED, directory_entry(), "<I", 8),
            directory_entry() + 4,
            "<I",
            len(SIGNED) - 8,
        ),
        "overlaps",
    ),
    "dwLength too large": (_patched(SIGNED, TABLE_OFFSET, "<I", TABLE_SIZE + 1), "length"),
    "dwLength too small": (_patched(SIGNED, TABLE_OFFSET, "<I", 4), "length"),
    "two certificates": (_patched(SIGNED, TABLE_OFFSET, "<I", 16), "more than one"),
    "unknown revision": (_patched(SIGNED, TABLE_OFFSET + 4, "<H", 0x0300), "revision"),
    "not a SEQUENCE": (_patched(SIGNED, TABLE_OFFSET + 8, "<B", 0x31), "SEQUENCE"),
    "indefinite length": (_patched(SIGNED, TABLE_OFFSET + 9, "<B", 0x80), "indefinite"),
    "length past its certificate": (
        _patched(SIGNED, TABLE_OFFSET + 10, ">H", 0xFFFF),
        "runs past",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_executables_are_refused_naming_why(case: str) -> None:
    data, why = MALFORMED[case]
    with pytest.raises(MalformedPeError) as caught:
        embed_tag(data, TAG)
    assert why.lower() in caught.value.message.lower(), caught.value.message
    assert caught.value.code == "installer_tag.pe.malformed" and caught.value.fix
    with pytest.raises(MalformedPeError):
        extract_tag(data)


def test_a_certificate_of_another_type_is_not_a_signature() -> None:
    x509 = _patched(SIGNED, TABLE_OFFSET + 6, "<H", 1)
    with pytest.raises(UnsignedPeError, match="certificate type 1"):
        embed_tag(x509, TAG)
    assert extract_tag(x509) is None


def test_a_tag_with_a_damaged_length_is_returned_for_verify_to_refuse() -> None:
    tagged = bytearray(embed_tag(SIGNED, TAG))
    start = bytes(tagged).rfind(TAG_MAGIC)
    struct.pack_into(">I", tagged, start + 12, 10**6)
    blob = extract_tag(bytes(tagged))
    assert blob is not None and blob.startswith(TAG_MAGIC)
    with pytest.raises(InvalidTagError):
        verify_tag(blob, KEY.public_key())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_files_fail_only_with_typed_errors(data: st.DataObject) -> None:
    tagged = bytearray(embed_tag(SIGNED_PE32, TAG))
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(tagged) - 1))
        tagged[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(tagged)))
    damaged = bytes(tagged[:cut])
    try:
        blob = extract_tag(damaged)
    except InstallerPeError:
        return
    if blob is not None:
        with contextlib.suppress(InvalidTagError):
            verify_tag(blob, KEY.public_key())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_fail_only_with_typed_errors(data: bytes) -> None:
    with contextlib.suppress(InstallerPeError):
        extract_tag(b"MZ" + data)


# --- the download's file name ------------------------------------------------------------------

NAMES = {
    "Acme": "Acme",
    "Acme Lending": "Acme-Lending",
    "Smith & Sons": "Smith-Sons",
    'O\'Brien "Quoted" Ltd.': "O-Brien-Quoted-Ltd",
    "a/b\\c": "a-b-c",
    "../../etc/passwd": "etc-passwd",
    "..": "qbdlink",
    "Café Ünïcode": "Cafe-Unicode",
    "Бухгалтерия": "qbdlink",
    "東京会計 Tokyo": "Tokyo",
    "  --Acme--  ": "Acme",
    "": "qbdlink",
    "\r\nSet-Cookie: x=1": "Set-Cookie-x-1",
    "a;b,c=d": "a-b-c-d",
    "ＡＢＣ": "ABC",
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_installer_file_names(name: str) -> None:
    assert safe_installer_filename(name) == NAMES[name] + INSTALLER_SUFFIX


def test_very_long_names_are_cut_without_a_trailing_dash() -> None:
    name = ("ab " * 200).strip()
    client = safe_installer_filename(name).removesuffix(INSTALLER_SUFFIX)
    assert len(client) <= 100 and not client.endswith("-")
    assert len(safe_installer_filename("x" * 10_000)) == 100 + len(INSTALLER_SUFFIX)


@pytest.mark.parametrize("name", [*sorted(NAMES), "x" * 5000, "😀 emoji", "\u202eevil.exe"])
def test_the_header_is_ascii_and_safe_whatever_the_name(name: str) -> None:
    header = installer_content_disposition(name)
    header.encode("ascii")
    assert not any(ch in header for ch in "\r\n\0\\")
    assert header.startswith('attachment; filename="')
    plain = header.split('"')[1]
    assert plain == safe_installer_filename(name)
    assert header.count('"') == 2 and header.count(";") <= 2
    if "filename*=" in header:
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert all(ch.isalnum() or ch in "%-._~" for ch in encoded)
        assert urllib.parse.unquote(encoded) == unicode_installer_filename(name)


def test_filename_star_only_when_it_says_more() -> None:
    assert "filename*" not in installer_content_disposition('Smith & Sons / "Ltd" ..')
    header = installer_content_disposition("Бухгалтерия")
    assert 'filename="qbdlink-quickbooksDesktop-connector.exe"' in header
    assert (
        "filename*=UTF-8''%D0%91%D1%83%D1%85%D0%B3%D0%B0%D0%BB%D1%82%D0%B5%D1%80%D0%B8%D1%8F"
        "-quickbooksDesktop-connector.exe" in header
    )
    assert unicode_installer_filename("Café & Co") == "Café-Co" + INSTALLER_SUFFIX

"""Licence keys: a company's id, carrying the region of the deployment that created it.

Company ids are RFC 9562 version-8 UUIDs. The two bits after the variant name the region
(01 US, 10 UK, 11 CA), so the first character of the fourth group is ``9``, ``a`` or ``b``:
``1b4e28ba-2fa1-8d2f-a83e-...`` is a UK key. The connector can thus preselect the region, and a
deployment can tell a user who typed another region's key which region to choose.
"""

from __future__ import annotations

import secrets
import uuid

_REGION_BITS = {"us": 0b01, "uk": 0b10, "ca": 0b11}
_BITS_REGION = {bits: region for region, bits in _REGION_BITS.items()}


def new_company_id(region: str) -> str:
    """A fresh random company id for ``region`` (us, uk or ca)."""
    raw = bytearray(secrets.token_bytes(16))
    raw[6] = 0x80 | (raw[6] & 0x0F)  # version 8
    raw[8] = 0x80 | (_REGION_BITS[region] << 4) | (raw[8] & 0x0F)  # variant 10, region
    return str(uuid.UUID(bytes=bytes(raw)))


def region_of(licence_key: str) -> str | None:
    """The region a licence key (company id) belongs to, or None when it does not say."""
    try:
        value = uuid.UUID(licence_key.strip())
    except ValueError:
        return None
    if value.version != 8 or value.variant != uuid.RFC_4122:
        return None
    return _BITS_REGION.get((value.bytes[8] >> 4) & 0b11)


def is_well_formed(licence_key: str) -> bool:
    try:
        uuid.UUID(licence_key.strip())
    except ValueError:
        return False
    return True

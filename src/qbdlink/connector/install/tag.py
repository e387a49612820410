"""The tag of the installer this connector came from: whose it is, the licence key, the platforms.

The platform appends a signed tag to the Authenticode-signed installer at download time
(``qbdlink.model.installer_tag``). The connector reads it from its own executable and, when the
signature checks out with a platform key it trusts, prefills the link (client name, licence key,
regions' platform addresses). An untagged file, a tag that fails the check, or no trusted key
at all: the tag is ignored (the reason is logged) and the person types the licence key.

Trust decision. Authenticode does not cover the tag (that is why it can be added after
signing), so anyone can re-tag a genuine installer. A tag is therefore trusted only when it
verifies with a key the connector got from somewhere the tag does not control, in this order:

1. keys pinned in the build (:data:`PINNED_PLATFORM_KEYS`): the production answer; the
   release build writes the production deployments' public keys there;
2. ``QBDLINK_PLATFORM_SIGNING_KEY`` (the base64 public key an administrator pins, as
   ``GET /connector/v1/signing-key`` shows it);
3. only when neither gives a key: the key served at ``/connector/v1/signing-key`` by the
   platform addresses configured for this connector (``QBDLINK_REGION_URLS``), which the
   connector trusts anyway, since it sends those platforms its data.

Never the addresses inside the tag itself: a forged tag would name a forger's platform serving
the forger's key, and the connector would send the company's books there.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qbdlink.connector.settings import ENV_REGION_URLS, parse_region_urls
from qbdlink.errors import ConfigurationError
from qbdlink.model import wire
from qbdlink.model.installer_tag import (
    InstallerPeError,
    InvalidTagError,
    TagPayload,
    extract_tag,
    key_id,
    public_key_from_base64,
    verify_tag,
)

__all__ = [
    "ENV_INSTALLER_FILE",
    "ENV_PLATFORM_SIGNING_KEY",
    "PINNED_PLATFORM_KEYS",
    "SIGNING_KEY_PATH",
    "fetch_platform_key",
    "own_executable",
    "own_tag",
    "read_own_tag",
    "trusted_platform_keys",
]

log = logging.getLogger("qbdlink.connector.install.tag")

ENV_PLATFORM_SIGNING_KEY = "QBDLINK_PLATFORM_SIGNING_KEY"
# The tagged installer to read instead of the running executable (development and tests).
ENV_INSTALLER_FILE = "QBDLINK_INSTALLER_FILE"
SIGNING_KEY_PATH = f"{wire.CONNECTOR_API_PREFIX}/signing-key"
# The production platforms' tag-signing public keys (base64), written here by the release build.
PINNED_PLATFORM_KEYS: tuple[str, ...] = ()

KeyFetcher = Callable[[str], Ed25519PublicKey]
# One key, several, none, or a function giving them (called only when a tag is found).
TrustedKeys = (
    Ed25519PublicKey | Iterable[Ed25519PublicKey] | Callable[[], Iterable[Ed25519PublicKey]] | None
)


def read_own_tag(executable: Path, trusted_public_key: TrustedKeys) -> TagPayload | None:
    """The verified tag of ``executable``, or None (with the reason logged)."""
    try:
        data = executable.read_bytes()
    except OSError as exc:
        log.warning("cannot read %s for its installer tag: %s", executable, exc)
        return None
    try:
        blob = extract_tag(data)
    except InstallerPeError as exc:
        log.info("no installer tag: %s is not a tagged installer (%s)", executable, exc.message)
        return None
    if blob is None:
        log.info("no installer tag in %s: asking for the licence key", executable)
        return None
    keys = _as_list(trusted_public_key)
    if not keys:
        log.warning(
            "ignoring the installer tag of %s: no trusted platform key (set %s)",
            executable,
            ENV_PLATFORM_SIGNING_KEY,
        )
        return None
    problem: InvalidTagError | None = None
    for key in keys:
        try:
            payload = verify_tag(blob, key)
        except InvalidTagError as exc:
            problem = exc
            continue
        log.info("installer tag of %s verified with platform key %s", executable, key_id(key))
        return payload
    log.warning(
        "ignoring the installer tag of %s (altered or from an untrusted platform): %s",
        executable,
        problem.message if problem else "no key",
    )
    return None


def own_executable(env: Mapping[str, str] | None = None) -> Path | None:
    """The installer this connector runs from: ``QBDLINK_INSTALLER_FILE``, else the frozen
    executable; None when running from source (nothing is tagged then)."""
    environment = os.environ if env is None else env
    configured = environment.get(ENV_INSTALLER_FILE, "").strip()
    if configured:
        return Path(configured)
    if getattr(sys, "frozen", False):
        return Path(sys.executable)
    return None


def trusted_platform_keys(
    env: Mapping[str, str] | None = None, *, fetch: KeyFetcher | None = None
) -> list[Ed25519PublicKey]:
    """The keys a tag may be signed with (see the module's trust decision)."""
    environment = os.environ if env is None else env
    keys = [public_key_from_base64(text) for text in PINNED_PLATFORM_KEYS]
    configured = environment.get(ENV_PLATFORM_SIGNING_KEY, "").strip()
    if configured:
        try:
            keys.append(public_key_from_base64(configured))
        except InvalidTagError as exc:
            raise ConfigurationError(
                f"{ENV_PLATFORM_SIGNING_KEY}: {exc.message}",
                code="connector.platform_signing_key",
                fix=exc.fix,
            ) from exc
    if keys:
        return keys
    getter = fetch or fetch_platform_key
    for region, url in sorted(parse_region_urls(environment.get(ENV_REGION_URLS, "")).items()):
        try:
            keys.append(getter(url))
        except (httpx.HTTPError, InvalidTagError, ValueError, KeyError, TypeError) as exc:
            log.warning("cannot fetch the %s platform's signing key from %s: %s", region, url, exc)
    return keys


def fetch_platform_key(platform_url: str, *, timeout: float = 10.0) -> Ed25519PublicKey:
    """The tag-signing key a platform the connector already trusts publishes."""
    response = httpx.get(platform_url.rstrip("/") + SIGNING_KEY_PATH, timeout=timeout)
    response.raise_for_status()
    document = response.json()
    return public_key_from_base64(str(document["publicKey"]))


def own_tag(
    env: Mapping[str, str] | None = None,
    *,
    executable: Path | None = None,
    fetch: KeyFetcher | None = None,
) -> TagPayload | None:
    """The verified tag of the installer this connector runs from, or None."""
    path = executable or own_executable(env)
    if path is None:
        return None
    return read_own_tag(path, lambda: trusted_platform_keys(env, fetch=fetch))


def _as_list(keys: TrustedKeys) -> list[Ed25519PublicKey]:
    if keys is None:
        return []
    if isinstance(keys, Ed25519PublicKey):
        return [keys]
    if callable(keys):
        return list(keys())
    return list(keys)

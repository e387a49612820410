"""Codat's example payloads, read from the Lending OpenAPI spec in the conformance material.

The spec is read at test time (never copied into the project) and parsed once per session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .spec_examples import SCHEMA_KEYS, Example


@pytest.fixture(scope="session")
def lending_spec(conformance_dir: Path) -> dict[str, Any]:
    # The C loader reads the 4 MB spec in about a second; the pure-Python one takes a minute.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (conformance_dir / "codat-oas" / "Codat-Lending.yaml").open("rb") as spec:
        document: dict[str, Any] = yaml.load(spec, Loader=loader)
    return document


def _schema_key(ref: str) -> tuple[str, bool] | None:
    """Our key for a response schema, and whether it is a page of records."""
    name = ref.rsplit("/", 1)[-1]
    for schema, key in SCHEMA_KEYS.items():
        if name == schema:
            return key, False
        if name in (schema + "s", schema[:-1] + "ies"):
            return key, True
    return None


@pytest.fixture(scope="session")
def all_examples(lending_spec: dict[str, Any]) -> dict[str, list[Example]]:
    """Every example record of a covered schema, by data type key, from responses and requests."""
    found: dict[str, list[Example]] = {key: [] for key in SCHEMA_KEYS.values()}
    for path, operations in lending_spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            bodies = [r.get("content", {}) for r in operation.get("responses", {}).values()]
            bodies.append(operation.get("requestBody", {}).get("content", {}))
            for body in bodies:
                media = body.get("application/json", {})
                shape = _schema_key(media.get("schema", {}).get("$ref", ""))
                if shape is None:
                    continue
                key, paged = shape
                for name, example in media.get("examples", {}).items():
                    value = example["value"]
                    for record in value["results"] if paged else [value]:
                        found[key].append((f"{method.upper()} {path} [{name}]", record))
    return found


@pytest.fixture(scope="session")
def qbd_examples(all_examples: dict[str, list[Example]]) -> dict[str, list[Example]]:
    """The QuickBooks Desktop examples per key, or every example when a key has none."""
    chosen: dict[str, list[Example]] = {}
    for key, examples in all_examples.items():
        qbd = [example for example in examples if "QuickBooks Desktop" in example[0]]
        chosen[key] = qbd or examples
    return chosen

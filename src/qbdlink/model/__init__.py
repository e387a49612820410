"""The common data model: Codat-shaped records and the connector<->platform wire types.

Imports nothing from the project but ``qbdlink.errors`` (see ARCHITECTURE.md).

- ``types``: ``Money`` (decimals, sent as JSON numbers) and ``IsoDateTime`` (normalised text);
- ``base``: the base model and the shapes data types share (refs, addresses, metadata);
- ``accounting``: one module per Codat data type;
- ``datatypes``: the registry of data types served, and Codat's closed list of keys;
- ``fields``: what a query property holds (for the platform's query language);
- ``records``: validating uploads and dumping records.
"""

from __future__ import annotations

from qbdlink.model.datatypes import ALL_DATA_TYPE_KEYS, DATA_TYPES, DataTypeInfo, data_type
from qbdlink.model.errors import InvalidRecordError, UnknownDataTypeError, UnqueryableFieldError
from qbdlink.model.fields import FieldKind, field_kind
from qbdlink.model.records import dump_record, dump_record_json, parse_record, parse_records_json
from qbdlink.model.types import normalize_datetime_text

__all__ = [
    "ALL_DATA_TYPE_KEYS",
    "DATA_TYPES",
    "DataTypeInfo",
    "FieldKind",
    "InvalidRecordError",
    "UnknownDataTypeError",
    "UnqueryableFieldError",
    "data_type",
    "dump_record",
    "dump_record_json",
    "field_kind",
    "normalize_datetime_text",
    "parse_record",
    "parse_records_json",
]

"""Tax rates (data type ``taxRates``): codat-accounting's ``TaxRate``."""

from __future__ import annotations

from qbdlink.model.base import (
    AccountingRecord,
    CodatModel,
    RecordStatus,
    SupplementalData,
    ValidDataTypeLinks,
)
from qbdlink.model.types import Money

__all__ = ["TaxRate", "TaxRateComponent"]


class TaxRateComponent(CodatModel):
    name: str | None = None
    rate: Money | None = None
    is_compound: bool


class TaxRate(AccountingRecord):
    name: str | None = None
    code: str | None = None
    # Percentages (5 for 5%), as Codat writes them.
    effective_tax_rate: Money | None = None
    total_tax_rate: Money | None = None
    components: list[TaxRateComponent] | None = None
    status: RecordStatus | None = None
    valid_datatype_links: list[ValidDataTypeLinks] | None = None
    supplemental_data: SupplementalData | None = None

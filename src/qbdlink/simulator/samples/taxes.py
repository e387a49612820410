"""Sales tax set-ups per edition: agencies, tax items, tax groups and sales tax codes.

- US: codes ``Tax`` and ``Non``; state and city tax items, a combined New York City group;
  the tax item is chosen per customer by state.
- CA: GST, HST (Ontario, Atlantic), PST (BC) and QST items; groups GST/PST BC and GST/QST;
  codes G, H, HA, S, Q (by the customer's province), Z (zero-rated) and E (exempt).
- UK: VAT at 20%, 5% and 0%; codes S, R, Z, E and O, and an EC acquisitions group and code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...qbxml.versions import Edition

__all__ = ["TaxCode", "TaxGroup", "TaxItem", "TaxSetup", "tax_setup"]


@dataclass(frozen=True, slots=True)
class TaxItem:
    name: str
    rate: Decimal
    agency: str
    desc: str


@dataclass(frozen=True, slots=True)
class TaxGroup:
    name: str
    desc: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaxCode:
    name: str  # at most 3 characters
    is_taxable: bool
    desc: str
    sales_item: str | None = None  # CA and UK only
    purchase_item: str | None = None


@dataclass(frozen=True, slots=True)
class TaxSetup:
    agencies: tuple[str, ...]
    items: tuple[TaxItem, ...]
    groups: tuple[TaxGroup, ...]
    codes: tuple[TaxCode, ...]
    taxable_code: str  # an item's code when it is taxable
    zero_codes: tuple[str, ...]  # codes for items that are not (exempt, zero-rated)
    by_region: dict[str, str]  # US: state -> tax item; CA: province -> code
    default_region: str  # the tax item (US) or code (CA, UK) elsewhere


def _us() -> TaxSetup:
    cdtfa = "California Dept. of Tax & Fee Admin"
    nys = "NYS Dept. of Taxation & Finance"
    texas = "Texas Comptroller"
    return TaxSetup(
        agencies=(cdtfa, nys, texas),
        items=(
            TaxItem("CA State Tax", Decimal("7.25"), cdtfa, "California sales tax"),
            TaxItem("NY State Tax", Decimal("4.0"), nys, "New York State sales tax"),
            TaxItem("NYC Sales Tax", Decimal("4.5"), nys, "New York City sales tax"),
            TaxItem("TX State Tax", Decimal("6.25"), texas, "Texas sales tax"),
            TaxItem("Out of State", Decimal("0.0"), texas, "No tax collected out of state"),
        ),
        groups=(TaxGroup("NYC Combined", "NY State and City", ("NY State Tax", "NYC Sales Tax")),),
        codes=(TaxCode("Tax", True, "Taxable"), TaxCode("Non", False, "Non-taxable")),
        taxable_code="Tax",
        zero_codes=("Non",),
        by_region={"CA": "CA State Tax", "NY": "NYC Combined", "TX": "TX State Tax"},
        default_region="Out of State",
    )


def _ca() -> TaxSetup:
    cra = "Receiver General"
    bc = "Minister of Finance (BC)"
    quebec = "Revenu Québec"
    return TaxSetup(
        agencies=(cra, bc, quebec),
        items=(
            TaxItem("GST", Decimal("5.0"), cra, "Goods and Services Tax"),
            TaxItem("GST Zero", Decimal("0.0"), cra, "GST zero-rated supplies"),
            TaxItem("HST ON", Decimal("13.0"), cra, "Harmonized Sales Tax (Ontario)"),
            TaxItem("HST Atlantic", Decimal("15.0"), cra, "Harmonized Sales Tax (Atlantic)"),
            TaxItem("PST BC", Decimal("7.0"), bc, "Provincial Sales Tax (BC)"),
            TaxItem("QST", Decimal("9.975"), quebec, "Taxe de vente du Québec"),
        ),
        groups=(
            TaxGroup("GST/PST BC", "GST and BC PST", ("GST", "PST BC")),
            TaxGroup("GST/QST", "TPS et TVQ", ("GST", "QST")),
        ),
        codes=(
            TaxCode("G", True, "GST", "GST", "GST"),
            TaxCode("H", True, "HST (ON)", "HST ON", "HST ON"),
            TaxCode("HA", True, "HST (Atlantic)", "HST Atlantic", "HST Atlantic"),
            TaxCode("S", True, "GST and PST (BC)", "GST/PST BC", "GST"),
            TaxCode("Q", True, "TPS et TVQ (Québec)", "GST/QST", "GST/QST"),
            TaxCode("Z", True, "Zero-rated", "GST Zero", "GST Zero"),
            TaxCode("E", False, "Exempt"),
        ),
        taxable_code="G",
        zero_codes=("Z", "E"),
        by_region={
            "ON": "H",
            "NS": "HA",
            "NB": "HA",
            "PE": "HA",
            "NL": "HA",
            "BC": "S",
            "QC": "Q",
        },
        default_region="G",
    )


def _uk() -> TaxSetup:
    hmrc = "HM Revenue & Customs"
    return TaxSetup(
        agencies=(hmrc,),
        items=(
            TaxItem("VAT Standard", Decimal("20.0"), hmrc, "VAT at the standard rate"),
            TaxItem("VAT Reduced", Decimal("5.0"), hmrc, "VAT at the reduced rate"),
            TaxItem("VAT Zero", Decimal("0.0"), hmrc, "Zero-rated supplies"),
            TaxItem("VAT EC Acquisition", Decimal("20.0"), hmrc, "EC goods acquired"),
        ),
        groups=(
            TaxGroup(
                "EC Goods Standard", "EC goods, standard", ("VAT Standard", "VAT EC Acquisition")
            ),
        ),
        codes=(
            TaxCode("S", True, "Standard 20%", "VAT Standard", "VAT Standard"),
            TaxCode("R", True, "Reduced 5%", "VAT Reduced", "VAT Reduced"),
            TaxCode("Z", True, "Zero-rated 0%", "VAT Zero", "VAT Zero"),
            TaxCode("ECG", True, "EC goods standard", None, "EC Goods Standard"),
            TaxCode("E", False, "Exempt"),
            TaxCode("O", False, "Outside the scope of VAT"),
        ),
        taxable_code="S",
        zero_codes=("Z", "E", "R"),
        by_region={},
        default_region="S",
    )


_SETUPS = {Edition.US: _us(), Edition.CA: _ca(), Edition.UK: _uk()}


def tax_setup(edition: Edition) -> TaxSetup:
    return _SETUPS[edition]

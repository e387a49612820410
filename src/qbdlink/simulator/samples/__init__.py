"""Sample companies: a deterministic generator (a seed and a size) for each edition.

``generate_company(":memory:", edition=Edition.UK, size=DEMO_SIZE, seed=1)`` gives a company
with a chart of accounts, items of every kind, terms, sales tax codes, customers with jobs,
vendors, employees and classes, and ``size`` transactions of every kind over three years, some
records inactive and some deleted. The same seed gives the same company, record for record.

Modules: ``names`` (word lists), ``chart`` (charts of accounts), ``taxes`` (sales tax per
edition), ``lists`` and ``transactions`` (what is written), ``writer`` (how: the generic
writes, with a faster path for bulk), ``generator`` (the clock, the calendar, the phases).
"""

from .generator import DEMO_SIZE, YEARS, Progress, generate_company

__all__ = ["DEMO_SIZE", "YEARS", "Progress", "generate_company"]

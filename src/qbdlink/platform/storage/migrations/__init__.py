"""Alembic migrations of the platform's database (run with ``qbdlink admin migrate``)."""

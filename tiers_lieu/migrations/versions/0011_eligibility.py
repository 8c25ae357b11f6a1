"""éligibilité : date de fin du tarif solidaire d'un foyer

Issue 21 (prices that follow eligibility): ``person.solidarity_until`` is the last day the
household is eligible for the solidarity price (the end of its CCAS/CAF attestation). After
it the till no longer applies the price, a solidarity basket cannot start, and the household
is listed « à revoir » a month ahead. NULL: no end recorded (the households registered
before, whose eligibility stays as it was).

One plain nullable column added in place (``ALTER TABLE … ADD COLUMN``, no copy of
``person``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("solidarity_until", sa.Date(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as 0006, 0009 and 0010 do: no copy of the table.
    op.drop_column("person", "solidarity_until")

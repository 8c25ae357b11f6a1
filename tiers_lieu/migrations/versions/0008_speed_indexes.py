"""index de lecture pour un réseau de 10 lieux × 10 ans

The indexes the report, the sections and the searches read at the size of a regional network
(issue 17); each one names the query it serves and the figure it bought, measured with the
benchmark under ``bench/`` that prints it beside its floor.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (index name, table, columns): the same Index is declared on the model.
INDEXES: list[tuple[str, str, list[str]]] = [
    # « Suivis »: open follow-ups of a place and their count (10 × 10: count 15 → 0.03 ms).
    (
        "ix_assistance_record_open_follow_up",
        "assistance_record",
        ["site_id", "follow_up_closed_at", "follow_up_due"],
    ),
    # « Ventes du jour » / the Z: a place's day of sales (10 × 10: 230 → 0.05 ms a sum).
    ("ix_sale_site_sold_at", "sale", ["site_id", "sold_at"]),
    ("ix_payment_sale_id", "payment", ["sale_id"]),
    # « Stock »: a product's latest movements (10 × 10: 24 → 0.6 ms).
    ("ix_stock_movement_product_occurred", "stock_movement", ["product_id", "occurred_at"]),
    # « Bénévolat »: a place's latest volunteer time entries (10 × 10: 27 → 4.6 ms).
    ("ix_volunteer_time_site_date", "volunteer_time", ["site_id", "on_date"]),
    # The agenda's page for an account bound to its place (10 × 10: 30 → 0.02 ms, 22 → 0.01).
    ("ix_booking_resource_site_start", "booking", ["resource_id", "site_id", "start_at"]),
    ("ix_booking_permanence_site_start", "booking", ["permanence_id", "site_id", "start_at"]),
    # The AMAP tabs for an account bound to its place (10 × 10: 25 → 4.5 ms, 13.6 → < 1 ms,
    # 8.7 → 3 ms): the place filter's site_id made SQLite prefer the site_id indexes.
    ("ix_pickup_subscription_site", "pickup", ["subscription_id", "site_id", "status"]),
    ("ix_amap_instalment_subscription_site", "amap_instalment", ["subscription_id", "site_id"]),
    (
        "ix_amap_subscription_contract_site",
        "amap_subscription",
        ["contract_id", "site_id", "status"],
    ),
    # People search and the register's list, alphabetical a page at a time: no sort of the
    # place's people, the first letter typed stops at its 100th match (10 × 10: 3 → 0.3 ms).
    ("ix_person_site_name", "person", ["site_id", "last_name", "first_name", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

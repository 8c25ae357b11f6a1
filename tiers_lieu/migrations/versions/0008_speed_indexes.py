"""index de lecture pour un réseau de 10 lieux × 10 ans

The indexes the report, the sections and the searches read at the size of a regional network
(issue 17); each one names the query it serves and the figure it bought, measured with the
benchmark under ``bench/`` that prints it beside its floor.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
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


# The till's stock per product (model ``StockLevel``): the sum of the product's movements, kept
# by triggers in the transaction of each movement, whoever writes it (services, the demo's bulk
# inserts, a bundle merge, a cascade). A delete only subtracts (an UPDATE, never an insert): in
# a cascade from the place or the product, the level may already be gone. The till then reads
# one row per product shown instead of summing its history (10 × 10: 1.84 → 1.05 ms a letter,
# 3.59 → 1.04 ms with 4× the history: flat). Backfill: 0.3 s on 10 × 10.
_LEVEL_ADD_SQLITE = """
    INSERT INTO stock_level (product_id, site_id, quantity_milli)
    VALUES (NEW.product_id, NEW.site_id, NEW.quantity_milli)
    ON CONFLICT (product_id) DO UPDATE
    SET quantity_milli = stock_level.quantity_milli + excluded.quantity_milli;"""
_LEVEL_SUBTRACT_SQLITE = """
    UPDATE stock_level SET quantity_milli = quantity_milli - OLD.quantity_milli
    WHERE product_id = OLD.product_id;"""
SQLITE_TRIGGERS = {
    "trg_stock_level_insert": f"AFTER INSERT ON stock_movement BEGIN {_LEVEL_ADD_SQLITE} END",
    "trg_stock_level_delete": f"AFTER DELETE ON stock_movement BEGIN {_LEVEL_SUBTRACT_SQLITE} END",
    "trg_stock_level_update": "AFTER UPDATE OF quantity_milli, product_id ON stock_movement"
    f" BEGIN {_LEVEL_SUBTRACT_SQLITE} {_LEVEL_ADD_SQLITE} END",
}
PG_FUNCTION = """
CREATE FUNCTION stock_level_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE stock_level SET quantity_milli = quantity_milli - OLD.quantity_milli
        WHERE product_id = OLD.product_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO stock_level (product_id, site_id, quantity_milli)
        VALUES (NEW.product_id, NEW.site_id, NEW.quantity_milli)
        ON CONFLICT (product_id) DO UPDATE
        SET quantity_milli = stock_level.quantity_milli + excluded.quantity_milli;
    END IF;
    RETURN NULL;
END $$"""
PG_TRIGGER = (
    "CREATE TRIGGER trg_stock_level AFTER INSERT OR DELETE OR UPDATE OF quantity_milli, product_id"
    " ON stock_movement FOR EACH ROW EXECUTE FUNCTION stock_level_keep()"
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "stock_level",
        sa.Column(
            "product_id",
            sa.Uuid(),
            sa.ForeignKey("product.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "site_id", sa.Uuid(), sa.ForeignKey("site.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(
        "INSERT INTO stock_level (product_id, site_id, quantity_milli)"
        " SELECT m.product_id, p.site_id, SUM(m.quantity_milli)"
        " FROM stock_movement AS m JOIN product AS p ON p.id = m.product_id"
        " GROUP BY m.product_id, p.site_id"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER trg_stock_level ON stock_movement")
        op.execute("DROP FUNCTION stock_level_keep()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("stock_level")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

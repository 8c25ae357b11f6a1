"""caisse inaltérable : journal chaîné, tickets numérotés, clôtures, factures, dons

Issue 21 (money the way an accountant and the tax rules expect):

- ``till_journal``: one hash-chained line per ticket, payment, reversal, closure, invoice,
  credit note, receipt, reprint and archive, per place; ``till_closure``: the numbered day
  Z, month and year closures with the perpetual grand total;
- ``sale.ticket_number`` (continuous per place, unique) and ``sale.reverses_id`` (a reversing
  ticket replaces the cancellation that changed a sale); every existing sale is numbered in
  the order it was sold, and each place that has sold opens its journal with one line naming
  how many tickets came before it;
- ``client``, ``invoice`` (quotes, invoices, credit notes), ``invoice_line``, ``donation``;
  ``payment.invoice_id`` and ``payment.donation_id``;
- triggers: the journal and the closures are append-only; a numbered ticket, its lines and
  its payments, an issued invoice or credit note and its lines, a donation once its receipt
  is issued can no longer be changed or deleted.

The new columns of ``sale`` and ``payment`` are added in place (no copy of the tables).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base
from tiers_lieu.services.till.chain import GENESIS, canonical, line_hash
from tiers_lieu.services.till.guards import (  # noqa: F401 (GUARDS: read by tests)
    GUARDS,
    TRUNCATE_GUARDED,
    postgres_guard,
    sqlite_trigger,
)

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _row_columns(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f(f"fk_{table}_site_id_site"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable reference added in place, as 0009 does (no copy of ``sale``/``payment``)."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} CHAR(32) "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Uuid(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


def _big(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _create_tables() -> None:
    op.create_table(
        "till_journal",
        *_row_columns("till_journal"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        sa.Column("occurred_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("actor", _text(120), nullable=False),
        sa.Column("ref_id", sa.Uuid(), nullable=True),
        sa.Column("number", _text(24), nullable=False),
        _big("amount_cents"),
        sa.Column("payload", _text(None), nullable=False),
        sa.Column("prev_hash", _text(64), nullable=False),
        sa.Column("line_hash", _text(64), nullable=False),
        sa.UniqueConstraint("site_id", "seq", name=op.f("uq_till_journal_site_id_seq")),
    )
    op.create_index(op.f("ix_till_journal_site_id"), "till_journal", ["site_id"])
    op.create_table(
        "till_closure",
        *_row_columns("till_closure"),
        sa.Column("kind", _text(8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("first_ticket", sa.Integer(), nullable=True),
        sa.Column("last_ticket", sa.Integer(), nullable=True),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("reversals", sa.Integer(), nullable=False),
        _big("total_cents"),
        _big("reversed_cents"),
        _big("grand_total_cents"),
        sa.Column("totals", _text(None), nullable=False),
        sa.Column("closed_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("closed_by", _text(120), nullable=False),
        sa.UniqueConstraint(
            "site_id", "kind", "number", name=op.f("uq_till_closure_site_id_kind_number")
        ),
        sa.UniqueConstraint(
            "site_id",
            "kind",
            "period_start",
            name=op.f("uq_till_closure_site_id_kind_period_start"),
        ),
    )
    op.create_index(op.f("ix_till_closure_site_id"), "till_closure", ["site_id"])
    op.create_table(
        "client",
        *_row_columns("client"),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("siret", _text(14), nullable=False),
        sa.Column("vat_number", _text(20), nullable=False),
        sa.Column("address", _text(250), nullable=False),
        sa.Column("postal_code", _text(10), nullable=False),
        sa.Column("city", _text(120), nullable=False),
        sa.Column("email", _text(200), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_client_person_id_person"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(op.f("ix_client_site_id"), "client", ["site_id"])
    op.create_table(
        "invoice",
        *_row_columns("invoice"),
        sa.Column("kind", _text(8), nullable=False),
        sa.Column("status", _text(10), nullable=False),
        sa.Column("number", _text(20), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("subject", _text(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("service_from", sa.Date(), nullable=True),
        sa.Column("service_to", sa.Date(), nullable=True),
        sa.Column("quote_id", sa.Uuid(), nullable=True),
        sa.Column("credits_id", sa.Uuid(), nullable=True),
        _big("total_net_cents"),
        _big("total_vat_cents"),
        _big("total_cents"),
        sa.Column("seller", _text(None), nullable=False),
        sa.Column("buyer", _text(None), nullable=False),
        sa.Column("issued_by", _text(120), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_invoice_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["invoice.id"], name=op.f("fk_invoice_quote_id_invoice")
        ),
        sa.ForeignKeyConstraint(
            ["credits_id"], ["invoice.id"], name=op.f("fk_invoice_credits_id_invoice")
        ),
        sa.UniqueConstraint(
            "site_id", "kind", "year", "seq", name=op.f("uq_invoice_site_id_kind_year_seq")
        ),
    )
    op.create_index(op.f("ix_invoice_site_id"), "invoice", ["site_id"])
    op.create_index(op.f("ix_invoice_client_id"), "invoice", ["client_id"])
    op.create_index("ix_invoice_site_issued", "invoice", ["site_id", "issued_on"])
    op.create_table(
        "invoice_line",
        *_row_columns("invoice_line"),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", _text(300), nullable=False),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("unit", _text(12), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        _big("total_net_cents"),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("pass_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_line_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_invoice_line_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"],
            ["coworking_pass.id"],
            name=op.f("fk_invoice_line_pass_id_coworking_pass"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(op.f("ix_invoice_line_site_id"), "invoice_line", ["site_id"])
    op.create_index(op.f("ix_invoice_line_invoice_id"), "invoice_line", ["invoice_id"])
    op.create_table(
        "donation",
        *_row_columns("donation"),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("donor", _text(None), nullable=False),
        _big("amount_cents"),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", _text(10), nullable=False),
        sa.Column("form", _text(12), nullable=False),
        sa.Column("description", _text(300), nullable=False),
        sa.Column("receipt_number", _text(20), nullable=True),
        sa.Column("receipt_year", sa.Integer(), nullable=True),
        sa.Column("receipt_seq", sa.Integer(), nullable=True),
        sa.Column("receipt_issued_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_donation_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint(
            "site_id",
            "receipt_year",
            "receipt_seq",
            name=op.f("uq_donation_site_id_receipt_year_receipt_seq"),
        ),
    )
    op.create_index(op.f("ix_donation_site_id"), "donation", ["site_id"])
    op.create_index("ix_donation_site_received", "donation", ["site_id", "received_on"])


def _number_sales_and_open_journals() -> None:
    """Number every sale in the order it was sold (per place), then open each selling place's
    journal with a line naming the tickets that came before it."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "CREATE TEMPORARY TABLE sale_numbering AS SELECT id, "
            "row_number() OVER (PARTITION BY site_id ORDER BY sold_at, id) AS n FROM sale"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE sale SET ticket_number = sale_numbering.n "
            "FROM sale_numbering WHERE sale_numbering.id = sale.id"
        )
    )
    bind.execute(sa.text("DROP TABLE sale_numbering"))
    now = datetime.now(UTC)
    places = bind.execute(
        sa.text(
            "SELECT site_id, count(*), coalesce(sum(CASE WHEN cancelled_at IS NULL "
            "THEN total_cents ELSE 0 END), 0) FROM sale GROUP BY site_id"
        )
    ).all()
    for site_raw, count, total in places:
        site_id = uuid.UUID(str(site_raw))
        line_id = uuid.uuid4()
        payload = canonical({"tickets_before": int(count), "total_cents_before": int(total)})
        digest = line_hash(
            prev_hash=GENESIS,
            seq=1,
            line_id=line_id,
            site_id=site_id,
            kind="opening",
            occurred_at=now,
            actor=ACTOR,
            ref_id=None,
            number="",
            amount_cents=0,
            payload=payload,
        )
        bind.execute(
            sa.insert(_JOURNAL).values(
                id=line_id,
                created_at=now,
                updated_at=now,
                site_id=site_id,
                seq=1,
                kind="opening",
                occurred_at=now,
                actor=ACTOR,
                ref_id=None,
                number="",
                amount_cents=0,
                payload=payload,
                prev_hash=GENESIS,
                line_hash=digest,
            )
        )


ACTOR = "Système"
_STAMP = tiers_lieu.models.base.UTCDateTime
_JOURNAL = sa.table(
    "till_journal",
    sa.column("id", sa.Uuid()),
    sa.column("created_at", _STAMP()),
    sa.column("updated_at", _STAMP()),
    sa.column("site_id", sa.Uuid()),
    sa.column("seq", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("occurred_at", _STAMP()),
    sa.column("actor", sa.String()),
    sa.column("ref_id", sa.Uuid()),
    sa.column("number", sa.String()),
    sa.column("amount_cents", sa.BigInteger()),
    sa.column("payload", sa.String()),
    sa.column("prev_hash", sa.String()),
    sa.column("line_hash", sa.String()),
)

def _create_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, *_rest in GUARDS:
        if not postgres:
            op.execute(sqlite_trigger(name))
            continue
        for statement in postgres_guard(name):
            op.execute(statement)
    if postgres:
        for table in TRUNCATE_GUARDED:
            for statement in postgres_guard(f"{table}_no_truncate"):
                op.execute(statement)


def _drop_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, *_rest in GUARDS:
        if postgres:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    if postgres:
        for table in TRUNCATE_GUARDED:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP FUNCTION {table}_no_truncate()")


def upgrade() -> None:
    _create_tables()
    op.add_column("sale", sa.Column("ticket_number", sa.Integer(), nullable=True))
    _add_fk_column("sale", "reverses_id", "sale")
    _add_fk_column("payment", "invoice_id", "invoice")
    _add_fk_column("payment", "donation_id", "donation")
    _number_sales_and_open_journals()
    op.create_index("ix_sale_site_ticket", "sale", ["site_id", "ticket_number"], unique=True)
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    op.drop_index("ix_sale_site_ticket", table_name="sale")
    # A column with a REFERENCES clause cannot be dropped in place on SQLite: batch there
    # (the guards on these tables are gone already); PostgreSQL drops its constraint with it.
    for table, columns in (("payment", ("donation_id", "invoice_id")), ("sale", ("reverses_id",))):
        if op.get_bind().dialect.name == "sqlite":
            with op.batch_alter_table(table) as batch:
                for column in columns:
                    batch.drop_column(column)
        else:
            for column in columns:
                op.drop_column(table, column)
    op.drop_column("sale", "ticket_number")
    for table in ("donation", "invoice_line", "invoice", "client", "till_closure", "till_journal"):
        op.drop_table(table)

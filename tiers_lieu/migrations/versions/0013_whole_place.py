"""toute la maison de services : relais colis, portage, café, planning bénévole, rappels,
satisfaction, écrivain public, programme

Issue 22 (the whole multiservice place):

- ``parcel`` (the parcel relay), ``delivery_round`` and ``delivery_order`` (home delivery),
  ``cafe_tab`` and ``cafe_tab_line`` (the café's open tabs, settled as one numbered ticket),
  ``rota_shift`` and ``rota_availability`` (the volunteers' rota), ``reminder_call`` (the
  call list of the day before), ``satisfaction`` (one key at the desk);
- ``assistance_record.letter_sent_on`` / ``answer_expected_on`` (the public writer's letters
  follow the démarches' follow-ups), ``event.booking_id`` (the room blocked in the agenda for
  a workshop), ``event_attendance.waiting`` (the waiting list of a full workshop).

Columns of existing tables are added in place (no copy).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_STAMP = tiers_lieu.models.base.UTCDateTime


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _row_columns(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _STAMP(), nullable=False),
        sa.Column("updated_at", _STAMP(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f(f"fk_{table}_site_id_site"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _table(name: str, *items: sa.SchemaItem) -> None:
    op.create_table(name, *_row_columns(name), *items)
    op.create_index(op.f(f"ix_{name}_site_id"), name, ["site_id"])


def _create_tables() -> None:
    _table(
        "parcel",
        sa.Column("carrier", _text(40), nullable=False),
        sa.Column("tracking", _text(60), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", _text(120), nullable=False),
        sa.Column("arrived_at", _STAMP(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.Column("notified_at", _STAMP(), nullable=True),
        sa.Column("handed_at", _STAMP(), nullable=True),
        sa.Column("identity_checked", sa.Boolean(), nullable=False),
        sa.Column("returned_at", _STAMP(), nullable=True),
        _fk("parcel", "person_id", "person", "SET NULL"),
    )
    op.create_index("ix_parcel_site_arrived", "parcel", ["site_id", "arrived_at"])
    _table(
        "delivery_round",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("label", _text(80), nullable=False),
        sa.Column("driver", _text(120), nullable=False),
    )
    op.create_index("ix_delivery_round_site_day", "delivery_round", ["site_id", "day"])
    _table(
        "delivery_order",
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", _text(120), nullable=False),
        sa.Column("address", _text(250), nullable=False),
        sa.Column("for_date", sa.Date(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("items", _text(300), nullable=False),
        sa.Column("amap_basket", sa.Boolean(), nullable=False),
        sa.Column("prescription", sa.Boolean(), nullable=False),
        sa.Column("status", _text(10), nullable=False),
        sa.Column("done_at", _STAMP(), nullable=True),
        _fk("delivery_order", "person_id", "person", "SET NULL"),
        _fk("delivery_order", "round_id", "delivery_round", "SET NULL"),
    )
    op.create_index("ix_delivery_order_site_date", "delivery_order", ["site_id", "for_date"])
    op.create_index("ix_delivery_order_round", "delivery_order", ["round_id", "position"])
    _table(
        "cafe_tab",
        sa.Column("label", _text(60), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", _STAMP(), nullable=False),
        sa.Column("closed_at", _STAMP(), nullable=True),
        sa.Column("sale_id", sa.Uuid(), nullable=True),
        _fk("cafe_tab", "person_id", "person", "SET NULL"),
        _fk("cafe_tab", "sale_id", "sale", None),
    )
    op.create_index("ix_cafe_tab_site_closed", "cafe_tab", ["site_id", "closed_at"])
    _table(
        "cafe_tab_line",
        sa.Column("tab_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("added_at", _STAMP(), nullable=False),
        _fk("cafe_tab_line", "tab_id", "cafe_tab", "CASCADE"),
        _fk("cafe_tab_line", "product_id", "product", None),
    )
    op.create_index(op.f("ix_cafe_tab_line_tab_id"), "cafe_tab_line", ["tab_id"])
    _table(
        "rota_shift",
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("role", _text(12), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("status", _text(10), nullable=False),
        sa.Column("volunteer_time_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_rota_shift_starts_before_ends")),
        _fk("rota_shift", "person_id", "person", "SET NULL"),
        _fk("rota_shift", "volunteer_time_id", "volunteer_time", "SET NULL"),
    )
    op.create_index("ix_rota_shift_site_date", "rota_shift", ["site_id", "on_date"])
    _table(
        "rota_availability",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("role", _text(12), nullable=False),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6", name=op.f("ck_rota_availability_weekday_range")
        ),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_rota_availability_starts_before_ends")
        ),
        _fk("rota_availability", "person_id", "person", "CASCADE"),
    )
    op.create_index(op.f("ix_rota_availability_person_id"), "rota_availability", ["person_id"])
    _table(
        "reminder_call",
        sa.Column("for_date", sa.Date(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("attendance_id", sa.Uuid(), nullable=True),
        sa.Column("called_at", _STAMP(), nullable=False),
        sa.Column("outcome", _text(12), nullable=False),
        sa.Column("called_by_id", sa.Uuid(), nullable=True),
        _fk("reminder_call", "booking_id", "booking", "SET NULL"),
        _fk("reminder_call", "attendance_id", "event_attendance", "SET NULL"),
        _fk("reminder_call", "called_by_id", "app_user", "SET NULL"),
    )
    op.create_index("ix_reminder_call_site_date", "reminder_call", ["site_id", "for_date"])
    _table(
        "satisfaction",
        sa.Column("at", _STAMP(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("context", _text(12), nullable=False),
        sa.Column("assistance_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("score >= 1 AND score <= 3", name=op.f("ck_satisfaction_score_range")),
        _fk("satisfaction", "assistance_id", "assistance_record", "SET NULL"),
        _fk("satisfaction", "event_id", "event", "SET NULL"),
    )
    op.create_index("ix_satisfaction_site_date", "satisfaction", ["site_id", "activity_date"])


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable reference added in place, as 0009 and 0012 do."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} CHAR(32) "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Uuid(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


TABLES = (
    "satisfaction",
    "reminder_call",
    "rota_availability",
    "rota_shift",
    "cafe_tab_line",
    "cafe_tab",
    "delivery_order",
    "delivery_round",
    "parcel",
)


def upgrade() -> None:
    _create_tables()
    op.add_column("assistance_record", sa.Column("letter_sent_on", sa.Date(), nullable=True))
    op.add_column("assistance_record", sa.Column("answer_expected_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_assistance_record_site_letter", "assistance_record", ["site_id", "letter_sent_on"]
    )
    _add_fk_column("event", "booking_id", "booking")
    op.add_column(
        "event_attendance",
        sa.Column("waiting", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_index("ix_assistance_record_site_letter", table_name="assistance_record")
    op.drop_column("event_attendance", "waiting")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("event") as batch:
            batch.drop_column("booking_id")
    else:
        op.drop_column("event", "booking_id")
    op.drop_column("assistance_record", "answer_expected_on")
    op.drop_column("assistance_record", "letter_sent_on")
    for table in TABLES:
        op.drop_table(table)

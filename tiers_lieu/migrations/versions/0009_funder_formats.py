"""ce que demandent les financeurs : champs de la Coop, temps passé, public, passages

Issue 20 (every funder's format from one register):

- ``assistance_record``: what the Coop de la médiation numérique's activity export asks of an
  accompaniment and the base did not record (channel, equipment used, autonomy, digital
  themes, the démarche's name); ``event``: the same for a workshop, with its level and its
  capacity (empty lines of the attendance sheet);
- ``time_entry``: time of a staff member (a ``job``) on an operation, for the LEADER claim's
  time sheets; ``operation.description`` for its poster and notice;
- who is served: ``visit.public_id`` and ``booking.public_id``, a new category kind
  ``public`` (Particulier, Entreprise, Association, Collectivité, Patient) given to every
  existing place;
- footfall as people: ``passage`` (one key at the door), ``visit.passage_id`` (the services
  used in the same minute attach to it).

``ix_visit_report`` (the report's one pass over ``visit``) is rebuilt with the two new
columns so that it still covers every column the report reads.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PUBLICS = ["Particulier", "Entreprise", "Association", "Collectivité", "Patient"]
REPORT_INDEX_BEFORE = [
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
REPORT_INDEX_AFTER = [*REPORT_INDEX_BEFORE, "public_id", "passage_id"]


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _row_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
    ]


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable reference added in place: SQLite takes ``ADD COLUMN … REFERENCES`` (Alembic
    would copy the table, and ``visit`` holds millions of rows on a network's base). No ``ON
    DELETE`` clause: SQLAlchemy does not read it back from an added column's inline
    constraint, and these rows (categories, passages) are not deleted while used."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} CHAR(32) "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Uuid(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


def upgrade() -> None:
    op.create_table(
        "passage",
        *_row_columns(),
        sa.Column("at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("count >= 1", name=op.f("ck_passage_count_positive")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_passage_site_id_site"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_passage_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_passage_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passage")),
    )
    op.create_index(op.f("ix_passage_site_id"), "passage", ["site_id"])
    op.create_index("ix_passage_site_date", "passage", ["site_id", "activity_date"])

    op.create_table(
        "time_entry",
        *_row_columns(),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("operation_id", sa.Uuid(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("task", _text(200), nullable=False),
        sa.CheckConstraint(
            "minutes > 0 AND minutes <= 1440", name=op.f("ck_time_entry_minutes_in_day")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_time_entry_site_id_site"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_time_entry_job_id_job"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_time_entry_operation_id_operation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entry")),
    )
    op.create_index(op.f("ix_time_entry_site_id"), "time_entry", ["site_id"])
    op.create_index("ix_time_entry_site_job_date", "time_entry", ["site_id", "job_id", "on_date"])

    for column, length in (("channel", 24), ("autonomy", 32)):
        op.add_column("assistance_record", sa.Column(column, _text(length), nullable=True))
    for column, length in (("equipment", 200), ("digital_themes", 400), ("demarche_name", 200)):
        op.add_column(
            "assistance_record",
            sa.Column(column, _text(length), nullable=False, server_default=""),
        )
    op.add_column("event", sa.Column("capacity", sa.Integer(), nullable=True))
    for column, length in (("workshop_level", 24), ("channel", 24)):
        op.add_column("event", sa.Column(column, _text(length), nullable=True))
    for column, length in (("digital_themes", 400), ("equipment", 200)):
        op.add_column(
            "event", sa.Column(column, _text(length), nullable=False, server_default="")
        )
    op.add_column(
        "operation",
        sa.Column("description", _text(2000), nullable=False, server_default=""),
    )

    _add_fk_column("visit", "public_id", "category")
    _add_fk_column("visit", "passage_id", "passage")
    _add_fk_column("booking", "public_id", "category")
    op.drop_index("ix_visit_report", table_name="visit")
    op.create_index("ix_visit_report", "visit", REPORT_INDEX_AFTER)

    _give_every_place_the_publics()


def _give_every_place_the_publics() -> None:
    bind = op.get_bind()
    site = sa.table("site", sa.column("id", sa.Uuid()))
    category = sa.table(
        "category",
        sa.column("id", sa.Uuid()),
        sa.column("created_at", tiers_lieu.models.base.UTCDateTime()),
        sa.column("updated_at", tiers_lieu.models.base.UTCDateTime()),
        sa.column("site_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("label", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("active", sa.Boolean()),
        sa.column("is_unknown", sa.Boolean()),
    )
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "site_id": site_id,
            "kind": "public",
            "label": label,
            "position": position,
            "active": True,
            "is_unknown": False,
        }
        for (site_id,) in bind.execute(sa.select(site.c.id)).all()
        for position, label in enumerate(PUBLICS)
    ]
    if rows:
        bind.execute(category.insert(), rows)


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE visit SET public_id = NULL, passage_id = NULL"))
    bind.execute(sa.text("UPDATE booking SET public_id = NULL"))
    bind.execute(sa.text("DELETE FROM category WHERE kind = 'public'"))
    op.drop_index("ix_visit_report", table_name="visit")
    op.create_index("ix_visit_report", "visit", REPORT_INDEX_BEFORE)
    # Plain DROP COLUMN (SQLite 3.35+), as 0006 does: no copy of the big tables. A column
    # with a REFERENCES clause cannot be dropped that way on SQLite, hence batch there.
    if bind.dialect.name == "sqlite":
        for table, columns in (("visit", ("passage_id", "public_id")), ("booking", ("public_id",))):
            with op.batch_alter_table(table) as batch:
                for column in columns:
                    batch.drop_column(column)
    else:
        for table, column in (
            ("visit", "passage_id"),
            ("visit", "public_id"),
            ("booking", "public_id"),
        ):
            op.drop_column(table, column)
    op.drop_column("operation", "description")
    for column in ("equipment", "digital_themes", "channel", "workshop_level", "capacity"):
        op.drop_column("event", column)
    for column in ("demarche_name", "digital_themes", "autonomy", "equipment", "channel"):
        op.drop_column("assistance_record", column)
    op.drop_index("ix_time_entry_site_job_date", table_name="time_entry")
    op.drop_index(op.f("ix_time_entry_site_id"), table_name="time_entry")
    op.drop_table("time_entry")
    op.drop_index("ix_passage_site_date", table_name="passage")
    op.drop_index(op.f("ix_passage_site_id"), table_name="passage")
    op.drop_table("passage")

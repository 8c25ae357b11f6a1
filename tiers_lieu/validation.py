"""Field shapes checked on the way into the database, whatever the way in.

The windows, the command line, the imports and the bundles all end in rows; checking each
entry point on its own left gaps (a year 0001 visit, a NUL byte that later broke the XLSX
export, a 100 000-character commune name stored past the model's 120). So the shape of every
value is checked once more where they all meet:

- :func:`install_shape_listener` (called from ``app.build``, like the tombstone listener)
  adds a ``before_flush`` listener to every ORM session: each new row, and each changed
  column of a row already stored, is checked before anything is written. A refusal raises
  :class:`~tiers_lieu.errors.ValidationError` naming the field in French and the limit, and
  the unit of work rolls back: nothing is half-written.
- Writers that bypass the ORM (bundle merges and the bulk import writer use Core
  ``executemany``) call :func:`check_row` / :func:`check_columns` on what they are about to
  insert.

The rules: text within its column's declared length, without control characters (tab, line
feed and carriage return excepted: they are all XML and spreadsheets accept) nor lone
surrogates (which no UTF-8 file can hold); dates and date-times between 1900 and 2100.
Services still give their own, nicer early messages where natural (``check_date``,
``check_text``); this is the net under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, Literal, TypeVar

from sqlalchemy import Column, Date, DateTime, String, Table, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import N_, _, format_number

MIN_YEAR = 1900
MAX_YEAR = 2100
MIN_DATE = date(MIN_YEAR, 1, 1)
MAX_DATE = date(MAX_YEAR, 12, 31)

# C0 controls except tab, line feed and carriage return, and lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

Kind = Literal["text", "date"]
D = TypeVar("D", bound=date)  # a date or a date-time, given back as it came

# French labels of the usual column names; a column missing here is named as it is.
COLUMN_LABELS: dict[str, str] = {
    "name": N_("Nom"),
    "commune_name": N_("Commune"),
    "address": N_("Adresse"),
    "note": N_("Note"),
    "title": N_("Titre"),
    "label": N_("Libellé"),
    "reason": N_("Motif"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom de famille"),
    "organisation": N_("Organisation"),
    "phone": N_("Téléphone"),
    "email": N_("Courriel"),
    "contact": N_("Contact"),
    "theme": N_("Thème"),
    "place": N_("Lieu"),
    "facilitator": N_("Animateur"),
    "insee_code": N_("Code INSEE"),
    "reference": N_("Référence"),
    "barcode": N_("Code-barres"),
    "unit": N_("Unité"),
    "category": N_("Catégorie"),
    "post": N_("Poste"),
    "activity": N_("Activité"),
    "profession": N_("Profession"),
    "specialty": N_("Spécialité"),
    "display_name": N_("Nom affiché"),
    "username": N_("Identifiant"),
    "collected_by": N_("Retiré par"),
    "referred_by": N_("Orienté par"),
    "cheque_number": N_("Numéro de chèque"),
    "supplies": N_("Produits fournis"),
    "cofunders": N_("Cofinanceurs"),
    "region": N_("Région"),
    "gal_name": N_("GAL"),
    "file_number": N_("Numéro de dossier"),
    "date": N_("Date"),
    "activity_date": N_("Date de l'activité"),
    "event_date": N_("Date"),
    "on_date": N_("Date"),
    "start_date": N_("Date de début"),
    "end_date": N_("Date de fin"),
    "start_at": N_("Début"),
    "end_at": N_("Fin"),
    "until": N_("Jusqu'au"),
    "due_date": N_("Échéance"),
    "follow_up_due": N_("Date de rappel"),
    "paid_on": N_("Date du paiement"),
    "used_on": N_("Date d'utilisation"),
    "valid_from": N_("Valable à partir du"),
    "valid_until": N_("Valable jusqu'au"),
    "purchased_on": N_("Date d'achat"),
    "season_start": N_("Début de saison"),
    "season_end": N_("Fin de saison"),
    "period_start": N_("Début de période"),
    "period_end": N_("Fin de période"),
    "sold_at": N_("Date de la vente"),
    "occurred_at": N_("Date"),
}

# Where a column's name alone says too little.
TABLE_COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("site", "name"): N_("Nom du lieu"),
    ("service", "name"): N_("Nom du service"),
    ("commune", "name"): N_("Commune"),
    ("booking", "title"): N_("Objet"),
    ("resource", "name"): N_("Nom de la ressource"),
    ("product", "name"): N_("Produit"),
    ("producer", "name"): N_("Producteur"),
    ("partner", "name"): N_("Partenaire"),
    ("practitioner", "name"): N_("Praticien"),
}


def field_label(table: str, column: str) -> str:
    """The French name of ``table.column`` as a form would show it."""
    label = TABLE_COLUMN_LABELS.get((table, column)) or COLUMN_LABELS.get(column)
    return _(label) if label else column


# -- single values ---------------------------------------------------------------------------
def check_text(field: str, value: str, max_length: int | None = None) -> str:
    """``value`` unchanged if it fits ``max_length`` characters and holds no control
    character; :class:`ValidationError` naming ``field`` otherwise."""
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            field,
            _("{limit} caractères au plus ({length} reçus)").format(
                limit=format_number(max_length), length=format_number(len(value))
            ),
        )
    found = _FORBIDDEN.search(value)
    if found is not None:
        raise ValidationError(
            field,
            _(
                "caractère de contrôle interdit (U+{code}, position {position}) : "
                "retirez-le du texte"
            ).format(code=f"{ord(found.group()):04X}", position=found.start() + 1),
        )
    return value


def check_date(field: str, value: D) -> D:
    """``value`` (a date or a date-time) unchanged if its year is between 1900 and 2100."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            field,
            _("les dates vont de {first} à {last} (année {year} reçue)").format(
                first=MIN_YEAR, last=MAX_YEAR, year=value.year
            ),
        )
    return value


# -- rows --------------------------------------------------------------------------------------
def _kind(column: Column[Any]) -> tuple[Kind, int | None] | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, String):
        return "text", kind.length
    if isinstance(kind, Date | DateTime):
        return "date", None
    return None


@cache
def checked_columns(table: Table) -> tuple[tuple[str, Kind, int | None, str], ...]:
    """(column name, kind, maximum length, table name) of each column of ``table`` checked."""
    found = []
    for column in table.columns:
        kind = _kind(column)
        if kind is not None:
            found.append((column.name, kind[0], kind[1], table.name))
    return tuple(found)


def _check(name: str, kind: Kind, length: int | None, table: str, value: Any) -> None:
    # The field's French label only for a value refused (issue 17: every key press checks
    # its rows, and a translated label costs more than the check).
    if value is None:
        return
    if kind == "text":
        if isinstance(value, str) and (
            (length is not None and len(value) > length) or _FORBIDDEN.search(value)
        ):
            check_text(field_label(table, name), value, length)
    elif isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        check_date(field_label(table, name), value)  # (a datetime is a date too)


def check_row(table: Table, values: Mapping[str, Any]) -> None:
    """Check the values of one row about to be written in ``table`` (missing keys skipped)."""
    for name, kind, length, table_name in checked_columns(table):
        if name in values:
            _check(name, kind, length, table_name, values[name])


def check_columns(table: Table, columns: Mapping[str, Sequence[Any]]) -> None:
    """Check column-wise values about to be inserted in ``table`` (the bulk writer's shape):
    each distinct value once."""
    for name, kind, length, table_name in checked_columns(table):
        if name in columns:
            for value in set(columns[name]):
                _check(name, kind, length, table_name, value)


# -- the ORM net ---------------------------------------------------------------------------------
def _check_object(obj: object, *, changed_only: bool) -> None:
    state = inspect(obj)
    table = getattr(state.mapper, "local_table", None)
    if not isinstance(table, Table):
        return
    values = state.dict
    wanted: Iterable[str] = state.committed_state if changed_only else values
    for name, kind, length, table_name in checked_columns(table):
        if name in wanted and name in values:
            _check(name, kind, length, table_name, values[name])


def _on_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        _check_object(obj, changed_only=False)
    for obj in session.dirty:
        _check_object(obj, changed_only=True)


def install_shape_listener() -> None:
    """Check every row written through any ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _on_before_flush):
        event.listen(Session, "before_flush", _on_before_flush)

"""The rules a démarche obeys, whether it is recorded (:meth:`AssistanceService.create`) or
corrected (:meth:`AssistanceEditService.update`): one set of checks, so that a record fixed
after the fact can never hold what the desk could not have typed.

:func:`check_input` does what both share, inside the caller's unit of work: the field shapes,
the categories (of the place, of the right list), the orientation rule, the date (not after
today at the place), the commune, the letter's dates and the follow-up date the outcome
opens. :func:`touch_person` checks the person helped and moves their last activity (the
retention purge counts from it).

The outcome and orientation lists are category rows a coordinator may extend; the code only
branches on the three outcomes DOMAIN.md gives a meaning to (« Orientée », « Doit revenir »,
« À finaliser en autonomie »), recognised by their label with case and accents ignored, as
the demo generator and the imports do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, place_today
from tiers_lieu.models import AssistanceRecord, Category, Commune, Person
from tiers_lieu.models.enums import CategoryKind, VisitSource
from tiers_lieu.services import coop_vocabulary
from tiers_lieu.services.assistance_history import person_name
from tiers_lieu.services.letters import check_letter
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.tabular import normalise
from tiers_lieu.validation import check_text

NOTE_MAX = 280
DURATION_MAX = 600
DEMARCHE_NAME_MAX = 200
FOLLOW_UP_DAYS = {"doit_revenir": 7, "a_finaliser": 14}


def is_oriented(outcome_label: str) -> bool:
    """The outcome « Orientée » (and only it) needs an orientation."""
    return normalise(outcome_label).startswith("orient")


def follow_up_days(outcome_label: str) -> int | None:
    """Days until the default follow-up date, or ``None`` for an outcome with no follow-up."""
    key = normalise(outcome_label)
    for prefix, days in FOLLOW_UP_DAYS.items():
        if key.startswith(prefix):
            return days
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistanceInput:
    """One démarche as the form (or an import) gives it. ``follow_up_due`` left ``None`` is
    the outcome's default delay; ``visit_id`` attaches the record to a visit already counted.
    The person's commune, age band, gender and status are « Non communiqué » when ``None``."""

    activity_date: date
    operator_id: uuid.UUID
    theme_id: uuid.UUID
    help_type_id: uuid.UUID
    duration_min: int
    outcome_id: uuid.UUID
    activity_time: time | None = None
    place_id: uuid.UUID | None = None
    orientation_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    commune_id: uuid.UUID | None = None
    age_band_id: uuid.UUID | None = None
    gender_id: uuid.UUID | None = None
    status_id: uuid.UUID | None = None
    note: str = ""
    follow_up_due: date | None = None
    visit_id: uuid.UUID | None = None
    source: str = VisitSource.DESK
    # What the Coop de la médiation numérique asks (keys of services/coop_vocabulary.py);
    # ``channel`` left ``None`` is the one the « Lieu » says.
    channel: str | None = None
    equipment: tuple[str, ...] = ()
    autonomy: str | None = None
    digital_themes: tuple[str, ...] = ()
    demarche_name: str = ""
    # The public writer's letter (help type « Écrivain public… », services/letters.py): both
    # or neither; the follow-up is then due on the answer date.
    letter_sent_on: date | None = None
    answer_expected_on: date | None = None


@dataclass(frozen=True)
class Checked:
    """What :func:`check_input` found right: the labels of the categories chosen, the note
    trimmed, the Coop's columns and the follow-up date the record opens (``None``: none)."""

    labels: dict[uuid.UUID, str]
    note: str
    coop: dict[str, Any]
    due: date | None


def check_input(uow: UnitOfWork, site_id: uuid.UUID, data: AssistanceInput) -> Checked:
    """Everything of ``data`` the place's lists and rules can say, or a French
    :class:`ValidationError` naming the field."""
    if not 1 <= data.duration_min <= DURATION_MAX:
        raise ValidationError(_("Durée"), _("entre 1 et {max} minutes").format(max=DURATION_MAX))
    note = data.note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(_("Note"), _("{n} caractères au plus").format(n=NOTE_MAX))
    coop = coop_fields(data)
    session = uow.session
    if data.activity_date > place_today(site_zone(uow, site_id)):
        raise ValidationError(
            _("Date de la démarche"), _("une démarche ne peut pas être saisie à l'avance")
        )
    labels = check_categories(
        session,
        site_id,
        {
            CategoryKind.OPERATOR: (_("Organisme"), data.operator_id),
            CategoryKind.THEME: (_("Thème"), data.theme_id),
            CategoryKind.HELP_TYPE: (_("Type d'aide"), data.help_type_id),
            CategoryKind.PLACE: (_("Lieu"), data.place_id),
            CategoryKind.OUTCOME: (_("Issue"), data.outcome_id),
            CategoryKind.ORIENTATION: (_("Orientation"), data.orientation_id),
            CategoryKind.AGE_BAND: (_("Tranche d'âge"), data.age_band_id),
            CategoryKind.GENDER: (_("Genre"), data.gender_id),
            CategoryKind.STATUS: (_("Statut"), data.status_id),
        },
    )
    outcome = labels[data.outcome_id]
    check_orientation(outcome, data.orientation_id)
    if coop["channel"] is None and data.place_id is not None:
        coop["channel"] = coop_vocabulary.channel_for_place(labels[data.place_id])
    days = follow_up_days(outcome)
    due = check_letter(
        labels[data.help_type_id], data.activity_date, data.letter_sent_on, data.answer_expected_on
    )
    if due is None and days is not None:
        due = data.follow_up_due or data.activity_date + timedelta(days=days)
        if due < data.activity_date:
            raise ValidationError(_("Date de suivi"), _("ne peut précéder la date de la démarche"))
    if data.commune_id is not None:
        commune = session.get(Commune, data.commune_id)
        if commune is None or commune.site_id != site_id:
            raise ValidationError(_("Commune"), _("commune inconnue de ce lieu"))
    return Checked(labels=labels, note=note, coop=coop, due=due)


def check_categories(
    session: Session,
    site_id: uuid.UUID,
    wanted: dict[CategoryKind, tuple[str, uuid.UUID | None]],
) -> dict[uuid.UUID, str]:
    """Labels of the chosen categories; each must exist, belong to the site and be of the
    kind its field expects."""
    ids = {value for _field, value in wanted.values() if value is not None}
    rows = session.exec(select(Category).where(col(Category.id).in_(ids))).all()
    found = {c.id: c for c in rows}
    for kind, (field, value) in wanted.items():
        if value is None:
            continue
        category = found.get(value)
        if category is None or category.site_id != site_id or category.kind != kind:
            raise ValidationError(field, _("valeur inconnue de cette liste"))
    return {c.id: c.label for c in rows}


def check_orientation(outcome: str, orientation_id: uuid.UUID | None) -> None:
    if is_oriented(outcome) and orientation_id is None:
        raise ValidationError(
            _("Orientation"),
            _("à choisir quand l'issue est « {outcome} »").format(outcome=outcome),
        )
    if not is_oriented(outcome) and orientation_id is not None:
        raise ValidationError(_("Orientation"), _("seulement quand la personne est orientée"))


def touch_person(
    session: Session,
    site_id: uuid.UUID,
    person_id: uuid.UUID,
    day: date,
    *,
    attached: bool = True,
) -> None:
    """The person helped on ``day``: their last activity moves to it (the retention purge
    counts from it). A person newly ``attached`` to a record must exist and have consented;
    one the record already named (a correction of its date) is only moved on, if still
    there."""
    person = session.get(Person, person_id)
    if person is None or person.site_id != site_id or person.anonymized_at is not None:
        if not attached:
            return
        raise NotFoundError(_("Cette personne n'existe plus."))
    if attached and (person.consent_given_at is None or person.consent_withdrawn_at is not None):
        raise ConflictError(
            _(
                "{name} n'a pas donné son consentement à l'enregistrement de ses données : "
                "enregistrez la démarche sans nom (anonyme)."
            ).format(name=person_name(person))
        )
    if person.last_activity_on is None or person.last_activity_on < day:
        person.last_activity_on = day
        session.add(person)


def open_follow_up(session: Session, record_id: uuid.UUID) -> AssistanceRecord:
    """The record of an open follow-up (to close, or to put off), or why not."""
    record = session.get(AssistanceRecord, record_id)
    if record is None or record.follow_up_due is None:
        raise NotFoundError(_("Ce suivi n'existe plus."))
    if record.follow_up_closed_at is not None:
        raise ConflictError(_("Ce suivi est déjà clos."))
    return record


def coop_fields(data: AssistanceInput) -> dict[str, Any]:
    """The Coop's fields of ``data`` checked against its lists, as the record's columns."""
    name = " ".join(data.demarche_name.split())
    return {
        "channel": coop_vocabulary.CHANNELS.check(data.channel),
        "equipment": coop_vocabulary.EQUIPMENT.join(data.equipment),
        "autonomy": coop_vocabulary.AUTONOMY.check(data.autonomy),
        "digital_themes": coop_vocabulary.DIGITAL_THEMES.join(data.digital_themes),
        "demarche_name": check_text(_("Nom de la démarche"), name, DEMARCHE_NAME_MAX),
    }

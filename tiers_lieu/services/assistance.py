"""Administrative assistance (France Services): records, follow-ups, history and its totals.

A record made at the desk also counts one visit to the site's « Aide aux démarches » service,
in the same transaction, so that the visit figures and the assistance figures can never
disagree; an import (``count_visit=False``) or a record attached to a visit already counted
creates none.

The outcome and orientation lists are category rows a coordinator may extend; the code only
branches on the three outcomes DOMAIN.md gives a meaning to (« Orientée », « Doit revenir »,
« À finaliser en autonomie »), recognised by their label with case and accents ignored, as
the demo generator and the imports do.

The lists themselves are read in :mod:`assistance_history`, the exports written in
:mod:`assistance_export` and :mod:`coop_export` (the Coop de la médiation numérique's activity
export, démarches and workshops); this service opens the unit of work around them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AssistanceRecord, Category, Commune, Person, Service, Visit
from tiers_lieu.models.enums import CategoryKind, ServiceKind, VisitSource
from tiers_lieu.services import coop_vocabulary
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.assistance_audit import audit_read, commit_change
from tiers_lieu.services.assistance_export import MonthlyTable, monthly_by_operator
from tiers_lieu.services.assistance_history import (
    AssistanceRow,
    AssistanceTotals,
    FollowUp,
    TotalLine,
    count_open_follow_ups,
    history_filter,
    history_page,
    history_totals,
    open_follow_ups,
    person_name,
)
from tiers_lieu.services.coop_export import CoopExport, coop_export
from tiers_lieu.services.letters import check_letter
from tiers_lieu.services.tabular import normalise
from tiers_lieu.validation import check_text

__all__ = [
    "AssistanceInfo",
    "AssistanceInput",
    "AssistanceRow",
    "AssistanceService",
    "AssistanceTotals",
    "FollowUp",
    "TotalLine",
    "follow_up_days",
    "is_oriented",
]

NOTE_MAX = 280
DURATION_MAX = 600
DEMARCHE_NAME_MAX = 200
NAMES_SHOWN = 500
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
class AssistanceInfo:
    """A record as saved, with what the desk confirms (the visit counted, or why not)."""

    id: uuid.UUID
    activity_date: date
    operator: str
    theme: str
    help_type: str
    duration_min: int
    outcome: str
    follow_up_due: date | None
    visit_id: uuid.UUID | None
    visit_service: str | None
    """Name of the service the new visit was counted in; ``None`` when none was counted."""


class AssistanceService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- recording ------------------------------------------------------------------------
    @requires(Permission.ASSISTANCE)
    def create(
        self, site_id: uuid.UUID, data: AssistanceInput, *, count_visit: bool = True
    ) -> AssistanceInfo:
        """Save one record; at the desk, count its visit in the same transaction (not with
        ``count_visit=False``: an import, whose visits are counted otherwise)."""
        activity_date, activity_time = data.activity_date, data.activity_time
        operator_id, theme_id, help_type_id = data.operator_id, data.theme_id, data.help_type_id
        duration_min, place_id = data.duration_min, data.place_id
        outcome_id, orientation_id = data.outcome_id, data.orientation_id
        person_id, commune_id = data.person_id, data.commune_id
        age_band_id, gender_id, status_id = data.age_band_id, data.gender_id, data.status_id
        visit_id, source = data.visit_id, data.source
        if not 1 <= duration_min <= DURATION_MAX:
            raise ValidationError(
                _("Durée"), _("entre 1 et {max} minutes").format(max=DURATION_MAX)
            )
        note = data.note.strip()
        if len(note) > NOTE_MAX:
            raise ValidationError(_("Note"), _("{n} caractères au plus").format(n=NOTE_MAX))
        coop = _coop_fields(data)
        with self._uow() as uow:
            session = uow.session
            categories = self._check_categories(
                session,
                site_id,
                {
                    CategoryKind.OPERATOR: (_("Organisme"), operator_id),
                    CategoryKind.THEME: (_("Thème"), theme_id),
                    CategoryKind.HELP_TYPE: (_("Type d'aide"), help_type_id),
                    CategoryKind.PLACE: (_("Lieu"), place_id),
                    CategoryKind.OUTCOME: (_("Issue"), outcome_id),
                    CategoryKind.ORIENTATION: (_("Orientation"), orientation_id),
                    CategoryKind.AGE_BAND: (_("Tranche d'âge"), age_band_id),
                    CategoryKind.GENDER: (_("Genre"), gender_id),
                    CategoryKind.STATUS: (_("Statut"), status_id),
                },
            )
            outcome = categories[outcome_id]
            self._check_orientation(outcome, orientation_id)
            if coop["channel"] is None and place_id is not None:
                coop["channel"] = coop_vocabulary.channel_for_place(categories[place_id])
            days = follow_up_days(outcome)
            due: date | None = check_letter(
                categories[help_type_id],
                activity_date,
                data.letter_sent_on,
                data.answer_expected_on,
            )
            if due is None and days is not None:
                due = data.follow_up_due or activity_date + timedelta(days=days)
                if due < activity_date:
                    raise ValidationError(
                        _("Date de suivi"), _("ne peut précéder la date de la démarche")
                    )
            if commune_id is not None:
                commune = session.get(Commune, commune_id)
                if commune is None or commune.site_id != site_id:
                    raise ValidationError(_("Commune"), _("commune inconnue de ce lieu"))
            if person_id is not None:
                self._touch_person(session, site_id, person_id, activity_date)

            service_name: str | None = None
            if visit_id is not None:
                visit = session.get(Visit, visit_id)
                if visit is None or visit.site_id != site_id:
                    raise NotFoundError(_("La visite à rattacher n'existe plus."))
            elif count_visit:
                service = session.exec(
                    select(Service)
                    .where(
                        Service.site_id == site_id,
                        Service.kind == ServiceKind.ASSISTANCE,
                        col(Service.active).is_(True),
                    )
                    .order_by(col(Service.position))
                ).first()
                if service is not None:
                    visit = Visit(
                        site_id=site_id,
                        service_id=service.id,
                        activity_date=activity_date,
                        activity_time=activity_time,
                        count=1,
                        commune_id=commune_id,
                        age_band_id=age_band_id,
                        gender_id=gender_id,
                        status_id=status_id,
                        person_id=person_id,
                        source=VisitSource.ASSISTANCE,
                        created_by_id=uow.actor_id,
                    )
                    session.add(visit)
                    # No ORM relationship orders the inserts: the visit goes first.
                    session.flush()
                    visit_id = visit.id
                    service_name = service.name

            record = AssistanceRecord(
                site_id=site_id,
                activity_date=activity_date,
                activity_time=activity_time,
                operator_id=operator_id,
                theme_id=theme_id,
                help_type_id=help_type_id,
                duration_min=duration_min,
                place_id=place_id,
                outcome_id=outcome_id,
                orientation_id=orientation_id,
                person_id=person_id,
                commune_id=commune_id,
                age_band_id=age_band_id,
                gender_id=gender_id,
                status_id=status_id,
                note=note,
                letter_sent_on=data.letter_sent_on,
                answer_expected_on=data.answer_expected_on,
                follow_up_due=due,
                visit_id=visit_id,
                source=source,
                created_by_id=uow.actor_id,
                **coop,
            )
            session.add(record)
            uow.commit()
            return AssistanceInfo(
                id=record.id,
                activity_date=activity_date,
                operator=categories[operator_id],
                theme=categories[theme_id],
                help_type=categories[help_type_id],
                duration_min=duration_min,
                outcome=outcome,
                follow_up_due=due,
                visit_id=visit_id,
                visit_service=service_name,
            )

    @staticmethod
    def _check_categories(
        session: Session,
        site_id: uuid.UUID,
        wanted: dict[CategoryKind, tuple[str, uuid.UUID | None]],
    ) -> dict[uuid.UUID, str]:
        """Labels of the chosen categories; each must exist, belong to the site and be of
        the kind its field expects."""
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

    @staticmethod
    def _check_orientation(outcome: str, orientation_id: uuid.UUID | None) -> None:
        if is_oriented(outcome) and orientation_id is None:
            raise ValidationError(
                _("Orientation"),
                _("à choisir quand l'issue est « {outcome} »").format(outcome=outcome),
            )
        if not is_oriented(outcome) and orientation_id is not None:
            raise ValidationError(_("Orientation"), _("seulement quand la personne est orientée"))

    @staticmethod
    def _touch_person(
        session: Session, site_id: uuid.UUID, person_id: uuid.UUID, day: date
    ) -> None:
        person = session.get(Person, person_id)
        if person is None or person.site_id != site_id or person.anonymized_at is not None:
            raise NotFoundError(_("Cette personne n'existe plus."))
        if person.consent_given_at is None or person.consent_withdrawn_at is not None:
            raise ConflictError(
                _(
                    "{name} n'a pas donné son consentement à l'enregistrement de ses données : "
                    "enregistrez la démarche sans nom (anonyme)."
                ).format(name=person_name(person))
            )
        # The retention purge counts from the last activity.
        if person.last_activity_on is None or person.last_activity_on < day:
            person.last_activity_on = day
            session.add(person)

    @requires(Permission.ASSISTANCE)
    def demarche_names(self, site_id: uuid.UUID, *, since: date) -> list[str]:
        """The names of démarches the place typed since ``since``, most used first (at most
        :data:`NAMES_SHOWN`): what the form suggests. One indexed range of the place's
        records, so the form can ask for it as it opens."""
        with self._uow(read_only=True) as uow:
            record = AssistanceRecord.__table__.c  # type: ignore[attr-defined]
            rows = uow.session.execute(
                sa_select(record.demarche_name, func.count())
                .where(
                    record.site_id == site_id,
                    record.activity_date >= since,
                    record.demarche_name != "",
                )
                .group_by(record.demarche_name)
                .order_by(func.count().desc(), record.demarche_name)
                .limit(NAMES_SHOWN)
            ).all()
            return [name for name, _count in rows]

    # -- follow-ups -----------------------------------------------------------------------
    @requires(Permission.ASSISTANCE)
    def follow_ups(self, site_id: uuid.UUID, *, due_before: date | None = None) -> list[FollowUp]:
        """Open follow-ups (« Doit revenir », « À finaliser »), earliest due date first."""
        with self._uow() as uow:
            rows = open_follow_ups(uow.session, site_id, due_before)
            if rows:  # people's names and notes are shown: audited, once per list
                audit_read(uow, site_id, {"follow_ups": len(rows)})
            return rows

    @requires(Permission.ASSISTANCE)
    def count_follow_ups(self, site_id: uuid.UUID) -> int:
        """How many follow-ups are open (the « Suivis (n) » tab title): one indexed count,
        no names read, so not a consultation."""
        with self._uow(read_only=True) as uow:
            return count_open_follow_ups(uow.session, site_id)

    @requires(Permission.ASSISTANCE)
    def close_follow_up(
        self,
        record_id: uuid.UUID,
        *,
        outcome_id: uuid.UUID,
        orientation_id: uuid.UUID | None = None,
    ) -> None:
        """Close a follow-up with its final outcome (and orientation when « Orientée »).

        The closing orientation is kept in the record's ``orientation_id``: the record's own
        outcome was a follow-up one, which never carries an orientation.
        """
        with self._uow() as uow:
            record = uow.session.get(AssistanceRecord, record_id)
            if record is None or record.follow_up_due is None:
                raise NotFoundError(_("Ce suivi n'existe plus."))
            if record.follow_up_closed_at is not None:
                raise ConflictError(_("Ce suivi est déjà clos."))
            labels = self._check_categories(
                uow.session,
                record.site_id,
                {
                    CategoryKind.OUTCOME: (_("Issue"), outcome_id),
                    CategoryKind.ORIENTATION: (_("Orientation"), orientation_id),
                },
            )
            outcome = labels[outcome_id]
            if follow_up_days(outcome) is not None:
                raise ValidationError(_("Issue"), _("un suivi se clôt par une issue définitive"))
            self._check_orientation(outcome, orientation_id)
            record.follow_up_closed_at = datetime.now(UTC)
            record.follow_up_outcome_id = outcome_id
            if orientation_id is not None:
                record.orientation_id = orientation_id
            commit_change(uow, record, {"follow_up_outcome": outcome})

    # -- history --------------------------------------------------------------------------
    @requires(Permission.ASSISTANCE)
    def page(
        self,
        site_id: uuid.UUID,
        *,
        start: date,
        end: date,
        operator_id: uuid.UUID | None = None,
        theme_id: uuid.UUID | None = None,
        outcome_id: uuid.UUID | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[AssistanceRow]:
        """Records of the period matching the filters, newest first, ``limit`` at a time."""
        where = history_filter(site_id, start, end, operator_id, theme_id, outcome_id)
        with self._uow() as uow:
            rows = history_page(uow.session, site_id, where, offset, limit)
            if rows and offset == 0:  # audited once per search, not per page scrolled
                audit_read(uow, site_id, {"start": start, "end": end, "rows": len(rows)})
            return rows

    @requires(Permission.ASSISTANCE)
    def totals(
        self,
        site_id: uuid.UUID,
        *,
        start: date,
        end: date,
        operator_id: uuid.UUID | None = None,
        theme_id: uuid.UUID | None = None,
        outcome_id: uuid.UUID | None = None,
    ) -> AssistanceTotals:
        """Counts and minutes of the period, overall and per organisme, thème and issue."""
        where = history_filter(site_id, start, end, operator_id, theme_id, outcome_id)
        with self._uow() as uow:
            return history_totals(uow.session, site_id, where)

    # -- exports ------------------------------------------------------------------------
    @requires(Permission.ASSISTANCE)
    def coop_activities(
        self, site_ids: list[uuid.UUID] | None, *, start: date, end: date
    ) -> CoopExport:
        """The Coop de la médiation numérique's activity export of the places (every place
        the account sees when ``None``): the démarches and the workshops of the period."""
        with self._uow(read_only=True) as uow:
            return coop_export(uow, site_ids, start=start, end=end)

    @requires(Permission.ASSISTANCE)
    def monthly_by_operator(self, site_id: uuid.UUID, *, start: date, end: date) -> MonthlyTable:
        """Records per organisme and month of the period (France Services partner table)."""
        with self._uow() as uow:
            return monthly_by_operator(uow.session, site_id, start=start, end=end)


def _coop_fields(data: AssistanceInput) -> dict[str, Any]:
    """The Coop's fields of ``data`` checked against its lists, as the record's columns."""
    name = " ".join(data.demarche_name.split())
    return {
        "channel": coop_vocabulary.CHANNELS.check(data.channel),
        "equipment": coop_vocabulary.EQUIPMENT.join(data.equipment),
        "autonomy": coop_vocabulary.AUTONOMY.check(data.autonomy),
        "digital_themes": coop_vocabulary.DIGITAL_THEMES.join(data.digital_themes),
        "demarche_name": check_text(_("Nom de la démarche"), name, DEMARCHE_NAME_MAX),
    }

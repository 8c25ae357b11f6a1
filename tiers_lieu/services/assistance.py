"""Administrative assistance (France Services): records, follow-ups, history and its totals.

A record made at the desk also counts one visit to the site's « Aide aux démarches » service,
in the same transaction, so that the visit figures and the assistance figures can never
disagree; an import (``count_visit=False``) or a record attached to a visit already counted
creates none.

The checks a record passes are in :mod:`assistance_checks`, shared with the corrections of
:mod:`assistance_edit` (a record changed or deleted, a follow-up put off). The lists
themselves are read in :mod:`assistance_history`, the exports written in
:mod:`assistance_export` and :mod:`coop_export` (the Coop de la médiation numérique's activity
export, démarches and workshops); this service opens the unit of work around them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AssistanceRecord, Service, Visit
from tiers_lieu.models.enums import CategoryKind, ServiceKind, VisitSource
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.assistance_audit import audit_read, commit_change
from tiers_lieu.services.assistance_checks import (
    DEMARCHE_NAME_MAX,
    DURATION_MAX,
    NOTE_MAX,
    AssistanceInput,
    check_categories,
    check_input,
    check_orientation,
    follow_up_days,
    is_oriented,
    open_follow_up,
    touch_person,
)
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
)
from tiers_lieu.services.coop_export import CoopExport, coop_export

__all__ = [
    "DEMARCHE_NAME_MAX",
    "DURATION_MAX",
    "NOTE_MAX",
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

NAMES_SHOWN = 500


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
    """Name of the service the new visit was counted in (for a correction: of the visit the
    record counted, which followed it); ``None`` when none was counted."""
    changed: tuple[str, ...] = ()
    """For a correction: the fields it changed (``operator``, ``activity_date``…)."""


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
        activity_date, person_id = data.activity_date, data.person_id
        visit_id = data.visit_id
        with self._uow() as uow:
            session = uow.session
            checked = check_input(uow, site_id, data)
            if person_id is not None:
                touch_person(session, site_id, person_id, activity_date)

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
                        activity_time=data.activity_time,
                        count=1,
                        commune_id=data.commune_id,
                        age_band_id=data.age_band_id,
                        gender_id=data.gender_id,
                        status_id=data.status_id,
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
                activity_time=data.activity_time,
                operator_id=data.operator_id,
                theme_id=data.theme_id,
                help_type_id=data.help_type_id,
                duration_min=data.duration_min,
                place_id=data.place_id,
                outcome_id=data.outcome_id,
                orientation_id=data.orientation_id,
                person_id=person_id,
                commune_id=data.commune_id,
                age_band_id=data.age_band_id,
                gender_id=data.gender_id,
                status_id=data.status_id,
                note=checked.note,
                letter_sent_on=data.letter_sent_on,
                answer_expected_on=data.answer_expected_on,
                follow_up_due=checked.due,
                visit_id=visit_id,
                source=data.source,
                created_by_id=uow.actor_id,
                **checked.coop,
            )
            session.add(record)
            uow.commit()
            return record_info(record, checked.labels, visit_service=service_name)

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
            record = open_follow_up(uow.session, record_id)
            labels = check_categories(
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
            check_orientation(outcome, orientation_id)
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


def record_info(
    record: AssistanceRecord,
    labels: dict[uuid.UUID, str],
    *,
    visit_service: str | None,
    changed: tuple[str, ...] = (),
) -> AssistanceInfo:
    """What the desk confirms of ``record`` as saved (``labels``: of its categories)."""
    return AssistanceInfo(
        id=record.id,
        activity_date=record.activity_date,
        operator=labels[record.operator_id],
        theme=labels[record.theme_id],
        help_type=labels[record.help_type_id],
        duration_min=record.duration_min,
        outcome=labels[record.outcome_id],
        follow_up_due=record.follow_up_due,
        visit_id=record.visit_id,
        visit_service=visit_service,
        changed=changed,
    )

"""The volunteers' rota (issue 22): who holds the desk (« Accueil »), the AMAP distribution or
the café, when.

A shift (``RotaShift``) is a day, a time range and a role; nobody on it yet is a *gap*. The
rota looks a week ahead (:meth:`RotaService.gaps`): shifts of the next 7 days with nobody, and
the opening hours of those days (``opening_hours`` minus closures and public holidays) that no
« Accueil » shift covers.

Volunteers are people of the register whose ``kinds`` hold ``volunteer``; only they can be put
on a shift. Their usual availability (``RotaAvailability``: a weekday, a time range, a role or
any) is shown beside each name when picking.

After the day a shift is marked done or absent. **Done writes the volunteer-time entry**
(``VolunteerTime``: the shift's minutes, the role's label as activity, the person) and links it
by ``volunteer_time_id``, so the hours reach ``volunteers.hours`` of the report through the one
table it reads; putting the shift back to planned or absent deletes that entry (never counted
twice). Reassigning or deleting a done shift is refused: put it back first.

The records and small checks are in :mod:`.rota_models`; the volunteers and their
availability in :mod:`.rota_volunteers` (the base of :class:`RotaService`).
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, ngettext, place_today
from tiers_lieu.models import Closure, OpeningHours, Person, VolunteerTime
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.models.proximity import RotaShift
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.rota_models import (
    AHEAD_DAYS,
    MAX_REPEAT_WEEKS,
    MAX_SHIFTS_A_WEEK,
    ROLES,
    SHEET_LINES,
    STATUSES,
    VOLUNTEER_KIND,
    AvailabilityRange,
    RotaGaps,
    RotaSheet,
    ShiftInfo,
    ShiftInput,
    UncoveredHours,
    VolunteerChoice,
    _hours,
    _minutes,
    _role,
    _shift_info,
    _subtract,
    monday_of,
    role_label,
    status_label,
    week_days,
)
from tiers_lieu.services.rota_volunteers import RotaVolunteers
from tiers_lieu.services.sites import site_zone

__all__ = [
    "AHEAD_DAYS",
    "MAX_REPEAT_WEEKS",
    "MAX_SHIFTS_A_WEEK",
    "ROLES",
    "SHEET_LINES",
    "STATUSES",
    "VOLUNTEER_KIND",
    "AvailabilityRange",
    "RotaGaps",
    "RotaService",
    "RotaSheet",
    "ShiftInfo",
    "ShiftInput",
    "UncoveredHours",
    "VolunteerChoice",
    "monday_of",
    "role_label",
    "status_label",
    "week_days",
]


class RotaService(RotaVolunteers):
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- reading --------------------------------------------------------------------------
    @requires(Permission.PEOPLE_EDIT)
    def shifts(self, site_id: uuid.UUID, start: date, end: date) -> list[ShiftInfo]:
        """The shifts from ``start`` to ``end`` (inclusive), by day, hour and role."""
        if (end - start).days > 366:
            raise ValidationError(_("Période"), _("une année au plus"))
        with self._uow(read_only=True) as uow:
            return self._shifts(uow, site_id, start, end)

    @staticmethod
    def _shifts(uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date) -> list[ShiftInfo]:
        rows = uow.session.exec(
            select(RotaShift, Person)
            .join(Person, col(Person.id) == col(RotaShift.person_id), isouter=True)
            .where(
                RotaShift.site_id == site_id,
                col(RotaShift.on_date) >= start,
                col(RotaShift.on_date) <= end,
            )
            .order_by(col(RotaShift.on_date), col(RotaShift.starts_at), col(RotaShift.id))
        ).all()
        order = {role: n for n, role in enumerate(ROLES)}
        found = [_shift_info(shift, person) for shift, person in rows]
        found.sort(key=lambda s: (s.on_date, order.get(s.role, 9), s.starts_at, s.ends_at))
        return found

    @requires(Permission.PEOPLE_EDIT)
    def week_sheet(self, site_id: uuid.UUID, monday: date) -> RotaSheet:
        """The week starting ``monday`` as :class:`RotaSheet` (for the printed rota)."""
        from tiers_lieu.i18n import format_date, format_time, weekday_name
        from tiers_lieu.models import Site

        monday = monday_of(monday)
        days = week_days(monday)
        with self._uow(read_only=True) as uow:
            shifts = self._shifts(uow, site_id, monday, days[-1])
            site = uow.session.get(Site, site_id)
            place = site.name if site is not None else ""
        rows: list[tuple[str, list[list[str]]]] = []
        for role in ROLES:
            cells: list[list[str]] = []
            for day in days:
                lines = []
                for s in shifts:
                    if s.on_date != day or s.role != role:
                        continue
                    hours = f"{format_time(s.starts_at)}–{format_time(s.ends_at)}"
                    who = s.person_name or _("— à pourvoir —")
                    if s.status == "absent":
                        who = _("{name} (absent·e)").format(name=who)
                    lines.append(f"{hours} {who}")
                if len(lines) > SHEET_LINES:  # a row never taller than the page
                    more = len(lines) - SHEET_LINES + 1
                    lines = [
                        *lines[: SHEET_LINES - 1],
                        ngettext("… et {n} autre", "… et {n} autres", more).format(n=more),
                    ]
                cells.append(lines)
            rows.append((role_label(role), cells))
        return RotaSheet(
            title=_("Planning des bénévoles — {place}").format(place=place),
            subtitle=_("Semaine du {first} au {last}").format(
                first=format_date(monday, "long"), last=format_date(days[-1], "long")
            ),
            days=[f"{weekday_name(d.weekday()).capitalize()} {d:%d/%m}" for d in days],
            rows=rows,
            gaps=sum(1 for s in shifts if s.is_gap),
        )

    @requires(Permission.PEOPLE_EDIT)
    def gaps(self, site_id: uuid.UUID, *, today: date | None = None) -> RotaGaps:
        """Shifts of the next :data:`AHEAD_DAYS` days with nobody, and the opening hours of
        those days (closures and public holidays left out) no « Accueil » shift covers."""
        with self._uow(read_only=True) as uow:
            first = today if today is not None else place_today(site_zone(uow, site_id))
            last = first + timedelta(days=AHEAD_DAYS - 1)
            shifts = self._shifts(uow, site_id, first, last)
            hours: dict[int, list[tuple[time, time]]] = {}
            for row in uow.session.exec(
                select(OpeningHours)
                .where(OpeningHours.site_id == site_id)
                .order_by(col(OpeningHours.opens_at))
            ):
                hours.setdefault(row.weekday, []).append((row.opens_at, row.closes_at))
            closures = [
                (c.start_date, c.end_date)
                for c in uow.session.exec(
                    select(Closure).where(
                        Closure.site_id == site_id,
                        col(Closure.start_date) <= last,
                        col(Closure.end_date) >= first,
                    )
                )
            ]
        holidays = set(public_holidays(first.year)) | set(public_holidays(last.year))
        uncovered: list[UncoveredHours] = []
        for offset in range(AHEAD_DAYS):
            day = first + timedelta(days=offset)
            if day in holidays or any(a <= day <= b for a, b in closures):
                continue
            desk = [
                (s.starts_at, s.ends_at)
                for s in shifts
                if s.on_date == day and s.role == "accueil" and s.status != "absent"
            ]
            for start, end in _subtract(hours.get(day.weekday(), []), desk):
                uncovered.append(UncoveredHours(day, start, end))
        empty = [s for s in shifts if s.is_gap]
        return RotaGaps(first, last, empty, uncovered)

    # -- writing --------------------------------------------------------------------------
    @requires(Permission.PEOPLE_EDIT)
    def create_shift(
        self, site_id: uuid.UUID, data: ShiftInput, *, repeat_weeks: int = 0
    ) -> list[ShiftInfo]:
        """The shift, and the same one ``repeat_weeks`` following weeks (0–12)."""
        role = _role(data.role)
        _hours(data.starts_at, data.ends_at, _("Fin"))
        if not 0 <= repeat_weeks <= MAX_REPEAT_WEEKS:
            raise ValidationError(_("Répéter"), _("de 0 à {n} semaines").format(n=MAX_REPEAT_WEEKS))
        with self._uow() as uow:
            person = self._volunteer(uow, site_id, data.person_id)
            rows = []
            for week in range(repeat_weeks + 1):
                row = RotaShift(
                    site_id=site_id,
                    on_date=data.on_date + timedelta(weeks=week),
                    starts_at=data.starts_at,
                    ends_at=data.ends_at,
                    role=role,
                    person_id=data.person_id,
                )
                uow.session.add(row)
                rows.append(row)
            uow.session.flush()
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="rota_shift",
                entity_id=rows[0].id,
                site_id=site_id,
                details={
                    "on_date": data.on_date,
                    "role": role,
                    "ranges": [f"{data.starts_at:%H:%M}-{data.ends_at:%H:%M}"],
                    "weeks": repeat_weeks + 1,
                },
            )
            made = [_shift_info(r, person) for r in rows]
            uow.commit()
            return made

    @requires(Permission.PEOPLE_EDIT)
    def copy_week(
        self, site_id: uuid.UUID, monday: date, *, weeks: int = 1, with_people: bool = True
    ) -> int:
        """Repeat the week starting ``monday`` on the ``weeks`` following weeks: each shift
        again on the same weekday and hours (with the same volunteer if ``with_people``),
        planned; a shift already there (same day, hours and role) is left as it is. Returns
        the number of shifts created."""
        if not 1 <= weeks <= MAX_REPEAT_WEEKS:
            raise ValidationError(
                _("Semaines"), _("de 1 à {n} semaines").format(n=MAX_REPEAT_WEEKS)
            )
        monday = monday_of(monday)
        with self._uow() as uow:
            pattern = self._shifts(uow, site_id, monday, monday + timedelta(days=6))
            if not pattern:
                raise ValidationError(_("Semaine"), _("cette semaine n'a aucun créneau"))
            if len(pattern) > MAX_SHIFTS_A_WEEK:
                raise ValidationError(
                    _("Semaine"), _("{n} créneaux au plus").format(n=MAX_SHIFTS_A_WEEK)
                )
            last = monday + timedelta(weeks=weeks, days=6)
            there = {
                (s.on_date, s.starts_at, s.ends_at, s.role)
                for s in self._shifts(uow, site_id, monday + timedelta(days=7), last)
            }
            created = 0
            for week in range(1, weeks + 1):
                for s in pattern:
                    key = (s.on_date + timedelta(weeks=week), s.starts_at, s.ends_at, s.role)
                    if key in there:
                        continue
                    uow.session.add(
                        RotaShift(
                            site_id=site_id,
                            on_date=key[0],
                            starts_at=s.starts_at,
                            ends_at=s.ends_at,
                            role=s.role,
                            person_id=s.person_id if with_people else None,
                        )
                    )
                    created += 1
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="rota_shift",
                entity_id=None,
                site_id=site_id,
                details={"week": monday, "weeks": weeks, "shifts": created},
            )
            uow.commit()
            return created

    @requires(Permission.PEOPLE_EDIT)
    def assign(self, shift_id: uuid.UUID, person_id: uuid.UUID | None) -> ShiftInfo:
        """Put a volunteer on the shift (``None``: nobody, the shift becomes a gap)."""
        with self._uow() as uow:
            row = self._shift(uow, shift_id)
            if row.status == "done":
                raise ConflictError(
                    _("Ce créneau est marqué fait : remettez-le « Prévu » avant de le changer.")
                )
            person = self._volunteer(uow, row.site_id, person_id)
            row.person_id = person_id
            row.status = "planned"
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="rota_shift",
                entity_id=row.id,
                site_id=row.site_id,
                details={"assigned": person_id is not None},
            )
            uow.session.flush()
            info = _shift_info(row, person)
            uow.commit()
            return info

    @requires(Permission.PEOPLE_EDIT)
    def set_status(
        self, shift_id: uuid.UUID, status: str, *, today: date | None = None
    ) -> ShiftInfo:
        """Mark a shift ``done`` (writes its volunteer time), ``absent`` or ``planned``
        (either removes the volunteer time a ``done`` wrote)."""
        if status not in STATUSES:
            raise ValidationError(_("État"), _("état inconnu : Prévu, Fait ou Absent"))
        with self._uow() as uow:
            row = self._shift(uow, shift_id)
            person = uow.session.get(Person, row.person_id) if row.person_id else None
            if status != "planned":
                if row.person_id is None:
                    raise ValidationError(_("Bénévole"), _("personne n'est inscrit sur ce créneau"))
                now = today if today is not None else place_today(site_zone(uow, row.site_id))
                if row.on_date > now:
                    raise ValidationError(_("État"), _("ce créneau n'a pas encore eu lieu"))
            if status == row.status:
                return _shift_info(row, person)
            if row.volunteer_time_id is not None:
                entry = uow.session.get(VolunteerTime, row.volunteer_time_id)
                row.volunteer_time_id = None
                uow.session.add(row)
                uow.session.flush()
                if entry is not None:
                    uow.session.delete(entry)
            if status == "done":
                entry = VolunteerTime(
                    site_id=row.site_id,
                    person_id=row.person_id,
                    on_date=row.on_date,
                    minutes=_minutes(row.starts_at, row.ends_at),
                    activity=role_label(row.role),
                )
                uow.session.add(entry)
                uow.session.flush()
                row.volunteer_time_id = entry.id
            row.status = status
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="rota_shift",
                entity_id=row.id,
                site_id=row.site_id,
                details={"shift_done": status == "done", "shift_absent": status == "absent"},
            )
            uow.session.flush()
            info = _shift_info(row, person)
            uow.commit()
            return info

    @requires(Permission.PEOPLE_EDIT)
    def delete_shift(self, shift_id: uuid.UUID) -> None:
        with self._uow() as uow:
            row = self._shift(uow, shift_id)
            if row.status == "done":
                raise ConflictError(
                    _("Ce créneau est marqué fait : remettez-le « Prévu » avant de le supprimer.")
                )
            uow.session.delete(row)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="rota_shift",
                entity_id=row.id,
                site_id=row.site_id,
                details={"on_date": row.on_date, "role": row.role},
            )
            uow.commit()


def shift_back_to_planned(uow: UnitOfWork, entry: VolunteerTime) -> None:
    """The rota shifts marked « Fait » with ``entry``'s hours: « Prévu » again, unlinked."""
    for shift in uow.session.exec(
        select(RotaShift).where(col(RotaShift.volunteer_time_id) == entry.id)
    ).all():
        shift.volunteer_time_id = None
        shift.status = "planned"
        uow.session.add(shift)
        audit.record(
            uow,
            action=AuditAction.UPDATE,
            entity="rota_shift",
            entity_id=shift.id,
            site_id=shift.site_id,
            details={"shift_done": False, "shift_absent": False, "hours_deleted": True},
        )
    uow.session.flush()

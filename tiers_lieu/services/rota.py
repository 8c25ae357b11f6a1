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
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, ngettext, place_today
from tiers_lieu.models import Closure, OpeningHours, Person, VolunteerTime
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.models.proximity import RotaAvailability, RotaShift
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.sites import site_zone

VOLUNTEER_KIND = "volunteer"
ROLES: dict[str, str] = {"accueil": N_("Accueil"), "amap": N_("AMAP"), "cafe": N_("Café")}
"""Role codes stored on a shift, in the order the week shows them, and their labels."""
STATUSES: dict[str, str] = {"planned": N_("Prévu"), "done": N_("Fait"), "absent": N_("Absent")}
AHEAD_DAYS = 7
"""Gaps are looked for from today over this many days."""
MAX_REPEAT_WEEKS = 12
MAX_SHIFTS_A_WEEK = 200
SHEET_LINES = 12
"""Lines of one role and day on the printed week (more are counted on the last line)."""
"""A week copied holds at most this many shifts (bounded work on a mistaken copy)."""


def role_label(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def status_label(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _name(person: Person | None) -> str:
    if person is None or person.anonymized_at is not None:
        return ""
    return " ".join(p for p in (person.first_name, person.last_name) if p) or person.organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftInput:
    """A shift to create: its day, its hours and its role (``accueil``, ``amap``, ``cafe``)."""

    on_date: date
    starts_at: time
    ends_at: time
    role: str
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ShiftInfo:
    id: uuid.UUID
    on_date: date
    starts_at: time
    ends_at: time
    role: str
    person_id: uuid.UUID | None
    person_name: str
    status: str
    volunteer_time_id: uuid.UUID | None

    @property
    def minutes(self) -> int:
        return _minutes(self.starts_at, self.ends_at)

    @property
    def is_gap(self) -> bool:
        return self.person_id is None


@dataclass(frozen=True)
class AvailabilityRange:
    weekday: int
    starts_at: time
    ends_at: time
    role: str = ""  # "" = any role

    def covers(self, shift: ShiftInfo) -> bool:
        return (
            self.weekday == shift.on_date.weekday()
            and self.starts_at <= shift.starts_at
            and shift.ends_at <= self.ends_at
            and self.role in ("", shift.role)
        )


@dataclass(frozen=True)
class VolunteerChoice:
    """A volunteer offered for a shift: available (their usual range covers it), already on
    another shift that day, their ranges."""

    person_id: uuid.UUID
    name: str
    available: bool
    busy_that_day: bool
    ranges: tuple[AvailabilityRange, ...]


@dataclass(frozen=True)
class UncoveredHours:
    """Opening hours of a day that no « Accueil » shift covers."""

    on_date: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class RotaGaps:
    first_day: date
    last_day: date
    empty_shifts: list[ShiftInfo]
    uncovered: list[UncoveredHours]

    @property
    def count(self) -> int:
        return len(self.empty_shifts) + len(self.uncovered)


@dataclass(frozen=True)
class RotaSheet:
    """The week's rota on paper: a column per day, a row per role, each cell its shifts
    (« 09:00–12:30 Marie Dubois », « — à pourvoir — » for nobody)."""

    title: str
    subtitle: str
    days: list[str]
    rows: list[tuple[str, list[list[str]]]]
    gaps: int


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(_("Rôle"), _("rôle inconnu : Accueil, AMAP ou Café"))
    return role


def _hours(start: time, end: time, field: str) -> None:
    if not start < end:
        raise ValidationError(field, _("la fin doit suivre le début"))


def _shift_info(row: RotaShift, person: Person | None) -> ShiftInfo:
    return ShiftInfo(
        row.id,
        row.on_date,
        row.starts_at,
        row.ends_at,
        row.role,
        row.person_id,
        _name(person),
        row.status,
        row.volunteer_time_id,
    )


def _is_volunteer(person: Person) -> bool:
    return VOLUNTEER_KIND in person.kinds.split(",")


def _subtract(
    ranges: list[tuple[time, time]], covers: Sequence[tuple[time, time]]
) -> list[tuple[time, time]]:
    """``ranges`` minus every range of ``covers`` (all on one day)."""
    left = list(ranges)
    for c_start, c_end in covers:
        kept: list[tuple[time, time]] = []
        for start, end in left:
            if c_end <= start or end <= c_start:
                kept.append((start, end))
                continue
            if start < c_start:
                kept.append((start, c_start))
            if c_end < end:
                kept.append((c_end, end))
        left = kept
    return left


class RotaService:
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

    @requires(Permission.PEOPLE_EDIT)
    def volunteers(
        self, site_id: uuid.UUID, *, shift_id: uuid.UUID | None = None
    ) -> list[VolunteerChoice]:
        """The place's volunteers, by name; for ``shift_id``, those available first."""
        with self._uow(read_only=True) as uow:
            people = [
                p
                for p in uow.session.exec(
                    select(Person).where(
                        Person.site_id == site_id,
                        col(Person.kinds).contains(VOLUNTEER_KIND),
                        col(Person.anonymized_at).is_(None),
                        col(Person.merged_into_id).is_(None),
                    )
                )
                if _is_volunteer(p)
            ]
            ranges: dict[uuid.UUID, list[AvailabilityRange]] = {}
            for a in uow.session.exec(
                select(RotaAvailability)
                .where(RotaAvailability.site_id == site_id)
                .order_by(col(RotaAvailability.weekday), col(RotaAvailability.starts_at))
            ):
                ranges.setdefault(a.person_id, []).append(
                    AvailabilityRange(a.weekday, a.starts_at, a.ends_at, a.role)
                )
            shift = self._shift(uow, shift_id) if shift_id is not None else None
            busy: set[uuid.UUID] = set()
            info = None
            if shift is not None:
                info = _shift_info(shift, None)
                busy = {
                    pid
                    for pid in uow.session.exec(
                        select(RotaShift.person_id).where(
                            RotaShift.site_id == site_id,
                            RotaShift.on_date == shift.on_date,
                            RotaShift.id != shift.id,
                            col(RotaShift.starts_at) < shift.ends_at,
                            col(RotaShift.ends_at) > shift.starts_at,
                        )
                    )
                    if pid is not None
                }
            choices = []
            for p in people:
                own = tuple(ranges.get(p.id, []))
                available = info is not None and any(r.covers(info) for r in own)
                choices.append(VolunteerChoice(p.id, _name(p), available, p.id in busy, own))
        choices.sort(key=lambda c: (not c.available, c.busy_that_day, c.name.casefold()))
        return choices

    @requires(Permission.PEOPLE_EDIT)
    def availability(self, person_id: uuid.UUID) -> list[AvailabilityRange]:
        with self._uow(read_only=True) as uow:
            return [
                AvailabilityRange(a.weekday, a.starts_at, a.ends_at, a.role)
                for a in uow.session.exec(
                    select(RotaAvailability)
                    .where(RotaAvailability.person_id == person_id)
                    .order_by(col(RotaAvailability.weekday), col(RotaAvailability.starts_at))
                )
            ]

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

    @requires(Permission.PEOPLE_EDIT)
    def set_availability(
        self, site_id: uuid.UUID, person_id: uuid.UUID, ranges: Sequence[AvailabilityRange]
    ) -> list[AvailabilityRange]:
        """Replace the volunteer's usual availability with ``ranges``."""
        if len(ranges) > 50:
            raise ValidationError(_("Disponibilités"), _("50 plages au plus"))
        for r in ranges:
            if not 0 <= r.weekday <= 6:
                raise ValidationError(_("Jour"), _("jour de la semaine inconnu"))
            _hours(r.starts_at, r.ends_at, _("Fin"))
            if r.role:
                _role(r.role)
        with self._uow() as uow:
            self._volunteer(uow, site_id, person_id)
            for old in uow.session.exec(
                select(RotaAvailability).where(RotaAvailability.person_id == person_id)
            ):
                uow.session.delete(old)
            for r in ranges:
                uow.session.add(
                    RotaAvailability(
                        site_id=site_id,
                        person_id=person_id,
                        weekday=r.weekday,
                        starts_at=r.starts_at,
                        ends_at=r.ends_at,
                        role=r.role,
                    )
                )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="rota_availability",
                entity_id=person_id,
                site_id=site_id,
                details={"availability": len(ranges)},
            )
            uow.commit()
        return sorted(ranges, key=lambda r: (r.weekday, r.starts_at))

    @requires(Permission.PEOPLE_EDIT)
    def add_volunteer(self, site_id: uuid.UUID, person_id: uuid.UUID) -> None:
        """Count a person of the register among the volunteers (adds the kind)."""
        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.site_id != site_id or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            if _is_volunteer(person):
                return
            kinds = {k for k in person.kinds.split(",") if k} | {VOLUNTEER_KIND}
            person.kinds = ",".join(sorted(kinds))
            uow.session.add(person)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="person",
                entity_id=person.id,
                site_id=site_id,
                details={"changed": ["kinds"], "volunteer": True},
            )
            uow.commit()

    # -- shared ---------------------------------------------------------------------------
    @staticmethod
    def _shift(uow: UnitOfWork, shift_id: uuid.UUID) -> RotaShift:
        row = uow.session.get(RotaShift, shift_id)
        if row is None:
            raise NotFoundError(_("Ce créneau n'existe plus."))
        return row

    @staticmethod
    def _volunteer(
        uow: UnitOfWork, site_id: uuid.UUID, person_id: uuid.UUID | None
    ) -> Person | None:
        if person_id is None:
            return None
        person = uow.session.get(Person, person_id)
        if person is None or person.site_id != site_id or person.anonymized_at is not None:
            raise NotFoundError(_("Cette personne n'existe plus."))
        if not _is_volunteer(person):
            raise ValidationError(
                _("Bénévole"),
                _("{name} n'est pas inscrit·e comme bénévole").format(name=_name(person)),
            )
        return person


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]

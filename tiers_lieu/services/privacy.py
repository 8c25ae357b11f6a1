"""The rights of the person (access, erasure) and retention, as the GDPR and the CNIL expect.

Erasure is an *anonymisation*, never a deletion: every row a person contributed to (visits,
assistance records, bookings, sales, memberships, AMAP subscriptions…) stays, still linked to
the now anonymous person row, so that every report figure (including « distinct people »
counts) is the same before and after. What goes is what identifies:

- the person's names, organisation, phone, e-mail, year of birth and free note; the row keeps
  its categories (commune, age band, gender, status) which only ever feed aggregates;
- the free texts written about them: assistance notes, booking titles and organisations,
  the « collected by » name of their AMAP baskets, who referred their subscription;
- the same on rows merged into them (a merge leaves a tombstone that still holds a name).

Sales keep their (anonymous) person link: the solidarity price figures depend on it. The
audit log holds no personal data (see :mod:`tiers_lieu.services.audit`), it is purged by age.

Retention periods are :class:`SiteSetting` rows (JSON numbers of months); :meth:`purge`
applies them: assistance notes of people whose last assistance is older than the period,
people inactive for longer than theirs, audit lines older than a year. Everything is done with
bulk SQL statements so a large register is purged in seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.i18n import N_, _, time_zone
from tiers_lieu.models import (
    AmapSubscription,
    AssistanceRecord,
    AuditEntry,
    Booking,
    Event,
    EventAttendance,
    Membership,
    Person,
    Pickup,
    Service,
    Site,
    SiteSetting,
    Visit,
    utcnow,
)
from tiers_lieu.models.enums import AuditAction, SubscriptionStatus
from tiers_lieu.models.proximity import DeliveryOrder
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.audit_chain import (
    PURGED_TO_HASH,
    PURGED_TO_SEQ,
    PurgedPrefix,
    purgeable_prefix,
)
from tiers_lieu.services.person_page import build_page, page_dict
from tiers_lieu.services.person_records import further_records


@dataclass(frozen=True)
class Retention:
    """Months each category of data is kept (0 = never purged)."""

    assistance_months: int = 24
    inactive_people_months: int = 36
    audit_months: int = 12


@dataclass(frozen=True)
class PlaceFacts:
    """What the register of processing and the desk notice say of a place
    (:mod:`tiers_lieu.reports.documents.privacy` writes them)."""

    site: str
    address: str
    retention: Retention


@dataclass(frozen=True)
class PersonCopy:
    """Everything held about a person (:meth:`PrivacyService.export_data`) and the place's
    clock its instants are shown on: what their PDF copy says."""

    data: dict[str, Any]
    zone: ZoneInfo


RETENTION_LABELS = {
    "assistance_months": N_("Démarches : détails et notes, après le dernier contact"),
    "inactive_people_months": N_("Personnes sans activité"),
    "audit_months": N_("Journal des actions sensibles"),
}
_KEY = "retention.{field}"


@dataclass(frozen=True)
class PurgeCandidate:
    person_id: uuid.UUID
    display_name: str
    last_activity_on: date


@dataclass(frozen=True)
class PurgeReport:
    dry_run: bool
    people: tuple[PurgeCandidate, ...]
    assistance_notes: int
    audit_entries: int

    @property
    def anything(self) -> bool:
        return bool(self.people or self.assistance_notes or self.audit_entries)


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError  # pragma: no cover - 28 exists in every month


class PrivacyService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # Retention settings -------------------------------------------------------------------

    @in_place
    def retention(self, site_id: uuid.UUID) -> Retention:
        with self._uow() as uow:
            return _retention(uow.session, site_id)

    @requires(Permission.SETTINGS)
    def set_retention(self, *, site_id: uuid.UUID, retention: Retention) -> Retention:
        from tiers_lieu.errors import ValidationError

        for field, value in asdict(retention).items():
            if not 0 <= value <= 240:
                raise ValidationError(
                    _(RETENTION_LABELS[field]), _("entre 0 et 240 mois (0 : sans limite)")
                )
        with self._uow() as uow:
            for field, value in asdict(retention).items():
                key = _KEY.format(field=field)
                row = uow.session.exec(
                    select(SiteSetting).where(
                        SiteSetting.site_id == site_id, SiteSetting.key == key
                    )
                ).first()
                if row is None:
                    uow.session.add(SiteSetting(site_id=site_id, key=key, value=json.dumps(value)))
                else:
                    row.value = json.dumps(value)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="retention",
                entity_id=None,
                site_id=site_id,
                details=asdict(retention),
            )
            uow.commit()
        return retention

    # Right of access ----------------------------------------------------------------------

    @requires(Permission.PEOPLE_EXPORT)
    def export_data(self, person_id: uuid.UUID) -> dict[str, Any]:
        """Everything held about the person, as JSON-ready data (the export is audited)."""
        with self._uow() as uow:
            page = build_page(uow.session, person_id, include_assistance=True)
            data = page_dict(page)
            data["visits"] = [
                {"date": d.isoformat(), "service": name, "count": n}
                for d, name, n in uow.session.exec(
                    select(col(Visit.activity_date), col(Service.name), col(Visit.count))
                    .join(Service, col(Service.id) == Visit.service_id)
                    .where(Visit.person_id == person_id)
                    .order_by(col(Visit.activity_date))
                ).all()
            ]
            data["events"] = [
                {"date": d.isoformat(), "title": title}
                for d, title in uow.session.exec(
                    select(col(Event.event_date), col(Event.title))
                    .join(EventAttendance, col(EventAttendance.event_id) == Event.id)
                    .where(EventAttendance.person_id == person_id)
                    .order_by(col(Event.event_date))
                ).all()
            ]
            person = uow.session.get(Person, person_id)
            assert person is not None
            site = uow.session.get(Site, person.site_id)
            zone = time_zone(site.timezone if site else None)
            data.update(further_records(uow.session, person_id, zone))
            data["site"] = site.name if site else ""
            data["exported_at"] = utcnow().isoformat(timespec="seconds")
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="person",
                entity_id=person_id,
                site_id=person.site_id,
            )
            uow.commit()
            return data

    @requires(Permission.PEOPLE_EXPORT)
    def export_json(self, person_id: uuid.UUID, path: Path) -> Path:
        data = self.export_data(person_id)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path

    @requires(Permission.PEOPLE_EXPORT)
    def person_copy(self, person_id: uuid.UUID) -> PersonCopy:
        """What the person's PDF copy says (the export is audited), with the place's clock
        its dates are read on."""
        data = self.export_data(person_id)
        with self._uow(read_only=True) as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            site = uow.session.get(Site, person.site_id)
            zone = time_zone(site.timezone if site else None)
        return PersonCopy(data, zone)

    # The register of processing and the desk notice ------------------------------------

    @requires(Permission.SETTINGS)
    def register_facts(self, site_id: uuid.UUID) -> PlaceFacts:
        """What the register of processing says of the place (exported by its coordinator)."""
        return self._place_facts(site_id)

    @in_place
    def notice_facts(self, site_id: uuid.UUID) -> PlaceFacts:
        """What the information notice for the desk says (public: anyone may print it)."""
        return self._place_facts(site_id)

    def _place_facts(self, site_id: uuid.UUID) -> PlaceFacts:
        with self._uow() as uow:
            site = uow.session.get(Site, site_id)
            return PlaceFacts(
                site=site.name if site else "",
                address=site.address if site else "",
                retention=_retention(uow.session, site_id),
            )

    # Right to erasure ---------------------------------------------------------------------

    @requires(Permission.PEOPLE_EXPORT)
    def erase(self, *, person_id: uuid.UUID) -> None:
        """Anonymise the person everywhere; every figure they contributed to stays."""
        from tiers_lieu.errors import NotFoundError

        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.anonymized_at is not None or person.merged_into_id:
                raise NotFoundError(_("Cette personne n'existe plus."))
            _anonymise(uow, [person_id])
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="person",
                entity_id=person_id,
                site_id=person.site_id,
                details={"anonymised": True},
            )
            uow.commit()

    # Retention ----------------------------------------------------------------------------

    @requires(Permission.PEOPLE_EXPORT)
    def purge(
        self,
        site_id: uuid.UUID,
        *,
        dry_run: bool,
        today: date,
    ) -> PurgeReport:
        """What the retention periods make due (``dry_run``), or anonymise/delete it."""
        with self._uow() as uow:
            session = uow.session
            ret = _retention(session, site_id)
            people: list[PurgeCandidate] = []
            if ret.inactive_people_months:
                people = _inactive_people(
                    session, site_id, months_before(today, ret.inactive_people_months)
                )
            notes_where: list[Any] = []
            if ret.assistance_months:
                notes_where = _old_notes_where(site_id, months_before(today, ret.assistance_months))
            notes = (
                session.exec(
                    select(func.count()).select_from(AssistanceRecord).where(*notes_where)
                ).one()
                if notes_where
                else 0
            )
            audit_where: list[Any] = []
            purged: PurgedPrefix | None = None
            if ret.audit_months:
                limit = datetime.combine(months_before(today, ret.audit_months), time(), UTC)
                # The start of the site's chain only (lines older than the limit up to the
                # first younger one): the purge line below anchors what is left.
                purged = purgeable_prefix(session.connection(), site_id, limit)
                if purged is not None:
                    audit_where = [
                        AuditEntry.site_id == site_id,
                        col(AuditEntry.seq) <= purged.to_seq,
                    ]
            audits = (
                session.exec(select(func.count()).select_from(AuditEntry).where(*audit_where)).one()
                if audit_where
                else 0
            )
            report = PurgeReport(dry_run, tuple(people), int(notes), int(audits))
            if dry_run or not report.anything:
                return report
            if notes_where:
                session.execute(update(AssistanceRecord).where(*notes_where).values(note=""))
            if audit_where:
                session.execute(delete(AuditEntry).where(*audit_where))
            _anonymise(uow, [p.person_id for p in people])
            audit.record(
                uow,
                action=AuditAction.PURGE,
                entity="retention",
                entity_id=None,
                site_id=site_id,
                details={
                    "people": len(people),
                    "notes": notes,
                    "audit": audits,
                    **(
                        {PURGED_TO_SEQ: purged.to_seq, PURGED_TO_HASH: purged.to_hash}
                        if purged is not None
                        else {}
                    ),
                },
            )
            uow.commit()
            return report


def _retention(session: Session, site_id: uuid.UUID) -> Retention:
    values = asdict(Retention())
    rows = session.exec(
        select(SiteSetting).where(
            SiteSetting.site_id == site_id, col(SiteSetting.key).startswith("retention.")
        )
    ).all()
    for row in rows:
        field = row.key.removeprefix("retention.")
        if field in values:
            try:
                values[field] = int(json.loads(row.value))
            except (TypeError, ValueError):
                continue
    return Retention(**values)


def _inactive_people(session: Session, site_id: uuid.UUID, cutoff: date) -> list[PurgeCandidate]:
    """Live people with no activity since ``cutoff``, no current membership, no booking
    since then and no running AMAP subscription."""
    limit = datetime.combine(cutoff, time(), UTC)
    rows = session.exec(
        select(Person).where(
            Person.site_id == site_id,
            col(Person.anonymized_at).is_(None),
            col(Person.merged_into_id).is_(None),
            col(Person.created_at) < limit,
            or_(col(Person.last_activity_on).is_(None), col(Person.last_activity_on) < cutoff),
            # NOT IN over one subquery each (not a correlated EXISTS per person): booking and
            # subscription have no index on person_id, and a large site has 100,000 bookings.
            col(Person.id).not_in(
                select(col(Membership.person_id)).where(col(Membership.end_date) >= cutoff)
            ),
            col(Person.id).not_in(
                select(col(Booking.person_id)).where(
                    col(Booking.start_at) >= limit, col(Booking.person_id).is_not(None)
                )
            ),
            col(Person.id).not_in(
                select(col(AmapSubscription.person_id)).where(
                    col(AmapSubscription.status) != SubscriptionStatus.ENDED
                )
            ),
        )
    ).all()
    return [
        PurgeCandidate(
            person_id=p.id,
            display_name=" ".join(x for x in (p.first_name, p.last_name) if x) or p.organisation,
            last_activity_on=p.last_activity_on or p.created_at.date(),
        )
        for p in rows
    ]


def _old_notes_where(site_id: uuid.UUID, cutoff: date) -> list[Any]:
    """Assistance records with a note whose person's last assistance is before ``cutoff``
    (or, without a person, the record itself)."""
    recent = select(col(AssistanceRecord.person_id)).where(
        AssistanceRecord.site_id == site_id,
        col(AssistanceRecord.activity_date) >= cutoff,
        col(AssistanceRecord.person_id).is_not(None),
    )
    return [
        AssistanceRecord.site_id == site_id,
        AssistanceRecord.note != "",
        col(AssistanceRecord.activity_date) < cutoff,
        or_(
            col(AssistanceRecord.person_id).is_(None),
            col(AssistanceRecord.person_id).not_in(recent),
        ),
    ]


def _anonymise(uow: UnitOfWork, person_ids: Iterable[uuid.UUID]) -> None:
    ids = list(person_ids)
    if not ids:
        return
    session = uow.session
    tombstones = select(Person.id).where(col(Person.merged_into_id).in_(ids))
    every = ids + list(session.exec(tombstones).all())
    for chunk in (every[i : i + 500] for i in range(0, len(every), 500)):
        session.execute(
            update(Person)
            .where(col(Person.id).in_(chunk))
            .values(
                first_name="",
                last_name="",
                organisation="",
                phone="",
                email="",
                birth_year=None,
                note="",
                anonymized_at=utcnow(),
            )
        )
        session.execute(
            update(AssistanceRecord)
            .where(col(AssistanceRecord.person_id).in_(chunk))
            .values(note="")
        )
        session.execute(
            update(Booking)
            .where(col(Booking.person_id).in_(chunk))
            .values(title="", organisation="")
        )
        subscriptions = select(AmapSubscription.id).where(
            col(AmapSubscription.person_id).in_(chunk)
        )
        session.execute(
            update(AmapSubscription)
            .where(col(AmapSubscription.person_id).in_(chunk))
            .values(referred_by="")
        )
        session.execute(
            update(Pickup)
            .where(col(Pickup.subscription_id).in_(subscriptions))
            .values(collected_by="")
        )
        session.execute(  # home delivery: the name and the address typed on the orders
            update(DeliveryOrder)
            .where(col(DeliveryOrder.person_id).in_(chunk))
            .values(recipient="", address="")
        )

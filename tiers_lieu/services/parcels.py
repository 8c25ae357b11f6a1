"""The parcel and post relay (issue 22): parcels left at the desk for people of the village.

A parcel is logged on arrival (carrier, tracking number typed or scanned, recipient picked
from the register or typed, kept until the carrier's delay), the recipient is told (a printed
notice « Un colis vous attend », or « prévenu le » noted), then the parcel is handed over
with the identity checked — stored as a yes/no, never a document number — or, past its date,
sent back to the carrier: :meth:`ParcelService.to_return` is the morning's list.

A parcel handed over also counts one visit to the place's active service of kind
``parcel`` (« Relais colis / poste ») in the same transaction, as a booking's check-in
counts one to its resource's service; a place without that service counts nothing more.
The visit is the desk's (``source`` « desk », like an AMAP basket collected): the host does
not press the service's key for that person as well.

Report codes (:mod:`tiers_lieu.reports.indicators.parcels`): ``parcels.received``,
``parcels.handed_over``, ``parcels.returned`` and ``parcels.by_carrier``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models import Parcel, Person, Service, Site, Visit
from tiers_lieu.models.enums import AuditAction, ServiceKind, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.services.people_search import FOLD_FUNCTION, _contains_words, fold
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.visits import remove_visit

#: The carriers offered, with how many days each keeps a parcel at a relay before it goes
#: back (the default « à garder jusqu'au », editable on each parcel). Names are stored as
#: written here (proper names, not translated).
CARRIERS: tuple[tuple[str, int], ...] = (
    ("La Poste / Colissimo", 14),
    ("Chronopost", 14),
    ("Mondial Relay", 8),
    ("DPD", 10),
    ("GLS", 10),
    ("UPS", 7),
    ("Relais Colis", 10),
    ("Autre", 14),
)
KEEP_DAYS = dict(CARRIERS)
LONGEST_KEEP_DAYS = 60
"""A date typed further than this from the arrival is a typing mistake."""
PAGE = 200
"""At most this many parcels listed at once (the newest first)."""


class ParcelState(StrEnum):
    WAITING = "waiting"
    HANDED = "handed"
    RETURNED = "returned"


class ParcelFilter(StrEnum):
    WAITING = "waiting"  # still at the desk
    TO_RETURN = "to_return"  # still at the desk, past their date
    ALL = "all"


@dataclass(frozen=True)
class ParcelInput:
    """A parcel arrived: the carrier (one of :data:`CARRIERS`), its tracking number, who it is
    for (a person of the register, or a name as written on it) and until when it is kept."""

    carrier: str
    tracking: str
    recipient: str
    keep_until: date
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ParcelInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    carrier: str
    tracking: str
    recipient: str
    person_id: uuid.UUID | None
    arrived_at: datetime
    keep_until: date
    notified_at: datetime | None
    handed_at: datetime | None
    identity_checked: bool
    returned_at: datetime | None

    @property
    def state(self) -> ParcelState:
        if self.handed_at is not None:
            return ParcelState.HANDED
        if self.returned_at is not None:
            return ParcelState.RETURNED
        return ParcelState.WAITING

    @property
    def tracking_end(self) -> str:
        return tracking_end(self.tracking)


@dataclass(frozen=True)
class HandOver:
    parcel: ParcelInfo
    visit_id: uuid.UUID | None
    """The visit counted to « Relais colis / poste » (None: the place has no such service)."""


@dataclass(frozen=True)
class ParcelNotice:
    """What the printed notice says: never the whole tracking number (the notice may lie
    on a doorstep), its last characters only."""

    place: str
    recipient: str
    carrier: str
    tracking_end: str
    keep_until: date
    arrived_on: date


def tracking_end(tracking: str, keep: int = 4) -> str:
    return tracking[-keep:] if tracking else ""


def default_keep_until(carrier: str, arrived_on: date) -> date:
    """The carrier's usual delay from the day of arrival (14 days when unknown)."""
    return arrived_on + timedelta(days=KEEP_DAYS.get(carrier, KEEP_DAYS["Autre"]))


def clean_tracking(text: str) -> str:
    """What a scanner or a hand typed, without spaces; letters upper case."""
    return "".join(text.split()).upper()


def _info(p: Parcel) -> ParcelInfo:
    return ParcelInfo(
        id=p.id,
        site_id=p.site_id,
        carrier=p.carrier,
        tracking=p.tracking,
        recipient=p.recipient,
        person_id=p.person_id,
        arrived_at=p.arrived_at,
        keep_until=p.keep_until,
        notified_at=p.notified_at,
        handed_at=p.handed_at,
        identity_checked=p.identity_checked,
        returned_at=p.returned_at,
    )


def _now() -> datetime:
    return datetime.now(UTC)


class ParcelService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        self.clock: Callable[[], datetime] = _now
        """The current instant (aware UTC); tests set it."""

    # -- writers --------------------------------------------------------------------------
    @requires(Permission.DESK)
    def receive(self, site_id: uuid.UUID, data: ParcelInput) -> ParcelInfo:
        """Log a parcel that has just arrived."""
        carrier = data.carrier.strip()
        if carrier not in KEEP_DAYS:
            raise ValidationError(_("Transporteur"), _("choisissez un transporteur de la liste"))
        tracking = clean_tracking(data.tracking)
        if len(tracking) > 60:
            raise ValidationError(_("N° de suivi"), _("60 caractères au plus"))
        with self._uow() as uow:
            zone = site_zone(uow, site_id)
            now = self.clock()
            today = now.astimezone(zone).date()
            recipient = " ".join(data.recipient.split())
            if data.person_id is not None:
                person = uow.session.get(Person, data.person_id)
                if person is None or person.site_id != site_id or person.anonymized_at:
                    raise NotFoundError(_("Cette personne n'existe plus."))
                recipient = display_name(person) or recipient
            if not recipient:
                raise ValidationError(
                    _("Destinataire"), _("choisissez une personne ou tapez le nom du colis")
                )
            if len(recipient) > 120:
                raise ValidationError(_("Destinataire"), _("120 caractères au plus"))
            if data.keep_until < today:
                raise ValidationError(
                    _("À garder jusqu'au"), _("la date ne peut pas être avant aujourd'hui")
                )
            if data.keep_until > today + timedelta(days=LONGEST_KEEP_DAYS):
                raise ValidationError(
                    _("À garder jusqu'au"),
                    ngettext(
                        "au plus {n} jour après l'arrivée",
                        "au plus {n} jours après l'arrivée",
                        LONGEST_KEEP_DAYS,
                    ).format(n=LONGEST_KEEP_DAYS),
                )
            parcel = Parcel(
                site_id=site_id,
                carrier=carrier,
                tracking=tracking,
                person_id=data.person_id,
                recipient=recipient,
                arrived_at=now,
                keep_until=data.keep_until,
            )
            uow.session.add(parcel)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="parcel",
                entity_id=parcel.id,
                site_id=site_id,
                details={"carrier": carrier},
            )
            uow.commit()
            return _info(parcel)

    @requires(Permission.DESK)
    def mark_notified(self, parcel_id: uuid.UUID) -> ParcelInfo:
        """The recipient was told (notice printed or left, a call, a word): « prévenu le »."""
        with self._uow() as uow:
            parcel = self._waiting(uow, parcel_id)
            parcel.notified_at = self.clock()
            _audit_status(uow, parcel, "notified")
            uow.commit()
            return _info(parcel)

    @requires(Permission.DESK)
    def hand_over(self, parcel_id: uuid.UUID, *, identity_checked: bool) -> HandOver:
        """Give the parcel to its recipient, whose identity the host checked (required), and
        count their visit to « Relais colis / poste »."""
        if not identity_checked:
            raise ValidationError(
                _("Identité vérifiée"), _("vérifiez l'identité avant de remettre le colis")
            )
        with self._uow() as uow:
            parcel = self._waiting(uow, parcel_id)
            now = self.clock()
            parcel.handed_at = now
            parcel.identity_checked = True
            visit_id = self._count_visit(uow, parcel, now)
            _audit_status(uow, parcel, ParcelState.HANDED.value)
            uow.commit()
            return HandOver(_info(parcel), visit_id)

    @requires(Permission.DESK)
    def mark_returned(self, parcel_ids: Sequence[uuid.UUID]) -> int:
        """The parcels went back to their carrier; returns how many (those already handed
        over or returned are left as they are)."""
        _check_page(parcel_ids)
        with self._uow() as uow:
            now = self.clock()
            parcels = uow.session.exec(
                select(Parcel).where(
                    col(Parcel.id).in_(list(parcel_ids)),
                    col(Parcel.handed_at).is_(None),
                    col(Parcel.returned_at).is_(None),
                )
            ).all()
            for parcel in parcels:
                parcel.returned_at = now
                _audit_status(uow, parcel, ParcelState.RETURNED.value)
            uow.commit()
            return len(parcels)

    @requires(Permission.DESK)
    def put_back(
        self, parcel_ids: Sequence[uuid.UUID], *, visit_id: uuid.UUID | None = None
    ) -> int:
        """Undo a hand-over or a return made by mistake: the parcels wait again (how many is
        returned) and ``visit_id``, the visit the hand-over counted, is removed."""
        _check_page(parcel_ids)
        with self._uow() as uow:
            parcels = [self._get(uow, parcel_id) for parcel_id in parcel_ids]
            if not any(p.handed_at or p.returned_at for p in parcels):
                raise ConflictError(_("Ce colis attend déjà son destinataire."))
            if visit_id is not None:
                visit = uow.session.get(Visit, visit_id)
                if visit is not None and not _counted_by_hand_over(uow, visit, parcels):
                    raise ConflictError(_("Cette visite n'est pas celle de la remise du colis."))
                if visit is not None:
                    remove_visit(uow, visit)
            undone = 0
            for parcel in parcels:
                if parcel.handed_at is None and parcel.returned_at is None:
                    continue
                was = ParcelState.HANDED if parcel.handed_at else ParcelState.RETURNED
                parcel.handed_at = parcel.returned_at = None
                parcel.identity_checked = False
                undone += 1
                _audit_status(uow, parcel, ParcelState.WAITING.value, undone=was.value)
            uow.commit()
            return undone

    # -- readers --------------------------------------------------------------------------
    @requires(Permission.DESK)
    def listing(
        self,
        site_id: uuid.UUID,
        *,
        show: ParcelFilter = ParcelFilter.WAITING,
        text: str = "",
        limit: int = PAGE,
    ) -> list[ParcelInfo]:
        """The place's parcels: those waiting (the oldest date first), those to send back
        this morning, or all (the newest first); ``text`` finds a name or a tracking number
        (its end is enough)."""
        with self._uow() as uow:
            query = select(Parcel).where(Parcel.site_id == site_id)
            if show in (ParcelFilter.WAITING, ParcelFilter.TO_RETURN):
                query = query.where(
                    col(Parcel.handed_at).is_(None), col(Parcel.returned_at).is_(None)
                )
            if show == ParcelFilter.TO_RETURN:
                today = self.clock().astimezone(site_zone(uow, site_id)).date()
                query = query.where(col(Parcel.keep_until) < today)
            words = [fold(word) for word in text.split()[:5]]
            if words:  # accents and case ignored, as in the register's search
                dialect = uow.session.get_bind().dialect.name
                if dialect == "sqlite":
                    driver = uow.session.connection().connection.driver_connection
                    driver.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # type: ignore[union-attr]
                held = [col(Parcel.recipient), col(Parcel.tracking)]
                query = query.where(*_contains_words(dialect, held, len(words))).params(
                    {f"word{n}": word for n, word in enumerate(words)}
                )
            if show == ParcelFilter.ALL:
                query = query.order_by(col(Parcel.arrived_at).desc())
            else:
                query = query.order_by(col(Parcel.keep_until), col(Parcel.arrived_at))
            rows = uow.session.exec(query.limit(max(1, min(limit, PAGE)))).all()
            return [_info(p) for p in rows]

    @requires(Permission.DESK)
    def to_return(self, site_id: uuid.UUID) -> list[ParcelInfo]:
        """The morning's list: parcels still here past their date, to give back."""
        return self.listing(site_id, show=ParcelFilter.TO_RETURN)

    @requires(Permission.DESK)
    def waiting_count(self, site_id: uuid.UUID) -> tuple[int, int]:
        """How many parcels wait at the desk, and how many of them are past their date."""
        with self._uow() as uow:
            today = self.clock().astimezone(site_zone(uow, site_id)).date()
            waiting = (
                Parcel.site_id == site_id,
                col(Parcel.handed_at).is_(None),
                col(Parcel.returned_at).is_(None),
            )
            total = uow.session.exec(select(func.count()).where(*waiting)).one()
            late = uow.session.exec(
                select(func.count()).where(*waiting, col(Parcel.keep_until) < today)
            ).one()
            return int(total), int(late)

    @requires(Permission.DESK)
    def notice(self, parcel_id: uuid.UUID) -> ParcelNotice:
        """What the notice « Un colis vous attend » prints."""
        with self._uow() as uow:
            parcel = self._get(uow, parcel_id)
            site = uow.session.get(Site, parcel.site_id)
            zone = site_zone(uow, parcel.site_id)
            return ParcelNotice(
                place=site.name if site else "",
                recipient=parcel.recipient,
                carrier=parcel.carrier,
                tracking_end=tracking_end(parcel.tracking),
                keep_until=parcel.keep_until,
                arrived_on=parcel.arrived_at.astimezone(zone).date(),
            )

    # -- inside ---------------------------------------------------------------------------
    @staticmethod
    def _get(uow: UnitOfWork, parcel_id: uuid.UUID) -> Parcel:
        return get_or_gone(uow, Parcel, parcel_id, _("Ce colis n'existe plus."))

    def _waiting(self, uow: UnitOfWork, parcel_id: uuid.UUID) -> Parcel:
        parcel = self._get(uow, parcel_id)
        if parcel.handed_at is not None:
            raise ConflictError(_("Ce colis a déjà été remis."))
        if parcel.returned_at is not None:
            raise ConflictError(_("Ce colis a été retourné au transporteur."))
        return parcel

    @staticmethod
    def _count_visit(uow: UnitOfWork, parcel: Parcel, now: datetime) -> uuid.UUID | None:
        service_id = uow.session.exec(
            select(Service.id)
            .where(
                Service.site_id == parcel.site_id,
                Service.kind == ServiceKind.PARCEL,
                col(Service.active).is_(True),
            )
            .order_by(col(Service.position))
        ).first()
        if service_id is None:
            return None
        local = now.astimezone(site_zone(uow, parcel.site_id))
        person = uow.session.get(Person, parcel.person_id) if parcel.person_id else None
        visit = Visit(
            site_id=parcel.site_id,
            service_id=service_id,
            activity_date=local.date(),
            activity_time=local.time().replace(second=0, microsecond=0),
            count=1,
            person_id=person.id if person else None,
            commune_id=person.commune_id if person else None,
            age_band_id=person.age_band_id if person else None,
            gender_id=person.gender_id if person else None,
            status_id=person.status_id if person else None,
            source=VisitSource.DESK,
            created_by_id=uow.actor_id,
        )
        uow.session.add(visit)
        if person is not None and (
            person.last_activity_on is None or person.last_activity_on < local.date()
        ):
            person.last_activity_on = local.date()
        return visit.id


def _counted_by_hand_over(uow: UnitOfWork, visit: Visit, parcels: list[Parcel]) -> bool:
    """Whether ``visit`` is the one a hand-over of one of ``parcels`` counted: the place's
    parcel service, the day and minute the parcel was handed over."""
    service = uow.session.get(Service, visit.service_id)
    if service is None or service.kind != ServiceKind.PARCEL:
        return False
    for parcel in parcels:
        if parcel.handed_at is None or parcel.site_id != visit.site_id:
            continue
        local = parcel.handed_at.astimezone(site_zone(uow, parcel.site_id))
        if (visit.activity_date, visit.activity_time) == (
            local.date(),
            local.time().replace(second=0, microsecond=0),
        ):
            return True
    return False


def _check_page(parcel_ids: Sequence[uuid.UUID]) -> None:
    if len(parcel_ids) > PAGE:
        raise ValidationError(
            _("Colis"),
            ngettext("{n} colis au plus à la fois", "{n} colis au plus à la fois", PAGE).format(
                n=PAGE
            ),
        )


def _audit_status(uow: UnitOfWork, parcel: Parcel, status: str, **more: str) -> None:
    """The audit line of a parcel's new state (no name in it: the log keeps no personal data)."""
    audit.record(
        uow,
        action=AuditAction.UPDATE,
        entity="parcel",
        entity_id=parcel.id,
        site_id=parcel.site_id,
        details={"status": status, **more},
    )

"""What a coordinator configures for a site: services, categories, opening hours, closures,
and the public card of the national listing of digital-inclusion places (:mod:`.public_card`,
one JSON ``SiteSetting``).

Public holidays are not stored (:mod:`.public_holidays`). A service or category is never
deleted once used; deactivating hides it from the desk and keeps history.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import date, time

from sqlmodel import Session, col, func, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Category, Closure, OpeningHours, Service, Site, SiteSetting
from tiers_lieu.models.enums import AuditAction, CategoryKind, ServiceKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.public_card import (
    SETTING_KEY,
    LeftOut,
    ListingEntry,
    NationalListing,
    PublicCard,
    changed_fields,
    check_card,
    listing_entry,
)
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import CategoryInfo, ClosureInfo, OpeningRange, ServiceInfo
from tiers_lieu.services.sites import site_info


def check_opening_ranges(
    ranges: list[tuple[time, time]], field: str | None = None
) -> list[tuple[time, time]]:
    """The ranges of one day in order, or a :class:`ValidationError` naming ``field``.

    Public so that a form saving several days can check them all before writing any.
    """
    field = field or _("Horaires")
    ordered = sorted(ranges)
    for opens, closes in ordered:
        if opens >= closes:
            raise ValidationError(field, _("l'ouverture doit précéder la fermeture"))
    for (_o1, c1), (o2, _c2) in itertools.pairwise(ordered):
        if o2 < c1:
            raise ValidationError(field, _("deux plages se chevauchent"))
    return ordered


def _service_info(s: Service) -> ServiceInfo:
    return ServiceInfo(id=s.id, name=s.name, kind=s.kind, position=s.position, active=s.active)


def _category_info(c: Category) -> CategoryInfo:
    return CategoryInfo(id=c.id, kind=c.kind, label=c.label, position=c.position, active=c.active)


class ConfigService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- services -------------------------------------------------------------------------
    @in_place
    def list_services(
        self, site_id: uuid.UUID, *, include_inactive: bool = False
    ) -> list[ServiceInfo]:
        with self._uow() as uow:
            query = select(Service).where(Service.site_id == site_id)
            if not include_inactive:
                query = query.where(col(Service.active).is_(True))
            rows = uow.session.exec(query.order_by(col(Service.position), col(Service.name)))
            return [_service_info(s) for s in rows]

    @requires(Permission.SETTINGS)
    def add_service(
        self, site_id: uuid.UUID, *, name: str, kind: str = ServiceKind.OTHER
    ) -> ServiceInfo:
        name = self._check_name(name, _("Nom du service"))
        with self._uow() as uow:
            if uow.session.exec(
                select(Service).where(Service.site_id == site_id, Service.name == name)
            ).first():
                raise ConflictError(_("Le service « {name} » existe déjà.").format(name=name))
            last = uow.session.exec(
                select(func.max(Service.position)).where(Service.site_id == site_id)
            ).one()
            service = Service(
                site_id=site_id, name=name, kind=ServiceKind(kind), position=(last or 0) + 1
            )
            uow.session.add(service)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="service",
                entity_id=service.id,
                site_id=site_id,
                details={"name": name},
            )
            uow.commit()
            return _service_info(service)

    @requires(Permission.SETTINGS)
    def update_service(self, service_id: uuid.UUID, *, name: str, active: bool) -> ServiceInfo:
        name = self._check_name(name, _("Nom du service"))
        with self._uow() as uow:
            service = uow.session.get(Service, service_id)
            if service is None:
                raise NotFoundError(_("Ce service n'existe plus."))
            clash = uow.session.exec(
                select(Service).where(
                    Service.site_id == service.site_id,
                    Service.name == name,
                    Service.id != service_id,
                )
            ).first()
            if clash:
                raise ConflictError(_("Le service « {name} » existe déjà.").format(name=name))
            service.name = name
            service.active = active
            uow.session.add(service)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="service",
                entity_id=service.id,
                site_id=service.site_id,
                details={"name": name, "active": active},
            )
            uow.commit()
            return _service_info(service)

    @requires(Permission.SETTINGS)
    def move_service(self, service_id: uuid.UUID, offset: int) -> None:
        """Move a service up (-1) or down (+1) in the desk's order (and its number key)."""
        with self._uow() as uow:
            service = uow.session.get(Service, service_id)
            if service is None:
                raise NotFoundError(_("Ce service n'existe plus."))
            rows = list(
                uow.session.exec(
                    select(Service)
                    .where(Service.site_id == service.site_id)
                    .order_by(col(Service.position), col(Service.name))
                )
            )
            index = next(i for i, s in enumerate(rows) if s.id == service_id)
            target = index + offset
            if not 0 <= target < len(rows):
                return
            rows[index], rows[target] = rows[target], rows[index]
            for position, row in enumerate(rows):
                row.position = position
                uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="service",
                entity_id=service_id,
                site_id=service.site_id,
                details={"position": target},
            )
            uow.commit()

    # -- categories -----------------------------------------------------------------------
    @in_place
    def list_categories(
        self, site_id: uuid.UUID, kind: CategoryKind, *, include_inactive: bool = False
    ) -> list[CategoryInfo]:
        with self._uow() as uow:
            query = select(Category).where(Category.site_id == site_id, Category.kind == kind)
            if not include_inactive:
                query = query.where(col(Category.active).is_(True))
            rows = uow.session.exec(query.order_by(col(Category.position), col(Category.label)))
            return [_category_info(c) for c in rows]

    @requires(Permission.SETTINGS)
    def add_category(self, site_id: uuid.UUID, kind: CategoryKind, *, label: str) -> CategoryInfo:
        label = self._check_name(label, _("Libellé"))
        with self._uow() as uow:
            if uow.session.exec(
                select(Category).where(
                    Category.site_id == site_id, Category.kind == kind, Category.label == label
                )
            ).first():
                raise ConflictError(
                    _("« {label} » existe déjà dans cette liste.").format(label=label)
                )
            last = uow.session.exec(
                select(func.max(Category.position)).where(
                    Category.site_id == site_id, Category.kind == kind
                )
            ).one()
            row = Category(site_id=site_id, kind=kind, label=label, position=(last or 0) + 1)
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="category",
                entity_id=row.id,
                site_id=site_id,
                details={"kind": str(kind), "label": label},
            )
            uow.commit()
            return _category_info(row)

    # -- opening hours --------------------------------------------------------------------
    @in_place
    def opening_hours(self, site_id: uuid.UUID) -> list[OpeningRange]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(OpeningHours)
                .where(OpeningHours.site_id == site_id)
                .order_by(col(OpeningHours.weekday), col(OpeningHours.opens_at))
            )
            return [OpeningRange(r.weekday, r.opens_at, r.closes_at) for r in rows]

    @requires(Permission.SETTINGS)
    def set_opening_hours(
        self, site_id: uuid.UUID, weekday: int, ranges: list[tuple[time, time]]
    ) -> list[OpeningRange]:
        """Replace the ranges of one weekday (an empty list closes that day)."""
        if not 0 <= weekday <= 6:
            raise ValidationError(_("Jour"), _("jour de la semaine inconnu"))
        ordered = check_opening_ranges(ranges)
        with self._uow() as uow:
            for row in uow.session.exec(
                select(OpeningHours).where(
                    OpeningHours.site_id == site_id, OpeningHours.weekday == weekday
                )
            ):
                uow.session.delete(row)
            for opens, closes in ordered:
                uow.session.add(
                    OpeningHours(site_id=site_id, weekday=weekday, opens_at=opens, closes_at=closes)
                )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="opening_hours",
                entity_id=None,
                site_id=site_id,
                details={
                    "weekday": weekday,
                    "ranges": [f"{o:%H:%M}-{c:%H:%M}" for o, c in ordered],
                },
            )
            uow.commit()
        return [OpeningRange(weekday, o, c) for o, c in ordered]

    # -- closures and holidays ------------------------------------------------------------
    @in_place
    def list_closures(self, site_id: uuid.UUID) -> list[ClosureInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Closure).where(Closure.site_id == site_id).order_by(col(Closure.start_date))
            )
            return [ClosureInfo(r.id, r.start_date, r.end_date, r.reason) for r in rows]

    @requires(Permission.SETTINGS)
    def add_closure(
        self, site_id: uuid.UUID, *, start_date: date, end_date: date, reason: str = ""
    ) -> ClosureInfo:
        """Close the place from ``start_date`` to ``end_date``; the bookings still standing
        on those days are returned in ``to_call`` (nothing is cancelled by itself)."""
        from tiers_lieu.services.agenda.rules import SiteCalendar
        from tiers_lieu.services.agenda.to_call import on_days

        if end_date < start_date:
            raise ValidationError(_("Fin"), _("la fin de fermeture précède son début"))
        if len(reason) > 200:
            raise ValidationError(_("Motif"), _("200 caractères au plus"))
        with self._uow() as uow:
            row = Closure(
                site_id=site_id, start_date=start_date, end_date=end_date, reason=reason.strip()
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="closure",
                entity_id=row.id,
                site_id=site_id,
                details={"start": start_date, "end": end_date},
            )
            uow.commit()
            people = on_days(uow, SiteCalendar(uow, site_id), start_date, end_date)
            return ClosureInfo(row.id, row.start_date, row.end_date, row.reason, people)

    @requires(Permission.SETTINGS)
    def delete_closure(self, closure_id: uuid.UUID) -> None:
        with self._uow() as uow:
            row = uow.session.get(Closure, closure_id)
            if row is None:
                raise NotFoundError(_("Cette fermeture n'existe plus."))
            uow.session.delete(row)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="closure",
                entity_id=row.id,
                site_id=row.site_id,
                details={"start": row.start_date, "end": row.end_date},
            )
            uow.commit()

    @in_place
    def is_open_on(self, site_id: uuid.UUID, day: date) -> bool:
        """Open that day: it has opening hours, is no public holiday and no closure."""
        if day in public_holidays(day.year):
            return False
        with self._uow() as uow:
            has_hours = uow.session.exec(
                select(OpeningHours.id).where(
                    OpeningHours.site_id == site_id, OpeningHours.weekday == day.weekday()
                )
            ).first()
            if has_hours is None:
                return False
            closed = uow.session.exec(
                select(Closure.id).where(
                    Closure.site_id == site_id,
                    Closure.start_date <= day,
                    Closure.end_date >= day,
                )
            ).first()
            return closed is None

    # -- the public card (national listing of digital-inclusion places) -------------------
    @requires(Permission.SETTINGS)
    def public_card(self, site_id: uuid.UUID) -> PublicCard:
        """The place's card as last saved (the defaults when it never was)."""
        with self._uow(read_only=True) as uow:
            row = _card_row(uow.session, site_id)
            if row is None:
                return PublicCard()
            return PublicCard.from_json(row.value, row.updated_at)

    @requires(Permission.SETTINGS)
    def save_public_card(self, site_id: uuid.UUID, card: PublicCard) -> PublicCard:
        """Check and keep the card; a :class:`ValidationError` names the first field that
        does not fit, and nothing is written then. Returns the card as stored."""
        checked = check_card(card)
        with self._uow() as uow:
            row = _card_row(uow.session, site_id)
            before = PublicCard() if row is None else PublicCard.from_json(row.value)
            changed = changed_fields(before, checked)
            if row is not None and not changed:
                return replace(checked, updated_at=row.updated_at)
            action = AuditAction.UPDATE
            if row is None:
                row = SiteSetting(site_id=site_id, key=SETTING_KEY)
                action = AuditAction.CREATE
            row.value = checked.to_json()
            uow.session.add(row)
            audit.record(
                uow,
                action=action,
                entity="public_card",
                entity_id=row.id,
                site_id=site_id,
                details={"fields": changed},
            )
            uow.commit()
            return replace(checked, updated_at=row.updated_at)

    @requires(Permission.REPORTS)
    def national_listing(self, site_ids: list[uuid.UUID] | None = None) -> NationalListing:
        """The places' rows of the national listing (every place the account sees when
        ``site_ids`` is ``None``), by name; a place whose card misses a required field or
        holds a value the schema refuses is left out, with the reason."""
        from tiers_lieu.services import official_communes  # its list is read when needed

        entries: list[ListingEntry] = []
        left_out: list[LeftOut] = []
        with self._uow(read_only=True) as uow:
            query = select(Site).order_by(col(Site.name))
            if site_ids is not None:
                query = query.where(col(Site.id).in_(site_ids))
            for site in uow.session.exec(query).all():
                info = site_info(site)
                row = _card_row(uow.session, site.id)
                if row is None:
                    left_out.append(
                        LeftOut(
                            site.name,
                            _("la fiche publique n'est pas remplie (Paramètres › Fiche publique)"),
                        )
                    )
                    continue
                hours = list(
                    uow.session.exec(
                        select(OpeningHours).where(OpeningHours.site_id == site.id)
                    ).all()
                )
                stamps = [row.updated_at, site.updated_at, *(h.updated_at for h in hours)]
                updated = max(stamps).astimezone(info.zone).date()
                official = official_communes.by_code(site.insee_code) if site.insee_code else None
                try:
                    entries.append(
                        listing_entry(
                            info,
                            PublicCard.from_json(row.value, row.updated_at),
                            [OpeningRange(h.weekday, h.opens_at, h.closes_at) for h in hours],
                            postal_codes=official.postal_codes if official else (),
                            updated=updated,
                        )
                    )
                except ValidationError as exc:
                    left_out.append(LeftOut(site.name, exc.message))
        return NationalListing(tuple(entries), tuple(left_out))

    @staticmethod
    def _check_name(value: str, field: str) -> str:
        value = value.strip()
        if not value:
            raise ValidationError(field, _("ce champ est obligatoire"))
        if len(value) > 80:
            raise ValidationError(field, _("80 caractères au plus"))
        return value


def _card_row(session: Session, site_id: uuid.UUID) -> SiteSetting | None:
    return session.exec(
        select(SiteSetting).where(SiteSetting.site_id == site_id, SiteSetting.key == SETTING_KEY)
    ).first()

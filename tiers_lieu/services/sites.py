"""Setting up a place: the site row, its default services, categories and opening hours.

``init_site`` is what both ``tiers-lieu init`` and the first-run assistant call, so a place
created either way starts with the same lists (DOMAIN.md defaults).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.defaults import DEFAULT_CATEGORIES, DEFAULT_OPENING_HOURS, DEFAULT_SERVICES
from tiers_lieu.errors import (
    AmbiguousSiteError,
    ConflictError,
    NoSiteError,
    NotFoundError,
    ValidationError,
)
from tiers_lieu.i18n import _, time_zone
from tiers_lieu.models import Category, Commune, OpeningHours, Service, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.readmodels import SiteInfo

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def site_info(site: Site) -> SiteInfo:
    return SiteInfo(
        id=site.id,
        name=site.name,
        commune_name=site.commune_name,
        insee_code=site.insee_code,
        address=site.address,
        local_distance_km=site.local_distance_km,
        timezone=site.timezone,
    )


def check_insee(code: str | None, field: str) -> str | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    if not INSEE_RE.match(code):
        raise ValidationError(field, _("un code INSEE a 5 caractères, par exemple 23096 ou 2A004"))
    return code


def site_zone(uow: UnitOfWork, site_id: uuid.UUID) -> ZoneInfo:
    """The place's clock (``Site.timezone``): "today" and "now" there are read on it."""
    site = uow.session.get(Site, site_id)
    if site is None:
        raise NotFoundError(_("Ce lieu n'existe plus."))
    return time_zone(site.timezone)


def site_now(uow: UnitOfWork, site_id: uuid.UUID) -> datetime:
    """The wall clock of the place (its time zone), to the minute."""
    return datetime.now(site_zone(uow, site_id)).replace(second=0, microsecond=0)


class SiteService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def list_sites(self) -> list[SiteInfo]:
        """The places the account signed in may see (every place for the system)."""
        allowed = access_of(self).sites
        with self._uow() as uow:
            query = select(Site).order_by(Site.name)
            if allowed is not None:
                query = query.where(col(Site.id).in_(allowed))
            return [site_info(s) for s in uow.session.exec(query).all()]

    def resolve(self, name: str | None = None) -> SiteInfo:
        """The site called ``name``, or the only one; French errors otherwise."""
        sites = self.list_sites()
        if not sites:
            raise NoSiteError()
        if name:
            wanted = name.strip().casefold()
            for site in sites:
                if site.name.casefold() == wanted:
                    return site
            raise NotFoundError(
                _("Aucun lieu ne s'appelle « {name} ». Lieux connus : {names}.").format(
                    name=name, names=", ".join(s.name for s in sites)
                )
            )
        if len(sites) > 1:
            raise AmbiguousSiteError([s.name for s in sites])
        return sites[0]

    @requires(Permission.SETTINGS)
    def init_site(
        self,
        *,
        name: str,
        commune_name: str = "",
        insee_code: str | None = None,
        services: list[str] | None = None,
    ) -> SiteInfo:
        """Create a place with DOMAIN.md's defaults; ``services`` keeps only those named."""
        access_of(self).require_network(_("créer un lieu"), self._uow)
        name = name.strip()
        if not name:
            raise ValidationError(_("Nom du lieu"), _("ce champ est obligatoire"))
        if len(name) > 120:
            raise ValidationError(_("Nom du lieu"), _("120 caractères au plus"))
        insee = check_insee(insee_code, _("Code INSEE"))
        with self._uow() as uow:
            session = uow.session
            exists = session.exec(select(Site).where(Site.name == name)).first()
            if exists is not None:
                raise ConflictError(_("Un lieu s'appelle déjà « {name} ».").format(name=name))
            site = Site(name=name, commune_name=commune_name.strip(), insee_code=insee)
            session.add(site)
            session.flush()
            self._add_defaults(uow, site.id, services)
            if commune_name.strip():
                session.add(Commune(site_id=site.id, insee_code=insee, name=commune_name.strip()))
            uow.commit()
            return site_info(site)

    @staticmethod
    def _add_defaults(uow: UnitOfWork, site_id: uuid.UUID, services: list[str] | None) -> None:
        wanted = None if services is None else {s.casefold() for s in services}
        position = 0
        for label, service_kind in DEFAULT_SERVICES:
            if wanted is not None and label.casefold() not in wanted:
                continue
            uow.session.add(
                Service(site_id=site_id, name=label, kind=service_kind, position=position)
            )
            position += 1
        for kind, labels in DEFAULT_CATEGORIES.items():
            for index, label in enumerate(labels):
                uow.session.add(Category(site_id=site_id, kind=kind, label=label, position=index))
        for weekday, ranges in DEFAULT_OPENING_HOURS.items():
            for opens, closes in ranges:
                uow.session.add(
                    OpeningHours(site_id=site_id, weekday=weekday, opens_at=opens, closes_at=closes)
                )

    @requires(Permission.SETTINGS)
    def update_site(
        self,
        site_id: uuid.UUID,
        *,
        name: str,
        commune_name: str,
        insee_code: str | None,
        address: str = "",
        local_distance_km: int = 80,
    ) -> SiteInfo:
        name = name.strip()
        if not name:
            raise ValidationError(_("Nom du lieu"), _("ce champ est obligatoire"))
        insee = check_insee(insee_code, _("Code INSEE"))
        if local_distance_km < 0:
            raise ValidationError(_("Distance « local »"), _("doit être positive"))
        with self._uow() as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            other = uow.session.exec(
                select(Site).where(Site.name == name, Site.id != site_id)
            ).first()
            if other is not None:
                raise ConflictError(_("Un lieu s'appelle déjà « {name} ».").format(name=name))
            site.name = name
            site.commune_name = commune_name.strip()
            site.insee_code = insee
            site.address = address.strip()
            site.local_distance_km = local_distance_km
            uow.session.add(site)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="site",
                entity_id=site.id,
                site_id=site.id,
                details={"name": site.name},
            )
            uow.commit()
            return site_info(site)


def day_bounds(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the place's ``day`` starts and the next one starts."""
    zone = site_zone(uow, site_id)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + timedelta(days=1)
    return start, datetime(end.year, end.month, end.day, tzinfo=zone)

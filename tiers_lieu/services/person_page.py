"""What a person's page shows, and what the right of access exports: everything held about
one person, gathered in one read.

Lines are deliberately plain (a date, what, a detail) so that the same read model feeds the
page, the JSON export and the PDF for the person. Assistance records are included only when
the caller is allowed to see them (``include_assistance``): notes of the France Services desk
are the most sensitive data Comptoir holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _, format_date, format_eur, ngettext, time_zone
from tiers_lieu.models import (
    AmapContract,
    AmapSubscription,
    AssistanceRecord,
    Booking,
    Category,
    Commune,
    CoworkingPass,
    Membership,
    PassType,
    Person,
    Resource,
    Sale,
    Site,
)


@dataclass(frozen=True)
class PageLine:
    day: date
    what: str
    detail: str


@dataclass(frozen=True)
class PersonPage:
    id: uuid.UUID
    first_name: str
    last_name: str
    organisation: str
    phone: str
    email: str
    commune: str
    birth_year: int | None
    kinds: tuple[str, ...]
    note: str
    created_on: date
    last_activity_on: date | None
    consent_given_at: datetime | None
    consent_scope: str
    consent_withdrawn_at: datetime | None
    memberships: tuple[PageLine, ...]
    bookings: tuple[PageLine, ...]
    passes: tuple[PageLine, ...]
    amap: tuple[PageLine, ...]
    purchases: tuple[PageLine, ...]
    assistance: tuple[PageLine, ...] | None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.organisation


def build_page(session: Session, person_id: uuid.UUID, *, include_assistance: bool) -> PersonPage:
    p = session.get(Person, person_id)
    if p is None or p.anonymized_at is not None or p.merged_into_id is not None:
        raise NotFoundError(_("Cette personne n'existe plus."))
    commune = session.get(Commune, p.commune_id) if p.commune_id else None
    site = session.get(Site, p.site_id)
    zone = time_zone(site.timezone if site else None)  # days are the place's, not UTC's
    memberships = [
        PageLine(
            m.start_date,
            _("Adhésion"),
            _("jusqu'au {end}, {fee}").format(
                end=format_date(m.end_date), fee=format_eur(m.fee_cents)
            ),
        )
        for m in session.exec(
            select(Membership)
            .where(Membership.person_id == person_id)
            .order_by(col(Membership.start_date).desc())
        ).all()
    ]
    bookings = [
        PageLine(
            b.start_at.astimezone(zone).date(),
            name,
            b.title if b.cancelled_at is None else _("{title} (annulée)").format(title=b.title),
        )
        for b, name in session.exec(
            select(Booking, Resource.name)
            .join(Resource, col(Resource.id) == Booking.resource_id)
            .where(Booking.person_id == person_id)
            .order_by(col(Booking.start_at).desc())
        ).all()
    ]
    passes = [
        PageLine(
            c.purchased_on,
            name,
            ngettext("{units} unité, {price}", "{units} unités, {price}", c.units_total).format(
                units=c.units_total, price=format_eur(c.price_cents)
            ),
        )
        for c, name in session.exec(
            select(CoworkingPass, PassType.name)
            .join(PassType, col(PassType.id) == CoworkingPass.pass_type_id)
            .where(CoworkingPass.person_id == person_id)
            .order_by(col(CoworkingPass.purchased_on).desc())
        ).all()
    ]
    amap = [
        PageLine(
            s.start_date,
            name,
            _("solidaire")
            if s.solidarity
            else ngettext("{n} panier", "{n} paniers", s.quantity).format(n=s.quantity),
        )
        for s, name in session.exec(
            select(AmapSubscription, AmapContract.name)
            .join(AmapContract, col(AmapContract.id) == AmapSubscription.contract_id)
            .where(AmapSubscription.person_id == person_id)
            .order_by(col(AmapSubscription.start_date).desc())
        ).all()
    ]
    purchases = [
        PageLine(
            s.sold_at.astimezone(zone).date(),
            _("Annulation d'achat")  # a reversing ticket (issue 21)
            if s.reverses_id is not None
            else _("Achat au prix solidaire")
            if s.solidarity
            else _("Achat"),
            format_eur(s.total_cents),
        )
        for s in session.exec(
            select(Sale)
            .where(Sale.person_id == person_id, col(Sale.cancelled_at).is_(None))
            .order_by(col(Sale.sold_at).desc())
        ).all()
    ]
    assistance: tuple[PageLine, ...] | None = None
    if include_assistance:
        assistance = tuple(
            PageLine(r.activity_date, theme, _assistance_detail(r))
            for r, theme in session.exec(
                select(AssistanceRecord, Category.label)
                .join(Category, col(Category.id) == AssistanceRecord.theme_id)
                .where(AssistanceRecord.person_id == person_id)
                .order_by(col(AssistanceRecord.activity_date).desc())
            ).all()
        )
    return PersonPage(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        organisation=p.organisation,
        phone=p.phone,
        email=p.email,
        commune=commune.name if commune else "",
        birth_year=p.birth_year,
        kinds=tuple(k for k in p.kinds.split(",") if k),
        note=p.note,
        created_on=p.created_at.astimezone(zone).date(),
        last_activity_on=p.last_activity_on,
        consent_given_at=p.consent_given_at,
        consent_scope=p.consent_scope,
        consent_withdrawn_at=p.consent_withdrawn_at,
        memberships=tuple(memberships),
        bookings=tuple(bookings),
        passes=tuple(passes),
        amap=tuple(amap),
        purchases=tuple(purchases),
        assistance=assistance,
    )


def _assistance_detail(record: AssistanceRecord) -> str:
    """The note, and the letter written for the person (« Courriers »), if any."""
    letter = ""
    if record.letter_sent_on is not None:
        letter = _("courrier envoyé le {day}").format(day=format_date(record.letter_sent_on))
        if record.answer_expected_on is not None:
            letter += _(", réponse attendue le {day}").format(
                day=format_date(record.answer_expected_on)
            )
    return " — ".join(part for part in (record.note, letter) if part)


def line_dicts(items: Iterable[PageLine]) -> list[dict[str, str]]:
    """Lines as the access export writes them (dates as ISO text)."""
    return [{"date": i.day.isoformat(), "what": i.what, "detail": i.detail} for i in items]


def page_dict(page: PersonPage) -> dict[str, Any]:
    """The page as JSON-ready data (dates as ISO text), the core of the access export."""
    lines = line_dicts

    return {
        "person": {
            "first_name": page.first_name,
            "last_name": page.last_name,
            "organisation": page.organisation,
            "phone": page.phone,
            "email": page.email,
            "commune": page.commune,
            "birth_year": page.birth_year,
            "kinds": list(page.kinds),
            "note": page.note,
            "registered_on": page.created_on.isoformat(),
            "last_activity_on": page.last_activity_on.isoformat()
            if page.last_activity_on
            else None,
        },
        "consent": {
            "given_at": page.consent_given_at.isoformat() if page.consent_given_at else None,
            "purpose": page.consent_scope,
            "withdrawn_at": (
                page.consent_withdrawn_at.isoformat() if page.consent_withdrawn_at else None
            ),
        },
        "memberships": lines(page.memberships),
        "bookings": lines(page.bookings),
        "passes": lines(page.passes),
        "amap": lines(page.amap),
        "purchases": lines(page.purchases),
        "assistance": lines(page.assistance or ()),
    }

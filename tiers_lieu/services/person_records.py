"""The rest of what the right of access exports about a person: every table that holds a row
of theirs beyond those of their page (:mod:`tiers_lieu.services.person_page`).

Door passages, deliveries (portage), parcels kept for them, donations, volunteering (time,
shifts, weekly availabilities), café tabs, the invoicing client and the job they hold at the
place, and their account if they sign in. Each comes as plain lines (a date, what, a detail),
like the page's, so that the JSON export and the PDF copy show them the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from tiers_lieu.i18n import (
    N_,
    _,
    format_date,
    format_duration,
    format_eur,
    format_time,
    ngettext,
    weekday_name,
)
from tiers_lieu.labels import role_label
from tiers_lieu.models import (
    AppUser,
    CafeTab,
    Client,
    DeliveryOrder,
    Donation,
    Job,
    Parcel,
    Passage,
    RotaAvailability,
    RotaShift,
    VolunteerTime,
)
from tiers_lieu.services import deliveries, rota_models
from tiers_lieu.services.organisation import contract_type_label
from tiers_lieu.services.person_page import PageLine, line_dicts
from tiers_lieu.services.till.donation_models import form_label

SECTIONS: tuple[tuple[str, str], ...] = (
    ("passages", N_("Passages à l'accueil")),
    ("deliveries", N_("Portage à domicile")),
    ("parcels", N_("Colis")),
    ("donations", N_("Dons")),
    ("volunteering", N_("Bénévolat")),
    ("cafe_tabs", N_("Ardoises du café")),
    ("clients", N_("Facturation")),
    ("jobs", N_("Emploi")),
    ("account", N_("Compte Comptoir")),
)
"""The keys of the export's further sections and their titles (``_()`` them to show)."""


def _joined(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _passages(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(Passage).where(Passage.person_id == person_id).order_by(col(Passage.at).desc())
    ).all()
    return [
        PageLine(
            p.activity_date,
            _("Passage"),
            ngettext("{n} personne", "{n} personnes", p.count).format(n=p.count),
        )
        for p in rows
    ]


def _deliveries(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(DeliveryOrder)
        .where(DeliveryOrder.person_id == person_id)
        .order_by(col(DeliveryOrder.for_date).desc())
    ).all()
    return [
        PageLine(
            o.for_date,
            deliveries.status_label(o.status),
            _joined(o.recipient, o.address, o.items),
        )
        for o in rows
    ]


def _parcels(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(Parcel).where(Parcel.person_id == person_id).order_by(col(Parcel.arrived_at).desc())
    ).all()

    def fate(p: Parcel) -> str:
        if p.handed_at is not None:
            return _("remis le {day}").format(day=format_date(_day(p.handed_at, zone)))
        if p.returned_at is not None:
            return _("renvoyé le {day}").format(day=format_date(_day(p.returned_at, zone)))
        return _("en attente")

    return [
        PageLine(_day(p.arrived_at, zone), p.carrier, _joined(p.tracking, p.recipient, fate(p)))
        for p in rows
    ]


def _donations(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(Donation)
        .where(Donation.person_id == person_id)
        .order_by(col(Donation.received_on).desc())
    ).all()
    return [
        PageLine(
            d.received_on,
            _("Don ({form})").format(form=form_label(d.form)),
            _joined(
                format_eur(d.amount_cents),
                d.description,
                _("reçu fiscal n° {number}").format(number=d.receipt_number)
                if d.receipt_number
                else "",
            ),
        )
        for d in rows
    ]


def _volunteering(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    times = session.exec(select(VolunteerTime).where(VolunteerTime.person_id == person_id)).all()
    shifts = session.exec(select(RotaShift).where(RotaShift.person_id == person_id)).all()
    lines = [
        PageLine(t.on_date, _("Temps bénévole"), _joined(format_duration(t.minutes), t.activity))
        for t in times
    ] + [
        PageLine(
            s.on_date,
            _("Créneau de bénévolat"),
            _joined(
                rota_models.role_label(s.role),
                f"{format_time(s.starts_at)}–{format_time(s.ends_at)}",
                rota_models.status_label(s.status),
            ),
        )
        for s in shifts
    ]
    lines.sort(key=lambda line: line.day, reverse=True)
    available = session.exec(
        select(RotaAvailability)
        .where(RotaAvailability.person_id == person_id)
        .order_by(col(RotaAvailability.weekday), col(RotaAvailability.starts_at))
    ).all()
    return lines + [
        PageLine(
            _day(a.created_at, zone),
            _("Disponibilité"),
            _joined(
                weekday_name(a.weekday),
                f"{format_time(a.starts_at)}–{format_time(a.ends_at)}",
                rota_models.role_label(a.role),
            ),
        )
        for a in available
    ]


def _cafe_tabs(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(CafeTab)
        .where(CafeTab.person_id == person_id)
        .order_by(col(CafeTab.opened_at).desc())
    ).all()
    return [
        PageLine(
            _day(t.opened_at, zone),
            t.label,
            _("réglée le {day}").format(day=format_date(_day(t.closed_at, zone)))
            if t.closed_at is not None
            else _("ouverte"),
        )
        for t in rows
    ]


def _clients(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(select(Client).where(Client.person_id == person_id)).all()
    return [
        PageLine(
            _day(c.created_at, zone),
            c.name,
            _joined(c.address, c.postal_code, c.city, c.email, c.siret, c.vat_number),
        )
        for c in rows
    ]


def _jobs(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(
        select(Job).where(Job.person_id == person_id).order_by(col(Job.start_date).desc())
    ).all()
    return [
        PageLine(
            j.start_date,
            j.post,
            _joined(
                contract_type_label(j.contract_type),
                _("{percent} %").format(percent=j.working_time_percent),
                _("jusqu'au {end}").format(end=format_date(j.end_date)) if j.end_date else "",
            ),
        )
        for j in rows
    ]


def _account(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> list[PageLine]:
    rows = session.exec(select(AppUser).where(AppUser.person_id == person_id)).all()
    return [
        PageLine(
            _day(u.created_at, zone),
            u.username,
            _joined(
                role_label(u.role),
                _("dernière connexion le {day}").format(
                    day=format_date(_day(u.last_login_at, zone))
                )
                if u.last_login_at
                else "",
                "" if u.active else _("désactivé"),
            ),
        )
        for u in rows
    ]


def _day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


_READERS: dict[str, Callable[[Session, uuid.UUID, ZoneInfo], list[PageLine]]] = {
    "passages": _passages,
    "deliveries": _deliveries,
    "parcels": _parcels,
    "donations": _donations,
    "volunteering": _volunteering,
    "cafe_tabs": _cafe_tabs,
    "clients": _clients,
    "jobs": _jobs,
    "account": _account,
}


def further_records(session: Session, person_id: uuid.UUID, zone: ZoneInfo) -> dict[str, Any]:
    """Each further section of the export (:data:`SECTIONS`) as JSON-ready lines."""
    return {key: line_dicts(_READERS[key](session, person_id, zone)) for key, _t in SECTIONS}

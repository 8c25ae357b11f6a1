"""Who the place invoices: organisations (with their SIRET and VAT number) and people.

A client is never deleted once it exists (an invoice names it); it is deactivated and leaves
the lists of new documents. An optional link to a registered person lets the agenda find the
client of a booking. What an issued invoice prints is copied onto it (``Invoice.buyer``), so
that changing a client's address later rewrites no past invoice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, or_, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Client, Person
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till.billing import (
    check_email,
    check_postal,
    check_siret,
    check_vat_number,
)
from tiers_lieu.validation import check_text

MAX_LIST = 500


@dataclass(frozen=True, kw_only=True)
class ClientInput:
    """A client as the form gives it (create and update)."""

    name: str
    siret: str = ""
    vat_number: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ClientInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    siret: str
    vat_number: str
    address: str
    postal_code: str
    city: str
    email: str
    person_id: uuid.UUID | None
    active: bool

    @property
    def business(self) -> bool:
        """An organisation (the late-payment indemnity applies), not a private person: a
        SIRET or a VAT number, or no link to a registered person."""
        return bool(self.siret or self.vat_number) or self.person_id is None

    @property
    def town(self) -> str:
        return " ".join(x for x in (self.postal_code, self.city) if x)


def client_info(row: Client) -> ClientInfo:
    return ClientInfo(
        id=row.id,
        site_id=row.site_id,
        name=row.name,
        siret=row.siret,
        vat_number=row.vat_number,
        address=row.address,
        postal_code=row.postal_code,
        city=row.city,
        email=row.email,
        person_id=row.person_id,
        active=row.active,
    )


def buyer_snapshot(client: ClientInfo) -> dict[str, object]:
    """What an issued document keeps of its client (``Invoice.buyer``)."""
    return {
        "name": client.name,
        "siret": client.siret,
        "vat_number": client.vat_number,
        "address": client.address,
        "postal_code": client.postal_code,
        "city": client.city,
        "email": client.email,
        "business": client.business,
    }


def check_client(data: ClientInput) -> ClientInput:
    """The client as stored, or a :class:`ValidationError` naming the field."""
    name = check_text(_("Nom"), data.name.strip(), 200)
    if not name:
        raise ValidationError(_("Nom"), _("ce champ est obligatoire"))
    return ClientInput(
        name=name,
        siret=check_siret(data.siret, _("SIRET")),
        vat_number=check_vat_number(data.vat_number, _("Numéro de TVA")),
        address=check_text(_("Adresse"), data.address.strip(), 250),
        postal_code=check_postal(data.postal_code, _("Code postal")),
        city=check_text(_("Ville"), data.city.strip(), 120),
        email=check_email(data.email, _("Courriel")),
        person_id=data.person_id,
    )


class ClientService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BILLING)
    def list(
        self, site_id: uuid.UUID, *, search: str = "", include_inactive: bool = False
    ) -> list[ClientInfo]:
        """The place's clients by name (the first :data:`MAX_LIST`); ``search`` matches the
        name, the SIRET or the city."""
        with self._uow(read_only=True) as uow:
            query = select(Client).where(Client.site_id == site_id)
            if not include_inactive:
                query = query.where(col(Client.active).is_(True))
            words = search.strip().lower()
            if words:
                pattern = f"%{words}%"
                query = query.where(
                    or_(
                        func.lower(Client.name).like(pattern),
                        col(Client.siret).like(pattern),
                        func.lower(Client.city).like(pattern),
                    )
                )
            rows = uow.session.exec(
                query.order_by(func.lower(Client.name), col(Client.id)).limit(MAX_LIST)
            ).all()
            return [client_info(r) for r in rows]

    @requires(Permission.BILLING)
    def get(self, client_id: uuid.UUID) -> ClientInfo:
        with self._uow(read_only=True) as uow:
            row = uow.session.get(Client, client_id)
            if row is None:
                raise NotFoundError(_("Ce client n'existe plus."))
            return client_info(row)

    @requires(Permission.BILLING)
    def for_person(self, site_id: uuid.UUID, person_id: uuid.UUID) -> ClientInfo | None:
        """The active client linked to a registered person, if there is one."""
        with self._uow(read_only=True) as uow:
            row = uow.session.exec(
                select(Client)
                .where(Client.site_id == site_id, Client.person_id == person_id)
                .where(col(Client.active).is_(True))
                .order_by(col(Client.created_at))
            ).first()
            return None if row is None else client_info(row)

    @requires(Permission.BILLING)
    def create(self, site_id: uuid.UUID, data: ClientInput) -> ClientInfo:
        checked = check_client(data)
        with self._uow() as uow:
            self._check_person(uow.session, checked.person_id)
            row = Client(site_id=site_id, **_values(checked))
            uow.session.add(row)
            uow.session.flush()
            audit.record(
                uow, action=AuditAction.CREATE, entity="client", entity_id=row.id, site_id=site_id
            )
            uow.commit()
            return client_info(row)

    @requires(Permission.BILLING)
    def update(self, client_id: uuid.UUID, data: ClientInput) -> ClientInfo:
        checked = check_client(data)
        with self._uow() as uow:
            row = uow.session.get(Client, client_id)
            if row is None:
                raise NotFoundError(_("Ce client n'existe plus."))
            self._check_person(uow.session, checked.person_id)
            values = _values(checked)
            changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
            for key, value in values.items():
                setattr(row, key, value)
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="client",
                entity_id=row.id,
                site_id=row.site_id,
                details={"fields": changed},
            )
            uow.commit()
            return client_info(row)

    @requires(Permission.BILLING)
    def set_active(self, client_id: uuid.UUID, active: bool) -> ClientInfo:
        """Deactivate (or bring back) a client: its invoices stay, new documents no longer
        offer it."""
        with self._uow() as uow:
            row = uow.session.get(Client, client_id)
            if row is None:
                raise NotFoundError(_("Ce client n'existe plus."))
            row.active = active
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="client",
                entity_id=row.id,
                site_id=row.site_id,
                details={"active": active},
            )
            uow.commit()
            return client_info(row)

    @staticmethod
    def _check_person(session: Session, person_id: uuid.UUID | None) -> None:
        if person_id is not None and session.get(Person, person_id) is None:
            raise ValidationError(_("Personne"), _("cette personne n'existe plus"))


def _values(data: ClientInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "siret": data.siret,
        "vat_number": data.vat_number,
        "address": data.address,
        "postal_code": data.postal_code,
        "city": data.city,
        "email": data.email,
        "person_id": data.person_id,
    }

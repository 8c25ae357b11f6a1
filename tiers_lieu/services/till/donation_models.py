"""Gifts as recorded: the forms of a gift and the ways money is given, with their labels, the
bounds of an amount and of a listing, what a gift is recorded from (the donor and the gift
typed), the donor as kept with the gift (and as a receipt names them), the read models of a
gift and of a period's gifts, and the lookups the donation services share (a person of the
register as donor, the place's today)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.models import Donation, Person
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.services.sites import site_zone
from tiers_lieu.validation import check_text

#: The form of a gift, as stored in ``Donation.form``, and its label on the Cerfa.
CASH = "cash"
KIND = "kind"
SECURITIES = "securities"
FORMS: dict[str, str] = {
    CASH: N_("Numéraire"),
    KIND: N_("Don en nature"),
    SECURITIES: N_("Titres de sociétés cotés"),
}

#: How money was given (``Donation.method``, the payment's method).
METHODS: dict[str, str] = {
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.CARD: N_("Carte bancaire"),
}


MAX_AMOUNT_CENTS = 1_000_000_000  # 10 million euros: a typing error beyond
MAX_LISTED = 5000


def form_label(form: str) -> str:
    return _(FORMS[form]) if form in FORMS else form


def method_label(method: str) -> str:
    return _(METHODS[method]) if method in METHODS else method


@dataclass(frozen=True, kw_only=True)
class DonorInput:
    """Who gives: a registered person (``person_id``: the name is read from the register) or
    a name typed; the postal address is typed either way (the register keeps none)."""

    person_id: uuid.UUID | None = None
    last_name: str = ""
    first_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    company: bool = False
    """A business (legal person): its gifts are receipted on Cerfa 16216, not here."""


@dataclass(frozen=True, kw_only=True)
class DonationInput:
    donor: DonorInput
    amount_cents: int
    """The sum given, or the valuation of a gift in kind or of securities."""
    received_on: date
    form: str = CASH
    method: str = PaymentMethod.CASH
    """For money only (ignored for a gift in kind)."""
    description: str = ""
    """What a gift in kind is (required for one), or a note."""


@dataclass(frozen=True)
class Donor:
    """The donor as a receipt names them."""

    last_name: str
    first_name: str
    address: str
    postal_code: str
    city: str
    company: bool = False

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def has_address(self) -> bool:
        return bool(self.address.strip() and self.postal_code.strip() and self.city.strip())

    def to_dict(self) -> dict[str, Any]:
        return {
            "last_name": self.last_name,
            "first_name": self.first_name,
            "address": self.address,
            "postal_code": self.postal_code,
            "city": self.city,
            "company": self.company,
        }

    @classmethod
    def from_json(cls, text: str) -> Donor:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}

        def text_of(key: str) -> str:
            value = data.get(key, "")
            return value if isinstance(value, str) else ""

        return cls(
            last_name=text_of("last_name"),
            first_name=text_of("first_name"),
            address=text_of("address"),
            postal_code=text_of("postal_code"),
            city=text_of("city"),
            company=data.get("company") is True,
        )


@dataclass(frozen=True)
class DonationInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    person_id: uuid.UUID | None
    donor: Donor
    amount_cents: int
    received_on: date
    form: str
    method: str
    description: str
    receipt_number: str | None
    receipt_issued_on: date | None

    @property
    def issued(self) -> bool:
        return self.receipt_number is not None


@dataclass(frozen=True)
class DonationList:
    rows: tuple[DonationInfo, ...]
    total_cents: int
    truncated: bool


def _clean(label: str, value: str, limit: int) -> str:
    return check_text(label, value.strip(), limit)


def _person(uow: UnitOfWork, site_id: uuid.UUID, person_id: uuid.UUID) -> Person:
    person = uow.session.exec(select(Person).where(col(Person.id) == person_id)).first()
    if (
        person is None
        or person.site_id != site_id
        or person.anonymized_at is not None
        or person.merged_into_id is not None
    ):
        raise ValidationError(_("Donateur"), _("cette personne n'existe plus"))
    return person


def _today(uow: UnitOfWork, site_id: uuid.UUID) -> date:
    return place_today(site_zone(uow, site_id))


def _info(donation: Donation) -> DonationInfo:
    return DonationInfo(
        id=donation.id,
        site_id=donation.site_id,
        person_id=donation.person_id,
        donor=Donor.from_json(donation.donor),
        amount_cents=donation.amount_cents,
        received_on=donation.received_on,
        form=donation.form,
        method=donation.method,
        description=donation.description,
        receipt_number=donation.receipt_number,
        receipt_issued_on=donation.receipt_issued_on,
    )

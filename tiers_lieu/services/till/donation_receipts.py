"""A gift's tax receipt (Cerfa n° 11580*05) as printed: the form's number and the articles
it certifies, the sum in French words, the receipt's number, the beneficiary as the
« Facturation » settings name it (refused unless the place is entitled and its settings hold
what the receipt must state), the receipt itself, and its payload in the till journal, from
which a duplicate is printed again."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.donation_models import CASH, Donor

CERFA = "11580*05"


#: Articles of the CGI the receipt certifies (art. 978, IFI, concerns only some foundations
#: and integration bodies: the settings have no box for it, it is never ticked).
ARTICLES = ("200",)


def amount_in_words(cents: int) -> str:
    """A sum in French words as a receipt writes it: « cent vingt-trois euros et
    quarante-cinq centimes », « un million d'euros », « quatre-vingts centimes »."""
    from num2words import num2words  # read when a receipt is written, not at start

    if cents < 0:
        raise ValueError(cents)
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        words = num2words(euros, lang="fr")
        if euros <= 1:
            parts.append(words + " euro")
        elif words.endswith(("million", "millions", "milliard", "milliards")):
            parts.append(words + " d'euros")
        else:
            parts.append(words + " euros")
    if rest:
        words = num2words(rest, lang="fr")
        parts.append(words + (" centime" if rest == 1 else " centimes"))
    return " et ".join(parts)


def receipt_label(year: int, seq: int) -> str:
    """« 2026-0001 »: the receipt's number as printed."""
    return f"{year}-{seq:04d}"


@dataclass(frozen=True)
class Beneficiary:
    """The organisation as the receipt names it (from the « Facturation » settings)."""

    name: str
    siren_or_rna: str
    address: str
    postal_code: str
    city: str
    object: str
    quality: str

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "siren_or_rna": self.siren_or_rna,
            "address": self.address,
            "postal_code": self.postal_code,
            "city": self.city,
            "object": self.object,
            "quality": self.quality,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Beneficiary:
        return cls(**{k: str(data.get(k, "")) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class TaxReceipt:
    """A donation's tax receipt as printed (Cerfa 11580*05): what the PDF writer needs."""

    number: str
    issued_on: date
    beneficiary: Beneficiary
    donor: Donor
    amount_cents: int
    received_on: date
    form: str
    method: str
    description: str
    articles: tuple[str, ...]
    signatory_name: str
    signatory_quality: str
    duplicate: bool = False
    cerfa: str = CERFA


def _beneficiary(uow: UnitOfWork, site_id: uuid.UUID) -> Beneficiary:
    """The organisation as its settings name it; refused unless it may issue tax receipts
    and its settings hold what the receipt must state."""
    settings = billing.load(uow.session, site_id)
    if not settings.receipts_entitled:
        raise ValidationError(
            _("Reçu fiscal"),
            _(
                "ce lieu n'est pas déclaré habilité à délivrer des reçus fiscaux (organisme "
                "d'intérêt général) ; cela se règle dans Paramètres › Facturation"
            ),
        )
    missing = []
    if not settings.legal_name:
        missing.append(billing.field_label("legal_name"))
    if not (settings.siret or settings.rna):
        missing.append(_("SIREN ou RNA"))
    if not (settings.address and settings.postal_code and settings.city):
        missing.append(billing.field_label("address"))
    if not settings.receipts_quality:
        missing.append(billing.field_label("receipts_quality"))
    if not settings.receipts_object:
        missing.append(billing.field_label("receipts_object"))
    if missing:
        raise ValidationError(
            _("Paramètres › Facturation"),
            _("le reçu fiscal doit indiquer : {missing}").format(missing=", ".join(missing)),
        )
    return Beneficiary(
        name=settings.legal_name,
        siren_or_rna=settings.rna or settings.siret[:9],
        address=settings.address,
        postal_code=settings.postal_code,
        city=settings.city,
        object=settings.receipts_object,
        quality=settings.receipts_quality,
    )


def _receipt_payload(receipt: TaxReceipt) -> dict[str, Any]:
    """The receipt as printed: the journal keeps it, a duplicate is printed from it."""
    return {
        "cerfa": receipt.cerfa,
        "receipt": receipt.number,
        "issued_on": receipt.issued_on.isoformat(),
        "beneficiary": receipt.beneficiary.to_dict(),
        "donor": receipt.donor.to_dict(),
        "amount_cents": receipt.amount_cents,
        "received_on": receipt.received_on.isoformat(),
        "form": receipt.form,
        "method": receipt.method,
        "description": receipt.description,
        "articles": list(receipt.articles),
        "signatory": [receipt.signatory_name, receipt.signatory_quality],
    }


def _receipt_from_payload(data: dict[str, Any], *, duplicate: bool) -> TaxReceipt:
    signatory = data.get("signatory") or ["", ""]
    return TaxReceipt(
        number=str(data["receipt"]),
        issued_on=date.fromisoformat(data["issued_on"]),
        beneficiary=Beneficiary.from_dict(data.get("beneficiary") or {}),
        donor=Donor.from_json(json.dumps(data.get("donor") or {})),
        amount_cents=int(data["amount_cents"]),
        received_on=date.fromisoformat(data["received_on"]),
        form=str(data.get("form", CASH)),
        method=str(data.get("method", "")),
        description=str(data.get("description", "")),
        articles=tuple(data.get("articles") or ARTICLES),
        signatory_name=str(signatory[0]),
        signatory_quality=str(signatory[1]),
        duplicate=duplicate,
        cerfa=str(data.get("cerfa", CERFA)),
    )

"""Who sells: the place's identity and rules as its invoices, quotes and receipts state them
(« Paramètres › Facturation »).

One JSON ``SiteSetting`` (key :data:`SETTING_KEY`), like the public card: legal name and form,
SIRET or RNA, address, VAT regime (``franchise``: « TVA non applicable, art. 293 B du CGI »;
``assujetti``: the VAT number and the usual rate), payment terms, the wording of late
penalties, the logo, and what the donation receipts need (entitled or not, the organisation's
quality as the Cerfa 11580 boxes name it, its object).

A document copies these values when it is issued (``Invoice.seller``): changing them later
never rewrites a past invoice. :func:`check_billing` checks a whole form, field by field;
:func:`check_siret` is the SIRET check the clients share.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import N_, _, ngettext
from tiers_lieu.models import SiteSetting
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.public_card_checks import luhn_ok
from tiers_lieu.validation import check_text

SETTING_KEY = "billing"

FRANCHISE = "franchise"
"""VAT exemption of small businesses and associations (art. 293 B du CGI)."""
LIABLE = "assujetti"
VAT_REGIMES = (FRANCHISE, LIABLE)

FRANCHISE_MENTION = N_("TVA non applicable, art. 293 B du CGI")
DEFAULT_PENALTIES = N_(
    "En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal"
)

#: The Cerfa 11580 boxes: what the organisation receiving a gift is.
RECEIPT_QUALITIES: tuple[str, ...] = (
    N_("Association ou fondation reconnue d'utilité publique"),
    N_("Fondation universitaire ou fondation partenariale"),
    N_("Œuvre ou organisme d'intérêt général"),
    N_("Musée de France"),
    N_("Établissement d'enseignement supérieur ou d'enseignement artistique"),
    N_("Organisme ayant pour objectif exclusif de participer financièrement à la création"),
    N_("Association cultuelle ou de bienfaisance, établissement public des cultes"),
    N_("Organisme ayant pour activité principale l'organisation de festivals"),
    N_("Association d'intérêt général exerçant des actions concrètes en faveur du pluralisme"),
    N_("Autre organisme"),
)

_RNA = re.compile(r"W[0-9A-Z]{9}")
_VAT = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")
_POSTAL = re.compile(r"\d{5}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_TERMS_DAYS = 60
"""Art. L441-10 C. com.: 60 days after the invoice at most (between businesses)."""


def field_label(name: str) -> str:
    """The form's label of a field (what a refusal names)."""
    labels = {
        "legal_name": _("Raison sociale"),
        "legal_form": _("Forme juridique"),
        "siret": _("SIRET"),
        "rna": _("RNA"),
        "address": _("Adresse"),
        "postal_code": _("Code postal"),
        "city": _("Ville"),
        "email": _("Courriel"),
        "phone": _("Téléphone"),
        "vat_regime": _("Régime de TVA"),
        "vat_number": _("Numéro de TVA"),
        "vat_rate_bp": _("Taux de TVA habituel"),
        "payment_days": _("Délai de paiement"),
        "quote_days": _("Validité des devis"),
        "late_penalties": _("Pénalités de retard"),
        "logo_path": _("Logo"),
        "receipts_quality": _("Qualité de l'organisme"),
        "receipts_object": _("Objet de l'organisme"),
    }
    return labels.get(name, name)


def check_siret(value: str, label: str | None = None) -> str:
    """A SIRET: 14 digits whose Luhn checksum holds (La Poste's establishments, SIREN
    356 000 000, have their digits summing to a multiple of 5); spaces and dots removed."""
    label = label or _("SIRET")
    text = re.sub(r"[\s.\u00a0\u202f-]", "", value)
    if not text:
        return ""
    if not text.isdigit():
        raise ValidationError(label, _("un SIRET ne contient que des chiffres (14)"))
    if len(text) != 14:
        raise ValidationError(
            label,
            ngettext(
                "un SIRET a 14 chiffres ({count} reçu)",
                "un SIRET a 14 chiffres ({count} reçus)",
                len(text),
            ).format(count=len(text)),
        )
    la_poste = text.startswith("356000000") and sum(int(c) for c in text) % 5 == 0
    if not (luhn_ok(text) or la_poste):
        raise ValidationError(
            label, _("ce SIRET n'est pas valide (chiffre de contrôle) : vérifiez-le")
        )
    return text


def check_vat_number(value: str, label: str | None = None) -> str:
    """An intra-community VAT number: two letters of the country then 2 to 13 characters
    (« FR 40 123456789 » is kept as FR40123456789)."""
    label = label or _("Numéro de TVA")
    text = re.sub(r"[\s.\u00a0\u202f-]", "", value).upper()
    if not text:
        return ""
    if not _VAT.fullmatch(text):
        raise ValidationError(
            label, _("deux lettres du pays puis le numéro, par exemple FR40123456789")
        )
    if text.startswith("FR") and not re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", text):
        raise ValidationError(
            label, _("un numéro français est FR, deux caractères de clé et le SIREN (9 chiffres)")
        )
    return text


def check_postal(value: str, label: str | None = None) -> str:
    text = value.strip()
    if text and not _POSTAL.fullmatch(text):
        raise ValidationError(label or _("Code postal"), _("5 chiffres, par exemple 23500"))
    return text


def check_email(value: str, label: str | None = None) -> str:
    text = value.strip()
    if text and not _EMAIL.fullmatch(text):
        raise ValidationError(
            label or _("Courriel"), _("« {value} » n'est pas une adresse").format(value=text)
        )
    return text


@dataclass(frozen=True)
class BillingSettings:
    """The seller as the documents name it, and the rules they follow."""

    legal_name: str = ""
    legal_form: str = ""
    siret: str = ""
    rna: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    vat_regime: str = FRANCHISE
    vat_number: str = ""
    vat_rate_bp: int = 2000
    """The rate of a new line when the place charges VAT."""
    payment_days: int = 30
    quote_days: int = 30
    late_penalties: str = ""
    """Empty: :data:`DEFAULT_PENALTIES`."""
    logo_path: str = ""
    receipts_entitled: bool = False
    receipts_quality: str = ""
    receipts_object: str = ""
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def franchise(self) -> bool:
        return self.vat_regime != LIABLE

    @property
    def default_rate_bp(self) -> int:
        """The rate of a new line: 0 under the franchise."""
        return 0 if self.franchise else self.vat_rate_bp

    @property
    def penalties_text(self) -> str:
        return self.late_penalties or _(DEFAULT_PENALTIES)

    def missing_for_invoices(self) -> list[str]:
        """The labels of what an invoice needs and the settings lack."""
        missing = []
        if not self.legal_name:
            missing.append(field_label("legal_name"))
        if not (self.siret or self.rna):
            missing.append(_("SIRET ou RNA"))
        if not (self.address and self.postal_code and self.city):
            missing.append(field_label("address"))
        if not self.franchise and not self.vat_number:
            missing.append(field_label("vat_number"))
        return missing

    def snapshot(self) -> dict[str, Any]:
        """What an issued document keeps of the seller (``Invoice.seller``)."""
        return {
            "legal_name": self.legal_name,
            "legal_form": self.legal_form,
            "siret": self.siret,
            "rna": self.rna,
            "address": self.address,
            "postal_code": self.postal_code,
            "city": self.city,
            "email": self.email,
            "phone": self.phone,
            "vat_regime": self.vat_regime,
            "vat_number": self.vat_number,
            "late_penalties": self.penalties_text,
        }

    def to_json(self) -> str:
        return json.dumps(
            {f.name: getattr(self, f.name) for f in fields(self) if f.name != "updated_at"},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str, updated_at: datetime | None = None) -> BillingSettings:
        """The settings stored as ``text``; a field missing or of another shape (written by
        another version, a bundle) takes its default."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        values: dict[str, Any] = {}
        if isinstance(data, dict):
            for f in fields(cls):
                value = data.get(f.name)
                if f.name == "updated_at" or value is None:
                    continue
                if type(value) is type(f.default):  # bool is not int here
                    values[f.name] = value
        return cls(**values, updated_at=updated_at)


def check_billing(settings: BillingSettings) -> BillingSettings:
    """The settings as stored: each field checked (a :class:`ValidationError` names the first
    that does not fit), numbers written without spaces."""

    def text(name: str, limit: int) -> str:
        return check_text(field_label(name), getattr(settings, name).strip(), limit)

    rna = re.sub(r"[\s.-]", "", settings.rna).upper()
    if rna and not _RNA.fullmatch(rna):
        raise ValidationError(
            field_label("rna"),
            _("un numéro RNA est un W suivi de 9 chiffres, par exemple W231000123"),
        )
    if settings.vat_regime not in VAT_REGIMES:
        raise ValidationError(field_label("vat_regime"), _("franchise ou assujetti"))
    vat_number = check_vat_number(settings.vat_number, field_label("vat_number"))
    if settings.vat_regime == LIABLE and settings.vat_rate_bp not in VAT_RATES_BP:
        raise ValidationError(field_label("vat_rate_bp"), _("20 %, 10 %, 5,5 % ou 2,1 %"))
    if not 0 <= settings.payment_days <= MAX_TERMS_DAYS:
        raise ValidationError(
            field_label("payment_days"),
            _("entre 0 (à réception) et 60 jours (art. L441-10 du Code de commerce)"),
        )
    if not 1 <= settings.quote_days <= 365:
        raise ValidationError(field_label("quote_days"), _("entre 1 et 365 jours"))
    quality = settings.receipts_quality.strip()
    if settings.receipts_entitled and not quality:
        raise ValidationError(
            field_label("receipts_quality"),
            _("choisissez la qualité de l'organisme pour émettre des reçus fiscaux"),
        )
    return replace(
        settings,
        legal_name=text("legal_name", 200),
        legal_form=text("legal_form", 80),
        siret=check_siret(settings.siret, field_label("siret")),
        rna=rna,
        address=text("address", 250),
        postal_code=check_postal(settings.postal_code, field_label("postal_code")),
        city=text("city", 120),
        email=check_email(settings.email, field_label("email")),
        phone=text("phone", 30),
        vat_number=vat_number,
        late_penalties=text("late_penalties", 500),
        logo_path=text("logo_path", 500),
        receipts_quality=check_text(field_label("receipts_quality"), quality, 200),
        receipts_object=text("receipts_object", 500),
    )


#: The French VAT rates, in basis points.
VAT_RATES_BP: tuple[int, ...] = (2000, 1000, 550, 210)


def load(session: Session, site_id: uuid.UUID) -> BillingSettings:
    """The place's settings as last saved (the defaults when never saved); for the services
    that issue documents, inside their own unit of work."""
    row = _row(session, site_id)
    return (
        BillingSettings() if row is None else BillingSettings.from_json(row.value, row.updated_at)
    )


def _row(session: Session, site_id: uuid.UUID) -> SiteSetting | None:
    return session.exec(
        select(SiteSetting).where(SiteSetting.site_id == site_id, SiteSetting.key == SETTING_KEY)
    ).first()


class BillingService:
    """Reading and saving the « Facturation » settings."""

    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BILLING)
    def get(self, site_id: uuid.UUID) -> BillingSettings:
        with self._uow(read_only=True) as uow:
            return load(uow.session, site_id)

    @requires(Permission.SETTINGS)
    def save(self, site_id: uuid.UUID, settings: BillingSettings) -> BillingSettings:
        """Check and keep the settings; a :class:`ValidationError` names the first field that
        does not fit, and nothing is written then. Returns them as stored."""
        checked = check_billing(settings)
        with self._uow() as uow:
            row = _row(uow.session, site_id)
            before = BillingSettings() if row is None else BillingSettings.from_json(row.value)
            changed = [
                f.name
                for f in fields(BillingSettings)
                if f.name != "updated_at" and getattr(before, f.name) != getattr(checked, f.name)
            ]
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
                entity="billing",
                entity_id=row.id,
                site_id=site_id,
                details={"fields": changed},
            )
            uow.commit()
            return replace(checked, updated_at=row.updated_at)

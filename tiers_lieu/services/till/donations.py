"""Donations received and their tax receipts; membership receipts (issue 21).

A gift is recorded with its donor (a registered person, or a name typed), amount, date, form
(« numéraire », « en nature » with its description and valuation, « titres ») and, for money,
how it was paid: money received gets its :class:`~tiers_lieu.models.Payment` row
(``donation_id``) in the same transaction.

**Tax receipt** (« Reçu des dons et versements effectués par les particuliers », Cerfa
n° 11580*05, art. 200 et 978 du CGI): issued only when the place's « Facturation » settings say
the organisation is entitled (:class:`~tiers_lieu.services.till.billing.BillingSettings`
``receipts_entitled``, with its quality and object), never for a gift in kind without a
valuation nor for a donor without a postal address (the Cerfa asks for it). Its number
``2026-0001`` is continuous per place and year of issue: read after the place's chain is held
(:func:`~tiers_lieu.services.till.journal.lock_chain`), written with the donor as the receipt
names them, in the transaction that writes the RECEIPT line of the till journal; from then on
the database refuses any change of the donation (migration 0012's guard), so every final value
is written at issue. The journal line's payload is the receipt as printed (beneficiary,
donor, amount, dates, boxes ticked, signatory): a duplicate is printed from it, so a later
change of the settings never rewrites a past receipt.

A gift from a business is receipted on another form (Cerfa n° 16216, art. 238 bis du CGI),
which Comptoir does not write: it is refused with that explanation.

**Membership receipt** (« Reçu de cotisation »): a plain receipt of a fee paid, not numbered by
law; each one printed leaves a RECEIPT line. A fee is not a gift (the member gets a
counterpart): it gets no tax receipt.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.models import Commune, Donation, Membership, Payment, Person, Site, TillJournal
from tiers_lieu.models.enums import AuditAction, JournalKind, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.journal import actor_name, append, lock_chain
from tiers_lieu.validation import check_text

CERFA = "11580*05"

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

#: Articles of the CGI the receipt certifies (art. 978, IFI, concerns only some foundations
#: and integration bodies: the settings have no box for it, it is never ticked).
ARTICLES = ("200",)

MAX_AMOUNT_CENTS = 1_000_000_000  # 10 million euros: a typing error beyond
MAX_LISTED = 5000


def form_label(form: str) -> str:
    return _(FORMS[form]) if form in FORMS else form


def method_label(method: str) -> str:
    return _(METHODS[method]) if method in METHODS else method


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


@dataclass(frozen=True)
class MembershipReceipt:
    """A membership fee paid, as its plain receipt states it."""

    organisation: str
    address: str
    postal_code: str
    city: str
    siren_or_rna: str
    member: str
    start_date: date
    end_date: date
    fee_cents: int
    paid_cents: int
    payments: tuple[tuple[date, str, int], ...]
    """(date, method, amount) of each payment."""
    issued_on: date
    signatory_name: str


def _clean(label: str, value: str, limit: int) -> str:
    return check_text(label, value.strip(), limit)


class DonationService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- recording ---------------------------------------------------------------------
    @requires(Permission.BILLING)
    def record(self, site_id: uuid.UUID, data: DonationInput) -> DonationInfo:
        """Record a gift and, for money, its payment, together."""
        form, method, amount, description = self._check(data)
        with self._uow() as uow:
            donor = self._donor(uow, site_id, data.donor)
            donation = Donation(
                site_id=site_id,
                person_id=data.donor.person_id,
                donor=json.dumps(donor.to_dict(), ensure_ascii=False, sort_keys=True),
                amount_cents=amount,
                received_on=data.received_on,
                method=method,
                form=form,
                description=description,
            )
            uow.session.add(donation)
            uow.session.flush()  # the payment refers to it
            if form == CASH:
                uow.session.add(
                    Payment(
                        site_id=site_id,
                        amount_cents=amount,
                        method=method,
                        paid_on=data.received_on,
                        donation_id=donation.id,
                    )
                )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="donation",
                entity_id=donation.id,
                site_id=site_id,
            )
            uow.commit()
            return _info(donation)

    @requires(Permission.BILLING)
    def update(self, donation_id: uuid.UUID, data: DonationInput) -> DonationInfo:
        """Correct a gift whose receipt is not issued yet (its payment follows)."""
        form, method, amount, description = self._check(data)
        with self._uow() as uow:
            donation = self._get(uow, donation_id)
            if donation.receipt_number is not None:
                raise ValidationError(
                    _("Don"),
                    _("son reçu fiscal n° {number} est établi : il ne peut plus changer").format(
                        number=donation.receipt_number
                    ),
                )
            donor = self._donor(uow, donation.site_id, data.donor)
            donation.person_id = data.donor.person_id
            donation.donor = json.dumps(donor.to_dict(), ensure_ascii=False, sort_keys=True)
            donation.amount_cents = amount
            donation.received_on = data.received_on
            donation.method = method
            donation.form = form
            donation.description = description
            uow.session.add(donation)
            payment = uow.session.exec(
                select(Payment).where(col(Payment.donation_id) == donation.id)
            ).first()
            if form == CASH and payment is None:
                uow.session.add(
                    Payment(
                        site_id=donation.site_id,
                        amount_cents=amount,
                        method=method,
                        paid_on=data.received_on,
                        donation_id=donation.id,
                    )
                )
            elif form == CASH and payment is not None:
                payment.amount_cents = amount
                payment.method = method
                payment.paid_on = data.received_on
                uow.session.add(payment)
            elif payment is not None:
                uow.session.delete(payment)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="donation",
                entity_id=donation.id,
                site_id=donation.site_id,
            )
            uow.commit()
            return _info(donation)

    @requires(Permission.BILLING)
    def get(self, donation_id: uuid.UUID) -> DonationInfo:
        with self._uow(read_only=True) as uow:
            return _info(self._get(uow, donation_id))

    @requires(Permission.BILLING)
    def list_period(self, site_id: uuid.UUID, *, start: date, end: date) -> DonationList:
        """The gifts received from ``start`` to ``end`` included, latest first (at most
        :data:`MAX_LISTED`; the total covers them all)."""
        if end < start:
            raise ValidationError(_("Période"), _("la fin précède le début"))
        with self._uow(read_only=True) as uow:
            where = (
                col(Donation.site_id) == site_id,
                col(Donation.received_on) >= start,
                col(Donation.received_on) <= end,
            )
            rows = uow.session.exec(
                select(Donation)
                .where(*where)
                .order_by(col(Donation.received_on).desc(), col(Donation.created_at).desc())
                .limit(MAX_LISTED + 1)
            ).all()
            total = uow.session.exec(
                select(func.coalesce(func.sum(Donation.amount_cents), 0)).where(*where)
            ).one()
            return DonationList(
                rows=tuple(_info(d) for d in rows[:MAX_LISTED]),
                total_cents=int(total),
                truncated=len(rows) > MAX_LISTED,
            )

    @requires(Permission.BILLING)
    def donor_from_person(self, site_id: uuid.UUID, person_id: uuid.UUID) -> DonorInput:
        """What the register knows of a person as a donor: name and commune (the street
        address is typed)."""
        with self._uow(read_only=True) as uow:
            person = _person(uow, site_id, person_id)
            commune = uow.session.get(Commune, person.commune_id) if person.commune_id else None
            return DonorInput(
                person_id=person.id,
                last_name=person.last_name or person.organisation,
                first_name=person.first_name,
                city=commune.name if commune is not None else "",
            )

    # -- the tax receipt -----------------------------------------------------------------
    @requires(Permission.BILLING)
    def issue_receipt(
        self,
        donation_id: uuid.UUID,
        *,
        donor: DonorInput | None = None,
        signatory_quality: str = "",
        issued_on: date | None = None,
    ) -> TaxReceipt:
        """Number and issue the gift's tax receipt (``donor``: the donor as the receipt names
        them, when corrected at issue); refused with the reason when the place is not
        entitled, the gift in kind has no valuation or the donor has no address."""
        quality_of_signatory = _clean(_("Qualité du signataire"), signatory_quality, 80)
        with self._uow() as uow:
            donation = self._get(uow, donation_id)
            site_id = donation.site_id
            if donation.receipt_number is not None:
                raise ValidationError(
                    _("Reçu fiscal"),
                    _(
                        "déjà établi sous le n° {number} (« Reçu PDF… » en donne un duplicata)"
                    ).format(number=donation.receipt_number),
                )
            beneficiary = _beneficiary(uow, site_id)
            final = (
                self._donor(uow, site_id, donor)
                if donor is not None
                else self._refreshed_donor(uow, donation)
            )
            if final.company:
                raise ValidationError(
                    _("Donateur"),
                    _(
                        "le don d'une entreprise se reçoit sur le Cerfa n° 16216 (art. 238 bis "
                        "du CGI), que Comptoir n'établit pas ; le Cerfa 11580 est réservé aux "
                        "particuliers"
                    ),
                )
            if not final.last_name:
                raise ValidationError(_("Donateur"), _("indiquez le nom du donateur"))
            if not final.has_address:
                raise ValidationError(
                    _("Adresse du donateur"),
                    _("le reçu fiscal exige l'adresse complète (rue, code postal, commune)"),
                )
            if donation.form != CASH and donation.amount_cents <= 0:
                raise ValidationError(
                    _("Valeur"),
                    _("un don en nature ou en titres doit être évalué avant son reçu fiscal"),
                )
            if donation.form == KIND and not donation.description.strip():
                raise ValidationError(
                    _("Description"), _("décrivez le don en nature (ce qui a été donné)")
                )
            day = issued_on or _today(uow, site_id)
            if day < donation.received_on:
                raise ValidationError(
                    _("Date du reçu"), _("un reçu ne précède pas le don qu'il atteste")
                )
            lock_chain(uow, site_id)  # before reading the number this receipt takes
            last = uow.session.exec(
                select(func.max(Donation.receipt_seq)).where(
                    col(Donation.site_id) == site_id, col(Donation.receipt_year) == day.year
                )
            ).one()
            seq = int(last or 0) + 1
            number = receipt_label(day.year, seq)
            signatory = actor_name(uow)
            receipt = TaxReceipt(
                number=number,
                issued_on=day,
                beneficiary=beneficiary,
                donor=final,
                amount_cents=donation.amount_cents,
                received_on=donation.received_on,
                form=donation.form,
                method=donation.method,
                description=donation.description,
                articles=ARTICLES,
                signatory_name=signatory,
                signatory_quality=quality_of_signatory,
            )
            # Every value is final here: once the number is written the row never changes.
            donation.donor = json.dumps(final.to_dict(), ensure_ascii=False, sort_keys=True)
            donation.receipt_number = number
            donation.receipt_year = day.year
            donation.receipt_seq = seq
            donation.receipt_issued_on = day
            uow.session.add(donation)
            uow.session.flush()
            append(
                uow,
                site_id=site_id,
                kind=JournalKind.RECEIPT,
                payload=_receipt_payload(receipt),
                ref_id=donation.id,
                number=number,
                amount_cents=donation.amount_cents,
            )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="donation",
                entity_id=donation.id,
                site_id=site_id,
                details={"receipt": number},
            )
            uow.commit()
            return receipt

    @requires(Permission.BILLING)
    def receipt_copy(self, donation_id: uuid.UUID) -> TaxReceipt:
        """An issued receipt again, as it was issued (marked duplicate), leaving a
        DUPLICATE line in the journal."""
        with self._uow() as uow:
            donation = self._get(uow, donation_id)
            if donation.receipt_number is None:
                raise ValidationError(
                    _("Reçu fiscal"), _("pas encore établi : « Établir le reçu fiscal… » d'abord")
                )
            line = uow.session.exec(
                select(TillJournal).where(
                    col(TillJournal.site_id) == donation.site_id,
                    col(TillJournal.kind) == JournalKind.RECEIPT,
                    col(TillJournal.number) == donation.receipt_number,
                    col(TillJournal.ref_id) == donation.id,
                )
            ).first()
            if line is None:
                raise NotFoundError(_("La ligne du journal de caisse de ce reçu est introuvable."))
            receipt = _receipt_from_payload(json.loads(line.payload), duplicate=True)
            append(
                uow,
                site_id=donation.site_id,
                kind=JournalKind.DUPLICATE,
                payload={"receipt": receipt.number, "of_seq": line.seq},
                ref_id=donation.id,
                number=receipt.number,
            )
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="donation",
                entity_id=donation.id,
                site_id=donation.site_id,
                details={"receipt": receipt.number},
            )
            uow.commit()
            return receipt

    # -- membership receipts --------------------------------------------------------------
    @requires(Permission.BILLING)
    def membership_receipt(self, membership_id: uuid.UUID) -> MembershipReceipt:
        """The receipt of a membership fee, leaving a RECEIPT line in the journal (a fee is
        not a gift: no tax receipt)."""
        with self._uow() as uow:
            membership = uow.session.exec(
                select(Membership).where(col(Membership.id) == membership_id)
            ).first()
            if membership is None:
                raise NotFoundError(_("Cette adhésion n'existe plus."))
            site_id = membership.site_id
            person = uow.session.get(Person, membership.person_id)
            if person is None or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            payments = uow.session.exec(
                select(Payment)
                .where(col(Payment.membership_id) == membership.id)
                .order_by(col(Payment.paid_on))
            ).all()
            paid = sum(p.amount_cents for p in payments)
            if paid <= 0:
                raise ValidationError(
                    _("Cotisation"), _("aucun paiement enregistré pour cette adhésion")
                )
            settings = billing.load(uow.session, site_id)
            site = uow.session.get(Site, site_id)
            signatory = actor_name(uow)
            receipt = MembershipReceipt(
                organisation=settings.legal_name or (site.name if site else ""),
                address=settings.address or (site.address if site else ""),
                postal_code=settings.postal_code,
                city=settings.city or (site.commune_name if site else ""),
                siren_or_rna=settings.rna or settings.siret,
                member=" ".join(p for p in (person.first_name, person.last_name) if p)
                or person.organisation,
                start_date=membership.start_date,
                end_date=membership.end_date,
                fee_cents=membership.fee_cents,
                paid_cents=paid,
                payments=tuple((p.paid_on, p.method, p.amount_cents) for p in payments),
                issued_on=_today(uow, site_id),
                signatory_name=signatory,
            )
            append(
                uow,
                site_id=site_id,
                kind=JournalKind.RECEIPT,
                payload={
                    "membership": str(membership.id),
                    "member": receipt.member,
                    "start": receipt.start_date.isoformat(),
                    "end": receipt.end_date.isoformat(),
                    "fee_cents": receipt.fee_cents,
                    "paid_cents": paid,
                    "issued_on": receipt.issued_on.isoformat(),
                },
                ref_id=membership.id,
                amount_cents=paid,
            )
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="membership",
                entity_id=membership.id,
                site_id=site_id,
                details={"receipt": "membership"},
            )
            uow.commit()
            return receipt

    @requires(Permission.BILLING)
    def memberships_paid(self, site_id: uuid.UUID, person_id: uuid.UUID) -> list[MembershipPaid]:
        """A person's memberships with a fee paid, latest first (what a receipt can be
        printed for)."""
        with self._uow(read_only=True) as uow:
            _person(uow, site_id, person_id)
            paid = (
                select(func.coalesce(func.sum(Payment.amount_cents), 0))
                .where(col(Payment.membership_id) == Membership.id)
                .scalar_subquery()
            )
            rows = uow.session.exec(
                select(Membership, paid)
                .where(col(Membership.person_id) == person_id)
                .order_by(col(Membership.start_date).desc())
                .limit(100)
            ).all()
            return [
                MembershipPaid(m.id, m.start_date, m.end_date, m.fee_cents, int(p))
                for m, p in rows
                if int(p) > 0
            ]

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _check(data: DonationInput) -> tuple[str, str, int, str]:
        if data.form not in FORMS:
            raise ValidationError(_("Forme du don"), _("numéraire, en nature ou titres"))
        method = data.method if data.form == CASH else ""
        if data.form == CASH and method not in METHODS:
            raise ValidationError(
                _("Mode de versement"), _("espèces, chèque, virement ou carte bancaire")
            )
        amount = data.amount_cents
        if amount < 0 or amount >= MAX_AMOUNT_CENTS:
            raise ValidationError(_("Montant"), _("entre 0 et 10 millions d'euros"))
        if data.form == CASH and amount == 0:
            raise ValidationError(_("Montant"), _("indiquez la somme reçue"))
        description = _clean(_("Description"), data.description, 300)
        if data.form == KIND and not description:
            raise ValidationError(_("Description"), _("décrivez le don en nature"))
        return data.form, method, amount, description

    @staticmethod
    def _donor(uow: UnitOfWork, site_id: uuid.UUID, data: DonorInput) -> Donor:
        last = _clean(_("Nom du donateur"), data.last_name, 120)
        first = _clean(_("Prénom du donateur"), data.first_name, 80)
        if data.person_id is not None:
            person = _person(uow, site_id, data.person_id)
            if not last:
                last = person.last_name or person.organisation
                first = first or person.first_name
        if not last:
            raise ValidationError(_("Donateur"), _("choisissez une personne ou tapez un nom"))
        return Donor(
            last_name=last,
            first_name=first,
            address=_clean(_("Adresse du donateur"), data.address, 250),
            postal_code=billing.check_postal(data.postal_code, _("Code postal du donateur")),
            city=_clean(_("Commune du donateur"), data.city, 120),
            company=data.company,
        )

    @staticmethod
    def _refreshed_donor(uow: UnitOfWork, donation: Donation) -> Donor:
        """The donor kept with the gift, their name read again from the register."""
        donor = Donor.from_json(donation.donor)
        if donation.person_id is None:
            return donor
        person = uow.session.get(Person, donation.person_id)
        if person is None or person.anonymized_at is not None:
            return donor
        return Donor(
            last_name=person.last_name or person.organisation or donor.last_name,
            first_name=person.first_name,
            address=donor.address,
            postal_code=donor.postal_code,
            city=donor.city,
            company=donor.company,
        )

    @staticmethod
    def _get(uow: UnitOfWork, donation_id: uuid.UUID) -> Donation:
        donation = uow.session.exec(select(Donation).where(col(Donation.id) == donation_id)).first()
        if donation is None:
            raise NotFoundError(_("Ce don n'existe plus."))
        return donation


@dataclass(frozen=True)
class MembershipPaid:
    id: uuid.UUID
    start_date: date
    end_date: date
    fee_cents: int
    paid_cents: int


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

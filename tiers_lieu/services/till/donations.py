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

Gifts' records and read models are in :mod:`.donation_models`, the tax receipt as printed in
:mod:`.donation_receipts`, membership receipts in :mod:`.membership_receipts` (the base of
:class:`DonationService`); recording gifts and issuing their receipts are here.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Commune, Donation, Payment, Person, TillJournal
from tiers_lieu.models.enums import AuditAction, JournalKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.donation_models import (
    CASH,
    FORMS,
    KIND,
    MAX_AMOUNT_CENTS,
    MAX_LISTED,
    METHODS,
    SECURITIES,
    DonationInfo,
    DonationInput,
    DonationList,
    Donor,
    DonorInput,
    _clean,
    _info,
    _person,
    _today,
    form_label,
    method_label,
)
from tiers_lieu.services.till.donation_receipts import (
    ARTICLES,
    CERFA,
    Beneficiary,
    TaxReceipt,
    _beneficiary,
    _receipt_from_payload,
    _receipt_payload,
    amount_in_words,
    receipt_label,
)
from tiers_lieu.services.till.journal import actor_name, append, lock_chain
from tiers_lieu.services.till.membership_receipts import (
    MembershipPaid,
    MembershipReceipt,
    MembershipReceipts,
)

__all__ = [
    "ARTICLES",
    "CASH",
    "CERFA",
    "FORMS",
    "KIND",
    "MAX_AMOUNT_CENTS",
    "MAX_LISTED",
    "METHODS",
    "SECURITIES",
    "Beneficiary",
    "DonationInfo",
    "DonationInput",
    "DonationList",
    "DonationService",
    "Donor",
    "DonorInput",
    "MembershipPaid",
    "MembershipReceipt",
    "TaxReceipt",
    "amount_in_words",
    "form_label",
    "method_label",
    "receipt_label",
]


class DonationService(MembershipReceipts):
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
        return get_or_gone(uow, Donation, donation_id, _("Ce don n'existe plus."))

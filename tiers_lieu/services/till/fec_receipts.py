"""The FEC's entries of money received (*Encaissements* journal): the payments of invoices
(against 411, lettered), of memberships (756), of donations (7541) and of coworking passes
(706), a sale's payments being in its Z; and the gifts of money recorded without any payment
row (gifts in kind or in securities left to the accountant, with a warning).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models import (
    Client,
    CoworkingPass,
    Donation,
    Invoice,
    Membership,
    PassType,
    Payment,
    Person,
)
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till.fec_entries import (
    _balanced,
    _by_id,
    _donor,
    _Draft,
    _json,
    _plain_name,
    client_code,
    validated_on,
)
from tiers_lieu.services.till.fec_plan import (
    ACCOUNT_LABELS,
    RECEIPTS_JOURNAL,
    AccountPlan,
    _role,
    _word,
)


class ReceiptEntries:
    """The payments' and gifts' entries of the FEC service."""

    def _payments(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        lettering: Mapping[uuid.UUID, tuple[str, date]],
        warnings: list[str],
    ) -> tuple[list[_Draft], int]:
        """Payments of invoices, memberships, donations and coworking passes (a sale's
        payments are in its Z); and how many were coworking passes."""
        # Columns, not entities: a year of a busy place is thousands of payments.
        payments: list[Any] = list(
            uow.session.execute(
                sa_select(
                    *(
                        getattr(Payment, name)
                        for name in (
                            "id", "amount_cents", "method", "paid_on", "reference", "created_at",
                            "invoice_id", "membership_id", "donation_id", "pass_id",
                        )
                    )
                )
                .where(
                    col(Payment.site_id) == site_id,
                    col(Payment.sale_id).is_(None),
                    col(Payment.paid_on) >= start,
                    col(Payment.paid_on) <= end,
                )
                .order_by(col(Payment.paid_on), col(Payment.created_at))
            ).all()
        )  # fmt: skip
        invoices = _by_id(
            uow,
            Invoice,
            {p.invoice_id for p in payments},
            "number", "client_id", "buyer",
        )  # fmt: skip
        clients = _by_id(uow, Client, {i.client_id for i in invoices.values()}, "name")
        memberships = _by_id(
            uow,
            Membership,
            {p.membership_id for p in payments},
            "person_id", "start_date", "end_date",
        )  # fmt: skip
        passes = _by_id(
            uow, CoworkingPass, {p.pass_id for p in payments}, "pass_type_id", "person_id"
        )
        pass_types = _by_id(uow, PassType, {p.pass_type_id for p in passes.values()}, "name")
        donations = _by_id(
            uow, Donation, {p.donation_id for p in payments}, "receipt_number", "donor"
        )
        people = _by_id(
            uow,
            Person,
            {m.person_id for m in memberships.values()} | {p.person_id for p in passes.values()},
            "first_name", "last_name", "organisation",
        )  # fmt: skip
        zone = site_zone(uow, site_id)
        drafts: list[_Draft] = []
        sold_passes = 0
        for payment in payments:
            known = plan.for_method(payment.method)
            account = known or plan.suspense
            word = _word(payment.method)
            draft = _Draft(
                journal=RECEIPTS_JOURNAL,
                day=payment.paid_on,
                valid=validated_on(payment.created_at, payment.paid_on, zone),
                piece_ref=payment.reference or "",
                recorded=payment.created_at,
                source=payment.id,
                label="",
            )
            amount = payment.amount_cents
            if payment.invoice_id is not None and payment.invoice_id in invoices:
                invoice = invoices[payment.invoice_id]
                client = clients.get(invoice.client_id)
                name = str(_json(invoice.buyer).get("name") or (client.name if client else ""))
                aux = (client_code(invoice.client_id, client.name if client else name), name)
                letter = lettering.get(invoice.id)
                draft.piece_ref = draft.piece_ref or str(invoice.number or "")
                draft.label = f"Règlement {invoice.number} {name} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(
                    plan.clients,
                    ACCOUNT_LABELS["clients"],
                    -amount,
                    aux=aux,
                    lettering=letter[0] if letter else "",
                    lettered_on=letter[1] if letter else None,
                )
            elif payment.membership_id is not None and payment.membership_id in memberships:
                membership = memberships[payment.membership_id]
                person = people.get(membership.person_id)
                name = _plain_name(
                    person.first_name if person else "",
                    person.last_name if person else "",
                    person.organisation if person else "",
                )
                draft.piece_ref = draft.piece_ref or f"COT{payment.paid_on:%Y%m%d}"
                draft.label = (
                    f"Cotisation {membership.start_date:%d/%m/%Y}-{membership.end_date:%d/%m/%Y} "
                    f"{name} ({word})"
                )
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.memberships, ACCOUNT_LABELS["memberships"], -amount)
            elif payment.donation_id is not None and payment.donation_id in donations:
                donation = donations[payment.donation_id]
                draft.piece_ref = (
                    draft.piece_ref or donation.receipt_number or f"DON{payment.paid_on:%Y%m%d}"
                )
                draft.label = f"Don {_donor(donation)} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.donations, ACCOUNT_LABELS["donations"], -amount)
            elif payment.pass_id is not None and payment.pass_id in passes:
                bought = passes[payment.pass_id]
                kind = pass_types.get(bought.pass_type_id)
                person = people.get(bought.person_id)
                name = _plain_name(
                    person.first_name if person else "", person.last_name if person else ""
                )
                draft.piece_ref = f"PASS{payment.paid_on:%Y%m%d}" + (
                    f" {payment.reference}" if payment.reference else ""
                )
                draft.label = f"Pass {kind.name if kind else ''} {name} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.services, ACCOUNT_LABELS["services"], -amount)
                sold_passes += 1
            else:
                continue  # an AMAP instalment or a payment of nothing known: not ours
            if not draft.piece_ref:
                draft.piece_ref = f"EN{payment.paid_on:%Y%m%d}"
            if known is None:
                warnings.append(
                    _(
                        "Paiement du {day} : moyen de paiement « {method} » inconnu, passé au "
                        "compte {account} (compte d'attente)."
                    ).format(
                        day=format_date(payment.paid_on), method=payment.method, account=account
                    )
                )
            drafts.append(_balanced(draft, plan, warnings))
        return drafts, sold_passes

    def _donations(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> list[_Draft]:
        """Gifts of money received in the period without any payment row (those with
        payments are entered through them)."""
        paid = (
            sa_select(col(Payment.donation_id))
            .where(col(Payment.donation_id).is_not(None))
            .scalar_subquery()
        )
        rows = uow.session.exec(
            select(Donation)
            .where(
                Donation.site_id == site_id,
                col(Donation.received_on) >= start,
                col(Donation.received_on) <= end,
                col(Donation.id).not_in(paid),
            )
            .order_by(col(Donation.received_on), col(Donation.id))
        ).all()
        zone = site_zone(uow, site_id)
        drafts: list[_Draft] = []
        in_kind = 0
        for donation in rows:
            if donation.form != "cash":
                in_kind += 1
                continue
            account = plan.for_method(donation.method) or plan.suspense
            draft = _Draft(
                journal=RECEIPTS_JOURNAL,
                day=donation.received_on,
                valid=validated_on(donation.created_at, donation.received_on, zone),
                piece_ref=donation.receipt_number or f"DON{donation.received_on:%Y%m%d}",
                recorded=donation.created_at,
                source=donation.id,
                label=f"Don {_donor(donation)} ({_word(donation.method)})",
            )
            draft.add(account, ACCOUNT_LABELS[_role(plan, account)], donation.amount_cents)
            draft.add(plan.donations, ACCOUNT_LABELS["donations"], -donation.amount_cents)
            drafts.append(_balanced(draft, plan, warnings))
        if in_kind:
            warnings.append(
                ngettext(
                    "{count} don en nature ou en titres n'est pas exporté : sa valorisation "
                    "est à passer par le comptable.",
                    "{count} dons en nature ou en titres ne sont pas exportés : leur "
                    "valorisation est à passer par le comptable.",
                    in_kind,
                ).format(count=in_kind)
            )
        return drafts

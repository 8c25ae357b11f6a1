"""The FEC's entries of what was sold: each day Z in the *Caisse* journal (payment methods
against 707 and 44571 per VAT rate; the days with sales but no Z said, not exported), each
issued invoice and credit note in the *Ventes* journal (411 with the client against 706 and
44571), and the lettering of the invoices settled by the period's end.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models import Client, Invoice, InvoiceLine, Payment, Sale, TillClosure
from tiers_lieu.models.enums import ClosureKind, InvoiceKind
from tiers_lieu.services.sites import day_bounds, site_zone
from tiers_lieu.services.till.fec_entries import (
    _balanced,
    _chunks,
    _closure_totals,
    _Draft,
    _json,
    _vat_by_rate,
    client_code,
    validated_on,
)
from tiers_lieu.services.till.fec_plan import (
    ACCOUNT_LABELS,
    CASH_JOURNAL,
    SALES_JOURNAL,
    AccountPlan,
    _rate_text,
    _role,
)


class SalesEntries:
    """The till's and the invoices' entries of the FEC service."""

    def _day_zs(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> list[_Draft]:
        zone = site_zone(uow, site_id)
        closures = uow.session.exec(
            select(TillClosure)
            .where(
                TillClosure.site_id == site_id,
                TillClosure.kind == ClosureKind.DAY.value,
                col(TillClosure.period_start) >= start,
                col(TillClosure.period_start) <= end,
            )
            .order_by(col(TillClosure.period_start))
        ).all()
        drafts: list[_Draft] = []
        closed: set[date] = set()
        for closure in closures:
            closed.add(closure.period_start)
            methods, rates = _closure_totals(closure)
            piece = f"Z{closure.number}"
            draft = _Draft(
                journal=CASH_JOURNAL,
                day=closure.period_start,
                valid=validated_on(closure.closed_at, closure.period_start, zone),
                piece_ref=piece,
                recorded=closure.closed_at,
                source=closure.id,
                label=f"Ventes du {closure.period_start:%d/%m/%Y} (Z {closure.number})",
            )
            for method in sorted(methods):
                account = plan.for_method(method)
                if account is None:
                    account = plan.suspense
                    warnings.append(
                        _(
                            "Z {number} : moyen de paiement « {method} » inconnu, passé au "
                            "compte {account} (compte d'attente)."
                        ).format(number=closure.number, method=method, account=account)
                    )
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], methods[method])
            for rate in sorted(rates):
                ttc, vat = rates[rate]
                draft.add(plan.goods, f"{ACCOUNT_LABELS['goods']} {_rate_text(rate)}", -(ttc - vat))
                draft.add(plan.vat, f"{ACCOUNT_LABELS['vat']} {_rate_text(rate)}", -vat)
            drafts.append(_balanced(draft, plan, warnings))
        # Days of the period with sales but no Z: not exported, said.
        warnings.extend(_unclosed_warning(_unclosed_days(uow, site_id, start, end, closed)))
        return drafts

    def _invoices(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> tuple[list[_Draft], dict[uuid.UUID, tuple[str, date]]]:
        """Invoices and credit notes issued in the period; and the lettering of every invoice
        of the place settled by the period's end: invoice id → (letter, date)."""
        columns = (
            "id", "kind", "number", "issued_on", "updated_at", "client_id", "credits_id",
            "buyer", "total_net_cents", "total_vat_cents", "total_cents",
        )  # fmt: skip
        rows: list[Any] = list(
            uow.session.execute(
                sa_select(*(getattr(Invoice, name) for name in columns), col(Client.name))
                .join(Client, col(Client.id) == col(Invoice.client_id))
                .where(
                    col(Invoice.site_id) == site_id,
                    col(Invoice.kind).in_([InvoiceKind.INVOICE.value, InvoiceKind.CREDIT.value]),
                    col(Invoice.number).is_not(None),
                    col(Invoice.issued_on) >= start,
                    col(Invoice.issued_on) <= end,
                )
                .order_by(col(Invoice.issued_on), col(Invoice.updated_at))
            ).all()
        )
        nets: dict[uuid.UUID, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        ids = [invoice.id for invoice in rows]
        for chunk in _chunks(ids):
            for invoice_id, rate, net in uow.session.execute(
                sa_select(
                    col(InvoiceLine.invoice_id),
                    col(InvoiceLine.vat_rate_bp),
                    func.sum(col(InvoiceLine.total_net_cents)),
                )
                .where(col(InvoiceLine.invoice_id).in_(chunk))
                .group_by(col(InvoiceLine.invoice_id), col(InvoiceLine.vat_rate_bp))
            ).all():
                nets[invoice_id][int(rate)] += int(net or 0)
        lettering = self._lettering(uow, site_id, end)
        zone = site_zone(uow, site_id)
        drafts: list[_Draft] = []
        for invoice in rows:
            credit = invoice.kind == InvoiceKind.CREDIT.value
            # A credit note reverses: its amounts, stored positive, go the other way.
            sign = -1 if credit and invoice.total_cents > 0 else 1
            name = str(_json(invoice.buyer).get("name") or invoice.name)
            aux = (client_code(invoice.client_id, invoice.name), name)
            word = "Avoir" if credit else "Facture"
            draft = _Draft(
                journal=SALES_JOURNAL,
                day=invoice.issued_on,
                # Issued, the row never changes again: its last write is its issue.
                valid=validated_on(invoice.updated_at, invoice.issued_on, zone),
                piece_ref=invoice.number,
                recorded=invoice.updated_at,
                source=invoice.id,
                label=f"{word} {invoice.number} {name}",
            )
            letter = lettering.get(invoice.credits_id if credit else invoice.id)
            draft.add(
                plan.clients,
                ACCOUNT_LABELS["clients"],
                sign * invoice.total_cents,
                aux=aux,
                lettering=letter[0] if letter else "",
                lettered_on=letter[1] if letter else None,
            )
            by_rate = nets.get(invoice.id) or {0: invoice.total_net_cents}
            vats = _vat_by_rate(by_rate, invoice.total_vat_cents)
            for rate in sorted(by_rate):
                draft.add(
                    plan.services,
                    f"{ACCOUNT_LABELS['services']} {_rate_text(rate)}",
                    -sign * by_rate[rate],
                )
                draft.add(
                    plan.vat, f"{ACCOUNT_LABELS['vat']} {_rate_text(rate)}", -sign * vats[rate]
                )
            drafts.append(_balanced(draft, plan, warnings))
        return drafts, lettering

    def _lettering(
        self, uow: UnitOfWork, site_id: uuid.UUID, end: date
    ) -> dict[uuid.UUID, tuple[str, date]]:
        """Invoices settled (payments and credit notes dated up to ``end`` add up to their
        total): id → (their number as the letter, the day the last settlement came)."""
        settled: dict[uuid.UUID, list[tuple[int, date]]] = defaultdict(list)
        for invoice_id, amount, paid_on in uow.session.execute(
            sa_select(
                col(Payment.invoice_id), col(Payment.amount_cents), col(Payment.paid_on)
            ).where(
                col(Payment.site_id) == site_id,
                col(Payment.invoice_id).is_not(None),
                col(Payment.paid_on) <= end,
            )
        ).all():
            settled[invoice_id].append((int(amount), paid_on))
        for credits_id, amount, issued_on in uow.session.execute(
            sa_select(
                col(Invoice.credits_id), col(Invoice.total_cents), col(Invoice.issued_on)
            ).where(
                col(Invoice.site_id) == site_id,
                col(Invoice.kind) == InvoiceKind.CREDIT.value,
                col(Invoice.number).is_not(None),
                col(Invoice.credits_id).is_not(None),
                col(Invoice.issued_on) <= end,
            )
        ).all():
            settled[credits_id].append((abs(int(amount)), issued_on))
        if not settled:
            return {}
        result: dict[uuid.UUID, tuple[str, date]] = {}
        for chunk in _chunks(list(settled)):
            for invoice_id, number, total in uow.session.execute(
                sa_select(col(Invoice.id), col(Invoice.number), col(Invoice.total_cents)).where(
                    col(Invoice.id).in_(chunk),
                    col(Invoice.kind) == InvoiceKind.INVOICE.value,
                    col(Invoice.number).is_not(None),
                )
            ).all():
                items = settled[invoice_id]
                if total > 0 and sum(a for a, _d in items) == total:
                    result[invoice_id] = (str(number), max(d for _a, d in items))
        return result


def _unclosed_days(
    uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date, closed: set[date]
) -> list[date]:
    """The place's days of the period with sales and without a day Z (the sales' instants
    alone are read, one column)."""
    zone = site_zone(uow, site_id)
    first, _next = day_bounds(uow, site_id, start)
    _last, after = day_bounds(uow, site_id, end)
    days = {
        sold_at.astimezone(zone).date()
        for sold_at in uow.session.exec(
            select(col(Sale.sold_at)).where(
                col(Sale.site_id) == site_id,
                col(Sale.sold_at) >= first,
                col(Sale.sold_at) < after,
            )
        ).all()
    }
    return sorted(days - closed)


def _unclosed_warning(days: list[date]) -> list[str]:
    if not days:
        return []
    shown = ", ".join(format_date(day) for day in days[:5])
    more = len(days) - 5
    return [
        ngettext(
            "{count} jour de vente sans Z n'est pas exporté ({days}{more}) : clôturez-le "
            "(Caisse et factures › Clôtures) puis exportez à nouveau.",
            "{count} jours de vente sans Z ne sont pas exportés ({days}{more}) : clôturez-les "
            "(Caisse et factures › Clôtures) puis exportez à nouveau.",
            len(days),
        ).format(
            count=len(days),
            days=shown,
            more=ngettext(" et {n} autre", " et {n} autres", more).format(n=more)
            if more > 0
            else "",
        )
    ]

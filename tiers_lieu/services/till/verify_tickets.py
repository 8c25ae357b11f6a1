"""The tickets and payments of one place against their journal lines: every numbered sale
against its TICKET (or REVERSAL) line — number, instant, total, solidarity price, its lines —,
a ticket number missing, a sale without a number; every payment against its PAYMENT line
(and the refund lines of a reversal); the lines whose sale or payment is gone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, union

from tiers_lieu.i18n import N_, _, format_number, ngettext
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.till.tickets import ticket_label
from tiers_lieu.services.till.verify_base import (
    _J,
    _LINE,
    _PAY,
    _SALE,
    _Follower,
    _payload,
    _PlaceBase,
    naive_utc,
)


class _TicketChecks(_PlaceBase):
    """The tickets and payments part of one place's check."""

    # -- tickets against their lines ----------------------------------------------------
    def check_tickets(self) -> None:
        """Numbered sales in order, each with its TICKET/REVERSAL line(s) and its lines: three
        streams sorted by ticket number, merged here (each read through an index; the journal
        is reached from the line's side, through the sale's primary key)."""
        s, j = _SALE, _J
        sales = (
            select(
                s.c.ticket_number,
                s.c.sold_at,
                s.c.total_cents,
                s.c.solidarity,
                s.c.reverses_id,
            )
            .where(self.numbered())
            .order_by(s.c.ticket_number)
        )
        recorded = (
            select(
                s.c.ticket_number,
                s.c.site_id.label("sale_site"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents,
                j.c.payload,
            )
            .select_from(j.join(s, s.c.id == j.c.ref_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind.in_([str(JournalKind.TICKET), str(JournalKind.REVERSAL)]),
                self.numbered_of_line(self.from_ticket),
            )
            .order_by(s.c.ticket_number, j.c.seq)
        )
        lines = (
            select(
                s.c.ticket_number,
                _LINE.c.quantity_milli,
                _LINE.c.unit_price_cents,
                _LINE.c.vat_rate_bp,
                _LINE.c.total_cents,
            )
            .select_from(_LINE.join(s, s.c.id == _LINE.c.sale_id))
            .where(self.numbered())
            .order_by(s.c.ticket_number)
        )
        records = _Follower(self.own(self.stream(recorded)), lambda row: row.ticket_number)
        contents = _Follower(self.stream(lines), lambda row: row.ticket_number)
        expected = self.from_ticket + 1
        for sale in self.stream(sales):
            number = sale.ticket_number
            self.tickets += 1
            if number > expected:
                self.say_missing_tickets(expected, number - 1, sale)
            expected = number + 1
            self.compare_ticket(sale, records.take(number), contents.take(number))
        unnumbered = self.connection.execute(
            select(func.count(), func.min(s.c.sold_at)).where(
                s.c.site_id == self.site_id, s.c.ticket_number.is_(None)
            )
        ).one()
        if unnumbered[0]:
            self.say(
                ngettext(
                    "une vente n'a pas de numéro de ticket : elle a été ajoutée hors de Comptoir",
                    "{n} ventes n'ont pas de numéro de ticket : elles ont été ajoutées hors de "
                    "Comptoir",
                    int(unnumbered[0]),
                ).format(n=format_number(int(unnumbered[0]))),
                seq=None,
                at=unnumbered[1],
                kind=JournalKind.TICKET,
            )

    def say_missing_tickets(self, first: int, last: int, following: Any) -> None:
        problem = ngettext(
            "le ticket {first} manque juste avant celui-ci : il a été supprimé",
            "les tickets {first} à {last} manquent juste avant celui-ci : ils ont été supprimés",
            last - first + 1,
        ).format(first=ticket_label(first), last=ticket_label(last))
        self.say(
            problem,
            seq=None,
            at=following.sold_at,
            kind=JournalKind.REVERSAL if following.reverses_id else JournalKind.TICKET,
            number=ticket_label(following.ticket_number),
        )

    def compare_ticket(self, sale: Any, rows: list[Any], content: list[Any]) -> None:
        label = ticket_label(sale.ticket_number)
        kind = JournalKind.REVERSAL if sale.reverses_id else JournalKind.TICKET
        if not rows:
            self.say(
                _("ce ticket n'a pas de ligne au journal : il a été ajouté hors de Comptoir"),
                seq=None,
                at=sale.sold_at,
                kind=kind,
                number=label,
            )
            return
        if len(rows) > 1:
            self.say_line(
                rows[1],
                _("deux lignes du journal enregistrent le même ticket"),
            )
        changed = self.ticket_differences(sale, rows[0], content)
        if changed:
            self.say_line(
                rows[0],
                _(
                    "le ticket ne correspond plus à ce que le journal a enregistré ({what}) : "
                    "il a été modifié hors de Comptoir"
                ).format(what=", ".join(changed)),
            )

    @staticmethod
    def ticket_differences(sale: Any, line: Any, content: list[Any]) -> list[str]:
        data = _payload(line.payload)
        if data is None:
            return [_("contenu illisible")]
        changed = []
        if data.get("ticket") != sale.ticket_number or line.number != ticket_label(
            sale.ticket_number
        ):
            changed.append(_("numéro"))
        if data.get("sold_at") != naive_utc(sale.sold_at):
            changed.append(_("date de vente"))
        if data.get("total_cents") != sale.total_cents or line.amount_cents != sale.total_cents:
            changed.append(_("montant total"))
        if bool(data.get("solidarity")) != bool(sale.solidarity):
            changed.append(_("tarif solidaire"))
        reverses = None if sale.reverses_id is None else str(sale.reverses_id)
        if data.get("reverses") != reverses or (
            line.kind != (JournalKind.REVERSAL if reverses else JournalKind.TICKET)
        ):
            changed.append(_("ticket annulé"))
        recorded = data.get("lines")
        try:
            said = sorted(tuple(line[1:5]) for line in recorded)  # type: ignore[union-attr]
        except (TypeError, IndexError):
            said = None
        rows = sorted(
            (r.quantity_milli, r.unit_price_cents, r.vat_rate_bp, r.total_cents) for r in content
        )
        if said != rows:
            changed.append(_("articles"))
        return changed

    def check_payments(self) -> None:
        """Each payment of a numbered sale with the PAYMENT lines naming it, both streams
        sorted by the payment's id and merged here. Reading the new lines only: the payments
        of the new tickets, and those the new lines name (refunded by a reversal)."""
        s, p, j = _SALE, _PAY, _J
        columns = (
            p.c.id.label("payment_id"),
            p.c.method,
            p.c.amount_cents.label("paid"),
            p.c.reference,
            s.c.ticket_number,
            s.c.sold_at,
            s.c.reverses_id,
            s.c.site_id.label("sale_site"),
        )
        payments: Any = (
            select(*columns).select_from(p.join(s, s.c.id == p.c.sale_id)).where(self.numbered())
        )
        if self.after:
            named = (
                select(*columns)
                .select_from(j.join(p, p.c.id == j.c.ref_id).join(s, s.c.id == p.c.sale_id))
                .where(
                    j.c.site_id == self.site_id,
                    self.read_lines(),
                    j.c.kind == str(JournalKind.PAYMENT),
                    self.numbered_of_line(self.tickets_before),
                )
            )
            both = union(payments, named).subquery()
            payments = select(both).order_by(both.c.payment_id)
        else:
            payments = payments.order_by(p.c.id)
        recorded = (
            select(
                p.c.id.label("payment_id"),
                s.c.site_id.label("sale_site"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents,
                j.c.payload,
            )
            .select_from(j.join(p, p.c.id == j.c.ref_id).join(s, s.c.id == p.c.sale_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind == str(JournalKind.PAYMENT),
                self.numbered_of_line(self.tickets_before),
            )
            .order_by(p.c.id, j.c.seq)
        )
        records = _Follower(self.own(self.stream(recorded)), lambda row: row.payment_id)
        for payment in self.own(self.stream(payments)):
            self.compare_payment(payment, records.take(payment.payment_id))

    def compare_payment(self, first: Any, rows: list[Any]) -> None:
        """A payment against its PAYMENT line (and the refund lines of the reversal that
        cancelled its ticket, which name the same payment under the reversal's number)."""
        if not rows:
            self.say(
                _(
                    "un paiement de ce ticket n'a pas de ligne au journal : il a été ajouté "
                    "ou modifié hors de Comptoir"
                ),
                seq=None,
                at=first.sold_at,
                kind=JournalKind.PAYMENT,
                number=ticket_label(first.ticket_number),
            )
            return
        own = 0
        for row in rows:
            data = _payload(row.payload) or {}
            if data.get("ticket") == first.ticket_number:
                own += 1
                amount = -first.paid if first.reverses_id else first.paid
                if own > 1:
                    self.say_line(row, _("deux lignes du journal enregistrent le même paiement"))
                    continue
            else:
                amount = -first.paid  # refunded by a reversal
            if (
                data.get("method") != first.method
                or data.get("amount_cents") != amount
                or row.amount_cents != amount
                or data.get("reference", "") != first.reference
            ):
                self.say_line(
                    row,
                    _(
                        "le paiement ne correspond plus à ce que le journal a enregistré : il "
                        "a été modifié hors de Comptoir"
                    ),
                )
        if own == 0 and first.ticket_number > self.from_ticket:  # its own line was read
            self.say(
                _(
                    "un paiement de ce ticket n'a pas de ligne au journal : il a été ajouté "
                    "ou modifié hors de Comptoir"
                ),
                seq=None,
                at=first.sold_at,
                kind=JournalKind.PAYMENT,
                number=ticket_label(first.ticket_number),
            )

    def check_orphans(self) -> None:
        """Ticket and payment lines whose row is gone (deleted around the triggers)."""
        j = _J
        for kinds, table, problem in (
            (
                (JournalKind.TICKET, JournalKind.REVERSAL),
                _SALE,
                N_("le ticket qu'elle enregistre a été supprimé"),
            ),
            (
                (JournalKind.PAYMENT,),
                _PAY,
                N_("le paiement qu'elle enregistre a été supprimé"),
            ),
        ):
            query = (
                select(j.c.seq, j.c.kind, j.c.occurred_at, j.c.number)
                .select_from(j.outerjoin(table, table.c.id == j.c.ref_id))
                .where(
                    j.c.site_id == self.site_id,
                    self.read_lines(),
                    j.c.kind.in_([str(k) for k in kinds]),
                    table.c.id.is_(None),
                )
                .order_by(j.c.seq)
            )
            for row in self.stream(query):
                self.say_line(row, _(problem))

"""The customer's ticket: what a sale's receipt says, and its reprints (« Duplicata »).

:meth:`ReceiptService.receipt` reads a sale as its ticket (:class:`Receipt`): the place (name,
address, SIRET), the ticket number, the date and time on the place's clock, who served, the
lines with their VAT code, the total, the VAT per rate (excl. VAT, VAT, incl. VAT), the
payments and the change, the solidarity mention, « Annulation du ticket T… » for a reversing
ticket. It writes nothing: it is the *original*, shown and printed right after the sale.

Any later edition of the same ticket is a duplicate (art. 286 I-3° bis CGI, NF525):
:meth:`ReceiptService.duplicate` writes a ``duplicate`` line to the till journal (``ref_id``
the sale, ``number`` the ticket label, ``payload`` the ticket number and which reprint it is)
and returns the receipt marked « Duplicata » with that count.

The text layout of a receipt (one function for the screen and the receipt printer) is
:func:`receipt_text`; the PDF is ``reports/documents/receipt.py``.
"""

from __future__ import annotations

import textwrap
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _, format_datetime, format_eur, format_number
from tiers_lieu.models import (
    AppUser,
    Payment,
    Product,
    Sale,
    SaleLine,
    Site,
    SiteSetting,
)
from tiers_lieu.models.enums import JournalKind, PaymentMethod
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.grocery.labels import method_label
from tiers_lieu.services.grocery.stock import format_quantity
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.journal import append
from tiers_lieu.services.till.prints import duplicates
from tiers_lieu.services.till.tickets import TicketLine, ticket_label, vat_breakdown

#: Receipt printer widths (characters a line in the printer's font A): 58 mm rolls (32),
#: 80 mm printers of 512 dots (42) and of 576 dots (48).
WIDTHS = (32, 42, 48)


@dataclass(frozen=True)
class ReceiptLine:
    product: str
    quantity: str
    """« 2 », « 0,625 kg »: the quantity with its unit."""
    quantity_milli: int
    unit_price_cents: int
    total_cents: int
    vat_rate_bp: int
    vat_code: str
    """« A », « B »…: the line's VAT rate, as the VAT table below the lines names it."""


@dataclass(frozen=True)
class ReceiptVat:
    code: str
    rate_bp: int
    excluding_cents: int
    """Excl. VAT (HT)."""
    vat_cents: int
    including_cents: int
    """Incl. VAT (TTC)."""


@dataclass(frozen=True)
class ReceiptPayment:
    method: str
    label: str
    amount_cents: int
    """What was handed over (for cash on the original: the change included)."""


@dataclass(frozen=True)
class Receipt:
    sale_id: uuid.UUID
    ticket_number: int
    ticket: str
    """« T000042 »."""
    place_name: str
    address_lines: tuple[str, ...]
    siret: str
    sold_at: datetime
    when: str
    """Date and time on the place's clock, as printed."""
    host: str
    lines: tuple[ReceiptLine, ...]
    total_cents: int
    vat: tuple[ReceiptVat, ...]
    payments: tuple[ReceiptPayment, ...]
    change_cents: int | None
    """Cash given back; ``None`` when unknown (a duplicate: only the cash kept is stored)."""
    solidarity: bool
    reverses: str = ""
    """For a reversing ticket, the label of the ticket it cancels."""
    vat_mention: str = ""
    """« TVA non applicable, art. 293 B du CGI » for a place under the VAT exemption."""
    duplicate: bool = False
    reprint: int = 0
    """Which reprint this is (1 for the first duplicate), 0 for the original."""
    reprinted: str = ""
    """When the duplicate was made, on the place's clock."""

    @property
    def is_reversal(self) -> bool:
        return bool(self.reverses)


def vat_code(index: int) -> str:
    """A, B, C… for the ticket's rates in increasing order."""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def rate_text(rate_bp: int) -> str:
    """« 5,5 % », « 20 % »."""
    decimals = 0 if rate_bp % 100 == 0 else (1 if rate_bp % 10 == 0 else 2)
    return f"{format_number(rate_bp / 100, decimals)}\u00a0%"


@dataclass(frozen=True)
class _Seller:
    siret: str = ""
    address_lines: tuple[str, ...] = ()
    vat_mention: str = ""


def _seller(uow: UnitOfWork, site: Site) -> _Seller:
    """The seller's identity: the « Facturation » settings when the place has them, else the
    public card's pivot (a SIRET) and the place's address."""
    street = site.address.strip()
    postal = ""
    siret = ""
    row = uow.session.exec(
        select(SiteSetting).where(SiteSetting.site_id == site.id, SiteSetting.key == "public_card")
    ).first()
    if row is not None:
        from tiers_lieu.services.public_card import PublicCard

        card = PublicCard.from_json(row.value)
        digits = "".join(ch for ch in card.pivot if ch.isdigit())
        siret = digits if len(digits) == 14 else ""
        postal = card.code_postal.strip()
    seller = _Seller(
        siret=siret,
        address_lines=_address(street, postal, site.commune_name.strip()),
    )
    billing = _billing(uow, site)
    return billing or seller


def _address(street: str, postal: str, city: str) -> tuple[str, ...]:
    lines = [part.strip() for part in street.splitlines() if part.strip()]
    town = " ".join(part for part in (postal, city) if part)
    if town and not any(town.lower() in line.lower() for line in lines):
        lines.append(town)
    return tuple(lines)


def _billing(uow: UnitOfWork, site: Site) -> _Seller | None:
    """The « Facturation » settings (:mod:`.billing`), when they were saved."""
    settings = billing.load(uow.session, site.id)
    if settings.updated_at is None:  # never saved: the defaults say nothing of this place
        return None
    mention = _("TVA non applicable, art. 293 B du CGI") if settings.franchise else ""
    if not settings.franchise and settings.vat_number:
        mention = _("N° TVA intracommunautaire : {number}").format(number=settings.vat_number)
    legal = " ".join(part for part in (settings.legal_name, settings.legal_form) if part)
    lines = _address(settings.address, settings.postal_code, settings.city)
    if legal and legal.casefold() != site.name.casefold():
        lines = (legal, *lines)
    return _Seller(siret=settings.siret, address_lines=lines, vat_mention=mention)


def read_receipt(uow: UnitOfWork, sale_id: uuid.UUID, *, change_cents: int | None) -> Receipt:
    sale = uow.session.get(Sale, sale_id)
    if sale is None:
        raise NotFoundError(_("Cette vente n'existe plus."))
    site = uow.session.get(Site, sale.site_id)
    if site is None:
        raise NotFoundError(_("Ce lieu n'existe plus."))
    rows = uow.session.exec(
        select(SaleLine, Product)
        .join(Product, col(Product.id) == col(SaleLine.product_id))
        .where(col(SaleLine.sale_id) == sale_id)
        .order_by(col(SaleLine.created_at), col(SaleLine.id))
    ).all()
    payments = uow.session.exec(
        select(Payment)
        # A reversing ticket has no payments of its own: it refunds the original's, by the
        # same methods (the journal's payment lines of the reversal say so, negated).
        .where(col(Payment.sale_id) == (sale.reverses_id or sale_id))
        .order_by(col(Payment.created_at), col(Payment.id))
    ).all()
    vat = vat_breakdown(
        [
            TicketLine(p.name, s.quantity_milli, s.unit_price_cents, s.vat_rate_bp, s.total_cents)
            for s, p in rows
        ]
    )
    rates = sorted(int(rate) for rate in vat)
    codes = {rate: vat_code(i) for i, rate in enumerate(rates)}
    lines = tuple(
        ReceiptLine(
            product=product.name,
            quantity=format_quantity(row.quantity_milli, product.unit),
            quantity_milli=row.quantity_milli,
            unit_price_cents=row.unit_price_cents,
            total_cents=row.total_cents,
            vat_rate_bp=row.vat_rate_bp,
            vat_code=codes[row.vat_rate_bp],
        )
        for row, product in rows
    )
    vat_rows = tuple(
        ReceiptVat(
            code=codes[rate],
            rate_bp=rate,
            excluding_cents=vat[str(rate)][0] - vat[str(rate)][1],
            vat_cents=vat[str(rate)][1],
            including_cents=vat[str(rate)][0],
        )
        for rate in rates
    )
    reversal = sale.reverses_id is not None
    change = None if reversal else change_cents
    shown: list[ReceiptPayment] = []
    pending = change or 0
    for payment in payments:
        amount = payment.amount_cents
        if pending and payment.method == PaymentMethod.CASH:
            amount += pending
            pending = 0
        shown.append(
            ReceiptPayment(
                payment.method, method_label(payment.method), -amount if reversal else amount
            )
        )
    if pending:  # all cash was given back (cannot happen: the change comes out of cash)
        shown.append(ReceiptPayment(PaymentMethod.CASH, method_label(PaymentMethod.CASH), pending))
    reverses = ""
    if reversal:
        original = uow.session.get(Sale, sale.reverses_id)
        if original is not None and original.ticket_number is not None:
            reverses = ticket_label(original.ticket_number)
        else:
            reverses = "?"
    host = ""
    if sale.created_by_id is not None:
        account = uow.session.get(AppUser, sale.created_by_id)
        host = account.display_name if account is not None else ""
    seller = _seller(uow, site)
    number = sale.ticket_number or 0
    return Receipt(
        sale_id=sale.id,
        ticket_number=number,
        ticket=ticket_label(number),
        place_name=site.name,
        address_lines=seller.address_lines,
        siret=seller.siret,
        sold_at=sale.sold_at,
        when=format_datetime(sale.sold_at, site_zone(uow, site.id)),
        host=host,
        lines=lines,
        total_cents=sale.total_cents,
        vat=vat_rows,
        payments=tuple(shown),
        change_cents=change,
        solidarity=sale.solidarity,
        reverses=reverses,
        vat_mention=seller.vat_mention,
    )


class ReceiptService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def receipt(self, sale_id: uuid.UUID, *, change_cents: int | None = None) -> Receipt:
        """The sale's ticket, the original (shown and printed right after the sale; the
        cash desk passes the change it gave back). Writes nothing."""
        with self._uow(read_only=True) as uow:
            return read_receipt(uow, sale_id, change_cents=change_cents)

    @requires(Permission.SALES)
    def reprints(self, sale_id: uuid.UUID) -> int:
        """How many duplicates of this ticket were made."""
        with self._uow(read_only=True) as uow:
            sale = uow.session.get(Sale, sale_id)
            if sale is None:
                raise NotFoundError(_("Cette vente n'existe plus."))
            return _count_reprints(uow, sale)

    @requires(Permission.SALES)
    def duplicate(self, sale_id: uuid.UUID) -> Receipt:
        """The ticket printed again: a « Duplicata », recorded in the till journal."""
        with self._uow() as uow:
            receipt = read_receipt(uow, sale_id, change_cents=None)
            sale = uow.session.get(Sale, sale_id)
            assert sale is not None
            reprint = _count_reprints(uow, sale) + 1
            line = append(
                uow,
                site_id=sale.site_id,
                kind=JournalKind.DUPLICATE,
                payload={"ticket": receipt.ticket_number, "reprint": reprint},
                ref_id=sale.id,
                number=receipt.ticket,
                amount_cents=sale.total_cents,
            )
            when = format_datetime(line.occurred_at, site_zone(uow, sale.site_id))
            uow.commit()
            return replace(receipt, duplicate=True, reprint=reprint, reprinted=when)


def _count_reprints(uow: UnitOfWork, sale: Sale) -> int:
    return duplicates(uow, sale.site_id, sale.id)


# -- the text layout ------------------------------------------------------------------------


def _plain(text: str) -> str:
    """No-break spaces as plain spaces: one column each, and every receipt printer has one."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _money(cents: int) -> str:
    return _plain(format_eur(cents))


def _amount(cents: int) -> str:
    """An amount without the euro sign (the VAT table's columns)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    lines = textwrap.wrap(
        _plain(text),
        width,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=True,
    )
    return lines or [""]


def _center(text: str, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in _wrap(text, width)]


def _sides(left: str, right: str, width: int) -> list[str]:
    """``left`` and ``right`` on one line, or ``left`` wrapped and ``right`` on the last."""
    left, right = _plain(left), _plain(right)
    if len(left) + 1 + len(right) <= width:
        return [left + " " * (width - len(left) - len(right)) + right]
    room = max(1, width - len(right) - 1)
    wrapped = _wrap(left, room) if len(right) < width else _wrap(left, width)
    last = wrapped[-1]
    if len(last) + 1 + len(right) <= width:
        return [*wrapped[:-1], last + " " * (width - len(last) - len(right)) + right]
    return [*wrapped, right.rjust(width)]


def receipt_text(receipt: Receipt, width: int = 42) -> list[str]:
    """The receipt as lines of at most ``width`` characters (monospaced screen, ESC/POS)."""
    if width < 24:
        raise ValueError(width)
    rule = "-" * width
    out: list[str] = []
    if receipt.duplicate:
        out += _center(_("*** DUPLICATA ***"), width)
    out += _center(receipt.place_name, width)
    for address in receipt.address_lines:
        out += _center(address, width)
    if receipt.siret:
        siret = receipt.siret
        grouped = (
            f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if len(siret) == 14 else siret
        )
        out += _center(_("SIRET {siret}").format(siret=grouped), width)
    out.append(rule)
    out += _sides(_("Ticket {number}").format(number=receipt.ticket), receipt.when, width)
    if receipt.host:
        out += _wrap(_("Servi par : {name}").format(name=receipt.host), width)
    if receipt.reverses:
        out += _wrap(_("Annulation du ticket {number}").format(number=receipt.reverses), width)
    out.append(rule)
    for line in receipt.lines:
        out += _wrap(line.product, width, indent="  ")
        detail = "  " + _("{quantity} x {price}").format(
            quantity=line.quantity, price=_money(line.unit_price_cents)
        )
        out += _sides(detail, f"{_money(line.total_cents)} {line.vat_code}", width)
    out.append(rule)
    out += _sides(_("TOTAL TTC"), _money(receipt.total_cents), width)
    out.append(rule)
    column = width // 4
    out.append(
        _("Taux").ljust(width - 3 * column)
        + _("HT").rjust(column)
        + _("TVA").rjust(column)
        + _("TTC").rjust(column)
    )
    for vat in receipt.vat:
        label = f"{vat.code} {_plain(rate_text(vat.rate_bp))}"
        out.append(
            label[: width - 3 * column].ljust(width - 3 * column)
            + _amount(vat.excluding_cents).rjust(column)
            + _amount(vat.vat_cents).rjust(column)
            + _amount(vat.including_cents).rjust(column)
        )
    if receipt.vat_mention:
        out += _wrap(receipt.vat_mention, width)
    out.append(rule)
    for payment in receipt.payments:
        out += _sides(payment.label, _money(payment.amount_cents), width)
    if receipt.change_cents:
        out += _sides(_("Rendu"), _money(receipt.change_cents), width)
    if receipt.solidarity:
        out += _wrap(_("Prix solidaire appliqué"), width)
    out.append(rule)
    if receipt.duplicate:
        out += _center(
            _("Duplicata n° {n} du ticket {number}").format(
                n=receipt.reprint, number=receipt.ticket
            ),
            width,
        )
        if receipt.reprinted:
            out += _center(_("édité le {when}").format(when=receipt.reprinted), width)
    out += _center(_("Merci de votre visite"), width)
    return out

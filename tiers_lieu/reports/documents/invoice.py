"""A quote, an invoice or a credit note as an A4 PDF, with the place's logo when one is set.

Written from the :class:`~tiers_lieu.services.till.invoices.InvoiceDocument` the invoice
service gives: the seller and the client as the document was issued, its lines (quantity,
unit, unit price before VAT, VAT rate), the totals before VAT, of VAT per rate and VAT
included — or, under the exemption, one total and « TVA non applicable, art. 293 B du CGI » —
and the mentions the law asks for (due date, late penalties, the 40 € recovery indemnity for a
business client, no discount for early payment). A draft is marked « Brouillon »; an issued
document printed again is marked « Duplicata » in its title block, with which duplicate it is
and when it was printed (:mod:`~tiers_lieu.services.till.invoice_prints`). Amounts
carry U+202F, hence DejaVu Sans embedded (:mod:`~tiers_lieu.reports.pdf_parts.fonts`);
reportlab is imported inside the functions (start-up time).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from tiers_lieu.i18n import _, format_date, format_eur, format_number
from tiers_lieu.services.grocery.labels import method_label, vat_label
from tiers_lieu.services.till.invoices import InvoiceDocument

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

_GRID = "#9aa5b1"
_HEAD = "#e4e9ee"


def format_siret(siret: str) -> str:
    """« 443 061 841 00047 »: SIREN by threes, then the establishment's five digits."""
    if len(siret) != 14:
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def format_quantity(milli: int) -> str:
    value = Decimal(milli) / 1000
    decimals = (
        0 if milli % 1000 == 0 else (1 if milli % 100 == 0 else (2 if milli % 10 == 0 else 3))
    )
    return format_number(value, decimals)


def _party(data: dict[str, Any], *, seller: bool) -> list[str]:
    name = str(data.get("legal_name" if seller else "name") or "")
    lines = [f"<b>{escape(name)}</b>"] if name else []
    if seller and data.get("legal_form"):
        lines.append(escape(str(data["legal_form"])))
    if data.get("address"):
        lines.append(escape(str(data["address"])))
    town = " ".join(str(data.get(k) or "") for k in ("postal_code", "city")).strip()
    if town:
        lines.append(escape(town))
    if data.get("siret"):
        lines.append(_("SIRET : {siret}").format(siret=format_siret(str(data["siret"]))))
    if seller and data.get("rna"):
        lines.append(_("RNA : {rna}").format(rna=escape(str(data["rna"]))))
    if data.get("vat_number"):
        lines.append(
            _("N° TVA intracommunautaire : {number}").format(number=escape(str(data["vat_number"])))
        )
    if seller and data.get("email"):
        lines.append(escape(str(data["email"])))
    if seller and data.get("phone"):
        lines.append(escape(str(data["phone"])))
    return lines


def _logo(path: str, height: float, max_width: float) -> Flowable | None:
    """The logo drawn ``height`` high, or nothing when the file is missing or unreadable
    (a logo is no legal mention: the invoice is printed without it)."""
    if not path or not Path(path).is_file():
        return None
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    try:
        width, tall = ImageReader(path).getSize()
    except Exception:  # any unreadable file: PIL raises many kinds
        return None
    scale = min(height / tall, max_width / width)
    return Image(path, width=width * scale, height=tall * scale, hAlign="LEFT")


def write_invoice(doc: InvoiceDocument, path: Path) -> Path:
    """Write ``doc`` as an A4 PDF at ``path`` (whole or not at all) and return ``path``."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts
    from tiers_lieu.reports.pdf_parts.sheets import write_a4

    register_fonts()
    info = doc.info
    row = info.row
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    title_style = ParagraphStyle(
        "title", fontName=BOLD, fontSize=17, leading=21, alignment=2, spaceAfter=4
    )
    right = ParagraphStyle("right", parent=body, alignment=2)
    mark = ParagraphStyle(
        "mark", fontName=BOLD, fontSize=14, leading=18, alignment=2, textColor="#b00020"
    )
    width = 210 * mm - 36 * mm

    if row.number:
        title = f"{doc.title} {row.number}"
    else:
        title = _("{kind} — Brouillon").format(kind=doc.title)
    facts: list[str] = []
    if row.issued_on is not None:
        facts.append(_("Date : {date}").format(date=format_date(row.issued_on, "long")))
    elif doc.draft:
        facts.append(
            _("Brouillon du {date}, sans valeur").format(date=format_date(doc.zone_today, "long"))
        )
    if info.service_from is not None:
        if info.service_to is not None and info.service_to != info.service_from:
            facts.append(
                _("Prestation du {start} au {end}").format(
                    start=format_date(info.service_from, "long"),
                    end=format_date(info.service_to, "long"),
                )
            )
        else:
            facts.append(
                _("Prestation le {date}").format(date=format_date(info.service_from, "long"))
            )
    if row.kind == "invoice" and row.due_on is not None:
        facts.append(_("Échéance : {date}").format(date=format_date(row.due_on, "long")))
    if row.kind == "quote" and row.due_on is not None:
        facts.append(_("Valable jusqu'au {date}").format(date=format_date(row.due_on, "long")))
    if info.credits_number:
        facts.append(_("Facture corrigée : {number}").format(number=info.credits_number))
    if doc.reprint:
        facts.append(
            _("Duplicata n° {n}, édité le {when}").format(n=doc.reprint, when=doc.reprinted)
        )

    seller_cell: list[Flowable] = []
    logo = _logo(doc.logo_path, 18 * mm, 60 * mm)
    if logo is not None:
        seller_cell += [logo, Spacer(1, 2 * mm)]
    seller_cell.append(Paragraph("<br/>".join(_party(info.seller, seller=True)), body))
    head_right: list[Flowable] = []
    if doc.duplicate:
        head_right.append(Paragraph(escape(_("Duplicata")), mark))
    head_right.append(Paragraph(escape(title), title_style))
    head_right += [Paragraph(escape(f), right) for f in facts]
    header = Table([[seller_cell, head_right]], colWidths=[width * 0.55, width * 0.45])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    buyer_title = _("Client") if row.kind == "quote" else _("Facturé à")
    buyer_lines = [f"<b>{escape(buyer_title)}</b>", *_party(info.buyer, seller=False)]
    buyer = Table(
        [["", Paragraph("<br/>".join(buyer_lines), body)]],
        colWidths=[width * 0.5, width * 0.5],
    )
    buyer.setStyle(
        TableStyle(
            [
                ("BOX", (1, 0), (1, 0), 0.5, colors.HexColor(_GRID)),
                ("LEFTPADDING", (1, 0), (1, 0), 6),
                ("TOPPADDING", (1, 0), (1, 0), 5),
                ("BOTTOMPADDING", (1, 0), (1, 0), 6),
            ]
        )
    )
    story: list[Flowable] = [header, Spacer(1, 6 * mm), buyer, Spacer(1, 6 * mm)]
    if row.subject:
        story += [
            Paragraph(_("<b>Objet :</b> {subject}").format(subject=escape(row.subject)), body),
            Spacer(1, 3 * mm),
        ]

    franchise = doc.franchise
    if franchise:
        heads = [_("Désignation"), _("Qté"), _("Unité"), _("Prix unitaire"), _("Total")]
        widths = [0.48, 0.09, 0.11, 0.17, 0.15]
    else:
        heads = [_("Désignation"), _("Qté"), _("Unité"), _("P.U. HT"), _("TVA"), _("Total HT")]
        widths = [0.44, 0.09, 0.10, 0.13, 0.09, 0.15]
    rows: list[list[Any]] = [heads]
    for line in info.lines:
        cells: list[Any] = [
            Paragraph(escape(line.description), cell),
            format_quantity(line.quantity_milli),
            line.unit,
            format_eur(line.unit_price_cents),
        ]
        if not franchise:
            cells.append(vat_label(line.vat_rate_bp))
        cells.append(format_eur(line.total_net_cents))
        rows.append(cells)
    table = Table(rows, colWidths=[w * width for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 9),
                ("FONT", (0, 0), (-1, 0), BOLD, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_HEAD)),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(_GRID)),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]

    totals = info.totals
    sums: list[list[str]] = []
    if franchise:
        sums.append([_("Total"), format_eur(totals.total_cents)])
    else:
        sums.append([_("Total HT"), format_eur(totals.net_cents)])
        for vat in totals.by_rate:
            sums.append(
                [
                    _("TVA {rate} (sur {base})").format(
                        rate=vat_label(vat.rate_bp), base=format_eur(vat.net_cents)
                    ),
                    format_eur(vat.vat_cents),
                ]
            )
        sums.append([_("Total TTC"), format_eur(totals.total_cents)])
    last_bold = len(sums) - 1
    if row.kind == "invoice" and row.number and (row.paid_cents or row.credited_cents):
        if row.credited_cents:
            sums.append([_("Avoirs"), format_eur(-row.credited_cents)])
        for payment in info.payments:
            sums.append(
                [
                    _("Réglé le {date} ({method})").format(
                        date=format_date(payment.paid_on), method=method_label(payment.method)
                    ),
                    format_eur(-payment.amount_cents),
                ]
            )
        sums.append([_("Reste à payer"), format_eur(max(row.due_cents, 0))])
    sum_table = Table(sums, colWidths=[width * 0.32, width * 0.16], hAlign="RIGHT")
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
        ("FONT", (0, last_bold), (-1, last_bold), BOLD, 10),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEABOVE", (0, last_bold), (-1, last_bold), 0.8, colors.black),
    ]
    if len(sums) > last_bold + 1:
        style.append(("FONT", (0, -1), (-1, -1), BOLD, 10))
    sum_table.setStyle(TableStyle(style))
    story += [sum_table, Spacer(1, 6 * mm)]
    for mention in doc.mentions:
        text = escape(mention)
        if franchise and mention == doc.mentions[0]:
            text = f"<b>{text}</b>"  # the exemption's mention, where the VAT would be
        story.append(Paragraph(text, small))
    if row.issued_on is not None and info.issued_by:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(_("Établi par {name}.").format(name=escape(info.issued_by)), small),
        ]
    return write_a4(
        path,
        story,
        side=18 * mm,
        top=16 * mm,
        bottom=16 * mm,
        title=f"{title} — {_('Duplicata')}" if doc.duplicate else title,
        subject=str(info.seller.get("legal_name") or ""),
    )

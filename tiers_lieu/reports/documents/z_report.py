"""The Z de caisse as an A4 PDF: what the till took on one day, per payment method and per
VAT rate, to file with the cash and the card terminal's ticket; likewise a month's or a year's
closure. A numbered closure carries its number, the range of its tickets, its reversals, the
month's and year's cumulatives and the perpetual grand total; printed again, it is marked
« Duplicata ». A day not closed yet prints as a provisional reading, without number.

Written from the :class:`~tiers_lieu.services.grocery.closing.ZReport` the closing service
computes. Amounts are French euros with U+202F, hence DejaVu Sans embedded through
:mod:`tiers_lieu.reports.pdf_parts.fonts`; reportlab is imported inside the functions
(start-up time).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tiers_lieu.i18n import _, format_date, format_datetime, format_eur, format_time, ngettext
from tiers_lieu.private_files import writing_whole_by_name
from tiers_lieu.services.grocery.closing import ZReport
from tiers_lieu.services.grocery.labels import method_label, vat_label
from tiers_lieu.services.till.tickets import ticket_label

if TYPE_CHECKING:
    from reportlab.platypus import Table

_GRID = "#9aa5b1"
_HEAD = "#e4e9ee"


def _table(rows: list[list[str]], widths: list[float], *, total_row: bool) -> Table:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR

    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 10),
        ("FONT", (0, 0), (-1, 0), BOLD, 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_HEAD)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(_GRID)),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if total_row:
        style.append(("FONT", (0, -1), (-1, -1), BOLD, 10))
    table.setStyle(TableStyle(style))
    return table


def _title(report: ZReport) -> str:
    stamp = report.closure
    if stamp is None:
        return _("Z de caisse — épicerie")
    if stamp.kind == "month":
        return _("Clôture mensuelle n° {number}").format(number=stamp.number)
    if stamp.kind == "year":
        return _("Clôture annuelle n° {number}").format(number=stamp.number)
    return _("Z de caisse — Z n° {number}").format(number=stamp.number)


def _period(report: ZReport) -> str:
    stamp = report.closure
    if stamp is not None and stamp.kind == "month":
        return _("Mois de {month}").format(month=format_date(report.day, "MMMM y"))
    if stamp is not None and stamp.kind == "year":
        return _("Année {year}").format(year=report.day.year)
    if report.period_end is not None and report.period_end != report.day:
        return _("Du {start} au {end}").format(
            start=format_date(report.day, "long"), end=format_date(report.period_end, "long")
        )
    return _("Journée du {day}").format(day=format_date(report.day, "full"))


def write_z_pdf(report: ZReport, path: Path) -> Path:
    """Write ``report`` as an A4 PDF at ``path`` (replaced whole or left as it was) and return
    ``path``."""
    # reportlab is imported here, not at module level: the desk must start fast.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    title = ParagraphStyle("title", fontName=BOLD, fontSize=18, leading=22, spaceAfter=4)
    subtitle = ParagraphStyle("subtitle", fontName=REGULAR, fontSize=12, leading=16)
    heading = ParagraphStyle(
        "heading", fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
    )
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10, textColor="#555")
    mark = ParagraphStyle(
        "mark", fontName=BOLD, fontSize=14, leading=18, textColor="#b00020", spaceAfter=4
    )

    stamp = report.closure
    story: list[object] = []
    if stamp is not None and stamp.duplicate:
        story.append(Paragraph(_("Duplicata"), mark))
    story += [
        Paragraph(_title(report), title),
        Paragraph(report.site_name, subtitle),
        Paragraph(_period(report), subtitle),
    ]
    if stamp is None:
        story.append(
            Paragraph(_("Journée non clôturée : relevé provisoire, sans numéro."), subtitle)
        )
    else:
        story.append(
            Paragraph(
                _("Clôturé le {when} par {who}").format(
                    when=format_datetime(stamp.closed_at, report.zone), who=stamp.closed_by
                ),
                subtitle,
            )
        )
    story.append(Spacer(1, 6 * mm))
    hours = (
        _("de {first} à {last}").format(
            first=format_time(report.first_sale), last=format_time(report.last_sale)
        )
        if report.first_sale and report.last_sale
        else "—"
    )
    tickets = (
        _("{first} à {last}").format(
            first=ticket_label(report.first_ticket), last=ticket_label(report.last_ticket)
        )
        if report.first_ticket is not None and report.last_ticket is not None
        else "—"
    )
    summary = [
        [_("Résumé"), ""],
        [_("Tickets"), tickets],
        [_("Ventes"), str(report.sales)],
        [
            _("Annulations"),
            _("{n} ({amount})").format(
                n=report.reversals, amount=format_eur(report.reversed_cents)
            ),
        ],
        [_("Chiffre d'affaires net TTC"), format_eur(report.total_cents)],
        [_("dont TVA"), format_eur(report.vat_cents)],
        [_("Ventes au prix solidaire"), str(report.solidarity_sales)],
    ]
    if report.cancelled_sales:
        summary.append(
            [
                _("Ventes annulées avant la caisse inaltérable"),
                _("{n} ({amount})").format(
                    n=report.cancelled_sales, amount=format_eur(report.cancelled_cents)
                ),
            ]
        )
    if stamp is None or stamp.kind == "day":
        summary.append([_("Heures des ventes"), hours])
    else:
        summary.append([_("Z de caisse compris"), str(stamp.days)])
    story.append(_table(summary, [90 * mm, 60 * mm], total_row=False))

    if stamp is not None:
        story.append(Paragraph(_("Cumuls"), heading))
        cumuls = [[_("Cumul"), _("Montant TTC")]]
        if stamp.kind != "year":
            cumuls.append([_("Cumul du mois"), format_eur(stamp.month_cents)])
        cumuls.append([_("Cumul de l'année"), format_eur(stamp.year_cents)])
        cumuls.append([_("Grand total perpétuel"), format_eur(stamp.grand_total_cents)])
        story.append(_table(cumuls, [90 * mm, 60 * mm], total_row=True))

    story.append(Paragraph(_("Encaissements par moyen de paiement"), heading))
    refunds = any(m.refunds for m in report.by_method)
    head = [_("Moyen de paiement"), _("Paiements")]
    if refunds:
        head.append(_("Remboursements"))
    methods = [[*head, _("Montant net")]]
    for m in report.by_method:
        row = [method_label(m.method), str(m.payments)]
        if refunds:
            row.append(str(m.refunds))
        methods.append([*row, format_eur(m.amount_cents)])
    total = [_("Total"), str(sum(m.payments for m in report.by_method))]
    if refunds:
        total.append(str(sum(m.refunds for m in report.by_method)))
    methods.append([*total, format_eur(sum(m.amount_cents for m in report.by_method))])
    widths = [50 * mm, 28 * mm, 42 * mm, 35 * mm] if refunds else [70 * mm, 35 * mm, 45 * mm]
    story.append(_table(methods, widths, total_row=True))

    story.append(Paragraph(_("Ventilation de la TVA"), heading))
    vat = [[_("Taux"), _("Total TTC"), _("Total HT"), _("TVA")]]
    for v in report.by_vat:
        vat.append(
            [
                vat_label(v.rate_bp),
                format_eur(v.total_cents),
                format_eur(v.net_cents),
                format_eur(v.vat_cents),
            ]
        )
    vat.append(
        [
            _("Total"),
            format_eur(sum(v.total_cents for v in report.by_vat)),
            format_eur(sum(v.net_cents for v in report.by_vat)),
            format_eur(report.vat_cents),
        ]
    )
    story.append(_table(vat, [40 * mm, 40 * mm, 40 * mm, 35 * mm], total_row=True))
    story.append(Spacer(1, 8 * mm))
    note = (
        _(
            "Montants nets des annulations : un ticket annulé l'est par un ticket "
            "d'annulation, remboursé par les moyens de paiement du ticket d'origine."
        )
        + " "
    )
    if report.cancelled_sales:
        note += (
            ngettext(
                "{n} vente annulée n'est pas comptée dans les totaux.",
                "{n} ventes annulées ne sont pas comptées dans les totaux.",
                report.cancelled_sales,
            ).format(n=report.cancelled_sales)
            + " "
        )
    story.append(
        Paragraph(
            note
            + _("Édité le {when} par Comptoir.").format(
                when=format_datetime(report.generated_at, report.zone)
            ),
            small,
        )
    )
    # Whole or not at all, in a folder that exists: nothing is made behind the user's back.
    with writing_whole_by_name(path, mode=None) as partial:
        document = SimpleDocTemplate(
            str(partial),
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=_title(report),
            author=report.site_name,
            initialFontName=REGULAR,  # else Helvetica is declared, not embedded
        )
        document.build(story)  # type: ignore[arg-type]
    return path

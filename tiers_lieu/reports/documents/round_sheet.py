"""The printed round sheet of home delivery (portage): what the driver takes on the road.

A4 portrait, one row per stop in round order: its number, the name, the address (commune
first, as the round is sorted), the phone when the person consented, what to bring (grocery
lines, « Panier AMAP », « Ordonnance à retirer » — never more than that), and two boxes,
« Livré » and « Absent », ticked on the way and keyed in afterwards. No signature is asked.
The grocery products are not sold by the round: the sheet says so in its footer note.
reportlab is imported inside :func:`write_round_sheet` because the desk must start fast.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.services.deliveries import ABSENT, DELIVERED, RoundSheet

BOX = "\u2610"  # ☐
TICKED = "\u2611"  # ☑


def write_round_sheet(target: Path, sheet: RoundSheet, *, place: str) -> Path:
    """Write ``sheet`` as a PDF to ``target`` and return it."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    page_w, _page_h = A4
    margin = 12 * mm
    width = page_w - 2 * margin
    title = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
    strong = ParagraphStyle("strong", fontName=BOLD, fontSize=9, leading=11)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10, textColor="#444444")

    number_w, box_w, phone_w = 8 * mm, 14 * mm, 31 * mm
    rest = width - number_w - 2 * box_w - phone_w
    who_w, bring_w = rest * 0.45, rest * 0.55
    rows: list[list[object]] = [
        [
            _("N°"),
            _("Personne et adresse"),
            _("Téléphone"),
            _("À apporter"),
            _("Livré"),
            _("Absent"),
        ]
    ]
    for number, stop in enumerate(sheet.stops, start=1):
        where = ", ".join(p for p in (stop.address, stop.commune) if p)
        who = Paragraph(f"<b>{escape(stop.recipient)}</b><br/>{escape(where)}", cell)
        bring = Paragraph("<br/>".join(escape(t) for t in stop.to_bring()) or "–", cell)
        rows.append(
            [
                str(number),
                who,
                stop.phone,  # one line: 31 mm hold « 06 12 34 56 78 »
                bring,
                TICKED if stop.status == DELIVERED else BOX,
                TICKED if stop.status == ABSENT else BOX,
            ]
        )
    table = Table(rows, colWidths=[number_w, who_w, phone_w, bring_w, box_w, box_w], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 9),
                ("FONT", (0, 0), (-1, 0), BOLD, 9),
                ("FONT", (4, 1), (5, -1), REGULAR, 16),
                ("ALIGN", (4, 0), (5, -1), "CENTER"),
                ("ALIGN", (0, 0), (0, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("TOPPADDING", (0, 1), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
            ]
        )
    )
    name = sheet.label or _("Tournée de portage")
    heading = _("{name} — {day}").format(name=name, day=format_date(sheet.day, "full"))
    count = len(sheet.stops)
    story: list[object] = [
        Paragraph(escape(heading), title),
        Spacer(1, 1.5 * mm),
        Paragraph(
            escape(
                _("{place} — chauffeur : {driver} — {stops}").format(
                    place=place,
                    driver=sheet.driver or "–",
                    stops=ngettext("{n} arrêt", "{n} arrêts", count).format(n=count),
                )
            ),
            body,
        ),
        Spacer(1, 1 * mm),
        Paragraph(
            escape(
                _(
                    "Cochez « Livré » ou « Absent » à chaque arrêt, puis pointez la tournée au "
                    "retour. Une commande n'est pas une vente : les courses se paient à la "
                    "caisse de l'épicerie."
                )
            ),
            small,
        ),
        Spacer(1, 3 * mm),
        table if sheet.stops else Paragraph(escape(_("Aucun arrêt sur cette tournée.")), strong),
    ]

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.drawString(margin, 8 * mm, heading[:90])
        canvas.drawRightString(page_w - margin, 8 * mm, _("Page {page}").format(page=document.page))
        canvas.restoreState()

    target.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=14 * mm,
        title=_("Feuille de tournée — {day}").format(day=format_date(sheet.day)),
        author="Comptoir",
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)  # type: ignore[arg-type]
    return target

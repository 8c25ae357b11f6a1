"""The volunteers' rota of a week on paper (issue 22): A4 landscape, a column per day and a
row per role, written from the :class:`~tiers_lieu.services.rota.RotaSheet` the rota service
computes. DejaVu Sans embedded; reportlab is imported inside the function (start-up time)."""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.rota import RotaSheet


def write_rota_sheet(sheet: RotaSheet, target: Path) -> Path:
    """Write ``sheet`` as a PDF to ``target`` and return it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    page = landscape(A4)
    margin = 12 * mm
    doc = SimpleDocTemplate(
        str(target),
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=sheet.title,
        author="Comptoir",
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    big = ParagraphStyle("big", fontName=BOLD, fontSize=18, leading=22)
    sub = ParagraphStyle("sub", fontName=REGULAR, fontSize=11, leading=14, textColor=colors.grey)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=10, leading=12)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
    gap = ParagraphStyle("gap", parent=cell, textColor=colors.HexColor("#b00020"))
    empty = _("— à pourvoir —")
    width = page[0] - 2 * margin
    first = 24 * mm
    day_width = (width - first) / max(1, len(sheet.days))
    data: list[list[object]] = [[Paragraph("", head)] + [Paragraph(d, head) for d in sheet.days]]
    for role, cells in sheet.rows:
        line: list[object] = [Paragraph(role, head)]
        for lines in cells:
            line.append(
                [Paragraph(text, gap if empty in text else cell) for text in lines]
                or Paragraph("", cell)
            )
        data.append(line)
    table = Table(data, colWidths=[first] + [day_width] * len(sheet.days), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    note = (
        ngettext(
            "{n} créneau à pourvoir cette semaine.",
            "{n} créneaux à pourvoir cette semaine.",
            sheet.gaps,
        ).format(n=sheet.gaps)
        if sheet.gaps
        else _("Tous les créneaux de la semaine sont pourvus.")
    )
    story: list[object] = [
        Paragraph(sheet.title, big),
        Paragraph(sheet.subtitle, sub),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(note, cell),
    ]
    doc.build(story)
    return target

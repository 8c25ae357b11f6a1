"""The agenda on paper: the day's agenda for the door and a practitioner's list of the day,
written from the :class:`~tiers_lieu.services.agenda.readmodels.AgendaSheet` the printing
service computes (what each names, and what it must not, is decided there).

A4 portrait with DejaVu Sans embedded through :mod:`tiers_lieu.reports.pdf_parts.fonts`;
reportlab is imported inside :func:`write_agenda_sheet` (start-up time).
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _
from tiers_lieu.services.agenda.readmodels import AgendaSheet


def write_agenda_sheet(sheet: AgendaSheet, target: Path) -> Path:
    """Write ``sheet`` as a PDF to ``target`` and return it."""
    # reportlab is imported here, not at module level: the desk must start fast.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    doc = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=sheet.title,
        author="Comptoir",
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    big = ParagraphStyle("big", fontName=BOLD, fontSize=22, leading=27)
    sub = ParagraphStyle("sub", fontName=REGULAR, fontSize=13, leading=17, textColor=colors.grey)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=15, leading=19, spaceBefore=8)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=13, leading=16)
    story: list[object] = [
        Paragraph(sheet.title, big),
        Paragraph(sheet.subtitle, sub),
        Spacer(1, 6 * mm),
    ]
    width = A4[0] - 36 * mm
    for block in sheet.blocks:
        rows = [[Paragraph(t, cell), Paragraph(text, cell)] for t, text in block.lines] or [
            [Paragraph("", cell), Paragraph(_("Libre toute la journée"), cell)]
        ]
        table = Table(rows, colWidths=[40 * mm, width - 40 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(KeepTogether([Paragraph(block.heading, head), table]))
    doc.build(story)
    return target

"""What the sheets ticked by hand away from the computer share (the round sheet of home
delivery, :mod:`~tiers_lieu.reports.documents.round_sheet`, and the AMAP distribution sheet,
:mod:`~tiers_lieu.reports.documents.amap_sheet`): A4 portrait with 12 mm margins, the same
title, body and note styles, a gridded table with a grey header row and boxes to tick, and a
footer with the sheet's heading on the left and « Page N » on the right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from tiers_lieu.i18n import _
from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR

BOX = "\u2610"  # ☐ an empty ballot box, present in DejaVu Sans
TICKED = "\u2611"  # ☑

PAGE_WIDTH = A4[0]
MARGIN = 12 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
"""The width between the margins."""


def sheet_styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """The sheet's ``title``, ``body`` and ``small`` (the grey note above the table)."""
    return (
        ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19),
        ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13),
        ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10, textColor="#444444"),
    )


def grid_style(*own: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The table's commands: 9 pt text, the header row bold on grey, every cell boxed and
    centred in height; ``own`` (the sheet's fonts and alignments) in between, in that order."""
    return [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("FONT", (0, 0), (-1, 0), BOLD, 9),
        *own,
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
    ]


def write_sheet(target: Path, story: list[object], *, title: str, footer: str) -> Path:
    """Lay ``story`` out on A4 into ``target`` (its folder made), ``footer`` (already cut to
    fit) and the page number at the foot of every page; the PDF's ``title``. Returns
    ``target``."""

    def draw_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, 8 * mm, footer)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, 8 * mm, _("Page {page}").format(page=document.page)
        )
        canvas.restoreState()

    target.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title=title,
        author="Comptoir",
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)  # type: ignore[arg-type]
    return target

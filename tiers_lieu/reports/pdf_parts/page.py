"""The page frame: A4 portrait, a footer on every page with the report's subject, the date of
generation and « Page N / M ».

The total page count is known only once every page is laid out, so the canvas keeps each
page's state and draws the footers at save time (the usual reportlab "numbered canvas"); this
costs no second layout pass, which matters on a three-year, five-site report.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from tiers_lieu.i18n import _
from tiers_lieu.reports.pdf_parts.fonts import REGULAR, fit_text, text_width
from tiers_lieu.reports.pdf_parts.styles import (
    FOOTER_HEIGHT,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
)

FOOTER_SIZE = 7.5


def numbered_canvas(left_text: str, generated: str) -> type[Canvas]:
    """A canvas class whose pages get ``left_text`` (shortened to fit), the generation date
    and « Page N / M » at the bottom."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            number = _("Généré le {date} · Page {n} / {total}").format(
                date=generated, n=self._pageNumber, total=total
            )
            y = MARGIN - FOOTER_HEIGHT / 2
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y + 4 * mm, PAGE_WIDTH - MARGIN, y + 4 * mm)
            self.setFont(REGULAR, FOOTER_SIZE)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_WIDTH - MARGIN, y, number)
            room = PAGE_WIDTH - 2 * MARGIN - text_width(number, FOOTER_SIZE) - 8 * mm
            self.drawString(MARGIN, y, fit_text(left_text, room, FOOTER_SIZE))
            self.restoreState()

    return NumberedCanvas


def make_document(path: str, *, title: str, subject: str) -> BaseDocTemplate:
    """An A4 document with one frame per page, leaving room for the footer."""
    doc = BaseDocTemplate(
        path,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        subject=subject,
        author="Comptoir",
        creator="Comptoir",
        # Otherwise reportlab declares Helvetica (not embedded) as each page's first font.
        initialFontName=REGULAR,
    )
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT / 2,
        PAGE_WIDTH - 2 * MARGIN,
        PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT / 2,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc

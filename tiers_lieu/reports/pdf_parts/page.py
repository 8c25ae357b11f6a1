"""The page frame: A4 portrait, a footer on every page with the report's subject, the date of
generation and « Page N / M ».

The subject (places and period) is never cut: it wraps onto as many lines as it needs, and the
body's frame is raised by as much, so five long names of places still read entire.

The total page count is known only once every page is laid out, so the canvas keeps each
page's state and draws the footers at save time (the usual reportlab "numbered canvas"); this
costs no second layout pass, which matters on a three-year, five-site report.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from tiers_lieu.i18n import _
from tiers_lieu.reports.pdf_parts.fonts import REGULAR, text_width
from tiers_lieu.reports.pdf_parts.styles import (
    FOOTER_HEIGHT,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
)

FOOTER_SIZE = 7.5
FOOTER_LEADING = 9.0


def _page_text(generated: str, number: int, total: int) -> str:
    return _("Généré le {date} · Page {n} / {total}").format(date=generated, n=number, total=total)


def footer_lines(left_text: str, generated: str) -> list[str]:
    """``left_text`` wrapped to the width the page numbers leave (measured for a report of
    up to 999 pages)."""
    room = PAGE_WIDTH - 2 * MARGIN - text_width(_page_text(generated, 999, 999), FOOTER_SIZE)
    room -= 6 * mm
    # Lines break between the parts « … — places — period » where they can, so that the
    # period is never split; a part too long for a line of its own wraps word by word.
    parts = left_text.split(" — ")
    chunks = [part + " —" for part in parts[:-1]] + parts[-1:]
    lines: list[str] = []
    for chunk in chunks:
        joined = f"{lines[-1]} {chunk}" if lines else chunk
        if text_width(joined, FOOTER_SIZE) <= room:
            lines[-1:] = [joined]
        elif text_width(chunk, FOOTER_SIZE) <= room:
            lines.append(chunk)
        else:
            lines[-1:] = simpleSplit(joined, REGULAR, FOOTER_SIZE, room)
    return lines or [""]


def numbered_canvas(lines: list[str], generated: str) -> type[Canvas]:
    """A canvas class whose pages get ``lines`` (from :func:`footer_lines`), the generation
    date and « Page N / M » at the bottom."""

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
            y = MARGIN - FOOTER_HEIGHT / 2  # the last line's baseline; more lines go up
            first = y + FOOTER_LEADING * (len(lines) - 1)
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, first + 4 * mm, PAGE_WIDTH - MARGIN, first + 4 * mm)
            self.setFont(REGULAR, FOOTER_SIZE)
            self.setFillColor(MUTED)
            for index, line in enumerate(lines):
                self.drawString(MARGIN, first - FOOTER_LEADING * index, line)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, first, _page_text(generated, self._pageNumber, total)
            )
            self.restoreState()

    return NumberedCanvas


def make_document(path: str, *, title: str, subject: str, footer_lines: int = 1) -> BaseDocTemplate:
    """An A4 document with one frame per page, leaving room for a footer of
    ``footer_lines`` lines."""
    raised = FOOTER_LEADING * (footer_lines - 1)
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
        MARGIN + FOOTER_HEIGHT / 2 + raised,
        PAGE_WIDTH - 2 * MARGIN,
        PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT / 2 - raised,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc

"""Paragraph styles, colours and measures shared by every part of the PDF.

One place for the look of the report, so that the cover, the sections and the annexes agree.
The EU colours are the official ones (Pantone Reflex Blue and Yellow, in RGB).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from tiers_lieu.reports.pdf_parts.fonts import BOLD, EU_WORDING, REGULAR

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FOOTER_HEIGHT = 12 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

EU_BLUE = colors.Color(0 / 255, 51 / 255, 153 / 255)
EU_YELLOW = colors.Color(255 / 255, 204 / 255, 0 / 255)
ACCENT = colors.Color(0.16, 0.36, 0.55)
BAR = colors.Color(0.27, 0.51, 0.71)
BAR_LIGHT = colors.Color(0.69, 0.80, 0.90)
RULE = colors.Color(0.78, 0.80, 0.83)
MUTED = colors.Color(0.38, 0.40, 0.44)
ZEBRA = colors.Color(0.95, 0.96, 0.97)


class Styles:
    """The paragraph styles of the report, built once per document."""

    def __init__(self) -> None:
        self.body = ParagraphStyle(
            "body", fontName=REGULAR, fontSize=9.5, leading=13, alignment=TA_LEFT
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=BOLD)
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName=BOLD,
            fontSize=16,
            leading=20,
            textColor=ACCENT,
            spaceBefore=0,
            spaceAfter=8,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.cover_kicker = ParagraphStyle(
            "cover_kicker", parent=self.body, fontSize=11, leading=14, textColor=MUTED
        )
        self.cover_title = ParagraphStyle(
            "cover_title",
            parent=self.body,
            fontName=BOLD,
            fontSize=22,
            leading=27,
            textColor=ACCENT,
            spaceAfter=6,
        )
        self.cover_line = ParagraphStyle("cover_line", parent=self.body, fontSize=11, leading=16)
        self.eu_wording = ParagraphStyle(
            "eu_wording", parent=self.body, fontName=EU_WORDING, fontSize=13, leading=16
        )

"""DejaVu Sans registered once for reportlab and embedded in every PDF.

French euro amounts and percentages contain U+202F (narrow no-break space), which the PDF base
fonts (Helvetica) lack: they would show a box. DejaVu has it, and ships in ``resources/fonts``.

The wording « Cofinancé par l'Union européenne » is set in Ubuntu Bold (:data:`EU_WORDING`):
the EU's visibility rules (Regulation (EU) 2021/1060, annex IX) allow only Arial, Auto,
Calibri, Garamond, Trebuchet, Tahoma, Verdana or Ubuntu for it, and Ubuntu is the free one
(Ubuntu Font Licence 1.0, ``resources/fonts/LICENSE-Ubuntu.txt``).
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tiers_lieu.resources import resource

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
EU_WORDING = "Ubuntu-Bold"


def register_fonts() -> None:
    """Register the two faces and their family (so ``<b>`` in paragraphs finds the bold)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFont(TTFont(EU_WORDING, str(resource("fonts", "Ubuntu-Bold.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return float(pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size))


def fit_text(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis so that it fits ``width`` points."""
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def drawing(width: float, height: float) -> Drawing:
    """A graphics canvas whose starting font is DejaVu: reportlab's default (Helvetica)
    would otherwise be declared in the PDF, unembedded, even with no text set in it."""
    result = Drawing(width, height)
    result.initialFontName = REGULAR
    return result

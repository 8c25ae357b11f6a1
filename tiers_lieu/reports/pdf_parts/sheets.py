"""What the sheets of a LEADER payment claim share (attendance sheets, time sheets, the
pack's contents page): the EU mention at the head of a page, a table of labelled facts, and
the A4 document written whole.

The emblem of the mention is the operation's image when it names one (read beforehand by
:func:`emblem_logos`, which refuses a missing file with the field's name), else drawn
(:func:`~tiers_lieu.reports.pdf_parts.emblem.eu_emblem`). The poster draws its own, larger
mention on the canvas (:mod:`tiers_lieu.reports.documents.publicity`) and the activity
report's cover leaves a missing image out (:mod:`.cover`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from tiers_lieu.i18n import _
from tiers_lieu.private_files import writing_whole_by_name
from tiers_lieu.reports.pdf_parts.emblem import eu_emblem
from tiers_lieu.reports.pdf_parts.fonts import REGULAR
from tiers_lieu.reports.pdf_parts.logos import Logo, checked_logo


def emblem_logos(paths: Iterable[str | None]) -> dict[str, Logo]:
    """The emblem images named (``None``: none), each read once; a missing or unreadable one
    is refused before anything is written."""
    found: dict[str, Logo] = {}
    for path in paths:
        if path and path not in found:
            logo = checked_logo(path, _("Emblème de l'Union européenne"))
            assert logo is not None
            found[path] = logo
    return found


def eu_mention(
    width: float,
    height: float,
    wording: ParagraphStyle,
    *,
    logo: Logo | None = None,
    lines: Sequence[Flowable] = (),
    gap: float = 4 * mm,
    padding: float = 0,
    align: str = "CENTER",
) -> Table:
    """The EU emblem ``height`` high (``logo``, else drawn) and, ``gap`` beside it,
    « Cofinancé par l'Union européenne » in ``wording`` then ``lines``: ``width`` wide
    (``align``: reportlab's ``hAlign`` in the frame)."""
    if logo is not None:
        emblem_width, emblem_height = logo.fit(height, height * 2)
        emblem: Flowable = Image(logo.path, width=emblem_width, height=emblem_height)
    else:
        emblem_width = height * 1.5
        emblem = eu_emblem(height)
    text = [Paragraph(escape(_("Cofinancé par l'Union européenne")), wording), *lines]
    table = Table(
        [[emblem, text]],
        colWidths=[emblem_width + gap, width - emblem_width - gap],
        hAlign=align,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            ]
        )
    )
    return table


def facts_table(rows: list[list[object]], widths: list[float], *, align: str = "CENTER") -> Table:
    """Labels and values in columns of ``widths``, a point above and below each line."""
    table = Table(rows, colWidths=widths, hAlign=align)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def page_after_page(parts: Iterable[list[Flowable]]) -> list[Flowable]:
    """The flowables of each part in turn, each part starting a page (a sheet each)."""
    story: list[Flowable] = []
    for index, part in enumerate(parts):
        if index:
            story.append(PageBreak())
        story += part
    return story


def write_a4(
    target: Path,
    story: list[Flowable],
    *,
    side: float,
    top: float,
    bottom: float,
    title: str,
    subject: str | None = None,
) -> Path:
    """Lay ``story`` out on A4 pages (margins ``side``, ``top``, ``bottom``) into ``target``,
    whole or not at all, fonts embedded."""
    with writing_whole_by_name(target, mode=None) as partial:
        doc = SimpleDocTemplate(
            str(partial),
            pagesize=A4,
            leftMargin=side,
            rightMargin=side,
            topMargin=top,
            bottomMargin=bottom,
            title=title,
            subject=subject,
            author="Comptoir",
            initialFontName=REGULAR,  # else Helvetica is declared, not embedded
        )
        doc.build(story)
    return target

"""The blank paper tally sheet, for the days the desk's computer is off.

The sheet mirrors the Accueil screen so that re-keying it is mechanical: one row per active
service in desk order, one column of boxes per hour (or per half-day when the place opens
long days) of the opening hours, a total column, and a block for what a tick cannot say
(a group's size, where people came from). It is an A4 landscape PDF with DejaVu Sans embedded
through :mod:`tiers_lieu.reports.pdf_parts.fonts`: the place's name and services are French,
and Helvetica has no glyph for some of their characters. reportlab is imported inside
:func:`write_tally_sheet` (start-up time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import OpeningRange

MAX_HOURLY_COLUMNS = 11
"""Beyond this many open hours a day, hourly boxes get too narrow to tick: half-days."""


@dataclass(frozen=True)
class TallyColumn:
    """One column of boxes: the hours it covers (end excluded)."""

    start: int
    end: int

    @property
    def label(self) -> str:
        return _("{start} h – {end} h").format(start=self.start, end=self.end)


def _open_hours(ranges: Sequence[OpeningRange]) -> list[int]:
    """Every hour of the day during which the place is open on at least one weekday."""
    hours: set[int] = set()
    for r in ranges:
        first = r.opens_at.hour
        last = r.closes_at.hour if r.closes_at.minute == 0 else r.closes_at.hour + 1
        hours.update(range(first, max(last, first + 1)))
    return sorted(hours)


def tally_columns(ranges: Sequence[OpeningRange]) -> list[TallyColumn]:
    """Hourly columns over the opening hours, or morning/afternoon when days are long.

    Without opening hours, the sheet offers a morning (8–13 h) and an afternoon (13–19 h).
    """
    hours = _open_hours(ranges)
    if not hours:
        return [TallyColumn(8, 13), TallyColumn(13, 19)]
    if len(hours) <= MAX_HOURLY_COLUMNS:
        return [TallyColumn(h, h + 1) for h in hours]
    morning = [h for h in hours if h < 13]
    afternoon = [h for h in hours if h >= 13]
    columns = []
    if morning:
        columns.append(TallyColumn(morning[0], min(morning[-1] + 1, 13)))
    if afternoon:
        columns.append(TallyColumn(max(afternoon[0], 13), afternoon[-1] + 1))
    return columns


def write_tally_sheet(
    target: Path,
    *,
    place: str,
    services: Sequence[str],
    ranges: Sequence[OpeningRange],
    group_lines: int = 3,
) -> Path:
    """Write the blank sheet for ``place`` to ``target`` and return it."""
    # reportlab is imported here, not at module level: the desk must start fast.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    columns = tally_columns(ranges)
    page_w, page_h = landscape(A4)
    margin = 12 * mm
    width = page_w - 2 * margin

    title = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10, textColor="#444444")
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=9, leading=11, alignment=1)

    # Heights fixed so that the whole sheet fits one page for a usual list of services.
    # (title and instructions above; group table, its title and the footnote below; the
    # frame's own padding).
    top_block = 30 * mm
    group_block = (20 + 7 * (group_lines + 1)) * mm
    available = page_h - 2 * margin - top_block - group_block - 6 * mm
    row_h = max(7 * mm, min(12 * mm, available / (len(services) + 2)))

    name_w = 62 * mm
    total_w = 22 * mm
    box_w = (width - name_w - total_w) / max(len(columns), 1)
    header = [Paragraph(_("Service"), head)]
    header += [Paragraph(c.label, head) for c in columns]
    header.append(Paragraph(_("Total"), head))
    rows: list[list[object]] = [header]
    rows += [[Paragraph(name, cell)] + [""] * (len(columns) + 1) for name in services]
    rows.append([Paragraph(_("Total"), head)] + [""] * (len(columns) + 1))
    grid = Table(
        rows,
        colWidths=[name_w] + [box_w] * len(columns) + [total_w],
        rowHeights=[10 * mm] + [row_h] * (len(services) + 1),
        repeatRows=1,
    )
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("BACKGROUND", (-1, 1), (-1, -1), colors.HexColor("#f3f3f3")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f3f3")),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black),
            ]
        )
    )

    group_header = [
        Paragraph(text, head)
        for text in (
            _("Heure"),
            _("Service"),
            _("Nombre de personnes"),
            _("Commune"),
            _("Tranche d'âge, genre, statut"),
        )
    ]
    groups = Table(
        [group_header] + [[""] * 5 for _line in range(group_lines)],
        colWidths=[22 * mm, 62 * mm, 36 * mm, 60 * mm, width - 180 * mm],
        rowHeights=[7 * mm] * (group_lines + 1),
    )
    groups.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )

    story = [
        Paragraph(_("Feuille de comptage des visites — {place}").format(place=place), title),
        Spacer(1, 2 * mm),
        Paragraph(
            _("Date : ____ / ____ / ________ — Tenue par : ______________________________"),
            body,
        ),
        Spacer(1, 1 * mm),
        Paragraph(
            _(
                "Une barre par personne accueillie, dans la case du service et de l'heure ; "
                "faites des paquets de cinq (||||). Un groupe : inscrivez son nombre dans la case "
                "et détaillez-le ci-dessous si vous le pouvez."
            ),
            small,
        ),
        Spacer(1, 3 * mm),
        grid,
        Spacer(1, 4 * mm),
        Paragraph(_("Groupes et précisions (facultatif)"), body),
        Spacer(1, 1 * mm),
        groups,
        Spacer(1, 2 * mm),
        Paragraph(
            _(
                "À reprendre dans Comptoir : Accueil, « Date de l'activité » réglée sur ce jour, "
                "puis une touche par personne."
            ),
            small,
        ),
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(target),
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_("Feuille de comptage — {place}").format(place=place),
        author="Comptoir",
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    document.build(story)
    return target

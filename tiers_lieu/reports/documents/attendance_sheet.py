"""Workshop attendance sheets (« feuilles d'émargement »), printed before a workshop and signed
by each participant: the proof of a workshop in a LEADER payment claim.

Each workshop starts a page: the EU block when an operation covers its day (emblem,
« Cofinancé par l'Union européenne », the operation's title), the place, the workshop (title,
date, time, room, facilitator), then a table of numbered lines, the people registered first,
then empty lines up to the workshop's capacity (or :data:`BLANK_LINES` more when it has
none), each with a signature box; at the end, the head count and the facilitator's signature
to write by hand (the count is then keyed in the workshop's attendance). A long list runs on
to more pages with the table's heading repeated. A4 portrait, DejaVu Sans embedded; reportlab
is imported inside the writer (start-up time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_time, ngettext, weekday_name
from tiers_lieu.services.events_sheets import AttendanceSheet

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

BLANK_LINES = 8
"""Empty lines after the registered people when the workshop gives no capacity."""
LINE_HEIGHT_MM = 9  # room to sign; a page with the EU block holds 19 lines
MIN_LINES = 15
"""Lines on a sheet at least (a page), so that a workshop without registrations gets a
full sheet to sign."""


def line_count(sheet: AttendanceSheet) -> int:
    """How many numbered lines the sheet has: everyone registered, then room for the others
    (up to the capacity when known), never fewer than :data:`MIN_LINES`."""
    registered = len(sheet.names)
    wanted = sheet.capacity if sheet.capacity is not None else registered + BLANK_LINES
    return max(registered, wanted, MIN_LINES)


def time_text(sheet: AttendanceSheet) -> str:
    """« 14:00 – 15:30 », or « à partir de 14:00 » without a duration, or ""."""
    if sheet.start_time is None:
        return ""
    start = datetime.combine(sheet.event_date, sheet.start_time)
    if not sheet.duration_min:
        return _("à partir de {start}").format(start=format_time(sheet.start_time))
    end = start + timedelta(minutes=sheet.duration_min)
    return _("{start} – {end}").format(
        start=format_time(sheet.start_time), end=format_time(end.time())
    )


def day_text(sheet: AttendanceSheet) -> str:
    """« Mardi 1er septembre 2026 »."""
    from tiers_lieu.reports.pdf_parts.text import long_date

    day = sheet.event_date
    text = _("{weekday} {date}").format(weekday=weekday_name(day.weekday()), date=long_date(day))
    return text[:1].upper() + text[1:]


def write_attendance_sheets(sheets: Sequence[AttendanceSheet], target: Path) -> Path:
    """Write one sheet per workshop, in the order given, to ``target`` (whole or not at all)."""
    if not sheets:
        raise ValidationError(_("Ateliers"), _("aucun atelier : aucune feuille à écrire."))
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts import sheets as parts
    from tiers_lieu.reports.pdf_parts.fonts import BOLD, EU_WORDING, REGULAR, register_fonts
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE, ZEBRA

    # refused before anything is written
    emblems = parts.emblem_logos(s.operation.emblem_path if s.operation else None for s in sheets)
    register_fonts()
    margin = 15 * mm
    width = A4[0] - 2 * margin
    wording = ParagraphStyle(
        "wording", fontName=EU_WORDING, fontSize=12, leading=14.5, textColor=EU_BLUE
    )
    operation_style = ParagraphStyle("operation", fontName=REGULAR, fontSize=9, leading=11.5)
    kicker = ParagraphStyle("kicker", fontName=REGULAR, fontSize=10.5, leading=13, textColor=MUTED)
    heading = ParagraphStyle(
        "heading", fontName=BOLD, fontSize=20, leading=24, textColor=ACCENT, spaceAfter=2
    )
    workshop = ParagraphStyle("workshop", fontName=BOLD, fontSize=14, leading=18)
    fact = ParagraphStyle("fact", fontName=REGULAR, fontSize=10.5, leading=14)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=11, leading=13)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=10, leading=12)
    end = ParagraphStyle("end", fontName=REGULAR, fontSize=11, leading=15)

    def eu_block(sheet: AttendanceSheet) -> list[Flowable]:
        operation = sheet.operation
        if operation is None:
            return []
        named = _("Opération LEADER : {title}").format(title=operation.title)
        mention = parts.eu_mention(
            width,
            14 * mm,
            wording,
            logo=emblems.get(operation.emblem_path or ""),
            lines=[Paragraph(escape(named), operation_style)],
        )
        return [mention, Spacer(1, 5 * mm)]

    def facts(sheet: AttendanceSheet) -> Table:
        blank = "_" * 22

        def pair(label: str, value: str) -> list[object]:
            return [Paragraph(escape(label), head), Paragraph(escape(value), fact)]

        rows = [  # two facts a line: the table keeps the room
            pair(_("Date"), day_text(sheet)) + pair(_("Horaire"), time_text(sheet) or blank),
            pair(_("Lieu"), sheet.location or sheet.place_name)
            + pair(_("Animé par"), sheet.facilitator or blank),
        ]
        label_width = 25 * mm
        value_width = width / 2 - label_width
        return parts.facts_table(
            rows, [label_width, value_width, label_width, value_width], align="LEFT"
        )

    def lines(sheet: AttendanceSheet) -> Table:
        header = [
            Paragraph(escape(_("N°")), head),
            Paragraph(escape(_("Nom et prénom")), head),
            Paragraph(escape(_("Signature")), head),
        ]
        rows: list[list[object]] = [header]
        for number in range(1, line_count(sheet) + 1):
            name = sheet.names[number - 1] if number <= len(sheet.names) else ""
            rows.append([str(number), Paragraph(escape(name), cell), ""])
        table = Table(
            rows,
            colWidths=[12 * mm, width * 0.5, width * 0.5 - 12 * mm],
            rowHeights=[None] + [LINE_HEIGHT_MM * mm] * (len(rows) - 1),
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR, 10),
                    ("BACKGROUND", (0, 0), (-1, 0), ZEBRA),
                    ("GRID", (0, 0), (-1, -1), 0.6, RULE),
                    ("BOX", (0, 0), (-1, -1), 0.9, MUTED),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (0, 1), (0, -1), "CENTER"),
                    ("TEXTCOLOR", (0, 1), (0, -1), MUTED),
                ]
            )
        )
        return table

    def footer() -> KeepTogether:
        """The head count and the facilitator's signature, each in a box, side by side."""
        half = width / 2
        rows = [
            [
                Paragraph(escape(_("Nombre de participants présents :")), end),
                "",
                Paragraph(escape(_("Signature de l'animateur ou de l'animatrice :")), end),
            ],
            ["", "", ""],
        ]
        table = Table(rows, colWidths=[40 * mm, half - 40 * mm, half], rowHeights=[None, 15 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("SPAN", (0, 0), (1, 0)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
                    ("BOX", (0, 1), (0, 1), 0.9, MUTED),
                    ("BOX", (2, 1), (2, 1), 0.9, MUTED),
                ]
            )
        )
        return KeepTogether([Spacer(1, 4 * mm), table])

    def page(sheet: AttendanceSheet) -> list[Flowable]:
        return [
            *eu_block(sheet),
            Paragraph(escape(sheet.place_name), kicker),
            Paragraph(escape(_("Feuille d'émargement")), heading),
            Paragraph(escape(sheet.title), workshop),
            Spacer(1, 2 * mm),
            facts(sheet),
            Spacer(1, 5 * mm),
            lines(sheet),
            footer(),
        ]

    story = parts.page_after_page(page(sheet) for sheet in sheets)
    if len(sheets) == 1:
        title = _("Feuille d'émargement – {title}").format(title=sheets[0].title)
    else:
        title = _("Feuilles d'émargement")
    return parts.write_a4(target, story, side=margin, top=14 * mm, bottom=14 * mm, title=title)


def export_attendance_sheets(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export emargement``: the sheets of every workshop of the period (of the
    place given, or of every place), one PDF."""
    from tiers_lieu.reports.documents.by_place import gather_period

    sheets = gather_period(
        app,
        request,
        app.events.attendance_sheets,
        _("aucun atelier {period} : aucune feuille d'émargement à écrire."),
    )
    write_attendance_sheets(sheets, request.out)
    return ngettext(
        "{n} feuille d'émargement écrite dans {path}.",
        "{n} feuilles d'émargement écrites dans {path}.",
        len(sheets),
    ).format(n=len(sheets), path=request.out)

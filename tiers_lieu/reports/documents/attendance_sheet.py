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
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest
    from tiers_lieu.reports.pdf_parts.logos import Logo

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


def _emblem_logos(sheets: Sequence[AttendanceSheet]) -> dict[str, Logo]:
    """The emblem images the sheets name, each read once (a missing one is refused)."""
    from tiers_lieu.reports.pdf_parts.logos import checked_logo

    found: dict[str, Logo] = {}
    for sheet in sheets:
        path = sheet.operation.emblem_path if sheet.operation is not None else None
        if path and path not in found:
            logo = checked_logo(path, _("Emblème de l'Union européenne"))
            assert logo is not None
            found[path] = logo
    return found


def write_attendance_sheets(sheets: Sequence[AttendanceSheet], target: Path) -> Path:
    """Write one sheet per workshop, in the order given, to ``target`` (whole or not at all)."""
    if not sheets:
        raise ValidationError(_("Ateliers"), _("aucun atelier : aucune feuille à écrire."))
    emblems = _emblem_logos(sheets)  # refused before anything is written

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from tiers_lieu.private_files import writing_whole_by_name
    from tiers_lieu.reports.pdf_parts.emblem import eu_emblem
    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE, ZEBRA

    register_fonts()
    margin = 15 * mm
    width = A4[0] - 2 * margin
    wording = ParagraphStyle("wording", fontName=BOLD, fontSize=12, leading=14.5, textColor=EU_BLUE)
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

    def eu_block(sheet: AttendanceSheet) -> list[object]:
        operation = sheet.operation
        if operation is None:
            return []
        emblem_height = 14 * mm
        logo = emblems.get(operation.emblem_path or "")
        if logo is not None:
            w, h = logo.fit(emblem_height, emblem_height * 2)
            emblem: object = Image(logo.path, width=w, height=h)
        else:
            w = emblem_height * 1.5
            emblem = eu_emblem(emblem_height)
        text = [
            Paragraph(escape(_("Cofinancé par l'Union européenne")), wording),
            Paragraph(
                escape(_("Opération LEADER : {title}").format(title=operation.title)),
                operation_style,
            ),
        ]
        table = Table([[emblem, text]], colWidths=[w + 4 * mm, width - w - 4 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return [table, Spacer(1, 5 * mm)]

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
        table = Table(
            rows,
            colWidths=[label_width, value_width, label_width, value_width],
            hAlign="LEFT",
        )
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

    story: list[object] = []
    for index, sheet in enumerate(sheets):
        if index:
            story.append(PageBreak())
        story += eu_block(sheet)
        story += [
            Paragraph(escape(sheet.place_name), kicker),
            Paragraph(escape(_("Feuille d'émargement")), heading),
            Paragraph(escape(sheet.title), workshop),
            Spacer(1, 2 * mm),
            facts(sheet),
            Spacer(1, 5 * mm),
            lines(sheet),
            footer(),
        ]
    first = sheets[0]
    with writing_whole_by_name(target, mode=None) as partial:
        doc = SimpleDocTemplate(
            str(partial),
            pagesize=A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
            title=_("Feuille d'émargement – {title}").format(title=first.title)
            if len(sheets) == 1
            else _("Feuilles d'émargement"),
            author="Comptoir",
            initialFontName=REGULAR,  # else Helvetica is declared, not embedded
        )
        doc.build(story)
    return target


def export_attendance_sheets(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export emargement``: the sheets of every workshop of the period (of the
    place given, or of every place), one PDF."""
    assert request.start is not None and request.end is not None  # a period kind
    places = [request.site] if request.site is not None else app.sites.list_sites()
    sheets: list[AttendanceSheet] = []
    for place in places:
        sheets += app.events.attendance_sheets(place.id, request.start, request.end)
    if not sheets:
        from tiers_lieu.reports.pdf_parts.text import period_text

        raise ValidationError(
            "--from/--to",
            _("aucun atelier {period} : aucune feuille d'émargement à écrire.").format(
                period=period_text(request.start, request.end)
            ),
        )
    write_attendance_sheets(sheets, request.out)
    return ngettext(
        "{n} feuille d'émargement écrite dans {path}.",
        "{n} feuilles d'émargement écrites dans {path}.",
        len(sheets),
    ).format(n=len(sheets), path=request.out)

"""Monthly time sheets (« feuilles de temps »): the proof, in a LEADER payment claim, of the
time a staff member whose salary is claimed spent on the operation.

One A4 page per staff member, month and operation (a
:class:`~tiers_lieu.services.time_sheets.TimeSheet`): the EU mention when the sheet is for
an operation (emblem, « Cofinancé par l'Union européenne », the operation and its file
number), the place, the person and the post, then a line per day of the month (date, hours
on the operation, tasks, the day's total of every activity), the month's totals, the share
of time on the operation, and two signature boxes with a date line, « Signature du salarié »
and « Signature de l'employeur ». Rows have a fixed height and tasks are cut to one line so
that a month always holds on its page. DejaVu Sans is embedded; reportlab is imported inside
the writer (start-up time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_duration, format_percent, month_name, ngettext, weekday_name
from tiers_lieu.services.organisation import contract_type_label
from tiers_lieu.services.time_sheet_models import TimeSheet, month_end

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest


def hours_text(minutes: int) -> str:
    """« 3 h 30 », « 45 min », or nothing for no time."""
    return format_duration(minutes) if minutes else ""


def month_text(sheet: TimeSheet) -> str:
    """« mars 2026 », with the days when the period cuts the month (« du 15 au 31 »)."""
    text = _("{month} {year}").format(month=month_name(sheet.month.month), year=sheet.month.year)
    if sheet.days:
        first, last = sheet.days[0].day, sheet.days[-1].day
        if first.day != 1 or last != month_end(sheet.month):
            text = _("{month} (du {first} au {last})").format(
                month=text, first=first.day, last=last.day
            )
    return text


def day_text(day: date) -> str:
    """« lundi 2 »: the month is in the sheet's header."""
    return _("{weekday} {day}").format(weekday=weekday_name(day.weekday()), day=day.day)


def write_time_sheets(sheets: Sequence[TimeSheet], target: Path) -> Path:
    """Write one page per sheet, in the order given, to ``target`` (whole or not at all)."""
    if not sheets:
        raise ValidationError(_("Feuilles de temps"), _("aucun temps saisi : rien à écrire."))
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts import sheets as parts
    from tiers_lieu.reports.pdf_parts.fonts import (
        BOLD,
        EU_WORDING,
        REGULAR,
        fit_text,
        register_fonts,
    )
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE, ZEBRA

    # refused with the field's name before anything is written
    emblems = parts.emblem_logos(s.operation.emblem_path if s.operation else None for s in sheets)
    register_fonts()
    margin = 14 * mm
    width = A4[0] - 2 * margin
    wording = ParagraphStyle(
        "wording", fontName=EU_WORDING, fontSize=11, leading=13.5, textColor=EU_BLUE
    )
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8.5, leading=10.5)
    kicker = ParagraphStyle("kicker", fontName=REGULAR, fontSize=10, leading=12.5, textColor=MUTED)
    heading = ParagraphStyle("heading", fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT)
    label = ParagraphStyle("label", fontName=BOLD, fontSize=9, leading=11)
    fact = ParagraphStyle("fact", fontName=REGULAR, fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=8.5, leading=10)
    note = ParagraphStyle("note", fontName=REGULAR, fontSize=8, leading=10, textColor=MUTED)
    sign = ParagraphStyle("sign", fontName=BOLD, fontSize=9.5, leading=12)
    sign_line = ParagraphStyle("signline", fontName=REGULAR, fontSize=9, leading=12)

    date_w, hours_w, total_w = 28 * mm, 30 * mm, 26 * mm
    task_w = width - date_w - hours_w - total_w
    row_h = 5 * mm
    task_size = 8

    def eu_block(sheet: TimeSheet) -> list[Flowable]:
        operation = sheet.operation
        if operation is None:
            return []
        named = _("Opération LEADER : {title}").format(title=operation.title)
        if operation.file_number:
            named = _("{operation} — dossier n° {number}").format(
                operation=named, number=operation.file_number
            )
        mention = parts.eu_mention(
            width,
            12 * mm,
            wording,
            logo=emblems.get(operation.emblem_path or ""),
            lines=[Paragraph(escape(named), small)],
        )
        return [mention, Spacer(1, 4 * mm)]

    def facts(sheet: TimeSheet) -> Table:
        blank = "_" * 30
        operation = sheet.operation
        post = _("{post} ({contract}, {percent} %)").format(
            post=sheet.post,
            contract=contract_type_label(sheet.contract_type),
            percent=sheet.working_time_percent,
        )
        pairs = [
            (_("Salarié·e"), sheet.person_name or blank, _("Mois"), month_text(sheet)),
            (_("Poste"), post, _("Lieu"), sheet.place_name),
            (
                _("Opération"),
                operation.title if operation else _("aucune (temps hors opération)"),
                _("N° de dossier"),
                (operation.file_number if operation else "") or "—",
            ),
        ]
        # One line each (cut with « … »), so that a month always holds on its page; the
        # operation's full title is in the EU block above.
        widths = [22 * mm, width * 0.58 - 22 * mm, 26 * mm, width * 0.42 - 26 * mm]
        rows = [
            [
                Paragraph(escape(a), label),
                Paragraph(escape(fit_text(b, widths[1] - 6, fact.fontSize)), fact),
                Paragraph(escape(c), label),
                Paragraph(escape(fit_text(d, widths[3] - 6, fact.fontSize)), fact),
            ]
            for a, b, c, d in pairs
        ]
        return parts.facts_table(rows, widths)

    def days(sheet: TimeSheet) -> Table:
        on = _("Heures sur l'opération") if sheet.operation else _("Heures")
        header = [
            Paragraph(escape(_("Date")), head),
            Paragraph(escape(on), head),
            Paragraph(escape(_("Tâches")), head),
            Paragraph(escape(_("Total du jour")), head),
        ]
        rows: list[list[object]] = [header]
        shaded: list[int] = []
        for number, line in enumerate(sheet.days, start=1):
            rows.append(
                [
                    day_text(line.day),
                    hours_text(line.operation_minutes),
                    fit_text(line.tasks, task_w - 6, task_size),
                    hours_text(line.total_minutes),
                ]
            )
            if line.day.weekday() >= 5:
                shaded.append(number)
        rows.append(
            [
                _("Total du mois"),
                format_duration(sheet.operation_minutes),
                "",
                format_duration(sheet.total_minutes),
            ]
        )
        style = [
            ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
            ("FONT", (2, 1), (2, -2), REGULAR, task_size),
            ("FONT", (0, -1), (-1, -1), BOLD, 9),
            ("BACKGROUND", (0, 0), (-1, 0), ZEBRA),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.9, MUTED),
            ("LINEABOVE", (0, -1), (-1, -1), 0.9, MUTED),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 1), (1, -1), "RIGHT"),
            ("ALIGN", (3, 1), (3, -1), "RIGHT"),
            ("TOPPADDING", (0, 1), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 1),
        ]
        style += [("BACKGROUND", (0, n), (-1, n), ZEBRA) for n in shaded]
        table = Table(
            rows,
            colWidths=[date_w, hours_w, task_w, total_w],
            rowHeights=[None] + [row_h] * len(sheet.days) + [6.5 * mm],
        )
        table.setStyle(TableStyle(style))
        return table

    def share(sheet: TimeSheet) -> list[Flowable]:
        if sheet.operation is None or not sheet.total_minutes:
            return []
        percent = 100 * sheet.operation_minutes / sheet.total_minutes
        text = _("Part du temps consacrée à l'opération ce mois-ci : {share}.").format(
            share=format_percent(percent)
        )
        return [Spacer(1, 1.5 * mm), Paragraph(escape(text), note)]

    def signatures() -> Table:
        date_line = _("Date : ____ / ____ / ________")

        def box(title: str) -> list[object]:
            return [
                Paragraph(escape(title), sign),
                Paragraph(escape(date_line), sign_line),
            ]

        half = (width - 6 * mm) / 2
        table = Table(
            [[box(_("Signature du salarié")), "", box(_("Signature de l'employeur"))]],
            colWidths=[half, 6 * mm, half],
            rowHeights=[30 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOX", (0, 0), (0, 0), 0.8, MUTED),
                    ("BOX", (2, 0), (2, 0), 0.8, MUTED),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return table

    def page(sheet: TimeSheet) -> list[Flowable]:
        return [
            *eu_block(sheet),
            Paragraph(escape(sheet.place_name), kicker),
            Paragraph(escape(_("Feuille de temps")), heading),
            Spacer(1, 2 * mm),
            facts(sheet),
            Spacer(1, 3 * mm),
            days(sheet),
            *share(sheet),
            Spacer(1, 4 * mm),
            signatures(),
        ]

    story = parts.page_after_page(page(sheet) for sheet in sheets)
    if len(sheets) == 1:
        title = _("Feuille de temps – {who}").format(who=sheets[0].person_name or sheets[0].post)
    else:
        title = _("Feuilles de temps")
    return parts.write_a4(target, story, side=margin, top=11 * mm, bottom=10 * mm, title=title)


def export_time_sheets(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export feuilles-temps``: a page per staff member and month with time over
    the period (of the place given, or of every place), one PDF."""
    from tiers_lieu.reports.documents.by_place import gather_period

    sheets = gather_period(
        app,
        request,
        app.time_sheets.monthly_sheets,
        _("aucun temps saisi {period} : aucune feuille de temps à écrire."),
    )
    write_time_sheets(sheets, request.out)
    return ngettext(
        "{n} feuille de temps écrite dans {path}.",
        "{n} feuilles de temps écrites dans {path}.",
        len(sheets),
    ).format(n=len(sheets), path=request.out)

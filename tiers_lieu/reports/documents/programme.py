"""The week's or month's programme of the workshops, three ways: a poster to print (PDF, A4 or
A3), an ``.ics`` file for calendars, and a static HTML page the commune's website can host.

All three read the same :class:`~tiers_lieu.services.programme.Programme`: each workshop's
day, hours, title, room and places left. The poster puts the EU publicity block at its head
when the place has a LEADER operation (the emblem of the operation's publicity,
:func:`~tiers_lieu.reports.documents.publicity.operation_logos`, with « Cofinancé par l'Union
européenne » through :func:`~tiers_lieu.reports.pdf_parts.sheets.eu_mention`); it holds on one
page, its table shrunk to fit (:data:`~tiers_lieu.services.programme.MAX_EVENTS` at most). The
``.ics`` follows the agenda's export (:mod:`tiers_lieu.services.agenda.ical`): TZID of the
place's zone with its VTIMEZONE, UID ``<id>@comptoir``, a workshop without a time as a whole
day. The HTML page is one file: inline style, no script, every text escaped.
Files are written whole (``private_files``); reportlab and icalendar are imported on use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape as html_escape
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_time, month_name, ngettext, weekday_name
from tiers_lieu.services.programme import Programme, ProgrammeLine

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest
    from tiers_lieu.services.organisation import OperationDetail

PRODID = "-//Comptoir//Programme du tiers-lieu//FR"
FORMATS = ("pdf", "ics", "html")


# -- texts shared by the three ---------------------------------------------------------------
def title_text(programme: Programme) -> str:
    """« Programme du 9 au 15 mars 2026 », or « Programme de mars 2026 » for a whole month."""
    from tiers_lieu.reports.pdf_parts.text import long_date

    start, end = programme.start, programme.end
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return _("Programme de {month} {year}").format(
            month=month_name(start.month).lower(), year=start.year
        )
    if start == end:
        return _("Programme du {day}").format(day=long_date(start))
    return _("Programme du {start} au {end}").format(start=long_date(start), end=long_date(end))


def day_text(line: ProgrammeLine) -> str:
    """« Mardi 10 mars »."""
    from tiers_lieu.i18n import format_date

    text = _("{weekday} {date}").format(
        weekday=weekday_name(line.event_date.weekday()),
        date=format_date(line.event_date, "d MMMM"),
    )
    return text[:1].upper() + text[1:]


def hours_text(line: ProgrammeLine) -> str:
    """« 14:00 – 15:30 », « 14:00 », or « Toute la journée »."""
    if line.start_time is None:
        return _("Toute la journée")
    if not line.duration_min:
        return format_time(line.start_time)
    end = datetime.combine(line.event_date, line.start_time) + timedelta(minutes=line.duration_min)
    return _("{start} – {end}").format(
        start=format_time(line.start_time), end=format_time(end.time())
    )


def places_text(line: ProgrammeLine) -> str:
    """« 3 places restantes », « Complet – liste d'attente », or « Places non limitées »."""
    left = line.places_left
    if left is None:
        return _("Places non limitées")
    if left == 0:
        return _("Complet – liste d'attente")
    return ngettext("{n} place restante", "{n} places restantes", left).format(n=left)


def _by_day(lines: Iterable[ProgrammeLine]) -> list[tuple[str, list[ProgrammeLine]]]:
    return [
        (day_text(group[0]), group)
        for group in (list(g) for _day, g in groupby(lines, key=lambda ln: ln.event_date))
    ]


def _nothing(programme: Programme) -> None:
    if not programme.lines:
        raise ComptoirError(_("Aucun atelier au programme de cette période : rien à écrire."))


# -- the poster -------------------------------------------------------------------------------
def write_poster(
    target: Path,
    programme: Programme,
    operation: OperationDetail | None = None,
    *,
    size: str = "A4",
) -> Path:
    """The poster on one A4 (or A3) page, whole or not at all."""
    if size not in ("A3", "A4"):
        raise ValueError(size)
    _nothing(programme)
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.private_files import writing_whole_by_name
    from tiers_lieu.reports.documents.publicity import A3, A4, MM, operation_logos
    from tiers_lieu.reports.pdf_parts import sheets as parts
    from tiers_lieu.reports.pdf_parts.fonts import BOLD, EU_WORDING, REGULAR, register_fonts
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE, ZEBRA

    emblem = operation_logos(operation).emblem if operation is not None else None  # refused first
    register_fonts()
    page = A3 if size == "A3" else A4
    s = page[0] / A4[0]  # every measure is the A4's, scaled
    margin = 15 * MM * s
    inner = page[0] - 2 * margin

    def style(name: str, size_pt: float, *, font: str = REGULAR, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size_pt * s, leading=size_pt * 1.25 * s, **kw
        )

    kicker = style("kicker", 13, textColor=MUTED)
    heading = style("heading", 26, font=BOLD, textColor=ACCENT)
    address = style("address", 11, textColor=MUTED)
    day = style("day", 13, font=BOLD, textColor=ACCENT)
    cell = style("cell", 11)
    cell_bold = style("cell_bold", 11.5, font=BOLD)
    small = style("small", 9.5, textColor=MUTED)
    wording = style("wording", 13, font=EU_WORDING, textColor=EU_BLUE)
    story: list[object] = []
    if operation is not None:
        named = _("Opération LEADER : {title}").format(title=operation.title)
        story += [
            parts.eu_mention(
                inner,
                16 * MM * s,
                wording,
                logo=emblem,
                lines=[Paragraph(escape(named), small)],
                align="LEFT",
            ),
            Spacer(1, 6 * MM * s),
        ]
    story += [
        Paragraph(escape(programme.place_name), kicker),
        Paragraph(escape(title_text(programme)), heading),
    ]
    if programme.place_address:
        story.append(Paragraph(escape(programme.place_address), address))
    story.append(Spacer(1, 6 * MM * s))
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * MM * s),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * MM * s),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * MM * s),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5 * s, RULE),
    ]
    for day_label, lines in _by_day(programme.lines):
        commands += [
            ("SPAN", (0, len(rows)), (-1, len(rows))),
            ("BACKGROUND", (0, len(rows)), (-1, len(rows)), ZEBRA),
        ]
        rows.append([Paragraph(escape(day_label), day), "", "", ""])
        for line in lines:
            what: list[object] = [Paragraph(escape(line.title), cell_bold)]
            if line.facilitator:
                what.append(Paragraph(escape(_("avec {who}").format(who=line.facilitator)), small))
            rows.append(
                [
                    Paragraph(escape(hours_text(line)), cell),
                    what,
                    Paragraph(escape(line.room), cell),
                    Paragraph(escape(places_text(line)), cell),
                ]
            )
    table = Table(rows, colWidths=[inner * 0.2, inner * 0.42, inner * 0.18, inner * 0.2])
    table.setStyle(TableStyle(commands))
    story += [
        table,
        Spacer(1, 6 * MM * s),
        Paragraph(escape(_("Inscriptions à l'accueil du lieu.")), small),
    ]
    with writing_whole_by_name(target, mode=None) as partial:
        canvas = Canvas(str(partial), pagesize=page, initialFontName=REGULAR, pageCompression=1)
        canvas.setTitle(title_text(programme))
        canvas.setAuthor("Comptoir")
        canvas.setSubject(programme.place_name)
        height = page[1] - 2 * margin
        frame = Frame(
            margin,
            margin,
            inner,
            height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        frame.addFromList([KeepInFrame(inner, height, story, mode="shrink")], canvas)
        canvas.showPage()
        canvas.save()
    return target


# -- the .ics file ---------------------------------------------------------------------------
def ics_bytes(programme: Programme) -> bytes:
    """The period's workshops as an iCalendar file (the agenda export's conventions)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    from tiers_lieu.services.agenda.ics_zone import vtimezone

    zone = ZoneInfo(programme.zone_name)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Programme – {place}").format(place=programme.place_name))
    cal.add("x-wr-timezone", programme.zone_name)
    if programme.lines:
        cal.add_component(vtimezone(zone, programme.start, programme.end))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for line in programme.lines:
        event = Event()
        event.add("uid", f"{line.event_id}@comptoir")
        event.add("dtstamp", stamp)
        if line.start_time is None:
            event.add("dtstart", line.event_date)
            event.add("dtend", line.event_date + timedelta(days=1))
        else:
            start = datetime.combine(line.event_date, line.start_time, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=max(line.duration_min, 1)))
        event.add("summary", line.title)
        if line.room:
            event.add("location", line.room)
        event.add("description", places_text(line))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return bytes(cal.to_ical())


def write_ics(target: Path, programme: Programme) -> Path:
    _nothing(programme)
    from tiers_lieu.private_files import write_whole

    write_whole(target, ics_bytes(programme), mode=None)
    return target


# -- the static page -------------------------------------------------------------------------
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:46rem;padding:1.5rem;color:#222;line-height:1.45}
h1{color:#295c8c;font-size:1.7rem;margin:.2rem 0}
.place{color:#5f666f;margin:0}
h2{font-size:1.15rem;background:#f2f4f7;padding:.35rem .6rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;width:100%}
td{padding:.4rem .6rem;border-bottom:1px solid #c7ccd4;vertical-align:top}
td.hours{white-space:nowrap;width:8rem}
.full{color:#9a2b1c;font-weight:bold}
footer{color:#5f666f;font-size:.85rem;margin-top:2rem}
""".strip()


def html_text(programme: Programme) -> str:
    """One self-contained page: inline style, no script, every text escaped."""

    def e(text: str) -> str:
        return html_escape(text, quote=True)

    title = title_text(programme)
    out = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} – {e(programme.place_name)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f'<p class="place">{e(programme.place_name)}</p>',
        f"<h1>{e(title)}</h1>",
    ]
    if programme.place_address:
        out.append(f'<p class="place">{e(programme.place_address)}</p>')
    if not programme.lines:
        out.append(f"<p>{e(_('Aucun atelier au programme de cette période.'))}</p>")
    for day_label, lines in _by_day(programme.lines):
        out += [f"<h2>{e(day_label)}</h2>", "<table>"]
        for line in lines:
            full = ' class="full"' if line.places_left == 0 else ""
            what = f"<strong>{e(line.title)}</strong>"
            if line.facilitator:
                what += "<br>" + e(_("avec {who}").format(who=line.facilitator))
            out.append(
                "<tr>"
                f'<td class="hours">{e(hours_text(line))}</td>'
                f"<td>{what}</td>"
                f"<td>{e(line.room)}</td>"
                f"<td{full}>{e(places_text(line))}</td>"
                "</tr>"
            )
        out.append("</table>")
    out += [
        "<footer>" + e(_("Inscriptions à l'accueil du lieu.")) + "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def write_html(target: Path, programme: Programme) -> Path:
    from tiers_lieu.private_files import write_whole

    write_whole(target, html_text(programme).encode("utf-8"), mode=None)
    return target


def write_programme(
    target: Path,
    programme: Programme,
    fmt: str,
    operation: OperationDetail | None = None,
    *,
    size: str = "A4",
) -> Path:
    """The programme in ``fmt`` (``pdf``: the poster of ``size``; ``ics``; ``html``)."""
    if fmt == "pdf":
        return write_poster(target, programme, operation, size=size)
    if fmt == "ics":
        return write_ics(target, programme)
    if fmt == "html":
        return write_html(target, programme)
    raise ValueError(fmt)


# -- the command line's writers (``tiers-lieu export programme|programme-a3``) ---------------
def _export(app: Comptoir, request: ExportRequest, size: str) -> str:
    assert request.start is not None and request.end is not None  # a period kind
    site = request.site or app.sites.resolve(None)
    programme = app.programme.programme(site.id, request.start, request.end)
    if not programme.lines:
        from tiers_lieu.errors import ValidationError
        from tiers_lieu.reports.pdf_parts.text import period_text

        raise ValidationError(
            "--from/--to",
            _("aucun atelier {period} à « {place} » : aucun programme à écrire.").format(
                period=period_text(request.start, request.end), place=site.name
            ),
        )
    operation = app.organisation.get_operation(site.id) if request.fmt == "pdf" else None
    write_programme(request.out, programme, request.fmt, operation, size=size)
    return ngettext(
        "Programme de {n} atelier écrit dans {path}.",
        "Programme de {n} ateliers écrit dans {path}.",
        len(programme.lines),
    ).format(n=len(programme.lines), path=request.out)


def export_programme(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export programme``: the poster (A4), the .ics file or the HTML page."""
    return _export(app, request, "A4")


def export_programme_a3(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export programme-a3``: the poster on A3."""
    return _export(app, request, "A3")

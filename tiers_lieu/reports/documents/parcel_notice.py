"""The parcel relay's notice « Un colis vous attend » (issue 22): a small A6 page left in the
letter box or handed to a neighbour — who it is for, the carrier, the end of the tracking
number (never the whole of it), until when the parcel is kept and when the place is open.

Written from the :class:`~tiers_lieu.services.parcels.ParcelNotice` read model; reportlab is
imported inside :func:`write_parcel_notice` (start-up time).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tiers_lieu.i18n import _, format_date, format_time, weekday_name
from tiers_lieu.services.parcels import ParcelNotice
from tiers_lieu.services.readmodels import OpeningRange


def opening_lines(ranges: Sequence[OpeningRange]) -> list[str]:
    """« lundi : 09:00–12:00, 14:00–18:00 », one line per open weekday."""
    lines = []
    for weekday in range(7):
        spans = sorted((r.opens_at, r.closes_at) for r in ranges if r.weekday == weekday)
        if spans:
            text = ", ".join(
                _("{opens}–{closes}").format(opens=format_time(o), closes=format_time(c))
                for o, c in spans
            )
            lines.append(_("{day} : {hours}").format(day=weekday_name(weekday), hours=text))
    return lines


def write_parcel_notice(target: Path, notice: ParcelNotice, ranges: Sequence[OpeningRange]) -> Path:
    """Write the notice to ``target`` and return it."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    margin = 8 * mm
    width = A6[0] - 2 * margin
    title = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20)
    place = ParagraphStyle("place", fontName=REGULAR, fontSize=9, leading=11)
    label = ParagraphStyle("label", fontName=REGULAR, fontSize=8, leading=10)
    value = ParagraphStyle("value", fontName=BOLD, fontSize=10, leading=12)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10)

    rows = [
        (_("Pour"), notice.recipient),
        (_("Transporteur"), notice.carrier),
        (
            _("N° de suivi"),
            _("… {end}").format(end=notice.tracking_end) if notice.tracking_end else "—",
        ),
        (_("Arrivé le"), format_date(notice.arrived_on, "long")),
        (_("À retirer jusqu'au"), format_date(notice.keep_until, "full")),
    ]
    facts = Table(
        [[Paragraph(escape(a), label), Paragraph(escape(b), value)] for a, b in rows],
        colWidths=[26 * mm, width - 26 * mm],
    )
    facts.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    hours = opening_lines(ranges)
    story = [
        Paragraph(escape(_("Un colis vous attend")), title),
        Paragraph(escape(notice.place), place),
        Spacer(1, 4 * mm),
        facts,
        Spacer(1, 3 * mm),
        Paragraph(escape(_("Horaires d'ouverture")), value),
    ]
    story += [Paragraph(escape(line), small) for line in hours] or [
        Paragraph(escape(_("Renseignez-vous à l'accueil.")), small)
    ]
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                _(
                    "Munissez-vous d'une pièce d'identité. Passé cette date, le colis est "
                    "retourné à l'expéditeur."
                )
            ),
            small,
        ),
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(target),
        pagesize=A6,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_("Un colis vous attend"),
        initialFontName=REGULAR,
    )
    document.build(story)
    return target

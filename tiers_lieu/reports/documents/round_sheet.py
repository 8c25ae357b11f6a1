"""The printed round sheet of home delivery (portage): what the driver takes on the road.

A4 portrait, one row per stop in round order: its number, the name, the address (commune
first, as the round is sorted), the phone when the person consented, what to bring (grocery
lines, « Panier AMAP », « Ordonnance à retirer » — never more than that), and two boxes,
« Livré » and « Absent », ticked on the way and keyed in afterwards. No signature is asked.
The grocery products are not sold by the round: the sheet says so in its footer note.
reportlab is imported inside :func:`write_round_sheet` because the desk must start fast.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.services.deliveries import ABSENT, DELIVERED, RoundSheet


def write_round_sheet(target: Path, sheet: RoundSheet, *, place: str) -> Path:
    """Write ``sheet`` as a PDF to ``target`` and return it."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts import desk_sheet as parts
    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    title, body, small = parts.sheet_styles()
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
    strong = ParagraphStyle("strong", fontName=BOLD, fontSize=9, leading=11)

    number_w, box_w, phone_w = 8 * mm, 14 * mm, 31 * mm
    rest = parts.WIDTH - number_w - 2 * box_w - phone_w
    who_w, bring_w = rest * 0.45, rest * 0.55
    rows: list[list[object]] = [
        [
            _("N°"),
            _("Personne et adresse"),
            _("Téléphone"),
            _("À apporter"),
            _("Livré"),
            _("Absent"),
        ]
    ]
    for number, stop in enumerate(sheet.stops, start=1):
        where = ", ".join(p for p in (stop.address, stop.commune) if p)
        who = Paragraph(f"<b>{escape(stop.recipient)}</b><br/>{escape(where)}", cell)
        bring = Paragraph("<br/>".join(escape(t) for t in stop.to_bring()) or "–", cell)
        rows.append(
            [
                str(number),
                who,
                stop.phone,  # one line: 31 mm hold « 06 12 34 56 78 »
                bring,
                parts.TICKED if stop.status == DELIVERED else parts.BOX,
                parts.TICKED if stop.status == ABSENT else parts.BOX,
            ]
        )
    table = Table(rows, colWidths=[number_w, who_w, phone_w, bring_w, box_w, box_w], repeatRows=1)
    style = parts.grid_style(
        ("FONT", (4, 1), (5, -1), REGULAR, 16),
        ("ALIGN", (4, 0), (5, -1), "CENTER"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
    )
    style += [("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 6)]
    table.setStyle(TableStyle(style))
    name = sheet.label or _("Tournée de portage")
    heading = _("{name} — {day}").format(name=name, day=format_date(sheet.day, "full"))
    count = len(sheet.stops)
    story: list[object] = [
        Paragraph(escape(heading), title),
        Spacer(1, 1.5 * mm),
        Paragraph(
            escape(
                _("{place} — chauffeur : {driver} — {stops}").format(
                    place=place,
                    driver=sheet.driver or "–",
                    stops=ngettext("{n} arrêt", "{n} arrêts", count).format(n=count),
                )
            ),
            body,
        ),
        Spacer(1, 1 * mm),
        Paragraph(
            escape(
                _(
                    "Cochez « Livré » ou « Absent » à chaque arrêt, puis pointez la tournée au "
                    "retour. Une commande n'est pas une vente : les courses se paient à la "
                    "caisse de l'épicerie."
                )
            ),
            small,
        ),
        Spacer(1, 3 * mm),
        table if sheet.stops else Paragraph(escape(_("Aucun arrêt sur cette tournée.")), strong),
    ]

    return parts.write_sheet(
        target,
        story,
        title=_("Feuille de tournée — {day}").format(day=format_date(sheet.day)),
        footer=heading[:90],
    )

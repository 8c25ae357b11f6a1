"""The printed distribution sheet: the list the volunteer ticks at the table when the
computer is not at hand, one line per household with a box to tick.

A4 portrait, households in the order of the screen (by name), with what is already known
printed (an absence declared in advance, a basket already collected) so that nobody prepares a
basket for an absent household. Above the list, the baskets to prepare per type
(:meth:`~tiers_lieu.services.amap.pickups.DistributionSheet.to_prepare`). DejaVu Sans
is embedded through :mod:`tiers_lieu.reports.pdf_parts.fonts` (French euro amounts and names
need glyphs Helvetica lacks); reportlab is imported inside :func:`write_distribution_sheet`
because the desk must start fast.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _, format_date, format_time
from tiers_lieu.models.enums import PickupStatus
from tiers_lieu.services.amap.common import PICKUP_LABELS, label
from tiers_lieu.services.amap.pickups import DistributionSheet


def write_distribution_sheet(target: Path, sheet: DistributionSheet, *, place: str) -> Path:
    """Write ``sheet`` as a PDF to ``target`` and return it."""
    # reportlab is imported here, not at module level: the desk must start fast.
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts import desk_sheet as parts
    from tiers_lieu.reports.pdf_parts.fonts import REGULAR, fit_text, register_fonts

    register_fonts()
    title, body, small = parts.sheet_styles()

    day = format_date(sheet.on_date, "full")
    hours = _("{start} – {end}").format(
        start=format_time(sheet.start_time), end=format_time(sheet.end_time)
    )
    prepare = sheet.to_prepare()
    prepare_text = ", ".join(
        _("{n} × {basket}").format(n=n, basket=basket) for basket, n in prepare
    ) or _("aucun panier")

    box_w, qty_w, phone_w, basket_w, note_w = 15 * mm, 10 * mm, 28 * mm, 30 * mm, 42 * mm
    name_w = parts.WIDTH - box_w - qty_w - phone_w - basket_w - note_w
    header = [
        _("Retiré"),
        _("Foyer"),
        _("Téléphone"),
        _("Panier"),
        _("Qté"),
        _("Retiré par / remarque"),
    ]
    rows: list[list[str]] = [header]
    greyed: list[int] = []
    for number, line in enumerate(sheet.lines, start=1):
        picked = line.status in (PickupStatus.COLLECTED, PickupStatus.GIVEN)
        remark = ""
        if line.status == PickupStatus.GIVEN:
            remark = _("par {name}").format(name=line.collected_by)
        elif line.status not in (PickupStatus.EXPECTED, PickupStatus.COLLECTED):
            remark = label(PICKUP_LABELS, line.status)
        if line.status == PickupStatus.ABSENT:
            greyed.append(number)
        household = line.household + (_(" (solidaire)") if line.solidarity else "")
        box = "–" if line.status == PickupStatus.ABSENT else parts.BOX
        rows.append(
            [
                parts.TICKED if picked else box,
                fit_text(household, name_w - 6, 9),
                fit_text(line.phone, phone_w - 6, 9),
                fit_text(line.basket_name, basket_w - 6, 9),
                str(line.quantity),
                fit_text(remark, note_w - 6, 9),
            ]
        )
    style = parts.grid_style(
        ("FONT", (0, 1), (0, -1), REGULAR, 14),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (4, 0), (4, -1), "RIGHT"),
    )
    style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f5f5")]))
    style += [("TEXTCOLOR", (0, n), (-1, n), colors.HexColor("#777777")) for n in greyed]
    table = Table(
        rows,
        colWidths=[box_w, name_w, phone_w, basket_w, qty_w, note_w],
        rowHeights=[7 * mm] + [7.5 * mm] * len(sheet.lines),
        repeatRows=1,
    )
    table.setStyle(TableStyle(style))

    heading = _("Distribution AMAP — {contract}").format(contract=sheet.contract_name)
    story: list[object] = [
        Paragraph(heading, title),
        Spacer(1, 1.5 * mm),
        Paragraph(
            _("{place} — {day}, {hours} — producteur : {producer}").format(
                place=place, day=day, hours=hours, producer=sheet.producer_name or "–"
            ),
            body,
        ),
        Spacer(1, 1.5 * mm),
        Paragraph(_("À préparer : {baskets}").format(baskets=prepare_text), body),
    ]
    if sheet.cancelled:
        story += [
            Spacer(1, 2 * mm),
            Paragraph(_("DISTRIBUTION ANNULÉE {note}").format(note=sheet.note), title),
        ]
    story += [
        Spacer(1, 1 * mm),
        Paragraph(
            _(
                "Cochez la case quand le panier est retiré ; s'il est pris par quelqu'un "
                "d'autre, notez son nom. Les absences prévenues sont grisées."
            ),
            small,
        ),
        Spacer(1, 3 * mm),
        table,
    ]

    return parts.write_sheet(
        target,
        story,
        title=_("Feuille de distribution — {contract} — {day}").format(
            contract=sheet.contract_name, day=format_date(sheet.on_date)
        ),
        footer=fit_text(heading, parts.WIDTH * 0.7, 8),
    )

"""The cover page: the EU publicity block, the funders' logos, what the report is about, then
the coordinator's summary and a few key figures.

Logos are files the coordinator chose; a missing or unreadable file is left out rather than
failing the whole report (a USB key unplugged since the choice is a common story). When no
LEADER operation is recorded, the cover says so instead of showing an EU block that would
claim a co-financing nobody declared.
"""

from __future__ import annotations

import logging
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from tiers_lieu.i18n import _, format_time, ngettext, to_place_time
from tiers_lieu.reports.model import OperationInfo, ReportData
from tiers_lieu.reports.pdf_parts.emblem import eu_emblem
from tiers_lieu.reports.pdf_parts.fonts import REGULAR
from tiers_lieu.reports.pdf_parts.styles import CONTENT_WIDTH, RULE, Styles
from tiers_lieu.reports.pdf_parts.tables import key_figures_table
from tiers_lieu.reports.pdf_parts.text import long_date, period_text

log = logging.getLogger(__name__)

EMBLEM_HEIGHT = 18 * mm
LOGO_HEIGHT = 16 * mm
LOGO_MAX_WIDTH = 45 * mm

KEY_FIGURES = (
    "visits.people",
    "visits.total",
    "people.distinct",
    "assistance.total",
    "events.total",
    "results.people_reached",
    "jobs.fte_new",
)


def image_or_none(path: str | None, height: float, max_width: float) -> Image | None:
    """The image at ``path`` scaled to ``height`` (narrowed to ``max_width``), or ``None``."""
    if not path or not Path(path).is_file():
        return None
    try:
        width, tall = ImageReader(path).getSize()
    except Exception:  # any unreadable file is skipped, the report still comes out
        log.warning("Logo illisible ignoré : %s", path, exc_info=True)
        return None
    if not width or not tall:
        return None
    scale = min(height / tall, max_width / width)
    return Image(path, width=width * scale, height=tall * scale)


def eu_block(operation: OperationInfo, styles: Styles) -> Table:
    emblem: Flowable = image_or_none(
        operation.emblem_path, EMBLEM_HEIGHT, EMBLEM_HEIGHT * 2
    ) or eu_emblem(EMBLEM_HEIGHT)
    wording = Paragraph(escape(_("Cofinancé par l'Union européenne")), styles.eu_wording)
    table = Table(
        [[emblem, wording]],
        colWidths=[EMBLEM_HEIGHT * 1.5 + 4 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 2 * mm),
            ]
        )
    )
    return table


def logos_row(operation: OperationInfo) -> Table | None:
    paths = (operation.leader_logo_path, operation.region_logo_path, operation.gal_logo_path)
    images = [image_or_none(p, LOGO_HEIGHT, LOGO_MAX_WIDTH) for p in paths]
    shown = [image for image in images if image is not None]
    if not shown:
        return None
    table = Table([shown], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
            ]
        )
    )
    return table


def _line(label: str, value: str, styles: Styles) -> Paragraph:
    return Paragraph(
        _("{label} : {value}").format(label="<b>" + escape(label) + "</b>", value=escape(value)),
        styles.cover_line,
    )


def cover_title(data: ReportData) -> str:
    """The operation's title, else the place's name, else « Rapport consolidé de 5 lieux »."""
    if data.operation is not None and data.operation.title:
        return data.operation.title
    if len(data.site_names) == 1:
        return data.site_names[0]
    count = len(data.site_names)
    return ngettext(
        "Rapport consolidé de {n} lieu", "Rapport consolidé de {n} lieux", count
    ).format(n=count)


def generated_text(data: ReportData) -> str:
    """When the report was made, on the place's clock: « 15 janvier 2027 à 11:30 »."""
    local = to_place_time(data.generated_at, data.zone)
    return _("{date} à {time}").format(date=long_date(local.date()), time=format_time(local.time()))


def cover(data: ReportData, styles: Styles) -> list[Flowable]:
    """The flowables of the first page (it may run over when the summary is long)."""
    story: list[Flowable] = []
    operation = data.operation
    if operation is not None:
        story.append(eu_block(operation, styles))
        logos = logos_row(operation)
        if logos is not None:
            story += [Spacer(1, 4 * mm), logos]
    story.append(Spacer(1, 14 * mm))
    story.append(Paragraph(escape(_("Rapport d'activité")), styles.cover_kicker))
    story.append(Paragraph(escape(cover_title(data)), styles.cover_title))
    story.append(Spacer(1, 4 * mm))
    if operation is not None:
        if operation.file_number:
            story.append(_line(_("Dossier n°"), operation.file_number, styles))
        if operation.gal_name:
            story.append(_line(_("GAL"), operation.gal_name, styles))
        if operation.region:
            story.append(_line(_("Région"), operation.region, styles))
        if operation.cofunders:
            story.append(_line(_("Cofinanceurs"), operation.cofunders, styles))
    story.append(_line(_("Période"), period_text(data.period_start, data.period_end), styles))
    if data.claim_number:
        story.append(_line(_("Demande de paiement n°"), data.claim_number, styles))
    label = _("Lieu") if len(data.site_names) == 1 else _("Lieux")
    story.append(_line(label, ", ".join(data.site_names) or "–", styles))
    story.append(_line(_("Document généré le"), generated_text(data), styles))
    if operation is None:
        story.append(Spacer(1, 3 * mm))
        story.append(
            Paragraph(
                escape(
                    _(
                        "Aucune opération LEADER n'est renseignée : le bloc de publicité "
                        "européenne apparaîtra ici une fois l'opération décrite dans "
                        "Rapports, onglet « Opération LEADER »."
                    )
                ),
                styles.muted,
            )
        )
    story += summary(data, styles)
    return story


def summary(data: ReportData, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 8 * mm),
        _rule(),
        Paragraph(escape(_("Synthèse")), styles.h2),
    ]
    paragraphs = [p.strip() for p in data.summary_text.split("\n\n") if p.strip()]
    if not paragraphs:
        paragraphs = [_("Aucune synthèse n'a été rédigée pour cette période.")]
    for text in paragraphs:
        story.append(Paragraph(escape(text).replace("\n", "<br/>"), styles.body))
        story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(escape(_("Chiffres clés")), styles.h2))
    story.append(key_figures_table(data, KEY_FIGURES, styles))
    return story


def _rule() -> Table:
    table = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[1])
    table.setStyle(
        TableStyle(
            [("FONT", (0, 0), (-1, -1), REGULAR), ("LINEABOVE", (0, 0), (-1, -1), 0.5, RULE)]
        )
    )
    return table

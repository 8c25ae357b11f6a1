"""The publicity of a LEADER operation: an A3 poster for the wall of the place and the same
notice on A4 (Regulation (EU) 2021/1060, article 50 and annex IX; Implementing Regulation
(EU) 2022/129 for the EAFRD).

What the rules ask, and how the page follows them:

- the EU emblem with « Cofinancé par l'Union européenne » written out beside it, not over
  it, in Reflex Blue; the emblem is drawn here from its geometric description
  (:mod:`tiers_lieu.reports.pdf_parts.emblem`) unless the operation gives an image;
- no other logo larger than the emblem: the LEADER, Region and GAL logos stand in a row at
  the foot of the page, never higher than the emblem;
- the operation's title and a description with its aims and results; the place, the period,
  the GAL, the Region and the co-funders as recorded.

Both sizes are one layout scaled from the A3 (the A4 is the A3 reduced by √2), on one page
whatever the length of the texts: the middle block shrinks to fit. Logos set but missing are
refused with the field's name (:func:`~tiers_lieu.reports.pdf_parts.logos.checked_logo`).
reportlab is imported inside the writer (start-up time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.organisation import OperationDetail
from tiers_lieu.services.readmodels import SiteInfo

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest
    from tiers_lieu.reports.pdf_parts.logos import Logo

MM = 72 / 25.4
A3 = (297 * MM, 420 * MM)
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class PublicityLogos:
    """The operation's image files, checked: the emblem's (``None``: drawn) and the others in
    the order they stand at the foot of the page."""

    emblem: Logo | None
    others: tuple[Logo, ...]


def operation_logos(operation: OperationDetail) -> PublicityLogos:
    """Every image the operation names, read now: a missing one is refused with its field."""
    from tiers_lieu.reports.pdf_parts.logos import checked_logo

    others = (
        checked_logo(operation.leader_logo_path, _("Logo LEADER")),
        checked_logo(operation.region_logo_path, _("Logo de la Région")),
        checked_logo(operation.gal_logo_path, _("Logo du GAL")),
    )
    return PublicityLogos(
        emblem=checked_logo(operation.emblem_path, _("Emblème de l'Union européenne")),
        others=tuple(logo for logo in others if logo is not None),
    )


def _date_text(day: date) -> str:
    from tiers_lieu.reports.pdf_parts.text import long_date

    return long_date(day)


def operation_period(operation: OperationDetail) -> str:
    """« du 1er janvier 2025 au 31 décembre 2027 », « à partir du … », or ""."""
    first, last = operation.start_date, operation.end_date
    if first is not None and last is not None:
        return _("du {start} au {end}").format(start=_date_text(first), end=_date_text(last))
    if first is not None:
        return _("à partir du {start}").format(start=_date_text(first))
    if last is not None:
        return _("jusqu'au {end}").format(end=_date_text(last))
    return ""


def place_text(site: SiteInfo) -> str:
    """The place as a passer-by finds it: its name, address and commune."""
    parts = [site.name, site.address.strip(), site.commune_name.strip()]
    return ", ".join(part for part in parts if part)


def write_publicity(
    target: Path,
    operation: OperationDetail,
    site: SiteInfo,
    *,
    size: str = "A3",
) -> Path:
    """Write the poster (``size="A3"``) or the notice (``"A4"``) of ``operation`` to
    ``target``, whole or not at all, and return it."""
    if size not in ("A3", "A4"):
        raise ValueError(size)
    logos = operation_logos(operation)  # refused before anything is written
    from reportlab.pdfgen.canvas import Canvas

    from tiers_lieu.private_files import writing_whole_by_name
    from tiers_lieu.reports.pdf_parts.fonts import REGULAR, register_fonts

    register_fonts()
    page = A3 if size == "A3" else A4
    with writing_whole_by_name(target, mode=None) as partial:
        canvas = Canvas(
            str(partial),
            pagesize=page,
            initialFontName=REGULAR,  # else Helvetica is declared, not embedded
            pageCompression=1,
        )
        canvas.setTitle(operation.title)
        canvas.setAuthor("Comptoir")
        canvas.setSubject(_("Publicité de l'opération cofinancée par l'Union européenne"))
        _draw_page(canvas, page, operation, site, logos)
        canvas.showPage()
        canvas.save()
    return target


def _draw_page(
    canvas: Canvas,
    page: tuple[float, float],
    operation: OperationDetail,
    site: SiteInfo,
    logos: PublicityLogos,
) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.emblem import eu_emblem
    from tiers_lieu.reports.pdf_parts.fonts import BOLD, EU_WORDING, REGULAR
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE

    width, height = page
    s = width / A3[0]  # every measure below is the A3's, scaled
    margin = 20 * MM * s
    inner = width - 2 * margin

    # -- the EU block, top left: the emblem, the wording beside it -------------------------
    emblem_height = 42 * MM * s
    top = height - margin
    if logos.emblem is not None:
        emblem_width, emblem_height = logos.emblem.fit(emblem_height, emblem_height * 2)
        canvas.drawImage(
            logos.emblem.path,
            margin,
            top - emblem_height,
            emblem_width,
            emblem_height,
            mask="auto",
        )
    else:
        emblem_width = emblem_height * 1.5
        renderPDF.draw(eu_emblem(emblem_height), canvas, margin, top - emblem_height)
    gap = emblem_height * 0.25  # clear space: the text never touches the emblem
    wording_width = inner - emblem_width - gap
    text = _("Cofinancé par l'Union européenne")
    # On one line when it fits at a size in proportion to the emblem, else on two.
    size = max(20 * s, min(30 * s, wording_width / stringWidth(text, EU_WORDING, 1) * 0.98))
    wording_style = ParagraphStyle(
        "eu_wording",
        fontName=EU_WORDING,
        fontSize=size,
        leading=size * 1.2,
        textColor=EU_BLUE,  # Reflex Blue, as the annex allows (or black, or white)
    )
    wording = Paragraph(escape(text), wording_style)
    _w, wording_height = wording.wrap(wording_width, emblem_height)
    wording.drawOn(
        canvas,
        margin + emblem_width + gap,
        top - emblem_height / 2 - wording_height / 2,
    )
    header_bottom = top - emblem_height - 10 * MM * s
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(1.2 * s)
    canvas.line(margin, header_bottom, width - margin, header_bottom)

    # -- the other logos, at the foot, never higher than the emblem -----------------------
    bottom = margin
    if logos.others:
        logo_height = min(emblem_height, 34 * MM * s)
        slot = inner / len(logos.others)
        sizes = [
            logo.fit(logo_height, min(slot - 10 * MM * s, 80 * MM * s)) for logo in logos.others
        ]
        tallest = max(h for _w, h in sizes)
        for index, (logo, (w, h)) in enumerate(zip(logos.others, sizes, strict=True)):
            x = margin + slot * index + (slot - w) / 2
            canvas.drawImage(logo.path, x, margin + (tallest - h) / 2, w, h, mask="auto")
        bottom = margin + tallest + 8 * MM * s
        canvas.line(margin, bottom, width - margin, bottom)

    # -- the operation: title, description, facts; shrunk to fit between the two ---------
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=18 * s, leading=24.5 * s)
    kicker = ParagraphStyle("kicker", parent=body, fontSize=18 * s, leading=24 * s, textColor=MUTED)
    title = ParagraphStyle(
        "title",
        parent=body,
        fontName=BOLD,
        fontSize=42 * s,
        leading=50 * s,
        textColor=ACCENT,
        alignment=TA_LEFT,
    )
    fact = ParagraphStyle("fact", parent=body, fontSize=16 * s, leading=22 * s)
    fact_label = ParagraphStyle("fact_label", parent=fact, fontName=BOLD)
    closing = ParagraphStyle(
        "closing", parent=body, fontSize=15 * s, leading=21 * s, textColor=EU_BLUE
    )
    story: list[object] = [
        Paragraph(escape(_("Opération soutenue par le programme européen LEADER")), kicker),
        Spacer(1, 3 * MM * s),
        Paragraph(escape(operation.title), title),
        Spacer(1, 8 * MM * s),
    ]
    for text in (line.strip() for line in operation.description.splitlines()):
        if text:
            story += [Paragraph(escape(text), body), Spacer(1, 4 * MM * s)]
    facts = [
        (_("Lieu"), place_text(site)),
        (_("Période de l'opération"), operation_period(operation)),
        (_("Groupe d'action locale (GAL)"), operation.gal_name),
        (_("Région"), operation.region),
        (_("Cofinanceurs"), operation.cofunders),
        (_("Dossier LEADER n°"), operation.file_number),
    ]
    rows = [
        [Paragraph(escape(label), fact_label), Paragraph(escape(value), fact)]
        for label, value in facts
        if value.strip()
    ]
    if rows:
        table = Table(rows, colWidths=[inner * 0.3, inner * 0.7], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5 * MM * s),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * MM * s),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.6 * s, RULE),
                ]
            )
        )
        story += [Spacer(1, 4 * MM * s), table]
    story += [
        Spacer(1, 10 * MM * s),
        Paragraph(
            escape(
                _(
                    "Cette opération est cofinancée par l'Union européenne au titre du "
                    "programme LEADER du Fonds européen agricole pour le développement rural "
                    "(FEADER)."
                )
            ),
            closing,
        ),
    ]
    frame_bottom = bottom + 6 * MM * s
    frame_height = header_bottom - 10 * MM * s - frame_bottom
    frame = Frame(
        margin,
        frame_bottom,
        inner,
        frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        showBoundary=0,
    )
    frame.addFromList([KeepInFrame(inner, frame_height, story, mode="shrink")], canvas)


# -- the command line's writers (``tiers-lieu export affiche|notice``) ---------------------
def _export(app: Comptoir, request: ExportRequest, size: str) -> str:
    site = request.site or app.sites.resolve(None)
    operation = app.organisation.get_operation(site.id)
    if operation is None:
        raise ComptoirError(
            _(
                "Aucune opération LEADER n'est renseignée pour « {place} » : décrivez-la "
                "dans Rapports, onglet « Opération LEADER », avant d'en imprimer l'affiche."
            ).format(place=site.name)
        )
    write_publicity(request.out, operation, site, size=size)
    if size == "A3":
        return _("Affiche A3 de l'opération écrite dans {path}.").format(path=request.out)
    return _("Notice A4 de l'opération écrite dans {path}.").format(path=request.out)


def export_poster(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export affiche``: the A3 poster of the place's operation."""
    return _export(app, request, "A3")


def export_notice(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export notice``: the same on A4."""
    return _export(app, request, "A4")

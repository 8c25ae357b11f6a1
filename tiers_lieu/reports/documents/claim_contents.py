"""The contents page of a LEADER payment-claim pack (``00-sommaire.pdf``): the EU block, the
operation (title, file number, GAL), the claim's number and period, the place and the day it
was prepared, then every piece in its order with its file name and pages, and the pieces
left out with the reason.

Written from :class:`PackContents` (defined here, composed by
:mod:`~tiers_lieu.reports.documents.claim_pack`); reportlab is imported inside the
writer (start-up time), fonts embedded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from tiers_lieu.i18n import _, format_number, ngettext


# -- the read model ------------------------------------------------------------------------
@dataclass(frozen=True)
class PackEntry:
    """A line of the contents page: a document in the pack, or a piece left out (``reason``
    says why; ``file_name`` is then the name it would have had)."""

    number: int
    title: str
    file_name: str
    pages: int | None = None  # a PDF's pages; None for a workbook or a piece left out
    reason: str = ""  # why the piece is not in the pack ("" when it is)

    @property
    def missing(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class PackContents:
    """What the contents page shows."""

    operation_title: str
    file_number: str
    gal_name: str
    claim_number: str  # "" when the pack is for a period without a claim recorded
    start: date
    end: date
    place_name: str
    place_text: str  # name, address, commune
    made_on: date
    entries: tuple[PackEntry, ...]

    @property
    def documents(self) -> tuple[PackEntry, ...]:
        return tuple(e for e in self.entries if not e.missing)

    @property
    def missing(self) -> tuple[PackEntry, ...]:
        return tuple(e for e in self.entries if e.missing)


# -- the page ------------------------------------------------------------------------------
def pages_text(entry: PackEntry) -> str:
    """« 3 pages », « 1 page », « classeur » for a workbook, « — » for a piece left out."""
    if entry.missing:
        return "—"
    if entry.pages is None:
        return _("classeur")
    return ngettext("{n} page", "{n} pages", entry.pages).format(n=format_number(entry.pages))


def title_text(contents: PackContents) -> str:
    if contents.claim_number:
        return _("Dossier de demande de paiement n° {number}").format(number=contents.claim_number)
    return _("Dossier de demande de paiement")


def write_contents(contents: PackContents, target: Path) -> Path:
    """Write the contents page of ``contents`` to ``target``, whole or not at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, EU_WORDING, REGULAR, register_fonts
    from tiers_lieu.reports.pdf_parts.sheets import eu_mention, write_a4
    from tiers_lieu.reports.pdf_parts.styles import ACCENT, EU_BLUE, MUTED, RULE, ZEBRA
    from tiers_lieu.reports.pdf_parts.text import long_date, period_text

    register_fonts()
    margin = 18 * mm
    width = A4[0] - 2 * margin
    wording = ParagraphStyle(
        "wording", fontName=EU_WORDING, fontSize=13, leading=16, textColor=EU_BLUE
    )
    kicker = ParagraphStyle("kicker", fontName=REGULAR, fontSize=10.5, leading=13, textColor=MUTED)
    heading = ParagraphStyle(
        "heading", fontName=BOLD, fontSize=20, leading=24, textColor=ACCENT, spaceAfter=4
    )
    section = ParagraphStyle(
        "section", fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=8, spaceAfter=4
    )
    label = ParagraphStyle("label", fontName=BOLD, fontSize=10, leading=13)
    value = ParagraphStyle("value", fontName=REGULAR, fontSize=10, leading=13)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=10.5, leading=13)
    file_style = ParagraphStyle("file", fontName=REGULAR, fontSize=8.5, leading=11, textColor=MUTED)
    reason_style = ParagraphStyle(
        "reason", fontName=REGULAR, fontSize=9, leading=11.5, textColor="#8a3b12"
    )
    note = ParagraphStyle("note", fontName=REGULAR, fontSize=9.5, leading=12.5, textColor=MUTED)

    def plain_table(rows: list[list[object]], widths: list[float], extra: list[tuple]) -> Table:
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    *extra,
                ]
            )
        )
        return table

    story: list[Flowable] = [
        eu_mention(width, 14 * mm, wording, gap=5 * mm, padding=3, align="LEFT"),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                _(
                    "Programme LEADER du Fonds européen agricole pour le développement "
                    "rural (FEADER)"
                )
            ),
            kicker,
        ),
        Paragraph(escape(title_text(contents)), heading),
    ]
    facts = [
        (_("Opération"), contents.operation_title),
        (_("Dossier LEADER n°"), contents.file_number),
        (_("Groupe d'action locale (GAL)"), contents.gal_name),
        (_("Demande de paiement n°"), contents.claim_number),
        (_("Période"), period_text(contents.start, contents.end)),
        (_("Lieu"), contents.place_text),
        (_("Dossier préparé le"), long_date(contents.made_on)),
    ]
    story.append(
        plain_table(
            [
                [Paragraph(escape(text), label), Paragraph(escape(fact), value)]
                for text, fact in facts
                if fact.strip()
            ],
            [width * 0.32, width * 0.68],
            [("LEFTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE)],
        )
    )

    story += [Spacer(1, 4 * mm), Paragraph(escape(_("Pièces du dossier")), section)]
    rows: list[list[object]] = [
        [
            Paragraph(escape(_("N°")), label),
            Paragraph(escape(_("Pièce")), label),
            Paragraph(escape(_("Pages")), label),
        ]
    ]
    style: list[tuple] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ]
    for index, entry in enumerate(contents.entries, start=1):
        second = (
            Paragraph(escape(_("Manquante : {reason}").format(reason=entry.reason)), reason_style)
            if entry.missing
            else Paragraph(escape(entry.file_name), file_style)
        )
        rows.append(
            [
                Paragraph(f"{entry.number:02d}", cell),
                [Paragraph(escape(entry.title), cell), second],
                Paragraph(escape(pages_text(entry)), cell),
            ]
        )
        if index % 2 == 0:
            style.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    story.append(plain_table(rows, [14 * mm, width - 14 * mm - 28 * mm, 28 * mm], style))

    documents = contents.documents
    pages = sum(e.pages or 0 for e in documents)
    total = ngettext(
        "{n} pièce dans le dossier", "{n} pièces dans le dossier", len(documents)
    ).format(n=len(documents))
    total += ", " + ngettext("{n} page en PDF", "{n} pages en PDF", pages).format(
        n=format_number(pages)
    )
    missing = len(contents.missing)
    if missing:
        total += ", " + ngettext("{n} manquante", "{n} manquantes", missing).format(n=missing)
    story += [Spacer(1, 3 * mm), Paragraph(escape(total + "."), value), Spacer(1, 6 * mm)]
    story.append(
        Paragraph(
            escape(
                _(
                    "Les feuilles de temps sont à signer par le salarié et l'employeur, les "
                    "feuilles d'émargement par les participants de chaque atelier : joignez-les "
                    "signées à la demande."
                )
            ),
            note,
        )
    )
    story.append(
        Paragraph(
            escape(
                _("Préparé par Comptoir le {day}, depuis le registre du lieu.").format(
                    day=long_date(contents.made_on)
                )
            ),
            note,
        )
    )

    return write_a4(
        target,
        story,
        side=margin,
        top=margin,
        bottom=margin,
        title=title_text(contents),
        subject=contents.operation_title,
    )

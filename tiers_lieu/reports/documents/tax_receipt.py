"""A donation's tax receipt, following Cerfa n° 11580*05 (« Reçu des dons et versements
effectués par les particuliers au titre des articles 200 et 978 du code général des impôts »),
and the plain receipt of a membership fee, as A4 PDFs.

The tax receipt keeps the form's order and wording: the receipt's number, the beneficiary
(name, SIREN or RNA, address, object, its quality ticked among the form's boxes), the donor
(name, address), the sum in figures and in words, the date of the gift, the articles
certified, the form, nature and method of the gift, then the date and the signatory. The boxes
are drawn ☒ ticked, ☐ not. Written from :class:`~tiers_lieu.services.till.donations.TaxReceipt`
and :class:`~.MembershipReceipt`; reportlab is imported inside the functions (start-up time).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.services.till.billing import RECEIPT_QUALITIES
from tiers_lieu.services.till.donations import (
    CASH,
    KIND,
    SECURITIES,
    MembershipReceipt,
    TaxReceipt,
    amount_in_words,
    method_label,
)

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

TICKED = "☒"
EMPTY = "☐"
_LINE = "#1f3b73"
_SHADE = "#e8edf5"


def box(ticked: bool, label: str) -> str:
    """A box of the form and its label, as a paragraph's markup."""
    return f"{TICKED if ticked else EMPTY}&nbsp;{escape(label)}"


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

        register_fonts()
        self.title = ParagraphStyle("title", fontName=BOLD, fontSize=12.5, leading=15, alignment=1)
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=REGULAR, fontSize=9, leading=11, alignment=1
        )
        self.band = ParagraphStyle(
            "band", fontName=BOLD, fontSize=10, leading=12, textColor="white", alignment=1
        )
        self.text = ParagraphStyle("text", fontName=REGULAR, fontSize=9, leading=11.5)
        self.bold = ParagraphStyle("bold", parent=self.text, fontName=BOLD)
        self.small = ParagraphStyle(
            "small", fontName=REGULAR, fontSize=7, leading=8.5, textColor="#444444"
        )
        self.number = ParagraphStyle("number", fontName=BOLD, fontSize=12, leading=15, alignment=1)
        self.big = ParagraphStyle("big", fontName=BOLD, fontSize=11, leading=14)
        self.mark = ParagraphStyle(
            "mark", fontName=BOLD, fontSize=14, leading=17, textColor="#b00020", alignment=1
        )


def _band(text: str, styles: _Styles, width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import REGULAR

    table = Table([[Paragraph(escape(text), styles.band)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_LINE)),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _framed(rows: list[list[Any]], widths: list[float], *, shade_first: bool = False) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import REGULAR

    table = Table(rows, colWidths=widths)
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(_LINE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
    ]
    if shade_first:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor(_SHADE)))
    table.setStyle(TableStyle(style))
    return table


def _p(text: str, style: ParagraphStyle) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def _address(address: str, postal_code: str, city: str) -> str:
    return escape(", ".join(p for p in (address, f"{postal_code} {city}".strip()) if p))


def write_tax_receipt(receipt: TaxReceipt, path: Path) -> Path:
    """Write ``receipt`` as an A4 PDF at ``path`` (overwritten) and return ``path``."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    from tiers_lieu.reports.pdf_parts.fonts import REGULAR
    from tiers_lieu.reports.pdf_parts.sheets import write_a4

    s = _Styles()
    width = 182 * mm
    who = receipt.beneficiary
    donor = receipt.donor
    head = Table(
        [
            [
                _p(f"<b>cerfa</b><br/>N° {escape(receipt.cerfa)}", s.text),
                [
                    _p(
                        escape(_("Reçu des dons et versements effectués par les particuliers")),
                        s.title,
                    ),
                    _p(
                        escape(_("au titre des articles 200 et 978 du code général des impôts")),
                        s.subtitle,
                    ),
                ],
                [
                    _p(escape(_("Numéro d'ordre du reçu")), s.small),
                    _p(escape(receipt.number), s.number),
                ],
            ]
        ],
        colWidths=[28 * mm, 114 * mm, 40 * mm],
    )
    head.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("BOX", (0, 0), (-1, -1), 1, colors.HexColor(_LINE)),
                ("LINEBEFORE", (1, 0), (2, 0), 0.6, colors.HexColor(_LINE)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story: list[Any] = [head]
    if receipt.duplicate:
        story += [Spacer(1, 2 * mm), _p(escape(_("DUPLICATA")), s.mark)]
    story += [Spacer(1, 3 * mm), _band(_("Bénéficiaire des versements"), s, width)]
    label = 44 * mm
    # The settings keep the box's label (its French id, or as shown then in another language).
    known = {q: _(q) for q in RECEIPT_QUALITIES}
    other = "Autre organisme"
    ticked = next((q for q, shown in known.items() if who.quality in (q, shown)), other)
    qualities = [box(ticked == q, shown) for q, shown in known.items() if q != other]
    if ticked != other or who.quality in (other, known.get(other)):
        qualities.append(box(ticked == other, known.get(other, other)))
    else:
        qualities.append(box(True, f"{known.get(other, other)} : {who.quality}"))
    story.append(
        _framed(
            [
                [_p(escape(_("Nom ou dénomination :")), s.text), _p(escape(who.name), s.bold)],
                [_p(escape(_("N° SIREN ou RNA :")), s.text), _p(escape(who.siren_or_rna), s.text)],
                [
                    _p(escape(_("Adresse :")), s.text),
                    _p(_address(who.address, who.postal_code, who.city), s.text),
                ],
                [_p(escape(_("Objet :")), s.text), _p(escape(who.object), s.text)],
                [
                    _p(escape(_("Qualité de l'organisme (case cochée) :")), s.text),
                    [_p(q, s.small) for q in qualities],
                ],
            ],
            [label, width - label],
            shade_first=True,
        )
    )
    story += [Spacer(1, 3 * mm), _band(_("Donateur"), s, width)]
    story.append(
        _framed(
            [
                [_p(escape(_("Nom :")), s.text), _p(escape(donor.last_name), s.bold)],
                [_p(escape(_("Prénoms :")), s.text), _p(escape(donor.first_name), s.text)],
                [
                    _p(escape(_("Adresse :")), s.text),
                    _p(_address(donor.address, donor.postal_code, donor.city), s.text),
                ],
            ],
            [label, width - label],
            shade_first=True,
        )
    )
    words = amount_in_words(receipt.amount_cents)
    story += [
        Spacer(1, 3 * mm),
        _p(
            escape(
                _(
                    "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements "
                    "ouvrant droit à réduction d'impôt, la somme de :"
                )
            ),
            s.text,
        ),
        Spacer(1, 1 * mm),
        _framed(
            [
                [
                    _p(f"*** {escape(format_eur(receipt.amount_cents))} ***", s.big),
                    _p(
                        escape(_("Somme en toutes lettres :")) + f" <b>{escape(words)}</b>",
                        s.text,
                    ),
                ]
            ],
            [50 * mm, width - 50 * mm],
        ),
        Spacer(1, 2 * mm),
        _p(
            escape(_("Date du versement ou du don :"))
            + f" <b>{escape(format_date(receipt.received_on, 'long'))}</b>",
            s.text,
        ),
        Spacer(1, 3 * mm),
        _p(
            escape(
                _(
                    "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il "
                    "reçoit ouvrent droit à la réduction d'impôt prévue à l'article :"
                )
            ),
            s.bold,
        ),
        _p(
            "&nbsp;&nbsp;&nbsp;".join(
                box(article in receipt.articles, _("{article} du CGI").format(article=article))
                for article in ("200", "978")
            ),
            s.text,
        ),
        Spacer(1, 2 * mm),
    ]
    nature_kind = receipt.form == KIND
    rows = [
        [
            _p(escape(_("Forme du don :")), s.bold),
            _p(
                "&nbsp;&nbsp;".join(
                    [
                        box(False, _("Acte authentique")),
                        box(False, _("Acte sous seing privé")),
                        box(True, _("Déclaration de don manuel")),
                        box(False, _("Autres")),
                    ]
                ),
                s.text,
            ),
        ],
        [
            _p(escape(_("Nature du don :")), s.bold),
            [
                _p(
                    "&nbsp;&nbsp;".join(
                        [
                            box(receipt.form == CASH, _("Numéraire")),
                            box(receipt.form == SECURITIES, _("Titres de sociétés cotés")),
                            box(nature_kind, _("Autres")),
                        ]
                    ),
                    s.text,
                ),
                *(
                    [
                        _p(
                            escape(
                                _("Don en nature : {what}, valeur estimée {value}").format(
                                    what=receipt.description,
                                    value=format_eur(receipt.amount_cents),
                                )
                            ),
                            s.text,
                        )
                    ]
                    if nature_kind
                    else []
                ),
            ],
        ],
        [
            _p(escape(_("En cas de don en numéraire, mode de versement du don :")), s.bold),
            _p(
                "&nbsp;&nbsp;".join(
                    [
                        box(
                            receipt.form == CASH and receipt.method == "cash", _("Remise d'espèces")
                        ),
                        box(receipt.form == CASH and receipt.method == "cheque", _("Chèque")),
                        box(
                            receipt.form == CASH and receipt.method in ("transfer", "card"),
                            _("Virement, prélèvement, carte bancaire"),
                        ),
                    ]
                ),
                s.text,
            ),
        ],
    ]
    story.append(_framed(rows, [50 * mm, width - 50 * mm]))
    signatory = ", ".join(p for p in (receipt.signatory_name, receipt.signatory_quality) if p)
    story += [
        Spacer(1, 5 * mm),
        Table(
            [
                [
                    "",
                    [
                        _p(escape(_("Date et signature")), s.bold),
                        _p(
                            escape(
                                _("Le {day}").format(day=format_date(receipt.issued_on, "long"))
                            ),
                            s.text,
                        ),
                        _p(escape(signatory), s.text),
                        Spacer(1, 18 * mm),
                    ],
                ]
            ],
            colWidths=[width - 80 * mm, 80 * mm],
            style=[("FONT", (0, 0), (-1, -1), REGULAR)],
        ),
        Spacer(1, 4 * mm),
        _p(
            escape(
                _(
                    "L'organisme bénéficiaire peut cocher une ou deux cases. Ce reçu est à "
                    "conserver : il justifie la réduction d'impôt déclarée."
                )
            ),
            s.small,
        ),
    ]
    title = _("Reçu fiscal n° {number}").format(number=receipt.number)
    return write_a4(path, story, side=14 * mm, top=12 * mm, bottom=12 * mm, title=title)


def write_membership_receipt(receipt: MembershipReceipt, path: Path) -> Path:
    """Write the receipt of a membership fee as an A4 PDF at ``path`` and return it."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table

    from tiers_lieu.reports.pdf_parts.fonts import REGULAR
    from tiers_lieu.reports.pdf_parts.sheets import write_a4

    s = _Styles()
    width = 182 * mm
    organisation = [_p(escape(receipt.organisation), s.big)]
    where = _address(receipt.address, receipt.postal_code, receipt.city)
    if where:
        organisation.append(_p(where, s.text))
    if receipt.siren_or_rna:
        organisation.append(
            _p(escape(_("SIREN ou RNA : {n}").format(n=receipt.siren_or_rna)), s.text)
        )
    payments = [
        [
            _p(escape(_("Date")), s.bold),
            _p(escape(_("Moyen de paiement")), s.bold),
            _p(escape(_("Montant")), s.bold),
        ]
    ] + [
        [
            _p(escape(format_date(day)), s.text),
            _p(escape(method_label(method)), s.text),
            _p(escape(format_eur(amount)), s.text),
        ]
        for day, method, amount in receipt.payments
    ]
    story: list[Any] = [
        *organisation,
        Spacer(1, 8 * mm),
        _band(_("Reçu de cotisation"), s, width),
        Spacer(1, 5 * mm),
        _p(
            escape(
                _(
                    "{organisation} reconnaît avoir reçu de {member} la somme de {amount} "
                    "({words}) au titre de sa cotisation pour la période du {start} au {end}."
                ).format(
                    organisation=receipt.organisation,
                    member=receipt.member,
                    amount=format_eur(receipt.paid_cents),
                    words=amount_in_words(receipt.paid_cents),
                    start=format_date(receipt.start_date, "long"),
                    end=format_date(receipt.end_date, "long"),
                )
            ),
            s.text,
        ),
        Spacer(1, 4 * mm),
        _framed(payments, [50 * mm, 70 * mm, 40 * mm]),
        Spacer(1, 4 * mm),
        _p(
            escape(
                _(
                    "Ce reçu atteste le paiement d'une cotisation ; ce n'est pas un reçu "
                    "fiscal de don."
                )
            ),
            s.small,
        ),
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    "",
                    [
                        _p(
                            escape(
                                _("Fait le {day}").format(
                                    day=format_date(receipt.issued_on, "long")
                                )
                            ),
                            s.text,
                        ),
                        _p(escape(receipt.signatory_name), s.text),
                        Spacer(1, 18 * mm),
                    ],
                ]
            ],
            colWidths=[width - 80 * mm, 80 * mm],
            style=[("FONT", (0, 0), (-1, -1), REGULAR)],
        ),
    ]
    return write_a4(
        path, story, side=14 * mm, top=14 * mm, bottom=14 * mm, title=_("Reçu de cotisation")
    )

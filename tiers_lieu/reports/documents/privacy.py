"""Documents of the GDPR kit: the person's own copy of their data (PDF), the information
notice for the desk (PDF) and the register of processing (Markdown).

The register and the notice are written from the place's name, address and retention
settings (:class:`~tiers_lieu.services.privacy.PlaceFacts`), so they say what the software
really does; the coordinator exports the register and adapts it (the legal basis or a partner
may differ from place to place). The person's copy is written from what
:meth:`~tiers_lieu.services.privacy.PrivacyService.person_copy` gathered (and audited).
reportlab is imported inside the PDF writers (start-up time), with DejaVu Sans embedded
through :mod:`tiers_lieu.reports.pdf_parts.fonts` (French text, U+202F in amounts).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tiers_lieu.i18n import _, format_date, ngettext, to_place_time
from tiers_lieu.services.person_records import SECTIONS as FURTHER_SECTIONS
from tiers_lieu.services.privacy import PersonCopy, PlaceFacts


def _months(n: int) -> str:
    if n == 0:
        return _("sans limite de durée")
    if n % 12 == 0:
        years = n // 12
        return ngettext("{n} an", "{n} ans", years).format(n=years)
    return ngettext("{n} mois", "{n} mois", n).format(n=n)  # English: 1 month, 5 months


def register_of_processing(facts: PlaceFacts) -> str:
    """One entry of the register (art. 30 GDPR) for the register of people of Comptoir."""
    site, address, ret = facts.site, facts.address, facts.retention
    lines = [
        _("# Registre des traitements — {site}").format(site=site),
        "",
        _("## Traitement : accueil, services et accompagnement des personnes"),
        "",
        _("- **Responsable du traitement** : {site}, {address}").format(
            site=site, address=address or _("(adresse à compléter)")
        ),
        _(
            "- **Finalités** : accueil et orientation du public, adhésions, réservations "
            "d'espaces, AMAP, épicerie solidaire, accompagnement aux démarches administratives, "
            "statistiques anonymes pour les financeurs."
        ),
        _(
            "- **Base légale** : intérêt légitime (accueil, statistiques), exécution d'un "
            "contrat (adhésion, réservation, AMAP), consentement (lettre d'information, "
            "suivi nominatif des démarches)."
        ),
        _(
            "- **Personnes concernées** : usagers, adhérents, coworkers, foyers AMAP, "
            "intervenants, bénévoles."
        ),
        _(
            "- **Données** : nom, prénom, coordonnées facultatives, commune, année de naissance "
            "ou tranche d'âge, catégories de public, historique d'activité ; pour les démarches, "
            "thème, type d'aide et une note courte. Aucun mot de passe de service en ligne ni "
            "motif de santé n'est enregistré."
        ),
        _(
            "- **Destinataires** : l'équipe du lieu selon son rôle ; les financeurs ne "
            "reçoivent que des chiffres agrégés."
        ),
        _("- **Transferts hors UE** : aucun (logiciel installé sur l'ordinateur du lieu)."),
        _("- **Durées de conservation** :"),
        _("  - détails et notes des démarches : {d} après le dernier contact").format(
            d=_months(ret.assistance_months)
        ),
        _("  - personnes sans activité : {d}, puis anonymisation").format(
            d=_months(ret.inactive_people_months)
        ),
        _("  - journal des actions sensibles : {d}").format(d=_months(ret.audit_months)),
        _(
            "- **Sécurité** : comptes nominatifs, mots de passe hachés, rôles, journal des "
            "actions sensibles, sauvegardes."
        ),
        _(
            "- **Droits** : accès, rectification, effacement, opposition ; exercés à l'accueil "
            "ou par écrit auprès du lieu."
        ),
        "",
    ]
    return "\n".join(lines)


def _notice_paragraphs(facts: PlaceFacts) -> list[str]:
    site, address, ret = facts.site, facts.address, facts.retention
    return [
        _("Ce que nous faisons de vos données"),
        _(
            "{site} enregistre le minimum nécessaire pour vous accueillir : votre nom, et si "
            "vous le souhaitez un moyen de vous joindre, votre commune et votre tranche d'âge."
        ).format(site=site),
        _(
            "Ces informations servent à l'accueil, aux adhésions, aux réservations, à l'AMAP, "
            "à l'épicerie et à l'aide aux démarches. Nos financeurs ne reçoivent que des "
            "chiffres globaux, jamais votre nom."
        ),
        _("Nous ne notons jamais vos mots de passe ni de raison de santé."),
        _(
            "Les notes sur vos démarches sont effacées {a} après votre dernier passage ; "
            "si vous ne venez plus, vos données sont anonymisées au bout de {b}."
        ).format(a=_months(ret.assistance_months), b=_months(ret.inactive_people_months)),
        _(
            "Vous pouvez à tout moment demander à l'accueil une copie de vos données, les "
            "corriger ou les faire effacer. Vous pouvez aussi saisir la CNIL (www.cnil.fr)."
        ),
        _("Contact : {site}, {address}").format(site=site, address=address)
        if address
        else _("Contact : {site}").format(site=site),
    ]


def write_notice_pdf(facts: PlaceFacts, path: Path) -> Path:
    """The information notice for the desk, large print, at ``path``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    title = ParagraphStyle("t", fontName=BOLD, fontSize=20, leading=26, spaceAfter=8 * mm)
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=13, leading=19, spaceAfter=5 * mm)
    head, *rest = _notice_paragraphs(facts)
    story: list[Any] = [Paragraph(_escape(head), title)]
    story += [Paragraph(_escape(p), body) for p in rest]
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, title=head, author=facts.site, initialFontName=REGULAR
    )
    doc.build(story)
    return path


def _day(iso: str) -> str:
    """A day of the export's data (ISO text) as the screen shows it: « 10/01/2026 »."""
    return format_date(date.fromisoformat(iso[:10]))


def _instant_day(iso: str, zone: ZoneInfo, fmt: str = "long") -> str:
    """The day of an instant of the export's data (ISO text, UTC) on the place's clock."""
    return format_date(to_place_time(datetime.fromisoformat(iso), zone).date(), fmt)


def write_person_pdf(copy: PersonCopy, path: Path) -> Path:
    """The person's own copy of their data, in plain French sections; dates in words or
    « 10/01/2026 » as on the screen, instants on the place's clock."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=16, spaceBefore=4 * mm)
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=10, leading=14)
    data, zone = copy.data, copy.zone
    person = data["person"]
    name = " ".join(x for x in (person["first_name"], person["last_name"]) if x)
    story: list[Any] = [
        Paragraph(_escape(_("Vos données enregistrées à {site}").format(site=data["site"])), h1),
        Paragraph(
            _escape(_("Copie éditée le {day}").format(day=_instant_day(data["exported_at"], zone))),
            body,
        ),
        Paragraph(_escape(_("Identité et coordonnées")), h2),
    ]
    for label, value in (
        (_("Nom"), name or person["organisation"]),
        (_("Organisation"), person["organisation"]),
        (_("Téléphone"), person["phone"]),
        (_("Courriel"), person["email"]),
        (_("Commune"), person["commune"]),
        (_("Année de naissance"), str(person["birth_year"] or "")),
        (_("Inscrit·e le"), format_date(date.fromisoformat(person["registered_on"]), "long")),
    ):
        if value:
            story.append(Paragraph(_escape(f"{label} : {value}"), body))
    consent = data["consent"]
    story.append(Paragraph(_escape(_("Consentement")), h2))
    if consent["given_at"]:
        story.append(
            Paragraph(
                _escape(
                    _("Donné le {day} pour : {purpose}").format(
                        day=_instant_day(consent["given_at"], zone), purpose=consent["purpose"]
                    )
                ),
                body,
            )
        )
    if consent["withdrawn_at"]:
        story.append(
            Paragraph(
                _escape(
                    _("Retiré le {day}").format(day=_instant_day(consent["withdrawn_at"], zone))
                ),
                body,
            )
        )
    if not consent["given_at"]:
        story.append(Paragraph(_escape(_("Aucun consentement enregistré.")), body))
    sections = (
        ("memberships", _("Adhésions")),
        ("bookings", _("Réservations")),
        ("passes", _("Pass coworking")),
        ("amap", _("AMAP")),
        ("purchases", _("Achats")),
        ("assistance", _("Aide aux démarches")),
        *((key, _(title)) for key, title in FURTHER_SECTIONS),
    )
    for key, label in sections:
        items = data[key]
        if not items:
            continue
        story.append(Paragraph(_escape(label), h2))
        for item in items:
            text = " — ".join(x for x in (_day(item["date"]), item["what"], item["detail"]) if x)
            story.append(Paragraph(_escape(text), body))
    if data["visits"]:
        story.append(Paragraph(_escape(_("Passages")), h2))
        for v in data["visits"]:
            story.append(Paragraph(_escape(f"{_day(v['date'])} — {v['service']}"), body))
    if data["events"]:
        story.append(Paragraph(_escape(_("Ateliers et animations")), h2))
        for e in data["events"]:
            story.append(Paragraph(_escape(f"{_day(e['date'])} — {e['title']}"), body))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            _escape(_("Pour corriger ou effacer ces données, adressez-vous à l'accueil.")), body
        )
    )
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=_("Vos données"),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        initialFontName=REGULAR,  # else Helvetica is declared, not embedded
    )
    doc.build(story)
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

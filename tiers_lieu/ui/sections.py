"""The main window's sections, declared once: key, title and how to build each.

The window only walks this list, so a later issue fills a section by changing its ``build``
here, not by touching the window. A section is built on its first visit (start-up stays fast
on the desk's old laptop); a read-only one offers ``refresh()``, called when it is shown
again, and one that edits the place emits ``site_updated(SiteInfo)`` so the window follows.

Until an area has its own screens, its section shows an :class:`EmptyState` that says what
the section will hold and what the host can do in the meantime. « Accueil » is useful from
the first day: the place, today's date and opening hours, and what the database holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _, format_date, format_time, ngettext, weekday_name
from tiers_lieu.services.config import public_holidays
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo, UserInfo
from tiers_lieu.ui.widgets import EmptyState, SectionHeader


@dataclass(frozen=True)
class SectionContext:
    """What every section is built from: the wired services, the place and who is signed in."""

    app: Comptoir
    site: SiteInfo | None
    user: UserInfo | None


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid, translated when shown
    build: Callable[[SectionContext], QWidget]
    # Read-only sections reload when shown again; forms keep what the user was typing.
    refresh_on_show: bool = False


def no_site_state() -> EmptyState:
    return EmptyState(
        _("Aucun lieu n'est configuré"),
        _(
            "Cette base de données ne contient encore aucun lieu. Fermez puis rouvrez Comptoir : "
            "l'assistant de premier démarrage vous guidera pour décrire le lieu et créer le "
            "compte de coordination."
        ),
    )


def today_hours_text(ranges: list[OpeningRange], day: date, closure: str | None = None) -> str:
    """One sentence for the host: open today from … to …, or why the place is closed."""
    holiday = public_holidays(day.year).get(day)
    if holiday:
        return _("Fermé aujourd'hui : {name} (jour férié).").format(name=holiday)
    if closure is not None:
        if closure:
            return _("Fermé aujourd'hui : {reason}.").format(reason=closure)
        return _("Fermé aujourd'hui (fermeture exceptionnelle).")
    today = [r for r in ranges if r.weekday == day.weekday()]
    if not today:
        return _("Le lieu n'ouvre pas le {weekday}.").format(weekday=weekday_name(day.weekday()))
    spans = [
        _("de {opens} à {closes}").format(
            opens=format_time(r.opens_at), closes=format_time(r.closes_at)
        )
        for r in today
    ]
    joined = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + _(" et ") + spans[-1]
    return _("Ouvert aujourd'hui {spans}.").format(spans=joined)


class HomeSection(QWidget):
    """« Accueil »: the place, today, its opening hours and what the database holds."""

    def __init__(self, context: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = SectionHeader("", self)
        self.place_line = QLabel(self)
        self.date_label = QLabel(self)
        self.hours_label = QLabel(self)
        self.hours_label.setWordWrap(True)
        self.week_form = QFormLayout()
        self.counts_label = QLabel(self)
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        hint = QLabel(
            _(
                "Passez d'une section à l'autre avec Ctrl+1 à Ctrl+8. Les horaires, les services "
                "et les communes du territoire se règlent dans Paramètres (Ctrl+8)."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("homeHint")

        font = self.date_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.date_label.setFont(font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.place_line)
        layout.addWidget(_rule(self))
        layout.addWidget(self.date_label)
        layout.addWidget(self.hours_label)
        layout.addSpacing(8)
        layout.addWidget(SubHeading(_("Horaires de la semaine"), self))
        layout.addLayout(self.week_form)
        layout.addSpacing(8)
        layout.addWidget(SubHeading(_("Dans la base de données"), self))
        layout.addWidget(self.counts_label)
        layout.addSpacing(8)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        site = self._context.site
        if site is None:
            return
        app = self._context.app
        day = today or date.today()
        self.title.setText(site.name)
        place = site.commune_name or _("Commune non renseignée")
        if site.insee_code:
            place = _("{commune} (code INSEE {code})").format(commune=place, code=site.insee_code)
        self.place_line.setText(place)
        full = format_date(day, "full")
        self.date_label.setText(full[:1].upper() + full[1:])

        ranges = app.config.opening_hours(site.id)
        closure = next(
            (
                c.reason
                for c in app.config.list_closures(site.id)
                if c.start_date <= day <= c.end_date
            ),
            None,
        )
        self.hours_label.setText(today_hours_text(ranges, day, closure))
        self._fill_week(ranges)

        services = len(app.config.list_services(site.id))
        communes = len(app.communes.list_communes(site.id))
        accounts = len(app.accounts.list_users())
        sites = len(app.sites.list_sites())
        lines = [
            ngettext("{n} service proposé", "{n} services proposés", services).format(n=services),
            ngettext("{n} commune enregistrée", "{n} communes enregistrées", communes).format(
                n=communes
            ),
            ngettext("{n} compte utilisateur", "{n} comptes utilisateurs", accounts).format(
                n=accounts
            ),
            ngettext("{n} lieu dans cette base", "{n} lieux dans cette base", sites).format(
                n=sites
            ),
        ]
        self.counts_label.setText("\n".join("• " + line for line in lines))

    def _fill_week(self, ranges: list[OpeningRange]) -> None:
        while self.week_form.rowCount():
            self.week_form.removeRow(0)
        for weekday in range(7):
            spans = [
                _("{opens} – {closes}").format(
                    opens=format_time(r.opens_at), closes=format_time(r.closes_at)
                )
                for r in ranges
                if r.weekday == weekday
            ]
            name = weekday_name(weekday)
            text = ", ".join(spans) if spans else _("fermé")
            label = _("{day} :").format(day=name[:1].upper() + name[1:])
            self.week_form.addRow(label, QLabel(text, self))


class SubHeading(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        font = self.font()
        font.setBold(True)
        self.setFont(font)


def _rule(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _home(context: SectionContext) -> QWidget:
    return no_site_state() if context.site is None else HomeSection(context)


def _settings(context: SectionContext) -> QWidget:
    if context.site is None:
        return no_site_state()
    from tiers_lieu.ui.settings import SettingsSection  # first visit only: keeps start-up fast

    return SettingsSection(context.app, context.site, context.user)


def _empty(title: str, explanation: str) -> Callable[[SectionContext], QWidget]:
    def build(context: SectionContext) -> QWidget:
        if context.site is None:
            return no_site_state()
        return EmptyState(_(title), _(explanation))

    return build


SECTIONS: tuple[Section, ...] = (
    Section("accueil", N_("Accueil"), _home, refresh_on_show=True),
    Section(
        "agenda",
        N_("Agenda"),
        _empty(
            N_("Agenda des postes et des créneaux"),
            N_(
                "Cette section réunira les réservations des postes de coworking, de la salle "
                "de réunion et des créneaux santé, au jour et à la semaine, avec l'arrivée, "
                "l'annulation et l'absence de chaque personne.\n\nEn attendant, gardez votre "
                "agenda habituel et vérifiez les horaires d'ouverture et les fermetures du lieu "
                "dans Paramètres (Ctrl+8)."
            ),
        ),
    ),
    Section(
        "visites",
        N_("Visites et ateliers"),
        _empty(
            N_("Visites et ateliers"),
            N_(
                "Ici, chaque visite se comptera d'une touche, service par service, et les "
                "ateliers garderont la liste de leurs participants.\n\nEn attendant, continuez "
                "votre feuille de comptage : une feuille avec les colonnes date, service et "
                "nombre pourra être reprise telle quelle."
            ),
        ),
    ),
    Section(
        "demarches",
        N_("Démarches"),
        _empty(
            N_("Aide aux démarches"),
            N_(
                "Cette section enregistrera chaque démarche accompagnée (organisme, thème, type "
                "d'aide, durée, issue, orientation) et suivra les personnes qui doivent "
                "revenir.\n\nEn attendant, notez vos accompagnements comme d'habitude : les "
                "colonnes date, organisme, thème, type, durée et issue pourront être reprises."
            ),
        ),
    ),
    Section(
        "epicerie",
        N_("Épicerie et AMAP"),
        _empty(
            N_("Épicerie et AMAP"),
            N_(
                "Cette section tiendra les producteurs, les produits et leur stock, la caisse "
                "de l'épicerie, ainsi que les contrats AMAP, les distributions de paniers et les "
                "paniers solidaires.\n\nEn attendant, gardez votre cahier de caisse et vos "
                "feuilles d'émargement AMAP."
            ),
        ),
    ),
    Section(
        "personnes",
        N_("Personnes"),
        _empty(
            N_("Personnes et adhésions"),
            N_(
                "Cette section tiendra les personnes qui le souhaitent, leurs adhésions et leur "
                "consentement, avec l'export et l'effacement de leurs données sur demande "
                "(RGPD).\n\nEn attendant, accueillez comme d'habitude : les visites se comptent "
                "sans nom, personne n'a besoin d'être enregistré pour être accueilli."
            ),
        ),
    ),
    Section(
        "rapports",
        N_("Rapports"),
        _empty(
            N_("Rapports d'activité"),
            N_(
                "Cette section produira le rapport d'activité LEADER en PDF, avec les mêmes "
                "chiffres en tableur (XLSX) et en CSV, pour la période et le lieu choisis.\n\n"
                "En attendant, vérifiez dans Paramètres (Ctrl+8) le nom du lieu et son code "
                "INSEE : ils figureront sur la couverture du rapport."
            ),
        ),
    ),
    Section("parametres", N_("Paramètres"), _settings),
)


def section_index(key: str) -> int:
    for index, section in enumerate(SECTIONS):
        if section.key == key:
            return index
    raise KeyError(key)

"""« Fiche publique » : what the national listing of digital-inclusion places publishes about
the place and the base does not know (SIRET or RNA, telephone, e-mails, web sites,
presentation, coordinates, services, publics, fees, national programmes…).

Name, address, commune, INSEE code and opening hours come from the « Lieu » and « Horaires
d'ouverture » tabs; the line at the top shows them as they will be published (the hours in
OpenStreetMap's syntax). Four pages, so that every field has its Alt letter and each fits a
1024×600 screen: « Identité et contact », « Présentation et liens », « Offre et publics »,
« Accès et labels ». The schema's value lists are checkable lists (arrows, then Space). The
whole card is saved in one call (Ctrl+S); the service checks it, and a refusal names the
field, whose page is then shown with the focus on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services import official_communes
from tiers_lieu.services.public_card import PublicCard, osm_opening_hours
from tiers_lieu.services.public_card_checks import split_values
from tiers_lieu.services.public_card_vocabulary import (
    CHOICES,
    MAX_SUMMARY,
    MAX_TEXT,
    MAX_URL,
    TYPOLOGIES,
    field_label,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.fit import scrolled
from tiers_lieu.ui.loading import refresh_when_shown

VISIBLE_ROWS = 9  # a longer list scrolls inside itself


class CheckList(QListWidget):
    """One of the schema's value lists: an item per value, checked when chosen (Space)."""

    def __init__(
        self,
        values: Sequence[str],
        parent: QWidget,
        *,
        labels: dict[str, str],
        rows: int = VISIBLE_ROWS,
    ) -> None:
        super().__init__(parent)
        for value in values:
            item = QListWidgetItem(labels.get(value, value), self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(item.text())
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
        # Checked is what counts: no selection highlight to take for it (the focus frame
        # shows the current item; Space checks it).
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        rows = min(len(values), rows)
        height = self.sizeHintForRow(0) * rows if values else 0
        self.setFixedHeight(height + 2 * self.frameWidth() + 4)
        if values:
            self.setCurrentRow(0)

    def set_checked(self, chosen: Sequence[str]) -> None:
        wanted = set(chosen)
        for index in range(self.count()):
            item = self.item(index)
            state = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)

    def checked(self) -> tuple[str, ...]:
        return tuple(
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )


class PublicCardTab(QWidget):
    """The place's card in the national listing."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._stored: PublicCard | None = None  # read when first shown
        self.fields: dict[str, QWidget] = {}
        self._page_of: dict[str, int] = {}

        intro = QLabel(
            _(
                "La fiche du lieu au standard national des lieux de médiation numérique "
                "(cartographie nationale, export « lieu »). Le nom, l'adresse, la commune et les "
                "horaires viennent des onglets « Lieu » et « Horaires d'ouverture »."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.from_place = QLabel(self)
        self.from_place.setWordWrap(True)
        self.from_place.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scrolled(self._identity_page()), _("Identité et contact"))
        self.tabs.addTab(scrolled(self._presentation_page()), _("Présentation et liens"))
        self.tabs.addTab(scrolled(self._offer_page()), _("Offre et publics"))
        self.tabs.addTab(scrolled(self._access_page()), _("Accès et labels"))

        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.save_button.clicked.connect(self.on_save_clicked)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.revert_button = QPushButton(_("Annuler les &modifications"), self)
        self.revert_button.clicked.connect(self.refresh)
        self.status = StatusLabel(self, zone=self._site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.from_place)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.shown = refresh_when_shown(self)  # read when first on screen
        # New opening hours change the line above the form, never what is being typed.
        self.changes.watch(self, [Topic.CALENDAR], self._show_place)

    # -- pages ----------------------------------------------------------------------------
    def _line(self, name: str, page: int, *, limit: int, hint: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaxLength(limit)
        if hint:
            edit.setPlaceholderText(hint)
        edit.setAccessibleName(field_label(name))
        self.fields[name] = edit
        self._page_of[name] = page
        return edit

    def _text(self, name: str, page: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setAccessibleName(field_label(name))
        self.fields[name] = edit
        self._page_of[name] = page
        return edit

    def _list(self, name: str, page: int) -> CheckList:
        labels = {code: f"{code} — {label}" for code, label in TYPOLOGIES.items()}
        typology = name == "typologie"  # 90 codes: TIERS_LIEUX first, the rest scrolls
        widget = CheckList(
            CHOICES[name], self, labels=labels if typology else {}, rows=6 if typology else 9
        )
        if typology:  # the code comes first; the whole label in the item's tooltip
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        widget.setAccessibleName(field_label(name))
        self.fields[name] = widget
        self._page_of[name] = page
        return widget

    def _label(self, text: str, field: QWidget, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setBuddy(field)
        return label

    def _identity_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        rows = [
            (
                _("&SIRET ou RNA :"),
                self._line("pivot", 0, limit=20, hint=_("14 chiffres, ou W et 9 chiffres")),
            ),
            (_("&Téléphone :"), self._line("telephone", 0, limit=30, hint=_("05 55 66 77 88"))),
            (
                _("&Courriels :"),
                self._line("courriels", 0, limit=MAX_URL, hint=_("séparés par des espaces")),
            ),
            (
                _("Site &web :"),
                self._line(
                    "site_web", 0, limit=MAX_URL, hint=_("https://… (séparés par des espaces)")
                ),
            ),
            (_("Code &postal :"), self._line("code_postal", 0, limit=5)),
            (
                _("Complément d'a&dresse :"),
                self._line("complement_adresse", 0, limit=MAX_TEXT, hint=_("étage, lieu-dit…")),
            ),
            (_("&Latitude :"), self._line("latitude", 0, limit=20, hint=_("par exemple 45.8873"))),
            (_("Lon&gitude :"), self._line("longitude", 0, limit=20, hint=_("par exemple 2.1744"))),
            (
                _("Structure pa&rente :"),
                self._line("structure_parente", 0, limit=MAX_TEXT, hint=_("réseau, collectivité…")),
            ),
            (
                _("S&ource des données :"),
                self._line("source", 0, limit=MAX_TEXT, hint=_("vide : le lieu lui-même")),
            ),
        ]
        for text, field in rows:
            form.addRow(self._label(text, field, page), field)
        hint = QLabel(
            _(
                "Coordonnées GPS (WGS84) : celles que donne adresse.data.gouv.fr pour l'adresse "
                "du lieu. Code postal vide : celui de la commune quand elle n'en a qu'un."
            ),
            page,
        )
        hint.setWordWrap(True)
        hint.setObjectName("settingsHint")
        form.addRow(hint)
        return page

    def _presentation_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        summary = self._text("presentation_resume", 1)
        summary.setFixedHeight(summary.fontMetrics().lineSpacing() * 4 + 12)
        self.summary_count = QLabel(page)
        summary.textChanged.connect(self._count_summary)
        top = QHBoxLayout()
        top.addWidget(self._label(_("Présentation &résumée :"), summary, page))
        top.addStretch(1)
        top.addWidget(self.summary_count)
        layout.addLayout(top)
        layout.addWidget(summary)
        detail = self._text("presentation_detail", 1)
        detail.setMinimumHeight(detail.fontMetrics().lineSpacing() * 4 + 12)
        layout.addWidget(self._label(_("Présentation &détaillée :"), detail, page))
        layout.addWidget(detail, 1)
        form = QFormLayout()
        access = self._line(
            "fiche_acces_libre", 1, limit=MAX_URL, hint=_("https://acceslibre.beta.gouv.fr/…")
        )
        booking = self._line("prise_rdv", 1, limit=MAX_URL, hint=_("https://…"))
        others = self._line("autres_formations_labels", 1, limit=MAX_TEXT)
        form.addRow(self._label(_("Fiche Accès li&bre :"), access, page), access)
        form.addRow(self._label(_("Prise de rendez-vous en li&gne :"), booking, page), booking)
        form.addRow(self._label(_("A&utres formations et labels :"), others, page), others)
        layout.addLayout(form)
        return page

    def _offer_page(self) -> QWidget:
        page = QWidget(self)
        self._columns(
            page,
            2,
            [
                (_("&Services :"), "services"),
                (_("Modalités d'acc&ompagnement :"), "modalites_accompagnement"),
            ],
            [
                (_("&Typologie :"), "typologie"),
                (_("&Publics spécifiquement adressés :"), "publics_specifiquement_adresses"),
                (_("Prise en &charge spécifique :"), "prise_en_charge_specifique"),
            ],
        )
        return page

    def _access_page(self) -> QWidget:
        page = QWidget(self)
        self._columns(
            page,
            3,
            [
                (_("Modalités d'a&ccès :"), "modalites_acces"),
                (_("Frais à c&harge :"), "frais_a_charge"),
                (_("Itiné&rance :"), "itinerance"),
            ],
            [
                (_("&Dispositifs et programmes nationaux :"), "dispositif_programmes_nationaux"),
                (_("Formations et &labels :"), "formations_labels"),
            ],
        )
        return page

    def _columns(self, page: QWidget, index: int, *columns: list[tuple[str, str]]) -> None:
        """Two columns of checkable lists, each under its label."""
        row = QHBoxLayout(page)
        for column in columns:
            stack = QVBoxLayout()
            for text, name in column:
                widget = self._list(name, index)
                stack.addWidget(self._label(text, widget, page))
                stack.addWidget(widget)
            stack.addStretch(1)
            row.addLayout(stack, 1)

    def _count_summary(self) -> None:
        edit = self.fields["presentation_resume"]
        assert isinstance(edit, QPlainTextEdit)
        self.summary_count.setText(
            _("{n} / {limit}").format(n=len(edit.toPlainText()), limit=MAX_SUMMARY)
        )

    # -- reading and saving ---------------------------------------------------------------
    def set_site(self, site: SiteInfo) -> None:
        """The place was saved (its name, its address): the line above the form follows."""
        self._site = site
        self._show_place()

    def refresh(self) -> None:
        card = self._app.config.public_card(self._site.id)
        self._stored = card
        self.show_card(card)
        self._show_place()

    def _show_place(self) -> None:
        """The line of what the card publishes from the place (once the card is read)."""
        card = self._stored
        if card is None:
            return
        site = self._site
        hours = osm_opening_hours(self._app.config.opening_hours(site.id)) or _("aucun")
        where = ", ".join(x for x in (site.address, site.commune_name) if x) or _(
            "adresse à saisir"
        )
        text = _("Publié aussi : {name}, {where} ; horaires : {hours}.").format(
            name=site.name, where=where, hours=hours
        )
        if card.updated_at is not None:
            day = card.updated_at.astimezone(site.zone).date()
            text += " " + _("Fiche enregistrée le {date}.").format(date=format_date(day, "long"))
        else:
            text += " " + _("Fiche jamais enregistrée.")
        self.from_place.setText(text)
        edit = self.fields["code_postal"]
        assert isinstance(edit, QLineEdit)
        official = (
            official_communes.by_code(site.insee_code)
            if site.insee_code and official_communes.is_loaded()
            else None
        )
        if official is not None and official.postal_codes:
            edit.setPlaceholderText(" ".join(official.postal_codes))
        else:
            edit.setPlaceholderText(_("par exemple 23500"))
            official_communes.preload()  # known next time, without waiting now

    def show_card(self, card: PublicCard) -> None:
        for name, widget in self.fields.items():
            value = getattr(card, name)
            if isinstance(widget, CheckList):
                widget.set_checked(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(" ".join(value) if isinstance(value, tuple) else value)
                widget.setCursorPosition(0)
        self._count_summary()

    def card(self) -> PublicCard:
        """What the form holds, unchecked (the service checks)."""
        values: dict[str, object] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, CheckList):
                values[name] = widget.checked()
            elif isinstance(widget, QPlainTextEdit):
                values[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                text = widget.text()
                several = name in ("courriels", "site_web")
                values[name] = split_values(name, text) if several else text
        return PublicCard(**values)  # type: ignore[arg-type]

    def on_save_clicked(self) -> None:
        try:
            saved = self._app.config.save_public_card(self._site.id, self.card())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Fiche publique non enregistrée"))
            if isinstance(exc, ValidationError):
                self.focus_field(exc.field)
            return
        self._stored = saved
        self.show_card(saved)
        self._show_place()
        self.status.confirm(_("Fiche publique enregistrée."))

    def focus_field(self, label: str) -> None:
        """Show the page of the field named ``label`` (as a message names it), focus it."""
        for name, widget in self.fields.items():
            if field_label(name) == label:
                self.tabs.setCurrentIndex(self._page_of[name])
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

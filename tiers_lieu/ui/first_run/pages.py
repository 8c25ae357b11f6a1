"""The pages of the first-run assistant: the place, its services, the coordinator's account
and the offer of demonstration data.

Pages only collect and check what can be checked without writing (the INSEE code through the
service's own check, the two passwords agreeing); the assistant writes everything at the
end, so that leaving half-way leaves the database untouched.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QRegularExpression, Qt, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from tiers_lieu.defaults import DEFAULT_SERVICES
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services import official_communes
from tiers_lieu.services.accounts import MIN_PASSWORD_LENGTH
from tiers_lieu.services.official_communes import OfficialCommune
from tiers_lieu.services.sites import check_insee
from tiers_lieu.ui.commune_suggestions import CommuneSuggestions, confirm_unknown, is_unknown
from tiers_lieu.ui.errors import show_error


def _explanation(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def username_from(display_name: str) -> str:
    """« Léa Dupont » → « lea.dupont »: a suggestion the coordinator may change."""
    plain = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.casefold()).split()
    return ".".join(words)[:60]


class PlacePage(QWizardPage):
    """The place: its name, commune and INSEE code. The commune is typed with suggestions
    from the official list, which fill in the INSEE code; a commune the list does not know
    is asked about before going on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Bienvenue dans Comptoir"))
        self.setSubTitle(_("Décrivez d'abord le lieu. Tout se modifie plus tard dans Paramètres."))
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(120)
        # A name starting with a space would only be trimmed away later.
        self.name_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"^\S.*$"), self.name_edit)
        )
        self.name_edit.setPlaceholderText(_("par exemple : Le Comptoir de Felletin"))
        self.commune_edit = QLineEdit(self)
        self.commune_edit.setMaxLength(120)
        self.insee_edit = QLineEdit(self)
        self.insee_edit.setMaxLength(5)
        self.insee_edit.setPlaceholderText(_("5 caractères, par exemple 23079"))
        self.commune_suggestions = CommuneSuggestions(self.commune_edit)
        self.commune_suggestions.chosen.connect(self.on_commune_chosen)
        self.commune_edit.textEdited.connect(self.on_commune_edited)
        self._filled_code = ""  # the INSEE code the list filled in, cleared with the name
        self._confirmed = ""  # an unknown commune the coordinator chose to keep
        form = QFormLayout()
        form.addRow(_("&Nom du lieu :"), self.name_edit)
        form.addRow(_("&Commune :"), self.commune_edit)
        form.addRow(_("Code &INSEE :"), self.insee_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            _explanation(
                _(
                    "Tapez le début du nom de la commune et choisissez-la dans la liste : son "
                    "code INSEE se remplit. Le code INSEE (facultatif) figure sur les rapports "
                    "d'activité ; il n'est pas le code postal."
                ),
                self,
            )
        )
        self.registerField("siteName*", self.name_edit)

    def _fill_code(self, code: str) -> None:
        self.insee_edit.setText(code)
        self._filled_code = code

    @Slot(object)
    def on_commune_chosen(self, commune: OfficialCommune) -> None:
        self._fill_code(commune.code)

    @Slot(str)
    def on_commune_edited(self, text: str) -> None:
        """A name typed whole, without picking a suggestion, gets its code if the list has
        one commune of that name (homonyms are left to the suggestions); the code filled for
        the name typed before goes."""
        if self._filled_code and self.insee_edit.text() == self._filled_code:
            self.insee_edit.clear()
            self._filled_code = ""
        if self.insee_edit.text().strip():
            return  # typed by the coordinator: left alone
        found = [c for c in official_communes.named(text) if not c.former_name]
        if len(found) == 1:
            self._fill_code(found[0].code)

    def validatePage(self) -> bool:
        try:
            check_insee(self.insee_edit.text(), _("Code INSEE"))
        except ComptoirError as exc:
            show_error(self, exc)
            self.insee_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        commune = self.commune_edit.text().strip()
        if commune and commune != self._confirmed and is_unknown(commune):
            if not confirm_unknown(self, commune):
                self.commune_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                self.commune_edit.selectAll()
                return False
            self._confirmed = commune
        return True


class ServicesPage(QWizardPage):
    """The services counted at the desk, all offered by default."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Les services du lieu"))
        self.setSubTitle(
            _(
                "Décochez ceux que le lieu ne propose pas (Espace coche ou décoche). Vous "
                "pourrez en ajouter ou en retirer plus tard."
            )
        )
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Services proposés"))
        for label, _kind in DEFAULT_SERVICES:
            item = QListWidgetItem(label, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.list.setCurrentRow(0)
        self.list.itemChanged.connect(self.on_list_item_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def chosen(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def isComplete(self) -> bool:
        return bool(self.chosen())

    @Slot(QListWidgetItem)
    def on_list_item_changed(self, _item: QListWidgetItem) -> None:
        self.completeChanged.emit()


class AccountPage(QWizardPage):
    """The first account, with the administration role: it configures the place, manages the
    other accounts and produces the reports."""

    def __init__(self, site_name: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Le compte d'administration (coordination)"))
        if site_name:
            subtitle = _(
                "Le lieu « {place} » est déjà décrit. Créez le compte qui le configure et "
                "produit les rapports."
            ).format(place=site_name)
        else:
            subtitle = _(
                "Ce compte configure le lieu, crée les comptes des autres personnes et produit "
                "les rapports."
            )
        self.setSubTitle(subtitle)
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setMaxLength(120)
        self.username_edit = QLineEdit(self)
        self.username_edit.setMaxLength(60)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._username_typed = False
        self.display_name_edit.textEdited.connect(self.on_display_name_edited)
        self.username_edit.textEdited.connect(self.on_username_edited)

        form = QFormLayout()
        form.addRow(_("Nom &affiché :"), self.display_name_edit)
        form.addRow(_("&Identifiant :"), self.username_edit)
        form.addRow(_("&Mot de passe :"), self.password_edit)
        form.addRow(_("&Confirmation :"), self.confirm_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            _explanation(
                _(
                    "Au moins {n} caractères. Comptoir ne garde qu'une empreinte du mot de "
                    "passe, jamais le mot de passe lui-même : notez-le en lieu sûr."
                ).format(n=MIN_PASSWORD_LENGTH),
                self,
            )
        )
        self.registerField("username*", self.username_edit)
        self.registerField("password*", self.password_edit)
        self.registerField("confirm*", self.confirm_edit)

    @Slot(str)
    def on_display_name_edited(self, text: str) -> None:
        if not self._username_typed:
            self.username_edit.setText(username_from(text))
            self.completeChanged.emit()

    @Slot(str)
    def on_username_edited(self, text: str) -> None:
        self._username_typed = bool(text)

    def field_widget(self, field: str) -> QLineEdit:
        """The input a service error names, to put the cursor back where the fix is."""
        if field == _("Identifiant"):
            return self.username_edit
        if field == _("Mot de passe"):
            return self.password_edit
        return self.display_name_edit

    def validatePage(self) -> bool:
        password = self.password_edit.text()
        error: ComptoirError | None = None
        if len(password) < MIN_PASSWORD_LENGTH:
            error = ValidationError(
                _("Mot de passe"), _("{n} caractères au moins").format(n=MIN_PASSWORD_LENGTH)
            )
            focus = self.password_edit
        elif password != self.confirm_edit.text():
            error = ComptoirError(_("Les deux mots de passe ne sont pas identiques."))
            focus = self.confirm_edit
        if error is None:
            return True
        show_error(self, error)
        self.confirm_edit.clear()
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        return False


class DemoPage(QWizardPage):
    """The offer of demonstration data, off by default, and a summary of what will be created."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Pour découvrir Comptoir"))
        self.setSubTitle(_("Dernière étape : vérifiez puis cliquez sur Terminer."))
        self.demo_check = QCheckBox(_("Charger des &données de démonstration"), self)
        self.demo_check.setChecked(False)
        self.summary_label = _explanation("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addSpacing(12)
        layout.addWidget(self.demo_check)
        layout.addWidget(
            _explanation(
                _(
                    "Des personnes, des visites, des réservations et des ventes fictives, pour "
                    "découvrir l'application ou former un bénévole. À éviter sur la base réelle "
                    "du lieu : elles se mêleraient à vos chiffres."
                ),
                self,
            )
        )
        layout.addStretch(1)

    def set_summary(self, text: str) -> None:
        self.summary_label.setText(text)

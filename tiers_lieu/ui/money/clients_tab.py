"""« Clients »: who the place invoices — organisations with their SIRET and VAT number, and
people — searched by name, SIRET or town (Ctrl+F), created (Ctrl+N), changed (Entrée),
deactivated (a client with invoices is never deleted; it leaves the lists of new documents).

The client service checks every field (the SIRET's 14 digits and key); its message names the
field, shown as is.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.clients import ClientInfo, ClientInput
from tiers_lieu.ui.common import StatusLabel, add_shortcut, dialog_buttons, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.money.listing import ReadingListTab
from tiers_lieu.ui.pickers import PersonEdit

__all__ = ["ClientDialog", "ClientsTab"]


class ClientsModel(ReadModelTable[ClientInfo]):
    class Columns(IntEnum):
        NAME = 0
        SIRET = 1
        TOWN = 2
        EMAIL = 3
        STATE = 4

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Nom"),
            c.SIRET: _("SIRET"),
            c.TOWN: _("Ville"),
            c.EMAIL: _("Courriel"),
            c.STATE: _("État"),
        }

    def display(self, row: ClientInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.SIRET:
            return row.siret
        if column == c.TOWN:
            return row.town
        if column == c.EMAIL:
            return row.email
        return _("actif") if row.active else _("inactif")


class ClientDialog(QDialog):
    """A client's form; ``saved`` holds the client once the service accepted it."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        client: ClientInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._client = client
        self.saved: ClientInfo | None = None
        self.setWindowTitle(_("Modifier le client") if client else _("Nouveau client"))
        self.name = QLineEdit(self)
        self.name.setMaxLength(200)
        self.name.setPlaceholderText(_("raison sociale, ou nom et prénom"))
        self.siret = QLineEdit(self)
        self.siret.setMaxLength(20)
        self.siret.setPlaceholderText(_("14 chiffres (facultatif)"))
        self.vat_number = QLineEdit(self)
        self.vat_number.setMaxLength(20)
        self.vat_number.setPlaceholderText(_("FR… (facultatif)"))
        self.address = QLineEdit(self)
        self.address.setMaxLength(250)
        self.postal_code = QLineEdit(self)
        self.postal_code.setMaxLength(5)
        self.postal_code.setMaximumWidth(90)
        self.city = QLineEdit(self)
        self.city.setMaxLength(120)
        self.email = QLineEdit(self)
        self.email.setMaxLength(200)
        self.person = PersonEdit(app, site.id, self)
        self.person.setPlaceholderText(_("aucune — tapez un nom pour lier une personne inscrite"))
        form = QFormLayout()
        form.addRow(_("&Nom :"), self.name)
        form.addRow(_("&SIRET :"), self.siret)
        form.addRow(_("N° de &TVA :"), self.vat_number)
        form.addRow(_("&Adresse :"), self.address)
        town = QHBoxLayout()
        town.addWidget(self.postal_code)
        town.addWidget(self.city, 1)
        label = QLabel(_("Code postal et &ville :"), self)
        label.setBuddy(self.postal_code)
        form.addRow(label, town)
        form.addRow(_("&Courriel :"), self.email)
        form.addRow(_("&Personne inscrite :"), self.person)
        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        if client is not None:
            self.name.setText(client.name)
            self.siret.setText(client.siret)
            self.vat_number.setText(client.vat_number)
            self.address.setText(client.address)
            self.postal_code.setText(client.postal_code)
            self.city.setText(client.city)
            self.email.setText(client.email)
            if client.person_id is not None:
                try:
                    self.person.set_value(client.person_id)
                except ComptoirError:  # the person is gone (erased): the link is dropped
                    self.person.clear()

    def data(self) -> ClientInput:
        return ClientInput(
            name=self.name.text(),
            siret=self.siret.text(),
            vat_number=self.vat_number.text(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            email=self.email.text(),
            person_id=self.person.value(),
        )

    def accept(self) -> None:
        clients = self._app.clients
        try:
            if self._client is None:
                self.saved = clients.create(self._site.id, self.data())
            else:
                self.saved = clients.update(self._client.id, self.data())
        except ComptoirError as exc:
            show_error(self, exc, _("Client non enregistré"))
            return
        super().accept()


class ClientsTab(ReadingListTab[ClientInfo]):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Chercher un nom, un SIRET, une ville (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.refresh())
        add_shortcut(self, "Ctrl+F", self.search.setFocus)
        self.inactive = QCheckBox(_("Afficher les clients ina&ctifs"), self)
        self.inactive.toggled.connect(lambda _on: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.inactive)

        self.model = ClientsModel(self)
        self.view = make_table(self.model, self, stretch=ClientsModel.Columns.NAME)
        self.view.activated.connect(self.edit_selected)
        self.count = QLabel(self)
        new = QPushButton(_("&Nouveau client"), self)
        new.clicked.connect(self.on_new_clicked)
        add_shortcut(self, "Ctrl+N", self.on_new_clicked, new)
        edit = QPushButton(_("&Modifier"), self)
        edit.clicked.connect(self.edit_selected)
        self.toggle = QPushButton(_("&Désactiver"), self)
        self.toggle.clicked.connect(self.on_toggle_clicked)
        self.status = StatusLabel(self, zone=site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(edit)
        buttons.addWidget(self.toggle)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.view)
        self.view.selectionModel().selectionChanged.connect(self._follow_selection)
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.INVOICES}, self.shown.invalidate)

    def refresh(self) -> None:
        """Read the list off the GUI thread (the newer read wins)."""
        service, site_id = self._app.clients, self._site.id
        search, inactive = self.search.text(), self.inactive.isChecked()

        def work(_progress: Callable[[int, int], None]) -> list[ClientInfo]:
            return service.list(site_id, search=search, include_inactive=inactive)

        self.read(work, self._show)

    def _show(self, rows: list[ClientInfo]) -> None:
        self.set_rows(rows)
        self.count.setText(ngettext("{n} client", "{n} clients", len(rows)).format(n=len(rows)))
        self._follow_selection()

    def _follow_selection(self, *_args: object) -> None:
        client = self.selected()
        self.toggle.setEnabled(client is not None)
        self.toggle.setText(
            _("&Réactiver") if client is not None and not client.active else _("&Désactiver")
        )

    def on_new_clicked(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        client = self.selected()
        if client is not None:
            self._open(client)

    def _open(self, client: ClientInfo | None) -> None:
        dialog = ClientDialog(self._app, self._site, client, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            message = (
                _("Client « {name} » enregistré.").format(name=dialog.saved.name)
                if client is not None
                else _("Client « {name} » ajouté.").format(name=dialog.saved.name)
            )
            self.show_write(dialog.saved.id, message, Topic.INVOICES)
        dialog.deleteLater()

    def on_toggle_clicked(self) -> None:
        client = self.selected()
        if client is None:
            return
        try:
            saved = self._app.clients.set_active(client.id, not client.active)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        message = (
            _("Client « {name} » réactivé.") if saved.active else _("Client « {name} » désactivé.")
        ).format(name=saved.name)
        if not saved.active and not self.inactive.isChecked():
            self.show_write(None, message, Topic.INVOICES)
        else:
            self.show_write(saved.id, message, Topic.INVOICES)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

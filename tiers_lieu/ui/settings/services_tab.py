"""« Services » : the services counted at the desk, in the order of the desk's buttons.

A service is never deleted: visits already counted refer to it and the reports of past years
must still add up. Deactivating hides it from the desk and keeps its history; the order sets
the number key (1 to 9) the host presses to count a visit.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
)
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.settings.table_models import ServicesModel


class ServicesTab(ListTab):
    """The list of services with the actions a coordinator needs on it; each change is
    announced (``Topic.SERVICES``), so that the desk rebuilds its buttons."""

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

        self.model = ServicesModel(self)
        self.view = make_table(self.model, self, stretch=ServicesModel.Columns.NAME)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.view.doubleClicked.connect(self.on_rename_clicked)

        self.rename_button = QPushButton(_("&Renommer…"), self)
        self.toggle_button = QPushButton(_("&Désactiver"), self)
        self.up_button = QPushButton(_("&Monter"), self)
        self.down_button = QPushButton(_("D&escendre"), self)
        for button, keys, slot in (
            (self.rename_button, QKeySequence(Qt.Key.Key_F2), self.on_rename_clicked),
            (self.toggle_button, QKeySequence("Ctrl+D"), self.on_toggle_clicked),
            (self.up_button, QKeySequence("Ctrl+Up"), self.on_up_clicked),
            (self.down_button, QKeySequence("Ctrl+Down"), self.on_down_clicked),
        ):
            button.clicked.connect(slot)
            add_shortcut(self, keys, slot, button)
        actions = QVBoxLayout()
        for button in (self.rename_button, self.toggle_button, self.up_button, self.down_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(80)
        self.name_edit.setPlaceholderText(_("par exemple : Repair café"))
        self.name_edit.returnPressed.connect(self.on_add_clicked)
        name_label = QLabel(_("&Nouveau service :"), self)
        name_label.setBuddy(self.name_edit)
        self.add_button = QPushButton(_("A&jouter le service"), self)
        self.add_button.clicked.connect(self.on_add_clicked)
        add_line = QHBoxLayout()
        add_line.addWidget(name_label)
        add_line.addWidget(self.name_edit, 1)
        add_line.addWidget(self.add_button)

        note = QLabel(
            _(
                "Un service n'est jamais supprimé : désactivé, il disparaît du comptoir mais "
                "garde son historique de visites dans les rapports. L'ordre de la liste est "
                "celui des boutons du comptoir ; la colonne « Touche » indique la touche (1 à 9) "
                "qui y compte une visite."
            ),
            self,
        )
        note.setWordWrap(True)
        self.status = StatusLabel(self, zone=self._site.zone)

        box = QGroupBox(_("Services comptés au comptoir"), self)
        grid = QGridLayout(box)
        grid.addWidget(self.view, 0, 0)
        grid.addLayout(actions, 0, 1)
        grid.addLayout(add_line, 1, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 1)
        layout.addWidget(note)
        layout.addWidget(self.status)
        self.shown = refresh_when_shown(self)  # read when first on screen

    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        chosen = selected_id(self.view)
        self.model.set_rows(self._app.config.list_services(self._site.id, include_inactive=True))
        if chosen is not None:
            select_id(self.view, chosen)
        self.on_selection_changed()

    def _selected(self) -> ServiceInfo | None:
        chosen = selected_id(self.view)
        if not isinstance(chosen, uuid.UUID):
            return None
        row = self.model.find_row(chosen)
        return None if row < 0 else self.model.row_at(row)

    def _changed(self, service_id: uuid.UUID, message: str) -> None:
        self.show_write(service_id, message, Topic.SERVICES)

    # -- slots ---------------------------------------------------------------------------
    def on_selection_changed(self) -> None:
        service = self._selected()
        row = -1 if service is None else self.model.find_row(service.id)
        for button in (self.rename_button, self.toggle_button):
            button.setEnabled(service is not None)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.model.rowCount() - 1)
        if service is not None and not service.active:
            self.toggle_button.setText(_("Ré&activer"))
        else:
            self.toggle_button.setText(_("&Désactiver"))

    def on_add_clicked(self) -> None:
        try:
            service = self._app.config.add_service(self._site.id, name=self.name_edit.text())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Service non ajouté"))
            return
        self.name_edit.clear()
        self._changed(service.id, _("Service « {name} » ajouté.").format(name=service.name))

    def on_rename_clicked(self) -> None:
        service = self._selected()
        if service is None:
            return
        name, accepted = QInputDialog.getText(
            self,
            _("Renommer le service"),
            _("Nouveau nom de « {name} » (l'historique suit le service) :").format(
                name=service.name
            ),
            QLineEdit.EchoMode.Normal,
            service.name,
        )
        if not accepted or name.strip() == service.name:
            return
        try:
            renamed = self._app.config.update_service(service.id, name=name, active=service.active)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Service non renommé"))
            return
        self._changed(
            renamed.id,
            _("« {old} » s'appelle désormais « {new} ».").format(
                old=service.name, new=renamed.name
            ),
        )

    def on_toggle_clicked(self) -> None:
        service = self._selected()
        if service is None:
            return
        try:
            updated = self._app.config.update_service(
                service.id, name=service.name, active=not service.active
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Service non modifié"))
            return
        if updated.active:
            message = _("Service « {name} » réactivé.").format(name=updated.name)
        else:
            message = _(
                "Service « {name} » désactivé : il n'apparaît plus au comptoir, son historique "
                "est conservé."
            ).format(name=updated.name)
        self._changed(updated.id, message)

    def on_up_clicked(self) -> None:
        self._move(-1)

    def on_down_clicked(self) -> None:
        self._move(+1)

    def _move(self, offset: int) -> None:
        service = self._selected()
        if service is None:
            return
        try:
            self._app.config.move_service(service.id, offset)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Ordre non modifié"))
            return
        self._changed(service.id, _("Ordre des services enregistré."))

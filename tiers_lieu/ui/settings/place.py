"""« Lieu » : who the place is (name, commune, address) and the distance under which a
producer counts as local in the grocery figures of the report.

The form is saved in one call to ``SiteService.update_site``; the service validates, the tab
only helps input (INSEE codes upper-cased, a bounded distance). When the database holds
several sites, they are listed read-only so that a coordinator sees which one is being edited.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.settings.table_models import SitesModel

MAX_LOCAL_DISTANCE_KM = 1000


class PlaceTab(QWidget):
    """The place's identity form."""

    site_saved = Signal(object)
    """Emitted with the new :class:`SiteInfo` after a successful save."""

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site

        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(120)
        self.commune_edit = QLineEdit(self)
        self.commune_edit.setMaxLength(120)
        self.insee_edit = QLineEdit(self)
        self.insee_edit.setMaxLength(5)
        self.insee_edit.setPlaceholderText(_("par exemple 23079"))
        self.insee_edit.setMaximumWidth(160)
        self.address_edit = QLineEdit(self)
        self.address_edit.setMaxLength(200)
        self.distance_spin = QSpinBox(self)
        self.distance_spin.setRange(0, MAX_LOCAL_DISTANCE_KM)
        self.distance_spin.setSuffix(_(" km"))
        self.distance_spin.setMaximumWidth(160)

        form_box = QGroupBox(_("Le lieu"), self)
        form_box.setMaximumWidth(760)
        form = QFormLayout(form_box)
        form.addRow(self._buddy(_("&Nom du lieu :"), self.name_edit), self.name_edit)
        form.addRow(self._buddy(_("Co&mmune :"), self.commune_edit), self.commune_edit)
        form.addRow(self._buddy(_("&Code INSEE :"), self.insee_edit), self.insee_edit)
        form.addRow(self._buddy(_("Ad&resse :"), self.address_edit), self.address_edit)
        form.addRow(
            self._buddy(_("Producteur local à moins &de :"), self.distance_spin),
            self.distance_spin,
        )
        hint = QLabel(
            _(
                "Un producteur situé à moins de cette distance compte comme local dans la part "
                "des achats locaux du rapport d'activité."
            ),
            form_box,
        )
        hint.setWordWrap(True)
        hint.setObjectName("settingsHint")
        form.addRow(hint)

        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.save_button.clicked.connect(self.on_save_clicked)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.status = StatusLabel(self, zone=self._site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)

        self.sites_model = SitesModel(self)
        self.sites_box = QGroupBox(_("Lieux de cette base"), self)
        sites_layout = QVBoxLayout(self.sites_box)
        sites_layout.addWidget(
            QLabel(
                _(
                    "Cette base réunit plusieurs lieux ; ce formulaire modifie celui où vous "
                    "êtes connecté."
                ),
                self.sites_box,
            )
        )
        self.sites_view = make_table(self.sites_model, self.sites_box, stretch=0)
        sites_layout.addWidget(self.sites_view)

        layout = QVBoxLayout(self)
        layout.addWidget(form_box)
        layout.addLayout(buttons)
        layout.addWidget(self.sites_box, 1)
        layout.addStretch(0)
        self.refresh()

    def _buddy(self, text: str, field: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(field)
        return label

    @property
    def site(self) -> SiteInfo:
        return self._site

    def refresh(self) -> None:
        sites = self._app.sites.list_sites()
        current = next((s for s in sites if s.id == self._site.id), self._site)
        self._site = current
        self.name_edit.setText(current.name)
        self.commune_edit.setText(current.commune_name)
        self.insee_edit.setText(current.insee_code or "")
        self.address_edit.setText(current.address)
        self.distance_spin.setValue(min(current.local_distance_km, MAX_LOCAL_DISTANCE_KM))
        self.sites_model.set_rows(sites)
        self.sites_box.setVisible(len(sites) > 1)

    def on_save_clicked(self) -> None:
        try:
            saved = self._app.sites.update_site(
                self._site.id,
                name=self.name_edit.text(),
                commune_name=self.commune_edit.text(),
                insee_code=self.insee_edit.text() or None,
                address=self.address_edit.text(),
                local_distance_km=self.distance_spin.value(),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Lieu non enregistré"))
            return
        self.refresh()
        self.status.confirm(_("Lieu « {name} » enregistré.").format(name=saved.name))
        self.site_saved.emit(saved)

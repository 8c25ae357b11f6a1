"""The places' keys in « Réseau de lieux »: this place's key and its fingerprint (made the
first time, written to a small file for the coordination), and the keys of the places whose
bundles this base accepts (added once, after comparing the fingerprint by phone or on paper;
replacing one is asked separately; each change is audited by the service).

The same keys as ``tiers-lieu bundle key|trust|untrust|keys`` (see
:mod:`tiers_lieu.services.bundles.placekeys`). Each step is a few milliseconds (a key pair, one
row): it runs on the GUI thread.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.bundles import LEGACY_KEY_FILE_NAME
from tiers_lieu.services.bundles.placekeys import (
    PUBLIC_FILE_SUFFIX,
    KeyReplacementError,
    PlaceKeyInfo,
    read_public_file,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import make_table
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.models import ReadModelTable

KEY_FILTER = "*" + PUBLIC_FILE_SUFFIX


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def asked_yes(parent: QWidget, title: str, text: str) -> bool:
    """Whether the question was answered « Oui » (« Non » is the default: Enter says no)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return bool(answer == QMessageBox.StandardButton.Yes)


def legacy_key_path() -> Path:
    """Where the shared network key of older versions was kept (now unused)."""
    from tiers_lieu.db import data_dir

    return data_dir() / LEGACY_KEY_FILE_NAME


class PlaceKeysModel(ReadModelTable[PlaceKeyInfo]):
    class Columns(IntEnum):
        PLACE = 0
        FINGERPRINT = 1
        ROLE = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.PLACE: _("Lieu"), c.FINGERPRINT: _("Empreinte"), c.ROLE: _("Rôle")}

    def row_id(self, row: PlaceKeyInfo) -> object:
        return row.site_id

    def display(self, row: PlaceKeyInfo, column: Any) -> str:
        c = self.Columns
        if column == c.PLACE:
            return row.label
        if column == c.FINGERPRINT:
            return row.fingerprint
        return _("signe ses paquets ici") if row.own else _("paquets acceptés")


class PlaceKeysBox(QGroupBox):
    """This place's key, and the places whose bundles are accepted here."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        legacy_path: Path | None = None,
    ) -> None:
        super().__init__(_("Clés des lieux"), parent)
        self._site = site
        self.keys = app.place_keys
        self.legacy_path = legacy_path or legacy_key_path()
        self.own_label = QLabel(self)
        self.own_label.setWordWrap(True)
        self.own_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_button = QPushButton(_("&Créer la clé de ce lieu"), self)
        self.export_button = QPushButton(_("Enregistrer la clé p&ublique…"), self)
        self.add_button = QPushButton(_("Ajouter la c&lé d'un lieu…"), self)
        self.remove_button = QPushButton(_("&Retirer la clé choisie…"), self)
        self.create_button.clicked.connect(self.on_create_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.model = PlaceKeysModel(self)
        self.view = make_table(self.model, self, stretch=PlaceKeysModel.Columns.PLACE)
        self.view.setMaximumHeight(self.view.fontMetrics().height() * 8)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.legacy_label = QLabel(self)
        self.legacy_label.setWordWrap(True)
        own = QHBoxLayout()
        for button in (self.create_button, self.export_button):
            own.addWidget(button)
        own.addStretch(1)
        trusted = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            trusted.addWidget(button)
        trusted.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own_label)
        layout.addLayout(own)
        layout.addWidget(self.view)
        layout.addLayout(trusted)
        layout.addWidget(self.legacy_label)
        self.refresh()

    # -- state ---------------------------------------------------------------------------
    def own_key(self) -> PlaceKeyInfo | None:
        return next((k for k in self.model.rows() if k.site_id == self._site.id), None)

    def refresh(self) -> None:
        try:
            self.model.set_rows(self.keys.list_keys())
        except Exception as exc:
            show_error(self, exc)
        own = self.own_key()
        if own is None:
            text = _(
                "« {place} » n'a pas encore de clé : elle est créée au premier envoi d'un "
                "paquet, ou avec le bouton ci-dessous."
            ).format(place=self._site.name)
        elif own.own:
            text = _(
                "Clé de « {place} » — empreinte : {fingerprint}. Remettez la clé publique à la "
                "coordination du réseau et lisez-lui cette empreinte par téléphone (ou "
                "donnez-la sur papier)."
            ).format(place=self._site.name, fingerprint=own.fingerprint)
        else:
            text = _(
                "Cette base accepte les paquets de « {place} » (empreinte {fingerprint}) mais "
                "ne les signe pas : ils sont envoyés par le lieu lui-même."
            ).format(place=self._site.name, fingerprint=own.fingerprint)
        self.own_label.setText(text)
        self.create_button.setEnabled(own is None)
        self.export_button.setEnabled(own is None or own.own)
        if self.legacy_path.is_file():
            self.legacy_label.setText(
                _(
                    "L'ancienne clé commune du réseau ({path}) ne sert plus : les paquets signés "
                    "avec elle sont refusés. Vous pouvez supprimer ce fichier."
                ).format(path=self.legacy_path)
            )
            self.legacy_label.show()
        else:
            self.legacy_label.hide()
        self._update_buttons()

    def selected(self) -> PlaceKeyInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        self.remove_button.setEnabled(chosen is not None and not chosen.own)

    # -- this place's key ---------------------------------------------------------------
    def on_create_clicked(self) -> None:
        try:
            info = self.keys.own_key(self._site.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        QMessageBox.information(
            self,
            _("Clé du lieu créée"),
            _("Clé de « {place} » créée. Son empreinte : {fingerprint}").format(
                place=self._site.name, fingerprint=info.fingerprint
            ),
        )

    def on_export_clicked(self) -> None:
        from tiers_lieu.ui.reports.bundle_jobs import slug

        suggested = documents_folder() / f"{slug(self._site.name)}{PUBLIC_FILE_SUFFIX}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Enregistrer la clé publique du lieu"),
            str(suggested),
            _("Clé publique de lieu ({pattern})").format(pattern=KEY_FILTER),
        )
        if not chosen:
            return
        target = Path(chosen)
        if not target.name.endswith(PUBLIC_FILE_SUFFIX):
            target = target.with_name(target.name + PUBLIC_FILE_SUFFIX)
        self.export_public_key(target)

    def export_public_key(self, target: Path) -> None:
        try:
            info = self.keys.export_public_key(self._site.id, target)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        QMessageBox.information(
            self,
            _("Clé publique enregistrée"),
            _(
                "Clé publique écrite dans {path}. Remettez ce fichier à la coordination du "
                "réseau et lisez-lui l'empreinte par téléphone (ou donnez-la sur papier) : "
                "{fingerprint}"
            ).format(path=target, fingerprint=info.fingerprint),
        )

    # -- the places trusted here --------------------------------------------------------
    def on_add_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Ajouter la clé d'un lieu"),
            str(documents_folder()),
            _("Clé publique de lieu ({pattern});;Tous les fichiers (*)").format(pattern=KEY_FILTER),
        )
        if chosen:
            self.add_key(Path(chosen))

    def add_key(self, source: Path) -> None:
        """Trust the key in ``source`` once the fingerprint is confirmed; asks again before
        replacing a different key of the same place."""
        try:
            key = read_public_file(source)
        except Exception as exc:
            show_error(self, exc)
            return
        if not asked_yes(
            self,
            _("Ajouter la clé d'un lieu"),
            _(
                "Accepter les paquets de « {place} » signés par cette clé ?\n\n"
                "Empreinte : {fingerprint}\n\n"
                "Avant de répondre Oui, demandez au lieu de vous lire l'empreinte de sa clé "
                "(par téléphone) ou de vous la donner sur papier : elle doit être identique, "
                "groupe par groupe. Sinon, répondez Non."
            ).format(place=key.label, fingerprint=key.fingerprint),
        ):
            return
        try:
            try:
                outcome = self.keys.trust(key)
            except KeyReplacementError as exc:
                if not asked_yes(
                    self,
                    _("Remplacer la clé d'un lieu"),
                    exc.message
                    + "\n\n"
                    + _(
                        "Remplacer la clé ? Les paquets signés avec l'ancienne clé seront refusés."
                    ),
                ):
                    return
                outcome = self.keys.trust(key, replace=True)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        if outcome == "unchanged":
            message = _("Cette clé était déjà enregistrée pour « {place} » : rien n'a changé.")
        else:
            message = _("Clé enregistrée : les paquets de « {place} » seront acceptés.")
        QMessageBox.information(self, _("Clés des lieux"), message.format(place=key.label))

    def on_remove_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.own:
            return
        if not asked_yes(
            self,
            _("Retirer la clé d'un lieu"),
            _(
                "Ne plus accepter les paquets de « {place} » (empreinte {fingerprint}) ? Il "
                "faudra ajouter sa clé à nouveau pour recevoir ses paquets."
            ).format(place=chosen.label, fingerprint=chosen.fingerprint),
        ):
            return
        try:
            self.keys.untrust(chosen.site_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()

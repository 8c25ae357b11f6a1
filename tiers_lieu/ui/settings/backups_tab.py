"""« Sauvegardes » : the copies of the database, taking one now, restoring one, and the
second folder (USB key, NAS) that protects the data when the laptop itself is lost.

Restoring replaces everything typed since the copy, so it asks first and names the date; the
file replaced is kept (the service does it) and the tab says where. The restore runs off the
GUI thread behind « Restauration en cours… » (:func:`restore_in_background`): the desk's own
work is finished and its connections closed first (:func:`restore_closed`), then a new engine
opens the restored file; the windows still hold data of the old one: the tab emits
``database_restored`` and the main window rebuilds its sections and locks the desk, since the
restored base has its own accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
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
from tiers_lieu.i18n import _, format_date, format_instant, format_number, format_time
from tiers_lieu.services.backups import BackupInfo, BackupService, postgresql_refusal
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, selected_id
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.ops import current_pool, run_op


def backup_instant(value: datetime) -> datetime:
    """The instant a backup stamp stands for. Backup names and the backup settings are
    written on this computer's clock (a naive time): read them as such, so that the list can
    show them on the place's clock."""
    return value if value.tzinfo is not None else value.astimezone()


def describe_instant(value: datetime, zone: ZoneInfo | None = None) -> str:
    """« 22/11/2026 à 15:00 »: on the place's clock (``zone``); without a zone (the check at
    start, before any site can be read) as written, on this computer's clock."""
    if zone is not None:
        return format_instant(backup_instant(value), zone)
    return _("{date} à {time}").format(
        date=format_date(value.date()), time=format_time(value.time())
    )


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} Mo").format(n=format_number(size / (1024 * 1024), 1))
    return _("{n} Ko").format(n=format_number(max(1, round(size / 1024))))


def restore_closed(app: Comptoir, service: BackupService, source: Path) -> Path:
    """The restore, this process's own connections closed first: the background work
    (reports, imports) finished and the engine disposed, so that nothing of this desk is
    written into the file being replaced (the automatic backup waits, in the service). A new
    engine follows, on the restored file, or on the unchanged one when it was refused. Never
    in the pool, whose work it waits for."""
    wait = getattr(current_pool(), "waitForDone", None)
    if callable(wait):
        wait()
    app.engine.dispose()
    try:
        kept = service.restore(source)
    finally:
        app.reopen()
    assert kept is not None, "the window's base was there, and was kept"
    return kept


def restore_in_background(
    parent: QWidget,
    app: Comptoir,
    service: BackupService,
    source: Path,
    restored: Callable[[Path], None],
) -> None:
    """:func:`restore_closed` in a thread of its own behind « Restauration en cours… », then
    ``restored(kept)`` (the copy of the replaced base) on the GUI thread; a refusal is said
    (« Restauration impossible »)."""
    run_op(
        parent,
        lambda _progress: restore_closed(app, service, source),
        restored,
        label=_("Restauration en cours…"),
        on_failure=lambda exc: show_error(parent, exc, _("Restauration impossible")),
        thread="comptoir-restauration",
    )


class BackupsModel(ReadModelTable[BackupInfo]):
    zone: ZoneInfo | None = None
    """The place's clock the dates are shown on."""

    class Columns(IntEnum):
        DATE = 0
        SIZE = 1
        PLACE = 2
        FILE = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.DATE: _("Date"), c.SIZE: _("Taille"), c.PLACE: _("Dossier"), c.FILE: _("Fichier")}

    def display(self, row: BackupInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return describe_instant(row.taken_at, self.zone)
        if column == c.SIZE:
            return describe_size(row.size)
        if column == c.PLACE:
            return _("externe") if row.external else _("cet ordinateur")
        return row.path.name

    def row_id(self, row: BackupInfo) -> object:
        return str(row.path)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.SIZE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return super().alignment(column)


class BackupsTab(QWidget):
    """The list of backups and what can be done with them."""

    backup_made = Signal(object)
    """A backup was written; carries its :class:`BackupInfo`."""
    database_restored = Signal(object)
    """The database file was replaced; carries the path of the copy of the old one."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        service: BackupService | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        layout = QVBoxLayout(self)
        self.service: BackupService | None = service or app.backups
        if self.service is None:  # PostgreSQL: the server keeps its own backups
            notice = QLabel(postgresql_refusal().message, self)
            notice.setWordWrap(True)
            layout.addWidget(notice)
            layout.addStretch(1)
            return
        layout.addWidget(self._build_list())
        layout.addWidget(self._build_external())
        self.shown = refresh_when_shown(self)  # read when first on screen

    def _build_list(self) -> QWidget:
        box = QGroupBox(_("Sauvegardes de la base de données"), self)
        self.model = BackupsModel(self)
        self.model.zone = self._site.zone
        self.view = make_table(self.model, box, stretch=BackupsModel.Columns.FILE)
        self.backup_button = QPushButton(_("&Sauvegarder maintenant"), box)
        self.backup_button.clicked.connect(self.on_backup_clicked)
        add_shortcut(self, "Ctrl+S", self.on_backup_clicked, self.backup_button)
        self.restore_button = QPushButton(_("&Restaurer la sauvegarde choisie…"), box)
        self.restore_button.clicked.connect(self.on_restore_clicked)
        self.restore_file_button = QPushButton(_("Restaurer depuis un fic&hier…"), box)
        self.restore_file_button.clicked.connect(self.on_restore_file_clicked)
        add_shortcut(self, QKeySequence("Ctrl+R"), self.on_restore_clicked, self.restore_button)
        self.status = StatusLabel(box, zone=self._site.zone)
        explanation = QLabel(
            _(
                "Comptoir sauvegarde la base au démarrage, toutes les 30 minutes quand des "
                "données changent et avant chaque import. Il garde toutes les sauvegardes du "
                "jour, une par jour pendant deux semaines puis une par semaine pendant trois mois."
            ),
            box,
        )
        explanation.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(explanation)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        return box

    def _build_external(self) -> QWidget:
        box = QGroupBox(_("Second dossier de sauvegarde (clé USB, disque, NAS)"), self)
        self.external_label = QLabel(box)
        self.external_label.setWordWrap(True)
        self.external_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_label = QLabel(box)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #a04000; font-weight: bold;")
        self.choose_button = QPushButton(_("&Choisir le dossier…"), box)
        self.choose_button.clicked.connect(self.on_choose_clicked)
        self.forget_button = QPushButton(_("&Ne plus utiliser ce dossier"), box)
        self.forget_button.clicked.connect(self.on_forget_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.forget_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.external_label)
        layout.addWidget(self.warning_label)
        layout.addLayout(buttons)
        return box

    # -- state ---------------------------------------------------------------------------
    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        if self.service is None:
            return
        self.model.set_rows(self.service.list_backups())
        folder = self.service.external_folder()
        if folder is None:
            text = _("Aucun second dossier choisi : une panne du disque emporterait tout.")
        else:
            last = self.service.last_external_backup()
            when = describe_instant(last, self._site.zone) if last else _("jamais")
            text = _("Dossier : {folder}\nDernière sauvegarde externe : {when}").format(
                folder=folder, when=when
            )
        self.external_label.setText(text)
        self.forget_button.setEnabled(folder is not None)
        warning = self.service.external_backup_warning()
        self.warning_label.setText(warning or "")
        self.warning_label.setVisible(bool(warning))
        self.restore_button.setEnabled(self.model.rowCount() > 0)

    # -- slots ---------------------------------------------------------------------------
    def on_backup_clicked(self) -> None:
        service = self.service
        if service is None:
            return
        run_op(
            self,
            lambda _progress: service.backup(),
            self.on_backup_done,
            label=_("Sauvegarde en cours…"),
            on_failure=lambda exc: show_error(self, exc, _("Sauvegarde non faite")),
        )

    def on_backup_done(self, info: BackupInfo) -> None:
        self.refresh()
        self.status.confirm(
            _("Sauvegarde vérifiée : {name} ({size})").format(
                name=info.path.name, size=describe_size(info.size)
            )
        )
        self.backup_made.emit(info)

    def on_restore_clicked(self) -> None:
        chosen = selected_id(self.view)
        if chosen is None:
            QMessageBox.information(
                self, _("Restaurer"), _("Choisissez d'abord une sauvegarde dans la liste.")
            )
            return
        info = self.model.row_at(self.model.find_row(chosen))
        self.restore(info.path, describe_instant(info.taken_at, self._site.zone))

    def on_restore_file_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Restaurer une sauvegarde"), "", _("Bases Comptoir (*.sqlite)")
        )
        if name:
            self.restore(Path(name), Path(name).name)

    def restore(self, source: Path, described: str) -> None:
        """Ask, then put ``source`` in place of the database (off the GUI thread)."""
        if self.service is None:
            return
        answer = QMessageBox.question(
            self,
            _("Restaurer une sauvegarde"),
            _(
                "Remplacer la base de données par la sauvegarde du {when} ? Tout ce qui a été "
                "saisi depuis sera retiré (la base actuelle est gardée de côté)."
            ).format(when=described),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            restore_in_background(self, self._app, self.service, source, self.on_restored)

    def on_restored(self, kept: Path) -> None:
        self.refresh()
        QMessageBox.information(
            self,
            _("Base restaurée"),
            _(
                "La sauvegarde a été restaurée. L'ancienne base est gardée dans « {kept} ». "
                "Comptoir va recharger ses écrans ; la personne à l'accueil se reconnecte avec "
                "les comptes de la base restaurée."
            ).format(kept=kept.name),
        )
        self.database_restored.emit(kept)

    def on_choose_clicked(self) -> None:
        if self.service is None:
            return
        current = self.service.external_folder()
        folder = QFileDialog.getExistingDirectory(
            self, _("Second dossier de sauvegarde"), str(current or Path.home())
        )
        if folder:
            self.set_external_folder(Path(folder))

    def set_external_folder(self, folder: Path) -> None:
        """Use ``folder`` as the second folder and write a first copy there at once."""
        if self.service is None:
            return
        self.service.set_external_folder(folder)
        self.refresh()
        self.on_backup_clicked()

    def on_forget_clicked(self) -> None:
        if self.service is None:
            return
        self.service.set_external_folder(None)
        self.refresh()

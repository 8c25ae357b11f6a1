"""The check of the database file at start: a damaged file is said so, in French, and the
latest good backup is offered instead of a crash with a SQLite traceback.

``check_database_file`` runs ``PRAGMA quick_check`` (a few seconds on a large base, far less
than ``integrity_check``) before the application is built, so before any engine exists: a
restore accepted there replaces the file that the engine built next opens. It returns
``True`` when the application may go on. (A restore while the desk runs closes the engine and
opens a new one: :func:`tiers_lieu.ui.settings.backups_tab.restore_closed`.)

``install_auto_backups`` makes the start-up backup (after a change) and starts the timer that
backs up every 30 minutes while changes happen. The copy runs in a plain background thread,
silently (a 280 MB base takes about 4 s with its verification): a failure is logged, never
shown, since the desk is in the middle of something else.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _
from tiers_lieu.services.backups import BackupService
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.settings.backups_tab import describe_instant

log = logging.getLogger(__name__)
CHECK_INTERVAL_MS = 5 * 60 * 1000


def check_database_file(service: BackupService, parent: QWidget | None) -> bool:
    """``True`` if the database file is sound (or was replaced by a good backup); to run
    before the application is built (nothing of this process holds the file)."""
    problems = service.quick_check()
    if not problems:
        return True
    latest = service.latest_good_backup()
    if latest is None:
        QMessageBox.critical(
            parent,
            _("Base de données endommagée"),
            _(
                "La base de données « {path} » est endommagée ({detail}) et aucune sauvegarde "
                "valide n'a été trouvée. Ne supprimez pas le fichier : faites-en une copie et "
                "demandez de l'aide."
            ).format(path=service.db_path, detail=problems[0]),
        )
        return False
    answer = QMessageBox.question(
        parent,
        _("Base de données endommagée"),
        _(
            "La base de données est endommagée ({detail}). Restaurer la dernière sauvegarde "
            "valide, du {when} ? Ce qui a été saisi depuis devra être saisi de nouveau ; le "
            "fichier endommagé est gardé de côté."
        ).format(detail=problems[0], when=describe_instant(latest.taken_at)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        service.restore(latest.path)
    except Exception as exc:  # expected ones shown, unexpected ones also logged
        show_error(parent, exc, _("Restauration impossible"))
        return False
    QMessageBox.information(
        parent,
        _("Base restaurée"),
        _("La sauvegarde du {when} a été restaurée.").format(
            when=describe_instant(latest.taken_at)
        ),
    )
    return True


def _backup_in_background(service: BackupService, reason: str, lock: threading.Lock) -> None:
    def work() -> None:
        if not lock.acquire(blocking=False):
            return  # the previous copy is still running
        try:
            service.maybe_backup(reason)
        except Exception as exc:
            storage = storage_error(exc)
            if storage is not None:  # a full or read-only disk: the reason, not a traceback
                log.warning("Sauvegarde automatique impossible : %s", storage.message)
            else:
                log.exception("Sauvegarde automatique impossible")
        finally:
            lock.release()

    threading.Thread(target=work, name="comptoir-sauvegarde", daemon=True).start()


def install_auto_backups(app: Comptoir, parent: QObject) -> QTimer | None:
    """Back up now if the base changed since the last copy, then check every 5 minutes
    (a backup is made when changes happened and the last one is 30 minutes old)."""
    try:
        service = BackupService(app.url)
    except ComptoirError:
        return None
    lock = threading.Lock()
    _backup_in_background(service, "start", lock)
    timer = QTimer(parent)
    timer.setInterval(CHECK_INTERVAL_MS)
    timer.timeout.connect(lambda: _backup_in_background(service, "timer", lock))
    timer.start()
    return timer

"""The one way the windows report a failure (like Anki's ``show_exception``).

An expected error (:class:`~tiers_lieu.errors.ComptoirError`) shows its French message; an
unexpected one is logged with its traceback and the user gets a calm message instead. A full
or read-only disk is expected: its SQLite or system error becomes the French message of
:class:`~tiers_lieu.errors.StorageError`, as on the command line. A
database server that went away (PostgreSQL) is neither: the user is told that nothing was
saved and to retry, and the status bar's monitor checks the server at once.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _
from tiers_lieu.services.pending_visits import is_connection_lost

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    if is_connection_lost(exc):
        log.info("Database server unreachable: %s", exc)
        QMessageBox.warning(
            parent,
            title or _("Serveur injoignable"),
            _(
                "Le serveur de la base de données n'a pas répondu : rien n'a été enregistré. "
                "Ce que vous avez saisi est resté à l'écran ; réessayez dans un instant (la "
                "barre d'état indique quand le serveur répond de nouveau)."
            ),
        )
        # Imported here: the status bar's monitor runs its checks through ui.ops, which
        # imports this module.
        from tiers_lieu.ui.connection import report_connection_lost

        report_connection_lost(parent)
        return
    storage = storage_error(exc)  # a full or read-only disk, said so as the command line does
    if storage is not None:
        if storage is not exc:
            log.info("Écriture refusée par le disque : %s", exc)
        QMessageBox.warning(parent, title or _("Écriture impossible"), storage.message)
        return
    if isinstance(exc, ComptoirError):
        QMessageBox.warning(parent, title or _("Impossible de continuer"), exc.message)
        return
    log.error("Erreur inattendue", exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.critical(
        parent,
        title or _("Erreur inattendue"),
        _(
            "Une erreur inattendue s'est produite ; rien de ce qui était déjà enregistré n'est "
            "perdu. Réessayez, et si le problème revient, signalez-le avec le journal.\n\n"
            "Détail : {detail}"
        ).format(detail=str(exc) or type(exc).__name__),
    )

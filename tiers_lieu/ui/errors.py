"""The one way the windows report a failure (like Anki's ``show_exception``).

An expected error (:class:`~tiers_lieu.errors.ComptoirError`) shows its French message; an
unexpected one is logged with its traceback and the user gets a calm message instead.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
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

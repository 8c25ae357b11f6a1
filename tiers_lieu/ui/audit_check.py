"""The audit log's check, off the GUI thread: the viewer's banner and the warning at sign-in.

Walking the chains takes about 2.5 s for 100,000 lines, so :class:`ChainCheck` runs
``app.audit_log.verify()`` through :func:`tiers_lieu.ui.ops.run_op` (synchronous in UI
tests) and hands the :class:`~tiers_lieu.services.audit_verify.ChainReport` back on the
GUI thread. A check asked for while one runs is run once more when it ends.

:func:`warn_if_broken` is what the main window does after a sign-in: for an account allowed
to read the log, a broken log is said in a warning dialog and in the status bar; an intact
one says nothing. The till journal's check after a sign-in is the same, with
:data:`TILL_JOURNAL` (what was written since this desk last verified it, issue 21).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.audit_verify import ChainReport
from tiers_lieu.ui.ops import run_op

log = logging.getLogger(__name__)

INTACT_STYLE = "color: #1b5e20;"
BROKEN_STYLE = "color: #b00020; font-weight: bold;"


class ChainCheck(QObject):
    """Runs the verification in the background; ``finished`` gets the report, or the
    exception that stopped it."""

    finished = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        parent: QObject | None = None,
        *,
        verify: Callable[[Comptoir], object] | None = None,
    ) -> None:
        """``verify``: what to check (the audit log by default; the till journal's check
        passes ``app.till_journal.verify``'s caller)."""
        super().__init__(parent)
        self._app = app
        self._verify = verify or (lambda comptoir: comptoir.audit_log.verify())
        self._busy = False
        self._again = False

    def start(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        app, verify = self._app, self._verify
        run_op(self, lambda _progress: verify(app), self._on_done, on_failure=self._on_done)

    def _on_done(self, outcome: object) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.start()
            return
        self.finished.emit(outcome)


def show_on(label: QLabel, outcome: object) -> None:
    """The banner of the viewer: « Journal intact (N lignes vérifiées) » or where it breaks."""
    if isinstance(outcome, ChainReport):
        label.setText(outcome.summary())
        label.setStyleSheet(INTACT_STYLE if outcome.intact else BROKEN_STYLE)
    else:
        log.error("Vérification du journal impossible", exc_info=outcome)  # type: ignore[arg-type]
        label.setText(
            _("Le journal d'audit n'a pas pu être vérifié : {error}").format(
                error=getattr(outcome, "message", None) or str(outcome)
            )
        )
        label.setStyleSheet(BROKEN_STYLE)
    label.show()


@dataclass(frozen=True)
class SignInCheck:
    """What is checked after a sign-in, for whom, and what a break says (message ids)."""

    permission: Permission
    verify: Callable[[Comptoir], object]
    """Gives a report with ``intact`` and ``summary()``."""
    status: str
    title: str


AUDIT_LOG = SignInCheck(
    Permission.AUDIT,
    lambda app: app.audit_log.verify(),
    N_("Journal d'audit altéré : voir Paramètres › Journal d'audit"),
    N_("Journal d'audit altéré"),
)
TILL_JOURNAL = SignInCheck(
    Permission.BILLING,
    lambda app: app.till_journal.verify_new(),
    N_("Journal de caisse altéré : voir Caisse et factures › Journal de caisse"),
    N_("Journal de caisse altéré"),
)


def warn_if_broken(
    app: Comptoir, parent: QWidget, label: QLabel, which: SignInCheck = AUDIT_LOG
) -> ChainCheck | None:
    """After a sign-in: check the log (``which``) when the account may read it; if it is
    broken, say so in a warning dialog and in ``label`` (a status bar label)."""
    label.hide()
    if not app.access.allows(which.permission):
        return None
    check = ChainCheck(app, parent, verify=which.verify)

    def done(outcome: object) -> None:
        if isinstance(outcome, BaseException) or not hasattr(outcome, "intact"):
            log.error("Vérification du journal impossible", exc_info=outcome)  # type: ignore[arg-type]
            return
        if outcome.intact:
            return
        label.setText(_(which.status))
        label.setStyleSheet(BROKEN_STYLE)
        label.show()
        QMessageBox.warning(parent, _(which.title), outcome.summary())  # type: ignore[attr-defined]

    check.finished.connect(done)
    check.start()
    return check

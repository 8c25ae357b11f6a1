"""``tiers-lieu --smoke-test [--every-tab] [--screenshots DIR]``: is this installation able to
show its windows? Used by the tests and by the installer's final check, so it never waits for
anyone: no sign-in, no assistant; it opens the main window on the first place (or on none)
and visits every section (the quick check DESIGN.md describes, issue 17).

``--every-tab`` (and ``--screenshots``) make it thorough: every tab of every section is shown
and its background reads waited for, every section is shown again at 1024×600 (the smallest
screen it must fit), then the inactivity lock, the first-run assistant and the sign-in. With
``DIR`` it saves one PNG of each section (its first tab) and of those dialogs, and each
section at 1024×600 in ``DIR/1024x600/``.

Exceptions raised inside Qt slots do not reach the caller, so the hook that Python calls for
them is swapped for one that records them: any of them makes the exit code nonzero. A
message the window shows on its own (a tampered journal's warning at sign-in) is written to
the output and closed: the smoke test goes on.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.heap import imports_outside_collector
from tiers_lieu.i18n import _
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import UserInfo
from tiers_lieu.ui.errors import failures_recorded
from tiers_lieu.ui.fit import SMALL_SCREEN
from tiers_lieu.ui.sections import SECTIONS

if TYPE_CHECKING:
    from tiers_lieu.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SCREEN_SIZE = (1280, 800)
SMALL_FOLDER = f"{SMALL_SCREEN[0]}x{SMALL_SCREEN[1]}"  # DIR/1024x600/01-accueil.png …
EXIT_OK, EXIT_FAILURE = 0, 1


def screenshot_names() -> list[str]:
    """``01-accueil.png`` … ``09-caisse.png``, in the navigation's order."""
    return [f"{index:02d}-{section.key}.png" for index, section in enumerate(SECTIONS, start=1)]


@contextmanager
def _recording_errors(errors: list[BaseException]) -> Iterator[None]:
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("Erreur pendant le test de fumée", exc_info=(kind, exc, tb))
        errors.append(exc)

    sys.excepthook = hook
    try:
        with failures_recorded(errors.append):  # what a window would show in a dialog
            yield
    finally:
        sys.excepthook = previous


class _MessageCloser(QObject):
    """Writes each message box shown to the output and closes it: nobody is there to."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QMessageBox):
            log.warning("%s : %s", watched.windowTitle(), watched.text())
            QTimer.singleShot(0, watched.reject)
        return False


@contextmanager
def _closing_messages() -> Iterator[None]:
    closer = _MessageCloser()
    qapp = QApplication.instance()
    assert qapp is not None
    qapp.installEventFilter(closer)
    try:
        yield
    finally:
        qapp.removeEventFilter(closer)


def _settle(widget: QWidget) -> None:
    for _round in range(3):
        QApplication.processEvents()
    widget.repaint()


def _visit_tabs(section: QWidget) -> None:
    """Show each tab of ``section`` once (a tab reads when first shown, some of them off the
    GUI thread: wait for those reads), then its first tab again for the screenshot."""
    from tiers_lieu.ui.tab_keys import show_stop, tab_stops

    stops = tab_stops(section)
    for stop in [*stops[1:], *stops[:1]]:
        show_stop(stop)
        _settle(section)
        QThreadPool.globalInstance().waitForDone(30_000)
        _settle(section)


def _save(widget: QWidget, folder: Path | None, name: str) -> None:
    if folder is None:
        return
    _settle(widget)
    target = folder / name
    if not widget.grab().save(str(target)):
        raise OSError(_("Impossible d'enregistrer {path}.").format(path=target))


def _first_coordinator(app: Comptoir) -> UserInfo | None:
    users = app.accounts.list_users()
    ranked = sorted(users, key=lambda u: u.role not in (Role.ADMIN, Role.COORDINATOR))
    return ranked[0] if ranked else None


def _quick_visit(window: MainWindow) -> None:
    """Each section shown once, its first tab's reads waited for."""
    for index in range(len(SECTIONS)):
        window.show_section(index)
        QApplication.processEvents()
        QThreadPool.globalInstance().waitForDone(30_000)
    QApplication.processEvents()
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def _thorough_visit(app: Comptoir, window: MainWindow, screenshots: Path | None) -> None:
    """Every tab of every section, the sections at 1024×600, the lock, the assistant and the
    sign-in; with ``screenshots``, a PNG of each."""
    _settle(window)
    for index, name in enumerate(screenshot_names()):
        _visit_tabs(window.show_section(index))
        _settle(window)
        _save(window, screenshots, name)
    # The same on a netbook's screen: nothing may be cut off there either.
    small = None if screenshots is None else screenshots / SMALL_FOLDER
    if small is not None:
        small.mkdir(exist_ok=True)
    window.resize(*SMALL_SCREEN)
    for index, name in enumerate(screenshot_names()):
        window.show_section(index)
        _settle(window)
        _save(window, small, name)
    window.resize(*SCREEN_SIZE)
    # The inactivity lock: nothing of the sections may show through.
    window.desk_lock.lock()
    _save(window, screenshots, f"{len(SECTIONS) + 3:02d}-verrouillage.png")
    window.close()
    window.deleteLater()

    # What a new desk sees first: the assistant (nothing is written unless finished).
    from tiers_lieu.ui.first_run import FirstRunAssistant
    from tiers_lieu.ui.login import LoginDialog

    assistant = FirstRunAssistant(app)
    assistant.show()
    _save(assistant, screenshots, f"{len(SECTIONS) + 1:02d}-premier-demarrage.png")
    assistant.done(QDialog.DialogCode.Rejected)  # reject() would ask first
    assistant.deleteLater()

    login = LoginDialog(app)
    login.show()
    _save(login, screenshots, f"{len(SECTIONS) + 2:02d}-connexion.png")
    login.reject()
    login.deleteLater()
    QApplication.processEvents()


def run_smoke_test(
    app: Comptoir, screenshots: Path | None = None, *, every_tab: bool = False
) -> int:
    """Open every section once (with ``every_tab`` or ``screenshots``: everything, see the
    module); 0 when nothing raised, 1 otherwise (the error is logged)."""
    errors: list[BaseException] = []
    with _recording_errors(errors), _closing_messages():
        try:
            with imports_outside_collector():
                from tiers_lieu.ui.main_window import MainWindow

                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                sites = app.sites.list_sites()
                user = _first_coordinator(app)
                if user is not None:
                    app.access.sign_in(user)
                window = MainWindow(app, sites[0] if sites else None, user, remember_geometry=False)
            window.setWindowState(Qt.WindowState.WindowNoState)  # maximised on a small screen
            window.resize(*SCREEN_SIZE)
            window.show()
            if every_tab or screenshots is not None:
                _thorough_visit(app, window, screenshots)
            else:
                _quick_visit(window)
        except Exception as exc:
            log.exception("Le test de fumée a échoué")
            errors.append(exc)
    return EXIT_FAILURE if errors else EXIT_OK

"""Start of the desktop application: the Qt application, its French translations, the
database, then who is at the desk (first-run assistant or sign-in), then the main window.

The first window is painted before the heavy part of the start (issue 17). On a plain SQLite
base that has accounts and places (read with one light query, :func:`_peek_accounts`), the
sign-in window is shown at once, before SQLAlchemy, the models and the services are even
imported: :class:`~tiers_lieu.ui.startup_checks.DeskStart` builds the application in a
background thread meanwhile, and checks the file (``PRAGMA quick_check``) in another; the form
takes the keyboard at once and a sign-in asked before the base is open waits for it. So this
module imports nothing heavy at its top: the main window, the dialogs, the services come
inside the functions that need them (after ``QApplication`` exists, as Qt requires).

An expected error at start (a database that cannot be opened, say) is shown through
``show_error`` — or printed, in a smoke test, which must never wait for anyone. A damaged
file is said and its latest good backup offered, before the main window or in it
(:mod:`tiers_lieu.ui.startup_checks`).

What a crash cut short is finished or undone first (:func:`tidy_at_start`), and said once: an
encryption finished or undone in a message before the passphrase is asked (it explains why
one is, or is not, asked), the space freed by removing leftovers in the status bar, which no
one has to click through. An encrypted base, an encryption cut short, a server (PostgreSQL),
a new or empty base take the longer way: that clean-up and the passphrase first, on this
thread, then the same background opening, then the assistant or the sign-in.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tiers_lieu import __version__
from tiers_lieu.db_location import resolve_db_url, sqlite_path
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.heap import imports_outside_collector
from tiers_lieu.i18n import _, language, locale_name
from tiers_lieu.resources import resource
from tiers_lieu.ui import fit, options
from tiers_lieu.ui.errors import show_error

if TYPE_CHECKING:  # imported by the functions that need them, once the first window shows
    from tiers_lieu.app import Comptoir
    from tiers_lieu.services.leftovers import StartNotes
    from tiers_lieu.services.readmodels import SiteInfo, UserInfo
    from tiers_lieu.ui.login import LoginDialog
    from tiers_lieu.ui.startup_checks import DeskStart

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
ORGANIZATION = APPLICATION = "Comptoir"
START_NOTE_MS = 2 * 60 * 1000  # how long the status bar says what the start cleaned
QT_LANGUAGES = {"fr": "fr_FR:fr", "en": "en_GB:en"}  # LANGUAGE for Qt's system locale


@dataclass(frozen=True)
class DeskSession:
    """Who works at the desk, and on which place."""

    site: SiteInfo | None
    user: UserInfo | None


def make_qapplication() -> QApplication:
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        _system_locale_follows_language()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    # Wayland matches a window with its menu entry (icon, name) through the desktop file.
    QGuiApplication.setDesktopFileName("fr.comptoir.TiersLieu")
    options.keep_private()  # the last user's name, for one: this account's only
    _install_resources(qapp)
    fit.install_style(qapp)  # tabs tall enough for « É »
    return qapp


def _system_locale_follows_language() -> None:
    """Make Qt's *system* locale speak the interface language, before ``QApplication`` reads it.

    Some texts of Qt's own dialogs come from the system locale, not from the default one nor
    from ``qtbase_fr``: the sizes in a file dialog (« 12 octets », « 200 Kio ») on a computer
    left in English or ``C`` would stay « bytes », « KiB ». Qt reads the environment once, so
    ``LANGUAGE`` (messages only: the C library's number and date formats stay untouched,
    unlike ``LC_ALL``) is set for this process and what it starts.
    """
    os.environ["LANGUAGE"] = QT_LANGUAGES.get(language(), "")


def _install_resources(qapp: QApplication) -> None:
    """The bundled DejaVu fonts (French text, U+202F in amounts) and the window icon.

    A desk laptop may lack fonts with every glyph Comptoir prints; registering the bundled
    ones costs a few milliseconds and makes the screens look the same everywhere.
    """
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        if QFontDatabase.addApplicationFont(str(resource("fonts", name))) < 0:
            log.warning("Police introuvable : %s", name)
    icon = QIcon(str(resource("icons", "comptoir.svg")))
    if not icon.isNull():
        qapp.setWindowIcon(icon)


def install_qt_translations(qapp: QApplication) -> QTranslator | None:
    """Qt's own catalog, so that standard buttons (OK, Annuler, Oui…) follow the language."""
    QLocale.setDefault(QLocale(locale_name()))
    if language() != "fr":
        return None
    translator = QTranslator(qapp)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_fr", folder):
        log.warning("Traductions de Qt introuvables dans %s", folder)
        return None
    qapp.installTranslator(translator)
    return translator


def choose_site(sites: list[SiteInfo], user: UserInfo | None) -> SiteInfo | None:
    """The user's own place, else the one chosen last on this desk, else the first."""
    if not sites:
        return None
    by_id = {str(s.id): s for s in sites}
    if user is not None and user.site_id is not None and str(user.site_id) in by_id:
        return by_id[str(user.site_id)]
    return by_id.get(options.LAST_SITE.get(), sites[0])


def start_session(
    app: Comptoir, *, login: LoginDialog | None = None, start: DeskStart | None = None
) -> DeskSession | None:
    """First-run assistant or sign-in, as the database requires; ``None`` if the user left
    (or the file was found damaged meanwhile: ``start.damaged``). ``login``: the sign-in
    window already shown while the application was being built."""
    from tiers_lieu.ui.first_run import FirstRunAssistant
    from tiers_lieu.ui.login import LoginDialog

    sites = app.sites.list_sites()
    has_users = app.accounts.has_users()
    user: UserInfo | None = None
    if not sites or not has_users:
        if login is not None:  # the light read was wrong (a place left out): the assistant
            login.hide()
            login.deleteLater()
            login = None
        assistant = FirstRunAssistant(app, site=choose_site(sites, None), ask_account=not has_users)
        accepted = _exec_unless_damaged(assistant, start) == QDialog.DialogCode.Accepted
        # Destroyed by Qt's event loop, after the background operation it may have run.
        assistant.deleteLater()
        if not accepted:
            return None
        user = assistant.user
        if assistant.site is not None:
            options.LAST_SITE.set(str(assistant.site.id))
        sites = app.sites.list_sites()
    if user is None:
        if login is None:
            login = LoginDialog(app)
        else:
            login.set_app(app)  # a sign-in asked while the base was opening goes on now
        accepted = login.user is not None
        if not accepted:
            accepted = _exec_unless_damaged(login, start) == QDialog.DialogCode.Accepted
        login.hide()
        login.deleteLater()
        if not accepted:
            return None
        user = login.user
    if user is not None:
        app.access.sign_in(user)  # from now on the services allow what this role may
    return DeskSession(choose_site(sites, user), user)


def _exec_unless_damaged(dialog: QDialog, start: DeskStart | None) -> int:
    """``dialog.exec()``, closed at once if the check finds the file damaged meanwhile."""
    if start is None:
        return dialog.exec()
    if start.damaged:
        return QDialog.DialogCode.Rejected

    def close_if_damaged() -> None:
        if start.damaged:
            dialog.done(QDialog.DialogCode.Rejected)

    start.check_known.connect(close_if_damaged)
    try:
        return dialog.exec()
    finally:
        start.check_known.disconnect(close_if_damaged)


def run_gui(
    *,
    db: str | None = None,
    smoke_test: bool = False,
    screenshots: Path | None = None,
    every_tab: bool = False,
) -> int:
    """The desktop application; returns the process exit code."""
    qapp = make_qapplication()
    install_qt_translations(qapp)
    url = resolve_db_url(db)
    if not smoke_test and _opens_without_asking(url):
        return _start_desk(qapp, db, url, notes=None)  # the sign-in first, the rest behind it

    from tiers_lieu.services.leftovers import tidy_at_start
    from tiers_lieu.ui.passphrase import unlock_database

    # What a crash cut short, before the passphrase is asked.
    notes = tidy_at_start(url)
    if smoke_test:
        for note in notes:
            sys.stderr.write(note + "\n")
    elif notes.alerts:
        QMessageBox.information(
            None, _("Reprise après une interruption"), "\n\n".join(notes.alerts)
        )

    if not unlock_database(db, quiet=smoke_test):  # an encrypted base: its passphrase first
        return EXIT_USAGE
    if not smoke_test:
        return _start_desk(qapp, db, url, notes=notes)
    app = _build_or_report(db, quiet=True)
    if isinstance(app, int):
        return app
    try:
        from tiers_lieu.ui.smoke import run_smoke_test

        return run_smoke_test(app, screenshots, every_tab=every_tab)
    finally:
        app.close()


def _build_or_report(db: str | None, *, quiet: bool) -> Comptoir | int:
    try:
        with imports_outside_collector():
            from tiers_lieu.app import build

            return build(db)
    except Exception as exc:
        return _report_open_failure(db, exc, quiet=quiet)


def _report_open_failure(db: str | None, exc: BaseException, *, quiet: bool) -> int:
    if not isinstance(exc, ComptoirError):
        # A file in a missing folder, a server that does not answer: the user's --db is wrong.
        log.debug("Base de données impossible à ouvrir", exc_info=exc)
        exc = storage_error(exc) or database_error(db, exc)  # read-only: say what to do
    return _report_start_failure(exc, quiet=quiet)


def _opens_without_asking(url: str) -> bool:
    """A plain SQLite file that exists, with nothing to say before its first window: no key
    file (no passphrase to ask), no encryption cut short (to be said first)."""
    from tiers_lieu.encryption import is_encrypted
    from tiers_lieu.services.encryption_swap import journal_for, plain_copy_for

    try:
        path = sqlite_path(url)
    except Exception:  # a malformed address: the longer way says what is wrong
        return False
    if path is None or not path.is_file() or is_encrypted(path):
        return False
    return not journal_for(path).exists() and not plain_copy_for(path).exists()


def _peek_accounts(url: str) -> list[str] | None:
    """The usernames of the sign-in's completer (``AccountService.list_users``'s list), when
    the base has accounts and places, read with one light connection before anything heavy
    is imported; ``None`` otherwise (or when it cannot be read: the start then waits for the
    application and decides with it)."""
    import sqlite3

    from tiers_lieu import encryption

    path = sqlite_path(url)
    if path is None:
        return None
    try:
        # A plain file (_opens_without_asking): sqlite3's errors, not SQLCipher's (whose
        # import alone, 20 to 70 ms, would delay the window).
        connection = encryption.connect(path, read_only=True)
        try:
            has_places, has_accounts = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM site), EXISTS (SELECT 1 FROM app_user)"
            ).fetchone()
            names = connection.execute(
                "SELECT username FROM app_user WHERE active ORDER BY display_name"
            ).fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, OSError, ComptoirError) as exc:
        log.debug("Lecture légère des comptes impossible : %s", exc)
        return None
    if not has_places or not has_accounts:
        return None
    return [str(row[0]) for row in names]


def _early_login(url: str) -> LoginDialog | None:
    """The sign-in window, shown before the application is built, when the base has
    accounts and places."""
    usernames = _peek_accounts(url)
    if usernames is None:
        return None
    from tiers_lieu.ui.login import LoginDialog

    login = LoginDialog(None, usernames=usernames)
    login.setWindowModality(Qt.WindowModality.ApplicationModal)
    login.show()
    return login


def _start_desk(
    qapp: QApplication, db: str | None, url: str, *, notes: StartNotes | None, check: bool = True
) -> int:
    """Open the application off the GUI thread (the sign-in shown meanwhile when it can be),
    check the file alongside, then the desk. ``notes``: the clean-up already done here (its
    alerts said); ``None``: the background does it."""
    from tiers_lieu.ui.startup_checks import DeskStart

    start = DeskStart(db, url, tidy=notes is None, check=check)
    login = _early_login(url) if notes is None else None
    start.begin()
    try:
        if not start.wait_built(give_up=None if login is None else login.finished):
            return EXIT_OK  # the user left the sign-in before the base was open
        if start.app is None:
            start.wait_checked()  # built nothing: a damaged file, or the reason it failed
        if start.damaged:
            return _restore_at_start(qapp, db, url, start, login)
        if start.app is None:
            _close(login)
            assert start.failure is not None
            return _report_open_failure(db, start.failure, quiet=False)
        if start.notes is not None:
            notes = start.notes
            if notes.alerts:
                QMessageBox.information(
                    login, _("Reprise après une interruption"), "\n\n".join(notes.alerts)
                )
        freed = None if notes is None else notes.freed
        code = _run_desk(qapp, start.app, start_note=freed, login=login, start=start)
        if start.damaged and not start.offered:  # found during the sign-in, which it closed
            return _restore_at_start(qapp, db, url, start, None)
        return code
    finally:
        _close(login)
        start.finish()


def _restore_at_start(
    qapp: QApplication,
    db: str | None,
    url: str,
    start: DeskStart,
    login: LoginDialog | None,
) -> int:
    """The file is damaged: nothing of this process holds it any more, its latest good
    backup is offered, and the start begins again on it (already verified in full)."""
    from tiers_lieu.services.leftovers import StartNotes
    from tiers_lieu.ui.startup_checks import offer_restore

    _close(login)
    start.finish()
    assert start.service is not None and start.file_check is not None
    start.offered = True
    if not offer_restore(start.service, start.file_check, None):
        return EXIT_FAILURE
    return _start_desk(qapp, db, url, notes=StartNotes(), check=False)


def _close(login: LoginDialog | None) -> None:
    """Hide the sign-in shown at start, unless it is gone already (closed by the session)."""
    import shiboken6

    if login is not None and shiboken6.isValid(login) and login.isVisible():
        login.hide()


def database_error(db: str | None, exc: BaseException) -> ComptoirError:
    """A French message naming the database (never its password) and the first line of why."""
    if db and "://" in db:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            where = make_url(db).render_as_string(hide_password=True)
        except ArgumentError:
            where = _("indiquée")
    else:
        where = db or _("par défaut")
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ComptoirError(
        _("La base de données ({where}) ne peut pas être ouverte : {detail}").format(
            where=where, detail=detail
        )
    )


def _run_desk(
    qapp: QApplication,
    app: Comptoir,
    *,
    start_note: str | None = None,
    login: LoginDialog | None = None,
    start: DeskStart | None = None,
) -> int:
    try:
        session = start_session(app, login=login, start=start)
        if session is None:
            return EXIT_OK
        with imports_outside_collector():
            from tiers_lieu.ui.main_window import MainWindow  # after QApplication, as Qt requires

            window = MainWindow(app, session.site, session.user)
        window.show()
        if start_note:
            window.statusBar().showMessage(start_note, START_NOTE_MS)
        from tiers_lieu.ui.startup_checks import install_auto_backups, watch_file_check

        if start is not None:
            watch_file_check(start, window, app)  # its result in the status bar
        window.desk_lock.start_watching()  # the place's inactivity delay (5 min by default)
        install_auto_backups(app, window)  # once the desk is idle
        if session.site is not None:
            from tiers_lieu.ui.people.purge_prompt import offer_purge_at_start

            offer_purge_at_start(app, session.site, window)
    except Exception as exc:
        return _report_start_failure(exc, quiet=False)
    return qapp.exec()


def _report_start_failure(exc: BaseException, *, quiet: bool) -> int:
    expected = isinstance(exc, ComptoirError)
    if quiet:
        if expected:
            assert isinstance(exc, ComptoirError)
            sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        else:
            log.error("Démarrage impossible", exc_info=exc)
    else:
        show_error(None, exc, _("Comptoir ne peut pas démarrer"))
    return EXIT_USAGE if expected else EXIT_FAILURE

"""Start of the desktop application: the Qt application, its French translations, the
database, then who is at the desk (first-run assistant or sign-in), then the main window.

The main window and the dialogs are imported only once ``QApplication`` exists (Qt needs it
before any widget, and the command line's sub-commands never pay for them). An expected
error at start (a database that cannot be opened, say) is shown through ``show_error`` —
or printed, in a smoke test, which must never wait for anyone.

What a crash cut short is finished or undone first (:func:`tidy_at_start`), and said once: an
encryption finished or undone in a message before the passphrase is asked (it explains why
one is, or is not, asked), the space freed by removing leftovers in the status bar, which no
one has to click through.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tiers_lieu import __version__
from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import resolve_db_url
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _, language, locale_name
from tiers_lieu.resources import resource
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui import fit, options
from tiers_lieu.ui.errors import show_error

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


def start_session(app: Comptoir) -> DeskSession | None:
    """First-run assistant or sign-in, as the database requires; ``None`` if the user left."""
    from tiers_lieu.ui.first_run import FirstRunAssistant
    from tiers_lieu.ui.login import LoginDialog

    sites = app.sites.list_sites()
    has_users = app.accounts.has_users()
    user: UserInfo | None = None
    if not sites or not has_users:
        assistant = FirstRunAssistant(app, site=choose_site(sites, None), ask_account=not has_users)
        accepted = assistant.exec() == QDialog.DialogCode.Accepted
        # Destroyed by Qt's event loop, after the background operation it may have run.
        assistant.deleteLater()
        if not accepted:
            return None
        user = assistant.user
        if assistant.site is not None:
            options.LAST_SITE.set(str(assistant.site.id))
        sites = app.sites.list_sites()
    if user is None:
        login = LoginDialog(app)
        accepted = login.exec() == QDialog.DialogCode.Accepted
        login.deleteLater()
        if not accepted:
            return None
        user = login.user
    if user is not None:
        app.access.sign_in(user)  # from now on the services allow what this role may
    return DeskSession(choose_site(sites, user), user)


def run_gui(
    *, db: str | None = None, smoke_test: bool = False, screenshots: Path | None = None
) -> int:
    """The desktop application; returns the process exit code."""
    qapp = make_qapplication()
    install_qt_translations(qapp)
    from tiers_lieu.services.leftovers import tidy_at_start
    from tiers_lieu.ui.passphrase import unlock_database

    # What a crash cut short, before the passphrase is asked.
    notes = tidy_at_start(resolve_db_url(db))
    if smoke_test:
        for note in notes:
            sys.stderr.write(note + "\n")
    elif notes.alerts:
        QMessageBox.information(
            None, _("Reprise après une interruption"), "\n\n".join(notes.alerts)
        )

    if not unlock_database(db, quiet=smoke_test):  # an encrypted base: its passphrase first
        return EXIT_USAGE
    if not smoke_test and not _database_file_is_sound(db):
        return EXIT_FAILURE
    try:
        app = build(db)
    except ComptoirError as exc:
        return _report_start_failure(exc, quiet=smoke_test)
    except Exception as exc:
        # A file in a missing folder, a server that does not answer: the user's --db is wrong.
        log.debug("Base de données impossible à ouvrir", exc_info=exc)
        failure = storage_error(exc) or database_error(db, exc)  # read-only: say what to do
        return _report_start_failure(failure, quiet=smoke_test)
    try:
        if smoke_test:
            from tiers_lieu.ui.smoke import run_smoke_test

            return run_smoke_test(app, screenshots)
        return _run_desk(qapp, app, start_note=notes.freed)
    finally:
        app.close()


def _database_file_is_sound(db: str | None) -> bool:
    """Before migrating: a damaged SQLite file is reported, with the latest good backup
    offered, instead of a crash."""
    from tiers_lieu.services.backups import BackupService
    from tiers_lieu.ui.startup_checks import check_database_file

    try:
        service = BackupService(resolve_db_url(db))
    except ComptoirError:
        return True  # PostgreSQL: the server checks its own files
    return check_database_file(service, None)


def database_error(db: str | None, exc: BaseException) -> ComptoirError:
    """A French message naming the database (never its password) and the first line of why."""
    if db and "://" in db:
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


def _run_desk(qapp: QApplication, app: Comptoir, *, start_note: str | None = None) -> int:
    try:
        session = start_session(app)
        if session is None:
            return EXIT_OK
        from tiers_lieu.ui.main_window import MainWindow  # after QApplication, as Qt requires

        window = MainWindow(app, session.site, session.user)
        window.show()
        if start_note:
            window.statusBar().showMessage(start_note, START_NOTE_MS)
        window.desk_lock.start_watching()  # the place's inactivity delay (5 min by default)
        from tiers_lieu.ui.startup_checks import install_auto_backups

        install_auto_backups(app, window)
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

"""The journal as a host meets it (issue 18): an unexpected error is logged and shown calmly
with a report to copy; Aide › Journal, Aide › Guide (F1) and À propos; and a morning at the
desk with people and visits leaves nothing personal in the file."""

from __future__ import annotations

import sys
import threading
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMenu, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import IntegrityError

from tiers_lieu import __version__, journal
from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.models.enums import Role
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui import errors
from tiers_lieu.ui.about import AboutDialog, libraries, licence_of, shown_database
from tiers_lieu.ui.errors import ErrorReportDialog
from tiers_lieu.ui.grocery.cash_desk import CashDeskTab
from tiers_lieu.ui.journal_dialog import JournalDialog
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.person_dialog import NewPersonDialog

Boxes = list[tuple[str, str, str]]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "journal"
    monkeypatch.setenv(journal.ENV_VAR, str(where))
    journal.start()
    yield where
    journal.stop()


@pytest.fixture
def reporting() -> Iterator[None]:
    """The hooks of a desk (sys.excepthook, threading.excepthook, Qt's messages)."""
    saved = sys.excepthook, threading.excepthook
    journal._recent.clear()
    errors.install_crash_reporting(hard_crashes=False)
    yield
    errors.uninstall_crash_reporting()
    sys.excepthook, threading.excepthook = saved


@pytest.fixture
def coordinator(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa", password="tilleul-2026", role=Role.COORDINATOR
    )


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo) -> MainWindow:
    app.access.sign_in(coordinator)
    shown = MainWindow(app, site, coordinator, remember_geometry=False)
    qtbot.addWidget(shown)
    with qtbot.waitExposed(shown):
        shown.show()
    return shown


def written(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*")))


def opened(monkeypatch: pytest.MonkeyPatch, kind: type[QDialog]) -> list[Any]:
    """The dialogs of ``kind`` opened, each closed at once."""
    seen: list[Any] = []

    def show(dialog: QDialog) -> int:
        seen.append(dialog)
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(kind, "exec", show)
    return seen


# -- an unexpected error ---------------------------------------------------------------------
def broken_slot() -> None:
    raise RuntimeError("panne dans un bouton")


def test_an_exception_in_a_slot_is_logged_and_shown_calmly(
    qtbot: QtBot, folder: Path, reporting: None, message_boxes: Boxes
) -> None:
    button = QPushButton("Enregistrer")
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    button.click()  # PySide hands the exception to sys.excepthook and carries on
    qtbot.waitUntil(lambda: bool(message_boxes))
    kind, title, text = message_boxes[0]
    assert (kind, title) == ("critical", "Erreur inattendue")
    assert "Rien de ce qui était déjà enregistré n'est perdu" in text
    assert "RuntimeError: panne dans un bouton" in text
    log = written(folder)
    assert "ERROR tiers_lieu.journal: Erreur inattendue" in log
    assert "in broken_slot" in log and "RuntimeError: panne dans un bouton" in log


def test_an_exception_in_a_thread_is_shown_on_the_window(
    qtbot: QtBot, folder: Path, reporting: None, message_boxes: Boxes
) -> None:
    thread = threading.Thread(target=broken_slot, name="sauvegarde")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(message_boxes))
    assert message_boxes[0][1] == "Erreur inattendue"
    assert "Erreur inattendue (fil sauvegarde)" in written(folder)


def test_copier_le_rapport_puts_the_traceback_and_the_version_in_the_clipboard(
    qtbot: QtBot, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = opened(monkeypatch, ErrorReportDialog)
    try:
        broken_slot()
    except RuntimeError as exc:
        errors.show_error(None, exc)
    [dialog] = seen
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    report = QGuiApplication.clipboard().text()
    assert "Traceback (most recent call last)" in report and "in broken_slot" in report
    assert f"Version : {__version__}" in report and "Qt " in report
    assert str(folder / "comptoir.log") in report
    assert "copié" in dialog.note.text()


def test_ouvrir_le_dossier_du_journal_opens_its_folder(
    qtbot: QtBot, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    dialog = ErrorReportDialog(None, "rapport", "RuntimeError: panne")
    qtbot.addWidget(dialog)
    dialog.folder_button.click()
    assert [Path(u.toLocalFile()) for u in urls] == [folder]
    assert folder.is_dir()  # made if nothing was logged yet


def test_one_dialog_at_a_time_when_the_failure_repeats(
    qtbot: QtBot, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def show(dialog: ErrorReportDialog) -> int:
        shown.append(dialog.detail)
        try:
            raise ValueError("encore")
        except ValueError as exc:
            errors.show_error(None, exc)  # while the first is open: logged only
        return 0

    monkeypatch.setattr(ErrorReportDialog, "exec", show)
    try:
        broken_slot()
    except RuntimeError as exc:
        errors.show_error(None, exc)
    assert shown == ["Détail : RuntimeError: panne dans un bouton"]
    assert "ValueError: encore" in written(folder)


# -- Aide ----------------------------------------------------------------------------------
def help_texts(window: MainWindow) -> list[str]:
    menu = window.menuBar().actions()[-1].menu()
    assert isinstance(menu, QMenu)
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_help_menu(window: MainWindow) -> None:
    assert help_texts(window) == [
        "&Guide d'utilisation\tF1",
        "&Raccourcis clavier",
        "&Journal",
        "À &propos de Comptoir",
    ]


def test_aide_journal_shows_the_end_of_the_file_and_copies_it(
    qtbot: QtBot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    logging.getLogger("tiers_lieu.test").warning("Sauvegarde automatique impossible")
    seen = opened(monkeypatch, JournalDialog)
    window.journal_action.trigger()
    [dialog] = seen
    assert "Sauvegarde automatique impossible" in dialog.view.toPlainText()
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert str(folder / "comptoir.log") in labels and "sans nom" in labels
    dialog.copy_button.click()
    assert "Sauvegarde automatique impossible" in QGuiApplication.clipboard().text()


def test_aide_journal_says_when_it_is_empty(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = JournalDialog(window, tmp_path / "vide")
    assert "Le journal est vide" in dialog.view.toPlainText()
    assert not dialog.copy_button.isEnabled()


def test_a_propos_names_version_folders_and_licences(
    qtbot: QtBot, window: MainWindow, app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = opened(monkeypatch, AboutDialog)
    window.about_action.trigger()
    [dialog] = seen
    text = dialog.text()
    assert f"Comptoir {__version__}" in text
    assert str(app.url).removeprefix("sqlite:///") in text
    assert "Dossier des données" in text and str(journal.current_file()) in text
    table = {
        dialog.table.item(row, 0).text(): dialog.table.item(row, 2).text()
        for row in range(dialog.table.rowCount())
    }
    assert "LGPL-3.0" in table["PySide6 (Qt for Python)"]
    assert table["SQLAlchemy"] == "MIT" and table["SQLModel"] == "MIT"
    assert "BSD" in table["ReportLab"] and "Apache" in table["python-dateutil"]
    for name in ("Babel", "openpyxl", "icalendar", "cryptography", "argon2-cffi"):
        assert table[name], name
    for name in ("platformdirs", "holidays", "pypdfium2 (PDFium)", "Alembic"):
        assert table[name], name
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "LGPL-3.0" in labels and "download.qt.io" in labels
    dialog.copy_button.click()
    assert "SQLAlchemy" in QGuiApplication.clipboard().text()


def test_the_database_is_shown_without_its_password() -> None:
    shown = shown_database("postgresql+psycopg://comptoir:secret@serveur:5432/tiers")
    assert "secret" not in shown and "serveur" in shown
    assert shown_database("sqlite:////tmp/x/comptoir.sqlite") == "/tmp/x/comptoir.sqlite"


def test_the_licence_comes_from_the_package_metadata() -> None:
    dual = "License :: OSI Approved :: BSD License"
    assert licence_of({"license_expression": "MIT", "license": "x"}, "?") == "MIT"
    assert licence_of({"classifier": [dual], "license": "Dual License"}, "?") == "BSD License"
    assert licence_of({"license": "LGPL-3.0-only"}, "?") == "LGPL-3.0-only"
    assert licence_of({"license": "Long text\nof a licence"}, "BSD") == "BSD"


def test_every_library_has_a_version_and_a_licence() -> None:
    found = libraries()
    assert len(found) >= 17
    assert all(lib.version != "—" and lib.licence for lib in found)


def test_a_bundle_without_metadata_still_names_the_licences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import metadata

    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "metadata", missing)
    found = {lib.name: lib for lib in libraries()}
    assert found["SQLAlchemy"].version == "—" and found["SQLAlchemy"].licence == "MIT"
    assert found["PySide6 (Qt for Python)"].licence == "LGPL-3.0"


@pytest.fixture
def guide(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """``tiers_lieu.ui.guide`` (written beside this work) stood in for: who asked for it."""
    asked: list[object] = []
    fake = types.ModuleType("tiers_lieu.ui.guide")
    fake.show_guide = asked.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiers_lieu.ui.guide", fake)
    return asked


def test_f1_opens_the_guide_from_any_section(
    qtbot: QtBot, window: MainWindow, guide: list[object]
) -> None:
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    assert guide == [window]
    window.show_section("personnes")
    page = window.stack.currentWidget()
    assert page is not None
    field = next(w for w in page.findChildren(QLineEdit) if w.isVisible())
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_F1)
    assert guide == [window, window]
    window.guide_action.trigger()
    assert len(guide) == 3


def test_aide_guide_opens_the_bundled_guide(qtbot: QtBot, window: MainWindow) -> None:
    window.guide_action.trigger()
    shown = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "GuideDialog"]
    assert shown and shown[0].isVisible()
    for dialog in shown:
        dialog.close()


def test_at_the_till_f1_is_the_first_favourite_not_the_guide(
    qtbot: QtBot, window: MainWindow, app: Comptoir, site: SiteInfo, guide: list[object]
) -> None:
    app.grocery.products.create(
        site.id, ProductFields(name="Pain de campagne", price_cents=145, favourite=True)
    )
    assert window.go_to_till()
    till = QApplication.focusWidget()
    assert till is not None
    qtbot.keyClick(till, Qt.Key.Key_F1)
    assert guide == []
    [desk] = window.findChildren(CashDeskTab)
    assert desk.cart.rowCount() == 1  # the favourite is in the cart


def test_f1_does_nothing_while_the_desk_is_locked(
    qtbot: QtBot, window: MainWindow, guide: list[object]
) -> None:
    window.desk_lock.lock()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    assert guide == []


# -- nothing personal ----------------------------------------------------------------------
FIRST, LAST = "Jeanne", "Oyarzabal-Etcheverry"
PHONE, EMAIL = "06 71 82 93 04", "jeanne.oyarzabal@exemple.fr"
PERSONAL = [FIRST, LAST, "Oyarzabal", PHONE, PHONE.replace(" ", ""), EMAIL, "exemple.fr"]


def test_a_morning_with_people_and_visits_leaves_nothing_personal_in_the_journal(
    qtbot: QtBot,
    window: MainWindow,
    app: Comptoir,
    site: SiteInfo,
    folder: Path,
    reporting: None,
    message_boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A person registered with a name, a phone and an e-mail address.
    dialog = NewPersonDialog(app, site.id)
    qtbot.addWidget(dialog)
    for field, value in (
        (dialog.first_name, FIRST),
        (dialog.last_name, LAST),
        (dialog.phone, PHONE),
        (dialog.email, EMAIL),
    ):
        field.setText(value)
    dialog.consent.setChecked(True)
    dialog.on_save_clicked()
    assert dialog.created is not None

    # Visits counted at the desk.
    accueil = window.show_section("accueil")
    accueil.setFocus()
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_2):
        qtbot.keyClick(QApplication.focusWidget() or accueil, key)
    assert sum(app.visits.counts_for_day(site.id, place_today(site.zone)).values()) == 3

    # The person looked up in Personnes.
    people = window.show_section("personnes")
    search = next(w for w in people.findChildren(QLineEdit) if w.isVisible())
    search.setText(LAST)
    qtbot.wait(50)

    # The database refuses a second registration: the error carries the row's values.
    def refused(site_id: uuid.UUID, data: PersonInput) -> None:
        raise IntegrityError(
            "INSERT INTO person (first_name, last_name, phone, email) VALUES (?, ?, ?, ?)",
            (data.first_name, data.last_name, data.phone, data.email),
            Exception("UNIQUE constraint failed: person.email"),
        )

    monkeypatch.setattr(app.people, "create", refused)
    again = NewPersonDialog(app, site.id)
    qtbot.addWidget(again)
    for field, value in (
        (again.first_name, FIRST),
        (again.last_name, LAST),
        (again.phone, PHONE),
        (again.email, EMAIL),
    ):
        field.setText(value)
    again.on_save_clicked()

    # Slots failing with a person's values in the exception (Python quotes them).
    def lookup() -> None:
        people: dict[str, int] = {}
        people[f"{FIRST} {LAST}"]

    def parse() -> None:
        int(PHONE)

    QTimer.singleShot(0, lookup)
    QTimer.singleShot(0, parse)
    qtbot.waitUntil(lambda: len(message_boxes) >= 2)

    log = written(folder)
    assert log.count("Traceback (most recent call last)") >= 3  # the failures are there
    assert "sqlalchemy.exc.IntegrityError" in log and "person.email" in log
    assert "in lookup" in log and "in parse" in log
    assert [value for value in PERSONAL if value in log] == []

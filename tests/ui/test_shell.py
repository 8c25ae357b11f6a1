"""The application shell as a host meets it: sections, shortcuts, status bar, sign-in,
the choice of place, and the smoke test the installer runs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import format_date, place_today, time_zone
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo, UserInfo
from tiers_lieu.ui import application, options
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.accueil.glance import today_hours_text
from tiers_lieu.ui.login import LoginDialog
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.sections import SECTIONS
from tiers_lieu.ui.settings.communes import CommunesTab
from tiers_lieu.ui.smoke import run_smoke_test, screenshot_names

PASSWORD = "tilleul-2026"
TITLES = [
    "Accueil",
    "Agenda",
    "Visites et ateliers",
    "Démarches",
    "Épicerie et AMAP",
    "Personnes",
    "Rapports",
    "Paramètres",
    "Caisse et factures",
]


@pytest.fixture
def coordinator(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.COORDINATOR
    )


def open_window(
    qtbot: QtBot, app: Comptoir, site: SiteInfo | None, user: UserInfo | None
) -> MainWindow:
    window = MainWindow(app, site, user)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def label_texts(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_navigation_lists_the_nine_sections_with_their_shortcut(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    items = [window.nav.item(row) for row in range(window.nav.count())]
    assert [item.text() for item in items] == TITLES
    assert items[2].toolTip() == "Visites et ateliers (Ctrl+3)"
    assert items[8].toolTip() == "Caisse et factures (Ctrl+9)"
    assert window.current_section_key() == "accueil"


def test_every_section_opens_lazily_and_speaks_french(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    assert window.section_widget("rapports") is None  # not built before its first visit
    for row, section in enumerate(SECTIONS):
        qtbot.mouseClick(
            window.nav.viewport(),
            Qt.MouseButton.LeftButton,
            pos=window.nav.visualItemRect(window.nav.item(row)).center(),
        )
        assert window.current_section_key() == section.key
        widget = window.section_widget(section.key)
        assert widget is not None and widget.isVisible()
    for section in SECTIONS:
        widget = window.section_widget(section.key)
        assert widget is not None
        text = label_texts(widget)
        for jargon in ("TODO", "à venir", "FIXME", "placeholder"):
            assert jargon.casefold() not in text.casefold()


def test_ctrl_digits_switch_sections(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    for digit in (3, 8, 1, 5, 2, 7, 4, 6):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{digit}"), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == digit - 1
        assert window.stack.currentWidget().isAncestorOf(
            window.section_widget(SECTIONS[digit - 1].key)
        )
        assert window.nav.currentRow() == digit - 1


def test_status_bar_and_title_name_the_place_and_the_user(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    assert window.windowTitle() == "Comptoir — Le Comptoir de Felletin"
    assert window.place_label.text() == "Lieu : Le Comptoir de Felletin"
    assert window.user_label.text() == "Connecté : Léa Dupont (Coordination)"
    assert not window.site_combo.isVisible()
    assert not window.change_site_action.isVisible()


def test_home_shows_the_place_today_and_its_opening_hours(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    home = window.section_widget("accueil")
    assert isinstance(home, AccueilSection)
    text = label_texts(home)
    assert "Le Comptoir de Felletin" in text
    assert format_date(place_today(time_zone(site.timezone)), "full")[1:] in text
    hours = home.today_panel.hours_label.text()
    assert hours.startswith(("Ouvert aujourd'hui", "Fermé aujourd'hui", "Le lieu n'ouvre pas"))


def test_today_hours_sentence() -> None:
    ranges = [OpeningRange(5, time(9), time(12))]
    assert today_hours_text(ranges, date(2026, 11, 28)) == "Ouvert aujourd'hui de 09:00 à 12:00."
    assert today_hours_text(ranges, date(2026, 11, 29)) == "Le lieu n'ouvre pas le dimanche."
    assert today_hours_text(ranges, date(2026, 12, 25)) == "Fermé aujourd'hui : Noël (jour férié)."
    assert (
        today_hours_text(ranges, date(2026, 11, 28), closure="inventaire")
        == "Fermé aujourd'hui : inventaire."
    )


def test_several_places_get_a_selector_that_switches_the_place(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    other = app.sites.init_site(name="La Manufacture d'Aubusson", commune_name="Aubusson")
    window = open_window(qtbot, app, site, coordinator)
    assert window.site_combo.isVisible() and window.change_site_action.isVisible()
    assert window.site_combo.currentText() == site.name
    window.show_section("parametres")

    with qtbot.waitSignal(window.site_changed):
        window.site_combo.setCurrentIndex(0)  # sorted by name: Aubusson first
        window.site_combo.activated.emit(0)

    assert window.site == other
    assert window.windowTitle() == "Comptoir — La Manufacture d'Aubusson"
    assert window.current_section_key() == "parametres"
    assert options.LAST_SITE.get() == str(other.id)
    window.show_section("accueil")
    assert "La Manufacture d'Aubusson" in label_texts(window.section_widget("accueil"))


def test_renaming_the_place_in_a_section_retitles_the_window(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    settings = window.show_section("parametres")
    renamed = app.sites.update_site(
        site.id, name="Le Comptoir du plateau", commune_name="Felletin", insee_code="23079"
    )
    settings.site_updated.emit(renamed)  # type: ignore[attr-defined]

    assert window.windowTitle() == "Comptoir — Le Comptoir du plateau"
    assert window.place_label.text() == "Lieu : Le Comptoir du plateau"
    assert window.section_widget("parametres") is settings  # the form on screen stays
    window.show_section("accueil")
    assert "Le Comptoir du plateau" in label_texts(window.section_widget("accueil"))


def test_home_is_up_to_date_when_shown_again(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    app.config.add_service(site.id, name="Repair café")
    window.show_section("agenda")
    window.show_section("accueil")
    home = window.section_widget("accueil")
    assert isinstance(home, AccueilSection)
    assert "Repair café" in [b.service.name for b in home.pad.buttons()]


def test_without_any_place_every_section_says_so(qtbot: QtBot, app: Comptoir) -> None:
    window = open_window(qtbot, app, None, None)
    assert window.windowTitle() == "Comptoir — aucun lieu configuré"
    assert window.user_label.text() == "Personne n'est connecté"
    for section in SECTIONS:
        widget = window.show_section(section.key)
        assert "Aucun lieu n'est configuré" in label_texts(widget)


def test_window_geometry_is_remembered(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    window.resize(720, 540)  # within the offscreen screen (800 × 600)
    window.close()
    assert options.window_geometry(window.screen().availableGeometry().size()).get()
    again = MainWindow(app, site, coordinator)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (720, 540)


def test_ctrl_q_closes_the_window(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


# -- sign-in -------------------------------------------------------------------------------


def open_login(qtbot: QtBot, app: Comptoir) -> LoginDialog:
    dialog = LoginDialog(app)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_login_refuses_a_wrong_password_in_french(
    qtbot: QtBot, app: Comptoir, coordinator: UserInfo
) -> None:
    dialog = open_login(qtbot, app)
    qtbot.keyClicks(dialog.username_edit, "lea")
    qtbot.keyClicks(dialog.password_edit, "mauvais-mot")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.password_edit.text() == ""
    assert dialog.user is None


def test_login_accepts_the_right_password_and_remembers_the_username(
    qtbot: QtBot, app: Comptoir, coordinator: UserInfo
) -> None:
    dialog = open_login(qtbot, app)
    qtbot.keyClicks(dialog.username_edit, "lea")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.signed_in):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user == coordinator
    assert options.LAST_USERNAME.get() == "lea"
    again = open_login(qtbot, app)
    assert again.username_edit.text() == "lea"
    assert again.password_edit.hasFocus()


# -- start-up ------------------------------------------------------------------------------


def test_start_asks_for_the_assistant_when_no_account_exists(
    app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[SiteInfo | None, bool]] = []

    def refuse(self: QDialog) -> int:
        seen.append((self.site, self.account_page is not None))  # type: ignore[attr-defined]
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr("tiers_lieu.ui.first_run.FirstRunAssistant.exec", refuse)
    assert application.start_session(app) is None
    assert seen == [(site, True)]


def test_start_signs_in_when_accounts_exist(
    app: Comptoir, site: SiteInfo, coordinator: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sign_in(self: LoginDialog) -> int:
        self.user = coordinator
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    session = application.start_session(app)
    assert session == application.DeskSession(site, coordinator)


def test_choose_site_prefers_the_users_place_then_the_last_one(app: Comptoir) -> None:
    first = app.sites.init_site(name="A")
    second = app.sites.init_site(name="B")
    assert application.choose_site([], None) is None
    assert application.choose_site([first, second], None) == first
    options.LAST_SITE.set(str(second.id))
    assert application.choose_site([first, second], None) == second
    user = UserInfo(first.id, "x", "X", Role.HOST, first.id)
    assert application.choose_site([first, second], user) == first


# -- smoke test ----------------------------------------------------------------------------


def test_smoke_test_visits_everything_and_saves_screenshots(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo, tmp_path: Path
) -> None:
    shots = tmp_path / "captures"
    assert run_smoke_test(app, shots) == 0
    files = sorted(p.name for p in shots.glob("*.png"))
    assert screenshot_names()[0] == "01-accueil.png"
    assert screenshot_names()[-1] == "09-caisse.png"
    assert set(screenshot_names()) <= set(files)
    small = {p.name for p in (shots / "1024x600").glob("*.png")}  # a netbook's screen too
    assert set(screenshot_names()) <= small
    assert "10-premier-demarrage.png" in files and len(files) >= 10
    assert all((shots / name).stat().st_size > 2000 for name in files)
    assert app.sites.list_sites() == [site]  # the assistant's picture writes nothing


def test_smoke_test_without_any_place(qtbot: QtBot, app: Comptoir) -> None:
    assert run_smoke_test(app) == 0


def test_smoke_test_fails_when_a_section_raises(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[OpeningRange]:
        raise RuntimeError("panne")

    monkeypatch.setattr(app.config, "opening_hours", lambda _site_id: broken())
    assert run_smoke_test(app) == 1


def test_every_tab_is_what_finds_a_later_tab_that_fails(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_tab: object) -> None:
        raise RuntimeError("panne")

    # « Communes du territoire », the fifth tab of Paramètres, reads when first shown.
    monkeypatch.setattr(CommunesTab, "refresh", broken)
    assert run_smoke_test(app) == 0  # the quick check shows each section's first tab only
    assert run_smoke_test(app, every_tab=True) == 1


def smoke_command(db_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """``tiers-lieu --db DB --smoke-test`` in a process of its own, offscreen, with its desk
    settings in ``config``; a check waiting on something fails at 60 s instead of hanging."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "--db", str(db_path), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_line_smoke_test(db_path: Path, tmp_path: Path) -> None:
    done = smoke_command(db_path, tmp_path)
    assert done.returncode == 0, done.stderr


def test_command_line_smoke_test_does_not_wait_on_a_warning_the_window_shows(
    app: Comptoir, db_path: Path, site: SiteInfo, tmp_path: Path
) -> None:
    """A base whose audit log was tampered with: signed in, the window warns in a dialog.
    The smoke test says it in its output and goes on (it waited forever on the dialog)."""
    app.accounts.create_user(
        username="claire", display_name="Claire", password="tilleul-2026", role=Role.ADMIN
    )
    with app.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_entry_no_update"))
    app.close()
    done = smoke_command(db_path, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Journal d'audit altéré" in done.stderr
    assert "audit_entry_no_update" in done.stderr


BROKEN_HOURS = """
import sys
from tiers_lieu.services.config import ConfigService
def broken(self, site_id):
    raise RuntimeError("panne")
ConfigService.opening_hours = broken
from tiers_lieu.__main__ import main
sys.exit(main())
"""


def test_command_line_smoke_test_fails_without_waiting_on_an_error_dialog(
    db_path: Path, site: SiteInfo, tmp_path: Path
) -> None:
    # The Accueil reads the opening hours through show_error's calm path: its report dialog
    # used to wait for a click that never comes (the installer's check hung).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_HOURS, "--db", str(db_path), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "RuntimeError: panne" in done.stderr


def test_a_screenshots_folder_that_cannot_be_made_is_said_in_french(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    argv = ["--db", str(db_path), "--smoke-test", "--screenshots", str(blocker / "images")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Erreur : le dossier des images" in err and str(blocker / "images") in err
    assert "Traceback" not in err


def test_command_line_names_a_database_it_cannot_open(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "--db", str(blocker / "x.sqlite"), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "La base de données (" in done.stderr and "ne peut pas être ouverte" in done.stderr
    assert "Traceback" not in done.stderr


def test_database_error_hides_the_password() -> None:
    error = application.database_error(
        "postgresql+psycopg://comptoir:secret@serveur/comptoir", OSError("refusé")
    )
    assert "secret" not in error.message and "serveur" in error.message


def test_the_window_is_matched_with_its_desktop_entry(qtbot: QtBot) -> None:
    """On Wayland the dock shows the entry's icon and name only when the application names
    the desktop file the package installs."""
    from PySide6.QtGui import QGuiApplication

    application.make_qapplication()
    installed = Path(__file__).resolve().parents[2] / "installer"
    entries = [p.name.removesuffix(".desktop") for p in installed.glob("*.desktop")]
    assert entries == [QGuiApplication.desktopFileName()]

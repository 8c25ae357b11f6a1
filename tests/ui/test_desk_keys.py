"""Keys that do what the desk expects (issue 16): every tab reachable from the keyboard,
a service key on Accueil counts whatever was clicked before, a double click on a tile is one
visit, and the till is one key away."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from desk_window import open_window
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo, UserInfo
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.main_window import MainWindow

PARIS = ZoneInfo("Europe/Paris")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def today() -> date:
    return datetime.now(PARIS).date()


@pytest.fixture
def admin(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password="tilleul-2026", role=Role.ADMIN
    )


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo, admin: UserInfo) -> MainWindow:
    shown = open_window(qtbot, app, site, admin)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    return shown


def key(qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
    """A key pressed where the focus is, as the desk's keyboard sends it."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, which, modifier)


def tab_path(window: MainWindow) -> list[str]:
    """The titles of the tabs on screen in the current section, outermost first."""
    widget = window.section_widget(window.current_section_key())
    titles = []
    while widget is not None:
        tabs = widget if isinstance(widget, QTabWidget) else getattr(widget, "tabs", None)
        if not isinstance(tabs, QTabWidget):
            break
        titles.append(tabs.tabText(tabs.currentIndex()).replace("&", ""))
        widget = tabs.currentWidget()
    return titles


# -- tabs ------------------------------------------------------------------------------------
def test_ctrl_tab_and_ctrl_page_keys_move_between_tabs_whatever_has_the_focus(
    qtbot: QtBot, window: MainWindow
) -> None:
    key(qtbot, Qt.Key.Key_2, CTRL)
    agenda = window.section_widget("agenda")
    assert agenda is not None
    agenda.agenda.grid.setFocus()  # type: ignore[attr-defined]
    assert tab_path(window) == ["Agenda"]

    key(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert tab_path(window) == ["Pass coworking"]
    assert agenda.isAncestorOf(QApplication.focusWidget())  # the focus follows the tab
    key(qtbot, Qt.Key.Key_Tab, CTRL)
    assert tab_path(window) == ["Formules"]  # the offers a pass is sold from
    key(qtbot, Qt.Key.Key_Tab, CTRL)
    assert tab_path(window) == ["Ressources"]
    key(qtbot, Qt.Key.Key_Backtab, CTRL | SHIFT)
    key(qtbot, Qt.Key.Key_Backtab, CTRL | SHIFT)
    assert tab_path(window) == ["Pass coworking"]
    key(qtbot, Qt.Key.Key_PageUp, CTRL)
    key(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert tab_path(window) == ["Rappels"]  # round the end: the call list is the last tab

    # Plain PgDn stays with the agenda grid.
    key(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert tab_path(window) == ["Agenda"]
    agenda.agenda.grid.setFocus()  # type: ignore[attr-defined]
    key(qtbot, Qt.Key.Key_PageDown)
    assert tab_path(window) == ["Agenda"]


def test_ctrl_tab_walks_through_the_grocery_into_the_amap(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, Qt.Key.Key_5, CTRL)
    assert tab_path(window) == ["Épicerie", "Caisse"]
    seen = [tab_path(window)]
    for _press in range(11):
        key(qtbot, Qt.Key.Key_Tab, CTRL)
        seen.append(tab_path(window))
    assert seen == [
        ["Épicerie", "Caisse"],
        ["Épicerie", "Produits"],
        ["Épicerie", "Stock"],
        ["Épicerie", "Producteurs"],
        ["Épicerie", "Ventes du jour"],
        ["Café"],
        ["AMAP", "Distributions"],
        ["AMAP", "Contrats"],
        ["AMAP", "Adhérents AMAP"],
        ["AMAP", "Paniers solidaires"],
        ["Portage"],
        ["Épicerie", "Caisse"],
    ]


def test_f12_opens_the_till_from_the_amap_and_from_accueil(
    qtbot: QtBot, window: MainWindow
) -> None:
    key(qtbot, Qt.Key.Key_5, CTRL)
    shop = window.section_widget("epicerie")
    assert isinstance(shop, QTabWidget)
    shop.setCurrentIndex(2)  # Épicerie, Café, AMAP, Portage
    assert tab_path(window) == ["AMAP", "Distributions"]
    key(qtbot, Qt.Key.Key_F12)
    assert tab_path(window) == ["Épicerie", "Caisse"]
    till = shop.widget(0).cash_desk  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is till.scan

    key(qtbot, Qt.Key.Key_1, CTRL)
    assert window.current_section_key() == "accueil"
    key(qtbot, Qt.Key.Key_F12)
    assert window.current_section_key() == "epicerie"
    assert QApplication.focusWidget() is till.scan
    assert "F12" in window.till_action.shortcut().toString()


# -- Accueil ---------------------------------------------------------------------------------
@pytest.fixture
def accueil(window: MainWindow) -> AccueilSection:
    section = window.section_widget("accueil")
    assert isinstance(section, AccueilSection)
    return section


@pytest.fixture
def services(app: Comptoir, site: SiteInfo) -> list[ServiceInfo]:
    return app.config.list_services(site.id)


def counted(app: Comptoir, site: SiteInfo, day: date | None = None) -> int:
    return sum(app.visits.counts_for_day(site.id, day or today()).values())


def first_field(widget: QWidget) -> QWidget:
    field = widget.nextInFocusChain()
    while not (field.focusPolicy() & Qt.FocusPolicy.TabFocus and field.isVisible()):
        field = field.nextInFocusChain()
    assert widget.isAncestorOf(field)
    return field


def digit(qtbot: QtBot, n: int) -> None:
    key(qtbot, getattr(Qt.Key, f"Key_{n}"))


def test_a_service_key_counts_after_coming_back_with_ctrl_1(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, window: MainWindow, accueil: AccueilSection
) -> None:
    key(qtbot, Qt.Key.Key_3, CTRL)  # Visites et ateliers, the focus in its first field
    visits = window.section_widget("visites")
    assert visits is not None
    first_field(visits).setFocus(Qt.FocusReason.TabFocusReason)
    key(qtbot, Qt.Key.Key_7, CTRL)
    key(qtbot, Qt.Key.Key_1, CTRL)
    digit(qtbot, 2)
    # Where Qt put the focus depends on the sections visited; Tab from there reaches the
    # date field, the first field of the screen: the keys count there too.
    while QApplication.focusWidget() is not accueil.date_bar.date_edit:
        key(qtbot, Qt.Key.Key_Tab)
    digit(qtbot, 2)
    assert counted(app, site) == 2
    assert accueil.date_bar.is_live()
    assert accueil.date_bar.date_edit.date() == QDate(today().year, today().month, today().day)


def test_a_service_key_counts_after_maintenant_and_with_the_focus_in_date_or_time(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, accueil: AccueilSection
) -> None:
    bar = accueil.date_bar
    qtbot.mouseClick(bar.now_button, Qt.MouseButton.LeftButton)
    digit(qtbot, 3)
    bar.date_edit.setFocus(Qt.FocusReason.TabFocusReason)  # Tab through the screen
    digit(qtbot, 3)
    bar.time_edit.setFocus(Qt.FocusReason.BacktabFocusReason)
    digit(qtbot, 1)
    assert counted(app, site) == 3
    assert bar.is_live()  # nothing changed the date or the time


def test_after_changing_the_date_a_service_key_counts_on_that_date(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, accueil: AccueilSection
) -> None:
    bar = accueil.date_bar
    yesterday = today() - timedelta(days=1)
    # A click in the day part of the field, then the arrow: yesterday; Entrée to finish.
    day_part = bar.date_edit.findChild(QLineEdit)
    qtbot.mouseClick(day_part, Qt.MouseButton.LeftButton, pos=QPoint(4, day_part.height() // 2))
    assert QApplication.focusWidget() is bar.date_edit
    key(qtbot, Qt.Key.Key_Down)
    assert bar.day() == yesterday
    key(qtbot, Qt.Key.Key_Return)

    digit(qtbot, 3)

    assert counted(app, site, yesterday) == 1
    assert bar.day() == yesterday  # the key did not edit the date


def test_the_date_is_typed_after_alt_d_and_then_the_keys_count_again(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, accueil: AccueilSection
) -> None:
    bar = accueil.date_bar
    key(qtbot, Qt.Key.Key_D, ALT)  # « &Date de l'activité », the day selected
    assert QApplication.focusWidget() is bar.date_edit
    target = today().replace(day=1) if today().day != 1 else today().replace(day=2)
    QTest.keyClicks(bar.date_edit, f"{target.day:02d}")
    assert bar.day() == target
    assert counted(app, site, target) == 0  # typing the date counted nothing
    key(qtbot, Qt.Key.Key_Return)
    digit(qtbot, 1)
    assert counted(app, site, target) == 1
    assert bar.day() == target


def wheel(widget: QWidget, notches: int) -> None:
    """Mouse wheel turns over ``widget`` (120 per notch, up when positive)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        NONE,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_mouse_wheel_passing_over_the_date_leaves_it_alone(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, accueil: AccueilSection
) -> None:
    bar = accueil.date_bar
    for field in (bar.date_edit, bar.time_edit):
        wheel(field.findChild(QLineEdit) or field, -2)
        wheel(field, -2)
    assert bar.is_live() and bar.day() == today()
    digit(qtbot, 1)
    assert counted(app, site) == 1  # on today, not two days back

    # Once the host chose to change it (a click, Alt+D, F2), the wheel turns the date.
    key(qtbot, Qt.Key.Key_D, ALT)
    wheel(bar.date_edit, -1)
    assert bar.day() == today() - timedelta(days=1)


def test_a_double_click_on_a_tile_counts_one_visit(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    accueil: AccueilSection,
    services: list[ServiceInfo],
) -> None:
    button = accueil.pad.button(services[0].id)
    assert button is not None
    # Through the window, as a real double click arrives: press, release, double click,
    # release.
    handle = button.window().windowHandle()
    where = button.mapTo(button.window(), button.rect().center())
    QTest.mouseDClick(handle, Qt.MouseButton.LeftButton, NONE, where)
    qtbot.wait(10)
    assert counted(app, site) == 1
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert counted(app, site) == 2  # a single click still counts


# -- labels ----------------------------------------------------------------------------------
def test_alt_letter_on_a_field_label_replaces_its_text(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, Qt.Key.Key_5, CTRL)
    till = window.section_widget("epicerie").widget(0).cash_desk  # type: ignore[union-attr]
    till.scan.setText("pain")
    till.scan.setFocus()
    till.scan.end(False)
    key(qtbot, Qt.Key.Key_R, ALT)  # « A&rticle : » while already in the field
    assert QApplication.focusWidget() is till.scan
    assert till.scan.selectedText() == "pain"  # what is typed next replaces it

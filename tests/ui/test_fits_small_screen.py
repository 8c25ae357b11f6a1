"""Fits the screen (issue 16): the window opens within the screen and remembers its size per
screen; at 1024×600 every section, every tab and every dialog a button opens shows its
buttons and fields without scrolling the whole section (a part may scroll inside it); the
register's « Nom » stays readable; an unselected tab keeps the accent of « Épicerie »; the
démarche's privacy reminder is not split by the « 0 / 280 » counter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD, make_roles_demo

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_now
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import options
from tiers_lieu.ui.fit import SMALL_SCREEN, RoomyTabs, install_style
from tiers_lieu.ui.main_window import SECTION_PAGE, MainWindow
from tiers_lieu.ui.sections import SECTIONS
from tiers_lieu.ui.window_geometry import inside

SMALL = QSize(*SMALL_SCREEN)
TITLE_BAR = 30  # what a window manager draws above a dialog
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
)
# Known and reported, left to the helpers working on these sections at the same time.
OTHERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(template_db, tmp_path_factory.mktemp("fit") / "demo.sqlite", seed=5)


# -- what "visible" means ---------------------------------------------------------------------
def _scrolls_it(parent: QWidget) -> bool:
    """``parent`` is the viewport of a scroll area inside a section (a table, a long form):
    what it holds is reached by that area's own scroll bars."""
    area = parent.parentWidget()
    return (
        isinstance(area, QAbstractScrollArea)
        and area.viewport() is parent
        and area.objectName() != SECTION_PAGE
    )


def _label(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, (QAbstractButton, QLineEdit)) else ""
    return f"{type(widget).__name__} « {text or widget.accessibleName()} »"


def out_of_sight(window: QWidget) -> list[str]:
    """The visible buttons and fields of ``window`` that are cut by an edge of the window or
    of a part of it, unless a scroll area inside the section scrolls them."""
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if not widget.isVisible() or isinstance(
            widget.parentWidget(), (QComboBox, QAbstractSpinBox, QTabBar)
        ):
            continue
        rect, current = QRect(QPoint(0, 0), widget.size()), cast(QWidget, widget)
        while current is not window:
            rect = rect.translated(current.pos())
            parent = current.parentWidget()
            if parent is None or _scrolls_it(parent):
                break
            if not QRect(QPoint(0, 0), parent.size()).contains(rect):
                found.append(f"{_label(widget)} sort de {type(parent).__name__}")
                break
            current = parent
    return sorted(found)


def tab_states(widget: QWidget) -> Iterator[str]:
    """Show each tab of each tab widget in ``widget`` in turn (nested ones too)."""
    yield ""
    for tabs in widget.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(1, tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            yield tabs.tabText(index).replace("&", "")
        tabs.setCurrentIndex(0)
        QApplication.processEvents()


def small_window(qtbot: QtBot, app: Comptoir) -> MainWindow:
    user = app.accounts.authenticate("compte.admin", PASSWORD)
    window = MainWindow(app, app.sites.list_sites()[0], user, remember_geometry=False)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(SMALL)
    window.show()
    QApplication.processEvents()
    return window


# -- sections and tabs -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key",
    [
        pytest.param(s.key, marks=pytest.mark.xfail(reason=OTHERS[s.key], strict=False))
        if s.key in OTHERS
        else s.key
        for s in SECTIONS
    ],
)
def test_every_tab_of_a_section_shows_its_buttons_at_1024x600(
    qtbot: QtBot, demo_app: Comptoir, key: str
) -> None:
    window = small_window(qtbot, demo_app)
    section = window.show_section(key)
    cut = {}
    for tab in tab_states(section):
        here = out_of_sight(window)
        if here:
            cut[tab or "(premier onglet)"] = here
    assert cut == {}


def test_the_check_sees_a_button_pushed_off_the_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(200, 100)
    button = QPushButton("&Enregistrer", window)
    button.move(180, 10)
    window.show()
    assert out_of_sight(window) == ["QPushButton « &Enregistrer » sort de QWidget"]
    button.move(10, 10)
    assert out_of_sight(window) == []


# -- dialogs -------------------------------------------------------------------------------
class DialogCheck:
    """Stands in for ``QDialog.exec``/``open``: shows the dialog as a 1024×600 screen would
    (never larger than the screen), records what it cuts, and closes it."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}

    def __call__(self, dialog: QDialog, *_args: Any) -> int:
        room = QSize(SMALL.width(), SMALL.height() - TITLE_BAR)
        dialog.show()
        QApplication.processEvents()
        name = f"{type(dialog).__name__} « {dialog.windowTitle()} »"
        least = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
        problems = []
        if least.width() > room.width() or least.height() > room.height():
            problems.append(f"au moins {least.width()}×{least.height()}")
        dialog.resize(dialog.size().boundedTo(room))
        QApplication.processEvents()
        problems += out_of_sight(dialog)
        self.seen[name] = problems
        dialog.done(QDialog.DialogCode.Rejected)
        return QDialog.DialogCode.Rejected.value


def opening_buttons(window: QWidget) -> list[QPushButton]:
    """The enabled buttons that open a dialog: « …» at the end, or « Nouveau/Nouvelle »."""
    return [
        b
        for b in window.findChildren(QPushButton)
        if b.isVisible()
        and b.isEnabled()
        and (b.text().endswith("…") or b.text().replace("&", "").startswith("Nouve"))
    ]


def test_every_dialog_fits_1024x600(
    qtbot: QtBot, demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = DialogCheck()
    monkeypatch.setattr(QDialog, "exec", lambda dialog, *_a: check(dialog))
    monkeypatch.setattr(QDialog, "open", lambda dialog, *_a: check(dialog))
    # Qt's print dialog has an exec of its own (« Imprimer une feuille de comptage… »).
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog, *_a: check(dialog))
    for name in ("getOpenFileName", "getSaveFileName", "getOpenFileNames"):
        monkeypatch.setattr(QFileDialog, name, lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: "")
    for name in ("getText", "getItem", "getInt", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, lambda *_a, **_k: ("", False))
    window = small_window(qtbot, demo_app)
    for section in SECTIONS:
        if section.key in OTHERS:
            continue
        widget = window.show_section(section.key)
        for _tab in tab_states(widget):
            for table in widget.findChildren(QAbstractItemView):
                if table.isVisible() and table.model() is not None and table.model().rowCount():
                    table.selectRow(0) if hasattr(table, "selectRow") else None
            for button in opening_buttons(window):
                button.click()
                QApplication.processEvents()
    names = " ".join(check.seen)
    for expected in (
        "RegisterPersonDialog",
        "EditPersonDialog",
        "MembershipDialog",
        "ProductDialog",
        "ProducerDialog",
        "EventDialog",
        "ImportDialog",
        "CloseFollowUpDialog",
        "NewAccountDialog",
        "BookingDialog",
    ):
        assert expected in names  # the walk does reach the dialogs
    assert {name: cut for name, cut in check.seen.items() if cut} == {}


def test_the_agenda_dialogs_fit_1024x600(
    qtbot: QtBot, demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forms no button of the walk opens: a health slot (its free slot clicked in the
    grid, or « Prochain créneau libre » of a practitioner) and an existing booking."""
    from tiers_lieu.ui.agenda import AgendaSection

    check = DialogCheck()
    monkeypatch.setattr(QDialog, "open", lambda dialog, *_a: check(dialog))
    window = small_window(qtbot, demo_app)
    tab = cast(AgendaSection, window.show_section("agenda")).agenda
    practitioner = next(
        i for i in range(tab.resource.count()) if isinstance(tab.resource.itemData(i), tuple)
    )
    tab.resource.setCurrentIndex(practitioner)
    tab.on_next_free_requested()
    assert any(name.startswith("SlotDialog") for name in check.seen)
    tab.resource.setCurrentIndex(0)
    room = tab._resources[0]
    free = demo_app.agenda.availability.next_free(
        tab._site.id, resource_id=room.id, after=place_now(tab._site.zone)
    )
    assert free is not None
    demo_app.agenda.bookings.create(
        tab._site.id,
        BookingRequest(
            resource_id=room.id,
            start=free.start,
            end=free.end,
            title="Réunion du conseil d'administration de l'association",
        ),
    )
    tab._show_slot(room.id, free.start)
    tab.on_edit_clicked()
    assert any(name.startswith("BookingDialog") for name in check.seen)
    assert {name: cut for name, cut in check.seen.items() if cut} == {}


def test_the_help_dialogs_fit_1024x600(
    qtbot: QtBot, demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Aide › Journal, Aide › À propos, and the unexpected error's message."""
    from tiers_lieu.ui.errors import ErrorReportDialog

    check = DialogCheck()
    monkeypatch.setattr(QDialog, "exec", lambda dialog, *_a: check(dialog))
    window = small_window(qtbot, demo_app)
    window.journal_action.trigger()
    window.about_action.trigger()
    report = ErrorReportDialog(window, "rapport", "RuntimeError: " + "panne " * 40)
    check(report)
    names = " ".join(check.seen)
    for expected in ("JournalDialog", "AboutDialog", "ErrorReportDialog"):
        assert expected in names
    assert {name: cut for name, cut in check.seen.items() if cut} == {}


# -- the window on its screen --------------------------------------------------------------
def test_inside_shrinks_and_moves_a_rectangle_onto_the_screen() -> None:
    screen = QRect(0, 0, 1024, 600)
    assert inside(QRect(100, 50, 1180, 760), screen) == screen
    assert inside(QRect(5000, 4000, 800, 500), screen) == QRect(224, 100, 800, 500)
    assert inside(QRect(-300, -20, 400, 300), screen) == QRect(0, 0, 400, 300)
    assert inside(QRect(10, 20, 300, 200), screen) == QRect(10, 20, 300, 200)


def test_the_window_opens_within_the_available_screen(
    qtbot: QtBot, demo_app: Comptoir, site_of_demo: SiteInfo
) -> None:
    window = MainWindow(demo_app, site_of_demo, None)
    qtbot.addWidget(window)
    window.show()
    assert window.isMaximized()  # 1180×760 does not fit the offscreen screen (800 wide)


def test_its_geometry_is_remembered_per_screen_size_and_never_restored_off_screen(
    qtbot: QtBot, demo_app: Comptoir, site_of_demo: SiteInfo
) -> None:
    window = MainWindow(demo_app, site_of_demo, None)
    qtbot.addWidget(window)
    window.show()
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setGeometry(30, 40, 500, 400)
    window.close()
    screen = window.screen().availableGeometry().size()
    assert options.window_geometry(screen).get()
    assert not options.window_geometry(QSize(1920, 1080)).get()  # another screen's own
    again = MainWindow(demo_app, site_of_demo, None)
    qtbot.addWidget(again)
    assert again.size() == QSize(500, 400)

    again.move(5000, 5000)  # left on a screen that is gone
    again.close()
    third = MainWindow(demo_app, site_of_demo, None)
    qtbot.addWidget(third)
    third.show()
    assert third.screen().availableGeometry().contains(third.geometry())


@pytest.fixture
def site_of_demo(demo_app: Comptoir) -> SiteInfo:
    user = demo_app.accounts.authenticate("compte.admin", PASSWORD)
    demo_app.access.sign_in(user)
    return demo_app.sites.list_sites()[0]


# -- details ---------------------------------------------------------------------------------
def test_the_register_name_column_stays_readable(qtbot: QtBot, demo_app: Comptoir) -> None:
    from tiers_lieu.ui.people.common import PeopleModel
    from tiers_lieu.ui.people.register import RegisterTab

    window = small_window(qtbot, demo_app)
    for size in (QSize(1366, 740), SMALL, QSize(1920, 1040)):
        window.resize(size)
        tab = window.show_section("personnes").findChildren(RegisterTab)[0]
        QApplication.processEvents()
        header = tab.table.horizontalHeader()
        width = header.sectionSize(PeopleModel.Columns.NAME)
        assert width >= tab.table.fontMetrics().horizontalAdvance("Marie-Christine Dupont")
    others = sum(header.sectionSize(c) for c in range(1, header.count()))
    assert width >= tab.table.viewport().width() - others  # a wide window: the spare width


def _tab_label(tabs: QTabBar, index: int) -> bytes:
    image = tabs.grab(tabs.tabRect(index)).toImage()
    return bytes(image.constBits())


def test_an_unselected_tab_keeps_the_accent_of_a_capital(qtbot: QtBot) -> None:
    install_style(QApplication.instance())  # type: ignore[arg-type]
    assert isinstance(QApplication.style(), RoomyTabs)
    drawn = []
    for text in ("Épicerie", "Epicerie"):
        tabs = QTabWidget()
        qtbot.addWidget(tabs)
        tabs.addTab(QWidget(), text)
        tabs.addTab(QWidget(), "AMAP")
        tabs.setCurrentIndex(1)
        tabs.show()
        QApplication.processEvents()
        drawn.append(_tab_label(tabs.tabBar(), 0))
    assert drawn[0] != drawn[1]  # the accent is drawn


def test_the_privacy_reminder_is_not_split_by_the_counter(qtbot: QtBot) -> None:
    from tiers_lieu.ui.demarches.fields import NoteField

    note = NoteField()
    qtbot.addWidget(note)
    note.resize(300, 200)
    note.show()
    QApplication.processEvents()
    reminder, counter = note.reminder.geometry(), note.counter.geometry()
    assert counter.bottom() < reminder.top()  # the counter above, the reminder under it
    assert reminder.width() >= note.edit.width() - 2  # the whole width for the reminder


def test_the_report_tab_does_not_make_its_section_scroll_at_1024x600(
    qtbot: QtBot, demo_app: Comptoir
) -> None:
    """The report tab's wrapped labels once asked ~540 px for its width: the section's tab
    stack took that height and the whole Rapports section scrolled by 14 px."""
    from PySide6.QtWidgets import QScrollArea

    window = small_window(qtbot, demo_app)
    section = window.show_section("rapports")
    QApplication.processEvents()
    areas = [
        area
        for area in window.findChildren(QScrollArea)
        if area.isVisible() and area.isAncestorOf(section)
    ]
    assert areas, "the section is shown inside a scroll area"
    assert [area.verticalScrollBar().maximum() for area in areas] == [0] * len(areas)

"""Aide › Guide d'utilisation: the French guide bundled in ``resources/guide/`` opens offline,
whole (every capture on disk and drawn, every link leading inside the page), closes with
Échap, fits a 1024×600 screen, and names the window's own words: a renamed button, tab or
menu entry fails here until the guide follows."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from desk_window import open_window_as
from PySide6.QtCore import QPoint, QSize, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot
from rolesdemo import make_roles_demo

import tiers_lieu
from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.ui import guide, tab_keys
from tiers_lieu.ui.guide import GuideDialog, guide_path, guide_size, show_guide
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.sections import SECTIONS
from tiers_lieu.ui.window_geometry import FRAME_ROOM

TITLE = "Guide d'utilisation de Comptoir"
MAX_BYTES = 1_500_000  # the whole folder: it ships in every bundle and package
PNG = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """What the guide's HTML holds: anchors, links, images, and the screen words it names
    (``class="ui"`` a button, field or tab; ``"chemin"`` section › tab; ``"menu"`` a menu
    entry)."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []
        self.words: dict[str, list[str]] = {"ui": [], "chemin": [], "menu": []}
        self._open: list[str | None] = []  # the class of each open <span>
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key) and (key == "id" or tag == "a"):
                self.anchors.add(str(values[key]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img":
            self.images.append(str(values.get("src")))
        if tag == "span":
            kind = values.get("class")
            self._open.append(kind if kind in self.words else None)
            self._text = []

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            kind = self._open.pop()
            if kind is not None:
                self.words[kind].append(" ".join("".join(self._text).split()))


def page() -> Page:
    parsed = Page()
    parsed.feed(guide_path().read_text(encoding="utf-8"))
    return parsed


@pytest.fixture
def window_parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent


def shown(qtbot: QtBot, size: QSize | None = None) -> GuideDialog:
    dialog = GuideDialog(None)
    qtbot.addWidget(dialog)
    if size is not None:
        dialog.resize(size)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


# -- opening -----------------------------------------------------------------------------------
def test_the_guide_opens_in_french_with_its_four_jobs(qtbot: QtBot, window_parent: QWidget) -> None:
    show_guide(window_parent)
    dialog = window_parent.findChild(GuideDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == TITLE
    assert dialog.title() == TITLE  # the page's own <title>, read from the bundled file
    text = dialog.browser.toPlainText()
    for heading in (
        "Réservations et agenda",
        "Visites et démarches",
        "Épicerie et AMAP",
        "Rapports LEADER",
        "Les touches du clavier",
        "Sauvegardes",
        "Après un plantage ou une coupure de courant",
        "Échanger des paquets entre lieux",
    ):
        assert heading in text
    assert dialog.browser.hasFocus() or dialog.focusWidget() is dialog.browser


def test_a_second_call_brings_back_the_same_guide_where_it_was(
    qtbot: QtBot, window_parent: QWidget
) -> None:
    show_guide(window_parent)
    dialog = window_parent.findChild(GuideDialog)
    assert dialog is not None
    bar = dialog.browser.verticalScrollBar()
    dialog.browser.scrollToAnchor("sauvegardes")
    place = bar.value()
    assert place > 0
    dialog.reject()
    assert not dialog.isVisible()
    show_guide(window_parent)
    assert window_parent.findChildren(GuideDialog) == [dialog]
    assert dialog.isVisible() and bar.value() == place


def test_echap_closes_the_guide(qtbot: QtBot, window_parent: QWidget) -> None:
    show_guide(window_parent)
    dialog = window_parent.findChild(GuideDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_without_a_window_the_guide_is_shown_until_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def exec_(dialog: GuideDialog) -> int:
        seen.append(dialog.title())
        return 0

    monkeypatch.setattr(GuideDialog, "exec", exec_)
    show_guide(None)
    assert seen == [TITLE]


def test_a_missing_guide_is_said_in_french(qtbot: QtBot, tmp_path: Path) -> None:
    missing = tmp_path / "guide" / "index.html"
    dialog = GuideDialog(None, path=missing)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "Le guide d'utilisation est introuvable" in text
    assert str(missing) in text
    assert not dialog.open_button.isEnabled()


@pytest.mark.parametrize("works", [True, False])
def test_the_guide_opens_in_the_browser_when_there_is_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, works: bool
) -> None:
    asked: list[QUrl] = []

    class Desktop:
        @staticmethod
        def openUrl(url: QUrl) -> bool:
            asked.append(url)
            return works

    monkeypatch.setattr(guide, "QDesktopServices", Desktop)
    dialog = shown(qtbot)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in asked] == [str(guide_path())]
    assert dialog.note.isVisible()
    if works:
        assert dialog.note.text() == "Le guide s'ouvre dans le navigateur."
    else:
        assert dialog.note.text().startswith("Aucun navigateur n'a pu ouvrir le guide")
    assert dialog.isVisible()  # the guide stays readable here either way


# -- the page and its files ----------------------------------------------------------------------
def test_every_capture_is_beside_the_guide_and_drawn(qtbot: QtBot) -> None:
    images = page().images
    assert len(images) >= 8
    folder = guide_path().parent
    for src in images:
        assert not QUrl(src).scheme(), src  # nothing fetched from the internet
        assert (folder / src).read_bytes()[:8] == PNG, src
    # Every file shipped is used, and the folder stays small.
    assert {p.name for p in folder.glob("*.png")} == set(images)
    assert sum(p.stat().st_size for p in folder.iterdir()) < MAX_BYTES

    dialog = shown(qtbot)
    document = dialog.browser.document()
    base = QUrl.fromLocalFile(str(guide_path()))
    for src in images:
        loaded = document.resource(
            QTextDocument.ResourceType.ImageResource, base.resolved(QUrl(src))
        )
        assert loaded is not None and not loaded.isNull(), src


def test_every_link_of_the_guide_leads_inside_it(qtbot: QtBot) -> None:
    parsed = page()
    assert len(parsed.links) >= 9  # the table of contents
    for href in parsed.links:
        assert href.startswith("#"), href  # no file, no website: the guide is one page
        assert href[1:] in parsed.anchors, href


def test_a_click_in_the_table_of_contents_goes_to_its_part(qtbot: QtBot) -> None:
    dialog = shown(qtbot, QSize(900, 520))
    browser = dialog.browser
    bar = browser.verticalScrollBar()
    assert bar.value() == 0
    found = browser.document().find("Échanger des paquets entre lieux")  # the contents' line
    assert not found.isNull()
    found.setPosition(found.selectionStart() + 3)
    where = browser.cursorRect(found).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert bar.value() > bar.maximum() * 0.8  # the last part, near the end of the page


def test_the_guide_fits_a_1024x600_screen_without_sideways_scrolling(qtbot: QtBot) -> None:
    small = QSize(1024, 600)
    size = guide_size(small)
    assert size.width() + FRAME_ROOM.width() <= small.width()
    assert size.height() + FRAME_ROOM.height() <= small.height()
    dialog = shown(qtbot, size)
    assert dialog.size() == size  # nothing inside asks for more
    assert dialog.browser.horizontalScrollBar().maximum() == 0  # captures and table fit
    for button in (dialog.open_button, dialog.close_button):
        corner = button.mapTo(dialog, QPoint(button.width(), button.height()))
        assert dialog.rect().contains(corner)


# -- the window's own words ---------------------------------------------------------------------
def plain(text: str) -> str:
    """A label as the screen shows it: no mnemonic ``&``, no ``\\tF1``, no trailing colon,
    no count such as « Suivis (17) »."""
    text = text.replace("&", "").split("\t")[0].strip()
    text = re.sub(r"\s*\(\d+\)$", "", text)
    return re.sub(r"\s*:$", "", text)


def code_messages() -> set[str]:
    """Every ``_("…")`` and ``N_("…")`` of the package, as shown."""
    found: set[str] = set()
    for path in Path(tiers_lieu.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(plain(node.args[0].value))
    return found


def test_every_button_and_field_the_guide_names_is_a_message_of_the_code() -> None:
    messages = code_messages()
    words = page().words
    assert len(words["ui"]) > 40
    unknown = sorted({w for w in words["ui"] if plain(w) not in messages})
    assert unknown == []


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(template_db, tmp_path_factory.mktemp("guide") / "demo.sqlite", seed=3)


def window_paths(window: MainWindow) -> Iterator[str]:
    """« Menu › entry » and « Section › tab › tab » for everything this window offers."""
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if isinstance(menu, QMenu) else ():
            if action.text():
                yield f"{plain(menu_action.text())} › {plain(action.text())}"
    for index, section in enumerate(SECTIONS):
        if not window.allowed(index):
            continue
        widget = window.show_section(index)
        yield plain(section.title)
        for stop in tab_keys.tab_stops(widget):
            path = [plain(section.title)]
            for tabs, tab in stop:
                path.append(plain(tabs.tabText(tab)))
                yield " › ".join(path)


def test_every_menu_and_tab_path_of_the_guide_is_in_the_window(
    qtbot: QtBot, demo_app: Comptoir
) -> None:
    """Coordination and administration see every section; their Paramètres differ
    (« Verrouillage », « Comptes »)."""
    offered: set[str] = set()
    for role in (Role.COORDINATOR, Role.ADMIN):
        window = open_window_as(qtbot, demo_app, role)
        offered.update(window_paths(window))
        window.close()
    words = page().words
    assert len(words["chemin"]) > 15 and len(words["menu"]) >= 5
    missing = sorted({w for w in words["chemin"] + words["menu"] if w not in offered})
    assert missing == []


def test_aide_guide_d_utilisation_opens_the_bundled_guide(qtbot: QtBot, demo_app: Comptoir) -> None:
    window = open_window_as(qtbot, demo_app, Role.VOLUNTEER)  # every role has the guide
    entries = {
        plain(action.text()): action
        for menu_action in window.menuBar().actions()
        if plain(menu_action.text()) == "Aide" and isinstance(menu_action.menu(), QMenu)
        for action in menu_action.menu().actions()  # type: ignore[attr-defined]
    }
    entries["Guide d'utilisation"].trigger()
    dialog = window.findChild(GuideDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.title() == TITLE

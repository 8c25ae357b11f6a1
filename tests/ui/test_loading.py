"""Tabs filled from the background (issue 17): the frame at once, « Chargement… » over the
list while the read runs, the rows when it is done; a tab reads when it is first shown, not
when its section is built; a newer read wins over an older one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRunnable
from PySide6.QtWidgets import QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import loading
from tiers_lieu.ui.grocery import GroceryPanel
from tiers_lieu.ui.grocery.table_models import ProductsModel
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown
from tiers_lieu.ui.ops import set_pool


class HeldPool:
    """Keeps each read until the test lets it run (a slow base, on demand)."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.held.append(runnable)

    def run(self, index: int = 0) -> None:
        self.held.pop(index).run()


@pytest.fixture
def held() -> Iterator[HeldPool]:
    pool = HeldPool()
    set_pool(pool)
    yield pool
    set_pool(None)


class Tab(QWidget):
    """A list whose rows come from ``read``, as the sections' tabs do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QTableView(self)
        self.shown_text = QLabel(self)
        QVBoxLayout(self).addWidget(self.view)
        self.reads = 0
        self.loader = BackgroundLoad(self, self.view)
        self.shown = refresh_when_shown(self)

    def refresh(self) -> None:
        self.reads += 1
        number = self.reads
        self.loader.start(lambda: f"lecture {number}", self.shown_text.setText)


def cover_text(tab: Tab) -> str:
    cover = tab.loader.cover
    assert cover is not None
    return cover.label.text() if cover.isVisible() else ""


def test_the_frame_shows_at_once_and_the_rows_come_after(qtbot: QtBot, held: HeldPool) -> None:
    tab = Tab()
    qtbot.addWidget(tab)
    tab.resize(600, 400)
    with qtbot.waitExposed(tab):
        tab.show()
    assert tab.reads == 1 and tab.loader.busy
    assert tab.shown_text.text() == ""
    qtbot.waitUntil(lambda: cover_text(tab) == "Chargement…")
    held.run()
    assert tab.shown_text.text() == "lecture 1"
    assert cover_text(tab) == "" and not tab.loader.busy


def test_a_newer_read_wins_over_an_older_one(qtbot: QtBot, held: HeldPool) -> None:
    tab = Tab()
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    tab.refresh()  # the user typed again before the first read came back
    held.run(1)
    assert tab.shown_text.text() == "lecture 2"
    held.run(0)  # the older read comes back last: dropped
    assert tab.shown_text.text() == "lecture 2"


def test_a_tab_reads_when_first_shown_and_again_only_when_told(
    qtbot: QtBot,
) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    first, second = Tab(), Tab()
    tabs.addTab(first, "un")
    tabs.addTab(second, "deux")
    with qtbot.waitExposed(tabs):
        tabs.show()
    assert (first.reads, second.reads) == (1, 0)  # the hidden tab read nothing
    tabs.setCurrentWidget(second)
    assert second.reads == 1 and second.shown_text.text() == "lecture 1"
    tabs.setCurrentWidget(first)
    tabs.setCurrentWidget(second)
    assert second.reads == 1  # nothing changed: not read again
    tabs.setCurrentWidget(first)
    second.shown.invalidate()  # something it shows changed while it was hidden
    assert second.reads == 1
    tabs.setCurrentWidget(second)
    assert second.reads == 2


def test_a_refusal_is_said_in_french_and_a_bug_goes_to_the_hook(
    qtbot: QtBot, message_boxes: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    loader = BackgroundLoad(owner)

    def refused() -> str:
        raise ConflictError("Ce lieu n'existe plus.")

    loader.start(refused, lambda _value: None)
    assert message_boxes == [("warning", "Impossible de continuer", "Ce lieu n'existe plus.")]

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, exc, _tb: hooked.append(exc))

    def broken() -> str:
        raise RuntimeError("panne")

    loader.start(broken, lambda _value: None)
    assert [str(e) for e in hooked] == ["panne"]
    assert len(message_boxes) == 1


def test_the_stock_tab_shows_chargement_until_the_levels_are_read(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, held: HeldPool
) -> None:
    bread = app.grocery.products.create(site.id, ProductFields(name="Pain", price_cents=480))
    app.grocery.stock.receive(
        site_id=site.id, product_id=bread.id, quantity_milli=5000, unit_cost_cents=None
    )
    panel = GroceryPanel(app, site)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    with qtbot.waitExposed(panel):
        panel.show()
    assert held.held == []  # the till is on screen: the other tabs read nothing yet
    panel.tabs.setCurrentWidget(panel.stock_tab)
    tab = panel.stock_tab
    assert tab.model.rowCount() == 0 and len(held.held) == 1
    cover: Any = tab.loader.cover
    qtbot.waitUntil(lambda: cover.isVisible())
    assert cover.label.text() == "Chargement…"
    held.run()
    assert tab.model.index(0, ProductsModel.Columns.STOCK).data() == "5"
    assert not cover.isVisible()
    assert loading.SHOW_AFTER_MS < 150

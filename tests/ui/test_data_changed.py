"""One announcement of writes for the whole window (issue 19): what a section writes, the
tabs of the others showing it read again when they are next shown, and never while hidden."""

from __future__ import annotations

import pytest
from desk_window import open_window
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.settings import SettingsSection


@pytest.fixture
def coordinator(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password="tilleul-2026", role=Role.ADMIN
    )


class ReadingTab(QWidget):
    """A tab that counts its reads, read when shown as the sections' tabs are."""

    def __init__(self, changes: DataChanged, topics: set[Topic], parent: QWidget) -> None:
        super().__init__(parent)
        self.reads = 0
        self.shown = refresh_when_shown(self)
        changes.watch(self, topics, self.shown.invalidate)

    def refresh(self) -> None:
        self.reads += 1


def test_a_tab_reads_again_when_shown_after_a_change_it_shows(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    changes = DataChanged(tabs)
    stock = ReadingTab(changes, {Topic.STOCK}, tabs)
    people = ReadingTab(changes, {Topic.PEOPLE}, tabs)
    till = ReadingTab(changes, {Topic.PRODUCTS}, tabs)
    for tab in (till, stock, people):
        tabs.addTab(tab, "")
    tabs.show()
    assert (till.reads, stock.reads, people.reads) == (1, 0, 0)  # the tab on screen only

    changes.announce(till, Topic.SALES, Topic.STOCK)  # a sale at the till
    assert (stock.reads, people.reads) == (0, 0)  # nothing read while hidden
    tabs.setCurrentWidget(stock)
    assert stock.reads == 1
    tabs.setCurrentWidget(people)
    tabs.setCurrentWidget(stock)
    assert (stock.reads, people.reads) == (1, 1)  # unchanged since: not read again

    changes.announce(people, Topic.STOCK)  # on screen: read at once
    assert stock.reads == 2
    tabs.setCurrentWidget(people)
    changes.announce(people, Topic.PEOPLE)  # by itself: not told
    assert people.reads == 1


def test_the_tab_that_wrote_is_not_told_and_a_closed_tab_no_longer_listens(
    qtbot: QtBot,
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    changes = DataChanged(host)
    told: list[str] = []
    writer, other = QWidget(host), QWidget(host)
    changes.watch(writer, {Topic.VISITS}, lambda: told.append("writer"))
    changes.watch(other, {Topic.VISITS}, lambda: told.append("other"))
    changes.announce(writer, Topic.VISITS)
    assert told == ["other"]
    with qtbot.waitSignal(other.destroyed, timeout=10_000):
        other.deleteLater()
    changes.announce(None, Topic.VISITS)
    assert told == ["other", "writer"]


def test_a_service_added_in_settings_is_offered_to_the_agenda_resources(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, coordinator: UserInfo
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    agenda = window.show_section("agenda")
    assert isinstance(agenda, AgendaSection)
    agenda.tabs.setCurrentWidget(agenda.resources)  # read once, with today's services
    services = agenda.resources.service
    assert "Repair café" not in [services.itemText(i) for i in range(services.count())]

    settings = window.show_section("parametres")
    assert isinstance(settings, SettingsSection)
    settings.tabs.setCurrentWidget(settings.services_tab)
    settings.services_tab.name_edit.setText("Repair café")
    settings.services_tab.on_add_clicked()

    window.show_section("agenda")
    assert "Repair café" in [services.itemText(i) for i in range(services.count())]

"""« Caisse et factures › Journal de caisse » (issue 21): the place's till journal, newest
line first, a page at a time; « Vérifier le journal » says it is intact or lists where it
breaks, the broken lines in red, a break chosen goes to its line; after a sign-in, whoever
invoices is warned of a broken journal (dialog and status bar)."""

from __future__ import annotations

import pytest
from desk_window import open_window
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.money import MoneySection
from tiers_lieu.ui.money.journal_tab import JournalModel, JournalTab


@pytest.fixture
def host(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password="tilleul-2026", role=Role.HOST
    )


def sell(app: Comptoir, site: SiteInfo, count: int) -> None:
    eggs = app.grocery.products.create(
        site.id, ProductFields(name="Œufs", price_cents=320, vat_rate_bp=550)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=eggs.id, quantity_milli=1_000_000, unit_cost_cents=None
    )
    for _n in range(count):
        app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(eggs.id, 2000)],
            payments=[PaymentInput("cash", 640)],
        )


def tamper(app: Comptoir, seq: int) -> None:
    with app.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER till_journal_no_update")
        connection.exec_driver_sql(f"UPDATE till_journal SET actor = 'X' WHERE seq = {seq}")


def open_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> JournalTab:
    tab = JournalTab(app, site)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def cell(tab: JournalTab, row: int, column: JournalModel.Columns) -> object:
    return tab.model.index(row, column).data()


def test_the_journal_is_listed_newest_first_and_verified(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    sell(app, site, 2)
    tab = open_tab(qtbot, app, site)
    c = JournalModel.Columns
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4)
    assert tab.count_label.text() == "4 lignes au journal"
    assert [cell(tab, 0, column) for column in (c.SEQ, c.KIND, c.NUMBER, c.AMOUNT, c.ACTOR)] == [
        "4",
        "Paiement",
        "T000002",
        "6,40\u00a0€",
        "Système",
    ]
    assert cell(tab, 1, c.KIND) == "Ticket" and len(str(cell(tab, 1, c.HASH))) == 12
    assert not tab.result_label.isVisible()
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "intact" in tab.result_label.text())
    assert tab.result_label.text() == (
        "Journal de caisse intact (4 lignes vérifiées, 2 tickets rapprochés)"
    )
    assert not tab.breaks.isVisible()


def test_a_break_is_listed_and_its_line_shown_in_red(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    sell(app, site, 260)  # two pages and more: the broken line is on the second
    tamper(app, 5)
    tab = open_tab(qtbot, app, site)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 200)
    tab.verify()
    qtbot.waitUntil(lambda: tab.breaks.isVisible())
    assert tab.result_label.text() == (
        "Le journal de caisse a été altéré : 2 anomalies, ci-dessous."
    )
    said = [tab.breaks.item(n).text() for n in range(tab.breaks.count())]
    assert said[0].startswith("La protection de la caisse a été retirée")
    assert said[1].startswith("Le Comptoir de Felletin : ligne n° 5 du ")
    assert said[1].endswith(
        "(Ticket T000003) — le contenu ne correspond plus à son empreinte : "
        "elle a été modifiée, ou ajoutée hors de Comptoir."
    )
    tab.go_to_break(tab.breaks.item(1))
    row = tab.view.currentIndex().row()
    assert cell(tab, row, JournalModel.Columns.SEQ) == "5"
    red = tab.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.color().name() == "#b00020"
    assert tab.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_tab_is_in_the_money_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = MoneySection(app, site)
    qtbot.addWidget(section)
    titles = [section.tabs.tabText(n) for n in range(section.tabs.count())]
    assert titles.index("Journal de caisse") == titles.index("Clôtures") + 1


def test_whoever_invoices_is_warned_of_a_broken_journal_at_sign_in(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    host: UserInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    sell(app, site, 1)
    tamper(app, 1)
    window = open_window(qtbot, app, site, host)
    qtbot.waitUntil(lambda: bool(message_boxes))
    [(kind, title, body)] = message_boxes
    assert (kind, title) == ("warning", "Journal de caisse altéré")
    assert "ligne n° 1" in body and "till_journal_no_update" in body
    assert window.till_label.isVisible()
    assert "Journal de caisse altéré" in window.till_label.text()


def test_a_volunteer_is_not_asked_about_the_journal(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    jules = app.accounts.create_user(
        username="jules", display_name="Jules", pin="482916", role=Role.VOLUNTEER
    )
    sell(app, site, 1)
    tamper(app, 1)
    window = open_window(qtbot, app, site, jules)
    qtbot.wait(50)
    assert message_boxes == [] and not window.till_label.isVisible()


def test_at_sign_in_a_line_this_desk_verified_then_rewritten_is_said(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    host: UserInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    """The check after a sign-in reads only what is new since this desk's last verification,
    but the last line it kept must still be there with its hash."""
    sell(app, site, 2)
    assert app.till_journal.verify().intact  # this desk keeps line 4
    sql = (
        "DROP TRIGGER till_journal_no_update",
        "UPDATE till_journal SET line_hash = 'ab' || substr(line_hash, 3) WHERE seq = 4",
        "UPDATE till_journal SET actor = 'X' WHERE seq = 1",  # before: not read at sign-in
    )
    with app.engine.begin() as connection:
        for statement in sql:
            connection.exec_driver_sql(statement)
    window = open_window(qtbot, app, site, host)
    qtbot.waitUntil(lambda: bool(message_boxes))
    [(kind, title, body)] = message_boxes
    assert (kind, title) == ("warning", "Journal de caisse altéré")
    assert "ligne n° 4" in body and "que ce poste a vue sous ce numéro" in body
    assert "ligne n° 1 " not in body
    assert "Journal de caisse altéré" in window.till_label.text()

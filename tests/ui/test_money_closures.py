"""The till's closures on screen (issue 21): « Clôturer la journée (Z)… » in the day's sales,
the « Clôtures » tab with its month closing and the Z's PDF, a « Duplicata » on a reprint, and
a volunteer who sees no month or year closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pdftext import pdf_text
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD, add_role_accounts

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError
from tiers_lieu.services.grocery import sales as sales_module
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.grocery.day_tab import DaySalesTab
from tiers_lieu.ui.money import MoneySection
from tiers_lieu.ui.money.closures_tab import ClosuresModel, ClosuresTab, PeriodDialog


def sell(app: Comptoir, site: SiteInfo, cents: int = 480) -> None:
    bread = app.grocery.products.create(site.id, ProductFields(name="Pain", price_cents=cents))
    app.grocery.stock.receive(
        site_id=site.id, product_id=bread.id, quantity_milli=5000, unit_cost_cents=None
    )
    app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(bread.id, 1000)], payments=[PaymentInput("cash", cents)]
    )


def yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def test_the_day_is_closed_from_its_sales_and_a_second_print_is_a_duplicate(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sell(app, site)
    tab = DaySalesTab(app, site)
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    assert tab.close_button.isEnabled() and tab.closed.isHidden()
    asked = yes(monkeypatch)
    with qtbot.waitSignal(tab.day_closed) as closed:
        tab.close_button.click()
    assert "plus aucune vente ni annulation" in asked[0]
    assert closed.args[0].number == 1
    assert "Journée clôturée : Z n° 1 — 4,80" in tab.closed.text()
    assert not tab.close_button.isEnabled() and tab.closed.isVisible()

    first, second = tmp_path / "z.pdf", tmp_path / "z2.pdf"
    for target in (first, second):
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), "")
        )
        with qtbot.waitSignal(tab.z_saved):
            tab.save_z()
    assert "Z n° 1" in pdf_text(first) and "Duplicata" not in pdf_text(first)
    assert "Duplicata" in pdf_text(second)
    # The sale after the Z is refused, with the reason.
    with pytest.raises(ConflictError, match="est clôturée \\(Z n° 1\\)"):
        sell(app, site)


def test_coordination_closes_last_month_from_the_closures_tab(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = datetime.now(app.visits.time_zone(site.id)).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
    moment = datetime(last_month.year, last_month.month, 10, 11, tzinfo=UTC)
    with monkeypatch.context() as patch:
        patch.setattr(sales_module, "utcnow", lambda: moment)
        sell(app, site, 300)
    section = MoneySection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    tab = section.tabs.widget(0)
    assert isinstance(tab, ClosuresTab) and section.tabs.tabText(0) == "Clôtures"
    assert tab.model.rowCount() == 0
    assert tab.month_button.isVisible() and tab.year_button.isVisible()
    assert tab.minimumSizeHint().width() <= 1024

    monkeypatch.setattr(PeriodDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    with qtbot.waitSignal(tab.closed) as closed:
        tab.month_button.click()
    assert [(c.kind, c.number) for c in closed.args[0]] == [("day", 1), ("month", 1)]
    shown = [
        [tab.model.display(row, column) for column in ClosuresModel.Columns]
        for row in tab.model.rows()
    ]
    euros = "3,00\u00a0€"
    assert shown[0] == ["Mois", "1", shown[0][2], "T000001 à T000001", euros, euros]
    assert shown[1][:2] == ["Z du jour", "1"]

    target = tmp_path / "month.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.view.selectRow(0)
    with qtbot.waitSignal(tab.saved):
        tab.save_pdf()
    text = pdf_text(target)
    assert "Clôture mensuelle n° 1" in text and "Grand total perpétuel 3,00 €" in text


def test_a_volunteer_sees_the_closures_without_month_or_year_closing(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    add_role_accounts(app, "compte", "Compte")
    app.access.sign_in(app.accounts.authenticate("compte.volunteer", PASSWORD))  # SALES only
    tab = ClosuresTab(app, site)
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    assert tab.month_button.isHidden() and tab.year_button.isHidden()
    tab.close_month()  # the shortcut's slot does nothing either
    assert tab.model.rowCount() == 0

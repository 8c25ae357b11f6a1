"""The membership fee is typed like every other amount (« 12,50 », « 1 234,50 € ») and read by
the one euro parser into exact cents; garbage is named, nothing is recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.people.dialogs import MembershipDialog

TODAY = date(2026, 3, 2)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def show(parent: QWidget | None, title: str, text: str, *args: object) -> Any:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, show)
    return shown


def dialog(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> MembershipDialog:
    person = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux"))
    window = MembershipDialog(app, person, None, today=TODAY)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize(("typed", "cents"), [("12,50", 1250), ("0,29 €", 29), ("", 0)])
def test_fee_is_recorded_in_exact_cents(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, errors: list[str], typed: str, cents: int
) -> None:
    window = dialog(qtbot, app, site)
    window.fee.setText(typed)
    window.method.setCurrentIndex(window.method.findData(PaymentMethod.CHEQUE.value))
    window.on_save_clicked()
    assert errors == []
    [membership] = app.memberships.of_person(window._person.id)
    assert membership.fee_cents == cents


@pytest.mark.parametrize("typed", ["douze", "12,555", "-5", "1e3"])
def test_unreadable_fee_is_named_and_nothing_recorded(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, errors: list[str], typed: str
) -> None:
    window = dialog(qtbot, app, site)
    window.fee.setText(typed)
    window.on_save_clicked()
    assert len(errors) == 1 and "Cotisation" in errors[0]
    assert app.memberships.of_person(window._person.id) == []

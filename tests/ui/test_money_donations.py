"""« Caisse et factures › Dons et reçus »: a gift recorded through its dialog, its tax receipt
issued and saved as PDF, a duplicate, a membership receipt; refusals shown in French."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mnemonics import clashes
from pdftext import pdf_text
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingService, BillingSettings
from tiers_lieu.ui.money import MoneySection
from tiers_lieu.ui.money.donations_tab import (
    DonationDialog,
    DonationsTab,
    IssueDialog,
    MembershipReceiptDialog,
)


def entitle(app: Comptoir, site: SiteInfo) -> None:
    BillingService(app.uow).save(
        site.id,
        BillingSettings(
            legal_name="Association Le Comptoir",
            rna="W231000123",
            address="1 place du Marché",
            postal_code="23500",
            city="Felletin",
            receipts_entitled=True,
            receipts_quality="Œuvre ou organisme d'intérêt général",
            receipts_object="Tiers-lieu rural",
        ),
    )


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[DonationsTab]:
    section = MoneySection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    section.show()
    found = [
        section.tabs.widget(i)
        for i in range(section.tabs.count())
        if isinstance(section.tabs.widget(i), DonationsTab)
    ]
    assert len(found) == 1
    section.tabs.setCurrentWidget(found[0])
    yield found[0]


def fill_gift(dialog: DonationDialog) -> None:
    dialog.donor.last_name.setText("Martin")
    dialog.donor.first_name.setText("Jeanne")
    dialog.donor.postal_code.setText("23500")
    dialog.donor.city.setText("Felletin")
    dialog.amount.setText("123,45")
    dialog.received_on.setDate(QDate(2026, 3, 10))
    dialog.method.setCurrentIndex(dialog.method.findData("cheque"))


def test_record_issue_and_print(
    tab: DonationsTab,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    tmp_path: Path,
) -> None:
    def record(dialog: DonationDialog) -> int:
        fill_gift(dialog)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(DonationDialog, "exec", record)
    tab.record()
    assert tab.year.value() == 2026
    assert tab.model.rowCount() == 1
    assert "Martin" in tab.model.index(0, 1).data()
    assert tab.model.index(0, 4).data().replace("\xa0", " ") == "123,45 €"
    assert tab.model.index(0, 5).data() == "à établir"
    assert "enregistré" in tab.status.text()
    assert tab.issue_button.isEnabled() and not tab.pdf_button.isEnabled()

    issued: list[Any] = []

    def issue(dialog: IssueDialog) -> int:
        dialog.quality.setText("Trésorière")
        dialog.issue()
        issued.append(dialog.result())
        return dialog.result()

    monkeypatch.setattr(IssueDialog, "exec", issue)
    target = tmp_path / "recu.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.issue_selected()  # not entitled yet, and no street address
    assert issued == [QDialog.DialogCode.Rejected]
    assert "habilité" in message_boxes[-1][2]
    entitle(app, site)
    tab.issue_selected()
    assert "Adresse du donateur" in message_boxes[-1][2]

    def issue_with_address(dialog: IssueDialog) -> int:
        dialog.donor.address.setText("3 rue des Forges")
        return issue(dialog)

    monkeypatch.setattr(IssueDialog, "exec", issue_with_address)
    tab.issue_selected()
    qtbot_wait_for(lambda: target.exists())
    words = pdf_text(target)
    assert "2026-0001" in words and "cent vingt-trois euros et quarante-cinq centimes" in words
    assert tab.model.index(0, 5).data().startswith("n° 2026-0001")
    assert not tab.issue_button.isEnabled() and not tab.edit_button.isEnabled()

    copy = tmp_path / "duplicata.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    tab.pdf_selected()
    qtbot_wait_for(lambda: copy.exists())
    assert "DUPLICATA" in pdf_text(copy)


def qtbot_wait_for(condition: Any) -> None:
    """The PDF is written by a labelled operation: its result comes through the event loop."""
    for _ in range(200):
        if condition():
            return
        QApplication.processEvents()
    assert condition()


def test_membership_receipt_from_the_tab(
    tab: DonationsTab,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    MembershipService(app.uow).add(
        person_id=person.id,
        start_date=date(2026, 1, 10),
        period="year",
        fee_cents=1500,
        method="cash",
    )

    def choose(dialog: MembershipReceiptDialog) -> int:
        dialog.person.set_value(person.id)
        dialog.on_person_chosen(person.id)
        assert dialog.memberships.count() == 1
        dialog.choose()
        return dialog.result()

    monkeypatch.setattr(MembershipReceiptDialog, "exec", choose)
    target = tmp_path / "cotisation.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.membership_receipt()
    qtbot_wait_for(lambda: target.exists())
    words = pdf_text(target)
    assert "Reçu de cotisation" in words and "Aline Dubreuil" in words and "15,00 €" in words


def test_a_gift_chosen_from_the_register_takes_the_name(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    person = app.people.create(site.id, PersonInput(first_name="Paul", last_name="Rivière"))
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = DonationDialog(app, site, parent)
    dialog.person.set_value(person.id)
    dialog.on_person_chosen(person.id)
    assert dialog.donor.last_name.text() == "Rivière"
    assert dialog.donor.first_name.text() == "Paul"
    dialog.form.setCurrentIndex(dialog.form.findData("kind"))
    assert not dialog.method.isEnabled()


@pytest.mark.parametrize("which", ["don", "reçu", "cotisation"])
def test_dialogs_have_distinct_mnemonics(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, which: str
) -> None:
    from tiers_lieu.services.till.donations import DonationInput, DonorInput

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog: QDialog
    if which == "don":
        dialog = DonationDialog(app, site, parent)
    elif which == "reçu":
        gift = app.donations.record(
            site.id,
            DonationInput(
                donor=DonorInput(last_name="Martin"), amount_cents=500, received_on=date(2026, 3, 1)
            ),
        )
        dialog = IssueDialog(app, gift, parent)
    else:
        dialog = MembershipReceiptDialog(app, site, parent)
    dialog.show()
    QApplication.processEvents()
    assert clashes(dialog) == {}


def test_tab_fits_a_small_screen(tab: DonationsTab) -> None:
    window = tab.window()
    for button in (
        tab.record_button,
        tab.edit_button,
        tab.issue_button,
        tab.pdf_button,
        tab.membership_button,
    ):
        corner = button.mapTo(window, button.rect().bottomRight())
        assert corner.x() <= window.width() and corner.y() <= window.height(), button.text()
    assert clashes(window) == {}

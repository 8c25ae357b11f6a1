"""Visites et ateliers › Colis et courrier, by keyboard from the window (issue 22): Ctrl+3
then Alt+U shows the relay; Ctrl+N logs a parcel (a scanner's Entrée goes on to the
recipient, Entrée there saves); Entrée on a parcel opens « Remettre le colis », which
refuses until « Identité vérifiée » is ticked (Espace) and then hands it over with
Entrée, counting a visit; the morning's list « À retourner » ticked « Retourné »; the
notice printed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from desk_window import open_window
from placetime import place_today
from printer_double import fake_printer, printed_pages
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Parcel, Service, Visit
from tiers_lieu.models.enums import Role, ServiceKind
from tiers_lieu.services.parcels import ParcelFilter, ParcelInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.visits import VisitsSection
from tiers_lieu.ui.visits.parcels_tab import ParcelsTab


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> MainWindow:
    volunteer = app.accounts.create_user(
        username="benevole",
        display_name="Bénévole",
        role=Role.VOLUNTEER,
        password="motdepasse-solide",
        site_id=site.id,
    )
    return open_window(qtbot, app, site, volunteer)


def parcels_tab(qtbot: QtBot, window: MainWindow) -> ParcelsTab:
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    section = window.findChild(VisitsSection)
    assert section is not None and section.isVisible()
    QTest.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert section.tabs.currentWidget() is section.parcels_tab
    qtbot.waitUntil(section.parcels_tab.isVisible, timeout=10_000)
    return section.parcels_tab


def parcels(app: Comptoir) -> list[Parcel]:
    with Session(app.engine) as session:
        return list(session.exec(select(Parcel)).all())


def test_log_then_hand_over_by_keyboard(qtbot: QtBot, app: Comptoir, window: MainWindow) -> None:
    tab = parcels_tab(qtbot, window)
    assert tab.model.rowCount() == 0

    QTest.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.new_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.tracking.hasFocus, timeout=10_000)
    dialog.carrier.setCurrentText("Mondial Relay")
    qtbot.keyClicks(dialog.tracking, "MR 0012 3456")
    QTest.keyClick(dialog.tracking, Qt.Key.Key_Return)  # the scanner's Entrée
    assert dialog.isVisible() and dialog.recipient.hasFocus()
    assert parcels(app) == []
    qtbot.keyClicks(dialog.recipient, "Famille Dupuis")
    QTest.keyClick(dialog.recipient, Qt.Key.Key_Return)
    assert not dialog.isVisible()

    [saved] = parcels(app)
    assert (saved.carrier, saved.tracking, saved.recipient) == (
        "Mondial Relay",
        "MR00123456",
        "Famille Dupuis",
    )
    assert saved.keep_until == place_today() + timedelta(days=8)
    assert tab.model.rowCount() == 1
    assert "Famille Dupuis" in tab.status.text()
    assert window.focusWidget() is tab.view  # the list, once the window is active again

    QTest.keyClick(tab.view, Qt.Key.Key_Return)
    hand = tab.hand_dialog
    assert hand is not None and hand.isVisible()
    qtbot.waitUntil(hand.identity.hasFocus, timeout=10_000)
    QTest.keyClick(hand, Qt.Key.Key_Return)  # not ticked: « Remettre » stays off
    assert hand.isVisible() and not hand.ok_button.isEnabled()
    QTest.keyClick(hand.identity, Qt.Key.Key_Space)
    QTest.keyClick(hand.identity, Qt.Key.Key_Return)
    assert not hand.isVisible()

    [done] = parcels(app)
    assert done.handed_at is not None and done.identity_checked
    with Session(app.engine) as session:
        kinds = session.exec(
            select(Service.kind).join(Visit, Visit.service_id == Service.id)  # type: ignore[arg-type]
        ).all()
    assert kinds == [ServiceKind.PARCEL]
    assert "visite comptée" in tab.status.text()
    assert tab.model.rowCount() == 0  # no longer waiting

    # The wrong parcel was handed over: Ctrl+Z puts it back, and takes its visit back.
    window.activateWindow()  # the offscreen platform leaves no window active after a dialog
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    QTest.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "attend de nouveau" in tab.status.text(), timeout=10_000)
    [back] = parcels(app)
    assert back.handed_at is None and not back.identity_checked
    with Session(app.engine) as session:
        assert session.exec(select(Visit)).all() == []
    assert tab.model.rowCount() == 1
    assert not tab.undo_button.isEnabled()  # once


def test_the_morning_list_and_returned(
    qtbot: QtBot, app: Comptoir, window: MainWindow, site: SiteInfo
) -> None:
    real = app.parcels.clock
    app.parcels.clock = lambda: real() - timedelta(days=20)
    for name in ("Paul Roche", "Zoé Martin"):
        app.parcels.receive(
            site.id,
            ParcelInput(
                carrier="UPS",
                tracking="1Z999",
                recipient=name,
                keep_until=place_today() - timedelta(days=13),
            ),
        )
    app.parcels.clock = real
    app.parcels.receive(
        site.id,
        ParcelInput(carrier="GLS", tracking="", recipient="Léa", keep_until=place_today()),
    )
    # Accueil says so too, beside the follow-ups: the host sees it without opening Colis.
    accueil = window.show_section("accueil")
    accueil.on_glance_timer_timeout()  # type: ignore[attr-defined]
    panel = accueil.today_panel  # type: ignore[attr-defined]
    assert panel.parcels_label.text() == "3 colis en attente au relais, dont 2 à retourner"
    assert panel.parcels_label.isVisibleTo(panel)
    tab = parcels_tab(qtbot, window)
    assert tab.model.rowCount() == 3
    assert "dont 2 à retourner" in tab.summary.text()
    tab.show_combo.setCurrentIndex(tab.show_combo.findData(ParcelFilter.TO_RETURN))
    assert tab.model.rowCount() == 2
    tab.view.setFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(tab.view, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Re&tourné
    qtbot.waitUntil(lambda: "2 colis notés retournés" in tab.status.text(), timeout=10_000)
    assert tab.model.rowCount() == 0
    assert sorted(p.recipient for p in parcels(app) if p.returned_at) == [
        "Paul Roche",
        "Zoé Martin",
    ]

    tab.search.setText("zoé")
    tab.show_combo.setCurrentIndex(tab.show_combo.findData(ParcelFilter.ALL))
    QTest.keyClick(tab.search, Qt.Key.Key_Return)
    assert [r.recipient for r in tab.model.rows()] == ["Zoé Martin"]
    assert tab.model.state_text(tab.model.rows()[0]).startswith("Retourné le")


def test_the_notice_is_printed_and_the_recipient_noted_told(
    qtbot: QtBot,
    app: Comptoir,
    window: MainWindow,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    app.parcels.receive(
        site.id,
        ParcelInput(
            carrier="La Poste / Colissimo",
            tracking="6A1234",
            recipient="Paul Roche",
            keep_until=place_today() + timedelta(days=14),
        ),
    )
    tab = parcels_tab(qtbot, window)
    paper = tmp_path / "imprimante.pdf"
    fake_printer(monkeypatch, paper)
    QTest.keyClick(tab, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Imprimer l'a&vis
    qtbot.waitUntil(lambda: "Destinataire noté prévenu" in tab.status.text(), timeout=20_000)
    assert printed_pages(paper) == 1
    [told] = parcels(app)
    assert told.notified_at is not None
    assert told.notified_at <= datetime.now(UTC)
    QApplication.processEvents()

"""The « Personnes » section as the desk uses it: find someone, create with the duplicate
warning, see the page (assistance notes only for the mediation desk), export, erase with
confirmation, retention settings and the purge after its dry-run list."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from placetime import place_today
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, AuditEntry, Person
from tiers_lieu.models.enums import CategoryKind, Role
from tiers_lieu.reports.documents.privacy import register_of_processing
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.common import select_id
from tiers_lieu.ui.people import PeopleSection
from tiers_lieu.ui.people.purge_prompt import offer_purge_at_start
from tiers_lieu.ui.people.register import SEARCH_DELAY_MS

SHOTS = Path("/tmp/people-shots")


@dataclass
class Dialogs:
    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes

    def texts(self, kind: str) -> list[str]:
        return [text for k, _title, text in self.shown if k == kind]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    record = Dialogs()

    def fake(kind: str) -> Any:
        def show(parent: QWidget | None, title: str, text: str, *args: object) -> object:
            record.shown.append((kind, title, text))
            return record.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, fake(kind))
    return record


def user(app: Comptoir, site: SiteInfo, role: Role) -> UserInfo:
    return app.accounts.create_user(
        username=f"{role}-{uuid.uuid4().hex[:6]}",
        display_name="Camille",
        password="motdepasse-solide-42",
        role=role,
        site_id=site.id,
    )


def with_note(app: Comptoir, site: SiteInfo, person_id: uuid.UUID, note: str) -> None:
    kind = app.config.list_categories
    with app.uow() as uow:
        uow.session.add(
            AssistanceRecord(
                site_id=site.id,
                activity_date=date(2026, 2, 2),
                operator_id=kind(site.id, CategoryKind.OPERATOR)[0].id,
                theme_id=kind(site.id, CategoryKind.THEME)[0].id,
                help_type_id=kind(site.id, CategoryKind.HELP_TYPE)[0].id,
                outcome_id=kind(site.id, CategoryKind.OUTCOME)[0].id,
                person_id=person_id,
                note=note,
            )
        )
        uow.commit()


def section(qtbot: QtBot, app: Comptoir, site: SiteInfo, role: Role) -> PeopleSection:
    """The section as the window builds it once an account of ``role`` has signed in."""
    app.access.act_as_system()  # the test's own set-up: creating the account
    app.access.sign_in(user(app, site, role))
    widget = PeopleSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def test_search_page_and_assistance_only_for_mediation(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs
) -> None:
    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux", phone="0611"))
    app.people.create(site.id, PersonInput(first_name="Paul", last_name="Vidal"))
    with_note(app, site, lea.id, "Dossier retraite")
    # a host opens the register but reads no notes (volunteers never open this section)
    for role, sees in ((Role.HOST, False), (Role.MEDIATOR, True)):
        people = section(qtbot, app, site, role)
        reg = people.register
        assert reg.model.rowCount() == 2
        qtbot.keyClicks(reg.search, "roux")
        qtbot.keyClick(reg.search, Qt.Key.Key_Return)  # Entrée searches without waiting
        assert [r.display_name for r in reg.model.rows()] == ["Léa Roux"]
        reg.table.selectRow(0)
        text = reg.page.toPlainText()
        assert "Léa Roux" in text and "Pas de consentement enregistré" in text
        assert ("Dossier retraite" in text) is sees
        if sees:
            SHOTS.mkdir(exist_ok=True)
            people.grab().save(str(SHOTS / "registre.png"))


def consultations(app: Comptoir) -> int:
    """« Consultation » lines of assistance notes in the audit log."""
    with Session(app.engine) as session:
        return len(
            session.exec(select(AuditEntry).where(AuditEntry.entity == "assistance_record")).all()
        )


def test_the_register_is_searched_when_typing_pauses(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for first, last in (("Léa", "Roux"), ("Louis", "Rousseau"), ("Paul", "Vidal")):
        app.people.create(site.id, PersonInput(first_name=first, last_name=last))
    people = section(qtbot, app, site, Role.HOST)
    reg = people.register
    searched: list[str] = []
    browse = app.people.browse
    monkeypatch.setattr(
        app.people,
        "browse",
        lambda site_id, text="", **kw: searched.append(text) or browse(site_id, text, **kw),
    )
    qtbot.keyClicks(reg.search, "rou")
    # Letters typed quickly: the list waits for the pause, it is not searched at each one.
    assert searched == [] and reg.model.rowCount() == 3
    assert reg.search_timer.isActive() and 150 <= reg.search_timer.interval() <= 250
    assert reg.search_timer.interval() == SEARCH_DELAY_MS
    reg.search_timer.timeout.emit()  # the pause after the last key
    assert searched == ["rou"]
    assert [r.display_name for r in reg.model.rows()] == ["Louis Rousseau", "Léa Roux"]
    assert not reg.search_timer.isActive()
    qtbot.keyClicks(reg.search, "x")
    qtbot.keyClick(reg.search, Qt.Key.Key_Return)  # Entrée: at once, and only once
    assert searched == ["rou", "roux"] and not reg.search_timer.isActive()
    assert [r.display_name for r in reg.model.rows()] == ["Léa Roux"]
    reg.search.clear()
    reg.search_timer.timeout.emit()
    assert reg.model.rowCount() == 3


def test_typing_on_does_not_reopen_the_selected_page(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    """The page of the person chosen stays as it is while the search is refined: reading
    their notes again at each search would write one more « Consultation » line each time."""
    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux"))
    app.people.create(site.id, PersonInput(first_name="Paul", last_name="Vidal"))
    with_note(app, site, lea.id, "Dossier retraite")
    people = section(qtbot, app, site, Role.MEDIATOR)
    reg = people.register
    select_id(reg.table, lea.id)
    assert "Dossier retraite" in reg.page.toPlainText()
    consulted = consultations(app)
    assert consulted >= 1
    for text in ("r", "ro", "roux"):
        reg.search.setText(text)
        reg.search_now()
    assert reg.current_id() == lea.id and "Dossier retraite" in reg.page.toPlainText()
    assert consultations(app) == consulted
    reg.search.setText("vidal")
    reg.search_now()
    assert reg.current_id() is None and "Choisissez une personne" in reg.page.toPlainText()


def test_register_lists_lazily(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    with app.uow() as uow:
        for n in range(250):
            uow.session.add(Person(site_id=site.id, first_name="P", last_name=f"Nom{n:03d}"))
        uow.commit()
    people = section(qtbot, app, site, Role.HOST)
    reg = people.register
    assert reg.model.rowCount() == 100
    assert reg.model.canFetchMore()
    reg.model.fetchMore()
    reg.model.fetchMore()
    assert reg.model.rowCount() == 250 and not reg.model.canFetchMore()


def test_new_person_warns_about_a_duplicate(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.people.create(site.id, PersonInput(first_name="Marc", last_name="Tixier"))
    from tiers_lieu.ui.people import dialogs as people_dialogs

    created: list[Any] = []

    def fake_exec(self: people_dialogs.RegisterPersonDialog) -> int:
        self.first_name.setText("marc")
        self.last_name.setText("TIXIER")
        self.on_save_clicked()
        created.append(self.created)
        return 1 if self.created else 0

    monkeypatch.setattr(people_dialogs.RegisterPersonDialog, "exec", fake_exec)
    people = section(qtbot, app, site, Role.HOST)
    reg = people.register
    dialogs.answer = QMessageBox.StandardButton.No
    reg.new_button.click()
    assert "Marc Tixier" in dialogs.texts("question")[0]
    assert dialogs.texts("question")[0].startswith("Cette personne ressemble")  # one match
    assert created == [None] and reg.model.rowCount() == 1
    dialogs.answer = QMessageBox.StandardButton.Yes
    reg.new_button.click()
    assert created[-1] is not None and reg.model.rowCount() == 2


def test_export_then_erase_with_confirmation(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs, tmp_path: Path
) -> None:
    person = app.people.create(
        site.id, PersonInput(first_name="Zoé", last_name="Bard", email="z@b.fr")
    )
    people = section(qtbot, app, site, Role.COORDINATOR)
    reg = people.register
    select_id(reg.table, person.id)
    out = tmp_path / "export"
    out.mkdir()
    reg.export_to(out, person.id)
    qtbot.waitUntil(lambda: bool(dialogs.shown))
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".pdf"]
    assert "Export terminé" in [title for _k, title, _t in dialogs.shown]
    data = json.loads(next(out.glob("*.json")).read_text("utf-8"))
    assert data["person"]["email"] == "z@b.fr"
    dialogs.answer = QMessageBox.StandardButton.No
    reg.erase_button.click()
    assert reg.model.rowCount() == 1
    dialogs.answer = QMessageBox.StandardButton.Yes
    reg.erase_button.click()
    assert "Effacer définitivement Zoé Bard" in dialogs.texts("question")[-1]
    assert reg.model.rowCount() == 0
    assert app.people.search(site.id, "bard") == []


def test_retention_settings_and_purge_after_the_dry_run(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs
) -> None:
    old = app.people.create(site.id, PersonInput(first_name="Jean", last_name="Ancien"))
    with app.uow() as uow:
        row = uow.session.get(Person, old.id)
        assert row is not None
        row.created_at = datetime(2019, 1, 1, tzinfo=UTC)
        row.last_activity_on = date(2019, 6, 1)
        uow.commit()
    people = section(qtbot, app, site, Role.COORDINATOR)
    tab = people.retention
    people.tabs.setCurrentWidget(tab)
    assert tab.spins["inactive_people_months"].value() == 36
    tab.spins["assistance_months"].setValue(18)
    tab.save_button.click()
    assert "enregistrées" in tab.status.text()
    SHOTS.mkdir(exist_ok=True)
    people.grab().save(str(SHOTS / "conservation.png"))
    dialogs.answer = QMessageBox.StandardButton.No
    tab.purge_button.click()
    assert "Jean Ancien" in dialogs.texts("question")[-1]
    assert app.people.search(site.id, "ancien")  # nothing done without confirmation
    dialogs.answer = QMessageBox.StandardButton.Yes
    offer_purge_at_start(app, site, people)
    assert app.people.search(site.id, "ancien") == []
    offer_purge_at_start(app, site, people)  # nothing due: no dialog
    assert len(dialogs.texts("question")) == 2
    assert "18 mois" in register_of_processing(app.privacy.register_facts(site.id))


def test_solidarity_households_to_review(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    """Issue 21: « Tarif solidaire à revoir » lists the eligibility ending within a month or
    ended, the soonest first, with the phone only when the household consented."""
    today = place_today()
    soon = app.people.create(
        site.id,
        PersonInput(
            first_name="Lucie",
            last_name="Martin",
            kinds=["solidarity"],
            phone="06 11 22 33 44",
            consent=True,
            solidarity_until=today + timedelta(days=12),
        ),
    ).id
    ended = app.people.create(
        site.id,
        PersonInput(first_name="Paul", last_name="Roy", kinds=["solidarity"], phone="0600000000"),
    ).id
    with app.uow() as uow:
        row = uow.session.get(Person, ended)
        assert row is not None
        row.solidarity_until = today - timedelta(days=5)
        uow.commit()
    widget = section(qtbot, app, site, Role.ADMIN)
    tab = widget.solidarity
    widget.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    texts = [
        [tab.model.index(r, c).data() for c in range(tab.model.columnCount())] for r in range(2)
    ]
    assert texts == [
        ["Paul Roy", (today - timedelta(days=5)).strftime("%d/%m/%Y") + " (échu)", ""],
        ["Lucie Martin", (today + timedelta(days=12)).strftime("%d/%m/%Y"), "06 11 22 33 44"],
    ]
    assert not tab.empty.isVisibleTo(tab)
    del soon

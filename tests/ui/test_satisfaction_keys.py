"""The satisfaction key after a démarche, as the mediator uses it: the démarche saved with
Ctrl+Entrée, then one key (F9 content, F10 moyen, F11 pas content) while the focus stays in
the form for the next person; Échap passes; after a workshop, each participant's key."""

from __future__ import annotations

from datetime import timedelta

from placetime import place_today
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import col, select
from test_demarches import focused, has_focus, open_section, type_and_tab

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, Satisfaction
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.visits.events_tab import EventsTab


def scores(app: Comptoir) -> list[tuple[int, str]]:
    with app.uow() as uow:
        rows = uow.session.exec(select(Satisfaction).order_by(col(Satisfaction.at))).all()
        return [(r.score, r.context) for r in rows]


def save_a_demarche(qtbot: QtBot) -> None:
    type_and_tab(qtbot, "caf")
    type_and_tab(qtbot, "loge")
    type_and_tab(qtbot, "en ligne")
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_one_key_after_a_demarche_keeps_the_flow(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    assert not form.satisfaction.isVisible()
    save_a_demarche(qtbot)
    assert "Démarche enregistrée" in form.status.text()
    assert form.satisfaction.isVisible()
    assert has_focus(form.operator)  # the next démarche can be typed at once
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    assert scores(app) == [(3, "demarche")]
    with app.uow() as uow:
        record = uow.session.exec(select(AssistanceRecord)).one()
        assert uow.session.exec(select(Satisfaction)).one().assistance_id == record.id
    assert not form.satisfaction.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_F9)  # asked once: a second key does nothing
    assert len(scores(app)) == 1
    assert has_focus(form.operator)

    save_a_demarche(qtbot)
    qtbot.keyClick(focused(), Qt.Key.Key_F11)
    save_a_demarche(qtbot)
    qtbot.keyClick(focused(), Qt.Key.Key_F10)
    assert scores(app) == [(3, "demarche"), (1, "demarche"), (2, "demarche")]


def test_escape_passes_the_question(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    save_a_demarche(qtbot)
    assert form.satisfaction.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert not form.satisfaction.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_F9)
    assert scores(app) == []
    assert has_focus(form.operator)


def test_the_buttons_say_their_keys(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    row = section.form.satisfaction
    assert [b.text() for b in row.buttons.values()] == [
        "Content (F9)",
        "Moyen (F10)",
        "Pas content (F11)",
    ]
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in row.buttons.values())


def test_after_a_workshop_each_participant_answers(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    day = place_today() - timedelta(days=1)
    event = app.events.create(site.id, EventFields(title="Atelier smartphone", event_date=day))
    tab = EventsTab(app, site)
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    tab.on_event_saved(app.events.get(event.id))
    assert tab.satisfaction.isVisible()
    for key in (Qt.Key.Key_F9, Qt.Key.Key_F9, Qt.Key.Key_F10):
        qtbot.keyClick(tab, key)
    assert scores(app) == [(3, "atelier"), (3, "atelier"), (2, "atelier")]
    assert "3 réponses" in tab.satisfaction.done.text()
    tab.satisfaction.pass_button.click()
    assert not tab.satisfaction.isVisible()

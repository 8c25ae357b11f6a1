"""The agenda's lists pass Qt's model checks and show what a host reads: French labels,
hours, euros, and the collisions of a recurring booking in red with their reason."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tiers_lieu.models.enums import PassKind, PaymentMethod, ResourceKind
from tiers_lieu.services.agenda.readmodels import (
    IcsEvent,
    Occurrence,
    PassInfo,
    PermanenceInfo,
    ResourceInfo,
)
from tiers_lieu.ui.agenda.dialog_parts import WeeksBox
from tiers_lieu.ui.agenda.table_models import (
    IcsEventsModel,
    OccurrencesModel,
    PassesModel,
    PermanencesModel,
    ResourcesModel,
)

PARIS = ZoneInfo("Europe/Paris")
SITE = uuid.uuid4()


def _tuesday_permanence(every: int) -> PermanenceInfo:
    """Sophie Lavaud's Tuesday permanence, 09:00–12:00 in 20-minute slots, every ``every``
    weeks."""
    return PermanenceInfo(
        uuid.uuid4(),
        SITE,
        uuid.uuid4(),
        "Sophie Lavaud",
        "Infirmière",
        uuid.uuid4(),
        "Cabinet de santé",
        1,
        time(9),
        time(12),
        20,
        every,
        date(2026, 1, 6),
        None,
    )


def test_models_pass_the_qt_model_checks_and_read_in_french(qtmodeltester: ModelTester) -> None:
    resources = ResourcesModel()
    resources.set_rows(
        [
            ResourceInfo(
                uuid.uuid4(),
                SITE,
                "Espace partagé",
                ResourceKind.OPEN_SPACE,
                8,
                60,
                None,
                0,
                None,
                True,
            ),
            ResourceInfo(
                uuid.uuid4(),
                SITE,
                "Cabine",
                ResourceKind.TELECONSULTATION,
                1,
                15,
                60,
                10,
                None,
                False,
            ),
        ]
    )
    qtmodeltester.check(resources)
    assert resources.index(0, ResourcesModel.Columns.KIND).data() == (
        "Espace partagé (plusieurs places)"
    )
    assert resources.index(0, ResourcesModel.Columns.DURATION).data() == "60 min – sans limite"
    assert resources.index(1, ResourcesModel.Columns.ACTIVE).data() == "Désactivée"

    permanences = PermanencesModel()
    permanences.set_rows([_tuesday_permanence(every=2)])
    qtmodeltester.check(permanences)
    assert permanences.index(0, PermanencesModel.Columns.WHEN).data() == (
        "mardi, toutes les 2 semaines, 09:00–12:00"
    )
    assert permanences.index(0, PermanencesModel.Columns.SLOTS).data() == "9 × 20 min"

    passes = PassesModel()
    passes.set_rows(
        [
            PassInfo(
                uuid.uuid4(),
                uuid.uuid4(),
                "Carte 10 journées",
                PassKind.TEN_PASS,
                uuid.uuid4(),
                date(2026, 11, 2),
                date(2026, 11, 2),
                date(2027, 11, 2),
                10,
                3,
                12000,
                PaymentMethod.CHEQUE,
            )
        ]
    )
    qtmodeltester.check(passes)
    assert passes.index(0, PassesModel.Columns.BALANCE).data() == "7 / 10"
    assert passes.index(0, PassesModel.Columns.PRICE).data() == "120,00\u00a0€"
    assert passes.index(0, PassesModel.Columns.PAYMENT).data() == "Chèque"

    day = date(2026, 12, 1)
    start, end = datetime(2026, 12, 1, 10, tzinfo=PARIS), datetime(2026, 12, 1, 11, tzinfo=PARIS)
    occurrences = OccurrencesModel()
    occurrences.set_rows([Occurrence(day, start, end), Occurrence(day, start, end, "complet")])
    qtmodeltester.check(occurrences)
    assert occurrences.index(0, OccurrencesModel.Columns.STATE).data() == "libre"
    assert occurrences.index(1, OccurrencesModel.Columns.STATE).data() == "complet"
    assert occurrences.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert occurrences.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None

    events = IcsEventsModel()
    events.set_rows([IcsEvent("uid-1", "Réunion", start, end, "déjà réservé")])
    qtmodeltester.check(events)
    assert events.index(0, IcsEventsModel.Columns.WHEN).data() == "01/12/2026, 10:00–11:00"


def test_weeks_agree_with_their_number(qtbot: QtBot) -> None:
    """« chaque semaine » for 1, « toutes les 2 semaines » for 2: in the permanence list and
    in the box that sets the rhythm (a permanence, a weekly booking)."""
    permanences = PermanencesModel()
    permanences.set_rows([_tuesday_permanence(every=1), _tuesday_permanence(every=2)])
    when = [permanences.index(r, PermanencesModel.Columns.WHEN).data() for r in (0, 1)]
    assert when == ["chaque mardi, 09:00–12:00", "mardi, toutes les 2 semaines, 09:00–12:00"]

    box = WeeksBox()
    qtbot.addWidget(box)
    shown = []
    for weeks in (1, 2, 3, 1):
        box.setValue(weeks)
        shown.append(box.text())
    assert shown == [
        "chaque semaine",
        "toutes les 2 semaines",
        "toutes les 3 semaines",
        "chaque semaine",
    ]
    assert "semaine(s)" not in box.text()

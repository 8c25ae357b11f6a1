"""The desk's service buttons show their whole count, at the top right, however many digits
it grows or shrinks to (the count label is held at its text's size, issue 17)."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from tiers_lieu.services.readmodels import ServiceInfo
from tiers_lieu.ui.accueil.buttons import ServicePad


def test_a_count_is_shown_whole_at_the_top_right_whatever_its_digits(qtbot: QtBot) -> None:
    services = [ServiceInfo(uuid.uuid4(), name, "other", i, True) for i, name in enumerate("ABC")]
    pad = ServicePad()
    qtbot.addWidget(pad)
    pad.set_services(services, {s.id: i + 1 for i, s in enumerate(services)})
    pad.resize(900, 300)
    pad.show()
    qtbot.waitExposed(pad)
    button = pad.button(services[1].id)
    assert button is not None
    label = button.count_label
    margins = button.layout().contentsMargins()
    for count, shown in ((7, "7"), (12_345, "12\u202f345"), (8, "8"), (999, "999")):
        pad.set_count(services[1].id, count)
        qtbot.wait(1)  # the layout, when the width changed
        assert label.text() == shown
        assert label.width() >= label.fontMetrics().horizontalAdvance(shown)  # not clipped
        assert label.geometry().right() == button.width() - margins.right() - 1
        assert label.geometry().top() == margins.top()

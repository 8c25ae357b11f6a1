"""« Serveur injoignable »: when the database server stops answering, a visit counted at the
Accueil is kept on this computer (a JSON file that outlives the application) and the status
bar says so with the number waiting; « Réessayer » saves each kept visit exactly once at the
instant it was counted, then the red line goes. Other writes say that nothing was saved and
keep what was typed. SQLite, on this computer, is never watched.

The server is simulated: the monitor is switched on as for PostgreSQL, its ping and
``VisitService.count`` raise what SQLAlchemy raises when the connection is lost."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lostanswer import lose_answers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import exc as sa_exc
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Visit
from tiers_lieu.services.pending_visits import (
    PendingVisit,
    PendingVisitQueue,
    is_connection_lost,
    queue_path,
)
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.ui import connection
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.connection import ConnectionMonitor, ConnectionStatus
from tiers_lieu.ui.main_window import MainWindow

PARIS = ZoneInfo("Europe/Paris")


def lost(*_args: object, **_kwargs: object) -> Any:
    raise sa_exc.OperationalError(
        "INSERT INTO visit …",
        {},
        Exception("server closed the connection"),
        connection_invalidated=True,
    )


class Server:
    """The database server as the desk sees it: up, or away."""

    def __init__(self, app: Comptoir, monkeypatch: pytest.MonkeyPatch) -> None:
        self._app = app
        self._monkeypatch = monkeypatch
        self._count = app.visits.count
        self.count_calls = 0

    def go_away(self, monitor: ConnectionMonitor) -> None:
        def count(**kwargs: Any) -> Any:
            self.count_calls += 1
            return lost()

        self._monkeypatch.setattr(self._app.visits, "count", count)
        monitor.ping = lost

    def come_back(self, monitor: ConnectionMonitor) -> None:
        self._monkeypatch.setattr(self._app.visits, "count", self._count)
        monitor.ping = lambda: connection.ping_database(self._app)


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "donnees"
    monkeypatch.setattr("tiers_lieu.db.data_dir", lambda: folder)
    return folder


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """The window watches its database as it does PostgreSQL's."""
    monkeypatch.setattr(connection, "monitoring_wanted", lambda _url: True)


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo, watched: None) -> Iterator[MainWindow]:
    win = MainWindow(app, site, None, remember_geometry=False)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.connection_monitor.stop()


@pytest.fixture
def server(app: Comptoir, monkeypatch: pytest.MonkeyPatch) -> Server:
    return Server(app, monkeypatch)


def accueil(window: MainWindow) -> AccueilSection:
    widget = window.show_section("accueil")
    assert isinstance(widget, AccueilSection)
    return widget


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier: Any = None) -> None:
    target = window.focusWidget() or window
    if modifier is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, modifier)
    QApplication.processEvents()


def stored(app: Comptoir, site: SiteInfo) -> list[tuple[uuid.UUID, date, time | None]]:
    with app.uow() as uow:
        rows = uow.session.exec(select(Visit).where(Visit.site_id == site.id))
        return [(v.service_id, v.activity_date, v.activity_time) for v in rows]


def first_service(app: Comptoir, site: SiteInfo) -> ServiceInfo:
    return app.config.list_services(site.id)[0]


def kept_in_file(app: Comptoir) -> list[dict[str, Any]]:
    path = queue_path(app.url)
    if not path.exists():
        return []
    visits: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["visits"]
    return visits


def test_visits_wait_while_the_server_is_away_then_are_saved_exactly_once(
    qtbot: QtBot, window: MainWindow, app: Comptoir, site: SiteInfo, server: Server
) -> None:
    section = accueil(window)
    status = window.connection_status
    monitor = window.connection_monitor
    service = first_service(app, site)
    assert status.isHidden()

    server.go_away(monitor)
    before = datetime.now(PARIS).replace(second=0, microsecond=0)
    press(qtbot, window, Qt.Key.Key_1)
    after = datetime.now(PARIS)
    assert server.count_calls == 1
    assert "Visite en attente (serveur injoignable)" in section.status_label.text()
    assert service.name in section.status_label.text()
    assert status.isVisible()
    assert status.text().startswith("Serveur injoignable depuis ")
    assert status.text().endswith("— 1 visite en attente")
    kept = kept_in_file(app)
    assert [k["service_id"] for k in kept] == [service.id.hex]
    kept_at = datetime.combine(
        date.fromisoformat(kept[0]["activity_date"]),
        time.fromisoformat(kept[0]["activity_time"]),
        PARIS,
    )
    assert before <= kept_at <= after  # the instant of the key press, to the minute

    # The server is known to be away: the next key press does not wait for it.
    press(qtbot, window, Qt.Key.Key_1)
    assert server.count_calls == 1
    assert status.text().endswith("— 2 visites en attente")
    kept = kept_in_file(app)
    assert len(kept) == 2
    assert stored(app, site) == []
    # Each visit keeps its own instant (the two presses may fall in different minutes).
    expected = sorted(
        (service.id, date.fromisoformat(k["activity_date"]), time.fromisoformat(k["activity_time"]))
        for k in kept
    )
    assert expected[0][1:] == (kept_at.date(), kept_at.time())

    server.come_back(monitor)
    qtbot.mouseClick(status.retry_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert sorted(stored(app, site)) == expected
    assert status.isHidden()
    assert kept_in_file(app) == []
    assert "2 visites en attente enregistrées" in section.status_label.text()
    assert section.pad.button(service.id).count_label.text() == "2"

    # Retrying again (or the 15-second check) saves nothing twice.
    monitor.check_now()
    QApplication.processEvents()
    assert sorted(stored(app, site)) == expected


def test_a_key_press_saved_by_the_server_but_unanswered_counts_once(
    qtbot: QtBot,
    window: MainWindow,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server commits the visit, then the connection drops before its answer: the desk
    keeps the visit, and the retry finds it saved instead of counting it again."""
    section = accueil(window)
    service = first_service(app, site)
    window.connection_monitor.ping = lost  # the server stays away for a moment
    lose_answers(monkeypatch, times=1)
    press(qtbot, window, Qt.Key.Key_1)
    assert "Visite en attente (serveur injoignable)" in section.status_label.text()
    [kept] = kept_in_file(app)
    assert len(stored(app, site)) == 1  # the commit went through

    window.connection_monitor.ping = lambda: connection.ping_database(app)
    qtbot.mouseClick(window.connection_status.retry_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert kept_in_file(app) == []
    assert len(stored(app, site)) == 1
    with app.uow() as uow:
        assert uow.session.get(Visit, uuid.UUID(kept["id"])) is not None
    assert section.pad.button(service.id).count_label.text() == "1"
    assert window.connection_status.isHidden()


def test_a_visit_taken_back_after_an_unanswered_commit_is_removed_from_the_server(
    qtbot: QtBot,
    window: MainWindow,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    section = accueil(window)
    service = first_service(app, site)
    window.connection_monitor.ping = lost
    lose_answers(monkeypatch, times=1)
    press(qtbot, window, Qt.Key.Key_1)
    assert len(stored(app, site)) == 1  # committed, but the desk cannot know
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert section.status_label.text().startswith("Visite en attente retirée")
    assert kept_in_file(app) == []

    window.connection_monitor.ping = lambda: connection.ping_database(app)
    window.connection_monitor.check_now()
    QApplication.processEvents()
    assert stored(app, site) == []
    assert section.pad.button(service.id).count_label.text() == "0"
    assert json.loads(queue_path(app.url).read_text(encoding="utf-8"))["withdrawn"] == []
    assert window.connection_status.isHidden()


def test_ctrl_z_takes_back_a_visit_still_waiting(
    qtbot: QtBot, window: MainWindow, app: Comptoir, site: SiteInfo, server: Server
) -> None:
    section = accueil(window)
    server.go_away(window.connection_monitor)
    press(qtbot, window, Qt.Key.Key_1)
    assert len(kept_in_file(app)) == 1
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert kept_in_file(app) == []
    assert section.status_label.text().startswith("Visite en attente retirée")
    assert "attente" not in window.connection_status.text()
    server.come_back(window.connection_monitor)
    window.connection_monitor.check_now()
    QApplication.processEvents()
    assert stored(app, site) == []
    assert window.connection_status.isHidden()


def test_a_restarted_queue_still_has_its_visits_and_saves_them_at_their_own_time(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    service = first_service(app, site)
    yesterday = datetime.now(PARIS).date() - timedelta(days=1)
    visit = PendingVisit(
        site_id=site.id,
        service_id=service.id,
        service_name=service.name,
        activity_date=yesterday,
        activity_time=time(10, 42),
    )
    PendingVisitQueue.for_database(app.url, tmp_path).add(visit)

    # The application was closed; a new one reads the same file.
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    assert queue.visits() == [visit]
    monitor = ConnectionMonitor(app, queue=queue, enabled=True)
    status = ConnectionStatus(monitor)
    qtbot.addWidget(status)
    monitor.ping = lost
    monitor.start()
    QApplication.processEvents()
    assert status.text().endswith("— 1 visite en attente")
    monitor.stop()

    monitor.ping = lambda: connection.ping_database(app)
    monitor.check_now()
    QApplication.processEvents()
    assert stored(app, site) == [(service.id, yesterday, time(10, 42))]
    assert status.isHidden()
    assert PendingVisitQueue.for_database(app.url, tmp_path).visits() == []


def test_a_kept_visit_refused_on_return_is_reported_not_dropped_silently(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    service = first_service(app, site)
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    tomorrow = datetime.now(PARIS).date() + timedelta(days=2)
    queue.add(PendingVisit(site.id, service.id, service.name, tomorrow, time(9, 0)))
    monitor = ConnectionMonitor(app, queue=queue, enabled=True)
    status = ConnectionStatus(monitor)
    qtbot.addWidget(status)
    monitor.check_now()
    QApplication.processEvents()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Visite non enregistrée")  # one visit: singular
    assert text.startswith("Cette visite comptée pendant la coupure du serveur a été refusée")
    assert service.name in text and "à l'avance" in text
    assert len(queue) == 0


def test_other_writes_say_nothing_was_saved_and_keep_what_was_typed(
    qtbot: QtBot,
    window: MainWindow,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    section = accueil(window)
    press(qtbot, window, Qt.Key.Key_1)
    assert len(stored(app, site)) == 1
    section.details.count_spin.setValue(4)
    monkeypatch.setattr(app.visits, "complete", lost)
    window.connection_monitor.ping = lost
    qtbot.mouseClick(section.details.save_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Serveur injoignable")
    assert "n'a pas répondu : rien n'a été enregistré" in text
    assert section.details.count_spin.value() == 4
    assert section.details.is_dirty()
    assert window.connection_status.text().startswith("Serveur injoignable depuis ")


def test_sqlite_is_not_watched(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    window = MainWindow(app, site, None, remember_geometry=False)
    qtbot.addWidget(window)
    assert not window.connection_monitor.enabled
    assert not window.connection_monitor.timer.isActive()
    window.connection_monitor.report_failure()
    assert window.connection_status.isHidden()


def test_what_counts_as_a_lost_connection() -> None:
    psycopg = pytest.importorskip("psycopg")
    cases: list[tuple[Callable[[], BaseException], bool]] = [
        (lambda: lost(), True),
        (
            lambda: sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("refused")),
            True,
        ),
        (lambda: psycopg.OperationalError("server closed the connection"), True),
        (
            lambda: sa_exc.OperationalError(
                "INSERT", {}, psycopg.errors.DeadlockDetected("deadlock detected")
            ),
            False,
        ),
        (
            lambda: sa_exc.OperationalError(
                "INSERT", {}, sqlite3.OperationalError("database is locked")
            ),
            False,
        ),
        (lambda: ValidationError("Date", "invalide"), False),
    ]
    for make, expected in cases:
        try:
            raise make()
        except BaseException as exc:  # classified, not handled
            assert is_connection_lost(exc) is expected, repr(exc)

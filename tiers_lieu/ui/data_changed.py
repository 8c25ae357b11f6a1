"""What the window's sections wrote, announced once for all of them (issue 19).

After a successful write a tab says which topics changed —
``changes.announce(self, Topic.SALES, Topic.STOCK)`` — and every tab showing one of them reads
again: now if it is on screen, else when it is next shown (``shown.invalidate`` of
:mod:`.loading`). No tab knows which others show what it wrote, as with Anki's
``operation_did_execute``. The tab that wrote has shown its write already: its own
announcements do not come back to it.

A :class:`ListTab` ends each of its writes the same way: read its list again, select the row
written, say so, announce it.

The window makes one :class:`DataChanged` and gives it to every section it builds, which hands
it to its tabs; a section or a tab built alone (a test, a benchmark) makes its own. What other
desks or the command line write is not announced: the sections the window refreshes when shown
read it then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QTableView, QWidget

from tiers_lieu.ui.common import StatusLabel, select_id


class Topic(StrEnum):
    """What a write may change, as the lists on screen show it."""

    PEOPLE = "people"  # people, their memberships and consents
    VISITS = "visits"
    EVENTS = "events"  # workshops and their attendance
    BOOKINGS = "bookings"  # bookings and coworking passes
    PASS_TYPES = "pass-types"  # the coworking offers on sale
    RESOURCES = "resources"  # what can be booked
    PERMANENCES = "permanences"  # practitioners and their permanences
    AMAP = "amap"  # contracts, calendars, subscriptions, payments, pick-ups
    PRODUCTS = "products"
    PRODUCERS = "producers"
    STOCK = "stock"
    SALES = "sales"
    ASSISTANCE = "assistance"  # démarches and their follow-ups
    REPORT_RECORDS = "report-records"  # operation, claims, partners, jobs, volunteering
    TIME_SHEETS = "time-sheets"  # staff time per job and operation (« Temps passé »)
    SERVICES = "services"
    CALENDAR = "calendar"  # opening hours and closures
    COMMUNES = "communes"
    INVOICES = "invoices"  # clients, quotes, invoices, credit notes and their payments
    PARCELS = "parcels"  # the parcel relay: parcels logged, handed over, sent back
    ROTA = "rota"  # the volunteers' rota: shifts, who is on them, availability


EVERYTHING = frozenset(Topic)
"""A write that may change anything (a bundle from another place)."""


@dataclass(frozen=True)
class Change:
    topics: frozenset[Topic]
    by: QObject | None
    """The widget that wrote (and shows its write already)."""


class DataChanged(QObject):
    """The window's one announcement of writes."""

    changed = Signal(object)
    """A write succeeded; carries its :class:`Change`."""

    def announce(self, by: QObject | None, *topics: Topic) -> None:
        self.changed.emit(Change(frozenset(topics), by))

    def watch(self, receiver: QObject, topics: Iterable[Topic], react: Callable[[], None]) -> None:
        """Call ``react()`` after each change of one of ``topics`` that ``receiver`` did not
        write, for as long as ``receiver`` lives."""
        _Watcher(self, receiver, frozenset(topics), react)


class _Watcher(QObject):
    """A child of the receiver: destroyed with it, which disconnects it."""

    def __init__(
        self,
        hub: DataChanged,
        receiver: QObject,
        topics: frozenset[Topic],
        react: Callable[[], None],
    ) -> None:
        super().__init__(receiver)
        self._receiver = receiver
        self._topics = topics
        self._react = react
        hub.changed.connect(self.on_changed)

    @Slot(object)
    def on_changed(self, change: Change) -> None:
        if change.by is not self._receiver and not change.topics.isdisjoint(self._topics):
            self._react()


def hub_for(changes: DataChanged | None, owner: QObject) -> DataChanged:
    """``changes``, or a hub of ``owner``'s own when it was built alone."""
    return changes if changes is not None else DataChanged(owner)


class ListTab(QWidget):
    """A tab listing rows that it writes, which ends each write the same way
    (:meth:`show_write`). Subclasses set ``view`` and ``status`` (unless they confirm nothing)
    and read their list in ``refresh``."""

    view: QTableView
    status: StatusLabel
    refresh: Callable[[], None]  # each subclass's own read of its list

    def __init__(self, parent: QWidget | None, changes: DataChanged | None) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)

    def show_row(self, row_id: object, view: QTableView) -> None:
        """Read the list again and select the row whose id is ``row_id``."""
        self.refresh()
        select_id(view, row_id)

    def show_write(
        self, row_id: object, message: str, *topics: Topic, view: QTableView | None = None
    ) -> None:
        """A write succeeded: read the list again, select the row written (if ``row_id``),
        confirm ``message`` (if any) and announce ``topics`` to every other tab."""
        if row_id is None:
            self.refresh()
        else:
            self.show_row(row_id, self.view if view is None else view)
        if message:
            self.status.confirm(message)
        self.changes.announce(self, *topics)

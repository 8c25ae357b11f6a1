"""Visits counted while the database server did not answer, kept on this computer until it does.

With PostgreSQL the desk talks to a server over the network; when that link drops, a key
press at the Accueil must not be lost. The visit goes into a small JSON file in the user's
data directory (one file per database, named by a hash of its URL so that no password shows),
written whole and moved into place after every change: closing the application, or a crash,
keeps what is waiting. :meth:`PendingVisitQueue.flush` hands each visit back to
``VisitService.count`` (through :func:`save_pending`) with its own activity date and time, so
a visit counted at 10:42 and saved at 11:15 still counts at 10:42, and with its id: the id the
desk gave the visit when the key was pressed, which becomes the row's primary key. A commit
the server made but never acknowledged is therefore retried harmlessly: the second attempt
finds the row and counts nothing. A kept visit the host takes back (Ctrl+Z) is remembered
by its id until the server answers, and removed there if its first commit had in fact gone
through.

Passages (« une personne entre », issue 20) are kept the same way, in the same file, with the
instant of their key press: a visit keeps the id of the passage it attached to, and the
passages are saved before the visits, so it attaches there too (a passage refused meanwhile
leaves the visit its own passage, by the service's rule).

:func:`is_connection_lost` is the one test of "the server went away" (the windows use it to
choose between keeping a visit, telling the user the server did not answer, or showing an
ordinary error). An SQLite "database is locked" is not a lost connection.

No Qt here: the desk's monitor (``ui/connection.py``) drives this from a worker thread, hence
the lock around every change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _
from tiers_lieu.private_files import private_folder, tighten, write_whole

if TYPE_CHECKING:
    from tiers_lieu.services.passages import PassageInfo, PassageService
    from tiers_lieu.services.visits import VisitInfo, VisitService

log = logging.getLogger(__name__)

FORMAT = "comptoir-visites-en-attente"
VERSION = 1
FOLDER_NAME = "en-attente"
# SQLSTATE classes of PostgreSQL meaning "the connection is gone", not "the query failed":
# 08 connection exception, 57P01-57P03 server shutting down or not yet accepting.
_LOST_STATES = ("08", "57P01", "57P02", "57P03")

R = TypeVar("R")


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database server could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_lost(current):
            return True
        cause = current.__cause__
        if cause is None and not current.__suppress_context__:
            cause = current.__context__
        current = cause
    return False


def _says_lost(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError, DisconnectionError

    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        return isinstance(exc.orig, BaseException) and _driver_says_lost(exc.orig)
    return _driver_says_lost(exc)


def _driver_says_lost(exc: BaseException) -> bool:
    """psycopg's OperationalError without a SQLSTATE is a failed connection (refused, timed
    out, server gone); with one, only the connection classes count (not a deadlock)."""
    if not type(exc).__module__.startswith("psycopg"):
        return False
    kinds = {kind.__name__ for kind in type(exc).__mro__}
    if not kinds & {"OperationalError", "InterfaceError"}:
        return False
    state = getattr(exc, "sqlstate", None)
    return state is None or str(state).startswith(_LOST_STATES)


@dataclass(frozen=True)
class PendingVisit:
    """One key press not yet saved: what ``VisitService.count`` needs, and when it happened.

    ``id`` is the visit's own id (its primary key once saved), made when the key was pressed.
    It is saved in the name of whoever is signed in when the server answers (files written
    before issue 15 may still hold a ``user_id``: it is ignored).
    """

    site_id: uuid.UUID
    service_id: uuid.UUID
    service_name: str
    activity_date: date
    activity_time: time | None
    count: int = 1
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    queued_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    passage_id: uuid.UUID | None = None
    """The passage open at this desk when the key was pressed (saved or kept too)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id.hex,
            "site_id": self.site_id.hex,
            "service_id": self.service_id.hex,
            "service_name": self.service_name,
            "activity_date": self.activity_date.isoformat(),
            "activity_time": None if self.activity_time is None else self.activity_time.isoformat(),
            "count": self.count,
            "queued_at": self.queued_at.isoformat(),
            "passage_id": None if self.passage_id is None else self.passage_id.hex,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingVisit:
        moment = data.get("activity_time")
        passage = data.get("passage_id")
        return cls(
            id=uuid.UUID(data["id"]),
            site_id=uuid.UUID(data["site_id"]),
            service_id=uuid.UUID(data["service_id"]),
            service_name=str(data.get("service_name", "")),
            activity_date=date.fromisoformat(data["activity_date"]),
            activity_time=None if moment is None else time.fromisoformat(moment),
            count=int(data.get("count", 1)),
            queued_at=datetime.fromisoformat(data["queued_at"]),
            passage_id=None if passage is None else uuid.UUID(passage),
        )


@dataclass(frozen=True)
class PendingPassage:
    """One « une personne entre » not yet saved: its id (made at the key press), the day
    and time it counts for and the instant of the key press (``queued_at``)."""

    site_id: uuid.UUID
    activity_date: date
    activity_time: time | None
    count: int = 1
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    queued_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id.hex,
            "site_id": self.site_id.hex,
            "activity_date": self.activity_date.isoformat(),
            "activity_time": None if self.activity_time is None else self.activity_time.isoformat(),
            "count": self.count,
            "queued_at": self.queued_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingPassage:
        moment = data.get("activity_time")
        return cls(
            id=uuid.UUID(data["id"]),
            site_id=uuid.UUID(data["site_id"]),
            activity_date=date.fromisoformat(data["activity_date"]),
            activity_time=None if moment is None else time.fromisoformat(moment),
            count=int(data.get("count", 1)),
            queued_at=datetime.fromisoformat(data["queued_at"]),
        )


def save_pending(visits: VisitService, visit: PendingVisit) -> VisitInfo:
    """Count a kept visit at the date and time it happened, not when the server came back,
    under its own id (saved once however many times it is tried)."""
    return visits.count(
        site_id=visit.site_id,
        service_id=visit.service_id,
        activity_date=visit.activity_date,
        activity_time=visit.activity_time,
        count=visit.count,
        visit_id=visit.id,
        passage_id=visit.passage_id,
    )


def save_passage(passages: PassageService, passage: PendingPassage) -> PassageInfo:
    """Save a kept passage at the day, time and instant of its key press, under its own id."""
    return passages.enter(
        site_id=passage.site_id,
        activity_date=passage.activity_date,
        activity_time=passage.activity_time,
        count=passage.count,
        passage_id=passage.id,
        at=passage.queued_at,
    )


@dataclass
class FlushResult(Generic[R]):
    """What one attempt to save the queue did."""

    saved: list[tuple[PendingVisit, R]] = field(default_factory=list)
    # Visits taken back by the host that had reached the server after all, now removed there.
    taken_back: list[uuid.UUID] = field(default_factory=list)
    refused: list[tuple[PendingVisit, ComptoirError]] = field(default_factory=list)
    # Passages saved, and those refused (their visits then make their own passages).
    passages_saved: list[PendingPassage] = field(default_factory=list)
    passages_refused: list[tuple[PendingPassage, ComptoirError]] = field(default_factory=list)
    # Why the attempt stopped early, the visits concerned staying in the queue: the server
    # went away again, nobody may count right now, or something unexpected.
    stopped_by: BaseException | None = None

    @property
    def connection_lost(self) -> bool:
        return self.stopped_by is not None and is_connection_lost(self.stopped_by)


def queue_path(url: str, folder: Path | None = None) -> Path:
    """The queue file of the database at ``url`` (in the data directory unless ``folder``)."""
    if folder is None:
        from tiers_lieu.db import data_dir

        folder = data_dir() / FOLDER_NAME
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return folder / f"visites-{digest}.json"


class PendingVisitQueue:
    """The visits (and passages) waiting for the server, kept in step with their JSON file."""

    def __init__(self, path: Path, *, database: str = "") -> None:
        self.path = path
        self._database = database
        self._lock = threading.Lock()
        # Ids of kept visits the host took back: one may have reached the server (its commit
        # made, its answer lost), so each is removed there, if present, when it answers.
        self._withdrawn: list[uuid.UUID] = []
        self._passages: list[PendingPassage] = []
        self._withdrawn_passages: list[uuid.UUID] = []
        self._visits: list[PendingVisit] = self._load()

    @classmethod
    def for_database(cls, url: str, folder: Path | None = None) -> PendingVisitQueue:
        from sqlalchemy.engine import make_url

        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except Exception:  # any text is a fine label; the hash is what names the file
            shown = ""
        return cls(queue_path(url, folder), database=shown)

    # -- reading ---------------------------------------------------------------------------
    def visits(self) -> list[PendingVisit]:
        with self._lock:
            return list(self._visits)

    def __len__(self) -> int:
        """The visits waiting (what the status bar counts; passages are not visits)."""
        with self._lock:
            return len(self._visits)

    def withdrawn(self) -> list[uuid.UUID]:
        with self._lock:
            return list(self._withdrawn)

    def passages(self) -> list[PendingPassage]:
        with self._lock:
            return list(self._passages)

    def withdrawn_passages(self) -> list[uuid.UUID]:
        with self._lock:
            return list(self._withdrawn_passages)

    # -- changing --------------------------------------------------------------------------
    def add(self, visit: PendingVisit) -> None:
        """Keep ``visit``; raises a French :class:`ComptoirError` if the file cannot be written
        (the caller must then say the visit was not kept)."""
        with self._lock:
            self._save(visits=[*self._visits, visit])

    def add_passage(self, passage: PendingPassage) -> None:
        """Keep ``passage`` (raises like :meth:`add`)."""
        with self._lock:
            self._save(passages=[*self._passages, passage])

    def remove(self, visit_id: uuid.UUID) -> bool:
        """Forget a visit now saved; ``False`` if it was not there."""
        with self._lock:
            kept = [v for v in self._visits if v.id != visit_id]
            if len(kept) == len(self._visits):
                return False
            self._save(visits=kept)
            return True

    def remove_passage(self, passage_id: uuid.UUID) -> bool:
        """Forget a passage now saved; ``False`` if it was not there."""
        with self._lock:
            kept = [p for p in self._passages if p.id != passage_id]
            if len(kept) == len(self._passages):
                return False
            self._save(passages=kept)
            return True

    def take_back(self, visit_id: uuid.UUID) -> bool:
        """The host undid a kept visit: it will not be saved, and if the server had taken it
        without answering, the next :meth:`flush` removes it there. ``False`` if it was no
        longer waiting."""
        with self._lock:
            kept = [v for v in self._visits if v.id != visit_id]
            if len(kept) == len(self._visits):
                return False
            self._save(visits=kept, withdrawn=[*self._withdrawn, visit_id])
            return True

    def take_back_passage(self, passage_id: uuid.UUID) -> bool:
        """As :meth:`take_back`, for a kept passage."""
        with self._lock:
            kept = [p for p in self._passages if p.id != passage_id]
            if len(kept) == len(self._passages):
                return False
            self._save(passages=kept, withdrawn_passages=[*self._withdrawn_passages, passage_id])
            return True

    def _forget_withdrawn(self, visit_id: uuid.UUID) -> None:
        with self._lock:
            self._save(withdrawn=[v for v in self._withdrawn if v != visit_id])

    def _forget_withdrawn_passage(self, passage_id: uuid.UUID) -> None:
        with self._lock:
            self._save(withdrawn_passages=[p for p in self._withdrawn_passages if p != passage_id])

    def flush(
        self,
        count: Callable[[PendingVisit], R],
        undo: Callable[[uuid.UUID], object] | None = None,
        *,
        enter: Callable[[PendingPassage], object] | None = None,
        undo_passage: Callable[[uuid.UUID], object] | None = None,
    ) -> FlushResult[R]:
        """Save the visits in the order they were counted, each with ``count``; each one leaves
        the file as soon as it is saved. A refused visit (service removed since, say) leaves
        it too and is reported; a lost connection or a refused access stops the attempt.

        First, each visit taken back is removed from the server with ``undo`` if it is there
        (an expected error, "no such visit" above all, just forgets it), then each passage
        taken back with ``undo_passage``; then the kept passages are saved with ``enter``,
        before the visits that may attach to them."""
        result: FlushResult[R] = FlushResult()
        steps: list[
            tuple[
                Callable[[uuid.UUID], object] | None,
                Callable[[], list[uuid.UUID]],
                Callable[[uuid.UUID], None],
            ]
        ] = [
            (undo, self.withdrawn, self._forget_withdrawn),
            (undo_passage, self.withdrawn_passages, self._forget_withdrawn_passage),
        ]
        for taking_back, waiting, forget in steps:
            if taking_back is None:
                continue
            for item_id in waiting():
                outcome = _attempt(partial(taking_back, item_id))
                if isinstance(outcome, _Stop):
                    result.stopped_by = outcome.error
                    return result
                if not isinstance(outcome, ComptoirError):
                    result.taken_back.append(item_id)
                forget(item_id)
        if enter is not None:
            for passage in self.passages():
                outcome = _attempt(partial(enter, passage))
                if isinstance(outcome, _Stop):
                    result.stopped_by = outcome.error
                    return result
                self.remove_passage(passage.id)
                if isinstance(outcome, ComptoirError):
                    result.passages_refused.append((passage, outcome))
                else:
                    result.passages_saved.append(passage)
        for visit in self.visits():
            saved = _attempt(partial(count, visit))
            if isinstance(saved, _Stop):
                result.stopped_by = saved.error
                break
            self.remove(visit.id)
            if isinstance(saved, ComptoirError):
                result.refused.append((visit, saved))
            else:
                result.saved.append((visit, saved))
        return result

    # -- file ------------------------------------------------------------------------------
    def _load(self) -> list[PendingVisit]:
        # Left readable by every account by an older Comptoir: this account's only now.
        if tighten([self.path], folders=[self.path.parent]):
            log.info("Visites en attente réservées à ce compte (0600) : %s", self.path)
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            data = json.loads(raw)
            visits = [PendingVisit.from_json(item) for item in data["visits"]]
            self._withdrawn = [uuid.UUID(item) for item in data.get("withdrawn", [])]
            self._passages = [PendingPassage.from_json(item) for item in data.get("passages", [])]
            self._withdrawn_passages = [
                uuid.UUID(item) for item in data.get("withdrawn_passages", [])
            ]
            return visits
        except (ValueError, KeyError, TypeError, AttributeError):
            # Never delete what cannot be read: set it aside for a person to look at.
            self._withdrawn, self._passages, self._withdrawn_passages = [], [], []
            aside = self.path.with_name(self.path.name + ".illisible")
            os.replace(self.path, aside)
            log.error("File of pending visits unreadable, set aside as %s", aside)
            return []

    def _save(
        self,
        *,
        visits: list[PendingVisit] | None = None,
        withdrawn: list[uuid.UUID] | None = None,
        passages: list[PendingPassage] | None = None,
        withdrawn_passages: list[uuid.UUID] | None = None,
    ) -> None:
        """Write the whole state (what is not given stays as it is) next to the file, then
        move it into place."""
        visits = self._visits if visits is None else visits
        withdrawn = self._withdrawn if withdrawn is None else withdrawn
        passages = self._passages if passages is None else passages
        withdrawn_passages = (
            self._withdrawn_passages if withdrawn_passages is None else withdrawn_passages
        )
        state = (visits, withdrawn, passages, withdrawn_passages)
        if not any(state) and not self.path.exists():
            self._visits, self._withdrawn, self._passages, self._withdrawn_passages = state
            return
        document = {
            "format": FORMAT,
            "version": VERSION,
            "database": self._database,
            "visits": [visit.to_json() for visit in visits],
            "withdrawn": [visit_id.hex for visit_id in withdrawn],
            "passages": [passage.to_json() for passage in passages],
            "withdrawn_passages": [passage_id.hex for passage_id in withdrawn_passages],
        }
        try:
            private_folder(self.path.parent)
            text = json.dumps(document, ensure_ascii=False, indent=1)
            # 0600: names and times of visits
            write_whole(self.path, text.encode("utf-8"), hidden=True)
        except OSError as exc:
            raise ComptoirError(
                _(
                    "Le serveur ne répond pas et la visite n'a pas pu être gardée sur cet "
                    "ordinateur ({path} : {reason}). Notez-la sur la feuille de comptage."
                ).format(path=self.path, reason=os_reason(exc))
            ) from None
        self._visits, self._withdrawn, self._passages, self._withdrawn_passages = state


@dataclass(frozen=True)
class _Stop:
    """An attempt stopped the flush: the server went away, nobody may count, or worse."""

    error: BaseException


def _attempt(work: Callable[[], R]) -> R | ComptoirError | _Stop:
    """``work()``'s result; an expected refusal (French message) as the error; anything else,
    and a refused access, as a :class:`_Stop`."""
    from tiers_lieu.services.access import AccessDeniedError

    try:
        return work()
    except AccessDeniedError as exc:
        return _Stop(exc)
    except ComptoirError as exc:
        return exc
    except Exception as exc:
        return _Stop(exc)

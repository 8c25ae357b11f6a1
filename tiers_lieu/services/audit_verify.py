"""Checking the audit log: are its hash chains whole, and is the database still guarding it?

:func:`verify_chains` walks each chain (one per site, one for the lines without a site) in
``seq`` order, streaming the lines (memory does not grow with the log), recomputes each line's
hash (:func:`~.audit_chain.line_hash`) and stops at the first place a chain breaks: a line
whose content no longer matches its hash (changed, or made up with SQL), a line missing
(``seq`` gap, or ``prev_hash`` not the previous line's hash), two lines with one number, a
chain whose start was removed otherwise than by the retention purge (the purge's own line
names the last line it removed, :data:`~.audit_chain.PURGED_TO_SEQ`), and lines written
around Comptoir without any hash. It also checks that the append-only triggers of migration
0004 (and, on PostgreSQL, 0006's against ``TRUNCATE``) are there, unchanged and enabled:
``DROP TRIGGER`` leaves no line to break, this is how it is seen.

Each problem is said in French with the place, the line's date and time on the place's clock
and its action, e.g. « Le Comptoir : ligne du 12/03/2026 à 14:05 (Connexion) — les lignes
n° 41 à 43 manquent juste avant celle-ci. ».

What a hash chain without a secret cannot see: someone who rewrites every hash after their
change, or removes the newest lines and puts the triggers back exactly as they were. Against
those, the desk keeps what its last verification found (:mod:`.audit_witness`, given here as
``seen``): a chain that now ends before that line, or whose line of that number has another
hash, is said — for the lines this desk has verified, and as long as that file is left alone.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func, select, text

from tiers_lieu.db import UowFactory
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, _, format_instant, format_number, ngettext
from tiers_lieu.models import AuditEntry, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services.audit_chain import GENESIS, PURGED_TO_HASH, PURGED_TO_SEQ, line_hash
from tiers_lieu.services.audit_text import action_label
from tiers_lieu.services.audit_witness import SeenHead

STREAM_ROWS = 2000
_TABLE = cast(Table, AuditEntry.__table__)  # type: ignore[attr-defined]
_SITES = cast(Table, Site.__table__)  # type: ignore[attr-defined]

# The append-only triggers of migration 0004 (0006 wrote the same UPDATE trigger again), as
# the database keeps them, whitespace collapsed.
SQLITE_TRIGGERS = {
    "audit_entry_no_update": (
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN "
        "SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
    ),
    "audit_entry_no_recent_delete": (
        "CREATE TRIGGER audit_entry_no_recent_delete BEFORE DELETE ON audit_entry "
        "WHEN OLD.at > datetime('now', '-28 days') BEGIN "
        "SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
    ),
}
# PostgreSQL: name → (body of the trigger's function, what its definition must say). 0004's
# row trigger, and 0006's statement trigger against TRUNCATE (the row triggers never see it).
POSTGRES_TRIGGERS = {
    "audit_entry_append_only": (
        "BEGIN IF TG_OP = 'UPDATE' OR OLD.at > (now() AT TIME ZONE 'UTC') - interval "
        "'28 days' THEN RAISE EXCEPTION 'audit_entry is append-only'; END IF; RETURN OLD; END",
        ("BEFORE DELETE OR UPDATE ON", "FOR EACH ROW"),
    ),
    "audit_entry_no_truncate": (
        "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END",
        ("BEFORE TRUNCATE ON", "FOR EACH STATEMENT"),
    ),
}


def _collapse(sql: str | None) -> str:
    return " ".join((sql or "").split())


@dataclass(frozen=True)
class ChainBreak:
    """Where one chain breaks first."""

    site_id: uuid.UUID | None
    place: str
    at: datetime | None
    """The instant of the line named (aware UTC)."""
    action: str
    seq: int | None
    problem: str
    zone: ZoneInfo

    def describe(self) -> str:
        when = format_instant(self.at, self.zone) if self.at is not None else "?"
        return _("{place} : ligne du {when} ({action}) — {problem}.").format(
            place=self.place, when=when, action=action_label(self.action), problem=self.problem
        )


@dataclass(frozen=True)
class ChainReport:
    lines: int
    """Lines whose hash was checked."""
    breaks: tuple[ChainBreak, ...]
    protections: tuple[str, ...]
    """What is wrong with the append-only triggers (French sentences)."""
    heads: Mapping[uuid.UUID | None, SeenHead] = field(default_factory=dict)
    """The last line of each chain found whole: what the desk keeps as seen."""

    @property
    def intact(self) -> bool:
        return not self.breaks and not self.protections

    def problems(self) -> list[str]:
        return [*self.protections, *(b.describe() for b in self.breaks)]

    def summary(self) -> str:
        """« Journal intact (N lignes vérifiées) », or what is wrong, one problem a line."""
        if self.intact:
            return ngettext(
                "Journal intact ({n} ligne vérifiée)",
                "Journal intact ({n} lignes vérifiées)",
                self.lines,
            ).format(n=format_number(self.lines))
        return "\n".join([_("Le journal d'audit a été altéré :"), *self.problems()])


def verify(
    uow: UowFactory,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
) -> ChainReport:
    """Check the chains (of ``sites`` only, when given) and the triggers, in one read-only
    snapshot of the database; each chain must still hold the line of ``seen`` (what this
    desk's last verification found, :mod:`.audit_witness`)."""
    with uow(read_only=True) as work:
        connection = work.session.connection()
        if connection.dialect.name == "postgresql":
            # One snapshot for the walk and the look-ups that follow it.
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return verify_chains(connection, sites=sites, seen=seen)


def verify_chains(
    connection: Connection,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
) -> ChainReport:
    places = {
        row.id: (row.name, ZoneInfo(row.timezone or DEFAULT_TIME_ZONE))
        for row in connection.execute(select(_SITES.c.id, _SITES.c.name, _SITES.c.timezone))
    }
    t = _TABLE
    chains = [row[0] for row in connection.execute(select(t.c.site_id).distinct())]
    seen = seen or {}
    # A chain seen before and now without any line (a deleted place takes its lines along).
    chains += [c for c in seen if c not in chains and (c is None or c in places)]
    if sites is not None:
        chains = [site for site in chains if site in sites]
    chains.sort(key=lambda site: (site is not None, places.get(site, ("",))[0]))
    lines = 0
    breaks: list[ChainBreak] = []
    heads: dict[uuid.UUID | None, SeenHead] = {}
    for site_id in chains:
        place, zone = places.get(site_id) or (
            _("Journal commun (sans lieu)"),
            ZoneInfo(DEFAULT_TIME_ZONE),
        )
        walker = _Walk(connection, site_id, place, zone, seen.get(site_id))
        found = walker.run()
        lines += walker.lines
        if found is not None:
            breaks.append(found)
        elif walker.head is not None:
            heads[site_id] = walker.head
        unhashed = _unhashed(connection, site_id, place, zone)
        if unhashed is not None:
            breaks.append(unhashed)
    return ChainReport(lines, tuple(breaks), tuple(_protections(connection)), heads)


def _of_chain(site_id: uuid.UUID | None) -> Any:
    t = _TABLE
    return t.c.site_id.is_(None) if site_id is None else t.c.site_id == site_id


class _Walk:
    def __init__(
        self,
        connection: Connection,
        site_id: uuid.UUID | None,
        place: str,
        zone: ZoneInfo,
        seen: SeenHead | None,
    ) -> None:
        self.connection = connection
        self.site_id = site_id
        self.place = place
        self.zone = zone
        self.seen = seen
        self.lines = 0
        self.head: SeenHead | None = None

    def _rows(self) -> Iterator[Any]:
        t = _TABLE
        query = (
            select(
                t.c.id,
                t.c.at,
                t.c.user_id,
                t.c.action,
                t.c.entity,
                t.c.entity_id,
                t.c.details,
                t.c.seq,
                t.c.prev_hash,
                t.c.line_hash,
            )
            .where(_of_chain(self.site_id), t.c.seq.is_not(None), t.c.line_hash != "")
            .order_by(t.c.seq, t.c.id)
        )
        streamed = self.connection.execution_options(yield_per=STREAM_ROWS)
        yield from streamed.execute(query)

    def _break(self, row: Any, problem: str) -> ChainBreak:
        return ChainBreak(self.site_id, self.place, row.at, row.action, row.seq, problem, self.zone)

    def run(self) -> ChainBreak | None:
        previous: Any = None
        for row in self._rows():
            self.lines += 1
            problem = (
                self._start_problem(row) if previous is None else self._link_problem(previous, row)
            )
            if problem is None and row.line_hash != self._hash(row):
                problem = _(
                    "son contenu ne correspond plus à son empreinte : elle a été modifiée, ou "
                    "ajoutée hors de Comptoir"
                )
            if problem is None and self.seen is not None and row.seq == self.seen.seq:
                problem = self._seen_problem(row)
            if problem is not None:
                return self._break(row, problem)
            previous = row
        if self.seen is not None and (previous is None or previous.seq < self.seen.seq):
            return self._tail_removed(previous)
        if previous is not None:
            self.head = SeenHead(previous.seq, previous.line_hash, previous.at, previous.action)
        return None

    def _seen_problem(self, row: Any) -> str | None:
        if self.seen is None or row.line_hash == self.seen.line_hash:
            return None
        return _(
            "son empreinte n'est plus celle que ce poste a vue sous ce numéro lors d'une "
            "vérification précédente : des lignes ont été remplacées ou réécrites"
        )

    def _tail_removed(self, last: Any) -> ChainBreak:
        """The chain ends before the line this desk saw last: the break names that line."""
        assert self.seen is not None
        seen = self.seen
        said = _(
            "ce poste l'avait vue lors d'une vérification précédente, elle n'est plus dans le "
            "journal"
        )
        if last is None:
            gone = _("ce journal est maintenant vide")
        else:
            first = last.seq + 1
            gone = ngettext(
                "la ligne n° {first} a été supprimée à la fin du journal",
                "les lignes n° {first} à {last} ont été supprimées à la fin du journal",
                seen.seq - first + 1,
            ).format(first=first, last=seen.seq)
        problem = _("{said} : {gone}").format(said=said, gone=gone)
        return ChainBreak(
            self.site_id, self.place, seen.at, seen.action, seen.seq, problem, self.zone
        )

    def _hash(self, row: Any) -> str:
        return line_hash(
            prev_hash=row.prev_hash,
            seq=row.seq,
            line_id=row.id,
            at=row.at,
            site_id=self.site_id,
            user_id=row.user_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            details=row.details,
        )

    def _start_problem(self, row: Any) -> str | None:
        if row.seq == 1:
            if row.prev_hash == GENESIS:
                return None
            return _("la première ligne du journal a été modifiée")
        if self._purged_up_to(row.seq - 1, row.prev_hash):
            return None  # the retention purge removed the lines before it, and said so
        return _(
            "des lignes ont été supprimées juste avant celle-ci, hors de la purge de conservation"
        )

    def _purged_up_to(self, seq: int, digest: str) -> bool:
        """Whether a purge line of this chain records removing the lines up to ``seq``."""
        t = _TABLE
        query = (
            select(t.c.details)
            .where(
                _of_chain(self.site_id),
                t.c.action == str(AuditAction.PURGE),
                t.c.entity == "retention",
                t.c.seq.is_not(None),
            )
            .order_by(t.c.seq.desc())
        )
        for (details,) in self.connection.execution_options(yield_per=100).execute(query):
            try:
                data = json.loads(details or "{}")
            except ValueError:
                continue
            if (
                isinstance(data, dict)
                and data.get(PURGED_TO_SEQ) == seq
                and data.get(PURGED_TO_HASH) == digest
            ):
                return True
        return False

    def _link_problem(self, previous: Any, row: Any) -> str | None:
        if row.seq == previous.seq:
            return _(
                "elle porte le même numéro ({seq}) que la ligne précédente : l'une des deux a "
                "été ajoutée hors de Comptoir"
            ).format(seq=row.seq)
        if row.seq > previous.seq + 1:
            first, last = previous.seq + 1, row.seq - 1
            return ngettext(
                "la ligne n° {first} manque juste avant celle-ci (après celle du {before})",
                "les lignes n° {first} à {last} manquent juste avant celle-ci (après celle du "
                "{before})",
                last - first + 1,
            ).format(first=first, last=last, before=format_instant(previous.at, self.zone))
        if row.prev_hash != previous.line_hash:
            return _(
                "elle ne suit pas la ligne précédente (du {before}) : l'une des deux a été "
                "remplacée"
            ).format(before=format_instant(previous.at, self.zone))
        return None


def _unhashed(
    connection: Connection, site_id: uuid.UUID | None, place: str, zone: ZoneInfo
) -> ChainBreak | None:
    """Lines with no place in the chain: written with SQL, around Comptoir."""
    t = _TABLE
    outside = [_of_chain(site_id), (t.c.seq.is_(None)) | (t.c.line_hash == "")]
    count = connection.execute(select(func.count()).select_from(t).where(*outside)).scalar()
    if not count:
        return None
    first = connection.execute(
        select(t.c.at, t.c.action, t.c.seq).where(*outside).order_by(t.c.at, t.c.id).limit(1)
    ).one()
    problem = ngettext(
        "elle n'a pas d'empreinte : elle a été ajoutée hors de Comptoir",
        "elle et {others} autres n'ont pas d'empreinte : elles ont été ajoutées hors de Comptoir",
        int(count),
    ).format(others=format_number(int(count) - 1))
    return ChainBreak(site_id, place, first.at, first.action, first.seq, problem, zone)


def _protections(connection: Connection) -> list[str]:
    if connection.dialect.name == "postgresql":
        return _postgres_protections(connection)
    if connection.dialect.name != "sqlite":
        return []
    found = {
        name: _collapse(sql)
        for name, sql in connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
            )
        )
    }
    problems = []
    for name, expected in SQLITE_TRIGGERS.items():
        if name not in found:
            problems.append(_protection_problem(_MISSING, name))
        elif found[name] != expected:
            problems.append(_protection_problem(_CHANGED, name))
    return problems


def _postgres_protections(connection: Connection) -> list[str]:
    found = {
        row.tgname: row
        for row in connection.execute(
            text(
                "SELECT t.tgname, t.tgenabled, p.prosrc, pg_get_triggerdef(t.oid) AS definition "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE c.relname = 'audit_entry' AND c.relnamespace = to_regnamespace("
                "current_schema()) AND NOT t.tgisinternal"
            )
        )
    }
    problems = []
    for name, (body, wording) in POSTGRES_TRIGGERS.items():
        row = found.get(name)
        if row is None:
            problems.append(_protection_problem(_MISSING, name))
        elif _collapse(row.prosrc) != body or not all(
            part in _collapse(row.definition) for part in wording
        ):
            problems.append(_protection_problem(_CHANGED, name))
        elif row.tgenabled not in ("O", "A"):
            problems.append(_protection_problem(_DISABLED, name))
    return problems


_MISSING, _CHANGED, _DISABLED = "missing", "changed", "disabled"


def _protection_problem(state: str, name: str) -> str:
    """What is wrong with the append-only trigger ``name``, in French."""
    messages = {
        _MISSING: _(
            "La protection du journal a été retirée (déclencheur « {name} » absent) : des "
            "lignes ont pu être modifiées ou effacées sans laisser de trace."
        ),
        _CHANGED: _(
            "La protection du journal a été modifiée (déclencheur « {name} ») : elle ne "
            "refuse plus ce qu'elle doit refuser."
        ),
        _DISABLED: _(
            "La protection du journal est désactivée (déclencheur « {name} ») : des lignes "
            "ont pu être modifiées ou effacées sans laisser de trace."
        ),
    }
    return messages[state].format(name=name)

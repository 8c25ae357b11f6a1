"""Checking the till journal: is each place's chain whole, do the tickets, payments and
closures still say what their journal lines recorded, and is the database still guarding them?

Like :mod:`tiers_lieu.services.audit_verify` for the audit log, everything is read in one
read-only snapshot and streamed (memory does not grow with the journal):

- the chain, in ``seq`` order: each line's hash recomputed with
  :func:`~.chain.line_hash`, a number missing, two lines of one number, a line that does not
  follow the previous one (``prev_hash``), a first line that is not the first;
- every numbered sale above the opening line's ``tickets_before`` against its TICKET (or
  REVERSAL) line: number, instant, total, solidarity price, the sale's lines (quantity, unit
  price, VAT rate, amount) and each payment against its PAYMENT line — so a sale changed with
  SQL after dropping the triggers is seen; a ticket number missing; a line whose sale or
  payment is gone;
- each closure (``till_closure``) against its CLOSURE line, when it has one;
- the guards of migration 0012, as that migration writes them (``sqlite_trigger`` /
  ``postgres_guard``): present, unchanged and enabled.

What a chain without a secret cannot see (its newest lines removed, or the chain rewritten
with every hash recomputed), the desk sees for the lines it verified before: like the audit
log, it keeps each place's last line found whole (:mod:`..audit_witness`, section
:data:`~..audit_witness.TILL`), and a place whose line of that number now has another hash,
or whose chain now ends before it, is a break.

That kept line is also where the check after a sign-in starts (:func:`verify` with
``new_only``): it reads only the lines written since (linked to the kept line's hash), the
tickets, payments and closures they record, the tickets numbered after the last one the
kept part recorded, and the guards. The whole walk (« Vérifier le journal », ``tiers-lieu
caisse verifier``) still reads everything, and it alone sees a change inside the part already
verified. A place this desk never verified is walked whole, either way.

Unlike the audit check, the walk goes on after a break (each break is said, at most
:data:`MOST_BREAKS` per place). Each is said in French with the place, the line's number, its
date and time on the place's clock and its kind: « Le Comptoir : ligne n° 57 du 12/03/2026 à
14:05 (Ticket T000042) — le contenu ne correspond plus à son empreinte. »
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, and_, func, or_, select, union

from tiers_lieu.db import UowFactory
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, N_, _, format_instant, format_number, ngettext
from tiers_lieu.models import Payment, Sale, SaleLine, Site, TillClosure, TillJournal
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.audit_witness import SeenHead
from tiers_lieu.services.till.chain import GENESIS, line_hash
from tiers_lieu.services.till.guard_check import guard_problems
from tiers_lieu.services.till.tickets import ticket_label

STREAM_ROWS = 2000
MOST_BREAKS = 50
"""Breaks said per place; the others are counted."""

_J = cast(Table, TillJournal.__table__)  # type: ignore[attr-defined]
_SALE = cast(Table, Sale.__table__)  # type: ignore[attr-defined]
_LINE = cast(Table, SaleLine.__table__)  # type: ignore[attr-defined]
_PAY = cast(Table, Payment.__table__)  # type: ignore[attr-defined]
_CLOSURE = cast(Table, TillClosure.__table__)  # type: ignore[attr-defined]
_SITES = cast(Table, Site.__table__)  # type: ignore[attr-defined]

KIND_LABELS = {
    JournalKind.OPENING: N_("Ouverture du journal"),
    JournalKind.TICKET: N_("Ticket"),
    JournalKind.PAYMENT: N_("Paiement"),
    JournalKind.REVERSAL: N_("Ticket d'annulation"),
    JournalKind.CLOSURE: N_("Clôture"),
    JournalKind.INVOICE: N_("Facture"),
    JournalKind.CREDIT: N_("Avoir"),
    JournalKind.RECEIPT: N_("Reçu"),
    JournalKind.DUPLICATE: N_("Duplicata"),
    JournalKind.ARCHIVE: N_("Archive"),
}


def kind_label(kind: str) -> str:
    """A journal line's kind in French (the stored word when it is unknown)."""
    try:
        return _(KIND_LABELS[JournalKind(kind)])
    except ValueError:
        return kind


def naive_utc(value: datetime) -> str:
    """An instant as the journal's payloads and hashes write it: naive UTC, microseconds."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class TillBreak:
    """One place where the journal, or what it records, no longer holds."""

    site_id: uuid.UUID
    place: str
    seq: int | None
    """The journal line's number; None for a row that has no line (a ticket, a closure)."""
    at: datetime | None
    kind: str
    number: str
    problem: str
    zone: ZoneInfo

    def what(self) -> str:
        label = kind_label(self.kind)
        return f"{label} {self.number}" if self.number else label

    def describe(self) -> str:
        when = format_instant(self.at, self.zone) if self.at is not None else "?"
        if self.seq is None:
            return _("{place} : {what} du {when} — {problem}.").format(
                place=self.place, what=self.what(), when=when, problem=self.problem
            )
        return _("{place} : ligne n° {seq} du {when} ({what}) — {problem}.").format(
            place=self.place, seq=self.seq, when=when, what=self.what(), problem=self.problem
        )


@dataclass(frozen=True)
class TillReport:
    lines: int
    """Journal lines whose hash was checked."""
    tickets: int
    """Numbered sales compared with their journal lines."""
    breaks: tuple[TillBreak, ...]
    protections: tuple[str, ...]
    omitted: int = 0
    """Breaks found beyond :data:`MOST_BREAKS` for a place, not listed."""
    heads: Mapping[uuid.UUID | None, SeenHead] = field(default_factory=dict)
    """The last line of each place found without any break: what the desk keeps."""
    new_only: bool = False
    """Only what was written since this desk's last verification was checked."""

    @property
    def intact(self) -> bool:
        return not self.breaks and not self.protections and not self.omitted

    def problems(self) -> list[str]:
        said = [*self.protections, *(b.describe() for b in self.breaks)]
        if self.omitted:
            said.append(
                ngettext(
                    "… et {n} autre anomalie.", "… et {n} autres anomalies.", self.omitted
                ).format(n=format_number(self.omitted))
            )
        return said

    def summary(self) -> str:
        """« Journal de caisse intact (…) », or what is wrong, one problem a line."""
        if self.intact:
            lines = ngettext("{n} ligne vérifiée", "{n} lignes vérifiées", self.lines).format(
                n=format_number(self.lines)
            )
            tickets = ngettext(
                "{n} ticket rapproché", "{n} tickets rapprochés", self.tickets
            ).format(n=format_number(self.tickets))
            if self.new_only:
                return _(
                    "Journal de caisse intact depuis la dernière vérification de ce poste "
                    "({lines}, {tickets})"
                ).format(lines=lines, tickets=tickets)
            return _("Journal de caisse intact ({lines}, {tickets})").format(
                lines=lines, tickets=tickets
            )
        return "\n".join([_("Le journal de caisse a été altéré :"), *self.problems()])


def verify(
    uow: UowFactory,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
    new_only: bool = False,
) -> TillReport:
    """Check the journals (of ``sites`` only, when given) and the guards, in one read-only
    snapshot of the database. Each place's chain must still hold its line of ``seen`` (what
    this desk's last verification found whole); with ``new_only``, only what follows that
    line is checked."""
    with uow(read_only=True) as work:
        connection = work.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return verify_connection(connection, sites=sites, seen=seen, new_only=new_only)


def verify_connection(
    connection: Connection,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
    new_only: bool = False,
) -> TillReport:
    places = {
        row.id: (row.name, ZoneInfo(row.timezone or DEFAULT_TIME_ZONE))
        for row in connection.execute(select(_SITES.c.id, _SITES.c.name, _SITES.c.timezone))
    }
    chosen = [s for s in places if sites is None or s in sites]
    chosen.sort(key=lambda site: places[site][0].casefold())
    seen = seen or {}
    lines = tickets = omitted = 0
    breaks: list[TillBreak] = []
    heads: dict[uuid.UUID | None, SeenHead] = {}
    for site_id in chosen:
        place, zone = places[site_id]
        check = _PlaceCheck(
            connection, site_id, place, zone, seen=seen.get(site_id), new_only=new_only
        )
        check.run()
        lines += check.lines
        tickets += check.tickets
        breaks += check.breaks
        omitted += check.omitted
        if check.head is not None and not check.breaks and not check.omitted:
            heads[site_id] = check.head
    return TillReport(
        lines,
        tickets,
        tuple(breaks),
        tuple(guard_problems(connection)),
        omitted,
        heads=heads,
        new_only=new_only,
    )


CHANGED_LINE = N_(
    "le contenu ne correspond plus à son empreinte : elle a été modifiée, ou ajoutée hors de "
    "Comptoir"
)
SEEN_REWRITTEN = N_(
    "son empreinte n'est plus celle que ce poste a vue sous ce numéro lors d'une "
    "vérification précédente : des lignes ont été remplacées ou réécrites"
)
SEEN_GONE = N_(
    "ce poste l'avait vue lors d'une vérification précédente, elle n'est plus dans le journal"
)


def tickets_before(opening: Any) -> int:
    """The tickets an opening line counts (numbered before the journal)."""
    before = (_payload(opening.payload) or {}).get("tickets_before")
    return before if isinstance(before, int) else 0


def _payload(text_: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text_)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class _Follower:
    """Rows sorted by a key, taken group by group in increasing key order."""

    def __init__(self, rows: Iterator[Any], key: Callable[[Any], Any]) -> None:
        self._groups = groupby(rows, key=key)
        self._pending: tuple[Any, list[Any]] | None = None

    def take(self, wanted: Any) -> list[Any]:
        """The rows of key ``wanted`` (none if it has none); smaller keys are passed over."""
        while True:
            if self._pending is None:
                following = next(self._groups, None)
                if following is None:
                    return []
                self._pending = (following[0], list(following[1]))
            key, rows = self._pending
            if key < wanted:
                self._pending = None
                continue
            if key == wanted:
                self._pending = None
                return rows
            return []


class _PlaceCheck:
    def __init__(
        self,
        connection: Connection,
        site_id: uuid.UUID,
        place: str,
        zone: ZoneInfo,
        *,
        seen: SeenHead | None = None,
        new_only: bool = False,
    ):
        self.connection = connection
        self.site_id = site_id
        self.place = place
        self.zone = zone
        self.seen = seen
        """The place's last line found whole by this desk's last verification."""
        self.after = seen.seq if new_only and seen is not None else 0
        """Lines numbered up to this one are not read (0: the whole journal is)."""
        self.lines = 0
        self.tickets = 0
        self.tickets_before = 0
        """Tickets the opening line counts (numbered before the journal, without a line)."""
        self.from_ticket = 0
        """Tickets numbered up to this one are not compared (the opening's, or the last one
        the part not read recorded)."""
        self.breaks: list[TillBreak] = []
        self.omitted = 0
        self.head: SeenHead | None = None
        """The chain's last line read (the place's newest)."""

    def say(
        self,
        problem: str,
        *,
        seq: int | None,
        at: datetime | None,
        kind: str,
        number: str = "",
    ) -> None:
        if len(self.breaks) >= MOST_BREAKS:
            self.omitted += 1
            return
        self.breaks.append(
            TillBreak(self.site_id, self.place, seq, at, kind, number, problem, self.zone)
        )

    def say_line(self, row: Any, problem: str) -> None:
        self.say(problem, seq=row.seq, at=row.occurred_at, kind=row.kind, number=row.number)

    def stream(self, query: Any) -> Iterator[Any]:
        yield from self.connection.execution_options(yield_per=STREAM_ROWS).execute(query)

    def run(self) -> None:
        self.walk_chain()
        self.check_tickets()
        self.check_payments()
        self.check_orphans()
        self.check_closures()

    # -- the chain ----------------------------------------------------------------------
    def line_query(self) -> Any:
        j = _J
        return select(
            j.c.id,
            j.c.seq,
            j.c.kind,
            j.c.occurred_at,
            j.c.actor,
            j.c.ref_id,
            j.c.number,
            j.c.amount_cents,
            j.c.payload,
            j.c.prev_hash,
            j.c.line_hash,
        ).where(j.c.site_id == self.site_id)

    def walk_chain(self) -> None:
        """The chain in ``seq`` order: the whole of it, or (``after``) the lines that follow
        the one this desk kept, linked to it."""
        j = _J
        query = self.line_query().order_by(j.c.seq, j.c.id)
        previous: Any = None
        if self.after:
            previous = self.resume()
            query = query.where(j.c.seq > self.after)
        for row in self.stream(query):
            self.lines += 1
            if previous is None and row.kind == JournalKind.OPENING and not self.after:
                self.tickets_before = tickets_before(row)
            if previous is not None:
                problem = self.link_problem(previous, row)
            else:
                problem = None if self.after else self.start_problem(row)
            if problem is None and row.line_hash != self.hashed(row):
                problem = _(CHANGED_LINE)
            if problem is None and self.seen is not None and row.seq == self.seen.seq:
                problem = self.seen_problem(row)
            if problem is not None:
                self.say_line(row, problem)
            previous = row
        if (
            self.seen is not None
            and not self.after
            and (previous is None or previous.seq < self.seen.seq)
        ):
            self.say_tail_removed(None if previous is None else previous.seq)
        if previous is not None:
            self.head = SeenHead(
                previous.seq, previous.line_hash, previous.occurred_at, previous.kind
            )
        if not self.after:
            self.from_ticket = self.tickets_before

    def resume(self) -> Any:
        """The line this desk kept (None when it is gone, which is said), with what the part
        not read says: the tickets before the journal, the last ticket recorded."""
        assert self.seen is not None
        j, seen = _J, self.seen
        opening = self.connection.execute(
            select(j.c.payload).where(
                j.c.site_id == self.site_id, j.c.seq == 1, j.c.kind == str(JournalKind.OPENING)
            )
        ).first()
        self.tickets_before = tickets_before(opening) if opening is not None else 0
        last_ticket = self.connection.execute(
            select(j.c.payload)
            .where(
                j.c.site_id == self.site_id,
                j.c.seq <= seen.seq,
                j.c.kind.in_([str(JournalKind.TICKET), str(JournalKind.REVERSAL)]),
            )
            .order_by(j.c.seq.desc())
            .limit(1)
        ).first()
        number = (_payload(last_ticket.payload) or {}).get("ticket") if last_ticket else None
        self.from_ticket = number if isinstance(number, int) else self.tickets_before
        row = self.connection.execute(self.line_query().where(j.c.seq == seen.seq)).first()
        if row is None:
            last = self.connection.execute(
                select(func.max(j.c.seq)).where(j.c.site_id == self.site_id)
            ).scalar()
            if last is None or last < seen.seq:
                self.say_tail_removed(last)
            else:
                self.say_seen(_(SEEN_GONE))
            return None
        if row.line_hash != seen.line_hash:
            self.say_line(row, _(SEEN_REWRITTEN))
        elif row.line_hash != self.hashed(row):
            self.say_line(row, _(CHANGED_LINE))
        return row

    def seen_problem(self, row: Any) -> str | None:
        if self.seen is None or row.line_hash == self.seen.line_hash:
            return None
        return _(SEEN_REWRITTEN)

    def say_seen(self, problem: str) -> None:
        """A break named after the line this desk kept (it is no longer there to name)."""
        assert self.seen is not None
        self.say(problem, seq=self.seen.seq, at=self.seen.at, kind=self.seen.action)

    def say_tail_removed(self, last: int | None) -> None:
        """The chain ends before the line this desk kept (at ``last``, None: no line)."""
        assert self.seen is not None
        if last is None:
            gone = _("ce journal est maintenant vide")
        else:
            first = last + 1
            gone = ngettext(
                "la ligne n° {first} a été supprimée à la fin du journal",
                "les lignes n° {first} à {last} ont été supprimées à la fin du journal",
                self.seen.seq - first + 1,
            ).format(first=first, last=self.seen.seq)
        self.say_seen(_("{said} : {gone}").format(said=_(SEEN_GONE), gone=gone))

    def hashed(self, row: Any) -> str:
        return line_hash(
            prev_hash=row.prev_hash,
            seq=row.seq,
            line_id=row.id,
            site_id=self.site_id,
            kind=row.kind,
            occurred_at=row.occurred_at,
            actor=row.actor,
            ref_id=row.ref_id,
            number=row.number,
            amount_cents=row.amount_cents,
            payload=row.payload,
        )

    @staticmethod
    def start_problem(row: Any) -> str | None:
        if row.seq > 1:
            return ngettext(
                "la ligne n° 1 manque au début du journal",
                "les lignes n° 1 à {last} manquent au début du journal",
                row.seq - 1,
            ).format(last=row.seq - 1)
        if row.prev_hash != GENESIS:
            return _("la première ligne du journal a été modifiée")
        return None

    def link_problem(self, previous: Any, row: Any) -> str | None:
        if row.seq == previous.seq:
            return _(
                "elle porte le même numéro que la ligne précédente : l'une des deux a été "
                "ajoutée hors de Comptoir"
            )
        if row.seq > previous.seq + 1:
            first, last = previous.seq + 1, row.seq - 1
            return ngettext(
                "la ligne n° {first} manque juste avant celle-ci (après celle du {before})",
                "les lignes n° {first} à {last} manquent juste avant celle-ci (après celle du "
                "{before})",
                last - first + 1,
            ).format(first=first, last=last, before=format_instant(previous.occurred_at, self.zone))
        if row.prev_hash != previous.line_hash:
            return _(
                "elle ne suit pas la ligne précédente (du {before}) : l'une des deux a été "
                "remplacée ou déplacée"
            ).format(before=format_instant(previous.occurred_at, self.zone))
        return None

    # -- tickets against their lines ----------------------------------------------------
    def numbered(self) -> Any:
        """The sales to compare: numbered after ``from_ticket``."""
        return and_(_SALE.c.site_id == self.site_id, _SALE.c.ticket_number > self.from_ticket)

    def numbered_of_line(self, after: int) -> Any:
        """The sale of a journal line is numbered after ``after``; written so that no
        index of ``sale`` can serve it: the database then reaches the sale from the line by
        its primary key, instead of searching the journal for each sale (``ref_id`` has no
        index; SQLite would otherwise walk the whole journal once per ticket). The sale's
        place is compared in Python (:meth:`own`)."""
        return (_SALE.c.ticket_number + 0) > after

    def read_lines(self) -> Any:
        """The journal lines read: all, or those after the line this desk kept."""
        return _J.c.seq > self.after

    def own(self, rows: Iterator[Any]) -> Iterator[Any]:
        return (row for row in rows if row.sale_site == self.site_id)

    def check_tickets(self) -> None:
        """Numbered sales in order, each with its TICKET/REVERSAL line(s) and its lines: three
        streams sorted by ticket number, merged here (each read through an index; the journal
        is reached from the line's side, through the sale's primary key)."""
        s, j = _SALE, _J
        sales = (
            select(
                s.c.ticket_number,
                s.c.sold_at,
                s.c.total_cents,
                s.c.solidarity,
                s.c.reverses_id,
            )
            .where(self.numbered())
            .order_by(s.c.ticket_number)
        )
        recorded = (
            select(
                s.c.ticket_number,
                s.c.site_id.label("sale_site"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents,
                j.c.payload,
            )
            .select_from(j.join(s, s.c.id == j.c.ref_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind.in_([str(JournalKind.TICKET), str(JournalKind.REVERSAL)]),
                self.numbered_of_line(self.from_ticket),
            )
            .order_by(s.c.ticket_number, j.c.seq)
        )
        lines = (
            select(
                s.c.ticket_number,
                _LINE.c.quantity_milli,
                _LINE.c.unit_price_cents,
                _LINE.c.vat_rate_bp,
                _LINE.c.total_cents,
            )
            .select_from(_LINE.join(s, s.c.id == _LINE.c.sale_id))
            .where(self.numbered())
            .order_by(s.c.ticket_number)
        )
        records = _Follower(self.own(self.stream(recorded)), lambda row: row.ticket_number)
        contents = _Follower(self.stream(lines), lambda row: row.ticket_number)
        expected = self.from_ticket + 1
        for sale in self.stream(sales):
            number = sale.ticket_number
            self.tickets += 1
            if number > expected:
                self.say_missing_tickets(expected, number - 1, sale)
            expected = number + 1
            self.compare_ticket(sale, records.take(number), contents.take(number))
        unnumbered = self.connection.execute(
            select(func.count(), func.min(s.c.sold_at)).where(
                s.c.site_id == self.site_id, s.c.ticket_number.is_(None)
            )
        ).one()
        if unnumbered[0]:
            self.say(
                ngettext(
                    "une vente n'a pas de numéro de ticket : elle a été ajoutée hors de Comptoir",
                    "{n} ventes n'ont pas de numéro de ticket : elles ont été ajoutées hors de "
                    "Comptoir",
                    int(unnumbered[0]),
                ).format(n=format_number(int(unnumbered[0]))),
                seq=None,
                at=unnumbered[1],
                kind=JournalKind.TICKET,
            )

    def say_missing_tickets(self, first: int, last: int, following: Any) -> None:
        problem = ngettext(
            "le ticket {first} manque juste avant celui-ci : il a été supprimé",
            "les tickets {first} à {last} manquent juste avant celui-ci : ils ont été supprimés",
            last - first + 1,
        ).format(first=ticket_label(first), last=ticket_label(last))
        self.say(
            problem,
            seq=None,
            at=following.sold_at,
            kind=JournalKind.REVERSAL if following.reverses_id else JournalKind.TICKET,
            number=ticket_label(following.ticket_number),
        )

    def compare_ticket(self, sale: Any, rows: list[Any], content: list[Any]) -> None:
        label = ticket_label(sale.ticket_number)
        kind = JournalKind.REVERSAL if sale.reverses_id else JournalKind.TICKET
        if not rows:
            self.say(
                _("ce ticket n'a pas de ligne au journal : il a été ajouté hors de Comptoir"),
                seq=None,
                at=sale.sold_at,
                kind=kind,
                number=label,
            )
            return
        if len(rows) > 1:
            self.say_line(
                rows[1],
                _("deux lignes du journal enregistrent le même ticket"),
            )
        changed = self.ticket_differences(sale, rows[0], content)
        if changed:
            self.say_line(
                rows[0],
                _(
                    "le ticket ne correspond plus à ce que le journal a enregistré ({what}) : "
                    "il a été modifié hors de Comptoir"
                ).format(what=", ".join(changed)),
            )

    @staticmethod
    def ticket_differences(sale: Any, line: Any, content: list[Any]) -> list[str]:
        data = _payload(line.payload)
        if data is None:
            return [_("contenu illisible")]
        changed = []
        if data.get("ticket") != sale.ticket_number or line.number != ticket_label(
            sale.ticket_number
        ):
            changed.append(_("numéro"))
        if data.get("sold_at") != naive_utc(sale.sold_at):
            changed.append(_("date de vente"))
        if data.get("total_cents") != sale.total_cents or line.amount_cents != sale.total_cents:
            changed.append(_("montant total"))
        if bool(data.get("solidarity")) != bool(sale.solidarity):
            changed.append(_("tarif solidaire"))
        reverses = None if sale.reverses_id is None else str(sale.reverses_id)
        if data.get("reverses") != reverses or (
            line.kind != (JournalKind.REVERSAL if reverses else JournalKind.TICKET)
        ):
            changed.append(_("ticket annulé"))
        recorded = data.get("lines")
        try:
            said = sorted(tuple(line[1:5]) for line in recorded)  # type: ignore[union-attr]
        except (TypeError, IndexError):
            said = None
        rows = sorted(
            (r.quantity_milli, r.unit_price_cents, r.vat_rate_bp, r.total_cents) for r in content
        )
        if said != rows:
            changed.append(_("articles"))
        return changed

    def check_payments(self) -> None:
        """Each payment of a numbered sale with the PAYMENT lines naming it, both streams
        sorted by the payment's id and merged here. Reading the new lines only: the payments
        of the new tickets, and those the new lines name (refunded by a reversal)."""
        s, p, j = _SALE, _PAY, _J
        columns = (
            p.c.id.label("payment_id"),
            p.c.method,
            p.c.amount_cents.label("paid"),
            p.c.reference,
            s.c.ticket_number,
            s.c.sold_at,
            s.c.reverses_id,
            s.c.site_id.label("sale_site"),
        )
        payments: Any = (
            select(*columns).select_from(p.join(s, s.c.id == p.c.sale_id)).where(self.numbered())
        )
        if self.after:
            named = (
                select(*columns)
                .select_from(j.join(p, p.c.id == j.c.ref_id).join(s, s.c.id == p.c.sale_id))
                .where(
                    j.c.site_id == self.site_id,
                    self.read_lines(),
                    j.c.kind == str(JournalKind.PAYMENT),
                    self.numbered_of_line(self.tickets_before),
                )
            )
            both = union(payments, named).subquery()
            payments = select(both).order_by(both.c.payment_id)
        else:
            payments = payments.order_by(p.c.id)
        recorded = (
            select(
                p.c.id.label("payment_id"),
                s.c.site_id.label("sale_site"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents,
                j.c.payload,
            )
            .select_from(j.join(p, p.c.id == j.c.ref_id).join(s, s.c.id == p.c.sale_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind == str(JournalKind.PAYMENT),
                self.numbered_of_line(self.tickets_before),
            )
            .order_by(p.c.id, j.c.seq)
        )
        records = _Follower(self.own(self.stream(recorded)), lambda row: row.payment_id)
        for payment in self.own(self.stream(payments)):
            self.compare_payment(payment, records.take(payment.payment_id))

    def compare_payment(self, first: Any, rows: list[Any]) -> None:
        """A payment against its PAYMENT line (and the refund lines of the reversal that
        cancelled its ticket, which name the same payment under the reversal's number)."""
        if not rows:
            self.say(
                _(
                    "un paiement de ce ticket n'a pas de ligne au journal : il a été ajouté "
                    "ou modifié hors de Comptoir"
                ),
                seq=None,
                at=first.sold_at,
                kind=JournalKind.PAYMENT,
                number=ticket_label(first.ticket_number),
            )
            return
        own = 0
        for row in rows:
            data = _payload(row.payload) or {}
            if data.get("ticket") == first.ticket_number:
                own += 1
                amount = -first.paid if first.reverses_id else first.paid
                if own > 1:
                    self.say_line(row, _("deux lignes du journal enregistrent le même paiement"))
                    continue
            else:
                amount = -first.paid  # refunded by a reversal
            if (
                data.get("method") != first.method
                or data.get("amount_cents") != amount
                or row.amount_cents != amount
                or data.get("reference", "") != first.reference
            ):
                self.say_line(
                    row,
                    _(
                        "le paiement ne correspond plus à ce que le journal a enregistré : il "
                        "a été modifié hors de Comptoir"
                    ),
                )
        if own == 0 and first.ticket_number > self.from_ticket:  # its own line was read
            self.say(
                _(
                    "un paiement de ce ticket n'a pas de ligne au journal : il a été ajouté "
                    "ou modifié hors de Comptoir"
                ),
                seq=None,
                at=first.sold_at,
                kind=JournalKind.PAYMENT,
                number=ticket_label(first.ticket_number),
            )

    def check_orphans(self) -> None:
        """Ticket and payment lines whose row is gone (deleted around the triggers)."""
        j = _J
        for kinds, table, problem in (
            (
                (JournalKind.TICKET, JournalKind.REVERSAL),
                _SALE,
                N_("le ticket qu'elle enregistre a été supprimé"),
            ),
            (
                (JournalKind.PAYMENT,),
                _PAY,
                N_("le paiement qu'elle enregistre a été supprimé"),
            ),
        ):
            query = (
                select(j.c.seq, j.c.kind, j.c.occurred_at, j.c.number)
                .select_from(j.outerjoin(table, table.c.id == j.c.ref_id))
                .where(
                    j.c.site_id == self.site_id,
                    self.read_lines(),
                    j.c.kind.in_([str(k) for k in kinds]),
                    table.c.id.is_(None),
                )
                .order_by(j.c.seq)
            )
            for row in self.stream(query):
                self.say_line(row, _(problem))

    # -- closures -----------------------------------------------------------------------
    def check_closures(self) -> None:
        """Each closure with its CLOSURE line, both sorted by the closure's id, merged."""
        c, j = _CLOSURE, _J
        closures = select(c).where(c.c.site_id == self.site_id).order_by(c.c.id)
        if self.after and self.seen is not None:
            # Those the new lines record, and those closed after the line kept (one whose
            # line is in the part not read, by a desk whose clock is ahead: looked up below).
            closures = closures.where(
                or_(
                    c.c.closed_at > self.seen.at,
                    c.c.id.in_(
                        select(j.c.ref_id).where(
                            j.c.site_id == self.site_id,
                            self.read_lines(),
                            j.c.kind == str(JournalKind.CLOSURE),
                        )
                    ),
                )
            )
        recorded = (
            select(
                c.c.id.label("closure_id"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents.label("line_amount"),
                j.c.payload,
            )
            .select_from(j.join(c, c.c.id == j.c.ref_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind == str(JournalKind.CLOSURE),
            )
            .order_by(c.c.id, j.c.seq)
        )
        records = _Follower(self.stream(recorded), lambda row: row.closure_id)
        for closure in self.stream(closures):
            lines = records.take(closure.id)
            if not lines and self.after and self.recorded_before(closure.id):
                continue
            if not lines:
                self.say(
                    _(
                        "cette clôture n'a pas de ligne au journal : elle a été ajoutée hors de "
                        "Comptoir"
                    ),
                    seq=None,
                    at=closure.closed_at,
                    kind=JournalKind.CLOSURE,
                    number=str(closure.number),
                )
                continue
            line = lines[0]
            changed = closure_differences(closure, line, _payload(line.payload))
            if changed:
                self.say_line(
                    line,
                    _(
                        "la clôture ne correspond plus à ce que le journal a enregistré "
                        "({what}) : elle a été modifiée hors de Comptoir"
                    ).format(what=", ".join(changed)),
                )

    def recorded_before(self, closure_id: uuid.UUID) -> bool:
        """Whether the part of the journal not read has the closure's line (a walk of the
        place's journal: only for a closure said to be newer than the line kept but whose
        line is not among the new ones, which does not happen but for clocks apart)."""
        j = _J
        found = self.connection.execute(
            select(j.c.id)
            .where(
                j.c.site_id == self.site_id,
                j.c.seq <= self.after,
                j.c.kind == str(JournalKind.CLOSURE),
                j.c.ref_id == closure_id,
            )
            .limit(1)
        ).first()
        return found is not None


CLOSURE_FIELDS = (
    "kind",
    "number",
    "period_start",
    "period_end",
    "first_ticket",
    "last_ticket",
    "tickets",
    "reversals",
    "total_cents",
    "reversed_cents",
    "grand_total_cents",
)


def closure_differences(row: Any, line: Any, data: dict[str, Any] | None) -> list[str]:
    """What of a closure's row differs from its journal line's payload (fields the payload
    names) and amount (the period's net turnover)."""
    if data is None:
        return [_("contenu illisible")]
    changed = []
    for name in CLOSURE_FIELDS:
        if name not in data:
            continue
        value = getattr(row, name)
        if isinstance(value, date):
            value = value.isoformat()
        if data[name] != value:
            changed.append(name)
    if "totals" in data:
        try:
            totals = json.loads(row.totals)
        except ValueError:
            totals = None
        if totals != data["totals"]:
            changed.append("totals")
    if line.line_amount != row.total_cents:
        changed.append("amount_cents")
    return changed

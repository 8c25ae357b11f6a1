"""The walk of one place's chain in ``seq`` order: each line's hash recomputed, a number
missing or doubled, a line that does not follow the previous one, a first line that is not the
first; the line this desk kept from its last verification (still there, with the same hash,
or the chain now ends before it); resuming after that line for the check after a sign-in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tiers_lieu.i18n import N_, _, format_instant, ngettext
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.audit_witness import SeenHead
from tiers_lieu.services.till.chain import GENESIS, line_hash
from tiers_lieu.services.till.verify_base import _J, _payload, _PlaceBase

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


class _ChainWalk(_PlaceBase):
    """The chain part of one place's check."""

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

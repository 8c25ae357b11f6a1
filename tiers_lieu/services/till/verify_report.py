"""What the check of the till journal reports: the journal lines' kinds in French, one break
(:class:`TillBreak`: the place, the line's number, its date on the place's clock, its kind and
the problem, said as a sentence) and the whole report (:class:`TillReport`: the lines and
tickets checked, the breaks, the guards' problems, the last line of each place found whole).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from tiers_lieu.i18n import N_, _, format_instant, format_number, ngettext
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.audit_witness import SeenHead

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
    JournalKind.PRINT: N_("Impression de l'original"),
    JournalKind.ARCHIVE: N_("Archive"),
}


def kind_label(kind: str) -> str:
    """A journal line's kind in French (the stored word when it is unknown)."""
    try:
        return _(KIND_LABELS[JournalKind(kind)])
    except ValueError:
        return kind


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

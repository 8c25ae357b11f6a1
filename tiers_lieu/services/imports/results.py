"""What an import reports back: frozen read models of the first rows as they will be stored (the
window's preview) and of the totals, with the French sentence the command line prints and the
window shows, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from tiers_lieu.i18n import _, format_date, format_number, format_time, ngettext


@dataclass(frozen=True)
class Breakdown:
    """Rows of the file and what they count (visits, or records) for one service/organisme."""

    label: str
    rows: int
    amount: int


@dataclass(frozen=True)
class VisitPreview:
    """One line of a visits file as it will be stored; ``None`` means « Non communiqué »."""

    line: int
    activity_date: date
    activity_time: time | None
    service: str
    count: int
    commune: str | None
    age_band: str | None
    gender: str | None
    status: str | None
    public: str | None = None


@dataclass(frozen=True)
class AssistancePreview:
    """One line of an assistance file as it will be stored."""

    line: int
    activity_date: date
    operator: str
    theme: str
    help_type: str
    duration_min: int
    outcome: str
    orientation: str | None
    commune: str | None
    age_band: str | None
    gender: str | None
    status: str | None


@dataclass(frozen=True)
class SheetRead:
    """A sheet of a workbook that had the format's columns, and its lines of data."""

    name: str
    rows: int


@dataclass(frozen=True)
class SheetSkipped:
    """A sheet left aside: ``missing`` names the required columns it lacks (none: empty)."""

    name: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Sheets:
    """Which sheets of a workbook were read and which were left aside."""

    read: tuple[SheetRead, ...] = ()
    skipped: tuple[SheetSkipped, ...] = ()

    def lines(self) -> list[str]:
        """Said only of a workbook of several sheets: with one, there is nothing to tell."""
        if len(self.read) + len(self.skipped) < 2:
            return []
        lines: list[str] = []
        if self.read:
            names = ", ".join(
                _("« {name} » ({rows})").format(
                    name=sheet.name,
                    rows=ngettext("{n} ligne", "{n} lignes", sheet.rows).format(
                        n=format_number(sheet.rows)
                    ),
                )
                for sheet in self.read
            )
            lines.append(
                ngettext(
                    "Feuille lue : {names}.", "Feuilles lues : {names}.", len(self.read)
                ).format(names=names)
            )
        if self.skipped:
            names = ", ".join(
                _("« {name} » (sans colonne {columns})").format(
                    name=sheet.name, columns=", ".join(sheet.missing)
                )
                if sheet.missing
                else _("« {name} » (vide)").format(name=sheet.name)
                for sheet in self.skipped
            )
            lines.append(
                ngettext(
                    "Feuille ignorée : {names}.", "Feuilles ignorées : {names}.", len(self.skipped)
                ).format(names=names)
            )
        return lines


@dataclass(frozen=True)
class PreviousImport:
    """An earlier import of the same file (same bytes) into the same place."""

    file_name: str
    imported_at: datetime  # in the place's time zone
    rows: int
    amount: int
    kind: str  # "visits" or "assistance"

    def when(self) -> tuple[str, str]:
        return format_date(self.imported_at.date()), format_time(self.imported_at.time())

    def what(self) -> str:
        """« 1 234 lignes, 1 456 visites »."""
        rows = ngettext("{n} ligne", "{n} lignes", self.rows).format(n=format_number(self.rows))
        amount = _visits_text(self.amount) if self.kind == "visits" else _records_text(self.amount)
        return _("{rows}, {amount}").format(rows=rows, amount=amount)


def _again_line(previous: PreviousImport | None, dry_run: bool) -> list[str]:
    if previous is None:
        return []
    day, hour = previous.when()
    template = (
        _("Ce fichier a déjà été importé le {date} à {time} ({what}) : il le serait de nouveau.")
        if dry_run
        else _(
            "Ce fichier avait déjà été importé le {date} à {time} ({what}) : importé de "
            "nouveau, comme demandé."
        )
    )
    return [template.format(date=day, time=hour, what=previous.what())]


def _common_lines(
    first: date | None,
    last: date | None,
    new_communes: tuple[str, ...],
    ignored: tuple[str, ...],
    dry_run: bool,
) -> list[str]:
    lines: list[str] = []
    if first is not None and last is not None:
        lines.append(
            _("Période : du {first} au {last}.").format(
                first=format_date(first), last=format_date(last)
            )
        )
    if new_communes:
        n = len(new_communes)
        template = (
            ngettext(
                "{n} commune à ajouter hors territoire : {names}.",
                "{n} communes à ajouter hors territoire : {names}.",
                n,
            )
            if dry_run
            else ngettext(
                "{n} commune ajoutée hors territoire : {names}.",
                "{n} communes ajoutées hors territoire : {names}.",
                n,
            )
        )
        lines.append(template.format(n=format_number(n), names=", ".join(new_communes)))
    if ignored:
        lines.append(_("Colonnes ignorées : {names}.").format(names=", ".join(ignored)))
    if dry_run:
        lines.append(_("Simulation : rien n'a été enregistré."))
    return lines


def _rows_text(rows: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext("{n} ligne à importer", "{n} lignes à importer", rows).format(
            n=format_number(rows)
        )
    return ngettext("{n} ligne importée", "{n} lignes importées", rows).format(
        n=format_number(rows)
    )


def _visits_text(n: int) -> str:
    return ngettext("{n} visite", "{n} visites", n).format(n=format_number(n))


def _records_text(n: int) -> str:
    return ngettext("{n} démarche", "{n} démarches", n).format(n=format_number(n))


@dataclass(frozen=True)
class VisitImportResult:
    rows: int
    visits: int
    by_service: tuple[Breakdown, ...]
    first_date: date | None
    last_date: date | None
    new_communes: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    preview: tuple[VisitPreview, ...]
    dry_run: bool
    sheets: Sheets = field(default_factory=Sheets)
    previous: PreviousImport | None = None

    def headline(self) -> str:
        """« 1 234 lignes importées : 1 456 visites. »"""
        return _("{rows} : {visits}.").format(
            rows=_rows_text(self.rows, self.dry_run), visits=_visits_text(self.visits)
        )

    def describe(self) -> str:
        lines = [self.headline()]
        for item in self.by_service:
            lines.append(
                _("  {label} : {amount} ({rows})").format(
                    label=item.label,
                    amount=_visits_text(item.amount),
                    rows=ngettext("{n} ligne", "{n} lignes", item.rows).format(
                        n=format_number(item.rows)
                    ),
                )
            )
        lines += self.sheets.lines()
        lines += _again_line(self.previous, self.dry_run)
        lines += _common_lines(
            self.first_date, self.last_date, self.new_communes, self.ignored_columns, self.dry_run
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class AssistanceImportResult:
    rows: int
    minutes: int
    by_operator: tuple[Breakdown, ...]
    first_date: date | None
    last_date: date | None
    new_communes: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    preview: tuple[AssistancePreview, ...]
    dry_run: bool
    sheets: Sheets = field(default_factory=Sheets)
    previous: PreviousImport | None = None

    def headline(self) -> str:
        """« 120 lignes importées : 120 démarches, 2 340 minutes d'accompagnement. »"""
        return _("{rows} : {records}, {minutes}.").format(
            rows=_rows_text(self.rows, self.dry_run),
            records=_records_text(self.rows),
            minutes=ngettext(
                "{n} minute d'accompagnement", "{n} minutes d'accompagnement", self.minutes
            ).format(n=format_number(self.minutes)),
        )

    def describe(self) -> str:
        lines = [self.headline()]
        for item in self.by_operator:
            lines.append(
                _("  {label} : {amount}").format(
                    label=item.label, amount=_records_text(item.amount)
                )
            )
        lines += self.sheets.lines()
        lines += _again_line(self.previous, self.dry_run)
        lines += _common_lines(
            self.first_date, self.last_date, self.new_communes, self.ignored_columns, self.dry_run
        )
        return "\n".join(lines)


ImportResult = VisitImportResult | AssistanceImportResult

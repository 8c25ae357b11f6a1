"""Importing the spreadsheets sites kept before Comptoir: visits and assistance records.

Each import is all-or-nothing. The file (CSV, XLSX or ODS) is read sheet by sheet and row by
row, every reader bounded (:mod:`..tabular`), and each line is checked as it arrives against
the site's services, categories and communes read once (:mod:`.matching`, :mod:`.visits`,
:mod:`.assistance`), outside any write transaction; one bad cell refuses the whole file with
every problem listed by sheet, line and column, and nothing is written. A clean file is
bulk-inserted (:mod:`.writing`) in one transaction with one audit line and the file's
fingerprint (:mod:`.history`), so that importing the same bytes again is refused unless asked
for; in a dry run it is only described. The same calls serve the command line and the window's
preview (a dry run) and import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tiers_lieu.db import UowFactory
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.imports.assistance import ASSISTANCE_COLUMNS, AssistanceChecker
from tiers_lieu.services.imports.checking import Progress
from tiers_lieu.services.imports.history import (
    AlreadyImportedError,
    previous_import,
    remember,
)
from tiers_lieu.services.imports.matching import Lookups, load_lookups
from tiers_lieu.services.imports.parsing import CellError, ColumnSpec
from tiers_lieu.services.imports.reading import PATTERNS
from tiers_lieu.services.imports.results import (
    AssistanceImportResult,
    AssistancePreview,
    Breakdown,
    ImportResult,
    PreviousImport,
    Sheets,
    VisitImportResult,
    VisitPreview,
)
from tiers_lieu.services.imports.sheets import check_file
from tiers_lieu.services.imports.visits import VISIT_COLUMNS, VisitChecker
from tiers_lieu.services.imports.writing import add_communes, write_assistance, write_visits
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.tabular import LIMITS, FileRefusedError, Limits, fingerprint

__all__ = [
    "PATTERNS",
    "AlreadyImportedError",
    "AssistanceImportResult",
    "AssistancePreview",
    "Breakdown",
    "CellError",
    "FileRefusedError",
    "ImportResult",
    "ImportService",
    "PreviousImport",
    "Sheets",
    "VisitImportResult",
    "VisitPreview",
]

#: Progress goes from 0 to STEP while the file is read and checked, then to twice STEP while
#: it is written.
STEP = 1000


@dataclass(frozen=True)
class _Format:
    kind: str
    entity: str  # of the audit line
    specs: tuple[ColumnSpec, ...]
    checker: Callable[..., Any]
    write: Callable[..., None]
    details: Callable[[Any], dict[str, object]]
    amount: Callable[[Any], int]


FORMATS = {
    "visits": _Format(
        "visits",
        "visit_import",
        VISIT_COLUMNS,
        VisitChecker,
        write_visits,
        lambda r: {"rows": r.rows, "visits": r.visits},
        lambda r: r.visits,
    ),
    "assistance": _Format(
        "assistance",
        "assistance_import",
        ASSISTANCE_COLUMNS,
        AssistanceChecker,
        write_assistance,
        lambda r: {"rows": r.rows, "minutes": r.minutes},
        lambda r: r.rows,
    ),
}


def _progress(progress: Progress | None) -> Progress:
    return progress if progress is not None else (lambda _done, _total: None)


class ImportService:
    def __init__(self, uow: UowFactory, limits: Limits = LIMITS) -> None:
        self._uow = uow
        self.limits = limits

    @requires(Permission.SETTINGS)
    def import_visits(
        self,
        site_id: uuid.UUID,
        path: Path,
        *,
        dry_run: bool = False,
        again: bool = False,
        sheet: str | None = None,
        today: date | None = None,
        progress: Progress | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> VisitImportResult:
        """Import the visits of ``path`` (CSV, XLSX or ODS) with ``source = "import"``."""
        result = self._import(
            FORMATS["visits"],
            site_id,
            path,
            dry_run=dry_run,
            again=again,
            sheet=sheet,
            today=today,
            progress=progress,
            before_write=before_write,
        )
        assert isinstance(result, VisitImportResult)
        return result

    @requires(Permission.SETTINGS)
    def import_assistance(
        self,
        site_id: uuid.UUID,
        path: Path,
        *,
        dry_run: bool = False,
        again: bool = False,
        sheet: str | None = None,
        today: date | None = None,
        progress: Progress | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> AssistanceImportResult:
        """Import the assistance records of ``path``; they count no visit and open no
        follow-up (they are history)."""
        result = self._import(
            FORMATS["assistance"],
            site_id,
            path,
            dry_run=dry_run,
            again=again,
            sheet=sheet,
            today=today,
            progress=progress,
            before_write=before_write,
        )
        assert isinstance(result, AssistanceImportResult)
        return result

    def _import(
        self,
        fmt: _Format,
        site_id: uuid.UUID,
        path: Path,
        *,
        dry_run: bool,
        again: bool,
        sheet: str | None,
        today: date | None,
        progress: Progress | None,
        before_write: Callable[[], None] | None,
    ) -> ImportResult:
        """Read and check every line (no write lock held meanwhile), then, unless a dry run,
        write all in one transaction."""
        report = _progress(progress)
        total = STEP if dry_run else 2 * STEP
        digest = fingerprint(path, self.limits)
        with self._uow(read_only=True) as uow:
            previous = previous_import(uow, site_id, fmt.kind, digest)
            if previous is not None and not again:
                raise AlreadyImportedError(path, previous)
            lookups: Lookups = load_lookups(uow.session, site_id)
            if today is None:
                today = datetime.now(site_zone(uow, site_id)).date()
        checked = check_file(
            path,
            fmt.specs,
            fmt.checker(lookups, today=today),
            sheet=sheet,
            progress=lambda fraction: report(int(fraction * STEP), total),
            limits=self.limits,
        )
        plan = checked.plan
        if plan.problems.total:
            raise plan.problems.refusal()
        result: ImportResult = replace(
            plan.result(lookups, checked.ignored, dry_run=dry_run),
            sheets=checked.sheets,
            previous=previous,
        )
        if dry_run:
            report(total, total)
            return result
        if before_write is not None:
            before_write()
        with self._uow() as uow:
            meanwhile = previous_import(uow, site_id, fmt.kind, digest)
            if meanwhile is not None and previous is None and not again:
                raise AlreadyImportedError(path, meanwhile)  # another desk, a moment ago
            add_communes(uow, site_id, lookups.communes.new)
            fmt.write(
                uow,
                site_id,
                plan.rows,
                progress=lambda done, rows: report(STEP + done * STEP // max(rows, 1), total),
                done=0,
                total=len(plan.rows),
            )
            remember(
                uow,
                site_id,
                kind=fmt.kind,
                sha256=digest,
                path=path,
                rows=result.rows,
                amount=fmt.amount(result),
                sheets=result.sheets,
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity=fmt.entity,
                entity_id=None,
                site_id=site_id,
                details={
                    "file": path.name,
                    "sha256": digest,
                    **({"again": True} if previous is not None else {}),
                    **fmt.details(result),
                },
            )
            uow.commit()
            report(total, total)
            return result

    @requires(Permission.SETTINGS)
    def import_file(
        self,
        kind: str,
        site_id: uuid.UUID,
        path: Path,
        *,
        dry_run: bool = False,
        again: bool = False,
        sheet: str | None = None,
        progress: Progress | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> ImportResult:
        """``import_visits`` or ``import_assistance`` by name (« visits », « assistance »)."""
        options: dict[str, Any] = {
            "dry_run": dry_run,
            "again": again,
            "sheet": sheet,
            "progress": progress,
            "before_write": before_write,
        }
        if kind == "visits":
            return self.import_visits(site_id, path, **options)
        if kind == "assistance":
            return self.import_assistance(site_id, path, **options)
        raise ValueError(kind)

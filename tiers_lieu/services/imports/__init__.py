"""Importing the spreadsheets sites kept before Comptoir: visits and assistance records.

Each import is all-or-nothing and one transaction. The file is read (:mod:`..tabular`), its
headers mapped to the format (:mod:`.parsing`), every line checked against the site's
services, categories and communes read once (:mod:`.matching`, :mod:`.visits`,
:mod:`.assistance`); one bad cell refuses the whole file with every problem listed by line and
column, and nothing is written. A clean file is bulk-inserted (:mod:`.writing`) with one audit
line, or, in a dry run, only described. The same calls serve the command line and the window's
preview (a dry run) and import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ImportFileError, LineError
from tiers_lieu.i18n import _
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.imports.assistance import ASSISTANCE_COLUMNS, check_assistance
from tiers_lieu.services.imports.checking import Progress
from tiers_lieu.services.imports.matching import load_lookups
from tiers_lieu.services.imports.parsing import CellError, ColumnMap, ColumnSpec, map_columns
from tiers_lieu.services.imports.results import (
    AssistanceImportResult,
    AssistancePreview,
    Breakdown,
    ImportResult,
    VisitImportResult,
    VisitPreview,
)
from tiers_lieu.services.imports.visits import VISIT_COLUMNS, check_visits
from tiers_lieu.services.imports.writing import add_communes, write_assistance, write_visits
from tiers_lieu.services.tabular import Table, read_table

__all__ = [
    "AssistanceImportResult",
    "AssistancePreview",
    "Breakdown",
    "CellError",
    "ImportResult",
    "ImportService",
    "VisitImportResult",
    "VisitPreview",
]


def _read(path: Path, specs: tuple[ColumnSpec, ...]) -> tuple[Table, ColumnMap]:
    table = read_table(path, [])
    columns = map_columns(table.headers, specs)
    if not table.rows:
        raise ImportFileError([LineError(2, _("aucune ligne à importer sous l'en-tête"))])
    return table, columns


def _progress(progress: Progress | None) -> Callable[[int, int], None]:
    return progress if progress is not None else (lambda _done, _total: None)


class ImportService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SETTINGS)
    def import_visits(
        self,
        site_id: uuid.UUID,
        path: Path,
        *,
        user_id: uuid.UUID | None = None,
        dry_run: bool = False,
        today: date | None = None,
        progress: Progress | None = None,
    ) -> VisitImportResult:
        """Import the visits of ``path`` (CSV or XLSX) with ``source = "import"``."""
        result = self._import(
            site_id,
            path,
            specs=VISIT_COLUMNS,
            check=check_visits,
            write=write_visits,
            entity="visit_import",
            details=lambda r: {"rows": r.rows, "visits": r.visits},
            user_id=user_id,
            dry_run=dry_run,
            today=today,
            progress=progress,
        )
        assert isinstance(result, VisitImportResult)
        return result

    @requires(Permission.SETTINGS)
    def import_assistance(
        self,
        site_id: uuid.UUID,
        path: Path,
        *,
        user_id: uuid.UUID | None = None,
        dry_run: bool = False,
        today: date | None = None,
        progress: Progress | None = None,
    ) -> AssistanceImportResult:
        """Import the assistance records of ``path``; they count no visit and open no
        follow-up (they are history)."""
        result = self._import(
            site_id,
            path,
            specs=ASSISTANCE_COLUMNS,
            check=check_assistance,
            write=write_assistance,
            entity="assistance_import",
            details=lambda r: {"rows": r.rows, "minutes": r.minutes},
            user_id=user_id,
            dry_run=dry_run,
            today=today,
            progress=progress,
        )
        assert isinstance(result, AssistanceImportResult)
        return result

    def _import(
        self,
        site_id: uuid.UUID,
        path: Path,
        *,
        specs: tuple[ColumnSpec, ...],
        check: Callable[..., Any],
        write: Callable[..., None],
        entity: str,
        details: Callable[[Any], dict[str, object]],
        user_id: uuid.UUID | None,
        dry_run: bool,
        today: date | None,
        progress: Progress | None,
    ) -> ImportResult:
        """Read, check every line, then (unless a dry run) write all in one transaction."""
        report = _progress(progress)
        table, columns = _read(path, specs)
        total = len(table.rows) * (1 if dry_run else 2)
        with self._uow() as uow:
            lookups = load_lookups(uow.session, site_id)
            plan = check(
                table,
                columns,
                lookups,
                today=today or date.today(),
                progress=report,
                progress_total=total,
            )
            if plan.problems.errors:
                raise ImportFileError(plan.problems.errors)
            result: ImportResult = plan.result(lookups, columns, dry_run=dry_run)
            if dry_run:
                report(total, total)
                return result
            add_communes(uow, site_id, lookups.communes.new)
            write(
                uow,
                site_id,
                plan.rows,
                user_id=user_id,
                progress=report,
                done=len(table.rows),
                total=total,
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity=entity,
                entity_id=None,
                site_id=site_id,
                user_id=user_id,
                details={"file": path.name, **details(result)},
            )
            uow.commit()
            return result

    @requires(Permission.SETTINGS)
    def import_file(
        self,
        kind: str,
        site_id: uuid.UUID,
        path: Path,
        *,
        user_id: uuid.UUID | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        """``import_visits`` or ``import_assistance`` by name (« visits », « assistance »)."""
        if kind == "visits":
            return self.import_visits(
                site_id, path, user_id=user_id, dry_run=dry_run, progress=progress
            )
        if kind == "assistance":
            return self.import_assistance(
                site_id, path, user_id=user_id, dry_run=dry_run, progress=progress
            )
        raise ValueError(kind)

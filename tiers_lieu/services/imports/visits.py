"""The visits format of DESIGN.md, checked: ``date``, ``heure``, ``service``, ``nombre``,
``commune``, ``tranche_age``, ``genre``, ``statut``.

A line is one visit or one group (``nombre`` people counted at once, as on a paper tally
sheet). The check turns each good line into a compact tuple; the writer expands them into rows
only once the whole file has passed, so a refused file costs no more than its reading.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time
from functools import partial

from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.imports.checking import (
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    LineCheck,
    Problems,
    Progress,
    remembered,
)
from tiers_lieu.services.imports.matching import Lookups
from tiers_lieu.services.imports.parsing import (
    ColumnMap,
    ColumnSpec,
    parse_count,
    parse_date,
    parse_time,
)
from tiers_lieu.services.imports.results import Breakdown, VisitImportResult, VisitPreview
from tiers_lieu.services.tabular import Table

MAX_GROUP = 1000

VISIT_COLUMNS = (
    ColumnSpec("date", True, ("jour", "date de visite", "date de passage")),
    ColumnSpec("heure", False, ("horaire", "heure de passage")),
    ColumnSpec("service", True, ("services",)),
    ColumnSpec("nombre", False, ("nb", "nombre de personnes", "effectif", "quantité")),
    ColumnSpec("commune", False, ("commune de résidence", "code insee", "ville")),
    ColumnSpec("tranche_age", False, ("tranche d'âge", "tranches d'âge", "âge", "age")),
    ColumnSpec("genre", False, ("sexe",)),
    ColumnSpec("statut", False, ("situation",)),
)

UuidOrNone = uuid.UUID | None


@dataclass(frozen=True)
class CheckedVisit:
    activity_date: date
    activity_time: time | None
    service_id: uuid.UUID
    count: int
    commune_id: UuidOrNone
    age_band_id: UuidOrNone
    gender_id: UuidOrNone
    status_id: UuidOrNone


@dataclass
class VisitPlan:
    """The outcome of checking a file: the rows to write, or the problems that refuse it."""

    rows: list[CheckedVisit] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    preview: list[VisitPreview] = field(default_factory=list)

    def result(self, lookups: Lookups, columns: ColumnMap, *, dry_run: bool) -> VisitImportResult:
        lines: Counter[uuid.UUID] = Counter()
        visits: Counter[uuid.UUID] = Counter()
        for row in self.rows:
            lines[row.service_id] += 1
            visits[row.service_id] += row.count
        by_service = tuple(
            Breakdown(lookups.services.labels[sid], lines[sid], visits[sid])
            for sid in sorted(visits, key=lambda s: (-visits[s], lookups.services.labels[s]))
        )
        dates = [row.activity_date for row in self.rows]
        return VisitImportResult(
            rows=len(self.rows),
            visits=sum(visits.values()),
            by_service=by_service,
            first_date=min(dates, default=None),
            last_date=max(dates, default=None),
            new_communes=tuple(lookups.communes.new.values()),
            ignored_columns=columns.ignored,
            preview=tuple(self.preview),
            dry_run=dry_run,
        )


def check_visits(
    table: Table,
    columns: ColumnMap,
    lookups: Lookups,
    *,
    today: date,
    progress: Progress | None = None,
    progress_total: int = 0,
) -> VisitPlan:
    """Check every line of ``table``; the plan holds either rows or problems (never both)."""
    plan = VisitPlan()
    services = lookups.services
    ages = lookups.category(CategoryKind.AGE_BAND)
    genders = lookups.category(CategoryKind.GENDER)
    statuses = lookups.category(CategoryKind.STATUS)
    communes = lookups.communes
    read_date = remembered(partial(parse_date, today=today))
    read_time = remembered(parse_time)
    read_count = remembered(partial(parse_count, maximum=MAX_GROUP))
    read_service = remembered(partial(services.match, required=True))
    read_commune = remembered(communes.match)
    read_age = remembered(partial(ages.match, required=False))
    read_gender = remembered(partial(genders.match, required=False))
    read_status = remembered(partial(statuses.match, required=False))
    for index, (line, cells) in enumerate(zip(table.lines, table.rows, strict=True)):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, progress_total)
        check = LineCheck(line, cells, columns, plan.problems)
        activity_date = check.read("date", read_date)
        activity_time = check.read("heure", read_time)
        service_id = check.read("service", read_service)
        count = check.read("nombre", read_count)
        commune_id = check.read("commune", read_commune)
        age_band_id = check.read("tranche_age", read_age)
        gender_id = check.read("genre", read_gender)
        status_id = check.read("statut", read_status)
        if not check.ok or plan.problems.errors:
            continue
        assert activity_date is not None and service_id is not None and count is not None
        row = CheckedVisit(
            activity_date,
            activity_time,
            service_id,
            count,
            commune_id,
            age_band_id,
            gender_id,
            status_id,
        )
        plan.rows.append(row)
        if len(plan.preview) < PREVIEW_ROWS:
            plan.preview.append(
                VisitPreview(
                    line=line,
                    activity_date=activity_date,
                    activity_time=activity_time,
                    service=services.labels[service_id],
                    count=count,
                    commune=communes.label(commune_id),
                    age_band=ages.label(age_band_id),
                    gender=genders.label(gender_id),
                    status=statuses.label(status_id),
                )
            )
    if plan.problems.errors:
        plan.rows.clear()
        plan.preview.clear()
    return plan

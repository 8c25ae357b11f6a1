"""The visits format of DESIGN.md, checked: ``date``, ``heure``, ``service``, ``nombre``,
``commune``, ``tranche_age``, ``genre``, ``statut``, and ``public`` (who is served:
particulier, entreprise, association…). An imported visit has no passage: it counts as its
own (« personnes accueillies », the rule of :mod:`tiers_lieu.services.visits`).

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
    LineCheck,
    Problems,
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
    ColumnSpec("public", False, ("type de public", "public accueilli")),
)

UuidOrNone = uuid.UUID | None


@dataclass(frozen=True, slots=True)
class CheckedVisit:
    activity_date: date
    activity_time: time | None
    service_id: uuid.UUID
    count: int
    commune_id: UuidOrNone
    age_band_id: UuidOrNone
    gender_id: UuidOrNone
    status_id: UuidOrNone
    public_id: UuidOrNone = None


@dataclass
class VisitPlan:
    """The outcome of checking a file: the rows to write, or the problems that refuse it."""

    rows: list[CheckedVisit] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    preview: list[VisitPreview] = field(default_factory=list)

    def result(
        self, lookups: Lookups, ignored: tuple[str, ...], *, dry_run: bool
    ) -> VisitImportResult:
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
            ignored_columns=ignored,
            preview=tuple(self.preview),
            dry_run=dry_run,
        )


class VisitChecker:
    """Checks the lines of a visits file one by one into :attr:`plan`: either rows to write,
    or the problems that refuse the file (never both)."""

    def __init__(self, lookups: Lookups, *, today: date) -> None:
        self.plan = VisitPlan()
        self.lookups = lookups
        self.services = lookups.services
        self.ages = lookups.category(CategoryKind.AGE_BAND)
        self.genders = lookups.category(CategoryKind.GENDER)
        self.statuses = lookups.category(CategoryKind.STATUS)
        self.publics = lookups.category(CategoryKind.PUBLIC)
        self.communes = lookups.communes
        self.read_date = remembered(partial(parse_date, today=today))
        self.read_time = remembered(parse_time)
        self.read_count = remembered(partial(parse_count, maximum=MAX_GROUP))
        self.read_service = remembered(partial(self.services.match, required=True))
        self.read_commune = remembered(self.communes.match)
        self.read_age = remembered(partial(self.ages.match, required=False))
        self.read_gender = remembered(partial(self.genders.match, required=False))
        self.read_status = remembered(partial(self.statuses.match, required=False))
        self.read_public = remembered(partial(self.publics.match, required=False))

    def check(self, line: int, cells: list[str], columns: ColumnMap, sheet: str = "") -> None:
        plan = self.plan
        check = LineCheck(line, cells, columns, plan.problems, sheet)
        activity_date = check.read("date", self.read_date)
        activity_time = check.read("heure", self.read_time)
        service_id = check.read("service", self.read_service)
        count = check.read("nombre", self.read_count)
        commune_id = check.read("commune", self.read_commune)
        age_band_id = check.read("tranche_age", self.read_age)
        gender_id = check.read("genre", self.read_gender)
        status_id = check.read("statut", self.read_status)
        public_id = check.read("public", self.read_public)
        if not check.ok or plan.problems.total:
            return
        assert activity_date is not None and service_id is not None and count is not None
        plan.rows.append(
            CheckedVisit(
                activity_date,
                activity_time,
                service_id,
                count,
                commune_id,
                age_band_id,
                gender_id,
                status_id,
                public_id,
            )
        )
        if len(plan.preview) < PREVIEW_ROWS:
            plan.preview.append(
                VisitPreview(
                    line=line,
                    activity_date=activity_date,
                    activity_time=activity_time,
                    service=self.services.labels[service_id],
                    count=count,
                    commune=self.communes.label(commune_id),
                    age_band=self.ages.label(age_band_id),
                    gender=self.genders.label(gender_id),
                    status=self.statuses.label(status_id),
                    public=self.publics.label(public_id),
                )
            )

    def finish(self) -> VisitPlan:
        if self.plan.problems.total:
            self.plan.rows.clear()
            self.plan.preview.clear()
        return self.plan

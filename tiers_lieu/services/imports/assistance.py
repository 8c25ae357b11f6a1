"""The assistance format of DESIGN.md, checked: ``date``, ``organisme``, ``theme``, ``type``,
``duree_min``, ``issue``, ``orientation``, ``commune``, ``tranche_age``, ``genre``,
``statut`` (plus ``heure`` and ``lieu`` when the sheet has them).

The values are DOMAIN.md's lists as the site configured them. ``orientation`` goes with the
issue « Orientée » and only with it, as on the desk's form, so the report's orientation table
counts exactly the oriented records. Imported records are history: they open no follow-up and
count no visit.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time
from functools import partial

from tiers_lieu.i18n import _
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
    compact,
    parse_date,
    parse_minutes,
    parse_time,
)
from tiers_lieu.services.imports.results import (
    AssistanceImportResult,
    AssistancePreview,
    Breakdown,
)

MAX_MINUTES = 600
ORIENTED = compact("Orientée")

ASSISTANCE_COLUMNS = (
    ColumnSpec("date", True, ("jour",)),
    ColumnSpec("heure", False, ("horaire",)),
    ColumnSpec("organisme", True, ("opérateur", "partenaire", "organisme partenaire")),
    ColumnSpec("theme", True, ("thématique", "thème de la démarche")),
    ColumnSpec("type", True, ("type d'aide", "type de démarche", "type d'accompagnement")),
    ColumnSpec("duree_min", True, ("durée", "durée (min)", "durée en minutes", "minutes")),
    ColumnSpec("issue", True, ("résultat",)),
    ColumnSpec("orientation", False, ("orientation vers", "orienté vers")),
    ColumnSpec("lieu", False, ()),
    ColumnSpec("commune", False, ("commune de résidence", "code insee", "ville")),
    ColumnSpec("tranche_age", False, ("tranche d'âge", "tranches d'âge", "âge", "age")),
    ColumnSpec("genre", False, ("sexe",)),
    ColumnSpec("statut", False, ("situation",)),
)

UuidOrNone = uuid.UUID | None


@dataclass(frozen=True, slots=True)
class CheckedRecord:
    activity_date: date
    activity_time: time | None
    operator_id: uuid.UUID
    theme_id: uuid.UUID
    help_type_id: uuid.UUID
    duration_min: int
    outcome_id: uuid.UUID
    orientation_id: UuidOrNone
    place_id: UuidOrNone
    commune_id: UuidOrNone
    age_band_id: UuidOrNone
    gender_id: UuidOrNone
    status_id: UuidOrNone


@dataclass
class AssistancePlan:
    rows: list[CheckedRecord] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    preview: list[AssistancePreview] = field(default_factory=list)

    def result(
        self, lookups: Lookups, ignored: tuple[str, ...], *, dry_run: bool
    ) -> AssistanceImportResult:
        operators = lookups.category(CategoryKind.OPERATOR)
        counts: Counter[uuid.UUID] = Counter(row.operator_id for row in self.rows)
        by_operator = tuple(
            Breakdown(operators.labels[oid], n, n)
            for oid, n in sorted(counts.items(), key=lambda i: (-i[1], operators.labels[i[0]]))
        )
        dates = [row.activity_date for row in self.rows]
        return AssistanceImportResult(
            rows=len(self.rows),
            minutes=sum(row.duration_min for row in self.rows),
            by_operator=by_operator,
            first_date=min(dates, default=None),
            last_date=max(dates, default=None),
            new_communes=tuple(lookups.communes.new.values()),
            ignored_columns=ignored,
            preview=tuple(self.preview),
            dry_run=dry_run,
        )


class AssistanceChecker:
    """Checks the lines of an assistance file one by one into :attr:`plan`."""

    def __init__(self, lookups: Lookups, *, today: date) -> None:
        self.plan = AssistancePlan()
        self.vocab = {kind: lookups.category(kind) for kind in CategoryKind}
        self.communes = lookups.communes
        self.required = {
            column: remembered(partial(self.vocab[kind].match, required=True))
            for column, kind in (
                ("organisme", CategoryKind.OPERATOR),
                ("theme", CategoryKind.THEME),
                ("type", CategoryKind.HELP_TYPE),
                ("issue", CategoryKind.OUTCOME),
            )
        }
        self.optional = {
            column: remembered(partial(self.vocab[kind].match, required=False))
            for column, kind in (
                ("orientation", CategoryKind.ORIENTATION),
                ("lieu", CategoryKind.PLACE),
                ("tranche_age", CategoryKind.AGE_BAND),
                ("genre", CategoryKind.GENDER),
                ("statut", CategoryKind.STATUS),
            )
        }
        self.outcomes = self.vocab[CategoryKind.OUTCOME]
        self.read_date = remembered(partial(parse_date, today=today))
        self.read_time = remembered(parse_time)
        self.read_minutes = remembered(partial(parse_minutes, maximum=MAX_MINUTES))
        self.read_commune = remembered(self.communes.match)

    def check(self, line: int, cells: list[str], columns: ColumnMap, sheet: str = "") -> None:
        plan, required, optional, vocab = self.plan, self.required, self.optional, self.vocab
        check = LineCheck(line, cells, columns, plan.problems, sheet)
        activity_date = check.read("date", self.read_date)
        activity_time = check.read("heure", self.read_time)
        operator_id = check.read("organisme", required["organisme"])
        theme_id = check.read("theme", required["theme"])
        help_type_id = check.read("type", required["type"])
        duration = check.read("duree_min", self.read_minutes)
        outcome_id = check.read("issue", required["issue"])
        known_problems = plan.problems.total
        orientation_id = check.read("orientation", optional["orientation"])
        orientation_unreadable = plan.problems.total > known_problems
        place_id = check.read("lieu", optional["lieu"])
        commune_id = check.read("commune", self.read_commune)
        age_band_id = check.read("tranche_age", optional["tranche_age"])
        gender_id = check.read("genre", optional["genre"])
        status_id = check.read("statut", optional["statut"])
        if outcome_id is not None:
            outcome = self.outcomes.labels[outcome_id]
            oriented = compact(outcome) == ORIENTED
            if oriented and orientation_id is None and not orientation_unreadable:
                check.fail(
                    "orientation",
                    _("orientation obligatoire quand l'issue est « {outcome} »").format(
                        outcome=outcome
                    ),
                )
            elif not oriented and orientation_id is not None:
                check.fail(
                    "orientation",
                    _(
                        "une orientation ne s'indique que pour l'issue « Orientée » "
                        "(issue de la ligne : « {outcome} »)"
                    ).format(outcome=outcome),
                )
        if not check.ok or plan.problems.total:
            return
        assert activity_date is not None and duration is not None
        assert operator_id and theme_id and help_type_id and outcome_id
        plan.rows.append(
            CheckedRecord(
                activity_date,
                activity_time,
                operator_id,
                theme_id,
                help_type_id,
                duration,
                outcome_id,
                orientation_id,
                place_id,
                commune_id,
                age_band_id,
                gender_id,
                status_id,
            )
        )
        if len(plan.preview) < PREVIEW_ROWS:
            plan.preview.append(
                AssistancePreview(
                    line=line,
                    activity_date=activity_date,
                    operator=vocab[CategoryKind.OPERATOR].labels[operator_id],
                    theme=vocab[CategoryKind.THEME].labels[theme_id],
                    help_type=vocab[CategoryKind.HELP_TYPE].labels[help_type_id],
                    duration_min=duration,
                    outcome=self.outcomes.labels[outcome_id],
                    orientation=vocab[CategoryKind.ORIENTATION].label(orientation_id),
                    commune=self.communes.label(commune_id),
                    age_band=vocab[CategoryKind.AGE_BAND].label(age_band_id),
                    gender=vocab[CategoryKind.GENDER].label(gender_id),
                    status=vocab[CategoryKind.STATUS].label(status_id),
                )
            )

    def finish(self) -> AssistancePlan:
        if self.plan.problems.total:
            self.plan.rows.clear()
            self.plan.preview.clear()
        return self.plan

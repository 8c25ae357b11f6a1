"""The work behind « Réseau de lieux », kept apart from the widgets because it runs off the
GUI thread (through ``run_op``) and must not touch any: writing this site's bundle, taking in
the chosen files one by one, and how each outcome is told to the user.

It mirrors ``tiers-lieu bundle`` (:mod:`tiers_lieu.cli.bundle`): an « indicateurs seuls »
bundle carries the activity report's CSV from the site's first visit (or the date chosen) to
today, and on import its indicators are written beside the file as ``….indicateurs.csv``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, file_error
from tiers_lieu.i18n import _, format_number, place_today
from tiers_lieu.services.bundles import (
    BundleMode,
    BundleService,
    ExportResult,
    ImportResult,
    first_activity_date,
    since_instant,
)
from tiers_lieu.ui.ops import Progress

BUNDLE_SUFFIX = ".paquet"
MODE_SLUGS: dict[BundleMode, str] = {
    "aggregates": "indicateurs",
    "anonymous": "anonyme",
    "full": "complet",
}


def slug(text: str) -> str:
    """« Le Comptoir de Felletin » → ``le-comptoir-de-felletin`` (safe in a file name)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "lieu"


def default_bundle_name(site_name: str, mode: BundleMode, day: date) -> str:
    """``paquet_le-comptoir-de-felletin_2026-06-30_complet.paquet``."""
    return f"paquet_{slug(site_name)}_{day.isoformat()}_{MODE_SLUGS[mode]}{BUNDLE_SUFFIX}"


def export_job(
    app: Comptoir,
    service: BundleService,
    site_id: uuid.UUID,
    path: Path,
    *,
    mode: BundleMode,
    since_day: date | None,
) -> ExportResult:
    """Write the site's bundle, signed with its key (computing the indicators first for
    « indicateurs seuls »)."""
    indicators = ""
    if mode == "aggregates":
        # Imported here, for start-up time: the report's CSV is only needed now.
        from tiers_lieu.reports.csv_export import csv_text

        today = place_today(app.visits.time_zone(site_id))
        start = since_day or first_activity_date(app.uow, site_id) or today
        data = app.reports.compute(
            period_start=start, period_end=max(start, today), site_ids=[site_id]
        )
        indicators = csv_text(data)
    return service.export_bundle(
        site_id,
        path,
        since=since_instant(since_day, app.visits.time_zone(site_id)),
        mode=mode,
        indicators_csv=indicators,
    )


@dataclass(frozen=True)
class ImportOutcome:
    """One chosen file: what its import gave, or why it was refused."""

    path: Path
    result: ImportResult | None = None
    error: ComptoirError | None = None
    indicators_path: Path | None = None


def import_job(
    service: BundleService, paths: list[Path], *, progress: Progress
) -> list[ImportOutcome]:
    """Merge each file in its own transaction: a refused file stops no other. Anything but an
    expected refusal (the server gone, say) stops the batch and reaches the caller."""
    outcomes: list[ImportOutcome] = []
    for done, path in enumerate(paths):
        progress(done, len(paths))
        try:
            result = service.import_bundle(path)
            written = None
            if result.mode == "aggregates":
                written = path.with_suffix(".indicateurs.csv")
                write_indicators(written, result.indicators_csv)
        except ComptoirError as exc:
            outcomes.append(ImportOutcome(path, error=exc))
            continue
        outcomes.append(ImportOutcome(path, result=result, indicators_path=written))
    progress(len(paths), len(paths))
    return outcomes


def write_indicators(path: Path, csv_text: str) -> None:
    """The indicators of an « indicateurs seuls » bundle, beside it (as the command line).
    Importing the same file again gives them again, so a failure here loses nothing. Text
    fields are neutralised (formula-safe): the sending place is not trusted to have done it."""
    from tiers_lieu.reports.csv_export import write_received

    try:
        write_received(path, csv_text)
    except OSError as exc:
        message = _("Les indicateurs n'ont pas pu être écrits dans {path} : {reason}")
        raise file_error(message, path, exc) from None


def describe_outcome(outcome: ImportOutcome) -> str:
    """One line of the import summary, naming the file."""
    name = outcome.path.name
    result = outcome.result
    if result is None:
        message = outcome.error.message if outcome.error else ""
        return _("{file} : {message}").format(file=name, message=message)
    if outcome.indicators_path is not None:
        return _("{file} : indicateurs de « {site} » enregistrés dans {path}.").format(
            file=name, site=result.site_name, path=outcome.indicators_path
        )
    if result.already_imported:
        return _("{file} : déjà importé, rien n'a changé.").format(file=name)
    return _(
        "{file} : paquet de « {site} » importé — ajouts : {inserted}, mises à jour : "
        "{updated}, suppressions : {deleted}, conflits : {conflicts}, déjà supprimées ici "
        "(non réimportées) : {kept_deleted}."
    ).format(
        file=name,
        site=result.site_name,
        inserted=format_number(result.inserted),
        updated=format_number(result.updated),
        deleted=format_number(result.deleted),
        conflicts=format_number(result.conflicts),
        kept_deleted=format_number(result.kept_deleted),
    )

"""Which backups stay: a pure rule on the dates written in their names, and its application
to a folder.

Automatic copies (``comptoir-AAAAMMJJ-HHMMSS.sqlite``) follow :func:`stamps_to_keep`: all of
today, one a day for two weeks, one a week for three months. Copies of the base as it was
before a change replaced it (``avant-migration-…``, ``avant-restauration-…``) are not part of
that rhythm — a desk restoring again and again, or years of upgrades, would otherwise fill
the disk with them — so only the newest :data:`KEPT_BEFORE_CHANGES` of each kind stay.
A copy goes with its key file. A name with no readable date is never removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from tiers_lieu.encryption import key_file_for
from tiers_lieu.services.backup_folder import MIGRATION_PREFIX, PREFIX, RESTORE_PREFIX
from tiers_lieu.services.leftovers import Cleanup

STAMP_FORMAT = "%Y%m%d-%H%M%S"
STAMP_RE = re.compile(r"(\d{8}-\d{6})\.sqlite$")
DAILY_DAYS = 14
WEEKLY_DAYS = 92
KEPT_PREFIXES = (MIGRATION_PREFIX, RESTORE_PREFIX)
KEPT_BEFORE_CHANGES = 5


# -- the rules ----------------------------------------------------------------------------
def stamps_to_keep(stamps: Iterable[datetime], now: datetime) -> set[datetime]:
    """Which backup instants survive: all of today, the newest of each of the last 14 days,
    the newest of each ISO week for 3 months; the newest one always."""
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    seen_days: set[date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    today = now.date()
    for stamp in ordered:
        day = stamp.date()
        age = (today - day).days
        if age <= 0:
            keep.add(stamp)
        elif age <= DAILY_DAYS:
            if day not in seen_days:
                keep.add(stamp)
        elif age <= WEEKLY_DAYS:
            week = day.isocalendar()[:2]
            if week not in seen_weeks:
                keep.add(stamp)
        seen_days.add(day)
        seen_weeks.add(day.isocalendar()[:2])
    return keep


def stamp_of(path: Path) -> datetime | None:
    """The instant written in a backup's name (``…-AAAAMMJJ-HHMMSS.sqlite``)."""
    match = STAMP_RE.search(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), STAMP_FORMAT)
    except ValueError:
        return None


def thin_dated_copies(folder: Path, now: datetime) -> Cleanup:
    """Remove the automatic copies of ``folder`` that :func:`stamps_to_keep` does not keep."""
    dated = {stamp: path for path in folder.glob(f"{PREFIX}*.sqlite") if (stamp := stamp_of(path))}
    keep = stamps_to_keep(dated, now)
    done = Cleanup()
    for stamp, path in dated.items():
        if stamp not in keep:
            done.remove(path)
            done.remove(key_file_for(path))
    return done


def thin_kept_copies(folder: Path) -> Cleanup:
    """Remove the copies made before a migration or a restore beyond the newest
    :data:`KEPT_BEFORE_CHANGES` of each kind."""
    done = Cleanup()
    for prefix in KEPT_PREFIXES:
        dated = sorted(
            (
                (stamp, path)
                for path in folder.glob(f"{prefix}*.sqlite")
                if (stamp := stamp_of(path))
            ),
            reverse=True,
        )
        for _stamp, path in dated[KEPT_BEFORE_CHANGES:]:
            done.remove(path)
            done.remove(key_file_for(path))
    return done

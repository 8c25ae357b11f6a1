"""Settings of this desk (window, language, last user), declared once with type and default
(like Picard's ``Option``), stored through ``QSettings``.

Settings of the place itself (hours, services, retention) live in the database instead, so
that every desk of a site shares them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QSettings, QSize

from tiers_lieu import private_files

log = logging.getLogger(__name__)

T = TypeVar("T", str, int, bool)


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T

    def get(self, settings: QSettings | None = None) -> T:
        store = settings or QSettings()
        value = store.value(self.key, self.default)
        kind = type(self.default)
        if kind is bool and isinstance(value, str):
            return cast(T, value.lower() in {"1", "true", "yes"})
        try:
            return cast(T, kind(value))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return self.default

    def set(self, value: T, settings: QSettings | None = None) -> None:
        (settings or QSettings()).setValue(self.key, value)


LAST_USERNAME = Option("session/last_username", "")
LAST_SITE = Option("session/last_site", "")


def window_geometry(screen: QSize) -> Option[str]:
    """The main window's geometry on a screen whose available area has this size: a
    laptop's own screen and the big one on the desk each keep theirs."""
    return Option(f"window/geometry-{screen.width()}x{screen.height()}", "")


# « Démarches »: what the assistance desk last chose, pre-filled in the next record (ids as
# text; an id this database does not know leaves the field empty).
DEMARCHE_OPERATOR = Option("demarches/operator", "")
DEMARCHE_THEME = Option("demarches/theme", "")
DEMARCHE_HELP_TYPE = Option("demarches/help_type", "")
DEMARCHE_PLACE = Option("demarches/place", "")
DEMARCHE_DURATION = Option("demarches/duration_min", 15)
# The Coop's fields the desk keeps from one démarche (workshop) to the next: keys joined by ";".
DEMARCHE_EQUIPMENT = Option("demarches/equipment", "")
DEMARCHE_DIGITAL_THEMES = Option("demarches/digital_themes", "")
WORKSHOP_CHANNEL = Option("ateliers/channel", "lieu_activite")
WORKSHOP_EQUIPMENT = Option("ateliers/equipment", "")
# The desk's receipt printer (it belongs to this computer, not to the place):
# services/till/printer.PrinterConfig.
PRINTER_KIND = Option("caisse/printer_kind", "none")
PRINTER_ADDRESS = Option("caisse/printer_address", "")
PRINTER_WIDTH = Option("caisse/printer_width", 42)


def keep_private(settings: QSettings | None = None) -> None:
    """The desk's settings file (the last user's name, the report's summary…) readable by
    this account only: created 0600 before Qt first writes it (Qt keeps the mode of the file
    it rewrites), put back to 0600 — its folder to 0700 — when an older Comptoir left it
    readable by every account. Nothing on Windows (the registry)."""
    if not private_files.POSIX:
        return
    path = Path((settings or QSettings()).fileName())
    try:
        private_files.private_folder(path.parent)
        created = private_files.new_private_file(path)
        if not created and private_files.tighten([path], folders=[path.parent]):
            log.info("Réglages du poste réservés à ce compte (0600) : %s", path)
    except OSError as exc:  # Qt says nothing either when it cannot write them
        log.debug("Réglages du poste : droits non vérifiés (%s)", exc)

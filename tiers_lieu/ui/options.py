"""Settings of this desk (window, language, last user), declared once with type and default
(like Picard's ``Option``), stored through ``QSettings``.

Settings of the place itself (hours, services, retention) live in the database instead, so
that every desk of a site shares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QSettings

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
WINDOW_GEOMETRY = Option("window/geometry", "")

# « Démarches »: what the assistance desk last chose, pre-filled in the next record (ids as
# text; an id this database does not know leaves the field empty).
DEMARCHE_OPERATOR = Option("demarches/operator", "")
DEMARCHE_THEME = Option("demarches/theme", "")
DEMARCHE_HELP_TYPE = Option("demarches/help_type", "")
DEMARCHE_PLACE = Option("demarches/place", "")
DEMARCHE_DURATION = Option("demarches/duration_min", 15)

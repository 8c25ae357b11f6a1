"""What the people screens share: who may read assistance notes, and the lazy list of the
register."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.models import PagedTable


def may_read_assistance(app: Comptoir) -> bool:
    """Whether the page shows assistance notes: the services' own rule, the permission of
    whoever is signed in (the command line's system reads no pages)."""
    return app.access.user is not None and app.access.allows(Permission.ASSISTANCE)


class PeopleModel(PagedTable[PersonInfo]):
    """The register, read a page at a time as the list is scrolled."""

    page_size = 100

    class Columns(IntEnum):
        NAME = 0
        PHONE = 1
        EMAIL = 2
        CONSENT = 3

    def __init__(self, app: Comptoir, site_id: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._text = ""

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Nom"),
            c.PHONE: _("Téléphone"),
            c.EMAIL: _("Courriel"),
            c.CONSENT: _("Consentement"),
        }

    def display(self, row: PersonInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.display_name
        if column == c.PHONE:
            return row.phone
        if column == c.EMAIL:
            return row.email
        return _("oui") if row.has_consent else ""

    def load(self, text: str) -> None:
        self._text = text
        self.reload()

    def read_page(self, held: Sequence[PersonInfo], limit: int) -> list[PersonInfo]:
        return self._app.people.browse(self._site_id, self._text, offset=len(held), limit=limit)

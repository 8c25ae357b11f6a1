"""What the people screens share: the privacy services (built from the unit of work when the
composition root does not carry them), who may read assistance notes, and the lazy list of
the register."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.people import PersonInfo
from tiers_lieu.services.privacy import PrivacyService
from tiers_lieu.services.privacy_documents import PrivacyDocuments
from tiers_lieu.ui.models import ID_ROLE, SORT_ROLE, ReadModelTable

PAGE_SIZE = 100
_NO_INDEX = QModelIndex()
_ANSWERED = frozenset(
    {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, ID_ROLE, SORT_ROLE}
)


def privacy(app: Comptoir) -> PrivacyService:
    service = getattr(app, "privacy", None)
    return service if isinstance(service, PrivacyService) else PrivacyService(app.uow)


def memberships(app: Comptoir) -> MembershipService:
    service = getattr(app, "memberships", None)
    return service if isinstance(service, MembershipService) else MembershipService(app.uow)


def documents(app: Comptoir) -> PrivacyDocuments:
    return PrivacyDocuments(app.uow)


def may_read_assistance(app: Comptoir) -> bool:
    """Whether the page shows assistance notes: the services' own rule, the permission of
    whoever is signed in (the command line's system reads no pages)."""
    return app.access.user is not None and app.access.allows(Permission.ASSISTANCE)


class PeopleModel(ReadModelTable[PersonInfo]):
    """The register, fetched a page at a time as the list is scrolled."""

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
        self._more = True

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Nom"),
            c.PHONE: _("Téléphone"),
            c.EMAIL: _("Courriel"),
            c.CONSENT: _("Consentement"),
        }

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        # Qt asks a dozen roles of every cell it shows or measures, at each letter searched;
        # this list answers four of them, the others at once.
        return super().data(index, role) if role in _ANSWERED else None

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
        rows = self._app.people.browse(self._site_id, text, offset=0, limit=PAGE_SIZE)
        self._more = len(rows) == PAGE_SIZE
        self.set_rows(rows)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> None:
        if parent.isValid() or not self._more:
            return
        start = self.rowCount()
        rows = self._app.people.browse(self._site_id, self._text, offset=start, limit=PAGE_SIZE)
        self._more = len(rows) == PAGE_SIZE
        if not rows:
            return
        self.beginInsertRows(_NO_INDEX, start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

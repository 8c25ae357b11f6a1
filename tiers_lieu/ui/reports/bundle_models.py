"""The lists of « Réseau de lieux »: bundles already merged, and the conflict log, as
table models over :mod:`tiers_lieu.services.bundles.history` read models; plus the French
names of what travels (the three modes, the tables a conflict can concern).

Instants are stored in UTC and shown on this computer's clock, « 12/03/2026 à 10:42 ».
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from tiers_lieu.i18n import (
    N_,
    _,
    format_instant,
    format_number,
    time_zone,
)
from tiers_lieu.services.bundles.history import BundleConflictInfo, BundleImportInfo
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

MODE_LABELS: dict[str, str] = {
    "aggregates": N_("Indicateurs seuls"),
    "anonymous": N_("Sans données personnelles"),
    "full": N_("Toutes les données"),
}

TABLE_LABELS: dict[str, str] = {
    "site": N_("Lieu"),
    "booking_series": N_("Série de réservations"),
    "category": N_("Catégorie"),
    "closure": N_("Fermeture"),
    "commune": N_("Commune"),
    "opening_hours": N_("Horaires"),
    "operation": N_("Opération LEADER"),
    "partner": N_("Partenaire"),
    "pass_type": N_("Type de pass"),
    "practitioner": N_("Praticien"),
    "producer": N_("Producteur"),
    "service": N_("Service"),
    "site_setting": N_("Réglage du lieu"),
    "amap_contract": N_("Contrat AMAP"),
    "event": N_("Atelier ou animation"),
    "payment_claim": N_("Demande de paiement"),
    "person": N_("Personne"),
    "product": N_("Produit"),
    "resource": N_("Ressource"),
    "basket_type": N_("Type de panier"),
    "coworking_pass": N_("Pass coworking"),
    "distribution": N_("Distribution AMAP"),
    "event_attendance": N_("Participation"),
    "job": N_("Emploi"),
    "membership": N_("Adhésion"),
    "permanence": N_("Permanence"),
    "volunteer_time": N_("Bénévolat"),
    "amap_subscription": N_("Abonnement AMAP"),
    "booking": N_("Réservation"),
    "permanence_cancellation": N_("Permanence annulée"),
    "sale": N_("Vente"),
    "amap_instalment": N_("Échéance AMAP"),
    "pass_use": N_("Utilisation de pass"),
    "payment": N_("Paiement"),
    "pickup": N_("Retrait de panier"),
    "sale_line": N_("Ligne de vente"),
    "solidarity_funding": N_("Financement solidaire"),
    "visit": N_("Visite"),
    "assistance_record": N_("Démarche accompagnée"),
    "stock_movement": N_("Mouvement de stock"),
}


def mode_label(mode: str) -> str:
    return _(MODE_LABELS[mode]) if mode in MODE_LABELS else mode


def table_label(table: str) -> str:
    return _(TABLE_LABELS[table]) if table in TABLE_LABELS else table


def describe_instant(value: datetime, zone: ZoneInfo) -> str:
    """« 12/03/2026 à 10:42 » on the place's clock."""
    return format_instant(value, zone)


def site_label(name: str | None, site_id: object) -> str:
    """The site's name, or its short code when only its indicators came (no site row)."""
    if name:
        return name
    return _("Lieu {code}").format(code=str(site_id)[:8])


class BundleImportsModel(ReadModelTable[BundleImportInfo]):
    zone: ZoneInfo = time_zone(None)
    """The place's clock the instants are shown on (the tab sets its site's)."""

    class Columns(IntEnum):
        IMPORTED = 0
        SITE = 1
        MODE = 2
        ROWS = 3
        CONFLICTS = 4

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.IMPORTED: _("Importé le"),
            c.SITE: _("Lieu"),
            c.MODE: _("Contenu"),
            c.ROWS: _("Lignes"),
            c.CONFLICTS: _("Conflits"),
        }

    def display(self, row: BundleImportInfo, column: Any) -> str:
        c = self.Columns
        if column == c.IMPORTED:
            return describe_instant(row.imported_at, self.zone)
        if column == c.SITE:
            return site_label(row.site_name, row.site_id)
        if column == c.MODE:
            return mode_label(row.mode)
        if column == c.ROWS:
            return format_number(row.rows)
        return format_number(row.conflicts)

    def sort_value(self, row: BundleImportInfo, column: Any) -> object:
        c = self.Columns
        if column == c.IMPORTED:
            return row.imported_at
        if column == c.ROWS:
            return row.rows
        if column == c.CONFLICTS:
            return row.conflicts
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.ROWS, self.Columns.CONFLICTS):
            return _RIGHT
        return super().alignment(column)


class BundleConflictsModel(ReadModelTable[BundleConflictInfo]):
    zone: ZoneInfo = time_zone(None)
    """The place's clock the instants are shown on (the tab sets its site's)."""

    class Columns(IntEnum):
        LOGGED = 0
        SITE = 1
        TABLE = 2
        ROW = 3
        LOCAL = 4
        INCOMING = 5
        KEPT = 6

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.LOGGED: _("Noté le"),
            c.SITE: _("Lieu"),
            c.TABLE: _("Donnée"),
            c.ROW: _("Fiche"),
            c.LOCAL: _("Modifiée ici le"),
            c.INCOMING: _("Modifiée au lieu le"),
            c.KEPT: _("Version gardée"),
        }

    def display(self, row: BundleConflictInfo, column: Any) -> str:
        c = self.Columns
        if column == c.LOGGED:
            return describe_instant(row.logged_at, self.zone)
        if column == c.SITE:
            return site_label(row.site_name, row.site_id)
        if column == c.TABLE:
            return table_label(row.table_name)
        if column == c.ROW:
            return str(row.row_id)[:8]
        if column == c.LOCAL:
            return describe_instant(row.local_updated_at, self.zone)
        if column == c.INCOMING:
            return describe_instant(row.incoming_updated_at, self.zone)
        return _("celle du lieu") if row.kept == "incoming" else _("celle d'ici")

    def sort_value(self, row: BundleConflictInfo, column: Any) -> object:
        c = self.Columns
        if column == c.LOGGED:
            return row.logged_at
        if column == c.LOCAL:
            return row.local_updated_at
        if column == c.INCOMING:
            return row.incoming_updated_at
        return self.display(row, column)

    def extra(self, row: BundleConflictInfo, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.ROW:
            return str(row.row_id)
        return None

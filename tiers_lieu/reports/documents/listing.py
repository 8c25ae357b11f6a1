"""The national listing of digital-inclusion places as a file: the CSV of the schema
« Lieux de médiation numérique » (``LaMednum/standard-mediation-num`` v1.0.2), one row per
place, from the read model of :meth:`ConfigService.national_listing
<tiers_lieu.services.config.ConfigService.national_listing>`.

The schema's CSV, not a French spreadsheet's: UTF-8 without a byte order mark, commas between
columns, a point in decimal numbers, the schema's field names as the header in its order,
several values of one field joined by ``|`` (already so in the read model). Every field goes
through the formula-safe rule of :mod:`tiers_lieu.reports.cells`: a presentation typed as
« =HYPERLINK(…) » reaches the file as « '=HYPERLINK(…) ». The telephone (``+33555667788``)
and coordinates (``-1.5``) are plain numbers to a spreadsheet and stay as they are.

``tiers-lieu export lieu [--site NOM] --out FICHIER`` and the window's « Exports » tab call
:func:`export_listing`. The schema recommends naming the file
``AAAA-MM-JJ_<SIRET du producteur>_lieux-de-mediation-numerique_<territoire>.csv``
(:func:`suggested_name`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.reports.cells import csv_text, write_bytes
from tiers_lieu.services.public_card import SCHEMA_FIELDS, ListingEntry

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

CSV_DELIMITER = ","  # the schema's CSV (not the French spreadsheets' « ; »)


def listing_csv_text(entries: Sequence[ListingEntry]) -> str:
    """The header and one line per place, formula-safe."""
    rows = [SCHEMA_FIELDS, *(entry.values() for entry in entries)]
    return csv_text(rows, delimiter=CSV_DELIMITER)


def write_listing_csv(entries: Sequence[ListingEntry], path: Path) -> int:
    """Write the listing to ``path`` whole (aside, then renamed); the number of places."""
    write_bytes(path, listing_csv_text(entries).encode("utf-8"))
    return len(entries)


def suggested_name(entries: Sequence[ListingEntry], day: date) -> str:
    """The file name the schema recommends: the day, the producer's SIRET or RNA (the first
    place's), the data set's name and the territory (the commune, without accents)."""
    first = entries[0] if entries else None
    producer = first.pivot if first else ""
    territory = first.commune if first and len(entries) == 1 else ""
    bare = unicodedata.normalize("NFKD", territory)
    territory = re.sub(r"[^A-Za-z0-9]", "", "".join(c for c in bare if c.isascii()))
    parts = [day.isoformat(), producer, "lieux-de-mediation-numerique", territory]
    return "_".join(p for p in parts if p) + ".csv"


def export_listing(app: Comptoir, request: ExportRequest) -> str:
    """The command's and the « Exports » tab's writer: the place asked for (its card must be
    complete), or every place whose card is (the others named in the line returned)."""
    site_ids = None if request.site is None else [request.site.id]
    listing = app.config.national_listing(site_ids=site_ids)
    if request.site is not None and listing.left_out:
        reason = listing.left_out[0].reason
        raise ComptoirError(
            _("Fiche publique de « {name} » : {reason}. Rien n'a été écrit.").format(
                name=request.site.name, reason=reason
            )
        )
    if not listing.entries:
        details = "; ".join(f"{p.site_name} : {p.reason}" for p in listing.left_out)
        raise ComptoirError(
            _("Aucun lieu n'a de fiche publique complète ({details}). Rien n'a été écrit.").format(
                details=details or _("aucun lieu")
            )
        )
    count = write_listing_csv(listing.entries, request.out)
    line = ngettext(
        "{n} lieu écrit au standard des lieux de médiation numérique dans {path}.",
        "{n} lieux écrits au standard des lieux de médiation numérique dans {path}.",
        count,
    ).format(n=count, path=request.out)
    if listing.left_out:
        names = "; ".join(f"{p.site_name} ({p.reason})" for p in listing.left_out)
        line += " " + _("Laissés de côté : {places}.").format(places=names)
    return line

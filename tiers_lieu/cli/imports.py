"""``tiers-lieu import visits|assistance FICHIER [--site NOM] [--dry-run] [--again]
[--feuille NOM]``: a spreadsheet kept before Comptoir (CSV, XLSX or ODS), all or nothing.
``--dry-run`` checks the file and says what would be imported; ``--again`` imports a file
already imported (else refused: everything would count twice); ``--feuille`` reads one sheet
of a workbook. On SQLite a verified backup is made once the file is checked, before anything
is written. ``import bookings`` (an .ics calendar) is :mod:`tiers_lieu.cli.bookings`'s.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tiers_lieu.cli.bookings import add_bookings_import
from tiers_lieu.i18n import _

EXIT_OK = 0


def add_import_parser(subparsers: Any) -> None:
    command: argparse.ArgumentParser = subparsers.add_parser(
        "import", help=_("importe un tableur tenu avant Comptoir (CSV, XLSX ou ODS)")
    )
    kinds = command.add_subparsers(dest="import_kind", metavar=_("TYPE"), required=True)
    for kind, text in (
        ("visits", _("visites : date, heure, service, nombre, commune, tranche_age, genre…")),
        ("assistance", _("démarches : date, organisme, theme, type, duree_min, issue…")),
    ):
        parser = kinds.add_parser(kind, help=text)
        parser.add_argument("file", type=Path, metavar=_("FICHIER"), help=_("CSV, XLSX ou ODS"))
        parser.add_argument(
            "--site", default=None, metavar=_("NOM"), help=_("lieu qui reçoit l'import")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("vérifie le fichier et dit ce qui serait importé, sans rien enregistrer"),
        )
        parser.add_argument(
            "--again",
            action="store_true",
            help=_("importe un fichier déjà importé (sinon refusé : tout compterait deux fois)"),
        )
        parser.add_argument(
            "--feuille",
            dest="sheet",
            default=None,
            metavar=_("NOM"),
            help=_(
                "ne lit que cette feuille du classeur (sinon : chaque feuille qui a les "
                "colonnes attendues)"
            ),
        )
        parser.set_defaults(run=run_import)
    add_bookings_import(kinds)


def run_import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(args.db) as app:
        site = app.sites.resolve(args.site)
        backups = app.backups  # None on PostgreSQL, whose server keeps its own

        def backup() -> None:  # once the file is checked, before anything is written
            if backups is not None:
                backups.maybe_backup("import")

        result = app.imports.import_file(
            args.import_kind,
            site.id,
            args.file,
            dry_run=args.dry_run,
            again=args.again,
            sheet=args.sheet,
            before_write=backup,
        )
        print(result.describe())
    return EXIT_OK

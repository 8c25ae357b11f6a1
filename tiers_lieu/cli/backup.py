"""``tiers-lieu backup --out FICHIER`` and ``tiers-lieu restore FICHIER``.

The command line works on the file directly, without migrating or opening the application:
a backup must be possible even when something else is wrong, and a restore must not touch
the database before the file to restore has been verified, nor while another program (a
desk, another command) has it open: it is then refused, nothing changed. So both take the
base's backups from :func:`~tiers_lieu.services.backups.backups_for`, not from an opened
application. Like every command, both first finish or undo what a crash cut short, remove
its leftovers and say so on stderr (``tiers_lieu.__main__`` calls
:func:`~tiers_lieu.services.leftovers.tidy_at_start`). SQLite only: for a PostgreSQL URL the
message points to ``pg_dump``/``pg_restore``. Exit 0 on success, 2 with a French message on
stderr for anything the user can fix.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.db_location import resolve_db_url
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_number

if TYPE_CHECKING:
    from tiers_lieu.services.backups import BackupService

EXIT_OK, EXIT_USAGE = 0, 2


def add_backup_parser(subparsers: Any) -> None:
    """Add the ``backup`` and ``restore`` sub-commands to ``subparsers``."""
    backup: argparse.ArgumentParser = subparsers.add_parser(
        "backup", help=_("sauvegarde la base de données dans un fichier (SQLite)")
    )
    backup.add_argument("--out", required=True, type=Path, metavar=_("FICHIER"))
    backup.set_defaults(run=run_backup)
    restore: argparse.ArgumentParser = subparsers.add_parser(
        "restore", help=_("remplace la base de données par une sauvegarde vérifiée")
    )
    restore.add_argument("file", type=Path, metavar=_("FICHIER"))
    # A restore may put a backup where the base is gone (a new computer): no base needed.
    restore.set_defaults(run=run_restore, needs_base=False)


def _backups(args: argparse.Namespace) -> BackupService:
    """The backups of the base named by ``--db``; a PostgreSQL base is refused."""
    from tiers_lieu.services.backups import backups_for, postgresql_refusal

    backups = backups_for(resolve_db_url(getattr(args, "db", None)))
    if backups is None:
        raise postgresql_refusal()
    return backups


def run_backup(args: argparse.Namespace) -> int:
    """``--out``'s folder was checked before (:func:`~tiers_lieu.cli.parser.check_arguments`):
    nothing is made for it."""
    try:
        info = _backups(args).backup(args.out)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    print(
        _("Sauvegarde vérifiée écrite dans « {path} » ({size} Ko).").format(
            path=info.path, size=format_number(max(1, info.size // 1024))
        )
    )
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    try:
        kept = _backups(args).restore(args.file)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    if kept is None:  # a new computer: there was no base to keep
        print(_("Base restaurée depuis « {source} ».").format(source=args.file))
    else:
        print(
            _("Base restaurée depuis « {source} ». L'ancienne est gardée dans « {kept} ».").format(
                source=args.file, kept=kept
            )
        )
    return EXIT_OK

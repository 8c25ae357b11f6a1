"""The whole ``tiers-lieu`` parser: the top-level options, then each command module's
sub-commands, in the order the help lists them. ``--db`` and ``--lang`` are also accepted
after any sub-command (:mod:`tiers_lieu.cli.parser`)."""

from __future__ import annotations

import argparse

from tiers_lieu import __version__
from tiers_lieu.cli.audit import add_audit_parser
from tiers_lieu.cli.backup import add_backup_parser
from tiers_lieu.cli.bookings import add_bookings_parser
from tiers_lieu.cli.bundle import add_bundle_parser
from tiers_lieu.cli.caisse import add_caisse_parser
from tiers_lieu.cli.demo import add_demo_parser
from tiers_lieu.cli.encrypt import add_encrypt_parser
from tiers_lieu.cli.export import add_export_parser
from tiers_lieu.cli.gui import add_window_options
from tiers_lieu.cli.imports import add_import_parser
from tiers_lieu.cli.init import add_init_parser
from tiers_lieu.cli.parser import Parser, add_global_options
from tiers_lieu.cli.purge import add_purge_parser
from tiers_lieu.cli.report import add_report_parser
from tiers_lieu.i18n import _

SUB_COMMANDS = (
    add_init_parser,
    add_demo_parser,
    add_import_parser,
    add_report_parser,
    add_export_parser,
    add_backup_parser,  # backup and restore
    add_purge_parser,
    add_audit_parser,
    add_caisse_parser,
    add_bundle_parser,
    add_encrypt_parser,
    add_bookings_parser,
)


def build_parser() -> argparse.ArgumentParser:
    """Every sub-command sets ``run`` (and ``tidy_first``); without one, the window runs."""
    parser = Parser(
        prog="tiers-lieu",
        description=_(
            "Comptoir : l'accueil, l'agenda, l'épicerie et les rapports d'un tiers-lieu."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Comptoir {__version__}",
        help=_("affiche le numéro de version et quitte"),
    )
    add_global_options(parser, top_level=True)
    add_window_options(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMANDE"))
    for add in SUB_COMMANDS:
        add(sub)
    return parser

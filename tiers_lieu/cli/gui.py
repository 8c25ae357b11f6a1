"""``tiers-lieu [--db …] [--smoke-test [--every-tab] [--screenshots DOSSIER]]``: the desktop
application, run when no sub-command is given. The window's modules are imported only here, inside
:func:`run_gui`, so that the sub-commands start fast and need no display; the window tidies
what a crash left in its own way (``tidy_first=False``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tiers_lieu import __version__
from tiers_lieu.i18n import _

EXIT_FAILURE = 1


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """The top-level options of the window, which runs when no sub-command is given."""
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("ouvre la fenêtre principale, parcourt chaque section puis quitte"),
    )
    parser.add_argument(
        "--every-tab",
        action="store_true",
        help=_(
            "avec --smoke-test : montre aussi chaque onglet, l'écran de 1024 × 600, "
            "le verrouillage, l'assistant et la connexion"
        ),
    )
    parser.add_argument(
        "--screenshots",
        metavar=_("DOSSIER"),
        type=Path,
        help=_("avec --smoke-test : enregistre une image PNG par section"),
    )
    parser.set_defaults(run=run_gui, tidy_first=False)


def run_gui(args: argparse.Namespace) -> int:
    from tiers_lieu.ui.errors import install_crash_reporting, uninstall_crash_reporting

    # An exception no window caught is logged, then shown calmly (a smoke test never waits).
    install_crash_reporting(dialogs=not args.smoke_test)
    log = logging.getLogger("tiers_lieu")
    log.info("Comptoir %s démarre (Python %s)", __version__, sys.version.split()[0])
    code = EXIT_FAILURE
    try:
        from tiers_lieu.ui.application import run_gui as run_window

        code = run_window(
            db=args.db,
            smoke_test=args.smoke_test,
            screenshots=args.screenshots,
            every_tab=args.every_tab,
        )
    finally:
        log.info("Comptoir s'arrête (code %s)", code)
        uninstall_crash_reporting()  # plantages.log stays armed: PySide may crash at exit
    return code

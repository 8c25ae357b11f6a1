"""The ``tiers-lieu`` command: the desktop application by default, sub-commands for the rest
(:mod:`tiers_lieu.cli`, one module per command).

Exit codes (DESIGN.md): 0 success, 2 bad usage or invalid input (French message on stderr,
nothing written), 1 unexpected failure. The GUI modules are imported only when a window is
wanted, so that sub-commands start fast and need no display.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tiers_lieu.cli.commands import build_parser
from tiers_lieu.cli.parser import check_arguments, language_from_argv, shown_database
from tiers_lieu.errors import ComptoirError, database_refusal, os_reason, storage_error
from tiers_lieu.i18n import LANGUAGES, _, set_language

EXIT_FAILURE, EXIT_USAGE = 1, 2


def _tidy_at_start(args: argparse.Namespace) -> None:
    """What a crash cut short (a backup, a restore, an encryption) is finished or undone and
    its leftovers removed before the command opens the base, and said on stderr in French.
    ``encrypt`` does it itself (refusing while another encryption runs); the window shows
    it in its own way (both set ``tidy_first=False``)."""
    from tiers_lieu.db import resolve_db_url
    from tiers_lieu.services.leftovers import tidy_at_start

    for note in tidy_at_start(resolve_db_url(args.db)):
        sys.stderr.write(note + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    own_process = argv is None  # the command itself (console script, python -m), not a test
    argv = list(sys.argv[1:] if argv is None else argv)
    if own_process:
        from tiers_lieu.heap import set_command_process

        set_command_process()
    lang = language_from_argv(argv, default=os.environ.get("TIERS_LIEU_LANG", "fr"))
    set_language(lang if lang in LANGUAGES else "fr")
    from tiers_lieu import journal

    # Warnings on stderr as before; the journal file (issue 18) gets Comptoir's records too,
    # opened only when something is logged.
    journal.start()
    args = build_parser().parse_args(argv)
    for given, message in (
        (args.screenshots, _("Erreur : --screenshots va avec --smoke-test.")),
        (args.every_tab, _("Erreur : --every-tab va avec --smoke-test.")),
    ):
        if given and not args.smoke_test:
            sys.stderr.write(message + "\n")
            return EXIT_USAGE
    if args.screenshots is not None:
        try:  # before anything opens: a folder that cannot be made is the user's to fix
            args.screenshots.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            sys.stderr.write(
                _(
                    "Erreur : le dossier des images « {path} » ne peut pas être créé ({reason})."
                ).format(path=args.screenshots, reason=os_reason(exc))
                + "\n"
            )
            return EXIT_USAGE
    try:
        check_arguments(argv, args)
        if args.tidy_first:
            _tidy_at_start(args)
        return int(args.run(args))
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except Exception as exc:
        storage = storage_error(exc)  # a full or read-only disk: what to do, not a traceback
        if storage is not None:
            logging.getLogger("tiers_lieu").info("Écriture refusée par le disque : %s", exc)
            sys.stderr.write(_("Erreur : {message}").format(message=storage.message) + "\n")
            return EXIT_USAGE
        refusal = database_refusal(exc, shown_database(args))
        if refusal is not None:
            logging.getLogger("tiers_lieu").info("Base inutilisable : %s", exc)
            sys.stderr.write(_("Erreur : {message}").format(message=refusal) + "\n")
            return EXIT_USAGE
        logging.getLogger("tiers_lieu").exception(_("Erreur inattendue"))
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

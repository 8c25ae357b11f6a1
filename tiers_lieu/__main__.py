"""The ``tiers-lieu`` command: the desktop application by default, sub-commands for the rest.

Exit codes (DESIGN.md): 0 success, 2 bad usage or invalid input (French message on stderr,
nothing written), 1 unexpected failure. The GUI modules are imported only when a window is
wanted, so that sub-commands start fast and need no display.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tiers_lieu import __version__
from tiers_lieu.cli_audit import add_audit_parser, run_audit
from tiers_lieu.cli_backup import add_backup_parser, run_backup
from tiers_lieu.cli_bookings import (
    add_bookings_import,
    add_bookings_parser,
    run_bookings,
    run_bookings_import,
)
from tiers_lieu.cli_bundle import add_bundle_parser, run_bundle
from tiers_lieu.cli_encrypt import add_encrypt_parser, run_encrypt
from tiers_lieu.cli_parser import Parser, add_global_options, language_from_argv
from tiers_lieu.cli_purge import add_purge_parser, run_purge
from tiers_lieu.cli_report import add_report_parser, run_report
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import LANGUAGES, _, ngettext, set_language

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
SCALES = ("small", "medium", "large", "network")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; ``--db`` and ``--lang`` are also accepted after any sub-command
    (``cli_parser``)."""
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
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("ouvre la fenêtre principale, parcourt chaque section puis quitte"),
    )
    parser.add_argument(
        "--screenshots",
        metavar=_("DOSSIER"),
        type=Path,
        help=_("avec --smoke-test : enregistre une image PNG par section"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMANDE"))

    init = sub.add_parser("init", help=_("prépare une base vide sans interface"))
    init.add_argument("--site", required=True, metavar=_("NOM"), help=_("nom du lieu"))
    init.add_argument("--commune", default="", metavar=_("NOM"), help=_("commune du lieu"))
    init.add_argument(
        "--insee", default=None, metavar=_("CODE"), help=_("code INSEE de la commune")
    )

    demo = sub.add_parser("demo", help=_("remplit la base de données de démonstration"))
    demo.add_argument("--scale", choices=SCALES, default="small", help=_("taille des données"))
    demo.add_argument("--seed", type=int, default=1, help=_("graine du tirage (reproductible)"))
    demo.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu à remplir"))

    _add_import_parser(sub)
    add_report_parser(sub)
    add_backup_parser(sub)
    add_purge_parser(sub)
    add_audit_parser(sub)
    add_bundle_parser(sub)
    add_encrypt_parser(sub)
    add_bookings_parser(sub)
    return parser


def _add_import_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """``import visits FILE`` and ``import assistance FILE``, all-or-nothing, ``--dry-run``,
    ``--again`` for a file already imported, ``--feuille`` for one sheet of a workbook."""
    command = sub.add_parser(
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
    add_bookings_import(kinds)


def _run_init(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    app = build(args.db)
    try:
        site = app.sites.init_site(name=args.site, commune_name=args.commune, insee_code=args.insee)
        services = app.config.list_services(site.id)
        print(
            ngettext(
                "Lieu « {name} » créé avec {n} service. Ouvrez l'application pour créer le "
                "compte de coordination.",
                "Lieu « {name} » créé avec {n} services. Ouvrez l'application pour créer le "
                "compte de coordination.",
                len(services),
            ).format(name=site.name, n=len(services))
        )
        return EXIT_OK
    finally:
        app.close()


def _run_demo(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    app = build(args.db)
    try:
        started = time.perf_counter()
        summary = app.demo.generate(scale=args.scale, seed=args.seed, site_name=args.site)
        elapsed = time.perf_counter() - started
        print(summary.describe())
        print(_("Terminé en {seconds} s.").format(seconds=f"{elapsed:.1f}"))
        return EXIT_OK
    finally:
        app.close()


def _run_import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    if args.import_kind == "bookings":
        return run_bookings_import(args)
    app = build(args.db)
    try:
        site = app.sites.resolve(args.site)
        url = app.url

        def backup() -> None:  # once the file is checked, before anything is written
            from tiers_lieu.services.backups import backup_before_import

            backup_before_import(url)

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
    finally:
        app.close()


def _tidy_at_start(args: argparse.Namespace) -> None:
    """What a crash cut short (a backup, a restore, an encryption) is finished or undone and
    its leftovers removed before the command opens the base, and said on stderr in French.
    ``encrypt`` does it itself (refusing while another encryption runs); the window shows
    it in its own way."""
    from tiers_lieu.db import resolve_db_url
    from tiers_lieu.services.leftovers import tidy_at_start

    for note in tidy_at_start(resolve_db_url(args.db)):
        sys.stderr.write(note + "\n")


def _run_gui(args: argparse.Namespace) -> int:
    from tiers_lieu.ui.errors import install_crash_reporting, uninstall_crash_reporting

    # An exception no window caught is logged, then shown calmly (a smoke test never waits).
    install_crash_reporting(dialogs=not args.smoke_test)
    log = logging.getLogger("tiers_lieu")
    log.info("Comptoir %s démarre (Python %s)", __version__, sys.version.split()[0])
    code = EXIT_FAILURE
    try:
        from tiers_lieu.ui.application import run_gui

        code = run_gui(db=args.db, smoke_test=args.smoke_test, screenshots=args.screenshots)
    finally:
        log.info("Comptoir s'arrête (code %s)", code)
        uninstall_crash_reporting()  # plantages.log stays armed: PySide may crash at exit
    return code


def main(argv: Sequence[str] | None = None) -> int:
    own_process = argv is None  # the command itself (console script, python -m), not a test
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = language_from_argv(argv, default=os.environ.get("TIERS_LIEU_LANG", "fr"))
    set_language(lang if lang in LANGUAGES else "fr")
    from tiers_lieu import journal

    # Warnings on stderr as before; the journal file (issue 18) gets Comptoir's records too,
    # opened only when something is logged.
    journal.start()
    args = build_parser().parse_args(argv)
    if args.screenshots and not args.smoke_test:
        sys.stderr.write(_("Erreur : --screenshots va avec --smoke-test.") + "\n")
        return EXIT_USAGE
    try:
        if args.command not in (None, "encrypt"):
            _tidy_at_start(args)
        if args.command == "init":
            return _run_init(args)
        if args.command == "demo":
            return _run_demo(args)
        if args.command == "import":
            return _run_import(args)
        if args.command == "report":
            return run_report(args, last_work=own_process)
        if args.command in ("backup", "restore"):
            return run_backup(args)
        if args.command == "purge":
            return run_purge(args)
        if args.command == "bundle":
            return run_bundle(args)
        if args.command == "audit":
            return run_audit(args)
        if args.command == "encrypt":
            return run_encrypt(args)
        if args.command == "bookings":
            return run_bookings(args)
        return _run_gui(args)
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
        logging.getLogger("tiers_lieu").exception(_("Erreur inattendue"))
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

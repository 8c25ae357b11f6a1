"""``tiers-lieu bundle``: carry a site's data to the network's coordinator in one signed file.

``bundle key`` creates the network key (once, on one site; the file is then copied to the
others: whoever holds it can sign bundles). ``bundle export --out FILE [--site NAME]
[--since YYYY-MM-DD] [--mode aggregates|anonymous|full] [--key-file FILE]`` writes the site's
rows changed since the date; ``bundle import FILE [--key-file FILE]`` merges one. Without
``--key-file`` the key is ``cle-reseau.key`` in the data directory. French message and exit 2
on any refusal; nothing half-written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, place_today

EXIT_OK, EXIT_USAGE = 0, 2


def add_bundle_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``bundle`` sub-command (export, import, key) to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bundle", help=_("échange de données entre les lieux d'un réseau (paquets signés)")
    )
    actions = parser.add_subparsers(dest="bundle_action", required=True)
    export = actions.add_parser("export", help=_("écrit les données d'un lieu dans un paquet"))
    export.add_argument("--out", required=True, type=Path, metavar=_("FICHIER"))
    export.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu exporté"))
    export.add_argument(
        "--since",
        default=None,
        metavar=_("AAAA-MM-JJ"),
        help=_("seulement ce qui a changé depuis ce jour (par défaut : tout)"),
    )
    export.add_argument(
        "--mode",
        default="full",
        choices=("aggregates", "anonymous", "full"),
        help=_(
            "aggregates : indicateurs seuls ; anonymous : sans données personnelles ; "
            "full : tout (par défaut)"
        ),
    )
    export.add_argument("--key-file", type=Path, default=None, metavar=_("FICHIER"))
    imp = actions.add_parser("import", help=_("fusionne un paquet dans cette base"))
    imp.add_argument("file", type=Path, metavar=_("FICHIER"))
    imp.add_argument("--key-file", type=Path, default=None, metavar=_("FICHIER"))
    key = actions.add_parser("key", help=_("crée la clé du réseau (une seule fois)"))
    key.add_argument("--key-file", type=Path, default=None, metavar=_("FICHIER"))
    parser.set_defaults(run=run_bundle)
    return parser


def _key_path(args: argparse.Namespace) -> Path:
    from tiers_lieu.services.bundles.keyfile import default_key_path

    return Path(args.key_file) if args.key_file else default_key_path()


def run_bundle(args: argparse.Namespace) -> int:
    """0 on success, 2 with a French message on stderr otherwise."""
    try:
        if args.bundle_action == "key":
            return _key(args)
        if args.bundle_action == "export":
            return _export(args)
        return _import(args)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE


def _key(args: argparse.Namespace) -> int:
    from tiers_lieu.services.bundles.keyfile import create_key

    path = _key_path(args)
    create_key(path)
    print(
        _("Clé du réseau créée dans {path}. Copiez ce fichier sur chaque lieu du réseau.").format(
            path=path
        )
    )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.bundles import (
        BundleService,
        fileformat,
        first_activity_date,
        since_instant,
    )

    since_day = None
    if args.since:
        try:
            since_day = date.fromisoformat(args.since.strip())
        except ValueError:
            raise ComptoirError(
                _("--since : date invalide « {value} » (attendu AAAA-MM-JJ)").format(
                    value=args.since
                )
            ) from None
    out = Path(args.out)
    if not out.parent.is_dir():
        raise ComptoirError(
            _("--out : le dossier « {folder} » n'existe pas.").format(folder=out.parent)
        )
    key = fileformat.load_key(_key_path(args))
    app = build(getattr(args, "db", None))
    try:
        site = app.sites.resolve(args.site)
        csv_text = ""
        if args.mode == "aggregates":
            from tiers_lieu.reports.csv_export import csv_text as report_csv

            today = place_today(site.zone)
            start = since_day or first_activity_date(app.uow, site.id) or today
            data = app.reports.compute(
                period_start=start, period_end=max(start, today), site_ids=[site.id]
            )
            csv_text = report_csv(data)
        result = BundleService(app.uow).export_bundle(
            site.id,
            out,
            since=since_instant(since_day, site.zone),
            mode=args.mode,
            key=key,
            indicators_csv=csv_text,
        )
    finally:
        app.close()
    print(
        _(
            "Paquet « {site} » ({mode}) écrit dans {path} : {rows} lignes, {stones} suppressions."
        ).format(
            site=site.name,
            mode=result.mode,
            path=out,
            rows=result.rows,
            stones=result.tombstones,
        )
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.bundles import BundleService, fileformat

    key = fileformat.load_key(_key_path(args))
    app = build(getattr(args, "db", None))
    try:
        result = BundleService(app.uow).import_bundle(Path(args.file), key=key)
    finally:
        app.close()
    if result.already_imported:
        print(_("Ce paquet a déjà été importé : rien n'a changé."))
        return EXIT_OK
    if result.mode == "aggregates":
        target = Path(args.file).with_suffix(".indicateurs.csv")
        from tiers_lieu.reports.csv_export import write_received

        write_received(target, result.indicators_csv)  # text neutralised: formula-safe
        print(
            _("Indicateurs de « {site} » enregistrés dans {path}.").format(
                site=result.site_name, path=target
            )
        )
        return EXIT_OK
    print(
        _(
            "Paquet de « {site} » importé : {inserted} ajouts, {updated} mises à jour, "
            "{deleted} suppressions, {conflicts} conflits (voir le journal des conflits)."
        ).format(
            site=result.site_name,
            inserted=result.inserted,
            updated=result.updated,
            deleted=result.deleted,
            conflicts=result.conflicts,
        )
    )
    return EXIT_OK

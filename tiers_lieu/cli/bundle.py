"""``tiers-lieu bundle``: carry a place's data to the network's coordinator in one signed file.

Each place signs its bundles with its own key; the coordinator accepts a place's bundles once
it has added that place's public key, after comparing its fingerprint with the place.

- ``bundle key [--site NAME] [--out FILE]``: this place's key (made the first time) and its
  fingerprint; with ``--out``, its public key file for the coordinator.
- ``bundle trust FILE --fingerprint "XXXX XXXX …" [--replace]`` (coordinator): accept the
  bundles of the place whose public key file this is. Without ``--fingerprint`` nothing is
  added: the fingerprint is shown, to compare with the place's.
- ``bundle untrust PLACE`` and ``bundle keys``: remove a place's key, list them.
- ``bundle export --out FILE [--site NAME] [--since YYYY-MM-DD] [--mode …]`` writes the
  place's rows changed since the date; ``bundle import FILE`` merges one.

French message and exit 2 on any refusal; nothing half-written. ``--key-file`` (the shared
network key of older versions) is refused with a message saying what replaces it.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from tiers_lieu.cli.parser import iso_date
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext, place_today

EXIT_OK, EXIT_USAGE = 0, 2


def add_bundle_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``bundle`` sub-command (key, trust, untrust, keys, export, import)."""
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
    imp = actions.add_parser("import", help=_("fusionne un paquet dans cette base"))
    imp.add_argument("file", type=Path, metavar=_("FICHIER"))
    key = actions.add_parser(
        "key", help=_("montre la clé de ce lieu et son empreinte (la crée la première fois)")
    )
    key.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu"))
    key.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar=_("FICHIER"),
        help=_("écrit la clé publique du lieu dans ce fichier, pour la coordination"),
    )
    trust = actions.add_parser(
        "trust", help=_("accepte les paquets d'un lieu (ajoute sa clé publique)")
    )
    trust.add_argument("file", type=Path, metavar=_("FICHIER"))
    trust.add_argument(
        "--fingerprint",
        default=None,
        metavar=_("EMPREINTE"),
        help=_("l'empreinte que le lieu vous a lue ou donnée sur papier"),
    )
    trust.add_argument(
        "--replace",
        action="store_true",
        help=_("remplace la clé déjà enregistrée pour ce lieu"),
    )
    untrust = actions.add_parser("untrust", help=_("n'accepte plus les paquets d'un lieu"))
    untrust.add_argument("place", metavar=_("LIEU"), help=_("nom du lieu ou son identifiant"))
    actions.add_parser("keys", help=_("liste les clés des lieux connus de cette base"))
    for action in (export, imp, key):
        # The network key of versions 1-2: refused with a message saying what replaces it.
        action.add_argument("--key-file", default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run_bundle)
    return parser


def run_bundle(args: argparse.Namespace) -> int:
    """0 on success, 2 with a French message on stderr otherwise."""
    try:
        if getattr(args, "key_file", None):
            raise ComptoirError(
                _(
                    "--key-file : la clé commune du réseau (cle-reseau.key) n'est plus "
                    "utilisée. Chaque lieu signe désormais ses paquets avec sa propre clé : "
                    "« tiers-lieu bundle key --out FICHIER » sur le lieu, puis « tiers-lieu "
                    "bundle trust FICHIER --fingerprint … » à la coordination. L'ancien "
                    "fichier cle-reseau.key peut être supprimé."
                )
            )
        handlers = {
            "key": _key,
            "trust": _trust,
            "untrust": _untrust,
            "keys": _keys,
            "export": _export,
            "import": _import,
        }
        return handlers[args.bundle_action](args)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE


def _key(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    out = Path(args.out) if args.out else None  # its folder exists (check_arguments)
    with build(getattr(args, "db", None)) as app:
        site = app.sites.resolve(args.site)
        keys = app.place_keys
        info = keys.own_key(site.id) if out is None else keys.export_public_key(site.id, out)
    print(
        _("Clé de « {place} » — empreinte : {fingerprint}").format(
            place=site.name, fingerprint=info.fingerprint
        )
    )
    if out is not None:
        print(
            _(
                "Clé publique écrite dans {path}. Remettez ce fichier à la coordination du "
                "réseau et lisez-lui l'empreinte par téléphone (ou donnez-la sur papier)."
            ).format(path=out)
        )
    return EXIT_OK


def _trust(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.bundles.placekeys import read_public_file, same_fingerprint

    key = read_public_file(Path(args.file))
    print(
        _("Clé de « {place} » ({site}) — empreinte : {fingerprint}").format(
            place=key.label, site=key.site_id.hex, fingerprint=key.fingerprint
        )
    )
    if args.fingerprint is None:
        raise ComptoirError(
            _(
                "rien n'a été ajouté. Comparez cette empreinte avec celle que le lieu vous lit "
                "(par téléphone ou sur papier), puis relancez avec --fingerprint « {example} »."
            ).format(example=key.fingerprint)
        )
    if not same_fingerprint(args.fingerprint, key.fingerprint):
        raise ComptoirError(
            _(
                "--fingerprint : l'empreinte donnée ne correspond pas à celle de la clé. Ce "
                "fichier n'est pas la clé du lieu (ou a été modifié) : rien n'a été ajouté."
            )
        )
    with build(getattr(args, "db", None)) as app:
        outcome = app.place_keys.trust(key, replace=args.replace)
    messages = {
        "added": _("Clé ajoutée : les paquets de « {place} » seront acceptés."),
        "replaced": _(
            "Clé remplacée : les paquets de « {place} » signés avec l'ancienne clé seront refusés."
        ),
        "unchanged": _("Cette clé était déjà enregistrée pour « {place} » : rien n'a changé."),
    }
    print(messages[outcome].format(place=key.label))
    return EXIT_OK


def _find_key(keys: list[Any], place: str) -> Any:
    wanted = place.strip().casefold()
    try:
        as_id: uuid.UUID | None = uuid.UUID(wanted)
    except ValueError:
        as_id = None
    for info in keys:
        if info.site_id == as_id or info.label.casefold() == wanted:
            return info
    raise ComptoirError(
        _("Aucune clé n'est enregistrée pour « {place} ». Lieux connus : {names}.").format(
            place=place, names=", ".join(info.label for info in keys) or "—"
        )
    )


def _untrust(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(getattr(args, "db", None)) as app:
        keys = app.place_keys
        info = keys.untrust(_find_key(keys.list_keys(), args.place).site_id)
    print(_("Clé de « {place} » retirée : ses paquets seront refusés.").format(place=info.label))
    return EXIT_OK


def _keys(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(getattr(args, "db", None)) as app:
        keys = app.place_keys.list_keys()
    if not keys:
        print(_("Aucune clé de lieu dans cette base."))
    for info in keys:
        kind = _("signe ses paquets ici") if info.own else _("paquets acceptés")
        print(f"{info.label} ({info.site_id.hex}) — {info.fingerprint} — {kind}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.bundles import first_activity_date, since_instant

    since_day = None
    if args.since:
        since_day = iso_date("--since", args.since)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise ComptoirError(
            _("--out : le dossier « {folder} » n'existe pas.").format(folder=out.parent)
        )
    with build(getattr(args, "db", None)) as app:
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
        result = app.bundles.export_bundle(
            site.id,
            out,
            since=since_instant(since_day, site.zone),
            mode=args.mode,
            indicators_csv=csv_text,
        )
    print(
        _("Paquet « {site} » ({mode}) écrit dans {path} : {rows}, {stones}.").format(
            site=site.name,
            mode=result.mode,
            path=out,
            rows=ngettext("{n} ligne", "{n} lignes", result.rows).format(n=result.rows),
            stones=_deletions(result.tombstones),
        )
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(getattr(args, "db", None)) as app:
        result = app.bundles.import_bundle(Path(args.file))
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
            "Paquet de « {site} » importé : {inserted}, {updated}, {deleted}, {conflicts} "
            "(voir le journal des conflits)."
        ).format(
            site=result.site_name,
            inserted=ngettext("{n} ajout", "{n} ajouts", result.inserted).format(n=result.inserted),
            updated=ngettext("{n} mise à jour", "{n} mises à jour", result.updated).format(
                n=result.updated
            ),
            deleted=_deletions(result.deleted),
            conflicts=ngettext("{n} conflit", "{n} conflits", result.conflicts).format(
                n=result.conflicts
            ),
        )
    )
    return EXIT_OK


def _deletions(count: int) -> str:
    return ngettext("{n} suppression", "{n} suppressions", count).format(n=count)

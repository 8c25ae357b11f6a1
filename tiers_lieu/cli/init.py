"""``tiers-lieu init --site NOM [--commune NOM] [--insee CODE]``: a new base with its first
place and the default services, without the window (the coordination account is created in
the window at its first start)."""

from __future__ import annotations

import argparse
from typing import Any

from tiers_lieu.i18n import _, ngettext

EXIT_OK = 0


def add_init_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "init", help=_("prépare une base vide sans interface")
    )
    parser.add_argument("--site", required=True, metavar=_("NOM"), help=_("nom du lieu"))
    parser.add_argument("--commune", default="", metavar=_("NOM"), help=_("commune du lieu"))
    parser.add_argument(
        "--insee", default=None, metavar=_("CODE"), help=_("code INSEE de la commune")
    )
    parser.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(args.db) as app:
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

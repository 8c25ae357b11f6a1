"""``tiers-lieu demo [--scale small|medium|large|network] [--seed N] [--site NOM]``: fills the
base with demonstration data (reproducible for a given seed) and says what it made."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tiers_lieu.cli.init import removed_if_refused
from tiers_lieu.i18n import _, format_number

EXIT_OK = 0
SCALES = ("small", "medium", "large", "network")


def add_demo_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help=_("remplit la base de données de démonstration")
    )
    parser.add_argument("--scale", choices=SCALES, default="small", help=_("taille des données"))
    parser.add_argument("--seed", type=int, default=1, help=_("graine du tirage (reproductible)"))
    parser.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu à remplir"))
    parser.set_defaults(run=run_demo, needs_base=False)


def run_demo(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with removed_if_refused(args.db), build(args.db) as app:
        started = time.perf_counter()
        summary = app.demo.generate(scale=args.scale, seed=args.seed, site_name=args.site)
        elapsed = time.perf_counter() - started
        print(summary.describe())
        print(_("Terminé en {seconds} s.").format(seconds=format_number(elapsed, 1)))
    return EXIT_OK

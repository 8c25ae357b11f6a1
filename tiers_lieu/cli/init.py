"""``tiers-lieu init --site NOM [--commune NOM] [--insee CODE]``: a new base with its first
place and the default services, without the window (the coordination account is created in
the window at its first start). Refused (a blank name, an INSEE code that is not one), it
leaves nothing behind: the base it had just made is removed (:func:`removed_if_refused`)."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
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
    parser.set_defaults(run=run_init, needs_base=False)


SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def removed_if_refused(db: str | None) -> Iterator[None]:
    """The SQLite base named by ``db``, when this command makes it, removed with its side
    files and the folders made for it if the command fails (``init`` refused for a bad
    name): a refused command leaves nothing. A base that was there is never touched."""
    from tiers_lieu.db_location import resolve_db_url, sqlite_path

    path = sqlite_path(resolve_db_url(db))
    if path is None or path.exists():
        yield
        return
    made = list(itertools.takewhile(lambda folder: not folder.exists(), path.parents))
    try:
        yield
    except BaseException:
        _remove_new_base(path, made)
        raise


def _remove_new_base(path: Path, folders: list[Path]) -> None:
    """``path`` and its side files, then ``folders`` (innermost first) if left empty."""
    for name in (path.name, *(path.name + end for end in SIDE_FILES)):
        with suppress(OSError):
            path.with_name(name).unlink(missing_ok=True)
    for folder in folders:
        with suppress(OSError):  # not empty: something else was put there meanwhile
            folder.rmdir()


def run_init(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with removed_if_refused(args.db), build(args.db) as app:
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

"""The parser of the ``tiers-lieu`` command, in the interface's language.

- **Global options anywhere.** ``--db`` and ``--lang`` are accepted before the sub-command
  and after it, at any depth (``tiers-lieu bundle export --db X --out F``). :class:`Parser`
  registers :class:`_SubParsers` as its sub-command action, so every sub-parser made by
  ``add_parser`` (ours or a ``cli_*`` module's) gets the same options from
  :func:`add_global_options`, with ``argparse.SUPPRESS`` defaults: a sub-parser that was not
  given ``--db`` leaves the value read before the sub-command alone; given after it, it
  wins. A ``cli_*`` module that defines ``--db`` itself fails when the parser is built.
- **argparse's own messages** (« utilisation : », « arguments non reconnus », « choix
  invalide », « affiche cette aide et quitte »…) come from ``gettext.gettext`` in the
  standard library, whose ids are English. ``argparse_fr.po`` next to this module translates
  them to French; :func:`translate_argparse` points ``argparse._`` and ``argparse.ngettext``
  at it while the interface is French (English needs no catalog). The catalog is data: a test
  extracts every message of the running Python's ``argparse`` and fails on one it lacks.
"""

from __future__ import annotations

import argparse
import functools
import gettext
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from tiers_lieu import i18n
from tiers_lieu.i18n import LANGUAGES, _

EXIT_USAGE = 2
ARGPARSE_CATALOG = Path(__file__).with_name("argparse_fr.po")
GLOBAL_OPTIONS = ("--db", "--lang")


@functools.cache
def _argparse_french() -> gettext.GNUTranslations:
    """``argparse_fr.po`` compiled in memory (gettext's own lookup and plural rule)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with ARGPARSE_CATALOG.open("rb") as po:
        catalog = read_po(po)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _argparse_translation() -> gettext.NullTranslations:
    if i18n.language() == "fr":
        return _argparse_french()
    return gettext.NullTranslations()


def _argparse_gettext(message: str) -> str:
    return _argparse_translation().gettext(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return _argparse_translation().ngettext(singular, plural, n)


def translate_argparse() -> None:
    """argparse looks ``_`` and ``ngettext`` up in its module at each message: from now on
    they follow :func:`i18n.set_language` (French from our catalog, English as is)."""
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


def language_from_argv(argv: Sequence[str], default: str) -> str:
    """The last ``--lang`` of the command line (argparse keeps the last one too), read before
    parsing because the parser's help texts are translated when it is built."""
    found = default
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def add_global_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    """``--db`` and ``--lang``: defaults on the top-level parser, ``SUPPRESS`` below it."""
    if top_level:
        group: Any = parser
        default: Any = None
    else:
        group = parser.add_argument_group(_("options communes à toutes les commandes"))
        default = argparse.SUPPRESS
    group.add_argument(
        "--db", default=default, metavar=_("CHEMIN_OU_URL"), help=_("base de données à utiliser")
    )
    group.add_argument(
        "--lang", choices=sorted(LANGUAGES), default=default, help=_("langue de l'interface")
    )


class _SubParsers(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Each sub-parser gets the global options (see the module's docstring)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        add_global_options(parser, top_level=False)
        if isinstance(parser, Parser):
            parser.is_sub_command = True
        return parser


class _HelpFormatter(argparse.HelpFormatter):
    """argparse writes « options: »; French puts a space before the colon."""

    def start_section(self, heading: str | None) -> None:
        if heading and i18n.language() == "fr":
            heading += " "
        super().start_section(heading)


class Parser(argparse.ArgumentParser):
    """French (or English) usage, errors and help; usage errors exit 2 without a traceback."""

    is_sub_command = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        translate_argparse()  # before argparse translates « -h »'s help and its group titles
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _SubParsers)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """A sub-command refuses what it does not know itself, so that the message comes
        with its own usage line rather than the top-level one."""
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.is_sub_command:
            self.error(_argparse_gettext("unrecognized arguments: %s") % " ".join(extras))
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(_("Erreur : {message}").format(message=message) + "\n")
        raise SystemExit(EXIT_USAGE)

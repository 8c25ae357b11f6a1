"""The parser of the ``tiers-lieu`` command, in the interface's language.

- **Global options anywhere.** ``--db`` and ``--lang`` are accepted before the sub-command
  and after it, at any depth (``tiers-lieu bundle export --db X --out F``). :class:`Parser`
  registers :class:`_SubParsers` as its sub-command action, so every sub-parser made by
  ``add_parser`` (in any module of :mod:`tiers_lieu.cli`) gets the same options from
  :func:`add_global_options`, with ``argparse.SUPPRESS`` defaults: a sub-parser that was not
  given ``--db`` leaves the value read before the sub-command alone; given after it, it
  wins. A command module that defines ``--db`` itself fails when the parser is built.
- **Tidying first.** Every sub-parser also gets ``tidy_first=True`` as a default:
  ``tiers_lieu.__main__`` then finishes or undoes what a crash cut short before the command
  runs, and says so on stderr. A command that does it its own way sets
  ``tidy_first=False`` with its ``run`` (``encrypt``; the window, which has no sub-command).
- **An existing base.** Every sub-parser also gets ``needs_base=True``: a missing SQLite
  file is refused before anything runs (:func:`refuse_a_missing_base`) rather than made
  empty where a name was mistyped. The commands that make a base (``init``, ``demo``,
  ``restore``) set ``needs_base=False``; ``caisse verifier`` a function of its arguments.
- **argparse's own messages** (« utilisation : », « arguments non reconnus », « choix
  invalide », « affiche cette aide et quitte »…) come from ``gettext.gettext`` in the
  standard library, whose ids are English. ``argparse_fr.po`` next to this module translates
  them to French; :func:`translate_argparse` points ``argparse._`` and ``argparse.ngettext``
  at it while the interface is French (English needs no catalog). The catalog is data: a test
  extracts every message of the running Python's ``argparse`` and fails on one it lacks.
"""

from __future__ import annotations

import argparse
import ast
import functools
import gettext
import io
import os
import struct
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from tiers_lieu import i18n
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import LANGUAGES, _, format_date

EXIT_USAGE = 2
ARGPARSE_CATALOG = Path(__file__).with_name("argparse_fr.po")
GLOBAL_OPTIONS = ("--db", "--lang")


@functools.cache
def _argparse_french() -> gettext.GNUTranslations:
    """``argparse_fr.po`` compiled in memory (gettext's own lookup and plural rule).

    Read by :func:`read_po` rather than babel's reader, which imports babel's catalog
    machinery and the ``email`` package: 40 ms at every start of the window (issue 17)."""
    compiled = io.BytesIO(compile_mo(read_po(ARGPARSE_CATALOG.read_text(encoding="utf-8"))))
    return gettext.GNUTranslations(compiled)


def read_po(text: str) -> dict[str, str]:
    """The entries of a simple ``.po`` file (no context, no obsolete entries), as the keys
    and values of a ``.mo`` file: a plural entry is ``singular\\0plural`` →
    ``form0\\0form1…``; fuzzy entries are left out, as ``msgfmt`` does."""
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        if "msgid" in fields and not fuzzy:
            if "msgid_plural" in fields:
                forms = sorted(k for k in fields if k.startswith("msgstr["))
                key = fields["msgid"] + "\0" + fields["msgid_plural"]
                entries[key] = "\0".join(fields[k] for k in forms)
            else:
                entries[fields["msgid"]] = fields.get("msgstr", "")
        fields.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            if any(k.startswith("msgstr") for k in fields):
                flush()  # the comments of the next entry
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if not line:
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"argparse_fr.po: ligne inattendue : {raw}")
            fields[current] += ast.literal_eval(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            flush()
        current = keyword
        fields[keyword] = ast.literal_eval(value)
    flush()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """A GNU ``.mo`` file (little-endian, no hash table) of ``entries``."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    header = 7 * 4
    ids_start = header + 16 * len(keys)
    ids_table: list[int] = []
    offset = ids_start
    for data in ids:
        ids_table += [len(data), offset]
        offset += len(data) + 1
    strs_table: list[int] = []
    for data in strs:
        strs_table += [len(data), offset]
        offset += len(data) + 1
    return (
        struct.pack("<7I", 0x950412DE, 0, len(keys), header, header + 8 * len(keys), 0, 0)
        + struct.pack(f"<{len(ids_table)}I", *ids_table)
        + struct.pack(f"<{len(strs_table)}I", *strs_table)
        + b"".join(data + b"\0" for data in ids)
        + b"".join(data + b"\0" for data in strs)
    )


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
    """Each sub-parser gets the global options and ``tidy_first`` (see the module's
    docstring)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        add_global_options(parser, top_level=False)
        parser.set_defaults(tidy_first=True, needs_base=True)
        if isinstance(parser, Parser):
            parser.is_sub_command = True
        return parser


class _FrenchHeadings(argparse.HelpFormatter):
    """argparse writes « options: »; French puts a space before the colon."""

    def start_section(self, heading: str | None) -> None:
        if heading and i18n.language() == "fr":
            heading += " "
        super().start_section(heading)


@functools.cache
def _french_formatter(formatter: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """``formatter`` (argparse's own, or the one a command asks for: ``export`` keeps its
    description's lines) with the French headings."""
    if issubclass(formatter, _FrenchHeadings):
        return formatter
    return type(f"French{formatter.__name__}", (_FrenchHeadings, formatter), {})


class Parser(argparse.ArgumentParser):
    """French (or English) usage, errors and help; usage errors exit 2 without a traceback.
    Every parser, whatever ``formatter_class`` it is given, writes French headings."""

    is_sub_command = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        translate_argparse()  # before argparse translates « -h »'s help and its group titles
        formatter = kwargs.get("formatter_class", argparse.HelpFormatter)
        kwargs["formatter_class"] = _french_formatter(formatter)
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


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
"""The dates a command accepts: beyond, a period's work grows without bound (a report from
year 1 to 9999 took 460 MB) and the calendar's arithmetic overflows."""


def iso_date(option: str, text: str) -> date:
    """``text`` as a date (AAAA-MM-JJ) between :data:`FIRST_DAY` and :data:`LAST_DAY`, or the
    French refusal naming ``option``: the one way a command reads a date."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ComptoirError(
            _("{option} : date invalide « {value} » (attendu AAAA-MM-JJ)").format(
                option=option, value=text
            )
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ComptoirError(
            _("{option} : le {day} est hors des années {first} à {last}.").format(
                option=option, day=text.strip(), first=FIRST_DAY.year, last=LAST_DAY.year
            )
        )
    return day


def period_of(date_from: str, date_to: str) -> tuple[date, date]:
    """``--from`` and ``--to`` read and checked: the period may not end before it starts."""
    start = iso_date("--from", date_from)
    end = iso_date("--to", date_to)
    if end < start:
        raise ComptoirError(
            _("--to : le {end} précède le début de la période ({start}).").format(
                end=format_date(end), start=format_date(start)
            )
        )
    return start, end


def existing_folder(folder: str | Path, option: str) -> Path:
    """A folder a command writes into (``--dossier``, the folder of ``--out``), which must
    exist: nothing is created behind the user's back (a mistyped name would be made)."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ComptoirError(
            _("{option} : « {folder} » n'est pas un dossier.").format(option=option, folder=path)
        )
    if not path.is_dir():
        raise ComptoirError(
            _("{option} : le dossier « {folder} » n'existe pas.").format(option=option, folder=path)
        )
    return path


def output_path(out: str | Path, option: str = "--out") -> Path:
    """``--out``, whose folder must exist (:func:`existing_folder`)."""
    path = Path(out)
    existing_folder(path.parent, option)
    return path


MAX_NAME_BYTES = 255
"""The longest file name the usual file systems take."""


def check_output_name(out: str | Path, option: str, *, folder_ok: bool = False) -> Path:
    """Refuse, in French, an output that is not a file's name: empty, too long for the file
    system, or an existing folder (unless ``folder_ok``: the FEC names its file itself) or
    device (writing there would replace the device by a file, as root, or fail after the
    work)."""
    text = str(out)
    path = Path(out)
    if not text.strip() or not path.name or text.endswith(("/", "\\")):
        raise ComptoirError(
            _("{option} : indiquez un nom de fichier (« {value} » n'en est pas un).").format(
                option=option, value=text
            )
        )
    if len(os.fsencode(path.name)) + len(".partiel") + 1 > MAX_NAME_BYTES:
        raise ComptoirError(
            _("{option} : le nom du fichier est trop long (255 octets au plus).").format(
                option=option
            )
        )
    if path.exists() and not path.is_file() and not (folder_ok and path.is_dir()):
        raise ComptoirError(
            _(
                "{option} : « {value} » est un dossier ou un périphérique, pas un fichier : "
                "indiquez le nom du fichier à écrire."
            ).format(option=option, value=text)
        )
    return path


def refuse_the_base(out: Path | None, db: str | None, option: str = "--out") -> None:
    """Refuse an output that is the base itself or one of its side files (-wal, -shm,
    -journal): writing there would destroy the place's data."""
    if out is None:
        return
    from tiers_lieu.db import resolve_db_url
    from tiers_lieu.held_files import same_base

    url = resolve_db_url(db)
    if url.startswith("sqlite") and same_base(out, url.split("///", 1)[-1]):
        raise ComptoirError(
            _(
                "{option} : « {value} » est la base de données (ou l'un de ses fichiers) : "
                "choisissez un autre nom, sans quoi la base serait écrasée."
            ).format(option=option, value=out)
        )


def readable_argument(value: str, what: str) -> None:
    """Refuse, in French, an argument holding bytes that are not text (a file name copied
    from another system): they would fail deep inside a write."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "replace").decode("utf-8")
        raise ComptoirError(
            _("{what} : « {value} » contient des octets qui ne sont pas du texte (UTF-8).").format(
                what=what, value=shown
            )
        ) from None


OUTPUTS = (("out", "--out"), ("dossier", "--dossier"))
"""The options naming what a command writes (checked before it runs): ``--out`` a file in
an existing folder, ``--dossier`` an existing folder."""


DB_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def shown_database(args: argparse.Namespace) -> str:
    """The base as the user named it (a password in a URL hidden)."""
    text = str(getattr(args, "db", None) or os.environ.get("TIERS_LIEU_DB") or "")
    if "://" in text and "@" in text:
        scheme, rest = text.split("://", 1)
        text = f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
    return text or _("la base de données")


def _check_database(value: str | None) -> None:
    """``--db`` (or ``TIERS_LIEU_DB``): a file, or a SQLite or PostgreSQL address."""
    if value is None:
        return
    if not value.strip():
        raise ComptoirError(_("--db : indiquez le fichier de la base de données."))
    if "://" not in value:
        return
    scheme, rest = value.split("://", 1)
    memory = scheme == "sqlite" and rest.strip("/") in ("", ":memory:")
    if scheme not in DB_SCHEMES or memory or not rest:
        raise ComptoirError(
            _(
                "--db : « {value} » n'est ni un fichier ni une adresse de base utilisable "
                "(un chemin, sqlite:///chemin ou postgresql://utilisateur@serveur/base)."
            ).format(value=value)
        )


def needs_base(args: argparse.Namespace) -> bool:
    """Whether the command reads a base that must exist: every sub-command does
    (``needs_base=True``, set by :class:`_SubParsers`) but those that make one (``init``,
    ``demo``, ``restore``: ``False``) and ``caisse verifier``, which checks an archive
    without a base (a function of the arguments). The window sets nothing: it has its own
    first start."""
    needed = getattr(args, "needs_base", False)
    return bool(needed(args) if callable(needed) else needed)


def refuse_a_missing_base(args: argparse.Namespace) -> None:
    """A command that reads the base refuses a SQLite file that is not there, naming it,
    rather than make an empty base (and its folders) where a name was mistyped. A
    PostgreSQL base is the server's to know."""
    if not needs_base(args):
        return
    from sqlalchemy.exc import ArgumentError

    from tiers_lieu.db_location import resolve_db_url, sqlite_path

    try:
        path = sqlite_path(resolve_db_url(getattr(args, "db", None)))
    except ArgumentError:
        return  # not a database address: the command says so itself
    if path is None or path.exists():
        return
    raise ComptoirError(
        _(
            "la base « {path} » n'existe pas (rien n'a été créé). Pour en créer une, lancez "
            "« tiers-lieu init --site NOM » (ou « tiers-lieu demo » pour une base d'essai) ; "
            "sinon, indiquez une base existante avec --db."
        ).format(path=path)
    )


def check_arguments(argv: Sequence[str], args: argparse.Namespace) -> None:
    """Before any command runs: every argument (and the passphrase given by environment) is
    text, the base exists (unless the command makes it), no output is a folder, a device or
    the base itself, and every output's folder exists (French refusals, exit 2)."""
    for value in argv:
        readable_argument(value, _("Argument"))
    db = getattr(args, "db", None)
    _check_database(os.environ.get("TIERS_LIEU_DB") if db is None else db)
    passphrase = os.environ.get("TIERS_LIEU_DB_PASSPHRASE")
    if passphrase is not None:
        readable_argument(passphrase, "TIERS_LIEU_DB_PASSPHRASE")
    refuse_a_missing_base(args)
    for name, option in OUTPUTS:
        out = getattr(args, name, None)
        if out is None:
            continue
        if name == "out":  # the FEC export takes a folder, and names its file itself
            fec = (getattr(args, "command", ""), getattr(args, "kind", "")) == ("export", "fec")
            check_output_name(out, option, folder_ok=fec)
        refuse_the_base(Path(out), getattr(args, "db", None), option)
        if name == "out":
            output_path(out, option)
        else:
            existing_folder(out, option)

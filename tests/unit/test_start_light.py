"""What the window's start reads before anything heavy is imported (issue 17) says the same as
the heavy readers it stands for: the database file named by a URL (SQLAlchemy's ``make_url``)
and argparse's French catalog (babel's ``.po`` reader)."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po as babel_read_po
from sqlalchemy.engine import make_url

from tiers_lieu.cli.parser import ARGPARSE_CATALOG, _argparse_french, compile_mo, read_po
from tiers_lieu.db_location import resolve_db_url, sqlite_path


def sqlalchemy_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if parsed.database == ":memory:" else Path(parsed.database)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////tmp/a b/comptoir.sqlite",
        "sqlite:////tmp/a%20b/comptoir.sqlite",
        "sqlite:///relatif.sqlite",
        "sqlite:////tmp/a@b/c#d.sqlite",
        "sqlite:////tmp/x:y/été.sqlite",
        "sqlite:////tmp/base.sqlite?mode=ro",
        "sqlite:///:memory:",
        "sqlite:///",
        "sqlite://",
        "postgresql+psycopg://comptoir@serveur/comptoir",
    ],
)
def test_the_file_of_a_url_is_sqlalchemys(url: str) -> None:
    assert sqlite_path(url) == sqlalchemy_path(url)


def test_the_file_of_a_resolved_path_is_sqlalchemys(tmp_path: Path) -> None:
    url = resolve_db_url(str(tmp_path / "dossier à accents" / "comptoir.sqlite"))
    assert (
        sqlite_path(url) == sqlalchemy_path(url) == tmp_path / "dossier à accents/comptoir.sqlite"
    )


def test_argparse_catalog_reads_as_babel_reads_it() -> None:
    with ARGPARSE_CATALOG.open("rb") as po:
        catalog = babel_read_po(po)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    babels = gettext.GNUTranslations(compiled)
    ours = _argparse_french()
    checked = 0
    for message in catalog:
        if not message.id:
            continue
        checked += 1
        if isinstance(message.id, tuple):
            singular, plural = str(message.id[0]), str(message.id[1])
            for n in (0, 1, 2, 5):
                assert ours.ngettext(singular, plural, n) == babels.ngettext(singular, plural, n)
        else:
            assert ours.gettext(str(message.id)) == babels.gettext(str(message.id))
    assert checked > 30


def test_po_reader_keeps_escapes_continuations_and_plurals_and_drops_fuzzy() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "a \\"b\\"\\n"\nmsgstr "x "\n"« y »"\n\n'
        '#, fuzzy\nmsgid "flou"\nmsgstr "vague"\n\n'
        'msgid "%s file"\nmsgid_plural "%s files"\n'
        'msgstr[0] "%s fichier"\nmsgstr[1] "%s fichiers"\n'
    )
    entries = read_po(text)
    assert entries['a "b"\n'] == "x « y »"
    assert "flou" not in entries
    translation = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    assert translation.ngettext("%s file", "%s files", 0) == "%s fichier"
    assert translation.ngettext("%s file", "%s files", 2) == "%s fichiers"

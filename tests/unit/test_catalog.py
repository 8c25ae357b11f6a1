"""The English catalog against the message ids of the code: every id extracted into the .pot
has an entry in the .po, and no translation drops or invents a ``{placeholder}`` (the code
calls ``.format()`` on the translated text, so a wrong name would raise at run time)."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

import tiers_lieu

LOCALE_DIR = Path(tiers_lieu.__file__).parent / "locale"
POT = LOCALE_DIR / "comptoir.pot"
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/comptoir.po"))


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _placeholders(text: str) -> set[str]:
    """The names of the replacement fields of a ``str.format`` template."""
    return {name for _literal, name, _spec, _conv in Formatter().parse(text) if name is not None}


def _as_tuple(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def test_there_is_a_catalog() -> None:
    assert POT.is_file()
    assert PO_FILES, f"no comptoir.po under {LOCALE_DIR}"


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parts[-3])
def test_catalog_has_every_message_of_the_template(po: Path) -> None:
    have = {m.id for m in _messages(_read(po))}
    missing = [m.id for m in _messages(_read(POT)) if m.id not in have]
    assert not missing, (
        f"{len(missing)} message(s) of {POT.name} missing from {po}; run `make catalog`, "
        f"then translate them: {missing[:10]}"
    )


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parts[-3])
def test_translations_keep_their_placeholders(po: Path) -> None:
    problems: list[str] = []
    for message in _messages(_read(po)):
        ids = [_placeholders(i) for i in _as_tuple(message.id)]
        expected = set().union(*ids)
        # A plural form may leave out what one of the French forms leaves out (« chaque
        # {weekday} » has no {n}); what every French form has, each translation has too.
        required = set(ids[0]).intersection(*ids[1:])
        for form in _as_tuple(message.string):
            if not form:  # untranslated: gettext falls back to the French id
                continue
            try:
                found = _placeholders(form)
            except ValueError as exc:  # unbalanced braces
                problems.append(f"{message.id!r} → {form!r}: {exc}")
                continue
            if not required <= found <= expected:
                problems.append(
                    f"{message.id!r} → {form!r}: placeholders {sorted(found)}, "
                    f"expected {sorted(expected)}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parts[-3])
def test_every_message_is_translated_plural_forms_included(po: Path) -> None:
    # An empty form falls back to the French text in the middle of an English window.
    untranslated = [m.id for m in _messages(_read(po)) if not all(_as_tuple(m.string)) or m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:5]}"

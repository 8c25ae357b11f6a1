"""``tiers_lieu/cli/argparse_fr.po`` against the running Python's ``argparse``: every message it
translates through gettext has a French translation, and no translation drops, adds or
reorders a ``%`` placeholder (argparse formats the translated text with ``%``). A Python
upgrade that adds a message fails here until it is translated."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tiers_lieu.cli.parser import ARGPARSE_CATALOG

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def argparse_messages() -> set[str | tuple[str, str]]:
    """The ids argparse hands to ``_()`` and ``ngettext()``: string constants of those calls
    (``_(kwargs.pop('title', 'subcommands'))`` gives its default, ``'subcommands'``)."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found: set[str | tuple[str, str]] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id == "_":
            found.update(_message_ids(node.args[0]))
        elif node.func.id == "ngettext":
            singular, plural = node.args[0], node.args[1]
            assert isinstance(singular, ast.Constant) and isinstance(plural, ast.Constant)
            found.add((singular.value, plural.value))
    return found


def _message_ids(arg: ast.expr) -> set[str]:
    if isinstance(arg, ast.Constant):
        return {arg.value} if isinstance(arg.value, str) else set()
    if (  # _(kwargs.pop('title', 'subcommands')): the default is the message
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr in ("pop", "get")
        and len(arg.args) == 2
    ):
        return _message_ids(arg.args[1])
    raise AssertionError(f"argparse translates a new kind of expression: {ast.unparse(arg)}")


def catalog() -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with ARGPARSE_CATALOG.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def test_argparse_is_read() -> None:
    messages = argparse_messages()
    assert "unrecognized arguments: %s" in messages
    assert ("expected %s argument", "expected %s arguments") in messages
    assert "subcommands" in messages


def test_every_argparse_message_is_translated() -> None:
    french = catalog()
    missing = sorted(str(m) for m in argparse_messages() if not all(_forms(french.get(m, ""))))
    assert not missing, f"argparse messages missing from {ARGPARSE_CATALOG.name}: {missing}"


def test_translations_keep_their_placeholders() -> None:
    problems = []
    for msgid, string in catalog().items():
        ids = _forms(msgid)
        for form in _forms(string):
            if _placeholders(form) not in [_placeholders(i) for i in ids]:
                problems.append(f"{msgid!r} → {form!r}")
    assert not problems, "\n".join(problems)


def _placeholders(text: str) -> list[str]:
    """Named placeholders in any order, positional ones (``%s``, ``%r``) in their order."""
    found = PLACEHOLDER.findall(text)
    return sorted(found) if all("(" in f for f in found) else found


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)

"""No counted noun with a fixed plural (issue 16: « 1 absences prévenues »). The package's
``_("…")`` and ``N_("…")`` texts are read with ``ast``; a ``{placeholder}`` followed by a word
ending in « s » or « x » (« {n} visites », « {n} nouvelles ») or a « (s) » is a count that
needs ``ngettext`` (French puts 0 and 1 in the singular), unless it is listed in ``ALLOWED``
with the reason it can never be 0 or 1."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import tiers_lieu

PACKAGE = Path(tiers_lieu.__file__).parent
ROOT = PACKAGE.parent

# « {placeholder} word » where the word ends in s or x, or « (s) ».
_COUNTED = re.compile(r"\{[^{}]*\}\s+([a-zàâçéèêëîïôûùüÿœ]+[sx])(?![\w-])", re.IGNORECASE)
_MAYBE_PLURAL = re.compile(r"\((e?s|x)\)")

# Words ending in s that follow a placeholder without being a counted noun.
NOT_A_NOUN = {
    "après",  # « {d} après le dernier contact » ({d} is a duration already in ngettext)
    "mais",  # « un classeur {suffix} mais ce n'en est pas un »
    "clos",  # « Suivi du {day} clos »
    "dans",
    "depuis",
    "jamais",
    "plus",
    "puis",
    "sans",
    "sous",
    "vers",
}

_LIMIT = "a limit set in the code (a constant ≥ 2), never a count of what the user has"
_MAX_LENGTH = "a field's maximum length, a constant ≥ 2"
_MIN_SECRET = "the minimum length of a password or passphrase, a constant ≥ 8"

# (file under tiers_lieu/, « {placeholder} word ») → why it is never 0 or 1.
ALLOWED: dict[tuple[str, str], str] = {
    ("cli/encrypt.py", "{n} caractères"): _MIN_SECRET,
    ("encryption_keys.py", "{n} caractères"): _MIN_SECRET + "; the recovery code's size, 20",
    ("encryption_keys.py", "{limit} octets"): _LIMIT,
    ("reports/pdf_parts/sections.py", "{n} communes"): "TOP_COMMUNES, a constant ≥ 2",
    ("ui/people/solidarity.py", "{n} prochains"): "REVIEW_DAYS, a constant ≥ 2",
    ("reports/documents/fec.py", "{end} écrits"): "a date; the count before is an ngettext phrase",
    ("services/till/invoice_lines.py", "{n} lignes"): "MAX_LINES, a constant ≥ 2",
    ("services/cafe.py", "{n} caractères"): _MAX_LENGTH,
    ("services/programme.py", "{max} personnes"): "MAX_COUNT, a constant ≥ 2",
    ("services/programme.py", "{n} ateliers"): "MAX_EVENTS or events_sheets.MAX_SHEETS, ≥ 2",
    ("services/till/printer.py", "{widths} caractères"): "the list of widths, « 32 / 42 / 48 »",
    ("ui/grocery/receipt_dialog.py", "{n} caractères"): "a receipt width: 32, 42 or 48",
    ("ui/money/invoices_tab.py", "{number} émis"): "a document number, not a count",
    ("ui/people/solidarity.py", "{n} jours"): "REVIEW_DAYS, a constant ≥ 2",
    ("services/account_secrets.py", "{n} caractères"): _MIN_SECRET,
    ("services/accounts.py", "{high} minutes"): "LOCK_MAX_MINUTES, a constant ≥ 2",
    ("services/agenda/ics_read.py", "{limit} fois"): _LIMIT,
    ("services/agenda/ics_read.py", "{limit} jours"): _LIMIT,
    ("services/agenda/ics_read.py", "{limit} réservations"): _LIMIT,
    ("services/agenda/ics_recur.py", "{limit} périodes"): _LIMIT,
    ("services/amap/contracts.py", "{n} caractères"): _MAX_LENGTH,
    ("services/amap/payments.py", "{n} caractères"): _MAX_LENGTH,
    ("services/amap/pickups.py", "{n} caractères"): _MAX_LENGTH,
    ("services/amap/solidarity.py", "{n} caractères"): _MAX_LENGTH,
    ("services/assistance_checks.py", "{max} minutes"): _LIMIT,
    ("services/assistance_checks.py", "{n} caractères"): _MAX_LENGTH,
    ("services/deliveries.py", "{n} caractères"): _MAX_LENGTH,
    ("services/rota.py", "{n} semaines"): "MAX_REPEAT_WEEKS, a constant ≥ 2",
    ("services/rota.py", "{n} créneaux"): "MAX_SHIFTS_A_WEEK, a constant ≥ 2",
    ("services/coop_export.py", "{n} activités"): "MAX_ROWS, a constant ≥ 2",
    ("services/events.py", "{max} personnes"): "MAX_COUNT, a constant ≥ 2",
    ("services/events_attendance.py", "{max} personnes"): "MAX_COUNT, a constant ≥ 2",
    ("services/grocery/producers.py", "{n} caractères"): _MAX_LENGTH,
    ("services/grocery/products.py", "{n} caractères"): _MAX_LENGTH,
    ("services/grocery/sale_pricing.py", "{n} caractères"): _MAX_LENGTH,
    ("services/grocery/stock.py", "{n} caractères"): _MAX_LENGTH,
    ("services/imports/matching.py", "{n} communes"): _LIMIT,
    ("services/imports/ods.py", "{limit} feuilles"): _LIMIT,
    ("services/imports/parsing.py", "{maximum} minutes"): _LIMIT,
    ("services/imports/xlsx.py", "{limit} caractères"): _LIMIT,
    ("services/imports/xlsx.py", "{limit} feuilles"): _LIMIT,
    ("services/imports/zipparts.py", "{limit} fois"): _LIMIT,
    ("services/imports/zipparts.py", "{limit} parties"): _LIMIT,
    ("services/imports/zipparts.py", "{ratio} fois"): "a ratio above the limit, so ≥ 2",
    ("services/imports/zipparts.py", "{limit} permis"): "a size (« 200 Mo »), not a count",
    ("services/organisation.py", "{n} caractères"): _MAX_LENGTH,
    ("services/people.py", "{n} caractères"): _MAX_LENGTH,
    ("services/tabular.py", "{limit} caractères"): _LIMIT,
    ("services/tabular.py", "{limit} lignes"): _LIMIT,
    ("services/time_sheets.py", "{n} caractères"): _MAX_LENGTH,
    ("services/time_sheets.py", "{n} feuilles"): "time_sheets.MAX_SHEETS, a constant ≥ 2",
    ("services/visit_log.py", "{n} personnes"): "MAX_COUNT, a constant ≥ 2",
    ("ui/demarches/fields.py", "{minutes} minutes"): "DURATION_PRESETS_MIN, all ≥ 5",
    ("ui/first_run/pages.py", "{n} caractères"): _MIN_SECRET,
    ("ui/imports/dialog.py", "{shown} premiers"): "MAX_PROBLEMS_SHOWN, a constant ≥ 2",
    ("ui/settings/account_dialogs.py", "{n} caractères"): _MIN_SECRET,
    ("validation.py", "{limit} caractères"): _MAX_LENGTH + " (every caller passes ≥ 30)",
    ("validation.py", "{length} reçus"): "a length above the maximum, so ≥ 2",
}

# TEMPORARY — hits in files other helpers were editing when this test was written; each is
# a real count to put through ngettext. Remove an entry once its file is fixed; the test
# fails on an entry that no longer matches anything.
PENDING_OTHERS: dict[tuple[str, str], str] = {}


def texts(path: Path) -> Iterator[tuple[int, str]]:
    """The line and text of each ``_("…")`` / ``N_("…")`` call in ``path``."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "N_"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def counted(text: str) -> list[str]:
    """The « {placeholder} word » and « (s) » fragments of ``text`` that look like a count."""
    found = [
        m.group(0).split()[0] + " " + m.group(1)
        for m in _COUNTED.finditer(text)
        if m.group(1).lower() not in NOT_A_NOUN
    ]
    return found + [m.group(0) for m in _MAYBE_PLURAL.finditer(text)]


@functools.cache
def hits() -> dict[tuple[str, str], list[str]]:
    """(file, fragment) → « file:line: text » for every suspicious message of the package
    (read once per test process: the two tests below share it)."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for line, text in texts(path):
            for fragment in counted(text):
                where = f"tiers_lieu/{name}:{line}: {text!r}"
                found.setdefault((name, fragment), []).append(where)
    return found


def test_the_scan_sees_a_fixed_plural_and_nothing_else() -> None:
    assert counted("{n} absences prévenues") == ["{n} absences"]
    assert counted("{count} nouvelles fiches") == ["{count} nouvelles"]
    assert counted("Visite(s) comptée(s) : {n}") == ["(s)", "(s)"]
    assert counted("{n} min") == counted("Suivi du {day} clos : {outcome}.") == []
    assert counted("Lignes importées : {n}") == []


def test_every_counted_noun_goes_through_ngettext() -> None:
    known = ALLOWED.keys() | PENDING_OTHERS.keys()
    unexplained = [w for key, where in hits().items() if key not in known for w in where]
    assert unexplained == [], (
        "use ngettext for these counts (or add them to ALLOWED with the reason they are "
        "never 0 or 1):\n" + "\n".join(unexplained)
    )


def test_the_exceptions_still_match_a_message() -> None:
    found = hits().keys()
    assert [key for key in ALLOWED if key not in found] == []
    assert [key for key in PENDING_OTHERS if key not in found] == [], (
        "fixed: remove from PENDING_OTHERS"
    )


def test_the_scan_reads_the_whole_package() -> None:
    assert (PACKAGE / "i18n.py").is_file() and ROOT.joinpath("tiers_lieu") == PACKAGE
    assert sum(1 for _ in PACKAGE.rglob("*.py")) > 100

"""The official list of French communes (INSEE code, name, postal codes, department,
population), shipped as ``resources/communes/communes.tsv.gz`` (Etalab's
``@etalab/decoupage-administratif``, Licence Ouverte; ``resources/communes/LISEZMOI.md`` says
how to renew it).

It lets a commune typed by name find its INSEE code: « st leonard de nob » finds
Saint-Léonard-de-Noblat (87); homonyms (« Aubusson », Creuse or Orne) come with their postal
codes and department to tell them apart. Former communes merged into a new one (communes
déléguées, associées) lead to the commune they belong to now.

The file is read once, on the first look-up (never at start-up), under a lock; it is our own
file but its decompressed size is bounded all the same. Without the file (a source install
without ``resources/``) every look-up finds nothing and the desk works as before.
"""

from __future__ import annotations

import gzip
import logging
import re
import threading
import unicodedata
from array import array
from dataclasses import dataclass

from tiers_lieu.resources import resource

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024  # the file inflates to about 1.3 MB
SUGGESTIONS = 12

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_CODE = re.compile(r"^(\d{5}|2[ab]\d{3})$")


def search_key(text: str) -> str:
    """« Saint-Léonard » , « st leonard », « ST-LÉONARD » → « saint leonard »: accents, case,
    dashes and apostrophes ignored, « St »/« Ste » read as « Saint »/« Sainte »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in bare).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


@dataclass(frozen=True, slots=True)
class OfficialCommune:
    code: str
    name: str
    postal_codes: tuple[str, ...]
    department: str
    department_name: str
    population: int | None
    former_name: str | None = None  # the former commune typed, when it led here

    def label(self) -> str:
        """« Felletin — 23500, Creuse (23) », what a suggestion shows."""
        postal = ", ".join(self.postal_codes[:2]) + ("…" if len(self.postal_codes) > 2 else "")
        where = f"{self.department_name} ({self.department})" if self.department_name else ""
        details = ", ".join(x for x in (postal, where) if x)
        name = f"{self.former_name} → {self.name}" if self.former_name else self.name
        return f"{name} — {details}" if details else name


class _Table:
    """Kept as the file's lines and one search key per name (about 8 MB for 37,000 names);
    an :class:`OfficialCommune` is made only for what a look-up returns."""

    def __init__(self, text: str) -> None:
        self.departments: dict[str, str] = {}
        self.lines: list[str] = []  # the « C » lines, one per current commune
        self.by_code: dict[str, int] = {}  # INSEE code → index in lines
        self.keys: list[str] = []  # search keys of current then former names
        self.targets = array("i")  # keys[i] names lines[targets[i]]
        self.former: dict[int, str] = {}  # index in keys → the former commune's name
        aliases: list[tuple[str, str]] = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            kind, code, name, rest = line.split("\t", 3)
            if kind == "D":
                self.departments[code] = name
            elif kind == "C":
                self.by_code[code] = len(self.lines)
                self.targets.append(len(self.lines))
                self.lines.append(line)
                self.keys.append(search_key(name))
            elif kind == "A":
                aliases.append((name, rest.rsplit("\t", 1)[-1]))
        for name, current in aliases:
            index = self.by_code.get(current)
            if index is not None:
                self.former[len(self.keys)] = name
                self.targets.append(index)
                self.keys.append(search_key(name))

    def commune(self, index: int, former_name: str | None = None) -> OfficialCommune:
        _kind, code, name, postal, department, population, _current = self.lines[index].split("\t")
        return OfficialCommune(
            code=code,
            name=name,
            postal_codes=tuple(postal.split()),
            department=department,
            department_name=self.departments.get(department, ""),
            population=int(population) if population else None,
            former_name=former_name,
        )

    def population(self, index: int) -> int:
        value = self.lines[index].rsplit("\t", 2)[1]
        return int(value) if value else 0

    def department(self, index: int) -> str:
        return self.lines[index].rsplit("\t", 3)[1]


_lock = threading.Lock()
_table: _Table | None = None


def _load() -> _Table:
    global _table
    with _lock:
        if _table is None:
            path = resource("communes", "communes.tsv.gz")
            try:
                with gzip.open(path, "rb") as stream:
                    data = stream.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    raise ValueError(f"{path} dépasse {MAX_BYTES} octets décompressés")
                _table = _Table(data.decode("utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("Liste officielle des communes illisible : %s", exc)
                _table = _Table("")
        return _table


def is_loaded() -> bool:
    return _table is not None


def load() -> int:
    """Read the list now (from a background operation, say); the number of communes."""
    return len(_load().by_code)


def preload() -> None:
    """Start reading the list in a background thread (a form with a commune field opens), so
    that the first letters typed do not wait for it; a look-up meanwhile waits on the lock."""
    if _table is None:
        threading.Thread(target=_load, name="communes-officielles", daemon=True).start()


def by_code(code: str) -> OfficialCommune | None:
    table = _load()
    index = table.by_code.get(code.strip().upper())
    return None if index is None else table.commune(index)


def named(text: str, *, near: str | None = None) -> list[OfficialCommune]:
    """The communes (current or former) whose name is ``text``, accents, case, dashes and
    « St » ignored; several for homonyms: those of department ``near`` first, then the
    biggest."""
    wanted = search_key(text)
    if not wanted:
        return []
    table = _load()
    found: dict[int, int] = {}  # commune index → key index
    for i, key in enumerate(table.keys):
        if key == wanted:
            found.setdefault(table.targets[i], i)
    order = sorted(
        found,
        key=lambda c: (table.department(c) != near, c in table.former, -table.population(c)),
    )
    return [table.commune(c, table.former.get(found[c])) for c in order]


def search(
    text: str, limit: int = SUGGESTIONS, *, near: str | None = None
) -> list[OfficialCommune]:
    """Suggestions for what is typed: the name itself first, then names beginning with it,
    then names with a word beginning with it (current names before former ones, those of
    department ``near`` first, then the biggest communes); an INSEE code or the beginning of a
    postal code finds its communes too."""
    text = text.strip()
    if len(text) < 2:
        return []
    table = _load()
    if text.isdigit() or _CODE.match(text.casefold()):
        exact = table.by_code.get(text.upper())
        postal = [
            table.commune(i)
            for i, line in enumerate(table.lines)
            if i != exact and any(p.startswith(text) for p in line.split("\t", 4)[3].split())
        ]
        postal.sort(key=lambda c: (c.postal_codes[0] if c.postal_codes else "", c.name))
        head = [] if exact is None else [table.commune(exact)]
        return (head + postal)[:limit]
    wanted = search_key(text)
    if not wanted:
        return []
    spaced = " " + wanted
    ranked: list[tuple[int, bool, bool, int, str, int]] = []
    for i, key in enumerate(table.keys):
        if key.startswith(wanted):
            rank = 0 if key == wanted else 1
        elif spaced in " " + key:
            rank = 2
        else:
            continue
        c = table.targets[i]
        ranked.append(
            (rank, i in table.former, table.department(c) != near, -table.population(c), key, i)
        )
    ranked.sort()
    result: list[OfficialCommune] = []
    for *_order, i in ranked[:limit]:
        result.append(table.commune(table.targets[i], table.former.get(i)))
    return result

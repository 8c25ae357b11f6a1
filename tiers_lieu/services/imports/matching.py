"""Turning the words of a spreadsheet into the site's rows: services, DOMAIN.md categories and
communes, each looked up in a dictionary built once per import.

A 100 000-line file cannot afford a query per cell, so the site's services, categories and
communes are read once into dictionaries keyed by :func:`~.parsing.compact` (case, accents,
spaces and punctuation ignored); inactive entries still match, because an old spreadsheet
speaks of what the site counted then. A few spellings every desk uses are understood too: the
initials in brackets of an organisme (« CPAM », « ANTS »), « F »/« H » for the genders, and
« Non communiqué », « NC » or an empty cell for an unknown detail.

Communes are matched by INSEE code or by name; a name the site does not know yet is given a new
id here and added outside the territory by the writer, in the same transaction as the rows
that use it (DOMAIN.md allows free entry).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.i18n import _, format_number
from tiers_lieu.models import Category, Commune, Service
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.imports.parsing import InvalidCellError, compact
from tiers_lieu.services.sites import INSEE_RE

UNKNOWN_WORDS = frozenset(
    compact(w) for w in (UNKNOWN, "NC", "N/C", "Non renseigné", "Inconnu", "?", "-")
)

# Short forms seen in tally sheets, by the compact key of the label they stand for.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    compact("Féminin"): ("F", "Femme", "Fille"),
    compact("Masculin"): ("M", "H", "Homme", "Garçon"),
}

_BRACKETS = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")
#: Communes one import may add: past that, the column is surely not a commune's.
MAX_NEW_COMMUNES = 1000


@dataclass
class Vocabulary:
    """One list of the site (its services, or the categories of one kind) matched by word."""

    what: str  # « service » or « valeur », used in the message for an unknown word
    labels: dict[uuid.UUID, str]
    shown: list[str]  # the active labels, listed when a word is not understood
    keys: dict[str, uuid.UUID] = field(default_factory=dict)

    @classmethod
    def build(cls, what: str, entries: list[tuple[uuid.UUID, str, bool]]) -> Vocabulary:
        vocabulary = cls(
            what=what,
            labels={eid: label for eid, label, _active in entries},
            shown=[label for _eid, label, active in entries if active],
        )
        exact: dict[str, uuid.UUID] = {}
        extra: dict[str, set[uuid.UUID]] = {}
        for eid, label, _active in sorted(entries, key=lambda e: not e[2]):
            exact.setdefault(compact(label), eid)
            shorts = list(SHORT_FORMS.get(compact(label), ()))
            bracketed = _BRACKETS.match(label)
            if bracketed:
                shorts += [bracketed.group(1), bracketed.group(2)]
            for short in shorts:
                extra.setdefault(compact(short), set()).add(eid)
        vocabulary.keys = {
            key: next(iter(ids)) for key, ids in extra.items() if len(ids) == 1 and key
        }
        vocabulary.keys.update(exact)
        return vocabulary

    def match(self, text: str, *, required: bool) -> uuid.UUID | None:
        """The id ``text`` names; ``None`` for « Non communiqué » when the field is optional."""
        key = compact(text)
        if not key or key in UNKNOWN_WORDS:
            if required:
                raise InvalidCellError(_("valeur obligatoire manquante"))
            return None
        found = self.keys.get(key)
        if found is None:
            options = ", ".join([*self.shown, *([] if required else [UNKNOWN])])
            if self.what == "service":
                message = _("service inconnu « {value} » (services : {options})")
            else:
                message = _("valeur inconnue « {value} » (valeurs : {options})")
            raise InvalidCellError(message.format(value=text, options=options))
        return found

    def label(self, entry_id: uuid.UUID | None) -> str | None:
        return None if entry_id is None else self.labels[entry_id]


@dataclass
class Communes:
    """The site's communes by INSEE code and by name, plus those an import adds."""

    by_code: dict[str, uuid.UUID]
    by_name: dict[str, uuid.UUID]
    names: dict[uuid.UUID, str]
    new: dict[uuid.UUID, str] = field(default_factory=dict)

    def match(self, text: str) -> uuid.UUID | None:
        key = compact(text)
        if not key or key in UNKNOWN_WORDS:
            return None
        code = text.strip().upper()
        if INSEE_RE.match(code):
            found = self.by_code.get(code)
            if found is None:
                raise InvalidCellError(
                    _(
                        "code INSEE inconnu « {value} » : importez d'abord les communes du "
                        "territoire, ou écrivez le nom de la commune"
                    ).format(value=text)
                )
            return found
        found = self.by_name.get(key)
        if found is None:
            if len(text.strip()) > 120:
                raise InvalidCellError(_("nom de commune trop long (120 caractères au plus)"))
            if len(self.new) >= MAX_NEW_COMMUNES:
                raise InvalidCellError(
                    _(
                        "plus de {n} communes inconnues du lieu dans ce fichier (« {value} ») : "
                        "vérifiez la colonne commune"
                    ).format(value=text, n=format_number(MAX_NEW_COMMUNES))
                )
            found = uuid.uuid4()
            self.by_name[key] = found
            self.names[found] = text.strip()
            self.new[found] = text.strip()
        return found

    def label(self, commune_id: uuid.UUID | None) -> str | None:
        return None if commune_id is None else self.names[commune_id]


@dataclass
class Lookups:
    """Everything an import matches against, read once from the site's configuration."""

    services: Vocabulary
    categories: dict[CategoryKind, Vocabulary]
    communes: Communes

    def category(self, kind: CategoryKind) -> Vocabulary:
        return self.categories.get(kind) or Vocabulary.build("valeur", [])


def load_lookups(session: Session, site_id: uuid.UUID) -> Lookups:
    """Read the site's services, categories and communes (one query each)."""
    services = [
        (sid, name, bool(active))
        for sid, name, active in session.execute(
            select(col(Service.id), col(Service.name), col(Service.active))
            .where(col(Service.site_id) == site_id)
            .order_by(col(Service.position), col(Service.name))
        )
    ]
    grouped: dict[str, list[tuple[uuid.UUID, str, bool]]] = {}
    for cid, kind, label, active in session.execute(
        select(col(Category.id), col(Category.kind), col(Category.label), col(Category.active))
        .where(col(Category.site_id) == site_id, col(Category.is_unknown).is_(False))
        .order_by(col(Category.kind), col(Category.position), col(Category.label))
    ):
        grouped.setdefault(kind, []).append((cid, label, bool(active)))
    by_code: dict[str, uuid.UUID] = {}
    by_name: dict[str, uuid.UUID] = {}
    names: dict[uuid.UUID, str] = {}
    # Territory first, so that a name shared with a commune typed in earlier means the former.
    for cid, code, name, _territory in session.execute(
        select(
            col(Commune.id), col(Commune.insee_code), col(Commune.name), col(Commune.in_territory)
        )
        .where(col(Commune.site_id) == site_id)
        .order_by(col(Commune.in_territory).desc(), col(Commune.name))
    ):
        names[cid] = name
        if code:
            by_code.setdefault(code.upper(), cid)
        by_name.setdefault(compact(name), cid)
    return Lookups(
        services=Vocabulary.build("service", services),
        categories={
            CategoryKind(kind): Vocabulary.build("valeur", entries)
            for kind, entries in grouped.items()
            if kind in CategoryKind.__members__.values()
        },
        communes=Communes(by_code=by_code, by_name=by_name, names=names),
    )

"""The register's search, and what a person looks like in a list or a form
(:class:`PersonInfo`).

The matching is done by the database, one page at a time: every word typed must be in the
person's names (and phone and e-mail for the roles that may see them), folded the same way
as :func:`~tiers_lieu.services.tabular.normalise` folds the words. SQLite calls :func:`fold`
(registered on the connection at each search); PostgreSQL writes the same fold in SQL. The
register's service, :class:`~tiers_lieu.services.people.PeopleService`, calls
:func:`read_page`.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, func, literal_column
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tiers_lieu.models import Person


@dataclass(frozen=True)
class PersonInfo:
    id: uuid.UUID
    first_name: str
    last_name: str
    organisation: str
    phone: str
    email: str
    commune_id: uuid.UUID | None
    has_consent: bool

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.organisation


def person_info(p: Person) -> PersonInfo:
    consent = p.consent_given_at is not None and p.consent_withdrawn_at is None
    return PersonInfo(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        organisation=p.organisation,
        phone=p.phone,
        email=p.email,
        commune_id=p.commune_id,
        has_consent=consent,
    )


def read_page(
    session: Session,
    site_id: uuid.UUID,
    words: Sequence[str],
    *,
    offset: int,
    limit: int,
    contacts: bool,
) -> list[PersonInfo]:
    """One page of the people of ``site_id`` whose fields hold every word of ``words`` (the
    pieces of ``normalise(text)``; everyone when there is none), alphabetical. Phone and e-mail
    are searched and shown only with ``contacts``.

    The matching is done by the database, one page at a time (issue 17: reading the
    whole register at each letter cost 70–110 ms on the large demo)."""
    values: dict[str, Any] = {"site_id": site_id, "offset": offset, "limit": limit}
    values.update({f"word{n}": word for n, word in enumerate(words)})
    dialect = session.get_bind().dialect.name
    if words and dialect == "sqlite":
        driver = session.connection().connection.driver_connection
        # Registered on the connection at hand (a few µs): pooled connections change.
        driver.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # type: ignore[union-attr]
    query = _search_query(dialect, contacts, len(words))
    rows = session.execute(query, values).all()
    return [_listed_info(row, contacts) for row in rows]


_LISTED = (
    col(Person.id),
    col(Person.first_name),
    col(Person.last_name),
    col(Person.organisation),
    col(Person.phone),
    col(Person.email),
    col(Person.commune_id),
    and_(
        col(Person.consent_given_at).is_not(None), col(Person.consent_withdrawn_at).is_(None)
    ).label("has_consent"),
)
"""What a list of people shows: columns, not ``Person`` objects (a page is read at each
search)."""


@lru_cache(maxsize=64)
def _search_query(dialect: str, contacts: bool, words: int) -> Any:
    """The search's statement for ``words`` words (bound as ``word0``…), built once: its
    parameters are ``site_id``, the words, ``offset`` and ``limit``."""
    query = sa_select(*_LISTED).where(
        col(Person.site_id) == bindparam("site_id"),
        col(Person.anonymized_at).is_(None),
        col(Person.merged_into_id).is_(None),
    )
    if words:
        searched = [Person.first_name, Person.last_name, Person.organisation]
        if contacts:
            searched += [Person.phone, Person.email]
        query = query.where(*_contains_words(dialect, searched, words))
    return (
        query.order_by(col(Person.last_name), col(Person.first_name), col(Person.id))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def _listed_info(row: Any, contacts: bool) -> PersonInfo:
    person_id, first, last, organisation, phone, email, commune_id, consent = row
    return PersonInfo(
        id=person_id,
        first_name=first,
        last_name=last,
        organisation=organisation,
        phone=phone if contacts else "",
        email=email if contacts else "",
        commune_id=commune_id,
        has_consent=bool(consent),
    )


class _Folds(dict[int, str]):
    """Each character's fold (case folded, compatibility-decomposed, accents dropped),
    worked out the first time it is met; at most ``LIMIT`` remembered."""

    LIMIT = 20_000

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(self) < self.LIMIT:
            self[code] = bare
        return bare


_FOLDS = _Folds({code: chr(code).lower() for code in range(128)})


def fold(text: str) -> str:
    """``text`` as the search compares it: case and accents dropped, character by character.

    A word typed (a piece of :func:`~tiers_lieu.services.tabular.normalise`, which never holds
    a space, a dash or an underscore) is in ``fold(text)`` exactly when it is in
    ``normalise(text)``: both fold every character the same way and differ only in the
    separators. Character by character, so that the database can call it on every row of a
    place in a few milliseconds (``normalise`` cost 18 µs a row)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDS)


FOLD_FUNCTION = "comptoir_fold"
"""The name :func:`fold` is given inside SQLite, for the search's ``WHERE``."""

_COMBINING_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def _contains_words(dialect: str, columns: list[Any], words: int) -> list[ColumnElement[bool]]:
    """One condition per word (``word0``…): the fields, joined by spaces and folded, hold it."""
    text: Any = columns[0]
    for column in columns[1:]:
        text = text + " " + column
    typed = [bindparam(f"word{n}", type_=String()) for n in range(words)]
    if dialect == "sqlite":  # the connection has :func:`fold` as FOLD_FUNCTION
        folded = getattr(func, FOLD_FUNCTION)(text)
        return [func.instr(folded, word) > 0 for word in typed]
    # PostgreSQL: the same fold in SQL (decomposed, marks dropped, lower case, and the two
    # letters Python's casefold changes beyond lower case: ß → ss, final ς → σ). Letters
    # outside the Latin, Greek and Cyrillic alphabets may fold differently there.
    bare = func.regexp_replace(
        func.normalize(text, literal_column("NFKD")), _COMBINING_MARKS, "", "g"
    )
    folded = func.translate(func.replace(func.lower(bare), "ß", "ss"), "ς", "σ")
    return [func.strpos(folded, word) > 0 for word in typed]

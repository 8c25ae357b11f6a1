"""Are the guards of migration 0012 still there, unchanged and enabled?

``DROP TRIGGER`` leaves no journal line to break: this is how it is seen. The expected text
is :mod:`.guards`' (``sqlite_trigger`` / ``postgres_guard``), the one definition the migration
created them from.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from tiers_lieu.i18n import _
from tiers_lieu.services.till.guards import (
    GUARDS,
    TRUNCATE_GUARDED,
    postgres_guard,
    sqlite_trigger,
)


def _collapse(sql: str | None) -> str:
    return " ".join((sql or "").split())


def guard_problems(connection: Connection) -> list[str]:
    """What is wrong with migration 0012's triggers, in French (nothing when all is well)."""
    names = [guard[0] for guard in GUARDS]
    tables = sorted({guard[1] for guard in GUARDS})
    if connection.dialect.name == "postgresql":
        names += [f"{table}_no_truncate" for table in TRUNCATE_GUARDED]
        return _postgres_problems(connection, names, tables)
    if connection.dialect.name != "sqlite":
        return []
    found = {
        name: _collapse(sql)
        for name, sql in connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    problems = []
    for name in names:
        if name not in found:
            problems.append(_guard_problem(_MISSING, name))
        elif found[name] != _collapse(sqlite_trigger(name)):
            problems.append(_guard_problem(_CHANGED, name))
    return problems


def _postgres_problems(
    connection: Connection, names: Iterable[str], tables: list[str]
) -> list[str]:
    found = {
        row.tgname: row
        for row in connection.execute(
            text(
                "SELECT t.tgname, t.tgenabled, p.prosrc, pg_get_triggerdef(t.oid) AS definition "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE c.relnamespace = to_regnamespace(current_schema()) "
                "AND NOT t.tgisinternal AND c.relname = ANY(:tables)"
            ),
            {"tables": tables},
        )
    }
    problems = []
    for name in names:
        function, trigger = postgres_guard(name)
        body = function.split("$$")[1]
        # « CREATE TRIGGER n BEFORE UPDATE ON t FOR EACH ROW … »: what the definition says.
        event = trigger.split(" ON ")[0].split(f"{name} ", 1)[1]
        row = found.get(name)
        if row is None:
            problems.append(_guard_problem(_MISSING, name))
        elif _collapse(row.prosrc) != _collapse(body) or event not in row.definition:
            problems.append(_guard_problem(_CHANGED, name))
        elif row.tgenabled not in ("O", "A"):
            problems.append(_guard_problem(_DISABLED, name))
    return problems


_MISSING, _CHANGED, _DISABLED = "missing", "changed", "disabled"


def _guard_problem(state: str, name: str) -> str:
    messages = {
        _MISSING: _(
            "La protection de la caisse a été retirée (déclencheur « {name} » absent) : "
            "tickets, clôtures ou journal ont pu être modifiés ou effacés."
        ),
        _CHANGED: _(
            "La protection de la caisse a été modifiée (déclencheur « {name} ») : elle ne "
            "refuse plus ce qu'elle doit refuser."
        ),
        _DISABLED: _(
            "La protection de la caisse est désactivée (déclencheur « {name} ») : tickets, "
            "clôtures ou journal ont pu être modifiés ou effacés."
        ),
    }
    return messages[state].format(name=name)

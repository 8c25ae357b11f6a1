"""Every service method is guarded, and every writer leaves an audit line (issue 15, point 5).

Every public method of every service class (found by walking ``tiers_lieu.services``, see
``tests/serviceclasses.py``) must carry a permission (``@requires``), or be listed in
:data:`OPEN` with the reason anyone may call it. What a method does is read from its source
and, transitively, from the source of every Comptoir function, method and service it calls:
a method that reaches ``commit()`` writes. An open method must not write (unless listed in
:data:`OPEN_WRITERS`, with why), and a writer must reach ``audit.record`` (unless listed in
:data:`NOT_AUDITED`, with why). A new method, guarded or not, is thus classified without
anyone having to remember this file, and an unguarded one fails until someone says why.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from serviceclasses import instantiate, public_methods, qualified, service_classes

from tiers_lieu.app import Comptoir
from tiers_lieu.services import audit

# Methods anyone may call (no permission), and why. Each is checked to write nothing.
OPEN: dict[str, str] = {
    # Signing in is what gives a permission; the throttle and the last sign-in are written.
    "account_signin.SignIn.authenticate": "la connexion elle-même",
    "account_signin.SignIn.authenticate_pin": "la connexion elle-même",
    "account_signin.SignIn.unlock": "déverrouiller l'écran de son propre compte",
    "accounts.AccountService.authenticate": "la connexion elle-même",
    "accounts.AccountService.authenticate_pin": "la connexion elle-même",
    "accounts.AccountService.unlock": "déverrouiller l'écran de son propre compte",
    "accounts.AccountService.has_users": "le premier démarrage : faut-il créer un compte ?",
    "accounts.AccountService.list_users": "l'écran de connexion liste les comptes",
    "accounts.AccountService.lock_minutes": "délai de verrouillage du poste, avant connexion",
    # One's own account; anyone else's needs ACCOUNTS, checked inside (test_accounts_roles).
    "accounts.AccountService.set_password": "son propre mot de passe (sinon « gérer les comptes »)",
    "accounts.AccountService.set_pin": "son propre code PIN (sinon « gérer les comptes »)",
    "accounts.AccountService.update_display_name": "son propre nom (sinon « gérer les comptes »)",
    # The place and its settings every screen needs to show anything (no personal data).
    "sites.SiteService.list_sites": "les lieux visibles par le compte (filtrés)",
    "sites.SiteService.resolve": "un lieu par son nom, parmi les lieux visibles",
    "config.ConfigService.is_open_on": "horaires du lieu",
    "config.ConfigService.list_categories": "listes de choix du lieu",
    "config.ConfigService.list_closures": "fermetures du lieu",
    "config.ConfigService.list_services": "services du lieu (touches de l'accueil)",
    "config.ConfigService.opening_hours": "horaires du lieu",
    "communes.CommuneService.list_communes": "communes du territoire (saisie de la commune)",
    "visits.VisitService.time_zone": "le fuseau horaire du lieu",
    "events.EventService.default_service_id": "le service des ateliers du lieu",
    "events.EventService.list_partners": "noms des partenaires (structures, pas des personnes)",
    "privacy.PrivacyService.retention": "durées de conservation affichées à tous",
    "privacy.PrivacyService.notice_facts": "la notice d'information, publique",
    "agenda.availability.AvailabilityService.bookable_ranges": "créneaux ouverts du lieu",
    "agenda.availability.AvailabilityService.closed_reason": "le lieu est-il fermé ce jour",
    "agenda.availability.AvailabilityService.free_slots": "créneaux libres (sans nom)",
    "agenda.passes.PassService.list_types": "formules et tarifs du lieu",
    "agenda.permanences.PermanenceService.list": "permanences affichées au public",
    "agenda.practitioners.PractitionerService.get": "intervenant·es (professionnels)",
    "agenda.practitioners.PractitionerService.list": "intervenant·es (professionnels)",
    "agenda.resources.ResourceService.find": "salles et postes du lieu",
    "agenda.resources.ResourceService.get": "salles et postes du lieu",
    "agenda.resources.ResourceService.list": "salles et postes du lieu",
    "till.journal_service.TillJournalService.verify_archive": "un fichier, la clé publique",
}

# Open methods that write anyway, and why that is safe.
OPEN_WRITERS: dict[str, str] = {
    **{
        name: "la connexion enregistre les essais (blocage) et la dernière connexion"
        for name in (
            "account_signin.SignIn.authenticate",
            "account_signin.SignIn.authenticate_pin",
            "account_signin.SignIn.unlock",
            "accounts.AccountService.authenticate",
            "accounts.AccountService.authenticate_pin",
            "accounts.AccountService.unlock",
        )
    },
    **{
        name: "son propre compte ; celui d'un autre exige « gérer les comptes » (audité)"
        for name in (
            "accounts.AccountService.set_password",
            "accounts.AccountService.set_pin",
            "accounts.AccountService.update_display_name",
        )
    },
}

# Guarded writers that leave no audit line, and why.
NOT_AUDITED: dict[str, str] = {
    # A visit counted at the desk is the activity itself (dozens a day, no personal data);
    # the audit log is for corrections and deletions, which are audited (completing or
    # undoing it at the desk, and visit_log).
    "visits.VisitService.count": "compter une visite est l'activité elle-même",
    # « Une personne entre »: the same key press at the door (its correction and its undo
    # are audited).
    "passages.PassageService.enter": "compter une entrée est l'activité elle-même",
    # A démarche entered at the desk is the activity itself and names its author
    # (created_by_id); reading its notes is audited (« Consultation »), closing a follow-up
    # and every correction too. A line per record would double imports of thousands.
    "assistance.AssistanceService.create": "saisir une démarche est l'activité elle-même",
    # A new place: a line would make it impossible to remove for 28 days (the audit log
    # refuses deleting recent lines), and the demo removes the places it created when it
    # fails half-way; the place keeps its creation instant (created_at).
    "sites.SiteService.init_site": "créer un lieu (premier démarrage, démo)",
    # Demo data fills a trial base (its places are removed again if it fails half-way,
    # which recent audit lines would forbid); nothing real is changed.
    "demo.DemoService.generate": "données de démonstration d'une base d'essai",
    # A sale is the till's own journal (lines, payments, the Z report); a cancellation is
    # audited (grocery.sales.SaleService.cancel).
    "grocery.sales.SaleService.record": "une vente est le journal de caisse lui-même",
    # A reprinted ticket is a « duplicate » line of the till journal (chained, inalterable).
    "till.receipts.ReceiptService.duplicate": "le duplicata est une ligne du journal de caisse",
    # A read-only unit of work: its commit only ends the read transaction.
    "reports.ReportService.compute": "calcul en lecture seule",
    "reports.ReportService.census": "calcul en lecture seule",
    # The bundle import keeps its own history (bundle_import, bundle_conflict), with
    # counts and conflicts, shown in Rapports › Réseau de lieux.
    "bundles.BundleService.import_bundle": "l'import garde son propre historique",
}

COMMIT = "commit"


@functools.cache  # each method's walk meets the same helpers: read each one once
def _names(function: Callable[..., Any]) -> tuple[ast.Name | ast.Attribute, ...] | None:
    """The names and attributes in the body of ``function`` (not its annotations), or None
    when its source cannot be read."""
    try:
        text = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return None
    tree = ast.parse(text)
    definition = tree.body[0] if tree.body else tree
    body = getattr(definition, "body", [definition])
    return tuple(
        node
        for statement in body
        for node in ast.walk(statement)
        if isinstance(node, ast.Name | ast.Attribute)
    )


def _ours(obj: Any) -> bool:
    """Comptoir code, but not the unit of work itself (its ``commit`` is what we look for)."""
    module = getattr(obj, "__module__", "") or ""
    return module.startswith("tiers_lieu.") and module != "tiers_lieu.db"


def _unwrap(obj: Any) -> Any:
    if isinstance(obj, staticmethod | classmethod):
        obj = obj.__func__
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    return inspect.unwrap(obj) if callable(obj) else obj


def _functions_of(obj: Any) -> list[Callable[..., Any]]:
    """The functions ``obj`` stands for: itself, or a class's methods it may run."""
    obj = _unwrap(obj)
    if inspect.isfunction(obj) and _ours(obj):
        return [obj]
    if inspect.isclass(obj) and _ours(obj):  # a class built here runs its constructor
        init = _unwrap(obj.__dict__.get("__init__"))
        return [init] if inspect.isfunction(init) and _ours(init) else []
    return []


def _resolve(node: ast.AST, scope: dict[str, Any], owner: Any) -> Any:
    """What a name or dotted attribute in a method's source refers to, if we can tell."""
    if isinstance(node, ast.Name):
        if node.id in ("self", "cls"):
            return owner
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope, owner)
        if base is None:
            return None
        try:
            return inspect.getattr_static(base, node.attr)
        except AttributeError:
            try:
                return getattr(base, node.attr)
            except Exception:
                return None
    return None


class Reach:
    """The Comptoir functions a method reaches, and what they do."""

    def __init__(self, instance: Any, method: Callable[..., Any]) -> None:
        self.commits = False
        self.audits = False
        self._seen: set[Any] = set()
        self._walk(_unwrap(method), instance)

    def _walk(self, function: Callable[..., Any], owner: Any) -> None:
        if function in self._seen:
            return
        self._seen.add(function)
        if function is _unwrap(audit.record):
            self.audits = True
        names = _names(function)
        if names is None:
            return
        scope = dict(function.__globals__)
        if function.__closure__:
            for name, cell in zip(function.__code__.co_freevars, function.__closure__, strict=True):
                try:
                    scope[name] = cell.cell_contents
                except ValueError:
                    continue
        for node in names:
            if isinstance(node, ast.Attribute) and node.attr == COMMIT:
                self.commits = True
            target = _resolve(node, scope, owner)
            for found in _functions_of(target):
                inner_owner = owner
                if isinstance(node, ast.Attribute):
                    base = _resolve(node.value, scope, owner)
                    if base is not None and not inspect.ismodule(base):
                        inner_owner = base
                self._walk(found, inner_owner)


def _all_methods() -> list[tuple[type, str, Callable[..., Any]]]:
    return [
        (cls, name, function) for cls in service_classes() for name, function in public_methods(cls)
    ]


@pytest.fixture(scope="module")
def reaches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Reach]:
    from tiers_lieu.app import build

    app: Comptoir = build(str(tmp_path_factory.mktemp("writers") / "w.sqlite"))
    try:
        found = {}
        for cls, name, function in _all_methods():
            try:
                instance: Any = instantiate(cls, app)
            except (KeyError, TypeError):
                instance = cls
            found[qualified(cls, name)] = Reach(instance, function)
        return found
    finally:
        app.close()


def test_the_walk_finds_the_services_and_tells_writers_from_readers(
    reaches: dict[str, Reach],
) -> None:
    assert len(reaches) > 180
    writers = {name for name, reach in reaches.items() if reach.commits}
    assert "people.PeopleService.create" in writers
    assert "accounts.AccountService.set_role" in writers  # through a private helper
    assert "grocery.stock.StockService.receive" in writers
    assert "people.PeopleService.search" not in writers
    assert reaches["people.PeopleService.create"].audits
    assert not reaches["people.PeopleService.search"].audits


def test_every_method_needs_a_permission_or_a_reason() -> None:
    unguarded = sorted(
        qualified(cls, name)
        for cls, name, function in _all_methods()
        if getattr(function, "required_permission", None) is None
        and qualified(cls, name) not in OPEN
    )
    assert unguarded == [], "méthodes sans permission (ajoutez @requires, ou une raison à OPEN)"

    known = {qualified(cls, name) for cls, name, _f in _all_methods()}
    assert sorted(set(OPEN) - known) == []  # no stale entry


def test_open_methods_write_nothing(reaches: dict[str, Reach]) -> None:
    writing = sorted(name for name in OPEN if reaches[name].commits and name not in OPEN_WRITERS)
    assert writing == [], "méthodes ouvertes à tous qui écrivent"


def test_every_writer_leaves_an_audit_line(reaches: dict[str, Reach]) -> None:
    silent = sorted(
        name
        for name, reach in reaches.items()
        if reach.commits
        and not reach.audits
        and name not in NOT_AUDITED
        and name not in OPEN_WRITERS
    )
    assert silent == [], "méthodes qui écrivent sans ligne d'audit"
    assert sorted(set(NOT_AUDITED) - set(reaches)) == []
    needless = sorted(n for n in NOT_AUDITED if not reaches[n].commits or reaches[n].audits)
    assert needless == [], "exemptés à tort : ils n'écrivent pas, ou ils sont audités"


def test_the_service_modules_are_all_walked() -> None:
    """Every module of the package that defines a class holding a unit-of-work factory is
    among those walked (a service built some other way would escape the checks)."""
    root = Path(audit.__file__).parent
    holders = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "self._uow = " in path.read_text(encoding="utf-8")
    }
    walked = {str(Path(inspect.getfile(cls)).relative_to(root)) for cls in service_classes()}
    assert holders - walked == set()

"""Every service class of ``tiers_lieu.services`` (a class built on the unit-of-work factory)
and its public methods, found by walking the package: a new service or method is enumerated
without anyone having to list it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import tiers_lieu.services as services_package


def service_modules() -> list[Any]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(
            services_package.__path__, services_package.__name__ + "."
        )
    ]


def _built_on_uow_factory(cls: type) -> bool:
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return False
    return any(
        "UowFactory" in str(p.annotation) for name, p in parameters.items() if name != "self"
    )


def service_classes() -> list[type]:
    found: dict[str, type] = {}
    for module in service_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and _built_on_uow_factory(cls):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


def public_methods(cls: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Public methods defined by ``cls`` or a tiers_lieu base (not ``object``'s)."""
    for name, function in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        yield name, function


def qualified(cls: type, name: str) -> str:
    return f"{cls.__module__.removeprefix('tiers_lieu.services.')}.{cls.__name__}.{name}"


def instantiate(cls: type, app: Any) -> Any:
    """An instance wired to ``app``'s units of work (extra collaborators from ``app``)."""
    from tiers_lieu.services.grocery.products import ProductService

    extra = {
        "sites": app.sites,
        "products": ProductService(app.uow),
        "place_keys": app.place_keys,
        "backups": app.backups,
    }
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or parameter.default is not inspect.Parameter.empty:
            continue
        if "UowFactory" in str(parameter.annotation):
            kwargs[name] = app.uow
        else:
            kwargs[name] = extra[name]
    return cls(**kwargs)

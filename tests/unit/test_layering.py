"""The layering the design relies on: the core never imports Qt, and opening the windows
does not load the heavy report libraries (start-up time on the desk's old laptop)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import tiers_lieu

PACKAGE = Path(tiers_lieu.__file__).parent
CORE = [PACKAGE / "services", PACKAGE / "models", PACKAGE / "reports", PACKAGE / "db.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        if entry.is_dir():
            files.extend(sorted(entry.rglob("*.py")))
        elif entry.exists():
            files.append(entry)
    return files


def test_the_core_never_imports_qt() -> None:
    files = core_files()
    assert len(files) > 10  # the scan really looks at the services and models
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "PySide6"
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_scan_would_see_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in imported_modules(sample)


def test_opening_the_windows_loads_neither_qt_in_the_core_nor_report_libraries() -> None:
    script = (
        "import sys\n"
        "import tiers_lieu.app\n"
        "assert 'PySide6' not in sys.modules, 'tiers_lieu.app imports PySide6'\n"
        "import tiers_lieu.ui.application, tiers_lieu.ui.main_window\n"
        "heavy = sorted({'reportlab', 'openpyxl'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


# -- the services compute, tiers_lieu/reports/ renders (issue 19) ---------------------------
DOCUMENT_LIBRARIES = ("reportlab", "openpyxl")
#: Our own modules that import those libraries at module level, or that turn read models
#: into files: a service importing them would render.
RENDERERS = ("tiers_lieu.reports.pdf_parts", "tiers_lieu.reports.documents")


def renders(name: str) -> bool:
    return name.split(".")[0] in DOCUMENT_LIBRARIES or any(
        name == r or name.startswith(r + ".") for r in RENDERERS
    )


def test_the_services_never_import_the_document_libraries() -> None:
    """The services compute read models; the writers of ``tiers_lieu/reports/`` turn them into
    PDFs and spreadsheets. Not one import of reportlab or openpyxl under ``services/``, not
    even inside a function."""
    files = sorted((PACKAGE / "services").rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in imported_modules(path) if renders(n))
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_scan_would_see_a_document_library_imported_inside_a_function(
    tmp_path: Path,
) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n"
        "    from reportlab.platypus import Table\n"
        "    import openpyxl\n"
        "    from tiers_lieu.reports.documents.z_report import write_z_pdf\n",
        encoding="utf-8",
    )
    assert {name for name in imported_modules(sample) if renders(name)} == {
        "reportlab.platypus",
        "openpyxl",
        "tiers_lieu.reports.documents.z_report",
    }


# -- no import cycle --------------------------------------------------------------------------
def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of ``package`` → the modules of ``package`` it imports: every import,
    inside functions and under ``TYPE_CHECKING`` too. An import of a submodule is not counted
    as one of its parent packages (Python runs those first anyway)."""
    root = package.parent
    modules: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path

    def module_of(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = here.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                wanted = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for each in wanted:
                target = module_of(each)
                if target and target != name and not name.startswith(target + "."):
                    targets.add(target)
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without
    recursion): each is a set of modules that import one another, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for start in sorted(graph):
        if start in index:
            continue
        visit(start)
        work = [(start, iter(sorted(graph[start])))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    visit(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def describe_cycles(graph: dict[str, set[str]], cycles: list[list[str]]) -> str:
    lines = []
    for component in cycles:
        inside = set(component)
        lines.append(f"{len(component)} modules:")
        lines += [f"  {m} -> {sorted(graph[m] & inside)}" for m in component]
    return "\n".join(lines)


def test_tiers_lieu_has_no_import_cycle() -> None:
    """Modules that import one another (even lazily, inside a function) cannot be understood,
    tested or moved one at a time (issue 19): the layers only import downwards."""
    graph = import_graph(PACKAGE)
    assert len(graph) > 100
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles:\n" + describe_cycles(graph, cycles)


def test_the_cycle_scan_sees_a_lazy_cycle_through_a_package(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("from pkg.sub.b import B\n", encoding="utf-8")
    (package / "a.py").write_text("def f():\n    from pkg.sub import b\n", encoding="utf-8")
    (package / "sub" / "b.py").write_text("from ..c import C\nB = 1\n", encoding="utf-8")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\nC = 2\n",
        encoding="utf-8",
    )
    (package / "d.py").write_text("import pkg.c\n", encoding="utf-8")
    graph = import_graph(package)
    assert graph["pkg.sub.b"] == {"pkg.c"}  # the relative import, resolved
    # a imports the package pkg.sub too, whose __init__ runs first: it is in the cycle
    assert import_cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub", "pkg.sub.b"]]

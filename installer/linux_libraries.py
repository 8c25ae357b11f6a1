"""The system libraries a Linux bundle of Comptoir loads, and the Debian packages that hold them.

    python3 installer/linux_libraries.py check FOLDER      # every library resolves, or exit 1
    python3 installer/linux_libraries.py depends FOLDER    # Debian packages, one per line

The bundle carries Python, Qt and the wheels' libraries, but not the system's (the spec leaves
out what comes from /usr/lib): the .deb depends on the packages that hold them instead, found
here with ``ldd`` on every library of the bundle and ``dpkg -S`` on what it resolved, the way
``dpkg-shlibdeps`` would (that tool is in dpkg-dev, which a machine may lack). Standard library
only: it runs with the system's Python 3, before or after the package is installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

# Qt's GTK theme plugin is loaded only where GTK 3 is installed (a GNOME desktop), which brings
# what it links to; elsewhere Qt skips it and draws its own style. Its libraries are not the
# package's dependencies.
OPTIONAL_FILES = ("platformthemes/libqgtk3.so",)
RESOLVED = re.compile(r"^\s*(\S+) => (\S+) \(0x[0-9a-f]+\)$")
MISSING = re.compile(r"^\s*(\S+) => not found$")


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.as_posix().endswith(OPTIONAL_FILES):
            continue
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed(folder: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(system library path → files needing it, missing library → files needing it)."""
    internal = folder / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal if internal.is_dir() else folder))
    system: dict[str, set[str]] = {}
    missing: dict[str, set[str]] = {}
    root = str(folder.resolve())
    for path in elf_files(folder):
        result = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=env, check=False
        )
        for line in result.stdout.splitlines():
            if match := MISSING.match(line):
                missing.setdefault(match.group(1), set()).add(str(path.relative_to(folder)))
            elif match := RESOLVED.match(line):
                target = os.path.realpath(match.group(2))
                if not target.startswith(root):
                    system.setdefault(target, set()).add(str(path.relative_to(folder)))
    return system, missing


def package_of(library: str) -> str | None:
    """The Debian package that installed ``library`` (tried as given and without /usr)."""
    candidates = [library]
    if library.startswith("/usr/"):
        candidates.append(library.removeprefix("/usr"))
    for candidate in candidates:
        result = subprocess.run(
            ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and ":" in result.stdout:
            package = result.stdout.split(":", 1)[0].split(",")[0].strip()
            return package
    return None


def report_missing(missing: dict[str, set[str]]) -> int:
    for name, users in sorted(missing.items()):
        sys.stderr.write(f"introuvable : {name} (pour {', '.join(sorted(users)[:3])})\n")
    return 1 if missing else 0


def check(folder: Path) -> int:
    return report_missing(needed(folder)[1])


def depends(folder: Path) -> int:
    system, missing = needed(folder)
    status = report_missing(missing)
    packages = set()
    for library in sorted(system):
        package = package_of(library)
        if package is None:
            sys.stderr.write(f"aucun paquet Debian ne fournit {library}\n")
            status = 1
            continue
        packages.add(package)
    for package in sorted(packages):
        print(package)
    return status


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("check", "depends") or not Path(argv[1]).is_dir():
        sys.stderr.write(__doc__ or "")
        return 2
    folder = Path(argv[1])
    return check(folder) if argv[0] == "check" else depends(folder)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

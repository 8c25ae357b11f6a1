#!/usr/bin/env bash
# Builds dist/comptoir/ (Comptoir and its Python, one folder) with PyInstaller, then checks it
# as a host's first starts would: installer/smoke_check.sh (fresh data folder, then every
# section), with no display. `make package` runs it before installer/build_deb.sh.
# What goes in the bundle: installer/bundle_contents.py.
set -euo pipefail
cd "$(dirname "$0")/.."
make .venv/.installed tiers_lieu/locale/en/LC_MESSAGES/comptoir.mo
# PyInstaller, as pyproject.toml's extra `package` asks (without reinstalling Comptoir itself).
.venv/bin/python -m pip install --quiet $(.venv/bin/python -c 'import tomllib
print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["package"]))')
# Windows and the spec want an .ico beside the SVG icon; Qt renders it.
QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build \
    installer/comptoir.spec
# Strip the symbols left in the libraries of pyenv's Python and of some wheels (-35 MB), but not
# the libraries auditwheel patched (an RPATH of $ORIGIN, or a folder *.libs/): strip can break
# those. Python's own carry an RPATH to their build folder: they are stripped.
if command -v strip >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1; then
    find dist/comptoir -type f \( -name '*.so' -o -name '*.so.*' \) ! -path '*.libs/*' -print0 |
        while IFS= read -r -d '' library; do
            case "$library" in
                */libpython3*|*/lib-dynload/*) ;;
                *) if readelf -d "$library" 2>/dev/null | grep -q 'R\(UN\)\?PATH'; then
                    continue
                fi ;;
            esac
            strip --strip-unneeded "$library"
        done
fi
bash installer/smoke_check.sh dist/comptoir/tiers-lieu
echo "dist/comptoir/ ($(du -sh dist/comptoir | cut -f1)) est prêt et passe son test de démarrage."

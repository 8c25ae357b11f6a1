#!/usr/bin/env bash
# Installs the .deb `make package` built as a host would (`dpkg -i`, then apt for the
# dependencies this machine lacks), checks what it installed, runs the installed `comptoir`
# as a new user with a new home (installer/smoke_check.sh: fresh data folder, then every
# section), then removes the package and the user. Needs root; .ci/run runs it after the tests.
#
#   installer/check_deb.sh [dist/comptoir_<version>_<arch>.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:-$(ls -t dist/comptoir_*.deb 2>/dev/null | head -n 1)}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
    echo "Aucun paquet dist/comptoir_*.deb : lancez d'abord make package." >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "installer/check_deb.sh installe un paquet et crée un compte : lancez-le en root." >&2
    exit 2
fi
if dpkg-query -W -f='${Status}' comptoir 2>/dev/null | grep -q installed; then
    echo "Le paquet comptoir est déjà installé sur cette machine : retirez-le d'abord." >&2
    exit 2
fi
app_id=fr.comptoir.TiersLieu
user=comptoir-essai-$$
homes=$(mktemp -d)
chmod 755 "$homes"
home=$homes/$user

cleanup() {
    userdel "$user" >/dev/null 2>&1 || true
    rm -rf "$homes"
    if dpkg-query -W -f='${Status}' comptoir 2>/dev/null | grep -q installed; then
        dpkg --purge comptoir >/dev/null || true
    fi
}
trap cleanup EXIT

echo "== dpkg -i $deb"
if ! dpkg -i "$deb"; then
    # Dependencies this machine lacks: apt brings them and finishes the installation.
    apt-get update -q
    apt-get install -f -y -q
fi
dpkg-query -W -f='${Status}\n' comptoir | grep -qx 'install ok installed'
for file in /usr/bin/comptoir /usr/bin/tiers-lieu /opt/comptoir/tiers-lieu \
    /usr/share/applications/$app_id.desktop /usr/share/metainfo/$app_id.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/$app_id.svg \
    /usr/share/icons/hicolor/256x256/apps/$app_id.png; do
    if [ ! -e "$file" ]; then
        echo "ÉCHEC : le paquet n'a pas installé $file" >&2
        exit 1
    fi
done
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate /usr/share/applications/$app_id.desktop
fi
# Every library the installed program loads is on this machine (the package's dependencies).
python3 installer/linux_libraries.py check /opt/comptoir

echo "== $user (dossier personnel neuf : $home)"
useradd --home-dir "$home" --create-home --shell /bin/bash "$user"
runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$home" \
    bash -s -- comptoir "$home" < installer/smoke_check.sh

echo "== dpkg --purge comptoir"
dpkg --purge comptoir
for file in /opt/comptoir /usr/bin/comptoir /usr/share/applications/$app_id.desktop; do
    if [ -e "$file" ] || [ -L "$file" ]; then
        echo "ÉCHEC : $file reste après la suppression du paquet" >&2
        exit 1
    fi
done
echo "Le paquet $deb s'installe, démarre pour un nouvel utilisateur et se retire proprement."

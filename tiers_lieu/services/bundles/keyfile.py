"""The network key file as the desk handles it: where it lives, creating it, copying it out to
a USB key and taking in the copy another site made.

Same file and same place as ``tiers-lieu bundle key`` (``cle-reseau.key``, hexadecimal text,
in the data directory), so the command line and the windows share one key. A key taken in is
read with :func:`fileformat.load_key` first: a damaged or truncated file never replaces a good
one.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.bundles import KEY_FILE_NAME, fileformat


def default_key_path() -> Path:
    """``cle-reseau.key`` in the data directory, where ``tiers-lieu bundle`` looks too."""
    from tiers_lieu.db import data_dir

    return data_dir() / KEY_FILE_NAME


def create_key(path: Path) -> None:
    """A new random key in ``path``; refuses to replace one (bundles signed with it would
    no longer be accepted)."""
    if path.exists():
        raise ComptoirError(
            _("La clé du réseau existe déjà ({path}) : elle n'a pas été remplacée.").format(
                path=path
            )
        )
    fileformat.new_key(path)


def _write(path: Path, key: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key.hex() + "\n", encoding="ascii")
    except OSError as exc:
        raise ComptoirError(
            _("Impossible d'écrire la clé dans « {path} » : {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None


def export_key(source: Path, target: Path) -> None:
    """Copy the key to ``target`` (a USB key) for the other sites of the network."""
    key = fileformat.load_key(source)
    if target.resolve() != source.resolve():
        _write(target, key)


def same_key(first: Path, second: Path) -> bool:
    """Whether both files hold the same readable key (``False`` if either cannot be read)."""
    try:
        return fileformat.load_key(first) == fileformat.load_key(second)
    except ComptoirError:
        return False


def install_key(source: Path, target: Path) -> bool:
    """Take in the key file another site made; ``False`` when ``target`` already held it.

    The caller asks before replacing a different key: bundles signed with the old one would
    be refused from then on.
    """
    key = fileformat.load_key(source)
    if target.exists() and same_key(source, target):
        return False
    _write(target, key)
    return True

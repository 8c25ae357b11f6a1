"""The bundle file: gzip'd JSON lines, the first line a header carrying the signature.

The signature is an HMAC-SHA256 of every byte after the header line, keyed with the network
key all sites of a network share. HMAC is in the standard library; a public-key signature
(Ed25519) would let a coordinator check bundles without being able to forge one, but would
need a third-party library on every desk, and within a network of a few places the sites
trust each other anyway: what the signature must catch is a damaged or altered file and a
bundle from another network. Anything that cannot be read back is refused before a row is
touched.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _

FORMAT = "comptoir-bundle"
VERSION = 1
KEY_BYTES = 32


def sign(payload: bytes, key: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def encode_lines(records: Iterator[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for record in records
    )


def write(out: Path, payload: bytes, key: bytes) -> None:
    """Write next to ``out`` then move into place: a failure never leaves half a bundle."""
    header = {"format": FORMAT, "version": VERSION, "signature": sign(payload, key)}
    partial = out.with_name(f".{out.name}.partiel")
    try:
        with gzip.open(partial, "wb") as handle:
            handle.write(json.dumps(header).encode() + b"\n")
            handle.write(payload)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def _refused() -> ComptoirError:
    return ComptoirError(
        _(
            "Ce paquet est refusé : sa signature ne correspond pas à la clé du réseau "
            "(fichier abîmé, modifié, ou venant d'un autre réseau). Rien n'a été importé."
        )
    )


def read(path: Path, key: bytes) -> list[dict[str, Any]]:
    """The records of a bundle whose signature matches ``key``; refuses anything else."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise ComptoirError(_("Le fichier « {path} » n'existe pas.").format(path=path)) from None
    except (OSError, EOFError, ValueError):
        raise _refused() from None
    head, _sep, payload = raw.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        raise _refused() from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _refused()
    if header.get("version") != VERSION:
        raise ComptoirError(
            _("Ce paquet vient d'une version de Comptoir que celle-ci ne sait pas lire.")
        )
    expected = sign(payload, key)
    if not hmac.compare_digest(expected, str(header.get("signature", ""))):
        raise _refused()
    try:
        return [json.loads(line) for line in payload.splitlines() if line]
    except ValueError:
        raise _refused() from None


def load_key(path: Path) -> bytes:
    """The network key stored as hexadecimal text in ``path``."""
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError:
        raise ComptoirError(
            _(
                "Clé du réseau introuvable ({path}). Créez-la avec « tiers-lieu bundle key » "
                "sur un lieu et copiez le fichier sur les autres."
            ).format(path=path)
        ) from None
    except (OSError, ValueError):
        raise ComptoirError(
            _("La clé du réseau « {path} » est illisible.").format(path=path)
        ) from None
    if len(key) < 16:
        raise ComptoirError(_("La clé du réseau « {path} » est trop courte.").format(path=path))
    return key


def new_key(path: Path) -> bytes:
    key = os.urandom(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.hex() + "\n", encoding="ascii")
    return key

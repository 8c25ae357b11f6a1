"""The key file of an encrypted base: the database key sealed twice, and the recovery code.

The 32-byte database key is sealed with AES-GCM under a key derived with argon2id (random
salt, costs stored beside it) once from the passphrase and once from the recovery code; the
associated data names the seal and the key's id, so a seal cannot be passed off as the
other. A wrong secret fails the AES-GCM tag: :class:`WrongPassphraseError`, in French. The
file holds no secret in clear and is written atomically (a power cut leaves the old or the
new one). ``tiers_lieu.encryption`` uses it for the database itself.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _

FILE_FORMAT = "comptoir-cle-base"
KEY_BYTES = 32
MIN_PASSPHRASE = 8
# No 0/O, 1/I/L: the code is read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP_SIZE = 6, 5
# argon2id: about a quarter of a second on a desk laptop, once per session.
ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM = 3, 64 * 1024, 2
PASSPHRASE, RECOVERY = "passphrase", "recovery"


class WrongPassphraseError(ComptoirError):
    """The passphrase (or recovery code) does not open the key file."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a power cut leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partiel")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- codes and passphrases ------------------------------------------------------------------
def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise ComptoirError(
            _("La phrase de passe doit compter au moins {n} caractères.").format(n=MIN_PASSPHRASE)
        )


def new_recovery_code() -> str:
    """Six groups of five characters, about 148 random bits."""
    chars = [
        secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_SIZE)
    ]
    groups = [
        "".join(chars[i : i + RECOVERY_GROUP_SIZE])
        for i in range(0, len(chars), RECOVERY_GROUP_SIZE)
    ]
    return "-".join(groups)


def normalise_recovery_code(code: str) -> str:
    """The code as derived: capitals, without the dashes and spaces people type."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    wrong = sorted({ch for ch in cleaned if ch not in RECOVERY_ALPHABET})
    size = RECOVERY_GROUPS * RECOVERY_GROUP_SIZE
    if wrong or len(cleaned) != size:
        raise WrongPassphraseError(
            _(
                "Code de secours mal formé : il compte {n} caractères (chiffres 2 à 9 et "
                "lettres sans I, L ni O), par exemple ABCDE-FGHJK-…"
            ).format(n=size)
        )
    return cleaned


def _secret_bytes(kind: str, secret: str) -> bytes:
    if kind == RECOVERY:
        return normalise_recovery_code(secret).encode("ascii")
    return unicodedata.normalize("NFC", secret).encode("utf-8")


# -- the key file ---------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(b"comptoir-cle-base:" + key).hexdigest()[:32]


@dataclass(frozen=True)
class Seal:
    """The database key sealed under a key derived from one secret."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes
    time_cost: int = ARGON2_TIME_COST
    memory_cost: int = ARGON2_MEMORY_KIB
    parallelism: int = ARGON2_PARALLELISM

    def _wrapping_key(self, secret: bytes) -> bytes:
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(
            secret,
            self.salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            hash_len=32,
            type=Type.ID,
        )

    @classmethod
    def make(cls, key: bytes, kind: str, secret: str, key_id: str) -> Seal:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        blank = cls(
            salt=secrets.token_bytes(16),
            nonce=secrets.token_bytes(12),
            ciphertext=b"",
            time_cost=ARGON2_TIME_COST,
            memory_cost=ARGON2_MEMORY_KIB,
            parallelism=ARGON2_PARALLELISM,
        )
        wrapping = blank._wrapping_key(_secret_bytes(kind, secret))
        sealed = AESGCM(wrapping).encrypt(blank.nonce, key, _aad(kind, key_id))
        return dataclasses.replace(blank, ciphertext=sealed)

    def open(self, kind: str, secret: str, key_id: str) -> bytes | None:
        """The database key, or ``None`` when ``secret`` is not the right one."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        wrapping = self._wrapping_key(_secret_bytes(kind, secret))
        try:
            return AESGCM(wrapping).decrypt(self.nonce, self.ciphertext, _aad(kind, key_id))
        except InvalidTag:
            return None

    def as_json(self) -> dict[str, Any]:
        return {
            "kdf": "argon2id",
            "time_cost": self.time_cost,
            "memory_cost": self.memory_cost,
            "parallelism": self.parallelism,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seal:
        return cls(
            salt=base64.b64decode(data["salt"]),
            nonce=base64.b64decode(data["nonce"]),
            ciphertext=base64.b64decode(data["ciphertext"]),
            time_cost=int(data["time_cost"]),
            memory_cost=int(data["memory_cost"]),
            parallelism=int(data["parallelism"]),
        )


def _aad(kind: str, key_id: str) -> bytes:
    return f"{FILE_FORMAT}:1:{kind}:{key_id}".encode("ascii")


@dataclass(frozen=True)
class KeyFile:
    """The key file's content: the key's id and its two seals."""

    key_id: str
    passphrase: Seal
    recovery: Seal

    @classmethod
    def create(cls, key: bytes, passphrase: str, recovery_code: str) -> KeyFile:
        key_id = key_id_of(key)
        return cls(
            key_id,
            Seal.make(key, PASSPHRASE, passphrase, key_id),
            Seal.make(key, RECOVERY, recovery_code, key_id),
        )

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FILE_FORMAT or data.get("version") != 1:
                raise ValueError(data.get("format"))
            seals = data["seals"]
            return cls(
                str(data["key_id"]),
                Seal.from_json(seals[PASSPHRASE]),
                Seal.from_json(seals[RECOVERY]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ComptoirError(
                _("Le fichier de clé « {path} » est illisible ou endommagé ({detail}).").format(
                    path=path, detail=type(exc).__name__
                )
            ) from None

    def save(self, path: Path) -> None:
        data = {
            "format": FILE_FORMAT,
            "version": 1,
            "note": _(
                "Clé de la base Comptoir, chiffrée par la phrase de passe et par le code de "
                "secours. Sans ce fichier, la base chiffrée ne peut pas être ouverte."
            ),
            "key_id": self.key_id,
            "seals": {PASSPHRASE: self.passphrase.as_json(), RECOVERY: self.recovery.as_json()},
        }
        write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))

    def open(self, kind: str, secret: str, *, name: str) -> bytes:
        seal = self.passphrase if kind == PASSPHRASE else self.recovery
        key = seal.open(kind, secret, self.key_id)
        if key is None or key_id_of(key) != self.key_id:
            if kind == RECOVERY:
                raise WrongPassphraseError(
                    _("Code de secours incorrect pour la base « {name} ».").format(name=name)
                )
            raise WrongPassphraseError(
                _("Phrase de passe incorrecte pour la base « {name} ».").format(name=name)
            )
        return key

    def with_passphrase(self, key: bytes, passphrase: str) -> KeyFile:
        return KeyFile(
            self.key_id, Seal.make(key, PASSPHRASE, passphrase, self.key_id), self.recovery
        )

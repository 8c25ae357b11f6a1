"""The key file of an encrypted base: the database key sealed twice, and the recovery code.

The 32-byte database key is sealed with AES-GCM under a key derived with argon2id (random
salt, costs stored beside it) once from the passphrase and once from the recovery code; the
associated data names the seal and the key's id, so a seal cannot be passed off as the
other. A wrong secret fails the AES-GCM tag: :class:`WrongPassphraseError`, in French. The
file holds no secret in clear and is written atomically (a power cut leaves the old or the
new one). ``tiers_lieu.encryption`` uses it for the database itself.

The costs come from the file, so they are read as untrusted input: a damaged or forged key
file asking argon2 for a terabyte of memory or a billion passes would freeze the desk before
any message. Every field is checked when the file is loaded, before anything is derived: the
costs against :data:`COST_LIMITS`, the salt, nonce and sealed key against their sizes, the
file against :data:`MAX_KEY_FILE_BYTES`; each refusal is a French message naming the field.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _
from tiers_lieu.private_files import private_folder, write_whole

FILE_FORMAT = "comptoir-cle-base"
KEY_BYTES = 32
MIN_PASSPHRASE = 8
# No 0/O, 1/I/L: the code is read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP_SIZE = 6, 5
# argon2id: about a quarter of a second on a desk laptop, once per session.
ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM = 3, 64 * 1024, 2
PASSPHRASE, RECOVERY = "passphrase", "recovery"
# What a key file may ask for, checked before any derivation: a few times the costs written
# today, far from what would freeze an old laptop (memory_cost is in KiB: 512 MiB at most).
COST_LIMITS = {"time_cost": (1, 10), "memory_cost": (8, 512 * 1024), "parallelism": (1, 16)}
MAX_KEY_FILE_BYTES = 64 * 1024
SALT_BYTES, NONCE_BYTES, SEALED_BYTES = (8, 64), 12, KEY_BYTES + 16


class WrongPassphraseError(ComptoirError):
    """The passphrase (or recovery code) does not open the key file."""


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
    def from_json(cls, data: object, where: str) -> Seal:
        """The seal stored at ``where`` (``seals.passphrase``…), its fields checked before
        anything is derived: a cost outside :data:`COST_LIMITS` is refused (a key file
        asking for a terabyte of memory would otherwise stall the desk)."""
        if not isinstance(data, dict):
            raise _MalformedError(where)
        costs = {name: _cost(data, name, where) for name in COST_LIMITS}
        if costs["memory_cost"] < 8 * costs["parallelism"]:
            raise _MalformedError(f"{where}.memory_cost")  # argon2 needs 8 KiB per lane
        return cls(
            salt=_bytes_field(data, "salt", where, SALT_BYTES),
            nonce=_bytes_field(data, "nonce", where, (NONCE_BYTES, NONCE_BYTES)),
            ciphertext=_bytes_field(data, "ciphertext", where, (SEALED_BYTES, SEALED_BYTES)),
            **costs,
        )


class _MalformedError(ValueError):
    """A field of the key file is missing or has the wrong shape (``args[0]``: its path)."""


class _AbsurdCostError(ValueError):
    """A derivation cost outside :data:`COST_LIMITS`: ``args`` = (path, value, low, high)."""


def _cost(data: dict[str, Any], name: str, where: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _MalformedError(f"{where}.{name}")
    low, high = COST_LIMITS[name]
    if not low <= value <= high:
        raise _AbsurdCostError(f"{where}.{name}", value, low, high)
    return value


def _bytes_field(data: dict[str, Any], name: str, where: str, sizes: tuple[int, int]) -> bytes:
    value = data.get(name)
    try:
        if not isinstance(value, str) or len(value) > 4 * sizes[1]:
            raise ValueError(value)
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise _MalformedError(f"{where}.{name}") from None
    if not sizes[0] <= len(raw) <= sizes[1]:
        raise _MalformedError(f"{where}.{name}")
    return raw


def _read_key_file(path: Path) -> object:
    try:
        with held_files.open_input(path) as handle:  # refuses a base held here
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise ComptoirError(
            _("Le fichier de clé « {path} » ne peut pas être lu ({detail}).").format(
                path=path, detail=os_reason(exc)
            )
        ) from None
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise ComptoirError(
            _(
                "Le fichier de clé « {path} » est trop volumineux (plus de {limit} octets) : ce "
                "n'est pas un fichier de clé de Comptoir."
            ).format(path=path, limit=MAX_KEY_FILE_BYTES)
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ComptoirError(
            _(
                "Le fichier de clé « {path} » n'est pas du JSON lisible : il est endommagé. "
                "Reprenez la copie qui accompagne une sauvegarde."
            ).format(path=path)
        ) from None


def _parse_key_file(path: Path, data: object) -> KeyFile:
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT or data.get("version") != 1:
        raise ComptoirError(
            _(
                "Le fichier de clé « {path} » n'est pas au format d'une clé de base Comptoir "
                "(format « {format} », version 1)."
            ).format(path=path, format=FILE_FORMAT)
        )
    try:
        key_id, seals = data.get("key_id"), data.get("seals")
        if not isinstance(key_id, str) or not 1 <= len(key_id) <= 128:
            raise _MalformedError("key_id")
        if not isinstance(seals, dict):
            raise _MalformedError("seals")
        return KeyFile(
            key_id,
            Seal.from_json(seals.get(PASSPHRASE), f"seals.{PASSPHRASE}"),
            Seal.from_json(seals.get(RECOVERY), f"seals.{RECOVERY}"),
        )
    except _AbsurdCostError as exc:
        field, value, low, high = exc.args
        raise ComptoirError(
            _(
                "Le fichier de clé « {path} » demande un coût de dérivation déraisonnable "
                "({field} = {value}, permis de {low} à {high}) : il est endommagé ou a été "
                "modifié, et n'a pas été utilisé."
            ).format(path=path, field=field, value=str(value)[:40], low=low, high=high)
        ) from None
    except _MalformedError as exc:
        raise ComptoirError(
            _(
                "Le fichier de clé « {path} » est endommagé : le champ « {field} » manque ou "
                "n'a pas la forme attendue."
            ).format(path=path, field=exc.args[0])
        ) from None


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
        """The key file at ``path``, or a French :class:`ComptoirError` naming what is wrong
        (too large, not JSON, a field missing, an absurd cost) before any derivation."""
        return _parse_key_file(path, _read_key_file(path))

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
        private_folder(path.parent)
        write_whole(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))

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

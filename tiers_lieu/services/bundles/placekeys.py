"""Each place's Ed25519 key: the place signs its bundles, the coordinator checks them.

A place's key pair is made the first time it is needed (its first bundle, or « créer la
clé ») and kept in ``place_key`` with its private half: only a database that holds a place's
private half can sign for it. The coordinator keeps the public half of every place it trusts,
one per place, added once from the small text file the place gives it
(:func:`write_public_file`), after comparing the fingerprint (:func:`fingerprint`) with the one
the place reads out by phone or sends on paper. Replacing a place's key is a separate, explicit
step; adding, replacing and removing a key each write an audit line.

The crypto is ``cryptography``'s Ed25519; nothing here is hand-made but the fingerprint's
layout (the SHA-256 of the raw public key, its first 96 bits as six groups of four hex
digits: easy to read aloud).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from tiers_lieu import held_files
from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ComptoirError, NotFoundError, file_error
from tiers_lieu.i18n import _
from tiers_lieu.models import PlaceKey, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, requires

KEY_BYTES = 32
PUBLIC_FILE_FORMAT = "comptoir-cle-publique"
PUBLIC_FILE_VERSION = "1"
PUBLIC_FILE_SUFFIX = ".cle-publique.txt"
MAX_PUBLIC_FILE_BYTES = 4096
FINGERPRINT_HEX = 24

TrustOutcome = Literal["added", "unchanged", "replaced"]


def fingerprint(public_raw: bytes) -> str:
    """« 3F9A 1C0B 77D2 0E41 9B3C A5F0 »: what two people compare by phone."""
    digest = hashlib.sha256(public_raw).hexdigest()[:FINGERPRINT_HEX].upper()
    return " ".join(digest[at : at + 4] for at in range(0, FINGERPRINT_HEX, 4))


def same_fingerprint(typed: str, expected: str) -> bool:
    """Whether ``typed`` (spaces, dashes and case ignored) is ``expected``."""

    def plain(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    return plain(typed) == plain(expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _raw(text: str) -> bytes:
    """The 32 bytes of a base64 key (ValueError otherwise)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError("not 32 bytes")
    return raw


@dataclass(frozen=True)
class PlaceKeyInfo:
    """A place's key as this database knows it."""

    site_id: uuid.UUID
    label: str
    public_key: str  # base64 of the 32 raw bytes
    fingerprint: str
    own: bool  # this database holds the private half and signs for the place


@dataclass(frozen=True)
class PublicKeyFile:
    """What a place's public key file says."""

    site_id: uuid.UUID
    label: str
    public_key: str
    fingerprint: str


@dataclass(frozen=True)
class Signer:
    """A place's private key, to sign its bundles."""

    site_id: uuid.UUID
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, site_id: uuid.UUID) -> Signer:
        """A new key (tests and benchmarks; the service makes and keeps the real ones)."""
        return cls(site_id, Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def public_key(self) -> str:
        return _b64(self.public_raw())


def verify(public_key: str, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_raw(public_key)).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _info(row: PlaceKey) -> PlaceKeyInfo:
    return PlaceKeyInfo(
        site_id=row.site_id,
        label=row.label,
        public_key=row.public_key,
        fingerprint=fingerprint(_raw(row.public_key)),
        own=row.private_key is not None,
    )


def key_row(session: Session, site_id: uuid.UUID) -> PlaceKey | None:
    return session.execute(
        select(PlaceKey).where(col(PlaceKey.site_id) == site_id)
    ).scalar_one_or_none()


def trusted_public_key(session: Session, site_id: uuid.UUID) -> str | None:
    """The public key this database accepts bundles of ``site_id`` with (None: none)."""
    row = key_row(session, site_id)
    return None if row is None else row.public_key


# -- the public key file ----------------------------------------------------------------------
def public_file_text(info: PlaceKeyInfo) -> str:
    label = " ".join(info.label.split())
    return "\n".join(
        [
            _("# Clé publique Comptoir d'un lieu, à remettre à la coordination du réseau."),
            _("# Avant de l'ajouter, comparez l'empreinte par téléphone ou sur papier."),
            f"format: {PUBLIC_FILE_FORMAT} {PUBLIC_FILE_VERSION}",
            f"lieu: {info.site_id.hex}",
            f"nom: {label}",
            f"cle: {info.public_key}",
            f"empreinte: {info.fingerprint}",
            "",
        ]
    )


def write_public_file(path: Path, info: PlaceKeyInfo) -> None:
    try:
        path.write_text(public_file_text(info), encoding="utf-8")
    except OSError as exc:
        message = _("Impossible d'écrire la clé dans « {path} » : {reason}")
        raise file_error(message, path, exc) from None


def read_public_file(path: Path) -> PublicKeyFile:
    """A place's public key file, checked; French refusals naming what is wrong."""
    held_files.refuse_held(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PUBLIC_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ComptoirError(_("Le fichier « {path} » n'existe pas.").format(path=path)) from None
    except OSError as exc:
        raise file_error(_("Le fichier « {path} » est illisible : {reason}"), path, exc) from None

    def refused(detail: str) -> ComptoirError:
        return ComptoirError(
            _("« {path} » n'est pas une clé publique de lieu Comptoir : {detail}.").format(
                path=path.name, detail=detail
            )
        )

    if len(data) > MAX_PUBLIC_FILE_BYTES:
        raise refused(_("le fichier est trop gros"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(_("le fichier n'est pas du texte")) from None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, value = line.partition(":")
        if colon:
            fields.setdefault(name.strip().casefold(), value.strip())
    if fields.get("format") != f"{PUBLIC_FILE_FORMAT} {PUBLIC_FILE_VERSION}":
        if "format" in fields and fields["format"].startswith(PUBLIC_FILE_FORMAT):
            raise ComptoirError(
                _("Cette clé vient d'une version de Comptoir que celle-ci ne sait pas lire.")
            )
        raise refused(_("ligne « format » absente"))
    try:
        site_id = uuid.UUID(fields.get("lieu", ""))
    except ValueError:
        raise refused(_("ligne « lieu » illisible")) from None
    try:
        raw = _raw(fields.get("cle", ""))
    except ValueError:
        raise refused(_("ligne « cle » illisible")) from None
    label = fields.get("nom", "")[:120] or site_id.hex
    if any(ord(ch) < 32 for ch in label):
        raise refused(_("ligne « nom » illisible"))
    print_ = fingerprint(raw)
    written = fields.get("empreinte")
    if written is not None and not same_fingerprint(written, print_):
        raise refused(_("l'empreinte écrite ne correspond pas à la clé (fichier abîmé ?)"))
    return PublicKeyFile(site_id=site_id, label=label, public_key=_b64(raw), fingerprint=print_)


# -- the service --------------------------------------------------------------------------------
class KeyReplacementError(ComptoirError):
    """A different key is already trusted for this place: replacing it must be asked for."""

    def __init__(self, label: str, old: str, new: str) -> None:
        super().__init__(
            _(
                "Une autre clé est déjà enregistrée pour « {place} » (empreinte {old}) ; la clé "
                "proposée a l'empreinte {new}. Rien n'a changé. Ne la remplacez qu'après avoir "
                "vérifié avec le lieu qu'il a bien changé de clé."
            ).format(place=label, old=old, new=new)
        )
        self.old = old
        self.new = new


class PlaceKeyService:
    """Making this place's key, and the keys of the places this database trusts."""

    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.REPORTS)
    def list_keys(self) -> list[PlaceKeyInfo]:
        """Every key this database knows (own places and trusted ones), by name."""
        with self._uow(read_only=True) as uow:
            rows = uow.session.execute(select(PlaceKey)).scalars().all()
            found = [_info(row) for row in rows]
        return sorted(found, key=lambda info: (not info.own, info.label.casefold()))

    @requires(Permission.REPORTS)
    def key_of(self, site_id: uuid.UUID) -> PlaceKeyInfo | None:
        with self._uow(read_only=True) as uow:
            row = key_row(uow.session, site_id)
            return None if row is None else _info(row)

    @requires(Permission.REPORTS)
    def own_key(self, site_id: uuid.UUID) -> PlaceKeyInfo:
        """The key this database signs the place's bundles with, made the first time."""
        with self._uow() as uow:
            info = _info(_signing_row(uow, site_id))
            uow.commit()
        return info

    @requires(Permission.REPORTS)
    def export_public_key(self, site_id: uuid.UUID, path: Path) -> PlaceKeyInfo:
        """Write the place's public key file (making the key first if need be)."""
        info = self.own_key(site_id)
        write_public_file(path, info)
        return info

    @requires(Permission.REPORTS)
    def signer(self, site_id: uuid.UUID) -> Signer:
        """The private key of a place this database signs for (made the first time), for
        the bundle export."""
        with self._uow() as uow:
            row = _signing_row(uow, site_id)
            assert row.private_key is not None
            private = Ed25519PrivateKey.from_private_bytes(_raw(row.private_key))
            uow.commit()
        return Signer(site_id, private)

    @requires(Permission.SETTINGS)
    def trust(self, key: PublicKeyFile, *, replace: bool = False) -> TrustOutcome:
        """Accept the bundles of ``key.site_id`` signed by ``key`` from now on.

        A different key already recorded for that place is replaced only with ``replace``
        (:class:`KeyReplacementError` otherwise); the key of a place this database signs for
        itself is never replaced this way. An account bound to one place may not trust
        another's key."""
        access_of(self).require_site(key.site_id, self._uow)
        with self._uow() as uow:
            session = uow.session
            row = key_row(session, key.site_id)
            if row is not None and row.public_key == key.public_key:
                return "unchanged"
            local_site = session.get(Site, key.site_id)
            details = {"lieu": key.site_id.hex, "nom": key.label, "empreinte": key.fingerprint}
            if row is None:
                row = PlaceKey(
                    site_id=key.site_id,
                    label=key.label,
                    public_key=key.public_key,
                    added_by_id=uow.access.user_id if uow.access is not None else None,
                )
                session.add(row)
                outcome: TrustOutcome = "added"
                action = AuditAction.CREATE
            else:
                old = _info(row)
                if old.own:
                    raise ComptoirError(
                        _(
                            "Cette base signe elle-même les paquets de « {place} » : sa clé ne "
                            "peut pas être remplacée par celle d'un fichier. Rien n'a changé."
                        ).format(place=old.label)
                    )
                if not replace:
                    raise KeyReplacementError(old.label, old.fingerprint, key.fingerprint)
                row.public_key = key.public_key
                row.label = key.label
                row.added_by_id = uow.access.user_id if uow.access is not None else None
                details["ancienne_empreinte"] = old.fingerprint
                outcome, action = "replaced", AuditAction.UPDATE
            session.flush()
            audit.record(
                uow,
                action=action,
                entity="place_key",
                entity_id=row.id,
                site_id=local_site.id if local_site is not None else None,
                details=details,
            )
            uow.commit()
        return outcome

    @requires(Permission.SETTINGS)
    def untrust(self, site_id: uuid.UUID) -> PlaceKeyInfo:
        """Refuse the place's bundles from now on (until its key is added again)."""
        with self._uow() as uow:
            session = uow.session
            row = key_row(session, site_id)
            if row is None:
                raise NotFoundError(_("Aucune clé n'est enregistrée pour ce lieu."))
            info = _info(row)
            if info.own:
                raise ComptoirError(
                    _(
                        "« {place} » est un lieu de cette base : sa clé signe ses paquets et "
                        "ne peut pas être retirée."
                    ).format(place=info.label)
                )
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="place_key",
                entity_id=row.id,
                site_id=site_id if session.get(Site, site_id) is not None else None,
                details={"lieu": site_id.hex, "nom": info.label, "empreinte": info.fingerprint},
            )
            session.delete(row)
            uow.commit()
        return info


def _signing_row(uow: UnitOfWork, site_id: uuid.UUID) -> PlaceKey:
    """The place's key row with its private half, made (and audited) if there is none."""
    session = uow.session
    site = session.get(Site, site_id)
    if site is None:
        raise NotFoundError(_("Ce lieu n'existe pas."))
    row = key_row(session, site_id)
    if row is not None:
        if row.private_key is None:
            raise ComptoirError(
                _(
                    "Cette base n'a que la clé publique de « {place} » : ses paquets sont "
                    "signés par le lieu lui-même, pas ici."
                ).format(place=site.name)
            )
        return row
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    row = PlaceKey(
        site_id=site_id,
        label=site.name[:120],
        public_key=_b64(raw_public),
        private_key=_b64(raw_private),
        added_by_id=uow.access.user_id if uow.access is not None else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        uow,
        action=AuditAction.CREATE,
        entity="place_key",
        entity_id=row.id,
        site_id=site_id,
        details={"empreinte": fingerprint(raw_public)},
    )
    return row

"""The bundle file, and reading one without letting it eat the machine.

A bundle is two gzip members one after the other (``zcat`` shows it as JSON lines):

1. the header, one JSON line ``{"format": "comptoir-bundle", "version": 3, "site_id": …,
   "signature": …}``;
2. the payload, JSON lines (the ``meta`` record first, then rows and tombstones).

The signature is the place's Ed25519 signature (:mod:`.placekeys`) of
:func:`signed_message`: the format, the signing place's id and the SHA-256 of the payload
member *as stored*, compressed. So a reader looks up the key it trusts for the place the header
names, streams the file through SHA-256 and checks the signature before inflating a single
byte of the payload: a forged file (a zip bomb renamed ``.bundle`` included) is refused after
reading a few MB, whatever it would inflate to. Before that, the file's size is checked against
:data:`MAX_FILE_BYTES` without reading it, and the header is inflated with a cap of
:data:`MAX_HEADER_BYTES`. A payload that passes the signature is inflated as a stream, with
caps on its total size (:data:`MAX_INFLATED_BYTES`) and on any one line
(:data:`MAX_LINE_BYTES`): even a signed bundle cannot make the desk allocate more than those.
Its records are handed out one by one as it inflates (:func:`opened`), for the merge to write
them a batch at a time; a refusal for a limit can then come after rows were written, in the
caller's transaction, which rolls back. Writing streams too (:func:`write_records`): only the
compressed payload is held.

Versions 1 and 2 (until 2026-12) were signed with one HMAC key the whole network shared
(``cle-reseau.key``): any place could sign anything. They are refused, header read only, with
a message saying what to do (update Comptoir at the place and export again).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError, file_error
from tiers_lieu.i18n import _, format_number
from tiers_lieu.private_files import writing_whole
from tiers_lieu.services.bundles.placekeys import Signer, verify

FORMAT = "comptoir-bundle"
VERSION = 3
HMAC_VERSIONS = (1, 2)  # signed with the network's shared key: refused
MIB = 1024 * 1024

# A large place's full bundle (three years, 110 000 rows) is 6 MB compressed, 53 MB inflated.
MAX_FILE_BYTES = 64 * MIB
MAX_INFLATED_BYTES = 256 * MIB
MAX_LINE_BYTES = 16 * MIB  # an aggregates bundle carries the whole report CSV on one line
MAX_HEADER_BYTES = 4096
CHUNK = MIB
_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip member

KeyFor = Callable[[uuid.UUID], str]
"""The public key (base64) trusted for a place; raises the French refusal when none is."""


def signed_message(site_id: uuid.UUID, payload_sha256: str) -> bytes:
    """What the place signs: the format, itself, and the hash of the compressed payload."""
    return f"{FORMAT} {VERSION}\n{site_id.hex}\n{payload_sha256}\n".encode("ascii")


def encode_lines(records: Iterator[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for record in records
    )


def header_line(site_id: uuid.UUID, signature: bytes) -> bytes:
    return json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "site_id": site_id.hex,
            "signature": base64.b64encode(signature).decode("ascii"),
        }
    ).encode()


def write(out: Path, payload: bytes, signer: Signer) -> None:
    """Write a bundle of ``payload`` (JSON lines, see :func:`encode_lines`)."""
    _write_signed(out, [gzip.compress(payload, compresslevel=6, mtime=0)], signer)


def write_records(out: Path, records: Iterable[dict[str, Any]], signer: Signer) -> None:
    """Write a bundle of ``records`` as they come: only the compressed payload is held (a
    large place's three years, 6 MB), never the records nor their JSON."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, _GZIP)
    body: list[bytes] = []
    lines: list[bytes] = []
    size = 0
    for record in records:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        lines.append(line)
        size += len(line)
        if size >= CHUNK:
            body.append(compressor.compress(b"".join(lines)))
            lines, size = [], 0
    body.append(compressor.compress(b"".join(lines)))
    body.append(compressor.flush())
    _write_signed(out, body, signer)


def _write_signed(out: Path, body: list[bytes], signer: Signer) -> None:
    """Write the header member (with the place's signature of ``body``, the payload member)
    then ``body`` next to ``out``, then move into place: a failure never leaves half a
    bundle."""
    digest = hashlib.sha256()
    for piece in body:
        digest.update(piece)
    signature = signer.sign(signed_message(signer.site_id, digest.hexdigest()))
    head = gzip.compress(header_line(signer.site_id, signature) + b"\n", mtime=0)
    with writing_whole(out, mode=None, hidden=True) as handle:
        handle.write(head)
        handle.writelines(body)


# -- refusals ----------------------------------------------------------------------------------
def _refused() -> ComptoirError:
    return ComptoirError(
        _(
            "Ce paquet est refusé : sa signature ne correspond pas à la clé enregistrée pour "
            "son lieu (fichier abîmé ou modifié, ou lieu qui a changé de clé). Rien n'a été "
            "importé."
        )
    )


def _signed_with_the_network_key() -> ComptoirError:
    return ComptoirError(
        _(
            "Ce paquet est signé avec l'ancienne clé commune du réseau (cle-reseau.key), qui "
            "n'est plus acceptée : n'importe quel lieu pouvait s'en servir pour modifier les "
            "données des autres. Rien n'a été importé. Demandez au lieu de mettre Comptoir à "
            "jour et de refaire son export : le paquet sera signé par la clé du lieu. Si ce "
            "n'est pas déjà fait, ajoutez ici la clé publique du lieu après avoir comparé son "
            "empreinte avec lui."
        )
    )


def _megabytes(size: int) -> str:
    return _("{n} Mo").format(n=format_number(round(size / MIB, 1)))


def _too_large_inflated() -> ComptoirError:
    return ComptoirError(
        _(
            "Ce paquet est refusé : une fois décompressé, il dépasserait {limit}, la taille "
            "maximale d'un paquet. Rien n'a été importé."
        ).format(limit=_megabytes(MAX_INFLATED_BYTES))
    )


def _line_too_long() -> ComptoirError:
    return ComptoirError(
        _("Ce paquet est refusé : une de ses lignes dépasse {limit}. Rien n'a été importé.").format(
            limit=_megabytes(MAX_LINE_BYTES)
        )
    )


# -- reading -------------------------------------------------------------------------------------
@contextmanager
def opened(path: Path, key_for: KeyFor) -> Iterator[Iterator[dict[str, Any]]]:
    """The records of a bundle signed by the place its header names, with the key
    ``key_for`` gives for that place, read lazily.

    Entering checks the file's size and its signature, and refuses anything else in French
    before a row is touched; the records then come one by one as the payload inflates, so a
    caller that keeps none holds a few MB whatever the bundle's size. The limits on the
    inflated size and on a line are checked as the stream goes: a refusal can come in the
    middle of the iteration (the caller's transaction then rolls back)."""
    held_files.refuse_held(path)
    size = _size(path)
    if size > MAX_FILE_BYTES:
        raise ComptoirError(
            _(
                "Ce paquet pèse {size} : au-delà de {limit}, un paquet est refusé sans être "
                "lu. Rien n'a été importé."
            ).format(size=_megabytes(size), limit=_megabytes(MAX_FILE_BYTES))
        )
    reading = False
    try:
        with held_files.open_input(path) as handle:
            pieces = _verified(handle, key_for)
            reading = True
            yield _reading(path, _parse(pieces))
    except OSError as exc:
        if reading:
            raise  # the caller's own, not the file's
        raise _unreadable(path, exc) from None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        raise ComptoirError(_("Le fichier « {path} » n'existe pas.").format(path=path)) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> ComptoirError:
    return file_error(_("Le fichier « {path} » est illisible : {reason}"), path, exc)


def _reading(path: Path, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``records``, with a read error of the disk turned into the French refusal."""
    try:
        yield from records
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _verified(handle: IO[bytes], key_for: KeyFor) -> Iterator[bytes]:
    """Checks the signature, then gives the inflating payload (lazily, in pieces)."""
    first = handle.read(CHUNK)
    header, rest, header_ended = _header(first)
    version = header.get("version")
    if version in HMAC_VERSIONS:
        raise _signed_with_the_network_key()
    if version != VERSION:
        raise ComptoirError(
            _("Ce paquet vient d'une version de Comptoir que celle-ci ne sait pas lire.")
        )
    try:
        site_id = uuid.UUID(str(header["site_id"]))
        signature = base64.b64decode(str(header["signature"]), validate=True)
    except (KeyError, ValueError, binascii.Error):
        raise _refused() from None
    public_key = key_for(site_id)  # the place must be trusted before its file is read on
    if not header_ended:
        raise _refused()  # a second member must follow the header's own
    payload_start = len(first) - len(rest)
    handle.seek(payload_start)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    if not verify(public_key, signature, signed_message(site_id, digest.hexdigest())):
        raise _refused()
    handle.seek(payload_start)
    return _inflate(handle)


def _header(first: bytes) -> tuple[dict[str, Any], bytes, bool]:
    """The header line of the first member (inflated at most :data:`MAX_HEADER_BYTES`), the
    bytes of ``first`` after that member, and whether the member ended with the line."""
    inflater = zlib.decompressobj(_GZIP)
    try:
        text = inflater.decompress(first, MAX_HEADER_BYTES)
    except zlib.error:
        raise _refused() from None
    head, newline, after = text.partition(b"\n")
    if not newline:
        raise _refused()
    try:
        header = json.loads(head)
    except ValueError:
        raise _refused() from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _refused()
    ended = inflater.eof and not after
    return header, inflater.unused_data if ended else b"", ended


def _inflate(handle: IO[bytes]) -> Iterator[bytes]:
    """The inflated bytes of the gzip member at ``handle``'s position, in pieces of at most
    :data:`CHUNK`, refusing past :data:`MAX_INFLATED_BYTES`. Anything after the member is
    refused."""
    inflater = zlib.decompressobj(_GZIP)
    total = 0
    data = b""
    while not inflater.eof:
        if not data:
            data = handle.read(CHUNK)
        try:
            piece = inflater.decompress(data, CHUNK)
        except zlib.error:
            raise _refused() from None
        if not data and not piece:
            raise _refused()  # the file ends before its member does
        data = inflater.unconsumed_tail
        total += len(piece)
        if total > MAX_INFLATED_BYTES:
            raise _too_large_inflated()
        if piece:
            yield piece
    if inflater.unused_data.strip(b"\0") or handle.read(1).strip(b"\0"):
        raise _refused()


_LINE = re.compile(rb"[^\n]+")


def _parse(pieces: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    """The records of the inflated ``pieces``, one JSON line each, as they come: only the
    piece being read and one unfinished line are held."""
    decode: Callable[[bytes], Any] = json.loads
    buffer = b""
    for piece in pieces:
        buffer = buffer + piece if buffer else piece
        last = buffer.rfind(b"\n")
        if last < 0:
            if len(buffer) > MAX_LINE_BYTES:
                raise _line_too_long()
            continue
        # Only non-empty lines make a record; a run of empty ones costs no Python object.
        for match in _LINE.finditer(buffer, 0, last):
            yield _record(decode, match.group())
        buffer = buffer[last + 1 :]
    if buffer:
        if len(buffer) > MAX_LINE_BYTES:
            raise _line_too_long()
        yield _record(decode, buffer)


def _record(decode: Callable[[bytes], Any], line: bytes) -> dict[str, Any]:
    try:
        record = decode(line)
    except (ValueError, RecursionError):  # a line nested deeper than Python's stack
        raise _refused() from None
    if not isinstance(record, dict):
        raise _refused()
    return record

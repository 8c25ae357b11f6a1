"""The bundle file, and reading one without letting it eat the machine.

A bundle is two gzip members one after the other (``zcat`` shows it as JSON lines):

1. the header, one JSON line ``{"format": "comptoir-bundle", "version": 2, "signature": …}``;
2. the payload, JSON lines (the ``meta`` record first, then rows and tombstones).

The signature is an HMAC-SHA256, keyed with the network key all sites of a network share,
of the payload member *as stored*, compressed. So a reader checks it by streaming the file
through the HMAC, before inflating a single byte of the payload: a forged file (a zip bomb
renamed ``.bundle`` included) is refused after reading a few MB, whatever it would inflate
to. Before that, the file's size is checked against :data:`MAX_FILE_BYTES` without reading
it, and the header is inflated with a cap of :data:`MAX_HEADER_BYTES`. A payload that passes
the signature is inflated as a stream, with caps on its total size
(:data:`MAX_INFLATED_BYTES`) and on any one line (:data:`MAX_LINE_BYTES`): even a signed
bundle cannot make the desk allocate more than those. Its records are handed out one by one
as it inflates (:func:`opened`), for the merge to write them a batch at a time; a refusal
for a limit can then come after rows were written, in the caller's transaction, which rolls
back. Writing streams too (:func:`write_records`): only the compressed payload is held.

Version 1 (until 2026-12) was one gzip member whose signature covered the *inflated* payload.
It is still read, safely: a first pass inflates it as a stream with the same cap, feeding
the HMAC and keeping nothing; only a bundle whose signature matches is inflated a second
time and parsed. A forged version 1 bomb costs the time to inflate :data:`MAX_INFLATED_BYTES`
(about a second) and no memory. Files are always written as version 2.

HMAC is in the standard library; a public-key signature (Ed25519) would let a coordinator
check bundles without being able to forge one; that change will keep this shape (signature
over the stored payload, checked before inflating).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_number

FORMAT = "comptoir-bundle"
VERSION = 2
LEGACY_VERSION = 1
KEY_BYTES = 32
MIB = 1024 * 1024

# A large place's full bundle (three years, 110 000 rows) is 6 MB compressed, 53 MB inflated.
MAX_FILE_BYTES = 64 * MIB
MAX_INFLATED_BYTES = 256 * MIB
MAX_LINE_BYTES = 16 * MIB  # an aggregates bundle carries the whole report CSV on one line
MAX_HEADER_BYTES = 4096
CHUNK = MIB
_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip member


def sign(payload: bytes, key: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def encode_lines(records: Iterator[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for record in records
    )


def header_line(signature: str, version: int = VERSION) -> bytes:
    return json.dumps({"format": FORMAT, "version": version, "signature": signature}).encode()


def write(out: Path, payload: bytes, key: bytes) -> None:
    """Write a bundle of ``payload`` (JSON lines, see :func:`encode_lines`)."""
    _write_signed(out, [gzip.compress(payload, compresslevel=6, mtime=0)], key)


def write_records(out: Path, records: Iterable[dict[str, Any]], key: bytes) -> None:
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
    _write_signed(out, body, key)


def _write_signed(out: Path, body: list[bytes], key: bytes) -> None:
    """Write the header member (with the signature of ``body``, the payload member) then
    ``body`` next to ``out``, then move into place: a failure never leaves half a bundle."""
    digest = hmac.new(key, digestmod=hashlib.sha256)
    for piece in body:
        digest.update(piece)
    head = gzip.compress(header_line(digest.hexdigest()) + b"\n", mtime=0)
    partial = out.with_name(f".{out.name}.partiel")
    try:
        with open(partial, "wb") as handle:
            handle.write(head)
            handle.writelines(body)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


# -- refusals ----------------------------------------------------------------------------------
def _refused() -> ComptoirError:
    return ComptoirError(
        _(
            "Ce paquet est refusé : sa signature ne correspond pas à la clé du réseau "
            "(fichier abîmé, modifié, ou venant d'un autre réseau). Rien n'a été importé."
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
def opened(path: Path, key: bytes) -> Iterator[Iterator[dict[str, Any]]]:
    """The records of a bundle whose signature matches ``key``, read lazily.

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
        with open(path, "rb") as handle:
            pieces = _verified(handle, key)
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
    return ComptoirError(
        _("Le fichier « {path} » est illisible : {reason}").format(
            path=path, reason=exc.strerror or exc
        )
    )


def _reading(path: Path, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``records``, with a read error of the disk turned into the French refusal."""
    try:
        yield from records
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _verified(handle: IO[bytes], key: bytes) -> Iterator[bytes]:
    """Checks the signature, then gives the inflating payload (lazily, in pieces)."""
    first = handle.read(CHUNK)
    header, rest, header_ended = _header(first)
    version = header.get("version")
    signature = str(header.get("signature", ""))
    if version == VERSION:
        if not header_ended:
            raise _refused()  # a second member must follow the header's own
        payload_start = len(first) - len(rest)
        handle.seek(payload_start)
        digest = hmac.new(key, digestmod=hashlib.sha256)
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
        if not hmac.compare_digest(digest.hexdigest(), signature):
            raise _refused()
        handle.seek(payload_start)
        return _inflate(handle, skip_line=False)
    if version == LEGACY_VERSION:
        # Signed inflated: check by streaming (nothing kept), then read again to parse.
        digest = hmac.new(key, digestmod=hashlib.sha256)
        for block in _inflate(_reopened(handle), skip_line=True):
            digest.update(block)
        if not hmac.compare_digest(digest.hexdigest(), signature):
            raise _refused()
        return _inflate(_reopened(handle), skip_line=True)
    raise ComptoirError(
        _("Ce paquet vient d'une version de Comptoir que celle-ci ne sait pas lire.")
    )


def _reopened(handle: IO[bytes]) -> IO[bytes]:
    handle.seek(0)
    return handle


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


def _inflate(handle: IO[bytes], *, skip_line: bool) -> Iterator[bytes]:
    """The inflated bytes of the gzip member at ``handle``'s position, in pieces of at most
    :data:`CHUNK`, refusing past :data:`MAX_INFLATED_BYTES`; with ``skip_line``, without its
    first line (a version 1 header). Anything after the member is refused."""
    inflater = zlib.decompressobj(_GZIP)
    total = 0
    skipping = skip_line
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
        if total > MAX_INFLATED_BYTES + MAX_HEADER_BYTES:
            raise _too_large_inflated()
        if skipping:
            end = piece.find(b"\n")
            if end < 0:
                if total > MAX_HEADER_BYTES:
                    raise _refused()
                continue
            piece, skipping = piece[end + 1 :], False
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
    except ValueError:
        raise _refused() from None
    if not isinstance(record, dict):
        raise _refused()
    return record


# -- the network key --------------------------------------------------------------------------
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

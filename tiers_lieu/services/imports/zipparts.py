"""Opening a workbook (XLSX or ODS: both are zip archives of XML parts) without trusting it.

Before the archive is opened its directory is sized from the end record (a directory of a
million entries would itself fill the memory); before a part is read its declared size is
checked, alone and against its compressed size (a zip bomb inflates a thousand times), and the
parts read together must stay under :attr:`~tiers_lieu.services.tabular.Limits.inflated_bytes`.
The declared size also holds while reading: :mod:`zipfile` stops at it and a part that
inflates further fails its CRC check, so a lying directory is refused too.

The XML parts go through :func:`xml_parser`, an expat parser that refuses any document type
declaration (no entity expansion, no external entity: a spreadsheet part never has one), and
:func:`stream_events` feeds it in chunks so that rows come out while the part is still being
inflated.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar
from xml.parsers import expat

from tiers_lieu import held_files
from tiers_lieu.i18n import _, format_number
from tiers_lieu.services.tabular import (
    LIMITS,
    FileRefusedError,
    Limits,
    megabytes,
)

T = TypeVar("T")
#: What LibreOffice and Excel write (stored or deflated); anything else is refused up front.
_READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
CHUNK = 64 * 1024
_END_RECORD = b"PK\x05\x06"
_END_SIZE = 22

ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,  # an encrypted part
    KeyError,  # a part the directory names but the archive lacks
)


class UnsafeXmlError(Exception):
    """An XML part declared a document type: never in a spreadsheet, always refused."""

    def __str__(self) -> str:
        return _("déclaration de type de document interdite")


#: What reading an XML part of an archive may raise when the file is damaged or hostile.
READ_ERRORS: tuple[type[BaseException], ...] = (expat.ExpatError, UnsafeXmlError, *ZIP_ERRORS)


def damaged(path: Path, part: str, error: object) -> FileRefusedError:
    return FileRefusedError(
        path,
        _("le classeur est abîmé ({part} illisible : {error})").format(part=part, error=error),
    )


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", _END_RECORD))


def open_archive(path: Path, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The archive, once its end record says its directory is of a sane size."""
    with held_files.open_input(path) as handle:
        size = handle.seek(0, 2)
        tail_size = min(size, 65_535 + _END_SIZE)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_SIZE:
        raise FileRefusedError(path, _("l'archive zip est incomplète ou abîmée"))
    entries, directory_size = struct.unpack("<HL", tail[at + 10 : at + 16])
    if entries > limits.zip_entries or directory_size > limits.small_part_bytes:
        raise FileRefusedError(
            path,
            _("l'archive compte plus de {limit} parties").format(
                limit=format_number(limits.zip_entries)
            ),
        )
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise FileRefusedError(
            path, _("l'archive zip est abîmée ({error})").format(error=exc)
        ) from exc
    for info in archive.infolist():  # refused before any part is read
        if info.compress_type not in _READABLE_METHODS:
            archive.close()
            raise FileRefusedError(
                path,
                _(
                    "la partie {part} est compressée d'une façon qu'un tableur n'emploie pas "
                    "(méthode {method})"
                ).format(part=info.filename, method=info.compress_type),
            )
    return archive


def check_parts(
    path: Path, archive: zipfile.ZipFile, names: list[str], limits: Limits = LIMITS
) -> int:
    """Refuse before reading when the parts ``names`` would inflate past the limits; their
    total declared size otherwise."""
    total = 0
    for name in names:
        info = archive.getinfo(name)
        total += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.ratio_from and ratio > limits.part_ratio:
            raise FileRefusedError(
                path,
                _(
                    "une de ses parties se décompresse {ratio} fois ({size} pour {packed}), "
                    "au-delà de {limit} fois : fichier piégé ou abîmé"
                ).format(
                    ratio=format_number(ratio),
                    size=megabytes(info.file_size),
                    packed=megabytes(info.compress_size),
                    limit=format_number(limits.part_ratio),
                ),
            )
    if total > limits.inflated_bytes:
        raise FileRefusedError(
            path,
            _("décompressé, le classeur pèserait {size}, plus que les {limit} permis").format(
                size=megabytes(total), limit=megabytes(limits.inflated_bytes)
            ),
        )
    return total


def xml_parser(namespace_separator: str | None = None) -> Any:
    """An expat parser that refuses document type declarations and entity definitions; with
    ``namespace_separator``, names come as ``uri<separator>local``."""
    parser = expat.ParserCreate(namespace_separator=namespace_separator)
    parser.buffer_text = True
    parser.buffer_size = CHUNK

    def refuse(*_args: object) -> None:
        raise UnsafeXmlError

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def stream_events(
    parser: Any,
    stream: IO[bytes],
    pending: list[T],
    on_read: Callable[[int], None] | None = None,
) -> Iterator[T]:
    """Feed ``stream`` to ``parser`` chunk by chunk, yielding what its handlers append to
    ``pending`` after each chunk (handlers cannot yield themselves)."""
    while True:
        chunk = stream.read(CHUNK)
        parser.Parse(chunk, not chunk)
        if on_read is not None:
            on_read(len(chunk))
        if pending:
            ready = pending[:]
            pending.clear()
            yield from ready
        if not chunk:
            return


def parse_small(
    path: Path,
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    limits: Limits = LIMITS,
) -> None:
    """Parse a small part (a list of sheets, relationships, styles) whole, calling ``start``
    with the local name and attributes (local names too) of each element."""
    info = archive.getinfo(name)
    if info.file_size > limits.small_part_bytes:
        raise FileRefusedError(
            path,
            _("la partie {part} du classeur dépasse {limit}").format(
                part=name, limit=megabytes(limits.small_part_bytes)
            ),
        )
    parser = xml_parser()

    def on_start(tag: str, attributes: dict[str, str]) -> None:
        start(
            tag.rpartition(":")[2],
            {key.rpartition(":")[2]: value for key, value in attributes.items()},
        )

    parser.StartElementHandler = on_start
    try:
        with archive.open(name) as stream:
            for _item in stream_events(parser, stream, list[None]()):
                pass
    except READ_ERRORS as exc:
        raise damaged(path, name, exc) from exc

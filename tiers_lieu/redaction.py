"""What may not go in the journal (:mod:`tiers_lieu.journal`) nor in the report the user
sends: e-mail addresses, phone numbers, passwords in URLs or ``key=value``, SQLCipher keys,
the values SQLAlchemy and PostgreSQL quote in their errors (:func:`redact`); and, in the text
of an exception — where a person's name would arrive (``KeyError('Dupont')``, a pydantic
``input_value``) — every quoted value that is not a dotted name or a path
(:func:`redact_exception`). Tracebacks keep their files, lines and code lines: those come
from the program's own files. A person's name written unquoted in an exception's message
would stay: code names a row by its id, never by a person's field.
"""

from __future__ import annotations

import re
import traceback
from types import TracebackType

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # postgresql://user:secret@host → postgresql://user:***@host
    (re.compile(r"(\b[A-Za-z][\w+.-]*://[^\s:/@]*:)[^\s@/]+@"), r"\1***@"),
    # password=…, passphrase: …, PRAGMA key = "x'…'"
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|passphrase|phrase_de_passe|mot_de_passe|secret|"
            r"pin|pragma\s+(?:re)?key)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;)]+)"
        ),
        r"\1\2***",
    ),
    (re.compile(r"(?i)\bx'[0-9a-f]{16,}'"), "x'***'"),
    # SQLAlchemy: [parameters: ('Dupont', '06…', …)] — the values of the statement
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: masqués]"),
    # PostgreSQL: DETAIL:  Key (lower(email))=(x@y.fr) already exists. / Failing row contains
    (re.compile(r"(Key \((?:[^()\n]|\([^()\n]*\))*\)=)\([^\n]*"), r"\1(…)"),
    (re.compile(r"(Failing row contains )\([^\n]*"), r"\1(…)"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<courriel>"),
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, 0033 6… (not inside a
    # file name: avant-migration-2024-05-01-103000)
    (
        re.compile(
            r"(?<![\w+.-])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\d-])"
        ),
        "<téléphone>",
    ),
    (re.compile(r"(?<![\w+.-])\+\d(?:[\s.-]?\d){7,14}(?![\d-])"), "<téléphone>"),
)
# A quoted value in an exception's text: kept when it is a dotted name or a path
# ('tiers_lieu.ui.agenda', 'person.email', '/tmp/x.sqlite'), masked otherwise.
_QUOTED = re.compile(r"'([^'\n]{1,300})'|\"([^\"\n]{1,300})\"|«([^»\n]{1,300})»|“([^”\n]{1,300})”")
_TECHNICAL = re.compile(r"[\w.:/\\-]*[._/\\][\w.:/\\-]*")


def redact(text: str) -> str:
    """``text`` without e-mail addresses, phone numbers, passwords and quoted SQL values."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _mask_quoted(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None)
    if _TECHNICAL.fullmatch(inner.strip()) and any(c.isalpha() for c in inner):
        return match.group(0)
    opening, closing = match.group(0)[0], match.group(0)[-1]
    return f"{opening}…{closing}"


def redact_exception(text: str) -> str:
    """The text of an exception, where any value may arrive: :func:`redact`, then quoted
    values that are not a dotted name or a path are masked."""
    return _QUOTED.sub(_mask_quoted, redact(text))


def exception_text(exc: BaseException) -> str:
    """« Type: message » of ``exc``, redacted (the dialog's detail line)."""
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    message = exception_message(exc)
    return f"{name}: {redact_exception(message)}" if message else name


def exception_message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not break the report
        return "<message illisible>"


CAUSE = "The above exception was the direct cause of the following exception:"
CONTEXT = "During handling of the above exception, another exception occurred:"


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """``exc`` and the exceptions behind it, newest first, each with the sentence Python
    prints between it and the newer one (bounded: a cycle or a long chain stops at 20)."""
    chain = [(exc, "")]
    seen = {id(exc)}
    current = exc
    while len(chain) < 20:
        if current.__cause__ is not None:
            older, link = current.__cause__, CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            older, link = current.__context__, CONTEXT
        else:
            break
        if id(older) in seen:
            break
        seen.add(id(older))
        chain.append((older, link))
        current = older
    return chain


def format_exception(exc_info: ExcInfo) -> str:
    """A traceback as Python prints it, its exception texts redacted (the code lines come
    from the program's own files)."""
    _type, exc, tb = exc_info
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    parts: list[str] = []
    for each, link in reversed(_chain(exc)):  # the oldest first, as Python prints them
        if each.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(each.__traceback__))
        parts.append(exception_text(each) + "\n")
        for note in getattr(each, "__notes__", None) or ():
            parts.append(redact_exception(str(note)) + "\n")
        if link:
            parts.append(f"\n{link}\n\n")
    return "".join(parts).rstrip("\n")

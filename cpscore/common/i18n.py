"""The reader's language: Chinese by default, English with ``--lang en`` or ``CPSCORE_LANG=en``.

User-facing messages are written in English in the code (the msgid) and marked for extraction:

- ``_("text")`` translates now, into the language in force;
- ``Msg("no value for {id}", id=...)`` keeps the msgid and its named fields and renders when it is
  shown (``str(msg)``), so an error built in a worker process, or before ``--lang`` was read,
  still reads in the reader's language;
- ``N_("text")`` only marks a constant, translated later with ``_(constant)``.

The Chinese text lives in the gettext catalog ``locale/zh/LC_MESSAGES/cpscore.po`` (compiled to
``cpscore.mo`` beside it, both shipped in the wheel; ``python -m cpscore.common.catalog_tool``
extracts and compiles with Babel). English is the msgid itself.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
DOMAIN = "cpscore"
LOCALE_DIR = Path(__file__).with_name("locale")
_current: str | None = None
_catalogs: dict[str, gettext.NullTranslations] = {}


def language() -> str:
    """The language of messages now: set by :func:`set_language`, else CPSCORE_LANG, else zh."""
    if _current is not None:
        return _current
    env = os.environ.get("CPSCORE_LANG", "").strip().lower()[:2]
    return env if env in LANGUAGES else "zh"


def set_language(lang: str | None) -> None:
    """Set the language of messages for this process (None: back to CPSCORE_LANG or zh)."""
    global _current
    _current = lang if lang in LANGUAGES else None


def _catalog(lang: str) -> gettext.NullTranslations:
    cat = _catalogs.get(lang)
    if cat is None:
        cat = (
            gettext.NullTranslations()
            if lang == "en"
            else gettext.translation(DOMAIN, LOCALE_DIR, [lang], fallback=True)
        )
        _catalogs[lang] = cat
    return cat


def gettext_in(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang`` (default: the language in force)."""
    if not message:
        return message
    return _catalog(lang or language()).gettext(message)


def _(message: str) -> str:
    """The message in the reader's language (msgid is the English text)."""
    return gettext_in(message)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown with ``_(constant)``."""
    return message


def _field(value: Any, lang: str) -> Any:
    if isinstance(value, Msg):
        return value.render(lang)
    if hasattr(value, "zh") and hasattr(value, "en"):  # a bilingual name (system.model.Text)
        return (value.en if lang == "en" else value.zh) or value.zh or value.en
    return value


class Msg:
    """A message kept as msgid and named fields, rendered in the language in force when shown.

    Fields may themselves be :class:`Msg` (rendered in the same language). Equal when they read
    the same; pickles (errors travel from reading workers to the main process).
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any):
        self.msgid = msgid
        self.params = params

    def render(self, lang: str | None = None) -> str:
        lang = lang or language()
        fields = {k: _field(v, lang) for k, v in self.params.items()}
        text = gettext_in(self.msgid, lang)
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):  # a translation that lost a field
            try:
                return self.msgid.format(**fields)
            except (KeyError, IndexError, ValueError):
                return self.msgid

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    # Two messages are equal when they read the same (the fields may be held differently).
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __getstate__(self) -> tuple[str, dict[str, Any]]:
        return (self.msgid, self.params)

    def __setstate__(self, state: tuple[str, dict[str, Any]]) -> None:
        self.msgid, self.params = state

    # A message is read like text by code that only looks (``in``, ``startswith``, ``len``).
    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def __len__(self) -> int:
        return len(str(self))

    def __getitem__(self, key: Any) -> str:
        return str(self)[key]

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)


def text(value: Any, lang: str | None = None) -> str:
    """Any message (``Msg`` or plain text) as text in ``lang``."""
    return value.render(lang) if isinstance(value, Msg) else ("" if value is None else str(value))


STATUS_WORDS = {
    "official": N_("official"),
    "unverified": N_("unverified"),
    "illustrative": N_("illustrative"),
}


def status_word(status: str, lang: str | None = None) -> str:
    """A system's status in the reader's language: 官方 / 未核实 / 示例."""
    return gettext_in(STATUS_WORDS.get(status, status), lang)


def yes_no(value: bool | str | None, lang: str | None = None) -> str:
    """是/否 (yes/no)."""
    if value is None:
        return ""
    yes = value is True or value == "yes"
    return gettext_in(N_("yes") if yes else N_("no"), lang)


def join(items: Any, lang: str | None = None) -> str:
    """A list of names as the language writes it: 甲、乙、丙 / a, b, c."""
    return gettext_in(N_(", "), lang).join(str(i) for i in items)


class Term:
    """One word or label, read per language: ``Term(N_("Plant"))["zh"]`` is 企业信息."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str):
        self.msgid = msgid

    def __getitem__(self, lang: str) -> str:
        return gettext_in(self.msgid, lang)

    def both(self) -> tuple[str, str]:
        return (gettext_in(self.msgid, "zh"), self.msgid)


class Labels:
    """A set of labels by key, read per language: ``Labels({...})[lang]["summary"]``."""

    def __init__(self, msgids: dict[str, str]):
        self.msgids = msgids

    def __getitem__(self, lang: str) -> dict[str, str]:
        return {k: gettext_in(v, lang) for k, v in self.msgids.items()}

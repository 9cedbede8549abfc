"""The reader's language: Chinese by default, English with ``--lang en`` or ``CPSCORE_LANG=en``.

User-facing messages are written in English in the code and marked with :func:`_` (gettext's
convention), so they can be extracted into catalogs; the Chinese text lives in the catalog, not in
the code. Until a message has a catalog entry it shows in English.
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_current: str | None = None


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


def _(message: str) -> str:
    """The message in the reader's language (msgid is the English text)."""
    return message

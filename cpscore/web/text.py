"""The language of a page: Chinese first, English by a switch (``?lang=en``, kept in a cookie).

Pages are rendered in the reader's language per request, not the process's: templates call
``_()`` bound to :func:`translator`, which looks the msgid up in cpscore's one catalog
(:func:`cpscore.common.i18n.gettext_in`; ``scripts/messages.py`` extracts the templates' messages
with the Python code's).
"""

from __future__ import annotations

from collections.abc import Callable

from cpscore.common.i18n import LANGUAGES, gettext_in


def translator(lang: str) -> Callable[[str], str]:
    return lambda message: gettext_in(message, lang)


def pick(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "zh"

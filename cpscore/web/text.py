"""The language of a page: Chinese first, English by a switch (``?lang=en``, kept in a cookie).

Messages are written in English and looked up per request in the Chinese catalog (gettext's .po
format, ``locale/zh.po``), the convention of :mod:`cpscore.common.i18n`; a message without an
entry shows in English.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cache
from pathlib import Path

from cpscore.common.i18n import LANGUAGES

CATALOG = Path(__file__).with_name("locale") / "zh.po"


@cache
def catalog() -> dict[str, str]:
    """msgid → msgstr of the web's Chinese catalog (single- and multi-line entries)."""
    entries: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    msgid: list[str] = []

    def flush() -> None:
        if msgid and current:
            text = "".join(current)
            if text:
                entries["".join(msgid)] = text

    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            key, msgid, current = "id", [ast.literal_eval(line[6:])], []
        elif line.startswith("msgstr "):
            key, current = "str", [ast.literal_eval(line[7:])]
        elif line.startswith('"') and key == "id":
            msgid.append(ast.literal_eval(line))
        elif line.startswith('"') and key == "str":
            current.append(ast.literal_eval(line))
    flush()
    return entries


def translator(lang: str) -> Callable[[str], str]:
    if lang == "en":
        return lambda message: message
    table = catalog()
    return lambda message: table.get(message, message)


def pick(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "zh"

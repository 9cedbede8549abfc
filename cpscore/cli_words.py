"""Click's own words (Usage:, Options:, Error: …, the help option's help) in the reader's language.

Click marks them with the standard ``gettext`` (domain ``messages``, language from the
environment); cpscore's language is its own (``--lang``/CPSCORE_LANG, zh by default), so
click's modules are given a ``_`` that reads cpscore's catalog. The msgids are click's, listed
here with ``N_`` so the catalog carries their Chinese.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

import click
import click.core
import click.exceptions
import click.formatting
import click.parser

from cpscore.common.i18n import LANGUAGES, N_, gettext_in, set_language

CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Option {name!r} does not take a value."),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("default: {default}"),
)


def _click_text(message: str) -> str:
    return gettext_in(message)


def install() -> None:
    """Make click's modules read their words from cpscore's catalog."""
    # Not click.decorators: the help texts it fills are kept as msgids and translated when
    # the help is formatted (TranslatedHelp), since a command keeps its help option.
    for module in (click.core, click.exceptions, click.formatting, click.parser):
        module._ = _click_text  # type: ignore[attr-defined]


@contextlib.contextmanager
def _translated_help(command: Any) -> Iterator[None]:
    """The command's help (its docstring, the msgid) in the reader's language while formatting."""
    text = command.help
    if text:
        # click keeps the raw docstring; the catalog holds it as click prints it (cleaned).
        command.help = gettext_in(inspect.cleandoc(text).partition("\f")[0].rstrip())
    try:
        yield
    finally:
        command.help = text


class TranslatedHelp:
    """Mixin for a click Command: option help shown in the reader's language when printed.

    click fills the help option's help ("Show this message and exit.") when the command is
    built, before ``--lang`` is read, so help texts are translated when the help is formatted.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --help is eager too and may come first ("evaluate --help --lang en"): the language
        # is taken from the arguments before click processes either.
        lang = language_in(args)
        if lang:
            set_language(lang)
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self):
            super().format_help_text(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)  # type: ignore[misc]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        saved = [(p, getattr(p, "help", None)) for p in self.get_params(ctx)]  # type: ignore[attr-defined]
        try:
            for p, text in saved:
                if text:
                    p.help = gettext_in(text)  # type: ignore[attr-defined]
            super().format_options(ctx, formatter)  # type: ignore[misc]
        finally:
            for p, text in saved:
                if text:
                    p.help = text  # type: ignore[attr-defined]


def language_in(args: list[str]) -> str | None:
    """The value of the last ``--lang`` among ``args`` (``--lang en`` or ``--lang=en``)."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else None
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else value
        if value in LANGUAGES:
            found = value
    return found


class Command(TranslatedHelp, click.Command):
    pass

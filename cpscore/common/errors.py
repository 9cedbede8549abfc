"""Error types. Everything cpscore reports to a user is one of these; nothing else escapes the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cpscore.common.i18n import Msg, _, text

# found / expected / message: plain text or a Msg rendered in the reader's language when shown.
Text = str | Msg


class CpscoreError(Exception):
    """Base of every error cpscore raises on purpose.

    Raised with a :class:`Msg` (or plain text); ``describe()`` renders it in the reader's
    language when it is shown, not when it is raised.
    """

    exit_code = 2
    kind = "error"

    def describe(self) -> str:
        return " ".join(text(a) for a in self.args) if self.args else ""

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        """The error as ``--format json`` prints it: kind, file, sheet, cell, message."""
        return {"kind": self.kind, "file": "", "sheet": "", "cell": "", "message": self.describe()}


@dataclass
class Problem:
    """One problem in an indicator system file, located by its JSON pointer."""

    pointer: str
    message: Text
    hint: Text = ""

    def __str__(self) -> str:
        where = self.pointer or "/"
        return f"{where}: {text(self.message)}" + (f" ({text(self.hint)})" if self.hint else "")


class SystemFileError(CpscoreError):
    """An indicator system file that cannot be used: bad JSON, schema or semantic problems."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        super().__init__(path, problems)

    kind = "invalid_system"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.path,
            "sheet": "",
            "cell": "",
            "message": self.describe(),
            "problems": [
                {"pointer": p.pointer, "message": text(p.message), "hint": text(p.hint)}
                for p in self.problems
            ],
        }

    def describe(self) -> str:
        lines = [
            _("{path}: invalid indicator system ({n} problem(s))").format(
                path=self.path, n=len(self.problems)
            )
        ]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass
class Location:
    """Where in an input a problem sits: file, sheet, cell (any may be unknown)."""

    file: str = ""
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(_("sheet '{sheet}'").format(sheet=self.sheet))
        if self.cell:
            parts.append(_("cell {cell}").format(cell=self.cell))
        out = ""
        for p in (p for p in parts if p):
            out = _("{a}, {b}").format(a=out, b=p) if out else p
        return out


class InputError(CpscoreError):
    """A plant input that cannot be read as it stands."""

    def __init__(self, kind: str, location: Location, found: Text, expected: Text):
        self.kind = kind
        self.location = location
        self.found = found
        self.expected = expected
        super().__init__(kind, location, found, expected)

    def __str__(self) -> str:
        return self.describe()

    def message(self) -> str:
        """What was found and what was expected, in the reader's language (no location, no kind)."""
        return _("{found}; expected {expected}").format(
            found=text(self.found), expected=text(self.expected)
        )

    def describe(self) -> str:
        # The kind stays untranslated in brackets, so scripts can match it.
        return f"{self.location}: {self.message()} [{self.kind}]"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "cell": self.location.cell,
            "found": text(self.found),
            "expected": text(self.expected),
            "message": self.message(),
        }


class UsageError(CpscoreError):
    """A command used wrongly: unknown sector, conflicting options."""

    kind = "usage"


class SetupError(CpscoreError):
    """cpscore's installation cannot run here (a dependency built wrongly for this Python)."""


class UnclassifiedPlantError(CpscoreError):
    """No classification rule matched a plant: a defect in the system file, not in the plant."""

    kind = "unclassified"


@dataclass
class Finding:
    """A non-fatal finding reported with the result (converted unit, missing value, ignored column)."""

    code: str
    message: Text
    indicator: str = ""
    location: Location = field(default_factory=Location)

    def text(self) -> str:
        """The message in the reader's language."""
        return text(self.message)

    def as_dict(self) -> dict[str, str]:
        d = {"code": self.code, "message": text(self.message)}
        if self.indicator:
            d["indicator"] = self.indicator
        if str(self.location):
            d["where"] = str(self.location)
        return d


class WorkbookErrors(CpscoreError):
    """Every problem found in one workbook, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(errors)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.errors[0].kind

    def describe(self) -> str:
        return "\n".join(e.describe() for e in self.errors)

    def as_dict(self) -> dict[str, Any]:
        """The first error's fields (so scripts read one kind), and every error under ``errors``."""
        return {**self.errors[0].as_dict(), "errors": [e.as_dict() for e in self.errors]}

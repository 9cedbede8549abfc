"""Error types. Everything cpscore reports to a user is one of these; nothing else escapes the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field


class CpscoreError(Exception):
    """Base of every error cpscore raises on purpose."""

    exit_code = 2

    def describe(self) -> str:
        return str(self)


@dataclass
class Problem:
    """One problem in an indicator system file, located by its JSON pointer."""

    pointer: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.pointer or "/"
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


class SystemFileError(CpscoreError):
    """An indicator system file that cannot be used: bad JSON, schema or semantic problems."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.path}: invalid indicator system ({len(self.problems)} problem(s))"]
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
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"cell {self.cell}")
        return ", ".join(p for p in parts if p)


class InputError(CpscoreError):
    """A plant input that cannot be read as it stands."""

    def __init__(self, kind: str, location: Location, found: str, expected: str):
        self.kind = kind
        self.location = location
        self.found = found
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        return f"{self.location}: {self.found}; expected {self.expected} [{self.kind}]"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "cell": self.location.cell,
            "found": self.found,
            "expected": self.expected,
        }


class UsageError(CpscoreError):
    """A command used wrongly: unknown sector, conflicting options."""


class SetupError(CpscoreError):
    """cpscore's installation cannot run here (a dependency built wrongly for this Python)."""


class UnclassifiedPlantError(CpscoreError):
    """No classification rule matched a plant: a defect in the system file, not in the plant."""


@dataclass
class Finding:
    """A non-fatal finding reported with the result (converted unit, missing value, ignored column)."""

    code: str
    message: str
    indicator: str = ""
    location: Location = field(default_factory=Location)

    def as_dict(self) -> dict[str, str]:
        d = {"code": self.code, "message": self.message}
        if self.indicator:
            d["indicator"] = self.indicator
        if str(self.location):
            d["where"] = str(self.location)
        return d


class WorkbookErrors(CpscoreError):
    """Every problem found in one workbook, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(self.describe())

    def describe(self) -> str:
        return "\n".join(e.describe() for e in self.errors)

"""The message catalogs: extract the marked messages with Babel, merge them into the zh catalog,
compile it to the .mo that the wheel ships.

    python scripts/messages.py update    # extract, merge new msgids into cpscore.po (empty msgstr)
    python scripts/messages.py compile   # cpscore.po -> cpscore.mo (commit both)
    python scripts/messages.py check     # exit 1 when a message lacks Chinese or the .mo is stale

Messages are marked in the code with ``_()``, ``N_()`` and ``Msg()`` (cpscore.common.i18n); the
msgid is the English text. Babel is a development dependency (the ``test`` extra); at run time
the standard library's gettext reads the compiled .mo.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cpscore"
PO = PACKAGE / "common" / "locale" / "zh" / "LC_MESSAGES" / "cpscore.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "Msg": None}
# The web service's pages mark their messages with _() in Jinja2 templates.
METHODS = [("**.py", "python"), ("web/templates/**.html", "jinja2")]
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def extract() -> Catalog:
    """Every marked message in the package, with where it is used."""
    # A fixed date keeps the .po header (and so the .mo) stable across extractions.
    cat = Catalog(project="cpscore", domain="cpscore", creation_date=FIXED_DATE)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if isinstance(message, tuple):  # only singular messages are used
            message = message[0]
        if message:
            cat.add(
                message,
                None,
                [(f"cpscore/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    # Babel's tokenizer does not look inside f-strings (before Python 3.12): the marked
    # messages there are found from the syntax tree.
    for path in sorted(PACKAGE.rglob("*.py")):
        for lineno, message in marked_in_tree(path):
            if message not in cat:
                cat.add(message, None, [(str(path.relative_to(ROOT)), lineno)])
    # A command's docstring is its help text (cpscore --help, cpscore CMD --help).
    for lineno, message in command_docstrings(PACKAGE / "cli.py"):
        if message not in cat:
            cat.add(message, None, [("cpscore/cli.py", lineno)])
    return cat


def command_docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, help text) of every click command and group: its docstring as click cleans it."""
    import inspect

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        commands = [
            d
            for d in node.decorator_list
            if isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ("command", "group")
        ]
        doc = ast.get_docstring(node, clean=False)
        if commands and doc:
            found.append((node.lineno, inspect.cleandoc(doc).split("\f")[0].rstrip()))
    return found


def marked_in_tree(path: Path) -> list[tuple[int, str]]:
    """(line, msgid) of every _(), N_() and Msg() with a literal first argument."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in KEYWORDS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def load_po(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh", domain="cpscore")


def mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def update() -> list[str]:
    """Merge the extracted messages into the .po; returns the msgids that still lack Chinese."""
    template = extract()
    cat = load_po() if PO.exists() else Catalog(locale="zh", project="cpscore", domain="cpscore")
    # Translations of messages not (or no longer) in the code are kept as obsolete entries
    # (#~), and come back when the message does: a .po snippet can be merged before its code.
    kept = {m.id: m.string for m in [*cat, *cat.obsolete.values()] if m.id and m.string}
    cat.update(template, no_fuzzy_matching=True)
    for m in cat:
        if m.id and not m.string and m.id in kept:
            m.string = kept[m.id]
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, cat, width=100, sort_output=True, no_location=True, include_previous=False)
    return untranslated(cat)


def untranslated(cat: Catalog) -> list[str]:
    return [m.id for m in cat if m.id and (not m.string or m.fuzzy)]


def compile_mo() -> None:
    MO.write_bytes(mo_bytes(load_po()))


def merge_snippet(path: Path) -> int:
    """Take the translations of a .po snippet (another issue's new messages) into the catalog."""
    with path.open("rb") as f:
        snippet = read_po(f, locale="zh", domain="cpscore")
    cat = load_po()
    n = 0
    for m in snippet:
        # A translation already in the catalog wins (one word for one msgid across issues).
        if m.id and m.string and not (m.id in cat and cat[m.id].string):
            # Babel's add() keeps an existing entry's (empty) string: set it on the entry.
            if m.id in cat:
                cat[m.id].string = m.string
            else:
                cat.add(m.id, m.string, m.locations)
            n += 1
    with PO.open("wb") as f:
        write_po(f, cat, width=100, sort_output=True, no_location=True, include_previous=False)
    return n


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "update":
        missing = update()
        compile_mo()
        print(f"{PO}: {len(missing)} message(s) without Chinese")
        for m in missing:
            print(f"  {m}")
        return 0
    if cmd == "compile":
        compile_mo()
        return 0
    if cmd == "merge":
        for p in argv[1:]:
            print(f"{p}: {merge_snippet(Path(p))} translation(s) merged")
        compile_mo()
        return 0
    cat = load_po()
    template = extract()
    missing = [
        m.id
        for m in template
        if m.id and (m.id not in cat or not cat[m.id].string or cat[m.id].fuzzy)
    ]
    stale = MO.read_bytes() != mo_bytes(cat) if MO.exists() else True
    for m in missing:
        print(f"no Chinese for: {m}")
    if stale:
        print(f"{MO} is stale: run python scripts/messages.py compile")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

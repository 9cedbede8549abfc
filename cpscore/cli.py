"""The command line: a thin layer that parses arguments and calls the Python API.

Exit status: 0 done; 1 `validate` found invalid systems (or a batch rejected inputs);
2 usage or input error. No traceback reaches the user (set CPSCORE_DEBUG=1 to see one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from typing import Any

import click

from cpscore.cli_words import Command as TranslatedCommand
from cpscore.cli_words import TranslatedHelp, install
from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import N_, _, language, set_language, status_word

install()  # click's own words (Usage:, Error: …) in the reader's language

# Which outputs of the command running now are complete, for the line a Ctrl-C prints.
_WRITTEN: list[str] = []


def interrupted_message() -> str:
    if not _WRITTEN:
        return _("interrupted; no output written")
    return _("interrupted; complete: {outputs}; nothing else was written").format(
        outputs=", ".join(_WRITTEN)
    )


LANGS = click.Choice(["zh", "en"])
WEB_INSTALL = 'pip install "cpscore[web]"'
# Set by a --format json option: errors then go to stdout as {"error": {...}}, never as prose.
_json_errors = False


def _emit_error(
    kind: str, message: str, exit_code: int, fields: dict[str, Any] | None = None
) -> None:
    if _json_errors:
        err = {"kind": kind, "file": "", "sheet": "", "cell": "", "message": message}
        err.update(fields or {})
        click.echo(json.dumps({"error": err}, ensure_ascii=False, indent=2))
    elif kind == "internal":
        click.echo(message, err=True)
    else:
        click.echo(_("error: {message}").format(message=message), err=True)
    sys.exit(exit_code)


def _stdout_error(e: OSError) -> None:
    """Standard output could not be written (a closed pipe, /dev/full): one line, exit 2, and
    no second complaint when Python flushes it at exit."""
    from cpscore.common.atomic import reason

    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the stream for exit
    click.echo(
        _("error: cannot write to standard output: {reason}").format(reason=reason(e)), err=True
    )
    sys.exit(2)


class _Group(TranslatedHelp, click.Group):
    command_class = TranslatedCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                with contextlib.suppress(ValueError):  # stdout already closed
                    sys.stdout.flush()
        except CpscoreError as e:
            _emit_error(e.kind, e.describe(), e.exit_code, e.as_dict())
        except click.ClickException as e:
            if not _json_errors:
                raise
            _emit_error("usage", e.format_message(), e.exit_code)
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(interrupted_message(), err=True)
            sys.exit(130)
        except OSError as e:  # writing the terminal output: stdout closed, full or a pipe gone
            if e.filename is None:
                _stdout_error(e)
            from cpscore.common.atomic import reason

            click.echo(
                _("error: {path}: {reason}").format(path=e.filename, reason=reason(e)), err=True
            )
            sys.exit(2)
        except Exception as e:  # a defect in cpscore, reported without a traceback
            if os.environ.get("CPSCORE_DEBUG"):
                raise
            _emit_error(
                "internal",
                _("internal error: {error} (set CPSCORE_DEBUG=1 for details)").format(
                    error=f"{type(e).__name__}: {e}"
                ),
                3,
            )


def _set_lang(ctx: click.Context, _param: Any, value: str | None) -> str:
    global _json_errors
    if ctx.parent is None:  # the group's option: each invocation starts from CPSCORE_LANG / zh
        set_language(value)
        _json_errors = False
    elif value:
        set_language(value)
    return language()


def _lang_option(f: Any) -> Any:
    """--lang on every command (and on the group): zh by default, or CPSCORE_LANG."""
    return click.option(
        "--lang",
        type=LANGS,
        default=None,
        is_eager=True,
        expose_value=True,
        callback=_set_lang,
        help=N_("Language of every message and output: zh (default) or en; also CPSCORE_LANG."),
    )(f)


def _set_format(_ctx: Any, _param: Any, value: str) -> str:
    global _json_errors
    _json_errors = value == "json"
    return value


def _format_option(choices: list[str], default: str, help: str | None = None) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        is_eager=True,
        callback=_set_format,
        help=help,
    )


def _date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("{value} is not a date like 2016-01-31").format(value=repr(value))
        ) from None


def _system_options(f: Any) -> Any:
    f = click.option(
        "--as-of",
        callback=_date,
        metavar="DATE",
        help=N_("Use the version in force on DATE (YYYY-MM-DD)."),
    )(f)
    f = click.option(
        "--system",
        "system_ref",
        metavar="ID|PATH",
        help=N_("Use this system explicitly (bundled id or JSON file)."),
    )(f)
    f = click.option(
        "--sector", metavar="SECTOR", help=N_("Sector; the version in force today unless --as-of.")
    )(f)
    return f


def _load(sector: str | None, system_ref: str | None, as_of: dt.date | None) -> Any:
    from cpscore.system.catalog import load

    return load(sector, system_ref, as_of)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cpscore")
@_lang_option
def main(lang: str) -> None:
    """Score plants against China's clean-production evaluation indicator systems (清洁生产评价指标体系)."""


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False))
@_system_options
@_format_option(["text", "json"], "text")
@_lang_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help=N_("Write an Excel scorecard (.xlsx) or the JSON document (.json)."),
)
@click.option(
    "--strict",
    is_flag=True,
    help=N_("Refuse the workbook when any applicable indicator or required fact has no value."),
)
def evaluate(
    workbook: str,
    sector: str | None,
    system_ref: str | None,
    as_of: dt.date | None,
    fmt: str,
    lang: str,
    output: str | None,
    strict: bool,
) -> None:
    """Evaluate one plant workbook: class, reason, scores, gaps and blockers.

    Without --sector or --system, the system the workbook's plant sheet names is used.
    Exit 0 when evaluated, 2 on a usage or input error.
    """
    from cpscore.common.atomic import refuse_overwriting
    from cpscore.pipeline import evaluate_workbook

    refuse_overwriting([("-o", output)], [workbook])
    if not sector and not system_ref:
        from cpscore.read.workbook import named_system

        system_ref = named_system(workbook)
    system = _load(sector, system_ref, as_of)
    ev = evaluate_workbook(workbook, system, strict=strict)
    doc = ev.document(0, lang)
    if output:
        _write_output(ev, doc, output, lang)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        from cpscore.views.text import render

        render(doc, lang)


def _write_output(ev: Any, doc: dict[str, Any], output: str, lang: str) -> None:
    from cpscore.common.atomic import write_text

    if output.lower().endswith(".json"):
        write_text(output, json.dumps(doc, ensure_ascii=False, indent=2))
    elif output.lower().endswith(".xlsx"):
        from cpscore.views.scorecard import write_scorecard

        write_scorecard(ev, 0, output, lang)
    else:
        raise click.BadParameter(_("the output must end in .xlsx or .json"), param_hint="-o")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--bundled", is_flag=True, help=N_("Validate every bundled system."))
@_lang_option
def validate(files: tuple[str, ...], bundled: bool, lang: str) -> None:
    """Check indicator system files: schema, weights, benchmark order, references, units, rules.

    Exit 0 when all are valid, 1 otherwise.
    """
    from cpscore.common.errors import SystemFileError
    from cpscore.system.catalog import bundled as bundled_entries
    from cpscore.system.checks import system_warnings
    from cpscore.system.loader import load_system

    paths = list(files) + ([str(e.path) for e in bundled_entries()] if bundled else [])
    if not paths:
        raise click.UsageError(_("name at least one system file, or --bundled"))
    bad = 0
    for p in paths:
        try:
            s = load_system(p)
        except SystemFileError as e:
            bad += 1
            click.echo(e.describe())
        else:
            click.echo(
                _("{path}: valid ({id}, {n} indicators, status {status})").format(
                    path=p, id=s.id, n=len(s.indicators), status=s.status_label()
                )
            )
            for w in system_warnings(s):
                click.echo(_("  warning: {message}").format(message=w))
    sys.exit(1 if bad else 0)


@main.command()
@_format_option(
    ["table", "json", "markdown"],
    "table",
    help=N_("markdown: the README coverage table (with --coverage)."),
)
@click.option(
    "--coverage",
    is_flag=True,
    help=N_("The 19 key sectors and every bundled system: status, source, what is missing."),
)
@_lang_option
def systems(fmt: str, coverage: bool, lang: str) -> None:
    """List the bundled indicator systems (or, with --coverage, the sector coverage)."""
    from cpscore.system.catalog import bundled

    if coverage:
        _coverage(fmt)
        return
    entries = bundled()
    if fmt == "json":
        rows = [{k: (str(v) if k == "path" else v) for k, v in e.__dict__.items()} for e in entries]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    console = Console()
    # On a narrow terminal the title goes under the id (one column), so the sector and method
    # columns stay visible and no header word is broken.
    wide = console.width >= 120
    heads = {"id": _("id") if wide else _("system"), "sector": _("sector")}
    if wide:
        heads["title"] = _("title")
    heads |= {
        "effective": _("effective"),
        "status": _("status"),
        "method": _("method"),
        "indicators": _("indicators"),
    }
    for col, head in heads.items():
        table.add_column(
            head,
            overflow="fold",
            ratio={"title": 3, "id": 4, "sector": 2}.get(col),
            no_wrap=col not in ("title", "id", "sector"),
        )
    for e in entries:
        word = status_word(e.status)
        status = word if e.status == "official" else f"[bold red]{word}[/]"
        title = e.title_zh if language() == "zh" else (e.title_en or e.title_zh)
        cells = [e.id, e.sector] if wide else [f"[bold]{e.id}[/]\n{title}", e.sector]
        if wide:
            cells.append(title)
        cells += [
            e.effective or _("draft"),
            status,
            _(METHOD_WORDS.get(e.method, e.method)),
            str(e.indicators),
        ]
        table.add_row(*cells)
    console.print(table)


METHOD_WORDS = {"graded": N_("graded"), "composite": N_("composite")}


def _coverage(fmt: str) -> None:
    from cpscore.system.coverage import markdown, rows

    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows()], ensure_ascii=False, indent=2))
        return
    if fmt == "markdown":
        click.echo(markdown())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=_("Coverage of the 19 key sectors and the bundled systems"))
    for col in (
        _("sector"),
        _("group"),
        _("system"),
        _("version"),
        _("status"),
        _("source"),
        _("missing"),
    ):
        table.add_column(col, overflow="fold")
    for r in rows():
        word = (
            status_word(r.status) if r.status in ("official", "unverified", "illustrative") else "—"
        )
        status = word if r.status == "official" else f"[bold red]{word}[/]"
        table.add_row(
            f"{r.zh} ({r.sector})",
            r.group,
            r.system or "—",
            r.version or "—",
            status,
            r.source,
            r.missing,
        )
    Console().print(table)


@main.command()
@click.argument("system_ref", metavar="SYSTEM")
@_format_option(["table", "json"], "table")
@_lang_option
def show(system_ref: str, fmt: str, lang: str) -> None:
    """Show a system's indicator table (SYSTEM: bundled id, sector or JSON path)."""
    from cpscore.system.catalog import bundled
    from cpscore.views.show import normalised, render_table

    sector = system_ref if any(e.sector == system_ref for e in bundled()) else None
    system = _load(sector, None if sector else system_ref, None)
    if fmt == "json":
        click.echo(json.dumps(normalised(system, lang), ensure_ascii=False, indent=2))
    else:
        render_table(system, lang)


@main.command()
@click.argument("system_ref", metavar="SECTOR|SYSTEM")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@_lang_option
@click.option("--wide", is_flag=True, help=N_("The wide form: one row per plant (for `batch`)."))
@click.option("--force", is_flag=True, help=N_("Replace the file if it exists."))
def template(system_ref: str, output: str, lang: str, wide: bool, force: bool) -> None:
    """Write the empty plant data workbook for a sector or system."""
    from cpscore.common.errors import UsageError
    from cpscore.system.catalog import bundled
    from cpscore.views.template import write_plant_workbook

    if os.path.lexists(output) and not force:
        raise UsageError(
            _("{path} exists (it may be a filled-in workbook); use --force to replace it").format(
                path=output
            )
        )
    sector = system_ref if any(e.sector == system_ref for e in bundled()) else None
    system = _load(sector, None if sector else system_ref, None)
    if wide:
        from cpscore.views.wide_template import write_wide_workbook

        write_wide_workbook(system, output, lang)
    else:
        write_plant_workbook(system, output, lang)
    click.echo(_("wrote {path}").format(path=output))


# Options the document commands (import-table, review, verify) share.
_against_option = click.option(
    "--against",
    "document",
    required=True,
    type=click.Path(dir_okay=False),
    help=N_("The .pdf/.docx."),
)
_pages_option = click.option(
    "--pages", metavar="PAGES", help=N_("PDF only: the pages holding the table, e.g. 5-9.")
)


@main.command("import-table")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help=N_("System JSON to write."),
)
@click.option(
    "--sheet", help=N_("The sheet holding the indicator table (default: the first with a header).")
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help=N_(
        "Metadata that wins over the metadata sheet, e.g. --set status=unverified "
        "--set classification=2013 (dotted keys: title.zh, source.citation)."
    ),
)
@click.option(
    "--notes", is_flag=True, help=N_("Also list every interpretation made (〃, 以下 → ≤ …).")
)
@_format_option(["text", "json"], "text")
@_lang_option
@_pages_option
@click.option(
    "--base",
    metavar="SYSTEM",
    help=N_(
        "Take what the printed table does not carry (ids, English names, facts, rules, "
        "metadata) from this system (bundled id or JSON file)."
    ),
)
def import_table_cmd(
    table: str,
    output: str,
    sheet: str | None,
    settings: tuple[str, ...],
    notes: bool,
    fmt: str,
    lang: str,
    pages: str | None,
    base: str | None,
) -> None:
    """Read an indicator table and write a validated system file.

    TABLE is the published PDF (text layer) or Word .docx itself, or an .xlsx laid out as
    published. Every cell that cannot be interpreted is listed with its place (sheet and cell;
    page and box; table, row and column) and no file is written.
    Exit 0 written, 1 cells could not be interpreted, 2 unreadable input or usage error.
    """
    from cpscore.authoring.export_table import load_doc
    from cpscore.authoring.import_table import TableImportError, import_table, write_system
    from cpscore.common.atomic import refuse_overwriting

    refuse_overwriting([("-o", output)], [table])

    overrides = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(
                _("{item} is not KEY=VALUE").format(item=repr(item)), param_hint="--set"
            )
        overrides[key.strip()] = value
    _not_over_input(output, table)
    base_doc = load_doc(base, check=False) if base else None
    result = import_table(table, overrides, sheet, pages=pages, base=base_doc)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "written": None if result.problems else output,
                    "problems": [p.as_dict() for p in result.problems],
                    "notes": [n.as_dict() for n in result.notes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif notes:
        for n in result.notes:
            click.echo(_("note: {note}").format(note=n), err=True)
    if result.problems:
        err = TableImportError(table, result.problems)
        if fmt == "text":
            click.echo(err.describe(), err=True)
        sys.exit(err.exit_code)
    write_system(result.doc, output)
    if fmt == "text":
        n = sum(len(g["indicators"]) for g in result.doc["groups"])
        click.echo(
            _("wrote {path} ({id}, {n} indicators, {notes} notes)").format(
                path=output, id=result.doc["id"], n=n, notes=len(result.notes)
            )
        )


@main.command("export-table")
@click.argument("system_ref", metavar="SYSTEM")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help=N_("File to write: .xlsx (the table to edit), .pdf or .docx (the printed document)."),
)
@_lang_option
def export_table_cmd(system_ref: str, output: str, lang: str) -> None:
    """Write a system (bundled id, sector or JSON path) in the printed table layout.

    .xlsx: the table with every field, to edit and import again; .pdf/.docx: the table as the
    published document prints it (import it with --base SYSTEM to get the same system again).
    """
    from cpscore.authoring.export_table import export_table, load_doc

    suffix = output.lower().rsplit(".", 1)[-1]
    if suffix not in ("xlsx", "pdf", "docx"):
        raise click.BadParameter(_("the output must end in .xlsx, .pdf or .docx"), param_hint="-o")
    if suffix == "xlsx":
        export_table(load_doc(system_ref), output)
    else:
        from cpscore.authoring.export_document import export_document

        export_document(load_doc(system_ref), output)
    click.echo(_("wrote {path}").format(path=output))


def _not_over_input(output: str, *inputs: str) -> None:
    from pathlib import Path

    out = Path(output).resolve()
    for i in inputs:
        if Path(i).resolve() == out:
            raise click.BadParameter(
                _("{output} is an input; write elsewhere").format(output=output), param_hint="-o"
            )


@main.command()
@click.argument("system_ref", metavar="SYSTEM")
@_against_option
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help=N_("Page (.html).")
)
@_pages_option
@_lang_option
def review(system_ref: str, document: str, output: str, pages: str | None, lang: str) -> None:
    """Write a review page: every reading of SYSTEM beside its spot in the document.

    One self-contained HTML page (images inlined, no script): one row per indicator with the
    crop of that row from the PDF page (or the .docx cell text); rows with an interpretation
    or a difference from the document are marked and listed first.
    """
    from cpscore.authoring.review import write_review

    _not_over_input(output, system_ref, document)
    cmp = write_review(system_ref, document, output, pages)
    state = (
        _("equals the document")
        if cmp.same
        else _("{n} difference(s) from the document").format(n=cmp.count)
    )
    click.echo(
        _("wrote {path} ({system} {state})").format(path=output, system=system_ref, state=state)
    )


@main.command()
@click.argument("system_path", metavar="SYSTEM.json", type=click.Path(dir_okay=False))
@_against_option
@click.option("--by", "by", metavar="NAME", help=N_("Who checked the numbers (核对人)."))
@click.option("--announcement", metavar="TEXT", help=N_("The announcement, e.g. 2014年第3号公告."))
@_pages_option
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help=N_("Only say whether the system equals the document."),
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help=N_("Write here instead of SYSTEM.json.")
)
@_lang_option
def verify(
    system_path: str,
    document: str,
    by: str | None,
    announcement: str | None,
    pages: str | None,
    check_only: bool,
    output: str | None,
    lang: str,
) -> None:
    """Compare SYSTEM.json with the official document number by number and text by text.

    When everything agrees, mark it official with a verification record (who, when, document
    title, SHA-256, pages, announcement) written into SYSTEM.json (or -o); otherwise list the
    differences and write nothing (exit 1). With --check, write nothing: exit 0 when the system
    equals the document, 1 when it differs.
    """
    from cpscore.authoring import verify as V

    if check_only:
        cmp, remarks = V.check(system_path, document, pages)
        for r in remarks:
            click.echo(_("note: {note}").format(note=r))
        if cmp.same:
            click.echo(
                _("{system}: equals {document}").format(system=system_path, document=document)
            )
            sys.exit(0)
        click.echo(V.VerificationError(system_path, cmp).describe())
        sys.exit(1)
    if not by:
        raise click.UsageError(_("--by NAME is required (who checked the numbers), or use --check"))
    if output:
        _not_over_input(output, document)
    doc = V.verify(system_path, document, by, announcement, pages, output)
    from cpscore.system.model import status_label

    click.echo(
        _("wrote {path}: {status} ({sha}…)").format(
            path=output or system_path,
            status=status_label(doc["status"], doc["verification"]),
            sha=doc["verification"]["document"]["sha256"][:12],
        )
    )


@main.command("diff")
@click.argument("system_a", metavar="SYSTEM_A")
@click.argument("system_b", metavar="SYSTEM_B")
@_format_option(["text", "json"], "text")
@_lang_option
def diff_cmd(system_a: str, system_b: str, fmt: str, lang: str) -> None:
    """What changed from SYSTEM_A to SYSTEM_B: indicators, weights, benchmarks, limiting flags, rules.

    Files need to pass the schema only (a draft whose weights do not add up yet can be compared).
    Like diff(1): exit 0 when the systems are the same, 1 when they differ, 2 on error.
    """
    from cpscore.authoring.diff import diff_docs, render_text
    from cpscore.authoring.export_table import load_doc

    d = diff_docs(load_doc(system_a, check=False), load_doc(system_b, check=False))
    if fmt == "json":
        click.echo(json.dumps(d.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(d))
    sys.exit(0 if d.same else 1)


def _batch_on_dask(
    inputs: tuple[str, ...],
    system: Any,
    output: str,
    jobs: int | None,
    scheduler: str | None,
    period_column: str | None,
    lang: str,
    other_outputs: bool,
) -> None:
    """`batch --engine dask`: score plant tables on a Dask cluster; exits 1 if rows were rejected."""
    if other_outputs:
        raise click.UsageError(
            _("--engine dask writes one results table (-o); drop --csv/--json/--html/--scorecards")
        )
    from cpscore.batch.distributed import run_on_cluster
    from cpscore.batch.table_summary import lines

    set_language(lang)  # of the reasons, the summary and these lines
    done = run_on_cluster(list(inputs), system, output, scheduler, jobs, period_column)
    click.echo(
        _("scored {scored:,} plant-periods in {pieces} tasks, {rejected:,} rejected").format(
            scored=done.scored, pieces=done.pieces, rejected=done.rejected
        ),
        err=True,
    )
    for line in lines(done.summary):
        click.echo(f"  {line}", err=True)
    for path in done.outputs.paths():
        click.echo(_("wrote {path}").format(path=path), err=True)
    sys.exit(1 if done.rejected else 0)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@_system_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help=N_(
        "The list workbook (.xlsx); with --engine dask, the results (.parquet folder or .csv)."
    ),
)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help=N_("The list as CSV."))
@click.option(
    "--json",
    "jsonl_path",
    type=click.Path(dir_okay=False),
    help=N_("JSON lines: one result per plant, one line per rejected input."),
)
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False), help=N_("The public list page.")
)
@click.option(
    "--scorecards",
    type=click.Path(file_okay=False),
    help=N_("Write each plant's Excel scorecard into this folder."),
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help=N_("Processes reading workbooks, this one included (default: all cores)."),
)
@_lang_option
@click.option(
    "--engine",
    type=click.Choice(["pandas", "dask"]),
    default="pandas",
    show_default=True,
    help=N_(
        "dask: score parquet/CSV tables (one row per plant-period) on a Dask cluster and write "
        "the results (-o .parquet folder or .csv), the rejected rows and a summary; for "
        "national-scale runs."
    ),
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help=N_("With --engine dask: a Dask scheduler to connect to (default: a local cluster)."),
)
@click.option(
    "--period-column",
    metavar="NAME",
    help=N_("With --engine dask: the column naming each row's period (default: period or 评价期)."),
)
def batch(
    inputs: tuple[str, ...],
    sector: str | None,
    system_ref: str | None,
    as_of: dt.date | None,
    output: str,
    csv_path: str | None,
    jsonl_path: str | None,
    html_path: str | None,
    scorecards: str | None,
    jobs: int | None,
    lang: str,
    engine: str,
    scheduler: str | None,
    period_column: str | None,
) -> None:
    """Evaluate every plant of a sector and write the association's list.

    INPUTS: plant workbooks, folders (searched recursively for .xlsx) and wide workbooks (one
    row per plant; `cpscore template S --wide`). Every input plant is evaluated or listed with
    the reason it could not be (sheet 'Rejected inputs'); one bad file never stops the batch.

    \b
    Exit status:
      0  every input plant was evaluated
      1  some inputs were rejected (listed in the outputs)
      2  usage error (unknown sector, no inputs, bad option)
    """
    if engine == "dask":
        _batch_on_dask(
            inputs,
            _load(sector, system_ref, as_of),
            output,
            jobs,
            scheduler,
            period_column,
            lang,
            bool(csv_path or jsonl_path or html_path or scorecards),
        )
    if scheduler or period_column:
        raise click.UsageError(_("--scheduler and --period-column go with --engine dask"))
    if os.path.isdir(output):
        raise click.BadParameter(
            _("{path}: a folder, not a list workbook (.xlsx)").format(path=output),
            param_hint="'-o' / '--output'",
        )
    from cpscore.batch.outputs import (
        check_outputs,
        rejected_lines,
        summary_line,
        terminal_progress,
        write_outputs,
    )
    from cpscore.batch.run import expand_inputs, run_batch

    check_outputs(output, csv_path, jsonl_path, html_path, scorecards)
    paths = expand_inputs(inputs)  # a path that does not exist: a usage error, before reading
    from cpscore.batch.outputs import written_by_cpscore
    from cpscore.common.atomic import refuse_overwriting

    refuse_overwriting(
        [("-o", output), ("--csv", csv_path), ("--json", jsonl_path), ("--html", html_path)],
        paths,
        written_by_cpscore,  # the list of the last run, found in the folder: replaced
    )
    system = _load(sector, system_ref, as_of)
    with terminal_progress() as tick:
        result = run_batch(system, paths, jobs, tick)
    sl = write_outputs(
        result, output, csv_path, jsonl_path, html_path, scorecards, lang, _WRITTEN.append
    )
    for note in result.notes:
        click.echo(f"note: {note.location}: {note.message}", err=True)
    click.echo(summary_line(sl), err=True)
    for line in rejected_lines(result):
        click.echo(line, err=True)
    for path in (output, csv_path, jsonl_path, html_path, scorecards):
        if path:
            click.echo(_("wrote {path}").format(path=path), err=True)
    sys.exit(result.exit_code)


@main.command()
@_lang_option
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    default="cpscore-data",
    show_default=True,
    help=N_(
        "Folder for uploads, the signing key and the SQLite database (created on first start)."
    ),
)
@click.option(
    "--database",
    metavar="URL",
    help=N_(
        "postgresql://user:password@host/db for a real deployment (default: SQLite in --data)."
    ),
)
@click.option(
    "--add-admin",
    metavar="NAME",
    help=N_("Set up an administrator (password asked, or CPSCORE_ADMIN_PASSWORD) and exit."),
)
@click.option("--max-upload-mb", type=click.IntRange(1, 256), default=20, show_default=True)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help=N_("Processes that read uploaded workbooks (default: up to 4, one per core)."),
)
@click.option("--public-url", metavar="URL", help=N_("The address firms' links start with."))
@click.option("--secure-cookies", is_flag=True, help=N_("Send cookies over HTTPS only."))
def serve(
    host: str,
    port: int,
    data: str,
    database: str | None,
    add_admin: str | None,
    max_upload_mb: int,
    jobs: int | None,
    public_url: str | None,
    secure_cookies: bool,
    lang: str,
) -> None:
    """Run the web service: evaluation campaigns for associations and firms, and the API.

    Firms upload their workbook through their campaign link and see their result at once;
    administrators follow the list as it grows. POST /api/v1/evaluate evaluates one workbook
    for programs (OpenAPI at /openapi.json). Needs the extra `web`: pip install "cpscore[web]".
    """
    from pathlib import Path

    try:
        from cpscore.web.server import run
        from cpscore.web.service import Settings
        from cpscore.web.service import add_admin as add_administrator
    except ImportError as e:
        raise click.UsageError(
            _("the web service needs the extra 'web' ({name} is missing): {command}").format(
                name=e.name, command=WEB_INSTALL
            )
        ) from None
    settings = Settings(
        Path(data),
        database,
        max_upload_mb << 20,
        jobs or 0,
        public_url,
        secure_cookies,
        lang,
    )
    if add_admin:
        password = os.environ.get("CPSCORE_ADMIN_PASSWORD") or click.prompt(
            _("password for {name}").format(name=add_admin),
            hide_input=True,
            confirmation_prompt=True,
        )
        created = add_administrator(settings, add_admin, password)
        done = _("administrator {name} created") if created else _("administrator {name} updated")
        click.echo(done.format(name=add_admin), err=True)
        return
    run(settings, host, port)


if __name__ == "__main__":
    main()

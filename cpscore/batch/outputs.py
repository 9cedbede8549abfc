"""Writing a batch's outputs (list workbook, CSV, JSON lines, HTML, scorecards) and its progress bar."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpscore.common.errors import UsageError
from cpscore.common.i18n import N_, Msg, _, gettext_in, join
from cpscore.engine.batch_result import BatchResult

from .run import Progress

if TYPE_CHECKING:  # the list (pandas) is imported when written, not when the CLI starts
    from cpscore.engine.sector_list import SectorList

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}


def check_outputs(
    output: str,
    csv_path: str | None,
    jsonl_path: str | None,
    html_path: str | None,
    scorecards: str | None,
) -> None:
    """Usage errors found before any work is done."""
    for path, ext, opt in (
        (output, ".xlsx", "-o"),
        (csv_path, ".csv", "--csv"),
        (jsonl_path, (".jsonl", ".json", ".ndjson"), "--json"),
        (html_path, (".html", ".htm"), "--html"),
    ):
        if path and not path.lower().endswith(ext):
            want = ext if isinstance(ext, str) else " or ".join(ext)
            raise UsageError(
                Msg("{opt} {path}: the file name must end in {want}", opt=opt, path=path, want=want)
            )
    if scorecards:
        try:
            import cpscore.views.scorecard  # noqa: F401
        except ImportError:
            raise UsageError(
                Msg(
                    "--scorecards needs the Excel scorecard writer (cpscore.views.scorecard), which this build does not have"
                )
            ) from None


def scorecard_name(plant_id: Any, taken: set[str]) -> str:
    """A safe, unique file name for a plant id: 'C/01 厂' -> 'C_01_厂.xlsx'."""
    stem = re.sub(r"[^\w.\-]+", "_", str(plant_id or "plant")).strip("._") or "plant"
    stem = stem[:100]
    if stem.upper() in _RESERVED:
        stem = f"_{stem}"
    name, k = f"{stem}.xlsx", 2
    while name.lower() in taken:
        name, k = f"{stem}-{k}.xlsx", k + 1
    taken.add(name.lower())
    return name


def write_scorecards(sl: SectorList, folder: str | Path) -> list[Path]:
    """One Excel scorecard per evaluated plant, named by its plant id, in list order.

    A name already taken in the folder by an input of the batch, or by any file cpscore did
    not write (a submission not in this batch), is never replaced: the scorecard gets the
    next free name (``id-2.xlsx``).
    """
    from cpscore.common.atomic import output_error, same_file
    from cpscore.views.scorecard import write_scorecard

    ev = sl.evaluation
    if ev is None:
        return []
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(folder, e) from None
    inputs = [Path(f) for f in sl.result.files]
    taken: set[str] = set()
    out = []
    for i in sl.order:
        while True:
            path = folder / scorecard_name(ev.meta[i].get("id"), taken)
            if not path.exists() or (
                not any(same_file(path, p) for p in inputs) and written_by_cpscore(path)
            ):
                break
        write_scorecard(ev, i, path, sl.lang)
        out.append(path)
    return out


def written_by_cpscore(path: Path) -> bool:
    """Whether the file is a workbook cpscore wrote (it carries the custom property)."""
    from cpscore.read.safety import inspect

    try:
        return bool(inspect(path).output_of)
    except Exception:  # not a workbook at all: not ours to replace
        return False


def write_outputs(
    result: BatchResult,
    output: str | Path,
    csv_path: str | Path | None = None,
    jsonl_path: str | Path | None = None,
    html_path: str | Path | None = None,
    scorecards: str | Path | None = None,
    lang: str = "zh",
    written: Callable[[str], None] | None = None,
) -> SectorList:
    """Every output asked for; ``written`` is told each one's path as soon as it is complete."""
    from cpscore.engine.sector_list import build
    from cpscore.views.export_formats import write_csv, write_html, write_jsonl
    from cpscore.views.listbook import write_list_workbook

    done = written or (lambda _path: None)
    sl = build(result, lang)
    write_list_workbook(sl, output)
    done(str(output))
    for path, write in ((csv_path, write_csv), (jsonl_path, write_jsonl), (html_path, write_html)):
        if path:
            write(sl, path)
            done(str(path))
    if scorecards:
        write_scorecards(sl, scorecards)
        done(str(scorecards))
    return sl


@contextlib.contextmanager
def terminal_progress(label: str = N_("reading")) -> Iterator[Progress | None]:
    """A rich progress bar (count, ETA) on a terminal's stderr; nothing when it is not one."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich import progress as rp
    from rich.console import Console

    with rp.Progress(
        rp.TextColumn("{task.description}"),
        rp.BarColumn(),
        rp.MofNCompleteColumn(),
        rp.TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(gettext_in(label), total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def summary_line(sl: SectorList) -> str:
    r, lang = sl.result, sl.lang
    share = f"{sl.advanced_share * 100:.1f}%" if sl.advanced_share is not None else "-"
    counts = join((f"{c.label} {c.count}" for c in sl.classes), lang)
    adv = sl.system.class_by_id(sl.advanced_level).name.get(lang)
    return gettext_in(
        N_(
            "{inputs} input plants from {files} files: {evaluated} evaluated, {rejected} "
            "rejected. Classes: {counts}. {advanced} or better: {share} (plan target ≥ {target}%)."
        ),
        lang,
    ).format(
        inputs=r.inputs,
        files=len(r.files),
        evaluated=r.evaluated,
        rejected=len(r.rejections),
        counts=counts,
        advanced=adv,
        share=share,
        target=f"{sl.target * 100:.0f}",
    )


REJECTED_SHOWN = 20  # rejected inputs listed on the terminal; the Rejected sheet has them all


def rejected_lines(result: BatchResult) -> list[str]:
    """Each rejected input with its first problem, for the terminal (the first 20)."""
    lines = []
    for rej in result.rejections[:REJECTED_SHOWN]:
        where = rej.file + (f" row {rej.row}" if rej.row else "")
        first = rej.errors[0] if rej.errors else {"kind": "internal", "found": "", "expected": ""}
        cell = ", ".join(x for x in (first.get("sheet", ""), first.get("cell", "")) if x)
        lines.append(
            f"  rejected: {where}{f' ({cell})' if cell else ''}: {first['found']}; "
            f"expected {first['expected']} [{first['kind']}]"
        )
    more = len(result.rejections) - REJECTED_SHOWN
    if more > 0:
        lines.append(_("  … and {n} more; see the Rejected sheet").format(n=more))
    return lines

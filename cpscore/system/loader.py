"""Reading an indicator system file: JSON, then the JSON Schema, then the model, then the checks.

Every problem is reported with the JSON pointer of the offending part, all at once, so an author
fixes a file in one pass.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cpscore.common.errors import Problem, SystemFileError
from cpscore.common.i18n import Msg, _

from .model import (
    Benchmark,
    ClassRule,
    Fact,
    Group,
    Indicator,
    Level,
    Number,
    Source,
    System,
    Text,
    Variant,
    Veto,
)
from .resources import schemas_dir
from .seal import broken_seal

SCHEMA_FILE = "indicator-system.schema.json"
DEFAULT_COLOURS = ("#1A7F37", "#2F81F7", "#BF8700", "#8250DF", "#CF222E")
BELOW_COLOUR = "#CF222E"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads((schemas_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


def pointer(path: Any) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def schema_problems(doc: Any) -> list[Problem]:
    problems = []
    for err in _validator().iter_errors(doc):
        # oneOf/anyOf failures are clearer through their best sub-error.
        best = err
        if err.context:
            import jsonschema.exceptions as jex

            best = jex.best_match(err.context)
        hint = ""
        if best.validator == "required" and "'verification'" in best.message:
            hint = _(
                "status official needs the record of `cpscore verify` against the official "
                "document; otherwise the status is unverified"
            )
        problems.append(Problem(pointer(best.absolute_path), best.message, hint))
    return sorted(problems, key=lambda p: p.pointer)


def read_json(path: Path) -> tuple[Any, bytes]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SystemFileError(
            str(path), [Problem("", Msg("cannot read file: {strerror}", strerror=e.strerror))]
        ) from None
    try:
        return json.loads(data.decode("utf-8-sig")), data
    except UnicodeDecodeError:
        raise SystemFileError(str(path), [Problem("", Msg("not UTF-8 text"))]) from None
    except json.JSONDecodeError as e:
        raise SystemFileError(
            str(path),
            [
                Problem(
                    "",
                    Msg(
                        "invalid JSON at line {lineno} column {colno}: {msg}",
                        lineno=e.lineno,
                        colno=e.colno,
                        msg=e.msg,
                    ),
                )
            ],
        ) from None


def load_system(path: str | Path, check: bool = True) -> System:
    """Load, validate and check one system file; raises SystemFileError listing every problem."""
    path = Path(path)
    doc, data = read_json(path)
    return build_system(doc, str(path), hashlib.sha256(data).hexdigest(), check=check)


def build_system(doc: Any, path: str, sha256: str, check: bool = True) -> System:
    problems = schema_problems(doc)
    if problems:
        raise SystemFileError(path, problems)
    system = _build(doc, path, sha256)
    if check:
        from .checks import check_system

        problems = check_system(system)
        if problems:
            raise SystemFileError(path, problems)
    return system


def _notice(doc: dict[str, Any]) -> Text | None:
    return Text.of(doc["notice"]) if "notice" in doc else None


def _changed_notice(record: dict[str, Any]) -> Text:
    by, date = record.get("by", "?"), record.get("date", "?")
    return Text(
        zh=f"本文件经 {by} 于 {date} 核对为官方后内容已被改动，按未核实处理；"
        "请对照官方文件重新运行 cpscore verify。",
        en=f"the content changed after {by} verified it as official on {date}; it is treated "
        "as unverified until cpscore verify is run again against the official document.",
    )


def _number(v: Any) -> Number:
    return Number(expr=v["expr"]) if isinstance(v, dict) else Number(const=float(v))


def _benchmark(d: dict[str, Any]) -> Benchmark:
    if "range" in d:
        low, high = d["range"]
        return Benchmark(low=_number(low), high=_number(high), printed=d.get("printed", ""))
    return Benchmark(op=d["op"], value=_number(d["value"]), printed=d.get("printed", ""))


def _benchmarks(d: dict[str, Any] | None) -> dict[str, Benchmark]:
    return {k: _benchmark(v) for k, v in (d or {}).items()}


def _interval(v: Any) -> tuple[float | None, float | None] | None:
    return (v[0], v[1]) if v else None


def _fact(d: dict[str, Any]) -> Fact:
    return Fact(
        id=d["id"],
        name=Text.of(d, d["id"]),
        type=d["type"],
        unit=d.get("unit", ""),
        values=tuple(d.get("values", ())),
        required=d.get("required", False),
        default=d.get("default"),
        plausible=_interval(d.get("plausible")),
        help=Text.of(d["help"]) if "help" in d else None,
    )


def _indicator(d: dict[str, Any], group: str) -> Indicator:
    return Indicator(
        id=d["id"],
        name=Text.of(d, d["id"]),
        kind=d["kind"],
        group=group,
        unit=d.get("unit", ""),
        direction=d.get("direction", ""),
        weight=d.get("weight"),
        weight_set=d.get("weight_set"),
        output_fact=d.get("output_fact"),
        limiting=d.get("limiting", False),
        benchmarks=_benchmarks(d["benchmarks"]) if "benchmarks" in d else None,
        benchmark=d.get("benchmark"),
        variants=tuple(
            Variant(v["when"], _benchmarks(v["benchmarks"]), v.get("note", ""))
            for v in d.get("variants", ())
        ),
        requirements={k: Text.of(v) for k, v in d.get("requirements", {}).items()},
        answer=d.get("answer", "level"),
        applies_when=d.get("applies_when"),
        formula=d.get("formula"),
        plausible=_interval(d.get("plausible")),
        reduction=d.get("reduction"),
        definition=Text.of(d["definition"]) if "definition" in d else None,
    )


def _level(d: dict[str, Any], colour: str) -> Level:
    return Level(d["id"], Text(d["zh"], d["en"]), d.get("colour", colour))


def _build(doc: dict[str, Any], path: str, sha256: str) -> System:
    src = doc["source"]
    broken = broken_seal(doc)
    return System(
        id=doc["id"],
        sector=doc["sector"],
        version=doc["version"],
        title=Text.of(doc["title"]),
        issuer=Text.of(doc["issuer"]),
        source=Source(
            title=src["title"],
            issuer=src["issuer"],
            citation=src["citation"],
            announcement=src.get("announcement"),
            tables=tuple(src.get("tables", ())),
            note=src.get("note", ""),
        ),
        effective=doc["effective"],
        withdrawn=doc.get("withdrawn"),
        status="unverified" if broken else doc["status"],
        notice=_changed_notice(broken) if broken else _notice(doc),
        method=doc["method"],
        levels=tuple(
            _level(lv, DEFAULT_COLOURS[i % len(DEFAULT_COLOURS)])
            for i, lv in enumerate(doc["levels"])
        ),
        below=_level(doc["below"], BELOW_COLOUR),
        facts=tuple(_fact(f) for f in doc.get("facts", ())),
        raw_inputs=tuple(_fact(f) for f in doc.get("raw_inputs", ())),
        groups=tuple(
            Group(
                id=g["id"],
                name=Text.of(g, g["id"]),
                weight=float(g["weight"]),
                bonus=g.get("bonus", False),
                part=g.get("part", ""),
                weight_sets={s["id"]: float(s["total"]) for s in g.get("weight_sets", ())},
                indicators=tuple(_indicator(i, g["id"]) for i in g["indicators"]),
            )
            for g in doc["groups"]
        ),
        classification=tuple(
            ClassRule(r["class"], r["when"], r.get("note", "")) for r in doc["classification"]
        ),
        vetoes=tuple(
            Veto(v["id"], v["when"], v["max_class"], Text.of(v, v["id"]))
            for v in doc.get("vetoes", ())
        ),
        renormalise=doc.get("renormalise", "within_group"),
        cap=doc.get("cap"),
        composite=doc.get("composite"),
        path=path,
        sha256=sha256,
        raw=doc,
    )

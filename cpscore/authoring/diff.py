"""diff: what changed between two versions of an indicator system.

Indicators and groups are matched by id, then by Chinese name (an id renamed between versions is
reported as such). Compared in their canonical form (see ``export_table.canonical``), so a file
that only changed its formatting has no differences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cpscore.authoring import table_layout as L
from cpscore.common.i18n import N_, _, join, yes_no

from .cells import render
from .export_table import canonical

# Indicator fields compared one by one, in the order they are reported.
_INDICATOR_FIELDS = (
    "zh",
    "en",
    "kind",
    "unit",
    "direction",
    "weight",
    "weight_set",
    "output_fact",
    "limiting",
    "answer",
    "applies_when",
    "variants",
    "formula",
    "benchmark",
)
# Metadata compared as a whole per top-level key, in the table's order; rules and cases are
# compared one by one elsewhere.
_META_FIELDS = tuple(
    dict.fromkeys(
        k.split(".")[0]
        for k in L.META_KEYS[: L.META_KEYS.index("classification")]
        if k != "$schema"
    )
)


@dataclass(frozen=True)
class Change:
    """One difference. ``change`` is added, removed or changed; ``area`` says what kind of thing."""

    change: str
    area: str  # metadata | group | indicator | weight | benchmark | requirement | limiting | rule | veto | case | field
    where: str  # a readable path: group id / indicator id / field
    label: str  # the Chinese name of the thing, for people
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "area": self.area,
            "where": self.where,
            "label": self.label,
            "old": self.old,
            "new": self.new,
        }


@dataclass
class SystemDiff:
    a: str
    b: str
    changes: list[Change] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.changes

    def count(self, area: str | None = None, change: str | None = None) -> int:
        return sum(
            1
            for c in self.changes
            if (area is None or c.area == area) and (change is None or c.change == change)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "same": self.same,
            "changes": [c.as_dict() for c in self.changes],
        }


def _index(doc: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {i["id"]: (g, i) for g in doc["groups"] for i in g["indicators"]}


def _match(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, str], list[str], list[str]]:
    """Pairs of ids (a -> b), ids only in a, ids only in b; by id, then by Chinese name."""
    pairs = {k: k for k in a if k in b}
    only_a = [k for k in a if k not in pairs]
    only_b = [k for k in b if k not in pairs.values()]
    by_name_b = {_name(b[k]): k for k in only_b}
    for k in list(only_a):
        other = by_name_b.get(_name(a[k]))
        if other is not None:
            pairs[k] = other
            only_a.remove(k)
            only_b.remove(other)
            del by_name_b[_name(a[k])]
    return pairs, only_a, only_b


def _name(entry: Any) -> str:
    item = entry[1] if isinstance(entry, tuple) else entry
    return item["zh"]


def _bench_text(b: dict[str, Any] | None) -> str | None:
    if b is None:
        return None
    plain = {k: v for k, v in b.items() if k != "printed"}
    return render(plain)


def diff_docs(a: dict[str, Any], b: dict[str, Any]) -> SystemDiff:
    """The structured difference between two system documents (raw JSON)."""
    ca, cb = canonical(a), canonical(b)
    out = SystemDiff(f"{a.get('id')} ({a.get('version')})", f"{b.get('id')} ({b.get('version')})")
    add = out.changes.append
    for key in _META_FIELDS:
        if ca.get(key) != cb.get(key):
            add(
                Change(
                    _kind(ca.get(key), cb.get(key)), "metadata", key, key, ca.get(key), cb.get(key)
                )
            )

    ga = {g["id"]: g for g in ca["groups"]}
    gb = {g["id"]: g for g in cb["groups"]}
    gpairs, g_only_a, g_only_b = _match(ga, gb)
    for k in g_only_a:
        add(Change("removed", "group", k, ga[k]["zh"], ga[k].get("weight"), None))
    for k in g_only_b:
        add(Change("added", "group", k, gb[k]["zh"], None, gb[k].get("weight")))
    for ka, kb in gpairs.items():
        x, y = ga[ka], gb[kb]
        where = kb if ka == kb else f"{ka} → {kb}"
        if ka != kb:
            add(Change("changed", "group", where, y["zh"], ka, kb))
        for f in ("zh", "en", "bonus", "part", "weight_sets"):
            if x.get(f) != y.get(f):
                add(Change("changed", "group", f"{where}/{f}", y["zh"], x.get(f), y.get(f)))
        if x.get("weight") != y.get("weight"):
            add(Change("changed", "weight", where, y["zh"], x.get("weight"), y.get("weight")))

    ia, ib = _index(ca), _index(cb)
    pairs, only_a, only_b = _match(ia, ib)
    for k in only_a:
        g, i = ia[k]
        add(Change("removed", "indicator", f"{g['id']}/{k}", i["zh"], _summary(i), None))
    for k in only_b:
        g, i = ib[k]
        add(Change("added", "indicator", f"{g['id']}/{k}", i["zh"], None, _summary(i)))
    for ka, kb in pairs.items():
        (g1, x), (g2, y) = ia[ka], ib[kb]
        where = f"{g2['id']}/{kb}"
        label = y["zh"]
        if ka != kb:
            add(Change("changed", "indicator", where, label, ka, kb))
        if g1["id"] != g2["id"] and gpairs.get(g1["id"]) != g2["id"]:
            add(Change("changed", "indicator", f"{where}/group", label, g1["id"], g2["id"]))
        for f in _INDICATOR_FIELDS:
            old, new = x.get(f), y.get(f)
            if f == "limiting":
                old, new = bool(old), bool(new)
            if old != new:
                area = {"weight": "weight", "limiting": "limiting"}.get(f, "field")
                add(Change("changed", area, f"{where}/{f}", label, old, new))
        _levels(
            add, where, label, "benchmark", x.get("benchmarks") or {}, y.get("benchmarks") or {}
        )
        _levels(add, where, label, "requirement", _zh(x), _zh(y))
        rest = set(x) | set(y)
        rest -= {*_INDICATOR_FIELDS, "id", "benchmarks", "requirements"}
        for f in sorted(rest):
            if x.get(f) != y.get(f):
                add(Change("changed", "field", f"{where}/{f}", label, x.get(f), y.get(f)))

    _rules(add, "rule", "class", ca.get("classification", []), cb.get("classification", []))
    _rules(add, "veto", "id", ca.get("vetoes", []), cb.get("vetoes", []))
    _rules(add, "case", "name", ca.get("cases", []), cb.get("cases", []))
    return out


def _kind(old: Any, new: Any) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed"


def _zh(ind: dict[str, Any]) -> dict[str, Any]:
    return {lv: t.get("zh") for lv, t in (ind.get("requirements") or {}).items()}


def _levels(
    add: Any, where: str, label: str, area: str, x: dict[str, Any], y: dict[str, Any]
) -> None:
    for lv in list(dict.fromkeys([*x, *y])):
        old, new = x.get(lv), y.get(lv)
        if area == "benchmark":
            if _bench_text(old) != _bench_text(new):
                add(
                    Change(
                        _kind(old, new),
                        area,
                        f"{where}/{lv}",
                        label,
                        _bench_text(old),
                        _bench_text(new),
                    )
                )
            elif old is not None and new is not None and old.get("printed") != new.get("printed"):
                add(
                    Change(
                        "changed",
                        "printed",
                        f"{where}/{lv}",
                        label,
                        old.get("printed"),
                        new.get("printed"),
                    )
                )
        elif old != new:
            add(Change(_kind(old, new), area, f"{where}/{lv}", label, old, new))


def _rules(
    add: Any, area: str, key: str, xs: list[dict[str, Any]], ys: list[dict[str, Any]]
) -> None:
    a = {r.get(key): r for r in xs}
    b = {r.get(key): r for r in ys}
    for k in dict.fromkeys([*a, *b]):
        if a.get(k) != b.get(k):
            add(Change(_kind(a.get(k), b.get(k)), area, f"{area}/{k}", str(k), a.get(k), b.get(k)))


def _summary(ind: dict[str, Any]) -> dict[str, Any]:
    out = {k: ind[k] for k in ("weight", "unit", "limiting") if k in ind}
    if ind.get("benchmarks"):
        out["benchmarks"] = {lv: _bench_text(b) for lv, b in ind["benchmarks"].items()}
    return out


def _show(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return yes_no(v)
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False)


_SIGN = {"added": "+", "removed": "-", "changed": "~"}
_COUNTED = {"added": N_("{n} added"), "removed": N_("{n} removed"), "changed": N_("{n} changed")}
_SECTIONS = (
    (N_("metadata"), ("metadata",)),
    (N_("groups"), ("group",)),
    (N_("indicators"), ("indicator",)),
    (N_("weights"), ("weight",)),
    (N_("limiting flags"), ("limiting",)),
    (N_("benchmarks and requirements"), ("benchmark", "requirement", "printed")),
    (N_("other indicator fields"), ("field",)),
    (N_("classification rules, vetoes, cases"), ("rule", "veto", "case")),
)


def render_text(d: SystemDiff) -> str:
    """Plain text, one line per change, in sections an association reads top to bottom."""
    lines = [f"--- {d.a}", f"+++ {d.b}"]
    if d.same:
        lines.append(_("no differences"))
        return "\n".join(lines)
    for title, areas in _SECTIONS:
        changes = [c for c in d.changes if c.area in areas]
        if not changes:
            continue
        lines.append(_("{title}:").format(title=_(title)))
        for c in changes:
            head = f"  {_SIGN[c.change]} {c.label} [{c.where}]"
            if c.change == "changed":
                lines.append(f"{head}: {_show(c.old)} → {_show(c.new)}")
            else:
                lines.append(f"{head}: {_show(c.new if c.change == 'added' else c.old)}")
    counts = join(
        _(_COUNTED[k]).format(n=d.count(change=k))
        for k in ("added", "removed", "changed")
        if d.count(change=k)
    )
    lines.append(_("{n} difference(s): {counts}").format(n=len(d.changes), counts=counts))
    return "\n".join(lines)

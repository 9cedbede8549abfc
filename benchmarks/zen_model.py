"""The same benchmark table as a GoRules zen-engine decision model (JDM), for comparison.

One decision table per indicator maps the value (or answer) to the best level met (first hit),
an expression node sums the weighted membership into Y per level, and a last table classes the
plant by the same thresholds. Constant benchmarks only (variants and expressions use their
default), which is what the benchmark population exercises.
"""

from __future__ import annotations

import json
from typing import Any

from cpscore.system.model import System

_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _node(nid: str, kind: str, name: str, content: Any = None) -> dict[str, Any]:
    node = {"id": nid, "type": kind, "name": name, "position": {"x": 0, "y": 0}}
    if content is not None:
        node["content"] = content
    return node


def _condition(b) -> str:
    if b.is_range:
        return f"[{b.low.const}..{b.high.const}]"
    return f"{_OPS[b.op]} {b.value.const}"


def decision_model(system: System) -> str:
    levels = [lv.id for lv in system.levels]
    nodes = [_node("in", "inputNode", "Request")]
    edges = []
    weight_terms: dict[str, list[str]] = {lv: [] for lv in levels}
    for j, ind in enumerate(system.indicators):
        rules = []
        if ind.quantitative:
            for li, lv in enumerate(levels):
                b = (ind.benchmarks or {}).get(lv)
                if b is not None:
                    rules.append({"_id": f"r{j}_{li}", "i": _condition(b), "o": str(li)})
        else:
            for li, lv in enumerate(levels):
                rules.append({"_id": f"r{j}_{li}", "i": f'"{lv}"', "o": str(li)})
            if ind.answer == "yes_no":
                rules = [{"_id": f"r{j}_y", "i": '"yes"', "o": "0"}]
        rules.append({"_id": f"r{j}_n", "i": "", "o": str(len(levels))})
        table = {
            "hitPolicy": "first",
            "inputs": [{"id": "i", "name": ind.id, "field": ind.id}],
            "outputs": [{"id": "o", "name": "level", "field": f"lv_{ind.id}"}],
            "rules": rules,
        }
        nodes.append(_node(f"t{j}", "decisionTableNode", ind.id, table))
        edges.append({"id": f"e_in_{j}", "sourceId": "in", "targetId": f"t{j}", "type": "edge"})
        edges.append({"id": f"e_{j}_y", "sourceId": f"t{j}", "targetId": "y", "type": "edge"})
        group = system.group(ind.group)
        w = (ind.weight or 0.0) * group.weight * 100
        for li, lv in enumerate(levels):
            weight_terms[lv].append(f"(lv_{ind.id} <= {li} ? {w} : 0)")
    expressions = [
        {"id": f"x{lv}", "key": f"Y_{lv}", "value": " + ".join(terms) or "0"}
        for lv, terms in weight_terms.items()
    ]
    limiting = [i.id for i in system.indicators if i.limiting]
    for li, lv in enumerate(levels):
        test = " and ".join(f"(lv_{i} <= {li})" for i in limiting) or "true"
        expressions.append({"id": f"l{lv}", "key": f"limiting_{lv}", "value": test})
    nodes.append(_node("y", "expressionNode", "scores", {"expressions": expressions}))
    rules = []
    for ri, rule in enumerate(system.classification):
        parts = [f"{n} >= {v}" for op, n, v in _atoms(rule.when) if op == "$gte"]
        parts += [f"{n} == true" for op, n, v in _atoms(rule.when) if op == "=" and v is True]
        # The bottom class's rule is the complement of the others: a catch-all last row.
        cond = " and ".join(parts) if rule.klass != system.below.id else ""
        rules.append({"_id": f"c{ri}", "c": cond, "o": f'"{rule.klass}"'})
    classify = {
        "hitPolicy": "first",
        "inputs": [{"id": "c", "name": "class"}],
        "outputs": [{"id": "o", "name": "class", "field": "class"}],
        "rules": rules,
    }
    nodes.append(_node("c", "decisionTableNode", "class", classify))
    nodes.append(_node("out", "outputNode", "Response"))
    edges += [
        {"id": "e_y_c", "sourceId": "y", "targetId": "c", "type": "edge"},
        {"id": "e_c_out", "sourceId": "c", "targetId": "out", "type": "edge"},
    ]
    return json.dumps({"nodes": nodes, "edges": edges})


def _atoms(cond):
    from cpscore.system.conditions import atoms

    return atoms(cond)

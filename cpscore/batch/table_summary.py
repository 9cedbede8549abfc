"""What a regulator reads first from a national run: per period and per class, how many plants,
and the share at the advanced level or better against the plan's target (>70%).

Each task counts its own rows (:func:`tally`, :func:`tally_rejected`, on the worker); the counts are summed on the
cluster, so the summary never needs the 4.8 M result rows on one machine. :func:`summary` turns
the summed counts into the JSON document written beside the results.

    share = plants at advanced or better / plants scored (rejected rows are not in either)

"Advanced" is the plan's 清洁生产先进企业 (:func:`cpscore.engine.reduction.advanced_rank`); the
target is 《工业清洁生产推行“十二五”规划》's 70%, met at 70% exactly ("70%以上").
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from cpscore.common.i18n import _, language, status_word
from cpscore.engine.reduction import advanced_rank
from cpscore.system.model import System
from cpscore.system.plan import ADVANCED_SHARE_QUOTE, ADVANCED_SHARE_TARGET, PLAN_TITLE

KEYS = ["period", "class"]
COUNTS = ["plants", "missing", "rejected"]


def tally_meta() -> pd.DataFrame:
    """An empty tally (Dask's ``meta``)."""
    return _typed(pd.DataFrame(columns=KEYS + COUNTS))


def _counts(periods: np.ndarray, classes: np.ndarray, **weights: np.ndarray) -> pd.DataFrame:
    """Rows per (period, class) and the sum of each weight, by factorising both (a partition's
    chunk has one or a few periods and a handful of classes)."""
    p_codes, p_values = pd.factorize(periods)
    c_codes, c_values = pd.factorize(classes)
    key = p_codes * max(len(c_values), 1) + c_codes
    size = len(p_values) * len(c_values)
    sums = {k: np.bincount(key, weights=w, minlength=size) for k, w in weights.items()}
    rows = np.flatnonzero(np.bincount(key, minlength=size))
    return pd.DataFrame(
        {
            "period": np.asarray(p_values, dtype=object)[rows // max(len(c_values), 1)],
            "class": np.asarray(c_values, dtype=object)[rows % max(len(c_values), 1)],
            **{k: v[rows].astype(np.int64) for k, v in sums.items()},
        }
    )


def tally(results: pd.DataFrame, period_column: str | None) -> pd.DataFrame:
    """Scored rows counted by (period, class): plants, and those with a missing value."""
    n = len(results)
    periods = (
        results[period_column].to_numpy(dtype=object)
        if period_column
        else np.full(n, "", dtype=object)
    )
    out = _counts(
        periods,
        results["class"].to_numpy(dtype=object),
        plants=np.ones(n),
        missing=(results["missing_count"].to_numpy() > 0).astype(float),
    )
    out["rejected"] = np.int64(0)
    return _typed(out)


def tally_rejected(periods: np.ndarray) -> pd.DataFrame:
    """Rejected rows counted by period (class '')."""
    out = _counts(periods, np.full(len(periods), "", dtype=object), rejected=np.ones(len(periods)))
    out["plants"] = np.int64(0)
    out["missing"] = np.int64(0)
    return _typed(out)


def _typed(counts: pd.DataFrame) -> pd.DataFrame:
    return counts[KEYS + COUNTS].astype(
        {"period": object, "class": object, **{c: np.int64 for c in COUNTS}}
    )


def _block(system: System, counts: pd.DataFrame) -> dict[str, Any]:
    """The summary of some rows of the summed tally (one period, or all of them)."""
    adv = advanced_rank(system)
    by_class = counts.groupby("class")["plants"].sum()
    plants = int(counts["plants"].sum())
    classes = []
    advanced = 0
    for rank, c in enumerate(system.classes):
        n = int(by_class.get(c.id, 0))
        advanced += n if rank <= adv else 0
        classes.append({"class": c.id, "name": c.name.get(language()), "plants": n})
    share = advanced / plants if plants else None
    for c in classes:
        c["share"] = c["plants"] / plants if plants else None
    return {
        "plants": plants,
        "rejected": int(counts["rejected"].sum()),
        "with_missing_values": int(counts["missing"].sum()),
        "classes": classes,
        "advanced_or_better": advanced,
        "advanced_share": share,
        "meets_target": None if share is None else share >= ADVANCED_SHARE_TARGET,
    }


def summary(
    system: System, counts: pd.DataFrame, period_column: str | None, context: dict[str, Any]
) -> dict[str, Any]:
    """The summary document from the summed tally (``counts``: one row per period and class)."""
    counts = counts.reset_index() if "period" not in counts.columns else counts
    periods = sorted(str(p) for p in counts["period"].unique())
    adv = system.classes[advanced_rank(system)]
    doc: dict[str, Any] = {
        "system": {
            "id": system.id,
            "version": system.version,
            "title": system.title.get(language()),
            "status": system.status,
        },
        **context,
        "period_column": period_column,
        "advanced": {
            "class": adv.id,
            "name": adv.name.get(language()),
            "classes": [c.id for c in system.classes[: advanced_rank(system) + 1]],
        },
        "target": {
            "advanced_share": ADVANCED_SHARE_TARGET,
            "met_when": "advanced_share >= 0.70",
            "source": f"{PLAN_TITLE}: {ADVANCED_SHARE_QUOTE}",
        },
        "all_periods": _block(system, counts),
        "periods": [
            {"period": p, **_block(system, counts[counts["period"].astype(str) == p])}
            for p in periods
        ]
        if period_column
        else [],
    }
    if not system.official and system.notice:
        doc["system"]["notice"] = system.notice.get(language())
    return doc


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _line(label: str, block: dict[str, Any]) -> str:
    share = block["advanced_share"]
    verdict = (
        "—"
        if share is None
        else (_("meets the 70% target") if block["meets_target"] else _("below the 70% target"))
    )
    return _(
        "{label}: {plants:,} plants, {advanced:,} at advanced or better ({share}), {verdict}; "
        "{rejected:,} rejected"
    ).format(
        label=label,
        plants=block["plants"],
        advanced=block["advanced_or_better"],
        share="—" if share is None else f"{share:.1%}",
        verdict=verdict,
        rejected=block["rejected"],
    )


def lines(doc: dict[str, Any]) -> list[str]:
    """The summary as a few terminal lines: one per period, then all periods."""
    out = [_line(p["period"], p) for p in doc["periods"]]
    out.append(_line(_("all periods") if doc["periods"] else _("all rows"), doc["all_periods"]))
    notice = doc["system"].get("notice")
    if notice:
        out.append(f"{status_word(doc['system']['status'])}: {notice}")
    return out

"""The list as CSV, JSON lines and a public HTML page: views of :class:`SectorList`.

- CSV: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; text neutralised.
- JSON lines: one result document per plant in list order, then one line per rejected input.
- HTML: one self-contained page (inline CSS, no script, nothing fetched) an association can post:
  title, system, date, the plants at advanced or better, the class distribution; readable on a
  phone. Everything shown is escaped after neutralising.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path
from typing import Any

from cpscore.common.atomic import write_text
from cpscore.common.i18n import N_, gettext_in, status_word
from cpscore.engine.reduction import advanced_rank
from cpscore.engine.sector_list import SectorList, clean_number, label
from cpscore.system.plan import ADVANCED_SHARE_QUOTE, PLAN_TITLE

from .neutralise import cell_value
from .numbers import INDEX_DECIMALS
from .numbers import shown as decimals_text


def _csv_cell(v: Any) -> Any:
    v = cell_value(v)
    return "" if v is None else v


def write_csv(sl: SectorList, path: str | Path) -> Path:
    """The List as CSV. A system that is not official adds a last column with its notice on
    every row, so no filtered or pasted part of the list loses it."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    notice = sl.notice()
    extra = [] if notice is None else [f"{status_word(sl.system.status, sl.lang)}: {notice}"]
    w.writerow([_csv_cell(c) for c in sl.columns] + ([label("notice", sl.lang)] if extra else []))
    for row in sl.rows:
        w.writerow([_csv_cell(v) for v in [*row, *extra]])
    write_text(path, buf.getvalue(), encoding="utf-8-sig")
    return Path(path)


def jsonl_lines(sl: SectorList) -> list[str]:
    lines = []
    ev = sl.evaluation
    if ev is not None:
        for i in sl.order:
            doc = ev.document(i, sl.lang)
            record = {"record": "result", "rank": sl.rank_of[i], "result": doc}
            record["reduction_potential"] = [p.as_dict() for p in sl.per_plant_reduction.get(i, [])]
            lines.append(json.dumps(_denoised(record), ensure_ascii=False, default=_json_default))
    for rej in sl.result.rejections:
        lines.append(json.dumps({"record": "rejected", **rej.as_dict()}, ensure_ascii=False))
    return lines


def _denoised(o: Any) -> Any:
    """Numbers stay numbers with their precision, without binary noise (0.11199999999999999 is
    written 0.112): floats through 12 significant digits."""
    if isinstance(o, float):
        return clean_number(o)
    if isinstance(o, dict):
        return {k: _denoised(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_denoised(v) for v in o]
    return o


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def write_jsonl(sl: SectorList, path: str | Path) -> Path:
    lines = jsonl_lines(sl)
    write_text(path, "\n".join(lines) + ("\n" if lines else ""))
    return Path(path)


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:0 auto;max-width:960px;padding:1rem;color:#222;line-height:1.5}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin-top:1.5rem}
.meta{color:#555;font-size:.9rem}
.notice{background:#fde8e8;border:2px solid #c00;color:#900;padding:.6rem;margin:.8rem 0;font-weight:bold}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#4a7ebb;height:.8rem;display:inline-block;vertical-align:middle}
@media (max-width:600px){
 table.list thead{display:none}
 table.list tr{display:block;border:1px solid #ddd;margin:.5rem 0;padding:.3rem}
 table.list td{display:flex;justify-content:space-between;border:0;padding:.15rem .3rem}
 table.list td::before{content:attr(data-label);font-weight:bold;margin-right:1rem}
 td.num{text-align:right}}
"""


def _e(v: Any) -> str:
    v = cell_value(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return html.escape(str(v), quote=True)


def html_page(sl: SectorList) -> str:
    s, lang, ev = sl.system, sl.lang, sl.evaluation
    title = gettext_in(N_("Clean-production advanced enterprises"), lang)
    adv_rank = advanced_rank(s)
    adv_label = s.class_by_id(sl.advanced_level).name.get(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} · {_e(s.title.get(lang))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(s.title.get(lang))}<br>{_e(s.id)} · {_e(s.version)} · '
        f"{_e(s.issuer.get(lang))}<br><strong>{_e(sl.period_text())}</strong> · "
        f"{gettext_in(N_('made'), lang)}: {_e(sl.date)} · "
        f"{gettext_in(N_('plants evaluated'), lang)}: {sl.n}</p>",
    ]
    notice = sl.notice()
    if notice:
        parts.append(f'<div class="notice">{_e(status_word(s.status, lang))}: {_e(notice)}</div>')
    parts.append(
        f"<h2>{_e(adv_label)} {gettext_in(N_('or better'), lang)}</h2>"
        '<div class="wrap"><table class="list"><thead><tr>'
    )
    heads = [
        gettext_in(N_("Rank"), lang),
        gettext_in(N_("Plant id"), lang),
        gettext_in(N_("plant name"), lang),
        gettext_in(N_("class"), lang),
        *s.score_names,
    ]
    parts.append("".join(f"<th>{_e(h)}</th>" for h in heads) + "</tr></thead><tbody>")
    shown = 0
    rows = sl.rows
    if ev is not None:
        for i in sl.order:
            if s.class_rank(ev.decisions[i].klass) > adv_rank:
                continue
            shown += 1
            row = rows[sl.position_of[i]]
            scores = row[6 : 6 + len(s.score_names)]
            cells = [
                row[0],
                row[1],
                row[2],
                row[4],
                *(decimals_text(v, INDEX_DECIMALS) for v in scores),
            ]
            parts.append(
                "<tr>"
                + "".join(
                    f'<td data-label="{_e(h)}"{" class=num" if k == 0 or k >= 4 else ""}>{_e(v)}</td>'
                    for k, (h, v) in enumerate(zip(heads, cells, strict=True))
                )
                + "</tr>"
            )
    if not shown:
        parts.append(
            f'<tr><td colspan="{len(heads)}">{gettext_in(N_("nothing to list"), lang)}</td></tr>'
        )
    parts.append("</tbody></table></div>")
    parts.append(f"<h2>{gettext_in(N_('Class distribution'), lang)}</h2>")
    parts.append(
        '<div class="wrap"><table><thead><tr>'
        f"<th>{gettext_in(N_('Class'), lang)}</th><th>{gettext_in(N_('Plants'), lang)}</th>"
        "<th>%</th><th></th></tr></thead><tbody>"
    )
    for c in sl.classes:
        pct = c.share * 100
        parts.append(
            f"<tr><td>{_e(c.label)}</td><td class=num>{c.count}</td>"
            f"<td class=num>{pct:.1f}%</td>"
            f'<td><span class="bar" style="width:{pct * 1.5:.0f}px"></span></td></tr>'
        )
    parts.append("</tbody></table></div>")
    if sl.advanced_share is not None:
        parts.append(
            f'<p class="meta">{_e(adv_label)} {gettext_in(N_("or better"), lang)}: '
            f"{sl.advanced_share * 100:.1f}% · {gettext_in(N_('plan target'), lang)} "
            f"&gt;{sl.target * 100:.0f}% ({_e(PLAN_TITLE)}: {_e(ADVANCED_SHARE_QUOTE)})</p>"
        )
    parts.append(
        f'<p class="meta">{gettext_in(N_("Generated by cpscore"), lang)} · '
        f"{gettext_in(N_('system file'), lang)} SHA-256 {_e(s.sha256[:16])}…</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(sl: SectorList, path: str | Path) -> Path:
    write_text(path, html_page(sl))
    return Path(path)

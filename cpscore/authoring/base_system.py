"""An existing system as the base of an import: what the printed table does not carry.

A published PDF prints names, units, weights and benchmarks; the ids, English names, facts,
applicability, variants, levels and rules of a system are not in it. Importing a document onto
a base system (``import-table --base``, and every ``review``/``verify``) takes those from the
base and everything printed from the document, matching indicators by their printed name.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict, deque
from typing import Any

from cpscore.authoring import table_layout as L

# Columns of the exported layout that the printed table does not print.
_UNPRINTED = (*L.GROUP_EXTRAS, *L.INDICATOR_EXTRAS)


def name_key(text: object) -> str:
    """An indicator name as compared between a document and a system: NFKC, no spaces, no *."""
    t = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(t.split()).strip("*")


def metadata_entries(base: dict[str, Any]) -> dict[str, tuple[Any, tuple[str, str]]]:
    """The base's metadata as import entries, located at the base's JSON keys.

    A verification belongs to the file that was verified, never to what is imported onto it:
    the record is not carried over, nor an official status (give the status with --set, or run
    ``cpscore verify`` on the imported file)."""
    from cpscore.authoring.export_table import metadata_rows

    skip = {"verification"} | ({"status"} if base.get("status") == "official" else set())
    return {key: (value, ("base", key)) for key, value, _ in metadata_rows(base) if key not in skip}


def fill_rows(base: dict[str, Any], rows: list[dict[str, Any]], cols: dict[str, int]) -> None:
    """Give each document row the base's unprinted columns, by indicator name (in order)."""
    from cpscore.authoring.export_table import table_rows

    header, base_rows, _ = table_rows(base)
    keys = [_key_of(h) for h in header]
    by_name: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
    for values in base_rows:
        row = dict(zip(keys, values, strict=True))
        by_name[name_key(row.get("name"))].append(row)
    for row in rows:
        queue = by_name.get(name_key(row.get("name")))
        if not queue:
            continue
        found = queue.popleft()
        for k, v in found.items():
            unprinted = k in _UNPRINTED or k.startswith(L.PRINTED_PREFIX)
            if unprinted and k not in cols and v not in ("", None):
                row[k] = v


def _key_of(header: str) -> str:
    level = L.level_of_header(header)
    if level:
        return f"level:{level}"
    for key, (printed, _) in L.PRINTED.items():
        if header == printed:
            return key
    return header

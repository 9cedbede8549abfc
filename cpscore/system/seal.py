"""The seal of a verified system: the SHA-256 of its content as `cpscore verify` found it equal
to the official document.

``verify`` writes the seal into the verification record. A file whose content no longer matches
its seal (a number edited by hand after the check) is loaded as ``unverified``, with a notice
saying so, until it is verified again: ``official`` is never claimed for numbers nobody checked.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Not sealed: what verify itself sets (the status, the notice it drops, the record).
UNSEALED = ("status", "notice", "verification")
SEAL_KEY = "content_sha256"


def content_seal(doc: dict[str, Any]) -> str:
    """SHA-256 of the document's content in one normal form: keys sorted, no whitespace; any
    change to a number, a text or a rule changes it, re-indenting the file does not."""
    content = {k: v for k, v in doc.items() if k not in UNSEALED}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def broken_seal(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The verification record of an official document whose content has changed since it
    was sealed; None when it is sealed and intact, not official, or has no seal (a record
    written before seals, which ``verify --check`` still re-checks)."""
    record = doc.get("verification")
    if doc.get("status") != "official" or not isinstance(record, dict):
        return None
    seal = record.get(SEAL_KEY)
    if not isinstance(seal, str) or seal == content_seal(doc):
        return None
    return record

"""The reference column: an action number ("1.2", "YC/INT/4"), a section label written
there ("(B) Con"), or words that are neither; and the series references share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantrack.imports.cells import collapse, normalise_lookalikes
from plantrack.imports.structure.text import LABEL, is_bullet

# --- References ------------------------------------------------------------------------------


def _ref_like(text: str) -> bool:
    tokens = text.split()
    if not tokens or len(text) > 24 or len(tokens) > 3:
        return False
    if any(c.isdigit() for c in text):
        return not any(len(t) >= 4 and t.isalpha() and t.islower() for t in tokens)
    return bool(re.fullmatch(r"\(?(?:[A-Za-z]{1,3}|[ivxIVX]{1,4})[.)]", text))


def _clean_ref(text: str) -> str:
    return re.sub(r"(?<=\w)\.$", "", text.strip())  # "1." → "1", "1.2." → "1.2"


@dataclass(frozen=True)
class RefCell:
    ref: str | None = None
    label: str | None = None  # a section label written in the reference column: "(B) Con"
    text: str | None = None  # words that are neither: carried on text, or the action itself
    lookalike: bool = False


def read_ref_cell(raw: str) -> RefCell:
    text, lookalike = normalise_lookalikes(collapse(raw))
    if not text or is_bullet(text):
        return RefCell()
    m = re.fullmatch(r"(?P<label>\(?[A-Za-z]\)\s*[^\d]*?)\s+(?P<ref>\S+)", text)
    if m and _ref_like(m["ref"]):
        return RefCell(ref=_clean_ref(m["ref"]), label=m["label"], lookalike=lookalike)
    if _ref_like(text):
        return RefCell(ref=_clean_ref(text), lookalike=lookalike)
    if LABEL.match(text) and len(text.split()) <= 6 and not any(c.isdigit() for c in text):
        return RefCell(label=text)
    return RefCell(text=collapse(raw))


def ref_series(ref: str | None) -> str:
    """ "YC/INT/4" → "YC/INT": references in one section share a series."""
    return re.sub(r"[\s./-]*\d+[a-z]?$", "", ref or "", flags=re.IGNORECASE)

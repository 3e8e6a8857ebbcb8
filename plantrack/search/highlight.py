"""The matched words of a result marked up, everything else escaped."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EXCERPT_CHARS = 240


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # At the start of a word, as the full-text indexes match.
    return re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)


def excerpt(text: str, words: list[str], chars: int = EXCERPT_CHARS) -> str:
    """Up to ``chars`` characters of ``text`` around its first matched word, on one line."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    pattern = _pattern(words)
    found = pattern.search(text) if pattern else None
    start = 0
    if found is not None and found.start() > chars // 3:
        start = text.rfind(" ", 0, found.start() - chars // 3) + 1
    end = start + chars
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with each matched word in ``<mark>``."""
    pattern = _pattern(words)
    if pattern is None:
        return mark_safe(escape(text))
    pieces: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[last : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece escaped above

"""Letters from other alphabets that look Latin, and whitespace: shared by the cell readers."""

from __future__ import annotations

import re


def collapse(text: str | None) -> str:
    """Whitespace runs (newlines included) to one space, ends trimmed."""
    return " ".join((text or "").split())


# --- Look-alike letters ----------------------------------------------------------------------

# Greek and Cyrillic letters drawn like Latin ones. Text copied out of PDFs, or typed on a
# keyboard switched to another layout, gives "МК" for "MK" or "Α" (Alpha) for "A": the
# same on screen, different to every comparison.
_LOOKALIKES = str.maketrans(
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek capitals
    "ο"  # Greek small omicron
    "АВЕКМНОРСТХУІЈЅ"  # Cyrillic capitals
    "аеорсхуіјѕ",  # Cyrillic small letters
    "ABEZHIKMNOPTYXoABEKMHOPCTXYIJSaeopcxyijs",
)
_LOOKALIKE_CHARS = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοАВЕКМНОРСТХУІЈЅаеорсхуіјѕ")
_WORD = re.compile(r"\w+")


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def normalise_lookalikes(text: str) -> tuple[str, bool]:
    """Replace Greek/Cyrillic look-alikes in words that are otherwise Latin or all look-alike.

    A word with any letter that has no Latin twin (real Greek or Russian text) is left alone.
    Returns the text and whether anything changed.
    """
    if not any(ch in _LOOKALIKE_CHARS for ch in text):
        return text, False

    def fix(m: re.Match[str]) -> str:
        word = m.group()
        letters = [ch for ch in word if ch.isalpha()]
        if all(_is_latin_letter(ch) or ch in _LOOKALIKE_CHARS for ch in letters):
            return word.translate(_LOOKALIKES)
        return word

    fixed = _WORD.sub(fix, text)
    return fixed, fixed != text

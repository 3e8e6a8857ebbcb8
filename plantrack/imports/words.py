"""Words of owner and agency cells: tokens, parenthesised groups, acronyms, "nobody".

Shared by ``people`` (owners) and ``agencies`` (lead and partner organisations)."""

from __future__ import annotations

from collections.abc import Callable

# Owner and agency cells are short; anything longer is a narrative pasted in the wrong column.
MAX_CELL_LEN = 1000
# Cell values that name nobody: an owner or agency still to be decided.
NOBODY = {"tbc", "tba", "tbd", "n/a", "na", "none", "all", "-", "?", "various", "others"}


# --- Tokens ----------------------------------------------------------------------------------


def split_top(text: str, is_separator: Callable[[str, int], int]) -> list[str]:
    """Split at separators outside parentheses; is_separator returns the separator's length
    at a position (0 for none)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (length := is_separator(text, i)):
            parts.append(text[start:i])
            start = i = i + length
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def tokens(text: str) -> list[str]:
    """Words and parenthesised groups; an unclosed "(" runs to the end."""
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        j = i
        if text[i] == "(":
            depth = 0
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
        else:
            while j < len(text) and not text[j].isspace() and text[j] != "(":
                j += 1
        out.append(text[i:j])
        i = j
    return out


def bare(word: str) -> str:
    return word.strip(".,:;").lower()


def is_paren(token: str) -> bool:
    return token.startswith("(")


def paren_inner(token: str) -> str:
    return token[1:].removesuffix(")").strip()


def is_acronym(word: str) -> bool:
    """SNT, SP&I, L&D, CiP, DfES, SPOCs: mostly capitals. McDonald is not."""
    w = word.strip(".,:;")
    letters = [ch for ch in w if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    return (
        len(letters) >= 2
        and upper >= 2
        and upper >= len(letters) - upper
        and (w[0].isupper() or w[0].isdigit())
    )


def is_capitalised(word: str) -> bool:
    w = word.strip(".,:;")
    return bool(w) and w[0].isupper() and not is_acronym(w)

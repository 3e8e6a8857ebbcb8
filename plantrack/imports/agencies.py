"""Split lead/partner cells into organisation names: "Police (TP, Youth Policy) DfES Youth
Justice Board" is three. Best effort from general rules; the cell as written is kept anyway."""

from __future__ import annotations

import re

from plantrack.imports.lookalikes import collapse, normalise_lookalikes
from plantrack.imports.words import (
    MAX_CELL_LEN,
    NOBODY,
    bare,
    is_acronym,
    is_paren,
    split_top,
    tokens,
)

# --- Agencies --------------------------------------------------------------------------------

# Words that end an organisation's name: "... Board", "... Trust". A capitalised word right
# after one starts the next organisation, unless it is another such word ("Services Council").
_ORG_HEADS = set(
    [
        "board",
        "boards",
        "council",
        "councils",
        "unit",
        "units",
        "trust",
        "trusts",
        "service",
        "services",
        "network",
        "networks",
        "partnership",
        "partnerships",
        "team",
        "teams",
        "office",
        "directorate",
        "agency",
        "agencies",
        "authority",
        "authorities",
        "commission",
        "department",
        "courts",
        "court",
        "force",
        "group",
        "panel",
        "forum",
        "committee",
        "federation",
        "association",
        "society",
        "foundation",
        "charity",
        "centre",
        "center",
        "hub",
        "hubs",
        "consortium",
        "alliance",
        "project",
        "programme",
        "ministry",
    ]
)
_AGENCY_SEPS = re.compile(r"\s*(?:;|\n|,)\s*|\s+&\s+")


def _agency_separator(text: str, i: int) -> int:
    m = _AGENCY_SEPS.match(text, i)
    return m.end() - i if m else 0


def split_agencies(text: str | None) -> list[str]:
    """A lead/partners cell as organisation names, parentheses kept with their name:
    "Police (TP, Youth Policy) DfES Youth Justice Board" → three."""
    fixed = collapse(normalise_lookalikes(text or "")[0])[:MAX_CELL_LEN]
    names: list[str] = []
    for part in split_top(fixed, _agency_separator):
        names.extend(_split_run(tokens(part)))
    return [n for n in (name.strip(" -–—") for name in names) if n and bare(n) not in NOBODY]


def _split_run(tokens: list[str]) -> list[str]:
    items: list[list[str]] = [[]]
    for n, token in enumerate(tokens):
        current = items[-1]
        if current and _starts_new_agency(current, token, tokens[n + 1 :]):
            items.append([])
            current = items[-1]
        current.append(token)
    out = []
    for item in items:
        out.extend(_split_slashes(item))
    return out


def _starts_new_agency(current: list[str], token: str, rest: list[str]) -> bool:
    if is_paren(token) or not token[:1].isupper():
        return False
    last = current[-1]
    if is_paren(last):
        return True  # "Police (SO5) Victim Support"
    if bare(token) in {"and", "of", "for", "the"}:
        return False
    if bare(last) in _ORG_HEADS and bare(token) not in _ORG_HEADS:
        return True  # "Youth Crime Task Force Youth Justice Board"
    # "DfES Youth Justice Board": an acronym standing alone before a longer name.
    words_after = [t for t in [token, *rest] if not is_paren(t)]
    return (
        len(current) == 1
        and is_acronym(last)
        and len(words_after) >= 2
        and not any(is_paren(t) for t in rest[:1])
    )


def _split_slashes(item: list[str]) -> list[str]:
    """ "Police / Council" is two; "African / Caribbean Business Network" is one name with a
    shared head noun, as is "and" between plain words ("Crime and Disorder ...")."""
    text = " ".join(item)
    parts = split_top(text, lambda s, i: 1 if s[i] == "/" else 0)
    if len(parts) < 2:
        return _split_and(text)
    out: list[str] = []
    for part in parts:
        words = part.split()
        if out and len(out[-1].split()) == 1 and not is_acronym(out[-1]) and len(words) >= 3:
            out[-1] = f"{out[-1]} / {part}"
        else:
            out.append(part)
    return [piece for part in out for piece in _split_and(part)]


def _split_and(text: str) -> list[str]:
    """Split at " and " only between two complete organisations ("… Service and Victim
    Support"), never inside a name ("Crime and Disorder Reduction Partnership")."""
    parts = split_top(text, lambda s, i: 5 if s[i : i + 5].lower() == " and " else 0)
    out = [parts[0]] if parts else []
    for part in parts[1:]:
        last_word = out[-1].split()[-1]
        complete = bare(last_word) in _ORG_HEADS or is_acronym(last_word) or last_word.endswith(")")
        if complete and part[:1].isupper():
            out.append(part)
        else:
            out[-1] = f"{out[-1]} and {part}"
    return out


# Organisations named without one of the words that end a name.
_BARE_ORGANISATIONS = re.compile(
    r"\b(?:police|probation|nhs|health|housing|education|fire and rescue|fire|ambulance|"
    r"public health|social care|children'?s services|cps|youth justice|constabulary)\b",
    re.IGNORECASE,
)


def _organisation_like(part: str) -> bool:
    words = {w.lower().strip(".,()") for w in part.split()}
    return bool(
        _ORG_HEADS & words
        or _BARE_ORGANISATIONS.search(part)
        or all(is_acronym(w) for w in part.split())
    )


def names_an_organisation(text: str, *, every_part: bool = True) -> bool:
    """Whether every part of a cell (or, with ``every_part=False``, any part) names an
    organisation: "Islington Council", "Metropolitan Police Service", "NHS / Probation",
    "MPS; LBI"."""
    parts = split_agencies(text)
    if not parts:
        return False
    found = [_organisation_like(part) for part in parts]
    return all(found) if every_part else any(found)

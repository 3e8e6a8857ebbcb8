"""A table whose header and first rows ran together into one paragraph.

Text extracted from a PDF sometimes gives a table's header row and its first rows as one
run-on paragraph, the lines of every cell interleaved word by word ("Action Task Owner Link to
Community Details Engagement Strategy outcomes Facilitates all strategy Describe and…"),
while the rows after them come out as tab-separated cells. The rules, general to that shape:

* The paragraph straight before a table without a header row is its header when, once the
  table's title repeated at its start is dropped (a PDF prints it over the table on every
  page), it starts with header words that name as many columns as the table has. The first
  line of every header cell comes out left to right, so the columns are named in the order
  their header words first appear; the words between two names belong to the first of them
  ("Link to Community"), and a name ending in a connector takes the header words straight
  after it ("Link to" + "Priorities" is one column).
* The words after the header are the rows that ran together. They are told apart by their
  owner: an owner written in the table's own rows (a team ending in an acronym, "Communities
  Together Strategic Engagement Team (CTSET)") is found in them word by word, in order, with
  other words between; each owner found is one row, which starts where its owner's first
  word does (the first row starts with the paragraph's data). With no owner known, a
  bracketed acronym ("(CTSET)") ends each row and names its owner.
* A row's other columns cannot be told apart: its words, less the owner's, are kept whole
  as the action's text, and the preview says so, to be checked. Emphasis marks that
  extraction leaves in the text ("**Task Owner") are dropped.
* The table's own rows were extracted by the same tool, and one of their owner cells may hold
  text of its neighbours around a known owner ("…sultation and Together Strategic Engagement
  Team (CTSET) Community engagement – ensure staff…", the cell beside it empty): the owner
  is the known one ending in the same acronym, the text after it goes to the empty column
  after the owner's, and the text before it is kept in the action's description
  (``untangle_owner``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantrack.imports.cells import collapse
from plantrack.imports.structure.headers import HeaderMapping, column_mapping, header_field
from plantrack.imports.tables import Cell, Document, Table

_MIN_WORDS = 30  # fewer is a title or a sentence, not a header with rows run into it
_HEADER_START = 12  # the header starts within this many words of the paragraph's start
_HEADER_GAP = 4  # and its names are never further apart than this
_MAX_PHRASE = 4
_MAX_OWNER_WORDS = 12
_OWNER_SPAN = 80  # an owner's words, interleaved with a row's other cells, fall within this
_ACRONYM = re.compile(r"^\(([A-Z][A-Za-z&]*[A-Z])\)[.,;:]?$")
_CAPTION = re.compile(r"^(?:table|figure)\s+\d+[a-z]?\s*[:.\-–—]\s*", re.IGNORECASE)
_CONNECTOR = re.compile(r"^(?:to|of|for|and|by|in|on|with|the|a|an|&)$", re.IGNORECASE)


@dataclass
class RunOnRow:
    text: str  # the row's words, less its owner's
    owner: str | None


@dataclass
class RunOn:
    mapping: HeaderMapping
    rows: list[RunOnRow]
    owners: list[list[str]]  # the owners written in the table's own rows, as words


def _bare(token: str) -> str:
    return re.sub(r"^[^\w(]+|[^\w)]+$", "", token)


def read_run_on(
    doc: Document, table: Table, rows: list[list[Cell]], overrides: dict[str, str]
) -> RunOn | None:
    """The header and rows a headerless table's run-on paragraph holds; None if it has none."""
    width = max((len(r) for r in rows), default=0)
    paragraph = collapse((table.heading or "").replace("**", " "))
    if width < 2 or len(paragraph.split()) < _MIN_WORDS:
        return None
    tokens = _without_title(doc, paragraph).split()
    found = _header_names(tokens, width)
    if found is None:
        return None
    headers, end = found
    mapping = column_mapping(headers, overrides)
    if not mapping.is_action_table:
        return None
    owner_col = mapping.column("owner")
    known = _known_owners(rows, owner_col) if owner_col is not None else []
    return RunOn(mapping, _split_rows(tokens[end:], known), known)


def _without_title(doc: Document, paragraph: str) -> str:
    """The paragraph without the table's title printed again at its start."""
    best = ""
    for line in doc.paragraphs:
        title = _CAPTION.sub("", collapse(line))
        words = title.split()
        fits = 3 <= len(words) <= 20 and len(title) > len(best)
        if fits and paragraph.casefold().startswith(title.casefold() + " "):
            best = title
    return paragraph[len(best) :].strip()


def _phrase_at(tokens: list[str], i: int) -> int:
    """The length of the header phrase starting at token i (0 for none): the longest of up
    to four words that is a header's exact wording ("Task Owner", not "Task")."""
    for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
        words = [_bare(t) for t in tokens[i : i + n]]
        if all(words) and header_field(" ".join(words))[1]:
            return n
    return 0


def _open(tokens: list[str], phrase: tuple[int, int]) -> bool:
    """A header's words that end with a connector ("Link to") go on into the next ones."""
    return bool(_CONNECTOR.search(_bare(tokens[phrase[1] - 1])))


def _header_names(tokens: list[str], width: int) -> tuple[list[str], int] | None:
    """The header cells (as many as the table has columns) and the token after the last."""
    starts: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        joins = bool(starts) and starts[-1][1] == i and _open(tokens, starts[-1])
        if len(starts) == width and not joins:
            break
        if i > (_HEADER_START if not starts else starts[-1][1] + _HEADER_GAP):
            return None
        n = _phrase_at(tokens, i)
        if n and joins:  # "Link to" + "Priorities": one header, not two
            starts[-1] = (starts[-1][0], i + n)
        elif n:
            starts.append((i, i + n))
        elif len(starts) == width:
            break
        i += n or 1
    if len(starts) < width:
        return None
    headers = []
    for k, (start, _) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else starts[k][1]
        headers.append(" ".join(_bare(t) for t in tokens[start:stop] if _bare(t)))
    return headers, starts[-1][1]


def _known_owners(rows: list[list[Cell]], owner_col: int) -> list[list[str]]:
    """The owners written in the table's own rows, as words, the longest first."""
    owners = {
        collapse(row[owner_col].text)
        for row in rows
        if owner_col < len(row) and collapse(row[owner_col].text)
    }
    words = [o.split() for o in owners if len(o.split()) <= _MAX_OWNER_WORDS]
    return sorted(words, key=len, reverse=True)


def _find_owner(tokens: list[str], owner: list[str], start: int) -> list[int] | None:
    """The positions of an owner's words, in order, in tokens from start: the earliest
    occurrence of its first word from which all the others follow within reach."""
    for first in range(start, len(tokens)):
        if tokens[first] != owner[0]:
            continue
        found, at = [first], first
        limit = min(len(tokens), first + _OWNER_SPAN)
        for word in owner[1:]:
            at = next((j for j in range(at + 1, limit) if _same(tokens[j], word)), -1)
            if at < 0:
                break
            found.append(at)
        if len(found) == len(owner):
            return found
    return None


def _same(token: str, word: str) -> bool:
    return token == word or token.rstrip(".,;:") == word.rstrip(".,;:")


def _owner_matches(tokens: list[str], owners: list[list[str]]) -> list[tuple[list[int], str]]:
    """Each owner found in turn: the one whose words complete first wins the place."""
    matches: list[tuple[list[int], str]] = []
    start = 0
    while True:
        found = [(m, " ".join(o)) for o in owners if (m := _find_owner(tokens, o, start))]
        if not found:
            return matches
        best = min(found, key=lambda f: (f[0][-1], -len(f[0])))
        matches.append(best)
        start = best[0][-1] + 1


def _acronym_matches(tokens: list[str]) -> list[tuple[list[int], str]]:
    return [([n], m[1]) for n, t in enumerate(tokens) if (m := _ACRONYM.match(t))]


def _split_rows(tokens: list[str], owners: list[list[str]]) -> list[RunOnRow]:
    matches = _owner_matches(tokens, owners) if owners else []
    if matches:
        # A row starts where its owner's first word is; the first row at the data's start.
        bounds = [0, *(m[0][0] for m in matches[1:]), len(tokens)]
    else:
        matches = _acronym_matches(tokens)
        bounds = [0, *(m[0][0] + 1 for m in matches[:-1]), len(tokens)]
    if not matches:
        return [RunOnRow(" ".join(tokens), None)] if tokens else []
    rows = []
    for (positions, owner), start, stop in zip(matches, bounds, bounds[1:], strict=False):
        taken = set(positions) if len(positions) > 1 else set()
        words = [t for n, t in enumerate(tokens[start:stop], start) if n not in taken]
        rows.append(RunOnRow(" ".join(words), owner))
    return rows


def untangle_owner(
    texts: dict[int, str], mapping: HeaderMapping, owners: list[list[str]]
) -> str | None:
    """An owner cell holding a known owner with other columns' text around it (see the
    module's rules): the owner put right in ``texts``, the text after it moved to the empty
    column beside. Returns the text that stood before the owner ("" for none), or None when
    the cell was left as it was."""
    owner_col = mapping.column("owner")
    if owner_col is None:
        return None
    words = collapse(texts.get(owner_col, "")).split()
    at = next((n for n, w in enumerate(words) if _ACRONYM.match(w)), None)
    if at is None or words in owners:
        return None
    same = [o for o in owners if _same(o[-1], words[at])]
    nxt = owner_col + 1
    after = " ".join(words[at + 1 :])
    if len(same) != 1 or (after and (collapse(texts.get(nxt, "")) or not _field(mapping, nxt))):
        return None
    start = at
    for word in reversed(same[0][:-1]):  # the owner's words standing just before its acronym
        if start == 0 or not _same(words[start - 1], word):
            break
        start -= 1
    texts[owner_col] = " ".join(same[0])
    if after:
        texts[nxt] = after
    return " ".join(words[:start])


def _field(mapping: HeaderMapping, column: int) -> bool:
    return column < len(mapping.fields) and mapping.fields[column] != "ignore"

"""Split owner cells into people and posts (lead/partner cells: ``agencies``).

Best effort from general rules, never from a list of known people: plans write owners as
"DCI Ian Wiggett (47113)", "Corporate Comms Supt Paley / CI Preece", "SNT Ch Insps",
"MK (with PM support)". What cannot be split stays whole, so nothing is lost; the cell as
written is kept on the action anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from plantrack.imports.agencies import names_an_organisation
from plantrack.imports.lookalikes import collapse, normalise_lookalikes
from plantrack.imports.words import (
    MAX_CELL_LEN,
    NOBODY,
    bare,
    is_acronym,
    is_capitalised,
    is_paren,
    paren_inner,
    split_top,
    tokens,
)


@dataclass(frozen=True)
class OwnerRef:
    name: str = ""  # "Ian Wiggett"; initials ("AM") count as a name
    rank: str = ""  # "DCI", "Ch. Insp." as written
    staff_number: str = ""
    post: str = ""  # a role or team when no named person is given: "SNT Ch Insps"
    raw: str = ""  # the words this reference was read from
    supporting: bool = False  # named in "(with … support)", helping rather than owning


# --- Ranks and roles -------------------------------------------------------------------------

_RANKS = {
    tuple(r.split())
    for r in [
        "supt",
        "superintendent",
        "insp",
        "inspector",
        "sgt",
        "sergeant",
        "commander",
        "cdr",
        "cmdr",
        "commissioner",
        "pcso",
        "dci",
        "dsupt",
        "dcs",
        "dsu",
        "cllr",
        "councillor",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "prof",
        "c/i",
        "c/insp",
        "c/supt",
        "d/supt",
        "d/insp",
        "d/sgt",
    ]
} | {
    tuple(r.split())
    for r in (
        "ch insp",
        "ch supt",
        "chief inspector",
        "chief superintendent",
        "chief supt",
        "chief insp",
        "det supt",
        "det insp",
        "det sgt",
        "det con",
        "det ch insp",
        "det ch supt",
        "chief constable",
        "police constable",
        "police sergeant",
        "detective inspector",
        "detective sergeant",
        "detective constable",
        "detective superintendent",
        "detective chief inspector",
        "detective chief superintendent",
        "assistant commissioner",
        "deputy assistant commissioner",
        "deputy commissioner",
        "deputy chief constable",
        "assistant chief constable",
        "special constable",
    )
}
# Two-letter ranks that are also common initials: a rank only before a name.
_WEAK_RANKS = {
    (r,) for r in ["pc", "ps", "dc", "ds", "di", "ci", "ac", "dac", "acc", "dcc", "cc", "sc"]
}
_PLURAL_RANKS = {
    tuple(r.split())
    for r in (
        "insps",
        "inspectors",
        "supts",
        "superintendents",
        "sgts",
        "sergeants",
        "pcs",
        "pcsos",
        "cis",
        "dcis",
        "dis",
        "commanders",
        "ch insps",
        "ch supts",
        "chief inspectors",
        "chief superintendents",
        "chief supts",
    )
}
_ACTING = re.compile(r"^(?:a|t|act|acting|temp|temporary)/", re.IGNORECASE)
_ACTING_WORDS = {"acting", "temporary", "temp", "act"}

# Nouns that end the name of a team or a post rather than a person.
_ROLES = set(
    [
        "team",
        "teams",
        "manager",
        "managers",
        "officer",
        "officers",
        "lead",
        "leads",
        "dept",
        "department",
        "departments",
        "unit",
        "units",
        "services",
        "service",
        "comms",
        "communications",
        "group",
        "groups",
        "board",
        "office",
        "directorate",
        "council",
        "trust",
        "partnership",
        "partnerships",
        "solutions",
        "organisation",
        "organisations",
        "organization",
        "analyst",
        "analysts",
        "coordinator",
        "co-ordinator",
        "coordinators",
        "director",
        "directors",
        "head",
        "chair",
        "panel",
        "hub",
        "hubs",
        "staff",
        "agency",
        "agencies",
        "campaign",
        "procurement",
        "finance",
        "hr",
        "secretariat",
        "section",
        "division",
        "desk",
        "police",
        "force",
        "network",
        "forum",
        "committee",
        "programme",
        "project",
        "command",
        "authority",
        "commissioning",
        "duties",
    ]
)


def _rank_length(tokens: list[str], i: int) -> tuple[int, bool]:
    """How many tokens from i form a rank, and whether it is plural (a group of officers)."""
    words = [bare(t) for t in tokens[i : i + 4] if not is_paren(t)]
    if words and words[0] in _ACTING_WORDS:
        length, plural = _rank_length(tokens, i + 1)
        return (length + 1, plural) if length else (0, False)
    if words and _ACTING.sub("", words[0]):
        words[0] = _ACTING.sub("", words[0])  # "A/Supt.": an acting rank is still the rank
    for size in (3, 2, 1):
        phrase = tuple(words[:size])
        if len(phrase) < size:
            continue
        if phrase in _PLURAL_RANKS:
            return size, True
        if phrase in _RANKS:
            return size, False
        if phrase in _WEAK_RANKS and _name_follows(tokens, i + size):
            return size, False
    return 0, False


def _name_follows(tokens: list[str], j: int) -> bool:
    if j >= len(tokens):
        return False
    nxt = tokens[j]
    if is_paren(nxt):
        return paren_inner(nxt).isdigit()
    if _collar_number(tokens, j):  # "PS 1234 Ahmed Khan"
        return True
    return is_capitalised(nxt) and bare(nxt) not in _ROLES


def _collar_number(tokens: list[str], j: int) -> bool:
    """A bare staff (collar) number between a rank and a name: "PS 1234 Ahmed Khan"."""
    return (
        j + 1 < len(tokens)
        and not is_paren(tokens[j])
        and bool(_staff_number(tokens[j]))
        and is_capitalised(tokens[j + 1])
        and bare(tokens[j + 1]) not in _ROLES
    )


def _plural_acronym(word: str) -> bool:
    """ "HIDOs", "SPOCs": a team of people named by an acronym, not a person."""
    w = word.strip(".,:;")
    return len(w) >= 3 and w.endswith("s") and w[:-1].isupper() and w[:-1].isalpha()


def _is_role(token: str) -> bool:
    return not is_paren(token) and bare(token) in _ROLES


def _is_plain_word(token: str) -> bool:
    return not is_paren(token) and not is_acronym(token) and any(c.isalpha() for c in token)


# --- Owners ----------------------------------------------------------------------------------


def _owner_separator(text: str, i: int) -> int:
    ch = text[i]
    if ch in ";,\n+":
        return 1
    if ch == "/":
        # "C/I", "A/Supt": a single letter before the slash makes it part of a rank.
        before = text[max(0, i - 2) : i]
        single = (
            len(before) >= 1
            and before[-1].isalpha()
            and (len(before) == 1 or not before[0].isalnum())
        )
        after = text[i + 1 : i + 2]
        return 0 if single and after.isalpha() else 1
    m = re.compile(r"\s+(?:&|and|[-\u2013\u2014])\s+", re.IGNORECASE).match(text, i)
    return m.end() - i if m else 0


@dataclass
class _OwnerReader:
    supporting: bool
    tokens: list[str]
    refs: list[OwnerRef]
    pending: list[str]
    post_for_name: int | None = None  # index in refs of a post a following name may take

    def run(self) -> list[OwnerRef]:
        i = 0
        while i < len(self.tokens):
            i = self._step(i)
        self._flush()
        return self.refs

    def _step(self, i: int) -> int:
        token = self.tokens[i]
        if is_paren(token):
            self._flush()
            self._paren(token)
            return i + 1
        length, plural = _rank_length(self.tokens, i)
        if length:
            return self._rank(i, length, plural)
        self.pending.append(token)
        if _is_role(token) and not self._post_goes_on(i + 1):
            self._flush_post()
        return i + 1

    def _post_goes_on(self, j: int) -> bool:
        """After a role noun, does the post's name go on? "Police Force Awards officer" does;
        "Corporate Comms Supt Paley" and "CiP manager Sophie Paley" do not."""
        for k in range(j, min(j + 3, len(self.tokens))):
            token = self.tokens[k]
            if not _is_plain_word(token) or _rank_length(self.tokens, k)[0]:
                return False
            if _is_role(token) or token[:1].islower():
                return True
        return False

    def _rank(self, i: int, length: int, plural: bool) -> int:
        rank = " ".join(self.tokens[i : i + length])
        j = i + length
        if self.pending and is_acronym(self.pending[-1]):
            # "PSST Supt", "SNT Ch Insps": a unit and a rank name a post, not a person.
            unit = self.pending.pop()
            self._flush()
            self._add(OwnerRef(post=f"{unit} {rank}", raw=f"{unit} {rank}"))
            return j
        self._flush()
        staff = ""
        if not plural and _collar_number(self.tokens, j):
            staff = _staff_number(self.tokens[j])
            j += 1
        count = 0 if plural else _name_length(self.tokens, j)
        if not count:
            self._add(OwnerRef(post=rank, raw=rank))
            return j
        name = _join_name(self.tokens[j : j + count])
        end = j + count
        if not staff and end < len(self.tokens) and _staff_number(self.tokens[end]):
            staff = _staff_number(self.tokens[end])
            end += 1
        raw = " ".join(self.tokens[i:end])
        self._add(OwnerRef(name=name, rank=rank, staff_number=staff, raw=raw))
        return end

    def _paren(self, token: str) -> None:
        inner = paren_inner(token)
        staff = _staff_number(token)
        if staff and self.refs and self.refs[-1].name and not self.refs[-1].staff_number:
            last = self.refs[-1]
            self.refs[-1] = replace(last, staff_number=staff, raw=f"{last.raw} {token}")
            return
        helpers = _supporting_text(inner)
        if helpers is not None:
            self.refs.extend(split_owners(helpers, supporting=True))
        # Anything else in brackets ("(APP)", "(LBB/Police)") annotates; it stays in raw.

    def _flush_post(self) -> None:
        """Pending words ending in a role noun: the last few are the post, earlier ones are
        names or posts of their own."""
        words = self.pending
        k = len(words) - 1
        while k > 0 and (_is_role(words[k - 1]) or words[k - 1][:1].islower()):
            k -= 1
        plain = 0
        while k > 0 and plain < 2 and _is_plain_word(words[k - 1]):
            k -= 1
            plain += 1
        if k > 0 and is_acronym(words[k - 1]):
            k -= 1
        post = " ".join(words[k:])
        self.pending = words[:k]
        self._flush()
        self._add(OwnerRef(post=post, raw=post))
        self.post_for_name = len(self.refs) - 1

    def _flush(self) -> None:
        words, self.pending = self.pending, []
        run: list[str] = []
        for word in words:
            if is_acronym(word) or bare(word) in NOBODY:
                self._names(run)
                run = []
                self._acronym(word)
            else:
                run.append(word)
        self._names(run)

    def _acronym(self, word: str) -> None:
        if bare(word) in NOBODY:
            return
        w = word.strip(".,:;")
        last = self.refs[-1] if self.refs else None
        if _plural_acronym(w) and last is not None and last.name and not last.post:
            # "Alison Collins (67945) HIDOs": the team she leads, not a person called HIDOs.
            self.refs[-1] = replace(last, post=w, raw=f"{last.raw} {w}")
            return
        initials = len(w) == 2 and w.isupper() and not self.supporting
        self._add(OwnerRef(name=w, raw=w) if initials else OwnerRef(post=w, raw=w))

    def _names(self, run: list[str]) -> None:
        if not run:
            return
        if len(run) == 1 or not all(is_capitalised(w) or w.endswith("-") for w in run):
            text = " ".join(run)
            self._add(OwnerRef(post=text, raw=text))
            return
        # "Sophie Paley Gary Shepherd": long runs of names are pairs.
        groups = [run] if len(run) <= 3 else [run[k : k + 2] for k in range(0, len(run), 2)]
        for group in groups:
            name = _join_name(group)
            if self.post_for_name is not None and self.post_for_name == len(self.refs) - 1:
                # "CiP Manager Sophie Paley": the post before a name is that person's post.
                post = self.refs.pop()
                self._add(OwnerRef(name=name, post=post.post, raw=f"{post.raw} {name}"))
            else:
                self._add(OwnerRef(name=name, raw=" ".join(group)))
            self.post_for_name = None

    def _add(self, ref: OwnerRef) -> None:
        self.post_for_name = None
        self.refs.append(replace(ref, supporting=self.supporting))


def _name_length(tokens: list[str], j: int) -> int:
    """How many tokens after a rank are the person's name (0: the rank is a post)."""
    run: list[str] = []
    k = j
    while k < len(tokens) and _is_plain_word(tokens[k]) and not _rank_length(tokens, k)[0]:
        run.append(tokens[k])
        k += 1
    role = next((n for n, w in enumerate(run) if _is_role(w)), None)
    # "Supt Paley Digital Services": a word or two before a role noun name the team.
    limit = len(run) if role is None else (0 if role < 2 else max(1, role - 2))
    count = 0
    for n, word in enumerate(run[: min(limit, 3)]):
        nxt = run[n + 1] if n + 1 < len(run) else ""
        # OCR turns "Ian" into "lan": a lower-case word is a name only before a capitalised one.
        if is_capitalised(word) or (word.isalpha() and is_capitalised(nxt)):
            count += 1
        else:
            break
    if count == 0 and k < len(tokens) and _staff_number(tokens[k]) and run:
        return 0
    return count


def _join_name(words: list[str]) -> str:
    # "Gordon- Gibson": a hyphenated name broken across a line.
    return re.sub(r"-\s+", "-", " ".join(w.strip(",;:") for w in words))


def _staff_number(token: str) -> str:
    m = re.fullmatch(r"\(?\s*(\d{3,9})\s*\)?", token)
    return m.group(1) if m else ""


_SUPPORT_LEAD = re.compile(
    r"^(?:with|via|through|supported by|assisted by|support from|help from|and)\s+", re.IGNORECASE
)
_SUPPORT_TAIL = re.compile(r"\s+(?:support|assistance|input|help)\b", re.IGNORECASE)


def _supporting_text(inner: str) -> str | None:
    """The helpers named in "(with PM support)", "(via Public Health lead)"; None if the
    brackets say something else."""
    stripped = _SUPPORT_TAIL.sub("", inner)
    stripped = _SUPPORT_LEAD.sub("", stripped)
    if stripped == inner or not stripped.strip():
        return None
    return stripped


def split_owners(text: str | None, *, supporting: bool = False) -> list[OwnerRef]:
    """An owner cell as people and posts, in the order written."""
    fixed = collapse(normalise_lookalikes(text or "")[0])[:MAX_CELL_LEN]
    # "SPOCs / LBB comms – TBC": a dash before a placeholder just says "to be confirmed".
    fixed = re.sub(r"\s*[-\u2013\u2014]\s*(?:tbc|tba|tbd)\b\.?", "", fixed, flags=re.IGNORECASE)
    if _shared_plural(fixed):
        return [OwnerRef(post=fixed, raw=fixed, supporting=supporting)]
    refs: list[OwnerRef] = []
    for segment in split_top(fixed, _owner_separator):
        found = _OwnerReader(supporting, tokens(segment), [], []).run()
        refs.extend(_borrow_unit(refs, found))
    return _unique(refs)


_UNITS_WITH_PLURAL_RANK = re.compile(r"^[A-Z]{2,}(?:\s+(?:&|and)\s+[A-Z]{2,})+\s+(?P<rank>.+)$")


def _shared_plural(text: str) -> bool:
    """ "PSST and PSH Insps": one plural rank shared by the units before it is one post (the
    inspectors of both teams), not two owners."""
    m = _UNITS_WITH_PLURAL_RANK.match(text)
    return m is not None and _rank_length(tokens(m["rank"]), 0) == (len(tokens(m["rank"])), True)


def _borrow_unit(before: list[OwnerRef], found: list[OwnerRef]) -> list[OwnerRef]:
    """ "PSST Supt & Inspector": a bare rank after a unit's post is a post in that unit."""
    if len(found) != 1 or not before or found[0].name or not found[0].post:
        return found
    only, prev = found[0], before[-1]
    if not _rank_length(tokens(only.post), 0)[0] or " " not in prev.post.strip():
        return found
    unit = prev.post.split()[0]
    if not is_acronym(unit) or only.post.split()[0] == unit:
        return found
    return [replace(only, post=f"{unit} {only.post}")]


def _unique(refs: list[OwnerRef]) -> list[OwnerRef]:
    seen, out = set(), []
    for ref in refs:
        key = (ref.name.casefold(), ref.rank.casefold(), ref.staff_number, ref.post.casefold())
        if key not in seen and (ref.name or ref.post):
            seen.add(key)
            out.append(ref)
    return out


# Words that make a cell a person's post ("Head of Community Safety", "ASB Co-ordinator",
# "Project Lead", "Chief Inspector"), as against an organisation ("Islington Council").
_POST_WORDS = re.compile(
    r"\b(?:head of|manager|officer|co-?ordinator|director|lead|member|chair|inspector|"
    r"sergeant|superintendent|constable|commander|commissioner|analyst|advis[eo]r|specialist|"
    r"worker|practitioner|chief executive|deputy|assistant|portfolio holder|secretary)s?\b",
    re.IGNORECASE,
)


def names_a_person_or_post(text: str) -> bool:
    """Whether a cell names a person ("Det Supt Jane Morris", "J. Smith") or a post ("Head of
    Community Safety", "Project Lead"), rather than only organisations."""
    text = collapse(text)
    if not text:
        return False
    refs = split_owners(text)
    if any(ref.rank for ref in refs) or _POST_WORDS.search(text):
        return True
    # Capitalised words read as a name ("North Central London") are an organisation's when
    # the cell names one ("NHS North Central London").
    return any(ref.name for ref in refs) and not names_an_organisation(text, every_part=False)

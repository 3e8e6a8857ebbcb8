"""How well the importer reads documents it was not tuned on (issue 18).

Each document of ``builders.DOCUMENTS`` is parsed with ``parse_bytes`` and its actions are
matched one to one with the hand-written ``expected/<stem>.json``: pairs are taken best
first, a pair with the same reference before one without, and a pair qualifies when the
normalised titles are at least ``TITLE_MATCH`` alike (rapidfuzz ratio, 0–100), or
``REF_MATCH`` alike with the same reference (the title misread but the action found).
A reference alone is not enough: plans number their actions afresh in each section.

Per document:

* recall: expected actions matched / expected actions;
* precision: actions found that match one expected / actions found (0 when none is found);
* field accuracy: of the expected fields that are not null, on matched actions, the share
  read exactly after whitespace collapse; and the same per field (ref, title, owner, lead,
  due_text, section). A section compares without case and without a leading number
  ("1. Early Help" = "Early help"), since the importer puts ALL-CAPS titles in Title Case.

Run ``python -m plantrack.imports.tests.unseen`` (``--detail`` lists every miss).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from plantrack.imports.parsed import ParsedImport
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.tables import ImportFailed
from plantrack.imports.tests.unseen.builders import DOCUMENTS, UnseenDocument

FIELDS = ("ref", "title", "owner", "lead", "due_text", "section")
EXPECTED = Path(__file__).parent / "expected"
TITLE_MATCH = 70
REF_MATCH = 40

Action = dict[str, str | None]


def collapse(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _title_key(text: str | None) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").casefold()).split())


_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.):]?|\(?[a-z][.)])\s+")


def _section_key(text: str | None) -> str:
    return _NUMBERING.sub("", (collapse(text) or "").casefold())


def same(name: str, expected: str | None, found: str | None) -> bool:
    if name == "section":
        return _section_key(expected) == _section_key(found)
    return collapse(expected) == collapse(found)


@dataclass
class Miss:
    action: str  # the expected action's ref or title
    field: str
    expected: str | None
    found: str | None


@dataclass
class DocumentScore:
    name: str
    kind: str
    expected: int
    found: int = 0
    matched: int = 0
    error: str | None = None  # the importer refused the document
    title_ok: bool | None = None  # None: the document has no title to read
    titles_found: list[str] = field(default_factory=list)
    fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # expected actions not found
    extra: list[str] = field(default_factory=list)  # actions found that match none

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def accuracy(self) -> float:
        right = sum(r for r, _ in self.fields.values())
        total = sum(t for _, t in self.fields.values())
        return right / total if total else 0.0

    def field_accuracy(self, name: str) -> float | None:
        right, total = self.fields[name]
        return right / total if total else None

    @property
    def worst_field(self) -> tuple[str, float] | None:
        scored = [(n, a) for n in FIELDS if (a := self.field_accuracy(n)) is not None]
        worst = min(scored, key=lambda s: s[1], default=None)
        return worst if worst and worst[1] < 1 else None


def load_expected(document: UnseenDocument) -> dict:
    return json.loads((EXPECTED / f"{document.stem}.json").read_text(encoding="utf-8"))


def expected_actions(expected: dict) -> list[Action]:
    return [action for section in expected["sections"] for action in section["actions"]]


def found_actions(parsed: ParsedImport) -> list[Action]:
    return [
        {
            "ref": action.ref,
            "title": action.title,
            "owner": action.owner,
            "lead": action.lead,
            "due_text": action.due_text,
            "section": section.title,
        }
        for plan in parsed.plans
        for section in plan.sections
        for action in section.actions
    ]


def match(expected: list[Action], found: list[Action]) -> list[tuple[int, int]]:
    """One-to-one pairs (expected index, found index), best first."""
    candidates = []
    for i, wanted in enumerate(expected):
        for j, got in enumerate(found):
            similarity = fuzz.ratio(_title_key(wanted["title"]), _title_key(got["title"]))
            same_ref = bool(wanted["ref"] and got["ref"] and same("ref", wanted["ref"], got["ref"]))
            if similarity >= TITLE_MATCH or (same_ref and similarity >= REF_MATCH):
                candidates.append((same_ref, similarity, -i, -j))
    pairs, used_expected, used_found = [], set(), set()
    for _, _, i, j in sorted(candidates, reverse=True):
        if -i not in used_expected and -j not in used_found:
            pairs.append((-i, -j))
            used_expected.add(-i)
            used_found.add(-j)
    return sorted(pairs)


def _title_ok(expected: str | list[str] | None, parsed: ParsedImport) -> bool | None:
    if expected is None:
        return None
    wanted = {_title_key(t) for t in ([expected] if isinstance(expected, str) else expected)}
    return any(_title_key(plan.title) in wanted for plan in parsed.plans)


def score_document(document: UnseenDocument) -> DocumentScore:
    expected_doc = load_expected(document)
    expected = expected_actions(expected_doc)
    result = DocumentScore(document.name, document.kind, expected=len(expected))
    try:
        parsed = parse_bytes(document.name, document.build(), is_text=document.is_text)
    except ImportFailed as exc:
        result.error = str(exc)
        result.missing = [a["title"] or "" for a in expected]
        result.title_ok = False if expected_doc["title"] is not None else None
        return result
    found = found_actions(parsed)
    result.found = len(found)
    result.titles_found = [plan.title or "" for plan in parsed.plans]
    result.title_ok = _title_ok(expected_doc["title"], parsed)
    pairs = match(expected, found)
    result.matched = len(pairs)
    for i, j in pairs:
        wanted, got = expected[i], found[j]
        for name in FIELDS:
            if wanted[name] is None:
                continue
            result.fields[name][1] += 1
            if same(name, wanted[name], got[name]):
                result.fields[name][0] += 1
            else:
                label = wanted["ref"] or (wanted["title"] or "")[:40]
                result.misses.append(Miss(label, name, wanted[name], collapse(got[name])))
    matched_expected = {i for i, _ in pairs}
    matched_found = {j for _, j in pairs}
    result.missing = [a["title"] or "" for n, a in enumerate(expected) if n not in matched_expected]
    result.extra = [a["title"] or "" for n, a in enumerate(found) if n not in matched_found]
    return result


def score_all(documents: list[UnseenDocument] | None = None) -> list[DocumentScore]:
    return [score_document(d) for d in documents or DOCUMENTS]


def totals(scores: list[DocumentScore]) -> DocumentScore:
    total = DocumentScore("total", "", expected=sum(s.expected for s in scores))
    total.found = sum(s.found for s in scores)
    total.matched = sum(s.matched for s in scores)
    for name in FIELDS:
        total.fields[name] = [sum(s.fields[name][k] for s in scores) for k in (0, 1)]
    return total


def _worst(score: DocumentScore) -> str:
    worst = score.worst_field
    return f"{worst[0]} {worst[1]:.2f}" if worst else "–"


def _row(score: DocumentScore) -> str:
    title = {None: "–", True: "yes", False: "no"}[score.title_ok]
    return (
        f"{score.name:<34} {score.kind:<5} {score.expected:>4} {score.found:>5} "
        f"{score.recall:>6.2f} {score.precision:>9.2f} {score.accuracy:>8.2f}  "
        f"{_worst(score):<16} {title}"
    )


def report(scores: list[DocumentScore], *, detail: bool = False) -> str:
    lines = [
        f"{'document':<34} {'kind':<5} {'exp':>4} {'found':>5} {'recall':>6} "
        f"{'precision':>9} {'fields':>8}  {'worst field':<16} title",
    ]
    lines += [_row(s) for s in scores]
    total = totals(scores)
    lines.append(_row(total))
    per_field = ", ".join(
        f"{name} {a:.2f}" for name in FIELDS if (a := total.field_accuracy(name)) is not None
    )
    lines.append(f"field accuracy over all documents: {per_field}")
    if detail:
        for s in scores:
            lines.append(f"\n== {s.name}")
            if s.error:
                lines.append(f"  refused: {s.error}")
            lines.append(f"  plan titles read: {s.titles_found}")
            lines += [f"  missing: {t!r}" for t in s.missing]
            lines += [f"  extra:   {t!r}" for t in s.extra]
            lines += [
                f"  {m.action}: {m.field} expected {m.expected!r}, read {m.found!r}"
                for m in s.misses
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m plantrack.imports.tests.unseen")
    parser.add_argument("--detail", action="store_true", help="list every miss")
    parser.add_argument("names", nargs="*", help="only these documents (file names)")
    args = parser.parse_args(argv)
    documents = [d for d in DOCUMENTS if not args.names or d.name in args.names]
    print(report(score_all(documents), detail=args.detail))

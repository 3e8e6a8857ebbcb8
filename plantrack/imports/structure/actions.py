"""Actions while rows are read, and as ParsedAction once all their rows are in.

A draft keeps the text of each column (a row broken by a page adds to it); the builder
files drafts into plans and sections as the tables are read; finishing a draft splits
milestones and dated updates, reads RAG and status, and warns about letters from another
alphabet in owners, references and RAG.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantrack.core import fuzzydates
from plantrack.imports.cells import (
    collapse,
    normalise_lookalikes,
    read_rag,
    split_milestones,
    split_updates,
)
from plantrack.imports.parsed import ParsedAction
from plantrack.imports.structure.headers import HeaderMapping, header_field
from plantrack.imports.structure.refs import ref_series

# --- Building plans --------------------------------------------------------------------------


@dataclass
class ActionDraft:
    """One action while its rows are still being read: text per column, joined later."""

    origin: str
    mapping: HeaderMapping
    ref: str | None
    texts: dict[int, str]
    fills: dict[int, str]
    ref_lookalike: bool = False
    description: str = ""  # text of the row kept beside the action (see runon.untangle_owner)

    def text(self, name: str) -> str:
        return collapse(" ".join(self.texts.get(n, "") for n in self.mapping.columns(name)))

    def append(self, column: int, text: str) -> None:
        before = self.texts.get(column, "")
        self.texts[column] = f"{before} {text}".strip() if before else text


@dataclass
class _Section:
    title: str | None
    drafts: list[ActionDraft] = field(default_factory=list)
    from_caps: bool = False  # written in capitals: capitals glued to an action start another


@dataclass
class _Plan:
    title: str | None
    sections: list[_Section] = field(default_factory=lambda: [_Section(None)])

    @property
    def has_actions(self) -> bool:
        return any(s.drafts for s in self.sections)


class PlanBuilder:
    def __init__(self) -> None:
        self.plans: list[_Plan] = [_Plan(None)]
        self.last: ActionDraft | None = None  # the action a broken row may continue

    @property
    def plan(self) -> _Plan:
        return self.plans[-1]

    @property
    def section(self) -> _Section:
        return self.plan.sections[-1]

    def start_plan(self, title: str) -> None:
        if not self.plan.has_actions:
            self.plan.title = title
        elif title != self.plan.title:
            self.plans.append(_Plan(title))
            self.last = None

    def start_section(self, title: str, *, from_caps: bool = False) -> None:
        current = self.section
        if current.title and current.title.casefold() == title.casefold():
            return  # the same title repeated on the next page
        if current.drafts:
            self.plan.sections.append(_Section(title, from_caps=from_caps))
        else:
            current.title, current.from_caps = title, from_caps
        self.last = None

    def add(self, draft: ActionDraft) -> None:
        self.section.drafts.append(draft)
        self.last = draft

    def last_series(self) -> str | None:
        for section in reversed(self.plan.sections):
            for draft in reversed(section.drafts):
                if draft.ref:
                    return ref_series(draft.ref)
        return None


# --- Finishing actions -----------------------------------------------------------------------


def finish_draft(draft: ActionDraft, warnings: list[str]) -> ParsedAction:
    def text(name: str) -> str | None:
        return collapse(draft.text(name)) or None

    owner, owner_fixed = normalise_lookalikes(text("owner") or "")
    if owner_fixed:
        written = text("owner")
        warnings.append(
            f"{draft.origin}: owner {written!r} has letters from another alphabet;"
            f" read as {owner!r}"
        )
    if draft.ref_lookalike:
        warnings.append(
            f"{draft.origin}: reference has letters from another alphabet; read as {draft.ref!r}"
        )
    action = ParsedAction(
        title=text("title") or "",
        ref=draft.ref,
        strategy_refs=text("strategy_refs"),
        owner=owner or None,
        lead=text("lead"),
        milestones=split_milestones(
            "\n".join(draft.texts.get(n, "") for n in draft.mapping.columns("milestones"))
        ),
        start_text=text("start"),
        review_text=text("review"),
        due_text=text("due"),
        origin=draft.origin,
        description=_description(draft) or None,
    )
    _fit_strategy_refs(action, warnings)
    _finish_rag(draft, action, warnings)
    for n in draft.mapping.columns("updates"):
        updates, problems = split_updates(draft.texts.get(n, ""))
        action.updates.extend(updates)
        warnings.extend(f"{draft.origin}: {p}" for p in problems)
    if (
        action.status is None
        and fuzzydates.parse(action.due_text or "").kind is fuzzydates.Kind.ONGOING
    ):
        action.status = "ongoing"
    return action


def _description(draft: ActionDraft) -> str:
    """The description column's text, then every other column kept as notes under its
    header, then what the row kept beside the action (runon.untangle_owner)."""
    parts = []
    for n in draft.mapping.columns("description"):
        lines = (collapse(line) for line in draft.texts.get(n, "").splitlines())
        text = "\n".join(line for line in lines if line)
        if not text:
            continue
        header = draft.mapping.headers[n] if n < len(draft.mapping.headers) else ""
        named = header_field(header) == ("description", True)
        parts.append(text if named or not header else f"{collapse(header)}: {text}")
    if draft.description:
        parts.append(draft.description)
    return "\n".join(parts)


# What Action.strategy_refs holds.
STRATEGY_REFS_MAX = 200


def _fit_strategy_refs(action: ParsedAction, warnings: list[str]) -> None:
    """A cross-reference is a few numbers ("5.1 – 5.3") or an outcome's name; one longer than
    its field is kept whole in the description, and cut where it is."""
    refs = action.strategy_refs
    if refs is None or len(refs) <= STRATEGY_REFS_MAX:
        return
    warnings.append(
        f"{action.origin}: the strategy cross-reference is {len(refs):,} characters long; "
        f"the first {STRATEGY_REFS_MAX} are kept as the cross-reference and all of it in "
        "the description"
    )
    kept = f"Strategy cross-reference: {refs}"
    action.description = f"{kept}\n{action.description}" if action.description else kept
    action.strategy_refs = refs[: STRATEGY_REFS_MAX - 1] + "…"


def _finish_rag(draft: ActionDraft, action: ParsedAction, warnings: list[str]) -> None:
    """RAG from the RAG column (text, else fill); status from either column's words."""
    for name in ("rag", "status"):
        for n in draft.mapping.columns(name):
            raw = collapse(draft.texts.get(n, ""))
            reading = read_rag(raw, draft.fills.get(n) if name == "rag" else None)
            if reading.lookalike:
                warnings.append(
                    f"{draft.origin}: RAG {raw!r} has a letter from another alphabet;"
                    f" read as {reading.rag or reading.status}"
                )
            action.rag = action.rag or reading.rag  # "Complete" in a status column is blue too
            action.status = action.status or reading.status

"""Which initiative (section) of a plan a budget table belongs to, from its title."""

from __future__ import annotations

import re

_STOP = {"the", "and", "of", "for", "a", "an", "in", "to", "on", "&", "project", "initiative"}


def _words(text: str) -> list[str]:
    text = re.sub(r"^\(?[A-Za-z0-9]{1,2}[).]\s+", "", text.strip())  # "(A) ", "1. "
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]


def _acronym(text: str) -> str:
    return "".join(w[0] for w in _words(text))


def match_section(title: str, sections):
    """The section a budget table's title names: by its words ("Community Coaches") or as an
    acronym of the section's title ("NJP" for Neighbourhood Justice Panels). None if none fits
    or two fit equally well."""
    words = set(_words(title))
    if not words:
        return None
    scored = []
    for section in sections:
        theirs = set(_words(section.title))
        score = 0.0
        if theirs:
            score = len(words & theirs) / len(words | theirs)
        compact = re.sub(r"[^a-z]", "", title.lower())
        if len(compact) >= 2 and compact == _acronym(section.title):
            score = max(score, 1.0)
        if score >= 0.5:
            scored.append((score, section))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]

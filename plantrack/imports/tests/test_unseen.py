"""The importer on documents it was not tuned on (issue 18): no reading may get worse.

The documents are built in code (``unseen/builders.py``), their answers written by hand
(``unseen/expected/``), and scored by ``unseen/score.py``; ``python -m
plantrack.imports.tests.unseen --detail`` shows the table and every miss.
"""

from __future__ import annotations

import functools
import json

import pytest

from plantrack.imports.tests.unseen.builders import DOCUMENTS
from plantrack.imports.tests.unseen.score import EXPECTED, FIELDS, DocumentScore, score_document

# What the importer scores today (commit b537c4d), rounded down to 2 decimals: (recall,
# precision, field accuracy, plan title read). RAISE these as the importer improves; never
# lower one without giving the reason in the commit that does it.
FLOORS: dict[str, tuple[float, float, float, bool]] = {
    "northbrook_csp_plan.docx": (1.0, 1.0, 1.0, True),
    "avonshire_pcc_tracker.xlsx": (1.0, 1.0, 1.0, True),
    "avonshire_police_programme.pdf": (1.0, 1.0, 1.0, True),
    "kingsmere_tracker_export.csv": (1.0, 1.0, 1.0, False),  # no title in a CSV export
    "reoffending_pasted.txt": (1.0, 1.0, 1.0, True),
    "wexcombe_safer_streets.xlsx": (1.0, 1.0, 1.0, True),
    "kingsmere_vawg_plan.docx": (1.0, 1.0, 1.0, True),
    "avonshire_vru_plan.pdf": (1.0, 1.0, 0.94, False),
    "northbrook_youth_justice.docx": (1.0, 1.0, 1.0, True),
    "harbourside_csp_tracker.xlsx": (1.0, 1.0, 1.0, False),
}


@functools.cache
def _score(name: str) -> DocumentScore:
    return score_document(next(d for d in DOCUMENTS if d.name == name))


def test_every_document_has_an_answer_and_a_floor() -> None:
    stems = {d.stem for d in DOCUMENTS}
    assert {p.stem for p in EXPECTED.glob("*.json")} == stems
    assert set(FLOORS) == {d.name for d in DOCUMENTS}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.stem)
def test_answers_are_well_formed(document) -> None:
    expected = json.loads((EXPECTED / f"{document.stem}.json").read_text(encoding="utf-8"))
    assert expected["document"] == document.name
    for section in expected["sections"]:
        for action in section["actions"]:
            assert set(action) == set(FIELDS)
            assert action["title"]
            assert action["section"] == section["title"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_worse_than_today(name: str) -> None:
    recall, precision, accuracy, title = FLOORS[name]
    score = _score(name)
    assert score.error is None, score.error
    assert score.recall >= recall, f"recall {score.recall:.2f}: missing {score.missing}"
    assert score.precision >= precision, f"precision {score.precision:.2f}: extra {score.extra}"
    assert score.accuracy >= accuracy, f"field accuracy {score.accuracy:.2f}: {score.misses}"
    if title:
        assert score.title_ok, f"plan title read as {score.titles_found}"

from __future__ import annotations

import pytest

from plantrack.engagement.phrases import suggest, suggestions_for


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("KIN survey ... Took place on 96 wards", [("wards", 96)]),
        ("Target every year 6 pupil in Chessington (221 in total)", [("people_reached", 221)]),
        ("Individuals recruited as volunteers to the MVP. Haringey has 52", [("volunteers", 52)]),
        ("Accredited University training for 25 researchers", [("people_reached", 25)]),
        ("Young people 14-25", []),
        ("a follow up meeting is held 6 to 8 weeks later", []),
        ("Schedule and deliver training programme for 2006/7", []),
        ("3 rd party reporting scheme", []),
        ("£900 0 p.a", []),
        ("SN Gold Plan Activity No.104", []),
        ("stickers for 11yr olds", []),
        ("12-18 age group seeing problems", []),
        ("Reached 1,200 residents at 15 events", [("people_reached", 1200), ("sessions", 15)]),
    ],
)
def test_counts_found_in_text(text, found):
    assert [(s.kind, s.count) for s in suggest(text)] == found


def test_recorded_counts_are_not_offered_again():
    texts = ["Took place on 96 wards", "Survey on 96 wards; 30 sessions"]
    offered = suggestions_for(texts, {("wards", 96)})
    assert [(s.kind, s.count) for s in offered] == [("sessions", 30)]
    assert "30 sessions" in offered[0].source_text

from __future__ import annotations

import pytest

from plantrack.assessments import kinds


@pytest.mark.parametrize(
    ("text", "kind", "cadence", "days"),
    [
        (
            "Appointment of a SPOC at PCSO/PC/PS level … with minimum Inspector-level oversight;",
            "role",
            "",
            None,
        ),
        (
            "Regular (3-weekly?) reminder slides on MetBats for all officers/staff;",
            "recurring",
            "3-weekly",
            21,
        ),
        ("Ensure minimum monthly contact with the Met-Track team;", "recurring", "monthly", 30),
        (
            "Financial planning to fit size of squad and prompt renewal once existing funding "
            "expires;",
            "funding",
            "",
            None,
        ),
        (
            "Close and regular liaison with YOT, and establishment of a regular line of suitable "
            "referrals;",
            "partner",
            "",
            None,
        ),
        ("Visits to PRU’s and regular input of information / publicity;", "partner", "", None),
        ("Monitoring of local Kickz projects", "partner", "", None),
        ("Ongoing local evaluation, and updating tactics as required;", "recurring", "", None),
        ("Publicity material in front offices;", "plain", "", None),
        ("Quarterly review of the action plan", "recurring", "Quarterly", 91),
        ("Briefings every 2 weeks", "recurring", "every 2 weeks", 14),
    ],
)
def test_kinds_read_from_the_words(text, kind, cadence, days):
    reading = kinds.read(text)
    assert (reading.kind, reading.cadence_text, reading.cadence_days) == (kind, cadence, days)

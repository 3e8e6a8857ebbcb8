from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from plantrack.packs import services
from plantrack.packs.tests.conftest import make_pack

pytestmark = pytest.mark.django_db


def test_writes_a_draft_built_from_today(pw, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    call_command("make_pack", body="yb", period=pw.period, fmt="xlsx", out=str(out))
    assert out.read_bytes().startswith(b"PK")
    assert "draft pack built from today's data" in capsys.readouterr().out


def test_writes_the_published_pack_byte_for_byte(pw, tmp_path):
    pack = services.pack_publish(actor=pw.w.manager, pack=make_pack(pw), allow_missing=True)
    out = tmp_path / "pack.pdf"
    call_command(
        "make_pack",
        body="Youth Board",
        period=pw.period,
        meeting=pw.meeting.date.isoformat(),
        fmt="pdf",
        out=str(out),
    )
    assert out.read_bytes() == services.pack_file(pack, "pdf")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"body": "Nobody"}, "No body called “Nobody”."),
        ({"body": "YB", "period": "Q7"}, "is not a reporting period like 2022/23-Q2"),
        ({"body": "YB", "meeting": "tomorrow"}, "is not a date like"),
        ({"body": "YB", "meeting": "2001-01-01"}, "Youth Board has no meeting on 01 January 2001."),
        ({"body": "YB", "out": "/no/such/folder/x.pdf"}, "does not exist"),
    ],
)
def test_bad_input_is_one_line(pw, tmp_path, options, message):
    options.setdefault("out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError) as exc:
        call_command("make_pack", fmt="pdf", **options)
    assert message in str(exc.value) and "\n" not in str(exc.value)

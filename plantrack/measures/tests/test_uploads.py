"""The readings upload passes the importers' guard: a small file holding a huge number of rows,
or a CSV of enormous lines, is refused in well under a second with one line, saving nothing."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plantrack.imports.tests.test_reader_guard import workbook_of_rows
from plantrack.measures.models import Reading
from plantrack.measures.uploads import read_readings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def million_rows() -> bytes:
    """1.2 million tiny rows in about 80 KB: this took 19 s and 230 MB before it was refused."""
    return workbook_of_rows(1_200_000, numbered=False)


@pytest.fixture(scope="module")
def many_numbered_rows() -> bytes:
    """300,000 rows in about 2 MB, too varied for the zip-bomb check to catch."""
    return workbook_of_rows(300_000, numbered=True)


def _refused(name: str, data: bytes) -> tuple[str, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as failure:
            read_readings(SimpleUploadedFile(name, data))
        return (
            failure.value.messages,
            time.perf_counter() - started,
            tracemalloc.get_traced_memory()[1],
        )
    finally:
        tracemalloc.stop()


def test_a_million_row_workbook_is_refused_fast(million_rows):
    messages, seconds, peak = _refused("readings.xlsx", million_rows)
    assert len(messages) == 1
    assert messages[0].startswith("readings.xlsx is not a normal Office file: one part would")
    assert seconds < 3 and peak < 64 * 1024 * 1024


def test_a_workbook_over_the_row_limit_is_refused_before_it_is_read(many_numbered_rows):
    messages, seconds, peak = _refused("readings.xlsx", many_numbered_rows)
    assert messages == [
        "A sheet (sheet1) in readings.xlsx has more than 5,000 rows; split it into smaller files."
    ]
    assert seconds < 3 and peak < 64 * 1024 * 1024


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"date,value\n2024-01-01," + b"9" * 200_000 + b"\n", "r.csv could not be read as CSV"),
        (b"date,value\n" + b"," * 2_000_000 + b"\n", "r.csv has a line longer than 1.0 MB"),
        (b"date,value\n" + b"\n" * 2_000_000, "The file has more than 50,000 lines"),
        (b"date,value\n" + b"2024-01-01,1\n" * 100_000, "The file has more than 5,000 rows"),
    ],
    ids=["huge field", "huge line", "blank lines", "many rows"],
)
def test_csv_limits(data, message):
    messages, seconds, _ = _refused("r.csv", data)
    assert len(messages) == 1 and messages[0].startswith(message) and "\n" not in messages[0]
    assert seconds < 2


def test_a_sheet_claiming_a_far_row_is_not_padded_out():
    # One value in row 1,048,576 of a sheet declaring A1:XFD1048576: read-only openpyxl
    # would pad every row to 16,384 columns and every gap row up to the last.
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["date", "value"])
    book.active.append(["2024-02-01", 5])
    book.active["XFD1048576"] = "far"
    out = io.BytesIO()
    book.save(out)
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="more than 50,000 lines"):
        read_readings(SimpleUploadedFile("far.xlsx", out.getvalue()))
    assert time.perf_counter() - started < 2


def test_the_upload_page_refuses_the_workbook_and_saves_nothing(
    client, world, measure, million_rows
):
    client.force_login(world.owner)
    url = reverse("measures:readings_upload", args=[measure.pk])
    started = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile("readings.xlsx", million_rows)})
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert "is not a normal Office file" in response.content.decode()
    assert not Reading.objects.exists()


def test_good_uploads_still_read_with_their_row_numbers(world, measure):
    data = b"date,value,note\n\n2024-02-01,5,first\n\n01/03/2024,\xa3 7,\n"
    rows = read_readings(SimpleUploadedFile("r.csv", data))
    assert [(r.row, r.date, r.value, r.note) for r in rows] == [
        (3, "2024-02-01", "5", "first"),
        (5, "01/03/2024", "£ 7", ""),
    ]

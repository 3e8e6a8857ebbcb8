"""The readings upload: rows read from csv and xlsx and saved by the measures service, bad rows
named. It passes the importers' guard: a small file holding a huge number of rows, or a CSV of
enormous lines, is refused in well under a second with one line, saving nothing."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plantrack.imports.readings import read_readings
from plantrack.imports.tests.test_reader_guard import workbook_of_rows
from plantrack.measures import services
from plantrack.measures.models import Reading

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(scope="module")
def million_rows() -> bytes:
    """1.2 million tiny rows in about 80 KB: this took 19 s and 230 MB before it was refused."""
    return workbook_of_rows(1_200_000, numbered=False)


@pytest.fixture(scope="module")
def many_numbered_rows() -> bytes:
    """300,000 rows in about 2 MB, too varied for the zip-bomb check to catch."""
    return workbook_of_rows(300_000, numbered=True)


def _refused(name: str, data: bytes) -> tuple[str, float, int]:
    """The messages, the seconds taken and the peak traced memory. Only memory is asserted:
    a bounded peak shows the file was refused before it was loaded, while a time limit
    failed on a loaded machine (speed is the benchmarks' business, docs/benchmarks.md)."""
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
    messages, _, peak = _refused("readings.xlsx", million_rows)
    assert len(messages) == 1
    assert messages[0].startswith("readings.xlsx is not a normal Office file: one part would")
    assert peak < 64 * 1024 * 1024


def test_a_workbook_over_the_row_limit_is_refused_before_it_is_read(many_numbered_rows):
    messages, _, peak = _refused("readings.xlsx", many_numbered_rows)
    assert messages == [
        "A sheet (sheet1) in readings.xlsx has more than 5,000 rows; split it into smaller files."
    ]
    assert peak < 64 * 1024 * 1024


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
    messages, _, peak = _refused("r.csv", data)
    assert len(messages) == 1 and messages[0].startswith(message) and "\n" not in messages[0]
    assert peak < 64 * 1024 * 1024


def test_a_sheet_claiming_a_far_row_is_not_padded_out():
    # One value in row 1,048,576 of a sheet declaring A1:XFD1048576: read-only openpyxl
    # would pad every row to 16,384 columns and every gap row up to the last.
    book = openpyxl.Workbook()
    book.active.append(["date", "value"])
    book.active.append(["2024-02-01", 5])
    book.active["XFD1048576"] = "far"
    out = io.BytesIO()
    book.save(out)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="more than 50,000 lines"):
            read_readings(SimpleUploadedFile("far.xlsx", out.getvalue()))
        # Padded out, the sheet would be billions of cells.
        assert tracemalloc.get_traced_memory()[1] < 64 * 1024 * 1024
    finally:
        tracemalloc.stop()


def test_the_upload_page_refuses_the_workbook_and_saves_nothing(
    client, world, measure, million_rows
):
    client.force_login(world.owner)
    url = reverse("measures:readings_upload", args=[measure.pk])
    response = client.post(url, {"file": SimpleUploadedFile("readings.xlsx", million_rows)})
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


# --- Bulk readings --------------------------------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")


def test_bulk_upload_csv_all_rows(world, measure):
    rows = read_readings(_csv('Date,Value,Note\n01/02/2024,10,first\n2024-03-01,"1,200",\n'))
    created = services.readings_import(actor=world.owner, measure=measure, rows=rows)
    assert [r.value for r in created] == [10, 1200]
    assert Reading.objects.count() == 2
    assert Reading.history.count() == 2


def test_bulk_upload_xlsx(world, measure):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "value", "note"])
    # An Excel date is a naive date-time: Excel cells have no zone.
    sheet.append([dt.datetime(2024, 2, 1), 12.5, "from Excel"])  # noqa: DTZ001
    sheet.append(["01/03/2024", 20])
    data = io.BytesIO()
    book.save(data)
    rows = read_readings(SimpleUploadedFile("r.xlsx", data.getvalue()))
    created = services.readings_import(actor=world.owner, measure=measure, rows=rows)
    assert [(r.date, r.value) for r in created] == [
        (D(2024, 2, 1), Decimal("12.5")),
        (D(2024, 3, 1), 20),
    ]


def test_bulk_upload_bad_rows_save_nothing_and_name_the_rows(world, measure):
    rows = read_readings(_csv("date,value\n01/02/2024,10\n01/03/2024,lots\nnot a date,5\n"))
    with pytest.raises(ValidationError) as exc:
        services.readings_import(actor=world.owner, measure=measure, rows=rows)
    messages = exc.value.messages
    assert messages[0].startswith("Row 3:") and "not a number" in messages[0]
    assert messages[1].startswith("Row 4:") and "not a date" in messages[1]
    assert all("\n" not in m for m in messages)
    assert not Reading.objects.exists()


def test_bulk_upload_refuses_other_files(world, measure):
    with pytest.raises(ValidationError, match="xlsx"):
        read_readings(SimpleUploadedFile("r.pdf", b"%PDF"))
    with pytest.raises(ValidationError, match="Excel"):
        read_readings(SimpleUploadedFile("r.xlsx", b"not a zip"))
    with pytest.raises(ValidationError, match="no readings"):
        services.readings_import(actor=world.owner, measure=measure, rows=[])

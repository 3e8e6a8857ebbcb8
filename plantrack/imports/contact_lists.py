"""Borough contact lists (seed 002: "make available all current databases from one contact
point"): a spreadsheet, CSV or pasted table of people, read through the one importer
(documents.read_document) into rows for a stakeholder database, saved by
``plantrack.stakeholders.imports.contacts_import``.

The header row is found by its words (the first row, in the first few, naming a person column);
each column's role comes from its header: a name (or first name and surname), email, phone,
organisation, role, address, notes. A row is kept even when its email or phone cannot be right:
it gets a warning and the address or number is kept in its notes, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from plantrack.imports.documents import read_document
from plantrack.imports.tables import Cell, ImportFailed

HEADER_SEARCH_ROWS = 5
MAX_ROWS = 20_000
# Header words → the field a column holds, most specific first.
COLUMNS: list[tuple[str, str]] = [
    (r"\b(first|fore|given) ?names?\b|\bforename\b", "first_name"),
    (r"\b(sur|last|family) ?names?\b", "surname"),
    (r"e-?mail", "email"),
    (r"\b(phone|tel|telephone|mobile|mob|contact (no|number))\b", "phone"),
    (
        r"\b(organi[sz]ation|group|association|company|school|employer|agency|body)\b",
        "organisation",
    ),
    (r"\b(role|position|post|job|capacity)\b", "role"),
    (r"\b(address|postcode|post code)\b", "address"),
    (r"\b(notes?|comments?|remarks?)\b", "notes"),
    (r"\b(full name|name|contact|person)\b", "name"),
]
FIELDS = ("name", "email", "phone", "organisation", "role", "address", "notes")


@dataclass
class ContactRow:
    """One person as the list gives them, with what is wrong with the row."""

    row: int
    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""
    role: str = ""
    address: str = ""
    notes: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ContactRow:
        return cls(**data)


def _column_roles(header: list[Cell]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, cell in enumerate(header):
        text = " ".join(cell.text.lower().split())
        for pattern, role in COLUMNS:
            if text and re.search(pattern, text) and role not in roles.values():
                roles[index] = role
                break
    return roles


def _is_header(roles: dict[int, str]) -> bool:
    named = set(roles.values())
    return ("name" in named or {"first_name", "surname"} <= named) and len(named) >= 2


def _phone_ok(phone: str) -> bool:
    digits = re.sub(r"\D", "", phone)
    return 7 <= len(digits) <= 15 and not re.search(r"[a-zA-Z]", phone.replace("ext", ""))


def _checked(row: ContactRow) -> ContactRow:
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.warnings.append(f"“{row.email}” is not a valid email address: kept in the notes")
            row.notes = "; ".join(filter(None, [row.notes, f"Email as listed: {row.email}"]))
            row.email = ""
    if row.phone and not _phone_ok(row.phone):
        row.warnings.append(f"“{row.phone}” does not look like a phone number: check it")
    if not row.email and not row.phone and not row.address:
        row.warnings.append("No email, phone or address: they cannot be contacted")
    return row


def _row(number: int, cells: list[Cell], roles: dict[int, str]) -> ContactRow | None:
    values: dict[str, str] = {}
    for index, role in roles.items():
        if index < len(cells):
            values[role] = " ".join(cells[index].text.split())
    first, surname = values.pop("first_name", ""), values.pop("surname", "")
    name = values.get("name") or " ".join(filter(None, [first, surname]))
    if not any(values.values()) and not name:
        return None
    row = ContactRow(number, name[:200])
    for key, value in _fields(values, "name").items():
        setattr(row, key, value)
    if not name:
        row.warnings.append("No name: the row is left out")
        return row
    return _checked(row)


def _fields(values: dict[str, str], *leave: str) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in FIELDS and k not in leave}


def read_contact_list(name: str, data: bytes, *, is_text: bool = False) -> list[ContactRow]:
    """The people of a list. ValidationError with one line when no list of people is found."""
    try:
        document = read_document(name, data, is_text=is_text)
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from exc
    for table in document.tables:
        for start, header in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
            roles = _column_roles(header)
            if not _is_header(roles):
                continue
            rows = []
            for offset, cells in enumerate(table.rows[start + 1 :], start=start + 2):
                found = _row(offset, cells, roles)
                if found is not None:
                    rows.append(found)
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"The list has more than {MAX_ROWS:,} people: split it up.")
            if rows:
                return rows
    raise ValidationError(
        f"No list of people was found in {name}: it needs a header row naming at least a name "
        "column and one of email, phone, organisation or role."
    )

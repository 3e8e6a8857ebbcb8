"""Amounts of money as people write them, read one way by every form and importer.

"13650", "£13,650", "13,650.00", "1,500.50", "(500)" (negative), "-" or "nil" (zero),
"£2k". Budgets, spend and funding forms, and the budget importer, all read through
``parse_amount``; a reading of a measure takes any number through ``measures.parse_value``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_ZERO_WORDS = {"-", "–", "—", "nil", "none", "zero", "£0", "£-", "£ -"}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")


def parse_amount(text: str) -> Decimal | None:
    """ "13650", "£13,650", "13,650.00", "(500)" (negative), "-" or "nil" (zero), "£2k".

    None for a blank cell; ValueError for text that is not an amount.
    """
    value = (text or "").strip().rstrip("*").strip()
    if not value:
        return None
    if value.lower() in _ZERO_WORDS:
        return Decimal(0)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    if value[:1] in "-−–":
        negative, value = True, value[1:].strip()
    value = value.replace("£", "").replace(",", "").replace(" ", "").removeprefix("GBP")
    multiplier = Decimal(1)
    if value[-1:].lower() == "k":
        multiplier, value = Decimal(1000), value[:-1]
    if not _NUMBER.match(value) or len(value) > 20:
        raise ValueError(f"“{text.strip()}” is not an amount")
    try:
        amount = Decimal(value) * multiplier
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not an amount") from None
    return -amount if negative else amount

"""The evaluation of an engagement register (issue 12, point 5): for an area, a business group
and a period (a financial year or one of its quarters), how much was done (quantity), where,
how and with whom (spread), how well (quality, ``engagement/quality.py``) and what changed in
the measures of the plan actions the activities deliver (benefits).

``selectors.evaluate`` reads it all in a fixed number of queries; ``charts`` draws it; the
register's evaluation page (``engagement.views.register_evaluate``) and the board packs'
optional engagement section (``packs/engagement.py``) show it. The rules are written out in
``selectors``' docstring and shown on the page."""

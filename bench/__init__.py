"""PlanTrack's benchmark: a national-scale dataset served by gunicorn, measured with wrk.

Run it with ``make bench`` or ``.venv/bin/python -m bench --help``. See docs/benchmarks.md.
"""

"""Search keeps no tables of its own beyond the full-text indexes (fts.py). This module exists
so that Django sends this app its post_migrate signal (apps.py), which it sends only to apps
with a models module."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
application = get_wsgi_application()

# The objects made while starting (Django, the apps, the models: most of the heap) stay for
# the process's life: moved out of the collector's sight, a full collection no longer walks
# them. The cold heat map of 40 × 50 in-process: p95 332 ms with them walked, 197 ms frozen;
# under gunicorn in one benchmark run, alternating, p95 313/332 ms without, 267/304 ms with
# (docs/benchmarks.md).
gc.collect()
gc.freeze()

"""Garbage-collector settings for a serving process (not for tests, which build many apps).

Once the app has started, the tens of thousands of objects it made at import and start-up (FastAPI
routes, pydantic schemas, SQLAlchemy metadata and caches, the Gemini SDK) live as long as the
process. CPython's cycle collector would still walk them on every full collection, tens of
milliseconds of a paused event loop: a tail-latency spike for whichever requests were in flight.
`gc.freeze()` moves them to a permanent generation the collector never scans. The youngest
generation's threshold is raised as well, because a request allocates a few thousand containers
(rows, dicts, models), nearly all freed by reference counting when it ends: with the default of
700 the collector ran several times per request to find almost nothing.
"""

from __future__ import annotations

import gc

# Allocations minus deallocations of container objects between young-generation collections.
YOUNG_GENERATION_THRESHOLD = 20_000


def tune_for_serving() -> None:
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)

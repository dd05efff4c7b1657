"""The clock the analytics routes read, as a dependency so tests can pin it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends


def current_time() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Now = Annotated[dt.datetime, Depends(current_time)]

"""A clock that starts at a given instant and then runs with the wall clock.

`cadreflow scheduler --clock-start` uses it so a test can run real scheduler processes in the
simulated time of its data (e.g. three working days after the requests were submitted).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from workflows.clock import require_aware


class OffsetClock:
    def __init__(self, start: datetime) -> None:
        self._start = require_aware(start)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)

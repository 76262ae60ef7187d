"""Serializer converter of our duration and cycle timers: the stock one forgets `day_count`.

A full dump (spec included) restored through the stock TimerConditionalEventDefinitionConverter
would rebuild every timer as a working-day timer; this converter writes the day count and reads
it back (dumps written before the property existed restore as `working`, the old behaviour).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter


class DayCountTimerConverter(TimerConditionalEventDefinitionConverter):
    def to_dict(self, event_definition: Any) -> dict[str, Any]:
        dct = super().to_dict(event_definition)
        dct["day_count"] = event_definition.day_count
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        dct = dict(dct)
        dct.setdefault("day_count", "working")
        return super().from_dict(dct)

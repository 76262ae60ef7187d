"""Jinja filters: local times and Chinese names of the English codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g
from markupsafe import Markup, escape

from service.config import get_settings
from service.core.clock import now
from service.core.labels import (
    ASSESSMENT_GRADE_NAMES,
    DECISION_NAMES,
    EMPLOYMENT_NAMES,
    NOTIFICATION_KIND_NAMES,
    PARTY_NAMES,
    POSTING_ROLE_NAMES,
    PRESENCE_STATUS_NAMES,
    PROCESS_NAMES,
    ROLE_NAMES,
    STATUS_NAMES,
    VILLAGE_CATEGORY_NAMES,
)
from service.queries.deadlines import deadline, display_calendar
from workflows.rules import REASONS


def local_time(value: datetime | date | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times are stored in UTC; people in the county read Beijing time."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(get_settings().tz)
        return value.strftime(fmt)
    return value.isoformat()


def deadline_html(due_at: datetime | None) -> Markup:
    """A deadline in working days, coloured as it nears ("剩余 3 个工作日（12月14日）"), with the
    exact Beijing time on hover and a note when a year counts weekends only."""
    if "display_calendar" not in g:  # one calendar per request, however many deadlines
        g.display_calendar = display_calendar()
    view = deadline(due_at, now(), g.display_calendar)
    if view is None:
        return Markup('<span class="deadline">无期限</span>')
    html = (f'<span class="deadline deadline-{view.level}" title="{escape(view.exact)}">'
            f"{escape(view.text)}</span>")
    if view.note:
        html += f'<small class="calendar-note">{escape(view.note)}</small>'
    return Markup(html)


def _label(names: dict[str, str]) -> Any:
    def lookup(code: Any) -> str:
        return names.get(code, code) if code is not None else ""

    return lookup


def install(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time,
        deadline=deadline_html,
        decision_name=_label(DECISION_NAMES),
        process_name=_label(PROCESS_NAMES),
        status_name=_label(STATUS_NAMES),
        role_name=_label(ROLE_NAMES),
        posting_role_name=_label(POSTING_ROLE_NAMES),
        category_name=_label(VILLAGE_CATEGORY_NAMES),
        reason_name=_label(REASONS),
        party_name=_label(PARTY_NAMES),
        employment_name=_label(EMPLOYMENT_NAMES),
        notification_kind_name=_label(NOTIFICATION_KIND_NAMES),
        presence_status_name=_label(PRESENCE_STATUS_NAMES),
        grade_name=_label(ASSESSMENT_GRADE_NAMES),
    )

"""待办 (open tasks), 已办 (done tasks) and 提醒 (notifications)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands.calendar import uncovered_years
from service.commands.notifications import mark_read
from service.core.clock import now
from service.core.labels import PROCESS_NAMES
from service.core.principal import Principal
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import current_principal, login_required, require_principal
from service.persistence.db import db
from service.persistence.models import Notification
from service.persistence.runtime import get_engine
from service.queries.inbox import MAX_SEARCH, SORTS, InboxFilters, inbox_places, narrow, normal_due
from service.queries.tasks import done_tasks_query, open_tasks_query
from service.queries.views import task_items

# The page's choices of "due within N working days" (another N in the address is offered too).
DUE_DAYS = (0, 1, 3, 5, 10)


def _inbox_filters(townships: dict[str, str], units: dict[str, str]) -> InboxFilters:
    """The filters of the query string; a value no list offers is ignored (the page shows all)."""
    raw = {k: request.args.get(k, "").strip()
           for k in ("q", "process", "township_id", "unit_id", "due", "sort")}
    return InboxFilters(
        q=raw["q"][:MAX_SEARCH], process=raw["process"] if raw["process"] in PROCESS_NAMES else "",
        township_id=raw["township_id"] if raw["township_id"] in townships else "",
        unit_id=raw["unit_id"] if raw["unit_id"] in units else "",
        due=normal_due(raw["due"]) or "", sort=raw["sort"] if raw["sort"] in SORTS else "due")


@bp.get("/inbox")
@login_required
def inbox() -> str:
    principal = require_principal()
    at = now()
    townships, units = inbox_places(principal)
    filters = _inbox_filters(townships, units)
    page = paginate(narrow(open_tasks_query(principal), filters, at), page_arg(), PER_PAGE)
    items = task_items(page["items"])
    for item in items:
        item["overdue"] = item["due_at"] is not None and item["due_at"] <= at
    due_days = sorted({*DUE_DAYS, *([int(filters.due)] if filters.due.isdigit() else [])})
    return render_template("web/inbox.html", items=items, total=page["total"], page=page["page"],
                           pages=page_count(page["total"], PER_PAGE), filters=filters,
                           processes=PROCESS_NAMES, townships=townships, units=units, due_days=due_days,
                           sorts=SORTS, max_search=MAX_SEARCH)


@bp.get("/done")
@login_required
def done() -> str:
    page = paginate(done_tasks_query(require_principal()), page_arg(), PER_PAGE)
    return render_template("web/done.html", items=task_items(page["items"]), total=page["total"],
                           page=page["page"], pages=page_count(page["total"]))


@bp.get("/notifications")
@login_required
def notifications() -> str:
    principal = require_principal()
    stmt = (sa.select(Notification).where(Notification.login == principal.login)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id))
    page = paginate(stmt, page_arg(), PER_PAGE)
    return render_template("web/notifications.html", items=page["items"], total=page["total"],
                           page=page["page"], pages=page_count(page["total"]))


@bp.post("/notifications/read")
@login_required
def read_notifications() -> Response:
    # One id marks one reminder read; no id ("全部标为已读") marks all of the user's unread ones.
    principal = require_principal()
    raw = request.form.getlist("id")
    if raw:
        ids = [int(i) for i in raw if i.isdigit()]
    else:
        ids = list(db.session.execute(sa.select(Notification.id).where(
            Notification.login == principal.login, Notification.read_at.is_(None))).scalars())
    for notification_id in ids:
        mark_read(principal, notification_id)
    flash(f"已将 {len(ids)} 条提醒标为已读。", "ok")
    return redirect(url_for("web.notifications"))


def unread_count(login: str) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.login == login, Notification.read_at.is_(None))).scalar_one()


def uncovered_calendar_years(principal: Principal | None) -> list[int]:
    """For administrators (who enter the holiday calendar): the years deadlines count weekends
    only in, as /api/v1/health reports them; nobody else can act on it."""
    if principal is None or not principal.has_role("admin"):
        return []
    return uncovered_years(now(), get_engine().calendar)


@bp.context_processor
def navigation() -> dict[str, object]:
    """Who is signed in, how many reminders are unread, and the administrators' calendar banner,
    for the top bar of every page."""
    principal = current_principal()
    return {"me": principal, "unread": unread_count(principal.login) if principal else 0,
            "uncovered_years": uncovered_calendar_years(principal)}

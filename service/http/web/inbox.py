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
from service.persistence.models import HumanTask, Notification, ProcessInstance
from service.persistence.runtime import get_engine
from service.queries.tasks import done_tasks_query, open_tasks_query
from service.queries.views import task_items


@bp.get("/inbox")
@login_required
def inbox() -> str:
    principal = require_principal()
    process = request.args.get("process", "")
    overdue_only = request.args.get("overdue") == "1"
    at = now()
    stmt = open_tasks_query(principal)
    if process in PROCESS_NAMES:
        stmt = stmt.where(HumanTask.instance_id.in_(
            sa.select(ProcessInstance.id).where(ProcessInstance.process_key == process)))
    if overdue_only:
        stmt = stmt.where(HumanTask.due_at.is_not(None), HumanTask.due_at < at)
    page = paginate(stmt, page_arg(), PER_PAGE)
    items = task_items(page["items"])
    for item in items:
        item["overdue"] = item["due_at"] is not None and item["due_at"] < at
    return render_template("web/inbox.html", items=items, total=page["total"], page=page["page"],
                           pages=page_count(page["total"]), process=process, overdue=overdue_only,
                           processes=PROCESS_NAMES)


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

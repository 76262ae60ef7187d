"""Nothing a person reads carries an English key, a UTC time or a rule code: after a walk through
a replacement, its handover and a recall (with reminders fired), every page each demo user can
reach by following links is scanned, and so is every notification."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from page_client import Browser
from step_walk import RECALL, REPLACEMENT, STEPS, fill

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, Notification, ProcessInstance, User

# submitted on 2026-12-01 taking effect on 12-03, when the township decides (a resubmission must not
# carry a past date) and the arrival is recorded
DATES = {"ARRIVAL": "2026-12-03", "EFFECTIVE": "2027-01-04"}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
UTC_TIME = re.compile(r"T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:\+00:00|Z)\b")
LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
LOGINS = ("hr_edu", "tw_qingshan", "county", "orgdept", "rrb", "auditor", "admin", "cadre_zhangwei",
          "cadre_sunhao", "cadre_wangqiang", "hr_power")
# Not pages for reading: downloads, the API and its documentation (for programmers), the sign-out.
# /users: account administration shows each account's login, which is what its holder types to
# sign in (cadre_sunhao), not an English key. /processes and /modeller: process administration
# shows each element's id beside its name, as the BPMN file and the modeller name it.
SKIP = re.compile(r"^/(api|static|logout|users|processes|modeller)|\.(xlsx|csv|svg|bpmn|pdf)$"
                  r"|/export|/diagram")
MAX_PAGES = 120


class Text(HTMLParser):
    """The text a person sees: character data outside script and style, and the title/placeholder
    attributes a pointer or an empty field shows."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "placeholder", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def problems(text: str) -> list[str]:
    return SNAKE.findall(text) + UTC_TIME.findall(text)


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def walk(app: Any, clock: Any) -> None:
    with app.app_context():
        commands.submit_adjustment(who("hr_edu"), {**REPLACEMENT, "effective_date": date(2026, 12, 3)})
        commands.open_recall(who("orgdept"), RECALL)
    for step in STEPS:
        clock.advance(days=2 if step.spec_id == "township_consent" else 0, minutes=30)
        with app.app_context():
            for iid in db.session.execute(sa.select(ProcessInstance.id).where(
                    ProcessInstance.status == "running")).scalars().all():
                commands.fire_due_timers(iid, clock.now())  # reminders and escalations reach people
            process = {"replacement": "mid_term_replacement"}.get(step.case, step.case)
            task = db.session.execute(sa.select(HumanTask).join(
                ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
                ProcessInstance.process_key == process, HumanTask.status == "open",
                HumanTask.spec_id == step.spec_id)).scalar_one()
            commands.complete_task(who(step.login), task.id, step.decision, step.comment,
                                   fill(step.data, DATES))


def test_pages_and_notifications_read_in_plain_words(app: Any, clock: Any) -> None:
    walk(app, clock)
    found: dict[str, list[str]] = {}
    with app.app_context():
        messages = list(db.session.execute(sa.select(Notification.message)).scalars())
    reminders = [m for m in messages if m.startswith("【催办】")]
    assert reminders and all(m.startswith("【催办】「") and "（北京时间）" in m for m in reminders), reminders
    for message in messages:
        if problems(message):
            found[f"notification: {message}"] = problems(message)
    pages = 0
    for login in LOGINS:
        user = Browser(app, login)
        queue, seen = ["/inbox"], set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            if path in seen or SKIP.search(path):
                continue
            seen.add(path)
            response = user.client.get(path)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            html = response.get_data(as_text=True)
            bad = problems(visible_text(html))
            if bad:
                found[f"{login} {path}"] = sorted(set(bad))
            queue += [p for p in LINK.findall(html) if p not in seen]
        pages += len(seen)
    assert pages > 60  # the crawl did reach the cases' pages
    assert not found, "\n".join(f"{where}: {bad}" for where, bad in found.items())

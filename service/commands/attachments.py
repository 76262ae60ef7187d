"""Attachments (附件): upload a file, then let the step that carries it submit it.

An upload is checked (type by content, size, name), its bytes kept once by SHA-256, and a pending
row written that only its uploader sees. The request that opens a case, or the completion of a
task that carries files (core/attachments.py), names pending uploads by id, or brings new files
of its own (the pages' forms): in the same transaction as that step, each file becomes an entry of
the case's data `attachments` ({id, name, sha256, size, content_type, step, version}), handed to
the engine as trusted data, so the step's history event names it and the audit replay covers it.
The rows are then bound to that event. A file is never replaced: a file of the same name submitted
later is the next version, and both stay listed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.attachments import FILES_PER_STEP, START, carries_attachments
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.file_types import CheckedFile, check_file
from service.core.principal import Principal
from service.persistence.attachment_store import ATTACHMENTS, put_blob
from service.persistence.db import db
from service.persistence.models import Attachment, HumanTask
from service.queries.access import may_act
from service.queries.instances import visible_instance

FIELD = "attachments"


@dataclass(frozen=True)
class NewFile:
    """A file as it arrived: the name the person's computer gave it, and its bytes."""

    name: str | None
    content: bytes


def check_new_files(files: Sequence[NewFile], field: str = FIELD) -> list[CheckedFile]:
    """Every file checked (type by content, size, name); all refusals at once, naming `field`."""
    max_bytes = get_settings().attachment_max_bytes
    checked, problems = [], []
    for file in files:
        try:
            checked.append(check_file(file.name, file.content, max_bytes))
        except ValueError as err:
            problems.append(str(err))
    if problems:
        raise ValidationFailed("；".join(problems), errors={field: problems})
    return checked


def _store(actor: Principal, file: CheckedFile, at: datetime, instance_id: str | None) -> Attachment:
    row = Attachment(id=str(uuid.uuid4()), sha256=put_blob(file.content, at), name=file.name,
                     kind=file.kind.key, content_type=file.kind.content_type, size=file.size,
                     uploaded_by=actor.login, uploaded_at=at, instance_id=instance_id)
    db.session.add(row)
    return row


def _require_attaching_task(actor: Principal, instance_id: str) -> None:
    """The caller sees the case (404 otherwise) and holds one of its open tasks that carries files."""
    row = visible_instance(actor, instance_id)
    tasks = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == row.id, HumanTask.status == "open")).scalars()
    if not any(carries_attachments(row.process_key, t.spec_id) and may_act(actor, t) for t in tasks):
        raise Forbidden("您在该案件中没有可以附带附件的待办环节。")


def upload_attachment(actor: Principal, file: NewFile, instance_id: str | None = None,
                      field: str = "file") -> Attachment:
    """Keep one file as a pending upload of `actor` (for a case's open step, or for a request
    not yet filed when `instance_id` is None)."""
    at = now()
    [checked] = check_new_files([file], field)
    with unit_of_work():
        if instance_id is not None:
            _require_attaching_task(actor, instance_id)
        row = _store(actor, checked, at, instance_id)
    return row


def collect(actor: Principal, ids: Sequence[str], files: Sequence[CheckedFile], *, instance_id: str | None,
            at: datetime, field: str = FIELD) -> list[Attachment]:
    """Inside a command's unit of work: the pending uploads named by `ids` (the caller's own, not
    yet submitted, for this case or for none) and the new `files` stored now, in that order."""
    if len(ids) + len(files) > FILES_PER_STEP:
        message = f"一次最多附带 {FILES_PER_STEP} 个文件，现为 {len(ids) + len(files)} 个。"
        raise ValidationFailed(message, errors={field: [message]})
    if len(set(ids)) != len(ids):
        message = "同一个附件不能重复提交。"
        raise ValidationFailed(message, errors={field: [message]})
    found = {r.id: r for r in db.session.execute(sa.select(Attachment).where(
        Attachment.id.in_(list(ids)))).scalars()} if ids else {}
    errors: dict[str, list[str]] = {}
    for index, attachment_id in enumerate(ids):
        row = found.get(attachment_id)
        if (row is None or row.uploaded_by != actor.login or row.event_seq is not None
                or row.instance_id not in (None, instance_id)):
            errors[f"{field}[{index}]"] = [f"附件 {attachment_id} 不存在，或不是您上传的待提交文件。"]
    if errors:
        messages = [m for ms in errors.values() for m in ms]
        raise ValidationFailed("附件无效：" + "；".join(messages), errors=errors)
    return [found[i] for i in ids] + [_store(actor, f, at, instance_id) for f in files]


def entries(rows: Sequence[Attachment], existing: Sequence[dict[str, Any]],
            step: str) -> list[dict[str, Any]]:
    """The data entries of `rows` submitted by `step`, versioned by name after the case's
    `existing` entries (a name submitted before: the next version, the earlier one kept)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        version = 1 + sum(1 for e in [*existing, *out] if e.get("name") == row.name)
        out.append({"id": row.id, "name": row.name, "sha256": row.sha256, "size": row.size,
                    "content_type": row.content_type, "step": step, "version": version})
    return out


def require_step(process_key: str, step: str, step_name: str, field: str = FIELD) -> None:
    if not carries_attachments(process_key, step):
        message = f"「{step_name}」环节不能附带附件。"
        raise ValidationFailed(message, errors={field: [message]})


@dataclass
class Enclosed:
    """The files a step carries: their rows and the data entries the step's event names."""

    rows: list[Attachment]
    entries: list[dict[str, Any]]

    def bind(self, *, instance_id: str, task_id: str | None, event_seq: int, at: datetime) -> None:
        """Record on each row the event that submitted it (the rows are never changed again).

        Only a row still pending is bound: two steps naming the same upload at once both read it
        pending, and the second one's update then finds nothing to bind (409)."""
        db.session.flush()  # the new files' rows are written before they are bound
        for position, (row, entry) in enumerate(zip(self.rows, self.entries, strict=True)):
            values = {"instance_id": instance_id, "step": entry["step"], "task_id": task_id,
                      "event_seq": event_seq, "position": position, "version": entry["version"],
                      "submitted_at": at}
            bound = db.session.connection().execute(sa.update(ATTACHMENTS).where(
                ATTACHMENTS.c.id == row.id, ATTACHMENTS.c.event_seq.is_(None)).values(values))
            if bound.rowcount != 1:
                raise Conflict(f"附件「{row.name}」已由其他环节提交，请刷新后重试。",
                               slug="attachment-submitted")
            for name, value in values.items():  # the loaded row as now stored (no second update)
                set_committed_value(row, name, value)


def enclose_at_start(actor: Principal, ids: Sequence[str], files: Sequence[CheckedFile],
                     data: dict[str, Any], at: datetime) -> Enclosed:
    """The files of a request that opens a case, added to its start `data`. Bind them to the
    start event (seq 1) once the instance exists."""
    rows = collect(actor, ids, files, instance_id=None, at=at)
    enclosed = Enclosed(rows, entries(rows, [], START))
    if enclosed.entries:
        data["attachments"] = enclosed.entries
    return enclosed


def case_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's submitted files as its data lists them."""
    return [dict(e) for e in data.get("attachments") or [] if isinstance(e, dict)]


def enclose_at_task(actor: Principal, ids: Sequence[str], files: Sequence[CheckedFile], task: HumanTask,
                    process_key: str, data: dict[str, Any], at: datetime) -> Enclosed | None:
    """The files a task's completion carries (None: it carries none). The case's list in its
    data grows by them: `existing + entries` is what the engine is handed."""
    if not ids and not files:
        return None
    require_step(process_key, task.spec_id, task.name)
    rows = collect(actor, ids, files, instance_id=task.instance_id, at=at)
    return Enclosed(rows, entries(rows, case_entries(data), task.spec_id))

"""Attachment reads shared by the API and the pages: a case's files, one file to download, the
files each history event submitted. Access is queries/access.py's: what a caller may not see is 404."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from service.core.attachments import START, START_NAMES
from service.core.errors import NotFound
from service.core.file_types import KINDS, size_text
from service.core.principal import Principal
from service.persistence.attachment_store import read_blob
from service.persistence.db import db
from service.persistence.models import Attachment, HumanTask, ProcessInstance, User
from service.queries.access import attachment_clause, can_see_attachment

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SHORT_HASH = 12  # characters of the hash a list shows; the full one is on the download and in the API


def _names(rows: Iterable[Attachment]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(display names by login, task names by task id, process keys by instance id) for `rows`."""
    rows = list(rows)
    logins = {r.uploaded_by for r in rows}
    tasks = {r.task_id for r in rows if r.task_id}
    cases = {r.instance_id for r in rows if r.instance_id}
    users = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_(logins))).all()) if logins else {}
    task_names = dict(db.session.execute(sa.select(HumanTask.id, HumanTask.name).where(
        HumanTask.id.in_(tasks))).all()) if tasks else {}
    keys = dict(db.session.execute(sa.select(ProcessInstance.id, ProcessInstance.process_key).where(
        ProcessInstance.id.in_(cases))).all()) if cases else {}
    return users, task_names, keys


def attachment_items(rows: Iterable[Attachment]) -> list[dict[str, Any]]:
    """What the API answers and the pages show for each file."""
    rows = list(rows)
    users, task_names, keys = _names(rows)
    out = []
    for r in rows:
        step_name: str | None = None
        if r.step == START:
            step_name = START_NAMES.get(keys.get(r.instance_id or "", ""), "提出申请")
        elif r.task_id:
            step_name = task_names.get(r.task_id)
        kind = KINDS.get(r.kind)
        out.append({
            "id": r.id, "name": r.name, "kind": r.kind, "kind_name": kind.label if kind else r.kind,
            "content_type": r.content_type, "size": r.size, "size_text": size_text(r.size),
            "sha256": r.sha256, "sha256_short": r.sha256[:SHORT_HASH],
            "uploaded_by": r.uploaded_by, "uploaded_by_name": users.get(r.uploaded_by, r.uploaded_by),
            "uploaded_at": r.uploaded_at, "instance_id": r.instance_id,
            "status": "pending" if r.event_seq is None else "submitted",
            "step": r.step, "step_name": step_name, "task_id": r.task_id, "event_seq": r.event_seq,
            "version": r.version, "submitted_at": r.submitted_at,
        })
    return out


def case_attachments_query(instance_id: str) -> sa.Select:
    """The files submitted in a case, in the order their steps submitted them (every version)."""
    return (sa.select(Attachment)
            .where(Attachment.instance_id == instance_id, Attachment.event_seq.is_not(None))
            .order_by(Attachment.event_seq, Attachment.position))


def case_attachments(instance_id: str) -> list[dict[str, Any]]:
    return attachment_items(db.session.execute(case_attachments_query(instance_id)).scalars().all())


def visible_attachment(principal: Principal, ref: str) -> Attachment:
    """The file named by its id, or by its SHA-256 (hex) as any case the caller sees carries it;
    404 when there is none the caller may see (its existence is not revealed)."""
    missing = NotFound(f"附件 {ref} 不存在或无权查看。")
    if SHA256_HEX.fullmatch(ref):
        # a submitted row first: its name is the one the case knows the file by
        stmt = (sa.select(Attachment).where(Attachment.sha256 == ref, attachment_clause(principal))
                .order_by(Attachment.event_seq.is_(None), Attachment.uploaded_at, Attachment.id).limit(1))
        row = db.session.execute(stmt).scalar_one_or_none()
        if row is None:
            raise missing
        return row
    row = db.session.get(Attachment, ref)
    if row is None:
        raise missing
    case = db.session.get(ProcessInstance, row.instance_id) if row.instance_id else None
    if not can_see_attachment(principal, row, case):
        raise missing
    return row


def attachment_content(row: Attachment) -> bytes:
    content = read_blob(row.sha256)
    if content is None:  # the foreign key keeps the blob; only a hand-edited database lacks it
        raise NotFound(f"附件 {row.id} 的内容不存在。")
    return content


def event_attachments(instance_ids: Iterable[str]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The files each history event submitted, by (instance id, seq)."""
    ids = sorted(set(instance_ids))
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Attachment).where(
        Attachment.instance_id.in_(ids), Attachment.event_seq.is_not(None))
        .order_by(Attachment.event_seq, Attachment.position)).scalars().all()
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row, item in zip(rows, attachment_items(rows), strict=True):
        assert row.instance_id is not None and row.event_seq is not None
        out.setdefault((row.instance_id, row.event_seq), []).append(item)
    return out

"""The files of an instance against its history: each submitted file is the one its event names.

A step's history event names every file of the case in its inputs (the start data, or a task's
trusted data: {id, name, sha256, size ...}), so the chain check and the replay already vouch for
those names and hashes. What is left to check is the stored side: every submitted attachment row
is named by the event it says submitted it, with the same name, size and hash; every file an event
names has its row; and the stored bytes still hash to that SHA-256. A file swapped in the database
afterwards is then caught, and the file an auditor downloads is the one that was approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.persistence.attachment_store import digest, read_blob
from service.persistence.db import db
from service.persistence.models import Attachment, HistoryEvent


def named_files(event: HistoryEvent) -> list[dict[str, Any]]:
    """The case's files as `event` names them (start data or a task's trusted data)."""
    inputs = event.inputs or {}
    source = inputs.get("data") if event.kind == "start" else inputs.get("trusted_data")
    files = (source or {}).get("attachments") if isinstance(source, dict) else None
    return [f for f in files or [] if isinstance(f, dict)]


def check_attachments(instance_id: str, events: Sequence[HistoryEvent]) -> tuple[int | None, str | None]:
    """(seq of the first event whose files do not match, why) or (None, None)."""
    rows = db.session.execute(
        sa.select(Attachment).where(Attachment.instance_id == instance_id, Attachment.event_seq.is_not(None))
        .order_by(Attachment.event_seq, Attachment.position)
        .execution_options(populate_existing=True)).scalars().all()  # as stored now, like the events
    by_seq = {e.seq: e for e in events}
    problems: list[tuple[int, str]] = []
    bound = {r.id: r for r in rows}
    for row in rows:
        assert row.event_seq is not None
        event = by_seq.get(row.event_seq)
        entry = next((f for f in named_files(event) if f.get("id") == row.id), None) if event else None
        where = f"附件「{row.name}」与第 {row.event_seq} 条事件"
        if entry is None:
            problems.append((row.event_seq, f"{where}：该事件未记录此附件"))
        elif (entry.get("sha256"), entry.get("name"), entry.get("size")) != (row.sha256, row.name, row.size):
            problems.append((row.event_seq, f"{where}记录的名称、大小或哈希不符"))
        content = read_blob(row.sha256)
        if content is None or digest(content) != row.sha256 or len(content) != row.size:
            problems.append((row.event_seq, f"附件「{row.name}」保存的内容与其 sha256 不符"))
    for event in events:
        for entry in named_files(event):
            if entry.get("id") not in bound:
                name = entry.get("name")
                problems.append((event.seq, f"第 {event.seq} 条事件记录的附件「{name}」没有保存的文件"))
    if not problems:
        return None, None
    seq, detail = min(problems, key=lambda p: p[0])
    return seq, detail

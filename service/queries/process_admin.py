"""Reads of the process administration pages: the deployed definitions with their versions, how
many instances each version has in each status, and a version's instances.

The pages (http/web/processes.py) decide who reads them (administrators and the county leading
group office); these functions only read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.labels import PROCESS_NAMES, STATUS_NAMES
from service.persistence.db import db
from service.persistence.models import INSTANCE_STATUSES, ProcessDefinition, ProcessInstance
from service.queries.holders import display_names

# The statuses the pages count, in the order they show them.
COUNTED_STATUSES = INSTANCE_STATUSES


def _counts(where: Any) -> dict[int, dict[str, int]]:
    """definition id -> {status: instances}, for the versions `where` selects."""
    stmt = (sa.select(ProcessInstance.definition_id, ProcessInstance.status, sa.func.count())
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(where).group_by(ProcessInstance.definition_id, ProcessInstance.status))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for definition_id, status, count in db.session.execute(stmt).all():
        out[definition_id][status] = count
    return out


def _version_rows(where: Any) -> list[ProcessDefinition]:
    """Without the files: a list never needs the XML."""
    return list(db.session.execute(
        sa.select(ProcessDefinition).options(sa.orm.defer(ProcessDefinition.files)).where(where)
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())).scalars())


def _version_item(row: ProcessDefinition, counts: dict[str, int], names: dict[str, str],
                  latest: bool) -> dict[str, Any]:
    return {
        "id": row.id, "key": row.key, "version": row.version, "name": row.name,
        "deployed_at": row.deployed_at, "deployed_by": row.deployed_by,
        "deployed_by_name": names.get(row.deployed_by or "", row.deployed_by or "系统"),
        "content_hash": row.content_hash, "counts": counts, "total": sum(counts.values()),
        "latest": latest,
    }


def definitions_overview() -> list[dict[str, Any]]:
    """One entry per process key: its latest version and the instance counts over all versions."""
    rows = _version_rows(sa.true())
    counts = _counts(sa.true())
    names = display_names(sorted({r.deployed_by for r in rows if r.deployed_by}))
    by_key: dict[str, list[ProcessDefinition]] = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    out = []
    for key, versions in sorted(by_key.items()):
        total: dict[str, int] = defaultdict(int)
        for row in versions:
            for status, count in counts.get(row.id, {}).items():
                total[status] += count
        latest = _version_item(versions[0], counts.get(versions[0].id, {}), names, True)
        out.append({"key": key, "name": versions[0].name, "label": PROCESS_NAMES.get(key, versions[0].name),
                    "versions": len(versions), "latest": latest, "counts": dict(total),
                    "total": sum(total.values())})
    return out


def definition_versions(key: str) -> list[dict[str, Any]]:
    """Every version of `key`, newest first, with its instance counts; 404 for an unknown key."""
    rows = _version_rows(ProcessDefinition.key == key)
    if not rows:
        raise NotFound(f"流程 {key} 尚未部署。")
    counts = _counts(ProcessDefinition.key == key)
    names = display_names(sorted({r.deployed_by for r in rows if r.deployed_by}))
    return [_version_item(row, counts.get(row.id, {}), names, i == 0) for i, row in enumerate(rows)]


def definition_version(key: str, version: int) -> ProcessDefinition:
    row = db.session.execute(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"流程 {key} 没有第 {version} 版。")
    return row


def latest_version(key: str) -> ProcessDefinition:
    row = db.session.execute(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                             .order_by(ProcessDefinition.version.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"流程 {key} 尚未部署。")
    return row


def deploy_outcome(row: ProcessDefinition, created: bool) -> str:
    """What a deploy did, in the words the pages flash: a new version, or the one it matched."""
    if created:
        return f"已部署「{row.name}」第 {row.version} 版，新发起的案件将使用此版本。"
    latest = latest_version(row.key).version
    if latest == row.version:
        return f"内容与「{row.name}」第 {row.version} 版相同，未新建版本。"
    return (f"内容与「{row.name}」第 {row.version} 版相同，未新建版本；最新版本仍为第 {latest} 版，"
            f"新发起的案件仍使用第 {latest} 版。")


def instances_statement(key: str, version: int | None = None, status: str | None = None) -> sa.Select:
    """The instances of `key` (of one version, in one status), newest first, without their state."""
    stmt = (sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
            .where(ProcessInstance.process_key == key)
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id))
    if version is not None:
        stmt = stmt.join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id).where(
            ProcessDefinition.version == version)
    if status is not None:
        stmt = stmt.where(ProcessInstance.status == status)
    return stmt


def status_names() -> list[tuple[str, str]]:
    return [(status, STATUS_NAMES[status]) for status in COUNTED_STATUSES]

"""one open case per cadre: a partial unique index on running replacements and recalls

Revision ID: 0007_one_open_case
Revises: 0006_calendar_pins
Create Date: 2026-12-08

POST /adjustments and POST /recalls refuse a second running case of the same cadre, but they
check before they write, so requests arriving together all passed the check (20 parallel requests
made 3-4 running replacements). The unique index on (process_key, cadre_id) over the running
mid_term_replacement and recall rows makes the database refuse the second one; SQLite and
PostgreSQL both build partial indexes.

A database that already holds duplicates is refused, with the instances listed, and nothing is
changed: closing a case without a history event would break its audit replay, and which of two
requests is the one to keep is for people to say. Close the extra ones the audited way (the
submitter withdraws, an approver rejects), then run the upgrade again.
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0007_one_open_case"
down_revision = "0006_calendar_pins"
branch_labels = None
depends_on = None

INDEX = "uq_process_instances_one_open_case"
PROCESSES = ("mid_term_replacement", "recall")
WHERE = "status = 'running' AND process_key IN ('mid_term_replacement', 'recall')"


def _duplicates() -> dict[tuple[str, str], list[tuple[str, str]]]:
    rows = op.get_bind().execute(sa.text(
        f"SELECT process_key, cadre_id, id, created_at FROM process_instances WHERE {WHERE} "
        "AND cadre_id IS NOT NULL ORDER BY process_key, cadre_id, created_at, id")).all()
    cases: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for process_key, cadre_id, instance_id, created_at in rows:
        cases[(process_key, cadre_id)].append((instance_id, str(created_at)))
    return {case: ids for case, ids in cases.items() if len(ids) > 1}


def upgrade() -> None:
    duplicates = _duplicates()
    if duplicates:
        lines = [f"  {process_key} / {cadre_id}: " + "、".join(f"{i}（{at}）" for i, at in ids)
                 for (process_key, cadre_id), ids in sorted(duplicates.items())]
        raise RuntimeError(
            "迁移 0007 未执行：以下干部同时有多件正在办理的同类流程（流程 / 干部：实例及创建时间）。"
            "请保留应办理的一件，其余由申请人撤回或由审批人不同意后再升级；数据库未作任何改动。\n"
            + "\n".join(lines))
    op.create_index(INDEX, "process_instances", ["process_key", "cadre_id"], unique=True,
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="process_instances")

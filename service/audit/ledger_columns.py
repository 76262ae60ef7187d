"""The columns of the auditors' ledger: a case sheet and an event sheet, in Chinese.

Names, not ids: an auditor reads the process, the village and the people. The instance id comes
last, only to find the case again in the system (审计查询, `cadreflow audit verify`).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.config import get_settings

TEXT, TIME, NUMBER = "text", "time", "number"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int  # in characters, as Excel measures a column
    kind: str = TEXT


CASE_COLUMNS: tuple[Column, ...] = (
    Column("process", "流程", 18), Column("township", "乡镇", 12), Column("village", "村", 12),
    Column("cadre", "干部", 16), Column("unit", "派出单位", 22), Column("submitter", "提交人", 26),
    Column("opened", "发起时间", 19, TIME), Column("ended", "办结时间", 19, TIME),
    Column("outcome", "结果", 9), Column("working_days", "用时（工作日）", 14, NUMBER),
    Column("instance_id", "实例编号", 38),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("time", "时间", 19, TIME), Column("process", "流程", 18), Column("village", "村", 12),
    Column("cadre", "干部", 16), Column("step", "环节", 22), Column("event", "事项", 12),
    Column("actor", "办理人", 26), Column("role", "角色", 18), Column("decision", "决定", 10),
    Column("comment", "意见", 40), Column("seq", "序号", 6, NUMBER), Column("instance_id", "实例编号", 38),
)
CASE_SHEET, EVENT_SHEET = "案件", "办理经过"


def zone_words() -> str:
    """What the time columns say they are in: Excel has no time zones, the header says it."""
    zone = get_settings().timezone
    return "北京时间" if zone == "Asia/Shanghai" else zone


def header(column: Column) -> str:
    return f"{column.header}（{zone_words()}）" if column.kind == TIME else column.header

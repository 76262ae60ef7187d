"""Chinese names of the English codes, for people reading API responses, pages and exports.

The one place for these tables: the JSON API, the pages (Jinja filters), the audit ledger and the
notifications all read them from here.
"""

from workflows.roles import ROLE_NAMES as ROLE_NAMES  # with the engine: lanes name roles by them
from workflows.rules import WORK_TEAM_CATEGORIES

# The kind of jurisdiction a role is held in (service.core.principal.SCOPE_KIND_BY_ROLE).
SCOPE_KIND_NAMES = {"unit": "派出单位", "township": "乡镇", "cadre": "驻村干部本人", "county": "全县"}
POSTING_ROLE_NAMES = {"first_secretary": "驻村第一书记", "team_member": "驻村工作队员"}
VILLAGE_CATEGORY_NAMES = {
    "poverty_alleviated": "“十三五”脱贫村",
    "key_assistance": "“十四五”省定乡村振兴重点帮扶村",
    "weak_party_org": "党组织软弱涣散村",
    "red_village": "省市红色名村",
}
# domain.md: only these categories get a work team besides the first secretary (the rules' set).
CATEGORIES_WITH_WORK_TEAM = WORK_TEAM_CATEGORIES
ORG_KIND_NAMES = {"dispatch_unit": "派出单位", "township": "乡镇", "county_body": "县级机构"}
EMPLOYMENT_NAMES = {"permanent": "在编", "formal_staff": "正式职工", "temporary": "临聘"}
PARTY_NAMES = {"formal": "中共正式党员", "probationary": "中共预备党员", "none": "群众"}
# Dispatch units: the level they belong to and what kind of body they are (domain.md rule 10).
UNIT_LEVEL_NAMES = {"county": "县级", "city": "市级", "province": "省级"}
UNIT_KIND_NAMES = {"party_government": "党政机关", "institution": "事业单位", "stationed": "驻县单位",
                   "enterprise": "企业"}
# The roster change log (service/persistence/models/roster_changes.py).
ROSTER_ENTITY_NAMES = {"township": "乡镇", "village": "村", "unit": "派出单位", "cadre": "干部",
                       "posting": "任职", "user": "用户", "presence": "在村天数",
                       "party_relation": "党组织关系", "insurance": "人身意外伤害保险",
                       "transport": "往返交通费", "allowance": "生活补助、通信补贴",
                       "health_check": "年度体检"}
ROSTER_ACTION_NAMES = {"create": "新增", "update": "修改", "deactivate": "停用", "reactivate": "启用",
                       "end": "结束任职", "confirm": "确认"}
ROSTER_SOURCE_NAMES = {"api": "接口", "page": "页面", "import": "Excel 导入", "demo": "演示数据",
                       "migration": "数据迁移", "process": "流程办结"}

PROCESS_NAMES = {
    "mid_term_replacement": "驻村干部中途调整",
    "handover": "驻村干部工作交接",
    "recall": "驻村干部召回与问责",
    "unit_duties": "派出单位帮扶责任落实",
    "dispatch": "驻村干部选派",
    "leave": "驻村干部请假",
    "assessment": "驻村干部考核",
}
# Presence (在岗管理): the kinds of leave, where a leave stands, where a month's days stand.
LEAVE_TYPE_NAMES = {"personal": "事假", "sick": "病假", "annual": "年休假", "family_visit": "探亲假",
                    "marriage_funeral": "婚丧假", "maternity": "产假（含陪产假）", "other": "其他"}
LEAVE_STATE_NAMES = {"pending": "审批中", "approved": "已准假（待销假）", "returned": "已销假",
                     "rejected": "未准假", "withdrawn": "已撤回", "terminated": "已终止"}
PRESENCE_STATUS_NAMES = {"recorded": "本人已填报，待乡镇确认", "confirmed": "乡镇已确认"}
# Assessments (bpmn/assessment.bpmn): the civil-service grades the county gives, and the two kinds.
ASSESSMENT_GRADE_NAMES = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职",
                          "incompetent": "不称职"}
ASSESSMENT_KIND_NAMES = {"annual": "年度考核", "term_end": "期满考核"}
# Where a recall's finding came from (the API's `source`).
RECALL_SOURCE_NAMES = {"supervision": "日常监督检查", "assessment": "考核"}
# Where a year's holiday calendar comes from (workflows/working_days.py SOURCES).
CALENDAR_SOURCE_NAMES = {"admin": "管理员录入", "library": "内置日历（chinese-calendar）",
                         "fallback": "未覆盖：按周末计算"}
STATUS_NAMES = {"running": "办理中", "suspended": "已挂起", "completed": "已办结", "rejected": "未通过",
                "withdrawn": "已撤回", "terminated": "已终止", "error": "出错"}
# The general word of a decision; a step gives its own in the BPMN (user-task property
# decision_labels, e.g. 予以备案 for "approve" on a filing step). Read both through decision_word.
DECISION_NAMES = {
    "approve": "同意", "reject": "不同意", "return": "退回修改", "resubmit": "重新提交",
    "withdraw": "撤回", "recall": "召回", "rectify": "限期整改",
    "complete": "完成",  # the one decision of a task whose diagram lists none
}


def decision_word(decision: str | None, step_words: dict[str, str] | None = None) -> str | None:
    """What people read for `decision` taken on a step whose own words are `step_words`."""
    if not decision:
        return None
    return (step_words or {}).get(decision) or DECISION_NAMES.get(decision, decision)
def case_words(process_key: str, *names: str | None) -> str:
    """A case as notifications name it: 「驻村干部中途调整」（上庄村·张伟）."""
    shown = [n for n in names if n]
    name = PROCESS_NAMES.get(process_key, process_key)
    return f"「{name}」" + (f"（{'·'.join(shown)}）" if shown else "")


# History event kinds (service/persistence/history/commands.py COMMAND_KIND_BY_EVENT).
EVENT_KIND_NAMES = {
    "start": "发起",
    "complete": "办理",
    "withdraw": "撤回",
    "timer": "到期自动处理",
    "recompute_deadlines": "重算期限",
    "claim": "认领",
    "unclaim": "释放认领",
    "transfer": "转办",
    "urge": "催办",
    "timer_failed": "到期自动处理失败",
    "resume": "恢复运行",
    "suspend": "挂起",
    "limit_exceeded": "超出运行限制",
    "stalled": "流程停滞",
    "terminate": "终止",
    "migrated": "迁移版本",
    "release": "停用用户释放认领",
    "add_signer": "加签",
    "added_sign": "加签签署",
    "cc": "抄送",
    "cc_declared": "按流程抄送",
}
# What a pending timer does when it fires.
TIMER_WHAT = {"reminder": "催办提醒", "escalation": "逾期督办（上报）", "deadline": "期满自动处理"}
# The configured deadlines a BPMN timer may name (CADREFLOW_DEADLINE_*), for the modeller.
DEADLINE_NAMES = {
    "deadline_approval_reminder": "审批催办", "deadline_approval_escalation": "审批督办（上报）",
    "deadline_revision": "退回后修改", "deadline_arrival": "新任干部到岗", "deadline_handover": "工作交接",
    "deadline_statement": "本人说明", "deadline_rectification": "限期整改",
    "deadline_nomination": "提名接任人选",
}
# The timer kinds that notify people, by the tag their notification starts with; timers of other
# kinds notify nobody.
TIMER_NOTICE_NAMES = {"reminder": "催办", "escalation": "督办", "deadline": "逾期"}
# What a case's own steps tell people (commands/process_notices.py), by notification kind.
PROCESS_NOTICE_NAMES = {
    "task": "新待办", "returned": "退回修改", "progress": "办理进展", "rejected": "未通过",
    "completed": "已办结", "withdrawn": "已撤回", "terminated": "已终止",
}
# Notification kinds: the timers', a person's reminder (催办, commands/urge.py), the case's steps
# and the term-end reminder of a posting (commands/term_reminders.py).
NOTIFICATION_KIND_NAMES = {**TIMER_NOTICE_NAMES, "urge": "催办", **PROCESS_NOTICE_NAMES,
                           "term_ending": "期满提醒", "presence_short": "在村不足",
                           "signer": "加签", "cc": "抄送",
                           "assessment": "考核结果"}
# 加签 (commands/signers.py): where the added person signs, before or after the task's holder.
SIGNER_MODE_NAMES = {"before": "前加签", "after": "后加签"}
SIGNER_MODE_HELP = {"before": "加签人先签署，签署后任务回到您这里，由您继续办理",
                    "after": "您现在作出决定，加签人同意后决定生效；加签人不同意则任务回到您这里"}

# The support ledger (models/support.py, queries/support_ledger.py): the allowances by kind and
# what the ledger flags as missing, by the stable code the API uses.
ALLOWANCE_KIND_NAMES = {"living": "生活补助", "phone": "通信补贴"}
SUPPORT_FLAG_NAMES = {
    "no_insurance": "未登记本年度人身意外伤害保险",
    "insurance_below_cover": "保险保额低于规定",
    "no_health_check": "本年度未体检",
    "allowance_missing": "有月份未发生活补助或通信补贴",
}

# Coverage of the villages (queries/coverage.py): what is wrong with a village's staffing, by the
# stable code the API and the filters use.
COVERAGE_FLAG_NAMES = {
    "missing_first_secretary": "缺第一书记",
    "missing_work_team": "缺工作队员",
    "team_not_required": "非脱贫/重点帮扶村派驻了工作队员",
    "leader_not_first_secretary": "工作队队长不是第一书记",
    "temporary_staff": "派驻临聘人员",
    "term_ending_soon": "任期即将届满",
    "term_overdue": "任期已满未轮换",
}

"""Generate bpmn/mid_term_replacement.bpmn, handover.bpmn, recall.bpmn, unit_duties.bpmn, dispatch.bpmn
leave.bpmn and assessment.bpmn.

Usage: ``python tools/build_bpmn.py [--check] [--svg DIR]``. ``--check`` exits non-zero when a
committed file differs from what this script generates (so hand edits in a modeler are noticed);
``--svg`` also writes rough SVG previews of the diagrams.

The modelling contract is docs/design.md §1; the business rules are ../shared/docs/domain.md. The
eligibility rules themselves are Python (workflows/rules.py) called from the sandboxed script tasks,
because they need date arithmetic relative to the effective date and must also run in the API
before an instance exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bpmn_layout import FormField, Node, Process, svg_preview  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"

LANE_NAMES = {
    "unit_hr": "派出单位（人事部门）",
    "township": "乡镇党委政府",
    "county": "县驻村工作领导小组",
    "org_dept": "县委组织部",
    "rrb": "县乡村振兴局",
    "cadre": "驻村干部",
}

APPROVE_REJECT_RETURN = "approve,reject,return"
# The words of each kind of step (one word per decision, as the seed and the forms say it).
CONSENT_WORDS = "approve:同意,reject:不同意,return:退回修改"
FILING_WORDS = "approve:予以备案,reject:不予备案,return:退回修改"


def only(words: str, decisions: str) -> str:
    """The entries of `words` for `decisions` (a step without "return" names no return word)."""
    keep = decisions.split(",")
    return ",".join(w for w in words.split(",") if w.split(":", 1)[0] in keep)

REASON_OPTIONS = (("health", "身体健康原因"), ("post_change", "岗位调整"),
                  ("family_hardship", "家庭特殊困难"),
                  ("other", "其他"))
HANDOVER_PAYLOAD = ('{"old_cadre_id": old_cadre_id, "new_cadre_id": new_cadre_id, "village_id": village_id, '
                    '"township_id": township_id, "unit_id": unit_id, "role": role}')


def lanes(*roles: str) -> list[tuple[str, str]]:
    return [(r, LANE_NAMES[r]) for r in roles]


def user_task(p: Process, tid: str, name: str, lane: str, col: float, *, decisions: str, scope: str,
              words: str, comment_required: str | None = None, form: list[FormField] | None = None,
              row: str | float = "main", reminder: str | None = "deadline_approval_reminder",
              escalation: str | None = "deadline_approval_escalation", remind: str | None = None,
              escalate_to: str = "county") -> Node:
    """A user task plus its non-interrupting reminder (催办) and escalation (督办) timers.

    `words`: the step's own word for each decision ("approve:予以备案,reject:不予备案"), shown
    wherever people read the decision (task page, inbox, timeline, notifications, exports).

    Each timer ends in its own ``end_reminded_*`` event placed right under it, so a fired timer
    never influences the main path (design.md §1: "via nothing else").
    """
    node = p.add(Node(tid, "user", name, lane, col, row, role=lane, decisions=decisions, scope=scope,
                      decision_labels=words, comment_required=comment_required, form=form or []))
    bottom = p.y(lane, row) - p.lane_top(lane) + 92
    for slot, kind, var, label, end_name, notify in (
        (-1, "reminder", reminder, "催办", "已催办", remind or lane),
        (1, "escalation", escalation, "督办", "已上报督办", escalate_to),
    ):
        if var is None:
            continue
        bid = f"{tid}_{kind}"
        p.add(Node(bid, "boundary", label, lane, col, attached_to=tid, interrupting=False, side="bottom",
                   slot=slot, timer=var, timer_kind=kind, notify=notify))
        end = p.add(Node(f"end_reminded_{bid}", "end", end_name, lane, col + slot * 35 / 180, bottom))
        p.flow(bid, end.id)
    return node


def deadline(p: Process, tid: str, var: str, name: str, notify: str, *, slot: int = 1,
             side: str = "top") -> Node:
    """Interrupting timer: the task is cancelled and the process takes its path on silence."""
    task = p.node(tid)
    return p.add(Node(f"{tid}_deadline", "boundary", name, task.lane, task.col, attached_to=tid,
                      interrupting=True, side=side, slot=slot, timer=var, timer_kind="deadline",
                      notify=notify))


def decision_flows(p: Process, gw: str, **targets: tuple[str, dict]) -> None:
    """The gateway's outgoing flows, one per decision, named by the deciding step's own words
    (the user task flowing into `gw`) unless a flow names itself."""
    labels = {"approve": "同意", "reject": "不同意", "return": "退回修改", "resubmit": "重新提交",
              "withdraw": "撤回", "recall": "召回", "rectify": "限期整改"}
    for f in p.flows:
        words = p.node(f.source).decision_labels if f.target == gw else None
        if words:
            labels.update(w.split(":", 1) for w in words.split(","))  # type: ignore[misc]
    for decision, (target, kw) in targets.items():
        p.flow(gw, target, kw.pop("name", labels[decision]), f'decision == "{decision}"', **kw)


# --------------------------------------------------------------------------------------------------
def mid_term_replacement() -> Process:
    p = Process("mid_term_replacement", "驻村干部中途调整", "驻村干部中途调整审批",
                lanes("unit_hr", "township", "county", "org_dept", "rrb"),
                documentation="派出单位申请中途调整驻村第一书记或工作队员：规则校验 -> 乡镇审核 -> "
                              "县驻村工作领导小组审核 -> 第一书记报县委组织部、"
                              "工作队员报县乡村振兴局审核备案 -> "
                              "抛出 handover_requested 消息，由服务启动工作交接流程。")
    x, y = p.x, p.y
    p.add(Node("start", "start", "提交调整申请", "unit_hr", 0))
    p.add(Node("check_rules", "script", "校验调整规则", "unit_hr", 1, script=(
        "rule_violations = check_adjustment({\n"
        '    "cadre_id": cadre_id, "role": role, "term_start": term_start, "reason": reason,\n'
        '    "justification": justification, "nominee_id": nominee_id, "nominee_facts": nominee_facts,\n'
        '    "effective_date": effective_date, "village_category": village_category,\n'
        '    "village_categories": village_categories, "planned_end": planned_end,\n'
        '    "township_id": township_id, "village_name": village_name,\n'
        "})\n"
        "old_cadre_id = cadre_id\n"
        "new_cadre_id = nominee_id\n"),
        documentation="任期、调整原因、接任人选资格（正式党员、党龄满1年、工作满2年、"
                      "非临聘人员）；规则见 workflows/rules.py"))
    p.add(Node("gw_rules_ok", "xor", "符合规定？", "unit_hr", 2))
    p.add(Node("end_rejected_rules", "end", "不符合规定", "unit_hr", 3))

    user_task(p, "township_consent", "乡镇党委政府审核", "township", 3, decisions=APPROVE_REJECT_RETURN,
              scope="township:township_id", words=CONSENT_WORDS, comment_required="reject,return",
              remind="township")
    p.add(Node("withdraw_requested", "boundary", "申请人撤回", "township", 3, attached_to="township_consent",
               interrupting=True, side="top", slot=1, message="withdraw"))
    p.add(Node("end_withdrawn", "end", "已撤回", "township", 3 + 100 / 180, "top",
               label_pos="right"))
    p.add(Node("gw_township_decision", "xor", "乡镇意见", "township", 4))
    p.add(Node("end_rejected_township", "end", "乡镇不同意", "township", 5))

    user_task(p, "county_consent", "县驻村工作领导小组审核", "county", 5, decisions=APPROVE_REJECT_RETURN,
              scope="county", words=CONSENT_WORDS, comment_required="reject,return")
    p.add(Node("gw_county_decision", "xor", "县级意见", "county", 6))
    p.add(Node("end_rejected_county", "end", "县驻村工作领导小组不同意", "county", 6, "bottom"))
    p.add(Node("gw_role", "xor", "调整岗位", "county", 7))

    user_task(p, "org_dept_filing", "县委组织部审核备案", "org_dept", 8, decisions=APPROVE_REJECT_RETURN,
              scope="county", words=FILING_WORDS, comment_required="reject,return")
    p.add(Node("gw_org_dept_decision", "xor", "组织部意见", "org_dept", 9))
    p.add(Node("end_rejected_org_dept", "end", "组织部不予备案", "org_dept", 9, "bottom"))
    p.add(Node("end_approved", "end", "备案完成，启动交接", "org_dept", 10, message="handover_requested",
               payload=HANDOVER_PAYLOAD, label_pos="right"))

    user_task(p, "rrb_filing", "县乡村振兴局审核备案", "rrb", 8, decisions=APPROVE_REJECT_RETURN,
              scope="county", words=FILING_WORDS, comment_required="reject,return")
    p.add(Node("gw_rrb_decision", "xor", "乡村振兴局意见", "rrb", 9))
    p.add(Node("end_rejected_rrb", "end", "乡村振兴局不予备案", "rrb", 9, "bottom"))

    p.add(Node("gw_return_merge", "xor", "退回修改", "unit_hr", 10))
    p.add(Node("revise_request", "user", "修改调整申请", "unit_hr", 11, role="unit_hr",
               decisions="resubmit,withdraw", decision_labels="resubmit:重新提交,withdraw:撤回申请",
               scope="unit:unit_id", form=[
                   FormField("reason", "调整原因", "enum", False, REASON_OPTIONS),
                   FormField("justification", "调整理由", required=False),
                   FormField("nominee_id", "接任人选", required=False),
                   FormField("effective_date", "生效日期", "date", required=False),
               ]))
    deadline(p, "revise_request", "deadline_revision", "逾期未修改", "unit_hr", side="bottom")
    p.add(Node("gw_revise_decision", "xor", "申请人处理", "unit_hr", 12))
    p.add(Node("end_withdrawn_by_submitter", "end", "申请人撤回", "unit_hr", 13))
    p.add(Node("end_withdrawn_timeout", "end", "逾期未修改，视为撤回", "unit_hr", 12, "bottom"))

    # Main path.
    p.flow("start", "check_rules")
    p.flow("check_rules", "gw_rules_ok")
    p.flow("gw_rules_ok", "end_rejected_rules", "不符合", "len(rule_violations) > 0")
    p.flow("gw_rules_ok", "township_consent", "符合", default=True)
    p.flow("township_consent", "gw_township_decision")
    p.flow("withdraw_requested", "end_withdrawn", enter="l")
    top_bus = y("unit_hr", "main")
    decision_flows(p, "gw_township_decision",
                   approve=("county_consent", {}),
                   reject=("end_rejected_township", {}),
                   **{"return": ("gw_return_merge", {"exit": "t", "via": [(None, top_bus)]})})
    p.flow("county_consent", "gw_county_decision")
    decision_flows(p, "gw_county_decision",
                   approve=("gw_role", {}),
                   reject=("end_rejected_county", {"exit": "b"}),
                   **{"return": ("gw_return_merge", {"exit": "t", "via": [(None, top_bus)]})})
    # Team member first leaves by the bottom corner: it goes further down, so the two routes
    # never cross (the first secretary's route peels off to the right).
    p.flow("gw_role", "org_dept_filing", "第一书记", 'role == "first_secretary"', exit="r",
           via=[(x(7) + 70, None)])
    p.flow("gw_role", "rrb_filing", "工作队员", 'role == "team_member"', exit="b")
    p.flow("org_dept_filing", "gw_org_dept_decision")
    decision_flows(p, "gw_org_dept_decision",
                   approve=("end_approved", {}),
                   reject=("end_rejected_org_dept", {"exit": "b"}),
                   **{"return": ("gw_return_merge", {"exit": "t", "via": [(None, top_bus)]})})
    p.flow("rrb_filing", "gw_rrb_decision")
    decision_flows(p, "gw_rrb_decision",
                   approve=("end_approved", {"exit": "r", "enter": "b"}),
                   reject=("end_rejected_rrb", {"exit": "b"}),
                   **{"return": ("gw_return_merge", {
                       "exit": "t", "via": [(None, p.lane_top("rrb") + 25), (x(9) + 75, None),
                                            (None, top_bus)]})})
    p.flow("gw_return_merge", "revise_request")
    p.flow("revise_request", "gw_revise_decision")
    p.flow("revise_request_deadline", "end_withdrawn_timeout")
    decision_flows(p, "gw_revise_decision",
                   resubmit=("check_rules", {"exit": "t", "enter": "t",
                                             "via": [(None, p.lane_top("unit_hr") + 25)]}),
                   withdraw=("end_withdrawn_by_submitter", {}))
    return p


# --------------------------------------------------------------------------------------------------
def handover() -> Process:
    p = Process("handover", "驻村干部工作交接", "驻村干部工作交接（无缝衔接）",
                lanes("township", "cadre", "unit_hr"), lane_heights={"cadre": 450},
                documentation="新任干部到岗 -> 原任干部编制交接清单、新任干部审阅 -> 双方签字、乡镇监交 -> "
                              "党组织关系转接（新任干部的选派方：派出单位人事部门，或自行补齐工作队员的乡镇）"
                              "-> 原任干部方可撤离。任何计时器都不会提前解除原任干部。")
    x, y = p.x, p.y
    handover_timers = {"reminder": "deadline_handover", "escalation": "deadline_handover"}
    p.add(Node("start", "start", "收到交接请求", "township", 0))
    user_task(p, "confirm_arrival", "确认新任干部到岗", "township", 1, decisions="approve",
              scope="township:township_id", words="approve:确认到岗", reminder="deadline_arrival",
              escalation="deadline_arrival",
              form=[FormField("arrival_date", "到岗日期", "date")])
    p.add(Node("gw_list_merge", "xor", "编制清单", "cadre", 2))
    user_task(p, "prepare_handover_list", "原任干部编制交接清单", "cadre", 3, decisions="approve",
              scope="cadre:old_cadre_id", words="approve:提交清单", remind="cadre", form=[
                  FormField("village_situation", "村情"), FormField("household_situation", "户况"),
                  FormField("policy_situation", "政策"), FormField("open_projects", "在建项目"),
                  FormField("funds", "资金"), FormField("archives", "档案")],
              **handover_timers)
    user_task(p, "review_handover_list", "新任干部确认交接清单", "cadre", 4, decisions="approve,return",
              scope="cadre:new_cadre_id", words="approve:确认清单,return:退回补充", comment_required="return",
              remind="cadre", **handover_timers)
    p.add(Node("gw_review_decision", "xor", "清单是否清楚", "cadre", 5))
    p.add(Node("gw_sign_fork", "and", "双方签字", "cadre", 6))
    user_task(p, "sign_old", "原任干部签字确认", "cadre", 7, decisions="approve", scope="cadre:old_cadre_id",
              words="approve:签字确认",
              remind="cadre", **handover_timers)
    user_task(p, "sign_new", "新任干部签字确认", "cadre", 7, row=320, decisions="approve",
              scope="cadre:new_cadre_id", words="approve:签字确认", remind="cadre", **handover_timers)
    p.add(Node("gw_sign_join", "and", "签字完成", "cadre", 8))
    user_task(p, "witness_handover", "乡镇党委政府监交确认", "township", 9, decisions="approve",
              scope="township:township_id", words="approve:确认监交", **handover_timers)
    # The Party relation that moves is the new cadre's (党组织关系转至所驻村): the organisation that
    # supplies them confirms it, a dispatch unit's HR or, for a team member it supplies itself
    # (驻村工作队员由乡镇补齐), the township. The service puts who that is into the start data
    # (party_transfer_role, party_transfer_org_id; commands/handover.py).
    p.add(Node("gw_party_transfer", "xor", "党组织关系转接方", "township", 10))
    user_task(p, "transfer_party_relation_township", "党组织关系转接确认", "township", 11,
              decisions="approve", scope="township:party_transfer_org_id", words="approve:确认已转接",
              form=[FormField("party_transfer_date", "党组织关系转接日期", "date")],
              **handover_timers)
    user_task(p, "transfer_party_relation", "党组织关系转接确认", "unit_hr", 11, decisions="approve",
              scope="unit:party_transfer_org_id", words="approve:确认已转接",
              form=[FormField("party_transfer_date", "党组织关系转接日期", "date")],
              **handover_timers)
    p.add(Node("gw_party_transfer_done", "xor", "已转接", "unit_hr", 12))
    p.add(Node("release_old_cadre", "script", "原任干部撤离", "unit_hr", 13,
               script="old_cadre_released = True\n",
               documentation="只有到岗确认、清单审阅、双方签字、乡镇监交、党组织关系转接之后才会到达这里。"))
    p.add(Node("end_completed", "end", "交接完成", "unit_hr", 14))

    p.flow("start", "confirm_arrival")
    p.flow("confirm_arrival", "gw_list_merge", exit="r", via=[(x(2) - 70, None)])
    p.flow("gw_list_merge", "prepare_handover_list")
    p.flow("prepare_handover_list", "review_handover_list")
    p.flow("review_handover_list", "gw_review_decision")
    decision_flows(p, "gw_review_decision",
                   approve=("gw_sign_fork", {"name": "确认无误"}),
                   **{"return": ("gw_list_merge", {"name": "退回补充", "exit": "t", "enter": "t",
                                                   "via": [(None, y("cadre", "top") - 15)]})})
    p.flow("gw_sign_fork", "sign_old")
    p.flow("gw_sign_fork", "sign_new", exit="b")
    p.flow("sign_old", "gw_sign_join")
    p.flow("sign_new", "gw_sign_join", enter="b")
    p.flow("gw_sign_join", "witness_handover", exit="t")
    p.flow("witness_handover", "gw_party_transfer")
    p.flow("gw_party_transfer", "transfer_party_relation_township", "新任由乡镇补齐",
           'party_transfer_role == "township"')
    p.flow("gw_party_transfer", "transfer_party_relation", "新任由派出单位选派", default=True, exit="b")
    p.flow("transfer_party_relation_township", "gw_party_transfer_done", exit="r")
    p.flow("transfer_party_relation", "gw_party_transfer_done")
    p.flow("gw_party_transfer_done", "release_old_cadre")
    p.flow("release_old_cadre", "end_completed")
    return p


# --------------------------------------------------------------------------------------------------
def recall() -> Process:
    p = Process("recall", "驻村干部召回与问责", "驻村干部召回与问责",
                lanes("county", "org_dept", "rrb", "cadre", "unit_hr", "township"),
                lane_heights={"unit_hr": 300, "rrb": 290},
                documentation="日常监督或考核发现不胜任不尽职 -> 组织部（第一书记）或乡村振兴局"
                              "（工作队员）核实 -> 本人说明（逾期视为放弃）-> 县驻村工作领导小组决定"
                              "限期整改或召回 -> 整改复核，或问责记录、提名接任人选、审核备案 -> "
                              "抛出 handover_requested 消息。整改和提名由干部的选派方办理：派出单位"
                              "人事部门，或自行补齐工作队员的乡镇。")
    # The recalled cadre's supplier rectifies and nominates the successor: a dispatch unit's HR or,
    # for a team member it supplies itself (驻村工作队员由乡镇补齐), the township. The service puts
    # who that is into the start data (supplier_role, supplier_id; commands/recalls.py).
    by_township = 'supplier_role == "township"'
    x, y = p.x, p.y
    p.add(Node("start", "start", "启动召回程序", "county", 0))
    p.add(Node("gw_verify_role", "xor", "干部岗位", "county", 1))
    for dept, name, lane_name in (("org_dept", "县委组织部核实问题", "组织部"),
                                  ("rrb", "县乡村振兴局核实问题", "乡村振兴局")):
        user_task(p, f"verify_finding_{dept}", name, dept, 2, decisions="approve,reject", scope="county",
                  words="approve:属实,reject:不属实", comment_required="reject")
        p.add(Node(f"gw_verify_{dept}_decision", "xor", "问题是否属实", dept, 3))
        p.add(Node(f"end_rejected_unfounded_{dept}", "end", f"{lane_name}核实不属实", dept, 3, "top",
                           label_pos="left"))
    user_task(p, "cadre_statement", "本人陈述", "cadre", 4, decisions="approve", scope="cadre:cadre_id",
              words="approve:提交陈述",
              reminder=None, escalation=None, form=[FormField("statement", "陈述说明")])
    deadline(p, "cadre_statement", "deadline_statement", "逾期未说明", "county")
    user_task(p, "county_decision", "县驻村工作领导小组决定", "county", 5, decisions="rectify,recall",
              scope="county", words="rectify:限期整改,recall:召回", comment_required="rectify,recall")
    p.add(Node("gw_county_decision", "xor", "处理决定", "county", 6))
    p.add(Node("gw_rectifier", "xor", "整改方", "unit_hr", 6))
    for tid, name, lane, scope in (("rectification", "派出单位限期整改", "unit_hr", "unit:supplier_id"),
                                   ("rectification_township", "乡镇限期整改", "township",
                                    "township:supplier_id")):
        user_task(p, tid, name, lane, 7, decisions="approve", scope=scope, words="approve:提交整改情况",
                  reminder=None, escalation=None, form=[FormField("rectification_report", "整改报告")])
        deadline(p, tid, "deadline_rectification", "整改期满", "county")
    p.add(Node("gw_recheck_role", "xor", "复核部门", "unit_hr", 8))
    for dept, name in (("org_dept", "县委组织部复核整改"), ("rrb", "县乡村振兴局复核整改")):
        user_task(p, f"recheck_rectification_{dept}", name, dept, 9, decisions="approve,reject",
                  scope="county", words="approve:整改到位,reject:整改不到位", comment_required="reject")
        p.add(Node(f"gw_recheck_{dept}_decision", "xor", "整改是否到位", dept, 10))
        p.add(Node(f"end_rectified_{dept}", "end", "整改到位，结案", dept, 10, "bottom"))
    p.add(Node("gw_accountability_merge", "xor", "召回", "county", 11))
    user_task(p, "record_accountability", "召回并记录问责", "county", 12, decisions="approve", scope="county",
              words="approve:确认召回",
              form=[FormField("accountability_measures", "问责措施")])
    # Where every nomination starts, the first one and those sent back: it merges and chooses.
    p.add(Node("gw_nomination_merge", "xor", "提名方", "unit_hr", 13))
    for tid, name, lane, scope in (("nominate_replacement", "派出单位提名接任人选", "unit_hr",
                                    "unit:supplier_id"),
                                   ("nominate_replacement_township", "乡镇提名接任人选", "township",
                                    "township:supplier_id")):
        user_task(p, tid, name, lane, 14, decisions="approve", scope=scope, words="approve:提交提名",
                  escalation="deadline_nomination", form=[
                      FormField("nominee_id", "接任人选"), FormField("effective_date", "到任日期", "date")])
    p.add(Node("check_replacement", "script", "校验接任人选资格", "unit_hr", 15, script=(
        "rule_violations = check_nominee(nominee_facts, role, effective_date)\n"
        "old_cadre_id = cadre_id\n"
        "new_cadre_id = nominee_id\n")))
    p.add(Node("gw_replacement_ok", "xor", "人选合格？", "unit_hr", 16))
    p.add(Node("gw_filing_role", "xor", "备案部门", "unit_hr", 17))
    for dept, name in (("org_dept", "县委组织部审核备案接任人选"), ("rrb", "县乡村振兴局审核备案接任人选")):
        user_task(p, f"replacement_filing_{dept}", name, dept, 18, decisions="approve,return", scope="county",
                  words="approve:予以备案,return:退回重新提名", comment_required="return")
        p.add(Node(f"gw_replacement_filing_{dept}_decision", "xor", "备案意见", dept, 19))
    p.add(Node("end_recalled", "end", "召回完成，启动交接", "org_dept", 20, message="handover_requested",
               payload=HANDOVER_PAYLOAD, label_pos="right"))

    p.flow("start", "gw_verify_role")
    p.flow("gw_verify_role", "verify_finding_org_dept", "第一书记", 'role == "first_secretary"', exit="r",
           via=[(x(1) + 70, None)])
    p.flow("gw_verify_role", "verify_finding_rrb", "工作队员", 'role == "team_member"', exit="b")
    for dept in ("org_dept", "rrb"):
        gw = f"gw_verify_{dept}_decision"
        p.flow(f"verify_finding_{dept}", gw)
        confirmed = {"name": "属实", "exit": "r", "via": [(x(3) + 70, None)]} if dept == "org_dept" else \
            {"name": "属实", "exit": "b"}
        decision_flows(p, gw, approve=("cadre_statement", confirmed),
                       reject=(f"end_rejected_unfounded_{dept}", {"name": "不属实", "exit": "t"}))
    side_x = x(4) + 85
    p.flow("cadre_statement", "county_decision", "已说明", exit="r", via=[(side_x, None)])
    p.flow("cadre_statement_deadline", "county_decision", "逾期视为放弃",
           via=[(None, y("cadre", "top")), (side_x, None)])
    p.flow("county_decision", "gw_county_decision")
    decision_flows(p, "gw_county_decision", rectify=("gw_rectifier", {"exit": "b"}),
                   recall=("gw_accountability_merge", {}))
    p.flow("gw_rectifier", "rectification", "派出单位选派", default=True)
    p.flow("gw_rectifier", "rectification_township", "乡镇补齐", by_township, exit="b")
    p.flow("rectification", "gw_recheck_role", "已整改")
    p.flow("rectification_deadline", "gw_recheck_role", "逾期仍复核",
           via=[(None, y("unit_hr", "top")), (x(8) - 65, None)], enter="l")
    # The township's two ways share the gateway's free bottom side.
    p.flow("rectification_township", "gw_recheck_role", "已整改", exit="r", enter="b", via=[(x(8), None)])
    p.flow("rectification_township_deadline", "gw_recheck_role", "逾期仍复核", enter="b",
           via=[(None, y("township", "top")), (x(8), None)])
    p.flow("gw_recheck_role", "recheck_rectification_org_dept", "第一书记", 'role == "first_secretary"',
           exit="t")
    p.flow("gw_recheck_role", "recheck_rectification_rrb", "工作队员", 'role == "team_member"', exit="r",
           via=[(x(8) + 70, None)])
    for dept in ("org_dept", "rrb"):
        gw = f"gw_recheck_{dept}_decision"
        p.flow(f"recheck_rectification_{dept}", gw)
        # The rrb route goes round the org_dept gateway's right side instead of through it.
        failed = {"name": "整改不到位", "exit": "t", "via": [(None, y("county", "main"))]}
        if dept == "rrb":
            failed.update(exit="r", via=[(x(10) + 85, None), (None, y("county", "main"))])
        decision_flows(p, gw, approve=(f"end_rectified_{dept}", {"name": "整改到位", "exit": "b"}),
                       reject=("gw_accountability_merge", failed))
    p.flow("gw_accountability_merge", "record_accountability")
    p.flow("record_accountability", "gw_nomination_merge", exit="r", via=[(x(13) - 80, None)])
    p.flow("gw_nomination_merge", "nominate_replacement", "派出单位选派", default=True)
    p.flow("gw_nomination_merge", "nominate_replacement_township", "乡镇补齐", by_township, exit="b")
    p.flow("nominate_replacement", "check_replacement")
    p.flow("nominate_replacement_township", "check_replacement", exit="r", enter="b", via=[(x(15), None)])
    p.flow("check_replacement", "gw_replacement_ok")
    # Sent back over the nomination (its bottom side is the township's way in).
    channel = p.lane_top("unit_hr") + 22
    p.flow("gw_replacement_ok", "gw_nomination_merge", "不合格，重新提名", "len(rule_violations) > 0",
           exit="t", enter="t", via=[(None, channel)])
    p.flow("gw_replacement_ok", "gw_filing_role", "合格", default=True)
    p.flow("gw_filing_role", "replacement_filing_org_dept", "第一书记", 'role == "first_secretary"', exit="t")
    p.flow("gw_filing_role", "replacement_filing_rrb", "工作队员", 'role == "team_member"', exit="r",
           via=[(x(17) + 70, None)])
    for dept in ("org_dept", "rrb"):
        gw = f"gw_replacement_filing_{dept}_decision"
        p.flow(f"replacement_filing_{dept}", gw)
        if dept == "org_dept":
            back = {"name": "退回重新提名", "exit": "t", "enter": "t",
                    "via": [(None, y("org_dept", "top") - 20)]}
            approve: dict = {}
        else:
            back = {"name": "退回重新提名", "exit": "b", "enter": "t",
                    "via": [(None, p.lane_top("rrb") + p.lane_height("rrb") - 12)]}
            approve = {"exit": "r", "enter": "b"}
        decision_flows(p, gw, approve=("end_recalled", approve), **{"return": ("gw_nomination_merge", back)})
    return p


# --------------------------------------------------------------------------------------------------
POSTING_PAYLOAD = ('{"cadre_id": cadre_id, "village_id": village_id, "township_id": township_id, '
                   '"role": role, "supplier_id": supplier_id, "unit_id": unit_id, "term_start": term_start, '
                   '"planned_end": planned_end, "leads_team": leads_team, '
                   '"predecessor_cadre_id": predecessor_cadre_id}')


def dispatch() -> Process:
    """选派 and 期满轮换: one cadre for one village and role per instance (a round starts one per
    village). The nominator is the dispatch unit's HR, or the township for a team member it
    supplies itself (驻村工作队员由乡镇补齐), whose consent is then already given."""
    p = Process("dispatch", "驻村干部选派", "驻村干部选派（含期满轮换）",
                lanes("unit_hr", "township", "county", "org_dept", "rrb"),
                documentation="派出单位（第一书记、本单位工作队员）或乡镇（自行补齐的工作队员）提名 -> "
                              "规则校验（村类别与岗位、县级选派、正式党员、党龄自转正满1年、工作满2年、"
                              "非临聘、任期不少于2年）-> 乡镇审核（乡镇提名时跳过）-> 县驻村工作领导小组审核 "
                              "-> 第一书记报县委组织部、工作队员报县乡村振兴局备案 -> 抛出 posting_approved "
                              "消息：服务建立任职，期满轮换则启动工作交接。")
    x = p.x
    # The lane holds the start for the unit's HR; the township may start it too (its own team members).
    p.add(Node("start", "start", "提名驻村干部", "unit_hr", 0, start_roles="township"))
    p.add(Node("check_rules", "script", "校验选派条件", "unit_hr", 1, script=(
        "facts = {\n"
        '    "cadre_id": cadre_id, "role": role, "term_start": term_start, "planned_end": planned_end,\n'
        '    "village_category": village_category, "village_categories": village_categories,\n'
        '    "nominee_facts": nominee_facts, "predecessor_cadre_id": predecessor_cadre_id,\n'
        '    "township_id": township_id, "village_name": village_name, "leads_team": leads_team,\n'
        "}\n"
        "rule_violations = check_dispatch(facts)\n"
        "rule_warnings = dispatch_warnings(facts)\n"
        "new_cadre_id = cadre_id\n"
        "old_cadre_id = predecessor_cadre_id\n"),
        documentation="选派条件见 workflows/rules.py check_dispatch（阻止）与 dispatch_warnings（提示）"))
    p.add(Node("gw_rules_ok", "xor", "符合条件？", "unit_hr", 2))
    p.add(Node("end_rejected_rules", "end", "不符合选派条件", "unit_hr", 2, "bottom"))
    p.add(Node("gw_nominator", "xor", "提名方", "unit_hr", 3))

    user_task(p, "township_consent", "乡镇党委政府审核", "township", 4, decisions="approve,reject",
              scope="township:township_id", words=only(CONSENT_WORDS, "approve,reject"),
              comment_required="reject",
              remind="township")
    p.add(Node("gw_township_decision", "xor", "乡镇意见", "township", 5))
    p.add(Node("end_rejected_township", "end", "乡镇不同意", "township", 6))

    user_task(p, "county_consent", "县驻村工作领导小组审核", "county", 6, decisions="approve,reject",
              scope="county", words=only(CONSENT_WORDS, "approve,reject"), comment_required="reject")
    p.add(Node("gw_county_decision", "xor", "县级意见", "county", 7))
    p.add(Node("end_rejected_county", "end", "县驻村工作领导小组不同意", "county", 7, "bottom"))
    p.add(Node("gw_role", "xor", "选派岗位", "county", 8))

    for dept, name, col_name in (("org_dept", "县委组织部审核备案", "组织部"),
                                 ("rrb", "县乡村振兴局审核备案", "乡村振兴局")):
        user_task(p, f"{dept}_filing", name, dept, 9, decisions="approve,reject", scope="county",
                  words=only(FILING_WORDS, "approve,reject"), comment_required="reject")
        p.add(Node(f"gw_{dept}_decision", "xor", f"{col_name}意见", dept, 10))
        p.add(Node(f"end_rejected_{dept}", "end", f"{col_name}不予备案", dept, 10, "bottom"))
    p.add(Node("end_approved", "end", "备案完成，建立任职", "org_dept", 11, message="posting_approved",
               payload=POSTING_PAYLOAD, label_pos="right"))

    p.flow("start", "check_rules")
    p.flow("check_rules", "gw_rules_ok")
    p.flow("gw_rules_ok", "end_rejected_rules", "不符合", "len(rule_violations) > 0", exit="b")
    p.flow("gw_rules_ok", "gw_nominator", "符合", default=True)
    p.flow("gw_nominator", "county_consent", "乡镇提名", "nominated_by_township", exit="b")
    p.flow("gw_nominator", "township_consent", "派出单位提名", default=True, exit="r")
    p.flow("township_consent", "gw_township_decision")
    decision_flows(p, "gw_township_decision", approve=("county_consent", {"exit": "b"}),
                   reject=("end_rejected_township", {}))
    p.flow("county_consent", "gw_county_decision")
    decision_flows(p, "gw_county_decision", approve=("gw_role", {}),
                   reject=("end_rejected_county", {"exit": "b"}))
    p.flow("gw_role", "org_dept_filing", "第一书记", 'role == "first_secretary"', exit="r",
           via=[(x(8) + 70, None)])
    p.flow("gw_role", "rrb_filing", "工作队员", 'role == "team_member"', exit="b")
    for dept in ("org_dept", "rrb"):
        p.flow(f"{dept}_filing", f"gw_{dept}_decision")
        approve: dict = {} if dept == "org_dept" else {"exit": "r", "enter": "b"}
        decision_flows(p, f"gw_{dept}_decision", approve=("end_approved", approve),
                       reject=(f"end_rejected_{dept}", {"exit": "b"}))
    return p


# --------------------------------------------------------------------------------------------------
# Each half-year's figures; the first half-year's report also gives the unit's 3-year plan.
DUTY_REPORT_FORM = [
    FormField("main_leader_reports", "主要领导听取驻村帮扶工作汇报次数", "long"),
    FormField("main_leader_visits", "主要领导到村调研次数", "long"),
    FormField("deputy_visits", "分管领导到村调研次数", "long"),
    FormField("funds_yuan", "拨付驻村工作经费（元，各驻村第一书记所在村合计）", "long"),
    FormField("assistance_funds_yuan", "对驻村帮扶村的帮扶资金（元）", "long"),
    FormField("product_purchase_yuan", "其中认购扶贫产品资金（元）", "long"),
]
DUTY_PLAN_FORM = [
    FormField("plan_start_year", "3年定点帮扶工作计划起始年度", "long"),
    FormField("plan_end_year", "3年定点帮扶工作计划截止年度", "long"),
    FormField("plan_content", "帮扶工作计划主要内容", "string"),
]
DUTY_STANDARD_NAMES = ("main_leader_reports_per_half_year", "main_leader_visits_per_year",
                       "deputy_visits_per_half_year", "work_funds_per_village_yuan",
                       "assistance_funds_per_year_yuan", "product_purchase_per_year_yuan")


def _report_dict(var: str, form: list[FormField]) -> str:
    items = ", ".join(f'"{f.id}": {f.id}' for f in form)
    return f"{var} = {{{items}}}\n"


def unit_duties() -> Process:
    """Domain rules 9 and 12: one instance per dispatch unit and year, two half-year periods.

    Both period waits start at the fork, i.e. at the instance's start (started at the beginning of
    the duty year): six calendar months and one calendar year (`day_count=calendar`), so a slow
    first-half report or rectification never shifts the year's end. The second half-year's report
    waits for the first period to be closed (parallel join), so its yearly check sees both reports.
    The service adds `duty_villages` (the unit's first-secretary villages of the year, from the
    postings) to each report: the work funds are owed per village. Accident insurance is the
    county's (县级统一办理) and kept in the support ledger, not asked of the unit.
    """
    p = Process("unit_duties", "派出单位帮扶责任落实", "派出单位帮扶责任落实（年度）",
                lanes("org_dept", "unit_hr"), lane_heights={"unit_hr": 400},
                documentation="每个派出单位每年一个实例：上、下半年期满（自然日计）由派出单位报送责任落实情况"
                              "（主要领导听取汇报、到村调研，分管领导到村调研，驻村工作经费，帮扶资金及认购扶贫产品资金；"
                              "上半年另报3年定点帮扶工作计划），脚本按配置的标准核对（驻村工作经费按本单位驻村第一书记"
                              "所在村逐村计）；未达标由县委组织部督促整改。全年指标在下半年核对。"
                              "人身意外伤害保险由县级统一办理，不在此报送。")
    x = p.x
    year_row = 330.0
    # The Organization Department's lane holds the start; the county leading group may start it too.
    p.add(Node("start", "start", "启动年度责任落实", "org_dept", 0, start_roles="county"))
    standards = "".join(f'    "{name}": duty_{name},\n' for name in DUTY_STANDARD_NAMES)
    p.add(Node("load_duty_standards", "script", "载入帮扶责任标准", "org_dept", 1, script=(
        "duty_standards = unit_duty_standards({\n" + standards + "})\n"
        "duty_unit_id = str(unit_id)\n"
        "duty_year = int(year)\n"),
        documentation="标准来自启动数据（服务以 CADREFLOW_DUTY_* 配置补齐，工作方案定明的数字只可提高）；"
                      "规则见 workflows/duty_rules.py"))
    p.add(Node("gw_periods_fork", "and", "上、下半年", "org_dept", 2))
    calendar = {"day_count": "calendar"}
    p.add(Node("wait_first_half", "catch", "上半年期满", "unit_hr", 3, timer='"P6M"', **calendar))
    p.add(Node("wait_year_end", "catch", "全年期满", "unit_hr", 3, year_row, timer='"P1Y"', **calendar))

    for half, col, name in (("first_half", 4, "上半年"), ("second_half", 11, "下半年")):
        form = DUTY_REPORT_FORM + (DUTY_PLAN_FORM if half == "first_half" else [])
        user_task(p, f"report_{half}", f"报送{name}帮扶责任落实情况", "unit_hr", col, decisions="approve",
                  scope="unit:unit_id", words="approve:提交", remind="unit_hr", form=form)
        earlier = ", first_half_report" if half == "second_half" else ""
        p.add(Node(f"check_{half}", "script", f"核对{name}责任落实", "unit_hr", col + 1, script=(
            _report_dict(f"{half}_report", form)
            + f'rule_violations = check_duty_report({half}_report, duty_standards, "{half}", duty_year, '
              f"duty_villages{earlier})\n"
            + f"{half}_violations = rule_violations\n"),
            documentation="半年指标每期核对，帮扶工作计划在上半年核对；全年指标（主要领导到村调研、"
                          "驻村工作经费按驻村第一书记所在村逐村计、帮扶资金、认购扶贫产品资金）在下半年按全年合计核对"))
        p.add(Node(f"gw_{half}_ok", "xor", f"{name}是否达标", "unit_hr", col + 2))
        user_task(p, f"rectify_{half}", f"县委组织部督促整改（{name}）", "org_dept", col + 3,
                  decisions="approve,return", scope="county", words="approve:整改完成,return:退回重报",
                  comment_required="return")
        p.add(Node(f"gw_{half}_rectified", "xor", "整改情况", "org_dept", col + 4))
    p.add(Node("gw_first_half_done", "xor", "上半年结束", "unit_hr", 9))
    p.add(Node("gw_year_join", "and", "全年期满且上半年已结", "unit_hr", 10))
    p.add(Node("end_completed", "end", "全年责任落实", "unit_hr", 14))
    p.add(Node("end_rectified", "end", "整改完成", "org_dept", 16))

    p.flow("start", "load_duty_standards")
    p.flow("load_duty_standards", "gw_periods_fork")
    p.flow("gw_periods_fork", "wait_first_half", exit="r", via=[(x(2) + 70, None)])
    p.flow("gw_periods_fork", "wait_year_end", exit="b")
    p.flow("wait_first_half", "report_first_half")
    p.flow("wait_year_end", "gw_year_join", enter="b")
    return_bus = p.lane_top("org_dept") + 25
    for half, col, after_fine, after_rectified in (
            ("first_half", 4, "gw_first_half_done", "gw_first_half_done"),
            ("second_half", 11, "end_completed", "end_rectified")):
        p.flow(f"report_{half}", f"check_{half}")
        p.flow(f"check_{half}", f"gw_{half}_ok")
        p.flow(f"gw_{half}_ok", f"rectify_{half}", "未达标", "len(rule_violations) > 0", exit="t")
        p.flow(f"gw_{half}_ok", after_fine, "达标", default=True)
        p.flow(f"rectify_{half}", f"gw_{half}_rectified")
        approved = {"name": "整改完成"}
        if half == "first_half":
            approved.update(exit="r", enter="t")
        decision_flows(p, f"gw_{half}_rectified", approve=(after_rectified, approved),
                       **{"return": (f"report_{half}", {"name": "退回重报", "exit": "t", "enter": "t",
                                                        "via": [(None, return_bus), (x(col), None)]})})
    p.flow("gw_first_half_done", "gw_year_join")
    p.flow("gw_year_join", "report_second_half")
    return p


# --------------------------------------------------------------------------------------------------
LEAVE_WORDS = "approve:准假,reject:不准假"


def leave() -> Process:
    """请假与销假 (domain rule 11: 吃住在村, so time away from the village is asked for). The seed
    sets no leave rules: the service puts the county's threshold into the start data
    (`leave_county_days`, CADREFLOW_LEAVE_COUNTY_DAYS) beside the leave's length in working days
    (`leave_working_days`) and its end (`deadline_leave_end`, midnight of the last day, Beijing)."""
    p = Process("leave", "驻村干部请假", "驻村干部请假与销假",
                lanes("cadre", "township", "county"),
                documentation="驻村干部提出请假（日期、事由、类别）-> 乡镇党委政府审批 -> 超过规定工作日数的"
                              "再报县驻村工作领导小组审批 -> 假期最后一天起由本人销假（逾期催办，"
                              "并告知乡镇）。")
    x, y = p.x, p.y
    p.add(Node("start", "start", "提出请假申请", "cadre", 0))
    user_task(p, "township_approval", "乡镇党委政府审批请假", "township", 1, decisions="approve,reject",
              scope="township:township_id", words=LEAVE_WORDS, comment_required="reject",
              remind="township")
    p.add(Node("withdraw_requested", "boundary", "申请人撤回", "township", 1, attached_to="township_approval",
               interrupting=True, side="top", slot=1, message="withdraw"))
    p.add(Node("end_withdrawn", "end", "已撤回", "township", 1 + 100 / 180, "top", label_pos="right"))
    p.add(Node("gw_township_decision", "xor", "乡镇意见", "township", 2))
    p.add(Node("end_rejected_township", "end", "乡镇不准假", "township", 2, "bottom"))
    p.add(Node("gw_length", "xor", "请假工作日数", "township", 3))
    user_task(p, "county_approval", "县驻村工作领导小组审批请假", "county", 4, decisions="approve,reject",
              scope="county", words=LEAVE_WORDS, comment_required="reject")
    p.add(Node("gw_county_decision", "xor", "县级意见", "county", 5))
    p.add(Node("end_rejected_county", "end", "县驻村工作领导小组不准假", "county", 5, "bottom"))
    p.add(Node("gw_approved", "xor", "已准假", "cadre", 6))
    p.add(Node("record_approval", "script", "登记准假", "cadre", 7, script="leave_approved = True\n",
               documentation="准假后计入在村情况的批准请假天数（服务按此登记）"))
    p.add(Node("wait_leave_end", "catch", "假期最后一天", "cadre", 8, timer="deadline_leave_end",
               timer_type="date"))
    user_task(p, "confirm_return", "销假", "cadre", 9, decisions="approve", scope="cadre:cadre_id",
              words="approve:确认销假", reminder="deadline_return_reminder",
              escalation="deadline_return_escalation", remind="cadre", escalate_to="township",
              form=[FormField("return_date", "返岗日期", "date"),
                    FormField("return_note", "销假说明", required=False)])
    p.add(Node("end_returned", "end", "已销假", "cadre", 10))

    p.flow("start", "township_approval", exit="b", via=[(x(0), None)])
    p.flow("withdraw_requested", "end_withdrawn", enter="l")
    p.flow("township_approval", "gw_township_decision")
    decision_flows(p, "gw_township_decision", approve=("gw_length", {}),
                   reject=("end_rejected_township", {"exit": "b"}))
    p.flow("gw_length", "county_approval", "超过规定天数", "leave_working_days > leave_county_days", exit="b")
    p.flow("gw_length", "gw_approved", "未超过", default=True, exit="t", via=[(None, y("cadre"))])
    p.flow("county_approval", "gw_county_decision")
    decision_flows(p, "gw_county_decision", approve=("gw_approved", {"exit": "r", "enter": "b"}),
                   reject=("end_rejected_county", {"exit": "b"}))
    p.flow("gw_approved", "record_approval")
    p.flow("record_approval", "wait_leave_end")
    p.flow("wait_leave_end", "confirm_return")
    p.flow("confirm_return", "end_returned")
    return p


# --------------------------------------------------------------------------------------------------
# The civil-service grades (公务员考核等次); the service's labels and its 优秀 share read the same ids.
GRADE_OPTIONS = (("excellent", "优秀"), ("competent", "称职"), ("basically_competent", "基本称职"),
                 ("incompetent", "不称职"))
RECALL_PAYLOAD = ('{"cadre_id": cadre_id, "role": role, "village_id": village_id, '
                  '"township_id": township_id, "kind": kind, "year": year, "grade": grade}')


def assessment() -> Process:
    """年度考核 and 期满考核 of one stationed cadre (seed 四（三）): the county leading group opens
    a year's round (one instance per cadre posted that year) or a term-end assessment. The cadre's
    own summary (述职), the township's evaluation (it may send the summary back), the supplier's
    opinion (the dispatch unit's HR, or the township for a team member it supplied itself), then
    the county's grade. 不称职 throws `recall_requested`: the service opens the recall case."""
    p = Process("assessment", "驻村干部考核", "驻村干部年度考核和期满考核",
                lanes("county", "cadre", "township", "unit_hr"),
                documentation="县驻村工作领导小组发起年度考核（每年一批，每名驻村干部一个实例）或期满考核 -> "
                              "本人述职 -> 乡镇党委政府考核评价（可退回重新述职）-> 派出单位意见（乡镇补齐的"
                              "工作队员由乡镇出具）-> 县驻村工作领导小组确定等次（优秀、称职、基本称职、"
                              "不称职；年度考核的优秀比例由服务按配置核定）-> 不称职抛出 recall_requested "
                              "消息，由服务启动召回程序。考核结果等同于派出单位年度考核等次，进入个人档案。")
    x, y = p.x, p.y
    p.add(Node("start", "start", "启动考核", "county", 0))
    p.add(Node("gw_summary_merge", "xor", "述职", "cadre", 1))
    user_task(p, "self_summary", "本人述职", "cadre", 2, decisions="approve", scope="cadre:cadre_id",
              words="approve:提交述职", remind="cadre", reminder="deadline_summary",
              escalation="deadline_summary",
              form=[FormField("summary", "述职报告（德、能、勤、绩、廉）", multiline=True)])
    user_task(p, "township_evaluation", "乡镇党委政府考核评价", "township", 3, decisions="approve,return",
              scope="township:township_id", words="approve:提交考核评价,return:退回重新述职",
              comment_required="approve,return", remind="township",
              form=[FormField("township_suggested_grade", "建议等次", "enum", False, GRADE_OPTIONS)])
    p.add(Node("gw_township_decision", "xor", "乡镇评价", "township", 4))
    p.add(Node("gw_supplier", "xor", "派出方", "township", 5))
    opinion_form = [FormField("unit_suggested_grade", "建议等次", "enum", False, GRADE_OPTIONS)]
    user_task(p, "township_supplier_opinion", "派出乡镇意见（乡镇补齐的工作队员）", "township", 6,
              decisions="approve", scope="township:supplier_id", words="approve:提交意见",
              comment_required="approve", remind="township", form=list(opinion_form))
    user_task(p, "unit_opinion", "派出单位意见", "unit_hr", 6, decisions="approve", scope="unit:unit_id",
              words="approve:提交意见", comment_required="approve", remind="unit_hr",
              form=list(opinion_form))
    p.add(Node("gw_opinion_merge", "xor", "派出方已出具意见", "township", 7))
    user_task(p, "county_grade", "县驻村工作领导小组确定等次", "county", 8, decisions="approve",
              scope="county", words="approve:确定等次",
              form=[FormField("grade", "考核等次", "enum", True, GRADE_OPTIONS)])
    p.add(Node("gw_grade", "xor", "考核等次", "county", 9))
    p.add(Node("end_graded", "end", "考核完成", "county", 10, label_pos="right"))
    p.add(Node("end_incompetent", "end", "不称职，启动召回", "county", 9, "top", message="recall_requested",
               payload=RECALL_PAYLOAD, label_pos="right"))

    p.flow("start", "gw_summary_merge", exit="b", via=[(None, y("cadre", "main"))], enter="l")
    p.flow("gw_summary_merge", "self_summary")
    p.flow("self_summary", "township_evaluation")
    p.flow("township_evaluation", "gw_township_decision")
    return_bus = y("cadre", "top")
    decision_flows(p, "gw_township_decision", approve=("gw_supplier", {}),
                   **{"return": ("gw_summary_merge", {"exit": "t", "enter": "t",
                                                      "via": [(None, return_bus), (x(1), None)]})})
    p.flow("gw_supplier", "township_supplier_opinion", "乡镇补齐", "supplied_by_township")
    p.flow("gw_supplier", "unit_opinion", "派出单位选派", default=True, exit="b")
    p.flow("township_supplier_opinion", "gw_opinion_merge")
    p.flow("unit_opinion", "gw_opinion_merge", exit="r", enter="b", via=[(x(7), None)])
    p.flow("gw_opinion_merge", "county_grade", exit="t", enter="l", via=[(None, y("county", "main"))])
    p.flow("county_grade", "gw_grade")
    p.flow("gw_grade", "end_incompetent", "不称职", 'grade == "incompetent"', exit="t")
    p.flow("gw_grade", "end_graded", "优秀、称职、基本称职", default=True)
    return p


PROCESSES = {"mid_term_replacement": mid_term_replacement, "handover": handover, "recall": recall,
             "unit_duties": unit_duties, "dispatch": dispatch, "leave": leave, "assessment": assessment}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if a committed file is out of date")
    ap.add_argument("--svg", type=Path, help="also write SVG previews into this directory")
    args = ap.parse_args(argv)
    stale = []
    for key, build in PROCESSES.items():
        proc = build()
        xml = proc.to_xml()
        path = BPMN_DIR / f"{key}.bpmn"
        if args.check:
            if not path.exists() or path.read_bytes() != xml:
                stale.append(path.name)
        else:
            path.write_bytes(xml)
        if args.svg:
            args.svg.mkdir(parents=True, exist_ok=True)
            (args.svg / f"{key}.svg").write_text(svg_preview(proc), encoding="utf-8")
    if stale:
        print("out of date (run tools/build_bpmn.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

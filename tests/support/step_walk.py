"""A replacement, its handover and a recall, step by step as each holder meets them: what each
task page must show (the data the step decides on) and the step's own decision words. Shared by
the page test (tests/web) and the browser test (tests/e2e); imported by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HANDOVER_LIST = {"village_situation": "村情已逐项介绍", "household_situation": "脱贫户 36 户逐户交接",
                 "policy_situation": "衔接政策已讲清", "open_projects": "村道硬化在建，完成 60%",
                 "funds": "帮扶资金余 1.2 万元", "archives": "帮扶档案 12 卷"}
REPLACEMENT = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
               "reason": "health", "justification": "长期病休，无法坚持驻村", "nominee_id": "c-sunhao",
               "evidence": ["体检报告", "县人民医院诊断证明"]}
RECALL = {"cadre_id": "c-wangqiang", "source": "assessment", "finding": "年度考核不称职，多次无故离岗",
          "evidence": ["考核结果通报"]}


@dataclass(frozen=True)
class Step:
    case: str  # "replacement" | "handover" | "recall"
    spec_id: str
    name: str  # the step's name people read
    login: str
    words: tuple[str, ...]  # the decision words offered, in order
    shows: tuple[str, ...]  # texts of what the step decides on, visible on its page
    focus: str  # the id of the section marked as the step's basis (shown first)
    decision: str = "approve"
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)


STEPS: tuple[Step, ...] = (
    Step("replacement", "township_consent", "乡镇党委政府审核", "tw_qingshan", ("同意", "不同意", "退回修改"),
         ("张伟", "孙浩", "中共正式党员", "身体健康原因", "长期病休，无法坚持驻村", "县人民医院诊断证明"),
         "request", "return", "请补充县人民医院诊断证明原件"),
    Step("replacement", "revise_request", "修改调整申请", "hr_edu", ("重新提交", "撤回申请"),
         ("乡镇党委政府审核", "退回修改", "请补充县人民医院诊断证明原件"), "opinions", "resubmit",
         "已补充原件"),
    Step("replacement", "township_consent", "乡镇党委政府审核", "tw_qingshan", ("同意", "不同意", "退回修改"),
         ("孙浩", "重新提交", "已补充原件"), "request", comment="同意调整"),
    Step("replacement", "county_consent", "县驻村工作领导小组审核", "county", ("同意", "不同意", "退回修改"),
         ("孙浩", "乡镇党委政府审核", "同意调整"), "request", comment="同意"),
    Step("replacement", "org_dept_filing", "县委组织部审核备案", "orgdept",
         ("予以备案", "不予备案", "退回修改"),
         ("孙浩", "县驻村工作领导小组审核", "符合条件"), "request", comment="予以备案"),
    Step("handover", "confirm_arrival", "确认新任干部到岗", "tw_qingshan", ("确认到岗",),
         ("张伟", "孙浩", "上庄村"), "parties", data={"arrival_date": "ARRIVAL"}),
    Step("handover", "prepare_handover_list", "原任干部编制交接清单", "cadre_zhangwei", ("提交清单",),
         ("孙浩", "ARRIVAL"), "parties", data=HANDOVER_LIST),
    Step("handover", "review_handover_list", "新任干部确认交接清单", "cadre_sunhao", ("确认清单", "退回补充"),
         tuple(HANDOVER_LIST.values()), "handover_list"),
    Step("handover", "sign_old", "原任干部签字确认", "cadre_zhangwei", ("签字确认",),
         ("村道硬化在建，完成 60%", "尚未签字"), "handover_list"),
    Step("handover", "sign_new", "新任干部签字确认", "cadre_sunhao", ("签字确认",),
         ("帮扶档案 12 卷", "签字确认（"), "handover_list"),
    Step("handover", "witness_handover", "乡镇党委政府监交确认", "tw_qingshan", ("确认监交",),
         ("张伟", "孙浩", "签字确认（", "帮扶资金余 1.2 万元"), "signatures"),
    Step("handover", "transfer_party_relation", "党组织关系转接确认", "hr_edu", ("确认已转接",),
         ("ARRIVAL", "确认监交"), "arrival", data={"party_transfer_date": "ARRIVAL"}),
    Step("recall", "verify_finding_org_dept", "县委组织部核实问题", "orgdept", ("属实", "不属实"),
         ("王强", "年度考核不称职，多次无故离岗", "考核", "考核结果通报"), "case", comment="经核实属实"),
    Step("recall", "cadre_statement", "本人陈述", "cadre_wangqiang", ("提交陈述",),
         ("年度考核不称职，多次无故离岗", "经核实属实"), "case",
         data={"statement": "家中老人住院，离岗均已补假，今后严守纪律"}),
    Step("recall", "county_decision", "县驻村工作领导小组决定", "county", ("限期整改", "召回"),
         ("家中老人住院，离岗均已补假，今后严守纪律", "属实"), "statement", "recall", "考核不称职，予以召回"),
    Step("recall", "record_accountability", "召回并记录问责", "county", ("确认召回",),
         ("召回", "考核不称职，予以召回"), "opinions", data={"accountability_measures": "诫勉谈话"}),
    Step("recall", "nominate_replacement", "派出单位提名接任人选", "hr_power", ("提交提名",),
         ("诫勉谈话",), "accountability", data={"nominee_id": "c-wuting", "effective_date": "EFFECTIVE"}),
    Step("recall", "replacement_filing_org_dept", "县委组织部审核备案接任人选", "orgdept",
         ("予以备案", "退回重新提名"), ("吴婷", "中共正式党员", "EFFECTIVE"), "replacement", comment="同意"),
)


def fill(value: Any, dates: dict[str, str]) -> Any:
    """`value` with the date placeholders (ARRIVAL, EFFECTIVE) replaced by the walk's dates."""
    if isinstance(value, str):
        return dates.get(value, value)
    if isinstance(value, dict):
        return {k: fill(v, dates) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(fill(v, dates) for v in value)
    return value

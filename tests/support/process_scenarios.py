"""Every path of the processes as a scenario (shared by the round-trip and canonical-state tests)."""

from __future__ import annotations

from collections.abc import Callable

from process_support import (
    ELIGIBLE_FACTS,
    HANDOVER_LIST,
    TEMPORARY_FACTS,
    Run,
    adjustment_data,
    assessment_data,
    cst,
    handover_data,
    recall_data,
)

Scenario = Callable[[Run], None]
NOMINEE = {"nominee_id": "cadre_rep", "effective_date": "2026-12-01"}


def mid_approved_with_return_and_reminders(run: Run) -> None:
    run.fire(cst(2026, 9, 30, 9, 0, 1))  # township reminder
    run.do("township_consent", "approve", at=cst(2026, 10, 8, 9, 0))
    run.do("county_consent", "return", comment="补充材料")
    run.do("revise_request", "resubmit", data={"justification": "已补充", "effective_date": "2026-11-16"})
    run.do("township_consent", "approve")
    run.do("county_consent", "approve")
    run.fire(cst(2026, 10, 30, 9, 0))  # filing reminder and escalation
    filing = "org_dept_filing" if run.data["role"] == "first_secretary" else "rrb_filing"
    run.do(filing, "approve")


def mid_rejected_at_filing(run: Run) -> None:
    run.do("township_consent", "approve")
    run.do("county_consent", "approve")
    run.do("org_dept_filing", "reject", comment="不予备案")


def mid_withdrawn_by_message(run: Run) -> None:
    run.fire(cst(2026, 9, 30, 10, 0))
    run.message("withdraw", {"by": "hr_jiaoyu"})


def mid_revision_timeout(run: Run) -> None:
    run.do("township_consent", "return", comment="补充")
    run.fire(cst(2026, 10, 20, 9, 0))


def mid_revision_withdrawn(run: Run) -> None:
    run.do("township_consent", "return", comment="补充")
    run.do("revise_request", "withdraw")


def handover_full(run: Run) -> None:
    run.fire(cst(2026, 10, 15, 9, 0, 1))  # arrival reminder + escalation
    run.do("confirm_arrival", "approve", data={"arrival_date": "2026-10-15"})
    run.do("prepare_handover_list", "approve", data=HANDOVER_LIST)
    run.do("review_handover_list", "return", comment="补充档案")
    run.do("prepare_handover_list", "approve", data=HANDOVER_LIST)
    run.do("review_handover_list", "approve")
    run.do("sign_new", "approve")
    run.fire(cst(2026, 11, 30, 9, 0))  # sign_old's timers while sign_new is done
    run.do("sign_old", "approve")
    run.do("witness_handover", "approve")
    run.do("transfer_party_relation", "approve", data={"party_transfer_date": "2026-12-01"})


def recall_rectified(run: Run) -> None:
    run.do("verify_finding_org_dept", "approve")
    run.fire(cst(2026, 10, 30, 9, 0))  # statement silence
    run.do("county_decision", "rectify", comment="整改")
    run.do("rectification", "approve", data={"rectification_report": "报告"})
    run.do("recheck_rectification_org_dept", "approve")


def recall_failed_rectification(run: Run) -> None:
    run.do("verify_finding_rrb", "approve")
    run.do("cadre_statement", "approve", data={"statement": "说明"})
    run.do("county_decision", "rectify", comment="整改")
    run.fire(cst(2026, 12, 1, 9, 0))  # rectification deadline
    run.do("recheck_rectification_rrb", "reject", comment="不到位")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"})
    run.do("nominate_replacement", "approve", data=NOMINEE, trusted={"nominee_facts": TEMPORARY_FACTS})
    run.do("nominate_replacement", "approve", data=NOMINEE, trusted={"nominee_facts": ELIGIBLE_FACTS})
    run.do("replacement_filing_rrb", "return", comment="另选")
    run.do("nominate_replacement", "approve", data=NOMINEE, trusted={"nominee_facts": ELIGIBLE_FACTS})
    run.do("replacement_filing_rrb", "approve")


def recall_direct(run: Run) -> None:
    run.do("verify_finding_org_dept", "approve")
    run.do("cadre_statement", "approve", data={"statement": "说明"})
    run.do("county_decision", "recall", comment="召回")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"})
    run.fire(cst(2026, 11, 30, 9, 0))  # nomination reminder and escalation
    run.do("nominate_replacement", "approve", data=NOMINEE, trusted={"nominee_facts": ELIGIBLE_FACTS})
    run.do("replacement_filing_org_dept", "approve")


def recall_unfounded(run: Run) -> None:
    run.do("verify_finding_org_dept", "reject", comment="不属实")


def assessment_returned_and_reminded(run: Run) -> None:
    run.fire(cst(2026, 10, 15, 9, 0, 1))  # the summary's reminder and escalation (P10D)
    run.do("self_summary", "approve", data={"summary": "全年驻村 230 天"})
    run.do("township_evaluation", "return", comment="补充帮扶项目")
    run.do("self_summary", "approve", data={"summary": "全年驻村 230 天，引进项目 2 个"})
    run.do("township_evaluation", "approve", comment="表现良好",
           data={"township_suggested_grade": "competent"})
    run.do("unit_opinion", "approve", comment="同意乡镇意见")
    run.do("county_grade", "approve", data={"grade": "competent"})


def assessment_supplied_by_township(run: Run) -> None:
    run.do("self_summary", "approve", data={"summary": "述职"})
    run.do("township_evaluation", "approve", comment="优秀")
    run.do("township_supplier_opinion", "approve", comment="建议优秀",
           data={"unit_suggested_grade": "excellent"})
    run.do("county_grade", "approve", data={"grade": "excellent"})


SCENARIOS: dict[str, tuple[str, dict, Scenario, str, bool]] = {
    # name: (process, start data, scenario, final status, handover_requested thrown)
    "mid_fs_approved": ("mid_term_replacement", adjustment_data(), mid_approved_with_return_and_reminders,
                        "completed", True),
    "mid_tm_approved": ("mid_term_replacement", adjustment_data(role="team_member"),
                        mid_approved_with_return_and_reminders, "completed", True),
    "mid_rejected": ("mid_term_replacement", adjustment_data(), mid_rejected_at_filing, "rejected", False),
    "mid_withdrawn": ("mid_term_replacement", adjustment_data(), mid_withdrawn_by_message, "withdrawn",
                      False),
    "mid_timeout": ("mid_term_replacement", adjustment_data(), mid_revision_timeout, "withdrawn", False),
    "mid_revision_withdrawn": ("mid_term_replacement", adjustment_data(), mid_revision_withdrawn, "withdrawn",
                               False),
    "handover": ("handover", handover_data(), handover_full, "completed", False),
    "recall_rectified": ("recall", recall_data(), recall_rectified, "completed", False),
    "recall_failed": ("recall", recall_data(role="team_member"), recall_failed_rectification, "completed",
                      True),
    "recall_direct": ("recall", recall_data(), recall_direct, "completed", True),
    "recall_unfounded": ("recall", recall_data(), recall_unfounded, "rejected", False),
    "assessment_returned": ("assessment", assessment_data(), assessment_returned_and_reminded, "completed",
                            False),
    "assessment_township": ("assessment", assessment_data(
        role="team_member", supplier_id="t_dongxiang", supplied_by_township=True, unit_id=None),
        assessment_supplied_by_township, "completed", False),
}

# The timers each scenario passes through (so a scenario that silently stops waiting is noticed).
FIRED = {
    "mid_fs_approved": ["township_consent_reminder", "org_dept_filing_reminder",
                        "org_dept_filing_escalation"],
    "mid_tm_approved": ["township_consent_reminder", "rrb_filing_reminder", "rrb_filing_escalation"],
    "mid_withdrawn": ["township_consent_reminder"],
    "mid_timeout": ["revise_request_deadline"],
    "handover": ["confirm_arrival_reminder", "confirm_arrival_escalation", "sign_old_reminder",
                 "sign_old_escalation"],
    "recall_rectified": ["cadre_statement_deadline"],
    "recall_failed": ["rectification_deadline"],
    "recall_direct": ["nominate_replacement_reminder", "nominate_replacement_escalation"],
    "assessment_returned": ["self_summary_reminder", "self_summary_escalation"],
}

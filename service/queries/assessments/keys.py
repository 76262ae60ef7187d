"""How an assessment instance is named: its process key and business keys (the commands start
them under these names, the reads find them by them)."""

from __future__ import annotations

from datetime import date

PROCESS_KEY = "assessment"
ANNUAL, TERM_END = "annual", "term_end"


def annual_prefix(year: int) -> str:
    return f"{PROCESS_KEY}:{ANNUAL}:{year}:"


def annual_business_key(year: int, cadre_id: str) -> str:
    """One cadre's assessment of a year's round."""
    return f"{annual_prefix(year)}{cadre_id}"


def term_end_business_key(posting_id: int, planned_end: date) -> str:
    """One term's end: a posting whose planned end moves gets another."""
    return f"{PROCESS_KEY}:{TERM_END}:{posting_id}:{planned_end.isoformat()}"


def recall_business_key(assessment_id: str) -> str:
    """The recall a 不称职 grade opened."""
    return f"recall:{PROCESS_KEY}:{assessment_id}"

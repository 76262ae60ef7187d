"""在岗管理 feeds the assessment: each step of a cadre's assessment shows the year's days in the
village, month by month against the rule, and the leaves (a module of its own: a fresh county
with no round opened yet)."""

from __future__ import annotations

from typing import Any

from page_client import Browser


def test_the_assessment_shows_the_years_presence(app: Any, clock: Any, client: Any, auth: Any) -> None:
    recorded = client.post("/api/v1/presence", headers=auth("cadre_zhangwei"),
                           json={"year": 2026, "month": 11, "days_present": 15, "note": "参加培训"})
    assert recorded.status_code == 201, recorded.get_json()
    county = Browser(app, "county")
    assert county.post("/assessments/rounds", {"year": "2026"}, page="/assessments").status_code == 302
    inbox = client.get("/api/v1/tasks?per_page=100", headers=auth("cadre_zhangwei")).get_json()["items"]
    [task] = [t for t in inbox if t["name"] == "本人述职"]
    page = Browser(app, "cadre_zhangwei").get(f"/tasks/{task['id']}")
    section = page.split('id="section-presence"')[1].split("</section>")[0]
    assert "2026年在岗情况" in page and "11月 15/20 天（不足）" in section
    assert "在村不足的月份" in section and "1 个月" in section

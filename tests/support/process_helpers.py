"""HTTP helpers for the process scenario tests (imported by name: test dirs are not packages)."""

from __future__ import annotations

import re
from typing import Any

FS_REQUEST = {
    "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
    "reason": "health", "justification": "", "nominee_id": "c-sunhao",
    "effective_date": "2026-12-20", "evidence": ["体检报告"],
}
HANDOVER_LIST = {"village_situation": "村情已介绍", "household_situation": "户况已逐户交接",
                 "policy_situation": "政策已讲清", "open_projects": "道路硬化在建",
                 "funds": "帮扶资金 1 万元",
                 "archives": "档案 12 卷"}


class Api:
    """A thin client: every call names the acting demo user."""

    def __init__(self, client: Any, auth: Any) -> None:
        self.client, self.auth = client, auth

    def get(self, login: str, path: str, status: int = 200) -> Any:
        response = self.client.get(f"/api/v1{path}", headers=self.auth(login))
        assert response.status_code == status, (path, response.status_code, response.get_json())
        return response.get_json()

    def post(self, login: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.post(f"/api/v1{path}", json=body if body is not None else {},
                                    headers=self.auth(login))
        assert response.status_code == status, (path, response.status_code, response.get_json())
        return response.get_json()

    def inbox(self, login: str) -> list[dict]:
        return self.get(login, "/tasks?per_page=100")["items"]

    def task_of(self, login: str, instance_id: str, spec_id: str | None = None) -> dict:
        items = [t for t in self.inbox(login) if t["instance_id"] == instance_id
                 and (spec_id is None or t["spec_id"] == spec_id)]
        assert len(items) == 1, (login, instance_id, spec_id, items)
        return items[0]

    def act(self, login: str, instance_id: str, decision: str = "approve", comment: str = "",
            data: dict | None = None, spec_id: str | None = None, status: int = 200) -> Any:
        task = self.task_of(login, instance_id, spec_id)
        return self.post(login, f"/tasks/{task['id']}/complete",
                         {"decision": decision, "comment": comment, "data": data or {}}, status)

    def instance(self, login: str, instance_id: str) -> dict:
        return self.get(login, f"/instances/{instance_id}")

    def postings(self, village_id: str, role: str) -> list[tuple[str, bool]]:
        cadres = self.get("admin", f"/cadres?per_page=100&village_id={village_id}&role={role}")["items"]
        return sorted(c["id"] for c in cadres)


# The facts of a cadre a test makes (eligible as a team member, and as a first secretary).
STAFF = {"party_status": "formal", "party_member_since": "2016-07-01", "party_confirmed_on": "2017-07-01",
         "work_start_date": "2014-08-01", "employment_type": "formal_staff", "birth_date": "1993-05-05",
         "post": "科员", "rural_expertise": True}


def new_cadre(api: Api, login: str, cadre_id: str, name: str, org_id: str) -> None:
    """A cadre of `org_id` (a unit or a township), made by `login` through the roster API."""
    api.post(login, "/cadres", {**STAFF, "id": cadre_id, "name": name, "unit_id": org_id}, status=201)


def cadre_account(api: Api, tokens: dict[str, str], cadre_id: str, name: str) -> str:
    """An account for a cadre a test made, its API token put into `tokens` (the demo cadres have
    theirs); returns the login."""
    login = "cadre_" + cadre_id.removeprefix("c-").replace("-", "_")
    api.post("admin", "/users", {"login": login, "display_name": name,
                                 "roles": [{"role": "cadre", "scope_id": cadre_id}]}, status=201)
    tokens[login] = api.post("admin", f"/users/{login}/password", {"rotate_token": True})["token"]
    return login


def post_team_member(api: Api, login: str, cadre_id: str, village_id: str, term_start: str) -> dict:
    posting = {"cadre_id": cadre_id, "village_id": village_id, "role": "team_member",
               "term_start": term_start}
    return api.post(login, "/postings", posting, status=201)


def problem_fields(body: dict) -> dict[str, list[str]]:
    assert set(body) >= {"type", "title", "status", "detail", "errors"}, body
    return body["errors"]


def problem_rules(body: dict) -> dict[str, list[str]]:
    """The violated rules' codes by request field (the machine-readable `violations`); the
    `errors` people read carry only the Chinese messages."""
    out: dict[str, list[str]] = {}
    for v in body.get("violations", []):
        out.setdefault(v["field"], []).append(v["rule"])
    for field, messages in body["errors"].items():
        assert not any(re.match(r"[a-z0-9_]+: ", m) for m in messages), (field, messages)
    return out

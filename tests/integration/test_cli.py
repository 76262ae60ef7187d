"""`cadreflow` commands: init-db, seed-demo --tokens-json, users create, users token rotate|revoke."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli


@pytest.fixture
def run(empty_db_url):
    runner = CliRunner()

    def invoke(*args, env=None):
        result = runner.invoke(cli, list(args), env={"CADREFLOW_DATABASE_URL": empty_db_url, **(env or {})})
        return result

    invoke.db_url = empty_db_url
    return invoke


def tables(url):
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def client_for(url):
    from app_support import build_app

    return build_app(url).test_client()


def test_init_db_creates_every_table_and_is_repeatable(run):
    assert tables(run.db_url) == set()
    result = run("init-db")
    assert result.exit_code == 0, result.output
    assert {"orgs", "villages", "cadres", "postings", "users", "user_roles", "process_definitions",
            "process_instances", "human_tasks", "pending_timers", "history_events", "notifications",
            "calendar_years", "alembic_version"} <= tables(run.db_url)
    assert run("init-db").exit_code == 0


def test_seed_demo_writes_usable_tokens_and_keeps_them_on_rerun(run, tmp_path):
    tokens_file = tmp_path / "demo-tokens.json"
    assert run("init-db").exit_code == 0
    result = run("seed-demo", "--tokens-json", str(tokens_file))
    assert result.exit_code == 0, result.output
    tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
    assert {"hr_edu", "tw_qingshan", "county", "orgdept", "rrb", "auditor", "admin"} <= set(tokens)
    assert tokens["admin"] in result.output
    client = client_for(run.db_url)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['hr_edu']}"})
    assert me.status_code == 200 and me.get_json()["login"] == "hr_edu"
    assert run("seed-demo", "--tokens-json", str(tokens_file)).exit_code == 0
    assert json.loads(tokens_file.read_text(encoding="utf-8")) == tokens


def test_users_create_prints_a_working_token(run):
    assert run("init-db").exit_code == 0
    assert run("seed-demo").exit_code == 0
    result = run("users", "create", "hr_edu2", "--role", "unit_hr", "--scope", "unit-edu", "--name", "李四")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1].removeprefix("token: ")
    me = client_for(run.db_url).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["display_name"] == "李四"
    assert [(r["role"], r["scope_id"]) for r in me["roles"]] == [("unit_hr", "unit-edu")]


def token_expiry_of(url, login):
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            value = conn.execute(sa.text("SELECT token_expires_at FROM users WHERE login = :login"),
                                 {"login": login}).scalar()
    finally:
        engine.dispose()
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_users_create_issues_a_token_for_the_configured_days(run):
    assert run("init-db").exit_code == 0
    assert run("seed-demo").exit_code == 0
    before = datetime.now(UTC)
    result = run("users", "create", "rrb2", "--role", "rrb", env={"CADREFLOW_TOKEN_DAYS": "30"})
    assert result.exit_code == 0, result.output
    assert "访问令牌有效期至" in result.output
    expires = token_expiry_of(run.db_url, "rrb2")
    assert before + timedelta(days=30) <= expires <= datetime.now(UTC) + timedelta(days=30)


def test_users_token_rotate_and_revoke(run, tmp_path):
    tokens_file = tmp_path / "demo-tokens.json"
    assert run("init-db").exit_code == 0
    assert run("seed-demo", "--tokens-json", str(tokens_file)).exit_code == 0
    old = json.loads(tokens_file.read_text(encoding="utf-8"))["hr_edu"]
    client = client_for(run.db_url)

    def me(token):
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code

    before = datetime.now(UTC)
    result = run("users", "token", "rotate", "hr_edu", "--days", "7")
    assert result.exit_code == 0, result.output
    assert "有效期至" in result.output
    new = result.output.strip().splitlines()[-1].removeprefix("token: ")
    assert (me(new), me(old)) == (200, 401)  # the old token stops working at once
    expires = token_expiry_of(run.db_url, "hr_edu")
    assert before + timedelta(days=7) <= expires <= datetime.now(UTC) + timedelta(days=7)

    result = run("users", "token", "revoke", "hr_edu")
    assert result.exit_code == 0 and "已吊销用户 hr_edu 的访问令牌" in result.output
    assert me(new) == 401

    for args in (["rotate", "nobody"], ["revoke", "nobody"]):
        result = run("users", "token", *args)
        assert result.exit_code != 0 and "用户 nobody 不存在" in result.output
    assert run("users", "token", "rotate", "hr_edu", "--days", "0").exit_code != 0


def test_users_create_defaults_county_scope(run):
    assert run("init-db").exit_code == 0
    assert run("seed-demo").exit_code == 0
    result = run("users", "create", "auditor2", "--role", "auditor")
    assert result.exit_code == 0, result.output
    assert "county:county" in result.output


@pytest.mark.parametrize("args", [
    ["--role", "unit_hr", "--scope", "tw-qingshan"],  # a township is not a dispatch unit
    ["--role", "unit_hr"],  # unit_hr needs a scope
    ["--role", "cadre", "--scope", "c-nobody"],
    ["--role", "emperor", "--scope", "county"],
])
def test_users_create_refuses_bad_role_or_scope(run, args):
    assert run("init-db").exit_code == 0
    assert run("seed-demo").exit_code == 0
    result = run("users", "create", "someone", *args)
    assert result.exit_code != 0
    engine = sa.create_engine(run.db_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM users WHERE login = 'someone'")).scalar() == 0
    engine.dispose()


def test_bad_deadline_setting_stops_the_command(run):
    result = run("init-db", env={"CADREFLOW_DEADLINE_HANDOVER": "ten days"})
    assert result.exit_code != 0
    assert "CADREFLOW_DEADLINE_HANDOVER" in result.output


def test_console_script_is_declared():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["cadreflow"] == "service.cli:main"

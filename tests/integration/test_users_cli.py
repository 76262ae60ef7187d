"""From an empty database to a working county: `init-db`, then `users create` makes the first
administrator, who signs in and manages users from there. The command line runs the same checks
and writes the same change log as the pages."""

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from user_admin_helpers import page_login

from service.cli import cli


@pytest.fixture
def run(empty_db_url):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), env={"CADREFLOW_DATABASE_URL": empty_db_url})

    invoke.db_url = empty_db_url
    return invoke


def roster_log(url):
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT actor_login, actor_role, entity, entity_id, action, after, source"
                " FROM roster_changes ORDER BY id")).all()
    finally:
        engine.dispose()
    return [(*r[:5], json.loads(r[5]) if isinstance(r[5], str) else r[5], r[6]) for r in rows]


def test_the_first_admin_of_an_empty_database(run):
    from app_support import build_app, dispose

    assert run("init-db").exit_code == 0
    result = run("users", "create", "chief", "--role", "admin", "--name", "县驻村办 管理员",
                 "--password", "first-admin-password")
    assert result.exit_code == 0, result.output
    assert "范围 county:county" in result.output
    token = result.output.strip().splitlines()[-1].removeprefix("token: ")

    app = build_app(run.db_url)
    client = app.test_client()
    assert page_login(client, "chief", "first-admin-password").status_code == 302
    assert client.get("/users").status_code == 200
    listed = app.test_client().get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert [u["login"] for u in listed.get_json()["items"]] == ["chief"]
    [entry] = roster_log(run.db_url)
    assert entry[:5] == ("system", "system", "user", "chief", "create") and entry[6] == "cli"
    assert entry[5]["password"] == "已设置初始密码" and "first-admin-password" not in json.dumps(entry[5])
    dispose(app)

    again = run("users", "create", "chief", "--role", "admin")  # already held: a new token only
    assert again.exit_code == 0, again.output
    assert len(roster_log(run.db_url)) == 1


@pytest.mark.parametrize(("args", "words"), [
    (["Chief", "--role", "admin"], "小写"),
    (["chief", "--role", "admin", "--password", "short"], "至少 10"),
    (["chief", "--role", "unit_hr", "--scope", "unit-x"], "不存在"),
])
def test_the_command_line_refuses_what_the_pages_refuse(run, args, words):
    assert run("init-db").exit_code == 0
    result = run("users", "create", *args)
    assert result.exit_code != 0 and words in result.output
    assert roster_log(run.db_url) == []

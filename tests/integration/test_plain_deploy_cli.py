"""`cadreflow deploy` of diagrams drawn in bpmn.io / Camunda Modeler: each version is reported
with the warnings of what was filled in, naming the elements; a file that cannot run is refused
naming every element that cannot, and nothing of it is deployed."""

from pathlib import Path

from click.testing import CliRunner

from service.cli import cli

PLAIN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "plain"


def test_deploy_prints_the_warnings_and_refuses_what_cannot_run(empty_db_url):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, list(args), env={"CADREFLOW_DATABASE_URL": empty_db_url})

    assert run("init-db").exit_code == 0
    result = run("deploy", str(PLAIN / "cadre_leave.bpmn"), str(PLAIN / "village_visit.bpmn"))
    assert result.exit_code == 0, (result.output, result.exception)
    lines = result.output.splitlines()
    assert lines[0].startswith("cadre_leave v1 已部署")
    assert "  提示：用户任务 Activity_0y4hx2n（填写请假申请）：按所在泳道“驻村干部”" in result.output
    assert "Process_0m4x7qa v1 已部署" in result.output
    assert any(line.startswith("  提示：任务 Activity_1w0s6ya（准备走访材料）：普通任务") for line in lines)

    again = run("deploy", str(PLAIN / "cadre_leave.bpmn"))
    assert "cadre_leave v1 内容未变，沿用" in again.output and "提示：" in again.output

    refused = run("deploy", str(PLAIN / "credit_check.bpmn"))
    assert refused.exit_code != 0
    assert "Activity_0q9credit" in refused.output and "Activity_1k2reply" in refused.output
    assert "credit_check v1" not in refused.output

"""api.md command line: `cadreflow deploy PATH...` deploys files or directories and reports each
process's version; `cadreflow audit verify [--all | ID...]`."""

import json

from click.testing import CliRunner

from service.cli import cli

BPMN_DIR = __import__("pathlib").Path(__file__).resolve().parents[2] / "bpmn"


def test_deploy_reports_each_version_for_a_file_and_a_directory(empty_db_url, tmp_path):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), env={"CADREFLOW_DATABASE_URL": empty_db_url})

    assert run("init-db").exit_code == 0
    result = run("deploy", str(BPMN_DIR / "handover.bpmn"))
    assert result.exit_code == 0, (result.output, result.exception)
    assert "handover v1" in result.output
    result = run("deploy", str(BPMN_DIR))
    assert result.exit_code == 0, (result.output, result.exception)
    for key in ("handover", "mid_term_replacement", "recall"):
        assert f"{key} v1" in result.output
    changed = tmp_path / "handover.bpmn"
    changed.write_text((BPMN_DIR / "handover.bpmn").read_text(encoding="utf-8")
                       .replace("工作交接", "工作交接（修订）", 1), encoding="utf-8")
    result = run("deploy", str(changed))
    assert result.exit_code == 0, (result.output, result.exception)
    assert "handover v2" in result.output
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<x/>", encoding="utf-8")
    result = run("deploy", str(bad))
    assert result.exit_code != 0 and "bpmn:definitions" in result.output

    tokens_file = tmp_path / "tokens.json"
    assert run("seed-demo", "--tokens-json", str(tokens_file)).exit_code == 0
    assert "admin" in json.loads(tokens_file.read_text(encoding="utf-8"))
    result = run("audit", "verify", "--all")
    assert result.exit_code == 0, result.output

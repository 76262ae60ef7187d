"""加签, 抄送 and 会签 in chromium: a township adds the county before itself (前加签), the county
signs from its 待办 and the township then decides; the township copies the case to another
township, which reads it and can do nothing; a countersign step signed by both of its signers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from process_helpers import FS_REQUEST

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

COUNTERSIGN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "countersign.bpmn"


def api(page: Any, token: str, method: str, path: str, **kwargs: Any) -> Any:
    response = getattr(page.request, method)(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"},
                                             **kwargs)
    assert response.ok, response.text()
    return response.json()


def test_before_signer_then_the_holder_and_a_reader(user_page: Any, shoot: Any, databases: Any) -> None:
    tokens = databases.seeded_template("sqlite")[1]
    township = user_page("tw_qingshan")
    iid = api(township, tokens["hr_edu"], "post", "/adjustments", data=FS_REQUEST)["instance_id"]
    task = next(t for t in api(township, tokens["tw_qingshan"], "get", "/tasks")["items"]
                if t["instance_id"] == iid)
    township.goto(f"/tasks/{task['id']}")
    expect(township.locator("#add-signer")).to_be_visible()
    township.click("#submit-signer")  # nothing chosen: errors beside the fields
    expect(township.locator("#add-signer")).to_contain_text("请填写加签人的姓名")
    expect(township.locator("#add-signer")).to_contain_text("请选择加签方式")
    shoot(township, "signers-01-errors")
    township.fill("#signer-picker", "林涛")
    township.check("#add-signer input[name=mode][value=before]")
    township.fill("#add-signer textarea[name=reason]", "涉及跨乡调配，请县里先把关")
    township.click("#submit-signer")
    expect(township.locator(".flash.ok")).to_contain_text("已前加签")
    expect(township.locator("#signer-pending")).to_contain_text("县驻村工作领导小组 林涛")
    expect(township.locator("#submit-decision")).to_be_disabled()
    shoot(township, "signers-02-holder-waits")

    county = user_page("county")
    county.goto("/inbox")
    row = county.locator("tr", has_text="请您加签")
    expect(row).to_have_count(1)
    row.locator("a").first.click()
    expect(county.locator("#sign")).to_be_visible()
    shoot(county, "signers-03-signer-signs")
    county.check("#sign input[name=decision][value=approve]")
    county.fill("#sign textarea[name=comment]", "同意调配")
    county.click("#submit-sign")
    expect(county.locator(".flash.ok")).to_contain_text("任务已回到办理人处")

    township.goto(f"/tasks/{task['id']}")
    expect(township.locator("#signers")).to_contain_text("同意调配")
    # 抄送 before deciding: the case stays readable to the reader after the step is done
    township.fill("#cc .reader-picker >> nth=0", "徐丽")
    township.fill("#cc textarea[name=note]", "白水乡有类似情况，请参阅")
    township.click("#submit-cc")
    expect(township.locator(".flash.ok")).to_contain_text("已抄送 1 人")
    township.check("#decide input[name=decision][value=approve]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok")).to_contain_text("已办理")

    reader = user_page("tw_baishui")
    reader.goto(f"/instances/{iid}")
    expect(reader.locator("#copied-to-me")).to_contain_text("白水乡有类似情况，请参阅")
    expect(reader.locator("main form")).to_have_count(0)  # reads, acts on nothing
    shoot(reader, "signers-04-reader")
    api(township, tokens["admin"], "post", f"/instances/{iid}/terminate", data={"reason": "测试结束"})


def test_a_countersign_step_signed_by_both(user_page: Any, shoot: Any, databases: Any) -> None:
    tokens = databases.seeded_template("sqlite")[1]
    admin = user_page("admin")
    xml = COUNTERSIGN.read_bytes().replace(b"RULE", b"all")
    api(admin, tokens["admin"], "post", "/definitions",
        multipart={"files": {"name": "countersign.bpmn", "mimeType": "application/xml", "buffer": xml}})
    iid = api(admin, tokens["admin"], "post", "/definitions/joint_review/instances",
              data={"data": {"signers": ["county", "orgdept"]}})["instance_id"]
    for n, login in enumerate(("county", "orgdept")):
        signer = user_page(login)
        signer.goto("/inbox")
        signer.click("a:text-is('联合会签')")
        expect(signer.locator(".countersign")).to_contain_text("全部同意方通过")
        expect(signer.locator(".countersign")).to_contain_text(f"已签 {n}/2")
        shoot(signer, f"signers-0{5 + n}-countersign-{login}")
        signer.check("#decide input[name=decision][value=approve]")
        signer.click("#submit-decision")
        expect(signer.locator(".flash.ok")).to_be_visible()
    admin.goto(f"/instances/{iid}")
    expect(admin.locator("#instance-status")).to_have_text("已办结")
    expect(admin.locator(".countersign")).to_contain_text("已签 2/2")
    shoot(admin, "signers-07-countersign-done")

"""The roster in and out of Excel (/api/v1/roster): templates, preview naming every bad cell,
all-or-none commit of the previewed file, re-import and export round trip changing nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from roster_workbooks import bad_cells, post_file, read, statuses, workbook

from service.persistence.db import db
from service.persistence.models import Cadre, RosterChange, Village

VILLAGE_HEADERS = ("村编码", "村名称", "所属乡镇编码", "所属乡镇名称", "村类别")
CADRE_HEADERS = ("干部编码", "姓名", "所在单位编码", "政治面貌", "入党时间", "转正时间", "参加工作时间",
                 "用工性质", "出生日期", "现任职务", "有涉农专长")


def change_count(app: Any) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(RosterChange)).scalar_one()


def test_template_has_headers_example_lists_and_frozen_bold_header(client: Any, auth: Any) -> None:
    response = client.get("/api/v1/roster/templates/cadres.xlsx", headers=auth("orgdept"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = read(response.data)["干部"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["干部编码", "姓名", "所在单位编码"] and "转正时间" in headers
    example = {h: c.value for h, c in zip(headers, sheet[2], strict=True)}
    assert example["政治面貌"] == "中共正式党员" and example["用工性质"] == "在编"
    assert isinstance(example["入党时间"], datetime)
    assert sheet.max_row == 2  # the headers and one example
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width > 0
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("中共正式党员" in f and "群众" in f for f in lists.values())
    assert any("正式职工" in f and "临聘" in f for f in lists.values())
    everything = read(client.get("/api/v1/roster/templates/all.xlsx", headers=auth("orgdept")).data)
    assert everything.sheetnames == ["乡镇", "派出单位", "村", "干部", "驻村任职"]
    assert client.get("/api/v1/roster/templates/nothing.xlsx", headers=auth("orgdept")).status_code == 404


def test_a_template_left_as_it_is_imports_nothing(client: Any, auth: Any) -> None:
    template = client.get("/api/v1/roster/templates/all.xlsx", headers=auth("orgdept")).data
    body = post_file(client, auth("orgdept"), template).get_json()
    assert body["ok"] and sum(body["counts"].values()) == 0
    assert all(s["example_row"] == 2 for s in body["sheets"])


def test_preview_names_every_bad_cell_and_writes_nothing(app: Any, client: Any, auth: Any) -> None:
    before = change_count(app)
    content = workbook({
        "村": (VILLAGE_HEADERS, [
            ("v-ok", "新建村", "tw-qingshan", None, "十三五脱贫村、省市红色名村"),  # 2: new
            ("v-x1", "甲村", "tw-nowhere", None, "火星村"),  # 3: unknown township and category
            ("v x2", "", None, "不存在镇", "省市红色名村"),  # 4: space in code, no name, unknown name
            ("v-ok", "重复村", "tw-qingshan", None, "省市红色名村"),  # 5: same code as row 2
        ]),
        "干部": (CADRE_HEADERS, [
            ("c-new1", "新干部", "unit-edu", "党员?", "2020-13-01", None, "去年", "合同工", date(1990, 1, 1),
             None, "也许"),  # 2: unknown label, impossible date, not a date, bad yes/no
            ("c-new2", "新干部二", "unit-edu", "群众", "2015-07-01", None, "2012-08-01", "在编",
             "1990-01-01", None, "否"),  # 3: 群众 with a Party joining date (roster rule)
            ("c-new3", "新干部三", "unit-edu", "中共正式党员", "2015-07-01", "2016-07-01", "2012-08-01",
             "正式职工", "1990/1/1", "科员", "是"),  # 4: fine
        ]),
    })
    response = post_file(client, auth("orgdept"), content)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is False and body["committed"] is False and len(body["id"]) == 64
    cells = bad_cells(body)
    assert "tw-nowhere" in cells[("villages", 3, "所属乡镇编码")][0]
    assert "火星村" in cells[("villages", 3, "村类别")][0]
    assert cells[("villages", 4, "村编码")] == ["编码不能含空格"]
    assert "不存在镇" in cells[("villages", 4, "所属乡镇编码")][0]
    assert "不能为空" in cells[("villages", 4, "村名称")][0]
    assert cells[("villages", 5, "村编码")] == ["与第 2 行重复"]
    assert "应为以下之一" in cells[("cadres", 2, "政治面貌")][0]
    assert cells[("cadres", 2, "入党时间")] == ["日期不存在：2020-13-01"]
    assert "应为日期" in cells[("cadres", 2, "参加工作时间")][0]
    assert "正式职工" in cells[("cadres", 2, "用工性质")][0]
    assert cells[("cadres", 2, "有涉农专长")] == ["应为“是”或“否”"]
    assert "群众" in cells[("cadres", 3, "政治面貌")][0]
    rows = statuses(body)
    assert rows[("villages", 2)] == "new" and rows[("cadres", 4)] == "new"
    assert change_count(app) == before
    with app.app_context():
        assert db.session.get(Village, "v-ok") is None and db.session.get(Cadre, "c-new3") is None


def test_a_refused_row_is_a_bad_cell_too(client: Any, auth: Any) -> None:
    content = workbook({"干部": (("干部编码", "现任职务"), [("c-zhangwei", "教研员"), ("c-lina", "护士长")])})
    body = post_file(client, auth("hr_edu"), content, sheet="cadres").get_json()
    cells = bad_cells(body)
    assert statuses(body) == {("cadres", 2): "changed", ("cadres", 3): "error"}
    assert "无权修改该干部" in cells[("cadres", 3, "整行")][0]
    assert body["sheets"][0]["rows"][0]["changed"] == ["现任职务"]
    assert post_file(client, auth("auditor"), content).status_code == 403


@pytest.mark.parametrize("content, reason", [
    (b"id,name\nv-1,x\n", "只能导入 Excel .xlsx"),
    (b"PK\x03\x04 not really a zip", "文件无法读取"),
    (workbook({"村": (("村名称", "村类别"), [("x", "省市红色名村")])}), "缺少必需的列：村编码"),
    (workbook({"驻村任职": (("干部编码", "村编码"), [("c-lina", "v-shuikou")])}),
     "缺少必需的列：驻村身份、任职起始日期"),
    (workbook({"Sheet1": (("a",), [("b",)])}), "按模板给工作表命名"),
])
def test_files_that_are_not_a_roster_are_refused_whole(client: Any, auth: Any, content: bytes,
                                                        reason: str) -> None:
    response = post_file(client, auth("orgdept"), content)
    assert response.status_code == 422
    assert reason in response.get_json()["errors"]["file"][0]


def test_too_many_rows_are_refused(client: Any, auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.commands.roster_excel import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    content = workbook({"乡镇": (("乡镇编码", "乡镇名称"), [(f"tw-{i}", f"{i}镇") for i in range(3)])})
    response = post_file(client, auth("orgdept"), content)
    assert response.status_code == 422 and "一次最多导入 2 行" in response.get_json()["errors"]["file"][0]


GOOD_VILLAGES = [("v-new1", "新一村", "tw-qingshan", None, "“十四五”省定乡村振兴重点帮扶村"),
                 ("v-new2", "新二村", None, "白水乡", "党组织软弱涣散村、省市红色名村")]


def test_one_bad_row_writes_nothing(make_app: Any, auth: Any) -> None:
    app = make_app()
    client = app.test_client()
    before = change_count(app)
    content = workbook({"村": (VILLAGE_HEADERS, [*GOOD_VILLAGES, ("v-new3", "新三村", "tw-nowhere", None,
                                                                "省市红色名村")])})
    body = post_file(client, auth("orgdept"), content).get_json()
    response = client.post(f"/api/v1/roster/imports/{body['id']}/commit", headers=auth("orgdept"))
    assert response.status_code == 422
    assert "村!第4行 所属乡镇编码" in response.get_json()["errors"]
    assert post_file(client, auth("orgdept"), content, commit=True).status_code == 422
    assert change_count(app) == before
    with app.app_context():
        assert db.session.get(Village, "v-new1") is None


def test_commit_applies_the_previewed_file_once(make_app: Any, auth: Any) -> None:
    app = make_app()
    client = app.test_client()
    before = change_count(app)
    content = workbook({"村": (VILLAGE_HEADERS, GOOD_VILLAGES)})
    preview = post_file(client, auth("orgdept"), content).get_json()
    assert preview["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "error": 0}
    assert change_count(app) == before  # the preview wrote nothing
    response = client.post(f"/api/v1/roster/imports/{preview['id']}/commit", headers=auth("orgdept"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["committed"] is True
    with app.app_context():
        village = db.session.get(Village, "v-new2")
        assert village.township_id == "tw-baishui"  # found by the township's name
        assert village.categories == ["weak_party_org", "red_village"]
        sources = db.session.execute(sa.select(RosterChange.source).where(
            RosterChange.id > before)).scalars().all()
        assert sources == [f"import:{preview['id']}"] * 2
    again = client.post(f"/api/v1/roster/imports/{preview['id']}/commit", headers=auth("orgdept"))
    assert again.get_json()["counts"] == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}
    assert post_file(client, auth("orgdept"), content, commit=True).get_json()["counts"]["unchanged"] == 2
    assert change_count(app) == before + 2
    assert client.post("/api/v1/roster/imports/" + "0" * 64 + "/commit",
                       headers=auth("orgdept")).status_code == 404


def test_export_imports_back_unchanged(make_app: Any, auth: Any) -> None:
    app = make_app()
    client = app.test_client()
    response = client.get("/api/v1/roster/export.xlsx", headers=auth("county"))
    assert response.status_code == 200
    book = read(response.data)
    assert book.sheetnames == ["乡镇", "派出单位", "村", "干部", "驻村任职"]
    postings = book["驻村任职"]
    headers = [c.value for c in postings[1]]
    first = {h: c.value for h, c in zip(headers, postings[2], strict=True)}
    assert first["干部姓名"] and first["村名称"] and first["驻村身份"] in ("驻村第一书记", "驻村工作队员")
    villages = {row[0]: row for row in book["村"].iter_rows(min_row=2, values_only=True)}
    assert villages["v-shangzhuang"][3] == "青山镇" and villages["v-shangzhuang"][4] == "“十三五”脱贫村"
    before = change_count(app)
    body = post_file(client, auth("orgdept"), response.data, commit=True).get_json()
    assert body["ok"] and body["committed"]
    exported = sum(sheet.max_row - 1 for sheet in book.worksheets)
    assert body["counts"] == {"new": 0, "changed": 0, "unchanged": exported, "error": 0}
    assert change_count(app) == before
    one = client.get("/api/v1/roster/export.xlsx?sheet=postings", headers=auth("county"))
    assert read(one.data).sheetnames == ["驻村任职"]
    assert client.get("/api/v1/roster/export.xlsx", headers=auth("hr_edu")).status_code == 403

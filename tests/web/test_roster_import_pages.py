"""名册导入 pages (both databases): who sees the upload form and the export links, the templates
download, a refused file comes back on the form with its reason, the preview names bad cells."""

from __future__ import annotations

import io
import re
from typing import Any

from roster_workbooks import read, workbook

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app: Any, login: str) -> Any:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"login": login, "password": login, "csrf_token": token})
    assert response.status_code == 302
    return client


def upload(client: Any, content: bytes, sheet: str = "all") -> Any:
    token = CSRF.search(client.get("/roster/import").get_data(as_text=True)).group(1)
    return client.post("/roster/import", data={"csrf_token": token, "sheet": sheet,
                                               "file": (io.BytesIO(content), "名册.xlsx")},
                       content_type="multipart/form-data")


def test_who_sees_what(app: Any) -> None:
    page = signed_in(app, "orgdept").get("/roster/import").get_data(as_text=True)
    assert 'id="upload-form"' in page and 'id="exports"' in page and "名册导入" in page
    auditor = signed_in(app, "auditor").get("/roster/import").get_data(as_text=True)
    assert 'id="upload-form"' not in auditor and 'id="exports"' in auditor
    hr = signed_in(app, "hr_edu").get("/roster/import").get_data(as_text=True)
    assert 'id="upload-form"' in hr and 'id="exports"' not in hr
    assert signed_in(app, "cadre_zhangwei").get("/roster/import").status_code == 403


def test_template_and_export_downloads(app: Any) -> None:
    client = signed_in(app, "orgdept")
    template = client.get("/roster/templates/postings.xlsx")
    assert template.status_code == 200 and read(template.data).sheetnames == ["驻村任职"]
    export = client.get("/roster/export.xlsx?sheet=villages")
    assert [r[0] for r in read(export.data)["村"].iter_rows(min_row=2, max_row=2, values_only=True)]


def test_refused_file_and_preview_with_bad_cells(app: Any) -> None:
    client = signed_in(app, "orgdept")
    refused = upload(client, b"not a workbook")
    assert refused.status_code == 422 and "只能导入 Excel .xlsx" in refused.get_data(as_text=True)
    content = workbook({"乡镇": (("乡镇编码", "乡镇名称"), [("tw-new", "新镇"), ("tw-qingshan", "白水乡")])})
    response = upload(client, content)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="bad-cell"' in preview and "已被乡镇" in preview and 'id="commit-form"' not in preview

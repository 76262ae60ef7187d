"""名册导入 pages: choose a sheet, download its template, upload, look at the preview, commit.

The commands (service/commands/roster_excel) read, check and write; these pages only show what
they found. The preview is re-run on every view of it, so it is judged against the roster as it
is now, and the commit applies exactly the previewed file (kept by its sha256).
"""

from __future__ import annotations

import io
import tempfile

from flask import flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from service.commands.roster import may_edit_roster
from service.commands.roster_excel import (
    AUTO,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MIME,
    SHEETS,
    SHEETS_BY_KIND,
    ImportRejected,
    ImportResult,
    commit,
    preview,
    template_workbook,
    upload,
    write_export,
)
from service.commands.roster_excel.view import bad_rows_first, result_view
from service.core.errors import NotFound, ValidationFailed
from service.http.web import bp
from service.http.web.session import require_principal, roles_required

IMPORTERS = ("admin", "org_dept", "unit_hr", "township")
EXPORTERS = ("admin", "org_dept", "county", "rrb", "auditor")
SHOWN_ROWS = 1000  # rows per sheet on the page (bad rows first); the rest are counted only


def _form(error: str | None = None, sheet: str = AUTO, status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    return render_template("web/roster_import.html", sheets=SHEETS, chosen=sheet, error=error,
                           max_mb=MAX_FILE_BYTES // (1024 * 1024), max_rows=MAX_ROWS,
                           may_import=may_edit_roster(principal),
                           may_export=principal.has_role(*EXPORTERS)), status


@bp.get("/roster/import")
@roles_required(*IMPORTERS, *EXPORTERS)
def roster_import() -> tuple[str, int]:
    return _form()


@bp.post("/roster/import")
@roles_required(*IMPORTERS)
def roster_import_upload() -> Response | tuple[str, int]:
    sheet = request.form.get("sheet") or AUTO
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        return _form("请选择要上传的 .xlsx 文件。", sheet, 422)
    try:
        result = upload(require_principal(), chosen.read(), chosen.filename, sheet)
    except ValidationFailed as err:
        return _form(err.detail, sheet, 422)
    return redirect(url_for("web.roster_import_preview", import_id=result.id))


def _preview_page(result: ImportResult, status: int = 200) -> tuple[str, int]:
    view = bad_rows_first(result_view(result))
    for sheet in view["sheets"]:
        sheet["hidden"] = max(len(sheet["rows"]) - SHOWN_ROWS, 0)
        sheet["rows"] = sheet["rows"][:SHOWN_ROWS]
    return render_template("web/roster_import_preview.html", result=view,
                           titles={s.kind: s.title for s in SHEETS}), status


@bp.get("/roster/import/<string:import_id>")
@roles_required(*IMPORTERS)
def roster_import_preview(import_id: str) -> tuple[str, int]:
    return _preview_page(preview(require_principal(), import_id))


@bp.post("/roster/import/<string:import_id>/commit")
@roles_required(*IMPORTERS)
def roster_import_commit(import_id: str) -> tuple[str, int]:
    try:
        result = commit(require_principal(), import_id)
    except ImportRejected as err:
        flash("导入未执行：文件中有错误，全部未写入。请按下表修改后重新上传。", "error")
        return _preview_page(err.result, 422)
    counts = result.outcome
    flash(f"已导入：新增 {counts.count('new')} 行，修改 {counts.count('changed')} 行，"
          f"无变化 {counts.count('unchanged')} 行。", "ok")
    return _preview_page(result)


@bp.get("/roster/templates/<string:sheet>.xlsx")
@roles_required(*IMPORTERS, *EXPORTERS)
def roster_template(sheet: str) -> Response:
    chosen = list(SHEETS) if sheet == AUTO else [SHEETS_BY_KIND[sheet]] if sheet in SHEETS_BY_KIND else None
    if chosen is None:
        raise NotFound(f"没有名为 {sheet} 的名册模板。")
    name = "名册模板" if sheet == AUTO else f"{chosen[0].title}名册模板"
    return send_file(io.BytesIO(template_workbook(chosen)), mimetype=MIME, as_attachment=True,
                     download_name=f"{name}.xlsx")


@bp.get("/roster/export.xlsx")
@roles_required(*EXPORTERS)
def roster_export() -> Response:
    sheet = request.args.get("sheet") or AUTO
    if sheet != AUTO and sheet not in SHEETS_BY_KIND:
        raise NotFound(f"没有名为 {sheet} 的名册。")
    sheets = list(SHEETS) if sheet == AUTO else [SHEETS_BY_KIND[sheet]]
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    write_export(sheets, out)
    out.seek(0)
    return send_file(out, mimetype=MIME, as_attachment=True,
                     download_name=f"{'名册' if sheet == AUTO else sheets[0].title}.xlsx")

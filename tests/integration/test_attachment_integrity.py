"""A submitted file stays as its history event names it: the code never changes a submitted row or
any file content, PostgreSQL refuses it from any client, and a file swapped behind the service's
back (possible on SQLite by hand) is what `audit verify` reports."""

from __future__ import annotations

import io
import threading

import office_files
import pytest
import sqlalchemy as sa
from command_helpers import request, who
from process_helpers import FS_REQUEST

from service.audit import verify_instance
from service.commands import submit_adjustment
from service.commands.attachments import NewFile
from service.persistence.attachment_store import AttachmentIsKept
from service.persistence.db import db
from service.persistence.models import Attachment, AttachmentBlob

CERTIFICATE = office_files.pdf("diagnosis")


@pytest.fixture(scope="module")
def case(app, clock):  # type: ignore[no-untyped-def]
    with app.app_context():  # the clock: Tuesday 2026-12-01 (tests/conftest.py), before the effective date
        row = submit_adjustment(who("hr_edu"), request(), files=[NewFile("医院诊断证明.pdf", CERTIFICATE)])
        [attachment] = db.session.execute(
            sa.select(Attachment).where(Attachment.instance_id == row.id)).scalars()
        return {"id": row.id, "attachment": attachment.id, "sha256": attachment.sha256}


def test_a_request_with_a_file_verifies(app, case):
    with app.app_context():
        result = verify_instance(case["id"])
        assert (result.ok, result.attachments) == (True, "ok"), result.detail


def test_the_orm_refuses_to_change_a_submitted_file(app, case):
    with app.app_context():
        row = db.session.get(Attachment, case["attachment"])
        row.name = "另一个文件.pdf"
        with pytest.raises(AttachmentIsKept, match="已提交的附件不能修改或删除"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(Attachment, case["attachment"]))
        with pytest.raises(AttachmentIsKept):
            db.session.flush()
        db.session.rollback()
        db.session.get(AttachmentBlob, case["sha256"]).content = b"%PDF-1.4 forged"
        with pytest.raises(AttachmentIsKept, match="附件内容不能修改或删除"):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE attachment_blobs SET content = '\\x00'",
                                       "UPDATE attachments SET name = 'x'", "DELETE FROM attachments",
                                       "TRUNCATE attachment_blobs CASCADE"])
def test_postgresql_refuses_rewriting_files_from_any_client(app, case, backend, statement):
    if backend != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (SQLite relies on the ORM guard)")
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError, match="refused"):
            db.session.connection().exec_driver_sql(statement)
        db.session.rollback()


def test_a_file_swapped_behind_the_service_is_reported_by_verify(app, case, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL refuses the swap itself (test above)")
    with app.app_context():
        db.session.connection().exec_driver_sql(
            "UPDATE attachment_blobs SET content = ? WHERE sha256 = ?", (b"%PDF-1.4 forged", case["sha256"]))
        db.session.commit()
        result = verify_instance(case["id"])
        assert (result.ok, result.chain, result.replay, result.attachments) == (False, "ok", "ok", "mismatch")
        assert result.first_bad_seq == 1
        assert "附件「医院诊断证明.pdf」保存的内容与其 sha256 不符" in result.detail


def test_two_requests_naming_one_upload_at_once_bind_it_once(pg_app, tokens):  # type: ignore[no-untyped-def]
    """Both read the upload pending; the second to bind finds it taken: 409 (or 422 when it read
    after the first committed), never a file submitted twice."""
    headers = {"Authorization": f"Bearer {tokens['hr_edu']}"}
    uploaded = pg_app.test_client().post(
        "/api/v1/attachments", headers=headers, content_type="multipart/form-data",
        data={"file": (io.BytesIO(CERTIFICATE), "证明.pdf")}).get_json()
    bodies = [{**FS_REQUEST, "attachments": [uploaded["id"]]},
              {**FS_REQUEST, "cadre_id": "c-liuyang", "role": "team_member", "nominee_id": "c-zhengkai",
               "attachments": [uploaded["id"]]}]
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def send(body: dict) -> None:
        client = pg_app.test_client()
        barrier.wait()
        statuses.append(client.post("/api/v1/adjustments", headers=headers, json=body).status_code)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) in ([201, 409], [201, 422]), statuses
    with pg_app.app_context():
        row = db.session.get(Attachment, uploaded["id"])
        assert row.event_seq == 1 and row.instance_id is not None

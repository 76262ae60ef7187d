"""Which files a case may carry is told by their content: each accepted kind by its own bytes, a
name that claims another kind refused, Office archives and compound files told apart by what is
inside them, names kept as people wrote them (Chinese included) without paths or control
characters, and the size limit a setting."""

from __future__ import annotations

import office_files
import pytest

from service.config import Settings, SettingsError
from service.core.file_types import check_file, clean_name, size_text, sniff

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize(("content", "kind"), [
    (office_files.pdf(), "pdf"), (office_files.png(), "png"), (office_files.jpeg(), "jpeg"),
    (office_files.docx(), "docx"), (office_files.xlsx(), "xlsx"), (office_files.doc(), "doc"),
    (office_files.xls(), "xls"),
    (b"<html>%PDF-1.4</html>", None),  # a signature further in is not the file's kind
    (b"PK\x03\x04 not really a zip", None), (office_files.ole2("PowerPoint Document"), None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, None),  # a compound file cut short
    (b"", None),
])
def test_kinds_are_told_by_content(content: bytes, kind: str | None) -> None:
    assert sniff(content) == kind


def test_a_zip_that_is_not_an_office_document_is_no_kind() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    assert sniff(buffer.getvalue()) is None


@pytest.mark.parametrize(("raw", "name"), [
    ("县人民医院诊断证明.pdf", "县人民医院诊断证明.pdf"),
    ("C:\\Users\\王芳\\桌面\\会议纪要.docx", "会议纪要.docx"),
    ("../../etc/证明.pdf", "证明.pdf"),
    ("清单\r\n\"x\".xlsx", "清单x.xlsx"),
    (".hidden.pdf", "hidden.pdf"),
    (None, ""),
])
def test_names_are_kept_without_paths_or_unsafe_characters(raw: str | None, name: str) -> None:
    assert clean_name(raw) == name


def test_refusals_say_why_in_chinese() -> None:
    with pytest.raises(ValueError, match="缺少文件名"):
        check_file("", office_files.pdf(), LIMIT)
    with pytest.raises(ValueError, match="文件名过长"):
        check_file("长" * 197 + ".pdf", office_files.pdf(), LIMIT)
    with pytest.raises(ValueError, match="内容是 JPEG 图片，与扩展名 .png 不符"):
        check_file("照片.png", office_files.jpeg(), LIMIT)
    with pytest.raises(ValueError, match="大小为 1.5 KB，超过上限 1 KB"):
        check_file("证明.pdf", office_files.pdf().ljust(1536, b" "), 1024)
    checked = check_file("照片.JPEG", office_files.jpeg(), LIMIT)
    assert (checked.name, checked.kind.key, checked.kind.content_type) == ("照片.JPEG", "jpeg", "image/jpeg")


def test_sizes_read_as_people_read_them() -> None:
    assert [size_text(n) for n in (12, 2048, 1536, LIMIT, 25_000_000)] == [
        "12 字节", "2 KB", "1.5 KB", "20 MB", "23.8 MB"]


def test_the_size_limit_is_a_setting() -> None:
    assert Settings().attachment_max_bytes == LIMIT
    assert Settings.from_env({"CADREFLOW_ATTACHMENT_MAX_BYTES": "1048576"}).attachment_max_bytes == 1048576
    for raw in ("0", "-1", "20MB"):
        with pytest.raises(SettingsError, match="CADREFLOW_ATTACHMENT_MAX_BYTES"):
            Settings.from_env({"CADREFLOW_ATTACHMENT_MAX_BYTES": raw})

"""Which files a case may carry, told by their content (magic bytes), not by their name alone.

A county's cases carry scans and photos (PDF, PNG, JPEG) and office documents (Word and Excel,
old and new formats). The extension a person's computer gave the file must agree with what the
bytes are: a renamed program or a web page saved as ".pdf" is refused. Office Open XML files
(docx, xlsx) are ZIP archives told apart by their main part; the old binary formats (doc, xls) are
OLE2 compound files told apart by their streams. Neither is unpacked: only the archive's directory
is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import olefile


@dataclass(frozen=True)
class FileKind:
    key: str
    content_type: str
    extensions: tuple[str, ...]
    label: str


KINDS: dict[str, FileKind] = {kind.key: kind for kind in (
    FileKind("pdf", "application/pdf", (".pdf",), "PDF 文件"),
    FileKind("png", "image/png", (".png",), "PNG 图片"),
    FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG 图片"),
    FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",),
             "Word 文档（docx）"),
    FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
             "Excel 表格（xlsx）"),
    FileKind("doc", "application/msword", (".doc",), "Word 文档（doc）"),
    FileKind("xls", "application/vnd.ms-excel", (".xls",), "Excel 表格（xls）"),
)}
KIND_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
ACCEPTED_TEXT = "PDF、PNG/JPEG 图片、Word（doc/docx）、Excel（xls/xlsx）"
# The file input's accept attribute: a hint for the picker, never the check.
ACCEPT_ATTRIBUTE = ",".join(sorted(KIND_BY_EXTENSION))

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NAME_LIMIT = 200
# Control characters (a header or a log line must not be split by a file name) and the characters
# Windows refuses in names; a path a browser sent along is cut off before.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole_kind(content: bytes) -> str | None:
    # A file object, never the bytes: olefile takes short bytes for a path on disk.
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            if ole.exists("WordDocument"):
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except Exception:  # a damaged compound file may fail anywhere in olefile's parser: not a kind
        return None
    return None


def sniff(content: bytes) -> str | None:
    """The kind of file `content` is (a KINDS key), or None when it is none of them."""
    if content.startswith(PDF_SIGNATURE):
        return "pdf"
    if content.startswith(PNG_SIGNATURE):
        return "png"
    if content.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if content.startswith(ZIP_SIGNATURE):
        return _zip_kind(content)
    if content.startswith(OLE2_SIGNATURE):
        return _ole_kind(content)
    return None


def size_text(size: int) -> str:
    """A size as people read it (20 MB, 350 KB, 12 字节)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size} 字节"


def clean_name(raw: str | None) -> str:
    """The file's own name as the person gave it (Chinese kept), without a path or unsafe characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    return _UNSAFE.sub("", name).strip().lstrip(".").strip()


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: FileKind
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


def check_file(raw_name: str | None, content: bytes, max_bytes: int) -> CheckedFile:
    """The file if a case may carry it; otherwise ValueError with the reason in Chinese (the
    caller names the field)."""
    name = clean_name(raw_name)
    if not name:
        raise ValueError("缺少文件名。")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"文件名过长：最多 {NAME_LIMIT} 个字符，现为 {len(name)} 个。")
    label = f"「{name}」"
    if not content:
        raise ValueError(f"{label}是空文件。")
    if len(content) > max_bytes:
        size, limit = size_text(len(content)), size_text(max_bytes)
        if size == limit:  # just over: the rounded figures would read alike
            size, limit = f"{len(content)} 字节", f"{max_bytes} 字节"
        raise ValueError(f"{label}大小为 {size}，超过上限 {limit}。")
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = KIND_BY_EXTENSION.get(extension)
    if claimed is None:
        raise ValueError(f"{label}的类型不受支持：只接受 {ACCEPTED_TEXT}。")
    actual = sniff(content)
    if actual is None:
        raise ValueError(f"{label}的内容不是 {claimed.label}（也不是其他受支持的类型），请上传原始文件。")
    if actual != claimed.key:
        raise ValueError(f"{label}的内容是 {KINDS[actual].label}，与扩展名 {extension} 不符。")
    return CheckedFile(name, claimed, content)

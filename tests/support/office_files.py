"""Small real files of each kind a case may carry, made here (no binary fixtures in the repository).

The old Office formats are OLE2 compound files: ole2() writes the smallest valid one, a root and
one stream (WordDocument for a .doc, Workbook for an .xls), laid out as the format describes
([MS-CFB]): header, one FAT sector, one directory sector, then the stream's sectors.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf(text: str = "cadreflow") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
            + f"4 0 obj << /Length {len(body)} >> stream\n".encode() + body
            + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    # Start of image, an APP0 (JFIF) segment, end of image: enough for the signature check.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx(text: str = "交接清单") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f'<?xml version="1.0"?><document>{text}</document>')
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "签字清单"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1 if name else 0)
            + struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\x00" * 36
            + struct.pack("<IQ", start, size))


def ole2(stream: str, size: int = 4096) -> bytes:
    """A compound file holding one stream named `stream` of `size` bytes (at least 4096, so it
    lives in regular sectors and no mini stream is needed)."""
    sectors = -(-size // SECTOR)
    fat = [FAT_SECTOR, END] + [3 + i for i in range(sectors - 1)] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = (OLE2_SIGNATURE + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    directory = (_entry("Root Entry", 5, 1, END, 0) + _entry(stream, 2, NO_STREAM, 2, size)
                 + _entry("", 0, NO_STREAM, 0, 0) * 2)
    data = bytes(i % 251 for i in range(size)).ljust(sectors * SECTOR, b"\x00")
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + data


def doc() -> bytes:
    return ole2("WordDocument")


def xls() -> bytes:
    return ole2("Workbook")
